public import InsightCore
public import SQLKit

extension Store {
    /// Inserts or updates `records` for `tenant` in one transaction: all of them are stored, or none.
    ///
    /// Records are matched on `(tenant, source, source id)`; an existing row is overwritten and its `synced_at`
    /// set to `syncedAt`.
    public func upsert<R: StoredRecord>(tenant: Tenant.ID, _ records: [R], syncedAt: Timestamp) async throws {
        guard !records.isEmpty else { return }
        try await provider.withTransaction { db in
            try await Store.upsert(tenant: tenant, records, syncedAt: syncedAt, on: db)
        }
    }

    /// Inserts or updates `records` on `db`, inside the caller's transaction (a sync page and its cursor commit
    /// together).
    public static func upsert<R: StoredRecord>(
        tenant: Tenant.ID, _ records: [R], syncedAt: Timestamp, on db: any SQLDatabase
    ) async throws {
        guard !records.isEmpty else { return }
        if let session = db as? SQLiteSession {
            // Encode the next chunk on another core while SQLite writes the current one.
            let chunkSize = 2_000
            var start = 0
            var current = try encode(records[0..<min(chunkSize, records.count)], tenant: tenant, syncedAt: syncedAt)
            while true {
                let nextStart = start + chunkSize
                guard nextStart < records.count else {
                    try await session.bulkUpsert(into: R.table, current, conflictKey: keyColumns)
                    break
                }
                async let next = encode(
                    records[nextStart..<min(nextStart + chunkSize, records.count)], tenant: tenant, syncedAt: syncedAt)
                try await session.bulkUpsert(into: R.table, current, conflictKey: keyColumns)
                current = try await next
                start = nextStart
            }
        } else {
            let encoded = try encode(records[...], tenant: tenant, syncedAt: syncedAt)
            let updated = encoded.columns.filter { !keyColumns.contains($0) }
            // Stay under PostgreSQL's 65,535 bound parameters per statement.
            let chunkSize = max(1, min(1_000, 30_000 / encoded.columns.count))
            for start in stride(from: 0, to: encoded.rows.count, by: chunkSize) {
                try await db.insert(into: R.table)
                    .columns(encoded.columns)
                    .rows(encoded.rows[start..<min(start + chunkSize, encoded.rows.count)].map { $0.map(\.expression) })
                    .onConflict(with: keyColumns) { conflict in
                        updated.reduce(conflict) { $0.set(excludedValueOf: $1) }
                    }
                    .run()
            }
        }
        try await R.writeChildren(of: records, tenant: tenant, on: db)
    }

    /// The rows for `records`, key columns first, then the record's own, then `currency`.
    private static func encode<R: StoredRecord>(
        _ records: ArraySlice<R>, tenant: Tenant.ID, syncedAt: Timestamp
    ) throws(StoreError) -> EncodedRows {
        var encoded = EncodedRows()
        encoded.rows.reserveCapacity(records.count)
        for record in records {
            var row = RowWriter(table: R.table, sourceID: record.id.rawValue)
            row.set("tenant_id", tenant.rawValue)
            row.set("source", record.source)
            row.set("source_id", record.id)
            row.set("source_updated_at_ms", record.updatedAt)
            row.set("synced_at_ms", syncedAt)
            try record.write(to: &row)
            row.set("currency", row.currency?.rawValue)
            // A record read again from the PSA is live, even if a reconciliation once missed it.
            row.set("deleted_at_ms", nil as Timestamp?)
            if encoded.columns.isEmpty { encoded.columns = row.columns }
            encoded.rows.append(row.values)
        }
        return encoded
    }

    /// One page of `tenant`'s live (not deleted) records from `source`, ordered by source id, after `cursor` (keyset paging: pass
    /// the last id of the previous page; `nil` for the first page).
    public func page<R: StoredRecord>(
        tenant: Tenant.ID, of type: R.Type, source: PSAKind, after cursor: ID<R>? = nil, limit: Int = 1_000
    ) async throws -> [R] {
        try await provider.withSession { db in
            let query = db.select().column("*").from(R.table)
                .where("tenant_id", .equal, tenant.rawValue)
                .where("source", .equal, source.rawValue)
                .where("deleted_at_ms", .is, SQLLiteral.null)
            if let cursor { query.where("source_id", .greaterThan, cursor.rawValue) }
            let rows = try await query.orderBy("source_id").limit(limit).all()
            var records = try rows.map { row throws(StoreError) in try R(reading: RowReader(row: row, table: R.table)) }
            try await R.readChildren(into: &records, tenant: tenant, on: db)
            return records
        }
    }

