public import Foundation

/// A calendar month, such as 2026-10: the bucket every KPI is reported in.
public struct YearMonth: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, Strideable {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        self.init(year: y, month: m)
    }

    /// The store's integer month key, `YYYYMM` (a `CalendarDate.yyyymmdd / 100`).
    public var yyyymm: Int { year * 100 + month }

    /// Months since year 0, for arithmetic.
    var ordinal: Int { year * 12 + (month - 1) }
    init(ordinal: Int) {
        self.year = ordinal / 12
        self.month = ordinal % 12 + 1
    }

    public func advanced(by n: Int) -> YearMonth { YearMonth(ordinal: ordinal + n) }
    public func distance(to other: YearMonth) -> Int { other.ordinal - ordinal }
    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool { lhs.ordinal < rhs.ordinal }

    public var firstDay: CalendarDate { CalendarDate(year: year, month: month, day: 1)! }
    public var lastDay: CalendarDate { CalendarDate(year: year, month: month, day: dayCount)! }
    public var dayCount: Int { CalendarDate.daysIn(year: year, month: month) }
    /// Every day of the month, in order.
    public var days: [CalendarDate] { (1...dayCount).map { CalendarDate(year: year, month: month, day: $0)! } }

    /// `YYYY-MM`.
    public var description: String { "\(String(format: "%04d", year))-\(String(format: "%02d", month))" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = YearMonth(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a YYYY-MM month"))
        }
        self = value
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A reporting period: one month, one fiscal quarter or one fiscal year.
public struct Period: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable { case month, quarter, year }

    public let kind: Kind
    /// The first month of the period.
    public let start: YearMonth
    /// The number of months (1, 3 or 12).
    public var monthCount: Int {
        switch kind {
        case .month: 1
        case .quarter: 3
        case .year: 12
        }
    }
    /// The last month of the period.
    public var end: YearMonth { start.advanced(by: monthCount - 1) }
    /// Every month of the period, in order.
    public var months: [YearMonth] { (0..<monthCount).map { start.advanced(by: $0) } }
    public var firstDay: CalendarDate { start.firstDay }
    public var lastDay: CalendarDate { end.lastDay }

    /// Whether `date` falls in the period.
    public func contains(_ date: CalendarDate) -> Bool { firstDay <= date && date <= lastDay }

    public static func month(_ month: YearMonth) -> Period { Period(kind: .month, start: month) }

    public var description: String {
        switch kind {
        case .month: start.description
        case .quarter, .year: "\(start)…\(end)"
        }
    }
}

/// The MSP's calendar: its time zone (which day, and so which month, an instant belongs to) and the month its
/// fiscal year starts.
///
/// A fiscal year is named after the calendar year in which it ends: with a July start, FY2027 runs from
/// 2026-07 to 2027-06. With a January start, fiscal and calendar years coincide.
public struct FiscalCalendar: Hashable, Sendable {
    public let timeZone: TimeZone
    /// 1 (January) … 12 (December).
    public let fiscalYearStartMonth: Int

    public init(timeZone: TimeZone, fiscalYearStartMonth: Int = 1) {
        precondition((1...12).contains(fiscalYearStartMonth), "fiscal year start month must be 1…12")
        self.timeZone = timeZone
        self.fiscalYearStartMonth = fiscalYearStartMonth
    }

    /// The calendar day `timestamp` falls on in the MSP's time zone.
    public func day(of timestamp: Timestamp) -> CalendarDate { CalendarDate(timestamp, in: timeZone) }

    /// The month `timestamp` falls in, in the MSP's time zone.
    public func month(of timestamp: Timestamp) -> YearMonth { day(of: timestamp).yearMonth }

    /// The fiscal year containing `month`.
    public func fiscalYear(containing month: YearMonth) -> Period {
        let offset = (month.month - fiscalYearStartMonth + 12) % 12
        return Period(kind: .year, start: month.advanced(by: -offset))
    }

    /// The fiscal quarter containing `month`.
    public func fiscalQuarter(containing month: YearMonth) -> Period {
        let offset = (month.month - fiscalYearStartMonth + 12) % 12
        return Period(kind: .quarter, start: month.advanced(by: -(offset % 3)))
    }

    /// The fiscal year's name: the calendar year in which it ends.
    public func fiscalYearNumber(of month: YearMonth) -> Int { fiscalYear(containing: month).end.year }
}
