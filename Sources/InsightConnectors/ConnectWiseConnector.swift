public import ConnectWiseAPI
public import Foundation
public import InsightCore
public import Logging

/// How to reach one MSP's ConnectWise PSA.
public struct ConnectWiseCredentials: Sendable {
    /// The site, e.g. `https://na.myconnectwise.net` or an on-premise host; cloud hosts are called on their
    /// `api-` host as ConnectWise requires.
    public var siteURL: String
    /// The company ID typed at the ConnectWise login screen.
    public var companyID: String
    /// Our integration's client id (ConnectWise requires it on every call).
    public var clientID: String
    public var publicKey: String
    public var privateKey: Secret

    public init(siteURL: String, companyID: String, clientID: String, publicKey: String, privateKey: Secret) {
        self.siteURL = siteURL
        self.companyID = companyID
        self.clientID = clientID
        self.publicKey = publicKey
        self.privateKey = privateKey
    }
}

/// When and how long to retry.
public struct RetryPolicy: Sendable {
    public var attempts = 5
    public var baseDelay: Duration = .milliseconds(500)
    public var maximumDelay: Duration = .seconds(30)
    /// The longest `Retry-After` honoured before giving up with ``ConnectorError/rateLimited(retryAfterSeconds:)``.
    public var maximumRetryAfter = 120
    public init() {}
}

/// A read-only ConnectWise PSA client: discovers the codebase, reads every entity with forward-only paging of
/// 1,000 records, incrementally from a `lastUpdated` cursor, retrying what can be retried.
public struct ConnectWiseConnector: Sendable {
    public let credentials: ConnectWiseCredentials
    let http: ReadOnlyHTTP
    public var retry: RetryPolicy
    let logger: Logger

    public init(credentials: ConnectWiseCredentials, http: ReadOnlyHTTP, retry: RetryPolicy = RetryPolicy(), logger: Logger) {
        self.credentials = credentials
        self.http = http
        self.retry = retry
        self.logger = logger
    }

    /// The site as ConnectWise wants it called: cloud sites on their `api-` host.
    var site: String {
        guard var components = URLComponents(string: credentials.siteURL), let host = components.host else { return credentials.siteURL }
        if host.hasSuffix("myconnectwise.net") || host.hasSuffix("connectwisedev.com"), !host.hasPrefix("api-") {
            components.host = "api-" + host
        }
        components.path = ""
        return components.string ?? credentials.siteURL
    }

    /// `{site}/{codebase}apis/3.0`, from `/login/companyinfo/{company}`.
    public func discoverAPIBase() async throws(ConnectorError) -> String {
        let response = try await send("\(site)/login/companyinfo/\(credentials.companyID)", entity: "login/companyinfo", authenticated: false)
        guard let info = JSONValue.parse(response.body), case .string(let codebase)? = info.member("Codebase") else {
            throw .unknownCompany(credentials.companyID)
        }
        return "\(site)/\(codebase)apis/3.0"
    }

    /// One authenticated request (`system/info`, which every API member may read), so that wrong keys or a wrong company
    /// are said once, before anything is read.
    /// - Throws: ``ConnectorError/unauthorized(_:)`` for refused keys; other answers are left to the streams.
    public func checkAuthenticated(base: String) async throws(ConnectorError) {
        do {
            _ = try await send("\(base)/system/info", entity: "system/info")
        } catch .unauthorized(let message) {
            throw .unauthorized(message)
        } catch .cancelled {
            throw .cancelled
        } catch {
            return
        }
    }

    /// The number of records of `endpoint` (changed after `since`, when given).
    public func count(_ endpoint: String, base: String, since: Timestamp? = nil) async throws(ConnectorError) -> Int {
        let url = url(base, "\(endpoint)/count", since: since, pageSize: nil)
        return try await fetch(url, entity: endpoint, what: "no count", named: "\(endpoint)/count", page: "\(endpoint)/count") { body in
            guard case .number(let n)? = JSONValue.parse(body)?.member("count") else { return nil }
            return NSDecimalNumber(decimal: n).intValue
        }
    }

