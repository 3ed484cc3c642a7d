import AsyncHTTPClient
public import Foundation
public import InsightConnectors
import InsightCore
public import Logging

extension Insight {
    /// What `check connectwise` needs, read from flags first, then from the environment. The private key is
    /// read from the environment only, never from a flag (flags end up in shell history and `ps`).
    public static func connectWiseCredentials(
        site: String?, company: String?, clientID: String?, publicKey: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CheckError) -> ConnectWiseCredentials {
        func value(_ flag: String?, _ variable: String, _ name: String) throws(CheckError) -> String {
            guard let text = flag ?? environment[variable], !text.isEmpty else { throw .missing(name, variable: variable) }
            return text
        }
        func secret(_ variable: String) throws(CheckError) -> String {
            guard let text = environment[variable], !text.isEmpty else { throw .missingSecret(variable: variable) }
            return text
        }
        return ConnectWiseCredentials(
            siteURL: try value(site, "CONNECTWISE_SITE", "--site"), companyID: try value(company, "CONNECTWISE_COMPANY", "--company"),
            clientID: try value(clientID, "CONNECTWISE_CLIENT_ID", "--client-id"),
            publicKey: try value(publicKey, "CONNECTWISE_PUBLIC_KEY", "--public-key"),
            privateKey: Secret(try secret("CONNECTWISE_PRIVATE_KEY")))
    }

    /// Runs the permission doctor against a ConnectWise site.
    public static func checkConnectWise(_ credentials: ConnectWiseCredentials, logger: Logger) async throws -> PermissionReport {
        try await ConnectWiseConnector(credentials: credentials, http: ReadOnlyHTTP(client: .shared), logger: logger).checkPermissions()
    }
}

/// A `check` command that lacks a value.
public enum CheckError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(String, variable: String)
    case missingSecret(variable: String)

    public var description: String {
        switch self {
        case .missing(let name, let variable): "\(name) is missing: pass it as a flag or set \(variable)."
        case .missingSecret(let variable): "the private key is missing: set \(variable) (it is never taken from a flag)."
        }
    }
}
