public import Foundation
import InsightCore

/// Exact decimals as integers of millionths: how the store keeps money, hours and quantities.
///
/// Both SQLite and PostgreSQL sum 64-bit integers exactly, so SQL aggregates over money are exact and identical
/// on both backends; a floating-point column would be neither. Six decimals hold every amount a PSA sends
/// (ConnectWise and Autotask keep at most 4) and 12 integer digits hold any MSP's totals.
public enum FixedPoint {
    /// Units per whole: values are stored as `value × 1_000_000`.
    public static let scale: Int64 = 1_000_000
    /// The largest magnitude stored: 10^18 millionths, well inside `Int64` so that sums of many rows fit too.
    static let limit = Decimal(string: "1000000000000000000")!

    /// `value × 10^6` as an integer.
    /// - Throws: ``StoreError/unrepresentableDecimal(column:value:)`` when `value` has more than 6 decimals or is
    ///   too large: the store never rounds silently.
    public static func micros(_ value: Decimal, column: String) throws(StoreError) -> Int64 {
        let scaled = value * Decimal(scale)
        guard scaled.rounded(scale: 0) == scaled, abs(scaled) < limit, let integer = Int64(exactly: scaled) else {
            throw .unrepresentableDecimal(column: column, value: "\(value)")
        }
        return integer
    }

    /// The decimal `micros / 10^6`, exactly.
    public static func decimal(micros: Int64) -> Decimal {
        Decimal(sign: micros < 0 ? .minus : .plus, exponent: -6, significand: Decimal(micros.magnitude))
    }
}

extension Int64 {
    /// The integer equal to an integral `Decimal`, or `nil`.
    init?(exactly value: Decimal) {
        // Decimal's text form of an integral value is plain digits; parsing it is exact (Decimal → Double is not).
        guard let parsed = Int64("\(value)") else { return nil }
        self = parsed
    }
}
