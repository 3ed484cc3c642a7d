import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InsightApp
import ConnectWiseSimulator
import InsightConnectors
import InsightCore
import InsightMetrics
import InsightStore
import InsightTestSupport
import InsightVault
import InsightWeb
import MSPModel
import SQLKit
import ServiceLifecycle
import Testing

@Suite("Web app, end to end over HTTP", .serialized)
struct WebAppEndToEndTests {
    /// Sign up, register, accept the licence, enter credentials pointing at the ConnectWise simulator, read the
    /// doctor's verdict, sync, and read dashboard and API numbers that equal the KPI engine's.
    @Test("onboarding to dashboard against the ConnectWise simulator", arguments: TestDatabase.available)
    func onboardingToDashboard(database: TestDatabase) async throws {
        let business = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 7))
        try await Insight.withSimulatedConnectWise(serving: business) { credentials in
            try await withWebApp(database: database) { client, store, log in
                let browser = Browser(client)
                #expect(try await browser.get("/").location == "/login")
                let signedUp = try await browser.signUp(email: "Owner@Example.com", verify: false)
                #expect(signedUp.location == "/verify-email")
                #expect(log.text.contains("verify email"), "the verification link is written to the log in self-hosted mode")
                // Until the address is verified, onboarding and company pages send the user to the explanation.
                #expect(try await browser.get("/onboarding/company").location == "/verify-email")
                #expect(try await browser.get("/companies").location == "/verify-email")
                #expect(try await browser.get("/verify-email").body.contains("server's log"))
                // A new link replaces the first one.
                let first = try #require(log.verificationLink(for: "owner@example.com"))
                #expect(try await browser.post("/verify-email").body.contains("A new link was sent"))
                let link = try #require(log.verificationLink(for: "owner@example.com"))
                #expect(link != first)
                #expect(try await browser.get(first).status == .badRequest, "the replaced link no longer works")
                #expect(try await browser.get(link).body.contains("Email verified"))
                #expect(try await browser.get("/verify-email").location == "/")

                let id = try await browser.registerCompany("Acme IT")
                // Leaving and coming back resumes the wizard at the licence.
                #expect(try await browser.get("/c/\(id)/").location == "/c/\(id)/eula")
                let eula = try await browser.get("/c/\(id)/eula")
                #expect(eula.body.contains("Licence agreement"))
                let accepted = try await browser.post("/c/\(id)/eula", [("accept", "yes"), ("version", "2026-11")])
                #expect(accepted.location == "/c/\(id)/settings/credentials", "\(accepted.body)")
                let acceptances = try await store.eulaAcceptances(tenant: Tenant.ID(id))
                #expect(acceptances.count == 1 && acceptances[0].address != "unknown")

                try await browser.get("/c/\(id)/settings/credentials")
                let saved = try await browser.post("/c/\(id)/settings/credentials", [
                    ("site", credentials.siteURL), ("company", credentials.companyID), ("public_key", credentials.publicKey),
                    ("private_key", credentials.privateKey.reveal()), ("client_id", credentials.clientID),
                ])
                #expect(saved.status == .ok)
                #expect(saved.body.contains("Connection works: every permission is in place"))
                #expect(!saved.body.contains(credentials.privateKey.reveal()))
                #expect(try await browser.get("/c/\(id)/").location == "/c/\(id)/sync")

                let started = try await browser.post("/c/\(id)/sync")
                #expect(started.location == "/c/\(id)/sync")
                var page = try await browser.get("/c/\(id)/sync")
                for _ in 0..<300 where page.headers[HTTPField.Name("Refresh")!] != nil {
                    try await Task.sleep(for: .milliseconds(200))
                    page = try await browser.get("/c/\(id)/sync")
                }
                #expect(page.body.contains("Sync complete"), "\(page.body)")

                // The home page opens on the last month with invoices (the business ends in October 2026, two months
                // before today), not on a month the PSA has not invoiced yet.
                let opening = try await browser.get("/c/\(id)/")
                #expect(opening.body.contains("data-month=\"2026-10\""), "\(opening.body.prefix(600))")

                // "Check how we read your PSA": the classification inferred by the first sync; a change shows what moved.
                #expect(page.body.contains("href=\"/c/\(id)/settings/classification\""))
                let classification = try await browser.get("/c/\(id)/settings/classification")
                #expect(classification.body.contains("data-dimension=\"ticketBoard\"") && classification.body.contains("data-dimension=\"workType\""))
                #expect(classification.body.contains("data-value=\"Help Desk\"") && classification.body.contains("inferred"))
                let moved = try await browser.post(
                    "/c/\(id)/settings/classification", [("dimension", "ticketBoard"), ("value", "Help Desk"), ("class", "proactive")])
                #expect(moved.body.contains("these numbers moved") && moved.body.contains("Reactive tickets"), "\(moved.body)")
                #expect(try await store.classification(tenant: Tenant.ID(id)).contains { $0.value == "Help Desk" && $0.className == "proactive" && $0.origin == .confirmed })
                let back = try await browser.post(
                    "/c/\(id)/settings/classification", [("dimension", "ticketBoard"), ("value", "Help Desk"), ("class", "reactive")])
                #expect(back.body.contains("these numbers moved"))
                #expect(try await browser.post("/c/\(id)/settings/classification", [("dimension", "ticketBoard"), ("value", "No Such Board"), ("class", "reactive")]).status == .badRequest)
                let confirmed = try await browser.post("/c/\(id)/settings/classification", [("confirm_all", "1")])
                #expect(!confirmed.body.contains(">inferred<"))
                // Every value is confirmed now: the data-health check finds none left to the inference.
                #expect(try await browser.get("/c/\(id)/health").body.contains("✓ Boards, agreement types or work types read by inference only (0)"))

                // The dashboard's numbers are the engine's.
                let tenant = try #require(try await store.tenant(Tenant.ID(id)))
                let engine = KPIEngine(store: store, tenant: tenant)
                let month = business.settings.endMonth
                let card = try await engine.scorecard(month)
                #expect(card.revenue.amount > 0)
                let home = try await browser.get("/c/\(id)/?month=\(month)")
                #expect(home.status == .ok)
                let revenueTile = try #require(home.body.range(of: "data-kpi=\"revenue\"").map { String(home.body[$0.upperBound...].prefix(400)) })
                #expect(revenueTile.contains(formatMoney(card.revenue.amount)), "\(revenueTile)")
                let mrrTile = try #require(home.body.range(of: "data-kpi=\"mrr\"").map { String(home.body[$0.upperBound...].prefix(400)) })
                #expect(mrrTile.contains(formatMoney(card.mrr.amount)))

                // The page's numbers follow the data: a new invoice stored by a sync shows at once.
                var invoice = try #require(try await store.all(tenant: tenant.id, Invoice.self, source: .connectwise).first { $0.date.yearMonth == month })
                invoice.id = "web-test-extra"
                invoice.subtotal = Money(1234.5, .usd)
                try await store.upsert(tenant: tenant.id, [invoice], syncedAt: .now)
                try await store.record(SyncRunEntry(
                    runID: "web-test", tenant: tenant.id, source: .connectwise, stream: "finance/invoices", kind: .incremental, worker: "t",
                    startedAt: .now, finishedAt: .now, records: 1, status: .succeeded))
                let after = try await engine.scorecard(month)
                #expect(after.revenue.amount == card.revenue.amount + Decimal(string: "1234.5")!)
                let refreshed = try await browser.get("/c/\(id)/?month=\(month)")
                let newTile = try #require(refreshed.body.range(of: "data-kpi=\"revenue\"").map { String(refreshed.body[$0.upperBound...].prefix(400)) })
                #expect(newTile.contains(formatMoney(after.revenue.amount)), "\(newTile)")

                // Agreements page and its CSV carry the engine's rows.
                let profits = try await engine.agreementProfits(from: month.advanced(by: -11), to: month)
                let csv = try await browser.get("/c/\(id)/agreements.csv?month=\(month)&months=12")
                #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
                let lines = csv.body.split(separator: "\r\n")
                #expect(lines.count == profits.count + 1)
                // Columns counted from the end: names before them may hold quoted commas.
                func column(_ name: String) -> [Decimal] {
                    let header = Array(lines[0].split(separator: ",").reversed())
                    guard let index = header.firstIndex(of: Substring(name)) else {
                        Issue.record("no \(name) column")
                        return []
                    }
                    return lines.dropFirst().map { Decimal(string: String(Array($0.split(separator: ",", omittingEmptySubsequences: false).reversed())[index])) ?? 0 }
                }
                #expect(column("profit").reduce(0, +) == profits.reduce(Decimal(0)) { $0 + $1.profit.amount })
                #expect(column("shadow_billable").reduce(0, +) == profits.reduce(Decimal(0)) { $0 + $1.shadowBillable.amount })
                #expect(try await browser.get("/c/\(id)/agreements?month=\(month)").status == .ok)
                // Drill-down: an agreement's invoices and time add up to its row, and its page lists them.
                let worked = try #require(profits.first { $0.laborHours.value > 0 && !$0.revenue.isZero })
                let detail = try #require(try await engine.agreementDetail(worked.id, from: month.advanced(by: -11), to: month))
                #expect(detail.invoices.reduce(Decimal(0)) { $0 + $1.subtotal.amount } == worked.revenue.amount)
                #expect(detail.labor.reduce(Decimal(0)) { $0 + $1.hours.value } == worked.laborHours.value)
                #expect(detail.labor.reduce(Decimal(0)) { $0 + $1.cost.amount } == worked.laborCost.amount)
                let agreementPage = try await browser.get("/c/\(id)/agreements/\(worked.id.rawValue)?month=\(month)&months=12")
                #expect(agreementPage.status == .ok)
                #expect(agreementPage.body.contains(detail.invoices[0].number))
                #expect(try await browser.get("/c/\(id)/agreements/no-such-agreement").status == .notFound)
                #expect(try await browser.get("/c/\(id)/clients?month=\(month)").status == .ok)
                // Filters: the agreements of one billing model or one client, the clients of one segment, in page and CSV.
                let fixedFee = profits.filter { $0.billingModel == .fixedFee }
                let fixedFeeCSV = try await browser.get("/c/\(id)/agreements.csv?month=\(month)&months=12&model=fixedFee").body
                #expect(!fixedFee.isEmpty && fixedFeeCSV.split(separator: "\r\n").count == fixedFee.count + 1)
                #expect(fixedFeeCSV.split(separator: "\r\n").dropFirst().allSatisfy { $0.contains(",fixedFee,") })
                let oneClient = try #require(profits.first?.companyID)
                let clientPage = try await browser.get("/c/\(id)/agreements?month=\(month)&months=12&client=\(oneClient.rawValue)")
                #expect(clientPage.body.contains("\(profits.filter { $0.companyID == oneClient }.count) of \(profits.count) agreements"))
                let clientRows = try await engine.clientProfits(from: month.advanced(by: -11), to: month)
                let topSegment = try await browser.get("/c/\(id)/clients.csv?month=\(month)&months=12&segment=1").body
                #expect(topSegment.split(separator: "\r\n").count == clientRows.filter { $0.quintile == 1 }.count + 1)
                // Drill-down from a client: its invoices, time and agreements add up to its row.
                let busiest = try #require(clientRows.filter { !$0.laborCost.isZero }.max { $0.revenue.amount < $1.revenue.amount })
                let clientDetail = try #require(try await engine.clientDetail(busiest.id, from: month.advanced(by: -11), to: month))
                #expect(clientDetail.invoices.reduce(Decimal(0)) { $0 + $1.subtotal.amount } == busiest.revenue.amount)
                #expect(clientDetail.labor.reduce(Decimal(0)) { $0 + $1.cost.amount } == busiest.laborCost.amount)
                #expect(clientDetail.agreements.reduce(Decimal(0)) { $0 + $1.additionCost.amount } == busiest.additionCost.amount)
                let clientDetailPage = try await browser.get("/c/\(id)/clients/\(busiest.id.rawValue)?month=\(month)&months=12")
                #expect(clientDetailPage.status == .ok && clientDetailPage.body.contains(clientDetail.invoices[0].number))
                #expect(try await browser.get("/c/\(id)/clients/no-such-client").status == .notFound)
                let receivablesPage = try await browser.get("/c/\(id)/receivables?month=\(month)")
                let atRisk = try await engine.receivablesByClient(on: month.lastDay).filter(\.atRisk).count
                #expect(receivablesPage.status == .ok && receivablesPage.body.contains("data-kpi=\"ar.clients_at_risk\">\(atRisk)<"))
                // Projects, products and price gap: the pages and CSVs carry the engine's numbers.
                let projects = try await engine.projectProfits()
                #expect(!projects.isEmpty)
                let projectCSV = try await browser.get("/c/\(id)/projects.csv").body.split(separator: "\r\n")
                #expect(projectCSV.count == projects.count + 1)
                let projectsPage = try await browser.get("/c/\(id)/projects")
                for (method, totals) in ProjectTotals.byMethod(projects, currency: .usd) where totals.projects > 0 {
                    let tile = try #require(projectsPage.body.range(of: "data-kpi=\"projects.margin.\(method.rawValue)\"")
                        .map { String(projectsPage.body[$0.upperBound...].prefix(300)) })
                    #expect(tile.contains(formatMoney(totals.profit.amount)), "\(tile)")
                }
                let products = try await engine.productMargins(from: month.advanced(by: -11), to: month)
                let productCSV = try await browser.get("/c/\(id)/products.csv?month=\(month)&months=12").body
                #expect(productCSV.split(separator: "\r\n").count == products.count + 1)
                #expect(products.allSatisfy { productCSV.contains(",\($0.revenue.amount),\($0.cost.amount),") })
                let gaps = try await engine.clientPriceGaps(endingIn: month).filter { !$0.invoicedLabor.isZero || !$0.shadowBillable.isZero }
                let gapCSV = try await browser.get("/c/\(id)/pricing.csv?month=\(month)").body
                #expect(!gaps.isEmpty && gapCSV.split(separator: "\r\n").count == gaps.count + 1)
                #expect(gaps.allSatisfy { gapCSV.contains(",\($0.invoicedLabor.amount),\($0.shadowBillable.amount),\($0.gap.amount),") })
                #expect(try await browser.get("/c/\(id)/pricing?month=\(month)").body.contains("Price gap"))
                // MRR bridge: the waterfall and the CSV carry the engine's bridge.
                let bridge = after.mrrBridge
                let mrrCSV = try await browser.get("/c/\(id)/mrr.csv?month=\(month)").body
                #expect(mrrCSV.contains("\(month),\(bridge.start.amount),\(bridge.new.amount),\(bridge.expansion.amount),\(bridge.contraction.amount),\(bridge.churn.amount),\(bridge.end.amount),"))
                let mrrPage = try await browser.get("/c/\(id)/mrr?month=\(month)").body
                #expect(mrrPage.contains("<desc id=\"waterfall-desc\">Start \(formatMoney(bridge.start.amount))"))
                #expect(mrrPage.contains("End \(formatMoney(bridge.end.amount))"))
                // People: the CSV carries the engine's members.
                let people = try await engine.memberKPIs(from: month.advanced(by: -11), to: month)
                let peopleCSV = try await browser.get("/c/\(id)/people.csv?month=\(month)&months=12").body
                #expect(!people.isEmpty && peopleCSV.split(separator: "\r\n").count == people.count + 1)
                #expect(people.allSatisfy { peopleCSV.contains(",\($0.laborCost.amount),\($0.shadowBillable.amount),\($0.fixedFeeRevenue.amount),") })
                #expect(try await browser.get("/c/\(id)/people?month=\(month)").body.contains("Utilization by member"))
                // The company chooses which variants its home page shows: the tiles follow, with the engine's values.
                #expect(try await browser.get("/c/\(id)/?month=\(month)").body.contains("data-kpi=\"utilization\""))
                let chosenVariants = try await browser.post("/c/\(id)/settings/kpis", [("effective_rate", "fixedFee"), ("utilization", "billable"), ("gross_margin", "contribution")])
                #expect(chosenVariants.status == .seeOther)
                #expect(try await store.tenant(Tenant.ID(id))?.kpiPreferences == KPIPreferences(effectiveRate: .fixedFee, utilization: .billable, grossMargin: .contribution))
                let chosen = try await browser.get("/c/\(id)/?month=\(month)").body
                #expect(!chosen.contains("data-kpi=\"utilization\"") && !chosen.contains("data-kpi=\"gross_margin\""))
                let rateTile = try #require(chosen.range(of: "data-kpi=\"effective_hourly_rate.fixed_fee\"").map { String(chosen[$0.upperBound...].prefix(400)) })
                let fixedFeeRate = try #require(after.fixedFeeEffectiveRate)
                #expect(rateTile.contains(formatMoney(fixedFeeRate.amount)), "\(rateTile)")
                #expect(chosen.contains("data-kpi=\"utilization.billable\"") && chosen.contains("data-kpi=\"gross_margin.contribution\""))
                #expect(try await browser.post("/c/\(id)/settings/kpis", [("effective_rate", "nonsense"), ("utilization", "billable"), ("gross_margin", "contribution")]).status == .badRequest)
                #expect(try await browser.get("/c/\(id)/health").status == .ok)
                let service = try await browser.get("/c/\(id)/service?month=\(month)&months=3&format=csv")
                let opened = try #require(service.body.split(separator: "\r\n").first { $0.hasPrefix("tickets.opened,") })
                #expect(opened.split(separator: ",").last.map(String.init) == "\(after.ticketsOpened)")
                #expect(try await browser.get("/c/\(id)/revenue?month=\(month)").body.contains("Revenue and MRR"))
                // Sales: the month's deals and today's pipeline; the service desk shows today's backlog by age.
                let position = try await engine.position(on: tenant.calendar.day(of: .now))
                let sales = try await browser.get("/c/\(id)/sales?month=\(month)").body
                #expect(sales.contains("data-kpi=\"pipeline\"><h3><a href=\"/c/\(id)/deals?outcome=open\">Open pipeline</a></h3><div class=\"value\">\(formatMoney(position.pipeline.amount))"))
                let serviceDesk = try await browser.get("/c/\(id)/service?month=\(month)").body
                #expect(serviceDesk.contains("Open tickets today by age: \(position.openTickets)"))
                for board in try await engine.ticketsByBoard(from: month.advanced(by: -11), to: month) {
                    #expect(serviceDesk.contains("<tr><td>\(board.board)</td>"))
                    #expect(serviceDesk.contains("\">\(board.opened)</a></td><td class=\"num\">\(board.reactive)</td><td class=\"num\">\(board.closed)</td>"))
                }
                // Drill-down from a month's revenue to its invoices: they add up, in total and by kind.
                let revenueLines = try await engine.revenueLines(month)
                #expect(revenueLines.reduce(Decimal(0)) { $0 + $1.subtotal.amount } == after.revenue.amount)
                for kind in RevenueKind.allCases {
                    #expect(revenueLines.filter { $0.kind == kind }.reduce(Decimal(0)) { $0 + $1.subtotal.amount } == after.revenueByKind[kind.rawValue]?.amount)
                }
                let revenueMonthPage = try await browser.get("/c/\(id)/revenue/\(month)")
                #expect(revenueMonthPage.body.contains("<span data-kpi=\"revenue\">\(formatMoney(after.revenue.amount))</span>"))
                #expect(try await browser.get("/c/\(id)/revenue?month=\(month)").body.contains("href=\"/c/\(id)/revenue/\(month)\""))
                #expect(try await browser.get("/c/\(id)/settings").body.contains("owner@example.com"))

                // The JSON API, with a token created in the settings, returns exact decimals.
                let tokenPage = try await browser.post("/c/\(id)/settings/tokens", [("name", "finance sheet")])
                let token = try #require(tokenPage.body.range(of: "<code>pi_").map { String(tokenPage.body[tokenPage.body.index($0.lowerBound, offsetBy: 6)...].prefix { $0 != "<" }) })
                let api = try await browser.get("/api/v1/companies/\(id)/scorecard?month=\(month)", headers: [.authorization: "Bearer \(token)"])
                #expect(api.status == .ok)
                struct Card: Decodable { struct KPI: Decodable { var id: String; var value: String? }; var kpis: [KPI] }
                let decoded = try JSONDecoder().decode(Card.self, from: Data(api.body.utf8))
                #expect(decoded.kpis.first { $0.id == "revenue" }?.value.flatMap { Decimal(string: $0) } == after.revenue.amount)
                #expect(try await browser.get("/api/v1/companies/\(id)/scorecard").status == .unauthorized)
                #expect(try await browser.get("/openapi.json").body.contains("\"openapi\":\"3.1.0\""))

                // The private key never left the server, and is not in the database in clear.
                for body in browser.bodies { #expect(!body.contains(credentials.privateKey.reveal())) }
                #expect(!log.text.contains(credentials.privateKey.reveal()))
                let sealed = try #require(try await store.credentials(tenant: Tenant.ID(id)))
                #expect(!sealed.sealed.contains(credentials.privateKey.reveal()))
            }
        }
    }
}

