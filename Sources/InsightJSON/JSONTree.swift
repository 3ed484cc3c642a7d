public import Foundation

/// A tree of JSON values, numbers kept exact, that can be built from a parsed document. The ConnectWise and
/// Autotask modules each keep their own tree type (they match member names by each PSA's rules); this is what they
/// share: one way to build it from a `JSONTape`.
public protocol JSONTree {
    /// JSON `null`.
    static var null: Self { get }
    /// `true` or `false`.
    static func bool(_ value: Bool) -> Self
    /// A number, exact.
    static func number(_ value: Decimal) -> Self
    /// A string, unescaped.
    static func string(_ value: String) -> Self
    /// An array of values, in order.
    static func array(_ elements: [Self]) -> Self
    /// An object's members by name.
    static func object(_ members: [String: Self]) -> Self
}

extension JSONTree {
    /// Parses `data` as JSON; `nil` when it is not JSON.
    public init?(parsing data: Data) {
        guard let tape = try? JSONTape(parsing: data) else { return nil }
        self.init(tape.root)
    }

    /// The tree of a parsed value. A repeated member name keeps its last value.
    public init(_ value: JSONTape.Value) {
        switch value.kind {
        case .null: self = .null
        case .false: self = .bool(false)
        case .true: self = .bool(true)
        // Invariant: the kind says which reading is non-nil.
        case .number: self = .number(value.decimal!)
        case .string: self = .string(value.string!)
        case .array: self = .array(value.elements.map(Self.init))
        case .object:
            var members: [String: Self] = [:]
            for (key, member) in value.members { members[key] = Self(member) }
            self = .object(members)
        }
    }
}
