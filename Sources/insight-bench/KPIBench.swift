import ArgumentParser
import Foundation
import InsightCore
import InsightMetrics
import InsightStore
import Logging
import MSPModel
import SQLKit

/// Loads a generated business into a fresh store, then times the KPI engine warm: one month's scorecard, the
/// whole span's trend and the data-health checks (median of several runs).
struct KPIBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpi", abstract: "Time the KPI engine on a generated business (scorecard, trend, data health).")

    @Option(help: "small, medium or large.") var size = "large"
    @Option(help: "Timed runs of each query set (after one warm-up).") var runs = 7
    @Option(help: "A postgres:// URL (its schema is emptied first) or a SQLite path; default: a new temporary SQLite file.")
    var databaseURL: String?

    func run() async throws {
        let database = try BenchDatabase(url: databaseURL)
        defer { database.removeTemporaryFile() }
        let location = database.location
        guard let size = BusinessSize(rawValue: size) else { throw ValidationError("--size must be small, medium or large") }
        let business = try MSPBusiness.generate(GeneratorSettings(size: size, seed: 42))
        let snapshot = business.snapshot()
        let tenant = business.tenant(id: "bench")
        let runs = self.runs
        var logger = Logger(label: "insight-bench")
        logger.logLevel = .warning
        try await Store.withStore(at: location, logger: logger) { store in
            if store.engine == .postgres { try await dropAllTables(store) }
            try await store.migrate(now: .now)
            try await store.save(tenant)
            let clock = ContinuousClock()
            let loadStart = clock.now
            try await load(snapshot, into: store, tenant: tenant.id)
            let loaded = clock.now - loadStart
            let engine = KPIEngine(store: store, tenant: tenant)
            let months = snapshot.reportedMonths
            func median(_ body: () async throws -> Void) async throws -> Double {
                try await body()  // warm-up
                var times: [Double] = []
                for _ in 0..<runs {
                    let start = clock.now
                    try await body()
                    let elapsed = clock.now - start
                    times.append(Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15)
                }
                return times.sorted()[times.count / 2]
            }
            let scorecard = try await median { _ = try await engine.scorecard(months[months.count - 1]) }
            let trend = try await median { _ = try await engine.trend(from: months[0], to: months[months.count - 1]) }
            let fromRecords = try await median { _ = try await engine.trendFromRecords(from: months[0], to: months[months.count - 1]) }
            // An incremental sync's worth of change: the last two days' time entries stored again. The next trend
            // drops the months they touch from both rollups and computes them again.
            let recent = snapshot.timeEntries.filter { $0.workDate >= snapshot.asOfDate.adding(days: -2) }
            let upkeep = try await median {
                try await store.upsert(tenant: tenant.id, recent, syncedAt: .now)
                _ = try await engine.trend(from: months[0], to: months[months.count - 1])
            }
            let health = try await median { _ = try await engine.dataHealth() }
            let profits = try await median {
                _ = try await engine.agreementProfits(from: months[0], to: months[months.count - 1])
                _ = try await engine.clientProfits(from: months[0], to: months[months.count - 1])
            }
            print("engine: \(store.engine.rawValue); business: \(size.rawValue) (\(snapshot.timeEntries.count) time entries, \(snapshot.tickets.count) tickets, \(snapshot.invoices.count) invoices)")
            print("load: \(format(Double(loaded.components.seconds) + Double(loaded.components.attoseconds) / 1e18, decimals: 1)) s")
            print("scorecard, one month (median of \(runs), warm): \(format(scorecard, decimals: 1)) ms")
            print("trend, \(months.count) months of every scorecard KPI (scorecard rollup, warm): \(format(trend, decimals: 1)) ms")
            print("trend computed from the records (no scorecard rollup): \(format(fromRecords, decimals: 1)) ms")
            print("upkeep: store \(recent.count) recent time entries again, then the trend (rollups brought up to date): \(format(upkeep, decimals: 1)) ms")
            print("data health, 7 checks: \(format(health, decimals: 1)) ms")
            print("agreement and client profitability, \(months.count) months: \(format(profits, decimals: 1)) ms")
            print("peak memory: \(format(peakMemoryMiB())) MiB")
        }
    }
}

/// Empties the PostgreSQL schema a benchmark runs in: every table of the current schema, whichever migration made it.
func dropAllTables(_ store: Store) async throws {
    try await store.provider.withSession { db in
        let tables = try await db.raw("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").all()
            .map { try $0.decode(column: "tablename", as: String.self) }
        for table in tables { try await db.raw("DROP TABLE IF EXISTS \(ident: table) CASCADE").run() }
    }
}
