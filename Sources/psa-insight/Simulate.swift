import ArgumentParser
import Foundation
import Hummingbird
import InsightApp
import Logging
import MSPModel

/// `psa-insight simulate connectwise`: a PSA API on this machine, serving the generated business.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the generated MSP business as a PSA API simulator.", subcommands: [SimulateConnectWise.self, SimulateAutotask.self])
}

struct SimulateConnectWise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectwise", abstract: "A ConnectWise PSA (Manage) REST API on 127.0.0.1.")

    @Option(help: "small, medium or large.") var size: BusinessSize = .medium
    @Option(help: "The seed: the same seed gives the same business.") var seed: UInt64 = 42
    @Option(help: "The variety profile: how the MSP named its boards, agreement types and work types (standard, renamed).") var profile: TenantProfileName = .standard
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8081

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .notice
            return handler
        }
        let (application, banner) = try reportingErrors {
            try Insight.connectWiseSimulator(
                business: GeneratorSettings(size: size, seed: seed, profile: profile.profile), host: host, port: port,
                logger: Logger(label: "psa-insight.simulator.connectwise"))
        }
        // Written unbuffered: the server runs until stopped, so a buffered banner would never reach a pipe or file.
        FileHandle.standardOutput.write(Data((banner.joined(separator: "\n") + "\n").utf8))
        try await application.runService()
    }
}

/// `--profile`: a variety profile by name (`TenantProfile.all`).
struct TenantProfileName: ExpressibleByArgument, Sendable {
    let profile: TenantProfile
    static let standard = TenantProfileName(profile: .standard)
    init(profile: TenantProfile) { self.profile = profile }
    init?(argument: String) {
        guard let profile = TenantProfile.named(argument) else { return nil }
        self.profile = profile
    }
    static var allValueStrings: [String] { TenantProfile.all.map(\.name) }
}
