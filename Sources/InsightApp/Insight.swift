public import Foundation
public import InsightCore
public import InsightStore
public import Logging
public import MSPModel

/// The use cases the command line (and later the web app) runs, all through one composition root.
public enum Insight {
    /// This build's version.
    public static let version = "0.1.0"

    /// Opens the configured store, runs `body`, closes it.
    public static func withStore<R: Sendable>(
        _ configuration: AppConfiguration, logger: Logger, _ body: @Sendable (Store) async throws -> R
    ) async throws -> R {
        try await Store.withStore(at: configuration.database, logger: logger, body)
    }

    /// What `migrate` did.
    public struct MigrationReport: Sendable, Equatable {
        /// Where the store is (no password).
        public var location: String
        /// Migrations applied by this run, in order.
        public var applied: [String]
        /// Every migration the database now has.
        public var total: Int
    }

    /// Brings the store's schema up to date (idempotent).
    public static func migrate(
        _ configuration: AppConfiguration, logger: Logger, now: Timestamp = Timestamp(Date())
    ) async throws -> MigrationReport {
        try await withStore(configuration, logger: logger) { store in
            let applied = try await store.migrate(now: now)
            logger.info("migrated", metadata: ["applied": "\(applied.count)", "database": "\(configuration.database)"])
            return MigrationReport(
                location: configuration.database.description, applied: applied,
                total: try await store.appliedMigrations().count)
        }
    }

    /// Generates the synthetic business and shows it at the end of its span, or `advanceDays` later, with its
    /// ground truth.
    /// - Throws: ``GeneratorError`` for an unknown time zone.
    public static func generate(
        _ settings: GeneratorSettings, advanceDays: Int = 0
    ) throws -> (snapshot: MSPSnapshot, truth: GroundTruth) {
        let business = try MSPBusiness.generate(settings)
        let snapshot = advanceDays > 0 ? business.advanced(byDays: advanceDays) : business.snapshot()
        return (snapshot, GroundTruth(snapshot))
    }
}
