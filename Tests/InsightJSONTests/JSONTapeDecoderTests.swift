import Foundation
import InsightJSON
import Testing

/// Any JSON value, decoded through `Decodable` only: what both decoders must agree on.
enum Tree: Decodable, Equatable {
    case null, bool(Bool), number(Decimal), string(String), array([Tree]), object([String: Tree])

    init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: Tree] = [:]
            for key in keyed.allKeys { members[key.stringValue] = try keyed.decode(Tree.self, forKey: key) }
            self = .object(members)
        } else if var unkeyed = try? decoder.unkeyedContainer() {
            var items: [Tree] = []
            while !unkeyed.isAtEnd { items.append(try unkeyed.decode(Tree.self)) }
            self = .array(items)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let flag = try? single.decode(Bool.self) {
                self = .bool(flag)
            } else if let text = try? single.decode(String.self) {
                self = .string(text)
            } else {
                self = .number(try single.decode(Decimal.self))
            }
        }
    }

    /// The same value built from the tape's own reading API.
    init(_ value: JSONTape.Value) {
        switch value.kind {
        case .null: self = .null
        case .true, .false: self = .bool(value.bool!)
        case .number: self = .number(value.decimal!)
        case .string: self = .string(value.string!)
        case .array: self = .array(value.elements.map(Tree.init))
        case .object: self = .object(Dictionary(value.members.map { ($0.key, Tree($0.value)) }, uniquingKeysWith: { $1 }))
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The recorded real responses both PSA modules are tested with.
func recordedSamples() throws -> [(name: String, data: Data)] {
    let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    var samples: [(String, Data)] = []
    for folder in ["ConnectWiseAPITests/Samples", "AutotaskAPITests/Samples"] {
        let directory = tests.appendingPathComponent(folder)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix(".json") {
            samples.append(("\(folder)/\(name)", try Data(contentsOf: directory.appendingPathComponent(name))))
        }
    }
    return samples
}

@Suite("JSON tape decoder")
struct JSONTapeDecoderTests {
    @Test("every recorded PSA response decodes to the same value as with Foundation's JSONDecoder")
    func recordedResponsesMatchFoundation() throws {
        let samples = try recordedSamples()
        #expect(samples.count >= 25)
        for sample in samples {
            let expected = try JSONDecoder().decode(Tree.self, from: sample.data)
            #expect(try JSONTapeDecoder().decode(Tree.self, from: sample.data) == expected, "\(sample.name)")
            #expect(Tree(try JSONTape(parsing: sample.data).root) == expected, "\(sample.name)")
        }
    }

    @Test("a body cut short anywhere is an error, never a shorter value (a truncated page must not pass as a page)")
    func truncatedBodiesAreErrors() throws {
        for sample in try recordedSamples().prefix(8) {
            let bytes = [UInt8](sample.data)
            let end = bytes.lastIndex { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }!
            // Every 13th cut, and every cut in the last 40 bytes, where a body is most often short.
            for cut in Array(stride(from: 0, to: end, by: 13)) + Array(max(0, end - 40)..<end) {
                #expect(throws: JSONSyntaxError.self, "\(sample.name) cut at \(cut)") { try JSONTape(parsing: Array(bytes[..<cut])) }
            }
        }
        #expect(throws: DecodingError.self) { try JSONTapeDecoder().decode([Tree].self, from: Data("[{\"id\":1},{\"id\":".utf8)) }
    }

    @Test("what JSON's grammar forbids is refused", arguments: [
        "", " ", "tru", "nul", "True", "01", "-", "1.", ".5", "1e", "1e+", "+1", "NaN", "Infinity", "0x10",
        "[1,]", "[,1]", "{\"a\":1,}", "{a:1}", "{'a':1}", "{\"a\" 1}", "[1 2]", "\"abc", "\"a\\x\"", "\"\\u12G4\"",
        "\"tab\there\"", "[1]]", "{} {}", "[", "{\"a\":", String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
    func invalidJSONIsRefused(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONTape(parsing: Data(text.utf8)) }
        // Foundation's decoder lets a trailing comma pass; RFC 8259 does not, and neither do we.
        if !["[1,]", "{\"a\":1,}"].contains(text) {
            #expect(throws: (any Error).self) { try JSONDecoder().decode(Tree.self, from: Data(text.utf8)) }
        }
    }

    @Test("numbers are exact Decimals, equal to Foundation's", arguments: [
        "0", "-0", "7", "-7.25", "0.05", "123.4500", "1e3", "1.5E-3", "2.5e+2", "100", "1000000.000001",
        "9223372036854775807", "12345678901234567890123", "99999999999999999999.99", "0.000000000000000000000001",
        "3.14159265358979323846264338327950288",
    ])
    func numbersAreExact(_ text: String) throws {
        let data = Data("[\(text)]".utf8)
        let ours = try JSONTapeDecoder().decode([Decimal].self, from: data)
        let foundation = try JSONDecoder().decode([Decimal].self, from: data)
        #expect(ours == foundation)
        #expect(ours == [Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!])
    }

    @Test("integers: whole numbers in range decode, fractions and overflow are errors")
    func integers() throws {
        let decoder = JSONTapeDecoder()
        #expect(try decoder.decode([Int].self, from: Data("[0,-1,9223372036854775807,-9223372036854775808,1.0,2e2]".utf8))
            == [0, -1, .max, .min, 1, 200])
        #expect(try decoder.decode([UInt8].self, from: Data("[255]".utf8)) == [255])
        for bad in ["[1.5]", "[9223372036854775808]", "[\"1\"]", "[true]"] {
            #expect(throws: DecodingError.self, "\(bad)") { try decoder.decode([Int].self, from: Data(bad.utf8)) }
        }
        #expect(throws: DecodingError.self) { try decoder.decode([UInt8].self, from: Data("[256]".utf8)) }
        #expect(try decoder.decode([Double].self, from: Data("[1.5,-2e-3,3]".utf8)) == [1.5, -0.002, 3])
    }

    @Test("strings: escapes, \\u escapes and surrogate pairs read as Foundation reads them")
    func strings() throws {
        let text = #"["plain","é and \u00e9","\ud83d\ude00 \u263A","line\nbreak\ttab \"quoted\" back\\slash \/ \b\f\r","", "<script>"]"#
        let data = Data(text.utf8)
        let ours = try JSONTapeDecoder().decode([String].self, from: data)
        #expect(ours == (try JSONDecoder().decode([String].self, from: data)))
        #expect(ours[2] == "😀 ☺")
        #expect(try JSONTape(parsing: data).root.elements[1].string == "é and é")
    }

    struct Reference: Decodable, Equatable {
        let id: Int
        let name: String?
    }

    struct Entry: Decodable, Equatable {
        let id: Int
        let member: Reference
        let company: Reference?
        let hours: Decimal?
        let notes: String?
        let billable: Bool
        let tags: [String]
    }

    @Test("Codable types decode as with JSONDecoder: members in any order, missing and null optionals, nested values")
    func codableTypes() throws {
        let text = #"""
            [{"unused":{"deep":[1,{"x":null}]},"tags":["a","b"],"billable":true,"notes":null,"hours":1.25,"member":{"name":"Ann","id":7,"_info":{}},"id":1},
             {"id":2,"member":{"id":8},"billable":false,"tags":[],"company":{"id":3,"name":"Acme \"Ltd\""}}]
            """#
        let data = Data(text.utf8)
        let ours = try JSONTapeDecoder().decode([Entry].self, from: data)
        #expect(ours == (try JSONDecoder().decode([Entry].self, from: data)))
        #expect(ours[0].hours == Decimal(string: "1.25"))
        #expect(ours[0].company == nil && ours[0].notes == nil)
        #expect(ours[1].company?.name == "Acme \"Ltd\"")
    }

    @Test("errors name the field and the position: missing, null and wrong-typed members")
    func errorsNameTheField() {
        func failure(_ text: String) -> String {
            do {
                _ = try JSONTapeDecoder().decode([Entry].self, from: Data(text.utf8))
                return "decoded"
            } catch let DecodingError.keyNotFound(key, context) {
                return "missing " + (context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue } + [key.stringValue]).joined(separator: ".")
            } catch let DecodingError.valueNotFound(_, context) {
                return "null " + context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            } catch let DecodingError.typeMismatch(_, context) {
                return "type " + context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            } catch {
                return "\(error)"
            }
        }
        let good = #"{"id":1,"member":{"id":7},"billable":true,"tags":[]}"#
        #expect(failure("[\(good)]") == "decoded")
        #expect(failure(#"[\#(good),{"id":2,"member":{"name":"x"},"billable":true,"tags":[]}]"#) == "missing [1].member.id")
        #expect(failure(#"[{"id":1,"member":null,"billable":true,"tags":[]}]"#) == "null [0].member")
        #expect(failure(#"[{"id":"1","member":{"id":7},"billable":true,"tags":[]}]"#) == "type [0].id")
        #expect(failure(#"[{"id":1,"member":{"id":7},"billable":true,"tags":[1]}]"#) == "type [0].tags.[0]")
        #expect(failure(#"{"id":1}"#) == "type ")
    }

    @Test("member lookup finds each key's value, with or without a hint, in any order, and by ASCII case when asked")
    func memberLookup() throws {
        for (name, data) in try recordedSamples() {
            let tape = try JSONTape(parsing: data)
            var objects = [tape.root]
            var checked = 0
            while let value = objects.popLast() {
                objects += value.elements + value.members.map(\.value)
                let members = value.members
                guard !members.isEmpty else { continue }
                var hint = JSONTape.MemberHint()
                // Backwards, then forwards: the hint must wrap around in both.
                for (key, _) in members.reversed() + members {
                    let first = try #require(members.first { $0.key == key }?.value)
                    #expect(value.member(key).map(Tree.init) == Tree(first), "\(name): \(key)")
                    #expect(value.member(key, hint: &hint).map(Tree.init) == Tree(first), "\(name): \(key) with a hint")
                    let caseless = members.first { $0.key.lowercased() == key.lowercased() }!.value
                    #expect(value.member(key.uppercased(), ignoringCase: true).map(Tree.init) == Tree(caseless), "\(name): \(key) uppercased")
                    checked += 1
                }
                #expect(value.member("no such member, surely") == nil)
                #expect(value.member("no such member, surely", hint: &hint) == nil)
            }
            #expect(checked > 0, "\(name) has objects")
        }
        let tape = try JSONTape(parsing: Data(#"{"a\u0062":1,"ab":2,"":3,"A":4,"a":5}"#.utf8))
        #expect(tape.root.member("ab")?.int == 1, "an escaped key is unescaped before it is compared; the first wins")
        #expect(tape.root.member("")?.int == 3)
        #expect(tape.root.member("a")?.int == 5)
        #expect(tape.root.member("a", ignoringCase: true)?.int == 4)
        #expect(tape.root.member("AB", ignoringCase: true)?.int == 1)
        #expect(tape.root.member("AB") == nil)
        #expect(try JSONTape(parsing: Data("[1]".utf8)).root.member("1") == nil, "an array has no members")
        #expect(try JSONTape(parsing: Data(#"{"\u0041b":1}"#.utf8)).root.member("aB", ignoringCase: true)?.int == 1, "escaped keys too")
        // A hint carried to another object of the same document is not trusted there.
        let both = try JSONTape(parsing: Data(#"[{"a":1,"b":2,"c":3},{"c":30,"b":20,"a":10}]"#.utf8)).root.elements
        var hint = JSONTape.MemberHint()
        #expect(both[0].member("b", hint: &hint)?.int == 2)
        #expect(both[1].member("a", hint: &hint)?.int == 10)
        #expect(both[1].member("c", hint: &hint)?.int == 30)
        #expect(both[0].member("c", hint: &hint)?.int == 3)
    }

    @Test("int reads whole numbers that fit, and nothing else")
    func tapeIntegers() throws {
        let tape = try JSONTape(parsing: Data(#"[0,-1,9223372036854775807,1.0,2e2,1.5,9223372036854775808,"1",true,null]"#.utf8))
        #expect(tape.root.elements.map(\.int) == [0, -1, .max, 1, 200, nil, nil, nil, nil, nil])
    }
}
