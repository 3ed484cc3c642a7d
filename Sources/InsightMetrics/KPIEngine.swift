import Foundation
public import InsightCore
public import InsightStore
import SQLKit

/// Computes the KPIs of one tenant from the store, on SQLite or PostgreSQL.
///
/// Every sum runs in SQL over the fixed-point columns (exact), grouped so that only a few rows per month come
/// back; products of two stored values (hours × cost × multiplier) are summed by SQL per distinct rate and
/// multiplied in `Decimal` here, so money stays exact. Records deleted in the PSA are left out everywhere.
public struct KPIEngine: Sendable {
    public let store: Store
    public let tenant: Tenant
    /// How fixed-fee agreement revenue splits into product and labor (MSPCFO's defaults unless set).
    public var componentRules: ComponentRules

    public init(store: Store, tenant: Tenant, componentRules: ComponentRules = .standard) {
        self.store = store
        self.tenant = tenant
        self.componentRules = componentRules
    }

    var currency: CurrencyCode { tenant.baseCurrency }
    var timeZone: TimeZone { tenant.calendar.timeZone }
    var zero: Money { Money.zero(currency) }

    /// The scorecard of `month`.
    public func scorecard(_ month: YearMonth) async throws -> MonthScorecard {
        // Invariant: a one-month trend has one element.
        try await trend(from: month, to: month)[0]
    }

    /// The scorecard of each of `months` (consecutive, in order) computed from the records: one query per measure for
    /// the whole span. ``trend(from:to:)`` serves them from the scorecard rollup when it can.
    func computeTrend(_ months: [YearMonth]) async throws -> [MonthScorecard] {
        guard !months.isEmpty else { return [] }
        try await refreshLaborRollup()
        let revenue = try await revenueByMonth(months)
        let labor = try await laborByMonth(months)
        let capacity = try await capacityByMonth(months)
        let tickets = try await ticketsByMonth(months)
        let endpoints = try await endpointsByMonth(months)
        let sales = try await salesByMonth(months)
        let bridges = try await mrrBridgeByMonth(months)
        let concentration = try await concentrationByMonth(months)
        let flow = try await ticketFlowByMonth(months, tickets: tickets)
        let time = try await timeByMonth(months)
        let additions = try await additionsByMonth(months)
        let productCost = try await productCostByMonth(months)
        return months.map { month in
            let revenueKinds = revenue[month]?.byKind ?? [:]
            let total = Money.sum(revenueKinds.values, currency: currency)
            let mrr = revenue[month]?.mrr ?? 0
            let services = total - (revenueKinds[.products] ?? zero) - (revenueKinds[.licenseResale] ?? zero)
            let work = labor[month] ?? LaborMonth()
            let clientHours = work.hours.filter { $0.key != .internal && $0.key != .timeOff }.values.sum()
            let available = capacity[month]?.hours ?? .zero
            let entries = time[month] ?? TimeMonth()
            let ticket = tickets[month] ?? TicketMonth()
            let nodes = endpoints[month] ?? 0
            let deals = sales[month] ?? SalesMonth()
            let shares = concentration[month] ?? Concentration()
            let ticketFlow = flow[month] ?? TicketFlow()
            let bridge = bridges[month] ?? MRRBridge(
                start: zero, new: zero, expansion: zero, contraction: zero, churn: zero, end: zero, newClients: 0, churnedClients: 0, clients: 0)
            return MonthScorecard(
                month: month, currency: currency, revenue: total,
                revenueByKind: Dictionary(uniqueKeysWithValues: RevenueKind.allCases.map { ($0.rawValue, revenueKinds[$0] ?? zero) }),
                mrr: Money(mrr, currency), arr: Money(mrr * 12, currency),
                recurringShare: total.isZero ? nil : mrr / total.amount,
                laborHours: Dictionary(uniqueKeysWithValues: LaborClass.allCases.map { ($0.rawValue, work.hours[$0] ?? .zero) }),
                laborCost: Dictionary(uniqueKeysWithValues: LaborClass.allCases.map { ($0.rawValue, Money(work.cost[$0] ?? 0, currency)) }),
                effectiveHourlyRate: clientHours == .zero ? nil : Money(services.amount / clientHours.value, currency),
                availableHours: available, utilizedHours: work.utilized,
                utilization: available.value > 0 ? work.utilized.value / available.value : nil,
                ticketsOpened: ticket.opened, reactiveTickets: ticket.reactive, endpoints: nodes,
                ticketsPerEndpoint: nodes > 0 ? Decimal(ticket.opened) / Decimal(nodes) : nil,
                reactiveTicketsPerEndpoint: nodes > 0 ? Decimal(ticket.reactive) / Decimal(nodes) : nil,
                meanFirstResponseMinutes: ticket.responses > 0 ? Decimal(ticket.responseMilliseconds) / 60_000 / Decimal(ticket.responses) : nil,
                meanResolutionMinutes: ticket.resolutions > 0 ? Decimal(ticket.resolutionMilliseconds) / 60_000 / Decimal(ticket.resolutions) : nil,
                slaCompliance: ticket.slaDecided > 0 ? Decimal(ticket.slaMet) / Decimal(ticket.slaDecided) : nil,
                won: deals.won, wonOneTimeValue: Money(deals.wonOneTime, currency), wonRecurringValue: Money(deals.wonRecurring, currency),
                lost: deals.lost, lostOneTimeValue: Money(deals.lostOneTime, currency), lostRecurringValue: Money(deals.lostRecurring, currency),
                mrrBridge: bridge, revenueShareTop1: shares.top1, revenueShareTop5: shares.top5, revenueShareTop10: shares.top10,
                ticketsClosed: ticketFlow.closed, sameDayClosed: ticketFlow.sameDay,
                medianFirstResponseMinutes: ticketFlow.medianFirstResponseMinutes, medianResolutionMinutes: ticketFlow.medianResolutionMinutes,
                unbilledLaborHours: Hours(entries.unbilledHours), unbilledLabor: Money(entries.unbilledValue, currency),
                activeMembers: capacity[month]?.members ?? 0,
                fixedFeeLaborRevenue: (revenueKinds[.managedServices] ?? zero) - Money(additions[month]?.fixedFeeProductValue ?? 0, currency),
                fixedFeeShadowBillable: Money(entries.fixedFeeShadowBillable, currency),
                meanTimeEntryLagHours: entries.count > 0 ? Decimal(entries.lagMilliseconds) / 3_600_000 / Decimal(entries.count) : nil,
                lateTimeEntries: entries.late, billableHours: Hours(entries.billableHours), fixedFeeHours: Hours(entries.fixedFeeHours),
                additionCost: Money(additions[month]?.cost ?? 0, currency), productCost: Money(productCost[month] ?? 0, currency),
                billedUsers: additions[month]?.users ?? 0)
        }
    }

