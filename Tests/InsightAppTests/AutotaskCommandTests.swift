import AutotaskSimulator
import Dispatch
import Foundation
import Hummingbird
import HummingbirdTesting
import InsightApp
import InsightConnectors
import InsightCore
import Logging
import MSPModel
import Testing

@Suite(.timeLimit(.minutes(10)), .serialized) struct AutotaskCommandTests {
    @Test func theSecretComesFromTheEnvironmentOnly() throws {
        let environment = ["AUTOTASK_USERNAME": "api@acme.example", "AUTOTASK_INTEGRATION_CODE": "CODE", "AUTOTASK_SECRET": "top-secret"]
        let credentials = try Insight.autotaskCredentials(userName: "other@acme.example", integrationCode: nil, zoneLookupURL: nil, environment: environment)
        #expect(credentials.userName == "other@acme.example")
        #expect(credentials.integrationCode == "CODE")
        #expect(credentials.secret.reveal() == "top-secret")
        #expect(credentials.zoneLookupURL == AutotaskCredentials.defaultZoneLookup)
        #expect(!"\(credentials)".contains("top-secret"))
        #expect(throws: AutotaskCheckError.missingSecret(variable: "AUTOTASK_SECRET")) {
            try Insight.autotaskCredentials(userName: "a", integrationCode: "b", zoneLookupURL: nil, environment: [:])
        }
        #expect(throws: AutotaskCheckError.missing("--username", variable: "AUTOTASK_USERNAME")) {
            try Insight.autotaskCredentials(userName: nil, integrationCode: "b", zoneLookupURL: nil, environment: ["AUTOTASK_SECRET": "s"])
        }
    }

    @Test func checkAutotaskNamesTheSectionToChange() async throws {
        let (application, banner) = try Insight.autotaskSimulator(
            business: GeneratorSettings(size: .small, seed: 5), host: "127.0.0.1", port: 0, logger: Logger(label: "test"))
        #expect(banner.contains { $0.contains("username insight-readonly@northwind.example, secret Ro#7fK2q9LmX, integration code") })
        try await application.test(.live) { client in
            let port = try #require(client.port)
            let lookup = "http://127.0.0.1:\(port)/atservicesrest/v1.0/zoneInformation"
            func check(_ user: String, _ secret: String) async throws -> ProcessResult {
                try await offThePool {
                    try runInsight(
                        ["check", "autotask", "--username", user, "--integration-code", AutotaskSimulatorSettings.insightIntegrationCode,
                         "--zone-lookup-url", lookup],
                        environment: ["AUTOTASK_SECRET": secret])
                }
            }
            let ready = try await check("insight-readonly@northwind.example", "Ro#7fK2q9LmX")
            #expect(ready.status == 0, "\(ready.stderr)")
            #expect(ready.stdout.contains("  OK          Invoices (Contracts)"))
            #expect(ready.stdout.contains("Hourly request budget: 1 of 10000"))
            let missing = try await check("insight-nocontracts@northwind.example", "Nc#4pW8s1ZtB")
            #expect(missing.status == 2)
            #expect(missing.stdout.contains("  MISSING     Contracts: Admin > Resources/Users (HR) > Security > Security Levels > (the API user's level) > Contracts: set View to All"))
            let wrong = try await check("insight-readonly@northwind.example", "wrong")
            #expect(wrong.status == 1)
            #expect(wrong.stderr.contains("Check the API username, its secret and the integration code"))
            #expect(!wrong.stderr.contains("wrong"))
        }
    }

    @Test func simulateAutotaskPrintsWhatToConnectWith() async throws {
        let port = Int.random(in: 20_000..<40_000)
        let process = Process()
        process.executableURL = insightExecutable()
        process.arguments = ["simulate", "autotask", "--size", "small", "--seed", "5", "--port", "\(port)"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        defer { process.terminate() }
        let reader = out.fileHandleForReading
        let text = try await offThePool {
            var text = ""
            while !text.contains("Can't Read Costs") {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            return text
        }
        #expect(text.contains("zone lookup: http://127.0.0.1:\(port)/atservicesrest/v1.0/zoneInformation?user="))
        #expect(text.contains("level \"PSA Insight (read-only)\": username insight-readonly@northwind.example, secret Ro#7fK2q9LmX, integration code \(AutotaskSimulatorSettings.insightIntegrationCode)"))
        #expect(text.contains("level \"PSA Insight (no Contracts)\""))
        #expect(text.contains("level \"API User (system) (API-only)\""))
    }
}

/// Runs blocking work (a child process, a pipe read) on a Dispatch thread, so that it never holds one of the few
/// cooperative threads the in-process simulator needs to answer that very process.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
