import AutotaskAPI
import Foundation
import Testing

@Suite struct AutotaskFilterTests {
    static let item = AutotaskJSON.object([
        "id": .int(42), "companyName": .string("Contoso Dental"), "isActive": .bool(true), "companyType": .int(3),
        "lastTrackedModifiedDateTime": .string("2026-02-03T10:00:00.000Z"), "phone": .null,
        "userDefinedFields": .array([.object(["name": .string("Customer Ranking"), "value": .string("Golden")])]),
    ])

    func matches(_ json: String) throws -> Bool {
        let query = try AutotaskQuery(text: "{\"filter\":[\(json)]}")
        return query.filter.allSatisfy { $0.matches(Self.item) }
    }

    @Test func everyOperator() throws {
        #expect(try matches(#"{"op":"eq","field":"id","value":42}"#))
        #expect(try !matches(#"{"op":"noteq","field":"id","value":42}"#))
        #expect(try matches(#"{"op":"gt","field":"id","value":41}"#))
        #expect(try matches(#"{"op":"gte","field":"id","value":42}"#))
        #expect(try matches(#"{"op":"lt","field":"id","value":43}"#))
        #expect(try !matches(#"{"op":"lte","field":"id","value":41}"#))
        #expect(try matches(#"{"op":"beginsWith","field":"CompanyName","value":"contoso"}"#), "field names and strings ignore case")
        #expect(try matches(#"{"op":"endsWith","field":"companyName","value":"Dental"}"#))
        #expect(try matches(#"{"op":"contains","field":"companyName","value":"so De"}"#))
        #expect(try matches(#"{"op":"exist","field":"companyName"}"#))
        #expect(try matches(#"{"op":"notExist","field":"phone"}"#))
        #expect(try !matches(#"{"op":"exist","field":"phone"}"#))
        #expect(try matches(#"{"op":"in","field":"companyType","value":[1,3,7]}"#))
        #expect(try !matches(#"{"op":"notIn","field":"companyType","value":[1,3,7]}"#))
        #expect(try matches(#"{"op":"eq","field":"isActive","value":true}"#))
        #expect(try matches(#"{"op":"gte","field":"lastTrackedModifiedDateTime","value":"2026-02-03T10:00:00Z"}"#), "dates compare as instants")
        #expect(try !matches(#"{"op":"gt","field":"lastTrackedModifiedDateTime","value":"2026-02-03T10:00:00"}"#))
        #expect(try !matches(#"{"op":"eq","field":"phone","value":"1"}"#), "null matches no comparison")
    }

    @Test func nestedGroupsAndUDFs() throws {
        #expect(try matches(#"{"op":"or","items":[{"op":"eq","field":"id","value":1},{"op":"and","items":[{"op":"eq","field":"isActive","value":true},{"op":"beginsWith","field":"companyName","value":"C"}]}]}"#))
        #expect(try !matches(#"{"op":"and","items":[{"op":"eq","field":"id","value":1},{"op":"eq","field":"isActive","value":true}]}"#))
        #expect(try matches(#"{"op":"eq","field":"Customer Ranking","udf":true,"value":"golden"}"#))
        #expect(try !matches(#"{"op":"eq","field":"Customer Ranking","value":"Golden"}"#), "without udf the name is a field")
    }

