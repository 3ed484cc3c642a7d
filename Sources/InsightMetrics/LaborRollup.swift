import InsightCore
import InsightStore
import SQLKit

/// The monthly labor rollup: Σ hours per month, labor class, work type, member and hourly cost, so that labor,
/// utilization and capacity over any span read a few hundred rows per month instead of every time entry.
///
/// It is brought up to date before every read from what was synced since it was built (`synced_at_ms` moves on
/// every upsert and on every deletion mark): only the months of changed time entries, and of time entries on
/// changed tickets, are rebuilt; a changed work type rebuilds everything. Refreshes are serialised per tenant by
/// the row lock on `rollup_state`.
extension KPIEngine {
    /// Rows stamped up to this long (ms) before the last build's wall-clock time are looked at again: on
    /// PostgreSQL a sync page stamped before a build can commit after it.
    static let lateCommitWindow: Int64 = 10 * 60_000

    /// Brings the rollup up to date; returns how many months were rebuilt (`nil`: all of them).
    @discardableResult
    public func refreshLaborRollup() async throws -> RollupRefresh {
        let tenant = tenant.id.rawValue
        let classify = Self.laborClassSQL
        return try await store.withTransaction { db in
            // Takes this tenant's lock (the row) until commit, then reads the watermark under it.
            try await db.insert(into: "rollup_state").columns("tenant_id", "updated_at_ms")
                .values(SQLBind(tenant), SQLBind(Timestamp.now.rawValue))
                .onConflict(with: ["tenant_id"]) { $0.set(excludedValueOf: "updated_at_ms") }
                .run()
            let state = try await db.raw(
                "SELECT labor_built_through_ms AS built, labor_built_at_ms AS built_at FROM rollup_state WHERE tenant_id = \(bind: tenant)"
            ).first()
            let built = try state.flatMap { try $0.decode(column: "built", as: Int64?.self) }
            let builtAt = try state.flatMap { try $0.decode(column: "built_at", as: Int64?.self) } ?? 0
            func latest(_ table: String) async throws -> Int64 {
                try await db.raw("SELECT MAX(synced_at_ms) AS latest FROM \(ident: table) WHERE tenant_id = \(bind: tenant)")
                    .first().flatMap { try $0.decode(column: "latest", as: Int64?.self) } ?? 0
            }
            let high = max(try await latest("time_entries"), try await latest("tickets"), try await latest("work_types"))
            if let built, high <= built { return .upToDate }

            func rebuild(_ filter: SQLQueryString) async throws {
                try await db.raw("""
                    INSERT INTO labor_rollups (tenant_id, source, month, labor_class, work_type_id, member_id, hourly_cost_micros, hours_micros)
                    SELECT t.tenant_id, t.source, t.work_date / 100, \(unsafeRaw: classify), t.work_type_id, t.member_id, t.hourly_cost_micros,
                           CAST(SUM(t.actual_hours_micros) AS BIGINT)
                    FROM time_entries t
                    LEFT JOIN tickets k ON k.tenant_id = t.tenant_id AND k.source = t.source AND k.source_id = t.ticket_id
                        AND k.deleted_at_ms IS NULL
                    LEFT JOIN work_types w ON w.tenant_id = t.tenant_id AND w.source = t.source AND w.source_id = t.work_type_id
                        AND w.deleted_at_ms IS NULL
                    WHERE t.tenant_id = \(bind: tenant) AND t.deleted_at_ms IS NULL \(filter)
                    GROUP BY t.tenant_id, t.source, t.work_date / 100, 4, t.work_type_id, t.member_id, t.hourly_cost_micros
                    """).run()
            }
            let result: RollupRefresh
            if let built, try await latest("work_types") <= built {
                // Rows stamped shortly before the last build may have committed after it (PostgreSQL): look again.
                let since = min(built, builtAt - Self.lateCommitWindow)
                let months = try await db.raw("""
                    SELECT DISTINCT work_date / 100 AS month FROM time_entries
                    WHERE tenant_id = \(bind: tenant) AND synced_at_ms > \(bind: since)
                    UNION
                    SELECT DISTINCT t.work_date / 100 AS month FROM tickets k
                    JOIN time_entries t ON t.tenant_id = k.tenant_id AND t.source = k.source AND t.ticket_id = k.source_id
                    WHERE k.tenant_id = \(bind: tenant) AND k.synced_at_ms > \(bind: since)
                    """).all().map { Int(try $0.decode(column: "month", as: Int64.self)) }
                for month in months {
                    try await db.raw("DELETE FROM labor_rollups WHERE tenant_id = \(bind: tenant) AND month = \(bind: month)").run()
                    try await rebuild("AND t.work_date BETWEEN \(bind: month * 100 + 1) AND \(bind: month * 100 + 31)")
                }
                result = .rebuilt(months: months.count)
            } else {
                try await db.raw("DELETE FROM labor_rollups WHERE tenant_id = \(bind: tenant)").run()
                try await rebuild("")
                result = .rebuiltAll
            }
            try await db.raw("""
                UPDATE rollup_state SET labor_built_through_ms = \(bind: high), labor_built_at_ms = \(bind: Timestamp.now.rawValue)
                WHERE tenant_id = \(bind: tenant)
                """).run()
            return result
        }
    }
}

/// What a rollup refresh did.
public enum RollupRefresh: Sendable, Equatable {
    case upToDate
    case rebuilt(months: Int)
    case rebuiltAll
}
