import AsyncHTTPClient
import ConnectWiseSimulator
import Foundation
import HummingbirdTesting
import InsightConnectors
import InsightSync
import Logging
import InsightCore
import InsightMetrics
import InsightStore
import InsightTestSupport
import MSPModel
import Testing

let medium = try! MSPBusiness.generate(GeneratorSettings(size: .medium, seed: 42))
let mediumSnapshot = medium.snapshot()
let mediumTruth = GroundTruth(mediumSnapshot)
let mediumTenant = medium.tenant(id: "northwind")

/// Stores every record of `snapshot` for `tenant` and infers its classification, as a completed sync would.
func load(_ snapshot: MSPSnapshot, tenant: Tenant, into store: Store) async throws {
    try await store.save(tenant)
    let at = snapshot.asOf
    try await store.upsert(tenant: tenant.id, snapshot.companies, syncedAt: at)
    try await store.upsert(tenant: tenant.id, snapshot.configurations, syncedAt: at)
    try await store.upsert(tenant: tenant.id, snapshot.members, syncedAt: at)
    try await store.upsert(tenant: tenant.id, snapshot.workTypes, syncedAt: at)
    try await store.upsert(tenant: tenant.id, snapshot.workRoles, syncedAt: at)
    try await store.upsert(tenant: tenant.id, snapshot.agreements, syncedAt: at)
    try await store.upsert(tenant: tenant.id, snapshot.additions, syncedAt: at)
    try await store.upsert(tenant: tenant.id, snapshot.invoices, syncedAt: at)
    try await store.upsert(tenant: tenant.id, snapshot.productLines, syncedAt: at)
    try await store.upsert(tenant: tenant.id, snapshot.timeEntries, syncedAt: at)
    try await store.upsert(tenant: tenant.id, snapshot.expenses, syncedAt: at)
    try await store.upsert(tenant: tenant.id, snapshot.tickets, syncedAt: at)
    try await store.upsert(tenant: tenant.id, snapshot.projects, syncedAt: at)
    try await store.upsert(tenant: tenant.id, snapshot.opportunities, syncedAt: at)
    try await store.inferClassification(tenant: tenant.id, now: at)
}

/// Ratios must agree within 1e-9; `nil` only with `nil`.
func close(_ a: Decimal?, _ b: Decimal?, _ comment: @autoclosure () -> String) {
    switch (a, b) {
    case (nil, nil): return
    case (let a?, let b?):
        #expect(abs(a - b) <= Decimal(string: "0.000000001")!, "\(comment()): \(a) vs \(b)")
    default:
        Issue.record("\(comment()): \(String(describing: a)) vs \(String(describing: b))")
    }
}

/// Compares a scorecard with the generator's truth: money and counts exactly, ratios within 1e-9.
func expectMatches(_ card: MonthScorecard, _ truth: MonthTruth) {
    let month = "\(truth.month)"
    #expect(card.revenue == truth.revenue, "revenue \(month)")
    #expect(card.revenueByKind == truth.revenueByKind, "revenue by kind \(month)")
    #expect(card.mrr == truth.mrr, "MRR \(month)")
    #expect(card.arr == truth.arr, "ARR \(month)")
    close(card.recurringShare, truth.recurringShare, "recurring share \(month)")
    #expect(card.laborHours == truth.laborHours, "labor hours \(month)")
    #expect(card.laborCost == truth.laborCost, "labor cost \(month)")
    close(card.effectiveHourlyRate?.amount, truth.effectiveHourlyRate?.amount, "effective hourly rate \(month)")
    #expect(card.availableHours == truth.availableHours, "available hours \(month)")
    #expect(card.utilizedHours == truth.utilizedHours, "utilized hours \(month)")
    close(card.utilization, truth.utilization, "utilization \(month)")
    #expect(card.ticketsOpened == truth.ticketsOpened, "tickets \(month)")
    #expect(card.reactiveTickets == truth.reactiveTickets, "reactive tickets \(month)")
    #expect(card.endpoints == truth.endpoints, "endpoints \(month)")
    close(card.ticketsPerEndpoint, truth.ticketsPerEndpoint, "tickets per endpoint \(month)")
    close(card.reactiveTicketsPerEndpoint, truth.reactiveTicketsPerEndpoint, "reactive per endpoint \(month)")
    close(card.meanFirstResponseMinutes, truth.meanFirstResponseMinutes, "first response \(month)")
    close(card.meanResolutionMinutes, truth.meanResolutionMinutes, "resolution \(month)")
    close(card.slaCompliance, truth.slaCompliance, "SLA \(month)")
    #expect(card.won == truth.won && card.lost == truth.lost, "deals \(month)")
    #expect(card.wonOneTimeValue == truth.wonOneTimeValue && card.wonRecurringValue == truth.wonRecurringValue, "won value \(month)")
    #expect(card.lostOneTimeValue == truth.lostOneTimeValue && card.lostRecurringValue == truth.lostRecurringValue, "lost value \(month)")
}

