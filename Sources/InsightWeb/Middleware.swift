import Logging
import Foundation
import Hummingbird
import HTTPTypes
import InsightCore
import InsightStore
import InsightVault

/// Headers every response carries: no framing, no sniffing, a strict content policy (no script at all: the app
/// works without JavaScript), no referrer leaks.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let secureCookies: Bool

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        if secureCookies { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}

/// Loads the session named by the session cookie, and gives every visitor a pre-session CSRF token.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let store: Store
    let secureCookies: Bool

    static let sessionCookie = "insight_session"
    static let visitorCookie = "insight_csrf"

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var context = context
        var newVisitorToken: String?
        if let token = request.cookies[Self.sessionCookie]?.value,
            let session = try await store.session(tokenHash: Tokens.digest(token), at: .now),
            let user = try await store.user(session.user)
        {
            context.session = session
            context.user = user
            context.csrfToken = session.csrfToken
        } else if let visitor = request.cookies[Self.visitorCookie]?.value, visitor.count == 43 {
            context.csrfToken = visitor
        } else {
            let token = Tokens.random()
            newVisitorToken = token
            context.csrfToken = token
        }
        var response = try await next(request, context)
        if let newVisitorToken {
            response.setCookie(Cookie(name: Self.visitorCookie, value: newVisitorToken, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict))
        }
        return response
    }
}
