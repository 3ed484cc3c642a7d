public import InsightCore
import Foundation
import InsightStore
import SQLKit

/// The records behind an agreement's numbers: its invoices (revenue) and its time by member (hours, labor cost).
public struct AgreementDetail: Sendable, Equatable {
    public struct InvoiceLine: Sendable, Equatable {
        public var id: ID<Invoice>
        public var number: String
        public var date: CalendarDate
        public var subtotal: Money
    }

    public struct LaborLine: Sendable, Equatable {
        public var memberID: ID<Member>
        public var memberName: String
        public var hours: Hours
        public var cost: Money
    }

    public var profit: AgreementProfit
    /// By date, then number.
    public var invoices: [InvoiceLine]
    /// By hours, most first.
    public var labor: [LaborLine]
}

/// The records behind a client's numbers: its agreements, its invoices (revenue) and its time by member (labor cost).
public struct ClientDetail: Sendable, Equatable {
    public var profit: ClientProfit
    /// The client's agreements with their profitability over the same months (addition costs add up to the client's).
    public var agreements: [AgreementProfit]
    /// By date, then number: subtotals add up to the client's revenue.
    public var invoices: [AgreementDetail.InvoiceLine]
    /// By hours, most first: hours and cost add up to the time charged to the client and its labor cost.
    public var labor: [AgreementDetail.LaborLine]
}

/// One invoice behind a month's revenue.
public struct RevenueLine: Sendable, Equatable {
    public var id: ID<Invoice>
    public var number: String
    public var date: CalendarDate
    public var companyName: String
    /// The revenue kind the invoice counts under (`revenue.<kind>`).
    public var kind: RevenueKind
    public var subtotal: Money
}

extension KPIEngine {
    /// The invoices dated in `month`, by date then number: their subtotals add up to the month's `revenue`, and those of
    /// each kind to `revenue.<kind>`.
    public func revenueLines(_ month: YearMonth) async throws -> [RevenueLine] {
        try await query("""
            SELECT i.source_id, i.number, i.invoice_date, COALESCE(c.name, i.company_id) AS company, \(unsafeRaw: Self.revenueKindSQL) AS kind,
                   i.subtotal_micros
            FROM invoices i
            LEFT JOIN agreements a ON a.tenant_id = i.tenant_id AND a.source = i.source AND a.source_id = i.agreement_id
                AND a.deleted_at_ms IS NULL
            LEFT JOIN companies c ON c.tenant_id = i.tenant_id AND c.source = i.source AND c.source_id = i.company_id AND c.deleted_at_ms IS NULL
            WHERE i.tenant_id = \(bind: tenant.id.rawValue) AND i.deleted_at_ms IS NULL
              AND i.invoice_date BETWEEN \(bind: month.firstDay.yyyymmdd) AND \(bind: month.lastDay.yyyymmdd)
            ORDER BY i.invoice_date, i.number
            """).map { row in
            guard let date = CalendarDate(yyyymmdd: try row.decode(column: "invoice_date", as: Int.self)),
                  let kind = RevenueKind(rawValue: try row.decode(column: "kind", as: String.self))
            else { throw KPIError.corruptRow(table: "invoices", column: "invoice_date") }
            return RevenueLine(
                id: ID(try row.decode(column: "source_id", as: String.self)), number: try row.decode(column: "number", as: String.self),
                date: date, companyName: try row.decode(column: "company", as: String.self), kind: kind,
                subtotal: Money(FixedPoint.decimal(micros: try row.decode(column: "subtotal_micros", as: Int64.self)), currency))
        }
    }

    /// The client's profitability over `first`…`last` with the records behind it; `nil` for an unknown client.
    public func clientDetail(_ id: ID<Company>, from first: YearMonth, to last: YearMonth) async throws -> ClientDetail? {
        guard let profit = try await clientProfits(from: first, to: last).first(where: { $0.id == id }) else { return nil }
        let agreements = try await agreementProfits(from: first, to: last).filter { $0.companyID == id }
        let invoices = try await invoiceLines(where: "company_id", equals: id.rawValue, from: first, to: last)
        let labor = try await laborLines(where: "company_id", equals: id.rawValue, from: first, to: last)
        return ClientDetail(profit: profit, agreements: agreements, invoices: invoices, labor: labor)
    }

