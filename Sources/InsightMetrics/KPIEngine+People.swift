public import Foundation
public import InsightCore
import InsightStore
import SQLKit

/// One member's numbers over a span of months (`docs/kpis.md`, "People").
public struct MemberKPIs: Sendable, Codable, Equatable {
    public var id: ID<Member>
    public var name: String
    /// `member.available_hours`: for each month the member logged time, weekdays × daily capacity − time-off hours.
    public var availableHours: Hours
    /// Every hour logged.
    public var hours: Hours
    /// `member.client_hours`: hours on tickets, projects and agreements (not internal, not time off).
    public var clientHours: Hours
    /// Hours of work types that count as utilized.
    public var utilizedHours: Hours
    /// Hours of time entries marked billable.
    public var billableHours: Hours
    /// `member.labor_cost`: Σ hours × the entry's hourly cost × its work type's cost multiplier.
    public var laborCost: Money
    /// `member.shadow_billable`: Σ hours × the entry's hourly rate.
    public var shadowBillable: Money
    /// Hours and shadow billable on fixed-fee agreements.
    public var fixedFeeHours: Hours
    public var fixedFeeShadowBillable: Money
    /// `member.fixed_fee_revenue`: each fixed-fee agreement's labor revenue over the span, shared among the members who
    /// worked on it by their hours on it.
    public var fixedFeeRevenue: Money
    /// `member.billable_value`: Σ billed hours × rate of billable entries not on a fixed-fee agreement (T&M, block and
    /// project work, valued as billed).
    public var billableValue: Money
    /// `member.late_entries`: entries entered 72 hours or more after the work ended.
    public var lateEntries: Int

    /// `member.utilization`: utilized hours ÷ available hours.
    public var utilization: Decimal? { availableHours.value > 0 ? utilizedHours.value / availableHours.value : nil }
    /// `member.billable_utilization`: billable hours ÷ available hours (MSPbots).
    public var billableUtilization: Decimal? { availableHours.value > 0 ? billableHours.value / availableHours.value : nil }
    /// `member.realized_utilization`: utilized hours on client work ÷ available hours (MSPbots' realization).
    public var realizedUtilization: Decimal? { availableHours.value > 0 ? realizedHours.value / availableHours.value : nil }
    /// Utilized hours on client work.
    public var realizedHours: Hours
    /// `member.revenue`: fixed-fee revenue + billable value.
    public var revenue: Money { fixedFeeRevenue + billableValue }
    /// `member.effective_rate`: revenue ÷ client hours.
    public var effectiveRate: Money? { clientHours == .zero ? nil : Money(revenue.amount / clientHours.value, revenue.currency) }
    /// `member.efficiency`: fixed-fee revenue ÷ fixed-fee shadow billable (MSPCFO's member efficiency).
    public var efficiency: Decimal? { fixedFeeShadowBillable.isZero ? nil : fixedFeeRevenue.amount / fixedFeeShadowBillable.amount }
}

