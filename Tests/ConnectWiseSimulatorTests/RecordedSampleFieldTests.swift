import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A real response recorded from a live ConnectWise server (Samples/, copied from shared/reference; provenance in
/// its SOURCE.md) and the endpoint that serves its kind of item.
struct RecordedSample: Sendable, CustomTestStringConvertible {
    let file: String
    let path: String
    var testDescription: String { "\(file) (\(path))" }

    static let all: [RecordedSample] = [
        .init(file: "agreement", path: "finance/agreements"), .init(file: "company", path: "company/companies"),
        .init(file: "expense_entry", path: "expense/entries"), .init(file: "invoice", path: "finance/invoices"),
        .init(file: "invoice_with_info", path: "finance/invoices"), .init(file: "product_item", path: "procurement/products"),
        .init(file: "service_ticket", path: "service/tickets"), .init(file: "time_entry", path: "time/entries"),
        .init(file: "time_entry_invoiced", path: "time/entries"), .init(file: "system_info", path: "system/info"),
    ]

    /// The recorded item, as Foundation objects.
    func item() throws -> [String: Any] {
        let url = try #require(Bundle.module.url(forResource: "Samples/\(file)", withExtension: "json"))
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }
}

/// The key paths of a JSON object: every member, and the members of nested objects as `parent/child`. `_info`
/// (links and audit stamps) and `customFields` (the site's own definitions) are named but not entered; arrays
/// are not entered either.
func keyPaths(_ object: [String: Any], prefix: String = "") -> Set<String> {
    var paths: Set<String> = []
    for (key, value) in object {
        paths.insert(prefix + key)
        if key != "_info", key != "customFields", let nested = value as? [String: Any] {
            paths.formUnion(keyPaths(nested, prefix: "\(prefix)\(key)/"))
        }
    }
    return paths
}

/// The simulator's items carry at least the fields that real ConnectWise items of the same kind carry: for each
/// recorded sample, every key path it has is found on some item the simulator serves for the `small` business.
@Suite(.timeLimit(.minutes(5)))
struct RecordedSampleFieldTests {
    /// Every item of `path`, read page by page; a single object (`system/info`) is one item.
    static func allItems(_ path: String, client: any TestClientProtocol) async throws -> [[String: Any]] {
        var items: [[String: Any]] = []
        for page in 1... {
            let body = try await client.execute(uri: "\(api)/\(path)?pageSize=1000&page=\(page)", method: .get, headers: headers()) {
                response in
                #expect(response.status == .ok, "\(path) page \(page)")
                return bytes(response.body)
            }
            let parsed = try JSONSerialization.jsonObject(with: body)
            if let object = parsed as? [String: Any] { return [object] }
            let list = try #require(parsed as? [[String: Any]])
            items += list
            if list.count < 1_000 { break }
        }
        return items
    }

    @Test func everyRecordedFieldIsServed() async throws {
        try await withSimulator { client, _ in
            var served: [String: Set<String>] = [:]
            for sample in RecordedSample.all {
                if served[sample.path] == nil {
                    let items = try await Self.allItems(sample.path, client: client)
                    #expect(!items.isEmpty, "\(sample.path) served nothing")
                    served[sample.path] = items.reduce(into: Set<String>()) { $0.formUnion(keyPaths($1)) }
                }
                let missing = keyPaths(try sample.item()).subtracting(served[sample.path] ?? [])
                #expect(missing.isEmpty, "\(sample.file).json: \(sample.path) never serves \(missing.sorted())")
            }
        }
    }

    @Test func keyPathsNameNestedMembersButNotLinks() {
        let item: [String: Any] = [
            "id": 1, "company": ["id": 2, "name": "A", "_info": ["company_href": "x"]], "types": [["id": 1]],
            "customFields": [["id": 4]], "_info": ["lastUpdated": "2018-01-01T00:00:00Z"],
        ]
        #expect(keyPaths(item) == ["id", "company", "company/id", "company/name", "company/_info", "types", "customFields", "_info"])
    }
}