    /// One small answer read by `read` (`nil`: it is not what was asked for). A body cut short in transit reads as
    /// malformed, so it is asked for again as often as a failed request would be, with the same backoff, before it is
    /// reported as `what`, naming `named` and `page`.
    func fetch<Value>(
        _ url: String, entity: String, forwardOnly: Bool = true, what: String, named: String, page: String, read: (Data) -> Value?
    ) async throws(ConnectorError) -> Value {
        let attempts = max(1, retry.attempts)
        var excerpt = ""
        for attempt in 1...attempts {
            let response = try await send(url, entity: entity, forwardOnly: forwardOnly)
            if let value = read(response.body) { return value }
            excerpt = String(decoding: response.body.prefix(200), as: UTF8.self)
            if attempt < attempts {
                do { try await Task.sleep(for: delay(attempt)) } catch { throw .cancelled }
            }
        }
        throw .decoding(ConnectWiseDecodingError(entity: named, reason: what, excerpt: excerpt), page: page)
    }

    /// Every page of `endpoint` changed after `since` (all records when `nil`), in increasing id order after
    /// `afterID` (from the start when `nil`), decoded by `decode`.
    /// With `before`, only ids below it.
    public func pages<Record: Sendable>(
        _ endpoint: String, base: String, since: Timestamp? = nil, afterID: Int? = nil, before: Int? = nil,
        decode: @escaping @Sendable (Data) throws(ConnectWiseDecodingError) -> [Record]
    ) -> ConnectWisePages<Record> {
        ConnectWisePages(
            connector: self, entity: endpoint, first: url(base, endpoint, since: since, afterID: afterID, before: before, pageSize: 1_000),
            decode: decode)
    }

    /// The id of the record at 1-based position `rank` of `endpoint` in id order (`nil` past the end): one
    /// navigable request (`page=rank&pageSize=1&fields=id&orderBy=id asc`), where a split read finds where to cut.
    /// A body cut short in transit is asked for again, as a page is.
    public func id(atRank rank: Int, of endpoint: String, base: String) async throws(ConnectorError) -> Int? {
        let url = "\(base)/\(endpoint)?page=\(rank)&pageSize=1&fields=id&orderBy=\(Self.encode("id asc"))"
        // An empty list (past the end) is an answer: `.some(nil)`.
        return try await fetch(url, entity: endpoint, forwardOnly: false, what: "not a list of ids", named: endpoint, page: url) { body -> Int?? in
            guard case .array(let items)? = JSONValue.parse(body) else { return nil }
            guard case .number(let id)? = items.first?.member("id") else { return .some(nil) }
            return .some(NSDecimalNumber(decimal: id).intValue)
        }
    }

    /// One answer that is not a list page, e.g. an opportunity's forecast: fetched with the same retries as a page
    /// (a body that fails to decode is asked for again) and decoded by `decode`. `entity` names the endpoint whose
    /// security-role function governs it, for the fix a 403 reports.
    public func item<Value: Sendable>(
        _ path: String, base: String, entity: String,
        decode: @escaping @Sendable (Data) throws(ConnectWiseDecodingError) -> Value
    ) async throws -> Value {
        let pages = ConnectWisePages(connector: self, entity: entity, first: "\(base)/\(path)") { data throws(ConnectWiseDecodingError) in
            [try decode(data)]
        }
        var iterator = pages.makeAsyncIterator()
        // Invariant: the first page is fetched (or throws), and holds the one decoded value.
        return try await iterator.next()!.first!
    }

    /// The ids of every record of `endpoint`, a page of 1,000 at a time (`fields=id`): what a reconciliation
    /// compares with the store to find records deleted in ConnectWise.
    public func ids(_ endpoint: String, base: String) -> ConnectWisePages<Int> {
        ConnectWisePages(
            connector: self, entity: endpoint, first: url(base, endpoint, since: nil, pageSize: 1_000, fields: "id"),
            decode: { data throws(ConnectWiseDecodingError) in
                guard case .array(let items)? = JSONValue.parse(data) else {
                    throw ConnectWiseDecodingError(entity: endpoint, reason: "not a JSON array", excerpt: String(decoding: data.prefix(200), as: UTF8.self))
                }
                return try items.map { item throws(ConnectWiseDecodingError) in
                    guard case .number(let id)? = item.member("id") else {
                        throw ConnectWiseDecodingError(entity: endpoint, reason: "an item without an id", excerpt: String(decoding: data.prefix(200), as: UTF8.self))
                    }
                    return NSDecimalNumber(decimal: id).intValue
                }
            })
    }

