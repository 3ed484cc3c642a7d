public import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
public import PostgresNIO
public import SQLKit

/// Sessions from a `PostgresClient` pool. The client's `run()` must be running while sessions are used:
/// ``Store/withStore(at:logger:_:)`` arranges that in a task group.
public final class PostgresSessionProvider: SQLSessionProvider {
    public var engine: DatabaseEngine { .postgres }
    /// The pool; run it (`client.run()`) for as long as the provider is used.
    public let client: PostgresClient
    let settings: PostgresSettings

    /// Builds the pool for `settings` (no connection is made until the first session).
    public init(settings: PostgresSettings, logger: Logger) {
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: settings.clientTLS)
        configuration.options.connectTimeout = .seconds(5)
        if let searchPath = settings.searchPath {
            configuration.options.additionalStartupParameters = [("search_path", searchPath)]
        }
        // The pool's own chatter (including a harmless warning when the first lease races `run()`) stays quiet;
        // failures reach callers as errors of the queries they make.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: background)
        self.settings = settings
    }

    public func withSession<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await client.withConnection { connection in try await body(connection.sql(queryLogLevel: nil)) }
    }

    public func withTransaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await client.withConnection { connection in
            let db = connection.sql(queryLogLevel: nil)
            try await db.raw("BEGIN").run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                // Inline, unlike SQLite's (`endTransaction`): ending the transaction from a task of its own stalled a CI
                // run on PostgreSQL (every migration waited for the advisory lock, as if a COMMIT never arrived). Why is
                // not understood yet; see docs/architecture.md.
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}

extension PostgresSettings {
    /// libpq semantics: `prefer`/`require` encrypt but accept any certificate; `verify-full` verifies.
    private var tlsConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if tls != .verifyFull { configuration.certificateVerification = .none }
        return configuration
    }
    var clientTLS: PostgresClient.Configuration.TLS {
        switch tls {
        case .disable: .disable
        case .prefer: .prefer(tlsConfiguration)
        case .require, .verifyFull: .require(tlsConfiguration)
        }
    }
    var connectionTLS: PostgresConnection.Configuration.TLS {
        switch tls {
        case .disable: .disable
        // Invariant: a client configuration with default or disabled verification is always a valid context.
        case .prefer: .prefer(try! NIOSSLContext(configuration: tlsConfiguration))
        case .require, .verifyFull: .require(try! NIOSSLContext(configuration: tlsConfiguration))
        }
    }
}

extension PostgresSessionProvider {
    /// Opens one connection and runs `SELECT 1`, so that a wrong host or password fails at once with the
    /// server's reason, before the pool (which retries quietly) is used.
    /// - Throws: ``StoreError/unreachable(_:reason:)``.
    func probe(logger: Logger) async throws(StoreError) {
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: settings.connectionTLS)
        configuration.options.connectTimeout = .seconds(5)
        if let searchPath = settings.searchPath {
            configuration.options.additionalStartupParameters = [("search_path", searchPath)]
        }
        var quiet = logger
        quiet.logLevel = .critical
        do {
            let connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0, logger: quiet)
            do {
                _ = try await connection.query("SELECT 1", logger: quiet)
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw .unreachable(settings.description, reason: describePostgresError(error))
        }
    }
}

/// A short, secret-free account of why PostgreSQL refused (PSQLError's own description is deliberately opaque).
func describePostgresError(_ error: any Error) -> String {
    guard let error = error as? PSQLError else { return "\(error)" }
    if let message = error.serverInfo?[.message] {
        return message
    }
    if let underlying = error.underlying {
        let text = "\(underlying)"
        if text.contains("Connection refused") { return "connection refused (is PostgreSQL running and listening there?)" }
        if text.contains("timed out") || text.contains("connectTimeout") { return "the connection timed out" }
        return text
    }
    return "\(error.code)"
}
