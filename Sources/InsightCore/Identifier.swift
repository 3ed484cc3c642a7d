/// A strongly typed identifier: `ID<Company>` and `ID<Member>` cannot be mixed up.
///
/// Source records use the PSA's own identifier as text (ConnectWise and Autotask both use integers, kept as
/// text so that neither PSA's id space constrains the other). Tenants use a UUID string.
public struct ID<Entity>: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: ID, rhs: ID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The PSA a record was read from. Every stored row is keyed by `(tenant, source, source id)`.
public enum PSAKind: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case connectwise
    case autotask

    /// The product name, as the MSP knows it.
    public var displayName: String {
        switch self {
        case .connectwise: "ConnectWise PSA"
        case .autotask: "Autotask PSA"
        }
    }
    public var description: String { rawValue }
}

/// What every record read from a PSA carries: who it came from, its id there, and when the PSA last changed it.
public protocol SourceRecord: Sendable, Equatable {
    /// The PSA the record came from.
    var source: PSAKind { get }
    /// The record's id in that PSA.
    var id: ID<Self> { get }
    /// When the PSA last changed the record (ConnectWise `_info.lastUpdated`, Autotask `lastModifiedDateTime`).
    var updatedAt: Timestamp { get }
}
