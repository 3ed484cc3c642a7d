import Foundation
import InsightCore
import InsightStore
import InsightTestSupport
import Testing

/// The store contract on every available engine: SQLite always, PostgreSQL when `INSIGHT_TEST_POSTGRES_URL` is set.
@Suite(.timeLimit(.minutes(2)))
struct StoreContractTests {
    @Test(arguments: TestDatabase.available)
    func everyEntityRoundTrips(on database: TestDatabase) async throws {
        try await database.withFreshStore { try await StoreContract.everyEntityRoundTrips($0) }
    }

    @Test(arguments: TestDatabase.available)
    func moneyIsExact(on database: TestDatabase) async throws {
        try await database.withFreshStore { try await StoreContract.moneyIsExact($0) }
    }

    @Test(arguments: TestDatabase.available)
    func upsertIsIdempotent(on database: TestDatabase) async throws {
        try await database.withFreshStore { try await StoreContract.upsertIsIdempotent($0) }
    }

    @Test(arguments: TestDatabase.available)
    func failedBatchLeavesNothing(on database: TestDatabase) async throws {
        try await database.withFreshStore { try await StoreContract.failedBatchLeavesNothing($0) }
    }

    @Test(arguments: TestDatabase.available)
    func tenantsAreIsolated(on database: TestDatabase) async throws {
        try await database.withFreshStore { try await StoreContract.tenantsAreIsolated($0) }
    }

    @Test(arguments: TestDatabase.available)
    func keysetPagingVisitsEveryRowOnce(on database: TestDatabase) async throws {
        try await database.withFreshStore { try await StoreContract.keysetPagingVisitsEveryRowOnce($0) }
    }

    @Test(arguments: TestDatabase.available)
    func migrationIsIdempotent(on database: TestDatabase) async throws {
        try await database.withFreshStore { try await StoreContract.migrationIsIdempotent($0) }
    }

    @Test(.enabled(if: TestDatabase.postgresURL != nil, "needs INSIGHT_TEST_POSTGRES_URL"))
    func migrationsFromEmptyGiveTheSameSchemaOnBothEngines() async throws {
        let sqlite = try await TestDatabase.sqlite.withFreshStore { try await StoreContract.schema(of: $0) }
        let postgres = try await TestDatabase.postgres.withFreshStore { try await StoreContract.schema(of: $0) }
        #expect(sqlite.keys.sorted() == postgres.keys.sorted())
        for table in sqlite.keys.sorted() {
            #expect(sqlite[table] == postgres[table], "table \(table) differs")
        }
        #expect(sqlite["invoices"]?.contains("subtotal_micros integer not null") == true)
    }

    @Test(arguments: TestDatabase.available)
    func aNewDatabaseHasNoMigrations(on database: TestDatabase) async throws {
        try await database.withFreshStore(migrated: false) { (store: Store) async throws in
            #expect(try await store.appliedMigrations() == [])
            #expect(try await store.migrate(now: .init(rawValue: 1)) == Store.knownMigrations)
        }
    }
}