    func url(_ base: String, _ path: String, since: Timestamp?, afterID: Int? = nil, before: Int? = nil, pageSize: Int?, fields: String? = nil) -> String {
        var parameters: [(String, String)] = []
        if let pageSize { parameters.append(("pageSize", String(pageSize))) }
        var conditions: [String] = []
        if let since { conditions.append("lastUpdated > [\(since.date.formatted(Date.ISO8601FormatStyle()))]") }
        if let afterID { conditions.append("id > \(afterID)") }
        if let before { conditions.append("id < \(before)") }
        if !conditions.isEmpty { parameters.append(("conditions", conditions.joined(separator: " and "))) }
        if let fields { parameters.append(("fields", fields)) }
        let query = parameters.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
        return "\(base)/\(path)" + (query.isEmpty ? "" : "?\(query)")
    }

    /// Percent-encodes a query value, including the characters ConnectWise's docs name (`&"'*%+[]`).
    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// A `Link` URL moved onto the site this connector calls: ConnectWise cloud links can name the UI host
    /// rather than the `api-` host (NOTES.md §3), so only their path and query are followed.
    func rebase(_ link: String) -> String {
        guard let target = URLComponents(string: link), var base = URLComponents(string: site) else { return link }
        base.percentEncodedPath = target.percentEncodedPath
        base.percentEncodedQuery = target.percentEncodedQuery
        return base.string ?? link
    }

    /// The headers of an authenticated request; lists are paged forward-only unless `forwardOnly` is false.
    func headers(forwardOnly: Bool = true) -> [(String, String)] {
        let token = Data("\(credentials.companyID)+\(credentials.publicKey):\(credentials.privateKey.reveal())".utf8).base64EncodedString()
        return [
            ("Authorization", "Basic \(token)"), ("clientId", credentials.clientID),
            ("Accept", "application/vnd.connectwise.com+json; version=2025.1"),
        ] + (forwardOnly ? [("pagination-type", "forward-only")] : [])
    }

    /// One GET with retries: 429 waits for `Retry-After`, 5xx and transport errors back off exponentially.
    func send(_ url: String, entity: String, authenticated: Bool = true, forwardOnly: Bool = true) async throws(ConnectorError) -> ReadOnlyHTTP.Response {
        var attempt = 0
        while true {
            attempt += 1
            if Task.isCancelled { throw .cancelled }
            let outcome: Result<ReadOnlyHTTP.Response, ConnectorError>
            var wait = delay(attempt)
            do {
                let response = try await http.get(
                    url, headers: authenticated ? headers(forwardOnly: forwardOnly) : [("Accept", "application/json")],
                    timeout: entity == "login/companyinfo" ? ReadOnlyHTTP.firstContactTimeout : nil)
                switch response.status {
                case 200..<300:
                    return response
                case 429:
                    let seconds = Int(response.header("Retry-After") ?? "") ?? 30
                    guard seconds <= retry.maximumRetryAfter else { throw ConnectorError.rateLimited(retryAfterSeconds: seconds) }
                    wait = .seconds(seconds)
                    outcome = .failure(.rateLimited(retryAfterSeconds: seconds))
                default:
                    outcome = .failure(Self.error(status: response.status, body: response.body, entity: entity))
                }
            } catch let error as ConnectorError {
                throw error
            } catch is CancellationError {
                throw .cancelled
            } catch {
                outcome = .failure(.unreachable(site: site, reason: "\(error)"))
            }
            guard case .failure(let error) = outcome else { continue }
            // A site that cannot be reached at the first contact (refused, unknown host) is a wrong address, not a
            // passing fault: said at once. Once it has answered, transport errors are retried.
            if case .unreachable = error, entity == "login/companyinfo" { throw error }
            guard error.isRetryable, attempt < retry.attempts else { throw error }
            logger.warning("retrying", metadata: ["upstream": "connectwise", "entity": "\(entity)", "attempt": "\(attempt)", "error": "\(error)"])
            try? await Task.sleep(for: wait)
        }
    }

