import AsyncHTTPClient
import ConnectWiseAPI
import ConnectWiseSimulator
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

/// Seed 3: a business in which two time entries that exist at the end of the span are deleted within three weeks.
let business = try! MSPBusiness.generate(GeneratorSettings(size: .small, seed: 3))
let tenant = business.tenant(id: "northwind")
/// Three weeks after the span: long enough for the generator to have deleted records that existed at its end.
let weekLater = business.endOfSpan.adding(seconds: 21 * 86_400)

/// Runs `body` with a simulator on a real 127.0.0.1 port and a way to make connectors for it.
func withSite<R: Sendable>(
    _ settings: ConnectWiseSimulatorSettings = ConnectWiseSimulatorSettings(), at instant: Timestamp? = nil,
    _ body: @Sendable (SimulatedSite, @Sendable (String, String) -> ConnectWiseConnector) async throws -> R
) async throws -> R {
    let site = SimulatedSite(business: business, settings: settings, at: instant)
    return try await ConnectWiseSimulator.application(site: site, port: 0).test(.live) { client in
        let port = try #require(client.port)
        return try await body(site) { publicKey, privateKey in
            var retry = RetryPolicy()
            retry.baseDelay = .milliseconds(5)
            retry.attempts = 10
            return ConnectWiseConnector(
                credentials: ConnectWiseCredentials(
                    siteURL: "http://127.0.0.1:\(port)", companyID: settings.companyID, clientID: settings.clientID,
                    publicKey: publicKey, privateKey: Secret(privateKey)),
                http: ReadOnlyHTTP(client: .shared), retry: retry, logger: Logger(label: "test"))
        }
    }
}

let readOnly = ("PSAINSIGHTREADONLY", "read-only-private-key-0001")

func sync(
    _ store: Store, _ connector: ConnectWiseConnector, tenant: Tenant = tenant, worker: String = "test",
    configure: (inout SyncOptions) -> Void = { _ in }, onEvent: @escaping @Sendable (SyncEvent) -> Void = { _ in }
) async throws -> SyncReport {
    var options = SyncOptions(worker: worker)
    // The small business has fewer time entries than a real first load splits: split them anyway, so that every
    // test here (interruptions, faults, two workers) runs through the split read.
    options.laneThreshold = 2_000
    configure(&options)
    if try await store.tenant(tenant.id) == nil { try await store.save(tenant) }
    return try await ConnectWiseSync(store: store, connector: connector, tenant: tenant, options: options, onEvent: onEvent).run()
}

