import AsyncHTTPClient
import ConnectWiseAPI
import ConnectWiseSimulator
import Foundation
import HummingbirdTesting
import InsightConnectors
import InsightCore
import InsightStore
import InsightTestSupport
import Logging
import MSPModel
import Testing

let business = try! MSPBusiness.generate(GeneratorSettings(size: .small, seed: 5))
let snapshot = business.snapshot()
let tenant = Tenant.ID("cw-tenant")

/// Runs `body` with a connector pointed at a simulator on a real 127.0.0.1 port.
func withConnector<R: Sendable>(
    _ settings: ConnectWiseSimulatorSettings = ConnectWiseSimulatorSettings(), publicKey: String = "PSAINSIGHTREADONLY",
    privateKey: String = "read-only-private-key-0001", company: String = "insightdemo",
    _ body: @Sendable (ConnectWiseConnector, SimulatedSite) async throws -> R
) async throws -> R {
    let site = SimulatedSite(business: business, settings: settings)
    return try await ConnectWiseSimulator.application(site: site, port: 0).test(.live) { client in
        let port = try #require(client.port)
        var retry = RetryPolicy()
        retry.baseDelay = .milliseconds(5)
        retry.attempts = 8
        let connector = ConnectWiseConnector(
            credentials: ConnectWiseCredentials(
                siteURL: "http://127.0.0.1:\(port)", companyID: company, clientID: settings.clientID, publicKey: publicKey,
                privateKey: Secret(privateKey)),
            http: ReadOnlyHTTP(client: .shared), retry: retry, logger: Logger(label: "test"))
        return try await body(connector, site)
    }
}

/// Reads every entity the decoders cover into `store`, as a sync will.
func readAll(_ connector: ConnectWiseConnector, into store: Store) async throws {
    let base = try await connector.discoverAPIBase()
    var context = ConnectWiseContext(currency: .usd, timeZone: snapshot.calendar.timeZone)
    func load<R: StoredRecord>(_ path: String, _ decode: @escaping @Sendable (Data, ConnectWiseContext) throws(ConnectWiseDecodingError) -> [R]) async throws -> [R] {
        var all: [R] = []
        let current = context
        for try await page in connector.pages(path, base: base, decode: { data throws(ConnectWiseDecodingError) in try decode(data, current) }) {
            try await store.upsert(tenant: tenant, page, syncedAt: Timestamp(rawValue: 1))
            all += page
        }
        return all
    }
    let workTypes = try await load("time/workTypes", ConnectWiseRecords.workTypes)
    context.timeOffWorkTypes = Set(workTypes.filter(\.isTimeOff).map(\.id))
    _ = try await load("time/workRoles", ConnectWiseRecords.workRoles)
    _ = try await load("company/companies", ConnectWiseRecords.companies)
    _ = try await load("company/configurations", ConnectWiseRecords.configurations)
    _ = try await load("system/members", ConnectWiseRecords.members)
    let agreements = try await load("finance/agreements", ConnectWiseRecords.agreements)
    for agreement in agreements {
        _ = try await load("finance/agreements/\(agreement.id)/additions", ConnectWiseRecords.additions)
    }
    _ = try await load("finance/invoices", ConnectWiseRecords.invoices)
    _ = try await load("procurement/products", ConnectWiseRecords.productLines)
    _ = try await load("time/entries", ConnectWiseRecords.timeEntries)
    _ = try await load("expense/entries", ConnectWiseRecords.expenses)
    _ = try await load("service/tickets", ConnectWiseRecords.tickets)
    _ = try await load("project/tickets", ConnectWiseRecords.tickets)
    _ = try await load("project/projects", ConnectWiseRecords.projects)
}

func total<R: StoredRecord>(_ store: Store, _ type: R.Type, _ amount: (R) -> Decimal) async throws -> Decimal {
    try await store.all(tenant: tenant, R.self, source: .connectwise).reduce(0) { $0 + amount($1) }
}