@Suite("Web app security")
struct WebSecurityTests {
    @Test("a user of company A gets 404 for every company-B page, form and API path")
    func tenantIsolation() async throws {
        try await withWebApp { client, store, _ in
            let alice = Browser(client), bob = Browser(client)
            try await alice.signUp(email: "alice@a.example")
            let a = try await alice.registerCompany("Alpha MSP")
            try await bob.signUp(email: "bob@b.example")
            let b = try await bob.registerCompany("Bravo MSP")
            try await bob.post("/c/\(b)/eula", [("accept", "yes"), ("version", "2026-11")])
            let tokenPage = try await bob.post("/c/\(b)/settings/tokens", [("name", "bob")])
            #expect(tokenPage.status == .ok, "\(tokenPage.body)")
            let aliceToken = try await alice.post("/c/\(a)/settings/tokens", [("name", "alice")])
            let token = try #require(aliceToken.body.range(of: "<code>pi_").map { String(aliceToken.body[aliceToken.body.index($0.lowerBound, offsetBy: 6)...].prefix { $0 != "<" }) })

            for path in ["/", "/revenue", "/revenue/2026-10", "/service", "/sales", "/agreements", "/agreements/1", "/agreements.csv", "/clients", "/clients.csv", "/clients/1", "/receivables", "/projects", "/projects.csv", "/products", "/products.csv", "/pricing", "/pricing.csv", "/people", "/people.csv", "/mrr", "/mrr.csv", "/time", "/time.csv", "/tickets", "/tickets.csv", "/receivables/invoices", "/receivables/invoices.csv", "/health", "/settings", "/settings/kpis", "/settings/credentials", "/sync", "/guide", "/eula"] {
                let page = try await alice.get("/c/\(b)\(path)")
                #expect(page.status == .notFound, "GET /c/B\(path) gave \(page.status)")
                #expect(!page.body.contains("Bravo"), "GET /c/B\(path) leaked the company name")
            }
            for path in ["/sync", "/eula", "/settings/credentials", "/settings/credentials/remove", "/settings/credentials/test", "/settings/tokens", "/settings/kpis"] {
                #expect(try await alice.post("/c/\(b)\(path)", [("accept", "yes"), ("name", "x")]).status == .notFound, "POST /c/B\(path)")
            }
            for path in ["/scorecard", "/kpis/revenue"] {
                #expect(try await alice.get("/api/v1/companies/\(b)\(path)", headers: [.authorization: "Bearer \(token)"]).status == .notFound)
            }
            // A company that does not exist answers the same.
            #expect(try await alice.get("/c/no-such-company/").status == .notFound)
            #expect(try await store.eulaAcceptances(tenant: Tenant.ID(b)).count == 1)
        }
    }

