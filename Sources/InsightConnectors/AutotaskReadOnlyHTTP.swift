public import Foundation
import AsyncHTTPClient
public import NIOCore
import NIOHTTP1

/// The Autotask connector's only way out. It can send exactly three kinds of request: a zone lookup GET, a
/// GET, and a POST whose path ends in `/query`, `/query/count`, `/query/next` or `/query/prev` (Autotask's read
/// queries carry their filter in a POST body). Any other POST is refused before it leaves; PUT, PATCH and
/// DELETE cannot be expressed. A write to Autotask is impossible through this type.
public struct AutotaskReadOnlyHTTP: Sendable {
    let http: ReadOnlyHTTP

    public init(_ http: ReadOnlyHTTP) { self.http = http }

    /// Why a request was not sent.
    public struct RefusedWrite: Error, Equatable, CustomStringConvertible {
        public let url: String
        public var description: String { "refused to POST to \(url): only …/query, …/query/count and paging POSTs are reads" }
    }

    /// Whether `url` is a read query: `…/V1.0/{Entity}/query[/count|/next|/prev]`, any case.
    public static func isQuery(_ url: String) -> Bool {
        guard let path = URLComponents(string: url)?.path.lowercased() else { return false }
        let parts = path.split(separator: "/")
        guard let index = parts.lastIndex(where: { $0 == "query" }), index >= 2, parts[index - 2] == "v1.0" else { return false }
        let tail = parts[(index + 1)...]
        return tail.isEmpty || (tail.count == 1 && ["count", "next", "prev"].contains(String(tail[tail.startIndex])))
    }

    /// `GET url`, within `timeout` (default: the client's deadline).
    public func get(_ url: String, headers: [(String, String)], timeout: TimeAmount? = nil) async throws -> ReadOnlyHTTP.Response {
        try await http.get(url, headers: headers, timeout: timeout)
    }

    /// `POST url` with a query `body`; throws ``RefusedWrite`` unless `url` is a query.
    public func query(_ url: String, body: Data, headers: [(String, String)]) async throws -> ReadOnlyHTTP.Response {
        guard Self.isQuery(url) else { throw RefusedWrite(url: url) }
        return try await http.postQuery(url, body: body, headers: headers)
    }
}

extension ReadOnlyHTTP {
    /// `POST url` with `body`: internal, called only by ``AutotaskReadOnlyHTTP/query(_:body:headers:)``, which
    /// admits Autotask query paths only.
    func postQuery(_ url: String, body: Data, headers: [(String, String)]) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: timeout)
        let collected = try await response.body.collect(upTo: maximumBody)
        return Response(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: Data(collected.readableBytesView))
    }
}
