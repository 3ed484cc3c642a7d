import Foundation
import Hummingbird
import InsightCore
import InsightMetrics

/// The people page: utilization, cost, revenue attributed and efficiency per member over a period, with a CSV export.
extension WebApp {
    func addPeopleRoutes(to router: Router<WebContext>) {
        router.get("/c/:tenant/people") { request, context in try await people(request, context, csv: false) }
        router.get("/c/:tenant/people.csv") { request, context in try await people(request, context, csv: true) }
    }

    private func people(_ request: Request, _ context: WebContext, csv: Bool) async throws -> Response {
        let (tenant, user, _) = try await company(context)
        let (first, last) = try await range(request, tenant)
        let rows = try await cache.value(tenant: tenant.id, key: "people|\(first)|\(last)") { [store] in
            try await KPIEngine(store: store, tenant: tenant).memberKPIs(from: first, to: last)
        }
        if csv {
            return CSV.response(
                filename: "people-\(first)-\(last).csv",
                header: ["member_id", "member", "available_hours", "client_hours", "utilized_hours", "billable_hours", "utilization",
                         "billable_utilization", "realized_utilization", "labor_cost", "shadow_billable", "fixed_fee_revenue", "billable_value",
                         "revenue", "effective_rate", "efficiency", "late_entries", "currency"],
                rows: rows.map { row in
                    [row.id.rawValue, row.name, "\(row.availableHours.value)", "\(row.clientHours.value)", "\(row.utilizedHours.value)",
                     "\(row.billableHours.value)", row.utilization.map { "\($0)" } ?? "", row.billableUtilization.map { "\($0)" } ?? "",
                     row.realizedUtilization.map { "\($0)" } ?? "", "\(row.laborCost.amount)", "\(row.shadowBillable.amount)",
                     "\(row.fixedFeeRevenue.amount)", "\(row.billableValue.amount)", "\(row.revenue.amount)",
                     row.effectiveRate.map { "\($0.amount)" } ?? "", row.efficiency.map { "\($0)" } ?? "", "\(row.lateEntries)",
                     tenant.baseCurrency.rawValue]
                })
        }
        let body: [HTML] = rows.map { row in
            """
            <tr><td><a href="/c/\(tenant.id.rawValue)/time?\(query([("month", last.description), ("months", "\(first.distance(to: last) + 1)"), ("member", row.id.rawValue)]))">\(row.name)</a></td>\
            <td class="num">\(Format.number(row.availableHours.value, decimals: 0))</td>\
            <td class="num">\(Format.number(row.clientHours.value, decimals: 0))</td><td class="num">\(Format.percent(row.utilization))</td>\
            <td class="num">\(Format.percent(row.billableUtilization))</td><td class="num">\(Format.percent(row.realizedUtilization))</td>\
            <td class="num">\(Format.money(row.laborCost))</td><td class="num">\(Format.money(row.revenue))</td>\
            <td class="num">\(Format.money(row.effectiveRate))</td><td class="num">\(Format.number(row.efficiency, decimals: 2))</td>\
            <td class="num">\(row.lateEntries)</td></tr>
            """
        }
        let chart = Chart.bars(rows.compactMap { row in row.utilization.map { (String(row.name.prefix(14)), $0 * 100) } },
                               title: "Utilization by member, \(first) to \(last), percent") { "\(Format.number($0, decimals: 0))%" }
        let months = first.distance(to: last) + 1
        let id = tenant.id.rawValue
        return try Layout.page(title: "People", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "people"), """
            <h1>People, \(first.description) to \(last.description)</h1>
            \(monthPicker("/c/\(id)/people", month: last, months: months))
            <section class="card">\(chart)</section>
            <p><a href="/c/\(id)/people.csv?month=\(last.description)&amp;months=\(months)">Download CSV</a></p>
            <table><thead><tr><th>Member</th><th class="num">Available h</th><th class="num">Client h</th><th class="num">Utilization</th>\
            <th class="num">Billable</th><th class="num">Realized</th><th class="num">Labor cost</th><th class="num">Revenue</th>\
            <th class="num">Effective rate</th><th class="num">Efficiency</th><th class="num">Late entries</th></tr></thead><tbody>\(body)</tbody></table>
            <p class="hint">Available: weekdays × daily capacity less time off, in the months each person logged time. Utilization counts \
            work types marked utilized; billable, entries marked billable; realized, utilized client work. Revenue: each managed \
            agreement's labor revenue shared by hours, plus billable T&amp;M, block and project work as billed. Efficiency: that managed \
            revenue ÷ the same hours at the person's rates (1.0 = at your rates). See docs/kpis.md, "People".</p>
            """).response(from: request, context: context)
    }
}
