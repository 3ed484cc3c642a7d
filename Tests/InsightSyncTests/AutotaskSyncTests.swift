import AsyncHTTPClient
import AutotaskAPI
import AutotaskSimulator
import Foundation
import HummingbirdTesting
import InsightConnectors
import InsightCore
import InsightStore
import InsightSync
import InsightTestSupport
import Logging
import MSPModel
import Synchronization
import Testing

/// The ConnectWise suite's business (seed 3: deletions within three weeks), served by Autotask.
let autotaskBusiness = try! MSPBusiness.generate(GeneratorSettings(size: .small, seed: 3, source: .autotask))
let autotaskTenant = autotaskBusiness.tenant(id: "northwind-at")

/// Runs `body` with an Autotask simulator on a real 127.0.0.1 port and a connector for its read-only API user.
func withAutotask<R: Sendable>(
    _ settings: AutotaskSimulatorSettings = AutotaskSimulatorSettings(),
    _ body: @Sendable (SimulatedAutotaskTenant, AutotaskConnector) async throws -> R
) async throws -> R {
    let simulated = SimulatedAutotaskTenant(business: autotaskBusiness, settings: settings)
    return try await AutotaskSimulator.application(tenant: simulated, port: 0).test(.live) { client in
        let port = try #require(client.port)
        var read = AutotaskReadOptions()
        read.retry.baseDelay = .milliseconds(5)
        read.retry.attempts = 8
        let user = settings.users[0]
        let connector = AutotaskConnector(
            credentials: AutotaskCredentials(
                userName: user.userName, secret: Secret(user.secret), integrationCode: user.integrationCode,
                zoneLookupURL: "http://127.0.0.1:\(port)/atservicesrest/v1.0/zoneInformation"),
            http: ReadOnlyHTTP(client: .shared), options: read, logger: Logger(label: "test"))
        return try await body(simulated, connector)
    }
}

func sync(
    _ store: Store, _ connector: AutotaskConnector, worker: String = "test",
    configure: (inout SyncOptions) -> Void = { _ in }, onEvent: @escaping @Sendable (SyncEvent) -> Void = { _ in }
) async throws -> SyncReport {
    var options = SyncOptions(worker: worker)
    // Split the small business's time entries as a real first load's would be, so that every test here runs
    // through the split read.
    options.laneThreshold = 2_000
    configure(&options)
    if try await store.tenant(autotaskTenant.id) == nil { try await store.save(autotaskTenant) }
    return try await AutotaskSync(store: store, connector: connector, tenant: autotaskTenant, options: options, onEvent: onEvent).run()
}

/// What one bulk read of the whole Autotask database (`readAll`, checked against the generator by the connector's
/// suite) holds, stored: the oracle of a sync.
func bulkRead(_ connector: AutotaskConnector, into store: Store) async throws -> StoreContents {
    let read = try await connector.readAll(currency: autotaskTenant.baseCurrency)
    try await store.save(autotaskTenant)
    let (tenant, at) = (autotaskTenant.id, Timestamp.now)
    try await store.upsert(tenant: tenant, read.companies, syncedAt: at)
    try await store.upsert(tenant: tenant, read.configurations, syncedAt: at)
    try await store.upsert(tenant: tenant, read.members, syncedAt: at)
    try await store.upsert(tenant: tenant, read.workTypes, syncedAt: at)
    try await store.upsert(tenant: tenant, read.workRoles, syncedAt: at)
    try await store.upsert(tenant: tenant, read.agreements, syncedAt: at)
    try await store.upsert(tenant: tenant, read.additions, syncedAt: at)
    try await store.upsert(tenant: tenant, read.invoices, syncedAt: at)
    try await store.upsert(tenant: tenant, read.productLines, syncedAt: at)
    try await store.upsert(tenant: tenant, read.timeEntries, syncedAt: at)
    try await store.upsert(tenant: tenant, read.expenses, syncedAt: at)
    try await store.upsert(tenant: tenant, read.tickets, syncedAt: at)
    try await store.upsert(tenant: tenant, read.projects, syncedAt: at)
    try await store.upsert(tenant: tenant, read.opportunities, syncedAt: at)
    return try await StoreContents(store, tenant: tenant, source: .autotask)
}