    /// The month dashboards and the scorecard open on: the last complete month in the company's time zone, or the month
    /// of its latest invoice when its data ends earlier (a PSA that stopped invoicing, the demo business). Never the
    /// month in progress, and never a month with no invoices after one that has them.
    public func defaultMonth(now: Timestamp = .now) async throws -> YearMonth {
        let lastComplete = tenant.calendar.month(of: now).advanced(by: -1)
        guard let latest = try await latestInvoicedMonth() else { return lastComplete }
        return min(latest, lastComplete)
    }

    /// The month of the company's latest invoice, if it has any: the last month with numbers to show.
    public func latestInvoicedMonth() async throws -> YearMonth? {
        let rows = try await query("""
            SELECT MAX(invoice_date) AS latest FROM invoices WHERE tenant_id = \(bind: tenant.id.rawValue) AND deleted_at_ms IS NULL
            """)
        return try rows.first.flatMap { try $0.decode(column: "latest", as: Int64?.self) }.flatMap { CalendarDate(yyyymmdd: Int($0)) }?.yearMonth
    }

    // MARK: Revenue

    /// `CASE` classifying an invoice (alias `i`, its agreement `a`) into a ``RevenueKind``, as `RevenueKind.of`.
    static let revenueKindSQL = """
        CASE \(ClassificationSQL.agreementClass("a"))
            WHEN 'fixedFee' THEN 'managedServices' WHEN 'licenseResale' THEN 'licenseResale'
            WHEN 'blockHours' THEN 'blockTime' WHEN 'timeAndMaterials' THEN 'timeAndMaterials' WHEN 'project' THEN 'projects'
            ELSE CASE WHEN i.project_id IS NOT NULL THEN 'projects' ELSE 'products' END
        END
        """

