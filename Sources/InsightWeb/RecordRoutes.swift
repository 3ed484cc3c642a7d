import Foundation
import Hummingbird
import InsightCore
import InsightMetrics

/// The records behind the numbers: time entries, tickets and open invoices, filtered as the page that links to them
/// asks (a member, a client, an agreement, a billing model, a labor class, a board, an age), each with totals over
/// every matching record and a CSV export of all of them.
extension WebApp {
    func addRecordRoutes(to router: Router<WebContext>) {
        router.get("/c/:tenant/time") { request, context in try await time(request, context, csv: false) }
        router.get("/c/:tenant/time.csv") { request, context in try await time(request, context, csv: true) }
        router.get("/c/:tenant/tickets") { request, context in try await tickets(request, context, csv: false) }
        router.get("/c/:tenant/tickets.csv") { request, context in try await tickets(request, context, csv: true) }
        router.get("/c/:tenant/deals") { request, context in try await deals(request, context, csv: false) }
        router.get("/c/:tenant/deals.csv") { request, context in try await deals(request, context, csv: true) }
        router.get("/c/:tenant/receivables/invoices") { request, context in try await openInvoices(request, context, csv: false) }
        router.get("/c/:tenant/receivables/invoices.csv") { request, context in try await openInvoices(request, context, csv: true) }
    }

    /// How many lines a page lists; the CSV has every record.
    static let pageLines = 500
    static let exportLines = 1_000_000

    /// A query string of the non-empty `pairs`, values percent-encoded.
    func query(_ pairs: [(String, String)]) -> String {
        pairs.filter { !$0.1.isEmpty }.map { "\($0.0)=\(urlEncoded($0.1))" }.joined(separator: "&")
    }

    /// A choice from a fixed set: "" is none, anything else not in `values` is refused with the field's name.
    func choice<Value>(_ request: Request, _ name: String, _ values: [String: Value]) throws -> Value? {
        let text = parameter(request, name)
        guard !text.isEmpty else { return nil }
        guard let value = values[text] else {
            throw WebError.invalidField("'\(text)' is not a valid \(name): use one of \(values.keys.sorted().joined(separator: ", ")).")
        }
        return value
    }

    /// The company's clients as filter choices (id, name), cached until the next sync.
    func clientChoices(_ tenant: Tenant) async throws -> [(String, String)] {
        try await cache.value(tenant: tenant.id, key: "companies") { [store] in
            try await KPIEngine(store: store, tenant: tenant).companyNames().map { ($0.id.rawValue, $0.name) }
        }
    }

    static let laborClassNames: [(LaborClass, String)] = [
        (.reactive, "Reactive tickets"), (.proactive, "Proactive tickets"), (.project, "Projects"), (.other, "Other client work"),
        (.internal, "Internal"), (.timeOff, "Time off"),
    ]

    // MARK: Time entries

