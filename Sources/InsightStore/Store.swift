public import InsightCore
public import Logging
public import SQLKit
import PostgresNIO

/// The normalized MSP data: tenants and every PSA record, on SQLite or PostgreSQL.
///
/// Every record method takes the tenant first, and every query it runs is filtered by that tenant: there is no
/// way to read another tenant's rows through a `Store` (listing all tenants is the one admin exception).
public struct Store: Sendable {
    /// Where sessions come from.
    public let provider: any SQLSessionProvider
    /// Which engine the store runs on.
    public var engine: DatabaseEngine { provider.engine }

    public init(provider: any SQLSessionProvider) {
        self.provider = provider
    }

    /// Opens the store at `location`, checks that it answers, runs `body`, then closes it.
    ///
    /// For PostgreSQL the connection pool runs in a child task for the duration of `body`.
    /// - Throws: ``StoreError`` when the database cannot be opened or reached, or what `body` throws.
    public static func withStore<R: Sendable>(
        at location: DatabaseLocation, logger: Logger, _ body: @Sendable (Store) async throws -> R
    ) async throws -> R {
        switch location {
        case .sqliteFile(let path):
            let provider = try await SQLiteSessionProvider.open(path: path, logger: logger)
            return try await run(body, on: provider, close: provider.close)
        case .sqliteMemory:
            let provider = try await SQLiteSessionProvider.open(path: nil, logger: logger)
            return try await run(body, on: provider, close: provider.close)
        case .postgres(let settings):
            let provider = PostgresSessionProvider(settings: settings, logger: logger)
            try await provider.probe(logger: logger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await provider.client.run() }
                defer { group.cancelAll() }
                return try await body(Store(provider: provider))
            }
        }
    }

    private static func run<R: Sendable>(
        _ body: @Sendable (Store) async throws -> R, on provider: any SQLSessionProvider,
        close: () async -> Void
    ) async throws -> R {
        do {
            let result = try await body(Store(provider: provider))
            await close()
            return result
        } catch {
            await close()
            throw error
        }
    }

    /// Runs `body` in one transaction: all of it is committed, or none of it.
    public func withTransaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await provider.withTransaction(body)
    }
}

// MARK: - Migrations

extension Store {
    /// The ids of every migration this build knows, in order.
    public static var knownMigrations: [String] { Migration.all.map(\.id) }

    /// Applies every migration not yet applied, each in its own transaction, and returns the ids it applied.
    ///
    /// Safe to run concurrently from several processes on PostgreSQL (an advisory lock serialises them) and
    /// idempotent: a second run applies nothing.
    /// - Throws: ``StoreError/migrationFailed(id:reason:)`` (nothing of that migration is kept) or
    ///   ``StoreError/schemaFromNewerVersion(unknown:)``.
    @discardableResult
    public func migrate(now: Timestamp) async throws -> [String] {
        let engine = self.engine
        try await provider.withTransaction { db in
            try await lockMigrations(db, engine: engine)
            try await db.create(table: "schema_migrations").ifNotExists()
                .column("id", type: .text, .primaryKey(autoIncrement: false), .notNull)
                .column("applied_at_ms", type: .bigint, .notNull)
                .run()
        }
        let applied = Set(try await appliedMigrations())
        let unknown = applied.subtracting(Self.knownMigrations)
        guard unknown.isEmpty else { throw StoreError.schemaFromNewerVersion(unknown: unknown.sorted()) }
        var newlyApplied: [String] = []
        for migration in Migration.all where !applied.contains(migration.id) {
            do {
                let didApply = try await provider.withTransaction { db in
                    try await lockMigrations(db, engine: engine)
                    // Another process may have applied it while we waited for the lock.
                    let done = try await db.select().column("id").from("schema_migrations")
                        .where("id", .equal, migration.id).first()
                    guard done == nil else { return false }
                    try await migration.apply(db)
                    try await db.insert(into: "schema_migrations").columns("id", "applied_at_ms")
                        .values(SQLBind(migration.id), SQLBind(now.rawValue)).run()
                    return true
                }
                if didApply { newlyApplied.append(migration.id) }
            } catch {
                throw StoreError.migrationFailed(id: migration.id, reason: "\(String(reflecting: error))")
            }
        }
        return newlyApplied
    }

    /// The ids of the migrations applied to this database, in order; empty for a new database.
    public func appliedMigrations() async throws -> [String] {
        try await provider.withSession { db in
            guard try await tableExists("schema_migrations", on: db) else { return [] }
            return try await db.select().column("id").from("schema_migrations").orderBy("id").all()
                .map { try $0.decode(column: "id", as: String.self) }
        }
    }

    /// The tables of this database, sorted, for schema comparisons.
    public func tableNames() async throws -> [String] {
        let engine = self.engine
        return try await provider.withSession { db in
            let rows: [any SQLRow]
            switch engine {
            case .sqlite:
                rows = try await db.raw(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                ).all()
            case .postgres:
                rows = try await db.raw(
                    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name"
                ).all()
            }
            return try rows.map { try $0.decode(column: "name", as: String.self) }
        }
    }

    /// Each column of `table` as `name type [not null]`, with the engine's type names folded to
    /// `text`, `integer` and `boolean`, in declaration order.
    public func columns(of table: String) async throws -> [String] {
        let engine = self.engine
        return try await provider.withSession { db in
            switch engine {
            case .sqlite:
                return try await db.raw("SELECT name, type, \"notnull\" AS not_null FROM pragma_table_info(\(bind: table)) ORDER BY cid")
                    .all().map { row in
                        let type = try row.decode(column: "type", as: String.self)
                        let notNull = try row.decode(column: "not_null", as: Int.self) != 0
                        return "\(try row.decode(column: "name", as: String.self)) \(foldType(type))\(notNull ? " not null" : "")"
                    }
            case .postgres:
                return try await db.raw(
                    """
                    SELECT column_name AS name, data_type AS type, is_nullable AS nullable FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = \(bind: table) ORDER BY ordinal_position
                    """
                ).all().map { row in
                    let type = try row.decode(column: "type", as: String.self)
                    let notNull = try row.decode(column: "nullable", as: String.self) == "NO"
                    return "\(try row.decode(column: "name", as: String.self)) \(foldType(type))\(notNull ? " not null" : "")"
                }
            }
        }
    }
}

/// Serialises migrators across processes on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already does.
private func lockMigrations(_ db: any SQLDatabase, engine: DatabaseEngine) async throws {
    if engine == .postgres {
        try await db.raw("SELECT pg_advisory_xact_lock(\(literal: 7_318_002))").run()
    }
}

private func tableExists(_ name: String, on db: any SQLDatabase) async throws -> Bool {
    switch db.dialect.name {
    case "postgresql":
        try await db.raw(
            "SELECT 1 AS found FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = \(bind: name)"
        ).first() != nil
    default:
        try await db.raw("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = \(bind: name)").first()
            != nil
    }
}

private func foldType(_ type: String) -> String {
    switch type.lowercased() {
    case "integer", "bigint", "int8": "integer"
    case "boolean", "bool": "boolean"
    case "text", "character varying": "text"
    default: type.lowercased()
    }
}
