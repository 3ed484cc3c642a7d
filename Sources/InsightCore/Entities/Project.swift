/// A client project.
public struct Project: SourceRecord, Hashable {
    public enum BillingMethod: String, CaseIterable, Sendable, Codable { case fixedFee, timeAndMaterials, notToExceed }

    public var source: PSAKind
    public var id: ID<Project>
    public var updatedAt: Timestamp
    public var name: String
    public var companyID: ID<Company>
    public var agreementID: ID<Agreement>?
    public var billingMethod: BillingMethod
    public var budgetHours: Hours?
    public var actualHours: Hours?
    public var estimatedRevenue: Money?
    public var estimatedCost: Money?
    public var status: String
    public var closed: Bool
    public var startDate: CalendarDate
    public var endDate: CalendarDate?

    public init(
        source: PSAKind, id: ID<Project>, updatedAt: Timestamp, name: String, companyID: ID<Company>,
        agreementID: ID<Agreement>?, billingMethod: BillingMethod, budgetHours: Hours?, actualHours: Hours?,
        estimatedRevenue: Money?, estimatedCost: Money?, status: String, closed: Bool, startDate: CalendarDate,
        endDate: CalendarDate?
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.name = name
        self.companyID = companyID
        self.agreementID = agreementID
        self.billingMethod = billingMethod
        self.budgetHours = budgetHours
        self.actualHours = actualHours
        self.estimatedRevenue = estimatedRevenue
        self.estimatedCost = estimatedCost
        self.status = status
        self.closed = closed
        self.startDate = startDate
        self.endDate = endDate
    }
}
