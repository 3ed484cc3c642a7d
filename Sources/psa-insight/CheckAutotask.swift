import ArgumentParser
import Foundation
import InsightApp
import InsightConnectors
import Logging

/// `psa-insight check autotask`: the Autotask permission doctor.
struct CheckAutotask: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autotask",
        abstract: "Ask Autotask what the API user's security level allows for every entity PSA Insight reads, and name what to change.",
        discussion: """
            The secret is read from AUTOTASK_SECRET only. The username and integration code may also come from \
            AUTOTASK_USERNAME and AUTOTASK_INTEGRATION_CODE; AUTOTASK_ZONE_LOOKUP_URL overrides the zone lookup host \
            (e.g. a simulator's). Exit status 2 when a section needs changing.
            """)

    @Option(help: "The API user's username (an e-mail address).") var username: String?
    @Option(help: "The API user's integration code (tracking identifier).") var integrationCode: String?
    @Option(help: "The zone lookup URL (default: Autotask's).") var zoneLookupUrl: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        let credentials = try reportingErrors {
            try Insight.autotaskCredentials(userName: username, integrationCode: integrationCode, zoneLookupURL: zoneLookupUrl)
        }
        let report = try await reportingErrors { try await Insight.checkAutotask(credentials, logger: Logger(label: "psa-insight.check")) }
        report.lines.forEach { print($0) }
        if !report.isReady { throw ExitCode(2) }
    }
}
