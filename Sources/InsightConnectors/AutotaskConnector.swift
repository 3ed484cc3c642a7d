public import AutotaskAPI
public import Foundation
public import InsightCore
public import Logging

/// How to reach one MSP's Autotask: the API user's username, secret and integration code (tracking identifier).
public struct AutotaskCredentials: Sendable {
    public var userName: String
    public var secret: Secret
    public var integrationCode: String
    /// Where zone lookup is asked; any Autotask host answers.
    public var zoneLookupURL: String

    public static let defaultZoneLookup = "https://webservices.autotask.net/atservicesrest/v1.0/zoneInformation"

    public init(userName: String, secret: Secret, integrationCode: String, zoneLookupURL: String = Self.defaultZoneLookup) {
        self.userName = userName
        self.secret = secret
        self.integrationCode = integrationCode
        self.zoneLookupURL = zoneLookupURL
    }
}

/// The connector's manners towards a database other integrations share.
public struct AutotaskReadOptions: Sendable {
    /// Requests in flight per entity at most (Autotask refuses a fourth, NOTES.md §5.3).
    public var maximumInFlightPerEntity = 3
    /// The share of the hourly request threshold PSA Insight may take the database to (50 %: where Autotask
    /// starts slowing every integration down).
    public var budgetShare: Decimal = Decimal(string: "0.5")!
    /// Requests between two `ThresholdInformation` checks at most.
    public var thresholdCheckInterval = 100
    /// Records per page (at most 500).
    public var pageSize = 500
    public var retry = RetryPolicy()
    public init() {}
}

/// A read-only Autotask PSA client: zone discovery, queries paged by `nextPageUrl` (the same body re-POSTed),
/// incremental by an entity's last-modified field or by id, at most three requests in flight per entity,
/// within a share of the hourly budget, retrying what can be retried.
public final class AutotaskConnector: Sendable {
    public let credentials: AutotaskCredentials
    public let options: AutotaskReadOptions
    let http: AutotaskReadOnlyHTTP
    let logger: Logger
    let gates: AutotaskGates
    let budget: AutotaskBudget
    let zone: ZoneCache

    public init(credentials: AutotaskCredentials, http: ReadOnlyHTTP, options: AutotaskReadOptions = AutotaskReadOptions(), logger: Logger) {
        self.credentials = credentials
        self.options = options
        self.http = AutotaskReadOnlyHTTP(http)
        self.logger = logger
        self.gates = AutotaskGates(limit: max(1, min(3, options.maximumInFlightPerEntity)))
        self.budget = AutotaskBudget(share: options.budgetShare, interval: max(1, options.thresholdCheckInterval))
        self.zone = ZoneCache()
    }

    // MARK: Zone and metadata

    /// The zone of the API user (cached; concurrent callers share one lookup): its API root ends in `/`.
    public func discoverZone() async throws(AutotaskConnectorError) -> AutotaskZoneInformation {
        do {
            return try await zone.resolve { try await self.lookUpZone() }
        } catch let error as AutotaskConnectorError {
            throw error
        } catch {
            throw .cancelled
        }
    }

    func lookUpZone() async throws(AutotaskConnectorError) -> AutotaskZoneInformation {
        let user = credentials.userName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? credentials.userName
        let url = "\(credentials.zoneLookupURL)?user=\(user)"
        let response = try await send(request: "zoneInformation", entity: "zoneInformation") { () async throws -> ReadOnlyHTTP.Response in
            try await self.http.get(url, headers: [("Accept", "application/json")], timeout: ReadOnlyHTTP.firstContactTimeout)
        }
        do {
            return try AutotaskZoneInformation.decode(response.body)
        } catch {
            throw .decoding(error, request: "zoneInformation")
        }
    }

    /// `{zone url}v1.0/`.
    func base() async throws(AutotaskConnectorError) -> String {
        let url = try await discoverZone().url
        return url.hasSuffix("/") ? url + "v1.0/" : url + "/v1.0/"
    }

    var headers: [(String, String)] {
        [("ApiIntegrationCode", credentials.integrationCode), ("UserName", credentials.userName), ("Secret", credentials.secret.reveal()),
         ("Content-Type", "application/json"), ("Accept", "application/json")]
    }

