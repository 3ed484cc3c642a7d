public import Foundation

/// A duration in hours, exact (`Decimal`): time entries are kept to the minute or quarter hour, and sums of
/// many of them must not drift.
public struct Hours: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public var value: Decimal
    public init(_ value: Decimal) { self.value = value }
    public init(integerLiteral value: Int) { self.value = Decimal(value) }
    /// Whole minutes as hours, exactly (`90` minutes is `1.5` hours; `20` minutes is `1/3`, kept to 6 decimals).
    public init(minutes: Int) { self.value = (Decimal(minutes) / 60).rounded(scale: 6) }

    public static let zero = Hours(0)
    public static func + (lhs: Hours, rhs: Hours) -> Hours { Hours(lhs.value + rhs.value) }
    public static func - (lhs: Hours, rhs: Hours) -> Hours { Hours(lhs.value - rhs.value) }
    public static func += (lhs: inout Hours, rhs: Hours) { lhs.value += rhs.value }
    public static func -= (lhs: inout Hours, rhs: Hours) { lhs.value -= rhs.value }
    public static func * (lhs: Hours, rhs: Decimal) -> Hours { Hours(lhs.value * rhs) }
    public static func < (lhs: Hours, rhs: Hours) -> Bool { lhs.value < rhs.value }
    public var description: String { "\(value.fixedString(scale: 2)) h" }
}

extension Sequence<Hours> {
    /// The total of these durations.
    public func sum() -> Hours { reduce(.zero, +) }
}
