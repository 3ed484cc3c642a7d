import AsyncHTTPClient
import AutotaskAPI
import AutotaskSimulator
import Foundation
import HummingbirdTesting
import InsightCore
import MSPModel
import NIOCore
import NIOHTTP1
import Testing

let business = try! MSPBusiness.generate(GeneratorSettings(size: .small, seed: 5, source: .autotask))
let snapshot = business.snapshot()

/// A raw HTTP client of a simulator on a real 127.0.0.1 port.
struct Wire: Sendable {
    let root: String
    var user = "insight-readonly@northwind.example"
    var secret = "Ro#7fK2q9LmX"
    var code = AutotaskSimulatorSettings.insightIntegrationCode

    struct Answer: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: Data
        var json: AutotaskJSON? { AutotaskJSON.parse(body) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    var credentials: [(String, String)] { [("ApiIntegrationCode", code), ("UserName", user), ("Secret", secret), ("Content-Type", "application/json")] }

    func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)]? = nil, body: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: url.hasPrefix("http") ? url : root + url)
        request.method = method
        for (name, value) in headers ?? credentials { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Data(data.readableBytesView))
    }

    func query(_ entity: String, _ query: AutotaskQuery) async throws -> Answer {
        try await send(.POST, "/atservicesrest/v1.0/\(entity)/query", body: query.text)
    }

    /// Every item of a POST query, following `nextPageUrl` with the same body.
    func all(_ entity: String, _ query: AutotaskQuery) async throws -> (items: [AutotaskJSON], pages: Int) {
        var answer = try await self.query(entity, query)
        var items: [AutotaskJSON] = []
        var pages = 0
        while true {
            #expect(answer.status == 200)
            let page = try AutotaskPage.decode(answer.body, entity: entity)
            items += page.items
            pages += 1
            guard let next = page.pageDetails.nextPageUrl else { break }
            answer = try await send(.POST, next, body: query.text)
        }
        return (items, pages)
    }
}

func withSimulator<R: Sendable>(
    _ settings: AutotaskSimulatorSettings = AutotaskSimulatorSettings(), _ body: @Sendable (Wire, SimulatedAutotaskTenant) async throws -> R
) async throws -> R {
    let tenant = SimulatedAutotaskTenant(business: business, settings: settings)
    return try await AutotaskSimulator.application(tenant: tenant, port: 0).test(.live) { client in
        let port = try #require(client.port)
        return try await body(Wire(root: "http://127.0.0.1:\(port)"), tenant)
    }
}