    /// `ThresholdInformation`: the database's hourly budget and its use (counted by Autotask, all integrations).
    public func threshold() async throws(AutotaskConnectorError) -> AutotaskThreshold {
        let url = try await base() + "ThresholdInformation"
        let response = try await get(url, entity: "ThresholdInformation", counted: false)
        do { return try AutotaskThreshold.decode(response.body) } catch { throw .decoding(error, request: "GET ThresholdInformation") }
    }

    public func entityInformation(_ entity: AutotaskEntity) async throws(AutotaskConnectorError) -> AutotaskEntityInformation {
        let response = try await get(try await base() + "\(entity.rawValue)/entityInformation", entity: entity.rawValue)
        do { return try AutotaskEntityInformation.decode(response.body, entity: entity.rawValue) } catch {
            throw .decoding(error, request: "GET \(entity.rawValue)/entityInformation")
        }
    }

    /// The entity's picklists, from `entityInformation/fields`.
    public func picklists(_ entity: AutotaskEntity) async throws(AutotaskConnectorError) -> AutotaskPicklists {
        let response = try await get(try await base() + "\(entity.rawValue)/entityInformation/fields", entity: entity.rawValue)
        do { return AutotaskPicklists(try AutotaskFieldInformation.decodeList(response.body, entity: entity.rawValue)) } catch {
            throw .decoding(error, request: "GET \(entity.rawValue)/entityInformation/fields")
        }
    }

    // MARK: Queries

    /// The filter of an incremental read: changed at or after `since` where the entity has a last-modified field,
    /// else after `afterID` by id; everything when both are `nil`.
    public static func filter(_ entity: AutotaskEntity, since: Date?, afterID: Int?) -> [AutotaskFilter] {
        if let since, let field = entity.lastModifiedField { return [.since(field, since)] }
        return [.gt("id", .int(afterID ?? -1))]
    }

    /// The number of records `filter` selects.
    public func count(_ entity: AutotaskEntity, filter: [AutotaskFilter] = [.gte("id", .int(0))]) async throws(AutotaskConnectorError) -> Int {
        let body = AutotaskQuery(filter: filter).text
        let url = try await base() + "\(entity.rawValue)/query/count"
        let response = try await post(url, body: body, entity: entity.rawValue)
        do { return try AutotaskQueryCount.decode(response.body, entity: entity.rawValue) } catch {
            throw .decoding(error, request: "POST \(entity.rawValue)/query/count")
        }
    }

    /// Every item `query` selects, page by page, as `Item`s: `nextPageUrl` is followed with the same body. A
    /// page is decoded whole or fetched again (a truncated body looks like a bad one), then reported.
    public func items<Item: AutotaskItem>(_ type: Item.Type, query: AutotaskQuery) async throws(AutotaskConnectorError) -> [Item] {
        var all: [Item] = []
        try await pages(Item.entity, query: query) { (page: AutotaskPage) throws(AutotaskDecodingError) in
            all += try page.decode(Item.self)
        }
        return all
    }

    /// Reads `entity`'s pages for `query`, handing each to `consume` (which may reject it as undecodable). A page that
    /// cannot be decoded is fetched again, up to the retry policy's attempts, then reported with its request.
    public func pages(
        _ entity: AutotaskEntity, query: AutotaskQuery, consume: (AutotaskPage) throws(AutotaskDecodingError) -> Void
    ) async throws(AutotaskConnectorError) {
        do {
            try await pages(entity, query: query, decode: consume, body: { (_: Void) in })
        } catch let error as AutotaskConnectorError {
            throw error
        } catch {
            // Invariant: `body` throws nothing, so only the connector's own errors reach here.
            throw .cancelled
        }
    }

