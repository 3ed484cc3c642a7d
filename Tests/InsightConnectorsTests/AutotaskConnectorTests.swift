import AsyncHTTPClient
import AutotaskAPI
import AutotaskSimulator
import ConnectWiseAPI
import Foundation
import HummingbirdTesting
import InsightConnectors
import InsightCore
import Logging
import MSPModel
import Testing

let autotaskBusiness = try! MSPBusiness.generate(GeneratorSettings(size: .small, seed: 5, source: .autotask))
let autotaskSnapshot = autotaskBusiness.snapshot()

/// Runs `body` with an Autotask connector pointed at a simulator on a real 127.0.0.1 port (zone lookup included).
func withAutotask<R: Sendable>(
    _ settings: AutotaskSimulatorSettings = AutotaskSimulatorSettings(), user: String = "insight-readonly@northwind.example",
    secret: String = "Ro#7fK2q9LmX", code: String = AutotaskSimulatorSettings.insightIntegrationCode,
    options: AutotaskReadOptions? = nil, _ body: @Sendable (AutotaskConnector, SimulatedAutotaskTenant) async throws -> R
) async throws -> R {
    let tenant = SimulatedAutotaskTenant(business: autotaskBusiness, settings: settings)
    return try await AutotaskSimulator.application(tenant: tenant, port: 0).test(.live) { client in
        let port = try #require(client.port)
        var read = options ?? AutotaskReadOptions()
        if options == nil {
            read.retry.baseDelay = .milliseconds(5)
            read.retry.attempts = 8
        }
        let connector = AutotaskConnector(
            credentials: AutotaskCredentials(
                userName: user, secret: Secret(secret), integrationCode: code,
                zoneLookupURL: "http://127.0.0.1:\(port)/atservicesrest/v1.0/zoneInformation"),
            http: ReadOnlyHTTP(client: .shared), options: read, logger: Logger(label: "test"))
        return try await body(connector, tenant)
    }
}

func sum<T>(_ items: [T], _ amount: (T) -> Decimal) -> Decimal { items.reduce(0) { $0 + amount($1) } }

