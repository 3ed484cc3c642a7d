public import InsightCore
public import SQLKit

extension Store {
    /// Inserts or updates `records` for `tenant` in one transaction: all of them are stored, or none.
    ///
    /// Records are matched on `(tenant, source, source id)`; an existing row is overwritten and its `synced_at`
    /// set to `syncedAt`.
    public func upsert<R: StoredRecord>(_ records: [R], tenant: Tenant.ID, syncedAt: Timestamp) async throws {
        guard !records.isEmpty else { return }
        try await provider.withTransaction { db in
            try await Store.upsert(records, tenant: tenant, syncedAt: syncedAt, on: db)
        }
    }

    /// Inserts or updates `records` on `db`, inside the caller's transaction (a sync page and its cursor commit
    /// together).
    public static func upsert<R: StoredRecord>(
        _ records: [R], tenant: Tenant.ID, syncedAt: Timestamp, on db: any SQLDatabase
    ) async throws {
        guard !records.isEmpty else { return }
        var columns: [String] = []
        var rows: [[any SQLExpression]] = []
        rows.reserveCapacity(records.count)
        for record in records {
            var row = RowWriter(table: R.table, sourceID: record.id.rawValue)
            row.set("tenant_id", tenant.rawValue)
            row.set("source", record.source)
            row.set("source_id", record.id)
            row.set("source_updated_at_ms", record.updatedAt)
            row.set("synced_at_ms", syncedAt)
            try record.write(to: &row)
            row.set("currency", row.currency?.rawValue)
            if columns.isEmpty { columns = row.columns }
            rows.append(row.values)
        }
        let updated = columns.filter { !keyColumns.contains($0) }
        // Stay under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement.
        let chunkSize = max(1, min(1_000, 30_000 / columns.count))
        for start in stride(from: 0, to: rows.count, by: chunkSize) {
            try await db.insert(into: R.table)
                .columns(columns)
                .rows(rows[start..<min(start + chunkSize, rows.count)])
                .onConflict(with: keyColumns) { conflict in
                    updated.reduce(conflict) { $0.set(excludedValueOf: $1) }
                }
                .run()
        }
        try await R.writeChildren(of: records, tenant: tenant, on: db)
    }

    /// One page of `tenant`'s records from `source`, ordered by source id, after `cursor` (keyset paging: pass
    /// the last id of the previous page; `nil` for the first page).
    public func page<R: StoredRecord>(
        of type: R.Type, tenant: Tenant.ID, source: PSAKind, after cursor: ID<R>? = nil, limit: Int = 1_000
    ) async throws -> [R] {
        try await provider.withSession { db in
            let query = db.select().column("*").from(R.table)
                .where("tenant_id", .equal, tenant.rawValue)
                .where("source", .equal, source.rawValue)
            if let cursor { query.where("source_id", .greaterThan, cursor.rawValue) }
            let rows = try await query.orderBy("source_id").limit(limit).all()
            var records = try rows.map { row throws(StoreError) in try R(reading: RowReader(row: row, table: R.table)) }
            try await R.readChildren(into: &records, tenant: tenant, on: db)
            return records
        }
    }

    /// Every record of `tenant` from `source`, read page by page.
    public func all<R: StoredRecord>(_ type: R.Type, tenant: Tenant.ID, source: PSAKind) async throws -> [R] {
        var result: [R] = []
        var cursor: ID<R>?
        while true {
            let page = try await page(of: R.self, tenant: tenant, source: source, after: cursor)
            result += page
            guard let last = page.last, page.count == 1_000 else { return result }
            cursor = last.id
        }
    }

    /// The record with `id`, or `nil`.
    public func record<R: StoredRecord>(_ type: R.Type, tenant: Tenant.ID, source: PSAKind, id: ID<R>) async throws -> R? {
        try await provider.withSession { db in
            guard
                let row = try await db.select().column("*").from(R.table)
                    .where("tenant_id", .equal, tenant.rawValue)
                    .where("source", .equal, source.rawValue)
                    .where("source_id", .equal, id.rawValue)
                    .first()
            else { return nil }
            var records = [try R(reading: RowReader(row: row, table: R.table))]
            try await R.readChildren(into: &records, tenant: tenant, on: db)
            return records.first
        }
    }

    /// How many records of this kind `tenant` has, from one source or from all.
    public func count<R: StoredRecord>(_ type: R.Type, tenant: Tenant.ID, source: PSAKind? = nil) async throws -> Int {
        try await provider.withSession { db in
            let query = db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(R.table)
                .where("tenant_id", .equal, tenant.rawValue)
            if let source { query.where("source", .equal, source.rawValue) }
            return try await query.first().map { try $0.decode(column: "n", as: Int.self) } ?? 0
        }
    }
}

private let keyColumns = ["tenant_id", "source", "source_id"]
