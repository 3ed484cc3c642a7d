import Foundation
import InsightCore
import InsightStore
import SQLKit

/// Fixed-fee efficiency and time-entry lag by month. One scan of the span's time entries, grouped by month, hourly
/// rate and whether the entry names a fixed-fee agreement, returns a few rows per rate; the fixed-fee product value
/// comes from the (small) additions table.
extension KPIEngine {
    /// A time entry counts as late from this long after the work ended (as the `lateTimeEntries` health check).
    static let lateEntryMilliseconds: Int64 = 72 * 3_600_000

    func timeByMonth(_ months: [YearMonth]) async throws -> [YearMonth: TimeMonth] {
        let (tenant, first, last) = (tenant.id.rawValue, months[0].firstDay.yyyymmdd, months[months.count - 1].lastDay.yyyymmdd)
        let rows = try await query("""
            SELECT t.work_date / 100 AS month, t.hourly_rate_micros AS rate,
                   CASE WHEN a.billing_model = 'fixedFee' THEN 1 ELSE 0 END AS fixed_fee,
                   COUNT(*) AS entries,
                   CAST(COALESCE(SUM(t.actual_hours_micros), 0) AS BIGINT) AS hours,
                   CAST(COALESCE(SUM(t.entered_at_ms - COALESCE(t.end_at_ms, t.start_at_ms)), 0) AS BIGINT) AS lag_ms,
                   CAST(COALESCE(SUM(CASE WHEN t.entered_at_ms - COALESCE(t.end_at_ms, t.start_at_ms) >= \(bind: Self.lateEntryMilliseconds)
                        THEN 1 ELSE 0 END), 0) AS BIGINT) AS late
            FROM time_entries t
            LEFT JOIN agreements a ON a.tenant_id = t.tenant_id AND a.source = t.source AND a.source_id = t.agreement_id
                AND a.deleted_at_ms IS NULL
            WHERE t.tenant_id = \(bind: tenant) AND t.deleted_at_ms IS NULL AND t.work_date BETWEEN \(bind: first) AND \(bind: last)
            GROUP BY 1, 2, 3
            """)
        var result: [YearMonth: TimeMonth] = [:]
        for row in rows {
            let month = try yearMonth(row, "month")
            var time = result[month] ?? TimeMonth()
            time.count += Int(try row.decode(column: "entries", as: Int64.self))
            time.lagMilliseconds += try row.decode(column: "lag_ms", as: Int64.self)
            time.late += Int(try row.decode(column: "late", as: Int64.self))
            if try row.decode(column: "fixed_fee", as: Int64.self) == 1, let rate = try row.decode(column: "rate", as: Int64?.self) {
                time.fixedFeeShadowBillable += FixedPoint.decimal(micros: try row.decode(column: "hours", as: Int64.self))
                    * FixedPoint.decimal(micros: rate)
            }
            result[month] = time
        }
        return result
    }

    /// Per month, Σ product value (``componentRules``) of the additions in force on the 1st of fixed-fee agreements in
    /// force that day: what the month's fixed-fee revenue owes to products.
    func fixedFeeProductValueByMonth(_ months: [YearMonth]) async throws -> [YearMonth: Decimal] {
        let tenant = tenant.id.rawValue
        let rows = try await query("""
            SELECT a.start_date, a.end_date, a.cancelled_date, d.unit_price_micros AS price, d.quantity_micros AS quantity,
                   d.unit_cost_micros AS cost, d.effective_date, d.cancelled_date AS line_cancelled
            FROM agreement_additions d
            JOIN agreements a ON a.tenant_id = d.tenant_id AND a.source = d.source AND a.source_id = d.agreement_id AND a.deleted_at_ms IS NULL
            WHERE d.tenant_id = \(bind: tenant) AND d.deleted_at_ms IS NULL AND a.billing_model = 'fixedFee'
            """)
        var result: [YearMonth: Decimal] = [:]
        for row in rows {
            let window = try AgreementWindow(row)
            guard let effective = CalendarDate(yyyymmdd: Int(try row.decode(column: "effective_date", as: Int64.self))) else { continue }
            let lineCancelled = try row.decode(column: "line_cancelled", as: Int64?.self).flatMap { CalendarDate(yyyymmdd: Int($0)) }
            let value = componentRules.productValue(
                quantity: FixedPoint.decimal(micros: try row.decode(column: "quantity", as: Int64.self)),
                unitPrice: FixedPoint.decimal(micros: try row.decode(column: "price", as: Int64.self)),
                unitCost: try row.decode(column: "cost", as: Int64?.self).map(FixedPoint.decimal(micros:)))
            for month in months {
                let day = month.firstDay
                if window.inForce(on: day), effective <= day, lineCancelled.map({ day < $0 }) ?? true { result[month, default: 0] += value }
            }
        }
        return result
    }
}

/// A month of time entries: how many, their total lag, how many were late, and the fixed-fee shadow billable.
struct TimeMonth {
    var count = 0
    var lagMilliseconds: Int64 = 0
    var late = 0
    var fixedFeeShadowBillable = Decimal(0)
}
