public import Foundation

/// An ISO 4217 currency code such as `USD`.
public struct CurrencyCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    /// Accepts three ASCII letters, in any case; stores them upper-cased.
    public init?(rawValue: String) {
        let upper = rawValue.uppercased()
        guard upper.count == 3, upper.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        self.rawValue = upper
    }
    public var description: String { rawValue }

    public static let usd = CurrencyCode(known: "USD")
    public static let eur = CurrencyCode(known: "EUR")
    public static let gbp = CurrencyCode(known: "GBP")
    public static let cad = CurrencyCode(known: "CAD")
    public static let aud = CurrencyCode(known: "AUD")

    private init(known: String) { rawValue = known }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = CurrencyCode(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not an ISO 4217 currency code"))
        }
        self = code
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// An exact amount of money in one currency.
///
/// Arithmetic is exact `Decimal` arithmetic; rounding happens only when a value is shown (banker's rounding,
/// see ``rounded(scale:)``). Adding amounts of different currencies is a programming error: convert first.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public var amount: Decimal
    public var currency: CurrencyCode

    public init(_ amount: Decimal, _ currency: CurrencyCode) {
        self.amount = amount
        self.currency = currency
    }

    /// Zero in `currency`.
    public static func zero(_ currency: CurrencyCode) -> Money { Money(0, currency) }

    public var isZero: Bool { amount == 0 }
    public var isNegative: Bool { amount < 0 }

    public static func + (lhs: Money, rhs: Money) -> Money {
        // Invariant: callers only combine amounts of one tenant's base currency; a mismatch is a bug, not input.
        precondition(lhs.currency == rhs.currency, "cannot add \(rhs.currency) to \(lhs.currency)")
        return Money(lhs.amount + rhs.amount, lhs.currency)
    }
    public static func - (lhs: Money, rhs: Money) -> Money {
        // Invariant: as for `+`.
        precondition(lhs.currency == rhs.currency, "cannot subtract \(rhs.currency) from \(lhs.currency)")
        return Money(lhs.amount - rhs.amount, lhs.currency)
    }
    public static func += (lhs: inout Money, rhs: Money) { lhs = lhs + rhs }
    public static func -= (lhs: inout Money, rhs: Money) { lhs = lhs - rhs }
    public static prefix func - (value: Money) -> Money { Money(-value.amount, value.currency) }
    /// Price times quantity (or rate times hours).
    public static func * (lhs: Money, rhs: Decimal) -> Money { Money(lhs.amount * rhs, lhs.currency) }
    public static func * (lhs: Money, rhs: Hours) -> Money { Money(lhs.amount * rhs.value, lhs.currency) }

    /// The amount rounded half-to-even to `scale` fractional digits (2 for display of most currencies).
    public func rounded(scale: Int = 2) -> Money { Money(amount.rounded(scale: scale), currency) }

    /// `1234.5 USD` with two decimals, banker's rounding.
    public var description: String { "\(amount.rounded(scale: 2).fixedString(scale: 2)) \(currency)" }
}

extension Money {
    /// The sum of `values`, or zero in `currency` when there are none.
    public static func sum(_ values: some Sequence<Money>, currency: CurrencyCode) -> Money {
        values.reduce(.zero(currency), +)
    }
}

extension Decimal {
    /// This value rounded half-to-even to `scale` fractional digits.
    public func rounded(scale: Int) -> Decimal {
        var input = self
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, .bankers)
        return result
    }

    /// Plain digits with exactly `scale` fractional digits (no exponent, no grouping), after banker's rounding.
    public func fixedString(scale: Int) -> String {
        let rounded = self.rounded(scale: scale)
        let text = "\(rounded)"
        guard scale > 0 else { return text }
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        let whole = parts.first.map(String.init) ?? "0"
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        fraction += String(repeating: "0", count: max(0, scale - fraction.count))
        return (negative && rounded != 0 ? "-" : "") + whole + "." + fraction
    }
}