    func delay(_ attempt: Int) -> Duration {
        min(retry.maximumDelay, retry.baseDelay * Int(1 << min(attempt - 1, 16)))
    }

    static func error(status: Int, body: Data, entity: String) -> ConnectorError {
        let parsed = ConnectWiseErrorBody.parse(body)
        let message = parsed?.summary ?? String(decoding: body.prefix(200), as: UTF8.self)
        switch status {
        case 401: return .unauthorized(message)
        case 403:
            let function = ConnectWiseEndpoint.matching(entity)?.function
            return .forbidden(
                endpoint: entity,
                fix: function.map { SecurityRole.fix(role: "<the API member's role>", function: $0) } ?? "Grant Inquire access to \(entity)")
        case 404: return parsed?.code == "CannotRoute" ? .cannotRoute : .notFound(entity)
        case 400..<500: return .badRequest(message)
        default: return .server(status: status, excerpt: message)
        }
    }
}

/// The pages of one entity, fetched as they are consumed (forward-only: each `Link` names the next `pageId`;
/// an empty or missing `Link` ends the sequence). A page is decoded whole or reported as an error naming the
/// entity and an excerpt; a page that fails to decode is fetched again (as often as the retry policy allows a
/// failed request), since a truncated body looks the same.
public struct ConnectWisePages<Record: Sendable>: AsyncSequence, Sendable {
    public typealias Element = [Record]
    let connector: ConnectWiseConnector
    let entity: String
    let first: String
    let decode: @Sendable (Data) throws(ConnectWiseDecodingError) -> [Record]

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let pages: ConnectWisePages
        var next: String?
        /// The next page's request, started as soon as this page's response named it in its `Link` header, before
        /// this page is decoded and consumed: latency and work overlap, with still one request in flight at a time.
        /// A page that fails to decode cancels it (the page is asked for again first), and so does dropping the
        /// iterator (a read that stops early).
        var prefetched: Prefetch?

        /// A request sent ahead, cancelled when the last copy of the iterator holding it goes.
        final class Prefetch: Sendable {
            let url: String
            let response: Task<ReadOnlyHTTP.Response, any Error>
            init(url: String, response: Task<ReadOnlyHTTP.Response, any Error>) {
                self.url = url
                self.response = response
            }
            deinit { response.cancel() }
        }

        public mutating func next() async throws -> [Record]? {
            guard let url = next else { return nil }
            // A body cut short in transit decodes as malformed JSON: the page is asked for again as often as a failed
            // request would be, with the same backoff, before it is reported.
            var lastError: ConnectWiseDecodingError?
            let attempts = Swift.max(1, pages.connector.retry.attempts)
            for attempt in 1...attempts {
                let response: ReadOnlyHTTP.Response
                if let fetch = prefetched, fetch.url == url {
                    prefetched = nil
                    response = try await withTaskCancellationHandler { try await fetch.response.value } onCancel: { fetch.response.cancel() }
                } else {
                    response = try await pages.connector.send(url, entity: pages.entity)
                }
                let following = Self.nextLink(response.header("Link")).map(pages.connector.rebase)
                if let following {
                    let (connector, entity) = (pages.connector, pages.entity)
                    prefetched?.response.cancel()
                    prefetched = Prefetch(url: following, response: Task { try await connector.send(following, entity: entity) })
                }
                do {
                    let records = try pages.decode(response.body)
                    next = following
                    return records
                } catch {
                    prefetched?.response.cancel()
                    prefetched = nil
                    lastError = error
                    if attempt < attempts {
                        do { try await Task.sleep(for: pages.connector.delay(attempt)) } catch { throw ConnectorError.cancelled }
                    }
                }
            }
            // Invariant: the loop ran and failed at least once to get here.
            throw ConnectorError.decoding(lastError!, page: url)
        }

        /// The `rel="next"` URL of a `Link` header.
        static func nextLink(_ header: String?) -> String? {
            guard let header else { return nil }
            for part in header.split(separator: ",") where part.contains("rel=\"next\"") {
                guard let start = part.firstIndex(of: "<"), let end = part.firstIndex(of: ">") else { continue }
                return String(part[part.index(after: start)..<end])
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pages: self, next: first) }
}
