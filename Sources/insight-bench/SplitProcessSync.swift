import ArgumentParser
import AsyncHTTPClient
import ConnectWiseSimulator
import Foundation
import InsightConnectors
import InsightCore
import InsightStore
import InsightSync
import Logging
import MSPModel

/// The ConnectWise simulator alone, serving a generated business until stopped: with `sync-client` in another
/// process, the client's memory and CPU are measured apart from the simulator's.
struct ConnectWiseSimulatorServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectwise-simulator", abstract: "Serve a generated business from the ConnectWise simulator until stopped.")

    @Option(help: "small, medium or large.") var size = "large"
    @Option(help: "The port on 127.0.0.1.") var port = 18_093
    @Option(help: "Latency added to every request, in milliseconds.") var latencyMs = 0

    func run() async throws {
        guard let size = BusinessSize(rawValue: size) else { throw ValidationError("--size must be small, medium or large") }
        let business = try MSPBusiness.generate(GeneratorSettings(size: size, seed: 42))
        try await withBenchSimulator(business, port: port, latency: .milliseconds(latencyMs)) { _, _, _ in
            print("serving \(size.rawValue) on 127.0.0.1:\(port)")
            try await Task.sleep(for: .seconds(86_400))
        }
    }
}

/// A full sync from a ConnectWise simulator running in another process (`connectwise-simulator`) into a fresh SQLite
/// file: records per second, and the peak memory of the sync alone.
struct SyncClientBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-client", abstract: "Full sync from a ConnectWise simulator in another process; peak memory of the client alone.")

    @Option(help: "The business the simulator serves (for the company's currency and time zone).") var size = "large"
    @Option(help: "The simulator's port on 127.0.0.1.") var port = 18_093
    @Option(help: "Streams read at the same time.") var concurrency = 4

    func run() async throws {
        guard let size = BusinessSize(rawValue: size) else { throw ValidationError("--size must be small, medium or large") }
        let settings = GeneratorSettings(size: size, seed: 42)
        let tenant = try Tenant(
            id: "bench", name: MSPBusiness.mspName, psa: .connectwise, baseCurrency: settings.currency,
            timeZoneIdentifier: settings.timeZoneIdentifier, fiscalYearStartMonth: 1, createdAt: .now)
        let simulator = ConnectWiseSimulatorSettings()
        var quiet = Logger(label: "bench")
        quiet.logLevel = .error
        let connector = ConnectWiseConnector(
            credentials: ConnectWiseCredentials(
                siteURL: "http://127.0.0.1:\(port)", companyID: simulator.companyID, clientID: simulator.clientID,
                publicKey: "PSAINSIGHTREADONLY", privateKey: Secret("read-only-private-key-0001")),
            http: ReadOnlyHTTP(client: .shared), logger: quiet)
        var reachable = false
        for _ in 0..<600 where !reachable {
            reachable = (try? await connector.discoverAPIBase()) != nil
            if !reachable { try await Task.sleep(for: .milliseconds(500)) }
        }
        guard reachable else { throw ValidationError("no simulator answers on 127.0.0.1:\(port): start `insight-bench connectwise-simulator` first") }
        let database = try BenchDatabase(url: nil)
        defer { database.removeTemporaryFile() }
        var options = SyncOptions(worker: "bench")
        options.concurrency = concurrency
        let syncOptions = options
        try await Store.withStore(at: database.location, logger: quiet) { store in
            try await store.migrate(now: .now)
            try await store.save(tenant)
            let before = peakMemoryMiB()
            let clock = ContinuousClock()
            let start = clock.now
            let full = try await ConnectWiseSync(store: store, connector: connector, tenant: tenant, options: syncOptions).run()
            let seconds = (clock.now - start).seconds
            let requests = full.entries.reduce(0) { $0 + $1.requests }
            print("business: \(size.rawValue), seed 42, simulator in another process; concurrency \(concurrency); SQLite")
            print("full sync: \(full.records) records in \(format(seconds, decimals: 2)) s = \(format(Double(full.records) / seconds)) records/s; succeeded: \(full.succeeded); \(requests) requests")
            print("peak memory of the sync process: \(format(peakMemoryMiB())) MiB (\(format(before)) MiB before the sync)")
        }
    }
}