@Suite(.timeLimit(.minutes(10)), .serialized)
struct AutotaskSyncTests {
    @Test(arguments: TestDatabase.available)
    func fullThenIncrementalEqualsAFreshFullSync(database: TestDatabase) async throws {
        try await withAutotask { simulated, connector in
            let oracle = try await TestDatabase.sqlite.withFreshStore { store in try await bulkRead(connector, into: store) }
            let snapshot = autotaskBusiness.snapshot()
            #expect(oracle.timeEntries.count == snapshot.timeEntries.count && oracle.tickets.count == snapshot.tickets.count)
            let (incremental, idleRequests) = try await database.withFreshStore { store in
                let first = try await sync(store, connector)
                #expect(first.succeeded, "\(first.failures.map { ($0.stream, $0.error ?? "") })")
                #expect(first.entries.count == AutotaskSync.streams.count)
                #expect(first.entries.allSatisfy { $0.kind == .full })
                let synced = try await StoreContents(store, tenant: autotaskTenant.id, source: .autotask)
                #expect(synced == oracle, "a sync stores what one bulk read of the database maps to, record for record")
                #expect(first.entries.first { $0.stream == "TimeEntries" }?.expected == snapshot.timeEntries.count, "the count is asked first")

                // Nothing changed: one request per entity (no picklists are read when no page needs them).
                let idle = try await sync(store, connector)
                #expect(idle.succeeded)
                #expect(idle.records < first.records / 50, "only the overlap window is read again")

                await simulated.advance(to: weekLater)
                let second = try await sync(store, connector) { $0.reconcileNow = true }
                #expect(second.succeeded, "\(second.failures.map { ($0.stream, $0.error ?? "") })")
                let later = autotaskBusiness.snapshot(at: weekLater)
                let deleted = Set(snapshot.timeEntries.map(\.id)).subtracting(later.timeEntries.map(\.id))
                #expect(!deleted.isEmpty, "the generator deletes some time entries within three weeks")
                #expect(try await store.count(tenant: autotaskTenant.id, TimeEntry.self, deleted: true) == deleted.count)
                #expect(second.entries.first { $0.stream == "TimeEntries" }?.deleted == deleted.count)
                return (try await StoreContents(store, tenant: autotaskTenant.id, source: .autotask), idle.entries.map { ($0.stream, $0.requests) })
            }
            #expect(idleRequests.count == AutotaskSync.streams.count)
            #expect(idleRequests.allSatisfy { $0.1 == 1 }, "\(idleRequests)")
            let fresh = try await database.withFreshStore { store in
                let report = try await sync(store, connector)
                #expect(report.succeeded)
                return try await StoreContents(store, tenant: autotaskTenant.id, source: .autotask)
            }
            #expect(fresh.total > 5_000)
            #expect(incremental == fresh, "full + incremental equals a fresh full sync, record for record")
            let later = try await TestDatabase.sqlite.withFreshStore { store in try await bulkRead(connector, into: store) }
            #expect(fresh == later)
        }
    }

    /// An item without what gives it meaning (a time entry without its resource) is left out alone and named in the run
    /// log; an entry recorded as hours only (no start or stop time: optional in Autotask) is stored; the stream succeeds.
    @Test func oneBadItemIsRejectedAloneAndTheStreamGoesOn() async throws {
        let snapshot = autotaskBusiness.snapshot()
        let ids = snapshot.timeEntries.compactMap { Int($0.id.rawValue) }.sorted()
        let (broken, hoursOnly) = (ids[10], ids[ids.count - 20])
        var settings = AutotaskSimulatorSettings()
        settings.nulledFields = [.timeEntries: [broken: ["resourceID"], hoursOnly: ["startDateTime", "endDateTime"]]]
        try await withAutotask(settings) { _, connector in
            try await TestDatabase.sqlite.withFreshStore { store in
                let report = try await sync(store, connector)
                #expect(report.succeeded, "\(report.failures.map { ($0.stream, $0.error ?? "") })")
                let entry = try #require(report.entries.first { $0.stream == AutotaskEntity.timeEntries.rawValue })
                #expect(entry.rejected == 1)
                #expect(entry.rejections == ["TimeEntries: item \(broken) has no resourceID"])
                let stored = try await store.all(tenant: autotaskTenant.id, TimeEntry.self, source: .autotask)
                #expect(stored.count == snapshot.timeEntries.count - 1)
                #expect(!stored.contains { $0.id.rawValue == String(broken) })
                let original = try #require(snapshot.timeEntries.first { $0.id.rawValue == String(hoursOnly) })
                let hours = try #require(stored.first { $0.id.rawValue == String(hoursOnly) })
                #expect(hours.endAt == nil && hours.actualHours == original.actualHours && hours.workDate == original.workDate)
                let logged = try await store.syncRuns(tenant: autotaskTenant.id).first { $0.stream == AutotaskEntity.timeEntries.rawValue }
                #expect(logged?.rejected == 1 && logged?.rejections == entry.rejections)
            }
        }
    }

