public import Foundation

/// A day on the MSP's calendar (no time, no zone): an invoice date, a work date, an agreement start.
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A valid Gregorian date, or `nil` (February 30 is `nil`).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CalendarDate.daysIn(year: year, month: month)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Decodes the store's integer form `YYYYMMDD`.
    public init?(yyyymmdd value: Int) {
        self.init(year: value / 10_000, month: value / 100 % 100, day: value % 100)
    }

    /// The store's integer form, `YYYYMMDD`: sorts as dates do and `value / 100` is the month key `YYYYMM`.
    public var yyyymmdd: Int { year * 10_000 + month * 100 + day }

    /// The calendar day on which `timestamp` falls in `timeZone`.
    ///
    /// The zone's offset from UTC at that instant moves the timestamp to local time, and the day follows by
    /// arithmetic: what a Gregorian `Calendar` in that zone answers, without building one per call (syncs ask this
    /// of every time entry).
    public init(_ timestamp: Timestamp, in timeZone: TimeZone) {
        let offset = Int64(timeZone.secondsFromGMT(for: timestamp.date))
        let local = timestamp.rawValue + offset * 1_000
        let days = local >= 0 ? local / 86_400_000 : (local + 1) / 86_400_000 - 1
        self.init(daysSinceEpoch: Int(days))
    }

    /// The instant this day starts in `timeZone`.
    public func start(in timeZone: TimeZone) -> Timestamp {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // Invariant: the components come from a validated date, which Calendar can always build.
        let date = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        return Timestamp(date)
    }

    /// The month this day belongs to.
    public var yearMonth: YearMonth { YearMonth(year: year, month: month)! }

    /// Days since 1970-01-01 (negative before), for day arithmetic without a calendar.
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day `daysSinceEpoch` days after 1970-01-01.
    public init(daysSinceEpoch z0: Int) {
        // Howard Hinnant's civil_from_days.
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// The day `days` later (earlier when negative).
    public func adding(days: Int) -> CalendarDate { CalendarDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(until other: CalendarDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    /// Monday = 1 … Sunday = 7 (ISO 8601).
    public var isoWeekday: Int { ((daysSinceEpoch % 7 + 7) % 7 + 3) % 7 + 1 }

    /// Saturday or Sunday.
    public var isWeekend: Bool { isoWeekday >= 6 }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.yyyymmdd < rhs.yyyymmdd }

    /// `YYYY-MM-DD`.
    public var description: String {
        "\(String(format: "%04d", year))-\(String(format: "%02d", month))-\(String(format: "%02d", day))"
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a YYYY-MM-DD date"))
        }
        self = date
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
