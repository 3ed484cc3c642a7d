import Foundation
import Hummingbird
import InsightCore
import InsightMetrics

/// Projects (profit to date by billing method), product margins and the clients' price gap, each with a CSV export.
extension WebApp {
    func addProjectRoutes(to router: Router<WebContext>) {
        router.get("/c/:tenant/projects") { request, context in try await projects(request, context, csv: false) }
        router.get("/c/:tenant/projects.csv") { request, context in try await projects(request, context, csv: true) }
        router.get("/c/:tenant/products") { request, context in try await products(request, context, csv: false) }
        router.get("/c/:tenant/products.csv") { request, context in try await products(request, context, csv: true) }
        router.get("/c/:tenant/pricing") { request, context in try await pricing(request, context, csv: false) }
        router.get("/c/:tenant/pricing.csv") { request, context in try await pricing(request, context, csv: true) }
    }

    static func methodName(_ method: Project.BillingMethod) -> String {
        switch method {
        case .fixedFee: "Fixed fee"
        case .timeAndMaterials: "Time and materials"
        case .notToExceed: "Not to exceed"
        }
    }

    private func projects(_ request: Request, _ context: WebContext, csv: Bool) async throws -> Response {
        let (tenant, user, _) = try await company(context)
        let rows = try await cache.value(tenant: tenant.id, key: "projects") { [store] in
            try await KPIEngine(store: store, tenant: tenant).projectProfits()
        }.sorted { ($0.closed ? 1 : 0, $0.margin ?? 0) < ($1.closed ? 1 : 0, $1.margin ?? 0) }
        if csv {
            return CSV.response(
                filename: "projects.csv",
                header: ["project_id", "project", "client_id", "client", "billing_method", "closed", "revenue", "labor_hours", "budget_hours",
                         "labor_cost", "product_cost", "profit", "margin", "currency"],
                rows: rows.map { row in
                    [row.id.rawValue, row.name, row.companyID.rawValue, row.companyName, row.billingMethod.rawValue, row.closed ? "yes" : "no",
                     "\(row.revenue.amount)", "\(row.laborHours.value)", row.budgetHours.map { "\($0.value)" } ?? "", "\(row.laborCost.amount)",
                     "\(row.productCost.amount)", "\(row.profit.amount)", row.margin.map { "\($0)" } ?? "", row.revenue.currency.rawValue]
                })
        }
        let totals = ProjectTotals.byMethod(rows, currency: tenant.baseCurrency)
        // Hours to date open the project's time entries of the last five years (the longest period a page shows).
        let thisMonth = tenant.calendar.month(of: .now)
        let tiles: [HTML] = Project.BillingMethod.allCases.compactMap { method in
            guard let total = totals[method], total.projects > 0 else { return nil }
            return """
                <article class="tile" data-kpi="projects.margin.\(method.rawValue)"><h3>\(Self.methodName(method)) margin</h3>\
                <div class="value">\(Format.percent(total.margin))</div><span class="change">\(total.projects) projects · \
                profit \(Format.money(total.profit)) on \(Format.money(total.revenue))</span></article>
                """
        }
        let body: [HTML] = rows.map { row in
            """
            <tr><td>\(row.companyName)</td><td>\(row.name)</td><td>\(Self.methodName(row.billingMethod))</td><td>\(row.closed ? "Closed" : "Open")</td>\
            <td class="num">\(Format.money(row.revenue))</td><td class="num"><a href="/c/\(tenant.id.rawValue)/time?\(query([("month", thisMonth.description), ("months", "60"), ("project", row.id.rawValue)]))">\(Format.number(row.laborHours.value))</a></td>\
            <td class="num">\(Format.number(row.budgetHours?.value))</td><td class="num">\(Format.money(row.laborCost))</td>\
            <td class="num\(row.profit.isNegative ? " neg" : "")">\(Format.money(row.profit))</td><td class="num">\(Format.percent(row.margin))</td></tr>
            """
        }
        return try Layout.page(title: "Projects", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "projects"), """
            <h1>Project profitability to date</h1>
            <section class="tiles">\(tiles)</section>
            <p><a href="/c/\(tenant.id.rawValue)/projects.csv">Download CSV</a> · open projects first, least profitable first</p>
            <table><thead><tr><th>Client</th><th>Project</th><th>Billing</th><th>Status</th><th class="num">Invoiced</th>\
            <th class="num">Hours</th><th class="num">Budget hours</th><th class="num">Labor cost</th><th class="num">Profit</th>\
            <th class="num">Margin</th></tr></thead><tbody>\(body)</tbody></table>
            <p class="hint">Everything invoiced and worked on each project since it started, as last synced. A fixed-fee project \
            shows its down payment before the work and its last progress invoice at the end, so its margin moves while it runs.</p>
            """).response(from: request, context: context)
    }

    private func products(_ request: Request, _ context: WebContext, csv: Bool) async throws -> Response {
        let (tenant, user, _) = try await company(context)
        let (first, last) = try await range(request, tenant)
        let items = try await cache.value(tenant: tenant.id, key: "products|\(first)|\(last)") { [store] in
            try await KPIEngine(store: store, tenant: tenant).productMargins(from: first, to: last)
        }
        if csv {
            return CSV.response(
                filename: "products-\(first)-\(last).csv",
                header: ["category", "catalog_item", "is_product", "lines", "quantity", "revenue", "cost", "profit", "margin", "lines_without_cost", "currency"],
                rows: items.map { item in
                    [item.category, item.catalogItem, item.isProduct ? "yes" : "no", "\(item.lines)", "\(item.quantity)", "\(item.revenue.amount)",
                     "\(item.cost.amount)", "\(item.profit.amount)", item.margin.map { "\($0)" } ?? "", "\(item.linesWithoutCost)",
                     item.revenue.currency.rawValue]
                })
        }
        func row(_ item: ProductMargin, label: String) -> HTML {
            """
            <tr><td>\(label)</td><td class="num">\(item.lines)</td><td class="num">\(Format.number(item.quantity, decimals: 0))</td>\
            <td class="num">\(Format.money(item.revenue))</td><td class="num">\(Format.money(item.cost))</td>\
            <td class="num\(item.profit.isNegative ? " neg" : "")">\(Format.money(item.profit))</td><td class="num">\(Format.percent(item.margin))</td>\
            <td class="num">\(item.linesWithoutCost)</td></tr>
            """
        }
        let categories: [HTML] = ProductMargin.byCategory(items, currency: tenant.baseCurrency).map { row($0, label: $0.category) }
        let lines: [HTML] = items.sorted { ($0.margin ?? 0) < ($1.margin ?? 0) }.map { row($0, label: "\($0.category) · \($0.catalogItem)") }
        let header: HTML = """
            <thead><tr><th>Item</th><th class="num">Lines</th><th class="num">Quantity</th><th class="num">Revenue</th><th class="num">Cost</th>\
            <th class="num">Profit</th><th class="num">Margin</th><th class="num">Lines without cost</th></tr></thead>
            """
        let months = first.distance(to: last) + 1
        let id = tenant.id.rawValue
        return try Layout.page(title: "Products", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "products"), """
            <h1>Product margins, \(first.description) to \(last.description)</h1>
            \(monthPicker("/c/\(id)/products", month: last, months: months))
            <p><a href="/c/\(id)/products.csv?month=\(last.description)&amp;months=\(months)">Download CSV</a></p>
            <h2>By category</h2><table>\(header)<tbody>\(categories)</tbody></table>
            <h2>By catalog item, lowest margin first</h2><table>\(header)<tbody>\(lines)</tbody></table>
            <p class="hint">Product lines on invoices dated in the period: quantity × unit price against quantity × unit cost. A line \
            without a cost counts as free and makes its margin look better than it is: set the cost on the product in the PSA.</p>
            """).response(from: request, context: context)
    }

    private func pricing(_ request: Request, _ context: WebContext, csv: Bool) async throws -> Response {
        let (tenant, user, _) = try await company(context)
        let month = try await self.month(request, tenant)
        let gaps = try await cache.value(tenant: tenant.id, key: "pricing|\(month)") { [store] in
            try await KPIEngine(store: store, tenant: tenant).clientPriceGaps(endingIn: month)
        }.filter { !$0.invoicedLabor.isZero || !$0.shadowBillable.isZero }.sorted { $0.gap.amount < $1.gap.amount }
        let first = month.advanced(by: -2)
        if csv {
            return CSV.response(
                filename: "price-gap-\(first)-\(month).csv",
                header: ["client_id", "client", "invoiced_labor", "shadow_billable", "price_gap", "ratio", "currency"],
                rows: gaps.map { gap in
                    [gap.id.rawValue, gap.name, "\(gap.invoicedLabor.amount)", "\(gap.shadowBillable.amount)", "\(gap.gap.amount)",
                     gap.ratio.map { "\($0)" } ?? "", gap.invoicedLabor.currency.rawValue]
                })
        }
        let body: [HTML] = gaps.map { gap in
            let verdict = gap.gap.isNegative ? "Under-priced" : gap.gap.isZero ? "At your rates" : "Over-priced: at risk"
            return """
                <tr><td><a href="/c/\(tenant.id.rawValue)/clients/\(urlEncoded(gap.id.rawValue))?\(query([("month", month.description), ("months", "3")]))">\(gap.name)</a></td><td class="num">\(Format.money(gap.invoicedLabor))</td><td class="num">\(Format.money(gap.shadowBillable))</td>\
                <td class="num\(gap.gap.isNegative ? " neg" : "")">\(Format.money(gap.gap))</td><td class="num">\(Format.number(gap.ratio, decimals: 2))</td>\
                <td>\(verdict)</td></tr>
                """
        }
        let id = tenant.id.rawValue
        return try Layout.page(title: "Price gap", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "pricing"), """
            <h1>Price gap, \(first.description) to \(month.description)</h1>
            \(monthPicker("/c/\(id)/pricing", month: month))
            <p><a href="/c/\(id)/pricing.csv?month=\(month.description)">Download CSV</a> · most under-priced first</p>
            <table><thead><tr><th>Client</th><th class="num">Invoiced labor</th><th class="num">Shadow billable</th><th class="num">Gap</th>\
            <th class="num">Invoiced ÷ shadow</th><th>Reading</th></tr></thead><tbody>\(body)</tbody></table>
            <p class="hint">Three months of labor invoiced on managed, block and T&amp;M agreements (managed agreements less the \
            product value of their additions) against the same hours at each time entry's hourly rate. A negative gap means the \
            work is worth more than the client pays: a price rise to discuss. A large positive gap is a client paying well above \
            the work: at risk when a competitor quotes.</p>
            """).response(from: request, context: context)
    }
}

