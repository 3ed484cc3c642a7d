import Foundation
import InsightStore
import Testing

@Suite struct DatabaseLocationTests {
    @Test func parsesAPostgresURL() throws {
        let location = try DatabaseLocation(url: "postgres://insight:s%40cret@db.example.com:6543/insight?sslmode=require")
        let expected = PostgresSettings(
            host: "db.example.com", port: 6543, username: "insight", password: "s@cret", database: "insight", tls: .require)
        #expect(location == .postgres(expected))
        #expect(!location.description.contains("cret"), "a password must never be printed")
    }

    @Test(arguments: [
        ("disable", PostgresSettings.TLSMode.disable), ("prefer", .prefer), ("allow", .prefer), ("require", .require),
        ("verify-ca", .verifyFull), ("verify-full", .verifyFull),
    ])
    func sslModesFollowLibpq(mode: String, expected: PostgresSettings.TLSMode) throws {
        #expect(try PostgresSettings(url: "postgres://u@h/db?sslmode=\(mode)").tls == expected)
    }

    @Test func treatsAnythingElseAsASQLitePath() throws {
        #expect(try DatabaseLocation(url: "/var/lib/insight/db.sqlite") == .sqliteFile(path: "/var/lib/insight/db.sqlite"))
        #expect(try DatabaseLocation(url: "sqlite:///tmp/x.sqlite") == .sqliteFile(path: "/tmp/x.sqlite"))
        #expect(try DatabaseLocation(url: ":memory:") == .sqliteMemory)
    }

    @Test(arguments: [
        ("mysql://u@h/db", "the scheme 'mysql' is not supported"),
        ("postgres://u:pw@/db", "the host is missing"),
        ("postgres://h:5432/db", "the user name is missing"),
        ("postgres://u:pw@h:5432", "the database name is missing"),
        ("postgres://u:pw@h/db?sslmode=sometimes", "unknown sslmode"),
        ("", "it is empty"),
    ])
    func refusesMalformedURLsWithAReason(url: String, reason: String) {
        #expect {
            try DatabaseLocation(url: url)
        } throws: { error in
            guard case .invalidDatabaseURL(let shown, let why) = error as? StoreError else { return false }
            return why.contains(reason) && !shown.contains(":pw@")
        }
    }

    @Test func fixedPointRefusesToRoundSilently() throws {
        #expect(try FixedPoint.micros(.init(string: "12.345678")!, column: "x") == 12_345_678)
        #expect(try FixedPoint.micros(.init(string: "-0.000001")!, column: "x") == -1)
        #expect(FixedPoint.decimal(micros: -1) == .init(string: "-0.000001")!)
        #expect(throws: StoreError.unrepresentableDecimal(column: "x", value: "0.0000001")) {
            try FixedPoint.micros(.init(string: "0.0000001")!, column: "x")
        }
        #expect(throws: StoreError.self) { try FixedPoint.micros(.init(string: "1e20")!, column: "x") }
    }
}

@Suite struct FixedPointTests {
    @Test(arguments: ["0", "1", "-1", "0.1", "42.75", "-0.000001", "1.5000000", "999999999999.999999", "-123456.7", "20"])
    func representableValuesRoundTripExactly(text: String) throws {
        let value = try #require(Decimal(string: text))
        let micros = try FixedPoint.micros(value, column: "x")
        #expect(FixedPoint.decimal(micros: micros) == value)
        #expect(Decimal(micros) == value * 1_000_000)
    }

    @Test(arguments: ["0.0000001", "1000000000000", "-1000000000001", "12345678901234567890", "1.0000015"])
    func unrepresentableValuesAreRefused(text: String) throws {
        let value = try #require(Decimal(string: text))
        #expect(throws: StoreError.self) { try FixedPoint.micros(value, column: "x") }
    }
}