@Suite(.timeLimit(.minutes(10)), .serialized)
struct KPIEngineTests {
    @Test(arguments: TestDatabase.available)
    func everyKPIAndHealthCheckOfMediumMatchesTheGroundTruth(database: TestDatabase) async throws {
        // One load per engine for both checks: loading medium is most of the time on PostgreSQL.
        try await database.withFreshStore { store in
            try await load(mediumSnapshot, tenant: mediumTenant, into: store)
            let engine = KPIEngine(store: store, tenant: mediumTenant)
            try await checkScorecards(engine)
            try await checkGrowth(engine)
            try await checkOperations(engine)
            try await checkPeople(engine)
            try await checkHealth(engine)
        }
    }

    func checkScorecards(_ engine: KPIEngine) async throws {
        do {
            let months = mediumSnapshot.reportedMonths
            #expect(months.count == 36)
            let trend = try await engine.trend(from: months[0], to: months[months.count - 1])
            #expect(trend.map(\.month) == months)
            for (card, truth) in zip(trend, mediumTruth.months) { expectMatches(card, truth) }
            #expect(mediumTruth.months.contains { $0.revenue.amount > 0 && $0.ticketsOpened > 0 && $0.won > 0 })
            // One month alone gives the same card as within the trend.
            #expect(try await engine.scorecard(months[20]) == trend[20])

            let agreements = try await engine.agreementProfits(from: months[0], to: months[months.count - 1])
            let agreementTruth = Dictionary(uniqueKeysWithValues: mediumTruth.agreements.map { ($0.id, $0) })
            #expect(agreements.count == mediumTruth.agreements.count)
            for agreement in agreements {
                let truth = try #require(agreementTruth[agreement.id])
                #expect(agreement.revenue == truth.revenue && agreement.laborCost == truth.laborCost, "agreement \(agreement.id)")
                #expect(agreement.laborHours == truth.laborHours && agreement.additionCost == truth.additionCost, "agreement \(agreement.id)")
                #expect(agreement.profit == truth.profit, "agreement \(agreement.id)")
                close(agreement.margin, truth.margin, "agreement margin \(agreement.id)")
                #expect(agreement.shadowBillable == truth.shadowBillable && agreement.productValue == truth.productValue, "agreement \(agreement.id)")
                #expect(agreement.laborRevenue == truth.laborRevenue, "agreement \(agreement.id)")
                close(agreement.efficiency, truth.efficiency, "agreement efficiency \(agreement.id)")
            }
            // Fixed-fee agreements have products to split off and hours to value: the efficiency is exercised.
            let fixedFee = mediumTruth.agreements.filter { $0.billingModel == .fixedFee }
            #expect(fixedFee.contains { $0.productValue.amount > 0 && $0.efficiency != nil })
            #expect(fixedFee.contains { $0.productValue.amount > 0 && $0.productValue.amount < $0.revenue.amount })
            let clients = try await engine.clientProfits(from: months[0], to: months[months.count - 1])
            let clientTruth = Dictionary(uniqueKeysWithValues: mediumTruth.clients.map { ($0.id, $0) })
            #expect(clients.count == mediumTruth.clients.count)
            for client in clients {
                let truth = try #require(clientTruth[client.id])
                #expect(client.revenue == truth.revenue && client.laborCost == truth.laborCost, "client \(client.id)")
                #expect(client.additionCost == truth.additionCost && client.productCost == truth.productCost, "client \(client.id)")
                #expect(client.grossProfit == truth.grossProfit, "client \(client.id)")
                close(client.margin, truth.margin, "client margin \(client.id)")
                #expect(client.rank == truth.rank && client.quintile == truth.quintile, "client \(client.id)")
            }
            #expect(Set(clients.map(\.quintile)) == [1, 2, 3, 4, 5])
            let ageing = try await engine.receivablesAgeing(on: mediumSnapshot.asOfDate)
            #expect(ageing.byBucket == mediumTruth.receivablesByAge)
        }
    }

