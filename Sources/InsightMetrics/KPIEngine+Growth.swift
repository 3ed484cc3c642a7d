import Foundation
import InsightCore
import InsightStore
import SQLKit

/// The MRR bridge, revenue concentration and ticket flow (closed, same day, medians) by month.
/// Each is one query for the whole span that returns a row or two per month: the per-client and per-ticket work
/// (grouping, ranking, medians) runs in SQL.
extension KPIEngine {
    // MARK: Recurring revenue

    /// Per month: MRR by company this month and the month before, compared company by company in SQL.
    func mrrBridgeByMonth(_ months: [YearMonth]) async throws -> [YearMonth: MRRBridge] {
        let tenant = tenant.id.rawValue
        // The first month's bridge starts from the month before it.
        let (firstDay, lastDay) = (months[0].advanced(by: -1).firstDay.yyyymmdd, months[months.count - 1].lastDay.yyyymmdd)
        let (first, last) = (months[0].yyyymm, months[months.count - 1].yyyymm)
        let rows = try await query("""
            WITH company_mrr AS (
                SELECT i.invoice_date / 100 AS month, i.company_id AS company, SUM(i.subtotal_micros) AS mrr
                FROM invoices i
                JOIN agreements a ON a.tenant_id = i.tenant_id AND a.source = i.source AND a.source_id = i.agreement_id
                    AND a.deleted_at_ms IS NULL
                WHERE i.tenant_id = \(bind: tenant) AND i.deleted_at_ms IS NULL AND i.kind = 'agreement'
                  AND \(unsafeRaw: ClassificationSQL.agreementClass("a")) IN ('fixedFee', 'licenseResale')
                  AND i.invoice_date BETWEEN \(bind: firstDay) AND \(bind: lastDay)
                GROUP BY 1, 2
            ), both_months AS (
                SELECT month, company, mrr AS now_mrr, 0 AS before_mrr FROM company_mrr
                UNION ALL
                SELECT CASE WHEN month % 100 = 12 THEN month + 89 ELSE month + 1 END, company, 0, mrr FROM company_mrr
            ), changes AS (
                SELECT month, company, SUM(now_mrr) AS now_mrr, SUM(before_mrr) AS before_mrr FROM both_months GROUP BY 1, 2
            )
            SELECT month,
                   CAST(SUM(before_mrr) AS BIGINT) AS start_mrr,
                   CAST(SUM(now_mrr) AS BIGINT) AS end_mrr,
                   CAST(SUM(CASE WHEN before_mrr = 0 AND now_mrr <> 0 THEN now_mrr ELSE 0 END) AS BIGINT) AS new_mrr,
                   CAST(SUM(CASE WHEN before_mrr = 0 AND now_mrr <> 0 THEN 1 ELSE 0 END) AS BIGINT) AS new_clients,
                   CAST(SUM(CASE WHEN before_mrr <> 0 AND now_mrr <> 0 AND now_mrr > before_mrr THEN now_mrr - before_mrr ELSE 0 END)
                        AS BIGINT) AS expansion,
                   CAST(SUM(CASE WHEN before_mrr <> 0 AND now_mrr <> 0 AND now_mrr < before_mrr THEN before_mrr - now_mrr ELSE 0 END)
                        AS BIGINT) AS contraction,
                   CAST(SUM(CASE WHEN before_mrr <> 0 AND now_mrr = 0 THEN before_mrr ELSE 0 END) AS BIGINT) AS churn,
                   CAST(SUM(CASE WHEN before_mrr <> 0 AND now_mrr = 0 THEN 1 ELSE 0 END) AS BIGINT) AS churned_clients,
                   CAST(SUM(CASE WHEN now_mrr <> 0 THEN 1 ELSE 0 END) AS BIGINT) AS clients
            FROM changes
            WHERE month BETWEEN \(bind: first) AND \(bind: last)
            GROUP BY month
            """)
        var result: [YearMonth: MRRBridge] = [:]
        for row in rows {
            func money(_ column: String) throws -> Money { Money(FixedPoint.decimal(micros: try row.decode(column: column, as: Int64.self)), currency) }
            result[try yearMonth(row, "month")] = MRRBridge(
                start: try money("start_mrr"), new: try money("new_mrr"), expansion: try money("expansion"),
                contraction: try money("contraction"), churn: try money("churn"), end: try money("end_mrr"),
                newClients: Int(try row.decode(column: "new_clients", as: Int64.self)),
                churnedClients: Int(try row.decode(column: "churned_clients", as: Int64.self)),
                clients: Int(try row.decode(column: "clients", as: Int64.self)))
        }
        return result
    }

