public import Foundation
public import InsightCore
import InsightStore
import SQLKit

// The records behind the numbers: the time entries, tickets and open invoices a KPI counts, narrowed as the web app's
// drill-downs ask. Each listing comes with totals over every matching record, so that a page can show the first few
// hundred lines and still add up to the number it was opened from.

/// Which time entries to list: worked in `first`…`last` (by work date), narrowed by any of the rest.
public struct TimeFilter: Sendable, Equatable {
    public var first: YearMonth
    public var last: YearMonth
    public var member: ID<Member>?
    public var client: ID<Company>?
    public var agreement: ID<Agreement>?
    public var project: ID<Project>?
    /// The billing model of the agreement the time is charged to (time on no agreement never matches).
    public var billingModel: Agreement.BillingModel?
    public var laborClass: LaborClass?
    /// Only entries whose billable option is `billable` (`true`) or is not (`false`).
    public var billable: Bool?

    public init(
        from first: YearMonth, to last: YearMonth, member: ID<Member>? = nil, client: ID<Company>? = nil, agreement: ID<Agreement>? = nil,
        project: ID<Project>? = nil, billingModel: Agreement.BillingModel? = nil, laborClass: LaborClass? = nil, billable: Bool? = nil
    ) {
        (self.first, self.last, self.member, self.client, self.agreement, self.project) = (first, last, member, client, agreement, project)
        (self.billingModel, self.laborClass, self.billable) = (billingModel, laborClass, billable)
    }
}

/// One time entry behind hours, labor cost, utilization or shadow billable.
public struct TimeLine: Sendable, Equatable {
    public var id: ID<TimeEntry>
    public var date: CalendarDate
    public var memberID: ID<Member>
    public var memberName: String
    public var companyID: ID<Company>?
    /// The client's name, or its id when the company is not stored; "" for time on no company.
    public var companyName: String
    public var agreementID: ID<Agreement>?
    public var agreementName: String?
    public var billingModel: Agreement.BillingModel?
    public var laborClass: LaborClass
    public var billableOption: TimeEntry.BillableOption
    public var hours: Hours
    /// The entry's hourly rate (`nil` when the PSA gave none).
    public var rate: Money?
    /// Hours × the entry's hourly cost × its work type's cost multiplier, as in `labor_cost`.
    public var cost: Money
}

/// The time entries a ``TimeFilter`` matches: the first `limit` lines (newest first) and totals over all of them.
public struct TimeRecords: Sendable, Equatable {
    public var lines: [TimeLine]
    public var count: Int
    public var hours: Hours
    public var laborCost: Money
    /// Σ hours × hourly rate, as in `shadow_billable`.
    public var shadowBillable: Money
}

/// Which tickets to list.
public struct TicketFilter: Sendable, Equatable {
    public enum Span: Sendable, Equatable {
        /// Created in `first`…`last`, in the MSP's time zone (`tickets.opened`).
        case opened(YearMonth, YearMonth)
        /// Closed in `first`…`last` (`tickets.closed`).
        case closed(YearMonth, YearMonth)
        /// Open (not closed) and created by the end of `day`; with a bucket name of
        /// ``BusinessPosition/backlogBuckets``, only that age (`tickets.open`, the backlog).
        case open(on: CalendarDate, age: String?)
    }

    public var span: Span
    public var client: ID<Company>?
    public var board: String?
    public var serviceClass: Ticket.ServiceClass?
    /// Only tickets whose SLA was met (`true`) or missed (`false`).
    public var slaMet: Bool?

    public init(_ span: Span, client: ID<Company>? = nil, board: String? = nil, serviceClass: Ticket.ServiceClass? = nil, slaMet: Bool? = nil) {
        (self.span, self.client, self.board, self.serviceClass, self.slaMet) = (span, client, board, serviceClass, slaMet)
    }
}

/// One ticket behind a service-desk number.
public struct TicketLine: Sendable, Equatable {
    public var id: ID<Ticket>
    public var summary: String
    public var board: String
    public var serviceClass: Ticket.ServiceClass
    public var priority: String
    public var status: String
    public var companyID: ID<Company>
    public var companyName: String
    public var createdAt: Timestamp
    public var closedAt: Timestamp?
    public var slaMet: Bool?
}