    /// Each health check finds exactly the flaws the generator injected.
    func checkHealth(_ engine: KPIEngine) async throws {
        do {
            let findings = try await engine.dataHealth()
            let byCheck = Dictionary(uniqueKeysWithValues: findings.map { ($0.check, Set($0.records)) })
            let flaws = mediumSnapshot.flaws
            #expect(byCheck[.membersWithoutCost] == Set(flaws.membersWithoutCost.map(\.rawValue)))
            #expect(byCheck[.workTypesWithZeroMultiplier] == Set(flaws.workTypesWithZeroMultiplier.map(\.rawValue)))
            #expect(byCheck[.additionsWithoutCost] == Set(flaws.additionsWithoutCost.map(\.rawValue)))
            #expect(byCheck[.lateTimeEntries] == Set(flaws.lateTimeEntries.map(\.rawValue)))
            #expect(byCheck[.timeOnAgreementAndProject] == Set(flaws.timeOnAgreementAndProject.map(\.rawValue)))
            #expect(byCheck[.mixedAgreementCategories] == Set(flaws.mixedAgreementCategories))
            for check in [HealthFinding.Check.membersWithoutCost, .additionsWithoutCost, .lateTimeEntries, .timeOnAgreementAndProject] {
                #expect(byCheck[check]?.isEmpty == false, "the generator injects \(check)")
            }
            let clientsWithDevices = Set(mediumSnapshot.configurations.map(\.companyID))
            let bare = mediumSnapshot.companies.filter { $0.kind == .client && $0.status == .active && !clientsWithDevices.contains($0.id) }
            #expect(byCheck[.clientsWithoutEndpoints] == Set(bare.map(\.id.rawValue)))
            #expect(findings.allSatisfy { !$0.fix.isEmpty && !$0.impact.isEmpty })
        }
    }

    @Test func tenantsDoNotSeeEachOthersNumbers() async throws {
        try await TestDatabase.sqlite.withFreshStore { store in
            try await load(mediumSnapshot, tenant: mediumTenant, into: store)
            let other = try Tenant(
                id: "contoso", name: "Contoso IT", psa: .connectwise, baseCurrency: .usd, timeZoneIdentifier: "America/Chicago",
                createdAt: Timestamp(rawValue: 0))
            try await store.save(other)
            let month = mediumSnapshot.reportedMonths.last!
            let card = try await KPIEngine(store: store, tenant: other).scorecard(month)
            #expect(card.revenue.isZero && card.ticketsOpened == 0 && card.endpoints == 0 && card.availableHours == .zero)
            #expect(card.mrrBridge.start.isZero && card.ticketsClosed == 0 && card.sameDayClosed == 0 && card.unbilledLaborHours == .zero)
            #expect(card.revenueShareTop10 == nil && card.medianResolutionMinutes == nil)
            let position = try await KPIEngine(store: store, tenant: other).position(on: mediumSnapshot.asOfDate)
            #expect(position.receivables.isZero && position.openDeals == 0 && position.openProjects == 0 && position.daysSalesOutstanding == nil)
            #expect(try await KPIEngine(store: store, tenant: other).dataHealth().allSatisfy { $0.count == 0 })
        }
    }
}

