/// An invoice sent to a client.
public struct Invoice: SourceRecord, Hashable {
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case standard, agreement, progress, downpayment, credit
    }

    public var source: PSAKind
    public var id: ID<Invoice>
    public var updatedAt: Timestamp
    public var number: String
    public var companyID: ID<Company>
    public var kind: Kind
    public var date: CalendarDate
    public var dueDate: CalendarDate
    /// Before tax; negative for a credit memo.
    public var subtotal: Money
    public var tax: Money
    public var total: Money
    /// What is still owed.
    public var balance: Money
    public var agreementID: ID<Agreement>?
    public var projectID: ID<Project>?

    public init(
        source: PSAKind, id: ID<Invoice>, updatedAt: Timestamp, number: String, companyID: ID<Company>, kind: Kind,
        date: CalendarDate, dueDate: CalendarDate, subtotal: Money, tax: Money, total: Money, balance: Money,
        agreementID: ID<Agreement>? = nil, projectID: ID<Project>? = nil
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.number = number
        self.companyID = companyID
        self.kind = kind
        self.date = date
        self.dueDate = dueDate
        self.subtotal = subtotal
        self.tax = tax
        self.total = total
        self.balance = balance
        self.agreementID = agreementID
        self.projectID = projectID
    }
}
