import Foundation
public import Logging
import NIOCore
import NIOPosix
public import SQLKit
import SQLiteKit
import SQLiteNIO

/// One SQLite connection, used by one task at a time: SQLite has a single writer anyway, and serialising here
/// makes `BEGIN IMMEDIATE … COMMIT` blocks safe from interleaving (H-21).
public final class SQLiteSessionProvider: SQLSessionProvider {
    public var engine: DatabaseEngine { .sqlite }
    private let connection: SQLiteConnection
    private let gate = SerialGate()

    /// Opens (creating when missing) the database file and its folder, or a private in-memory database.
    /// - Throws: ``StoreError/cannotOpenFile(_:reason:)``.
    public static func open(path: String?, logger: Logger) async throws(StoreError) -> SQLiteSessionProvider {
        let storage: SQLiteConnection.Storage
        if let path {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw .cannotOpenFile(path, reason: "cannot create folder \(folder.path): \(error.localizedDescription)")
            }
            storage = .file(path: path)
        } else {
            storage = .memory
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        } catch {
            throw .cannotOpenFile(path ?? ":memory:", reason: "\(error)")
        }
        do {
            let db = connection.sql(queryLogLevel: nil)
            if path != nil {
                try await db.raw("PRAGMA journal_mode = WAL").run()
                try await db.raw("PRAGMA synchronous = NORMAL").run()
            }
            try await db.raw("PRAGMA foreign_keys = ON").run()
            // 64 MiB of page cache: large tables' primary-key indexes stay in memory during bulk upserts.
            try await db.raw("PRAGMA cache_size = -65536").run()
            try await db.raw("PRAGMA busy_timeout = 10000").run()
        } catch {
            try? await connection.close()
            throw .cannotOpenFile(path ?? ":memory:", reason: "\(error)")
        }
        return SQLiteSessionProvider(connection: connection)
    }

    private init(connection: SQLiteConnection) {
        self.connection = connection
    }

    public func withSession<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await gate.run { try await body(SQLiteSession(connection: connection)) }
    }

    public func withTransaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await gate.run {
            let db = SQLiteSession(connection: connection)
            try await db.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(db)
                try await endTransaction(db, commit: true)
                return result
            } catch {
                try? await endTransaction(db, commit: false)
                throw error
            }
        }
    }

    /// Closes the connection; the provider must not be used afterwards.
    ///
    /// It runs outside the caller's task, so a cancelled caller (a timeout, Ctrl-C) still closes the connection.
    public func close() async {
        let (connection, gate) = (self.connection, self.gate)
        await Task.detached {
            do {
                try await gate.run { try await connection.close() }
            } catch {
                try? await connection.close()
            }
        }.value
    }
}

/// A SQLKit database over one SQLite connection that can also take rows in bulk, bypassing SQLKit's
/// serializer and `Encodable` binding (the two costs that dominated a profile of large upserts).
struct SQLiteSession: SQLDatabase {
    let connection: SQLiteConnection
    private let base: any SQLDatabase

    init(connection: SQLiteConnection) {
        self.connection = connection
        self.base = connection.sql(queryLogLevel: nil)
    }

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await base.execute(sql: query, onRow)
    }
    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    /// `INSERT … ON CONFLICT (key) DO UPDATE SET c = excluded.c …` for `rows`, in statements of at most
    /// 30,000 bound values (SQLite allows 32,766).
    func bulkUpsert(into table: String, _ encoded: EncodedRows, conflictKey: [String]) async throws {
        let columns = encoded.columns
        let rows = encoded.rows
        let updating = columns.filter { !conflictKey.contains($0) }
        let perStatement = max(1, min(2_000, 30_000 / columns.count))
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        let tail =
            " ON CONFLICT (\(conflictKey.joined(separator: ", "))) DO UPDATE SET "
            + updating.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let rowPlaceholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var fullStatement: String?
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            let sql: String
            if chunk.count == perStatement, let fullStatement {
                sql = fullStatement
            } else {
                sql = head + Array(repeating: rowPlaceholders, count: chunk.count).joined(separator: ", ") + tail
                if chunk.count == perStatement { fullStatement = sql }
            }
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * columns.count)
            for row in chunk {
                for value in row {
                    switch value {
                    case .text(let text): binds.append(.text(text))
                    case .integer(let integer): binds.append(.integer(Int(integer)))
                    case .bool(let flag): binds.append(.integer(flag ? 1 : 0))
                    case .null: binds.append(.null)
                    }
                }
            }
            _ = try await connection.query(sql, binds)
        }
    }
}