    @Test("a POST without the form's CSRF token is refused and changes nothing")
    func csrf() async throws {
        try await withWebApp { client, store, _ in
            let browser = Browser(client)
            try await browser.signUp(email: "carol@c.example")
            let id = try await browser.registerCompany("Charlie MSP")
            let refused = try await browser.post("/c/\(id)/eula", [("accept", "yes"), ("version", "2026-11")], csrf: false)
            #expect(refused.status == .forbidden)
            let forged = try await browser.post("/c/\(id)/eula", [("_csrf", "forged-token-value-forged-token-value-12345"), ("accept", "yes"), ("version", "2026-11")], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(try await store.eulaAcceptances(tenant: Tenant.ID(id)).isEmpty)
            // Signing up needs the visitor's token too.
            let stranger = Browser(client)
            #expect(try await stranger.post("/signup", [("email", "x@y.example"), ("password", "long enough password")], csrf: false).status == .forbidden)
            #expect(try await store.user(email: "x@y.example") == nil)
        }
    }

    @Test("signing in issues a new session token: a planted one is never adopted")
    func sessionFixation() async throws {
        try await withWebApp { client, _, _ in
            let owner = Browser(client)
            try await owner.signUp(email: "dave@d.example")
            let victim = Browser(client)
            victim.cookies["insight_session"] = "planted-by-attacker"
            try await victim.get("/login")
            let signedIn = try await victim.post("/login", [("email", "dave@d.example"), ("password", "correct horse battery staple")])
            #expect(signedIn.status == .seeOther)
            let issued = try #require(victim.cookies["insight_session"])
            #expect(issued != "planted-by-attacker" && issued.count == 43)
            let attacker = Browser(client)
            attacker.cookies["insight_session"] = "planted-by-attacker"
            #expect(try await attacker.get("/companies").location == "/login")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("insight_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            // Signing out ends the session on the server.
            try await victim.get("/companies")
            try await victim.post("/logout")
            victim.cookies["insight_session"] = issued
            #expect(try await victim.get("/companies").location == "/login")
        }
    }

    @Test("after five wrong passwords the address is locked out, even with the right one")
    func loginThrottling() async throws {
        try await withWebApp { client, _, log in
            let owner = Browser(client)
            try await owner.signUp(email: "erin@e.example")
            let guesser = Browser(client)
            try await guesser.get("/login")
            for _ in 0..<5 {
                #expect(try await guesser.post("/login", [("email", "erin@e.example"), ("password", "wrong password 123")]).status == .unauthorized)
            }
            let locked = try await guesser.post("/login", [("email", "ERIN@e.example"), ("password", "correct horse battery staple")])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.body.contains("Too many failed sign-ins"))
            #expect(log.text.contains("sign-in throttled"))
            // Another address is not affected.
            let other = Browser(client)
            try await other.signUp(email: "frank@f.example")
            try await other.get("/login")
            #expect(try await other.post("/login", [("email", "frank@f.example"), ("password", "correct horse battery staple")]).status == .seeOther)
        }
    }

