public import Foundation
public import InsightStore
public import Logging

/// Everything the app reads from its environment, parsed and validated once (H-10). Only this module reads
/// environment variables; precedence is command-line flag > environment > default.
public struct AppConfiguration: Sendable, Equatable {
    /// Where the store lives.
    public var database: DatabaseLocation
    /// The folder for the SQLite file and other local state.
    public var dataDirectory: String
    public var logLevel: Logger.Level
    /// The vault's key ring file (`INSIGHT_VAULT_KEY_FILE`, default `vault.key` in the data directory), created
    /// with mode 0600 on first start.
    public var vaultKeyPath: String = ""
    /// A vault key given by the environment instead (`INSIGHT_VAULT_KEY`, 32 bytes in base64), for installations
    /// whose secrets come from a secret manager.
    public var vaultKey: String?
    /// PSA Insight's ConnectWise integration client id (`CONNECTWISE_CLIENT_ID`), pre-filled in the web form.
    public var connectWiseClientID: String = ""

    /// The SQLite file used when `DATABASE_URL` is not set.
    public static let defaultDatabaseFileName = "insight.sqlite"

    /// Resolves the configuration from `environment`, with command-line values taking precedence.
    /// - Parameters:
    ///   - databaseURL: `--database-url`, overriding `DATABASE_URL`.
    ///   - dataDirectory: `--data-dir`, overriding `INSIGHT_DATA_DIR`.
    ///   - logLevel: `--log-level`, overriding `LOG_LEVEL`.
    /// - Throws: ``ConfigurationError`` or ``StoreError/invalidDatabaseURL(_:reason:)``.
    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment, databaseURL: String? = nil,
        dataDirectory: String? = nil, logLevel: Logger.Level? = nil
    ) throws -> AppConfiguration {
        let directory =
            dataDirectory ?? nonEmpty(environment["INSIGHT_DATA_DIR"]) ?? defaultDataDirectory(environment: environment)
        let database: DatabaseLocation
        if let url = databaseURL ?? nonEmpty(environment["DATABASE_URL"]) {
            database = try DatabaseLocation(url: url)
        } else {
            database = .sqliteFile(path: URL(fileURLWithPath: directory).appendingPathComponent(defaultDatabaseFileName).path)
        }
        let level: Logger.Level
        if let logLevel {
            level = logLevel
        } else if let text = nonEmpty(environment["LOG_LEVEL"]) {
            guard let parsed = Logger.Level(rawValue: text.lowercased()) else {
                throw ConfigurationError.invalidLogLevel(text)
            }
            level = parsed
        } else {
            level = .info
        }
        var configuration = AppConfiguration(database: database, dataDirectory: directory, logLevel: level)
        configuration.vaultKeyPath =
            nonEmpty(environment["INSIGHT_VAULT_KEY_FILE"]) ?? URL(fileURLWithPath: directory).appendingPathComponent("vault.key").path
        configuration.vaultKey = nonEmpty(environment["INSIGHT_VAULT_KEY"])
        configuration.connectWiseClientID = nonEmpty(environment["CONNECTWISE_CLIENT_ID"]) ?? ""
        return configuration
    }

    /// `$XDG_DATA_HOME/psa-insight`, else `~/.local/share/psa-insight` (Linux) or
    /// `~/Library/Application Support/psa-insight` (macOS).
    public static func defaultDataDirectory(environment: [String: String]) -> String {
        if let xdg = nonEmpty(environment["XDG_DATA_HOME"]) {
            return URL(fileURLWithPath: xdg).appendingPathComponent("psa-insight").path
        }
        let home = nonEmpty(environment["HOME"]) ?? FileManager.default.homeDirectoryForCurrentUser.path
        #if os(macOS)
        return URL(fileURLWithPath: home).appendingPathComponent("Library/Application Support/psa-insight").path
        #else
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/psa-insight").path
        #endif
    }
}

/// A configuration value that cannot be used.
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidLogLevel(String)

    public var description: String {
        switch self {
        case .invalidLogLevel(let text):
            "LOG_LEVEL '\(text)' is not one of trace, debug, info, notice, warning, error, critical."
        }
    }
}

private func nonEmpty(_ value: String?) -> String? {
    guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
    return value
}
