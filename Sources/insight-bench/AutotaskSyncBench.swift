import ArgumentParser
import AutotaskSimulator
import Foundation
import InsightCore
import InsightStore
import InsightSync
import Logging
import MSPModel

/// A full sync of a generated business from the Autotask simulator into a fresh SQLite file: records per second end
/// to end, requests, peak memory; then an incremental sync with nothing changed, and its requests per entity.
struct AutotaskSyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autotask-sync", abstract: "Full and idle incremental sync from the Autotask simulator into SQLite.")

    @Option(help: "small, medium or large.") var size = "medium"
    @Option(help: "Streams read at the same time.") var concurrency = 4
    @Option(help: "The simulator's port on 127.0.0.1.") var port = 18_092
    @Option(help: "Latency the simulator adds to every request, in milliseconds.") var latencyMs = 0

    func run() async throws {
        guard let size = BusinessSize(rawValue: size) else { throw ValidationError("--size must be small, medium or large") }
        let business = try MSPBusiness.generate(GeneratorSettings(size: size, seed: 42, source: .autotask))
        let database = try BenchDatabase(url: nil)
        defer { database.removeTemporaryFile() }
        var quiet = Logger(label: "bench")
        quiet.logLevel = .error
        let tenant = business.tenant(id: "bench")
        var options = SyncOptions(worker: "bench")
        options.concurrency = concurrency
        let syncOptions = options
        try await withAutotaskBenchSimulator(business, port: port, latency: .milliseconds(latencyMs)) { simulated, connector in
            try await Store.withStore(at: database.location, logger: quiet) { store in
                try await store.migrate(now: .now)
                try await store.save(tenant)
                let sync = AutotaskSync(store: store, connector: connector, tenant: tenant, options: syncOptions)
                let clock = ContinuousClock()
                let before = await simulated.requestLog.count
                let start = clock.now
                let full = try await sync.run()
                let seconds = clock.now - start
                let requests = await simulated.requestLog.count - before
                print("business: \(size.rawValue), seed 42; concurrency \(concurrency); SQLite")
                print("full sync: \(full.records) records in \(format(seconds.seconds, decimals: 2)) s = \(format(Double(full.records) / seconds.seconds)) records/s; succeeded: \(full.succeeded)")
                print("requests: \(requests) (zone lookup and threshold included); per stream: \(full.entries.map { "\($0.stream) \($0.requests)" }.joined(separator: ", "))")
                if latencyMs > 0 {
                    // A stream's pages (with their per-page children) follow each other, except time entries and tickets,
                    // read as up to three id ranges side by side; streams run `concurrency` at a time.
                    let width = min(concurrency, 3)
                    let split = ["TimeEntries", "Tickets"]
                    let chain = full.entries.map { split.contains($0.stream) ? ($0.requests + width - 1) / width : $0.requests }.max() ?? 0
                    let bound = max(Double(chain), Double(requests) / Double(concurrency)) * Double(latencyMs) / 1_000
                    print("latency \(latencyMs) ms; lower bound max(longest sequential chain \(chain), requests ÷ concurrency) × latency: \(format(bound, decimals: 2)) s; ratio \(format(seconds.seconds / bound, decimals: 2))")
                }
                print("streams (start–end, seconds from the first start): \(streamSpans(full.entries))")
                print("peak memory (simulator and its business included): \(format(peakMemoryMiB())) MiB")
                let idleBefore = await simulated.requestLog.count
                let idleStart = clock.now
                let idle = try await sync.run()
                let idleSeconds = clock.now - idleStart
                let idleRequests = await simulated.requestLog.count - idleBefore
                let most = idle.entries.map(\.requests).max() ?? 0
                print("incremental with nothing changed: \(idleRequests) requests for \(idle.entries.count) entities (at most \(most) per entity), \(idle.records) records re-read in the overlap, \(format(idleSeconds.seconds, decimals: 2)) s")
            }
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double` for printing rates.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Each stream's start and end, in seconds from the first start, in the order they started.
func streamSpans(_ entries: [SyncRunEntry]) -> String {
    let first = entries.map(\.startedAt.rawValue).min() ?? 0
    return entries.sorted { $0.startedAt < $1.startedAt }.map { entry in
        let from = Double(entry.startedAt.rawValue - first) / 1_000
        let to = Double((entry.finishedAt?.rawValue ?? first) - first) / 1_000
        return "\(entry.stream) \(format(from, decimals: 1))–\(format(to, decimals: 1))"
    }.joined(separator: ", ")
}
