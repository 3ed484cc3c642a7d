import ArgumentParser
import Foundation
import Hummingbird
import InsightApp
import Logging
import MSPModel

/// `psa-insight simulate autotask`: an Autotask PSA REST API on this machine, serving the generated business.
struct SimulateAutotask: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autotask", abstract: "An Autotask PSA REST API on 127.0.0.1 (zone lookup, queries, picklists, security levels, limits).")

    @Option(help: "small, medium or large.") var size: BusinessSize = .medium
    @Option(help: "The seed: the same seed gives the same business.") var seed: UInt64 = 42
    @Option(help: "The variety profile: how the MSP named its boards, agreement types and work types (standard, renamed).") var profile: TenantProfileName = .standard
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8082

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .notice
            return handler
        }
        let (application, banner) = try reportingErrors {
            try Insight.autotaskSimulator(
                business: GeneratorSettings(size: size, seed: seed, profile: profile.profile), host: host, port: port,
                logger: Logger(label: "psa-insight.simulator.autotask"))
        }
        // Written unbuffered: the server runs until stopped, so a buffered banner would never reach a pipe or file.
        FileHandle.standardOutput.write(Data((banner.joined(separator: "\n") + "\n").utf8))
        try await application.runService()
    }
}
