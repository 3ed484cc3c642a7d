import Foundation
public import Hummingbird
import HummingbirdBcrypt
import HTTPTypes
public import InsightCore
public import InsightStore
public import InsightVault
public import Logging
import NIOCore
import NIOPosix

/// What the web app needs to know about its installation.
public struct WebSettings: Sendable {
    /// Set the `Secure` flag on cookies and send HSTS: on whenever the app is served over HTTPS.
    public var secureCookies = false
    /// bcrypt's cost factor for new password hashes (12 in production; tests may lower it to 4).
    public var bcryptCost: UInt8 = 12
    /// Our ConnectWise integration's client id, pre-filled in the credentials form.
    public var connectWiseClientID: String
    /// How long a sign-in lasts.
    public var sessionSeconds: Int64 = 7 * 24 * 3_600
    /// Failed sign-ins allowed per email address within ``throttleWindowSeconds``.
    public var maximumLoginFailures = 5
    /// Failed sign-ins allowed per client (IP) address within ``throttleWindowSeconds``, whatever the email.
    public var maximumLoginFailuresPerClient = 20
    public var throttleWindowSeconds: Int64 = 15 * 60
    /// Where links in logged messages (the email-verification link) point.
    public var publicBaseURL = "http://127.0.0.1:8080"

    public init(connectWiseClientID: String) {
        self.connectWiseClientID = connectWiseClientID
    }
}

/// The web app: its dependencies and its router. Built by the composition root (`InsightApp`).
public struct WebApp: Sendable {
    let store: Store
    let vault: CredentialVault
    let settings: WebSettings
    let syncs: SyncCoordinator
    let logger: Logger
    let cache: DashboardCache

    public init(store: Store, vault: CredentialVault, settings: WebSettings, syncs: SyncCoordinator, logger: Logger) {
        self.store = store
        self.vault = vault
        self.settings = settings
        self.syncs = syncs
        self.logger = logger
        self.cache = DashboardCache(store: store)
    }

    /// Every route, behind the security-header, error-page and session middleware.
    public func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeadersMiddleware(secureCookies: settings.secureCookies))
        router.add(middleware: SessionMiddleware(store: store, secureCookies: settings.secureCookies))
        router.add(middleware: ErrorPageMiddleware(logger: logger))
        router.get("/assets/app.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: Layout.stylesheet)))
        }
        router.get("/healthz") { _, _ in "ok" }
        addAccountRoutes(to: router)
        addOnboardingRoutes(to: router)
        addDashboardRoutes(to: router)
        addProjectRoutes(to: router)
        addPreferencesRoutes(to: router)
        addClassificationRoutes(to: router)
        addPeopleRoutes(to: router)
        addRecordRoutes(to: router)
        addMRRRoutes(to: router)
        addAPIRoutes(to: router)
        return router
    }

    /// The HTTP server on `host:port` (port 0: any free port, reported to `onServerRunning`).
    public func application(
        host: String = "127.0.0.1", port: Int, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// A bcrypt hash of `password`, computed off the event loops (for the CLI's demo account).
    public static func hashPassword(_ password: String, cost: UInt8) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// An acceptance of the current licence version (for accounts set up outside the wizard, like the demo's).
    public static func eulaAcceptance(tenant: Tenant.ID, user: UserAccount.ID, address: String) -> EULAAcceptance {
        EULAAcceptance(tenant: tenant, user: user, version: EULA.version, acceptedAt: .now, address: address)
    }

    // MARK: Helpers shared by the routes

    /// The form fields of a POST, after checking its CSRF token.
    func form(_ request: Request, _ context: WebContext) async throws -> FormFields {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let fields = FormFields(String(buffer: body))
        guard let token = fields["_csrf"], !context.csrfToken.isEmpty, Tokens.constantTimeEquals(token, context.csrfToken) else {
            throw WebError.formExpired
        }
        return fields
    }

    /// The company `id` names, when the signed-in user belongs to it, with the user's role; 404 otherwise (the
    /// same answer whether the company exists or not, so ids cannot be probed).
    func company(_ context: WebContext, requiring required: CompanyRole = .viewer) async throws -> (Tenant, UserAccount, CompanyRole) {
        let user = try verifiedUser(context)
        guard let raw = context.parameters.get("tenant") else { throw WebError.notFound }
        let id = Tenant.ID(raw)
        guard let role = try await store.role(of: user.id, in: id), let tenant = try await store.tenant(id) else { throw WebError.notFound }
        guard role.allows(required) else {
            throw WebError.forbidden("This needs the \(required.rawValue) role; you are \(role.rawValue) in \(tenant.name).")
        }
        return (tenant, user, role)
    }

    /// The signed-in user, once their email address is verified; otherwise a redirect to the page that explains how.
    func verifiedUser(_ context: WebContext) throws -> UserAccount {
        let user = try context.requireUser()
        guard user.emailVerifiedAt != nil else { throw WebRedirect(to: "/verify-email") }
        return user
    }

    /// Hashes a password with bcrypt off the event loops.
    func hash(password: String) async throws -> String {
        try await Self.hashPassword(password, cost: settings.bcryptCost)
    }

    /// Checks a password against a bcrypt hash off the event loops.
    func verify(password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}

/// URL-encoded form fields (`a=1&b=two`), decoded once.
struct FormFields: Sendable {
    private var values: [String: String] = [:]

    init(_ body: String) {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard let name = parts.first.flatMap(Self.decode) else { continue }
            values[name] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    /// The trimmed value, or `nil` when missing or blank.
    func text(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    private static func decode(_ text: String) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// Renders errors as pages in the app's layout (never a stack trace or a secret), and redirects as redirects.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let logger: Logger

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let redirect as WebRedirect {
            return Response(status: .seeOther, headers: [.location: redirect.location])
        } catch let error as WebError {
            return page(error.description, status: error.status, context: context, request: request)
        } catch let error as HTTPError where error.status == .notFound {
            return page(WebError.notFound.description, status: .notFound, context: context, request: request)
        } catch let error as HTTPError {
            return page(error.body ?? "The request could not be handled.", status: error.status, context: context, request: request)
        } catch {
            // The error may carry details that are not for the browser: log it (type only) and say it plainly.
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(type(of: error))"])
            return page("Something went wrong on our side. It has been logged; please try again.", status: .internalServerError, context: context, request: request)
        }
    }

    private func page(_ message: String, status: HTTPResponse.Status, context: WebContext, request: Request) -> Response {
        if request.uri.path.hasPrefix("/api/") {
            let body = "{\"error\":\(jsonString(message))}"
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let html = Layout.error(message, status: status.code, user: context.user, csrf: context.csrfToken)
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html.markup)))
    }
}

/// `text` as a JSON string literal.
func jsonString(_ text: String) -> String {
    (try? String(data: JSONEncoder().encode(text), encoding: .utf8)) ?? "\"\""
}
