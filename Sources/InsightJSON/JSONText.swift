import Synchronization

/// A JSON value that writes itself as compact text.
public protocol JSONTextWritable {
    /// Appends the value's JSON text to `out`.
    func write(into out: inout [UInt8])
}

/// Pieces of JSON text both PSA trees write the same way.
public enum JSONText {
    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `text` as a JSON string: runs of bytes that need no escape are copied whole; `"`, `\` and control
    /// characters are escaped.
    public static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out += [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
                }
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// A list of JSON items that keeps each item's text once it has been written: what the simulators serve pages
/// from. A real server's cost of producing a page is not the client's; with the text kept, a page is copied rather
/// than serialized again, and ``writeAll()`` lets a benchmark pay for all of it before it measures the client.
public final class JSONTextList<Item: JSONTextWritable & Sendable>: Sendable {
    /// The items, in the order the list was made with.
    public let items: [Item]
    private let texts: Mutex<[[UInt8]?]>

    /// A list of `items`, none of whose text is written yet.
    public init(_ items: [Item]) {
        self.items = items
        self.texts = Mutex(Array(repeating: nil, count: items.count))
    }

    /// Appends the JSON array of the items at `positions`, in that order, to `out`.
    public func writeArray(of positions: [Int], into out: inout [UInt8]) {
        var parts = texts.withLock { texts in positions.map { texts[$0] } }
        var written: [(position: Int, text: [UInt8])] = []
        for (index, position) in positions.enumerated() where parts[index] == nil {
            var text: [UInt8] = []
            items[position].write(into: &text)
            parts[index] = text
            written.append((position, text))
        }
        if !written.isEmpty {
            texts.withLock { texts in
                for (position, text) in written { texts[position] = text }
            }
        }
        out.reserveCapacity(out.count + parts.reduce(2) { $0 + ($1?.count ?? 0) + 1 })
        out.append(UInt8(ascii: "["))
        for (index, part) in parts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            // Invariant: every part was read or written above.
            out.append(contentsOf: part!)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Writes every item's text now.
    public func writeAll() {
        var scratch: [UInt8] = []
        for start in stride(from: 0, to: items.count, by: 1_000) {
            scratch.removeAll(keepingCapacity: true)
            writeArray(of: Array(start..<min(items.count, start + 1_000)), into: &scratch)
        }
    }
}
