import Logging
import Foundation
import HTTPTypes
import Hummingbird
public import InsightCore
import InsightMetrics
import InsightStore
import InsightVault

/// The company's dashboards: the home scorecard, agreements, clients, receivables and data health, each table
/// with a CSV export.
extension WebApp {
    func addDashboardRoutes(to router: Router<WebContext>) {
        router.get("/c/:tenant/") { request, context in try await home(request, context) }
        router.get("/c/:tenant/agreements") { request, context in try await agreements(request, context, csv: false) }
        router.get("/c/:tenant/agreements.csv") { request, context in try await agreements(request, context, csv: true) }
        router.get("/c/:tenant/agreements/:agreement") { request, context in try await agreementDetail(request, context) }
        router.get("/c/:tenant/clients") { request, context in try await clients(request, context, csv: false) }
        router.get("/c/:tenant/clients.csv") { request, context in try await clients(request, context, csv: true) }
        router.get("/c/:tenant/clients/:client") { request, context in try await clientDetail(request, context) }
        router.get("/c/:tenant/receivables") { request, context in try await receivables(request, context) }
        router.get("/c/:tenant/health") { _, context in try await health(context) }
        router.get("/c/:tenant/revenue") { request, context in try await trendPage(request, context, page: .revenue) }
        router.get("/c/:tenant/revenue/:month") { _, context in try await revenueMonth(context) }
        router.get("/c/:tenant/service") { request, context in try await trendPage(request, context, page: .service) }
        router.get("/c/:tenant/sales") { request, context in try await trendPage(request, context, page: .sales) }
        router.get("/c/:tenant/settings") { _, context in try await settingsPage(context) }
        router.post("/c/:tenant/settings/invitations") { request, context -> HTML in
            let (tenant, user, role) = try await company(context, requiring: .admin)
            let fields = try await form(request, context)
            guard let invited = fields["role"].flatMap(CompanyRole.init(rawValue:)), role.allows(invited) else {
                throw WebError.invalidField("Choose a role no higher than your own (\(role.rawValue)).")
            }
            let token = Tokens.random()
            try await store.saveInvitation(
                hash: Tokens.digest(token), tenant: tenant.id, role: invited, createdBy: user.email, at: .now, expiresAt: .now.adding(seconds: 7 * 24 * 3_600))
            let link = "\(settings.publicBaseURL)/invite/\(token)"
            return Layout.page(title: "Invitation", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "settings"), """
                <section class="narrow card"><h1>Invitation link</h1><p>Send this link to the person joining \(tenant.name) as <strong>\(invited.rawValue)</strong>.
                It works once, for seven days, and is shown only now.</p><p><code>\(link)</code></p>
                <p><a href="/c/\(tenant.id.rawValue)/settings">Back to settings</a></p></section>
                """)
        }
        router.post("/c/:tenant/settings/tokens") { request, context -> HTML in
            let (tenant, user, _) = try await company(context, requiring: .admin)
            let fields = try await form(request, context)
            guard let name = fields.text("name") else { throw WebError.invalidField("Name the token.") }
            let token = "pi_" + Tokens.random()
            try await store.saveAPIToken(hash: Tokens.digest(token), tenant: tenant.id, name: name, createdBy: user.email, at: .now)
            return Layout.page(title: "API token", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "settings"), """
                <section class="narrow card"><h1>API token created</h1><p>Copy it now: it is shown only this once.</p>
                <p><code>\(token)</code></p><p class="hint">Send it as <code>Authorization: Bearer …</code> to /api/v1/companies/\(tenant.id.rawValue)/scorecard.</p>
                <p><a href="/c/\(tenant.id.rawValue)/settings">Back to settings</a></p></section>
                """)
        }
    }

    /// The month a page shows: `?month=YYYY-MM`, else the company's default month (``KPIEngine/defaultMonth(now:)``:
    /// the last complete month, or the last one invoiced when the data ends earlier).
    func month(_ request: Request, _ tenant: Tenant) async throws -> YearMonth {
        if let text = request.uri.queryParameters["month"], !text.isEmpty {
            guard let month = YearMonth(text) else { throw WebError.invalidField("'\(text)' is not a month: use YYYY-MM.") }
            return month
        }
        return try await KPIEngine(store: store, tenant: tenant).defaultMonth()
    }

    /// A period picker: first and last month.
    func range(_ request: Request, _ tenant: Tenant) async throws -> (YearMonth, YearMonth) {
        let last = try await month(request, tenant)
        let months = Int(request.uri.queryParameters["months"] ?? "") ?? 12
        guard (1...60).contains(months) else { throw WebError.invalidField("Show 1 to 60 months.") }
        return (last.advanced(by: -(months - 1)), last)
    }

    /// A period form; `filters` are extra selects (name, label, options as value and text, the chosen value; "" = all);
    /// `hidden` are filters the form keeps without offering a choice (a drill-down's member or client).
    func monthPicker(
        _ path: String, month: YearMonth, months: Int? = nil, filters: [(name: String, label: String, options: [(String, String)], chosen: String)] = [],
        hidden: [(name: String, value: String)] = []
    ) -> HTML {
        let span: HTML? = months.map { months in
            let options: [HTML] = [1, 3, 6, 12, 24].map { "<option value=\"\($0)\"\($0 == months ? " selected" : "")>\($0)</option>" }
            return "<label>Months <select name=\"months\">\(options)</select></label>"
        }
        let selects: [HTML] = filters.map { filter in
            let options: [HTML] = ([("", "All")] + filter.options).map { value, text in
                "<option value=\"\(value)\"\(value == filter.chosen ? " selected" : "")>\(text)</option>"
            }
            return "<label>\(filter.label) <select name=\"\(filter.name)\">\(options)</select></label>"
        }
        let kept: [HTML] = hidden.filter { !$0.value.isEmpty }.map { "<input type=\"hidden\" name=\"\($0.name)\" value=\"\($0.value)\">" }
        return """
            <div class="toolbar"><form method="get" action="\(path)"><label>Up to <input type="text" name="month" value="\(month.description)" pattern="[0-9]{4}-[0-9]{2}" size="8"></label>\(span)\(selects)\(kept)<button class="secondary">Show</button></form></div>
            """
    }

    /// A query parameter's value, "" when absent.
    func parameter(_ request: Request, _ name: String) -> String { request.uri.queryParameters[Substring(name)].map(String.init) ?? "" }

    /// `value` percent-encoded for a query string.
    func urlEncoded(_ value: String) -> String { value.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? "" }

    /// RFC 3986's unreserved characters: the rest are percent-encoded in a query value.
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    // MARK: Home

    private func home(_ request: Request, _ context: WebContext) async throws -> HTML {
        let (tenant, user, _) = try await company(context)
        if let step = try await nextStep(for: tenant) {
            switch step {
            case .eula: throw WebRedirect(to: "/c/\(tenant.id.rawValue)/eula")
            case .credentials: throw WebRedirect(to: "/c/\(tenant.id.rawValue)/settings/credentials")
            case .sync, .account, .company: throw WebRedirect(to: "/c/\(tenant.id.rawValue)/sync")
            }
        }
        let month = try await month(request, tenant)
        let data = try await cache.value(tenant: tenant.id, key: "home|\(month)") { [store] in
            try await Self.homeData(store: store, tenant: tenant, month: month)
        }
        let (trend, ageing, findings) = (data.trend, data.ageing, data.findings)
        let current = trend[trend.count - 1], previous = trend[trend.count - 2]

        func definition(_ id: String) -> KPIDefinition? { KPICatalogue.scorecard.first { $0.id == id } }
        var tiles: [HTML] = []
        let preferences = tenant.kpiPreferences
        for id in ["revenue", "mrr", KPICatalogue.id(of: preferences.grossMargin), KPICatalogue.id(of: preferences.effectiveRate),
                   KPICatalogue.id(of: preferences.utilization), "tickets_per_endpoint", "sla_compliance", "recurring_share"] {
            guard let kpi = definition(id) else { continue }
            let series = trend.map { kpi.value(in: $0) ?? 0 }
            tiles.append(tile(kpi.name, value: kpi.value(in: current), previous: kpi.value(in: previous), unit: kpi.unit,
                              currency: tenant.baseCurrency, higherIsBetter: kpi.higherIsBetter, spark: series, id: id,
                              link: DrillDown.path(for: id, tenant: tenant.id.rawValue, month: month)))
        }
        tiles.append(tile("AR over 60 days", value: ageing.over60.amount, previous: nil, unit: .money, currency: tenant.baseCurrency,
                          higherIsBetter: false, spark: [], id: "ar.over_60",
                          link: "/c/\(tenant.id.rawValue)/receivables/invoices?month=\(month)"))
        let revenueChart = Chart.bars(trend.map { (shortMonth($0.month), $0.revenue.amount) }, title: "Revenue by month, \(tenant.baseCurrency)") {
            Format.money(Money($0, tenant.baseCurrency))
        }
        let warnings: [HTML] = findings.map { "<li><strong>\($0.title)</strong> (\($0.count)): \($0.impact) <a href=\"/c/\(tenant.id.rawValue)/health\">Fix</a></li>" }
        let scorecardRows: [HTML] = KPICatalogue.scorecard.map { kpi in
            let name: HTML = DrillDown.path(for: kpi.id, tenant: tenant.id.rawValue, month: month).map { "<a href=\"\($0)\">\(kpi.name)</a>" } ?? "\(kpi.name)"
            return "<tr><td>\(name)</td><td class=\"num\">\(value(kpi.value(in: current), unit: kpi.unit, currency: tenant.baseCurrency))</td><td class=\"num\">\(value(kpi.value(in: previous), unit: kpi.unit, currency: tenant.baseCurrency))</td></tr>"
        }
        return Layout.page(title: "Home", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: ""), """
            <h1 data-month="\(month.description)">\(tenant.name): \(monthName(month))</h1>\(monthPicker("/c/\(tenant.id.rawValue)/", month: month))
            <section class="tiles" aria-label="Scorecard">\(tiles)</section>
            \(warnings.isEmpty ? nil : HTML("<section class=\"card\"><h2>Data-health warnings</h2><ul>\(warnings)</ul></section>"))
            <section class="card">\(revenueChart)</section>
            <section><h2>Full scorecard</h2><table><thead><tr><th>KPI</th><th class="num">\(monthName(month))</th><th class="num">\(monthName(month.advanced(by: -1)))</th></tr></thead><tbody>\(scorecardRows)</tbody></table></section>
            """)
    }

    /// Computes the home page of the last complete month and the 12-month agreements page into the cache, so that
    /// the first visit after a scheduled sync is as fast as the next ones.
    public func warmDashboards(for tenant: Tenant) async {
        let month = tenant.calendar.month(of: .now).advanced(by: -1)
        let first = month.advanced(by: -11)
        do {
            _ = try await cache.value(tenant: tenant.id, key: "home|\(month)") { [store] in try await Self.homeData(store: store, tenant: tenant, month: month) }
            _ = try await cache.value(tenant: tenant.id, key: "agreements|\(first)|\(month)") { [store] in
                try await Self.agreementsView(store: store, tenant: tenant, first: first, last: month)
            }
        } catch {
            logger.warning("warming dashboards failed", metadata: ["tenant": "\(tenant.id)", "error": "\(type(of: error))"])
        }
    }

    static func homeData(store: Store, tenant: Tenant, month: YearMonth) async throws -> HomeData {
        let engine = KPIEngine(store: store, tenant: tenant)
        return HomeData(
            trend: try await engine.trend(from: month.advanced(by: -11), to: month),
            ageing: try await engine.receivablesAgeing(on: month.lastDay),
            findings: try await engine.dataHealth().filter { $0.count > 0 })
    }

    static func agreementsView(store: Store, tenant: Tenant, first: YearMonth, last: YearMonth) async throws -> (rows: [AgreementProfit], body: HTML) {
        let rows = try await KPIEngine(store: store, tenant: tenant).agreementProfits(from: first, to: last)
            .sorted { $0.profit.amount < $1.profit.amount }
        let link = "/c/\(tenant.id.rawValue)/agreements/"
        let period = "?month=\(last)&amp;months=\(first.distance(to: last) + 1)"
        return (rows: rows, body: HTML(trusted: rows.map { agreementRow($0, link: link, period: period) }.map(\.markup).joined()))
    }

    /// What the home page shows for one month, computed once per data version.
    struct HomeData: Sendable {
        var trend: [MonthScorecard]
        var ageing: ReceivablesAgeing
        var findings: [HealthFinding]
    }


    private func tile(
        _ name: String, value current: Decimal?, previous: Decimal?, unit: KPIDefinition.Unit, currency: CurrencyCode,
        higherIsBetter: Bool?, spark: [Decimal], id: String, link: String?
    ) -> HTML {
        let title = name.trimmingCharacters(in: .whitespaces)
        var change: HTML = "<span class=\"change flat\">no previous month</span>"
        if let current, let previous {
            let delta = current - previous
            let better = higherIsBetter.map { $0 ? delta > 0 : delta < 0 }
            let css = delta == 0 ? "flat" : better == true ? "up" : better == false ? "down" : "flat"
            let arrow = delta > 0 ? "▲" : delta < 0 ? "▼" : "■"
            let text: String = switch unit {
            case .ratio: "\(arrow) \(Format.number(delta * 100, decimals: 1)) pts vs last month"
            default: previous == 0 ? "\(arrow) vs last month" : "\(arrow) \(Format.percent(delta / abs(previous))) vs last month"
            }
            change = "<span class=\"change \(css)\">\(text)</span>"
        }
        return """
            <article class="tile" data-kpi="\(id)"><h3>\(link.map { HTML("<a href=\"\($0)\">\(title)</a>") } ?? HTML("\(title)"))</h3>\
            <div class="value">\(value(current, unit: unit, currency: currency))</div>\(change)\(Chart.sparkline(spark, label: "\(name) over 12 months"))</article>
            """
    }

    func value(_ value: Decimal?, unit: KPIDefinition.Unit, currency: CurrencyCode) -> String {
        guard let value else { return "–" }
        return switch unit {
        case .money: Format.money(Money(value, currency))
        case .ratio: Format.percent(value)
        case .hours: "\(Format.number(value)) h"
        case .count: Format.number(value, decimals: 0)
        case .minutes: "\(Format.number(value, decimals: 0)) min"
        case .perEndpoint: Format.number(value, decimals: 2)
        case .days: "\(Format.number(value, decimals: 1)) d"
        }
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]

    private func monthName(_ month: YearMonth) -> String { "\(Self.monthNames[month.month - 1]) \(month.year)" }

    private func shortMonth(_ month: YearMonth) -> String {
        "\(Self.monthNames[month.month - 1].prefix(3)) \(String(format: "%02d", month.year % 100))"
    }

    static func billingName(_ model: Agreement.BillingModel) -> String {
        switch model {
        case .fixedFee: "Managed (fixed fee)"
        case .blockHours: "Block hours"
        case .timeAndMaterials: "Time and materials"
        case .licenseResale: "Licence resale"
        case .project: "Project"
        case .notRevenue: "Not revenue"
        }
    }

    // MARK: Agreements and clients

    private func agreements(_ request: Request, _ context: WebContext, csv: Bool) async throws -> Response {
        let (tenant, user, _) = try await company(context)
        let (first, last) = try await range(request, tenant)
        // The rows and their rendered table are computed once per data version: they are the same for every user.
        let view = try await cache.value(tenant: tenant.id, key: "agreements|\(first)|\(last)") { [store] in
            try await Self.agreementsView(store: store, tenant: tenant, first: first, last: last)
        }
        // Filters by client and billing model: the cached table serves the unfiltered page.
        let (client, model) = (parameter(request, "client"), parameter(request, "model"))
        let filtered = client.isEmpty && model.isEmpty
        let rows = filtered ? view.rows : view.rows.filter { (client.isEmpty || $0.companyID.rawValue == client) && (model.isEmpty || $0.billingModel.rawValue == model) }
        let body = filtered
            ? view.body
            : HTML(trusted: rows.map { Self.agreementRow($0, link: "/c/\(tenant.id.rawValue)/agreements/", period: "?month=\(last)&amp;months=\(first.distance(to: last) + 1)") }
                .map(\.markup).joined())
        let clientOptions = Dictionary(view.rows.map { ($0.companyID.rawValue, $0.companyName) }, uniquingKeysWith: { first, _ in first })
            .sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map { ($0.key, $0.value) }
        let modelOptions = Agreement.BillingModel.allCases.map { ($0.rawValue, Self.billingName($0)) }
        let filterQuery = "&amp;client=\(urlEncoded(client))&amp;model=\(urlEncoded(model))"
        if csv {
            return CSV.response(
                filename: "agreements-\(first)-\(last).csv",
                header: ["agreement_id", "agreement", "client_id", "client", "billing_model", "revenue", "labor_hours", "labor_cost", "addition_cost",
                         "profit", "margin", "shadow_billable", "labor_revenue", "efficiency", "effective_rate", "currency"],
                rows: rows.map { row in
                    [row.id.rawValue, row.name, row.companyID.rawValue, row.companyName, row.billingModel.rawValue, "\(row.revenue.amount)",
                     "\(row.laborHours.value)", "\(row.laborCost.amount)", "\(row.additionCost.amount)", "\(row.profit.amount)",
                     row.margin.map { "\($0)" } ?? "", "\(row.shadowBillable.amount)", row.laborRevenue.map { "\($0.amount)" } ?? "",
                     row.efficiency.map { "\($0)" } ?? "", row.effectiveRate.map { "\($0.amount)" } ?? "", row.revenue.currency.rawValue]
                })
        }
        let id = tenant.id.rawValue
        let months = first.distance(to: last) + 1
        return try Layout.page(title: "Agreements", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "agreements"), """
            <h1>Agreement profitability, \(first.description) to \(last.description)</h1>
            \(monthPicker("/c/\(id)/agreements", month: last, months: months, filters: [
                ("client", "Client", clientOptions, client), ("model", "Billing", modelOptions, model),
            ]))
            <p><a href="/c/\(id)/agreements.csv?month=\(last.description)&amp;months=\(months)\(HTML(trusted: filterQuery))">Download CSV</a> · least profitable first\
            \(filtered ? "" : " · \(rows.count) of \(view.rows.count) agreements")</p>
            <table><thead><tr><th>Client</th><th>Agreement</th><th>Billing</th><th class="num">Revenue</th><th class="num">Hours</th><th class="num">Labor cost</th>\
            <th class="num">Addition cost</th><th class="num">Profit</th><th class="num">Margin</th><th class="num">Effective rate</th>\
            <th class="num">Shadow billable</th><th class="num">Efficiency</th></tr></thead><tbody>\(body)</tbody></table>
            <p class="hint">Efficiency (fixed-fee agreements): labor revenue (revenue less the additions' product value) ÷ shadow billable \
            (hours × each time entry's hourly rate). 1.0 means priced at your hourly rates; 0.8–1.5 is the usual band. See docs/kpis.md.</p>
            """).response(from: request, context: context)
    }

    static func agreementRow(_ row: AgreementProfit, link: String, period: String) -> HTML {
        let effectiveRate = Format.money(row.effectiveRate)
        let efficiency = Format.number(row.efficiency, decimals: 2)
        return """
            <tr><td>\(row.companyName)</td><td><a href="\(link)\(row.id.rawValue)\(HTML(trusted: period))">\(row.name)</a></td><td>\(billingName(row.billingModel))</td><td class="num">\(Format.money(row.revenue))</td>\
            <td class="num">\(Format.number(row.laborHours.value))</td><td class="num">\(Format.money(row.laborCost))</td>\
            <td class="num">\(Format.money(row.additionCost))</td><td class="num\(row.profit.isNegative ? " neg" : "")">\(Format.money(row.profit))</td>\
            <td class="num">\(Format.percent(row.margin))</td><td class="num">\(effectiveRate)</td>\
            <td class="num">\(Format.money(row.shadowBillable))</td><td class="num">\(efficiency)</td></tr>
            """
    }

    /// The records behind one agreement's row: its invoices and its time by member.
    private func agreementDetail(_ request: Request, _ context: WebContext) async throws -> HTML {
        let (tenant, user, _) = try await company(context)
        let (first, last) = try await range(request, tenant)
        guard let id = context.parameters.get("agreement"),
            let detail = try await KPIEngine(store: store, tenant: tenant).agreementDetail(ID(id), from: first, to: last)
        else { throw WebError.notFound }
        let row = detail.profit
        let invoices: [HTML] = detail.invoices.map {
            "<tr><td>\($0.date.description)</td><td>\($0.number)</td><td class=\"num\">\(Format.money($0.subtotal))</td></tr>"
        }
        let timeLink = "/c/\(tenant.id.rawValue)/time?" + query([("month", last.description), ("months", "\(first.distance(to: last) + 1)"), ("agreement", id)])
        let labor: [HTML] = detail.labor.map {
            "<tr><td>\($0.memberName)</td><td class=\"num\"><a href=\"\(timeLink)&amp;member=\(urlEncoded($0.memberID.rawValue))\">\(Format.number($0.hours.value, decimals: 2))</a></td><td class=\"num\">\(Format.money($0.cost))</td></tr>"
        }
        return Layout.page(title: row.name, user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "agreements"), """
            <h1>\(row.companyName): \(row.name)</h1><p>\(Self.billingName(row.billingModel)), \(first.description) to \(last.description).
            <a href="/c/\(tenant.id.rawValue)/agreements?month=\(last.description)&amp;months=\(first.distance(to: last) + 1)">All agreements</a></p>
            <section class="tiles"><article class="tile"><h3>Revenue</h3><div class="value">\(Format.money(row.revenue))</div></article>
            <article class="tile"><h3>Labor cost</h3><div class="value">\(Format.money(row.laborCost))</div></article>
            <article class="tile"><h3>Addition cost</h3><div class="value">\(Format.money(row.additionCost))</div></article>
            <article class="tile"><h3>Profit</h3><div class="value">\(Format.money(row.profit))</div><span class="change">margin \(Format.percent(row.margin))</span></article></section>
            <h2>Invoices (revenue)</h2><table><thead><tr><th>Date</th><th>Number</th><th class="num">Subtotal</th></tr></thead><tbody>\(invoices)</tbody></table>
            <h2>Time by member (hours and labor cost) · <a href="\(timeLink)">every entry</a></h2><table><thead><tr><th>Member</th><th class="num">Hours</th><th class="num">Labor cost</th></tr></thead><tbody>\(labor)</tbody></table>
            <p class="hint">Addition cost: the agreement's additions in force on the 1st of each month, quantity × unit cost (see docs/kpis.md).</p>
            """)
    }

    /// The records behind one client's row: its agreements, invoices and time by member.
    private func clientDetail(_ request: Request, _ context: WebContext) async throws -> HTML {
        let (tenant, user, _) = try await company(context)
        let (first, last) = try await range(request, tenant)
        guard let id = context.parameters.get("client"),
            let detail = try await KPIEngine(store: store, tenant: tenant).clientDetail(ID(id), from: first, to: last)
        else { throw WebError.notFound }
        let row = detail.profit
        let link = "/c/\(tenant.id.rawValue)/agreements/"
        let period = "?month=\(last)&amp;months=\(first.distance(to: last) + 1)"
        let agreements: [HTML] = detail.agreements.map { Self.agreementRow($0, link: link, period: period) }
        let invoices: [HTML] = detail.invoices.map {
            "<tr><td>\($0.date.description)</td><td>\($0.number)</td><td class=\"num\">\(Format.money($0.subtotal))</td></tr>"
        }
        let timeLink = "/c/\(tenant.id.rawValue)/time?" + query([("month", last.description), ("months", "\(first.distance(to: last) + 1)"), ("client", id)])
        let labor: [HTML] = detail.labor.map {
            "<tr><td>\($0.memberName)</td><td class=\"num\"><a href=\"\(timeLink)&amp;member=\(urlEncoded($0.memberID.rawValue))\">\(Format.number($0.hours.value, decimals: 2))</a></td><td class=\"num\">\(Format.money($0.cost))</td></tr>"
        }
        return Layout.page(title: row.name, user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "clients"), """
            <h1>\(row.name), \(first.description) to \(last.description)</h1>
            <p>Rank \(row.rank), segment Q\(row.quintile). <a href="/c/\(tenant.id.rawValue)/clients\(HTML(trusted: period))">All clients</a></p>
            <section class="tiles"><article class="tile"><h3>Revenue</h3><div class="value">\(Format.money(row.revenue))</div></article>
            <article class="tile"><h3>Labor cost</h3><div class="value">\(Format.money(row.laborCost))</div></article>
            <article class="tile"><h3>Addition and product cost</h3><div class="value">\(Format.money(row.additionCost + row.productCost))</div></article>
            <article class="tile"><h3>Gross profit</h3><div class="value">\(Format.money(row.grossProfit))</div><span class="change">margin \(Format.percent(row.margin))</span></article></section>
            <h2>Agreements</h2><table><thead><tr><th>Client</th><th>Agreement</th><th>Billing</th><th class="num">Revenue</th><th class="num">Hours</th>\
            <th class="num">Labor cost</th><th class="num">Addition cost</th><th class="num">Profit</th><th class="num">Margin</th>\
            <th class="num">Effective rate</th><th class="num">Shadow billable</th><th class="num">Efficiency</th></tr></thead><tbody>\(agreements)</tbody></table>
            <h2>Invoices (revenue)</h2><table><thead><tr><th>Date</th><th>Number</th><th class="num">Subtotal</th></tr></thead><tbody>\(invoices)</tbody></table>
            <h2>Time by member (hours and labor cost) · <a href="\(timeLink)">every entry</a></h2><table><thead><tr><th>Member</th><th class="num">Hours</th><th class="num">Labor cost</th></tr></thead><tbody>\(labor)</tbody></table>
            <p class="hint">The invoices add up to the revenue, the time to the labor cost, the agreements' addition costs to the client's; \
            product cost is the product lines on these invoices (see docs/kpis.md).</p>
            """)
    }

    private func clients(_ request: Request, _ context: WebContext, csv: Bool) async throws -> Response {
        let (tenant, user, _) = try await company(context)
        let (first, last) = try await range(request, tenant)
        let segment = parameter(request, "segment")
        let rows = try await cache.value(tenant: tenant.id, key: "clients|\(first)|\(last)") { [store] in
            try await KPIEngine(store: store, tenant: tenant).clientProfits(from: first, to: last)
        }.sorted { $0.revenue.amount > $1.revenue.amount }.filter { segment.isEmpty || "\($0.quintile)" == segment }
        if csv {
            return CSV.response(
                filename: "clients-\(first)-\(last).csv",
                header: ["client_id", "client", "revenue", "labor_cost", "addition_cost", "product_cost", "gross_profit", "margin", "rank", "quintile", "currency"],
                rows: rows.map { row in
                    [row.id.rawValue, row.name, "\(row.revenue.amount)", "\(row.laborCost.amount)", "\(row.additionCost.amount)",
                     "\(row.productCost.amount)", "\(row.grossProfit.amount)", row.margin.map { "\($0)" } ?? "", "\(row.rank)",
                     "\(row.quintile)", row.revenue.currency.rawValue]
                })
        }
        let id = tenant.id.rawValue
        let body: [HTML] = rows.map { row in
            """
            <tr><td><a href="/c/\(id)/clients/\(row.id.rawValue)?month=\(last.description)&amp;months=\(first.distance(to: last) + 1)">\(row.name)</a></td>\
            <td class="num">\(Format.money(row.revenue))</td><td class="num">\(Format.money(row.laborCost))</td>\
            <td class="num">\(Format.money(row.additionCost))</td><td class="num">\(Format.money(row.productCost))</td>\
            <td class="num\(row.grossProfit.isNegative ? " neg" : "")">\(Format.money(row.grossProfit))</td><td class="num">\(Format.percent(row.margin))</td>\
            <td class="num">\(row.rank)</td><td class="num">Q\(row.quintile)</td></tr>
            """
        }
        let months = first.distance(to: last) + 1
        return try Layout.page(title: "Clients", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "clients"), """
            <h1>Client profitability, \(first.description) to \(last.description)</h1>
            \(monthPicker("/c/\(id)/clients", month: last, months: months, filters: [
                ("segment", "Segment", (1...5).map { ("\($0)", "Q\($0)") }, segment),
            ]))
            <p><a href="/c/\(id)/clients.csv?month=\(last.description)&amp;months=\(months)&amp;segment=\(urlEncoded(segment))">Download CSV</a> · largest first</p>
            <table><thead><tr><th>Client</th><th class="num">Revenue</th><th class="num">Labor cost</th><th class="num">Addition cost</th>\
            <th class="num">Product cost</th><th class="num">Gross profit</th><th class="num">Margin</th><th class="num">Rank</th>\
            <th class="num">Segment</th></tr></thead><tbody>\(body)</tbody></table>
            <p class="hint">Rank and segment by gross profit over the period: Q1 is the most profitable fifth of clients, Q5 the least.</p>
            """).response(from: request, context: context)
    }

    // MARK: Revenue and service desk trends

    enum TrendPage: String {
        case revenue, service, sales

        var title: String {
            switch self {
            case .revenue: "Revenue and MRR"
            case .service: "Service desk"
            case .sales: "Sales"
            }
        }
        var kpis: [String] {
            switch self {
            case .revenue:
                ["revenue", "mrr", "arr", "recurring_share", "revenue.managedServices", "revenue.licenseResale", "revenue.blockTime",
                 "revenue.timeAndMaterials", "revenue.projects", "revenue.products", "mrr.new", "mrr.expansion", "mrr.contraction",
                 "mrr.churn", "nrr", "revenue.top1_share", "revenue.top5_share", "revenue.top10_share", "effective_hourly_rate",
                 "unbilled_labor"]
            case .service:
                ["tickets.opened", "tickets.closed", "kill_rate", "same_day_close", "tickets.reactive", "endpoints", "tickets_per_endpoint",
                 "reactive_tickets_per_endpoint", "first_response.mean", "first_response.median", "resolution.mean", "resolution.median",
                 "reactive_hours_per_endpoint", "sla_compliance", "utilization"]
            case .sales:
                ["won", "won.recurring_value", "won.average_deal", "lost", "win_rate", "mrr.new", "mrr.churn"]
            }
        }
        var chartKPI: String {
            switch self {
            case .revenue: "mrr"
            case .service: "tickets.opened"
            case .sales: "won.recurring_value"
            }
        }
    }

    /// A KPI-by-month table over the chosen months, with a chart of the page's lead KPI and a CSV export.
    private func trendPage(_ request: Request, _ context: WebContext, page: TrendPage) async throws -> Response {
        let (tenant, user, _) = try await company(context)
        let (first, last) = try await range(request, tenant)
        let trend = try await cache.value(tenant: tenant.id, key: "trend|\(first)|\(last)") { [store] in
            try await KPIEngine(store: store, tenant: tenant).trend(from: first, to: last)
        }
        let kpis = page.kpis.compactMap { id in KPICatalogue.scorecard.first { $0.id == id } }
        if request.uri.queryParameters["format"] == "csv" {
            return CSV.response(
                filename: "\(page.rawValue)-\(first)-\(last).csv", header: ["kpi"] + trend.map(\.month.description),
                rows: kpis.map { kpi in [kpi.id] + trend.map { kpi.value(in: $0).map { "\($0)" } ?? "" } })
        }
        let id = tenant.id.rawValue
        let months = first.distance(to: last) + 1
        let header: [HTML] = trend.map { card in
            switch page {
            case .revenue: "<th class=\"num\"><a href=\"/c/\(id)/revenue/\(card.month.description)\">\(shortMonth(card.month))</a></th>"
            case .service: "<th class=\"num\"><a href=\"/c/\(id)/tickets?month=\(card.month.description)&amp;months=1\">\(shortMonth(card.month))</a></th>"
            case .sales: "<th class=\"num\"><a href=\"/c/\(id)/deals?month=\(card.month.description)&amp;months=1&amp;outcome=won\">\(shortMonth(card.month))</a></th>"
            }
        }
        let rows: [HTML] = kpis.map { kpi in
            let cells: [HTML] = trend.map { "<td class=\"num\">\(value(kpi.value(in: $0), unit: kpi.unit, currency: tenant.baseCurrency))</td>" }
            return "<tr><th>\(kpi.name.trimmingCharacters(in: .whitespaces))</th>\(cells)</tr>"
        }
        let lead = KPICatalogue.scorecard.first { $0.id == page.chartKPI }
        let chart: HTML? = lead.map { kpi in
            Chart.bars(trend.map { (shortMonth($0.month), kpi.value(in: $0) ?? 0) }, title: "\(kpi.name) by month") {
                self.value($0, unit: kpi.unit, currency: tenant.baseCurrency)
            }
        }
        // Numbers that exist only now (as last synced): the open pipeline, and the ticket backlog by age.
        var now: HTML?
        if page != .revenue {
            let today = tenant.calendar.day(of: .now)
            let position = try await cache.value(tenant: tenant.id, key: "position|\(today)") { [store] in
                try await KPIEngine(store: store, tenant: tenant).position(on: today)
            }
            if page == .sales {
                now = """
                    <section class="tiles"><article class="tile" data-kpi="pipeline"><h3><a href="/c/\(id)/deals?outcome=open">Open pipeline</a></h3><div class="value">\(Format.money(position.pipeline))</div>\
                    <span class="change">\(position.openDeals) open deals</span></article>\
                    <article class="tile" data-kpi="pipeline.weighted"><h3><a href="/c/\(id)/deals?outcome=open">Weighted pipeline</a></h3><div class="value">\(Format.money(position.weightedPipeline))</div></article></section>
                    """
            } else {
                let buckets: [HTML] = BusinessPosition.backlogBuckets.map { bucket in
                    "<tr><td><a href=\"/c/\(id)/tickets?span=open&amp;age=\(bucket.name)\">\(bucket.name) days</a></td><td class=\"num\" data-bucket=\"\(bucket.name)\">\(position.ticketBacklog[bucket.name] ?? 0)</td></tr>"
                }
                let boards = try await cache.value(tenant: tenant.id, key: "boards|\(first)|\(last)") { [store] in
                    try await KPIEngine(store: store, tenant: tenant).ticketsByBoard(from: first, to: last)
                }
                let boardRows: [HTML] = boards.map { board in
                    """
                    <tr><td>\(board.board)</td><td class="num"><a href="/c/\(id)/tickets?\(query([("month", last.description), ("months", "\(months)"), ("board", board.board)]))">\(board.opened)</a></td><td class="num">\(board.reactive)</td>\
                    <td class="num">\(board.closed)</td><td class="num">\(Format.percent(board.killRate))</td><td class="num">\(Format.percent(board.slaCompliance))</td></tr>
                    """
                }
                now = """
                    <section class="card"><h2>Open tickets today by age: \(position.openTickets)</h2>\
                    <table><thead><tr><th>Age</th><th class="num">Tickets</th></tr></thead><tbody>\(buckets)</tbody></table></section>
                    <section class="card"><h2>By board, \(first.description) to \(last.description)</h2>\
                    <table><thead><tr><th>Board</th><th class="num">Opened</th><th class="num">Reactive</th><th class="num">Closed</th>\
                    <th class="num">Kill rate</th><th class="num">SLA met</th></tr></thead><tbody>\(boardRows)</tbody></table></section>
                    """
            }
        }
        return try Layout.page(title: page.title, user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: page.rawValue), """
            <h1>\(page.title), \(first.description) to \(last.description)</h1>\(monthPicker("/c/\(id)/\(page.rawValue)", month: last, months: months))
            \(now)
            <p><a href="/c/\(id)/\(page.rawValue)?month=\(last.description)&amp;months=\(months)&amp;format=csv">Download CSV</a></p>
            <section class="card">\(chart)</section>
            <div class="scroll"><table><thead><tr><th>KPI</th>\(header)</tr></thead><tbody>\(rows)</tbody></table></div>
            """).response(from: request, context: context)
    }

    /// The invoices behind one month's revenue, by kind.
    private func revenueMonth(_ context: WebContext) async throws -> HTML {
        let (tenant, user, _) = try await company(context)
        guard let month = context.parameters.get("month").flatMap(YearMonth.init) else { throw WebError.notFound }
        let lines = try await KPIEngine(store: store, tenant: tenant).revenueLines(month)
        let zero = Money.zero(tenant.baseCurrency)
        let kinds: [HTML] = RevenueKind.allCases.map { kind in
            let total = lines.filter { $0.kind == kind }.reduce(zero) { $0 + $1.subtotal }
            return "<tr><td>\(kind.rawValue)</td><td class=\"num\" data-kind=\"\(kind.rawValue)\">\(Format.money(total))</td></tr>"
        }
        let rows: [HTML] = lines.map {
            "<tr><td>\($0.date.description)</td><td>\($0.number)</td><td>\($0.companyName)</td><td>\($0.kind.rawValue)</td><td class=\"num\">\(Format.money($0.subtotal))</td></tr>"
        }
        let total = lines.reduce(zero) { $0 + $1.subtotal }
        return Layout.page(title: "Revenue \(month)", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "revenue"), """
            <h1>Revenue of \(monthName(month)): <span data-kpi="revenue">\(Format.money(total))</span></h1>
            <p><a href="/c/\(tenant.id.rawValue)/revenue?month=\(month.description)">Revenue by month</a></p>
            <h2>By kind</h2><table><tbody>\(kinds)</tbody></table>
            <h2>Invoices</h2><table><thead><tr><th>Date</th><th>Number</th><th>Client</th><th>Kind</th><th class="num">Subtotal</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            <p class="hint">Subtotals before tax; credit memos count negative. The kind follows the invoice's agreement, else its project, \
            else products (docs/kpis.md, "Revenue").</p>
            """)
    }

    // MARK: Receivables, health, settings

    private func receivables(_ request: Request, _ context: WebContext) async throws -> HTML {
        let (tenant, user, _) = try await company(context)
        let month = try await month(request, tenant)
        let engine = KPIEngine(store: store, tenant: tenant)
        let ageing = try await engine.receivablesAgeing(on: month.lastDay)
        let clients = try await engine.receivablesByClient(on: month.lastDay)
        let risk: [HTML] = clients.map { client in
            """
            <tr\(client.atRisk ? " class=\"risk\"" : "")><td>\(client.name)</td><td class="num"><a href="/c/\(tenant.id.rawValue)/receivables/invoices?\(query([("month", month.description), ("client", client.id.rawValue)]))">\(client.openInvoices)</a></td>\
            <td class="num">\(Format.money(client.balance))</td><td class="num\(client.atRisk ? " neg" : "")">\(Format.money(client.over60))</td>\
            <td class="num">\(max(client.oldestDaysPastDue, 0))</td></tr>
            """
        }
        let order = ["current", "1-30", "31-60", "61-90", "90+"]
        let keys = order.filter { ageing.byBucket[$0] != nil } + ageing.byBucket.keys.filter { !order.contains($0) }.sorted()
        let rows: [HTML] = keys.map {
            "<tr><td><a href=\"/c/\(tenant.id.rawValue)/receivables/invoices?\(query([("month", month.description), ("bucket", $0)]))\">\($0)</a></td><td class=\"num\">\(Format.money(ageing.byBucket[$0]!))</td></tr>"
        }
        let chart = Chart.bars(keys.map { ($0, ageing.byBucket[$0]!.amount) }, title: "Open receivables by days past due") {
            Format.money(Money($0, tenant.baseCurrency))
        }
        return Layout.page(title: "Receivables", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "receivables"), """
            <h1>Receivables on \(ageing.asOf.description)</h1>\(monthPicker("/c/\(tenant.id.rawValue)/receivables", month: month))
            <section class="card">\(chart)</section>
            <table><thead><tr><th>Days past due</th><th class="num">Open</th></tr></thead><tbody>\(rows)</tbody></table>
            <p>Over 60 days: <strong>\(Format.money(ageing.over60))</strong> · clients at risk (a balance over 60 days past due): \
            <strong data-kpi="ar.clients_at_risk">\(clients.filter(\.atRisk).count)</strong></p>
            <h2>Open invoices by client, most at risk first</h2>
            <table><thead><tr><th>Client</th><th class="num">Open invoices</th><th class="num">Open balance</th><th class="num">Over 60 days</th>\
            <th class="num">Oldest, days past due</th></tr></thead><tbody>\(risk)</tbody></table>
            """)
    }

    private func health(_ context: WebContext) async throws -> HTML {
        let (tenant, user, _) = try await company(context)
        let findings = try await KPIEngine(store: store, tenant: tenant).dataHealth()
        let sections: [HTML] = findings.map { finding in
            let sample: [HTML] = finding.records.prefix(20).map { "<li>\($0)</li>" }
            return """
                <section class="card"><h2>\(finding.count == 0 ? "✓" : "⚠") \(finding.title) (\(finding.count))</h2>
                <p><strong>Why it matters:</strong> \(finding.impact)</p><p><strong>Fix in your PSA:</strong> \(finding.fix)</p>
                \(finding.count == 0 ? nil : HTML("<ul>\(sample)</ul>"))</section>
                """
        }
        return Layout.page(title: "Data health", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "health"),
            "<h1>Data health</h1><p>Numbers are only as good as the PSA records behind them. Each check names what to fix. What your boards, "
                + "agreement types and work types mean: <a href=\"/c/\(tenant.id.rawValue)/settings/classification\">how we read your PSA</a>.</p>\(sections)")
    }

    private func settingsPage(_ context: WebContext) async throws -> HTML {
        let (tenant, user, role) = try await company(context)
        let acceptances = try await store.eulaAcceptances(tenant: tenant.id)
        var rows: [HTML] = []
        for acceptance in acceptances {
            let who = try await store.user(acceptance.user)?.email ?? acceptance.user.rawValue
            rows.append("<tr><td>\(acceptance.version)</td><td>\(who)</td><td>\(Format.date(acceptance.acceptedAt))</td><td>\(acceptance.address)</td></tr>")
        }
        let credentials = try await store.credentials(tenant: tenant.id)
        let id = tenant.id.rawValue
        let members: [HTML] = try await store.members(of: tenant.id).map { "<tr><td>\($0.email)</td><td>\($0.role.rawValue)</td></tr>" }
        let roles: [HTML] = CompanyRole.allCases.filter { role.allows($0) }.sorted().map { "<option value=\"\($0.rawValue)\">\($0.rawValue)</option>" }
        let invite: HTML = """
            <form method="post" action="/c/\(id)/settings/invitations">\(Layout.csrf(context.csrfToken))<label>Invite someone as <select name="role">\(roles)</select></label> <button>Create invitation link</button></form>
            <p class="hint">Viewers read dashboards and exports; admins also manage credentials, syncs, users and API tokens; owners can do everything.</p>
            """
        return Layout.page(title: "Settings", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "settings"), """
            <h1>Settings</h1>
            <section class="card"><h2>Company</h2><table><tbody>
            <tr><th>Name</th><td>\(tenant.name)</td></tr><tr><th>PSA</th><td>\(tenant.psa.displayName)</td></tr>
            <tr><th>Currency</th><td>\(tenant.baseCurrency.rawValue)</td></tr><tr><th>Time zone</th><td>\(tenant.timeZoneIdentifier)</td></tr>
            <tr><th>Fiscal year starts</th><td>month \(tenant.fiscalYearStartMonth)</td></tr><tr><th>Your role</th><td>\(role.rawValue)</td></tr></tbody></table>
            <p><a href="/c/\(id)/settings/kpis">Which effective rate, utilization and gross margin the home page shows</a> · \
            <a href="/c/\(id)/settings/classification">How we read your PSA: boards, agreement types, work types</a></p></section>
            <section class="card"><h2>PSA credentials</h2><p>\(credentials.map { "Set on \(Format.date($0.setAt)) by \($0.setBy)." } ?? "Not set.")
            <a href="/c/\(id)/settings/credentials">Replace, test or remove</a> · <a href="/c/\(id)/guide">Set-up guide</a></p></section>
            \(role.allows(.admin) ? HTML("<section class=\"card\"><h2>API tokens</h2><p>Read this company's scorecards as JSON (see <a href=\"/openapi.json\">/openapi.json</a>).</p><form method=\"post\" action=\"/c/\(id)/settings/tokens\">\(Layout.csrf(context.csrfToken))<label>Name <input type=\"text\" name=\"name\" required maxlength=\"80\"></label> <button>Create token</button></form></section>") : nil)
            <section class="card"><h2>Users</h2><table><thead><tr><th>Email</th><th>Role</th></tr></thead><tbody>\(members)</tbody></table>
            \(role.allows(.admin) ? invite : nil)</section>
            <section class="card"><h2>Licence acceptances</h2><table><thead><tr><th>Version</th><th>Accepted by</th><th>When</th><th>From</th></tr></thead><tbody>\(rows)</tbody></table></section>
            """)
    }
}

/// CSV exports (RFC 4180), with cells that a spreadsheet would run as formulas neutralised.
enum CSV {
    static func response(filename: String, header: [String], rows: [[String]]) -> Response {
        var text = line(header)
        for row in rows { text += line(row) }
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\"", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func line(_ cells: [String]) -> String { cells.map(cell).joined(separator: ",") + "\r\n" }

    static func cell(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+@\t\r".contains(first) || (first == "-" && Decimal(string: value) == nil) { value = "'" + value }
        guard value.contains(where: { ",\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
