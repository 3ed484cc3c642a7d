/// An expense a member logged (mileage, parts bought on site…).
public struct ExpenseEntry: SourceRecord, Hashable {
    public var source: PSAKind
    public var id: ID<ExpenseEntry>
    public var updatedAt: Timestamp
    public var memberID: ID<Member>
    public var companyID: ID<Company>?
    public var date: CalendarDate
    public var amount: Money
    public var billable: Bool
    public var invoiceID: ID<Invoice>?

    public init(
        source: PSAKind, id: ID<ExpenseEntry>, updatedAt: Timestamp, memberID: ID<Member>, companyID: ID<Company>?,
        date: CalendarDate, amount: Money, billable: Bool, invoiceID: ID<Invoice>?
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.memberID = memberID
        self.companyID = companyID
        self.date = date
        self.amount = amount
        self.billable = billable
        self.invoiceID = invoiceID
    }
}
