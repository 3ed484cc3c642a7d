public import Foundation
public import InsightJSON

/// Any JSON value, numbers kept exact. The simulator holds Autotask items in this form and evaluates filters
/// against it; the connector reads pages through it so that a field name matches without regard to case, as
/// Autotask's do (a 2020 recording spells `Id`, the Swagger `id`).
public enum AutotaskJSON: Sendable, Equatable, Codable, JSONTree, JSONTextWritable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([AutotaskJSON])
    case object([String: AutotaskJSON])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Decimal.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AutotaskJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: AutotaskJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// An integer.
    public static func int(_ value: Int) -> AutotaskJSON { .number(Decimal(value)) }

    /// Parses `data` as JSON; `nil` when it is not JSON.
    public static func parse(_ data: Data) -> AutotaskJSON? { AutotaskJSON(parsing: data) }

    /// The member named `key`, matched without regard to case.
    public func member(_ key: String) -> AutotaskJSON? {
        guard case .object(let members) = self else { return nil }
        if let exact = members[key] { return exact }
        let lowered = key.lowercased()
        return members.first { $0.key.lowercased() == lowered }?.value
    }

    /// The value as an `Int` when it is an integral number.
    /// The text of a string value.
    public var stringValue: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    public var intValue: Int? {
        guard case .number(let value) = self else { return nil }
        var input = value
        var whole = Decimal()
        NSDecimalRound(&whole, &input, 0, .plain)
        guard whole == value else { return nil }
        return NSDecimalNumber(decimal: value).intValue
    }
}

// Wire encodings of the DTOs' field types: `nil` is JSON null, as Autotask sends an empty field.
extension AutotaskJSON {
    public init(_ value: Int?) { self = value.map { .number(Decimal($0)) } ?? .null }
    public init(_ value: Decimal?) { self = value.map { .number($0) } ?? .null }
    public init(_ value: String?) { self = value.map { .string($0) } ?? .null }
    public init(_ value: Bool?) { self = value.map { .bool($0) } ?? .null }
    public init(_ value: Date?) { self = value.map { .string(AutotaskDate.format($0)) } ?? .null }
    public init(_ value: [AutotaskUDF]) {
        self = .array(value.map { .object(["name": .string($0.name), "value": $0.value.map { .string($0) } ?? .null]) })
    }
}

extension AutotaskJSON {
    /// The value as compact JSON, keys sorted (`id` first, as Autotask sends them), numbers exact.
    public func serialized() -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return Data(out)
    }

    /// Appends the value as compact JSON (what ``serialized()`` returns) to `out`.
    public func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value): out.append(contentsOf: value.description.utf8)
        case .string(let value): JSONText.writeString(value, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            // `id` first, then without regard to case; each key lowered once, not once per comparison.
            let keys = members.keys.map { (key: $0, rank: $0 == "id" ? 0 : 1, lowered: $0.lowercased()) }
                .sorted { ($0.rank, $0.lowered) < ($1.rank, $1.lowered) }.map(\.key)
            for (index, key) in keys.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                // Invariant: `key` comes from `members.keys`.
                members[key]!.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