    /// Per month: the revenue of the top 1, 5 and 10 companies (ranked in SQL) and the month's total.
    func concentrationByMonth(_ months: [YearMonth]) async throws -> [YearMonth: Concentration] {
        let (tenant, first, last) = (tenant.id.rawValue, months[0].firstDay.yyyymmdd, months[months.count - 1].lastDay.yyyymmdd)
        let rows = try await query("""
            WITH company_revenue AS (
                SELECT invoice_date / 100 AS month, company_id, SUM(subtotal_micros) AS revenue FROM invoices
                WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND invoice_date BETWEEN \(bind: first) AND \(bind: last)
                GROUP BY 1, 2
            ), ranked AS (
                SELECT month, revenue, ROW_NUMBER() OVER (PARTITION BY month ORDER BY revenue DESC, company_id) AS place
                FROM company_revenue
            )
            SELECT month,
                   CAST(SUM(CASE WHEN place <= 1 THEN revenue ELSE 0 END) AS BIGINT) AS top1,
                   CAST(SUM(CASE WHEN place <= 5 THEN revenue ELSE 0 END) AS BIGINT) AS top5,
                   CAST(SUM(CASE WHEN place <= 10 THEN revenue ELSE 0 END) AS BIGINT) AS top10,
                   CAST(SUM(revenue) AS BIGINT) AS total
            FROM ranked GROUP BY month
            """)
        var result: [YearMonth: Concentration] = [:]
        for row in rows {
            func amount(_ column: String) throws -> Decimal { FixedPoint.decimal(micros: try row.decode(column: column, as: Int64.self)) }
            let total = try amount("total")
            guard total != 0 else { continue }
            result[try yearMonth(row, "month")] = Concentration(
                top1: try amount("top1") / total, top5: try amount("top5") / total, top10: try amount("top10") / total)
        }
        return result
    }

    // MARK: Ticket flow

    /// `CASE` putting a timestamp column into its month of `months` (cut at midnight in the MSP's time zone), and
    /// the span's bounds.
    func monthBucket(_ column: String, _ months: [YearMonth]) -> (sql: String, start: Int64, end: Int64) {
        let bounds = (months + [months[months.count - 1].advanced(by: 1)]).map { $0.firstDay.start(in: timeZone).rawValue }
        var bucket = "CASE"
        for (index, month) in months.enumerated() { bucket += " WHEN \(column) < \(bounds[index + 1]) THEN \(month.yyyymm)" }
        return (bucket + " END", bounds[0], bounds[bounds.count - 1])
    }

