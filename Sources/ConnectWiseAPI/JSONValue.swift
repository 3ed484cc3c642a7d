public import Foundation
public import InsightJSON

/// Any JSON value, with numbers kept exact. The simulator holds ConnectWise items in this form, and conditions
/// are evaluated against it.
public enum JSONValue: Sendable, Equatable, Codable, JSONTree, JSONTextWritable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

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
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
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

    /// Parses `data` as JSON; `nil` when it is not JSON.
    public static func parse(_ data: Data) -> JSONValue? { JSONValue(parsing: data) }

    /// The member named `key`, matched without regard to case (ConnectWise field names are case-insensitive in
    /// conditions: the docs write `Board/Id` and `LastUpdated` for JSON's `board.id` and `_info.lastUpdated`).
    public func member(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        if let exact = members[key] { return exact }
        let lowered = key.lowercased()
        return members.first { $0.key.lowercased() == lowered }?.value
    }
}

extension JSONValue {
    /// The value as compact JSON with sorted keys, written directly (several times faster than `JSONEncoder`,
    /// which was half of the simulator's time serving large lists). Numbers keep their exact decimal digits.
    public func serialized() -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return Data(out)
    }

    /// Appends the value as compact JSON with sorted keys (what ``serialized()`` returns) to `out`.
    public func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value): out.append(contentsOf: value.description.utf8)
        case .string(let value): JSONText.writeString(value, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            // Sorting the keys alone (not key-value pairs) copies no values: items have up to seventy members.
            var first = true
            for key in members.keys.sorted() {
                guard let value = members[key] else { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                JSONText.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
