import Foundation
import Testing

@testable import ConnectWiseAPI

@Suite("ConnectWise date-times")
struct DateParsingTests {
    /// Foundation's reading of a date-time, which the arithmetic fast path must equal.
    static func foundation(_ text: String) -> Date? { try? Date(text, strategy: .iso8601) }

    @Test("the fast path reads YYYY-MM-DDTHH:MM:SSZ exactly as Foundation's ISO 8601 parser does")
    func fastPathAgreesWithFoundation() throws {
        var texts = ["1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2000-02-29T12:34:56Z", "2018-07-12T00:00:00Z", "2026-11-23T23:59:59Z", "9999-12-31T23:59:59Z"]
        // A second every 3 days 7 hours 11 minutes and 13 seconds across 60 years.
        var seconds = 0
        while seconds < 60 * 366 * 86_400 {
            texts.append(Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601))
            seconds += 285_073
        }
        for text in texts {
            let fast = try #require(utcSecond(text), "\(text)")
            #expect(fast == Self.foundation(text), "\(text)")
            #expect(parseDate(text) == fast)
        }
    }

    @Test("anything else is left to Foundation: fractions, offsets, dates alone, impossible days", arguments: [
        "2018-07-12T00:00:00.123Z", "2018-07-12T01:00:00+01:00", "2018-07-12", " 2018-07-12T00:00:00Z", "2018-02-30T00:00:00Z",
        "2018-07-12T24:00:00Z", "2018-07-12T00:60:00Z", "2018-07-12 00:00:00Z", "2018-7-12T00:00:00ZZ", "abcd-07-12T00:00:00Z",
    ])
    func otherFormsFallBack(_ text: String) {
        #expect(utcSecond(text) == nil)
        let expected = Self.foundation(text.trimmingCharacters(in: .whitespaces))
            ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text.trimmingCharacters(in: .whitespaces)))
            ?? (try? Date(text.trimmingCharacters(in: .whitespaces) + "T00:00:00Z", strategy: .iso8601))
        #expect(parseDate(text) == expected)
    }
}
