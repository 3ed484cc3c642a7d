public import Foundation

/// A JSON document parsed once into a flat list of nodes over its bytes: no dictionary per object, no `String` per
/// key, no tree of enums. Reading a value costs what reading that value needs; skipping one costs nothing, since each
/// node knows where the next sibling starts.
///
/// This is what PSA pages are decoded through (`JSONTapeDecoder`): a ConnectWise time entry carries 2.6 KB of
/// fields of which the product reads a third, and Foundation's `JSONDecoder` builds a dictionary of every object's
/// keys before it reads any.
///
/// Nodes are in document order. An object's node is followed by its members, each a key node (a string) and the
/// value's nodes; an array's node by its elements' nodes.
public struct JSONTape: Sendable {
    /// What a node is.
    public enum Kind: UInt8, Sendable {
        case null, `false`, `true`, number, string, array, object
    }

    struct Node {
        var kind: Kind
        /// A string whose text holds a backslash escape, so it must be unescaped rather than copied.
        var escaped: Bool
        /// First byte of the value (a string's first byte after its opening quote).
        var start: Int32
        /// One past the last byte (a string's closing quote; an array's or object's closing bracket).
        var end: Int32
        /// Index of the node after this value and everything inside it.
        var next: Int32
        /// Elements of an array, members of an object.
        var count: Int32
    }

    /// The document's bytes and nodes, behind one reference: a `Value` copied costs one retain, not two.
    final class Storage: Sendable {
        let bytes: [UInt8]
        let nodes: [Node]
        init(bytes: [UInt8], nodes: [Node]) {
            self.bytes = bytes
            self.nodes = nodes
        }
    }

    let storage: Storage
    var bytes: [UInt8] { storage.bytes }
    var nodes: [Node] { storage.nodes }

    /// Parses `data`, which must be one JSON value (RFC 8259) with nothing after it but white space.
    public init(parsing data: Data) throws(JSONSyntaxError) {
        try self.init(parsing: [UInt8](data))
    }

    /// Parses `bytes`, which must be one JSON value (RFC 8259) with nothing after it but white space.
    public init(parsing bytes: [UInt8]) throws(JSONSyntaxError) {
        guard bytes.count < Int32.max else { throw JSONSyntaxError(offset: 0, reason: "the document is larger than 2 GiB") }
        let nodes = try bytes.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> [Node] in
            var parser = Parser(bytes: buffer)
            parser.nodes.reserveCapacity(bytes.count / 12)
            try parser.parseDocument()
            return parser.nodes
        }
        self.storage = Storage(bytes: bytes, nodes: nodes)
    }

    /// The document's value.
    public var root: JSONTape.Value { Value(tape: self, index: 0) }
}

/// JSON that does not parse: where, and why.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte offset of the problem.
    public var offset: Int
    public var reason: String
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }
    public var description: String { "\(reason) at byte \(offset)" }
}

// MARK: - Reading values

extension JSONTape {
    /// One value of a parsed document. Cheap to copy: the document's storage is shared.
    public struct Value: Sendable {
        let tape: JSONTape
        let index: Int32

        var node: Node { tape.nodes[Int(index)] }

        public var kind: Kind { node.kind }
        public var isNull: Bool { node.kind == .null }

        /// A boolean's value; `nil` for anything else.
        public var bool: Bool? {
            switch node.kind {
            case .true: return true
            case .false: return false
            default: return nil
            }
        }

        /// A string's text, unescaped; `nil` for anything else.
        public var string: String? { node.kind == .string ? tape.string(at: index) : nil }

        /// A number's exact value; `nil` for anything else.
        public var decimal: Decimal? { node.kind == .number ? tape.decimal(at: index) : nil }

        /// A number's value as `Int` when it is integral and fits (`1.0` and `1e2` are integral); `nil` for anything else.
        public var int: Int? { node.kind == .number ? tape.int(at: index) : nil }