    /// The agreement's profitability over `first`…`last` with the invoices and time behind it; `nil` for an unknown
    /// agreement. The lines add up to the profitability row: Σ subtotals = revenue, Σ labor = hours and labor cost.
    public func agreementDetail(_ id: ID<Agreement>, from first: YearMonth, to last: YearMonth) async throws -> AgreementDetail? {
        guard let profit = try await agreementProfits(from: first, to: last).first(where: { $0.id == id }) else { return nil }
        let invoices = try await invoiceLines(where: "agreement_id", equals: id.rawValue, from: first, to: last)
        let lines = try await laborLines(where: "agreement_id", equals: id.rawValue, from: first, to: last)
        return AgreementDetail(profit: profit, invoices: invoices, labor: lines)
    }

    /// The invoices dated in the span whose `column` (`agreement_id`, `company_id`) is `value`, by date then number.
    func invoiceLines(where column: String, equals value: String, from first: YearMonth, to last: YearMonth) async throws -> [AgreementDetail.InvoiceLine] {
        let tenant = tenant.id.rawValue
        let (firstDay, lastDay) = (first.firstDay.yyyymmdd, last.lastDay.yyyymmdd)
        return try await query("""
            SELECT source_id, number, invoice_date, subtotal_micros FROM invoices
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND \(ident: column) = \(bind: value)
              AND invoice_date BETWEEN \(bind: firstDay) AND \(bind: lastDay)
            ORDER BY invoice_date, number
            """).map { row in
            let day = try row.decode(column: "invoice_date", as: Int.self)
            guard let date = CalendarDate(yyyymmdd: day) else { throw KPIError.corruptRow(table: "invoices", column: "invoice_date") }
            return AgreementDetail.InvoiceLine(
                id: ID(try row.decode(column: "source_id", as: String.self)), number: try row.decode(column: "number", as: String.self),
                date: date, subtotal: Money(FixedPoint.decimal(micros: try row.decode(column: "subtotal_micros", as: Int64.self)), currency))
        }
    }

    /// Hours and labor cost by member of the time worked in the span whose `column` is `value`, most hours first.
    func laborLines(where column: String, equals value: String, from first: YearMonth, to last: YearMonth) async throws -> [AgreementDetail.LaborLine] {
        let tenant = tenant.id.rawValue
        let (firstDay, lastDay) = (first.firstDay.yyyymmdd, last.lastDay.yyyymmdd)
        var labor: [String: (name: String, hours: Decimal, cost: Decimal)] = [:]
        for row in try await query("""
            SELECT t.member_id AS member, COALESCE(m.name, t.member_id) AS name, t.hourly_cost_micros AS cost,
                   COALESCE(w.cost_multiplier_micros, 1000000) AS multiplier, CAST(COALESCE(SUM(t.actual_hours_micros), 0) AS BIGINT) AS hours
            FROM time_entries t
            LEFT JOIN work_types w ON w.tenant_id = t.tenant_id AND w.source = t.source AND w.source_id = t.work_type_id
                AND w.deleted_at_ms IS NULL
            LEFT JOIN members m ON m.tenant_id = t.tenant_id AND m.source = t.source AND m.source_id = t.member_id
            WHERE t.tenant_id = \(bind: tenant) AND t.deleted_at_ms IS NULL AND t.\(ident: column) = \(bind: value)
              AND t.work_date BETWEEN \(bind: firstDay) AND \(bind: lastDay)
            GROUP BY 1, 2, 3, 4
            """) {
            let member = try row.decode(column: "member", as: String.self)
            let hours = FixedPoint.decimal(micros: try row.decode(column: "hours", as: Int64.self))
            let cost = try row.decode(column: "cost", as: Int64?.self).map(FixedPoint.decimal(micros:)) ?? 0
            let multiplier = FixedPoint.decimal(micros: try row.decode(column: "multiplier", as: Int64.self))
            let name = try row.decode(column: "name", as: String.self)
            var line = labor[member] ?? (name, 0, 0)
            line.hours += hours
            line.cost += hours * cost * multiplier
            labor[member] = line
        }
        return labor.map { AgreementDetail.LaborLine(memberID: ID($0.key), memberName: $0.value.name, hours: Hours($0.value.hours), cost: Money($0.value.cost, currency)) }
            .sorted { ($0.hours.value, $1.memberName) > ($1.hours.value, $0.memberName) }
    }
}