/// The tickets a ``TicketFilter`` matches: the first `limit` lines (newest first) and how many there are.
public struct TicketRecords: Sendable, Equatable {
    public var lines: [TicketLine]
    public var count: Int
}

/// One open invoice behind the receivables.
public struct OpenInvoice: Sendable, Equatable {
    public var id: ID<Invoice>
    public var number: String
    public var companyID: ID<Company>
    public var companyName: String
    public var date: CalendarDate
    public var dueDate: CalendarDate
    public var total: Money
    public var balance: Money
    /// Days past due on the day asked (0 or less: not due yet).
    public var daysPastDue: Int
    /// The ageing bucket (``ReceivablesAgeing/buckets``).
    public var bucket: String
}

extension KPIEngine {
    /// The time entries `filter` matches: totals over all of them, and the first `limit` by work date, newest first.
    public func timeRecords(_ filter: TimeFilter, limit: Int = 500) async throws -> TimeRecords {
        let tenant = tenant.id.rawValue
        var conditions: SQLQueryString = """
            t.tenant_id = \(bind: tenant) AND t.deleted_at_ms IS NULL
              AND t.work_date BETWEEN \(bind: filter.first.firstDay.yyyymmdd) AND \(bind: filter.last.lastDay.yyyymmdd)
            """
        if let member = filter.member { conditions += " AND t.member_id = \(bind: member.rawValue)" }
        if let client = filter.client { conditions += " AND t.company_id = \(bind: client.rawValue)" }
        if let agreement = filter.agreement { conditions += " AND t.agreement_id = \(bind: agreement.rawValue)" }
        if let project = filter.project { conditions += " AND t.project_id = \(bind: project.rawValue)" }
        if let model = filter.billingModel { conditions += " AND \(unsafeRaw: ClassificationSQL.agreementClass("a")) = \(bind: model.rawValue)" }
        if let laborClass = filter.laborClass { conditions += " AND (\(unsafeRaw: Self.laborClassSQL)) = \(bind: laborClass.rawValue)" }
        if let billable = filter.billable { conditions += " AND \(unsafeRaw: billable ? "" : "NOT ")(t.billable_option = 'billable')" }
        let joins: SQLQueryString = """
            FROM time_entries t
            LEFT JOIN tickets k ON k.tenant_id = t.tenant_id AND k.source = t.source AND k.source_id = t.ticket_id AND k.deleted_at_ms IS NULL
            LEFT JOIN agreements a ON a.tenant_id = t.tenant_id AND a.source = t.source AND a.source_id = t.agreement_id AND a.deleted_at_ms IS NULL
            LEFT JOIN work_types w ON w.tenant_id = t.tenant_id AND w.source = t.source AND w.source_id = t.work_type_id AND w.deleted_at_ms IS NULL
            """

        // Totals: hours summed in SQL per cost, multiplier and rate, the products taken here (exact decimals).
        var count = 0
        var (hours, cost, shadow) = (Decimal(0), Decimal(0), Decimal(0))
        for row in try await query("""
            SELECT t.hourly_cost_micros AS cost, COALESCE(w.cost_multiplier_micros, 1000000) AS multiplier, t.hourly_rate_micros AS rate,
                   COUNT(*) AS entries, CAST(COALESCE(SUM(t.actual_hours_micros), 0) AS BIGINT) AS hours
            \(joins) WHERE \(conditions)
            GROUP BY 1, 2, 3
            """) {
            let sum = FixedPoint.decimal(micros: try row.decode(column: "hours", as: Int64.self))
            count += Int(try row.decode(column: "entries", as: Int64.self))
            hours += sum
            cost += sum * (try row.decode(column: "cost", as: Int64?.self).map(FixedPoint.decimal(micros:)) ?? 0)
                * FixedPoint.decimal(micros: try row.decode(column: "multiplier", as: Int64.self))
            shadow += sum * (try row.decode(column: "rate", as: Int64?.self).map(FixedPoint.decimal(micros:)) ?? 0)
        }

        let lines = try await query("""
            SELECT t.source_id, t.work_date, t.member_id, COALESCE(m.name, t.member_id) AS member_name, t.company_id,
                   COALESCE(c.name, t.company_id, '') AS company_name, t.agreement_id, a.name AS agreement_name, \(unsafeRaw: ClassificationSQL.agreementClass("a")) AS billing_model,
                   \(unsafeRaw: Self.laborClassSQL) AS labor_class, t.billable_option, t.actual_hours_micros, t.hourly_rate_micros,
                   t.hourly_cost_micros, COALESCE(w.cost_multiplier_micros, 1000000) AS multiplier
            \(joins)
            LEFT JOIN members m ON m.tenant_id = t.tenant_id AND m.source = t.source AND m.source_id = t.member_id
            LEFT JOIN companies c ON c.tenant_id = t.tenant_id AND c.source = t.source AND c.source_id = t.company_id AND c.deleted_at_ms IS NULL
            WHERE \(conditions)
            ORDER BY t.work_date DESC, t.start_at_ms DESC, t.source_id
            LIMIT \(literal: max(limit, 0))
            """).map { row in
            guard let date = CalendarDate(yyyymmdd: try row.decode(column: "work_date", as: Int.self)),
                  let laborClass = LaborClass(rawValue: try row.decode(column: "labor_class", as: String.self)),
                  let option = TimeEntry.BillableOption(rawValue: try row.decode(column: "billable_option", as: String.self))
            else { throw KPIError.corruptRow(table: "time_entries", column: "work_date") }
            let hours = FixedPoint.decimal(micros: try row.decode(column: "actual_hours_micros", as: Int64.self))
            let cost = try row.decode(column: "hourly_cost_micros", as: Int64?.self).map(FixedPoint.decimal(micros:)) ?? 0
            let multiplier = FixedPoint.decimal(micros: try row.decode(column: "multiplier", as: Int64.self))
            return TimeLine(
                id: ID(try row.decode(column: "source_id", as: String.self)), date: date,
                memberID: ID(try row.decode(column: "member_id", as: String.self)), memberName: try row.decode(column: "member_name", as: String.self),
                companyID: try row.decode(column: "company_id", as: String?.self).map { ID($0) },
                companyName: try row.decode(column: "company_name", as: String.self),
                agreementID: try row.decode(column: "agreement_id", as: String?.self).map { ID($0) },
                agreementName: try row.decode(column: "agreement_name", as: String?.self),
                billingModel: try row.decode(column: "billing_model", as: String?.self).flatMap(Agreement.BillingModel.init(rawValue:)),
                laborClass: laborClass, billableOption: option, hours: Hours(hours),
                rate: try row.decode(column: "hourly_rate_micros", as: Int64?.self).map { Money(FixedPoint.decimal(micros: $0), currency) },
                cost: Money(hours * cost * multiplier, currency))
        }
        return TimeRecords(lines: lines, count: count, hours: Hours(hours), laborCost: Money(cost, currency), shadowBillable: Money(shadow, currency))
    }