        /// The value of this object's member named `name`, keys compared byte for byte (without regard to ASCII
        /// case when `ignoringCase`); `nil` when there is none or this is not an object. No key is copied.
        public func member(_ name: String, ignoringCase: Bool = false) -> Value? {
            var hint = MemberHint()
            return member(name, ignoringCase: ignoringCase, hint: &hint)
        }

        /// The value of this object's member named `name`, searched from where `hint` says the last lookup in this
        /// object ended and around: members asked for in document order cost one comparison each. A repeated key
        /// reads the first value found from there (which of its values is unspecified: JSON leaves it open). A hint
        /// belongs to one object of one document (the package's readers keep one per object): this is `package`, not
        /// `public`, because a hint carried to a same-shaped object of another document would be trusted there
        /// (telling documents apart costs a sixth of an Autotask page's decoding); one from another object of the
        /// same document is ignored.
        package func member(_ name: String, ignoringCase: Bool = false, hint: inout MemberHint) -> Value? {
            guard node.kind == .object else { return nil }
            var name = name
            return name.withUTF8 { expected -> Value? in
                tape.nodes.withUnsafeBufferPointer { nodes -> Value? in
                    tape.bytes.withUnsafeBufferPointer { bytes -> Value? in
                        let count = nodes[Int(index)].count
                        // A hint from another object of this document is ignored.
                        let end = nodes[Int(index)].next
                        let resumes = hint.object == index && hint.ordinal < count && hint.key > index && hint.key < end
                        var key = resumes ? hint.key : index + 1
                        var ordinal = resumes ? hint.ordinal : 0
                        for _ in 0..<count {
                            let node = nodes[Int(key)]
                            let found: Bool
                            if node.escaped {
                                // The unescaped key's bytes, compared as an unescaped one's are.
                                let text = Array(tape.string(at: key).utf8)
                                found = text.count == expected.count
                                    && text.withUnsafeBufferPointer { bytes in
                                        ignoringCase ? JSONTape.equalIgnoringASCIICase(bytes, expected) : bytes.elementsEqual(expected)
                                    }
                            } else {
                                let length = Int(node.end - node.start)
                                let start = bytes.baseAddress! + Int(node.start)
                                // Lengths first: most keys differ there.
                                found = length == expected.count
                                    && (length == 0
                                        || (ignoringCase
                                            ? JSONTape.equalIgnoringASCIICase(UnsafeBufferPointer(start: start, count: length), expected)
                                            : memcmp(expected.baseAddress!, start, length) == 0))
                            }
                            let value = key + 1
                            ordinal += 1
                            if ordinal == count {
                                ordinal = 0
                                key = index + 1
                            } else {
                                key = nodes[Int(value)].next
                            }
                            if found {
                                hint = MemberHint(object: index, key: key, ordinal: ordinal)
                                return Value(tape: tape, index: value)
                            }
                        }
                        return nil
                    }
                }
            }
        }

        /// An array's elements, in order; empty for anything else.
        public var elements: [Value] {
            guard node.kind == .array else { return [] }
            var result: [Value] = []
            result.reserveCapacity(Int(node.count))
            var child = index + 1
            for _ in 0..<node.count {
                result.append(Value(tape: tape, index: child))
                child = tape.nodes[Int(child)].next
            }
            return result
        }

        /// An object's members, in document order (a repeated key appears twice); empty for anything else.
        public var members: [(key: String, value: Value)] {
            guard node.kind == .object else { return [] }
            var result: [(key: String, value: Value)] = []
            result.reserveCapacity(Int(node.count))
            var key = index + 1
            for _ in 0..<node.count {
                result.append((tape.string(at: key), Value(tape: tape, index: key + 1)))
                key = tape.nodes[Int(key + 1)].next
            }
            return result
        }
    }

    /// Where a member lookup in an object ended (see ``Value/member(_:ignoringCase:hint:)``).
    package struct MemberHint: Sendable {
        var object: Int32 = -1
        var key: Int32 = 0
        var ordinal: Int32 = 0
        package init() {}
        init(object: Int32, key: Int32, ordinal: Int32) {
            self.object = object
            self.key = key
            self.ordinal = ordinal
        }
    }