    func revenueByMonth(_ months: [YearMonth]) async throws -> [YearMonth: RevenueMonth] {
        let (tenant, first, last) = (tenant.id.rawValue, months[0].firstDay.yyyymmdd, months[months.count - 1].lastDay.yyyymmdd)
        let rows = try await query("""
            SELECT i.invoice_date / 100 AS month, \(unsafeRaw: Self.revenueKindSQL) AS kind,
                   CASE WHEN i.kind = 'agreement' AND \(unsafeRaw: ClassificationSQL.agreementClass("a")) IN ('fixedFee', 'licenseResale') THEN 1 ELSE 0 END AS recurring,
                   CAST(COALESCE(SUM(i.subtotal_micros), 0) AS BIGINT) AS amount
            FROM invoices i
            LEFT JOIN agreements a ON a.tenant_id = i.tenant_id AND a.source = i.source AND a.source_id = i.agreement_id
                AND a.deleted_at_ms IS NULL
            WHERE i.tenant_id = \(bind: tenant) AND i.deleted_at_ms IS NULL
              AND i.invoice_date BETWEEN \(bind: first) AND \(bind: last)
            GROUP BY 1, 2, 3
            """)
        var result: [YearMonth: RevenueMonth] = [:]
        for row in rows {
            let month = try yearMonth(row, "month")
            guard let kind = RevenueKind(rawValue: try row.decode(column: "kind", as: String.self)) else { continue }
            let amount = FixedPoint.decimal(micros: try row.decode(column: "amount", as: Int64.self))
            result[month, default: RevenueMonth()].byKind[kind, default: zero] += Money(amount, currency)
            if try row.decode(column: "recurring", as: Int64.self) == 1 { result[month, default: RevenueMonth()].mrr += amount }
        }
        return result
    }

    // MARK: Labor

    /// `CASE` classifying a time entry (alias `t`, its ticket `k`, its work type `w`) into a ``LaborClass``, as
    /// `LaborClass.of`, through the classification: time is time off when its work type is classified time off (the
    /// PSA's own time-off charge counts only for an entry without a work type); other charge-code time is internal.
    static let laborClassSQL = """
        CASE WHEN \(ClassificationSQL.workClass("w")) = 'timeOff' THEN 'timeOff'
            WHEN t.charge_kind = 'timeOff' AND w.source_id IS NULL THEN 'timeOff' ELSE CASE t.charge_kind
            WHEN 'ticket' THEN CASE \(ClassificationSQL.ticketClass("k")) WHEN 'reactive' THEN 'reactive' WHEN 'proactive' THEN 'proactive'
                WHEN 'project' THEN 'project' WHEN 'internal' THEN 'internal' ELSE 'other' END
            WHEN 'projectTicket' THEN 'project' WHEN 'project' THEN 'project' WHEN 'agreement' THEN 'other'
            ELSE 'internal'
        END END
        """