@Suite(.timeLimit(.minutes(3)), .serialized)
struct ConnectWiseConnectorTests {
    @Test func aFullReadStoresExactlyTheGeneratedBusiness() async throws {
        try await TestDatabase.sqlite.withFreshStore { store in
            try await withConnector { connector, _ in try await readAll(connector, into: store) }
            #expect(try await store.count(tenant: tenant, Company.self) == snapshot.companies.count)
            #expect(try await store.count(tenant: tenant, ConfigurationItem.self) == snapshot.configurations.count)
            #expect(try await store.count(tenant: tenant, Member.self) == snapshot.members.count)
            #expect(try await store.count(tenant: tenant, Agreement.self) == snapshot.agreements.count)
            #expect(try await store.count(tenant: tenant, AgreementAddition.self) == snapshot.additions.count)
            #expect(try await store.count(tenant: tenant, Invoice.self) == snapshot.invoices.count)
            #expect(try await store.count(tenant: tenant, TimeEntry.self) == snapshot.timeEntries.count)
            #expect(try await store.count(tenant: tenant, Ticket.self) == snapshot.tickets.count)
            #expect(try await total(store, Invoice.self) { $0.subtotal.amount } == snapshot.invoices.reduce(0) { $0 + $1.subtotal.amount })
            #expect(try await total(store, Invoice.self) { $0.balance.amount } == snapshot.invoices.reduce(0) { $0 + $1.balance.amount })
            #expect(try await total(store, TimeEntry.self) { $0.actualHours.value * ($0.hourlyCost?.amount ?? 0) }
                == snapshot.timeEntries.reduce(0) { $0 + $1.actualHours.value * ($1.hourlyCost?.amount ?? 0) })
            #expect(try await total(store, AgreementAddition.self) { $0.quantity * $0.unitPrice.amount }
                == snapshot.additions.reduce(0) { $0 + $1.quantity * $1.unitPrice.amount })
            #expect(try await total(store, ExpenseEntry.self) { $0.amount.amount } == snapshot.expenses.reduce(0) { $0 + $1.amount.amount })
            let stored = try await store.all(tenant: tenant, TimeEntry.self, source: .connectwise)
            #expect(Set(stored) == Set(snapshot.timeEntries), "every time entry, field for field")
        }
    }

    @Test func faultsDoNotChangeWhatIsRead() async throws {
        var faulty = ConnectWiseSimulatorSettings()
        faulty.serverErrorRate = 0.1
        faulty.truncatedBodyRate = 0.1
        faulty.droppedConnectionRate = 0.1
        let entries = try await withConnector(faulty) { connector, _ in
            let base = try await connector.discoverAPIBase()
            var all: [TimeEntry] = []
            let context = ConnectWiseContext(currency: .usd, timeZone: snapshot.calendar.timeZone, timeOffWorkTypes: ["9", "10"])
            for try await page in connector.pages("time/entries", base: base, decode: { data throws(ConnectWiseDecodingError) in
                try ConnectWiseRecords.timeEntries(data, context: context)
            }) { all += page }
            return all
        }
        #expect(Set(entries) == Set(snapshot.timeEntries))
        // The ids where a split read cuts (one-item pages, truncated as often as any) are asked for again, not failed.
        let ids = snapshot.timeEntries.compactMap { Int($0.id.rawValue) }.sorted()
        let ranks = stride(from: 1, through: ids.count, by: max(1, ids.count / 40)).map { $0 }
        let found = try await withConnector(faulty) { connector, _ in
            let base = try await connector.discoverAPIBase()
            var found: [Int?] = []
            for rank in ranks { found.append(try await connector.id(atRank: rank, of: "time/entries", base: base)) }
            found.append(try await connector.id(atRank: ids.count + 1, of: "time/entries", base: base))
            return found
        }
        #expect(found == ranks.map { ids[$0 - 1] } + [nil])
    }

    @Test("a read asks for the next page before it is consumed, each page once, one request in flight")
    func theNextPageIsRequestedAheadOnce() async throws {
        var slow = ConnectWiseSimulatorSettings()
        slow.latency = .milliseconds(20)
        let (pages, requests, width, aheadBeforeAsked) = try await withConnector(slow) { connector, site in
            let base = try await connector.discoverAPIBase()
            let before = await site.requestLog.count
            var pages = 0
            var aheadBeforeAsked = false
            for try await _ in connector.pages("time/entries", base: base, decode: { data throws(ConnectWiseDecodingError) in
                try ConnectWiseRecords.timeEntries(data, context: ConnectWiseContext(currency: .usd, timeZone: .gmt))
            }) {
                pages += 1
                if pages == 1 {
                    // The second page's request reaches the site while the first page is still being consumed.
                    for _ in 0..<500 where !aheadBeforeAsked {
                        aheadBeforeAsked = await site.requestLog.count == before + 2
                        if !aheadBeforeAsked { try await Task.sleep(for: .milliseconds(10)) }
                    }
                }
            }
            return (pages, await site.requestLog.count - before, await site.mostRequestsInFlight, aheadBeforeAsked)
        }
        #expect(pages > 2)
        #expect(aheadBeforeAsked)
        #expect(requests == pages, "no page is asked for twice")
        #expect(width == 1)
    }

    @Test func rateLimitsAreWaitedOut() async throws {
        var limited = ConnectWiseSimulatorSettings()
        // Two requests per second and eight counts sent at once: some are refused however slow the machine is.
        limited.requestsPerMinute = 2
        limited.rateLimitWindow = .seconds(1)
        limited.retryAfterSeconds = 1
        let (count, log) = try await withConnector(limited) { connector, site in
            let base = try await connector.discoverAPIBase()
            var pages = 0
            for try await _ in connector.pages("company/configurations", base: base, decode: { data throws(ConnectWiseDecodingError) in
                try ConnectWiseRecords.configurations(data, context: ConnectWiseContext(currency: .usd, timeZone: .gmt))
            }) { pages += 1 }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await connector.count("company/companies", base: base) } }
                for try await count in group { #expect(count > 0) }
            }
            return (pages, await site.requestLog.count)
        }
        #expect(count == 1)
        #expect(log > 10, "some requests were refused with 429 and retried")
    }

    @Test func onlyGETRequestsLeaveTheConnector() async throws {
        let methods = try await withConnector { connector, site in
            try await TestDatabase.sqlite.withFreshStore { store in try await readAll(connector, into: store) }
            _ = try await connector.checkPermissions()
            return Set(await site.requestLog.map(\.method))
        }
        #expect(methods == ["GET"])
    }

    @Test func incrementalReadsReturnOnlyWhatChanged() async throws {
        try await withConnector { connector, site in
            let base = try await connector.discoverAPIBase()
            let since = business.endOfSpan
            #expect(try await connector.count("service/tickets", base: base, since: since) == 0)
            await site.advance(to: since.adding(seconds: 7 * 86_400))
            var changed: [Ticket] = []
            for try await page in connector.pages("service/tickets", base: base, since: since, decode: { data throws(ConnectWiseDecodingError) in
                try ConnectWiseRecords.tickets(data, context: ConnectWiseContext(currency: .usd, timeZone: .gmt))
            }) { changed += page }
            #expect(!changed.isEmpty)
            #expect(changed.allSatisfy { $0.updatedAt > since })
        }
    }

    @Test func thePermissionDoctorNamesTheSettingToChange() async throws {
        let ready = try await withConnector { connector, _ in try await connector.checkPermissions() }
        #expect(ready.isReady)
        #expect(ready.writableFunctions.isEmpty)
        let noFinance = try await withConnector(publicKey: "PSAINSIGHTNOFINANCE", privateKey: "no-finance-private-key-0002") { connector, _ in
            try await connector.checkPermissions()
        }
        #expect(!noFinance.isReady)
        let missing = noFinance.entries.filter { if case .missing = $0.status { true } else { false } }.map(\.endpoint)
        #expect(Set(missing) == [.agreements, .additions, .invoices])
        #expect(noFinance.entries.count == ConnectWiseEndpoint.allCases.count)
        #expect(noFinance.lines.contains("  MISSING  finance/invoices: System > Security Roles > PSA Insight (no Finance) > Finance > Invoicing: set Inquire Level to All"))
        let admin = try await withConnector(publicKey: "PSAINSIGHTADMIN", privateKey: "admin-private-key-0003") { connector, _ in
            try await connector.checkPermissions()
        }
        #expect(admin.isReady)
        #expect(!admin.writableFunctions.isEmpty)
        #expect(admin.lines.last?.hasPrefix("WARNING: the role can add, edit or delete") == true)
    }

    /// ConnectWise keeps an opportunity's values on its forecast; whether that endpoint answers a list (the spec)
    /// or the object (client libraries) is unconfirmed, and both must read the same.
    @Test(arguments: [true, false])
    func opportunitiesTakeTheirValuesFromTheirForecasts(forecastAsList: Bool) async throws {
        var settings = ConnectWiseSimulatorSettings()
        settings.forecastAsList = forecastAsList
        let read = try await withConnector(settings) { connector, _ in
            let base = try await connector.discoverAPIBase()
            let context = ConnectWiseContext(currency: .usd, timeZone: snapshot.calendar.timeZone)
            var read: [Opportunity] = []
            let pages = connector.pages("sales/opportunities", base: base) { data throws(ConnectWiseDecodingError) in
                try ConnectWiseRecords.opportunities(data, context: context)
            }
            for try await page in pages {
                for opportunity in page {
                    let forecast = try await connector.item(
                        "sales/opportunities/\(opportunity.id)/forecast", base: base, entity: "sales/opportunities"
                    ) { data throws(ConnectWiseDecodingError) in try ConnectWiseRecords.forecast(data, context: context) }
                    read.append(forecast.apply(to: opportunity))
                }
            }
            return read
        }
        #expect(snapshot.opportunities.contains { $0.recurringValue.amount > 0 } && snapshot.opportunities.contains { $0.oneTimeValue.amount > 0 })
        #expect(Set(read) == Set(snapshot.opportunities), "every opportunity, values included, field for field")
    }

    @Test func aForecastWithoutTheSalesRightNamesTheSetting() async throws {
        var settings = ConnectWiseSimulatorSettings()
        settings.members = [.init(publicKey: "NOSALES", privateKey: "no-sales", role: .missing(module: "Sales"))]
        let opportunity = try #require(snapshot.opportunities.first)
        let error = await #expect(throws: ConnectorError.self) {
            try await withConnector(settings, publicKey: "NOSALES", privateKey: "no-sales") { connector, _ in
                let base = try await connector.discoverAPIBase()
                let context = ConnectWiseContext(currency: .usd, timeZone: snapshot.calendar.timeZone)
                return try await connector.item("sales/opportunities/\(opportunity.id)/forecast", base: base, entity: "sales/opportunities") {
                    data throws(ConnectWiseDecodingError) in try ConnectWiseRecords.forecast(data, context: context)
                }
            }
        }
        #expect(error?.description.contains("Sales > Opportunity: set Inquire Level to All") == true, "\(String(describing: error))")
    }

    @Test func wrongKeysAndCompaniesGiveClearErrors() async throws {
        await #expect(throws: ConnectorError.self) {
            try await withConnector(privateKey: "wrong") { connector, _ in try await connector.checkPermissions() }
        }
        let error = await #expect(throws: ConnectorError.self) {
            try await withConnector(privateKey: "wrong") { connector, _ in try await connector.checkPermissions() }
        }
        if case .unauthorized = error {} else { Issue.record("expected unauthorized, got \(String(describing: error))") }
        #expect(error?.description.contains("public and private key") == true)
        #expect(error.map { !"\($0)".contains("wrong") } == true, "the key is never echoed")
        let unknown = await #expect(throws: ConnectorError.self) {
            try await withConnector(company: "nobody") { connector, _ in try await connector.discoverAPIBase() }
        }
        #expect(unknown == .unknownCompany("nobody"))
    }
}