    /// The tickets `filter` matches: how many, and the first `limit`, newest first.
    public func ticketRecords(_ filter: TicketFilter, limit: Int = 500) async throws -> TicketRecords {
        var conditions: SQLQueryString = "t.tenant_id = \(bind: tenant.id.rawValue) AND t.deleted_at_ms IS NULL"
        switch filter.span {
        case .opened(let first, let last):
            let (start, end) = (first.firstDay.start(in: timeZone).rawValue, last.advanced(by: 1).firstDay.start(in: timeZone).rawValue)
            conditions += " AND t.created_at_ms >= \(bind: start) AND t.created_at_ms < \(bind: end)"
        case .closed(let first, let last):
            let (start, end) = (first.firstDay.start(in: timeZone).rawValue, last.advanced(by: 1).firstDay.start(in: timeZone).rawValue)
            conditions += " AND t.closed_at_ms >= \(bind: start) AND t.closed_at_ms < \(bind: end)"
        case .open(let day, let age):
            conditions += " AND NOT t.closed AND t.created_at_ms < \(bind: day.adding(days: 1).start(in: timeZone).rawValue)"
            if let age {
                // The bucket's age range, as the backlog counts it: created at or after the start of `day − maxAge`,
                // and before the start of `day − (previous maxAge)`.
                guard let index = BusinessPosition.backlogBuckets.firstIndex(where: { $0.name == age }) else { throw KPIError.unknownBucket(age) }
                if let maxAge = BusinessPosition.backlogBuckets[index].maxAge {
                    conditions += " AND t.created_at_ms >= \(bind: day.adding(days: -maxAge).start(in: timeZone).rawValue)"
                }
                if index > 0, let younger = BusinessPosition.backlogBuckets[index - 1].maxAge {
                    conditions += " AND t.created_at_ms < \(bind: day.adding(days: -younger).start(in: timeZone).rawValue)"
                }
            }
        }
        if let client = filter.client { conditions += " AND t.company_id = \(bind: client.rawValue)" }
        if let board = filter.board { conditions += " AND t.board = \(bind: board)" }
        if let serviceClass = filter.serviceClass { conditions += " AND \(unsafeRaw: ClassificationSQL.ticketClass("t")) = \(bind: serviceClass.rawValue)" }
        if let met = filter.slaMet { conditions += " AND t.sla_met = \(bind: met)" }

        let count = try await query("SELECT COUNT(*) AS tickets FROM tickets t WHERE \(conditions)")
            .first.map { Int(try $0.decode(column: "tickets", as: Int64.self)) } ?? 0
        let lines = try await query("""
            SELECT t.source_id, t.summary, t.board, \(unsafeRaw: ClassificationSQL.ticketClass("t")) AS service_class, t.priority, t.status, t.company_id,
                   COALESCE(c.name, t.company_id) AS company_name, t.created_at_ms, t.closed_at_ms, t.sla_met
            FROM tickets t
            LEFT JOIN companies c ON c.tenant_id = t.tenant_id AND c.source = t.source AND c.source_id = t.company_id AND c.deleted_at_ms IS NULL
            WHERE \(conditions)
            ORDER BY t.created_at_ms DESC, t.source_id
            LIMIT \(literal: max(limit, 0))
            """).map { row in
            guard let serviceClass = Ticket.ServiceClass(rawValue: try row.decode(column: "service_class", as: String.self)) else {
                throw KPIError.corruptRow(table: "tickets", column: "service_class")
            }
            return TicketLine(
                id: ID(try row.decode(column: "source_id", as: String.self)), summary: try row.decode(column: "summary", as: String.self),
                board: try row.decode(column: "board", as: String.self), serviceClass: serviceClass,
                priority: try row.decode(column: "priority", as: String.self), status: try row.decode(column: "status", as: String.self),
                companyID: ID(try row.decode(column: "company_id", as: String.self)),
                companyName: try row.decode(column: "company_name", as: String.self),
                createdAt: Timestamp(rawValue: try row.decode(column: "created_at_ms", as: Int64.self)),
                closedAt: try row.decode(column: "closed_at_ms", as: Int64?.self).map(Timestamp.init(rawValue:)),
                slaMet: try row.decode(column: "sla_met", as: Bool?.self))
        }
        return TicketRecords(lines: lines, count: count)
    }