    @Test("many email addresses tried from one client address are refused too, even the right password; another client is not")
    func loginThrottlingPerClientAddress() async throws {
        try await withWebApp { client, store, _ in
            let owner = Browser(client)
            try await owner.signUp(email: "erin@e.example")
            let attacker = Browser(client)
            try await attacker.get("/login")
            // 20 failures spread over 10 addresses: no email reaches its own limit of 5.
            for attempt in 0..<20 {
                let page = try await attacker.post("/login", [("email", "victim\(attempt % 10)@e.example"), ("password", "guess \(attempt)")])
                #expect(page.status == .unauthorized)
            }
            let refused = try await attacker.post("/login", [("email", "erin@e.example"), ("password", "correct horse battery staple")])
            #expect(refused.status == .tooManyRequests)
            #expect(attacker.cookies["insight_session"] == nil)
            // The failures are recorded per client address, so another client (address) is not locked out.
            #expect(try await store.loginFailures(address: "127.0.0.1", since: .now.adding(seconds: -900)) == 20)
            #expect(try await store.loginFailures(address: "192.0.2.1", since: .now.adding(seconds: -900)) == 0)
            #expect(try await store.loginFailures(email: "erin@e.example", since: .now.adding(seconds: -900)) == 0)
        }
    }

    @Test("names from users and PSAs are escaped: a company named <script> stays text")
    func htmlEscaping() async throws {
        try await withWebApp { client, _, _ in
            let browser = Browser(client)
            try await browser.signUp(email: "gina@g.example")
            let id = try await browser.registerCompany("<script>alert('x')</script> & Co")
            let page = try await browser.get("/c/\(id)/eula")
            #expect(!page.body.contains("<script>alert"))
            #expect(page.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(page.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
        }
    }