    /// Hours, cost and utilized hours per month and class, from the labor rollup.
    func laborByMonth(_ months: [YearMonth]) async throws -> [YearMonth: LaborMonth] {
        let (tenant, first, last) = (tenant.id.rawValue, months[0].yyyymm, months[months.count - 1].yyyymm)
        let rows = try await query("""
            SELECT r.month, r.labor_class AS class, r.hourly_cost_micros AS cost,
                   COALESCE(w.cost_multiplier_micros, 1000000) AS multiplier,
                   CASE WHEN \(unsafeRaw: ClassificationSQL.workClass("w")) IN ('billable', 'nonBillable') THEN 1 ELSE 0 END AS utilized,
                   CAST(COALESCE(SUM(r.hours_micros), 0) AS BIGINT) AS hours
            FROM labor_rollups r
            LEFT JOIN work_types w ON w.tenant_id = r.tenant_id AND w.source = r.source AND w.source_id = r.work_type_id
                AND w.deleted_at_ms IS NULL
            WHERE r.tenant_id = \(bind: tenant) AND r.month BETWEEN \(bind: first) AND \(bind: last)
            GROUP BY 1, 2, 3, 4, 5
            """)
        var result: [YearMonth: LaborMonth] = [:]
        for row in rows {
            let month = try yearMonth(row, "month")
            guard let laborClass = LaborClass(rawValue: try row.decode(column: "class", as: String.self)) else { continue }
            let hours = FixedPoint.decimal(micros: try row.decode(column: "hours", as: Int64.self))
            let cost = try row.decode(column: "cost", as: Int64?.self).map(FixedPoint.decimal(micros:)) ?? 0
            let multiplier = FixedPoint.decimal(micros: try row.decode(column: "multiplier", as: Int64.self))
            result[month, default: LaborMonth()].hours[laborClass, default: .zero] += Hours(hours)
            result[month, default: LaborMonth()].cost[laborClass, default: 0] += hours * cost * multiplier
            if try row.decode(column: "utilized", as: Int64.self) == 1 { result[month, default: LaborMonth()].utilized += Hours(hours) }
        }
        return result
    }

    /// Available hours: for each member who logged time in the month, weekdays × daily capacity − time off; and how
    /// many members that is.
    func capacityByMonth(_ months: [YearMonth]) async throws -> [YearMonth: (hours: Hours, members: Int)] {
        let (tenant, first, last) = (tenant.id.rawValue, months[0].yyyymm, months[months.count - 1].yyyymm)
        let rows = try await query("""
            SELECT r.month, m.daily_capacity_micros AS capacity,
                   CAST(COALESCE(SUM(CASE WHEN r.labor_class = 'timeOff' THEN r.hours_micros ELSE 0 END), 0) AS BIGINT) AS time_off
            FROM labor_rollups r
            JOIN members m ON m.tenant_id = r.tenant_id AND m.source = r.source AND m.source_id = r.member_id
            LEFT JOIN work_types w ON w.tenant_id = r.tenant_id AND w.source = r.source AND w.source_id = r.work_type_id
                AND w.deleted_at_ms IS NULL
            WHERE r.tenant_id = \(bind: tenant) AND r.month BETWEEN \(bind: first) AND \(bind: last)
            GROUP BY 1, r.member_id, 2
            """)
        var result: [YearMonth: (hours: Hours, members: Int)] = [:]
        for row in rows {
            let month = try yearMonth(row, "month")
            let weekdays = month.days.filter { !$0.isWeekend }.count
            let capacity = FixedPoint.decimal(micros: try row.decode(column: "capacity", as: Int64.self))
            let timeOff = FixedPoint.decimal(micros: try row.decode(column: "time_off", as: Int64.self))
            result[month, default: (.zero, 0)].hours += Hours(capacity * Decimal(weekdays) - timeOff)
            result[month, default: (.zero, 0)].members += 1
        }
        return result
    }

    // MARK: Service desk

