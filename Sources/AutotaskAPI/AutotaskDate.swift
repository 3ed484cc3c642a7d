public import Foundation
import InsightCore

/// Autotask's date-time strings (NOTES.md §10): always UTC, with 0 to 7 fractional digits, with or without a
/// `Z` (a string without a zone is UTC). Date-only fields are midnight UTC.
public enum AutotaskDate {
    /// `2026-03-30T13:10:35.563Z`: milliseconds and `Z`, what the simulator writes.
    public static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1_000).rounded())
        let seconds = Int64((Double(milliseconds) / 1_000).rounded(.down))
        let fraction = milliseconds - seconds * 1_000
        let calendar = utcCalendar
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0, Int(fraction))
    }

    /// Parses any of the encodings Autotask sends; `nil` when `text` is not one.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 10, let year = number(0..<4), bytes[4] == 45, let month = number(5..<7), bytes[7] == 45,
            let day = number(8..<10)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        var nanoseconds = 0
        var index = 10
        var offsetSeconds = 0
        if index < bytes.count {
            guard bytes[index] == 84 || bytes[index] == 32, let h = number(11..<13), bytes.count > 13, bytes[13] == 58,
                let m = number(14..<16)
            else { return nil }
            hour = h
            minute = m
            index = 16
            if index < bytes.count, bytes[index] == 58 {
                guard let s = number(17..<19) else { return nil }
                second = s
                index = 19
            }
            if index < bytes.count, bytes[index] == 46 {
                index += 1
                var digits = 0
                while index < bytes.count, (48...57).contains(bytes[index]) {
                    if digits < 9 { nanoseconds = nanoseconds * 10 + Int(bytes[index] - 48) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                for _ in min(digits, 9)..<9 { nanoseconds *= 10 }
            }
            if index < bytes.count {
                if bytes[index] == 90 {
                    index += 1
                } else if bytes[index] == 43 || bytes[index] == 45 {
                    let sign = bytes[index] == 43 ? 1 : -1
                    guard let oh = number(index + 1..<index + 3) else { return nil }
                    var om = 0
                    var end = index + 3
                    if end < bytes.count, bytes[end] == 58 { end += 1 }
                    if end < bytes.count {
                        guard let minutes = number(end..<end + 2) else { return nil }
                        om = minutes
                        end += 2
                    }
                    offsetSeconds = sign * (oh * 3_600 + om * 60)
                    index = end
                }
            }
            guard index == bytes.count else { return nil }
        }
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        // Arithmetic from the month's first day, as lenient as the calendar below (hour 24 is the next day's
        // midnight) and without building date components for every field of every item.
        if let first = CalendarDate(year: year, month: month, day: 1) {
            let seconds = (first.daysSinceEpoch + day - 1) * 86_400 + hour * 3_600 + minute * 60 + second
            return Date(timeIntervalSince1970: TimeInterval(seconds))
                .addingTimeInterval(Double(nanoseconds) / 1_000_000_000 - Double(offsetSeconds))
        }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        guard (1...12).contains(month), (1...31).contains(day), let date = utcCalendar.date(from: components) else { return nil }
        return date.addingTimeInterval(Double(nanoseconds) / 1_000_000_000 - Double(offsetSeconds))
    }

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        // Invariant: "UTC" is a known zone identifier on every platform.
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
