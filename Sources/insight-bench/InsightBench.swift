import ArgumentParser
import Foundation
import InsightCore
import InsightStore
import Logging
import MSPModel
import SQLKit

/// Release-mode benchmarks. Figures go to docs/performance.md with the command that produced them.
@main
struct InsightBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insight-bench",
        abstract: "PSA Insight benchmarks (run with `swift run -c release insight-bench …`).",
        subcommands: [StoreUpsert.self, DecodeBench.self, ConnectWiseRead.self, SyncBench.self, ConnectWiseSimulatorServe.self, SyncClientBench.self, KPIBench.self, WebBench.self, AutotaskRead.self, AutotaskSyncBench.self, AutotaskSimulatorServe.self, AutotaskSyncClientBench.self]
    )
}

/// Peak resident memory of this process so far, in MiB.
func peakMemoryMiB() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_maxrss) / 1024  // Linux reports KiB
}

/// The database a benchmark writes to: the one named by `--database-url`, or a new temporary SQLite file that
/// is removed afterwards.
struct BenchDatabase {
    let location: DatabaseLocation
    private let temporaryFile: URL?

    init(url: String?) throws {
        if let url {
            location = try DatabaseLocation(url: url)
            temporaryFile = nil
        } else {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("insight-bench-\(UUID().uuidString).sqlite")
            location = .sqliteFile(path: file.path)
            temporaryFile = file
        }
    }

    func removeTemporaryFile() {
        guard let temporaryFile else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporaryFile.path + suffix) }
    }
}

func format(_ value: Double, decimals: Int = 0) -> String { String(format: "%.\(decimals)f", value) }

/// Upserts N time entries in batches into a fresh database and reports throughput and peak memory.
struct StoreUpsert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-upsert", abstract: "Batch-upsert time entries into a fresh database.")

    @Option(help: "How many time entries.") var rows = 1_000_000
    @Option(help: "Rows per transaction.") var batch = 5_000
    @Option(help: "A postgres:// URL (its schema is emptied first) or a SQLite path; default: a new temporary SQLite file.")
    var databaseURL: String?

    func run() async throws {
        let database = try BenchDatabase(url: databaseURL)
        defer { database.removeTemporaryFile() }
        let location = database.location
        let rows = self.rows
        let batch = self.batch
        var logger = Logger(label: "insight-bench")
        logger.logLevel = .warning
        try await Store.withStore(at: location, logger: logger) { store in
            if store.engine == .postgres { try await dropAllTables(store) }
            try await store.migrate(now: Timestamp(Date()))
            let tenant = Tenant.ID("bench")
            let clock = ContinuousClock()
            let start = clock.now
            var written = 0
            var inStore = Duration.zero
            while written < rows {
                let count = min(batch, rows - written)
                let entries = (written..<(written + count)).map(syntheticTimeEntry)
                let upsertStart = clock.now
                try await store.upsert(tenant: tenant, entries, syncedAt: Timestamp(rawValue: 1))
                inStore += clock.now - upsertStart
                written += count
            }
            let elapsed = clock.now - start
            func seconds(_ duration: Duration) -> Double {
                Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            }
            let stored = try await store.count(tenant: tenant, TimeEntry.self)
            print("engine: \(store.engine.rawValue)")
            print("rows: \(stored) (batches of \(batch))")
            print("time: \(format(seconds(elapsed), decimals: 2)) s, of which in Store.upsert \(format(seconds(inStore), decimals: 2)) s")
            print("store throughput (time in Store.upsert): \(format(Double(rows) / seconds(inStore))) rows/s")
            print("end to end (including building the input rows): \(format(Double(rows) / seconds(elapsed))) rows/s")
            print("peak memory: \(format(peakMemoryMiB())) MiB")
        }
    }
}

private let quarterHours = (0...40).map { Hours(minutes: $0 * 15) }
private let rates = (0..<4).map { Money(Decimal(150 + $0 * 5), .usd) }
private let cost = Money(Decimal(string: "42.75")!, .usd)

/// A plausible time entry, varied by index (no generator, and constants made once, so the benchmark measures
/// the store alone).
func syntheticTimeEntry(_ index: Int) -> TimeEntry {
    let day = CalendarDate(daysSinceEpoch: 19_700 + index / 400)
    let start = Timestamp(rawValue: Int64(day.daysSinceEpoch) * 86_400_000 + Int64(index % 40) * 900_000)
    let minutes = 15 * (1 + index % 12)
    return TimeEntry(
        source: .connectwise, id: ID(String(index)), updatedAt: start, memberID: ID(String(index % 90)),
        companyID: ID(String(index % 600)), chargeKind: .ticket, ticketID: ID(String(index / 3)), agreementID: ID(String(index % 700)),
        workTypeID: "1", workRoleID: "3", billableOption: index % 5 == 0 ? .noCharge : .billable, workDate: day, startAt: start,
        endAt: start.adding(minutes: Int64(minutes)), enteredAt: start.adding(minutes: Int64(minutes + 5)),
        actualHours: quarterHours[minutes / 15], billedHours: quarterHours[minutes / 15],
        hourlyRate: rates[index % 4], hourlyCost: cost)
}

/// Stores every record of `snapshot` for `tenant`, time entries in batches of 20,000, and infers its classification.
func load(_ snapshot: MSPSnapshot, into store: Store, tenant: Tenant.ID) async throws {
    let at = snapshot.asOf
    try await store.upsert(tenant: tenant, snapshot.companies, syncedAt: at)
    try await store.upsert(tenant: tenant, snapshot.configurations, syncedAt: at)
    try await store.upsert(tenant: tenant, snapshot.members, syncedAt: at)
    try await store.upsert(tenant: tenant, snapshot.workTypes, syncedAt: at)
    try await store.upsert(tenant: tenant, snapshot.agreements, syncedAt: at)
    try await store.upsert(tenant: tenant, snapshot.additions, syncedAt: at)
    try await store.upsert(tenant: tenant, snapshot.invoices, syncedAt: at)
    try await store.upsert(tenant: tenant, snapshot.productLines, syncedAt: at)
    try await store.upsert(tenant: tenant, snapshot.tickets, syncedAt: at)
    try await store.upsert(tenant: tenant, snapshot.opportunities, syncedAt: at)
    for start in stride(from: 0, to: snapshot.timeEntries.count, by: 20_000) {
        try await store.upsert(tenant: tenant, Array(snapshot.timeEntries[start..<min(start + 20_000, snapshot.timeEntries.count)]), syncedAt: at)
    }
    // As a sync ends: the classification the KPIs read through.
    try await store.inferClassification(tenant: tenant, now: at)
}
