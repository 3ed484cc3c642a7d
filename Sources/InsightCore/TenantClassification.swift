/// How an MSP's own PSA setup is read: which boards are reactive, which agreement types are managed services, which
/// work types count toward utilization. Every MSP names these its own way, so their meaning is never decided from a
/// name in code: each value of the tenant's own list is mapped to one class in a per-company classification, whose
/// defaults are inferred from the synced data (``ClassificationInference``) and which a person can confirm or change.

/// One list of the MSP's own PSA setup whose values get a meaning.
public enum ClassificationDimension: String, CaseIterable, Sendable, Codable {
    /// Service boards (ConnectWise) or queues (Autotask) → ``Ticket/ServiceClass``.
    case ticketBoard
    /// Agreement types (ConnectWise) or contract type and category (Autotask) → ``Agreement/BillingModel``.
    case agreementType
    /// Work types (ConnectWise) or billing codes (Autotask) → ``WorkClass``.
    case workType
    /// Products billed as agreement additions / contract services → ``AdditionClass`` (whether the line bills users).
    case additionProduct
    /// Configuration types (ConnectWise) or configuration item types (Autotask) → ``ConfigurationClass``.
    case configurationType

    /// The dimension's name on screen.
    public var title: String {
        switch self {
        case .ticketBoard: "Service boards and queues"
        case .agreementType: "Agreement and contract types"
        case .workType: "Work types and billing codes"
        case .additionProduct: "Recurring products"
        case .configurationType: "Configuration types"
        }
    }

    /// The classes a value of this dimension may have (raw values), in the order they are offered.
    public var classes: [String] {
        switch self {
        case .ticketBoard: Ticket.ServiceClass.allCases.map(\.rawValue)
        case .agreementType: Agreement.BillingModel.allCases.map(\.rawValue)
        case .workType: WorkClass.allCases.map(\.rawValue)
        case .additionProduct: AdditionClass.allCases.map(\.rawValue)
        case .configurationType: ConfigurationClass.allCases.map(\.rawValue)
        }
    }

    /// A class's name on screen.
    public func label(of className: String) -> String {
        switch className {
        case "reactive": "Reactive (break/fix)"
        case "proactive": "Proactive (maintenance, monitoring)"
        case "project": "Project"
        case "internal": "Internal"
        case "other": "Other"
        case "fixedFee": "Managed services (fixed fee)"
        case "licenseResale": "Licence resale"
        case "blockHours": "Block time"
        case "timeAndMaterials": "Time and materials"
        case "notRevenue": "Not revenue (internal, warranty)"
        case "billable": "Client work, billable by default"
        case "nonBillable": "Client work, not billable by default"
        case "timeOff": "Time off"
        case "perUser": "Bills users (seats)"
        case "managedEndpoint": "Managed endpoint (workstation, server)"
        default: className
        }
    }

    /// The KPIs (``docs/kpis.md`` names) whose values move when a value of this dimension changes class.
    public var dependentKPIs: [String] {
        switch self {
        case .ticketBoard:
            ["Reactive tickets", "Reactive tickets per endpoint", "Mean and median first response", "Mean and median resolution",
             "Labor hours and cost by class", "Reactive hours per endpoint"]
        case .agreementType:
            ["Revenue by kind", "MRR (invoiced)", "ARR", "MRR bridge", "Recurring clients", "Effective hourly rate (fixed fee)",
             "Fixed-fee efficiency", "Billed users", "Addition cost", "Managed endpoints", "Agreement profitability"]
        case .workType: ["Utilization", "Utilized hours", "Available hours", "Billable hours", "Labor cost"]
        case .additionProduct: ["Billed users", "MRR per user"]
        case .configurationType: ["Managed endpoints", "Tickets, reactive tickets, hours and MRR per endpoint"]
        }
    }
}

