import InsightCore
import InsightStore
import SQLKit

/// Dashboard numbers change only when a sync writes: each process keeps what it computed per company, page and
/// period, and recomputes when the company's sync log moves on (a page stored, a run finished, by any process).
actor DashboardCache {
    private struct Entry {
        var version: String
        var value: any Sendable
    }

    private let store: Store
    private let capacity: Int
    private var entries: [String: Entry] = [:]
    /// Computations under way, so that a burst of requests for the same page computes it once.
    private var inFlight: [String: (version: String, task: Task<any Sendable, any Error>)] = [:]

    init(store: Store, capacity: Int = 512) {
        self.store = store
        self.capacity = capacity
    }

    /// The value for `key` computed by `compute` against the company's current data version.
    func value<T: Sendable>(tenant: Tenant.ID, key: String, _ compute: @escaping @Sendable () async throws -> T) async throws -> T {
        let version = try await dataVersion(tenant)
        let fullKey = "\(tenant.rawValue)|\(key)"
        if let entry = entries[fullKey], entry.version == version, let value = entry.value as? T { return value }
        if let running = inFlight[fullKey], running.version == version, let value = try await running.task.value as? T { return value }
        let task = Task<any Sendable, any Error> { try await compute() }
        inFlight[fullKey] = (version, task)
        defer { if inFlight[fullKey]?.version == version { inFlight[fullKey] = nil } }
        let computed = try await task.value
        guard let value = computed as? T else { return try await compute() }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[fullKey] = Entry(version: version, value: value)
        return value
    }

    /// A fingerprint of the company's sync log and classification: it changes whenever a sync stores a page or finishes a
    /// stream, and whenever a class is inferred or changed.
    private func dataVersion(_ tenant: Tenant.ID) async throws -> String {
        try await store.provider.withSession { db in
            let row = try await db.raw("""
                SELECT COUNT(*) AS runs, CAST(COALESCE(MAX(started_at_ms), 0) AS BIGINT) AS started,
                       CAST(COALESCE(MAX(finished_at_ms), 0) AS BIGINT) AS finished,
                       CAST(COALESCE(SUM(records), 0) AS BIGINT) AS records, CAST(COALESCE(SUM(deleted), 0) AS BIGINT) AS deleted,
                       CAST(COALESCE((SELECT MAX(updated_at_ms) FROM classifications WHERE tenant_id = \(bind: tenant.rawValue)), 0) AS BIGINT) AS classified
                FROM sync_runs WHERE tenant_id = \(bind: tenant.rawValue)
                """).first()
            guard let row else { return "none" }
            let runs = try row.decode(column: "runs", as: Int64?.self) ?? 0
            let started = try row.decode(column: "started", as: Int64?.self) ?? 0
            let finished = try row.decode(column: "finished", as: Int64?.self) ?? 0
            let records = try row.decode(column: "records", as: Int64?.self) ?? 0
            let deleted = try row.decode(column: "deleted", as: Int64?.self) ?? 0
            let classified = try row.decode(column: "classified", as: Int64?.self) ?? 0
            return "\(runs).\(started).\(finished).\(records).\(deleted).\(classified)"
        }
    }
}
