public import Foundation

/// Decodes `Decodable` values from JSON like Foundation's `JSONDecoder` with its default strategies, through a
/// `JSONTape`: an object's members are looked up where they lie in the bytes, and members nobody asks for are never
/// turned into strings. Numbers decode into `Decimal` exactly, as with `JSONDecoder`.
///
/// Errors are `DecodingError`s with the coding path, as `JSONDecoder` throws; malformed JSON is `dataCorrupted` with
/// the offset and the reason.
public struct JSONTapeDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let tape: JSONTape
        do {
            tape = try JSONTape(parsing: data)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: [], debugDescription: "The given data was not valid JSON: \(error)", underlyingError: error))
        }
        return try decode(type, from: tape)
    }

    public func decode<T: Decodable>(_ type: T.Type, from tape: JSONTape) throws -> T {
        let decoder = TapeDecoder(tape: tape, index: 0, parent: nil, key: nil)
        if T.self == Decimal.self { return try decoder.decimal(0, nil) as! T }
        return try T(from: decoder)
    }
}

/// The key `super`, which `superDecoder()` reads.
struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

/// A coding key for an array position.
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

extension JSONTape.Kind {
    var name: String {
        switch self {
        case .null: "null"
        case .false, .true: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// The decoder of one value of the tape. Its coding path is built only when an error needs it.
final class TapeDecoder: Decoder {
    let tape: JSONTape
    let index: Int32
    let parent: TapeDecoder?
    let key: (any CodingKey)?
    /// Where the next member lookup of this object starts: the member after the last one found, since types decode
    /// their fields in an order that tends to follow the document's.
    var hint = JSONTape.MemberHint()

    init(tape: JSONTape, index: Int32, parent: TapeDecoder?, key: (any CodingKey)?) {
        self.tape = tape
        self.index = index
        self.parent = parent
        self.key = key
    }

    var codingPath: [any CodingKey] {
        var path = parent?.codingPath ?? []
        if let key { path.append(key) }
        return path
    }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var kind: JSONTape.Kind { tape.nodes[Int(index)].kind }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard kind == .object else { throw mismatch([String: Any].self, index, nil) }
        return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard kind == .array else { throw mismatch([Any].self, index, nil) }
        return UnkeyedContainer(decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(decoder: self) }

    // MARK: Values at a node, for this decoder's containers

    func context(_ key: (any CodingKey)?, _ message: String) -> DecodingError.Context {
        var path = codingPath
        if let key { path.append(key) }
        return DecodingError.Context(codingPath: path, debugDescription: message)
    }

    func mismatch(_ type: Any.Type, _ at: Int32, _ key: (any CodingKey)?) -> DecodingError {
        let found = tape.nodes[Int(at)].kind
        if found == .null { return .valueNotFound(type, context(key, "Expected \(type) value but found null instead.")) }
        return .typeMismatch(type, context(key, "Expected to decode \(type) but found \(found.name) instead."))
    }

    func bool(_ at: Int32, _ key: (any CodingKey)?) throws -> Bool {
        switch tape.nodes[Int(at)].kind {
        case .true: return true
        case .false: return false
        default: throw mismatch(Bool.self, at, key)
        }
    }

    func string(_ at: Int32, _ key: (any CodingKey)?) throws -> String {
        guard tape.nodes[Int(at)].kind == .string else { throw mismatch(String.self, at, key) }
        return tape.string(at: at)
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type, _ at: Int32, _ key: (any CodingKey)?) throws -> T {
        guard tape.nodes[Int(at)].kind == .number else { throw mismatch(type, at, key) }
        guard let int = tape.int(at: at), let value = T(exactly: int) else {
            throw DecodingError.dataCorrupted(context(key, "Number \(tape.text(at: at)) does not fit in \(type)."))
        }
        return value
    }

    func floating<T: LosslessStringConvertible>(_ type: T.Type, _ at: Int32, _ key: (any CodingKey)?) throws -> T {
        guard tape.nodes[Int(at)].kind == .number else { throw mismatch(type, at, key) }
        guard let value = T(tape.text(at: at)) else {
            throw DecodingError.dataCorrupted(context(key, "Number \(tape.text(at: at)) does not fit in \(type)."))
        }
        return value
    }

    func decimal(_ at: Int32, _ key: (any CodingKey)?) throws -> Decimal {
        guard tape.nodes[Int(at)].kind == .number else { throw mismatch(Decimal.self, at, key) }
        return tape.decimal(at: at)
    }

    func value<T: Decodable>(_ type: T.Type, _ at: Int32, _ key: (any CodingKey)?) throws -> T {
        if T.self == Decimal.self { return try decimal(at, key) as! T }
        if T.self == String.self { return try string(at, key) as! T }
        return try T(from: TapeDecoder(tape: tape, index: at, parent: self, key: key))
    }

    /// The value node of this object's member `name`, or `nil`.
    func member(_ name: String) -> Int32? {
        JSONTape.Value(tape: tape, index: index).member(name, hint: &hint)?.index
    }
}

// MARK: - Containers

struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: TapeDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        JSONTape.Value(tape: decoder.tape, index: decoder.index).members.compactMap { Key(stringValue: $0.key) }
    }

    func contains(_ key: Key) -> Bool { decoder.member(key.stringValue) != nil }

    func find(_ key: Key) throws -> Int32 {
        guard let at = decoder.member(key.stringValue) else {
            throw DecodingError.keyNotFound(key, decoder.context(nil, "No value associated with key \(key.stringValue)."))
        }
        return at
    }

    /// The member's node, or `nil` when it is missing or null.
    func present(_ key: Key) -> Int32? {
        guard let at = decoder.member(key.stringValue), decoder.tape.nodes[Int(at)].kind != .null else { return nil }
        return at
    }

    func decodeNil(forKey key: Key) throws -> Bool { decoder.tape.nodes[Int(try find(key))].kind == .null }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.bool(try find(key), key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder.string(try find(key), key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder.floating(type, try find(key), key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder.floating(type, try find(key), key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder.integer(type, try find(key), key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder.integer(type, try find(key), key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder.integer(type, try find(key), key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder.integer(type, try find(key), key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder.integer(type, try find(key), key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder.integer(type, try find(key), key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder.integer(type, try find(key), key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder.integer(type, try find(key), key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder.integer(type, try find(key), key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder.integer(type, try find(key), key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder.value(type, try find(key), key) }

    // One lookup instead of the default's three (contains, decodeNil, decode).
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try present(key).map { try decoder.bool($0, key) } }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try present(key).map { try decoder.string($0, key) } }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try present(key).map { try decoder.floating(type, $0, key) }
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try present(key).map { try decoder.integer(type, $0, key) } }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try present(key).map { try decoder.integer(type, $0, key) } }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try present(key).map { try decoder.value(type, $0, key) } }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try TapeDecoder(tape: decoder.tape, index: try find(key), parent: decoder, key: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TapeDecoder(tape: decoder.tape, index: try find(key), parent: decoder, key: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        guard let at = decoder.member("super") else {
            throw DecodingError.keyNotFound(SuperKey(), decoder.context(nil, "No value associated with key super."))
        }
        return TapeDecoder(tape: decoder.tape, index: at, parent: decoder, key: SuperKey())
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { TapeDecoder(tape: decoder.tape, index: try find(key), parent: decoder, key: key) }
}

struct UnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: TapeDecoder
    let count: Int?
    var currentIndex = 0
    /// The node of the element at `currentIndex`.
    var element: Int32

    init(decoder: TapeDecoder) {
        self.decoder = decoder
        count = Int(decoder.tape.nodes[Int(decoder.index)].count)
        element = decoder.index + 1
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var isAtEnd: Bool { currentIndex >= count ?? 0 }

    /// Decodes the current element with `read` and moves past it.
    mutating func next<T>(_ type: T.Type, _ read: (TapeDecoder, Int32, IndexKey) throws -> T) throws -> T {
        let key = IndexKey(currentIndex)
        guard !isAtEnd else { throw DecodingError.valueNotFound(type, decoder.context(key, "Unkeyed container is at end.")) }
        let value = try read(decoder, element, key)
        element = decoder.tape.nodes[Int(element)].next
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw DecodingError.valueNotFound(Any?.self, decoder.context(IndexKey(currentIndex), "Unkeyed container is at end.")) }
        guard decoder.tape.nodes[Int(element)].kind == .null else { return false }
        element = decoder.tape.nodes[Int(element)].next
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) { try $0.bool($1, $2) } }
    mutating func decode(_ type: String.Type) throws -> String { try next(type) { try $0.string($1, $2) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type) { try $0.floating(type, $1, $2) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type) { try $0.floating(type, $1, $2) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type) { try $0.integer(type, $1, $2) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type) { try $0.integer(type, $1, $2) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type) { try $0.integer(type, $1, $2) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type) { try $0.integer(type, $1, $2) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type) { try $0.integer(type, $1, $2) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type) { try $0.integer(type, $1, $2) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type) { try $0.integer(type, $1, $2) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type) { try $0.integer(type, $1, $2) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type) { try $0.integer(type, $1, $2) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type) { try $0.integer(type, $1, $2) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type) { try $0.value(type, $1, $2) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next(KeyedDecodingContainer<NestedKey>.self) { try TapeDecoder(tape: $0.tape, index: $1, parent: $0, key: $2).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self) { try TapeDecoder(tape: $0.tape, index: $1, parent: $0, key: $2).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next((any Decoder).self) { TapeDecoder(tape: $0.tape, index: $1, parent: $0, key: $2) }
    }
}

struct SingleValueContainer: SingleValueDecodingContainer {
    let decoder: TapeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var at: Int32 { decoder.index }

    func decodeNil() -> Bool { decoder.kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool(at, nil) }
    func decode(_ type: String.Type) throws -> String { try decoder.string(at, nil) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.floating(type, at, nil) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.floating(type, at, nil) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer(type, at, nil) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(type, at, nil) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(type, at, nil) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(type, at, nil) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(type, at, nil) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(type, at, nil) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(type, at, nil) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(type, at, nil) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(type, at, nil) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(type, at, nil) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Decimal.self { return try decoder.decimal(at, nil) as! T }
        if T.self == String.self { return try decoder.string(at, nil) as! T }
        return try T(from: decoder)
    }
}