/// What time of a work type (billing code) is, for utilization and capacity.
public enum WorkClass: String, CaseIterable, Sendable, Codable {
    /// Client work, billable by default: counts toward utilization.
    case billable
    /// Client work not billed by default (covered by an agreement, goodwill): counts toward utilization.
    case nonBillable
    /// Internal work (admin, training, sales): not utilized.
    case `internal`
    /// Paid time off or holiday: removed from available hours.
    case timeOff

    /// Whether hours of this class count toward utilization.
    public var countsAsUtilized: Bool { self == .billable || self == .nonBillable }

    /// The class a work type's own PSA flags say (ConnectWise `utilizationFlag` and `billTime`, Autotask use type).
    public static func hint(_ workType: WorkType) -> WorkClass {
        if workType.isTimeOff { return .timeOff }
        if !workType.countsAsUtilized { return .internal }
        return workType.billable ? .billable : .nonBillable
    }
}

/// Whether a recurring product bills users (seats): counted by "billed users".
public enum AdditionClass: String, CaseIterable, Sendable, Codable {
    case perUser, other
}

/// Whether items of a configuration type are managed endpoints: counted by "endpoints" and the per-endpoint KPIs.
public enum ConfigurationClass: String, CaseIterable, Sendable, Codable {
    case managedEndpoint, other
}

/// One value of one dimension and the class it has for a company.
public struct ClassificationEntry: Sendable, Equatable, Codable {
    /// Where the class came from.
    public enum Origin: String, CaseIterable, Sendable, Codable {
        /// Inferred from the synced data; replaced when the data says otherwise, until a person confirms it.
        case inferred
        /// Chosen or confirmed by a person; never changed by inference.
        case confirmed
    }

    public var dimension: ClassificationDimension
    /// The tenant's own value: a board name, an agreement type, a work type name, a product identifier.
    public var value: String
    /// A raw value of one of ``ClassificationDimension/classes``.
    public var className: String
    public var origin: Origin
    /// Why the inference chose the class (empty once confirmed by a person).
    public var reason: String
    /// How many synced records carry the value (tickets, agreements, time entries, additions).
    public var records: Int

    public init(dimension: ClassificationDimension, value: String, className: String, origin: Origin, reason: String, records: Int) {
        (self.dimension, self.value, self.className, self.origin, self.reason, self.records) = (dimension, value, className, origin, reason, records)
    }
}

/// A class that is not one of its dimension's.
public struct UnknownClassError: Error, Equatable, Sendable, CustomStringConvertible {
    public let dimension: ClassificationDimension
    public let className: String
    public init(dimension: ClassificationDimension, className: String) { (self.dimension, self.className) = (dimension, className) }
    public var description: String {
        "'\(className)' is not a class of \(dimension.rawValue); use one of: \(dimension.classes.joined(separator: ", "))"
    }
}

/// What the synced data says about one value of a dimension: the input of ``ClassificationInference``.
public struct ClassificationUsage: Sendable, Equatable {
    public var dimension: ClassificationDimension
    public var value: String
    /// Records carrying the value.
    public var records: Int
    /// Records per class the PSA's own structure or flags give (a ticket's project record type, an agreement's block
    /// hours or recurring amount, a work type's utilization and billing flags), by raw class.
    public var hints: [String: Int]
    /// Agreement types: how many of the type's agreements bill recurring additions / contract services.
    public var withRecurringLines: Int

    public init(dimension: ClassificationDimension, value: String, records: Int, hints: [String: Int] = [:], withRecurringLines: Int = 0) {
        (self.dimension, self.value, self.records, self.hints, self.withRecurringLines) = (dimension, value, records, hints, withRecurringLines)
    }

    /// The hint most records carry (ties broken alphabetically, so that the same data always gives the same class), if any.
    var mainHint: String? {
        hints.filter { $0.value > 0 }.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }
}