    func ticketsByMonth(_ months: [YearMonth]) async throws -> [YearMonth: TicketMonth] {
        // Months are cut at midnight in the MSP's time zone: the bucket is a CASE over the month boundaries.
        let bounds = (months + [months[months.count - 1].advanced(by: 1)]).map { $0.firstDay.start(in: timeZone).rawValue }
        var bucket = "CASE"
        for (index, month) in months.enumerated() { bucket += " WHEN created_at_ms < \(bounds[index + 1]) THEN \(month.yyyymm)" }
        bucket += " END"
        let (tenant, start, end) = (tenant.id.rawValue, bounds[0], bounds[bounds.count - 1])
        let rows = try await query("""
            SELECT \(unsafeRaw: bucket) AS month, COUNT(*) AS opened,
                   CAST(COALESCE(SUM(CASE WHEN ticket_class = 'reactive' THEN 1 ELSE 0 END), 0) AS BIGINT) AS reactive,
                   CAST(COALESCE(SUM(CASE WHEN sla_met IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS sla_decided,
                   CAST(COALESCE(SUM(CASE WHEN sla_met THEN 1 ELSE 0 END), 0) AS BIGINT) AS sla_met,
                   CAST(COALESCE(SUM(CASE WHEN ticket_class = 'reactive' AND first_response_at_ms IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS responses,
                   CAST(COALESCE(SUM(CASE WHEN ticket_class = 'reactive' THEN first_response_at_ms - created_at_ms END), 0) AS BIGINT) AS response_ms,
                   CAST(COALESCE(SUM(CASE WHEN ticket_class = 'reactive' AND resolved_at_ms IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS resolutions,
                   CAST(COALESCE(SUM(CASE WHEN ticket_class = 'reactive' THEN resolved_at_ms - created_at_ms END), 0) AS BIGINT) AS resolution_ms
            FROM (SELECT tickets.*, \(unsafeRaw: ClassificationSQL.ticketClass("tickets")) AS ticket_class FROM tickets
                  WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND created_at_ms >= \(bind: start) AND created_at_ms < \(bind: end)) tickets
            GROUP BY 1
            """)
        var result: [YearMonth: TicketMonth] = [:]
        for row in rows {
            let month = try yearMonth(row, "month")
            result[month] = TicketMonth(
                opened: Int(try row.decode(column: "opened", as: Int64.self)), reactive: Int(try row.decode(column: "reactive", as: Int64.self)),
                slaDecided: Int(try row.decode(column: "sla_decided", as: Int64.self)), slaMet: Int(try row.decode(column: "sla_met", as: Int64.self)),
                responses: Int(try row.decode(column: "responses", as: Int64.self)), responseMilliseconds: try row.decode(column: "response_ms", as: Int64.self),
                resolutions: Int(try row.decode(column: "resolutions", as: Int64.self)),
                resolutionMilliseconds: try row.decode(column: "resolution_ms", as: Int64.self))
        }
        return result
    }

    /// Workstations and servers of companies with a non-project agreement in force on each month's 1st: device
    /// counts per company from SQL, the (few) agreements' dates checked here.
    func endpointsByMonth(_ months: [YearMonth]) async throws -> [YearMonth: Int] {
        let tenant = tenant.id.rawValue
        let devices = try await endpointsByCompany()
        let agreements = try await query("""
            SELECT company_id, start_date, end_date, cancelled_date FROM agreements
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND \(unsafeRaw: ClassificationSQL.agreementClass("agreements")) NOT IN ('project', 'notRevenue')
            """).map { row in
                (company: try row.decode(column: "company_id", as: String.self), window: try AgreementWindow(row))
            }
        return Dictionary(uniqueKeysWithValues: months.map { month in
            let companies = Set(agreements.filter { $0.window.inForce(on: month.firstDay) }.map(\.company))
            return (month, companies.reduce(0) { $0 + (devices[$1] ?? 0) })
        })
    }

    // MARK: Sales

    func salesByMonth(_ months: [YearMonth]) async throws -> [YearMonth: SalesMonth] {
        let (tenant, first, last) = (tenant.id.rawValue, months[0].firstDay.yyyymmdd, months[months.count - 1].lastDay.yyyymmdd)
        let rows = try await query("""
            SELECT closed_date / 100 AS month, outcome, COUNT(*) AS deals,
                   CAST(COALESCE(SUM(one_time_value_micros), 0) AS BIGINT) AS one_time,
                   CAST(COALESCE(SUM(recurring_value_micros), 0) AS BIGINT) AS recurring
            FROM opportunities
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND outcome IN ('won', 'lost')
              AND closed_date BETWEEN \(bind: first) AND \(bind: last)
            GROUP BY 1, 2
            """)
        var result: [YearMonth: SalesMonth] = [:]
        for row in rows {
            let month = try yearMonth(row, "month")
            let deals = Int(try row.decode(column: "deals", as: Int64.self))
            let oneTime = FixedPoint.decimal(micros: try row.decode(column: "one_time", as: Int64.self))
            let recurring = FixedPoint.decimal(micros: try row.decode(column: "recurring", as: Int64.self))
            if try row.decode(column: "outcome", as: String.self) == "won" {
                result[month, default: SalesMonth()].won += deals
                result[month, default: SalesMonth()].wonOneTime += oneTime
                result[month, default: SalesMonth()].wonRecurring += recurring
            } else {
                result[month, default: SalesMonth()].lost += deals
                result[month, default: SalesMonth()].lostOneTime += oneTime
                result[month, default: SalesMonth()].lostRecurring += recurring
            }
        }
        return result
    }

