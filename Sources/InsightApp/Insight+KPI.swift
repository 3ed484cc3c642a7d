import Foundation
public import InsightCore
public import InsightMetrics
public import InsightStore

/// What `psa-insight kpi` shows: one month's scorecard with the month before, receivables and data health.
public struct ScorecardReport: Sendable, Codable {
    public var tenant: Tenant
    public var month: YearMonth
    public var current: MonthScorecard
    public var previous: MonthScorecard
    /// Receivables on the last day of the month.
    public var receivables: ReceivablesAgeing
    /// DSO, the open pipeline and project burn today, as last synced (they have no history).
    public var position: BusinessPosition
    public var health: [HealthFinding]
}

extension Insight {
    /// The scorecard of `month` (default: the last complete month, or the last invoiced one when the data ends earlier:
    /// ``KPIEngine/defaultMonth(now:)``) for the tenant named `name`.
    public static func scorecard(store: Store, tenant name: String?, month: YearMonth?) async throws -> ScorecardReport {
        let tenant = try await findTenant(name, in: store)
        let engine = KPIEngine(store: store, tenant: tenant)
        let month = if let month { month } else { try await engine.defaultMonth() }
        let trend = try await engine.trend(from: month.advanced(by: -1), to: month)
        return ScorecardReport(
            tenant: tenant, month: month, current: trend[1], previous: trend[0],
            receivables: try await engine.receivablesAgeing(on: month.lastDay),
            position: try await engine.position(on: tenant.calendar.day(of: .now)), health: try await engine.dataHealth())
    }
}