extension KPIEngine {
    /// Every member who logged time in `first`…`last`, by name then id. Hours, capacity, utilization and cost come
    /// from the labor rollup; rates, billable state and agreements from one grouped scan of the span's time entries.
    public func memberKPIs(from first: YearMonth, to last: YearMonth) async throws -> [MemberKPIs] {
        try await refreshLaborRollup()
        let tenant = tenant.id.rawValue
        var members: [String: MemberKPIs] = [:]
        func member(_ id: String) -> MemberKPIs {
            members[id] ?? MemberKPIs(
                id: ID(id), name: id, availableHours: .zero, hours: .zero, clientHours: .zero, utilizedHours: .zero, billableHours: .zero,
                laborCost: zero, shadowBillable: zero, fixedFeeHours: .zero, fixedFeeShadowBillable: zero, fixedFeeRevenue: zero,
                billableValue: zero, lateEntries: 0, realizedHours: .zero)
        }

        // Hours, cost and capacity by member and month, from the rollup.
        var capacity: [String: Decimal] = [:]
        var monthsWorked: [String: Set<Int>] = [:]
        for row in try await query("""
            SELECT r.member_id AS member, r.month, r.labor_class AS class, r.hourly_cost_micros AS cost,
                   COALESCE(w.cost_multiplier_micros, 1000000) AS multiplier,
                   CASE WHEN \(unsafeRaw: ClassificationSQL.workClass("w")) IN ('billable', 'nonBillable') THEN 1 ELSE 0 END AS utilized, CASE WHEN r.labor_class = 'timeOff' THEN 1 ELSE 0 END AS time_off,
                   m.daily_capacity_micros AS capacity, COALESCE(m.name, r.member_id) AS name,
                   CAST(COALESCE(SUM(r.hours_micros), 0) AS BIGINT) AS hours
            FROM labor_rollups r
            LEFT JOIN work_types w ON w.tenant_id = r.tenant_id AND w.source = r.source AND w.source_id = r.work_type_id
                AND w.deleted_at_ms IS NULL
            LEFT JOIN members m ON m.tenant_id = r.tenant_id AND m.source = r.source AND m.source_id = r.member_id
            WHERE r.tenant_id = \(bind: tenant) AND r.month BETWEEN \(bind: first.yyyymm) AND \(bind: last.yyyymm)
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
            """) {
            let id = try row.decode(column: "member", as: String.self)
            var kpis = member(id)
            kpis.name = try row.decode(column: "name", as: String.self)
            let hours = FixedPoint.decimal(micros: try row.decode(column: "hours", as: Int64.self))
            let cost = try row.decode(column: "cost", as: Int64?.self).map(FixedPoint.decimal(micros:)) ?? 0
            let multiplier = FixedPoint.decimal(micros: try row.decode(column: "multiplier", as: Int64.self))
            let client = !["internal", "timeOff"].contains(try row.decode(column: "class", as: String.self))
            let utilized = try row.decode(column: "utilized", as: Int64.self) == 1
            kpis.hours += Hours(hours)
            kpis.laborCost += Money(hours * cost * multiplier, currency)
            if client { kpis.clientHours += Hours(hours) }
            if utilized { kpis.utilizedHours += Hours(hours) }
            if utilized && client { kpis.realizedHours += Hours(hours) }
            if try row.decode(column: "time_off", as: Int64.self) == 1 { kpis.availableHours -= Hours(hours) }
            members[id] = kpis
            monthsWorked[id, default: []].insert(Int(try row.decode(column: "month", as: Int64.self)))
            capacity[id] = try row.decode(column: "capacity", as: Int64?.self).map(FixedPoint.decimal(micros:)) ?? 0
        }
        for (id, months) in monthsWorked {
            let weekdays = months.compactMap { YearMonth(year: $0 / 100, month: $0 % 100) }.reduce(0) { $0 + $1.days.filter { !$0.isWeekend }.count }
            members[id]?.availableHours += Hours((capacity[id] ?? 0) * Decimal(weekdays))
        }

        // Rates, billable state and fixed-fee work, from one grouped scan of the span's entries.
        let (firstDay, lastDay) = (first.firstDay.yyyymmdd, last.lastDay.yyyymmdd)
        for row in try await query("""
            SELECT t.member_id AS member, t.hourly_rate_micros AS rate,
                   CASE WHEN t.agreement_id IS NOT NULL AND (t.source, t.agreement_id) IN (
                       SELECT source, source_id FROM agreements
                       WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND \(unsafeRaw: ClassificationSQL.agreementClass("agreements")) = 'fixedFee') THEN 1 ELSE 0 END AS fixed_fee,
                   CAST(COALESCE(SUM(t.actual_hours_micros), 0) AS BIGINT) AS hours,
                   CAST(COALESCE(SUM(CASE WHEN t.billable_option = 'billable' THEN t.actual_hours_micros ELSE 0 END), 0) AS BIGINT) AS billable,
                   CAST(COALESCE(SUM(CASE WHEN t.billable_option = 'billable' THEN t.billed_hours_micros ELSE 0 END), 0) AS BIGINT) AS billed,
                   CAST(COALESCE(SUM(CASE WHEN t.entered_at_ms - COALESCE(t.end_at_ms, t.start_at_ms) >= \(bind: Self.lateEntryMilliseconds)
                        THEN 1 ELSE 0 END), 0) AS BIGINT) AS late
            FROM time_entries t
            WHERE t.tenant_id = \(bind: tenant) AND t.deleted_at_ms IS NULL AND t.work_date BETWEEN \(bind: firstDay) AND \(bind: lastDay)
            GROUP BY 1, 2, 3
            """) {
            let id = try row.decode(column: "member", as: String.self)
            var kpis = member(id)
            let rate = try row.decode(column: "rate", as: Int64?.self).map(FixedPoint.decimal(micros:)) ?? 0
            let hours = FixedPoint.decimal(micros: try row.decode(column: "hours", as: Int64.self))
            let fixedFee = try row.decode(column: "fixed_fee", as: Int64.self) == 1
            kpis.shadowBillable += Money(hours * rate, currency)
            kpis.billableHours += Hours(FixedPoint.decimal(micros: try row.decode(column: "billable", as: Int64.self)))
            kpis.lateEntries += Int(try row.decode(column: "late", as: Int64.self))
            if fixedFee {
                kpis.fixedFeeHours += Hours(hours)
                kpis.fixedFeeShadowBillable += Money(hours * rate, currency)
            } else {
                kpis.billableValue += Money(FixedPoint.decimal(micros: try row.decode(column: "billed", as: Int64.self)) * rate, currency)
            }
            members[id] = kpis
        }

        // Each fixed-fee agreement's labor revenue, shared by hours.
        let revenue = try await amounts("""
            SELECT i.agreement_id AS id, CAST(COALESCE(SUM(i.subtotal_micros), 0) AS BIGINT) AS amount FROM invoices i
            JOIN agreements a ON a.tenant_id = i.tenant_id AND a.source = i.source AND a.source_id = i.agreement_id
                AND a.deleted_at_ms IS NULL AND \(unsafeRaw: ClassificationSQL.agreementClass("a")) = 'fixedFee'
            WHERE i.tenant_id = \(bind: tenant) AND i.deleted_at_ms IS NULL AND i.invoice_date BETWEEN \(bind: firstDay) AND \(bind: lastDay)
            GROUP BY i.agreement_id
            """)
        let productValue = try await additionTotals(from: first, to: last).mapValues(\.productValue)
        var hoursByAgreement: [String: [(member: String, hours: Decimal)]] = [:]
        for row in try await query("""
            SELECT t.agreement_id AS agreement, t.member_id AS member, CAST(COALESCE(SUM(t.actual_hours_micros), 0) AS BIGINT) AS hours
            FROM time_entries t
            WHERE t.tenant_id = \(bind: tenant) AND t.deleted_at_ms IS NULL AND t.work_date BETWEEN \(bind: firstDay) AND \(bind: lastDay)
              AND t.agreement_id IS NOT NULL AND (t.source, t.agreement_id) IN (
                  SELECT source, source_id FROM agreements WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND \(unsafeRaw: ClassificationSQL.agreementClass("agreements")) = 'fixedFee')
            GROUP BY 1, 2
            """) {
            hoursByAgreement[try row.decode(column: "agreement", as: String.self), default: []].append(
                (try row.decode(column: "member", as: String.self), FixedPoint.decimal(micros: try row.decode(column: "hours", as: Int64.self))))
        }
        // In a fixed order: the shares are quotients, and Decimal sums of them depend on the order of addition.
        for (agreement, shares) in hoursByAgreement.sorted(by: { $0.key < $1.key }) {
            let total = shares.reduce(Decimal(0)) { $0 + $1.hours }
            guard total > 0 else { continue }
            let laborRevenue = (revenue[agreement] ?? 0) - (productValue[agreement] ?? 0)
            for share in shares.sorted(by: { $0.member < $1.member }) {
                members[share.member]?.fixedFeeRevenue += Money(laborRevenue * share.hours / total, currency)
            }
        }
        return members.values.sorted { ($0.name, $0.id.rawValue) < ($1.name, $1.id.rawValue) }
    }
}