    /// Whether two byte strings of the same length are equal when ASCII letters are compared without regard to case.
    static func equalIgnoringASCIICase(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<lhs.count {
            let left = lhs[i]
            let right = rhs[i]
            guard left == right || (left | 0x20 == right | 0x20 && (left | 0x20) >= 0x61 && (left | 0x20) <= 0x7A) else { return false }
        }
        return true
    }

    /// The text of bytes `start..<end`, as UTF-8 (invalid sequences replaced, as `String(decoding:)` does).
    func text(_ start: Int32, _ end: Int32) -> String {
        bytes.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(start)..<Int(end)]), as: UTF8.self)
        }
    }

    func text(at index: Int32) -> String {
        let node = nodes[Int(index)]
        return text(node.start, node.end)
    }

    /// A string node's text, unescaped.
    func string(at index: Int32) -> String {
        let node = nodes[Int(index)]
        guard node.escaped else { return text(node.start, node.end) }
        return bytes.withUnsafeBufferPointer { buffer in
            Self.unescape(UnsafeBufferPointer(rebasing: buffer[Int(node.start)..<Int(node.end)]))
        }
    }

    /// A number node's exact value.
    func decimal(at index: Int32) -> Decimal {
        let node = nodes[Int(index)]
        return bytes.withUnsafeBufferPointer { buffer in
            JSONNumber.decimal(UnsafeBufferPointer(rebasing: buffer[Int(node.start)..<Int(node.end)]))
        }
    }

    /// A number node's value as `Int` when it is integral and fits.
    func int(at index: Int32) -> Int? {
        let node = nodes[Int(index)]
        return bytes.withUnsafeBufferPointer { buffer in
            JSONNumber.int(UnsafeBufferPointer(rebasing: buffer[Int(node.start)..<Int(node.end)]))
        }
    }

    /// The text of a string's bytes between its quotes with its escapes resolved. The parser has checked every
    /// escape, so this does not fail.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for byte in raw[at..<at + 4] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                default: digit = byte - UInt8(ascii: "A") + 10
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        func append(scalar value: UInt32) {
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
        while i < raw.count {
            let byte = raw[i]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                i += 1
                continue
            }
            let escape = raw[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                let unit = hex(i)
                i += 4
                if (0xD800..<0xDC00).contains(unit), i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") {
                    let low = hex(i + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        i += 6
                        append(scalar: 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        continue
                    }
                }
                // A lone surrogate cannot be a scalar: it becomes U+FFFD, as Foundation's decoder does not
                // promise otherwise.
                append(scalar: unit)
            default: out.append(escape)  // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

// MARK: - Parsing

/// A validating recursive-descent parser writing nodes in document order.
struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    var nodes: [JSONTape.Node] = []
    var position = 0
    var depth = 0
    static let maximumDepth = 512

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func fail(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? position, reason: reason)
    }

    mutating func parseDocument() throws(JSONSyntaxError) {
        skipWhiteSpace()
        guard position < bytes.count else { throw fail("the document is empty") }
        try parseValue()
        skipWhiteSpace()
        guard position == bytes.count else { throw fail("unexpected text after the JSON value") }
    }

    mutating func skipWhiteSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func append(_ kind: JSONTape.Kind, start: Int, end: Int, escaped: Bool = false) {
        nodes.append(
            JSONTape.Node(kind: kind, escaped: escaped, start: Int32(start), end: Int32(end), next: Int32(nodes.count + 1), count: 0))
    }

    mutating func parseValue() throws(JSONSyntaxError) {
        guard position < bytes.count else { throw fail("the document ends where a value belongs") }
        switch bytes[position] {
        case UInt8(ascii: "{"): try parseObject()
        case UInt8(ascii: "["): try parseArray()
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try parseLiteral("true", .true)
        case UInt8(ascii: "f"): try parseLiteral("false", .false)
        case UInt8(ascii: "n"): try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        default: throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[position])))' where a value belongs")
        }
    }

    mutating func parseLiteral(_ word: StaticString, _ kind: JSONTape.Kind) throws(JSONSyntaxError) {
        let length = word.utf8CodeUnitCount
        guard position + length <= bytes.count,
            memcmp(bytes.baseAddress! + position, word.utf8Start, length) == 0
        else { throw fail("invalid literal (expected \(word))") }
        append(kind, start: position, end: position + length)
        position += length
    }

    mutating func parseNumber() throws(JSONSyntaxError) {
        let start = position
        func digits(_ parser: inout Parser) -> Int {
            let first = parser.position
            while parser.position < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.position]) {
                parser.position += 1
            }
            return parser.position - first
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        let integerDigits = digits(&self)
        guard integerDigits > 0 else { throw fail("a number without digits", at: start) }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") { throw fail("a number with a leading zero", at: start) }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw fail("a number without digits after its decimal point", at: start) }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw fail("a number without digits in its exponent", at: start) }
        }
        append(.number, start: start, end: position)
    }

    mutating func parseString() throws(JSONSyntaxError) {
        let opening = position
        position += 1
        let start = position
        var escaped = false
        // Invariant: `bytes` is non-empty here (it holds at least the opening quote).
        let base = UnsafeRawPointer(bytes.baseAddress!)
        while true {
            // Eight bytes at a time while none is a quote, a backslash or a control character (a false alarm, from a
            // borrow across bytes, only sends the word to the byte-by-byte check below).
            while position + 8 <= bytes.count {
                let word = base.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                if Self.mayHoldSpecialByte(word) { break }
                position += 8
            }
            guard position < bytes.count else { throw fail("a string is not closed", at: opening) }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw fail("a control character inside a string") }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                guard position + 1 < bytes.count else { throw fail("a string is not closed", at: opening) }
                switch bytes[position + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 2
                case UInt8(ascii: "u"):
                    guard position + 6 <= bytes.count,
                        bytes[position + 2..<position + 6].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) })
                    else { throw fail("an invalid \\u escape") }
                    position += 6
                default: throw fail("an invalid escape")
                }
                continue
            }
            position += 1
        }
        append(.string, start: start, end: position, escaped: escaped)
        position += 1
    }

    /// Whether any byte of `word` may be `"`, `\\` or below 0x20 (never a false "no").
    @inline(__always)
    static func mayHoldSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        return hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C)) || (word &- ones &* 0x20) & ~word & highs != 0
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw fail("the document nests deeper than \(Self.maximumDepth) levels") }
    }

    /// Completes the node of the array or object at `index`, which the parser has just read past the end of.
    mutating func close(_ index: Int, count: Int32) {
        nodes[index].end = Int32(position)
        nodes[index].next = Int32(nodes.count)
        nodes[index].count = count
        depth -= 1
    }

    mutating func parseArray() throws(JSONSyntaxError) {
        try enter()
        let index = nodes.count
        append(.array, start: position, end: position)
        position += 1
        var count: Int32 = 0
        skipWhiteSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                skipWhiteSpace()
                try parseValue()
                count += 1
                skipWhiteSpace()
                guard position < bytes.count else { throw fail("an array is not closed") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                guard bytes[position] == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in an array") }
                position += 1
                break
            }
        }
        close(index, count: count)
    }

    mutating func parseObject() throws(JSONSyntaxError) {
        try enter()
        let index = nodes.count
        append(.object, start: position, end: position)
        position += 1
        var count: Int32 = 0
        skipWhiteSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhiteSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw fail(position < bytes.count ? "expected a member name in quotes" : "an object is not closed")
                }
                try parseString()
                skipWhiteSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
                position += 1
                skipWhiteSpace()
                try parseValue()
                count += 1
                skipWhiteSpace()
                guard position < bytes.count else { throw fail("an object is not closed") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                guard bytes[position] == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in an object") }
                position += 1
                break
            }
        }
        close(index, count: count)
    }
}
