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
    /// What the PSA's type name suggests, for display and per-node weights; whether the item is a managed endpoint is its
    /// type's classification (``ClassificationDimension/configurationType``).
    public var kind: Kind
    public var active: Bool
    /// The PSA's configuration type, as the MSP named it (`nil` in generated records: the simulators write one per kind).
    public var typeName: String?

    /// The value the item is classified by: its type name, else its kind.
    public var classificationValue: String { typeName ?? kind.rawValue }

    public init(
        source: PSAKind, id: ID<ConfigurationItem>, updatedAt: Timestamp, companyID: ID<Company>, name: String,
        kind: Kind, active: Bool, typeName: String? = nil
    ) {
        self.typeName = typeName
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.companyID = companyID
        self.name = name
        self.kind = kind
        self.active = active
    }
}