/// The default class of each value, from the synced data alone: the PSA's system values and flags first, then the
/// tenant's own names as hints, then usage. A pure function, so that the same data always gives the same defaults.
public enum ClassificationInference {
    /// The inferred class of `usage`'s value, and why.
    public static func infer(_ usage: ClassificationUsage) -> (className: String, reason: String) {
        // Hints match whole words or their beginnings ("alert" in "NOC Alerts", "licen" in "Licensing"), never the
        // middle of a word ("patch" is not in "Dispatch", "pto" not in "Laptop").
        let words = usage.value.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let spaced = " " + words.joined(separator: " ")
        func named(_ hints: [String]) -> String? {
            hints.first { hint in
                if hint.contains(" ") { return spaced.contains(" " + hint) }
                // Numbers whole ("365", not "3650"); words by their beginning.
                return words.contains { hint.allSatisfy(\.isNumber) ? $0 == hint || $0.hasSuffix(hint) && $0.dropLast(hint.count).allSatisfy(\.isLetter) : $0.hasPrefix(hint) }
            }
        }
        switch usage.dimension {
        case .ticketBoard:
            let project = usage.hints[Ticket.ServiceClass.project.rawValue] ?? 0
            if project * 2 > usage.records { return ("project", "most of its tickets are project tickets") }
            if let word = named(proactiveWords) { return ("proactive", "its name says \"\(word)\"") }
            if let word = named(internalWords) { return ("internal", "its name says \"\(word)\"") }
            if let word = named(["project"]) { return ("project", "its name says \"\(word)\"") }
            return ("reactive", "a service board: reactive unless its name says otherwise")
        case .agreementType:
            let hint = usage.mainHint.flatMap(Agreement.BillingModel.init(rawValue:))
            if let word = named(["internal", "warranty", "in-house"]) { return ("notRevenue", "its name says \"\(word)\"") }
            if hint == .blockHours { return ("blockHours", "its agreements draw down a limit of hours") }
            if hint == .project { return ("project", "its PSA contract type is fixed price") }
            if let word = named(["project"]) { return ("project", "its name says \"\(word)\"") }
            if let word = named(licenceWords) { return ("licenseResale", "its name says \"\(word)\"") }
            if let word = named(["block", "prepaid", "pre-paid", "retainer", "bank of hours"]) { return ("blockHours", "its name says \"\(word)\"") }
            if hint == .fixedFee { return ("fixedFee", "its agreements bill a recurring amount") }
            if usage.withRecurringLines * 2 > usage.records { return ("fixedFee", "most of its agreements bill recurring lines") }
            return ("timeAndMaterials", "its agreements bill no recurring amount or lines")
        case .workType:
            // The PSA's flags say client work or not; among work that is not client work, the name tells time off
            // (ConnectWise has no time-off flag).
            let hint = usage.mainHint
            if hint == nil || hint == "internal" || hint == "timeOff", let word = named(timeOffWords) {
                return ("timeOff", "not client work, and its name says \"\(word)\"")
            }
            if let hint { return (hint, "its PSA flags (utilization, billing)") }
            return ("billable", "no flags: client work")
        case .additionProduct:
            if let word = named(["user", "seat", "mailbox"]) { return ("perUser", "its name says \"\(word)\"") }
            return ("other", "its name names no users or seats")
        case .configurationType:
            if let word = named(["workstation", "desktop", "laptop", "server", "computer", "endpoint", "virtual machine", "notebook"]) {
                return ("managedEndpoint", "its name says \"\(word)\"")
            }
            if let word = named(["network", "firewall", "switch", "router", "printer", "phone", "access point"]) {
                return ("other", "its name says \"\(word)\"")
            }
            if let hint = usage.mainHint { return (hint, "what the PSA's type suggests") }
            return ("other", "not a workstation or server")
        }
    }

    static let proactiveWords = [
        "proactive", "maintenance", "monitor", "alert", "patch", "noc", "rmm", "preventive", "preventative", "scheduled",
        "recurring", "backup check", "health check",
    ]
    static let internalWords = ["internal", "admin", "sales", "onboarding of staff"]
    static let licenceWords = ["licen", "365", "resale", "subscription", "saas", "csp"]
    static let timeOffWords = ["pto", "time off", "holiday", "vacation", "sick", "leave"]
}
