import Foundation
import InsightCore
public import InsightStore
import Logging
import SQLKit
public import Testing

/// A database engine the store tests run on: SQLite always, PostgreSQL when `INSIGHT_TEST_POSTGRES_URL` is set.
public enum TestDatabase: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// The engines available in this run.
    public static var available: [TestDatabase] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// `INSIGHT_TEST_POSTGRES_URL`, e.g. `postgres://postgres@127.0.0.1:5433/postgres?sslmode=disable`.
    public static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment["INSIGHT_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }

    /// Runs `body` on a fresh, migrated, empty store: a private in-memory SQLite database, or a new PostgreSQL
    /// schema that is dropped afterwards.
    public func withFreshStore<R: Sendable>(migrated: Bool = true, _ body: @Sendable (Store) async throws -> R)
        async throws -> R
    {
        let logger = Logger(label: "psa-insight.test")
        switch self {
        case .sqlite:
            return try await Store.withStore(at: .sqliteMemory, logger: logger) { store in
                if migrated { try await store.migrate(now: .init(rawValue: 0)) }
                return try await body(store)
            }
        case .postgres:
            guard let url = Self.postgresURL else { throw TestDatabaseError.postgresNotConfigured }
            guard case .postgres(var settings) = try DatabaseLocation(url: url) else {
                throw TestDatabaseError.postgresNotConfigured
            }
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            try await Store.withStore(at: .postgres(settings), logger: logger) { admin in
                try await admin.provider.withSession { try await $0.raw("CREATE SCHEMA \(ident: String(schema))").run() }
            }
            settings.searchPath = String(schema)
            do {
                let result = try await Store.withStore(at: .postgres(settings), logger: logger) { store in
                    if migrated { try await store.migrate(now: .init(rawValue: 0)) }
                    return try await body(store)
                }
                try await dropSchema(String(schema), settings: settings, logger: logger)
                return result
            } catch {
                try? await dropSchema(String(schema), settings: settings, logger: logger)
                throw error
            }
        }
    }

    private func dropSchema(_ schema: String, settings: PostgresSettings, logger: Logger) async throws {
        var admin = settings
        admin.searchPath = nil
        try await Store.withStore(at: .postgres(admin), logger: logger) { store in
            try await store.provider.withSession { try await $0.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        }
    }

    public var testDescription: String { rawValue }
}

public enum TestDatabaseError: Error {
    case postgresNotConfigured
}