    /// Per month: tickets closed, tickets created and closed the same local day, and the median first response
    /// and resolution of reactive tickets (the middle one or two durations, picked in SQL); `tickets` holds the
    /// month's counts of responded and resolved reactive tickets.
    func ticketFlowByMonth(_ months: [YearMonth], tickets: [YearMonth: TicketMonth]) async throws -> [YearMonth: TicketFlow] {
        let tenant = tenant.id.rawValue
        var result: [YearMonth: TicketFlow] = [:]

        let closed = monthBucket("closed_at_ms", months)
        for row in try await query("""
            SELECT \(unsafeRaw: closed.sql) AS month, COUNT(*) AS closed FROM tickets
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL
              AND closed_at_ms >= \(bind: closed.start) AND closed_at_ms < \(bind: closed.end)
            GROUP BY 1
            """) {
            result[try yearMonth(row, "month"), default: TicketFlow()].closed = Int(try row.decode(column: "closed", as: Int64.self))
        }

        // Each local day of the span with its bounds: a ticket closed the day it was created closes before its day ends.
        // `days CROSS JOIN tickets` makes SQLite loop over the days and range-scan the tickets' creation index; the
        // unary `+` keeps it off `tickets_by_closed` (without ANALYZE statistics it would scan that range per day).
        var days: [String] = []
        for month in months {
            for day in month.days {
                days.append("(\(month.yyyymm), \(day.start(in: timeZone).rawValue), \(day.adding(days: 1).start(in: timeZone).rawValue))")
            }
        }
        for row in try await query("""
            WITH days(month, day_start, day_end) AS (VALUES \(unsafeRaw: days.joined(separator: ", ")))
            SELECT CAST(d.month AS BIGINT) AS month, COUNT(*) AS same_day
            FROM days d CROSS JOIN tickets t
            WHERE t.created_at_ms >= d.day_start AND t.created_at_ms < d.day_end AND t.tenant_id = \(bind: tenant) AND t.deleted_at_ms IS NULL
              AND +t.closed_at_ms < d.day_end
              AND t.created_at_ms >= \(bind: closed.start) AND t.created_at_ms < \(bind: closed.end)
            GROUP BY 1
            """) {
            result[try yearMonth(row, "month"), default: TicketFlow()].sameDay = Int(try row.decode(column: "same_day", as: Int64.self))
        }

        // Medians: the month's count is known (`ticketsByMonth` counts the same tickets), so the middle one or two
        // durations are `ORDER BY … LIMIT 1 or 2 OFFSET ⌊(n − 1) ÷ 2⌋` within the month: one subquery per month and
        // measure, joined by UNION ALL into one statement (window functions were 6× slower on SQLite).
        let bounds = (months + [months[months.count - 1].advanced(by: 1)]).map { $0.firstDay.start(in: timeZone).rawValue }
        var middles: [SQLQueryString] = []
        for (index, month) in months.enumerated() {
            let counts = tickets[month] ?? TicketMonth()
            for (measure, column, count) in [(1, "first_response_at_ms", counts.responses), (2, "resolved_at_ms", counts.resolutions)]
            where count > 0 {
                let (limit, offset) = count % 2 == 1 ? (1, (count - 1) / 2) : (2, count / 2 - 1)
                middles.append("""
                    SELECT \(unsafeRaw: "\(month.yyyymm)") AS month, \(unsafeRaw: "\(measure)") AS measure, ms FROM (
                        SELECT \(unsafeRaw: column) - created_at_ms AS ms FROM tickets
                        WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND \(unsafeRaw: ClassificationSQL.ticketClass("tickets")) = 'reactive'
                          AND \(unsafeRaw: column) IS NOT NULL
                          AND created_at_ms >= \(bind: bounds[index]) AND created_at_ms < \(bind: bounds[index + 1])
                        ORDER BY ms LIMIT \(unsafeRaw: "\(limit)") OFFSET \(unsafeRaw: "\(offset)")
                    ) AS middle
                    """)
            }
        }
        guard !middles.isEmpty else { return result }
        for row in try await query("""
            SELECT CAST(month AS BIGINT) AS month, CAST(measure AS BIGINT) AS measure,
                   CAST(SUM(ms) AS BIGINT) AS middle, COUNT(*) AS middle_count
            FROM (\(middles.joined(separator: " UNION ALL "))) AS medians
            GROUP BY 1, 2
            """) {
            let month = try yearMonth(row, "month")
            let middle = Decimal(try row.decode(column: "middle", as: Int64.self))
            let minutes = middle / Decimal(try row.decode(column: "middle_count", as: Int64.self)) / 60_000
            if try row.decode(column: "measure", as: Int64.self) == 1 {
                result[month, default: TicketFlow()].medianFirstResponseMinutes = minutes
            } else {
                result[month, default: TicketFlow()].medianResolutionMinutes = minutes
            }
        }
        return result
    }
}

struct Concentration {
    var top1: Decimal?, top5: Decimal?, top10: Decimal?
}

struct TicketFlow {
    var closed = 0
    var sameDay = 0
    var medianFirstResponseMinutes: Decimal?
    var medianResolutionMinutes: Decimal?
}
