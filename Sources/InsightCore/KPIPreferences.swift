/// Which variant of the KPIs the industry computes in more than one way a company reads by default (its home
/// dashboard tiles). Every variant is always computed and listed; see `docs/kpis.md`, "Variants".
public struct KPIPreferences: Hashable, Sendable, Codable {
    /// Effective hourly rate: services revenue ÷ hours on client work, ÷ every hour worked, or fixed-fee labor revenue
    /// ÷ fixed-fee hours (MSPCFO).
    public enum EffectiveRate: String, CaseIterable, Sendable, Codable { case clientHours, hoursWorked, fixedFee }
    /// Utilization: utilized work types ÷ available hours, billable hours ÷ available hours (MSPbots), or client hours
    /// ÷ 8 h × weekdays (MSPCFO).
    public enum Utilization: String, CaseIterable, Sendable, Codable { case utilized, billable, client }
    /// Gross margin: after third-party costs and client labor, after third-party costs only (contribution), or after
    /// all labor ("net of W2").
    public enum GrossMargin: String, CaseIterable, Sendable, Codable { case afterClientLabor, contribution, afterAllLabor }

    public var effectiveRate: EffectiveRate
    public var utilization: Utilization
    public var grossMargin: GrossMargin

    public init(effectiveRate: EffectiveRate = .clientHours, utilization: Utilization = .utilized, grossMargin: GrossMargin = .afterClientLabor) {
        self.effectiveRate = effectiveRate
        self.utilization = utilization
        self.grossMargin = grossMargin
    }

    /// What a new company reads: the definitions the scorecard has always used.
    public static let standard = KPIPreferences()
}
