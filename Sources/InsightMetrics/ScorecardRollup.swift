import Foundation
public import InsightCore
import InsightStore
import SQLKit

/// The scorecard rollup: each month's computed ``MonthScorecard`` per tenant (table `scorecard_rollups`, migration
/// `0010_scorecard_rollups`), so that a warm trend reads 36 rows instead of scanning a million time entries.
///
/// Before every read it is brought up to date from what was synced since its watermark (`synced_at_ms` moves on every
/// upsert and deletion mark): a changed time entry drops its work month; a changed invoice or product line its invoice
/// month; a changed ticket the months it was created and closed in and the months of its time; a changed opportunity
/// the month it closed; and each such month drops the month after it too (the MRR bridge starts from the month
/// before). A changed agreement, addition, configuration, member, work type or project can move any month (endpoints,
/// capacity, cost multipliers, coverage), so it drops them all. Dropped months are computed again on the next read.
extension KPIEngine {
    /// The scorecard of every month from `first` to `last`, in order: from the scorecard rollup, computing (and
    /// storing) only the months it does not hold.
    public func trend(from first: YearMonth, to last: YearMonth) async throws -> [MonthScorecard] {
        let months = Array(first...last)
        guard !months.isEmpty else { return [] }
        // The rollup holds the standard product/labor split only.
        guard componentRules == .standard else { return try await computeTrend(months) }
        let version = try await refreshScorecardRollup().version
        var cards = try await storedScorecards(months)
        var run: [YearMonth] = []
        for month in months + [last.advanced(by: 1)] {
            if month <= last, cards[month] == nil {
                run.append(month)
                continue
            }
            guard !run.isEmpty else { continue }
            let computed = try await computeTrend(run)
            try await storeScorecards(computed, version: version)
            for card in computed { cards[card.month] = card }
            run = []
        }
        // Invariant: every month was either stored or computed above.
        return months.map { cards[$0]! }
    }

    /// The same trend computed from the records, bypassing the scorecard rollup (benchmarks, and checking the rollup).
    public func trendFromRecords(from first: YearMonth, to last: YearMonth) async throws -> [MonthScorecard] {
        try await computeTrend(Array(first...last))
    }

