import Foundation

/// One MSP using PSA Insight. Every stored record belongs to exactly one tenant.
public struct Tenant: Hashable, Sendable, Codable {
    public typealias ID = InsightCore.ID<Tenant>

    public let id: ID
    /// The MSP's company name, as shown in the app.
    public var name: String
    /// The PSA the MSP runs.
    public var psa: PSAKind
    /// Every amount of this tenant is in this currency.
    public var baseCurrency: CurrencyCode
    /// An IANA time zone identifier, e.g. `America/Chicago`: decides which month an instant belongs to.
    public var timeZoneIdentifier: String
    /// 1 (January) … 12 (December).
    public var fiscalYearStartMonth: Int
    public var createdAt: Timestamp
    /// The KPI variants the company reads by default.
    public var kpiPreferences: KPIPreferences

    /// - Throws: ``TenantError`` when the name is empty, the time zone unknown or the month out of range.
    public init(
        id: ID, name: String, psa: PSAKind, baseCurrency: CurrencyCode, timeZoneIdentifier: String,
        fiscalYearStartMonth: Int = 1, createdAt: Timestamp, kpiPreferences: KPIPreferences = .standard
    ) throws(TenantError) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidName }
        guard TimeZone(identifier: timeZoneIdentifier) != nil else { throw .unknownTimeZone(timeZoneIdentifier) }
        guard (1...12).contains(fiscalYearStartMonth) else { throw .invalidFiscalYearStart(fiscalYearStartMonth) }
        self.id = id
        self.name = trimmed
        self.psa = psa
        self.baseCurrency = baseCurrency
        self.timeZoneIdentifier = timeZoneIdentifier
        self.fiscalYearStartMonth = fiscalYearStartMonth
        self.createdAt = createdAt
        self.kpiPreferences = kpiPreferences
    }

    /// The tenant's calendar (time zone and fiscal year).
    public var calendar: FiscalCalendar {
        // Invariant: the initializer validated the identifier and the month.
        FiscalCalendar(timeZone: TimeZone(identifier: timeZoneIdentifier)!, fiscalYearStartMonth: fiscalYearStartMonth)
    }
}

/// Why a tenant's settings were refused.
public enum TenantError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidName
    case unknownTimeZone(String)
    case invalidFiscalYearStart(Int)

    public var description: String {
        switch self {
        case .invalidName: "The company name must not be empty."
        case .unknownTimeZone(let zone): "'\(zone)' is not a known time zone; use an IANA name such as America/New_York."
        case .invalidFiscalYearStart(let month): "The fiscal year must start in month 1…12, not \(month)."
        }
    }
}
