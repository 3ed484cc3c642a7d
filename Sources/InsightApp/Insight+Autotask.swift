import AsyncHTTPClient
import AutotaskAPI
import AutotaskSimulator
public import Foundation
public import Hummingbird
public import InsightConnectors
import InsightCore
public import Logging
public import MSPModel

extension Insight {
    /// An Autotask simulator serving a generated business (the same events as the ConnectWise simulator, tagged
    /// Autotask), ready to run, with the lines to print so that a person can point any Autotask client at it.
    public static func autotaskSimulator(
        business settings: GeneratorSettings, host: String, port: Int, logger: Logger
    ) throws -> (application: some ApplicationProtocol, banner: [String]) {
        // URLs the simulator writes (zone, next pages) follow each request's Host, so they are right behind any proxy.
        let simulator = AutotaskSimulatorSettings()
        let publicURL = "http://\(host):\(port)"
        var tagged = settings
        tagged.source = .autotask
        let business = try MSPBusiness.generate(tagged)
        let tenant = SimulatedAutotaskTenant(business: business, settings: simulator)
        var banner = [
            "Autotask PSA simulator: \(settings.size.rawValue) business, seed \(settings.seed), as of \(business.endOfSpan)",
            "  zone lookup: \(AutotaskSimulatorSettings.zoneLookupURL(publicURL: publicURL, user: simulator.users[0].userName))",
            "  zone URL:    \(publicURL)/ATServicesRest/   (database ci \(simulator.ci))",
        ]
        for user in simulator.users {
            banner.append(
                "  level \"\(user.level.name)\": username \(user.userName), secret \(user.secret), integration code \(user.integrationCode)")
        }
        return (AutotaskSimulator.application(tenant: tenant, host: host, port: port, logger: logger), banner)
    }

    /// What `check autotask` needs: the username from the flag or `AUTOTASK_USERNAME`; the secret from
    /// `AUTOTASK_SECRET` only and the integration code from the flag or `AUTOTASK_INTEGRATION_CODE` (secrets are
    /// never taken from flags: they end up in shell history and `ps`).
    public static func autotaskCredentials(
        userName: String?, integrationCode: String?, zoneLookupURL: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(AutotaskCheckError) -> AutotaskCredentials {
        func value(_ flag: String?, _ variable: String, _ name: String) throws(AutotaskCheckError) -> String {
            guard let text = flag ?? environment[variable], !text.isEmpty else { throw .missing(name, variable: variable) }
            return text
        }
        guard let secret = environment["AUTOTASK_SECRET"], !secret.isEmpty else { throw .missingSecret(variable: "AUTOTASK_SECRET") }
        return AutotaskCredentials(
            userName: try value(userName, "AUTOTASK_USERNAME", "--username"), secret: Secret(secret),
            integrationCode: try value(integrationCode, "AUTOTASK_INTEGRATION_CODE", "--integration-code"),
            zoneLookupURL: zoneLookupURL ?? environment["AUTOTASK_ZONE_LOOKUP_URL"] ?? AutotaskCredentials.defaultZoneLookup)
    }

    /// Runs the permission doctor against an Autotask database.
    public static func checkAutotask(_ credentials: AutotaskCredentials, logger: Logger) async throws -> AutotaskPermissionReport {
        try await AutotaskConnector(credentials: credentials, http: ReadOnlyHTTP(client: .shared), logger: logger).checkPermissions()
    }
}

/// A `check autotask` value that is missing.
public enum AutotaskCheckError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(String, variable: String)
    case missingSecret(variable: String)

    public var description: String {
        switch self {
        case .missing(let name, let variable): "\(name) is missing: pass it as a flag or set \(variable)."
        case .missingSecret(let variable): "the API user's secret is missing: set \(variable) (it is never taken from a flag)."
        }
    }
}
