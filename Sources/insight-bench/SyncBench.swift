import ArgumentParser
import AsyncHTTPClient
import ConnectWiseSimulator
import Foundation
import Hummingbird
import InsightConnectors
import InsightCore
import InsightStore
import InsightSync
import Logging
import MSPModel

/// A full sync of a generated business from the ConnectWise simulator into a fresh SQLite file, with added
/// latency per request: wall time against the lower bound, records per second, requests and peak memory; then an
/// incremental sync with nothing changed.
struct SyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Full and idle incremental sync from the ConnectWise simulator into SQLite.")

    @Option(help: "small, medium or large.") var size = "medium"
    @Option(help: "Latency the simulator adds to every request, in milliseconds.") var latencyMs = 100
    @Option(help: "Streams read at the same time.") var concurrency = 4
    @Option(help: "The simulator's port on 127.0.0.1.") var port = 18_091

    func run() async throws {
        guard let size = BusinessSize(rawValue: size) else { throw ValidationError("--size must be small, medium or large") }
        let business = try MSPBusiness.generate(GeneratorSettings(size: size, seed: 42))
        let database = try BenchDatabase(url: nil)
        defer { database.removeTemporaryFile() }
        var quiet = Logger(label: "bench")
        quiet.logLevel = .error
        let tenant = business.tenant(id: "bench")
        var options = SyncOptions(worker: "bench")
        options.concurrency = concurrency
        let syncOptions = options
        let latency = Double(latencyMs) / 1_000
        try await withBenchSimulator(business, port: port, latency: .milliseconds(latencyMs)) { site, connector, _ in
            try await Store.withStore(at: database.location, logger: quiet) { store in
                try await store.migrate(now: .now)
                try await store.save(tenant)
                let sync = ConnectWiseSync(store: store, connector: connector, tenant: tenant, options: syncOptions)
                let clock = ContinuousClock()
                let before = await site.requestLog.count
                let start = clock.now
                let full = try await sync.run()
                let elapsed = clock.now - start
                let requests = await site.requestLog.count - before
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                // Pages of one stream are sequential (forward-only paging), except the additions and forecasts, fetched
                // `concurrency × 2` parents at a time, and time entries and service tickets, read as `concurrency` id ranges side by side;
                // streams run `concurrency` at a time.
                let perStream = full.entries.map { entry in
                    switch entry.stream {
                    case "finance/agreements/additions", "sales/opportunities": (entry.requests + concurrency * 2 - 1) / (concurrency * 2)
                    case "time/entries", "service/tickets": (entry.requests + concurrency - 1) / concurrency
                    default: entry.requests
                    }
                }
                let bound = max(Double(perStream.max() ?? 0), Double(requests - 1) / Double(concurrency)) * latency
                let width = await site.mostRequestsInFlight
                print("business: \(size.rawValue), seed 42; latency \(latencyMs) ms; concurrency \(concurrency)")
                print("full sync: \(full.records) records in \(format(seconds, decimals: 2)) s = \(format(Double(full.records) / seconds)) records/s; succeeded: \(full.succeeded)")
                print("requests: \(requests) (including discovery); per stream: \(full.entries.map { "\($0.stream) \($0.requests)" }.joined(separator: ", "))")
                if latencyMs > 0 {
                    print("lower bound max(longest sequential chain, requests ÷ concurrency) × latency: \(format(bound, decimals: 2)) s; ratio \(format(seconds / bound, decimals: 2))")
                    print("most requests in flight at once: \(width); the bound at that width: \(format(Double(requests - 1) / Double(width) * latency, decimals: 2)) s")
                }
                print("streams (start–end, seconds from the first start): \(streamSpans(full.entries))")
                print("peak memory (simulator and its business included): \(format(peakMemoryMiB())) MiB")
                let idleBefore = await site.requestLog.count
                let idleStart = clock.now
                let idle = try await sync.run()
                let idleElapsed = clock.now - idleStart
                let idleRequests = await site.requestLog.count - idleBefore
                let additions = idle.entries.first { $0.stream == "finance/agreements/additions" }?.requests ?? 0
                print("incremental with nothing changed: \(idleRequests) requests (\(idleRequests - additions - 1) for \(idle.entries.count - 1) list streams, \(additions) for additions, 1 discovery), \(idle.records) records re-read in the overlap, \(format(Double(idleElapsed.components.seconds) + Double(idleElapsed.components.attoseconds) / 1e18, decimals: 2)) s")
            }
        }
    }
}
