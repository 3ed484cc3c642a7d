public import InsightCore
import Foundation
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