    /// Reads `entity`'s pages for `query` in order: each page is decoded by `decode` (fetched again when that fails,
    /// up to the retry policy's attempts, a truncated body looks like a bad one), then handed to `body`, which may
    /// suspend (to store it). The next page is already being fetched while this one is decoded and `body` runs (one
    /// request in flight, as without it: the current page's has finished), so latency, decoding and storing overlap;
    /// when `body` throws, that request has been sent for nothing and is cancelled. Errors of `body` are rethrown
    /// as they are; stopping cancels the fetch in flight.
    public func pages<Value: Sendable>(
        _ entity: AutotaskEntity, query: AutotaskQuery, decode: (AutotaskPage) throws(AutotaskDecodingError) -> Value,
        body: (Value) async throws -> Void
    ) async throws {
        let size = min(AutotaskQuery.largestPage, max(1, query.maxRecords ?? options.pageSize))
        let text = AutotaskQuery(filter: query.filter, maxRecords: size, includeFields: query.includeFields).text
        let zoneHost = URLComponents(string: try await base())?.host?.lowercased()
        var url: String? = try await base() + "\(entity.rawValue)/query"
        // The next page's request, started as soon as its URL is read and before this page's items are decoded.
        var prefetched: (url: String, response: Task<ReadOnlyHTTP.Response, any Error>)?
        defer { prefetched?.response.cancel() }
        while let current = url {
            var lastError: AutotaskDecodingError?
            var decoded: (value: Value, next: String?)?
            for _ in 0..<max(2, options.retry.attempts) where decoded == nil {
                let response: ReadOnlyHTTP.Response
                if let fetch = prefetched, fetch.url == current {
                    prefetched = nil
                    response = try await withTaskCancellationHandler { try await fetch.response.value } onCancel: { fetch.response.cancel() }
                } else {
                    response = try await post(current, body: text, entity: entity.rawValue)
                }
                do {
                    let page = try AutotaskPage.decode(response.body, entity: entity.rawValue)
                    let following = page.pageDetails.nextPageUrl
                    if let following, prefetched?.url != following, URLComponents(string: following)?.host?.lowercased() == zoneHost {
                        prefetched?.response.cancel()
                        prefetched = (following, Task { try await self.post(following, body: text, entity: entity.rawValue) })
                    }
                    decoded = (try decode(page), following)
                } catch {
                    // The page is asked for again: the next one's request waits until it decodes.
                    prefetched?.response.cancel()
                    prefetched = nil
                    lastError = error
                }
            }
            guard let (value, following) = decoded else {
                // Invariant: the loop ran and failed at least once to get here.
                throw AutotaskConnectorError.decoding(lastError!, request: "POST \(Self.describe(current))")
            }
            if let following, URLComponents(string: following)?.host?.lowercased() != zoneHost {
                throw AutotaskConnectorError.foreignPageURL(following)
            }
            try await body(value)
            url = following
        }
    }

    /// Every id `entity` holds, a page of ids at a time (`IncludeFields` keeps the pages small).
    public func ids(_ entity: AutotaskEntity, body: ([Int]) async throws -> Void) async throws {
        let query = AutotaskQuery(filter: [.gt("id", .int(-1))], includeFields: ["id"])
        try await pages(entity, query: query, decode: { (page: AutotaskPage) throws(AutotaskDecodingError) -> [Int] in
            try page.rows(entity: entity.rawValue).map { row throws(AutotaskDecodingError) in try row.id() }
        }, body: body)
    }

    /// A URL without its query string, for messages.
    static func describe(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        let paging = components.queryItems?.first { $0.name == "paging" }?.value
        components.query = nil
        return (components.path.split(separator: "/").suffix(3).joined(separator: "/")) + (paging.map { " paging \($0)" } ?? "")
    }

    // MARK: Sending

    func get(_ url: String, entity: String, counted: Bool = true) async throws(AutotaskConnectorError) -> ReadOnlyHTTP.Response {
        try await send(request: "GET \(Self.describe(url))", entity: entity, counted: counted) { () async throws -> ReadOnlyHTTP.Response in
            try await self.http.get(url, headers: self.headers)
        }
    }

    func post(_ url: String, body: String, entity: String) async throws(AutotaskConnectorError) -> ReadOnlyHTTP.Response {
        try await send(request: "POST \(Self.describe(url))", entity: entity) { () async throws -> ReadOnlyHTTP.Response in
            try await self.http.query(url, body: Data(body.utf8), headers: self.headers)
        }
    }