    @Test("credentials are write-only, sealed per company, and survive a key rotation")
    func credentialsVault() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("insight-vault-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = try AppConfiguration.resolve(
            environment: [:], databaseURL: directory.appendingPathComponent("db.sqlite").path, dataDirectory: directory.path)
        let logger = LogRecorder().logger
        let vault = try Insight.vault(configuration)
        let secret = "cw-private-\(UUID().uuidString)"
        let credentials = PSACredentials.connectWise(
            ConnectWiseCredentials(siteURL: "https://na.myconnectwise.net", companyID: "acme", clientID: "c", publicKey: "pub", privateKey: Secret(secret)))
        try await Insight.withStore(configuration, logger: logger) { store in
            try await store.migrate(now: .now)
            try await store.save(try credentials.sealed(for: "tenant-1", by: "owner@x.example", vault: vault, at: .now))
        }
        #expect(try await Insight.rotateVaultKey(configuration, logger: logger) == 1)
        let rotated = try Insight.vault(configuration)
        #expect(rotated.currentKeyID != vault.currentKeyID)
        try await Insight.withStore(configuration, logger: logger) { store in
            let sealed = try #require(try await store.credentials(tenant: "tenant-1"))
            #expect(sealed.keyID == rotated.currentKeyID)
            guard case .connectWise(let opened) = try PSACredentials.open(sealed, vault: rotated) else { Issue.record("wrong PSA"); return }
            #expect(opened.privateKey.reveal() == secret)
            // The old key is retired; a value sealed for one company does not open for another.
            #expect(throws: VaultError.self) { try PSACredentials.open(sealed, vault: vault) }
            var moved = sealed
            moved.tenant = "tenant-2"
            #expect(throws: VaultError.cannotOpen) { try PSACredentials.open(moved, vault: rotated) }
        }
    }
}

