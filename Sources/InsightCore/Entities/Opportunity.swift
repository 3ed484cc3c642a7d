public import Foundation

/// A sales opportunity.
public struct Opportunity: SourceRecord, Hashable {
    public enum Outcome: String, CaseIterable, Sendable, Codable { case open, won, lost }

    public var source: PSAKind
    public var id: ID<Opportunity>
    public var updatedAt: Timestamp
    public var name: String
    public var companyID: ID<Company>
    public var stage: String
    public var outcome: Outcome
    public var oneTimeValue: Money
    /// Monthly recurring value the deal adds when won.
    public var recurringValue: Money
    /// 0 … 1.
    public var probability: Decimal
    public var expectedCloseDate: CalendarDate
    public var closedDate: CalendarDate?
    public var salesMemberID: ID<Member>?

    public init(
        source: PSAKind, id: ID<Opportunity>, updatedAt: Timestamp, name: String, companyID: ID<Company>,
        stage: String, outcome: Outcome, oneTimeValue: Money, recurringValue: Money, probability: Decimal,
        expectedCloseDate: CalendarDate, closedDate: CalendarDate?, salesMemberID: ID<Member>?
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.name = name
        self.companyID = companyID
        self.stage = stage
        self.outcome = outcome
        self.oneTimeValue = oneTimeValue
        self.recurringValue = recurringValue
        self.probability = probability
        self.expectedCloseDate = expectedCloseDate
        self.closedDate = closedDate
        self.salesMemberID = salesMemberID
    }
}