/// The same business read through the ConnectWise simulator and synced gives the ground truth's scorecard.
@Suite(.timeLimit(.minutes(5)))
struct SyncedScorecardTests {
    @Test func aBusinessSyncedFromConnectWiseScoresLikeItsGroundTruth() async throws {
        let business = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 8))
        let truth = GroundTruth(business.snapshot())
        let tenant = business.tenant(id: "northwind")
        let site = SimulatedSite(business: business, settings: ConnectWiseSimulatorSettings())
        try await ConnectWiseSimulator.application(site: site, port: 0).test(.live) { client in
            let port = try #require(client.port)
            let settings = ConnectWiseSimulatorSettings()
            let connector = ConnectWiseConnector(
                credentials: ConnectWiseCredentials(
                    siteURL: "http://127.0.0.1:\(port)", companyID: settings.companyID, clientID: settings.clientID,
                    publicKey: "PSAINSIGHTREADONLY", privateKey: Secret("read-only-private-key-0001")),
                http: ReadOnlyHTTP(client: .shared), logger: Logger(label: "test"))
            try await TestDatabase.sqlite.withFreshStore { store in
                try await store.save(tenant)
                let report = try await ConnectWiseSync(store: store, connector: connector, tenant: tenant, options: SyncOptions(worker: "test")).run()
                #expect(report.succeeded)
                let engine = KPIEngine(store: store, tenant: tenant)
                let months = business.reportedMonths
                let trend = try await engine.trend(from: months[0], to: months[months.count - 1])
                // Sales included: ConnectWise opportunities take their values from their forecasts.
                for (card, month) in zip(trend, truth.months) { expectMatches(card, month) }
                for (card, month) in zip(trend, truth.growth) { expectGrowthMatches(card, month) }
                #expect(trend.contains { $0.won > 0 })
                let ageing = try await engine.receivablesAgeing(on: business.snapshot().asOfDate)
                #expect(ageing.byBucket == truth.receivablesByAge)
            }
        }
    }
}

@Test func everyScorecardKPIAndHealthCheckIsDefinedInTheDocs() throws {
    let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/kpis.md")
    let text = try String(contentsOf: docs, encoding: .utf8)
    for kpi in KPICatalogue.scorecard {
        let documented = text.contains("`\(kpi.id)`") || (kpi.id.hasPrefix("revenue.") && text.contains("`revenue.<kind>`") && text.contains(kpi.id))
        #expect(documented, "docs/kpis.md defines \(kpi.id)")
    }
    for check in HealthFinding.Check.allCases {
        #expect(text.contains("`\(check.rawValue)`"), "docs/kpis.md describes \(check.rawValue)")
    }
}

@Suite(.timeLimit(.minutes(3)))
struct LaborRollupTests {
    /// Applies what changed between two snapshots as a sync would: changed records upserted, deletions marked.
    func applyChanges(from old: MSPSnapshot, to new: MSPSnapshot, tenant: Tenant.ID, store: Store) async throws {
        let at = Timestamp.now
        try await store.upsert(tenant: tenant, new.timeEntries.filter { $0.updatedAt > old.asOf }, syncedAt: at)
        try await store.upsert(tenant: tenant, new.tickets.filter { $0.updatedAt > old.asOf }, syncedAt: at)
        try await store.upsert(tenant: tenant, new.invoices.filter { $0.updatedAt > old.asOf }, syncedAt: at)
        try await store.upsert(tenant: tenant, new.members.filter { $0.updatedAt > old.asOf }, syncedAt: at)
        try await store.withTransaction { db in
            _ = try await Store.markDeleted(
                tenant: tenant, TimeEntry.self, source: .connectwise, keeping: Set(new.timeEntries.map(\.id.rawValue)), at: at, on: db)
            _ = try await Store.markDeleted(
                tenant: tenant, Ticket.self, source: .connectwise, keeping: Set(new.tickets.map(\.id.rawValue)), at: at, on: db)
        }
    }

