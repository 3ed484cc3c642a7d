import ConnectWiseAPI
import Foundation
import Testing

private let items: [JSONValue] = (1...60).map { index in
    .object([
        "id": .number(Decimal(index)), "name": .string("Company \(String(format: "%02d", 61 - index))"),
        "status": .object(["id": .number(Decimal(index % 2 + 1)), "name": .string(index % 2 == 0 ? "Active" : "Inactive")]),
        "_info": .object(["lastUpdated": .string("2026-10-\(String(format: "%02d", index % 28 + 1))T12:00:00Z")]),
    ])
}
private let url = URL(string: "https://cw.example.com/v4_6_release/apis/3.0/company/companies?pageSize=25&conditions=id%3E0")!

private func query(_ parameters: [(String, String)], forwardOnly: Bool = false, settings: ListSettings = ListSettings()) throws -> ListQuery {
    try ListQuery(parameters: parameters.map { (name: $0.0, value: $0.1) }, forwardOnly: forwardOnly, settings: settings)
}
private func ids(_ page: [JSONValue]) -> [Int] {
    page.compactMap { if case .number(let id)? = $0.member("id") { NSDecimalNumber(decimal: id).intValue } else { nil } }
}

@Suite struct ListQueryTests {
    @Test func navigablePagesLinkFirstPrevNextLastAndKeepTheQuery() throws {
        let first = try query([("pageSize", "25")]).respond(to: items, requestURL: url)
        #expect(ids(first.items) == Array(1...25))
        #expect(first.link.contains("page=2>; rel=\"next\""))
        #expect(first.link.contains("page=3>; rel=\"last\""))
        #expect(!first.link.contains("rel=\"prev\""), "no prev on the first page")
        #expect(first.link.contains("conditions=id%3E0"), "links keep the original parameters")
        let last = try query([("pageSize", "25"), ("page", "3")]).respond(to: items, requestURL: url)
        #expect(ids(last.items) == Array(51...60))
        #expect(!last.link.contains("rel=\"next\""), "no next on the last page")
        #expect(last.link.contains("rel=\"prev\"") && last.link.contains("rel=\"first\""))
        let beyond = try query([("pageSize", "25"), ("page", "9")]).respond(to: items, requestURL: url)
        #expect(beyond.items.isEmpty)
    }

    @Test func theDefaultPageSizeIs25AndTheMaximum1000() throws {
        #expect(try query([]).pageSize == 25)
        #expect(try query([("pagesize", "5000")]).pageSize == 1_000, "parameter names are case-insensitive; oversize is capped")
        var strict = ListSettings()
        strict.oversizedPageSize = .reject
        #expect(throws: ListQueryError.self) { try query([("pageSize", "5000")], settings: strict) }
    }

    @Test func forwardOnlyWalksByIDUntilAnEmptyLink() throws {
        var seen: [Int] = []
        var pageID: String?
        for _ in 0..<5 {
            var parameters = [("pageSize", "25"), ("orderBy", "name asc")]
            if let pageID { parameters.append(("pageId", pageID)) }
            let response = try query(parameters, forwardOnly: true).respond(to: items, requestURL: url)
            seen += ids(response.items)
            guard !response.link.isEmpty else { break }
            let next = try #require(URLComponents(string: String(response.link.dropFirst().prefix { $0 != ">" })))
            pageID = next.queryItems?.first { $0.name == "pageId" }?.value
        }
        #expect(seen == Array(1...60), "orderBy is ignored with forward-only: ids ascending, each once")
        let filtered = try query([("pageSize", "5"), ("pageId", "40"), ("conditions", "status/name = \"Active\"")], forwardOnly: true)
            .respond(to: items, requestURL: url)
        #expect(ids(filtered.items) == [42, 44, 46, 48, 50], "after pageId, matching only, in id order")
        var strict = ListSettings()
        strict.rejectOrderByWithForwardOnly = true
        #expect(throws: ListQueryError.self) { try query([("orderBy", "name asc")], forwardOnly: true, settings: strict) }
    }

    @Test func orderByFieldsAndConditions() throws {
        let sorted = try query([("orderBy", "name asc"), ("pageSize", "3")]).respond(to: items, requestURL: url)
        #expect(ids(sorted.items) == [60, 59, 58])
        let partial = try query([("fields", "id,status/name"), ("pageSize", "1")]).respond(to: items, requestURL: url)
        #expect(partial.items == [.object(["id": .number(1), "status": .object(["name": .string("Inactive")])])])
        let filtered = try query([("conditions", "status/name = \"Active\" and lastUpdated >= [2026-10-20T00:00:00Z]")])
        #expect(filtered.count(items) == .object(["count": .number(Decimal(ids(filtered.matching(items)).count))]))
        #expect(ids(filtered.matching(items)).allSatisfy { $0 % 2 == 0 && $0 % 28 + 1 >= 20 })
    }

    @Test func childConditionsFilterOnArrayChildren() throws {
        let companies: [JSONValue] = [
            .object(["id": .number(1), "types": .array([.object(["name": .string("Client")]), .object(["name": .string("Partner")])])]),
            .object(["id": .number(2), "types": .array([.object(["name": .string("Prospect")])])]),
            .object(["id": .number(3), "types": .array([])]),
        ]
        let clients = try query([("childConditions", "types/name = \"Client\"")]).matching(companies)
        #expect(ids(clients) == [1])
        let notClients = try query([("childConditions", "types/name != \"Client\""), ("conditions", "id > 1")]).matching(companies)
        #expect(ids(notClients) == [2, 3], "no child is a client; both parameters hold")
        #expect(throws: ListQueryError.invalid(field: "childConditions", message: "conditions: expected a value, found 'Client' (strings need quotes) at position 13")) {
            try query([("childConditions", "types/name = Client")])
        }
    }

    @Test func aMalformedConditionIsA400WithConnectWisesErrorShape() {
        #expect {
            try query([("conditions", "name = Contoso")])
        } throws: { error in
            guard let error = error as? ListQueryError else { return false }
            return error.body.code == "InvalidObject" && error.body.errors?.first?.field == "conditions"
                && error.body.summary.contains("strings need quotes")
        }
    }
}
