/// A company in the PSA: a client, a prospect, a vendor or the MSP itself.
public struct Company: SourceRecord, Hashable {
    public enum Kind: String, CaseIterable, Sendable, Codable { case client, prospect, vendor, `internal` }
    public enum Status: String, CaseIterable, Sendable, Codable { case active, inactive }

    public var source: PSAKind
    public var id: ID<Company>
    public var updatedAt: Timestamp
    public var name: String
    public var kind: Kind
    public var status: Status
    /// The market or vertical (e.g. "Healthcare"), when the PSA has one.
    public var market: String?
    public var accountManagerID: ID<Member>?

    public init(
        source: PSAKind, id: ID<Company>, updatedAt: Timestamp, name: String, kind: Kind, status: Status,
        market: String? = nil, accountManagerID: ID<Member>? = nil
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.name = name
        self.kind = kind
        self.status = status
        self.market = market
        self.accountManagerID = accountManagerID
    }
}