    /// The scorecard rollup serves a warm trend; a sync that changes time, tickets, invoices and deals drops only the
    /// months they touch (and the month after each), and the trend still matches the truth of the new snapshot.
    @Test(arguments: TestDatabase.available)
    func theScorecardRollupDropsOnlyTheMonthsAChangeTouches(database: TestDatabase) async throws {
        let business = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 3))
        let before = business.snapshot()
        let after = business.snapshot(at: business.endOfSpan.adding(seconds: 21 * 86_400))
        let tenant = business.tenant(id: "northwind")
        try await database.withFreshStore { store in
            try await load(before, tenant: tenant, into: store)
            let engine = KPIEngine(store: store, tenant: tenant)
            let months = before.reportedMonths
            #expect(try await engine.refreshScorecardRollup().refresh == .rebuiltAll)
            let computed = try await engine.trend(from: months[0], to: months[months.count - 1])
            #expect(try await engine.refreshScorecardRollup().refresh == .upToDate, "nothing synced since")
            #expect(try await engine.trend(from: months[0], to: months[months.count - 1]) == computed, "the stored months read back exactly")
            #expect(try await engine.scorecard(months[5]) == computed[5])
            // Another company's rules bypass the rollup and compute.
            var rules = ComponentRules.standard
            rules.assumedProductMargin = Decimal(string: "0.5")!
            let other = KPIEngine(store: store, tenant: tenant, componentRules: rules)
            #expect(try await other.scorecard(months[months.count - 1]).fixedFeeLaborRevenue != computed[months.count - 1].fixedFeeLaborRevenue)

            let at = Timestamp.now
            try await store.upsert(tenant: tenant.id, after.timeEntries.filter { $0.updatedAt > before.asOf }, syncedAt: at)
            try await store.upsert(tenant: tenant.id, after.tickets.filter { $0.updatedAt > before.asOf }, syncedAt: at)
            try await store.upsert(tenant: tenant.id, after.invoices.filter { $0.updatedAt > before.asOf }, syncedAt: at)
            try await store.upsert(tenant: tenant.id, after.opportunities.filter { $0.updatedAt > before.asOf }, syncedAt: at)
            try await store.withTransaction { db in
                _ = try await Store.markDeleted(
                    tenant: tenant.id, TimeEntry.self, source: .connectwise, keeping: Set(after.timeEntries.map(\.id.rawValue)), at: at, on: db)
                _ = try await Store.markDeleted(
                    tenant: tenant.id, Ticket.self, source: .connectwise, keeping: Set(after.tickets.map(\.id.rawValue)), at: at, on: db)
            }
            let refresh = try await engine.refreshScorecardRollup().refresh
            guard case .rebuilt(let dropped) = refresh else { Issue.record("expected a partial drop, got \(refresh)"); return }
            #expect(dropped >= 1 && dropped < months.count, "only the months with changes are dropped: \(dropped)")
            let truth = GroundTruth(after)
            let trend = try await engine.trend(from: months[0], to: months[months.count - 1])
            for (card, month) in zip(trend, truth.months) { expectMatches(card, month) }
            for (card, month) in zip(trend, truth.growth) { expectGrowthMatches(card, month) }
            #expect(trend.prefix(months.count - 3) == computed.prefix(months.count - 3), "old months are untouched")
            #expect(try await engine.trendFromRecords(from: months[0], to: months[months.count - 1]) == trend, "the rollup equals a fresh computation")
        }
    }

    @Test(arguments: TestDatabase.available)
    func theRollupFollowsChangesAndRebuildsOnlyTheMonthsTheyTouch(database: TestDatabase) async throws {
        let business = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 3))
        let before = business.snapshot()
        let after = business.snapshot(at: business.endOfSpan.adding(seconds: 21 * 86_400))
        let tenant = business.tenant(id: "northwind")
        try await database.withFreshStore { store in
            try await load(before, tenant: tenant, into: store)
            let engine = KPIEngine(store: store, tenant: tenant)
            #expect(try await engine.refreshLaborRollup() == .rebuiltAll)
            #expect(try await engine.refreshLaborRollup() == .upToDate, "nothing synced since")
            let months = before.reportedMonths
            for (card, truth) in zip(try await engine.trend(from: months[0], to: months[months.count - 1]), GroundTruth(before).months) {
                expectMatches(card, truth)
            }

            try await applyChanges(from: before, to: after, tenant: tenant.id, store: store)
            let refresh = try await engine.refreshLaborRollup()
            guard case .rebuilt(let rebuilt) = refresh else { Issue.record("expected a partial rebuild, got \(refresh)"); return }
            #expect(rebuilt >= 1 && rebuilt < months.count, "only the months with changes are rebuilt: \(rebuilt)")
            #expect(try await store.count(tenant: tenant.id, TimeEntry.self, deleted: true) == 2)
            for (card, truth) in zip(try await engine.trend(from: months[0], to: months[months.count - 1]), GroundTruth(after).months) {
                expectMatches(card, truth)
            }
        }
    }
}
