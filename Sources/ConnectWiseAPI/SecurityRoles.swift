/// The ConnectWise endpoints PSA Insight reads, each with the security-role function whose Inquire level
/// governs it (NOTES.md §7; partly inferred where ConnectWise publishes no table: setup tables are
/// "System › Table Setup").
public enum ConnectWiseEndpoint: String, CaseIterable, Sendable, Codable {
    case companies = "company/companies"
    case configurations = "company/configurations"
    case members = "system/members"
    case workTypes = "time/workTypes"
    case workRoles = "time/workRoles"
    case agreements = "finance/agreements"
    case additions = "finance/agreements/additions"
    case agreementTypes = "finance/agreements/types"
    case invoices = "finance/invoices"
    case products = "procurement/products"
    case timeEntries = "time/entries"
    case expenseEntries = "expense/entries"
    case tickets = "service/tickets"
    /// Project tickets are not service tickets: they have their own endpoint and schema (with `project`).
    case projectTickets = "project/tickets"
    case boards = "service/boards"
    case projects = "project/projects"
    case opportunities = "sales/opportunities"

    /// The path under `…/apis/3.0/` (additions are per agreement: `finance/agreements/{id}/additions`).
    public var path: String { rawValue }

    /// The module and function whose Inquire level must be All.
    public var function: SecurityFunction {
        switch self {
        case .companies: .init(module: "Companies", name: "Company Maintenance")
        case .configurations: .init(module: "Companies", name: "Configurations")
        case .members: .init(module: "System", name: "Member Maintenance")
        case .workTypes, .workRoles, .agreementTypes, .boards: .init(module: "System", name: "Table Setup")
        case .agreements, .additions: .init(module: "Finance", name: "Agreements")
        case .invoices: .init(module: "Finance", name: "Invoicing")
        case .products: .init(module: "Procurement", name: "Products")
        case .timeEntries: .init(module: "Time & Expense", name: "Time Entry")
        case .expenseEntries: .init(module: "Time & Expense", name: "Expense Report Entry")
        case .tickets: .init(module: "Service Desk", name: "Service Tickets")
        case .projects: .init(module: "Project", name: "Project Headers")
        case .projectTickets: .init(module: "Project", name: "Project Tickets")
        case .opportunities: .init(module: "Sales", name: "Opportunity")
        }
    }

    /// The endpoint a request path (after `apis/3.0/`, without `/count` or an id) names.
    public static func matching(_ path: String) -> ConnectWiseEndpoint? {
        let lowered = path.lowercased()
        return allCases.first { $0.rawValue.lowercased() == lowered }
    }
}

/// One function of a security role, e.g. Finance › Agreements.
public struct SecurityFunction: Hashable, Sendable, Codable {
    public let module: String
    public let name: String
    public init(module: String, name: String) {
        self.module = module
        self.name = name
    }
}

/// A security role level (the API's enum: `None`, `My`, `All`).
public enum SecurityLevel: String, Sendable, Codable, Comparable {
    case none = "None", my = "My", all = "All"

    public static func < (lhs: SecurityLevel, rhs: SecurityLevel) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .none: 0
        case .my: 1
        case .all: 2
        }
    }
}

/// A security role: for each function, its Add, Edit, Delete and Inquire levels.
public struct SecurityRole: Sendable, Equatable, Codable {
    public struct Setting: Sendable, Equatable, Codable {
        public var function: SecurityFunction
        public var add: SecurityLevel
        public var edit: SecurityLevel
        public var delete: SecurityLevel
        public var inquire: SecurityLevel

        public init(function: SecurityFunction, add: SecurityLevel, edit: SecurityLevel, delete: SecurityLevel, inquire: SecurityLevel) {
            self.function = function
            self.add = add
            self.edit = edit
            self.delete = delete
            self.inquire = inquire
        }
    }

    public var id: Int
    public var name: String
    public var settings: [Setting]

    public init(id: Int, name: String, settings: [Setting]) {
        self.id = id
        self.name = name
        self.settings = settings
    }

    /// The Inquire level of `function` (`None` when the role does not list it).
    public func inquire(_ function: SecurityFunction) -> SecurityLevel {
        settings.first { $0.function == function }?.inquire ?? .none
    }

    /// Functions where the role may add, edit or delete: PSA Insight needs none of them.
    public var writableFunctions: [SecurityFunction] {
        settings.filter { $0.add != .none || $0.edit != .none || $0.delete != .none }.map(\.function)
    }

    /// Every function PSA Insight reads, in the order of the setup guide.
    public static var requiredFunctions: [SecurityFunction] {
        var seen = Set<SecurityFunction>()
        return ConnectWiseEndpoint.allCases.map(\.function).filter { seen.insert($0).inserted }
    }

    /// The role our setup guide asks for: Inquire All on each function PSA Insight reads, nothing else.
    public static func readOnly(id: Int = 10, name: String = "PSA Insight (read-only)") -> SecurityRole {
        SecurityRole(id: id, name: name, settings: requiredFunctions.map { .init(function: $0, add: .none, edit: .none, delete: .none, inquire: .all) })
    }

    /// The read-only role with one module's functions at None (to show what a missing permission looks like).
    public static func missing(module: String, id: Int = 11) -> SecurityRole {
        var role = readOnly(id: id, name: "PSA Insight (no \(module))")
        for index in role.settings.indices where role.settings[index].function.module == module {
            role.settings[index].inquire = .none
        }
        return role
    }

    /// Full rights everywhere, as an administrator's role (the doctor warns: we ask for read-only).
    public static func admin(id: Int = 1) -> SecurityRole {
        SecurityRole(id: id, name: "Admin", settings: requiredFunctions.map { .init(function: $0, add: .all, edit: .all, delete: .all, inquire: .all) })
    }

    /// The sentence that tells the MSP what to change, e.g.
    /// "System > Security Roles > PSA Insight > Finance > Agreements: set Inquire Level to All".
    public static func fix(role: String, function: SecurityFunction) -> String {
        "System > Security Roles > \(role) > \(function.module) > \(function.name): set Inquire Level to All"
    }
}
