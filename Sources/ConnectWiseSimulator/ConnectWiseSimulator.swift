import ConnectWiseAPI
import Foundation
public import Hummingbird
import HTTPTypes
import InsightJSON
public import Logging
import NIOCore

/// A ConnectWise PSA site over HTTP, following the real API as documented in
/// `../shared/reference/connectwise/NOTES.md` (its §10 checklist): codebase discovery, both path prefixes, Basic
/// auth with `company+public:private` and `clientId`, security-role 403s, navigable and forward-only paging,
/// `conditions`, `orderBy`, `fields`, `/count`, the real error shapes, and injectable faults.
public enum ConnectWiseSimulator {
    /// The application serving `site`.
    public static func application(
        site: SimulatedSite, host: String = "127.0.0.1", port: Int = 8081, logger: Logger = Logger(label: "psa-insight.simulator.connectwise"),
        onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: RequestRecorder(site: site))
        router.get("login/companyinfo/:company") { request, context in
            try await companyInfo(request, context: context, site: site)
        }
        router.get("**") { request, _ in
            await api(request, site: site)
        }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) }, logger: logger)
    }

    static func companyInfo(_ request: Request, context: BasicRequestContext, site: SimulatedSite) async throws -> Response {
        let company = try context.parameters.require("company")
        let settings = site.settings
        // An unknown company answers 200 with a JSON null.
        guard company.lowercased() == settings.companyID.lowercased() else { return json(.null) }
        return json(.object([
            "CompanyName": .string("Northwind Managed Services"), "Codebase": .string(settings.codebase),
            "VersionCode": .string("v2025.1"), "VersionNumber": .string("v4.6.10333"), "CompanyID": .string(settings.companyID),
            "IsCloud": .bool(false), "SiteUrl": .string(settings.publicURL),
        ]))
    }

    static func api(_ request: Request, site: SimulatedSite) async -> Response {
        let settings = site.settings
        if settings.latency > .zero { try? await Task.sleep(for: settings.latency) }
        // Routing: /v4_6_release/apis/3.0/… or /{codebase}apis/3.0/…
        let path = request.uri.path
        let prefixes = ["/v4_6_release/apis/3.0/", "/\(settings.codebase)apis/3.0/"]
        guard let prefix = prefixes.first(where: { path.hasPrefix($0) }) else { return cannotRoute() }
        let resource = String(path.dropFirst(prefix.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))

        // Authentication: Basic base64("company+public:private") and the clientId header.
        guard let member = authenticate(request, settings: settings) else {
            if case .companyMismatch = authenticationFailure(request, settings: settings) { return cannotRoute() }
            return error(.unauthorized, code: "Unauthorized", message: "The supplied authentication is incorrect")
        }
        if settings.requireClientID, request.headers[HTTPField.Name("clientId")!] == nil {
            return error(.unauthorized, code: "Unauthorized", message: "A clientId header is required")
        }
        if await site.overLimit(member.publicKey, now: .now) {
            var response = json(.object([
                "error": .string("ConnectWiseAPI"),
                "message": .string("Too many requests. Please try again in \(settings.retryAfterSeconds) seconds."),
            ]), status: .tooManyRequests)
            response.headers[HTTPField.Name("Retry-After")!] = String(settings.retryAfterSeconds)
            return response
        }
        if await site.roll(settings.serverErrorRate) {
            return error(.internalServerError, code: "ConnectWiseApi", message: "A timeout has occured. Please try again.")
        }

        // Resolution: system endpoints, per-agreement additions, then list, count and by-id forms.
        var parts = resource.split(separator: "/").map(String.init)
        if resource.lowercased() == "system/info" {
            return json(.object([
                "version": .string("v2025.1.10333"), "isCloud": .bool(false), "serverTimeZone": .string("Central Standard Time"),
                "licenseBits": .array([.object(["name": .string("ManagedServices"), "activeFlag": .bool(true)])]),
                "cloudRegion": .string("NA"), "maxWorkFlowRecordsAllowed": .number(1_000),
            ]))
        }
        if let roles = securityRoles(parts, member: member) { return roles }
        if let forecast = await forecast(parts, member: member, site: site) { return forecast }
        var isCount = false
        if parts.last?.lowercased() == "count" {
            isCount = true
            parts.removeLast()
        }
        var id: Int?
        let list: JSONTextList<JSONValue>
        let endpoint: ConnectWiseEndpoint
        if parts.count == 4, parts[0].lowercased() == "finance", parts[1].lowercased() == "agreements",
            parts[3].lowercased() == "additions", let agreement = Int(parts[2])
        {
            endpoint = .additions
            guard let additions = await site.additions(of: agreement) else { return notFound(resource) }
            list = additions
        } else {
            if let last = parts.last, let number = Int(last) {
                id = number
                parts.removeLast()
            }
            guard let match = ConnectWiseEndpoint.matching(parts.joined(separator: "/")), match != .additions else {
                return notFound(resource)
            }
            endpoint = match
            list = await site.list(endpoint)
        }
        // Authorization: Inquire level None on the endpoint's function is a 403.
        if member.role.inquire(endpoint.function) == .none {
            return error(.forbidden, code: "Unauthorized", message: "You do not have permission to access this resource.")
        }
        if let id {
            guard let item = list.items.first(where: { ListQuery.id(of: $0) == id }) else { return notFound(resource) }
            return json(item)
        }
        let query: ListQuery
        do {
            let parameters = (URLComponents(string: request.uri.description)?.queryItems ?? []).map { (name: $0.name, value: $0.value ?? "") }
            let forwardOnly = request.headers[HTTPField.Name("pagination-type")!]?.lowercased() == "forward-only"
            query = try ListQuery(parameters: parameters, forwardOnly: forwardOnly, settings: settings.list)
        } catch {
            return errorBody(.badRequest, error.body)
        }
        if isCount { return json(query.count(list.items)) }
        // Invariant: `publicURL` is an http URL built by the settings (scheme, host and port).
        let url = URL(string: settings.publicURL + request.uri.description) ?? URL(string: settings.publicURL)!
        let page = query.page(of: list.items, requestURL: url)
        var written: [UInt8] = []
        if query.selectsFields {
            JSONValue.array(query.partial(page.positions.map { list.items[$0] })).write(into: &written)
        } else {
            list.writeArray(of: page.positions, into: &written)
        }
        let body = written
        var response = json(body)
        if query.forwardOnly || !page.link.isEmpty { response.headers[HTTPField.Name("Link")!] = page.link }
        if await site.roll(settings.droppedConnectionRate) {
            // Announce the whole body, send half, then fail: the server closes the connection mid-body.
            response.body = ResponseBody(contentLength: body.count) { writer in
                try await writer.write(ByteBuffer(bytes: body.prefix(body.count / 2)))
                throw SimulatedDrop()
            }
        } else if await site.roll(settings.truncatedBodyRate) {
            // A body cut off half way: what a dropped upstream connection looks like to a client.
            response.body = .init(byteBuffer: ByteBuffer(bytes: body.prefix(body.count / 2)))
        }
        return response
    }

    // MARK: Authentication

    enum AuthenticationFailure { case missing, companyMismatch, badKeys }

    static func credentials(_ request: Request) -> (company: String, publicKey: String, privateKey: String)? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        let user = text[..<colon]
        guard let plus = user.firstIndex(of: "+") else { return nil }
        return (String(user[..<plus]), String(user[user.index(after: plus)...]), String(text[text.index(after: colon)...]))
    }

    static func authenticationFailure(_ request: Request, settings: ConnectWiseSimulatorSettings) -> AuthenticationFailure {
        guard let credentials = credentials(request) else { return .missing }
        return credentials.company.lowercased() == settings.companyID.lowercased() ? .badKeys : .companyMismatch
    }

    static func authenticate(_ request: Request, settings: ConnectWiseSimulatorSettings) -> ConnectWiseSimulatorSettings.APIMember? {
        guard let credentials = credentials(request), credentials.company.lowercased() == settings.companyID.lowercased() else { return nil }
        return settings.members.first { $0.publicKey == credentials.publicKey && $0.privateKey == credentials.privateKey }
    }

    /// `system/securityroles` (the caller's role) and `system/securityRoles/{id}/settings`.
    static func securityRoles(_ parts: [String], member: ConnectWiseSimulatorSettings.APIMember) -> Response? {
        let lowered = parts.map { $0.lowercased() }
        guard lowered.count >= 2, lowered[0] == "system", lowered[1] == "securityroles" else { return nil }
        let role = member.role
        if lowered.count == 2 {
            return json(.array([.object(["id": .number(Decimal(role.id)), "name": .string(role.name), "adminFlag": .bool(role.id == 1)])]))
        }
        guard lowered.count == 4, Int(lowered[2]) == role.id, lowered[3] == "settings" else { return notFound(parts.joined(separator: "/")) }
        return json(.array(role.settings.enumerated().map { index, setting in
            .object([
                "id": .number(Decimal(index + 1)), "moduleName": .string(setting.function.module),
                "moduleFunctionName": .string(setting.function.name), "addLevel": .string(setting.add.rawValue),
                "editLevel": .string(setting.edit.rawValue), "deleteLevel": .string(setting.delete.rawValue),
                "inquireLevel": .string(setting.inquire.rawValue),
            ])
        }))
    }

    /// `sales/opportunities/{id}/forecast`, its `/count` and `/forecast/{itemId}` (Sales › Opportunity), or `nil`
    /// for any other path.
    static func forecast(_ parts: [String], member: ConnectWiseSimulatorSettings.APIMember, site: SimulatedSite) async -> Response? {
        let lowered = parts.map { $0.lowercased() }
        guard lowered.count >= 4, lowered[0] == "sales", lowered[1] == "opportunities", lowered[3] == "forecast",
            let id = Int(parts[2])
        else { return nil }
        let resource = parts.joined(separator: "/")
        if member.role.inquire(ConnectWiseEndpoint.opportunities.function) == .none {
            return error(.forbidden, code: "Unauthorized", message: "You do not have permission to access this resource.")
        }
        guard let opportunity = await site.opportunity(id) else { return notFound(resource) }
        let encoder = ConnectWiseEncoder(baseURL: site.settings.apiBase)
        switch lowered.count {
        case 4:
            let forecast = encoder.forecast(opportunity)
            return json(site.settings.forecastAsList ? .array([forecast]) : forecast)
        case 5 where lowered[4] == "count":
            return json(.object(["count": .number(Decimal(encoder.forecastItems(opportunity).count))]))
        case 5:
            let item = encoder.forecastItems(opportunity).first { ListQuery.id(of: $0).map(String.init) == parts[4] }
            return item.map { json($0) } ?? notFound(resource)
        default:
            return notFound(resource)
        }
    }

    // MARK: Responses

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        json([UInt8](value.serialized()), status: status)
    }

    static func json(_ body: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "application/json; charset=utf-8", .cacheControl: "no-cache",
                HTTPField.Name("api-current-version")!: "2025.1",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// Error bodies come pretty-printed with CRLF line ends, as ConnectWise sends them.
    static func errorBody(_ status: HTTPResponse.Status, _ body: ConnectWiseErrorBody) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: (try? encoder.encode(body)) ?? Data(), as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n")
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func error(_ status: HTTPResponse.Status, code: String, message: String) -> Response {
        errorBody(status, ConnectWiseErrorBody(code: code, message: message))
    }

    /// 404's body is not public (NOTES.md §11): ours, in the documented shape.
    static func notFound(_ resource: String) -> Response {
        error(.notFound, code: "NotFound", message: "Resource not found: \(resource)")
    }

    static func cannotRoute() -> Response {
        Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: ConnectWiseErrorBody.cannotRouteText)))
    }
}

/// Records every request's method and path before routing, so that requests of any method are seen.
struct RequestRecorder: RouterMiddleware {
    typealias Context = BasicRequestContext
    let site: SimulatedSite

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        await site.record(method: request.method.rawValue, path: request.uri.path)
        await site.begin()
        do {
            let response = try await next(request, context)
            await site.end()
            return response
        } catch {
            await site.end()
            throw error
        }
    }
}

/// The fault that drops a connection mid-body.
struct SimulatedDrop: Error {}