/// The MRR bridge: how recurring revenue moved into the chosen month, as a waterfall, and the last 12 months.
extension WebApp {
    func addMRRRoutes(to router: Router<WebContext>) {
        router.get("/c/:tenant/mrr") { request, context in try await mrrBridge(request, context, csv: false) }
        router.get("/c/:tenant/mrr.csv") { request, context in try await mrrBridge(request, context, csv: true) }
    }

    private func mrrBridge(_ request: Request, _ context: WebContext, csv: Bool) async throws -> Response {
        let (tenant, user, _) = try await company(context)
        let month = try await self.month(request, tenant)
        let trend = try await KPIEngine(store: store, tenant: tenant).trend(from: month.advanced(by: -11), to: month)
        if csv {
            return CSV.response(
                filename: "mrr-bridge-\(month.advanced(by: -11))-\(month).csv",
                header: ["month", "start_mrr", "new", "expansion", "contraction", "churn", "end_mrr", "new_clients", "churned_clients",
                         "recurring_clients", "net_revenue_retention", "currency"],
                rows: trend.map { card in
                    let bridge = card.mrrBridge
                    return [card.month.description, "\(bridge.start.amount)", "\(bridge.new.amount)", "\(bridge.expansion.amount)",
                            "\(bridge.contraction.amount)", "\(bridge.churn.amount)", "\(bridge.end.amount)", "\(bridge.newClients)",
                            "\(bridge.churnedClients)", "\(bridge.clients)", card.netRevenueRetention.map { "\($0)" } ?? "", card.currency.rawValue]
                })
        }
        // Invariant: a 12-month trend has a last element.
        let bridge = trend[trend.count - 1].mrrBridge
        let chart = Chart.waterfall([
            ("Start", .total(bridge.start.amount)), ("New", .up(bridge.new.amount)), ("Expansion", .up(bridge.expansion.amount)),
            ("Contraction", .down(bridge.contraction.amount)), ("Churn", .down(bridge.churn.amount)), ("End", .total(bridge.end.amount)),
        ], title: "MRR bridge into \(month), \(tenant.baseCurrency)") { Format.money(Money($0, tenant.baseCurrency)) }
        let rows: [HTML] = trend.reversed().map { card in
            let bridge = card.mrrBridge
            return """
                <tr><td>\(card.month.description)</td><td class="num">\(Format.money(bridge.start))</td><td class="num">\(Format.money(bridge.new))</td>\
                <td class="num">\(Format.money(bridge.expansion))</td><td class="num">\(Format.money(bridge.contraction))</td>\
                <td class="num">\(Format.money(bridge.churn))</td><td class="num">\(Format.money(bridge.end))</td>\
                <td class="num">\(bridge.newClients) / \(bridge.churnedClients)</td><td class="num">\(Format.percent(card.netRevenueRetention))</td></tr>
                """
        }
        let id = tenant.id.rawValue
        return try Layout.page(title: "MRR bridge", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "mrr"), """
            <h1>MRR bridge, \(month.description)</h1>
            \(monthPicker("/c/\(id)/mrr", month: month))
            <section class="card" data-kpi="mrr.bridge">\(chart)</section>
            <p><a href="/c/\(id)/mrr.csv?month=\(month.description)">Download CSV</a></p>
            <table><thead><tr><th>Month</th><th class="num">Start</th><th class="num">New</th><th class="num">Expansion</th>\
            <th class="num">Contraction</th><th class="num">Churn</th><th class="num">End</th><th class="num">Clients won / lost</th>\
            <th class="num">Net retention</th></tr></thead><tbody>\(rows)</tbody></table>
            <p class="hint">Each client's MRR (managed and licence agreement invoices of the month) against the month before: \
            new clients, growth and decline of existing ones, and clients whose MRR stopped. End = start + new + expansion − \
            contraction − churn. See docs/kpis.md.</p>
            """).response(from: request, context: context)
    }
}
