public import SQLKit

/// Hands out database sessions. The store's code takes `any SQLDatabase`; a provider only decides how a
/// session is obtained (one serialised SQLite connection, or a connection from a PostgreSQL pool).
public protocol SQLSessionProvider: Sendable {
    /// Which engine is behind the sessions.
    var engine: DatabaseEngine { get }
    /// Runs `body` with a session, outside any transaction.
    func withSession<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func withTransaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R
}

/// The database engines the store runs on.
public enum DatabaseEngine: String, Sendable, CaseIterable {
    case sqlite
    case postgres
}

/// Serialises access to one resource across tasks, in arrival order (an actor alone is re-entrant at `await`).
actor SerialGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
    }

    func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    nonisolated func run<R: Sendable>(_ body: () async throws -> R) async throws -> R {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}

/// `COMMIT` or `ROLLBACK` on `db`, in a task of its own: a cancelled caller (a graceful shutdown mid-sync) must
/// still end its transaction, or the connection would go back to use inside it ("cannot start a transaction
/// within a transaction") and every later write on it would fail.
func endTransaction(_ db: any SQLDatabase, commit: Bool) async throws {
    try await Task {
        if commit {
            try await db.raw("COMMIT").run()
        } else {
            try await db.raw("ROLLBACK").run()
        }
    }.value
}