    /// One request with retries, holding one of the entity's threads, within the hourly budget: 429, 5xx and
    /// transport errors back off exponentially; a first 401 forgets the zone (zones move, so the next request looks
    /// it up again) and tries once more before reporting the credentials.
    func send(
        request: String, entity: String, counted: Bool = true, _ perform: @escaping @Sendable () async throws -> ReadOnlyHTTP.Response
    ) async throws(AutotaskConnectorError) -> ReadOnlyHTTP.Response {
        var attempt = 0
        var rediscovered = false
        let metered = counted && entity != "zoneInformation"
        while true {
            attempt += 1
            if Task.isCancelled { throw .cancelled }
            if metered { try await budget.admit(self) }
            defer { if metered { Task { await budget.finished() } } }
            await gates.enter(entity)
            let outcome: Result<ReadOnlyHTTP.Response, AutotaskConnectorError>
            do {
                let response = try await perform()
                await gates.leave(entity)
                switch response.status {
                case 200..<300: return response
                case 401 where !rediscovered && entity != "zoneInformation":
                    rediscovered = true
                    await zone.clear()
                    outcome = .failure(.unauthorized("401"))
                    attempt -= 1
                default: outcome = .failure(Self.error(status: response.status, body: response.body, entity: entity, request: request, user: credentials.userName))
                }
            } catch let refused as AutotaskReadOnlyHTTP.RefusedWrite {
                await gates.leave(entity)
                throw .badRequest(request: request, message: refused.description)
            } catch is CancellationError {
                await gates.leave(entity)
                throw .cancelled
            } catch {
                await gates.leave(entity)
                outcome = .failure(.unreachable(site: URLComponents(string: credentials.zoneLookupURL)?.host ?? "Autotask", reason: "\(error)"))
            }
            guard case .failure(let error) = outcome else { continue }
            if case .unauthorized = error, rediscovered, attempt == 0 { continue }
            // Zone lookup that cannot reach Autotask at all (refused, unknown host) is a wrong address, not a passing
            // fault: said at once. Once Autotask has answered, transport errors are retried.
            if case .unreachable = error, entity == "zoneInformation" { throw error }
            guard error.isRetryable, attempt < options.retry.attempts else { throw error }
            logger.warning("retrying", metadata: ["upstream": "autotask", "entity": "\(entity)", "attempt": "\(attempt)", "error": "\(error)"])
            try? await Task.sleep(for: min(options.retry.maximumDelay, options.retry.baseDelay * Int(1 << min(attempt - 1, 16))))
        }
    }

    static func error(status: Int, body: Data, entity: String, request: String, user: String) -> AutotaskConnectorError {
        let parsed = AutotaskErrorBody.parse(body)
        let message = parsed?.summary ?? String(decoding: body.prefix(200), as: UTF8.self)
        if entity == "zoneInformation", message.contains(AutotaskErrorBody.unknownZone) { return .unknownUser(user) }
        switch status {
        case 401: return .unauthorized(message.isEmpty ? "401 Unauthorized" : message)
        case 403: return .forbidden(entity: entity, fix: "Grant View in the security level's section for \(entity)")
        case 429: return .rateLimited(message)
        case 405, 400..<500: return .badRequest(request: request, message: message)
        default:
            if message.contains("IntegrationCode is invalid") || message.lowercased().contains("user name or password") { return .unauthorized(message) }
            if message.contains("adequate permissions") {
                let section = AutotaskEntity.named(entity)?.section.rawValue ?? "its"
                return .forbidden(entity: entity, fix: "Set View to All in the \(section) section of the security level")
            }
            if message.contains("threshold") { return .rateLimited(message) }
            if status == 500, parsed != nil, !message.contains("unexpected error") { return .badRequest(request: request, message: message) }
            return .server(status: status, request: request, excerpt: message)
        }
    }
}

/// The zone, looked up once (concurrent callers wait for the same lookup) and again after a 401.
actor ZoneCache {
    private var value: AutotaskZoneInformation?
    private var pending: Task<AutotaskZoneInformation, any Error>?

    func resolve(_ lookUp: @escaping @Sendable () async throws -> AutotaskZoneInformation) async throws -> AutotaskZoneInformation {
        if let value { return value }
        if let pending { return try await pending.value }
        let task = Task { try await lookUp() }
        pending = task
        do {
            let info = try await task.value
            value = info
            pending = nil
            return info
        } catch {
            pending = nil
            throw error
        }
    }

    func clear() { value = nil }
}