@Suite(.timeLimit(.minutes(10)), .serialized)
struct AutotaskConnectorTests {
    /// The generator's ground truth is the oracle: counts and money per entity, exact.
    static func expectSameBusiness(_ read: AutotaskReadResult, _ snapshot: MSPSnapshot = autotaskSnapshot) {
        #expect(read.companies.count == snapshot.companies.count)
        #expect(Set(read.companies) == Set(snapshot.companies), "companies field for field")
        #expect(Set(read.configurations.map { var item = $0; item.typeName = nil; return item }) == Set(snapshot.configurations), "configuration items field for field")
        #expect(read.members.count == snapshot.members.count)
        #expect(Set(read.members.map(\.identifier)) == Set(snapshot.members.map(\.identifier)))
        #expect(Set(read.workRoles.map(\.name)) == Set(snapshot.workRoles.map(\.name)))
        #expect(sum(read.workRoles) { $0.hourlyRate?.amount ?? 0 } == sum(snapshot.workRoles) { $0.hourlyRate?.amount ?? 0 })
        #expect(read.workTypes.count == snapshot.workTypes.count)
        #expect(Set(read.workTypes.map { [$0.name, "\($0.billable)", "\($0.isTimeOff)", "\($0.countsAsUtilized)"] })
            == Set(snapshot.workTypes.map { [$0.name, "\($0.billable)", "\($0.isTimeOff)", "\($0.countsAsUtilized)"] }))
        #expect(read.agreements.count == snapshot.agreements.count)
        #expect(Set(read.agreements.map { [$0.id.rawValue, $0.billingModel.rawValue, $0.billingCycle.rawValue, $0.status.rawValue, $0.category ?? ""] })
            == Set(snapshot.agreements.map {
                // The contract type's system value says recurring service: licence resale is the category's classification.
                [$0.id.rawValue, ($0.billingModel == .licenseResale ? .fixedFee : $0.billingModel).rawValue, $0.billingCycle.rawValue, $0.status.rawValue, $0.category ?? ""]
            }))
        #expect(Set(read.agreements.map { "\($0.id) \($0.startDate) \(String(describing: $0.endDate)) \(String(describing: $0.cancelledDate)) \(String(describing: $0.blockHoursLimit))" })
            == Set(snapshot.agreements.map { "\($0.id) \($0.startDate) \(String(describing: $0.endDate)) \(String(describing: $0.cancelledDate)) \(String(describing: $0.blockHoursLimit))" }))
        #expect(read.additions.count == snapshot.additions.count)
        #expect(Set(read.additions) == Set(snapshot.additions), "contract services field for field")
        #expect(read.invoices.count == snapshot.invoices.count)
        #expect(sum(read.invoices) { $0.subtotal.amount } == sum(snapshot.invoices) { $0.subtotal.amount })
        #expect(sum(read.invoices) { $0.tax.amount } == sum(snapshot.invoices) { $0.tax.amount })
        #expect(sum(read.invoices) { $0.total.amount } == sum(snapshot.invoices) { $0.total.amount })
        #expect(sum(read.invoices) { $0.balance.amount } == sum(snapshot.invoices) { $0.balance.amount })
        #expect(read.productLines.count == snapshot.productLines.count)
        #expect(sum(read.productLines) { $0.quantity * $0.unitPrice.amount } == sum(snapshot.productLines) { $0.quantity * $0.unitPrice.amount })
        #expect(sum(read.productLines) { $0.quantity * ($0.unitCost?.amount ?? 0) } == sum(snapshot.productLines) { $0.quantity * ($0.unitCost?.amount ?? 0) })
        #expect(read.timeEntries.count == snapshot.timeEntries.count)
        #expect(sum(read.timeEntries) { $0.actualHours.value } == sum(snapshot.timeEntries) { $0.actualHours.value })
        #expect(sum(read.timeEntries) { $0.billedHours.value } == sum(snapshot.timeEntries) { $0.billedHours.value })
        #expect(Set(read.timeEntries.map { "\($0.id) \($0.billableOption) \($0.chargeKind) \($0.workDate) \($0.memberID)" })
            == Set(snapshot.timeEntries.map { "\($0.id) \($0.billableOption) \($0.chargeKind) \($0.workDate) \($0.memberID)" }))
        #expect(read.tickets.count == snapshot.tickets.count)
        #expect(Set(read.tickets.filter { $0.serviceClass != .project }.map { var t = $0; t.actualHours = nil; return t })
            == Set(snapshot.tickets.filter { $0.serviceClass != .project }.map { var t = $0; t.actualHours = nil; t.serviceClass = .other; return t }),
            "service tickets field for field (their class is their queue's classification)")
        #expect(read.projects.count == snapshot.projects.count)
        #expect(sum(read.projects) { $0.estimatedRevenue?.amount ?? 0 } == sum(snapshot.projects) { $0.estimatedRevenue?.amount ?? 0 })
        #expect(read.opportunities.count == snapshot.opportunities.count)
        #expect(sum(read.opportunities) { $0.oneTimeValue.amount } == sum(snapshot.opportunities) { $0.oneTimeValue.amount })
        #expect(sum(read.opportunities) { $0.recurringValue.amount } == sum(snapshot.opportunities) { $0.recurringValue.amount })
        #expect(Set(read.opportunities.map { "\($0.id) \($0.outcome) \($0.stage) \($0.probability)" })
            == Set(snapshot.opportunities.map { "\($0.id) \($0.outcome) \($0.stage) \($0.probability)" }))
        #expect(read.expenses.count == snapshot.expenses.count)
        #expect(sum(read.expenses) { $0.amount.amount } == sum(snapshot.expenses) { $0.amount.amount })
        #expect(Set(read.expenses.map { "\($0.id) \($0.memberID) \($0.date) \($0.billable)" })
            == Set(snapshot.expenses.map { "\($0.id) \($0.memberID) \($0.date) \($0.billable)" }))
    }

    @Test func aFullReadReturnsTheGeneratedBusiness() async throws {
        let (read, peak) = try await withAutotask { connector, tenant in
            let read = try await connector.readAll(currency: autotaskSnapshot.currency)
            return (read, await tenant.threadRefusals)
        }
        Self.expectSameBusiness(read)
        #expect(peak == 0, "the connector never triggers the thread limit's 429")
    }

    @Test func faultsDoNotChangeWhatIsRead() async throws {
        var faulty = AutotaskSimulatorSettings()
        faulty.serverErrorRate = 0.1
        faulty.truncatedBodyRate = 0.1
        faulty.droppedConnectionRate = 0.1
        var options = AutotaskReadOptions()
        options.retry.baseDelay = .milliseconds(2)
        options.retry.attempts = 12
        options.pageSize = 100
        let read = try await withAutotask(faulty, options: options) { connector, _ in try await connector.readAll(currency: autotaskSnapshot.currency) }
        Self.expectSameBusiness(read)
    }

    @Test func slowAnswersAndTheThreadLimitNeverEarnA429() async throws {
        var slow = AutotaskSimulatorSettings()
        slow.latency = .milliseconds(30)
        var options = AutotaskReadOptions()
        options.retry.attempts = 1
        options.pageSize = 50
        let refusals = try await withAutotask(slow, options: options) { connector, tenant in
            // Eight readers of one entity at once: the connector's gate keeps them to three in flight.
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await connector.items(AutotaskCompany.self, query: .all()).count } }
                for try await count in group { #expect(count == autotaskSnapshot.companies.count) }
            }
            return await tenant.threadRefusals
        }
        #expect(refusals == 0)
    }

    @Test func onlyZoneLookupsGETsAndQueryPOSTsLeaveTheConnector() async throws {
        let log = try await withAutotask { connector, tenant in
            _ = try await connector.readAll(currency: autotaskSnapshot.currency)
            _ = try await connector.checkPermissions()
            _ = try await connector.count(.tickets)
            return await tenant.requestLog
        }
        #expect(Set(log.map(\.method)).isSubset(of: ["GET", "POST"]))
        for entry in log where entry.method == "POST" {
            #expect(AutotaskReadOnlyHTTP.isQuery("http://x" + entry.path), "\(entry.path)")
        }
        #expect(log.contains { $0.path.lowercased().hasSuffix("/zoneinformation") })
        // And a write cannot even be expressed: a POST anywhere else is refused before it leaves.
        let http = AutotaskReadOnlyHTTP(ReadOnlyHTTP(client: .shared))
        await #expect(throws: AutotaskReadOnlyHTTP.RefusedWrite.self) {
            try await http.query("http://127.0.0.1:1/atservicesrest/v1.0/Tickets", body: Data("{}".utf8), headers: [])
        }
        #expect(!AutotaskReadOnlyHTTP.isQuery("http://h/atservicesrest/v1.0/Tickets/5"))
        #expect(!AutotaskReadOnlyHTTP.isQuery("http://h/atservicesrest/v1.0/Tickets/query/../5"))
        #expect(AutotaskReadOnlyHTTP.isQuery("http://h/ATServicesRest/V1.0/Tickets/query/next?paging=x"))
    }

    @Test func incrementalReadsReturnOnlyWhatChanged() async throws {
        try await withAutotask { connector, tenant in
            let since = autotaskBusiness.endOfSpan
            #expect(try await connector.count(.tickets, filter: AutotaskConnector.filter(.tickets, since: since.date, afterID: nil)) == 0)
            await tenant.advance(to: since.adding(seconds: 7 * 86_400))
            let changed = try await connector.items(AutotaskTicket.self, query: AutotaskQuery(filter: AutotaskConnector.filter(.tickets, since: since.date, afterID: nil)))
            #expect(!changed.isEmpty)
            #expect(changed.allSatisfy { ($0.lastTrackedModificationDateTime ?? .distantPast) >= since.date })
            let roles = try await connector.items(AutotaskRole.self, query: AutotaskQuery(filter: AutotaskConnector.filter(.roles, since: since.date, afterID: 2)))
            #expect(roles.map(\.id) == autotaskSnapshot.workRoles.compactMap { Int($0.id.rawValue) }.filter { $0 > 2 }.sorted(), "no last-modified field: by id")
        }
    }

    @Test func theBudgetShareIsNeverPassed() async throws {
        var tight = AutotaskSimulatorSettings()
        tight.requestThreshold = 60
        tight.latencyAtHalf = .zero
        tight.latencyAtThreeQuarters = .zero
        var options = AutotaskReadOptions()
        options.pageSize = 10
        options.retry.attempts = 1
        let (error, used) = try await withAutotask(tight, options: options) { connector, _ in
            let error = await #expect(throws: AutotaskConnectorError.self) { try await connector.readAll(currency: autotaskSnapshot.currency) }
            return (error, try await connector.threshold().currentTimeframeRequestCount)
        }
        guard case .budgetExhausted(_, let allowed, let threshold)? = error else {
            Issue.record("expected budgetExhausted, got \(String(describing: error))")
            return
        }
        #expect(allowed == 30)
        #expect(threshold == 60)
        // The check that found the budget spent, and the one above, are the only requests past the share.
        #expect(used <= 30 + 2)
    }

    @Test func thePermissionDoctorNamesTheSection() async throws {
        let ready = try await withAutotask { connector, _ in try await connector.checkPermissions() }
        #expect(ready.isReady)
        #expect(ready.writable.isEmpty)
        #expect(ready.lines.last?.hasPrefix("Hourly request budget: 1 of 10000") == true)
        let noContracts = try await withAutotask(user: "insight-nocontracts@northwind.example", secret: "Nc#4pW8s1ZtB") { connector, _ in
            try await connector.checkPermissions()
        }
        #expect(!noContracts.isReady)
        #expect(noContracts.sectionsToFix == [.contracts])
        #expect(Set(noContracts.entries.filter { $0.status == .missing(section: .contracts) }.map(\.entity))
            == Set(AutotaskEntity.allCases.filter { $0.section == .contracts }))
        #expect(noContracts.lines.contains("  MISSING     Invoices: Admin > Resources/Users (HR) > Security > Security Levels > (the API user's level) > Contracts: set View to All"))
        let full = try await withAutotask(user: "insight-full@northwind.example", secret: "Fa#2hJ6d3QvN") { connector, _ in try await connector.checkPermissions() }
        #expect(full.isReady)
        #expect(full.writable.count == AutotaskEntity.allCases.count)
        #expect(full.lines.contains { $0.hasPrefix("WARNING: the API user can write") })
    }

    @Test func wrongCredentialsGiveClearErrors() async throws {
        let wrongSecret = await #expect(throws: AutotaskConnectorError.self) {
            try await withAutotask(secret: "wrong") { connector, _ in try await connector.checkPermissions() }
        }
        if case .unauthorized? = wrongSecret {} else { Issue.record("expected unauthorized, got \(String(describing: wrongSecret))") }
        #expect(wrongSecret.map { !"\($0)".contains("wrong") } == true, "the secret is never echoed")
        let unknown = await #expect(throws: AutotaskConnectorError.self) {
            try await withAutotask(user: "nobody@example.com") { connector, _ in try await connector.discoverZone() }
        }
        #expect(unknown == .unknownUser("nobody@example.com"))
        var legacy = AutotaskSimulatorSettings()
        legacy.authenticationErrors = .legacy500
        let badCode = await #expect(throws: AutotaskConnectorError.self) {
            try await withAutotask(legacy, code: "WRONG") { connector, _ in try await connector.count(.companies) }
        }
        #expect(badCode == .unauthorized(AutotaskErrorBody.badIntegrationCode))
    }
}