    /// Every live record of `tenant` from `source`, read page by page.
    public func all<R: StoredRecord>(tenant: Tenant.ID, _ type: R.Type, source: PSAKind) async throws -> [R] {
        var result: [R] = []
        var cursor: ID<R>?
        while true {
            let page = try await page(tenant: tenant, of: R.self, source: source, after: cursor)
            result += page
            guard let last = page.last, page.count == 1_000 else { return result }
            cursor = last.id
        }
    }

    /// The live record with `id`, or `nil` (also when it was deleted in the PSA).
    public func record<R: StoredRecord>(tenant: Tenant.ID, _ type: R.Type, source: PSAKind, id: ID<R>) async throws -> R? {
        try await provider.withSession { db in
            guard
                let row = try await db.select().column("*").from(R.table)
                    .where("tenant_id", .equal, tenant.rawValue)
                    .where("source", .equal, source.rawValue)
                    .where("source_id", .equal, id.rawValue)
                    .where("deleted_at_ms", .is, SQLLiteral.null)
                    .first()
            else { return nil }
            var records = [try R(reading: RowReader(row: row, table: R.table))]
            try await R.readChildren(into: &records, tenant: tenant, on: db)
            return records.first
        }
    }

    /// The live records among `ids` (in no particular order; ids not stored, or deleted in the PSA, are left out).
    public func records<R: StoredRecord>(tenant: Tenant.ID, _ type: R.Type, source: PSAKind, ids: some Collection<ID<R>>) async throws -> [R] {
        let wanted = Array(Set(ids.map(\.rawValue)))
        guard !wanted.isEmpty else { return [] }
        return try await provider.withSession { db in
            var records: [R] = []
            for start in stride(from: 0, to: wanted.count, by: 500) {
                let rows = try await db.select().column("*").from(R.table)
                    .where("tenant_id", .equal, tenant.rawValue)
                    .where("source", .equal, source.rawValue)
                    .where("source_id", .in, Array(wanted[start..<min(start + 500, wanted.count)]))
                    .where("deleted_at_ms", .is, SQLLiteral.null)
                    .all()
                records += try rows.map { row throws(StoreError) in try R(reading: RowReader(row: row, table: R.table)) }
            }
            try await R.readChildren(into: &records, tenant: tenant, on: db)
            return records
        }
    }

    /// The text columns `columns` of each live record among `ids`, by the record's id (ids not stored, or deleted in
    /// the PSA, are left out). Only those columns are read: a sync that needs a ticket's company does not decode
    /// whole tickets.
    public func textColumns<R: StoredRecord>(
        _ columns: [String], tenant: Tenant.ID, of type: R.Type, source: PSAKind, ids: some Collection<ID<R>>
    ) async throws -> [ID<R>: [String?]] {
        let wanted = Array(Set(ids.map(\.rawValue)))
        guard !wanted.isEmpty else { return [:] }
        return try await provider.withSession { db in
            var found: [ID<R>: [String?]] = [:]
            for start in stride(from: 0, to: wanted.count, by: 500) {
                let query = db.select().column("source_id").from(R.table)
                for column in columns { query.column(SQLIdentifier(column)) }
                let rows = try await query
                    .where("tenant_id", .equal, tenant.rawValue)
                    .where("source", .equal, source.rawValue)
                    .where("source_id", .in, Array(wanted[start..<min(start + 500, wanted.count)]))
                    .where("deleted_at_ms", .is, SQLLiteral.null)
                    .all()
                for row in rows {
                    // Read as `records` reads rows: a value of the wrong type is a `corruptRow` naming table and column.
                    let reader = RowReader(row: row, table: R.table)
                    found[ID(try reader.string("source_id"))] = try columns.map { column throws(StoreError) in try reader.optionalString(column) }
                }
            }
            return found
        }
    }

    /// How many live records of this kind `tenant` has (or, with `deleted`, how many were deleted in the PSA),
    /// from one source or from all.
    public func count<R: StoredRecord>(tenant: Tenant.ID, _ type: R.Type, source: PSAKind? = nil, deleted: Bool = false) async throws -> Int {
        try await provider.withSession { db in
            let query = db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(R.table)
                .where("tenant_id", .equal, tenant.rawValue)
                .where("deleted_at_ms", deleted ? .isNot : .is, SQLLiteral.null)
            if let source { query.where("source", .equal, source.rawValue) }
            return try await query.first().map { try $0.decode(column: "n", as: Int.self) } ?? 0
        }
    }
}

private let keyColumns = ["tenant_id", "source", "source_id"]

/// Encoded rows of one table, all with the same columns.
struct EncodedRows: Sendable {
    var columns: [String] = []
    var rows: [[ColumnValue]] = []
}