@Suite("Web app users and roles")
struct WebRolesTests {
    @Test("an invitation link makes a viewer, once; a viewer reads but cannot change credentials, syncs or users")
    func invitations() async throws {
        try await withWebApp { client, store, _ in
            let owner = Browser(client)
            try await owner.signUp(email: "owner@h.example")
            let id = try await owner.registerCompany("Hotel MSP")
            try await owner.get("/c/\(id)/settings")
            let created = try await owner.post("/c/\(id)/settings/invitations", [("role", "viewer")])
            let link = try #require(created.body.range(of: "/invite/").map { String(created.body[$0.lowerBound...].prefix { $0 != "<" }) })

            let viewer = Browser(client)
            #expect(try await viewer.get(link).body.contains("then open this link again"))
            try await viewer.signUp(email: "viewer@h.example")
            #expect(try await viewer.get(link).body.contains("Join Hotel MSP"))
            #expect(try await viewer.post(link).location == "/c/\(id)/")
            #expect(try await store.members(of: Tenant.ID(id)).map(\.email) == ["owner@h.example", "viewer@h.example"])
            // Used once.
            let other = Browser(client)
            try await other.signUp(email: "other@h.example")
            #expect(try await other.get(link).status == .badRequest)
            #expect(try await other.get("/c/\(id)/eula").status == .notFound)

            // The viewer reads, but every change needs admin.
            #expect(try await viewer.get("/c/\(id)/eula").status == .ok)
            #expect(try await viewer.get("/c/\(id)/settings").status == .ok)
            for path in ["/eula", "/settings/credentials", "/settings/credentials/remove", "/sync", "/settings/tokens", "/settings/invitations"] {
                #expect(try await viewer.post("/c/\(id)\(path)", [("accept", "yes"), ("version", "2026-11"), ("role", "viewer"), ("name", "x")]).status == .forbidden, "POST \(path)")
            }
            #expect(try await store.eulaAcceptances(tenant: Tenant.ID(id)).isEmpty)
            // The owner may invite another owner (an admin may invite up to admin).
            #expect(try await owner.post("/c/\(id)/settings/invitations", [("role", "owner")]).status == .ok)
        }
    }
}