@Suite(.timeLimit(.minutes(5)), .serialized)
struct ConnectWiseSyncTests {
    @Test(arguments: TestDatabase.available)
    func fullThenIncrementalEqualsAFreshFullSync(database: TestDatabase) async throws {
        try await withSite { site, connect in
            let connector = connect(readOnly.0, readOnly.1)
            let (incremental, requests) = try await database.withFreshStore { store in
                let first = try await sync(store, connector)
                #expect(first.succeeded, "\(first.failures)")
                #expect(first.entries.allSatisfy { $0.kind == .full })
                let snapshot = business.snapshot()
                #expect(try await store.count(tenant: tenant.id, TimeEntry.self) == snapshot.timeEntries.count)

                // Nothing changed: one request per list stream; additions, read agreement by agreement, none (no
                // agreement changed, and the hourly sweep is not due).
                let idle = try await sync(store, connector)
                #expect(idle.succeeded)
                #expect(idle.records < first.records / 50, "only the overlap window is read again")
                let perStream = idle.entries.filter { $0.stream != ConnectWiseEndpoint.additions.path }.map(\.requests)
                #expect(perStream.allSatisfy { $0 == 1 }, "\(idle.entries.map { ($0.stream, $0.requests) })")
                #expect(idle.entries.first { $0.stream == ConnectWiseEndpoint.additions.path }?.requests == 0)
                // A sweep that is due reads every agreement's additions again.
                let swept = try await sync(store, connector) { $0.additionsSweepEverySeconds = 0 }
                let agreements = try await store.count(tenant: tenant.id, Agreement.self)
                #expect(swept.entries.first { $0.stream == ConnectWiseEndpoint.additions.path }?.requests == agreements)

                await site.advance(to: weekLater)
                let second = try await sync(store, connector) { $0.reconcileNow = true }
                #expect(second.succeeded, "\(second.failures)")
                #expect(second.entries.allSatisfy { $0.kind == .incremental })
                #expect(second.records < first.records / 5, "an incremental sync reads only what changed")
                let later = business.snapshot(at: weekLater)
                let deleted = Set(snapshot.timeEntries.map(\.id)).subtracting(later.timeEntries.map(\.id))
                #expect(!deleted.isEmpty, "the generator deletes some time entries within three weeks")
                #expect(try await store.count(tenant: tenant.id, TimeEntry.self, deleted: true) == deleted.count)
                let timeEntryDeletions = second.entries.first { $0.stream == ConnectWiseEndpoint.timeEntries.path }?.deleted
                #expect(timeEntryDeletions == deleted.count)
                let deletedTickets = Set(snapshot.tickets.map(\.id)).subtracting(later.tickets.map(\.id))
                #expect(try await store.count(tenant: tenant.id, Ticket.self, deleted: true) == deletedTickets.count)
                return (try await StoreContents(store, tenant: tenant.id), idle.entries.count)
            }
            #expect(requests == ConnectWiseSync.streams.count)
            let fresh = try await database.withFreshStore { store in
                let report = try await sync(store, connector)
                #expect(report.succeeded)
                return try await StoreContents(store, tenant: tenant.id)
            }
            #expect(fresh.total > 10_000)
            #expect(incremental == fresh, "full + incremental equals a fresh full sync, record for record")
            let truth = business.snapshot(at: weekLater)
            #expect(fresh.timeEntries == Set(truth.timeEntries))
            #expect(fresh.invoices == Set(truth.invoices))
            #expect(fresh.opportunities == Set(truth.opportunities), "opportunities with the values of their forecasts")
        }
    }

    @Test func anInterruptedSyncResumesAfterTheLastCommittedPage() async throws {
        try await withSite { _, connect in
            let connector = connect(readOnly.0, readOnly.1)
            let expected = try await TestDatabase.sqlite.withFreshStore { store in
                _ = try await sync(store, connector)
                return try await StoreContents(store, tenant: tenant.id)
            }
            try await TestDatabase.sqlite.withFreshStore { store in
                // Stop the sync after a few stored pages, several times, then let it finish.
                var kinds: [SyncRunEntry.Kind] = []
                for stopAfter in [1, 2, 4, 7] {
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
                    if let report = try? await task.value {
                        #expect(!report.succeeded, "the run was stopped")
                        kinds += report.entries.map(\.kind)
                    }
                }
                let final = try await sync(store, connector)
                #expect(final.succeeded, "\(final.failures)")
                kinds += final.entries.map(\.kind)
                #expect(kinds.contains(.resumed), "some stream carried on from a saved page")
                #expect(try await StoreContents(store, tenant: tenant.id) == expected)
            }
        }
    }

