import Foundation
public import Logging
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
        try await gate.run { try await body(connection.sql(queryLogLevel: nil)) }
    }

    public func withTransaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await gate.run {
            let db = connection.sql(queryLogLevel: nil)
            try await db.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Closes the connection; the provider must not be used afterwards.
    public func close() async {
        try? await gate.run { try await connection.close() }
    }
}
