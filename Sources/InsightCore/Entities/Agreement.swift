/// A recurring or scoped contract with a client (ConnectWise agreement, Autotask contract).
public struct Agreement: SourceRecord, Hashable {
    /// How the agreement earns its money.
    public enum BillingModel: String, CaseIterable, Sendable, Codable {
        /// Managed services at a fixed recurring fee (per device, per user or flat).
        case fixedFee
        /// Pre-paid block of hours drawn down by time.
        case blockHours
        /// Time and materials: billed as worked.
        case timeAndMaterials
        /// Resold licences (Microsoft 365, backup seats…).
        case licenseResale
        /// A project agreement.
        case project
        /// Not revenue: internal agreements, warranty.
        case notRevenue
    }
    public enum BillingCycle: String, CaseIterable, Sendable, Codable { case monthly, quarterly, annually, oneTime }
    public enum Status: String, CaseIterable, Sendable, Codable { case active, cancelled, expired, inactive }

    public var source: PSAKind
    public var id: ID<Agreement>
    public var updatedAt: Timestamp
    public var name: String
    public var companyID: ID<Company>
    /// The PSA's agreement type (ConnectWise `type.name`, Autotask contract type), as written there.
    public var typeName: String
    /// The MSP's category for reporting (ConnectWise agreement type's category, Autotask contract category).
    public var category: String?
    /// What the PSA's own structure says (block hours with a limit, a recurring amount, a system contract type). The
    /// MSP's meaning is its classification of the agreement type (``ClassificationDimension/agreementType``), whose
    /// default is inferred from this hint, the type's name and its usage.
    public var billingModel: BillingModel
    public var billingCycle: BillingCycle
    /// The recurring amount billed each cycle, when the PSA carries one.
    public var billingAmount: Money?
    public var startDate: CalendarDate
    public var endDate: CalendarDate?
    public var cancelledDate: CalendarDate?
    public var status: Status
    public var parentID: ID<Agreement>?
    /// Hours bought, for block-hours agreements.
    public var blockHoursLimit: Hours?

    /// The value the agreement is classified by: its type, and its category where it has one (Autotask keeps
    /// resold licences and managed services under one contract type, told apart by category).
    public var classificationValue: String { Self.classificationValue(typeName: typeName, category: category) }

    /// ``classificationValue`` of an agreement with this type and category; ``ClassificationSQL`` computes the same.
    public static func classificationValue(typeName: String, category: String?) -> String {
        guard let category, !category.isEmpty else { return typeName }
        return typeName + " / " + category
    }

    public init(
        source: PSAKind, id: ID<Agreement>, updatedAt: Timestamp, name: String, companyID: ID<Company>,
        typeName: String, category: String?, billingModel: BillingModel, billingCycle: BillingCycle,
        billingAmount: Money?, startDate: CalendarDate, endDate: CalendarDate?, cancelledDate: CalendarDate?,
        status: Status, parentID: ID<Agreement>? = nil, blockHoursLimit: Hours? = nil
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.name = name
        self.companyID = companyID
        self.typeName = typeName
        self.category = category
        self.billingModel = billingModel
        self.billingCycle = billingCycle
        self.billingAmount = billingAmount
        self.startDate = startDate
        self.endDate = endDate
        self.cancelledDate = cancelledDate
        self.status = status
        self.parentID = parentID
        self.blockHoursLimit = blockHoursLimit
    }
}