    @Test func aLongListIsReadAsIDRangesSideBySideAndEachRangeResumes() async throws {
        try await withSite { _, connect in
            let connector = connect(readOnly.0, readOnly.1)
            let expected = try await TestDatabase.sqlite.withFreshStore { store in
                let report = try await sync(store, connector) { $0.laneThreshold = .max }
                #expect(report.succeeded)
                return try await StoreContents(store, tenant: tenant.id)
            }
            try await TestDatabase.sqlite.withFreshStore { store in
                let stream = ConnectWiseEndpoint.timeEntries.path
                let pages = Atomic(0)
                let running = Mutex<Task<SyncReport, any Error>?>(nil)
                let task = Task {
                    try await sync(store, connector) { $0.concurrency = 4 } onEvent: { event in
                        if case .progress(stream, _, _) = event, pages.add(1, ordering: .relaxed).newValue == 6 {
                            running.withLock { $0?.cancel() }
                        }
                    }
                }
                running.withLock { $0 = task }
                _ = try? await task.value
                let cursor = try await store.cursor(tenant: tenant.id, source: .connectwise, stream: stream)
                let lanes = try #require(cursor.inProgress?.lanes, "the stopped read saved its ranges")
                #expect(lanes.count == 4)
                #expect(lanes.first?.lowerBound == nil && lanes.last?.upperBound == nil, "the ranges cover every id")
                #expect(zip(lanes, lanes.dropFirst()).allSatisfy { $0.upperBound != nil && $0.upperBound == $1.lowerBound })
                #expect(lanes.filter { $0.afterID != nil }.count >= 2, "several ranges progressed side by side: \(lanes)")
                let saved = try await store.count(tenant: tenant.id, TimeEntry.self)
                #expect(saved == cursor.inProgress?.recordsDone)

                let final = try await sync(store, connector)
                #expect(final.succeeded, "\(final.failures)")
                #expect(final.entries.first { $0.stream == stream }?.kind == .resumed)
                #expect(try await store.cursor(tenant: tenant.id, source: .connectwise, stream: stream).inProgress == nil)
                #expect(try await StoreContents(store, tenant: tenant.id) == expected, "each range carried on from its own last page")
            }
        }
    }

    @Test func faultsAndRateLimitsDoNotChangeTheResult() async throws {
        let clean = try await withSite { _, connect in
            try await TestDatabase.sqlite.withFreshStore { store in
                _ = try await sync(store, connect(readOnly.0, readOnly.1))
                return try await StoreContents(store, tenant: tenant.id)
            }
        }
        var faulty = ConnectWiseSimulatorSettings()
        faulty.serverErrorRate = 0.05
        faulty.truncatedBodyRate = 0.05
        faulty.droppedConnectionRate = 0.05
        faulty.requestsPerMinute = 20
        faulty.rateLimitWindow = .seconds(1)
        faulty.retryAfterSeconds = 1
        try await withSite(faulty) { site, connect in
            try await TestDatabase.sqlite.withFreshStore { store in
                let report = try await sync(store, connect(readOnly.0, readOnly.1))
                #expect(report.succeeded, "\(report.failures)")
                #expect(try await StoreContents(store, tenant: tenant.id) == clean)
                let log = await site.requestLog.count
                #expect(log > report.entries.reduce(0) { $0 + $1.requests }, "some requests failed and were retried")
            }
        }
    }

    @Test func aMissingPermissionStopsOnlyItsStreamsAndNamesTheFix() async throws {
        try await withSite { _, connect in
            try await TestDatabase.sqlite.withFreshStore { store in
                let report = try await sync(store, connect("PSAINSIGHTNOFINANCE", "no-finance-private-key-0002"))
                #expect(!report.succeeded)
                #expect(Set(report.failures.map(\.stream)) == ["finance/agreements", "finance/invoices"])
                let agreements = report.failures.first { $0.stream == "finance/agreements" }
                #expect(agreements?.error?.contains("Finance > Agreements: set Inquire Level to All") == true, "\(agreements?.error ?? "")")
                #expect(report.skipped.map(\.stream) == ["finance/agreements/additions"])
                #expect(try await store.count(tenant: tenant.id, TimeEntry.self) == business.snapshot().timeEntries.count)
                let runs = try await store.syncRuns(tenant: tenant.id)
                #expect(runs.filter { $0.status == .failed }.count == 2)
                #expect(runs.filter { $0.status == .succeeded }.count == ConnectWiseSync.streams.count - 3)
            }
        }
    }

