import AutotaskAPI
import Foundation
public import Hummingbird
import HTTPTypes
import InsightJSON
public import Logging
import NIOCore

/// An Autotask PSA REST API over HTTP, following `../shared/reference/autotask/NOTES.md` (its §11 checklist):
/// zone lookup, header authentication, `query` (POST body or GET `search`), `query/count`, `query/next` paging,
/// by-id reads, `entityInformation[/fields|/userDefinedFields]`, `ThresholdInformation`, security levels,
/// the hourly threshold with its latency steps, the thread limit, 405s for other verbs, and injectable faults.
public enum AutotaskSimulator {
    /// The application serving `tenant`.
    public static func application(
        tenant: SimulatedAutotaskTenant, host: String = "127.0.0.1", port: Int = 8082,
        logger: Logger = Logger(label: "psa-insight.simulator.autotask"),
        onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: AutotaskHandler(tenant: tenant))
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) }, logger: logger)
    }
}

/// Answers every request (whatever its method: unsupported verbs get Autotask's 405), so it is a middleware
/// rather than routes.
struct AutotaskHandler: RouterMiddleware {
    typealias Context = BasicRequestContext
    let tenant: SimulatedAutotaskTenant

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        await tenant.record(method: request.method.rawValue, path: request.uri.path)
        let body = try await request.body.collect(upTo: 4 * 1024 * 1024)
        return await answer(request, body: Data(body.readableBytesView))
    }

    var settings: AutotaskSimulatorSettings { tenant.settings }

    func answer(_ request: Request, body: Data) async -> Response {
        let base = settings.publicURL ?? "http://\(request.head.authority ?? "127.0.0.1")"
        let segments = request.uri.path.split(separator: "/").map(String.init)
        let lowered = segments.map { $0.lowercased() }
        guard lowered.first == "atservicesrest" else { return notFound() }
        if lowered.count == 2, lowered[1] == "versioninformation" {
            return json(.object(["apiVersions": .array([.string("1.0")])]))
        }
        guard lowered.count >= 3, lowered[1] == "v1.0" else { return notFound() }
        if lowered.count == 3, lowered[2] == "zoneinformation" {
            guard request.method == .get else { return methodNotAllowed(request.method) }
            return zoneInformation(request, base: base)
        }

        // Authentication: the three headers on every other call.
        let user: AutotaskSimulatorSettings.APIUser
        switch authenticate(request) {
        case .success(let found): user = found
        case .failure(let failure): return failure.response
        }
        if user.level.rights(.webServicesAPI).view == .none { return unauthorized() }

        // The hourly threshold, shared by every integration of the database.
        let now = ContinuousClock.now
        let used = await tenant.countRequest(now: now)
        if let limit = settings.requestThreshold {
            if used > limit {
                return errors(
                    HTTPResponse.Status(code: settings.thresholdStatus),
                    "The request threshold of \(limit) requests per \(Int(settings.thresholdWindow.components.seconds / 60)) minutes has been exceeded for this database.")
            }
            if used * 4 >= limit * 3 {
                try? await Task.sleep(for: settings.latencyAtThreeQuarters)
            } else if used * 2 >= limit {
                try? await Task.sleep(for: settings.latencyAtHalf)
            }
        }

        let rest = Array(segments.dropFirst(2))
        if rest.count == 1, rest[0].lowercased() == "thresholdinformation" {
            return await withThread(user, endpoint: "ThresholdInformation") {
                let limit = settings.requestThreshold ?? Int(Int32.max)
                return json(AutotaskThreshold(
                    externalRequestThreshold: limit, requestThresholdTimeframe: Int(settings.thresholdWindow.components.seconds / 60),
                    currentTimeframeRequestCount: await tenant.currentCount(now: now)).json)
            }
        }
        guard let entity = AutotaskEntity.named(rest[0]) else { return notFound() }
        return await withThread(user, endpoint: entity.rawValue) {
            await entityRequest(request, body: body, entity: entity, rest: rest.dropFirst().map { $0.lowercased() }, user: user, base: base)
        }
    }

    /// Runs `work` holding one of the user's integration-code threads for `endpoint`, or answers 429.
    func withThread(_ user: AutotaskSimulatorSettings.APIUser, endpoint: String, _ work: () async -> Response) async -> Response {
        let key = "\(user.integrationCode)/\(endpoint.lowercased())"
        guard await tenant.acquire(key) else { return errors(.tooManyRequests, AutotaskErrorBody.threadThreshold) }
        if settings.latency > .zero { try? await Task.sleep(for: settings.latency) }
        let response = await work()
        await tenant.release(key)
        return response
    }

    func entityRequest(
        _ request: Request, body: Data, entity: AutotaskEntity, rest: [String], user: AutotaskSimulatorSettings.APIUser, base: String
    ) async -> Response {
        let method = request.method
        if await tenant.roll(settings.serverErrorRate) {
            return errors(.internalServerError, "An unexpected error has occurred. Please try again.")
        }
        let parameters = URLComponents(string: request.uri.description)?.queryItems ?? []
        let search = parameters.first { $0.name.lowercased() == "search" }?.value
        switch rest.first {
        case nil:
            // Creating and updating go to the collection; this simulator is read-only.
            return methodNotAllowed(method)
        case "entityinformation":
            guard method == .get else { return methodNotAllowed(method) }
            if rest.count == 1 { return json(user.level.information(for: entity).json) }
            if rest.count == 2, rest[1] == "fields" {
                return json(.object(["fields": .array(await tenant.fieldInformation(entity).map(\.json))]))
            }
            if rest.count == 2, rest[1] == "userdefinedfields" {
                let names = udfNames(entity)
                return json(.object(["fields": .array(names.map { AutotaskFieldInformation(name: $0, dataType: "string").json })]))
            }
            return notFound()
        case "query":
            guard method == .get || method == .post else { return methodNotAllowed(method) }
            // GET carries the query in `search`; POST in the body. A POST-originated nextPageUrl has no
            // `search`, so following it with GET is the 405 clients hit (NOTES.md §4.1).
            let text: String
            if method == .post {
                text = String(decoding: body, as: UTF8.self)
            } else {
                guard let search else { return methodNotAllowed(method) }
                text = search
            }
            let query: AutotaskQuery
            do {
                query = try AutotaskQuery(text: text)
                try query.validate(for: entity)
            } catch {
                return errors(.internalServerError, error.description)
            }
            let visible = await rows(entity, user: user)
            if case .missingRights? = visible.refusal { return errors(.internalServerError, adequatePermissions(entity)) }
            let rows = visible.rows
            let selected = {
                let plan = FilterPlan(query.filter, rows: rows)
                return rows.window(query.filter).count(where: plan.matches)
            }
            if settings.includeFieldsNeedIDAbove500, let fields = query.includeFields, !fields.contains(where: { $0.lowercased() == "id" }),
                selected() > AutotaskQuery.largestPage
            {
                return errors(.internalServerError, "IncludeFields must include id when a query returns more than \(AutotaskQuery.largestPage) records.")
            }
            switch rest.dropFirst().first {
            case nil:
                return await deliver(page(entity, rows, query: query, cursor: nil, search: method == .get ? search : nil, base: base))
            case "count":
                return json(.object(["queryCount": .int(selected())]))
            case "next", "prev":
                guard let paging = parameters.first(where: { $0.name.lowercased() == "paging" })?.value,
                    let cursor = AutotaskPagingCursor(text: paging)
                else { return errors(.internalServerError, "Invalid paging parameter.") }
                return await deliver(page(entity, rows, query: query, cursor: cursor, search: method == .get ? search : nil, base: base))
            default:
                return notFound()
            }
        default:
            if rest.count >= 2, let parentID = Int(rest[0]), let child = Self.children[entity]?[rest[1]] {
                guard method == .get else { return methodNotAllowed(method) }
                return await childList(child, parentID: parentID, childID: rest.count == 3 ? Int(rest[2]) : nil, user: user, extra: rest.count > 3)
            }
            guard rest.count == 1, let id = Int(rest[0]) else { return notFound() }
            guard method == .get else { return methodNotAllowed(method) }
            let visible = await rows(entity, user: user)
            if case .missingRights? = visible.refusal { return errors(.internalServerError, adequatePermissions(entity)) }
            guard let item = visible.rows.items.first(where: { $0.member("id")?.intValue == id }) else {
                return settings.notFoundAsNullItem ? json(.object(["item": .null])) : errors(.notFound, "No matching records found.")
            }
            return json(.object(["item": item]))
        }
    }

    /// Child collections (`GET /{Parent}/{parentId}/{Child}[/{id}]`): the child entity and its parent field.
    static let children: [AutotaskEntity: [String: (entity: AutotaskEntity, parentField: String)]] = [
        .contracts: ["services": (.contractServices, "contractID"), "serviceunits": (.contractServiceUnits, "contractID"),
                     "blocks": (.contractBlocks, "contractID")],
        .projects: ["tasks": (.tasks, "projectID")],
        .expenseReports: ["items": (.expenseItems, "expenseReportID")],
    ]

    /// A parent's children as one page, or one child as `{"item": …}`.
    func childList(
        _ child: (entity: AutotaskEntity, parentField: String), parentID: Int, childID: Int?, user: AutotaskSimulatorSettings.APIUser, extra: Bool
    ) async -> Response {
        guard !extra else { return notFound() }
        let visible = await rows(child.entity, user: user)
        if case .missingRights? = visible.refusal { return errors(.internalServerError, adequatePermissions(child.entity)) }
        let items = visible.rows.items.filter { $0.member(child.parentField)?.intValue == parentID }
        if let childID {
            guard let item = items.first(where: { $0.member("id")?.intValue == childID }) else {
                return settings.notFoundAsNullItem ? json(.object(["item": .null])) : errors(.notFound, "No matching records found.")
            }
            return json(.object(["item": item]))
        }
        let page = Array(items.prefix(AutotaskQuery.largestPage))
        return json(AutotaskPage(
            items: page, pageDetails: AutotaskPageDetails(count: page.count, requestCount: AutotaskQuery.largestPage, prevPageUrl: nil, nextPageUrl: nil)).json)
    }

    enum Refusal { case missingRights }

    /// The rows `user` may see: none without view rights (silently, or a 500 when so set), cost fields blanked
    /// when the level cannot read costs.
    func rows(_ entity: AutotaskEntity, user: AutotaskSimulatorSettings.APIUser) async
        -> (rows: EntityRows, refusal: Refusal?)
    {
        guard user.level.rights(entity.section).view != .none else {
            return (EntityRows([]), settings.missingRight == .error500 ? .missingRights : nil)
        }
        return (await tenant.rows(entity, withoutCosts: !user.level.canReadCosts), nil)
    }

    func udfNames(_ entity: AutotaskEntity) -> [String] {
        switch entity {
        case .contracts: [AutotaskVocabulary.cancellationDateUDF]
        case .projects: [AutotaskVocabulary.billingMethodUDF]
        default: []
        }
    }

    func adequatePermissions(_ entity: AutotaskEntity) -> String {
        "The logged in Resource does not have the adequate permissions to query this entity type (\(entity.objectName))."
    }

    /// One page of the items (sorted by id) that `query` selects, from `cursor`'s first id: their positions in
    /// `rows`, and Autotask's `pageDetails`. The cursor's id and the filter's id bounds are found by binary search
    /// and the filter runs only until the page and the next page's first id are found, so a page costs the same
    /// wherever it is in a long list.
    func page(
        _ entity: AutotaskEntity, _ rows: EntityRows, query: AutotaskQuery, cursor: AutotaskPagingCursor?, search: String?, base: String
    ) -> SimulatedPage {
        let size = cursor?.pageSize ?? query.pageSize
        let start = cursor?.nextIds.first ?? -1
        let window = rows.window(query.filter)
        var positions: [Int] = []
        var nextID: Int?
        let plan = FilterPlan(query.filter, rows: rows)
        // A cursor past the window (a `next` asked with a narrower filter than the one that made it) reads nothing.
        let from = min(max(window.lowerBound, rows.position(ofFirstIDAtLeast: start)), window.upperBound)
        for position in from..<window.upperBound where plan.matches(position) {
            if positions.count == size {
                nextID = rows.ids[position]
                break
            }
            positions.append(position)
        }
        let root = "\(base)/ATServicesRest/V1.0/\(entity.rawValue)/query/"
        let tail = search.map { "&search=" + AutotaskPagingCursor.encode($0) } ?? ""
        let previous = cursor?.previousIds ?? []
        var next: String?
        if let nextID {
            let moved = AutotaskPagingCursor(pageSize: size, previousIds: previous + [start], nextIds: [nextID])
            next = root + "next?paging=" + AutotaskPagingCursor.encode(moved.text) + tail
        }
        var prev: String?
        if let last = previous.last {
            let back = AutotaskPagingCursor(pageSize: size, previousIds: Array(previous.dropLast()), nextIds: [last])
            prev = root + "prev?paging=" + AutotaskPagingCursor.encode(back.text) + tail
        }
        return SimulatedPage(
            list: rows.list, positions: positions, query: query,
            details: AutotaskPageDetails(count: positions.count, requestCount: size, prevPageUrl: prev, nextPageUrl: next))
    }

    /// A page's response, with the dropped-connection and truncated-body faults applied when the dice say so.
    func deliver(_ page: SimulatedPage) async -> Response {
        let body = page.body()
        var response = json(body)
        if await tenant.roll(settings.droppedConnectionRate) {
            // Announce the whole body, send half, then fail: the server closes the connection mid-body.
            response.body = ResponseBody(contentLength: body.count) { writer in
                try await writer.write(ByteBuffer(bytes: body.prefix(body.count / 2)))
                throw SimulatedDrop()
            }
        } else if await tenant.roll(settings.truncatedBodyRate) {
            // A body cut off half way: what a dropped upstream connection looks like to a client.
            response.body = .init(byteBuffer: ByteBuffer(bytes: body.prefix(body.count / 2)))
        }
        return response
    }

    // MARK: Zone and authentication

    func zoneInformation(_ request: Request, base: String) -> Response {
        let user = URLComponents(string: request.uri.description)?.queryItems?.first { $0.name.lowercased() == "user" }?.value ?? ""
        guard settings.users.contains(where: { $0.userName.lowercased() == user.lowercased() }) else {
            return errors(.internalServerError, AutotaskErrorBody.unknownZone)
        }
        return json(AutotaskZoneInformation(zoneName: settings.zoneName, url: "\(base)/ATServicesRest/", webUrl: "\(base)/", ci: settings.ci).json)
    }

    func authenticate(_ request: Request) -> Result<AutotaskSimulatorSettings.APIUser, AuthenticationFailure> {
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { request.headers[$0] } }
        let legacy = settings.authenticationErrors == .legacy500
        guard let code = header("ApiIntegrationCode"), let name = header("UserName"), let secret = header("Secret") else {
            return .failure(AuthenticationFailure(response: unauthorized()))
        }
        guard let user = settings.users.first(where: { $0.userName.lowercased() == name.lowercased() }) else {
            return .failure(AuthenticationFailure(response: legacy ? errors(.internalServerError, "Invalid user name or password.") : unauthorized()))
        }
        guard user.integrationCode == code else {
            return .failure(AuthenticationFailure(response: legacy ? errors(.internalServerError, AutotaskErrorBody.badIntegrationCode) : unauthorized()))
        }
        guard user.secret == secret else { return .failure(AuthenticationFailure(response: unauthorized())) }
        return .success(user)
    }

    struct AuthenticationFailure: Error { let response: Response }

    // MARK: Responses

    func json(_ value: AutotaskJSON, status: HTTPResponse.Status = .ok) -> Response {
        var body: [UInt8] = []
        value.write(into: &body)
        return json(body, status: status)
    }

    func json(_ body: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    func errors(_ status: HTTPResponse.Status, _ message: String) -> Response { json(AutotaskErrorBody(message).json, status: status) }

    /// 401 with an empty body and the realm header (2026 behaviour).
    func unauthorized() -> Response {
        var response = Response(status: .unauthorized, headers: [.contentLength: "0"])
        if let realm = HTTPField.Name("WWW-Authenticate") { response.headers[realm] = "Basic Realm=\"webservices3.autotask.net\"" }
        return response
    }

    func methodNotAllowed(_ method: HTTPRequest.Method) -> Response {
        json(.object(["Message": .string("The requested resource does not support http method '\(method.rawValue)'.")]), status: .methodNotAllowed)
    }

    func notFound() -> Response {
        Response(status: .notFound, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<h2>404 - File or directory not found.</h2>")))
    }
}

/// The fault that drops a connection mid-body.
struct SimulatedDrop: Error {}

/// A page of a query's answer: the positions of its items in the list it was read from, and its `pageDetails`.
struct SimulatedPage {
    let list: JSONTextList<AutotaskJSON>
    let positions: [Int]
    let query: AutotaskQuery
    let details: AutotaskPageDetails

    /// `{"items": […], "pageDetails": {…}}`, keys in the order Autotask's are written. Whole items are copied from
    /// the list's kept text; `IncludeFields` items are written afresh.
    func body() -> [UInt8] {
        var body: [UInt8] = []
        body.append(contentsOf: #"{"items":"#.utf8)
        if query.includeFields == nil {
            list.writeArray(of: positions, into: &body)
        } else {
            AutotaskJSON.array(positions.map { query.project(list.items[$0]) }).write(into: &body)
        }
        body.append(contentsOf: #","pageDetails":"#.utf8)
        details.json.write(into: &body)
        body.append(UInt8(ascii: "}"))
        return body
    }
}
