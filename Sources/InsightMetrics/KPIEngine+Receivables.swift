public import InsightCore
public import Foundation
import InsightStore
import SQLKit

/// One client's open invoices on a day: the open-invoice risk of `docs/kpis.md`.
public struct ClientReceivables: Sendable, Codable, Equatable {
    public var id: ID<Company>
    /// The client's name ("" when the company is not stored).
    public var name: String
    public var openInvoices: Int
    /// Σ open balances.
    public var balance: Money
    /// `ar.client_over_60`: Σ open balances more than 60 days past due.
    public var over60: Money
    /// Days past due of the oldest open invoice (0 or less: nothing is due yet).
    public var oldestDaysPastDue: Int
    /// The client has a balance more than 60 days past due.
    public var atRisk: Bool { over60.amount > 0 }
}

extension KPIEngine {
    /// Every client with an open balance on `day`, the largest over-60 balance first, then the largest balance. Balances
    /// are summed in SQL per client and due date; the days past due are counted here.
    public func receivablesByClient(on day: CalendarDate) async throws -> [ClientReceivables] {
        let tenant = tenant.id.rawValue
        var clients: [String: ClientReceivables] = [:]
        for row in try await query("""
            SELECT i.company_id, COALESCE(c.name, '') AS name, i.due_date, COUNT(*) AS invoices,
                   CAST(COALESCE(SUM(i.balance_micros), 0) AS BIGINT) AS balance
            FROM invoices i
            LEFT JOIN companies c ON c.tenant_id = i.tenant_id AND c.source = i.source AND c.source_id = i.company_id AND c.deleted_at_ms IS NULL
            WHERE i.tenant_id = \(bind: tenant) AND i.deleted_at_ms IS NULL AND i.balance_micros > 0
            GROUP BY 1, 2, 3
            """) {
            let id = try row.decode(column: "company_id", as: String.self)
            guard let due = CalendarDate(yyyymmdd: Int(try row.decode(column: "due_date", as: Int64.self))) else {
                throw KPIError.corruptRow(table: "invoices", column: "due_date")
            }
            let late = due.days(until: day)
            let balance = Money(FixedPoint.decimal(micros: try row.decode(column: "balance", as: Int64.self)), currency)
            let name = try row.decode(column: "name", as: String.self)
            var client = clients[id] ?? ClientReceivables(
                id: ID(id), name: name, openInvoices: 0, balance: zero, over60: zero, oldestDaysPastDue: late)
            client.openInvoices += Int(try row.decode(column: "invoices", as: Int64.self))
            client.balance += balance
            if late > 60 { client.over60 += balance }
            client.oldestDaysPastDue = max(client.oldestDaysPastDue, late)
            clients[id] = client
        }
        return clients.values.sorted {
            ($0.over60.amount, $0.balance.amount, $1.id.rawValue) > ($1.over60.amount, $1.balance.amount, $0.id.rawValue)
        }
    }
}

/// The service desk of one board over a span of months (`docs/kpis.md`, "Service desk").
public struct BoardTickets: Sendable, Codable, Equatable {
    public var board: String
    /// `board.tickets_opened`, `board.tickets_reactive`: tickets created in the span (MSP's time zone).
    public var opened: Int
    public var reactive: Int
    /// `board.tickets_closed`: tickets closed in the span, whenever created.
    public var closed: Int
    /// Tickets created in the span whose SLA is decided, and met.
    public var slaDecided: Int
    public var slaMet: Int
    /// `board.sla_compliance`: met ÷ decided.
    public var slaCompliance: Decimal? { slaDecided > 0 ? Decimal(slaMet) / Decimal(slaDecided) : nil }
    /// `board.kill_rate`: closed ÷ opened.
    public var killRate: Decimal? { opened > 0 ? Decimal(closed) / Decimal(opened) : nil }
}

extension KPIEngine {
    /// Tickets opened, closed and SLA by board over `first`…`last`, the busiest board first.
    public func ticketsByBoard(from first: YearMonth, to last: YearMonth) async throws -> [BoardTickets] {
        let tenant = tenant.id.rawValue
        let (start, end) = (first.firstDay.start(in: timeZone).rawValue, last.advanced(by: 1).firstDay.start(in: timeZone).rawValue)
        var boards: [String: BoardTickets] = [:]
        func board(_ name: String) -> BoardTickets {
            boards[name] ?? BoardTickets(board: name, opened: 0, reactive: 0, closed: 0, slaDecided: 0, slaMet: 0)
        }
        for row in try await query("""
            SELECT board, COUNT(*) AS opened,
                   CAST(COALESCE(SUM(CASE WHEN \(unsafeRaw: ClassificationSQL.ticketClass("tickets")) = 'reactive' THEN 1 ELSE 0 END), 0) AS BIGINT) AS reactive,
                   CAST(COALESCE(SUM(CASE WHEN sla_met IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS sla_decided,
                   CAST(COALESCE(SUM(CASE WHEN sla_met THEN 1 ELSE 0 END), 0) AS BIGINT) AS sla_met
            FROM tickets
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND created_at_ms >= \(bind: start) AND created_at_ms < \(bind: end)
            GROUP BY board
            """) {
            let name = try row.decode(column: "board", as: String.self)
            var tickets = board(name)
            tickets.opened = Int(try row.decode(column: "opened", as: Int64.self))
            tickets.reactive = Int(try row.decode(column: "reactive", as: Int64.self))
            tickets.slaDecided = Int(try row.decode(column: "sla_decided", as: Int64.self))
            tickets.slaMet = Int(try row.decode(column: "sla_met", as: Int64.self))
            boards[name] = tickets
        }
        for row in try await query("""
            SELECT board, COUNT(*) AS closed FROM tickets
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND closed_at_ms >= \(bind: start) AND closed_at_ms < \(bind: end)
            GROUP BY board
            """) {
            let name = try row.decode(column: "board", as: String.self)
            var tickets = board(name)
            tickets.closed = Int(try row.decode(column: "closed", as: Int64.self))
            boards[name] = tickets
        }
        return boards.values.sorted { ($0.opened, $1.board) > ($1.opened, $0.board) }
    }
}
