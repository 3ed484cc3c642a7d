import Foundation
import InsightApp
import InsightCore
import InsightStore
import InsightTestSupport
import Logging
import Testing

@Suite(.timeLimit(.minutes(5)), .serialized)
struct SyncCommandTests {
    let arguments = ["sync", "--simulate", "connectwise", "--size", "small", "--seed", "5", "--worker", "cli-test"]

    func contents(of path: String) async throws -> StoreContents {
        try await Store.withStore(at: .sqliteFile(path: path), logger: Logger(label: "test")) { store in
            try await StoreContents(store, tenant: Insight.simulatedTenantID(.connectwise))
        }
    }

    @Test func aProcessKilledTenTimesEndsWithTheSameStoreAsAnUninterruptedRun() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sync-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let reference = directory.appendingPathComponent("reference.sqlite").path
        let killed = directory.appendingPathComponent("killed.sqlite").path

        let clean = try runInsight(arguments + ["--database-url", reference], environment: [:])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout.contains("time/entries: full sync started,"), "plain progress lines when not a terminal")
        #expect(clean.stdout.contains("Synced "))

        // Kill -9 at spread-out moments of the run (from start-up to late in the load), then let it finish.
        var random = SystemRandomNumberGenerator()
        var resumed = false
        for attempt in 0..<10 {
            let process = Process()
            process.executableURL = insightExecutable()
            process.arguments = arguments + ["--database-url", killed]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let delay = Double(attempt) * 0.3 + Double.random(in: 0.2...1.0, using: &random)
            try await Task.sleep(for: .milliseconds(Int(delay * 1_000)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
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