    /// The invoices with an open balance on `day` (of one client, when given), most days past due first: their balances
    /// add up to the receivables ageing (by bucket) and to the client's open balance.
    public func openInvoices(on day: CalendarDate, client: ID<Company>? = nil) async throws -> [OpenInvoice] {
        var conditions: SQLQueryString = "i.tenant_id = \(bind: tenant.id.rawValue) AND i.deleted_at_ms IS NULL AND i.balance_micros > 0"
        if let client { conditions += " AND i.company_id = \(bind: client.rawValue)" }
        return try await query("""
            SELECT i.source_id, i.number, i.company_id, COALESCE(c.name, i.company_id) AS company_name, i.invoice_date, i.due_date,
                   i.total_micros, i.balance_micros
            FROM invoices i
            LEFT JOIN companies c ON c.tenant_id = i.tenant_id AND c.source = i.source AND c.source_id = i.company_id AND c.deleted_at_ms IS NULL
            WHERE \(conditions)
            ORDER BY i.due_date, i.number
            """).map { row in
            guard let date = CalendarDate(yyyymmdd: try row.decode(column: "invoice_date", as: Int.self)),
                  let due = CalendarDate(yyyymmdd: try row.decode(column: "due_date", as: Int.self))
            else { throw KPIError.corruptRow(table: "invoices", column: "due_date") }
            let late = due.days(until: day)
            return OpenInvoice(
                id: ID(try row.decode(column: "source_id", as: String.self)), number: try row.decode(column: "number", as: String.self),
                companyID: ID(try row.decode(column: "company_id", as: String.self)),
                companyName: try row.decode(column: "company_name", as: String.self), date: date, dueDate: due,
                total: Money(FixedPoint.decimal(micros: try row.decode(column: "total_micros", as: Int64.self)), currency),
                balance: Money(FixedPoint.decimal(micros: try row.decode(column: "balance_micros", as: Int64.self)), currency),
                daysPastDue: late, bucket: ReceivablesAgeing.bucket(daysPastDue: late))
        }
    }
}

