import Foundation
public import InsightCore

/// A generated MSP: its whole history over the span, from which the records a PSA would show at any instant
/// are taken (``snapshot(at:)``). Deterministic: the same settings give the same business, byte for byte.
public struct MSPBusiness: Sendable {
    public let settings: GeneratorSettings
    let history: History
    let calendar: FiscalCalendar

    /// The MSP's name, as the demo shows it.
    public static let mspName = "Northwind Managed Services"

    /// Generates the business.
    /// - Throws: ``GeneratorError`` for an unknown time zone.
    public static func generate(_ settings: GeneratorSettings) throws(GeneratorError) -> MSPBusiness {
        guard let zone = TimeZone(identifier: settings.timeZoneIdentifier) else {
            throw .unknownTimeZone(settings.timeZoneIdentifier)
        }
        var simulation = Simulation(settings: settings)
        return MSPBusiness(settings: settings, history: simulation.run(), calendar: FiscalCalendar(timeZone: zone))
    }

    /// The months the business reports on, oldest first.
    public var reportedMonths: [YearMonth] { settings.months }

    /// The end of the reported span: local midnight after its last day. The default snapshot is taken here.
    public var endOfSpan: Timestamp { settings.endMonth.advanced(by: 1).firstDay.start(in: calendar.timeZone) }

    /// The tenant this business belongs to, for tests and the demo.
    public func tenant(id: Tenant.ID) -> Tenant {
        // Invariant: the name is non-empty, the time zone was validated by `generate`, month 1 is valid.
        try! Tenant(
            id: id, name: Self.mspName, psa: settings.source, baseCurrency: settings.currency,
            timeZoneIdentifier: settings.timeZoneIdentifier, fiscalYearStartMonth: 1,
            createdAt: Timestamp(rawValue: endOfSpan.rawValue))
    }

    /// The records as the PSA shows them at `instant` (default: the end of the span). A later instant shows the
    /// business moved on: new records, edited ones with later update times, and some deleted (see
    /// ``MSPSnapshot/deleted``). Instants up to a month after the span are simulated.
    public func snapshot(at instant: Timestamp? = nil) -> MSPSnapshot {
        Snapshotter(business: self, asOf: instant ?? endOfSpan).take().configured(as: settings.profile)
    }

    /// The business `days` days after the end of the span (at most about 28): what an incremental sync sees.
    public func advanced(byDays days: Int) -> MSPSnapshot {
        snapshot(at: endOfSpan.adding(seconds: Int64(days) * 86_400))
    }

    /// The resolution SLA of reactive tickets per priority level (1…4): what ``Ticket/slaMet`` is measured against.
    public static var resolutionTargets: [Int: Hours] {
        Dictionary(uniqueKeysWithValues: Catalog.resolutionSLA.indices.dropFirst().map { ($0, Hours(minutes: Int(Catalog.resolutionSLA[$0]))) })
    }
}

/// Why a business could not be generated.
public enum GeneratorError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownTimeZone(String)

    public var description: String {
        switch self {
        case .unknownTimeZone(let zone): "'\(zone)' is not a known time zone; use an IANA name such as America/Chicago."
        }
    }
}

/// The records of a generated business as a PSA shows them at one instant.
public struct MSPSnapshot: Sendable {
    /// The instant the snapshot shows.
    public let asOf: Timestamp
    /// The MSP's calendar day at `asOf`.
    public let asOfDate: CalendarDate
    public let currency: CurrencyCode
    public let calendar: FiscalCalendar
    /// The months reported on.
    public let reportedMonths: [YearMonth]
    /// The MSP's own company (internal time is charged to it).
    public let ownCompanyID: ID<Company>

    public var companies: [Company] = []
    public var configurations: [ConfigurationItem] = []
    public var members: [Member] = []
    public var workTypes: [WorkType] = []
    public var workRoles: [WorkRole] = []
    public var agreements: [Agreement] = []
    public var additions: [AgreementAddition] = []
    public var invoices: [Invoice] = []
    public var productLines: [ProductLine] = []
    public var timeEntries: [TimeEntry] = []
    public var expenses: [ExpenseEntry] = []
    public var tickets: [Ticket] = []
    public var projects: [Project] = []
    public var opportunities: [Opportunity] = []
    /// Records that existed and were deleted in the PSA by `asOf`.
    public var deleted: [DeletedRecord] = []
    /// The data-health flaws present, by kind, with the records that carry them.
    public var flaws = InjectedFlaws()

    /// Counts per entity, for summaries.
    public var counts: [(String, Int)] {
        [
            ("companies", companies.count), ("configurations", configurations.count), ("members", members.count),
            ("work_types", workTypes.count), ("work_roles", workRoles.count), ("agreements", agreements.count),
            ("agreement_additions", additions.count), ("invoices", invoices.count), ("product_lines", productLines.count),
            ("time_entries", timeEntries.count), ("expense_entries", expenses.count), ("tickets", tickets.count),
            ("projects", projects.count), ("opportunities", opportunities.count),
        ]
    }
}

/// A record deleted in the PSA.
public struct DeletedRecord: Hashable, Sendable, Codable {
    /// The store table of the entity, e.g. `time_entries`.
    public let table: String
    public let id: String
    public let deletedAt: Timestamp
}

/// The data-health flaws the generator injects, each with the ids of the affected records.
public struct InjectedFlaws: Sendable, Equatable, Codable {
    /// Members with no hourly cost in their rate history.
    public var membersWithoutCost: [ID<Member>] = []
    /// Work types whose cost multiplier is 0.
    public var workTypesWithZeroMultiplier: [ID<WorkType>] = []
    /// Agreement additions without a unit cost.
    public var additionsWithoutCost: [ID<AgreementAddition>] = []
    /// Time entries typed in 3 days or more after the day worked.
    public var lateTimeEntries: [ID<TimeEntry>] = []
    /// Time entries charged to both a project and an agreement.
    public var timeOnAgreementAndProject: [ID<TimeEntry>] = []
    /// Agreement categories that hold more than one billing model.
    public var mixedAgreementCategories: [String] = []
}
