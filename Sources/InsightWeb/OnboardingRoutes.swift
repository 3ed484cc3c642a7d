import Logging
import AsyncHTTPClient
import ConnectWiseAPI
import Foundation
import HTTPTypes
import Hummingbird
import InsightConnectors
import InsightCore
import InsightStore
import InsightVault

/// The onboarding wizard: company, licence, PSA credentials, first sync. Each step is derived from what is
/// stored, so a user can leave and come back to the step they were at.
extension WebApp {
    enum Step: String, CaseIterable {
        case account = "Account", company = "Company", eula = "Licence", credentials = "PSA credentials", sync = "First sync"
    }

    /// The first onboarding step `tenant` has not done, or `nil` when it is set up.
    func nextStep(for tenant: Tenant) async throws -> Step? {
        if try await !store.eulaAcceptances(tenant: tenant.id).contains(where: { $0.version == EULA.version }) { return .eula }
        if try await store.credentials(tenant: tenant.id) == nil { return .credentials }
        if try await !store.syncRuns(tenant: tenant.id, limit: 200).contains(where: { $0.status == .succeeded }) { return .sync }
        return nil
    }

    func stepsBar(current: Step) -> HTML {
        let items: [HTML] = Step.allCases.map { step in
            let index = Step.allCases.firstIndex(of: step)!, currentIndex = Step.allCases.firstIndex(of: current)!
            let state = index < currentIndex ? "done" : index == currentIndex ? "current" : "todo"
            return "<li class=\"\(state)\">\(index + 1). \(step.rawValue)</li>"
        }
        return "<ol class=\"steps\" aria-label=\"Setup steps\">\(items)</ol>"
    }

