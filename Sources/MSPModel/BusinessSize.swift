public import InsightCore

/// How big a generated MSP is.
public enum BusinessSize: String, CaseIterable, Sendable, Codable {
    /// About 25 clients, 6 technicians, 12 months.
    case small
    /// About 150 clients, 25 technicians, 36 months.
    case medium
    /// About 600 clients, 90 technicians, 36 months, over 1,000,000 time entries.
    case large

    /// Clients over the whole span (about 80% are clients at the start, the rest arrive).
    public var clients: Int {
        switch self {
        case .small: 25
        case .medium: 150
        case .large: 600
        }
    }
    /// Technicians at the end of the span (about 75% are on staff at the start, the rest are hired).
    public var technicians: Int {
        switch self {
        case .small: 6
        case .medium: 25
        case .large: 90
        }
    }
    /// Months simulated and reported.
    public var months: Int {
        switch self {
        case .small: 12
        case .medium, .large: 36
        }
    }
}

/// What to generate.
public struct GeneratorSettings: Sendable, Equatable {
    public var size: BusinessSize
    public var seed: UInt64
    /// The last reported month. Fixed by default (never "now") so that a seed always means the same business.
    public var endMonth: YearMonth
    /// The PSA the records are tagged with.
    public var source: PSAKind
    public var currency: CurrencyCode
    /// The MSP's time zone: decides work dates and month buckets.
    public var timeZoneIdentifier: String
    /// How the MSP set up its PSA (its own board, agreement type and work type names): the same business, held the
    /// way a differently configured MSP would hold it. Snapshots, and so both simulators, show it this way.
    public var profile: TenantProfile

    public init(
        size: BusinessSize = .small, seed: UInt64 = 42, endMonth: YearMonth = YearMonth(year: 2026, month: 10)!,
        source: PSAKind = .connectwise, currency: CurrencyCode = .usd, timeZoneIdentifier: String = "America/Chicago",
        profile: TenantProfile = .standard
    ) {
        self.profile = profile
        self.size = size
        self.seed = seed
        self.endMonth = endMonth
        self.source = source
        self.currency = currency
        self.timeZoneIdentifier = timeZoneIdentifier
    }

    /// Every reported month, oldest first.
    public var months: [YearMonth] { (0..<size.months).map { endMonth.advanced(by: $0 - size.months + 1) } }
}
