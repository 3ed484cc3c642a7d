import InsightApp
import InsightStore
import Logging
import Testing

@Suite struct ConfigurationTests {
    @Test func defaultsToASQLiteFileInTheUsersDataHome() throws {
        let configuration = try AppConfiguration.resolve(environment: ["HOME": "/home/msp"])
        #expect(configuration.dataDirectory == "/home/msp/.local/share/psa-insight")
        #expect(configuration.database == .sqliteFile(path: "/home/msp/.local/share/psa-insight/insight.sqlite"))
        #expect(configuration.logLevel == .info)
    }

    @Test func environmentThenFlagsTakePrecedence() throws {
        let environment = [
            "HOME": "/home/msp", "XDG_DATA_HOME": "/xdg", "INSIGHT_DATA_DIR": "/srv/insight",
            "DATABASE_URL": "postgres://u@db/insight", "LOG_LEVEL": "DEBUG",
        ]
        let fromEnvironment = try AppConfiguration.resolve(environment: environment)
        #expect(fromEnvironment.dataDirectory == "/srv/insight")
        #expect(fromEnvironment.database == .postgres(PostgresSettings(host: "db", username: "u", password: nil, database: "insight")))
        #expect(fromEnvironment.logLevel == .debug)
        let fromFlags = try AppConfiguration.resolve(
            environment: environment, databaseURL: "/tmp/flag.sqlite", dataDirectory: "/flag", logLevel: .error)
        #expect(fromFlags.database == .sqliteFile(path: "/tmp/flag.sqlite"))
        #expect(fromFlags.dataDirectory == "/flag")
        #expect(fromFlags.logLevel == .error)
        #expect(try AppConfiguration.resolve(environment: ["XDG_DATA_HOME": "/xdg"]).dataDirectory == "/xdg/psa-insight")
    }

    @Test func refusesAnUnknownLogLevel() {
        #expect(throws: ConfigurationError.invalidLogLevel("loud")) {
            try AppConfiguration.resolve(environment: ["HOME": "/h", "LOG_LEVEL": "loud"])
        }
    }
}