    private func time(_ request: Request, _ context: WebContext, csv: Bool) async throws -> Response {
        let (tenant, user, _) = try await company(context)
        let (first, last) = try await range(request, tenant)
        let (member, client, agreement) = (parameter(request, "member"), parameter(request, "client"), parameter(request, "agreement"))
        let project = parameter(request, "project")
        let model: Agreement.BillingModel? = try choice(request, "model", Dictionary(uniqueKeysWithValues: Agreement.BillingModel.allCases.map { ($0.rawValue, $0) }))
        let laborClass: LaborClass? = try choice(request, "class", Dictionary(uniqueKeysWithValues: LaborClass.allCases.map { ($0.rawValue, $0) }))
        let billable: Bool? = try choice(request, "billable", ["yes": true, "no": false])
        let filter = TimeFilter(
            from: first, to: last, member: member.isEmpty ? nil : ID(member), client: client.isEmpty ? nil : ID(client),
            agreement: agreement.isEmpty ? nil : ID(agreement), project: project.isEmpty ? nil : ID(project), billingModel: model,
            laborClass: laborClass, billable: billable)
        let records = try await KPIEngine(store: store, tenant: tenant).timeRecords(filter, limit: csv ? Self.exportLines : Self.pageLines)
        if csv {
            return CSV.response(
                filename: "time-\(first)-\(last).csv",
                header: ["time_entry_id", "work_date", "member_id", "member", "client_id", "client", "agreement_id", "agreement", "billing_model",
                         "labor_class", "billable_option", "hours", "hourly_rate", "labor_cost", "currency"],
                rows: records.lines.map { line in
                    [line.id.rawValue, line.date.description, line.memberID.rawValue, line.memberName, line.companyID?.rawValue ?? "", line.companyName,
                     line.agreementID?.rawValue ?? "", line.agreementName ?? "", line.billingModel?.rawValue ?? "", line.laborClass.rawValue,
                     line.billableOption.rawValue, "\(line.hours.value)", line.rate.map { "\($0.amount)" } ?? "", "\(line.cost.amount)",
                     tenant.baseCurrency.rawValue]
                })
        }
        let id = tenant.id.rawValue
        let months = first.distance(to: last) + 1
        let (memberName, clientName) = (records.lines.first { $0.memberID.rawValue == member }?.memberName, records.lines.first { $0.companyID?.rawValue == client }?.companyName)
        let agreementName = records.lines.first { $0.agreementID?.rawValue == agreement }?.agreementName
        let about = [memberName.map { "by \($0)" }, clientName.map { "for \($0)" }, agreementName.map { "on \($0)" },
                     project.isEmpty ? nil : "on project \(project)"].compactMap { $0 }
        let lines: [HTML] = records.lines.map { line in
            let client: HTML = line.companyID.map { "<a href=\"/c/\(id)/clients/\(urlEncoded($0.rawValue))?\(query([("month", last.description), ("months", "\(months)")]))\">\(line.companyName)</a>" } ?? ""
            let agreement: HTML = line.agreementID.map { "<a href=\"/c/\(id)/agreements/\(urlEncoded($0.rawValue))?\(query([("month", last.description), ("months", "\(months)")]))\">\(line.agreementName ?? $0.rawValue)</a>" } ?? ""
            return """
                <tr><td>\(line.date.description)</td><td>\(line.memberName)</td><td>\(client)</td><td>\(agreement)</td>\
                <td>\(Self.laborClassNames.first { $0.0 == line.laborClass }?.1 ?? line.laborClass.rawValue)</td><td>\(line.billableOption.rawValue)</td>\
                <td class="num">\(Format.number(line.hours.value, decimals: 2))</td><td class="num">\(Format.money(line.rate))</td><td class="num">\(Format.money(line.cost))</td></tr>
                """
        }
        let kept = [("member", member), ("client", client), ("agreement", agreement), ("project", project)]
        let chosen = [("model", model?.rawValue ?? ""), ("class", laborClass?.rawValue ?? ""), ("billable", billable.map { $0 ? "yes" : "no" } ?? "")]
        let csvLink = "/c/\(id)/time.csv?" + query([("month", last.description), ("months", "\(months)")] + kept + chosen)
        return try Layout.page(title: "Time entries", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "people"), """
            <h1>Time entries\(about.isEmpty ? "" : " " + about.joined(separator: " ")), \(first.description) to \(last.description)</h1>
            \(monthPicker("/c/\(id)/time", month: last, months: months, filters: [
                ("client", "Client", try await clientChoices(tenant), client),
                ("class", "Work", Self.laborClassNames.map { ($0.0.rawValue, $0.1) }, laborClass?.rawValue ?? ""),
                ("model", "Agreement", Agreement.BillingModel.allCases.map { ($0.rawValue, Self.billingName($0)) }, model?.rawValue ?? ""),
                ("billable", "Billable", [("yes", "Billable"), ("no", "Not billable")], billable.map { $0 ? "yes" : "no" } ?? ""),
            ], hidden: [("member", member), ("agreement", agreement), ("project", project)]))
            <section class="tiles"><article class="tile" data-kpi="time.entries"><h3>Entries</h3><div class="value">\(records.count)</div></article>\
            <article class="tile" data-kpi="time.hours"><h3>Hours</h3><div class="value">\(Format.number(records.hours.value, decimals: 2))</div></article>\
            <article class="tile" data-kpi="time.labor_cost"><h3>Labor cost</h3><div class="value">\(Format.money(records.laborCost))</div></article>\
            <article class="tile" data-kpi="time.shadow_billable"><h3>At hourly rates</h3><div class="value">\(Format.money(records.shadowBillable))</div></article></section>
            <p><a href="\(csvLink)">Download CSV</a> (every entry)\(records.count > records.lines.count ? " · the \(records.lines.count) most recent of \(records.count) shown" : "")</p>
            <table><thead><tr><th>Date</th><th>Member</th><th>Client</th><th>Agreement</th><th>Work</th><th>Billable</th>\
            <th class="num">Hours</th><th class="num">Rate</th><th class="num">Labor cost</th></tr></thead><tbody>\(lines)</tbody></table>
            <p class="hint">Labor cost: hours × the entry's hourly cost × its work type's cost multiplier; at hourly rates: hours × the \
            entry's rate (shadow billable). Work follows the ticket's service class, else the charge (docs/kpis.md, "Labor").</p>
            """).response(from: request, context: context)
    }

    // MARK: Tickets

    private func tickets(_ request: Request, _ context: WebContext, csv: Bool) async throws -> Response {
        let (tenant, user, _) = try await company(context)
        let (first, last) = try await range(request, tenant)
        let today = tenant.calendar.day(of: .now)
        let spanName = parameter(request, "span").isEmpty ? "opened" : parameter(request, "span")
        let age = parameter(request, "age")
        let span: TicketFilter.Span
        switch spanName {
        case "opened": span = .opened(first, last)
        case "closed": span = .closed(first, last)
        case "open":
            guard age.isEmpty || BusinessPosition.backlogBuckets.contains(where: { $0.name == age }) else {
                throw WebError.invalidField("'\(age)' is not a ticket age: use one of \(BusinessPosition.backlogBuckets.map(\.name).joined(separator: ", ")).")
            }
            span = .open(on: today, age: age.isEmpty ? nil : age)
        default: throw WebError.invalidField("'\(spanName)' is not a valid span: use opened, closed or open.")
        }
        let (client, board) = (parameter(request, "client"), parameter(request, "board"))
        let serviceClass: Ticket.ServiceClass? = try choice(request, "class", Dictionary(uniqueKeysWithValues: Ticket.ServiceClass.allCases.map { ($0.rawValue, $0) }))
        let sla: Bool? = try choice(request, "sla", ["met": true, "missed": false])
        let filter = TicketFilter(span, client: client.isEmpty ? nil : ID(client), board: board.isEmpty ? nil : board, serviceClass: serviceClass, slaMet: sla)
        let records = try await KPIEngine(store: store, tenant: tenant).ticketRecords(filter, limit: csv ? Self.exportLines : Self.pageLines)
        let zone = tenant.calendar.timeZone
        if csv {
            return CSV.response(
                filename: "tickets-\(spanName)-\(first)-\(last).csv",
                header: ["ticket_id", "summary", "client_id", "client", "board", "service_class", "priority", "status", "created", "closed", "sla_met"],
                rows: records.lines.map { line in
                    [line.id.rawValue, line.summary, line.companyID.rawValue, line.companyName, line.board, line.serviceClass.rawValue, line.priority,
                     line.status, CalendarDate(line.createdAt, in: zone).description, line.closedAt.map { CalendarDate($0, in: zone).description } ?? "",
                     line.slaMet.map { $0 ? "yes" : "no" } ?? ""]
                })
        }
        let id = tenant.id.rawValue
        let months = first.distance(to: last) + 1
        let lines: [HTML] = records.lines.map { line in
            let sla = line.slaMet.map { $0 ? "met" : "missed" } ?? ""
            return """
                <tr><td>\(line.id.rawValue)</td><td>\(line.summary)</td><td>\(line.companyName)</td><td>\(line.board)</td><td>\(line.serviceClass.rawValue)</td>\
                <td>\(line.priority)</td><td>\(line.status)</td><td>\(CalendarDate(line.createdAt, in: zone).description)</td>\
                <td>\(line.closedAt.map { CalendarDate($0, in: zone).description } ?? "")</td><td\(line.slaMet == false ? " class=\"neg\"" : "")>\(sla)</td></tr>
                """
        }
        let clientName = records.lines.first { $0.companyID.rawValue == client }?.companyName
        let title: String = switch span {
        case .opened: "Tickets opened, \(first) to \(last)"
        case .closed: "Tickets closed, \(first) to \(last)"
        case .open: "Open tickets on \(today)" + (age.isEmpty ? "" : ", \(age) days old")
        }
        let narrowed = [board.isEmpty ? nil : "board \(board)", clientName.map { "for \($0)" }].compactMap { $0 }
        let kept = [("client", client), ("age", age)]
        let chosen = [("span", spanName), ("board", board), ("class", serviceClass?.rawValue ?? ""), ("sla", sla.map { $0 ? "met" : "missed" } ?? "")]
        let csvLink = "/c/\(id)/tickets.csv?" + query([("month", last.description), ("months", "\(months)")] + kept + chosen)
        let boards = try await cache.value(tenant: tenant.id, key: "boards|\(first)|\(last)") { [store] in
            try await KPIEngine(store: store, tenant: tenant).ticketsByBoard(from: first, to: last)
        }
        return try Layout.page(title: "Tickets", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "service"), """
            <h1>\(title)\(narrowed.isEmpty ? "" : " (" + narrowed.joined(separator: ", ") + ")"): <span data-kpi="tickets.count">\(records.count)</span></h1>
            \(monthPicker("/c/\(id)/tickets", month: last, months: months, filters: [
                ("span", "Tickets", [("opened", "Opened in the period"), ("closed", "Closed in the period"), ("open", "Open today")], spanName),
                ("client", "Client", try await clientChoices(tenant), client),
                ("board", "Board", boards.map { ($0.board, $0.board) }, board),
                ("class", "Class", Ticket.ServiceClass.allCases.map { ($0.rawValue, $0.rawValue) }, serviceClass?.rawValue ?? ""),
                ("sla", "SLA", [("met", "Met"), ("missed", "Missed")], sla.map { $0 ? "met" : "missed" } ?? ""),
            ], hidden: [("age", age)]))
            <p><a href="\(csvLink)">Download CSV</a> (every ticket)\(records.count > records.lines.count ? " · the \(records.lines.count) newest of \(records.count) shown" : "")</p>
            <table><thead><tr><th>Ticket</th><th>Summary</th><th>Client</th><th>Board</th><th>Class</th><th>Priority</th><th>Status</th>\
            <th>Created</th><th>Closed</th><th>SLA</th></tr></thead><tbody>\(lines)</tbody></table>
            <p class="hint">Days are in the company's time zone (\(tenant.timeZoneIdentifier)). Opened and closed follow the service-desk \
            KPIs' definitions; open tickets are those not closed today, aged from their creation (docs/kpis.md, "Service desk").</p>
            """).response(from: request, context: context)
    }

    // MARK: Deals

    private func deals(_ request: Request, _ context: WebContext, csv: Bool) async throws -> Response {
        let (tenant, user, _) = try await company(context)
        let (first, last) = try await range(request, tenant)
        let outcome = try choice(request, "outcome", Dictionary(uniqueKeysWithValues: Opportunity.Outcome.allCases.map { ($0.rawValue, $0) })) ?? .won
        let lines = try await KPIEngine(store: store, tenant: tenant).deals(outcome, from: first, to: last)
        if csv {
            return CSV.response(
                filename: "deals-\(outcome.rawValue)-\(first)-\(last).csv",
                header: ["opportunity_id", "name", "client_id", "client", "stage", "outcome", "one_time_value", "monthly_recurring_value", "value",
                         "probability", "expected_close", "closed", "currency"],
                rows: lines.map { line in
                    [line.id.rawValue, line.name, line.companyID.rawValue, line.companyName, line.stage, line.outcome.rawValue,
                     "\(line.oneTimeValue.amount)", "\(line.recurringValue.amount)", "\(line.value.amount)", "\(line.probability)",
                     line.expectedCloseDate.description, line.closedDate?.description ?? "", tenant.baseCurrency.rawValue]
                })
        }
        let id = tenant.id.rawValue
        let months = first.distance(to: last) + 1
        let zero = Money.zero(tenant.baseCurrency)
        let total = lines.reduce(zero) { $0 + $1.value }
        let weighted = lines.reduce(zero) { $0 + Money($1.value.amount * $1.probability, tenant.baseCurrency) }
        let rows: [HTML] = lines.map { line in
            """
            <tr><td>\(line.name)</td><td>\(line.companyName)</td><td>\(line.stage)</td><td class="num">\(Format.money(line.oneTimeValue))</td>\
            <td class="num">\(Format.money(line.recurringValue))</td><td class="num">\(Format.money(line.value))</td><td class="num">\(Format.percent(line.probability, decimals: 0))</td>\
            <td>\(line.expectedCloseDate.description)</td><td>\(line.closedDate?.description ?? "")</td></tr>
            """
        }
        let title = outcome == .open ? "Open deals today" : "Deals \(outcome.rawValue), \(first) to \(last)"
        return try Layout.page(title: "Deals", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "sales"), """
            <h1>\(title): <span data-kpi="deals.count">\(lines.count)</span></h1>
            \(monthPicker("/c/\(id)/deals", month: last, months: months, filters: [
                ("outcome", "Deals", [("won", "Won in the period"), ("lost", "Lost in the period"), ("open", "Open today")], outcome.rawValue),
            ]))
            <section class="tiles"><article class="tile" data-kpi="deals.value"><h3>Value</h3><div class="value">\(Format.money(total))</div></article>\
            \(outcome == .open ? HTML("<article class=\"tile\" data-kpi=\"deals.weighted\"><h3>Weighted by probability</h3><div class=\"value\">\(Format.money(weighted))</div></article>") : nil)</section>
            <p><a href="/c/\(id)/deals.csv?\(query([("month", last.description), ("months", "\(months)"), ("outcome", outcome.rawValue)]))">Download CSV</a> · \
            <a href="/c/\(id)/sales?month=\(last.description)">Sales</a> · largest value first</p>
            <table><thead><tr><th>Deal</th><th>Client</th><th>Stage</th><th class="num">One-time</th><th class="num">Monthly recurring</th>\
            <th class="num">Value</th><th class="num">Probability</th><th>Expected close</th><th>Closed</th></tr></thead><tbody>\(rows)</tbody></table>
            <p class="hint">Value: one-time + 12 × monthly recurring, as the pipeline and the average deal count it. Won and lost deals \
            count in the month they closed (docs/kpis.md, "Sales").</p>
            """).response(from: request, context: context)
    }

    // MARK: Open invoices

    private func openInvoices(_ request: Request, _ context: WebContext, csv: Bool) async throws -> Response {
        let (tenant, user, _) = try await company(context)
        let month = try await month(request, tenant)
        let client = parameter(request, "client")
        let bucket = parameter(request, "bucket")
        guard bucket.isEmpty || ReceivablesAgeing.buckets.contains(bucket) else {
            throw WebError.invalidField("'\(bucket)' is not an ageing bucket: use one of \(ReceivablesAgeing.buckets.joined(separator: ", ")).")
        }
        let day = month.lastDay
        let invoices = try await KPIEngine(store: store, tenant: tenant).openInvoices(on: day, client: client.isEmpty ? nil : ID(client))
            .filter { bucket.isEmpty || $0.bucket == bucket }
            .sorted { ($0.daysPastDue, $1.number) > ($1.daysPastDue, $0.number) }
        if csv {
            return CSV.response(
                filename: "open-invoices-\(day).csv",
                header: ["invoice_id", "number", "client_id", "client", "invoice_date", "due_date", "days_past_due", "bucket", "total", "balance", "currency"],
                rows: invoices.map { invoice in
                    [invoice.id.rawValue, invoice.number, invoice.companyID.rawValue, invoice.companyName, invoice.date.description,
                     invoice.dueDate.description, "\(invoice.daysPastDue)", invoice.bucket, "\(invoice.total.amount)", "\(invoice.balance.amount)",
                     tenant.baseCurrency.rawValue]
                })
        }
        let id = tenant.id.rawValue
        let total = invoices.reduce(Money.zero(tenant.baseCurrency)) { $0 + $1.balance }
        let rows: [HTML] = invoices.map { invoice in
            """
            <tr><td>\(invoice.number)</td><td>\(invoice.companyName)</td><td>\(invoice.date.description)</td><td>\(invoice.dueDate.description)</td>\
            <td class="num\(invoice.daysPastDue > 60 ? " neg" : "")">\(max(invoice.daysPastDue, 0))</td><td>\(invoice.bucket)</td>\
            <td class="num">\(Format.money(invoice.total))</td><td class="num">\(Format.money(invoice.balance))</td></tr>
            """
        }
        let clientName = invoices.first?.companyName
        let about = [client.isEmpty ? nil : clientName.map { "of \($0)" }, bucket.isEmpty ? nil : "\(bucket) days past due"].compactMap { $0 }
        let csvLink = "/c/\(id)/receivables/invoices.csv?" + query([("month", month.description), ("client", client), ("bucket", bucket)])
        return try Layout.page(title: "Open invoices", user: user, csrf: context.csrfToken, nav: .init(tenant: tenant, current: "receivables"), """
            <h1>Open invoices\(about.isEmpty ? "" : " " + about.joined(separator: ", ")) on \(day.description): <span data-kpi="ar.open">\(Format.money(total))</span></h1>
            \(monthPicker("/c/\(id)/receivables/invoices", month: month, filters: [
                ("bucket", "Days past due", ReceivablesAgeing.buckets.map { ($0, $0) }, bucket),
            ], hidden: [("client", client)]))
            <p><a href="\(csvLink)">Download CSV</a> · <a href="/c/\(id)/receivables?month=\(month.description)">Receivables</a> · most days past due first</p>
            <table><thead><tr><th>Invoice</th><th>Client</th><th>Date</th><th>Due</th><th class="num">Days past due</th><th>Bucket</th>\
            <th class="num">Total</th><th class="num">Open balance</th></tr></thead><tbody>\(rows)</tbody></table>
            """).response(from: request, context: context)
    }
}

