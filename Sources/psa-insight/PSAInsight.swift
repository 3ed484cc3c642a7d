import ArgumentParser
import Foundation
import InsightApp
import Logging

/// `psa-insight`: financial analytics for MSPs from ConnectWise PSA and Autotask PSA.
@main
struct PSAInsight: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "psa-insight",
        abstract: "Financial analytics for MSPs, from ConnectWise PSA and Autotask PSA.",
        version: Insight.version,
        subcommands: [
            Demo.self, Serve.self, Migrate.self, TenantCommand.self, Generate.self, Simulate.self, Check.self, Sync.self, KPI.self, Classify.self,
            VaultCommand.self, Version.self,
        ]
    )
}

/// Options every command that touches the store shares.
struct StoreOptions: ParsableArguments {
    @Option(help: "A postgres:// URL or a SQLite file path. Default: $DATABASE_URL, else a SQLite file in the data directory.")
    var databaseURL: String?

    @Option(help: "The data directory. Default: $INSIGHT_DATA_DIR, else psa-insight under the user's data home.")
    var dataDir: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical. Default: $LOG_LEVEL, else info.")
    var logLevel: Logger.Level?

    /// Resolves the configuration and starts logging to standard error, once per process.
    func bootstrap() throws -> (AppConfiguration, Logger) {
        let configuration = try reportingErrors {
            try AppConfiguration.resolve(databaseURL: databaseURL, dataDirectory: dataDir, logLevel: logLevel)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        return (configuration, Logger(label: "psa-insight"))
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Runs `body`; a known error is printed as one clear line on standard error and exits with status 1.
func reportingErrors<R>(_ body: () async throws -> R) async throws -> R {
    do {
        return try await body()
    } catch let error as any CustomStringConvertible & Error {
        FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
        throw ExitCode.failure
    }
}

func reportingErrors<R>(_ body: () throws -> R) throws -> R {
    do {
        return try body()
    } catch let error as any CustomStringConvertible & Error {
        FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
        throw ExitCode.failure
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or update the database schema (idempotent).")

    @OptionGroup var options: StoreOptions

    func run() async throws {
        let (configuration, logger) = try options.bootstrap()
        let report = try await reportingErrors { try await Insight.migrate(configuration, logger: logger) }
        if report.applied.isEmpty {
            print("Database \(report.location) is up to date (\(report.total) migrations).")
        } else {
            print("Database \(report.location): applied \(report.applied.joined(separator: ", ")).")
        }
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    func run() { print("psa-insight \(Insight.version)") }
}
