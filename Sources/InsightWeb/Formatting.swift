import Logging
import Foundation
import InsightCore

/// How numbers read on a page: money with thousands separators and its currency, shares as percentages.
enum Format {
    /// `$12,345` style, whole units for large amounts, cents below 1,000.
    static func money(_ value: Money) -> String {
        let decimals = abs(value.amount) >= 1000 ? 0 : 2
        return "\(symbol(value.currency))\(grouped(value.amount, decimals: decimals))"
    }

    /// Exact money for tables and exports: two decimals, no symbol.
    static func amount(_ value: Money) -> String { grouped(value.amount, decimals: 2) }

    static func money(_ value: Money?) -> String { value.map { money($0) } ?? "–" }

    static func percent(_ value: Decimal?, decimals: Int = 1) -> String {
        guard let value else { return "–" }
        return "\(grouped(value * 100, decimals: decimals))%"
    }

    static func number(_ value: Decimal?, decimals: Int = 1) -> String {
        guard let value else { return "–" }
        return grouped(value, decimals: decimals)
    }

    static func hours(_ value: Hours) -> String { "\(grouped(value.value, decimals: 1)) h" }

    static func symbol(_ currency: CurrencyCode) -> String {
        switch currency.rawValue {
        case "USD", "CAD", "AUD": "$"
        case "EUR": "€"
        case "GBP": "£"
        default: currency.rawValue + " "
        }
    }

    /// `value` rounded half-up to `decimals`, with `,` every three digits.
    static func grouped(_ value: Decimal, decimals: Int) -> String {
        var source = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &source, decimals, .plain)
        let negative = rounded < 0
        let text = "\(negative ? -rounded : rounded)"
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = String(parts[0])
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        if decimals > 0 {
            fraction = String((fraction + String(repeating: "0", count: decimals)).prefix(decimals))
        }
        var groupedWhole = ""
        for (index, character) in whole.reversed().enumerated() {
            if index > 0, index % 3 == 0 { groupedWhole.append(",") }
            groupedWhole.append(character)
        }
        let result = String(groupedWhole.reversed()) + (decimals > 0 ? "." + fraction : "")
        return negative ? "−" + result : result
    }

    static func date(_ timestamp: Timestamp) -> String {
        timestamp.date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).dateTimeSeparator(.space))
    }
}