    /// Drops the stored months that records synced since the last refresh may have changed; returns what it did and
    /// the watermark the remaining months reflect.
    @discardableResult
    public func refreshScorecardRollup() async throws -> (refresh: RollupRefresh, version: Int64) {
        let tenant = tenant.id.rawValue
        let timeZone = timeZone
        return try await store.withTransaction { db in
            // Takes this tenant's lock (the row) until commit, then reads the watermark under it.
            try await db.insert(into: "rollup_state").columns("tenant_id", "updated_at_ms")
                .values(SQLBind(tenant), SQLBind(Timestamp.now.rawValue))
                .onConflict(with: ["tenant_id"]) { $0.set(excludedValueOf: "updated_at_ms") }
                .run()
            let state = try await db.raw("""
                SELECT scorecard_built_through_ms AS built, scorecard_built_at_ms AS built_at FROM rollup_state WHERE tenant_id = \(bind: tenant)
                """).first()
            let built = try state.flatMap { try $0.decode(column: "built", as: Int64?.self) }
            let builtAt = try state.flatMap { try $0.decode(column: "built_at", as: Int64?.self) } ?? 0
            func latest(_ table: String) async throws -> Int64 {
                try await db.raw("SELECT MAX(synced_at_ms) AS latest FROM \(ident: table) WHERE tenant_id = \(bind: tenant)")
                    .first().flatMap { try $0.decode(column: "latest", as: Int64?.self) } ?? 0
            }
            var latestByTable: [String: Int64] = [:]
            for table in Self.monthTables + Self.everyMonthTables { latestByTable[table] = try await latest(table) }
            let high = latestByTable.values.max() ?? 0
            if let built, high <= built { return (.upToDate, built) }

            let result: RollupRefresh
            let since = built.map { min($0, builtAt - Self.lateCommitWindow) }
            if let since, Self.everyMonthTables.allSatisfy({ latestByTable[$0, default: 0] <= since }) {
                var months = Set<Int>()
                func collect(_ sql: SQLQueryString) async throws {
                    for row in try await db.raw(sql).all() { months.insert(Int(try row.decode(column: "month", as: Int64.self))) }
                }
                try await collect("""
                    SELECT DISTINCT work_date / 100 AS month FROM time_entries WHERE tenant_id = \(bind: tenant) AND synced_at_ms > \(bind: since)
                    UNION SELECT DISTINCT invoice_date / 100 AS month FROM invoices WHERE tenant_id = \(bind: tenant) AND synced_at_ms > \(bind: since)
                    UNION SELECT DISTINCT i.invoice_date / 100 AS month FROM product_lines p
                        JOIN invoices i ON i.tenant_id = p.tenant_id AND i.source = p.source AND i.source_id = p.invoice_id
                        WHERE p.tenant_id = \(bind: tenant) AND p.synced_at_ms > \(bind: since)
                    UNION SELECT DISTINCT closed_date / 100 AS month FROM opportunities
                        WHERE tenant_id = \(bind: tenant) AND synced_at_ms > \(bind: since) AND closed_date IS NOT NULL
                    UNION SELECT DISTINCT t.work_date / 100 AS month FROM tickets k
                        JOIN time_entries t ON t.tenant_id = k.tenant_id AND t.source = k.source AND t.ticket_id = k.source_id
                        WHERE k.tenant_id = \(bind: tenant) AND k.synced_at_ms > \(bind: since)
                    """)
                // Ticket months are local months of instants: converted here.
                for row in try await db.raw("""
                    SELECT created_at_ms, closed_at_ms FROM tickets WHERE tenant_id = \(bind: tenant) AND synced_at_ms > \(bind: since)
                    """).all() {
                    for column in ["created_at_ms", "closed_at_ms"] {
                        guard let at = try row.decode(column: column, as: Int64?.self) else { continue }
                        months.insert(CalendarDate(Timestamp(rawValue: at), in: timeZone).yearMonth.yyyymm)
                    }
                }
                // The month after each changed month starts its MRR bridge from it.
                let dropped = months.union(months.compactMap { YearMonth(year: $0 / 100, month: $0 % 100)?.advanced(by: 1).yyyymm })
                for month in dropped {
                    try await db.raw("DELETE FROM scorecard_rollups WHERE tenant_id = \(bind: tenant) AND month = \(bind: month)").run()
                }
                result = .rebuilt(months: dropped.count)
            } else {
                try await db.raw("DELETE FROM scorecard_rollups WHERE tenant_id = \(bind: tenant)").run()
                result = .rebuiltAll
            }
            try await db.raw("""
                UPDATE rollup_state SET scorecard_built_through_ms = \(bind: high), scorecard_built_at_ms = \(bind: Timestamp.now.rawValue)
                WHERE tenant_id = \(bind: tenant)
                """).run()
            return (result, high)
        }
    }

    /// Record tables whose changes touch known months.
    static let monthTables = ["time_entries", "tickets", "invoices", "product_lines", "opportunities"]
    /// Record tables a change in which may move any month.
    static let everyMonthTables = ["agreements", "agreement_additions", "configurations", "members", "work_types", "projects"]

    func storedScorecards(_ months: [YearMonth]) async throws -> [YearMonth: MonthScorecard] {
        let rows = try await query("""
            SELECT month, body FROM scorecard_rollups
            WHERE tenant_id = \(bind: tenant.id.rawValue) AND month BETWEEN \(bind: months[0].yyyymm) AND \(bind: months[months.count - 1].yyyymm)
            """)
        let decoder = JSONDecoder()
        var cards: [YearMonth: MonthScorecard] = [:]
        for row in rows {
            let month = try yearMonth(row, "month")
            guard let card = try? decoder.decode(MonthScorecard.self, from: Data(try row.decode(column: "body", as: String.self).utf8)),
                  card.month == month, card.currency == currency
            else { continue }  // An unreadable row (a different version's shape) is computed again.
            cards[month] = card
        }
        return cards
    }

    /// Stores `cards`, unless the rollup moved past `version` while they were computed (they may predate a change).
    func storeScorecards(_ cards: [MonthScorecard], version: Int64) async throws {
        let tenant = tenant.id.rawValue
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let bodies = try cards.map { ($0.month.yyyymm, String(decoding: try encoder.encode($0), as: UTF8.self)) }
        try await store.withTransaction { db in
            let current = try await db.raw("SELECT scorecard_built_through_ms AS built FROM rollup_state WHERE tenant_id = \(bind: tenant)")
                .first().flatMap { try $0.decode(column: "built", as: Int64?.self) }
            guard current == version else { return }
            for (month, body) in bodies {
                try await db.insert(into: "scorecard_rollups").columns("tenant_id", "month", "body")
                    .values(SQLBind(tenant), SQLBind(Int64(month)), SQLBind(body))
                    .onConflict(with: ["tenant_id", "month"]) { $0.set(excludedValueOf: "body") }
                    .run()
            }
        }
    }
}