/// The same business (seed 5) read through both PSAs' simulators and connectors gives the same records wherever
/// both PSAs carry the field.
@Suite(.timeLimit(.minutes(10))) struct CrossPSAReadTests {
    func retagged<R: SourceRecord>(_ records: [R], _ change: (inout R) -> Void) -> [R] { records.map { var r = $0; change(&r); return r } }

    @Test func connectWiseAndAutotaskAgree() async throws {
        let viaConnectWise = try await withConnector { connector, _ in
            let base = try await connector.discoverAPIBase()
            let context = ConnectWiseContext(currency: .usd, timeZone: snapshot.calendar.timeZone, timeOffWorkTypes: ["9", "10"])
            func load<R: Sendable>(_ path: String, _ decode: @escaping @Sendable (Data, ConnectWiseContext) throws(ConnectWiseDecodingError) -> [R]) async throws -> [R] {
                var all: [R] = []
                for try await page in connector.pages(path, base: base, decode: { data throws(ConnectWiseDecodingError) in try decode(data, context) }) { all += page }
                return all
            }
            return (
                companies: try await load("company/companies", ConnectWiseRecords.companies),
                invoices: try await load("finance/invoices", ConnectWiseRecords.invoices),
                entries: try await load("time/entries", ConnectWiseRecords.timeEntries),
                tickets: try await load("service/tickets", ConnectWiseRecords.tickets),
                expenses: try await load("expense/entries", ConnectWiseRecords.expenses))
        }
        let viaAutotask = try await withAutotask { connector, _ in try await connector.readAll(currency: .usd) }
        #expect(Set(retagged(viaConnectWise.companies) { $0.source = .autotask }) == Set(viaAutotask.companies))
        #expect(viaConnectWise.invoices.count == viaAutotask.invoices.count)
        for amount in [\Invoice.subtotal, \Invoice.tax, \Invoice.total, \Invoice.balance] {
            #expect(sum(viaConnectWise.invoices) { $0[keyPath: amount].amount } == sum(viaAutotask.invoices) { $0[keyPath: amount].amount })
        }
        func entryKey(_ entry: TimeEntry) -> String {
            "\(entry.id) \(entry.memberID) \(entry.workDate) \(entry.startAt) \(entry.actualHours) \(entry.billedHours) \(entry.billableOption) \(entry.chargeKind) \(String(describing: entry.workTypeID)) \(String(describing: entry.agreementID))"
        }
        #expect(Set(viaConnectWise.entries.map(entryKey)) == Set(viaAutotask.timeEntries.map(entryKey)))
        let cwTickets = Set(retagged(viaConnectWise.tickets) { $0.source = .autotask; $0.actualHours = nil }.filter { $0.serviceClass != .project })
        let atTickets = Set(viaAutotask.tickets.filter { $0.serviceClass != .project })
        #expect(cwTickets == atTickets, "\(cwTickets.symmetricDifference(atTickets).count) tickets differ")
        #expect(sum(viaConnectWise.expenses) { $0.amount.amount } == sum(viaAutotask.expenses) { $0.amount.amount })
    }
}

@Suite(.timeLimit(.minutes(10))) struct AutotaskReadEfficiencyTests {
    /// A full read issues at most 1.05 times the minimum: one zone lookup, the picklist reads, and one request per
    /// 500 records of each entity (one for an empty entity); the only extra are the `ThresholdInformation` checks.
    @Test func requestsStayWithinFivePercentOfTheMinimum() async throws {
        let (read, log) = try await withAutotask { connector, tenant in
            (try await connector.readAll(currency: .usd), await tenant.requestLog)
        }
        let pages = read.itemCounts.values.reduce(0) { $0 + max(1, ($1 + 499) / 500) }
        let minimum = 1 + 10 + pages
        let thresholdChecks = log.filter { $0.path.lowercased().hasSuffix("/thresholdinformation") }.count
        #expect(log.count - thresholdChecks == minimum, "pages and picklists only, none repeated")
        #expect(Double(log.count) <= 1.05 * Double(minimum), "\(log.count) requests for a minimum of \(minimum)")
    }
}
