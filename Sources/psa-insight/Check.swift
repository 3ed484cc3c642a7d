import ArgumentParser
import Foundation
import InsightApp
import InsightConnectors
import Logging

/// `psa-insight check connectwise`: the permission doctor.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the API credentials and the security role PSA Insight will use.", subcommands: [CheckConnectWise.self, CheckAutotask.self])
}

struct CheckConnectWise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectwise",
        abstract: "Probe every ConnectWise endpoint PSA Insight reads and name any setting to change.",
        discussion: "The private key is read from CONNECTWISE_PRIVATE_KEY only. Other values may also come from CONNECTWISE_SITE, CONNECTWISE_COMPANY, CONNECTWISE_CLIENT_ID and CONNECTWISE_PUBLIC_KEY.")

    @Option(help: "The ConnectWise site, e.g. https://na.myconnectwise.net.") var site: String?
    @Option(help: "The company ID typed at the ConnectWise login screen.") var company: String?
    @Option(help: "The integration's client ID.") var clientId: String?
    @Option(help: "The API member's public key.") var publicKey: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        let credentials = try reportingErrors {
            try Insight.connectWiseCredentials(site: site, company: company, clientID: clientId, publicKey: publicKey)
        }
        let report = try await reportingErrors { try await Insight.checkConnectWise(credentials, logger: Logger(label: "psa-insight.check")) }
        report.lines.forEach { print($0) }
        if !report.isReady { throw ExitCode(2) }
    }
}