/// One opportunity behind the sales numbers.
public struct DealLine: Sendable, Equatable {
    public var id: ID<Opportunity>
    public var name: String
    public var companyID: ID<Company>
    public var companyName: String
    public var stage: String
    public var outcome: Opportunity.Outcome
    public var oneTimeValue: Money
    /// Monthly recurring value.
    public var recurringValue: Money
    /// 0 … 1.
    public var probability: Decimal
    public var expectedCloseDate: CalendarDate
    public var closedDate: CalendarDate?
    /// One-time value + 12 × monthly recurring value, as `pipeline` and `won.average_deal` count a deal.
    public var value: Money { oneTimeValue + Money(12 * recurringValue.amount, recurringValue.currency) }
}

extension KPIEngine {
    /// Opportunities with `outcome`: won or lost ones closed in `first`…`last` (as `won`, `lost` count them), or the
    /// open ones as last synced (the pipeline); the largest value first.
    public func deals(_ outcome: Opportunity.Outcome, from first: YearMonth, to last: YearMonth) async throws -> [DealLine] {
        var conditions: SQLQueryString = "o.tenant_id = \(bind: tenant.id.rawValue) AND o.deleted_at_ms IS NULL AND o.outcome = \(bind: outcome.rawValue)"
        if outcome != .open {
            conditions += " AND o.closed_date BETWEEN \(bind: first.firstDay.yyyymmdd) AND \(bind: last.lastDay.yyyymmdd)"
        }
        return try await query("""
            SELECT o.source_id, o.name, o.company_id, COALESCE(c.name, o.company_id) AS company_name, o.stage, o.one_time_value_micros,
                   o.recurring_value_micros, o.probability_micros, o.expected_close_date, o.closed_date
            FROM opportunities o
            LEFT JOIN companies c ON c.tenant_id = o.tenant_id AND c.source = o.source AND c.source_id = o.company_id AND c.deleted_at_ms IS NULL
            WHERE \(conditions)
            """).map { row in
            guard let expected = CalendarDate(yyyymmdd: try row.decode(column: "expected_close_date", as: Int.self)) else {
                throw KPIError.corruptRow(table: "opportunities", column: "expected_close_date")
            }
            return DealLine(
                id: ID(try row.decode(column: "source_id", as: String.self)), name: try row.decode(column: "name", as: String.self),
                companyID: ID(try row.decode(column: "company_id", as: String.self)),
                companyName: try row.decode(column: "company_name", as: String.self), stage: try row.decode(column: "stage", as: String.self),
                outcome: outcome,
                oneTimeValue: Money(FixedPoint.decimal(micros: try row.decode(column: "one_time_value_micros", as: Int64.self)), currency),
                recurringValue: Money(FixedPoint.decimal(micros: try row.decode(column: "recurring_value_micros", as: Int64.self)), currency),
                probability: FixedPoint.decimal(micros: try row.decode(column: "probability_micros", as: Int64.self)),
                expectedCloseDate: expected,
                closedDate: try row.decode(column: "closed_date", as: Int?.self).flatMap(CalendarDate.init(yyyymmdd:)))
        }
        .sorted { ($0.value.amount, $1.id.rawValue) > ($1.value.amount, $0.id.rawValue) }
    }

    /// The stored companies, by name then id: the choices of a client filter.
    public func companyNames() async throws -> [(id: ID<Company>, name: String)] {
        try await query("""
            SELECT source_id, name FROM companies WHERE tenant_id = \(bind: tenant.id.rawValue) AND deleted_at_ms IS NULL ORDER BY name, source_id
            """).map { (ID(try $0.decode(column: "source_id", as: String.self)), try $0.decode(column: "name", as: String.self)) }
    }
}
