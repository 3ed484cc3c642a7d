import Logging
public import Hummingbird
public import InsightCore
public import InsightStore
public import NIOCore

/// The request context of the web app: who is signed in, the token forms must carry, and the peer's address.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address (for the EULA record and login throttling).
    public let remoteAddress: SocketAddress?
    /// The signed-in user's session, set by ``SessionMiddleware``.
    public var session: WebSession?
    /// The signed-in user.
    public var user: UserAccount?
    /// The token every form of this request's page carries: the session's, or the visitor's pre-session token.
    public var csrfToken: String = ""

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address as text, or `unknown`.
    public var address: String { remoteAddress?.ipAddress ?? "unknown" }

    /// The signed-in user, or the redirect to the sign-in page.
    func requireUser() throws -> UserAccount {
        guard let user else { throw WebRedirect(to: "/login") }
        return user
    }
}

/// Thrown by a handler to send the browser elsewhere.
struct WebRedirect: Error, HTTPResponseError {
    let location: String
    init(to location: String) { self.location = location }
    var status: HTTPResponse.Status { .seeOther }
    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
