/// A managed endpoint (ConnectWise configuration, Autotask configuration item).
public struct ConfigurationItem: SourceRecord, Hashable {
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case workstation, server, network, other

        /// Servers weigh two nodes in per-node ratios; everything else one.
        public var nodeWeight: Int { self == .server ? 2 : 1 }
    }

    public var source: PSAKind
    public var id: ID<ConfigurationItem>
    public var updatedAt: Timestamp
    public var companyID: ID<Company>
    public var name: String
    public var kind: Kind
    public var active: Bool

    public init(
        source: PSAKind, id: ID<ConfigurationItem>, updatedAt: Timestamp, companyID: ID<Company>, name: String,
        kind: Kind, active: Bool
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.companyID = companyID
        self.name = name
        self.kind = kind
        self.active = active
    }
}
