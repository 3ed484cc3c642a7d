import ArgumentParser
import AsyncHTTPClient
import AutotaskAPI
import AutotaskSimulator
import Foundation
import Hummingbird
import InsightConnectors
import InsightCore
import Logging
import MSPModel

/// Reads a whole generated business from the Autotask simulator through the connector, streaming (each page is
/// decoded into its DTOs, counted and dropped): records per second, requests issued against the minimum possible,
/// and the connector's memory above the simulator's.
struct AutotaskRead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autotask-read", abstract: "Read a generated business from the Autotask simulator.")

    @Option(help: "small, medium or large.") var size: String = "medium"
    @Option(help: "The simulator's port on 127.0.0.1.") var port = 18_091

    func run() async throws {
        guard let size = BusinessSize(rawValue: size) else { throw ValidationError("--size must be small, medium or large") }
        let business = try MSPBusiness.generate(GeneratorSettings(size: size, seed: 42, source: .autotask))
        try await withAutotaskBenchSimulator(business, port: port) { tenant, connector in
            let baseline = peakMemoryMiB()
            let before = await tenant.requestLog.count
            let clock = ContinuousClock()
            let start = clock.now
            var records = 0
            var minimum = 0
            func read<Item: AutotaskItem>(_ type: Item.Type) async throws {
                var count = 0
                try await connector.pages(Item.entity, query: .all()) { (page: AutotaskPage) throws(AutotaskDecodingError) in
                    count += try page.decode(Item.self).count
                }
                records += count
                minimum += max(1, (count + 499) / 500)
            }
            for entity in [AutotaskEntity.companies, .configurationItems, .billingCodes, .contracts, .billingItems, .timeEntries, .tickets, .tasks, .projects, .opportunities] {
                _ = try await connector.picklists(entity)
                minimum += 1
            }
            try await read(AutotaskCompany.self)
            try await read(AutotaskConfigurationItem.self)
            try await read(AutotaskResource.self)
            try await read(AutotaskRole.self)
            try await read(AutotaskBillingCode.self)
            try await read(AutotaskContract.self)
            try await read(AutotaskContractService.self)
            try await read(AutotaskContractServiceUnit.self)
            try await read(AutotaskContractBlock.self)
            try await read(AutotaskService.self)
            try await read(AutotaskInvoice.self)
            try await read(AutotaskBillingItem.self)
            try await read(AutotaskTimeEntry.self)
            try await read(AutotaskTicket.self)
            try await read(AutotaskTask.self)
            try await read(AutotaskProject.self)
            try await read(AutotaskOpportunity.self)
            try await read(AutotaskProduct.self)
            try await read(AutotaskExpenseReport.self)
            try await read(AutotaskExpenseItem.self)
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let requests = await tenant.requestLog.count - before
            print("business: \(size.rawValue), seed 42")
            print("records: \(records) in \(format(seconds, decimals: 2)) s = \(format(Double(records) / seconds)) records/s")
            print("requests: \(requests) (ThresholdInformation checks included); minimum possible: \(minimum) (ratio \(format(Double(requests) / Double(minimum), decimals: 3)))")
            print("peak memory: \(format(peakMemoryMiB())) MiB, of which the simulator and its business before the read: \(format(baseline)) MiB")
        }
    }
}

/// Runs `body` with an Autotask simulator serving `business` on 127.0.0.1:`port` (no hourly threshold) and a connector
/// for its read-only API user, once the simulator answers.
func withAutotaskBenchSimulator(
    _ business: MSPBusiness, port: Int, latency: Duration = .zero, _ body: (SimulatedAutotaskTenant, AutotaskConnector) async throws -> Void
) async throws {
    var settings = AutotaskSimulatorSettings()
    settings.requestThreshold = nil
    settings.latency = latency
    let tenant = SimulatedAutotaskTenant(business: business, settings: settings)
    // The items' JSON text is written before anything is measured: producing pages is the PSA's cost, not the client's.
    let writing = ContinuousClock.now
    await tenant.writeAll()
    print("simulator: every item's JSON written in \(format((ContinuousClock.now - writing).seconds, decimals: 1)) s, before measuring")
    var quiet = Logger(label: "bench")
    quiet.logLevel = .critical
    let app = AutotaskSimulator.application(tenant: tenant, port: port, logger: quiet)
    let connector = benchAutotaskConnector(port: port)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService() }
        defer { group.cancelAll() }
        try await waitForAutotaskSimulator(connector, port: port, within: .seconds(10))
        try await body(tenant, connector)
    }
}

/// A connector for the simulator's first API user (no hourly threshold in the benchmarks' simulators).
func benchAutotaskConnector(port: Int) -> AutotaskConnector {
    let user = AutotaskSimulatorSettings().users[0]
    var quiet = Logger(label: "bench")
    quiet.logLevel = .critical
    return AutotaskConnector(
        credentials: AutotaskCredentials(
            userName: user.userName, secret: Secret(user.secret), integrationCode: user.integrationCode,
            zoneLookupURL: "http://127.0.0.1:\(port)/atservicesrest/v1.0/zoneInformation"),
        http: ReadOnlyHTTP(client: .shared), logger: quiet)
}

/// Waits until the simulator on `port` answers a zone lookup, trying every 50 ms (a lookup retries on its own too)
/// until `limit` has passed.
func waitForAutotaskSimulator(_ connector: AutotaskConnector, port: Int, within limit: Duration) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if (try? await connector.discoverZone()) != nil { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw ValidationError("no Autotask simulator answers on 127.0.0.1:\(port)")
}
