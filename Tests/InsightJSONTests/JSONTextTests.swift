import Foundation
import InsightJSON
import Testing

/// A minimal tree built through `JSONTree` and written through `JSONText`, as both PSA modules do.
enum Plain: JSONTree, JSONTextWritable, Equatable, Sendable {
    case null, bool(Bool), number(Decimal), string(String), array([Plain]), object([String: Plain])

    func write(into out: inout [UInt8]) {
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
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                members[key]!.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    var text: [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }
}

@Suite struct JSONTextTests {
    @Test(arguments: [
        "", "plain", "quote \" and backslash \\ and slash /", "line\nfeed\rreturn\ttab", "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}",
        "accents éàü, CJK 日本, emoji 👩‍💻", String(repeating: "long run without escapes ", count: 40) + "\"",
    ])
    func stringsReadBackExactly(_ text: String) throws {
        var out: [UInt8] = []
        JSONText.writeString(text, into: &out)
        // Foundation's decoder, not ours, is the judge of the text written.
        #expect(try JSONDecoder().decode(String.self, from: Data(out)) == text)
        #expect(try JSONTape(parsing: out).root.string == text)
    }

    @Test func controlCharactersAreEscapedAsTheRFCRequires() {
        var out: [UInt8] = []
        JSONText.writeString("a\u{1}\n\u{1F}", into: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""a\u0001\n\u001f""#)
    }

    @Test func everyRecordedSampleIsWrittenBackAsTheSameValue() throws {
        for (name, data) in try recordedSamples() {
            let tree = try #require(Plain(parsing: data), "\(name)")
            let written = Data(tree.text)
            #expect(Plain(parsing: written) == tree, "\(name)")
            #expect(try JSONDecoder().decode(Tree.self, from: written) == JSONDecoder().decode(Tree.self, from: data), "\(name)")
        }
    }

    @Test func aListWritesPagesTheSameWhetherItsTextIsNewOrKept() throws {
        let items: [Plain] = [
            .object(["id": .number(1), "name": .string("Contoso \"East\"")]), .object(["id": .number(2), "rate": .number(Decimal(string: "142.50")!)]),
            .object(["id": .number(3), "tags": .array([.string("a"), .null, .bool(true)])]),
        ]
        let list = JSONTextList(items)
        let expected = "[" + [2, 0, 2].map { String(decoding: items[$0].text, as: UTF8.self) }.joined(separator: ",") + "]"
        var first: [UInt8] = []
        list.writeArray(of: [2, 0, 2], into: &first)
        #expect(String(decoding: first, as: UTF8.self) == expected)
        var again: [UInt8] = Array("prefix:".utf8)
        list.writeArray(of: [2, 0, 2], into: &again)
        #expect(String(decoding: again, as: UTF8.self) == "prefix:" + expected)

        let whole = JSONTextList(items)
        whole.writeAll()
        var all: [UInt8] = []
        whole.writeArray(of: [0, 1, 2], into: &all)
        #expect(Plain(parsing: Data(all)) == .array(items))
        var none: [UInt8] = []
        whole.writeArray(of: [], into: &none)
        #expect(none == Array("[]".utf8))
    }
}