@Suite("Web app bad input")
struct WebBadInputTests {
    @Test("a wrong private key is saved but the test names the problem; a missing field loses nothing else")
    func wrongKey() async throws {
        let business = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 3))
        try await Insight.withSimulatedConnectWise(serving: business) { credentials in
            try await withWebApp { client, store, log in
                let browser = Browser(client)
                try await browser.signUp(email: "ivan@i.example")
                let id = try await browser.registerCompany("India MSP")
                try await browser.get("/c/\(id)/eula")
                try await browser.post("/c/\(id)/eula", [("accept", "yes"), ("version", "2026-11")])
                try await browser.get("/c/\(id)/settings/credentials")
                let incomplete = try await browser.post("/c/\(id)/settings/credentials", [("site", credentials.siteURL), ("company", credentials.companyID)])
                #expect(incomplete.body.contains("Fill in every field."))
                #expect(try await store.credentials(tenant: Tenant.ID(id)) == nil)
                let wrong = "not-the-private-key-\(UUID().uuidString)"
                let page = try await browser.post("/c/\(id)/settings/credentials", [
                    ("site", credentials.siteURL), ("company", credentials.companyID), ("public_key", credentials.publicKey),
                    ("private_key", wrong), ("client_id", credentials.clientID),
                ])
                #expect(page.body.contains("The connection failed"))
                #expect(page.body.contains("ConnectWise"))
                #expect(!page.body.contains(wrong))
                #expect(!log.text.contains(wrong))
                // The sync reports the same cause instead of failing silently.
                try await browser.post("/c/\(id)/sync")
                var sync = try await browser.get("/c/\(id)/sync")
                for _ in 0..<100 where sync.headers[HTTPField.Name("Refresh")!] != nil {
                    try await Task.sleep(for: .milliseconds(100))
                    sync = try await browser.get("/c/\(id)/sync")
                }
                #expect(sync.body.contains("The sync did not finish"))
                #expect(!sync.body.contains(wrong))
            }
        }
    }
}

@Suite("Scheduled sync")
struct ScheduledSyncTests {
    @Test("one scheduler round syncs every company with stored credentials, and names the one that fails")
    func onceForCron() async throws {
        let business = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 11))
        try await Insight.withSimulatedConnectWise(serving: business) { credentials in
            try await TestDatabase.sqlite.withFreshStore { store in
                let vault = try CredentialVault(ring: .generate())
                let good = business.tenant(id: "good-msp")
                var bad = business.tenant(id: "bad-msp")
                bad.name = "Bad Key MSP"
                for tenant in [good, bad] { try await store.save(tenant) }
                try await store.save(try PSACredentials.connectWise(credentials).sealed(for: good.id, by: "a@x.example", vault: vault, at: .now))
                var wrong = credentials
                wrong.privateKey = Secret("wrong")
                try await store.save(try PSACredentials.connectWise(wrong).sealed(for: bad.id, by: "a@x.example", vault: vault, at: .now))
                let outcomes = try await Insight.syncEveryCompanyOnce(store: store, vault: vault, logger: LogRecorder().logger)
                #expect(outcomes.count == 2)
                let byID = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.tenant.id, $0.status) })
                #expect(byID[good.id]??.state == .succeeded)
                #expect(try await store.count(tenant: good.id, TimeEntry.self) == business.snapshot().timeEntries.count)
                guard case .failed(let reason)?? = byID[bad.id]?.map(\.state) else { Issue.record("the bad key did not fail"); return }
                #expect(reason.contains("private key") || reason.contains("ConnectWise"), "\(reason)")
                #expect(try await store.count(tenant: bad.id, TimeEntry.self) == 0)
            }
        }
    }
}

extension ScheduledSyncTests {
    @Test("the scheduler is a ServiceLifecycle service: a graceful shutdown mid-sync stops it and keeps every committed page")
    func gracefulShutdownMidSync() async throws {
        let business = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 11))
        var simulator = ConnectWiseSimulatorSettings()
        simulator.latency = .milliseconds(40)
        try await Insight.withSimulatedConnectWise(serving: business, settings: simulator) { credentials in
            try await TestDatabase.sqlite.withFreshStore { store in
                let vault = try CredentialVault(ring: .generate())
                let tenant = business.tenant(id: "scheduled-msp")
                try await store.save(tenant)
                try await store.save(try PSACredentials.connectWise(credentials).sealed(for: tenant.id, by: "a@x.example", vault: vault, at: .now))
                let logger = LogRecorder().logger
                let syncs = SyncCoordinator(store: store, vault: vault, worker: "scheduler-test", logger: logger)
                let scheduler = SyncScheduler(store: store, syncs: syncs, interval: .seconds(3_600), logger: logger)
                let group = ServiceGroup(configuration: .init(services: [.init(service: scheduler)], logger: logger))
                let total = business.snapshot().timeEntries.count
                let stopped = try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    // Shut down as soon as the first time entries are stored, long before the sync could end.
                    while try await store.count(tenant: tenant.id, TimeEntry.self) == 0 { try await Task.sleep(for: .milliseconds(10)) }
                    await group.triggerGracefulShutdown()
                    try await tasks.next()
                    return try await store.count(tenant: tenant.id, TimeEntry.self)
                }
                #expect(stopped > 0 && stopped < total, "stopped mid-sync with \(stopped) of \(total) time entries")
                #expect(await syncs.status(of: tenant.id)?.state != .succeeded)
                // The next round resumes after the committed pages and ends with the whole business, record for record.
                let outcomes = try await Insight.syncEveryCompanyOnce(store: store, vault: vault, logger: logger)
                #expect(outcomes.first?.status?.state == .succeeded)
                let synced = Set(try await store.all(tenant: tenant.id, TimeEntry.self, source: .connectwise))
                let truth = Set(business.snapshot().timeEntries)
                #expect(synced.count == truth.count, "\(outcomes.first?.status?.failures ?? [])")
                #expect(synced.symmetricDifference(truth).isEmpty, "record for record")
            }
        }
    }
}

