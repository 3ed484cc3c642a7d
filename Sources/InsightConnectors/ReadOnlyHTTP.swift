public import AsyncHTTPClient
public import Foundation
public import NIOCore
import NIOHTTP1

/// The connectors' only way out: it sends GET requests and nothing else. There is no method parameter to
/// misuse; a write to the PSA cannot be expressed with this type.
public struct ReadOnlyHTTP: Sendable {
    public struct Response: Sendable {
        public let status: Int
        public let headers: [(String, String)]
        public let body: Data
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    let client: HTTPClient
    /// Every request's deadline.
    let timeout: TimeAmount
    /// The largest body accepted (a page of 1,000 time entries is about 3 MB).
    let maximumBody: Int

    public init(client: HTTPClient, timeout: TimeAmount = .seconds(60), maximumBody: Int = 64 * 1024 * 1024) {
        self.client = client
        self.timeout = timeout
        self.maximumBody = maximumBody
    }

    /// The deadline of a first contact with a site (discovery, zone lookup): a site that has not answered by then is a
    /// wrong or unreachable address, said at once rather than after the pool's connection retries.
    public static let firstContactTimeout: TimeAmount = .seconds(5)

    /// `GET url` with `headers`, within `timeout` (default: the client's deadline).
    public func get(_ url: String, headers: [(String, String)], timeout: TimeAmount? = nil) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: timeout ?? self.timeout)
        let body = try await response.body.collect(upTo: maximumBody)
        return Response(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: Data(body.readableBytesView))
    }
}
