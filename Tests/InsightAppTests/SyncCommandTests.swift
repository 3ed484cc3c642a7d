import Foundation
import InsightApp
import InsightCore
import InsightMetrics
import MSPModel
import InsightStore
import InsightTestSupport
import Logging
import Testing

/// Runs `psa-insight sync --simulate <psa>` once uninterrupted, then ten times killed with SIGKILL at spread-out moments
/// and once more to the end: the killed store must equal the uninterrupted one.
func killTenTimes(_ psa: PSAKind, firstStream: String) async throws {
    let arguments = ["sync", "--simulate", psa.rawValue, "--size", "small", "--seed", "5", "--worker", "cli-test"]
    func contents(of path: String) async throws -> StoreContents {
        try await Store.withStore(at: .sqliteFile(path: path), logger: Logger(label: "test")) { store in
            try await StoreContents(store, tenant: Insight.simulatedTenantID(psa), source: psa)
        }
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sync-kill-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let reference = directory.appendingPathComponent("reference.sqlite").path
    let killed = directory.appendingPathComponent("killed.sqlite").path

    let clean = try runInsight(arguments + ["--database-url", reference], environment: [:])
    #expect(clean.status == 0, "\(clean.stderr)")
    #expect(clean.stdout.contains("\(firstStream): full sync started,"), "plain progress lines when not a terminal")
    #expect(clean.stdout.contains("Synced "))

    // Kill -9 at spread-out moments once the run is reading (whatever the machine's speed), then let it finish.
    var resumed = false
    for attempt in 0..<10 {
        let process = Process()
        process.executableURL = insightExecutable()
        process.arguments = arguments + ["--database-url", killed]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        let beforeKill = await Task.detached { () -> String in
            var text = ""
            while !text.contains("sync started") {
                let data = reader.availableData
                if data.isEmpty { break }  // the run ended before a stream started
                text += String(decoding: data, as: UTF8.self)
            }
            return text
        }.value
        try await Task.sleep(for: .milliseconds(50 + attempt * 150 + Int.random(in: 0...150)))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let printed = beforeKill + String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        resumed = resumed || printed.contains("resumed sync started")
    }
    let final = try runInsight(arguments + ["--database-url", killed], environment: [:])
    #expect(final.status == 0, "\(final.stderr)")
    resumed = resumed || final.stdout.contains("resumed sync started")
    #expect(resumed, "some run carried on from a page saved by a killed one")

    let expected = try await contents(of: reference)
    #expect(expected.total > 10_000)
    #expect(try await contents(of: killed) == expected)
}

@Suite(.timeLimit(.minutes(5)), .serialized)
struct SyncCommandTests {
    @Test func aProcessKilledTenTimesEndsWithTheSameStoreAsAnUninterruptedRun() async throws {
        try await killTenTimes(.connectwise, firstStream: "time/entries")
    }

    @Test func aTenantIsNamedOrItsAbsenceExplained() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sync-tenant-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["INSIGHT_DATA_DIR": directory.path]
        let empty = try runInsight(["sync"], environment: environment)
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("The store has no tenants yet"))
        let added = try runInsight(
            ["tenant", "add", "--id", "northwind", "--name", "Northwind IT", "--psa", "connectwise", "--time-zone", "Europe/London"],
            environment: environment)
        #expect(added.status == 0, "\(added.stderr)")
        let listed = try runInsight(["tenant", "list"], environment: environment)
        #expect(listed.stdout.contains("northwind\tNorthwind IT\tConnectWise PSA\tUSD\tEurope/London"))
        let missingKey = try runInsight(
            ["sync", "--tenant", "Northwind IT", "--site", "https://na.myconnectwise.net", "--company", "northwind",
             "--client-id", "x", "--public-key", "y"], environment: environment)
        #expect(missingKey.status != 0)
        #expect(missingKey.stderr.contains("set CONNECTWISE_PRIVATE_KEY"))
        let unknown = try runInsight(["sync", "--tenant", "contoso"], environment: environment)
        #expect(unknown.stderr.contains("There is no tenant 'contoso'. Known tenants: Northwind IT."))
    }
}

@Suite(.timeLimit(.minutes(3)))
struct KPICommandTests {
    @Test func theScorecardOfASyncedDemoMatchesTheGroundTruth() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kpi-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["INSIGHT_DATA_DIR": directory.path]
        let synced = try runInsight(["sync", "--simulate", "connectwise", "--size", "small", "--seed", "6"], environment: environment)
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(!synced.stdout.contains("CancellationError"), "the in-process simulator stops quietly")

        let json = try runInsight(["kpi", "--period", "2026-09", "--format", "json"], environment: environment)
        #expect(json.status == 0, "\(json.stderr)")
        let report = try JSONDecoder().decode(ScorecardReport.self, from: Data(json.stdout.utf8))
        let truth = GroundTruth(try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 6)).snapshot())
        let september = try #require(truth.months.first { $0.month == YearMonth("2026-09") })
        #expect(report.month == YearMonth("2026-09"))
        #expect(report.current.revenue == september.revenue)
        #expect(report.current.mrr == september.mrr)
        #expect(report.current.laborCost == september.laborCost)
        #expect(report.previous.month == YearMonth("2026-08"))
        #expect(report.health.first { $0.check == .lateTimeEntries }?.count == truth.flaws.lateTimeEntries.count)

        let table = try runInsight(["kpi", "--period", "2026-09"], environment: environment)
        #expect(table.stdout.contains("Northwind Managed Services: scorecard for 2026-09 (previous: 2026-08)"))
        #expect(table.stdout.contains("Revenue"))
        #expect(table.stdout.contains("\(september.revenue)"), "revenue shown with 2 decimals and its currency")
        let csv = try runInsight(["kpi", "--period", "2026-09", "--format", "csv"], environment: environment)
        #expect(csv.stdout.hasPrefix("kpi,name,month,value,previous_month,previous_value,unit,currency\n"))
        #expect(csv.stdout.contains("revenue,\"Revenue\",2026-09,\(september.revenue.amount),2026-08,"))
        let badPeriod = try runInsight(["kpi", "--period", "September"], environment: environment)
        #expect(badPeriod.status != 0 && badPeriod.stderr.contains("--period must be YYYY-MM"))
    }
}

/// The same through the Autotask simulator (run with the Autotask syncs, see `.ci/run`).
@Suite(.timeLimit(.minutes(8)))
struct AutotaskSyncCommandTests {
    @Test func anAutotaskSyncKilledTenTimesEndsWithTheSameStoreAsAnUninterruptedRun() async throws {
        try await killTenTimes(.autotask, firstStream: "Tickets")
    }
}