/// Where each scorecard number opens: the page or the records behind it, for a month.
enum DrillDown {
    /// The path (with query) behind KPI `id` in `month` for company `tenant`; `nil` when the number has no records
    /// of its own to show.
    static func path(for id: String, tenant: String, month: YearMonth) -> String? {
        let one = "month=\(month)&months=1"
        let base = "/c/\(tenant)"
        switch id {
        case "revenue", "recurring_share", "revenue.projects", "revenue.products", "revenue.per_member": return "\(base)/revenue/\(month)"
        case _ where id.hasPrefix("revenue.top"): return "\(base)/clients?\(one)"
        case _ where id.hasPrefix("revenue."): return "\(base)/revenue/\(month)"
        case "mrr", "arr", "nrr", "billed_users": return "\(base)/mrr?month=\(month)"
        case _ where id.hasPrefix("mrr."): return "\(base)/mrr?month=\(month)"
        case "labor.hours", "labor.cost": return "\(base)/time?\(one)"
        case "billable_hours", "utilization.billable": return "\(base)/time?\(one)&billable=yes"
        case "unbilled_labor", "unbilled_labor.hours": return "\(base)/time?\(one)&billable=yes"
        case "fixed_fee.hours", "fixed_fee.shadow_billable": return "\(base)/time?\(one)&model=fixedFee"
        case "reactive_hours_per_endpoint": return "\(base)/time?\(one)&class=reactive"
        case "members.active", "available_hours", "utilized_hours", "utilization", "normal_hours", "utilization.client",
             "time_entry.lag", "time_entry.late":
            return "\(base)/people?\(one)"
        case "fixed_fee.labor_revenue", "efficiency", "effective_hourly_rate.fixed_fee": return "\(base)/agreements?\(one)&model=fixedFee"
        case "effective_hourly_rate", "effective_hourly_rate.worked": return "\(base)/agreements?\(one)"
        case "gross_margin", "gross_margin.contribution", "gross_margin.after_all_labor", "addition_cost": return "\(base)/clients?\(one)"
        case "product_cost": return "\(base)/products?\(one)"
        case "tickets.opened", "tickets_per_endpoint", "kill_rate", "same_day_close", "sla_compliance": return "\(base)/tickets?\(one)"
        case "tickets.reactive", "reactive_tickets_per_endpoint", "first_response.mean", "first_response.median", "resolution.mean", "resolution.median":
            return "\(base)/tickets?\(one)&class=reactive"
        case "tickets.closed": return "\(base)/tickets?\(one)&span=closed"
        case "tickets.open": return "\(base)/tickets?span=open"
        case "ar.balance", "dso", "ar.over_60": return "\(base)/receivables/invoices?month=\(month)"
        case "won", "won.recurring_value", "win_rate", "won.average_deal": return "\(base)/deals?\(one)&outcome=won"
        case "lost": return "\(base)/deals?\(one)&outcome=lost"
        case "pipeline.deals", "pipeline", "pipeline.weighted": return "\(base)/deals?outcome=open"
        case "projects.budget_burn", "projects.over_budget": return "\(base)/projects"
        case "endpoints": return "\(base)/clients?\(one)"
        default: return nil
        }
    }
}
