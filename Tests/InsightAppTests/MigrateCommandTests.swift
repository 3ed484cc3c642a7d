import Foundation
import Testing

/// Runs the real `psa-insight` binary, as a user would.
@Suite(.timeLimit(.minutes(1)))
struct MigrateCommandTests {
    @Test func migrateCreatesTheDatabaseInTheDefaultDataDirectoryAndIsIdempotent() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("insight-home-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = ["HOME": home.path, "PATH": "/usr/bin:/bin"]
        let first = try runInsight(["migrate"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("applied 0001_tenants_and_psa_records"))
        let file = home.appendingPathComponent(".local/share/psa-insight/insight.sqlite")
        #expect(FileManager.default.fileExists(atPath: file.path))
        let second = try runInsight(["migrate"], environment: environment)
        #expect(second.status == 0)
        #expect(second.stdout.contains("is up to date"))
    }

    @Test(arguments: [
        ("postgres://nobody:secret-pw@127.0.0.1:1/none?sslmode=disable", "Cannot connect to the database at postgres://nobody@127.0.0.1:1/none: connection refused"),
        ("mysql://u:secret-pw@h/db", "the scheme 'mysql' is not supported"),
        ("postgres://u:secret-pw@h", "the database name is missing"),
    ])
    func aBadDatabaseURLGivesOneClearLine(url: String, message: String) throws {
        let result = try runInsight(["migrate", "--database-url", url], environment: ["HOME": "/tmp", "PATH": "/usr/bin:/bin"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("secret-pw"), "a password must never be printed")
        #expect(result.stderr.split(separator: "\n").count == 1, "no stack trace: \(result.stderr)")
    }

    @Test func versionPrintsTheVersion() throws {
        let result = try runInsight(["version"], environment: [:])
        #expect(result.stdout.hasPrefix("psa-insight 0."))
    }
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The built `psa-insight` executable, next to the test bundle.
func insightExecutable() -> URL {
    var url = Bundle.main.bundleURL
    while url.path != "/" {
        let candidate = url.appendingPathComponent("psa-insight")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        url.deleteLastPathComponent()
    }
    return URL(fileURLWithPath: ".build/debug/psa-insight")
}

func runInsight(_ arguments: [String], environment: [String: String]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = insightExecutable()
    process.arguments = arguments
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}
