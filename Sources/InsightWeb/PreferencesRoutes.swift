import Foundation
import Hummingbird
import InsightCore
import InsightMetrics
import InsightStore

/// Which variant of effective rate, utilization and gross margin the company reads on its home dashboard.
extension WebApp {
    func addPreferencesRoutes(to router: Router<WebContext>) {
        router.get("/c/:tenant/settings/kpis") { _, context in try await preferencesPage(context) }
        router.post("/c/:tenant/settings/kpis") { request, context -> Response in
            var (tenant, _, _) = try await company(context, requiring: .admin)
            let fields = try await form(request, context)
            guard let rate = fields["effective_rate"].flatMap(KPIPreferences.EffectiveRate.init(rawValue:)),
                  let utilization = fields["utilization"].flatMap(KPIPreferences.Utilization.init(rawValue:)),
                  let margin = fields["gross_margin"].flatMap(KPIPreferences.GrossMargin.init(rawValue:))
            else { throw WebError.invalidField("Choose one variant of each number.") }
            tenant.kpiPreferences = KPIPreferences(effectiveRate: rate, utilization: utilization, grossMargin: margin)
            try await store.save(tenant)
            return Response(status: .seeOther, headers: [.location: "/c/\(tenant.id.rawValue)/"])
        }
    }

    private func preferencesPage(_ context: WebContext) async throws -> HTML {
        let (tenant, user, role) = try await company(context)
        let chosen = tenant.kpiPreferences
        func choices(_ name: String, _ options: [(id: String, value: String, selected: Bool)]) -> HTML {
            let items: [HTML] = options.map { option in
                let kpi = KPICatalogue.definition(option.id)
                return """
                    <li><label><input type="radio" name="\(name)" value="\(option.value)"\(option.selected ? " checked" : "")\(role.allows(.admin) ? "" : " disabled")> \
                    <strong>\(kpi?.name ?? option.id)</strong> <code>\(option.id)</code></label></li>
                    """
            }
            return "<ul class=\"choices\">\(items)</ul>"
        }
        let rates = choices("effective_rate", KPIPreferences.EffectiveRate.allCases.map { (KPICatalogue.id(of: $0), $0.rawValue, $0 == chosen.effectiveRate) })
        let utilizations = choices("utilization", KPIPreferences.Utilization.allCases.map { (KPICatalogue.id(of: $0), $0.rawValue, $0 == chosen.utilization) })
        let margins = choices("gross_margin", KPIPreferences.GrossMargin.allCases.map { (KPICatalogue.id(of: $0), $0.rawValue, $0 == chosen.grossMargin) })
        return Layout.page(title: "Numbers", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "settings"), """
            <section class="narrow card"><h1>Which numbers the home page shows</h1>
            <p>The industry computes these three in more than one way. Every variant is on the full scorecard and in the API; \
            choose the one your team reads on the home page. The definitions are in docs/kpis.md, "Variants".</p>
            <form method="post" action="/c/\(tenant.id.rawValue)/settings/kpis">\(Layout.csrf(context.csrfToken))
            <fieldset><legend>Effective hourly rate</legend>\(rates)<p class="hint">Services revenue (without products and licence resale) \
            over hours on client work, over every hour worked, or fixed-fee labor revenue over fixed-fee hours (MSPCFO).</p></fieldset>
            <fieldset><legend>Utilization</legend>\(utilizations)<p class="hint">Hours of work types counted as utilized over available hours; \
            billable hours over available hours (MSPbots); or client hours over 8 hours a weekday (MSPCFO).</p></fieldset>
            <fieldset><legend>Gross margin</legend>\(margins)<p class="hint">After third-party costs and client labor; after third-party costs \
            only (contribution); or after every hour of labor, internal and time off included ("net of W2").</p></fieldset>
            \(role.allows(.admin) ? HTML("<button>Save</button>") : HTML("<p class=\"hint\">Only an admin or owner can change them.</p>"))</form></section>
            """)
    }
}