    @Test func anInterruptedSyncResumesAfterTheLastCommittedPage() async throws {
        try await withAutotask { _, connector in
            let expected = try await TestDatabase.sqlite.withFreshStore { store in
                _ = try await sync(store, connector)
                return try await StoreContents(store, tenant: autotaskTenant.id, source: .autotask)
            }
            try await TestDatabase.sqlite.withFreshStore { store in
                var kinds: [SyncRunEntry.Kind] = []
                for stopAfter in [1, 3, 6, 10] {
                    let pages = Atomic(0)
                    let running = Mutex<Task<SyncReport, any Error>?>(nil)
                    let task = Task {
                        try await sync(store, connector) { $0.concurrency = 2 } onEvent: { event in
                            if case .progress = event, pages.add(1, ordering: .relaxed).newValue == stopAfter {
                                running.withLock { $0?.cancel() }
                            }
                        }
                    }
                    running.withLock { $0 = task }
                    if let report = try? await task.value { kinds += report.entries.map(\.kind) }
                }
                let final = try await sync(store, connector)
                #expect(final.succeeded, "\(final.failures.map { ($0.stream, $0.error ?? "") })")
                #expect((kinds + final.entries.map(\.kind)).contains(.resumed), "some stream resumed a stopped run")
                #expect(try await StoreContents(store, tenant: autotaskTenant.id, source: .autotask) == expected)
            }
        }
    }

    @Test func timeEntriesAreReadAsIDRangesSideBySideAndEachRangeResumes() async throws {
        try await withAutotask { _, connector in
            let expected = try await TestDatabase.sqlite.withFreshStore { store in
                let report = try await sync(store, connector) { $0.laneThreshold = .max }
                #expect(report.succeeded)
                return try await StoreContents(store, tenant: autotaskTenant.id, source: .autotask)
            }
            try await TestDatabase.sqlite.withFreshStore { store in
                let stream = AutotaskEntity.timeEntries.rawValue
                let pages = Atomic(0)
                let running = Mutex<Task<SyncReport, any Error>?>(nil)
                let task = Task {
                    try await sync(store, connector) { $0.concurrency = 4 } onEvent: { event in
                        if case .progress(stream, _, _) = event, pages.add(1, ordering: .relaxed).newValue == 5 {
                            running.withLock { $0?.cancel() }
                        }
                    }
                }
                running.withLock { $0 = task }
                _ = try? await task.value
                let cursor = try await store.cursor(tenant: autotaskTenant.id, source: .autotask, stream: stream)
                let lanes = try #require(cursor.inProgress?.lanes, "the stopped read saved its ranges")
                #expect(lanes.count == 3, "three ranges: Autotask's thread limit per entity")
                #expect(lanes.first?.lowerBound == nil && lanes.last?.upperBound == nil, "the ranges cover every id")
                #expect(zip(lanes, lanes.dropFirst()).allSatisfy { $0.upperBound != nil && $0.upperBound == $1.lowerBound })
                #expect(lanes.filter { $0.afterID != nil }.count >= 2, "several ranges progressed side by side: \(lanes)")

                let final = try await sync(store, connector)
                #expect(final.succeeded, "\(final.failures.map { ($0.stream, $0.error ?? "") })")
                #expect(final.entries.first { $0.stream == stream }?.kind == .resumed)
                #expect(try await StoreContents(store, tenant: autotaskTenant.id, source: .autotask) == expected)
            }
        }
    }

    @Test func aMissingRightStopsOnlyItsStreamsAndKeepsTheRest() async throws {
        var settings = AutotaskSimulatorSettings()
        // The read-only level, without the Contracts section (what the permission doctor reports).
        settings.users[0].level = .missing(.contracts)
        try await withAutotask(settings) { _, connector in
            try await TestDatabase.sqlite.withFreshStore { store in
                let report = try await sync(store, connector)
                #expect(!report.succeeded)
                #expect(!report.failures.isEmpty)
                #expect(report.failures.allSatisfy { ($0.error ?? "").contains("Contracts") }, "\(report.failures.map { $0.error ?? "" })")
                #expect(try await store.count(tenant: autotaskTenant.id, Company.self, source: .autotask) == autotaskBusiness.snapshot().companies.count)
            }
        }
    }

    @Test func aWrongSecretFailsBeforeReadingAndIsLogged() async throws {
        try await withAutotask { _, connector in
            let wrong = AutotaskConnector(
                credentials: AutotaskCredentials(
                    userName: connector.credentials.userName, secret: Secret("not-the-secret"),
                    integrationCode: connector.credentials.integrationCode, zoneLookupURL: connector.credentials.zoneLookupURL),
                http: ReadOnlyHTTP(client: .shared), logger: Logger(label: "test"))
            try await TestDatabase.sqlite.withFreshStore { store in
                await #expect(throws: AutotaskConnectorError.self) { try await sync(store, wrong) }
                let log = try await store.syncRuns(tenant: autotaskTenant.id)
                #expect(log.count == 1 && log[0].status == .failed && log[0].stream == "zoneInformation")
                #expect(try await store.count(tenant: autotaskTenant.id, Company.self) == 0)
            }
        }
    }
}
