public import Foundation

/// An instant, held as whole milliseconds since 1970-01-01 UTC: what the store keeps, so equality after a trip
/// through either database is exact.
public struct Timestamp: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch.
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(millisecondsSince1970 value: Int64) { self.rawValue = value }
    /// Truncates a `Date` to the millisecond.
    public init(_ date: Date) {
        self.rawValue = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
    /// This instant, on this machine's clock.
    public static var now: Timestamp { Timestamp(Date()) }
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(rawValue) / 1000) }
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.rawValue < rhs.rawValue }
    /// The instant `seconds` later.
    public func adding(seconds: Int64) -> Timestamp { Timestamp(rawValue: rawValue + seconds * 1000) }
    /// The instant `minutes` later.
    public func adding(minutes: Int64) -> Timestamp { adding(seconds: minutes * 60) }
    public var description: String { date.formatted(.iso8601) }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
