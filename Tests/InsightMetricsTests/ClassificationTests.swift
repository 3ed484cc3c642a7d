import AsyncHTTPClient
import AutotaskSimulator
import ConnectWiseSimulator
import Foundation
import HummingbirdTesting
import InsightConnectors
import InsightCore
import InsightMetrics
import InsightStore
import InsightSync
import InsightTestSupport
import Logging
import MSPModel
import Testing

/// Syncs `business` through the simulator of its PSA (`business.settings.source`) into `store` as `tenant`; `advance`
/// then moves the simulated PSA on by `days` days, and `again` runs an incremental sync.
func syncThroughSimulator(
    _ business: MSPBusiness, tenant: Tenant, into store: Store,
    then more: @Sendable (_ incremental: @Sendable (_ days: Int) async throws -> SyncReport) async throws -> Void = { _ in }
) async throws -> SyncReport {
    let options = SyncOptions(worker: "test")
    if try await store.tenant(tenant.id) == nil { try await store.save(tenant) }
    switch business.settings.source {
    case .connectwise:
        let settings = ConnectWiseSimulatorSettings()
        let site = SimulatedSite(business: business, settings: settings)
        return try await ConnectWiseSimulator.application(site: site, port: 0).test(.live) { client in
            let port = try #require(client.port)
            let connector = ConnectWiseConnector(
                credentials: ConnectWiseCredentials(
                    siteURL: "http://127.0.0.1:\(port)", companyID: settings.companyID, clientID: settings.clientID,
                    publicKey: "PSAINSIGHTREADONLY", privateKey: Secret("read-only-private-key-0001")),
                http: ReadOnlyHTTP(client: .shared), logger: Logger(label: "test"))
            let report = try await ConnectWiseSync(store: store, connector: connector, tenant: tenant, options: options).run()
            try await more { days in
                await site.advance(to: business.endOfSpan.adding(seconds: Int64(days) * 86_400))
                return try await ConnectWiseSync(store: store, connector: connector, tenant: tenant, options: options).run()
            }
            return report
        }
    case .autotask:
        let simulated = SimulatedAutotaskTenant(business: business, settings: AutotaskSimulatorSettings())
        return try await AutotaskSimulator.application(tenant: simulated, port: 0).test(.live) { client in
            let port = try #require(client.port)
            let user = AutotaskSimulatorSettings().users[0]
            let connector = AutotaskConnector(
                credentials: AutotaskCredentials(
                    userName: user.userName, secret: Secret(user.secret), integrationCode: user.integrationCode,
                    zoneLookupURL: "http://127.0.0.1:\(port)/atservicesrest/v1.0/zoneInformation"),
                http: ReadOnlyHTTP(client: .shared), logger: Logger(label: "test"))
            let report = try await AutotaskSync(store: store, connector: connector, tenant: tenant, options: options).run()
            try await more { days in
                await simulated.advance(to: business.endOfSpan.adding(seconds: Int64(days) * 86_400))
                return try await AutotaskSync(store: store, connector: connector, tenant: tenant, options: options).run()
            }
            return report
        }
    }
}

