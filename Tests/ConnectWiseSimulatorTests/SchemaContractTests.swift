import ConnectWiseAPI
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A field of the ConnectWise 2025.1 schemas (Schemas/schemas-derived-v2025.1.json, from shared/reference).
struct SchemaField: Decodable {
    let name: String
    let type: String
    let ref: String?
    let `enum`: [String]?
    let array: Bool?
}

let schemas: [String: [SchemaField]] = {
    struct File: Decodable { let schemas: [String: [SchemaField]] }
    let url = Bundle.module.url(forResource: "Schemas/schemas-derived-v2025.1", withExtension: "json")!
    return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).schemas
}()

/// Keys the real API sends although the schema names them otherwise (NOTES.md §6: ticket status `Sort`).
let recordedQuirks: Set<String> = ["Sort"]

/// Every problem of `value` against `schema`, with its path.
func problems(_ value: JSONValue, schema name: String, path: String) -> [String] {
    guard let fields = schemas[name] else { return [] }
    guard case .object(let members) = value else { return ["\(path): not an object"] }
    var found: [String] = []
    for (key, member) in members.sorted(by: { $0.key < $1.key }) where !recordedQuirks.contains(key) {
        guard let field = fields.first(where: { $0.name == key }) else {
            found.append("\(path).\(key): not a field of \(name)")
            continue
        }
        found += problems(member, field: field, path: "\(path).\(key)")
    }
    return found
}

func problems(_ value: JSONValue, field: SchemaField, path: String) -> [String] {
    if field.array == true {
        guard case .array(let items) = value else { return ["\(path): expected an array"] }
        return items.enumerated().flatMap { problems($1, field: SchemaField(name: field.name, type: field.type, ref: field.ref, enum: field.enum, array: false), path: "\(path)[\($0)]") }
    }
    switch (field.type, value) {
    case ("any", _): return []
    case ("integer/int32", .number(let number)): return number.rounded(scale: 0) == number ? [] : ["\(path): \(number) is not an integer"]
    case ("number/double", .number): return []
    case ("boolean", .bool): return []
    case ("string", .string(let text)):
        if let allowed = field.enum, !allowed.contains(text) { return ["\(path): '\(text)' is not one of \(allowed)"] }
        return []
    case ("string/date-time", .string(let text)):
        return (try? Date(text, strategy: .iso8601)) == nil ? ["\(path): '\(text)' is not a date-time"] : []
    case ("object<string,string>", .object(let members)):
        return members.allSatisfy { if case .string = $0.value { true } else { false } } ? [] : ["\(path): _info values must be strings"]
    case ("$ref", .object): return problems(value, schema: field.ref ?? "", path: path)
    default: return ["\(path): \(value) is not a \(field.type)"]
    }
}

extension Decimal {
    func rounded(scale: Int) -> Decimal {
        var input = self
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, .plain)
        return result
    }
}

@Suite(.timeLimit(.minutes(2)))
struct SchemaContractTests {
    /// Endpoints and the schema their items follow. Work types and roles have no table in the derived schemas.
    static let endpoints: [(String, String)] = [
        ("company/companies", "Company"), ("company/configurations", "CompanyConfiguration"), ("system/members", "Member"),
        ("finance/agreements", "Agreement"), ("finance/agreements/types", "AgreementType"), ("finance/invoices", "Invoice"),
        ("procurement/products", "ProductItem"), ("time/entries", "TimeEntry"), ("expense/entries", "ExpenseEntry"),
        ("service/tickets", "Ticket"), ("service/boards", "Board"), ("project/projects", "Project"),
        ("sales/opportunities", "Opportunity"),
    ]

    @Test func everyServedItemFollowsTheFieldTables() async throws {
        try await withSimulator { client, _ in
            var agreementID: Int?
            for (path, schema) in Self.endpoints {
                let items = try await client.execute(uri: "\(api)/\(path)?pageSize=1000", method: .get, headers: headers()) { response in
                    guard case .array(let items) = try decode(response.body) else { return [JSONValue]() }
                    return items
                }
                #expect(!items.isEmpty, "\(path) served nothing")
                if path == "finance/agreements" { agreementID = items.first.flatMap(ListQuery.id(of:)) }
                let found = items.flatMap { problems($0, schema: schema, path: path) }
                #expect(found.isEmpty, "\(Set(found).sorted().prefix(10))")
            }
            let additions = try await client.execute(
                uri: "\(api)/finance/agreements/\(try #require(agreementID))/additions", method: .get, headers: headers()
            ) { response in
                guard case .array(let items) = try decode(response.body) else { return [JSONValue]() }
                return items
            }
            let found = additions.flatMap { problems($0, schema: "Addition", path: "additions") }
            #expect(found.isEmpty, "\(Set(found).sorted().prefix(10))")
        }
    }

    @Test func theValidatorCatchesWhatItShould() {
        let bad: JSONValue = .object([
            "id": .number(Decimal(string: "1.5")!), "chargeToType": .string("Nowhere"), "timeStart": .string("soon"),
            "notAField": .bool(true), "company": .object(["id": .string("x")]),
        ])
        let found = problems(bad, schema: "TimeEntry", path: "t")
        #expect(found.contains { $0.contains("t.id") })
        #expect(found.contains { $0.contains("t.chargeToType") })
        #expect(found.contains { $0.contains("t.timeStart") })
        #expect(found.contains { $0.contains("t.notAField") })
        #expect(found.contains { $0.contains("t.company.id") })
    }
}
