import Foundation
import Hummingbird
import InsightCore
import InsightMetrics
import InsightStore

/// "How we read your PSA": the company's classification of its own boards, agreement types, work types and recurring
/// products, each value with its record count, class and whether it was inferred or confirmed. Changing one shows which
/// numbers of the last complete month moved.
extension WebApp {
    func addClassificationRoutes(to router: Router<WebContext>) {
        router.get("/c/:tenant/settings/classification") { _, context in
            try await classificationPage(context, moved: nil)
        }
        router.post("/c/:tenant/settings/classification") { request, context -> HTML in
            let (tenant, _, _) = try await company(context, requiring: .admin)
            let fields = try await form(request, context)
            if fields["confirm_all"] != nil {
                try await store.confirmInferredClassification(tenant: tenant.id)
                return try await classificationPage(context, moved: nil)
            }
            guard let dimension = fields["dimension"].flatMap(ClassificationDimension.init(rawValue:)), let value = fields["value"],
                let className = fields["class"], dimension.classes.contains(className)
            else { throw WebError.invalidField("Choose a class for the value.") }
            guard try await store.classification(tenant: tenant.id).contains(where: { $0.dimension == dimension && $0.value == value }) else {
                throw WebError.invalidField("'\(value)' is not one of this company's \(dimension.title.lowercased()).")
            }
            let engine = KPIEngine(store: store, tenant: tenant)
            let month = try await engine.defaultMonth()
            let before = try await engine.scorecard(month)
            try await store.classify(tenant: tenant.id, dimension, value: value, as: className)
            let after = try await engine.scorecard(month)
            let moved = KPICatalogue.scorecard.compactMap { kpi -> Moved? in
                let (old, new) = (kpi.value(in: before), kpi.value(in: after))
                return old == new ? nil : Moved(name: kpi.name.trimmingCharacters(in: .whitespaces), before: old, after: new)
            }
            return try await classificationPage(
                context, moved: (summary: "\(value) is now \(dimension.label(of: className).lowercased()).", month: month, kpis: moved))
        }
        router.get("/api/v1/companies/:tenant/classification") { request, context -> Response in
            let tenant = try await apiTenant(request, context)
            let entries = try await store.classification(tenant: tenant.id)
            return try json(APIClassification(company: tenant.id.rawValue, entries: entries))
        }
    }

    struct Moved {
        var name: String
        var before: Decimal?
        var after: Decimal?
    }

    private func classificationPage(_ context: WebContext, moved: (summary: String, month: YearMonth, kpis: [Moved])?) async throws -> HTML {
        let (tenant, user, role) = try await company(context)
        var entries = try await store.classification(tenant: tenant.id)
        // A company synced before classifications existed: an admin's first look infers them (a viewer's page writes nothing).
        if entries.isEmpty, role.allows(.admin), try await store.inferClassification(tenant: tenant.id).isEmpty == false {
            entries = try await store.classification(tenant: tenant.id)
        }
        let id = tenant.id.rawValue
        let editable = role.allows(.admin)
        let sections: [HTML] = ClassificationDimension.allCases.compactMap { dimension in
            let rows = entries.filter { $0.dimension == dimension }
            guard !rows.isEmpty else { return nil }
            let lines: [HTML] = rows.map { entry in
                let options: [HTML] = dimension.classes.map {
                    "<option value=\"\($0)\"\($0 == entry.className ? " selected" : "")>\(dimension.label(of: $0))</option>"
                }
                let origin: HTML = entry.origin == .confirmed
                    ? "<span class=\"confirmed\">confirmed</span>" : "<span class=\"inferred\">inferred</span> <span class=\"hint\">\(entry.reason)</span>"
                let control: HTML = editable
                    ? """
                        <form method="post" action="/c/\(id)/settings/classification" class="inline">\(Layout.csrf(context.csrfToken))\
                        <input type="hidden" name="dimension" value="\(dimension.rawValue)"><input type="hidden" name="value" value="\(entry.value)">\
                        <select name="class" aria-label="Class of \(entry.value)">\(options)</select> <button>Save</button></form>
                        """
                    : "\(dimension.label(of: entry.className))"
                return "<tr data-value=\"\(entry.value)\"><td>\(entry.value)</td><td class=\"num\">\(entry.records)</td><td>\(control)</td><td>\(origin)</td></tr>"
            }
            return """
                <section class="card"><h2>\(dimension.title)</h2>
                <p class="hint">Moves: \(dimension.dependentKPIs.joined(separator: ", ")).</p>
                <table data-dimension="\(dimension.rawValue)"><thead><tr><th>Your value</th><th class="num">Records</th><th>Class</th><th>From</th></tr></thead>\
                <tbody>\(lines)</tbody></table></section>
                """
        }
        var banner: HTML?
        if let moved {
            let items: [HTML] = moved.kpis.map {
                "<li>\($0.name): \($0.before.map { "\($0)" } ?? "–") → <strong>\($0.after.map { "\($0)" } ?? "–")</strong></li>"
            }
            banner = """
                <section class="card notice" id="moved"><h2>Saved</h2><p>\(moved.summary) In \(moved.month.description), \
                \(moved.kpis.isEmpty ? HTML("no scorecard number moved.") : HTML("these numbers moved:"))</p><ul>\(items)</ul></section>
                """
        }
        let inferred = entries.filter { $0.origin == .inferred }.count
        let confirm: HTML? = editable && inferred > 0
            ? """
                <form method="post" action="/c/\(id)/settings/classification">\(Layout.csrf(context.csrfToken))\
                <input type="hidden" name="confirm_all" value="1"><button>These look right: confirm all \(inferred) inferred</button></form>
                """
            : nil
        return Layout.page(title: "How we read your PSA", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "settings"), """
            <h1>How we read your PSA</h1>
            <p>Your boards, agreement types and work types are named your way. PSA Insight inferred what each one means from your \
            data (the PSA's own flags and system values first, then names as hints); check them, and change any that are wrong. A \
            change recomputes every month it touches, with no new sync. Inferred classes follow your data until you confirm them.</p>
            \(banner)\(confirm)\(sections)
            \(entries.isEmpty ? HTML("<p>Nothing to classify yet: the first sync brings your boards, agreement types and work types.</p>") : nil)
            <p><a href="/c/\(id)/settings">Back to settings</a> · <a href="/c/\(id)/health">Data health</a></p>
            """)
    }
}

/// The company's classification, as the JSON API serves it.
struct APIClassification: Encodable {
    var company: String
    var entries: [ClassificationEntry]
}