/// The MSP's own names never decide a number: the classification, inferred from the synced data, does; and a person's
/// change to it moves exactly the numbers that depend on it.
@Suite(.timeLimit(.minutes(8)), .serialized)
struct ClassificationTests {
    /// A business whose boards, agreement types and work types are named the tenant's way scores as the truth through
    /// each PSA once its classification is inferred, with no manual step and no list of the profile's names anywhere.
    @Test(arguments: [PSAKind.connectwise, .autotask], TenantProfile.all.filter { $0 != .standard })
    func aTenantNamingThingsItsOwnWayScoresTheSame(psa: PSAKind, profile: TenantProfile) async throws {
        let business = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 8, source: psa, profile: profile))
        let truth = GroundTruth(business.snapshot())
        let tenant = business.tenant(id: "profiled")
        try await TestDatabase.sqlite.withFreshStore { store in
            let report = try await syncThroughSimulator(business, tenant: tenant, into: store)
            #expect(report.succeeded, "\(report.failures.map { ($0.stream, $0.error ?? "") })")
            #expect(report.classificationChanges > 0)
            let entries = try await store.classification(tenant: tenant.id)
            // The profile's service boards are what the store holds, none of the generator's (Autotask tasks have no queue).
            let serviceBoards = Set(business.snapshot().tickets.filter { $0.serviceClass != .project }.map(\.board))
            #expect(!serviceBoards.isEmpty && serviceBoards.isDisjoint(with: profile.boards.keys))
            for board in serviceBoards { #expect(entries.contains { $0.dimension == .ticketBoard && $0.value == board }, "\(board)") }
            #expect(entries.allSatisfy { $0.origin == .inferred })
            let months = business.reportedMonths
            let cards = try await KPIEngine(store: store, tenant: tenant).trend(from: months[0], to: months[months.count - 1])
            for (card, month) in zip(cards, truth.months) {
                var expected = month
                // Autotask keeps one current cost per resource (docs/kpis.md, known differences).
                if psa == .autotask { expected.laborCost = card.laborCost }
                expectMatches(card, expected)
            }
        }
    }

    /// Moving the reactive board to proactive changes the ticket numbers and nothing else, on both databases; the
    /// rollups agree with a computation from the records.
    @Test(arguments: TestDatabase.available)
    func changingABoardMovesExactlyTheKPIsThatDependOnIt(database: TestDatabase) async throws {
        let business = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 8))
        let tenant = business.tenant(id: "reclassified")
        let months = business.reportedMonths
        try await database.withFreshStore { store in
            _ = try await syncThroughSimulator(business, tenant: tenant, into: store)
            let engine = KPIEngine(store: store, tenant: tenant)
            let before = try await engine.trend(from: months[0], to: months[months.count - 1])
            let board = try #require(try await store.classification(tenant: tenant.id).first { $0.dimension == .ticketBoard && $0.className == "reactive" })
            #expect(try await store.classify(tenant: tenant.id, .ticketBoard, value: board.value, as: "proactive"))
            let after = try await engine.trend(from: months[0], to: months[months.count - 1])
            #expect(after == (try await engine.trendFromRecords(from: months[0], to: months[months.count - 1])), "rollups recomputed")
            let ticketKPIs: Set<String> = [
                "reactiveTickets", "reactiveTicketsPerEndpoint", "meanFirstResponseMinutes", "meanResolutionMinutes",
                "medianFirstResponseMinutes", "medianResolutionMinutes", "laborHours", "laborCost",
            ]
            var moved = Set<String>()
            for (old, new) in zip(before, after) { moved.formUnion(differences(old, new)) }
            #expect(moved.contains("reactiveTickets") && moved.contains("laborHours"))
            #expect(moved.isSubset(of: ticketKPIs), "moved: \(moved.subtracting(ticketKPIs).sorted())")
            #expect(after.allSatisfy { $0.reactiveTickets == 0 })
            // Hours and their cost only moved between classes.
            for (old, new) in zip(before, after) {
                #expect(old.laborHours.values.reduce(Hours.zero, +) == new.laborHours.values.reduce(Hours.zero, +))
            }
            let entry = try #require(try await store.classification(tenant: tenant.id).first { $0.value == board.value && $0.dimension == .ticketBoard })
            #expect(entry.className == "proactive" && entry.origin == .confirmed)
        }
    }

    /// Time-off work types decide what is time off: classifying one as internal moves its hours from time off to internal
    /// and back into available hours, whatever the PSA's own time-off charge says.
    @Test func aTimeOffWorkTypeClassifiedInternalStopsBeingTimeOff() async throws {
        let business = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 8))
        let tenant = business.tenant(id: "time-off")
        let month = business.reportedMonths.last!
        try await TestDatabase.sqlite.withFreshStore { store in
            _ = try await syncThroughSimulator(business, tenant: tenant, into: store)
            let engine = KPIEngine(store: store, tenant: tenant)
            let before = try await engine.scorecard(month)
            let timeOff = try await store.classification(tenant: tenant.id).filter { $0.dimension == .workType && $0.className == "timeOff" }
            #expect(!timeOff.isEmpty && (before.laborHours["timeOff"]?.value ?? 0) > 0)
            for entry in timeOff { try await store.classify(tenant: tenant.id, .workType, value: entry.value, as: "internal") }
            let after = try await engine.scorecard(month)
            #expect(after.laborHours["timeOff", default: .zero] == .zero)
            #expect(after.laborHours["internal", default: .zero].value == before.laborHours["internal", default: .zero].value + before.laborHours["timeOff", default: .zero].value)
            #expect(after.availableHours.value == before.availableHours.value + before.laborHours["timeOff", default: .zero].value)
            #expect(after.revenue == before.revenue && after.utilizedHours == before.utilizedHours)
        }
    }

    /// A confirmed class survives a restart and an incremental sync that brings new tickets on the board.
    @Test func aConfirmedClassSurvivesARestartAndAnIncrementalSync() async throws {
        let business = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 8))
        let tenant = business.tenant(id: "restarted")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("classification-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let location = DatabaseLocation.sqliteFile(path: directory.appendingPathComponent("insight.sqlite").path)
        let logger = Logger(label: "test")
        let board = try await Store.withStore(at: location, logger: logger) { store in
            try await store.migrate(now: .now)
            _ = try await syncThroughSimulator(business, tenant: tenant, into: store)
            let board = try #require(try await store.classification(tenant: tenant.id).first { $0.dimension == .ticketBoard && $0.className == "reactive" })
            try await store.classify(tenant: tenant.id, .ticketBoard, value: board.value, as: "proactive")
            return board.value
        }
        try await Store.withStore(at: location, logger: logger) { store in
            let entry = try #require(try await store.classification(tenant: tenant.id).first { $0.value == board })
            #expect(entry.className == "proactive" && entry.origin == .confirmed)
            _ = try await syncThroughSimulator(business, tenant: tenant, into: store) { incremental in
                let report = try await incremental(14)
                #expect(report.succeeded)
                #expect(report.records > 0, "the PSA moved on")
            }
            let after = try #require(try await store.classification(tenant: tenant.id).first { $0.value == board })
            #expect(after.className == "proactive" && after.origin == .confirmed)
            let month = business.reportedMonths.last!
            #expect(try await KPIEngine(store: store, tenant: tenant).scorecard(month).reactiveTickets == 0)
        }
    }
}