    // MARK: Receivables

    /// Open balances on `day` by days past due.
    public func receivablesAgeing(on day: CalendarDate) async throws -> ReceivablesAgeing {
        let tenant = tenant.id.rawValue
        let rows = try await query("""
            SELECT due_date, CAST(COALESCE(SUM(balance_micros), 0) AS BIGINT) AS balance FROM invoices
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND balance_micros > 0
            GROUP BY due_date
            """)
        var buckets = Dictionary(uniqueKeysWithValues: ReceivablesAgeing.buckets.map { ($0, zero) })
        for row in rows {
            guard let due = CalendarDate(yyyymmdd: Int(try row.decode(column: "due_date", as: Int64.self))) else { continue }
            let balance = FixedPoint.decimal(micros: try row.decode(column: "balance", as: Int64.self))
            buckets[ReceivablesAgeing.bucket(daysPastDue: due.days(until: day)), default: zero] += Money(balance, currency)
        }
        return ReceivablesAgeing(
            asOf: day, byBucket: buckets, over60: Money.sum(["61-90", "90+"].compactMap { buckets[$0] }, currency: currency))
    }

    // MARK: Helpers

    func query(_ sql: SQLQueryString) async throws -> [any SQLRow] {
        try await store.provider.withSession { db in try await db.raw(sql).all() }
    }

    func yearMonth(_ row: any SQLRow, _ column: String) throws -> YearMonth {
        let value = Int(try row.decode(column: column, as: Int64.self))
        guard let month = YearMonth(year: value / 100, month: value % 100) else { throw KPIError.corruptMonth(value) }
        return month
    }
}

/// Why a KPI could not be computed.
public enum KPIError: Error, Equatable, Sendable, CustomStringConvertible {
    case corruptMonth(Int)
    /// A stored value the engine cannot read (a damaged or hand-edited database).
    case corruptRow(table: String, column: String)
    /// A ticket age bucket that is not one of ``BusinessPosition/backlogBuckets``.
    case unknownBucket(String)

    public var description: String {
        switch self {
        case .corruptMonth(let value): "The store holds a date that is not a month (\(value)); the database may be damaged."
        case .corruptRow(let table, let column): "A row of \(table) has an unreadable \(column); the database may be damaged."
        case .unknownBucket(let name):
            "'\(name)' is not a ticket age: use one of \(BusinessPosition.backlogBuckets.map(\.name).joined(separator: ", "))."
        }
    }
}

struct RevenueMonth {
    var byKind: [RevenueKind: Money] = [:]
    var mrr = Decimal(0)
}

struct LaborMonth {
    var hours: [LaborClass: Hours] = [:]
    var cost: [LaborClass: Decimal] = [:]
    var utilized = Hours.zero
}

struct TicketMonth {
    var opened = 0, reactive = 0, slaDecided = 0, slaMet = 0
    var responses = 0
    var responseMilliseconds: Int64 = 0
    var resolutions = 0
    var resolutionMilliseconds: Int64 = 0
}

struct SalesMonth {
    var won = 0, lost = 0
    var wonOneTime = Decimal(0), wonRecurring = Decimal(0), lostOneTime = Decimal(0), lostRecurring = Decimal(0)
}

/// An agreement's dates: in force on a day when started, not cancelled by then and not past its end.
struct AgreementWindow {
    var start: CalendarDate
    var end: CalendarDate?
    var cancelled: CalendarDate?

    init(_ row: any SQLRow) throws {
        func date(_ column: String) throws -> CalendarDate? {
            try row.decode(column: column, as: Int64?.self).flatMap { CalendarDate(yyyymmdd: Int($0)) }
        }
        guard let start = try date("start_date") else { throw KPIError.corruptRow(table: "agreements", column: "start_date") }
        self.start = start
        self.end = try date("end_date")
        self.cancelled = try date("cancelled_date")
    }

    func inForce(on day: CalendarDate) -> Bool {
        start <= day && (cancelled.map { day < $0 } ?? true) && (end.map { day <= $0 } ?? true)
    }
}
