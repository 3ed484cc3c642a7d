import Logging
import Foundation
import Hummingbird
import InsightCore
import InsightStore
import InsightVault

extension WebApp {
    func addAccountRoutes(to router: Router<WebContext>) {
        router.get("/") { _, context -> Response in
            guard let user = context.user else { throw WebRedirect(to: "/login") }
            let companies = try await store.memberships(of: user.id)
            if companies.count == 1 { throw WebRedirect(to: "/c/\(companies[0].tenant.id.rawValue)/") }
            throw WebRedirect(to: companies.isEmpty ? "/onboarding/company" : "/companies")
        }
        router.get("/signup") { _, context in signupPage(context) }
        router.post("/signup") { request, context in try await signup(request, context) }
        router.get("/login") { _, context in loginPage(context) }
        router.post("/login") { request, context in try await login(request, context) }
        router.post("/logout") { request, context -> Response in
            _ = try await form(request, context)
            if let session = context.session { try await store.deleteSession(tokenHash: session.tokenHash, at: .now) }
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            response.setCookie(expiredSessionCookie())
            return response
        }
        router.get("/verify") { request, context -> HTML in
            guard let token = request.uri.queryParameters["token"].map(String.init),
                try await store.verifyEmail(tokenHash: Tokens.digest(token), at: .now) != nil
            else { throw WebError.invalidField("This verification link is not valid or was already used.") }
            return Layout.page(title: "Email verified", user: context.user, csrf: context.csrfToken,
                "<section class=\"narrow card\"><h1>Email verified</h1><p>Thank you. <a href=\"/\">Continue</a></p></section>")
        }
        router.get("/verify-email") { _, context -> HTML in
            let user = try context.requireUser()
            if user.emailVerifiedAt != nil { throw WebRedirect(to: "/") }
            return verifyEmailPage(context, user: user, sent: false)
        }
        router.post("/verify-email") { request, context -> HTML in
            let user = try context.requireUser()
            _ = try await form(request, context)
            let token = Tokens.random()
            guard try await store.replaceVerifyToken(of: user.id, with: Tokens.digest(token)) else { throw WebRedirect(to: "/") }
            logVerificationLink(email: user.email, token: token)
            return verifyEmailPage(context, user: user, sent: true)
        }
        router.get("/invite/:token") { _, context -> HTML in
            guard let token = context.parameters.get("token"), let invitation = try await store.invitation(hash: Tokens.digest(token), at: .now),
                let tenant = try await store.tenant(invitation.tenant)
            else { throw WebError.invalidField("This invitation link is not valid, was already used or has expired. Ask for a new one.") }
            let action: HTML = context.user == nil
                ? "<p><a class=\"button\" href=\"/login\">Sign in</a> or <a href=\"/signup\">create an account</a>, then open this link again.</p>"
                : "<form method=\"post\" action=\"/invite/\(token)\">\(Layout.csrf(context.csrfToken))<button>Join \(tenant.name)</button></form>"
            return Layout.page(title: "Invitation", user: context.user, csrf: context.csrfToken,
                "<section class=\"narrow card\"><h1>Join \(tenant.name)</h1><p>You are invited as <strong>\(invitation.role.rawValue)</strong>.</p>\(action)</section>")
        }
        router.post("/invite/:token") { request, context -> Response in
            let user = try context.requireUser()
            _ = try await form(request, context)
            guard let token = context.parameters.get("token"), let invitation = try await store.invitation(hash: Tokens.digest(token), at: .now),
                try await store.accept(invitationHash: Tokens.digest(token), by: user.id, at: .now)
            else { throw WebError.invalidField("This invitation link is not valid, was already used or has expired. Ask for a new one.") }
            // The invitation link reached this person from an admin: it stands for the verification link.
            try await store.markEmailVerified(user.id, at: .now)
            logger.info("invitation accepted", metadata: ["tenant": "\(invitation.tenant)", "user": "\(user.email)", "role": "\(invitation.role.rawValue)"])
            throw WebRedirect(to: "/c/\(invitation.tenant.rawValue)/")
        }
        router.get("/companies") { _, context -> HTML in
            let user = try verifiedUser(context)
            let companies = try await store.memberships(of: user.id)
            let rows: [HTML] = companies.map { company, role in
                "<tr><td><a href=\"/c/\(company.id.rawValue)/\">\(company.name)</a></td><td>\(company.psa.displayName)</td><td>\(role.rawValue)</td></tr>"
            }
            return Layout.page(title: "Companies", user: user, csrf: context.csrfToken, """
                <h1>Your companies</h1><table><thead><tr><th>Company</th><th>PSA</th><th>Your role</th></tr></thead><tbody>\(rows)</tbody></table>
                <p><a class="button" href="/onboarding/company">Register another company</a></p>
                """)
        }
        router.get("/eula") { _, context -> HTML in
            Layout.page(title: "Licence", user: context.user, csrf: context.csrfToken,
                "<section class=\"card\"><h1>End-user licence agreement, version \(EULA.version)</h1><div class=\"eula\">\(EULA.text)</div></section>")
        }
    }