    @Test func aRevokedKeyIsReportedAndKeepsWhatWasSynced() async throws {
        try await withSite { _, connect in
            try await TestDatabase.sqlite.withFreshStore { store in
                _ = try await sync(store, connect(readOnly.0, readOnly.1))
                let kept = try await StoreContents(store, tenant: tenant.id)
                // Discovery is unauthenticated; the one authenticated request after it is refused, so the run stops
                // there with one message, before any stream.
                let refusal = await #expect(throws: ConnectorError.self) { try await sync(store, connect(readOnly.0, "revoked")) }
                #expect(refusal?.description.contains("Check the API member's public and private key") == true, "\(String(describing: refusal))")
                #expect(refusal?.description.contains("revoked") == false, "the key is never echoed")
                #expect(try await StoreContents(store, tenant: tenant.id) == kept)
                let runs = try await store.syncRuns(tenant: tenant.id)
                let failed = runs.filter { $0.status == .failed }
                #expect(failed.count == 1 && failed.first?.stream == "login/companyinfo", "\(failed.map(\.stream))")
            }
        }
    }
}

@Suite(.timeLimit(.minutes(5)), .serialized)
struct SharedDatabaseTests {
    @Test(.enabled(if: TestDatabase.postgresURL != nil, "needs INSIGHT_TEST_POSTGRES_URL"))
    func twoWorkersShareFourTenantsWithoutDoubleWork() async throws {
        let tenants = (1...4).map { business.tenant(id: Tenant.ID("msp-\($0)")) }
        try await withSite { _, connect in
            let connector = connect(readOnly.0, readOnly.1)
            let expected = try await TestDatabase.sqlite.withFreshStore { store in
                _ = try await sync(store, connector)
                return try await StoreContents(store, tenant: tenant.id)
            }
            try await TestDatabase.postgres.withFreshStore { store in
                for tenant in tenants { try await store.save(tenant) }
                let reports = try await withThrowingTaskGroup(of: SyncReport.self) { group in
                    for tenant in tenants {
                        for worker in ["worker-a", "worker-b"] {
                            group.addTask { try await sync(store, connector, tenant: tenant, worker: worker) }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                for tenant in tenants {
                    let entries = reports.filter { $0.tenant == tenant.id }.flatMap(\.entries)
                    #expect(entries.allSatisfy { $0.status == .succeeded })
                    #expect(entries.map(\.stream).sorted() == ConnectWiseSync.streams.map(\.name).sorted(), "each stream once")
                    #expect(try await StoreContents(store, tenant: tenant.id) == expected)
                }
                let workers = Set(reports.flatMap(\.entries).map(\.worker))
                #expect(workers == ["worker-a", "worker-b"], "both workers did some of the work")
            }
        }
    }
    /// The same through one Autotask simulator (one API user shared by every sync, within its thread limit).
    @Test(.enabled(if: TestDatabase.postgresURL != nil, "needs INSIGHT_TEST_POSTGRES_URL"))
    func twoWorkersShareFourAutotaskTenantsWithoutDoubleWork() async throws {
        let tenants = (1...4).map { autotaskBusiness.tenant(id: Tenant.ID("at-msp-\($0)")) }
        try await withAutotask { _, connector in
            let expected = try await TestDatabase.sqlite.withFreshStore { store in
                _ = try await sync(store, connector)
                return try await StoreContents(store, tenant: autotaskTenant.id, source: .autotask)
            }
            try await TestDatabase.postgres.withFreshStore { store in
                for tenant in tenants { try await store.save(tenant) }
                let reports = try await withThrowingTaskGroup(of: SyncReport.self) { group in
                    for tenant in tenants {
                        for worker in ["worker-a", "worker-b"] {
                            group.addTask {
                                try await AutotaskSync(store: store, connector: connector, tenant: tenant, options: SyncOptions(worker: worker)).run()
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                for tenant in tenants {
                    let entries = reports.filter { $0.tenant == tenant.id }.flatMap(\.entries)
                    #expect(entries.allSatisfy { $0.status == .succeeded }, "\(entries.filter { $0.status != .succeeded })")
                    #expect(entries.map(\.stream).sorted() == AutotaskSync.streams.map(\.name).sorted(), "each stream once")
                    #expect(try await StoreContents(store, tenant: tenant.id, source: .autotask) == expected)
                }
                let workers = Set(reports.flatMap(\.entries).map(\.worker))
                #expect(workers == ["worker-a", "worker-b"], "both workers did some of the work")
            }
        }
    }
}