    @Test func theJSONRoundTrips() throws {
        let query = AutotaskQuery(
            filter: [.gte("id", .int(0)), .or([.exist("ticketID"), .condition(.in, field: "status", value: .array([.int(1), .int(5)]))]),
                     .condition(.eq, field: "NAV ID", value: .string("x"), udf: true)],
            maxRecords: 200, includeFields: ["id", "status"])
        #expect(try AutotaskQuery(text: query.text) == query)
        #expect(query.text.contains("\"MaxRecords\":200"))
        let lower = try AutotaskQuery(text: #"{"filter":[{"op":"exist","field":"id"}],"maxrecords":5,"includefields":["Id"]}"#)
        #expect(lower.maxRecords == 5, "property names ignore case")
        #expect(lower.includeFields == ["Id"])
    }

    @Test func invalidQueriesAreRefusedWithAReason() {
        #expect(throws: AutotaskQueryError.noFilter) { try AutotaskQuery(text: #"{"filter":[]}"#) }
        #expect(throws: AutotaskQueryError.noFilter) { try AutotaskQuery(text: #"{"MaxRecords":5}"#) }
        #expect(throws: AutotaskQueryError.maxRecords(501)) { try AutotaskQuery(text: #"{"filter":[{"op":"exist","field":"id"}],"MaxRecords":501}"#) }
        #expect(throws: AutotaskQueryError.maxRecords(0)) { try AutotaskQuery(text: #"{"filter":[{"op":"exist","field":"id"}],"MaxRecords":0}"#) }
        #expect(throws: AutotaskQueryError.unknownOperator("ne")) { try AutotaskQuery(text: #"{"filter":[{"op":"ne","field":"id","value":1}]}"#) }
        #expect(throws: AutotaskQueryError.missingValue(op: "eq", field: "id")) { try AutotaskQuery(text: #"{"filter":[{"op":"eq","field":"id"}]}"#) }
        #expect(throws: AutotaskQueryError.tooManyUDFConditions) {
            try AutotaskQuery(text: #"{"filter":[{"op":"exist","field":"A","udf":true},{"op":"exist","field":"B","udf":true}]}"#)
        }
        let many = (0..<501).map { #"{"op":"eq","field":"id","value":\#($0)}"# }.joined(separator: ",")
        #expect(throws: AutotaskQueryError.tooManyConditions(501)) { try AutotaskQuery(text: #"{"filter":[{"op":"or","items":[\#(many)]}]}"#) }
        #expect(throws: AutotaskQueryError.unknownField(field: "nope", entity: "Account")) {
            try AutotaskQuery(text: #"{"filter":[{"op":"exist","field":"nope"}]}"#).validate(for: .companies)
        }
        #expect(throws: AutotaskQueryError.badBoolean(field: "isActive")) {
            try AutotaskQuery(text: #"{"filter":[{"op":"eq","field":"isActive","value":1}]}"#).validate(for: .companies)
        }
        #expect(throws: AutotaskQueryError.notQueryable(field: "hoursApproved", entity: "ContractBlock")) {
            try AutotaskQuery(text: #"{"filter":[{"op":"exist","field":"hoursApproved"}]}"#).validate(for: .contractBlocks)
        }
    }

    @Test func includeFieldsKeepsOnlyThoseAndTheUDFs() throws {
        let query = try AutotaskQuery(text: #"{"filter":[{"op":"exist","field":"id"}],"IncludeFields":["Id","companyName"]}"#)
        guard case .object(let members) = query.project(Self.item) else { Issue.record("not an object"); return }
        #expect(Set(members.keys) == ["id", "companyName", "userDefinedFields"])
    }

    @Test func datesInEveryRecordedEncoding() throws {
        let reference = try #require(AutotaskDate.parse("2016-03-30T13:10:35.563Z"))
        #expect(AutotaskDate.parse("2016-03-30T13:10:35.563") == reference, "no zone is UTC")
        #expect(AutotaskDate.parse("2016-03-30T13:10:35.5630000Z") == reference)
        #expect(AutotaskDate.parse("2016-03-30T14:10:35.563+01:00") == reference)
        #expect(AutotaskDate.parse("2018-11-13T17:32:34") != nil)
        #expect(AutotaskDate.parse("2020-01-29T00:00:00Z") != nil)
        #expect(AutotaskDate.parse("not a date") == nil)
        #expect(AutotaskDate.format(reference) == "2016-03-30T13:10:35.563Z")
        #expect(abs(reference.timeIntervalSince1970 - 1_459_343_435.563) < 0.000_5)
        #expect(AutotaskDate.parse("1969-12-31T23:59:59Z")?.timeIntervalSince1970 == -1)
        #expect(AutotaskDate.parse("2024-02-29")?.timeIntervalSince1970 == 1_709_164_800)
        // As lenient as a Gregorian calendar: hour 24 is the next midnight, February 30 is March 1 (2016 is leap).
        #expect(AutotaskDate.parse("2016-03-30T24:00:00Z") == AutotaskDate.parse("2016-03-31T00:00:00Z"))
        #expect(AutotaskDate.parse("2016-02-30T00:00:00Z") == AutotaskDate.parse("2016-03-01T00:00:00Z"))
        #expect(AutotaskDate.parse("2016-13-01T00:00:00Z") == nil)
    }
}