    private func signupPage(_ context: WebContext, error: String? = nil, email: String = "") -> HTML {
        Layout.page(title: "Create your account", user: context.user, csrf: context.csrfToken, """
            <section class="narrow card"><h1>Create your account</h1>
            \(error.map { HTML("<p class=\"errors\" role=\"alert\">\($0)</p>") })
            <form class="stack" method="post" action="/signup">\(Layout.csrf(context.csrfToken))
            <label for="email">Work email</label><input id="email" name="email" type="email" autocomplete="email" required value="\(email)">
            <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required>
            <p class="hint">At least 12 characters.</p>
            <button>Create account</button></form>
            <p>Already registered? <a href="/login">Sign in</a>.</p></section>
            """)
    }

    private func signup(_ request: Request, _ context: WebContext) async throws -> Response {
        let fields = try await form(request, context)
        let email = fields.text("email") ?? ""
        let password = fields["password"] ?? ""
        guard UserAccount.isPlausible(email: email) else {
            return try signupPage(context, error: "Enter a valid email address.", email: email).response(from: request, context: context)
        }
        guard password.count >= 12, password.utf8.count <= 72 else {
            return try signupPage(context, error: "The password must have 12 to 72 characters.", email: email)
                .response(from: request, context: context)
        }
        let user = UserAccount(id: UserAccount.ID(UUID().uuidString.lowercased()), email: email, passwordHash: try await hash(password: password), createdAt: .now)
        let verifyToken = Tokens.random()
        do {
            try await store.create(user, verifyTokenHash: Tokens.digest(verifyToken))
        } catch AccountError.emailTaken {
            return try signupPage(context, error: AccountError.emailTaken.description, email: email).response(from: request, context: context)
        }
        logVerificationLink(email: user.email, token: verifyToken)
        return try await signIn(user, to: "/verify-email")
    }

    /// Self-hosted mode has no mail server: the verification link is written to the log for the operator.
    private func logVerificationLink(email: String, token: String) {
        logger.notice("verify email", metadata: ["email": "\(email)", "link": "\(settings.publicBaseURL)/verify?token=\(token)"])
    }

    private func verifyEmailPage(_ context: WebContext, user: UserAccount, sent: Bool) -> HTML {
        Layout.page(title: "Verify your email", user: user, csrf: context.csrfToken, """
            <section class="narrow card"><h1>Verify your email address</h1>
            \(sent ? HTML("<p class=\"flash\" role=\"status\">A new link was sent; the previous one no longer works.</p>") : nil)
            <p>Open the link sent to <strong>\(user.email)</strong> to continue: until then no company data is shown to this account.</p>
            <p class="hint">This installation has no mail server: the link is written to the server's log (a line <code>verify email</code> \
            with this address). Ask whoever runs PSA Insight for it.</p>
            <form method="post" action="/verify-email">\(Layout.csrf(context.csrfToken))<button class="secondary">Send a new link</button></form></section>
            """)
    }

    private func loginPage(_ context: WebContext, error: String? = nil, email: String = "") -> HTML {
        Layout.page(title: "Sign in", user: nil, csrf: context.csrfToken, """
            <section class="narrow card"><h1>Sign in</h1>
            \(error.map { HTML("<p class=\"errors\" role=\"alert\">\($0)</p>") })
            <form class="stack" method="post" action="/login">\(Layout.csrf(context.csrfToken))
            <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="\(email)">
            <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <button>Sign in</button></form>
            <p>New here? <a href="/signup">Create an account</a>.</p></section>
            """)
    }

    private func login(_ request: Request, _ context: WebContext) async throws -> Response {
        let fields = try await form(request, context)
        let email = UserAccount.normalize(email: fields.text("email") ?? "")
        let password = fields["password"] ?? ""
        let window = Timestamp.now.adding(seconds: -settings.throttleWindowSeconds)
        let failuresForEmail = try await store.loginFailures(email: email, since: window)
        let failuresFromClient = try await store.loginFailures(address: context.address, since: window)
        if failuresForEmail >= settings.maximumLoginFailures || failuresFromClient >= settings.maximumLoginFailuresPerClient {
            logger.warning("sign-in throttled", metadata: ["email": "\(email)", "address": "\(context.address)"])
            throw WebError.tooManyAttempts(minutes: Int(settings.throttleWindowSeconds / 60))
        }
        guard let user = try await store.user(email: email), try await verify(password: password, hash: user.passwordHash) else {
            try await store.recordLoginFailure(email: email, address: context.address, at: .now)
            var response = try loginPage(context, error: "The email address or the password is wrong.", email: email)
                .response(from: request, context: context)
            response.status = .unauthorized
            return response
        }
        try await store.clearLoginFailures(email: email)
        return try await signIn(user, to: "/")
    }

    /// Starts a new session (a new token: a session id planted before sign-in is never reused) and redirects.
    private func signIn(_ user: UserAccount, to location: String) async throws -> Response {
        let token = Tokens.random()
        let now = Timestamp.now
        try await store.save(
            WebSession(tokenHash: Tokens.digest(token), user: user.id, csrfToken: Tokens.random(), createdAt: now,
                       expiresAt: now.adding(seconds: settings.sessionSeconds)))
        var response = Response(status: .seeOther, headers: [.location: location])
        response.setCookie(
            Cookie(name: SessionMiddleware.sessionCookie, value: token, maxAge: Int(settings.sessionSeconds), path: "/",
                   secure: settings.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    private func expiredSessionCookie() -> Cookie {
        Cookie(name: SessionMiddleware.sessionCookie, value: "", maxAge: 0, path: "/", secure: settings.secureCookies, httpOnly: true, sameSite: .lax)
    }
}