/// At most `limit` requests in flight per entity: a fourth waits here instead of earning Autotask's 429.
actor AutotaskGates {
    let limit: Int
    private var inFlight: [String: Int] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]
    /// The most requests ever in flight for one entity (tests check it never passes the limit).
    private(set) var peak = 0

    init(limit: Int) { self.limit = limit }

    func enter(_ entity: String) async {
        if inFlight[entity, default: 0] >= limit {
            await withCheckedContinuation { waiting[entity, default: []].append($0) }
        } else {
            inFlight[entity, default: 0] += 1
        }
        peak = max(peak, inFlight[entity, default: 0])
    }

    func leave(_ entity: String) {
        if var queue = waiting[entity], !queue.isEmpty {
            // The slot passes straight to the next waiter.
            let next = queue.removeFirst()
            waiting[entity] = queue
            next.resume()
        } else {
            inFlight[entity, default: 1] -= 1
        }
    }
}

/// Keeps the database under `share` of its hourly threshold. A request is admitted on the last
/// `ThresholdInformation` reading plus every request that may not be in it; a new reading is taken at the start,
/// every `interval` requests, and whenever admitting would pass the share (requests that need it wait for the one
/// reading under way). If the fresh reading still leaves no room, the read stops with `budgetExhausted`.
actor AutotaskBudget {
    let share: Decimal
    let interval: Int
    private var known: AutotaskThreshold?
    /// Requests admitted that may not be in `known`.
    private var sinceCheck = 0
    private var inFlight = 0
    private var check: Task<Void, Never>?
    private var checkFailure: AutotaskConnectorError?
    /// Requests admitted by this connector.
    private(set) var sent = 0
    /// When a reading last found the share spent: for a minute after, requests are refused without another reading
    /// (a read that prefetches and reads children would otherwise spend a reading on each refusal).
    private var spentAt: ContinuousClock.Instant?

    init(share: Decimal, interval: Int) {
        self.share = share
        self.interval = interval
    }

    var allowed: Int? { known.map { NSDecimalNumber(decimal: Decimal($0.externalRequestThreshold) * share).intValue } }

    /// The last reading plus the requests that may not be in it (a reading under way is one of them).
    var projected: Int { (known?.currentTimeframeRequestCount ?? 0) + sinceCheck + (check == nil ? 0 : 1) }

    func admit(_ connector: AutotaskConnector) async throws(AutotaskConnectorError) {
        if let spentAt, ContinuousClock.now - spentAt < .seconds(60), let known, let allowed {
            throw .budgetExhausted(used: projected, allowed: allowed, threshold: known.externalRequestThreshold)
        }
        if known == nil || sinceCheck >= interval || projected + 1 > (allowed ?? 0) {
            try await refresh(connector)
            if let known, let allowed, projected + 1 > allowed {
                spentAt = .now
                throw .budgetExhausted(used: projected, allowed: allowed, threshold: known.externalRequestThreshold)
            }
        }
        sinceCheck += 1
        inFlight += 1
        sent += 1
    }

    func finished() { inFlight = max(0, inFlight - 1) }

    /// Waits for the reading under way, or takes one.
    private func refresh(_ connector: AutotaskConnector) async throws(AutotaskConnectorError) {
        if let running = check {
            await running.value
        } else {
            checkFailure = nil
            let pending = inFlight
            let admittedBefore = sent
            let task = Task { await self.read(connector, pending: pending, admittedBefore: admittedBefore) }
            check = task
            await task.value
            check = nil
        }
        if let checkFailure { throw checkFailure }
    }

    private func read(_ connector: AutotaskConnector, pending: Int, admittedBefore: Int) async {
        do {
            known = try await connector.threshold()
            // What was in flight when the reading was asked for may not be in it, nor what was admitted since.
            sinceCheck = pending + (sent - admittedBefore)
        } catch {
            checkFailure = error
        }
    }
}