@Suite("Web app with Autotask")
struct WebAutotaskTests {
    @Test("onboarding to dashboard against the Autotask simulator: the first sync fills the scorecard")
    func autotaskOnboardingToDashboard() async throws {
        var settings = GeneratorSettings(size: .small, seed: 7)
        settings.source = .autotask
        let business = try MSPBusiness.generate(settings)
        try await Insight.withSimulatedAutotask(serving: business) { credentials in
            try await withWebApp { client, store, log in
                let browser = Browser(client)
                try await browser.signUp(email: "kim@k.example")
                let id = try await browser.registerCompany("Kilo MSP", psa: "autotask")
                try await browser.get("/c/\(id)/eula")
                try await browser.post("/c/\(id)/eula", [("accept", "yes"), ("version", "2026-11")])
                try await browser.get("/c/\(id)/settings/credentials")
                let saved = try await browser.post("/c/\(id)/settings/credentials", [
                    ("username", credentials.userName), ("secret", credentials.secret.reveal()),
                    ("integration_code", credentials.integrationCode), ("zone_lookup", credentials.zoneLookupURL),
                ])
                #expect(saved.body.contains("Connection works: every permission is in place"), "\(saved.body)")
                #expect(try await browser.post("/c/\(id)/sync").location == "/c/\(id)/sync")
                var page = try await browser.get("/c/\(id)/sync")
                for _ in 0..<300 where page.headers[HTTPField.Name("Refresh")!] != nil {
                    try await Task.sleep(for: .milliseconds(200))
                    page = try await browser.get("/c/\(id)/sync")
                }
                #expect(page.body.contains("Sync complete"), "\(page.body)")
                #expect(page.body.contains("TimeEntries"))

                let tenant = try #require(try await store.tenant(Tenant.ID(id)))
                let month = business.settings.endMonth
                let card = try await KPIEngine(store: store, tenant: tenant).scorecard(month)
                #expect(card.mrr.amount > 0, "agreement invoices are recognised through their billing items")
                let home = try await browser.get("/c/\(id)/?month=\(month)")
                let mrrTile = try #require(home.body.range(of: "data-kpi=\"mrr\"").map { String(home.body[$0.upperBound...].prefix(400)) })
                #expect(mrrTile.contains(formatMoney(card.mrr.amount)), "\(mrrTile)")
                for body in browser.bodies { #expect(!body.contains(credentials.secret.reveal())) }
                #expect(!log.text.contains(credentials.secret.reveal()))
            }
        }
    }

    @Test("Autotask credentials are tested by the Autotask permission doctor, naming a missing section")
    func autotaskDoctor() async throws {
        let (simulator, banner) = try Insight.autotaskSimulator(
            business: GeneratorSettings(size: .small, seed: 5), host: "127.0.0.1", port: 0, logger: LogRecorder().logger)
        func user(_ prefix: String) throws -> (name: String, secret: String, code: String) {
            let line = try #require(banner.first { $0.contains("username \(prefix)") })
            let parts = line.components(separatedBy: ", ")
            return (String(parts[0].split(separator: " ").last!), String(parts[1].split(separator: " ").last!), String(parts[2].split(separator: " ").last!))
        }
        let readOnly = try user("insight-readonly"), noContracts = try user("insight-nocontracts")
        try await simulator.test(.live) { simulatorClient in
            let port = try #require(simulatorClient.port)
            let zoneLookup = "http://127.0.0.1:\(port)/atservicesrest/v1.0/zoneInformation"
            try await withWebApp { client, store, log in
                let browser = Browser(client)
                try await browser.signUp(email: "jane@j.example")
                let id = try await browser.registerCompany("Juliet MSP", psa: "autotask")
                try await browser.get("/c/\(id)/eula")
                try await browser.post("/c/\(id)/eula", [("accept", "yes"), ("version", "2026-11")])
                let form = try await browser.get("/c/\(id)/settings/credentials")
                #expect(form.body.contains("Integration code"))
                let good = try await browser.post("/c/\(id)/settings/credentials", [
                    ("username", readOnly.name), ("secret", readOnly.secret), ("integration_code", readOnly.code), ("zone_lookup", zoneLookup),
                ])
                #expect(good.body.contains("Connection works: every permission is in place"), "\(good.body)")
                let missing = try await browser.post("/c/\(id)/settings/credentials", [
                    ("username", noContracts.name), ("secret", noContracts.secret), ("integration_code", noContracts.code), ("zone_lookup", zoneLookup),
                ])
                #expect(missing.body.contains("some permissions are missing"))
                #expect(missing.body.contains("Contracts: set View to All"))
                for body in browser.bodies { #expect(!body.contains(readOnly.secret) && !body.contains(noContracts.secret)) }
                #expect(!log.text.contains(readOnly.secret))
                #expect(try await store.credentials(tenant: Tenant.ID(id))?.psa == .autotask)
            }
        }
    }
}

/// What the page shows for `amount` (whole units above 1,000).
func formatMoney(_ exact: Decimal) -> String {
    // NumberFormatter does not round every Decimal to its fraction digits: round first, half up as the app does.
    var amount = Decimal(), source = exact
    NSDecimalRound(&amount, &source, abs(exact) >= 1000 ? 0 : 2, .plain)
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.locale = Locale(identifier: "en_US")
    formatter.roundingMode = .halfUp
    formatter.maximumFractionDigits = abs(amount) >= 1000 ? 0 : 2
    formatter.minimumFractionDigits = abs(amount) >= 1000 ? 0 : 2
    return "$" + formatter.string(from: amount as NSDecimalNumber)!
}
