import ArgumentParser
import AsyncHTTPClient
import ConnectWiseAPI
import ConnectWiseSimulator
import Foundation
import Hummingbird
import InsightConnectors
import InsightCore
import Logging
import MSPModel

/// Reads a whole generated business from the ConnectWise simulator through the connector, streaming: records per
/// second, requests issued against the minimum possible, and the connector's memory above the simulator's.
struct ConnectWiseRead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectwise-read", abstract: "Read a generated business from the ConnectWise simulator.")

    @Option(help: "small, medium or large.") var size: String = "medium"
    @Option(help: "The simulator's port on 127.0.0.1.") var port = 18_090

    func run() async throws {
        guard let size = BusinessSize(rawValue: size) else { throw ValidationError("--size must be small, medium or large") }
        let business = try MSPBusiness.generate(GeneratorSettings(size: size, seed: 42))
        let snapshot = business.snapshot()
        try await withBenchSimulator(business, port: port) { site, connector, base in
            let baseline = peakMemoryMiB()
            let before = await site.requestLog.count
            let context = ConnectWiseContext(
                currency: .usd, timeZone: snapshot.calendar.timeZone, timeOffWorkTypes: Set(snapshot.workTypes.filter(\.isTimeOff).map(\.id)))
            let clock = ContinuousClock()
            let start = clock.now
            var records = 0
            var minimum = 0
            func read<R: Sendable>(_ path: String, _ decode: @escaping @Sendable (Data, ConnectWiseContext) throws(ConnectWiseDecodingError) -> [R]) async throws -> [R] {
                var count = 0
                var first: [R] = []
                for try await page in connector.pages(path, base: base, decode: { data throws(ConnectWiseDecodingError) in try decode(data, context) }) {
                    count += page.count
                    if first.isEmpty { first = page }
                }
                records += count
                minimum += max(1, (count + 999) / 1_000)
                return first
            }
            _ = try await read("company/companies", ConnectWiseRecords.companies)
            _ = try await read("company/configurations", ConnectWiseRecords.configurations)
            _ = try await read("system/members", ConnectWiseRecords.members)
            _ = try await read("time/workTypes", ConnectWiseRecords.workTypes)
            _ = try await read("time/workRoles", ConnectWiseRecords.workRoles)
            var agreementIDs: [String] = []
            for try await page in connector.pages("finance/agreements", base: base, decode: { data throws(ConnectWiseDecodingError) in
                try ConnectWiseRecords.agreements(data, context: context)
            }) {
                agreementIDs += page.map(\.id.rawValue)
                records += page.count
            }
            minimum += max(1, (agreementIDs.count + 999) / 1_000)
            // ConnectWise lists additions per agreement only: one request per agreement is the floor.
            for id in agreementIDs { _ = try await read("finance/agreements/\(id)/additions", ConnectWiseRecords.additions) }
            _ = try await read("finance/invoices", ConnectWiseRecords.invoices)
            _ = try await read("procurement/products", ConnectWiseRecords.productLines)
            _ = try await read("time/entries", ConnectWiseRecords.timeEntries)
            _ = try await read("expense/entries", ConnectWiseRecords.expenses)
            _ = try await read("service/tickets", ConnectWiseRecords.tickets)
            _ = try await read("project/tickets", ConnectWiseRecords.tickets)
            _ = try await read("project/projects", ConnectWiseRecords.projects)
            // Opportunities keep their values on their forecast: one request per opportunity is the floor.
            for try await page in connector.pages("sales/opportunities", base: base, decode: { data throws(ConnectWiseDecodingError) in
                try ConnectWiseRecords.opportunities(data, context: context)
            }) {
                records += page.count
                minimum += 1 + page.count
                for opportunity in page {
                    _ = try await connector.item("sales/opportunities/\(opportunity.id)/forecast", base: base, entity: "sales/opportunities") {
                        data throws(ConnectWiseDecodingError) in try ConnectWiseRecords.forecast(data, context: context)
                    }
                }
            }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let requests = await site.requestLog.count - before
            print("business: \(size.rawValue), seed 42")
            print("records: \(records) in \(format(seconds, decimals: 2)) s = \(format(Double(records) / seconds)) records/s")
            print("requests: \(requests); minimum possible: \(minimum) (ratio \(format(Double(requests) / Double(minimum), decimals: 3)))")
            print("peak memory: \(format(peakMemoryMiB())) MiB, of which the simulator and its business before the read: \(format(baseline)) MiB")
        }
    }
}

/// Serves `business` from a ConnectWise simulator on 127.0.0.1:`port` (adding `latency` to every request) and
/// runs `body` with a read-only connector to it and the discovered API base, once the simulator answers.
func withBenchSimulator(
    _ business: MSPBusiness, port: Int, latency: Duration = .zero,
    _ body: (SimulatedSite, ConnectWiseConnector, String) async throws -> Void
) async throws {
    var settings = ConnectWiseSimulatorSettings()
    settings.publicURL = "http://127.0.0.1:\(port)"
    settings.latency = latency
    let site = SimulatedSite(business: business, settings: settings)
    // The items' JSON text is written before anything is measured: producing pages is the PSA's cost, not the client's.
    let writing = ContinuousClock.now
    await site.writeAll()
    print("simulator: every item's JSON written in \(format((ContinuousClock.now - writing).seconds, decimals: 1)) s, before measuring")
    var quiet = Logger(label: "bench")
    quiet.logLevel = .critical
    let app = ConnectWiseSimulator.application(site: site, port: port, logger: quiet)
    let connector = ConnectWiseConnector(
        credentials: ConnectWiseCredentials(
            siteURL: settings.publicURL, companyID: settings.companyID, clientID: settings.clientID,
            publicKey: "PSAINSIGHTREADONLY", privateKey: Secret("read-only-private-key-0001")),
        http: ReadOnlyHTTP(client: .shared), logger: quiet)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService() }
        defer { group.cancelAll() }
        var base: String?
        for _ in 0..<200 where base == nil {
            base = try? await connector.discoverAPIBase()
            if base == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard let base else { throw ValidationError("the simulator did not start on port \(port)") }
        try await body(site, connector, base)
    }
}