/// The Autotask simulator alone (no hourly threshold), serving a generated business until stopped: with
/// `autotask-sync-client` in another process, the client's memory and CPU are measured apart from the simulator's.
struct AutotaskSimulatorServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autotask-simulator", abstract: "Serve a generated business from the Autotask simulator until stopped.")

    @Option(help: "small, medium or large.") var size = "large"
    @Option(help: "The port on 127.0.0.1.") var port = 18_094
    @Option(help: "Latency added to every request, in milliseconds.") var latencyMs = 0

    func run() async throws {
        guard let size = BusinessSize(rawValue: size) else { throw ValidationError("--size must be small, medium or large") }
        let business = try MSPBusiness.generate(GeneratorSettings(size: size, seed: 42, source: .autotask))
        try await withAutotaskBenchSimulator(business, port: port, latency: .milliseconds(latencyMs)) { _, _ in
            print("serving \(size.rawValue) on 127.0.0.1:\(port)")
            try await Task.sleep(for: .seconds(86_400))
        }
    }
}

/// A full sync from an Autotask simulator running in another process (`autotask-simulator`) into a fresh SQLite file:
/// records per second, and the peak memory of the sync alone.
struct AutotaskSyncClientBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autotask-sync-client", abstract: "Full sync from an Autotask simulator in another process; peak memory of the client alone.")

    @Option(help: "The business the simulator serves (for the company's currency and time zone).") var size = "large"
    @Option(help: "The simulator's port on 127.0.0.1.") var port = 18_094
    @Option(help: "Streams read at the same time.") var concurrency = 4

    func run() async throws {
        guard let size = BusinessSize(rawValue: size) else { throw ValidationError("--size must be small, medium or large") }
        let settings = GeneratorSettings(size: size, seed: 42, source: .autotask)
        let tenant = try Tenant(
            id: "bench", name: MSPBusiness.mspName, psa: .autotask, baseCurrency: settings.currency,
            timeZoneIdentifier: settings.timeZoneIdentifier, fiscalYearStartMonth: 1, createdAt: .now)
        var quiet = Logger(label: "bench")
        quiet.logLevel = .error
        let connector = benchAutotaskConnector(port: port)
        // The simulator generates and writes its business first (about two minutes for `large`).
        try await waitForAutotaskSimulator(connector, port: port, within: .seconds(600))
        let database = try BenchDatabase(url: nil)
        defer { database.removeTemporaryFile() }
        var options = SyncOptions(worker: "bench")
        options.concurrency = concurrency
        let syncOptions = options
        try await Store.withStore(at: database.location, logger: quiet) { store in
            try await store.migrate(now: .now)
            try await store.save(tenant)
            let before = peakMemoryMiB()
            let clock = ContinuousClock()
            let start = clock.now
            let full = try await AutotaskSync(store: store, connector: connector, tenant: tenant, options: syncOptions).run()
            let seconds = (clock.now - start).seconds
            let requests = full.entries.reduce(0) { $0 + $1.requests }
            print("business: \(size.rawValue), seed 42, simulator in another process; concurrency \(concurrency); SQLite")
            print("full sync: \(full.records) records in \(format(seconds, decimals: 2)) s = \(format(Double(full.records) / seconds)) records/s; succeeded: \(full.succeeded); \(requests) requests")
            print("streams (start–end, seconds from the first start): \(streamSpans(full.entries))")
            print("peak memory of the sync process: \(format(peakMemoryMiB())) MiB (\(format(before)) MiB before the sync)")
        }
    }
}
