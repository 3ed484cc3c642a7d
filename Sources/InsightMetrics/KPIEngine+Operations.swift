import Foundation
import InsightCore
import InsightStore
import SQLKit

/// Unbilled labor, fixed-fee efficiency, billable hours and time-entry lag by month. One scan of the span's time
/// entries, grouped by month, hourly rate and whether the entry names a fixed-fee agreement, returns a few rows per
/// rate; the fixed-fee product value comes from the (small) additions table.
extension KPIEngine {
    /// A time entry counts as late from this long after the work ended (as the `lateTimeEntries` health check).
    static let lateEntryMilliseconds: Int64 = 72 * 3_600_000

    func timeByMonth(_ months: [YearMonth]) async throws -> [YearMonth: TimeMonth] {
        let (tenant, first, last) = (tenant.id.rawValue, months[0].firstDay.yyyymmdd, months[months.count - 1].lastDay.yyyymmdd)
        // The agreements and fixed-fee projects are few: `IN` sets, built once, are cheaper on SQLite than joining every
        // time entry to its agreement and project. An entry is unbilled when billable, on no invoice and not covered by
        // a fixed-fee, licence or block agreement or a fixed-fee project.
        let rows = try await query("""
            SELECT t.work_date / 100 AS month, t.hourly_rate_micros AS rate,
                   CASE WHEN t.agreement_id IS NOT NULL AND (t.source, t.agreement_id) IN (
                       SELECT source, source_id FROM agreements
                       WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND \(unsafeRaw: ClassificationSQL.agreementClass("agreements")) = 'fixedFee') THEN 1 ELSE 0 END AS fixed_fee,
                   CAST(COALESCE(SUM(CASE WHEN t.billable_option = 'billable' AND t.invoice_id IS NULL
                       AND (t.agreement_id IS NULL OR (t.source, t.agreement_id) NOT IN (
                           SELECT source, source_id FROM agreements
                           WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND \(unsafeRaw: ClassificationSQL.agreementClass("agreements")) IN ('fixedFee', 'licenseResale', 'blockHours')))
                       AND (t.project_id IS NULL OR (t.source, t.project_id) NOT IN (
                           SELECT source, source_id FROM projects
                           WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND billing_method = 'fixedFee'))
                       THEN t.billed_hours_micros ELSE 0 END), 0) AS BIGINT) AS unbilled,
                   COUNT(*) AS entries,
                   CAST(COALESCE(SUM(t.actual_hours_micros), 0) AS BIGINT) AS hours,
                   CAST(COALESCE(SUM(CASE WHEN t.billable_option = 'billable' THEN t.actual_hours_micros ELSE 0 END), 0) AS BIGINT) AS billable,
                   CAST(COALESCE(SUM(t.entered_at_ms - COALESCE(t.end_at_ms, t.start_at_ms)), 0) AS BIGINT) AS lag_ms,
                   CAST(COALESCE(SUM(CASE WHEN t.entered_at_ms - COALESCE(t.end_at_ms, t.start_at_ms) >= \(bind: Self.lateEntryMilliseconds)
                        THEN 1 ELSE 0 END), 0) AS BIGINT) AS late
            FROM time_entries t
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
            time.billableHours += FixedPoint.decimal(micros: try row.decode(column: "billable", as: Int64.self))
            let unbilled = FixedPoint.decimal(micros: try row.decode(column: "unbilled", as: Int64.self))
            time.unbilledHours += unbilled
            time.unbilledValue += unbilled * (try row.decode(column: "rate", as: Int64?.self).map(FixedPoint.decimal(micros:)) ?? 0)
            if try row.decode(column: "fixed_fee", as: Int64.self) == 1 {
                let hours = FixedPoint.decimal(micros: try row.decode(column: "hours", as: Int64.self))
                time.fixedFeeHours += hours
                if let rate = try row.decode(column: "rate", as: Int64?.self) { time.fixedFeeShadowBillable += hours * FixedPoint.decimal(micros: rate) }
            }
            result[month] = time
        }
        return result
    }

    /// Per month, over the additions in force on the 1st of fixed-fee and licence agreements in force that day: Σ
    /// quantity × unit cost, and Σ product value (``componentRules``, fixed-fee agreements only: what the month's
    /// fixed-fee revenue owes to products).
    func additionsByMonth(_ months: [YearMonth]) async throws -> [YearMonth: (cost: Decimal, fixedFeeProductValue: Decimal, users: Decimal)] {
        let tenant = tenant.id.rawValue
        let rows = try await query("""
            SELECT \(unsafeRaw: ClassificationSQL.agreementClass("a")) AS billing_model, a.start_date, a.end_date, a.cancelled_date, d.unit_price_micros AS price, d.quantity_micros AS quantity,
                   \(unsafeRaw: ClassificationSQL.additionClass("d")) AS line_class,
                   d.unit_cost_micros AS cost, d.effective_date, d.cancelled_date AS line_cancelled
            FROM agreement_additions d
            JOIN agreements a ON a.tenant_id = d.tenant_id AND a.source = d.source AND a.source_id = d.agreement_id AND a.deleted_at_ms IS NULL
            WHERE d.tenant_id = \(bind: tenant) AND d.deleted_at_ms IS NULL AND \(unsafeRaw: ClassificationSQL.agreementClass("a")) IN ('fixedFee', 'licenseResale')
            """)
        var result: [YearMonth: (cost: Decimal, fixedFeeProductValue: Decimal, users: Decimal)] = [:]
        for row in rows {
            let window = try AgreementWindow(row)
            guard let effective = CalendarDate(yyyymmdd: Int(try row.decode(column: "effective_date", as: Int64.self))) else { continue }
            let lineCancelled = try row.decode(column: "line_cancelled", as: Int64?.self).flatMap { CalendarDate(yyyymmdd: Int($0)) }
            let quantity = FixedPoint.decimal(micros: try row.decode(column: "quantity", as: Int64.self))
            let unitCost = try row.decode(column: "cost", as: Int64?.self).map(FixedPoint.decimal(micros:))
            let fixedFee = try row.decode(column: "billing_model", as: String.self) == Agreement.BillingModel.fixedFee.rawValue
            // Billed users: lines of fixed-fee agreements whose product the classification says bills users.
            let lineClass = try row.decode(column: "line_class", as: String.self)
            let billsUsers = fixedFee && lineClass == AdditionClass.perUser.rawValue
            let value = fixedFee
                ? componentRules.productValue(
                    quantity: quantity, unitPrice: FixedPoint.decimal(micros: try row.decode(column: "price", as: Int64.self)), unitCost: unitCost)
                : 0
            for month in months {
                let day = month.firstDay
                guard window.inForce(on: day), effective <= day, lineCancelled.map({ day < $0 }) ?? true else { continue }
                result[month, default: (0, 0, 0)].cost += quantity * (unitCost ?? 0)
                result[month, default: (0, 0, 0)].fixedFeeProductValue += value
                if billsUsers { result[month, default: (0, 0, 0)].users += quantity }
            }
        }
        return result
    }

    /// Per month, Σ quantity × unit cost of product lines on invoices dated in the month (summed per distinct pair in SQL).
    func productCostByMonth(_ months: [YearMonth]) async throws -> [YearMonth: Decimal] {
        let (tenant, first, last) = (tenant.id.rawValue, months[0].firstDay.yyyymmdd, months[months.count - 1].lastDay.yyyymmdd)
        var result: [YearMonth: Decimal] = [:]
        for row in try await query("""
            SELECT i.invoice_date / 100 AS month, p.quantity_micros AS quantity, p.unit_cost_micros AS cost, COUNT(*) AS lines
            FROM product_lines p
            JOIN invoices i ON i.tenant_id = p.tenant_id AND i.source = p.source AND i.source_id = p.invoice_id AND i.deleted_at_ms IS NULL
            WHERE p.tenant_id = \(bind: tenant) AND p.deleted_at_ms IS NULL AND p.unit_cost_micros IS NOT NULL
              AND i.invoice_date BETWEEN \(bind: first) AND \(bind: last)
            GROUP BY 1, 2, 3
            """) {
            result[try yearMonth(row, "month"), default: 0] += FixedPoint.decimal(micros: try row.decode(column: "quantity", as: Int64.self))
                * FixedPoint.decimal(micros: try row.decode(column: "cost", as: Int64.self)) * Decimal(try row.decode(column: "lines", as: Int64.self))
        }
        return result
    }
}

/// A month of time entries: how many, their total lag, how many were late, billable hours, and the hours and shadow
/// billable of fixed-fee agreements.
struct TimeMonth {
    var count = 0
    var lagMilliseconds: Int64 = 0
    var late = 0
    var fixedFeeShadowBillable = Decimal(0)
    var fixedFeeHours = Decimal(0)
    var billableHours = Decimal(0)
    var unbilledHours = Decimal(0)
    var unbilledValue = Decimal(0)
}
