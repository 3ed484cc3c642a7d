/// A person who logs time: a ConnectWise member or an Autotask resource.
public struct Member: SourceRecord, Hashable {
    /// The member's cost and billing rate from a date on. Costs are not retroactive: a time entry is costed at
    /// the rate in force on its work date.
    public struct Rate: Hashable, Sendable, Codable {
        public var effectiveFrom: CalendarDate
        /// Fully loaded cost of one hour; `nil` when the PSA has none (a data-health flaw).
        public var hourlyCost: Money?
        /// The member's standard billing rate, used for shadow billable.
        public var hourlyRate: Money?

        public init(effectiveFrom: CalendarDate, hourlyCost: Money?, hourlyRate: Money?) {
            self.effectiveFrom = effectiveFrom
            self.hourlyCost = hourlyCost
            self.hourlyRate = hourlyRate
        }
    }

    public var source: PSAKind
    public var id: ID<Member>
    public var updatedAt: Timestamp
    /// Login name (ConnectWise `identifier`, Autotask `userName`).
    public var identifier: String
    public var name: String
    public var title: String?
    public var active: Bool
    /// Hours a day the member is expected to work.
    public var dailyCapacity: Hours
    /// Rate history, ordered by `effectiveFrom`.
    public var rates: [Rate]

    public init(
        source: PSAKind, id: ID<Member>, updatedAt: Timestamp, identifier: String, name: String, title: String?,
        active: Bool, dailyCapacity: Hours, rates: [Rate]
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.identifier = identifier
        self.name = name
        self.title = title
        self.active = active
        self.dailyCapacity = dailyCapacity
        self.rates = rates.sorted { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// The rate in force on `date`: the latest one that starts on or before it.
    public func rate(on date: CalendarDate) -> Rate? { rates.last { $0.effectiveFrom <= date } }
}