    func addOnboardingRoutes(to router: Router<WebContext>) {
        router.get("/onboarding/company") { _, context in try companyPage(context) }
        router.post("/onboarding/company") { request, context in try await registerCompany(request, context) }
        router.get("/c/:tenant/eula") { _, context in try await eulaPage(context) }
        router.post("/c/:tenant/eula") { request, context -> Response in
            let (tenant, user, _) = try await company(context, requiring: .admin)
            let fields = try await form(request, context)
            guard fields["accept"] == "yes", fields["version"] == EULA.version else {
                throw WebError.invalidField("Tick the box to accept the licence agreement, version \(EULA.version).")
            }
            try await store.save(EULAAcceptance(tenant: tenant.id, user: user.id, version: EULA.version, acceptedAt: .now, address: context.address))
            throw WebRedirect(to: "/c/\(tenant.id.rawValue)/settings/credentials")
        }
        router.get("/c/:tenant/settings/credentials") { _, context in try await credentialsPage(context) }
        router.post("/c/:tenant/settings/credentials") { request, context in try await saveCredentials(request, context) }
        router.post("/c/:tenant/settings/credentials/remove") { request, context -> Response in
            let (tenant, _, _) = try await company(context, requiring: .admin)
            _ = try await form(request, context)
            try await store.deleteCredentials(tenant: tenant.id)
            throw WebRedirect(to: "/c/\(tenant.id.rawValue)/settings/credentials")
        }
        router.post("/c/:tenant/settings/credentials/test") { request, context -> HTML in
            let (tenant, user, _) = try await company(context, requiring: .admin)
            _ = try await form(request, context)
            return try await credentialsPage(context, tenant: tenant, user: user, doctor: try await doctorResult(tenant))
        }
        router.get("/c/:tenant/guide") { _, context -> HTML in
            let (tenant, user, _) = try await company(context)
            return Layout.page(title: "Set-up guide", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "settings"),
                SetupGuide.page(for: tenant.psa))
        }
        router.get("/c/:tenant/sync") { request, context in try await syncPage(request, context) }
        router.post("/c/:tenant/sync") { request, context -> Response in
            let (tenant, _, _) = try await company(context, requiring: .admin)
            _ = try await form(request, context)
            await syncs.start(tenant)
            throw WebRedirect(to: "/c/\(tenant.id.rawValue)/sync")
        }
    }

    // MARK: Company

    private func companyPage(_ context: WebContext, error: String? = nil) throws -> HTML {
        let user = try verifiedUser(context)
        let zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Australia/Sydney"]
        let zoneOptions: [HTML] = zones.map { "<option>\($0)</option>" }
        let months: [HTML] = Self.monthNames.enumerated().map { "<option value=\"\($0.offset + 1)\">\($0.element)</option>" }
        let currencies: [HTML] = ["USD", "CAD", "GBP", "EUR", "AUD"].map { "<option>\($0)</option>" }
        return Layout.page(title: "Register your company", user: user, csrf: context.csrfToken, """
            <section class="narrow">\(stepsBar(current: .company))<div class="card"><h1>Register your company</h1>
            \(error.map { HTML("<p class=\"errors\" role=\"alert\">\($0)</p>") })
            <form class="stack" method="post" action="/onboarding/company">\(Layout.csrf(context.csrfToken))
            <label for="name">Company name</label><input id="name" name="name" type="text" required maxlength="120">
            <label for="psa">Your PSA</label><select id="psa" name="psa"><option value="connectwise">ConnectWise PSA (Manage)</option><option value="autotask">Autotask PSA</option></select>
            <label for="currency">Currency</label><select id="currency" name="currency">\(currencies)</select>
            <label for="timezone">Time zone</label><select id="timezone" name="timezone">\(zoneOptions)</select>
            <p class="hint">Months are counted in this time zone.</p>
            <label for="fiscal">Fiscal year starts in</label><select id="fiscal" name="fiscal">\(months)</select>
            <button>Continue</button></form></div></section>
            """)
    }

    private func registerCompany(_ request: Request, _ context: WebContext) async throws -> Response {
        let user = try verifiedUser(context)
        let fields = try await form(request, context)
        guard let psa = fields["psa"].flatMap(PSAKind.init(rawValue:)) else { throw WebError.invalidField("Choose ConnectWise or Autotask.") }
        guard let currency = fields["currency"].flatMap(CurrencyCode.init(rawValue:)) else { throw WebError.invalidField("Choose a currency.") }
        let tenant: Tenant
        do {
            tenant = try Tenant(
                id: Tenant.ID(UUID().uuidString.lowercased()), name: fields.text("name") ?? "", psa: psa, baseCurrency: currency,
                timeZoneIdentifier: fields["timezone"] ?? "", fiscalYearStartMonth: Int(fields["fiscal"] ?? "") ?? 0, createdAt: .now)
        } catch {
            return try companyPage(context, error: error.description).response(from: request, context: context)
        }
        try await store.save(tenant)
        try await store.save(Membership(tenant: tenant.id, user: user.id, role: .owner), at: .now)
        throw WebRedirect(to: "/c/\(tenant.id.rawValue)/eula")
    }

    // MARK: Licence

    private func eulaPage(_ context: WebContext) async throws -> HTML {
        let (tenant, user, _) = try await company(context)
        let accepted = try await store.eulaAcceptances(tenant: tenant.id)
        let current = accepted.first { $0.version == EULA.version }
        let status: HTML = current.map { acceptance in
            "<p class=\"ok\">Version \(acceptance.version) was accepted on \(Format.date(acceptance.acceptedAt)) from \(acceptance.address).</p>"
        } ?? """
            <form method="post" action="/c/\(tenant.id.rawValue)/eula">\(Layout.csrf(context.csrfToken))
            <input type="hidden" name="version" value="\(EULA.version)">
            <label><input type="checkbox" name="accept" value="yes" required> I accept the licence agreement, version \(EULA.version), for \(tenant.name).</label><br>
            <button>Accept and continue</button></form>
            """
        return Layout.page(title: "Licence", user: user, csrf: context.csrfToken, """
            <section class="narrow">\(stepsBar(current: .eula))<div class="card"><h1>Licence agreement</h1>
            <div class="eula">\(EULA.text)</div>\(status)</div></section>
            """)
    }

    // MARK: Credentials

    private func credentialsPage(_ context: WebContext) async throws -> HTML {
        let (tenant, user, _) = try await company(context)
        return try await credentialsPage(context, tenant: tenant, user: user, doctor: nil)
    }

    func credentialsPage(_ context: WebContext, tenant: Tenant, user: UserAccount, doctor: HTML?, error: String? = nil) async throws -> HTML {
        let stored = try await store.credentials(tenant: tenant.id)
        let id = tenant.id.rawValue
        let status: HTML = stored.map { sealed in
            """
            <div class="card"><h2>Credentials on file</h2><p>\(sealed.psa.displayName) credentials were set on \(Format.date(sealed.setAt)) by \(sealed.setBy).
            They are encrypted and are never shown again.</p>
            <form class="inline" method="post" action="/c/\(id)/settings/credentials/test">\(Layout.csrf(context.csrfToken))<button>Test connection</button></form>
            <form class="inline" method="post" action="/c/\(id)/sync">\(Layout.csrf(context.csrfToken))<button>Sync now</button></form>
            <form class="inline" method="post" action="/c/\(id)/settings/credentials/remove">\(Layout.csrf(context.csrfToken))<button class="secondary">Remove credentials</button></form>
            </div>
            """
        } ?? ""
        let fields: HTML
        switch tenant.psa {
        case .connectwise:
            fields = """
                <label for="site">Site URL</label><input id="site" name="site" type="url" placeholder="https://na.myconnectwise.net" required>
                <label for="company">Company ID</label><input id="company" name="company" type="text" required>
                <p class="hint">The company ID you type at the ConnectWise login screen.</p>
                <label for="public_key">Public key</label><input id="public_key" name="public_key" type="text" autocomplete="off" required>
                <label for="private_key">Private key</label><input id="private_key" name="private_key" type="password" autocomplete="off" required>
                <label for="client_id">Client ID</label><input id="client_id" name="client_id" type="text" value="\(settings.connectWiseClientID)" required>
                <p class="hint">PSA Insight's integration client ID from developer.connectwise.com; keep the value shown unless your operator gave you another.</p>
                """
        case .autotask:
            fields = """
                <label for="username">API user's username (key)</label><input id="username" name="username" type="text" autocomplete="off" required>
                <label for="secret">Secret</label><input id="secret" name="secret" type="password" autocomplete="off" required>
                <label for="integration_code">Integration code (tracking identifier)</label><input id="integration_code" name="integration_code" type="text" required>
                <label for="zone_lookup">Zone lookup address</label><input id="zone_lookup" name="zone_lookup" type="url" value="\(AutotaskCredentials.defaultZoneLookup)" required>
                <p class="hint">Keep Autotask's address: PSA Insight finds your zone from it. Change it only to point at a test server.</p>
                """
        }
        return Layout.page(title: "PSA credentials", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "settings"), """
            <section class="narrow">\(stepsBar(current: .credentials))
            \(error.map { HTML("<p class=\"errors\" role=\"alert\">\($0)</p>") })\(doctor)\(status)
            <div class="card"><h1>\(stored == nil ? "Connect" : "Replace") \(tenant.psa.displayName)</h1>
            <p>Follow the <a href="/c/\(id)/guide">set-up guide</a> to create a read-only \(tenant.psa == .connectwise ? "security role, API member and API keys" : "security level, API user and secret") first.
            <strong>The \(tenant.psa == .connectwise ? "private key" : "secret") is shown once by your PSA: paste it here, do not email it.</strong></p>
            <form class="stack" method="post" action="/c/\(id)/settings/credentials" autocomplete="off">\(Layout.csrf(context.csrfToken))\(fields)
            <button>Save and test</button></form></div></section>
            """)
    }

    private func saveCredentials(_ request: Request, _ context: WebContext) async throws -> HTML {
        let (tenant, user, _) = try await company(context, requiring: .admin)
        let fields = try await form(request, context)
        let credentials: PSACredentials
        switch tenant.psa {
        case .connectwise:
            guard let site = fields.text("site"), let company = fields.text("company"), let publicKey = fields.text("public_key"),
                let privateKey = fields.text("private_key"), let clientID = fields.text("client_id")
            else {
                return try await credentialsPage(context, tenant: tenant, user: user, doctor: nil, error: "Fill in every field.")
            }
            guard let url = URL(string: site), url.scheme == "https" || url.scheme == "http", url.host != nil else {
                return try await credentialsPage(context, tenant: tenant, user: user, doctor: nil, error: "The site URL must look like https://na.myconnectwise.net.")
            }
            credentials = .connectWise(
                ConnectWiseCredentials(siteURL: site, companyID: company, clientID: clientID, publicKey: publicKey, privateKey: Secret(privateKey)))
        case .autotask:
            guard let username = fields.text("username"), let secret = fields.text("secret"), let code = fields.text("integration_code") else {
                return try await credentialsPage(context, tenant: tenant, user: user, doctor: nil, error: "Fill in every field.")
            }
            let zone = fields.text("zone_lookup") ?? AutotaskCredentials.defaultZoneLookup
            guard let url = URL(string: zone), url.scheme == "https" || url.scheme == "http", url.host != nil else {
                return try await credentialsPage(context, tenant: tenant, user: user, doctor: nil, error: "The zone lookup address must be a URL.")
            }
            credentials = .autotask(AutotaskCredentials(userName: username, secret: Secret(secret), integrationCode: code, zoneLookupURL: zone))
        }
        try await store.save(try credentials.sealed(for: tenant.id, by: user.email, vault: vault, at: .now))
        logger.info("credentials set", metadata: ["tenant": "\(tenant.id)", "psa": "\(tenant.psa)", "by": "\(user.email)"])
        return try await credentialsPage(context, tenant: tenant, user: user, doctor: try await doctorResult(tenant))
    }

    /// Runs the permission doctor with the stored credentials and renders its per-entity result.
    func doctorResult(_ tenant: Tenant) async throws -> HTML {
        guard let sealed = try await store.credentials(tenant: tenant.id) else { throw WebError.noCredentials }
        switch try PSACredentials.open(sealed, vault: vault) {
        case .connectWise(let credentials):
            let connector = ConnectWiseConnector(credentials: credentials, http: ReadOnlyHTTP(client: .shared), logger: logger)
            do {
                let report = try await connector.checkPermissions()
                let rows: [HTML] = report.entries.map { endpoint, status in
                    let function = endpoint.function
                    switch status {
                    case .ok:
                        return "<tr><td>\(endpoint.path)</td><td>\(function.module) › \(function.name)</td><td class=\"ok\">OK</td></tr>"
                    case .missing(let fix):
                        return "<tr><td>\(endpoint.path)</td><td>\(function.module) › \(function.name)</td><td class=\"missing\">Missing: \(fix)</td></tr>"
                    case .failed(let reason):
                        return "<tr><td>\(endpoint.path)</td><td>\(function.module) › \(function.name)</td><td class=\"missing\">Failed: \(reason)</td></tr>"
                    }
                }
                let writable: HTML? = report.writableFunctions.isEmpty ? nil : """
                    <p class="warning">The role can add, edit or delete in \(report.writableFunctions.map { "\($0.module) › \($0.name)" }.joined(separator: ", ")).
                    PSA Insight only reads: set Add, Edit and Delete to None there.</p>
                    """
                return """
                    <div class="card" id="doctor"><h2>\(report.isReady ? "Connection works: every permission is in place" : "Connected, but some permissions are missing")</h2>
                    <p>Security role: \(report.roleName ?? "unknown (the API member cannot read System › Security Roles)")</p>\(writable)
                    <table><thead><tr><th>What PSA Insight reads</th><th>Security role setting (Inquire = All)</th><th>Result</th></tr></thead><tbody>\(rows)</tbody></table></div>
                    """
            } catch {
                return "<div class=\"card errors\" id=\"doctor\" role=\"alert\"><h2>The connection failed</h2><p>\(error.description)</p></div>"
            }
        case .autotask(let credentials):
            let connector = AutotaskConnector(credentials: credentials, http: ReadOnlyHTTP(client: .shared), logger: logger)
            do {
                let report = try await connector.checkPermissions()
                let lines: [HTML] = report.lines.dropFirst().map { line in
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    let css = trimmed.hasPrefix("OK") ? "ok" : trimmed.hasPrefix("WARNING") || trimmed.hasPrefix("Hourly") ? "warning" : "missing"
                    return "<li class=\"\(css)\">\(trimmed)</li>"
                }
                return """
                    <div class="card" id="doctor"><h2>\(report.isReady ? "Connection works: every permission is in place" : "Connected, but some permissions are missing")</h2>
                    <p>API user: \(report.userName)</p><ul>\(lines)</ul></div>
                    """
            } catch {
                return "<div class=\"card errors\" id=\"doctor\" role=\"alert\"><h2>The connection failed</h2><p>\(error.description)</p></div>"
            }
        }
    }

    // MARK: Sync

    private func syncPage(_ request: Request, _ context: WebContext) async throws -> Response {
        let (tenant, user, _) = try await company(context)
        let status = await syncs.status(of: tenant.id)
        let id = tenant.id.rawValue
        let running = status?.state == .running
        var live: HTML = ""
        if let status {
            let rows: [HTML] = status.streams.map { stream in
                let progress: HTML = stream.expected.map { expected in
                    "<progress max=\"\(max(expected, 1))\" value=\"\(min(stream.records, max(expected, 1)))\"></progress>"
                } ?? ""
                return "<tr><td>\(stream.name)</td><td class=\"num\">\(stream.records)</td><td class=\"num\">\(stream.expected.map(String.init) ?? "")</td><td>\(stream.done ? HTML("<span class=\"ok\">done</span>") : progress)</td></tr>"
            }
            let heading: HTML = switch status.state {
            case .running: "<h2>Syncing… \(status.records) records so far</h2><p class=\"hint\">This page refreshes every two seconds.</p>"
            case .succeeded: "<h2 class=\"ok\">Sync complete: \(status.records) records</h2><p><a class=\"button\" id=\"check-classification\" href=\"/c/\(id)/settings/classification\">Check how we read your PSA</a> <a href=\"/c/\(id)/\">See your dashboard</a></p>"
            case .failed: "<h2 class=\"missing\">The sync did not finish</h2><ul class=\"errors\">\(status.failures.map { HTML("<li>\($0)</li>") })</ul><p>What was read is kept; the next sync resumes.</p>"
            }
            live = "<div class=\"card\">\(heading)<table><thead><tr><th>Stream</th><th class=\"num\">Records</th><th class=\"num\">Expected</th><th>Progress</th></tr></thead><tbody>\(rows)</tbody></table></div>"
        }
        let history = try await store.syncRuns(tenant: tenant.id, limit: 30)
        let historyRows: [HTML] = history.map { entry in
            // Items left out alone (a field without which the record has no meaning was missing), with the first reasons.
            let rejected: HTML? = entry.rejected == 0 ? nil : """
                <details class="rejected"><summary>\(entry.rejected) item\(entry.rejected == 1 ? "" : "s") left out</summary>\
                <ul>\(entry.rejections.map { HTML("<li>\($0)</li>") })</ul></details>
                """
            return "<tr><td>\(Format.date(entry.startedAt))</td><td>\(entry.stream)</td><td>\(entry.kind.rawValue)</td><td class=\"num\">\(entry.records)</td><td>\(entry.status.rawValue)</td><td>\(entry.error ?? "")\(rejected)</td></tr>"
        }
        let start: HTML = running ? "" : "<form method=\"post\" action=\"/c/\(id)/sync\">\(Layout.csrf(context.csrfToken))<button>Sync now</button></form>"
        let onboarding: HTML? = try await nextStep(for: tenant) == .sync ? stepsBar(current: .sync) : nil
        let page = Layout.page(title: "Sync", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "sync"), """
            \(onboarding)<h1>Sync with \(tenant.psa.displayName)</h1>\(live)\(start)
            <h2>Recent runs</h2><table><thead><tr><th>Started</th><th>Stream</th><th>Kind</th><th class="num">Records</th><th>Status</th><th>Error or items left out</th></tr></thead><tbody>\(historyRows)</tbody></table>
            """)
        var response = try page.response(from: request, context: context)
        // A refresh header, not a script: the page works without JavaScript.
        if running { response.headers[HTTPField.Name("Refresh")!] = "2" }
        return response
    }
}
