/// The Autotask entities PSA Insight reads, named as the REST paths name them (`/V1.0/{rawValue}/query`).
public enum AutotaskEntity: String, CaseIterable, Sendable, Codable {
    case companies = "Companies"
    case configurationItems = "ConfigurationItems"
    case configurationItemTypes = "ConfigurationItemTypes"
    case resources = "Resources"
    case roles = "Roles"
    case billingCodes = "BillingCodes"
    case contracts = "Contracts"
    case contractServices = "ContractServices"
    case contractServiceUnits = "ContractServiceUnits"
    case contractBlocks = "ContractBlocks"
    case services = "Services"
    case invoices = "Invoices"
    case billingItems = "BillingItems"
    case timeEntries = "TimeEntries"
    case tickets = "Tickets"
    case projects = "Projects"
    case tasks = "Tasks"
    case opportunities = "Opportunities"
    case products = "Products"
    case expenseReports = "ExpenseReports"
    case expenseItems = "ExpenseItems"

    /// The entity named by a path segment, matched without regard to case (IIS paths are case-insensitive).
    public static func named(_ segment: String) -> AutotaskEntity? {
        let lowered = segment.lowercased()
        return allCases.first { $0.rawValue.lowercased() == lowered }
    }

    /// The legacy business-object name `entityInformation` reports (NOTES.md §3.7; unconfirmed for REST).
    public var objectName: String {
        switch self {
        case .companies: "Account"
        case .configurationItems: "InstalledProduct"
        case .configurationItemTypes: "InstalledProductType"
        case .billingCodes: "AllocationCode"
        case .contractServiceUnits: "ContractServiceUnit"
        case .opportunities: "Opportunity"
        case .expenseItems: "ExpenseItem"
        case .expenseReports: "ExpenseReport"
        default: String(rawValue.dropLast(rawValue.hasSuffix("ies") ? 3 : 1)) + (rawValue.hasSuffix("ies") ? "y" : "")
        }
    }

    /// The section of the security level that governs reading it.
    public var section: SecuritySection {
        switch self {
        case .companies, .configurationItems, .opportunities: .crm
        case .configurationItemTypes, .resources, .roles, .billingCodes: .admin
        case .contracts, .contractServices, .contractServiceUnits, .contractBlocks, .services, .invoices, .billingItems: .contracts
        case .timeEntries, .expenseReports, .expenseItems: .timesheets
        case .tickets: .serviceDesk
        case .projects, .tasks: .projects
        case .products: .inventory
        }
    }

    /// The field an incremental read filters on (NOTES.md §4.2); `nil` where there is none and reads go by id.
    public var lastModifiedField: String? {
        switch self {
        case .companies: "lastTrackedModifiedDateTime"
        case .configurationItems: "lastModifiedTime"
        case .contracts, .timeEntries: "lastModifiedDateTime"
        case .tickets: "lastTrackedModificationDateTime"
        case .projects, .tasks: "lastActivityDateTime"
        case .services: "lastModifiedDate"
        case .opportunities: "lastActivity"
        default: nil
        }
    }

    /// Internal-cost fields, blanked for a level that cannot read costs ("API User (system) Can't Read Costs").
    /// Which fields the real level hides is unconfirmed (NOTES.md §7): these are the cost fields of the models.
    public var costFields: Set<String> {
        switch self {
        case .resources: ["internalCost"]
        case .configurationItems: ["dailyCost", "hourlyCost", "monthlyCost", "perUseCost"]
        case .billingCodes, .contractServices, .services, .products: ["unitCost"]
        case .contracts: ["estimatedCost"]
        case .contractServiceUnits: ["cost"]
        case .billingItems: ["ourCost"]
        case .projects: ["laborEstimatedCosts", "estimatedSalesCost", "projectCostsBudget"]
        case .opportunities: ["cost", "monthlyCost", "onetimeCost", "quarterlyCost", "semiannualCost", "yearlyCost"]
        default: []
        }
    }

    /// Fields the docs say cannot be queried (filtering on them is refused; returning them is fine).
    public var unqueryableFields: Set<String> {
        switch self {
        case .billingItems: ["lineItemFullDescription", "lineItemGroupDescription"]
        case .contractBlocks: ["hoursApproved"]
        default: []
        }
    }

    /// The Swagger field named `name`, matched without regard to case.
    public func field(named name: String) -> AutotaskField? {
        let lowered = name.lowercased()
        return swaggerFields.first { $0.name.lowercased() == lowered }
    }
}

/// A field's name and its `entityInformation/fields` data type.
public struct AutotaskField: Sendable, Hashable {
    public enum DataType: String, Sendable, Codable { case integer, long, double, boolean, datetime, string }
    public var name: String
    public var dataType: DataType
    public init(_ name: String, _ dataType: DataType) {
        self.name = name
        self.dataType = dataType
    }
}
