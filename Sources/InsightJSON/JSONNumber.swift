import Foundation

/// Numbers read straight from their bytes, which the parser has already checked against JSON's grammar.
enum JSONNumber {
    /// The exact value: up to 19 significant digits are read into an integer significand and a power of ten;
    /// longer numbers and extreme exponents go through `Decimal(string:)`, which is slower but as exact.
    static func decimal(_ text: UnsafeBufferPointer<UInt8>) -> Decimal {
        var i = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var significand: UInt64 = 0
        var exponent = 0
        var significantDigits = 0
        var overflow = false
        func digit(_ byte: UInt8, fraction: Bool) {
            let value = UInt64(byte &- UInt8(ascii: "0"))
            if significand == 0 && value == 0 {
                if fraction { exponent -= 1 }
                return
            }
            guard significantDigits < 19 else {
                overflow = true
                return
            }
            significand = significand &* 10 &+ value
            significantDigits += 1
            if fraction { exponent -= 1 }
        }
        while i < text.count, text[i] >= UInt8(ascii: "0"), text[i] <= UInt8(ascii: "9") {
            digit(text[i], fraction: false)
            i += 1
        }
        if i < text.count, text[i] == UInt8(ascii: ".") {
            i += 1
            while i < text.count, text[i] >= UInt8(ascii: "0"), text[i] <= UInt8(ascii: "9") {
                digit(text[i], fraction: true)
                i += 1
            }
        }
        if i < text.count, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
                exponentNegative = text[i] == UInt8(ascii: "-")
                i += 1
            }
            var written = 0
            while i < text.count {
                if written > 10_000 { overflow = true } else { written = written * 10 + Int(text[i] &- UInt8(ascii: "0")) }
                i += 1
            }
            exponent += exponentNegative ? -written : written
        }
        if significand == 0 && !overflow { return Decimal.zero }
        while exponent < 0, significand % 10 == 0 {
            significand /= 10
            exponent += 1
        }
        if overflow || exponent < -128 || exponent > 127 {
            return Decimal(string: String(decoding: text, as: UTF8.self), locale: Locale(identifier: "en_US_POSIX")) ?? .nan
        }
        return Decimal(sign: negative ? .minus : .plus, exponent: exponent, significand: Decimal(significand))
    }

    /// The value as `Int` when the number is integral and fits; `nil` otherwise (`1.0` and `1e2` are integral).
    static func int(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var magnitude: UInt64 = 0
        while i < text.count {
            let byte = text[i]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return integral(decimal(text)) }
            let (times, overflowed) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowed2) = times.addingReportingOverflow(UInt64(byte &- UInt8(ascii: "0")))
            if overflowed || overflowed2 { return nil }
            magnitude = sum
            i += 1
        }
        if negative {
            guard magnitude <= UInt64(Int.max) + 1 else { return nil }
            return magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int.max) else { return nil }
        return Int(magnitude)
    }

    /// `value` as `Int` when it is integral and fits.
    static func integral(_ value: Decimal) -> Int? {
        guard value.isFinite else { return nil }
        var input = value
        var whole = Decimal()
        NSDecimalRound(&whole, &input, 0, .plain)
        guard whole == value, whole >= Decimal(Int.min), whole <= Decimal(Int.max) else { return nil }
        return NSDecimalNumber(decimal: whole).intValue
    }
}
