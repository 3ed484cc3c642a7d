public import Foundation
public import InsightCore
import InsightStore
import SQLKit

/// Numbers that exist only at one instant, as last synced: the PSA keeps an invoice's current balance (not its
/// payment history), an opportunity's current stage and a project's current hours, so none of these can be
/// rebuilt for a past month. See `docs/kpis.md`, "Position".
public struct BusinessPosition: Sendable, Codable, Equatable {
    public var asOf: CalendarDate
    /// `ar.balance`: Σ open balances of invoices dated on or before `asOf`.
    public var receivables: Money
    /// Σ invoice totals (with tax; credit memos negative) dated in the 90 days ending on `asOf`.
    public var billedLast90Days: Money
    /// `dso`: receivables ÷ billed in the last 90 days × 90; `nil` when nothing was billed.
    public var daysSalesOutstanding: Decimal?
    /// `pipeline.deals`: open opportunities.
    public var openDeals: Int
    /// `pipeline`: Σ over open opportunities of one-time value + 12 × monthly recurring value.
    public var pipeline: Money
    /// `pipeline.weighted`: Σ of the same values × each opportunity's probability.
    public var weightedPipeline: Money
    /// Open projects with a budget, and their budget and actual hours.
    public var openProjects: Int
    public var projectBudgetHours: Hours
    public var projectActualHours: Hours
    /// `projects.budget_burn`: Σ actual ÷ Σ budget hours of open projects with a budget.
    public var budgetBurn: Decimal?
    /// `projects.over_budget`: open projects whose actual hours exceed their budget, by id.
    public var overBudgetProjects: [ID<Project>]
    /// `tickets.backlog`: open tickets created on or before `asOf`, by age in calendar days (MSP's time zone) on
    /// `asOf`, keyed by the names of ``backlogBuckets`` (every bucket present).
    public var ticketBacklog: [String: Int]
    /// `tickets.open`: Σ of the backlog.
    public var openTickets: Int { ticketBacklog.values.reduce(0, +) }
    /// `tickets.open_over_30_days`: open tickets more than 30 days old.
    public var ticketsOpenOver30Days: Int { (ticketBacklog["31-60"] ?? 0) + (ticketBacklog["61+"] ?? 0) }

    /// The backlog's age buckets, youngest first, with the greatest age in days each holds (`nil`: no limit).
    public static let backlogBuckets: [(name: String, maxAge: Int?)] = [
        ("0-1", 1), ("2-7", 7), ("8-14", 14), ("15-30", 30), ("31-60", 60), ("61+", nil),
    ]

    /// The backlog bucket of a ticket `age` calendar days old.
    public static func backlogBucket(age: Int) -> String {
        backlogBuckets.first { $0.maxAge.map { age <= $0 } ?? true }!.name
    }
}

extension KPIEngine {
    /// Receivables against sales, the open pipeline and open projects' burn on `day` (normally today: balances,
    /// stages and project hours are as last synced).
    public func position(on day: CalendarDate) async throws -> BusinessPosition {
        let tenant = tenant.id.rawValue
        let (windowStart, end) = (day.adding(days: -89).yyyymmdd, day.yyyymmdd)
        let ar = try await query("""
            SELECT CAST(COALESCE(SUM(CASE WHEN balance_micros > 0 THEN balance_micros ELSE 0 END), 0) AS BIGINT) AS receivables,
                   CAST(COALESCE(SUM(CASE WHEN invoice_date >= \(bind: windowStart) THEN total_micros ELSE 0 END), 0) AS BIGINT) AS billed
            FROM invoices
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND invoice_date <= \(bind: end)
            """)
        let receivables = try ar.first.map { FixedPoint.decimal(micros: try $0.decode(column: "receivables", as: Int64.self)) } ?? 0
        let billed = try ar.first.map { FixedPoint.decimal(micros: try $0.decode(column: "billed", as: Int64.self)) } ?? 0

        // Values summed in SQL per probability, weighted here (exact).
        var (deals, pipeline, weighted) = (0, Decimal(0), Decimal(0))
        for row in try await query("""
            SELECT probability_micros AS probability, COUNT(*) AS deals,
                   CAST(COALESCE(SUM(one_time_value_micros), 0) AS BIGINT) AS one_time,
                   CAST(COALESCE(SUM(recurring_value_micros), 0) AS BIGINT) AS recurring
            FROM opportunities
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND outcome = 'open'
            GROUP BY probability_micros
            """) {
            let value = FixedPoint.decimal(micros: try row.decode(column: "one_time", as: Int64.self))
                + 12 * FixedPoint.decimal(micros: try row.decode(column: "recurring", as: Int64.self))
            deals += Int(try row.decode(column: "deals", as: Int64.self))
            pipeline += value
            weighted += value * FixedPoint.decimal(micros: try row.decode(column: "probability", as: Int64.self))
        }

        let projects = try await query("""
            SELECT COUNT(*) AS projects, CAST(COALESCE(SUM(budget_hours_micros), 0) AS BIGINT) AS budget,
                   CAST(COALESCE(SUM(COALESCE(actual_hours_micros, 0)), 0) AS BIGINT) AS actual
            FROM projects
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND NOT closed AND budget_hours_micros > 0
            """)
        let openProjects = try projects.first.map { Int(try $0.decode(column: "projects", as: Int64.self)) } ?? 0
        let budget = try projects.first.map { FixedPoint.decimal(micros: try $0.decode(column: "budget", as: Int64.self)) } ?? 0
        let actual = try projects.first.map { FixedPoint.decimal(micros: try $0.decode(column: "actual", as: Int64.self)) } ?? 0
        let over = try await query("""
            SELECT source_id FROM projects
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND NOT closed AND budget_hours_micros > 0
              AND COALESCE(actual_hours_micros, 0) > budget_hours_micros
            ORDER BY source_id
            """).map { ID<Project>(try $0.decode(column: "source_id", as: String.self)) }

        // Ages as a CASE over local day starts: age ≤ n days ⇔ created at or after the start of `day − n`.
        var bucket = "CASE"
        for (name, maxAge) in BusinessPosition.backlogBuckets {
            if let maxAge {
                bucket += " WHEN created_at_ms >= \(day.adding(days: -maxAge).start(in: timeZone).rawValue) THEN '\(name)'"
            } else {
                bucket += " ELSE '\(name)'"
            }
        }
        bucket += " END"
        var backlog = Dictionary(uniqueKeysWithValues: BusinessPosition.backlogBuckets.map { ($0.name, 0) })
        for row in try await query("""
            SELECT \(unsafeRaw: bucket) AS bucket, COUNT(*) AS tickets FROM tickets
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND NOT closed
              AND created_at_ms < \(bind: day.adding(days: 1).start(in: timeZone).rawValue)
            GROUP BY 1
            """) {
            backlog[try row.decode(column: "bucket", as: String.self)] = Int(try row.decode(column: "tickets", as: Int64.self))
        }

        return BusinessPosition(
            asOf: day, receivables: Money(receivables, currency), billedLast90Days: Money(billed, currency),
            daysSalesOutstanding: billed > 0 ? receivables / billed * 90 : nil,
            openDeals: deals, pipeline: Money(pipeline, currency), weightedPipeline: Money(weighted, currency),
            openProjects: openProjects, projectBudgetHours: Hours(budget), projectActualHours: Hours(actual),
            budgetBurn: budget > 0 ? actual / budget : nil, overBudgetProjects: over, ticketBacklog: backlog)
    }
}
