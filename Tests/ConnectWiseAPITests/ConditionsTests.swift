import ConnectWiseAPI
import Foundation
import Testing

/// A ticket shaped like the recorded `service_ticket.json` (reference objects, `_info`, booleans, dates).
private let ticket: JSONValue = try! JSONDecoder().decode(JSONValue.self, from: Data("""
    {
      "id": 4711,
      "summary": "Printer offline in Accounting",
      "board": {"id": 3, "name": "Help Desk"},
      "company": {"id": 250, "identifier": "THE", "name": "Contoso Dental"},
      "priority": {"id": 8, "name": "Priority 3 - Normal"},
      "closedFlag": false,
      "actualHours": 1.25,
      "contact": {"id": 9, "name": "Fred Jones"},
      "dateEntered": "2016-01-02T09:00:00Z",
      "_info": {"lastUpdated": "2016-08-21T10:00:00Z", "dateEntered": "2016-01-02T09:00:00Z"}
    }
    """.utf8))

@Suite struct ConditionsTests {
    @Test(arguments: [
        // The Developer Guide's examples.
        #"board/name="Help Desk""#,
        #"board/id in (3, 2, 4)"#,
        #"lastUpdated > [2016-08-20T18:04:26Z]"#,
        #"Board/Id = 3"#,
        #"ClosedFlag = False"#,
        #"Summary Not Contains "Low Priority""#,
        #"board/name="help desk" and summary contains "printer""#,
        // The canonical mixed example (parentheses, mixed case, % wildcard, lowercase booleans).
        #"(contact/name like "Fred%" and closedFlag = false) and dateEntered > [2015-12-23T05:53:27Z] or summary contains "test" AND  summary != "Some Summary""#,
        // Forms seen in real clients.
        #"(priority/name in ('Priority 3 - Normal', 'High')) AND company/id=250"#,
        #"summary like "printer*""#,
        #"contact != null"#,
        #"lastUpdated >= [2016-08-21T10:00:00.000Z]"#,
        #"board/id not in (7, 8)"#,
        #"actualHours > 1 and actualHours <= 1.25"#,
        #"missingField = null"#,
    ])
    func matchingConditionsSelectTheTicket(conditions: String) throws {
        #expect(try Condition(parsing: conditions).matches(ticket))
    }

    @Test(arguments: [
        #"board/name="Projects""#,
        #"lastUpdated > [2016-08-21T10:00:00Z]"#,
        #"closedFlag = true"#,
        #"summary not like "*offline*""#,
        #"board/id in (1, 2)"#,
        #"summary = null"#,
        #"company/id = 251 or priority/name contains "Emergency""#,
    ])
    func otherConditionsDoNot(conditions: String) throws {
        #expect(try !Condition(parsing: conditions).matches(ticket))
    }

    @Test func andBindsTighterThanOr() throws {
        let parsed = try Condition(parsing: #"a = 1 or b = 2 and c = 3"#)
        #expect(parsed == .or(
            .compare(path: ["a"], op: .equal, value: .number(1)),
            .and(.compare(path: ["b"], op: .equal, value: .number(2)), .compare(path: ["c"], op: .equal, value: .number(3)))))
    }

    @Test(arguments: [
        (#"summary = "unterminated"#, 10, "unterminated string"),
        (#"board/name "Help Desk""#, 11, "expected an operator"),
        (#"summary = Help"#, 10, "strings need quotes"),
        (#"lastUpdated > [yesterday]"#, 14, "is not a date"),
        (#"(board/id = 3"#, 13, "expected ')'"),
        (#"board/id in 3"#, 12, "needs a list"),
        (#"summary contains"#, 16, "expected a value"),
        (#"summary ~ "x""#, 8, "unexpected character"),
        (#"board/id = 3 board/id = 4"#, 13, "unexpected 'board'"),
    ])
    func malformedConditionsAreRefusedWithAPosition(conditions: String, position: Int, message: String) {
        #expect {
            try Condition(parsing: conditions)
        } throws: { error in
            guard let error = error as? ConditionsError else { return false }
            return error.position == position && error.message.contains(message)
        }
    }
}

@Suite struct JSONSerializationTests {
    @Test func serializedJSONDecodesToTheSameValue() throws {
        let value: JSONValue = .object([
            "text": .string("quote \" backslash \\ newline \n tab \t control \u{01} Þekking ✓"), "number": .number(Decimal(string: "-1234.5678")!),
            "integer": .number(42), "flag": .bool(false), "nothing": .null,
            "list": .array([.number(Decimal(string: "0.1")!), .object(["nested": .string("x")])]),
        ])
        let data = value.serialized()
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
        #expect(String(decoding: data, as: UTF8.self).hasPrefix(#"{"flag":false,"integer":42,"#), "keys are sorted")
    }
}
