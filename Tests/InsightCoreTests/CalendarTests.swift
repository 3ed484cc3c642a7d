import Foundation
import InsightCore
import Testing

@Suite struct CalendarTests {
    @Test func datesRejectImpossibleDays() {
        #expect(CalendarDate(year: 2025, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(iso: "2025-13-01") == nil)
        #expect(CalendarDate(iso: "2025-1-01") == nil)
    }

    @Test(arguments: ["1970-01-01", "1999-12-31", "2000-02-29", "2024-03-01", "2026-11-23"])
    func dayArithmeticRoundTrips(text: String) throws {
        let date = try #require(CalendarDate(iso: text))
        #expect(CalendarDate(daysSinceEpoch: date.daysSinceEpoch) == date)
        #expect(date.adding(days: 1).adding(days: -1) == date)
        #expect(CalendarDate(yyyymmdd: date.yyyymmdd) == date)
        #expect(date.description == text)
    }

    @Test func weekdaysAreISO() {
        #expect(CalendarDate(iso: "2026-11-23")!.isoWeekday == 1)  // a Monday
        #expect(CalendarDate(iso: "2026-11-22")!.isWeekend)
        #expect(CalendarDate(iso: "1970-01-01")!.isoWeekday == 4)  // a Thursday
    }

    @Test func monthBucketingUsesTheMSPsTimeZone() throws {
        // 2026-11-01 03:30 UTC is still October 31 in Chicago.
        let instant = Timestamp(rawValue: 1_793_503_800_000)
        let chicago = FiscalCalendar(timeZone: try #require(TimeZone(identifier: "America/Chicago")))
        let utc = FiscalCalendar(timeZone: try #require(TimeZone(identifier: "UTC")))
        #expect(chicago.month(of: instant) == YearMonth("2026-10"))
        #expect(utc.month(of: instant) == YearMonth("2026-11"))
        #expect(CalendarDate(iso: "2026-10-31")!.start(in: chicago.timeZone) < instant)
    }

    @Test("the day of an instant is the one a Gregorian calendar in that zone gives, across DST changes and before 1970",
        arguments: ["UTC", "America/Chicago", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns"])
    func dayOfAnInstantMatchesTheCalendar(zone: String) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        func check(_ milliseconds: Int64) {
            let instant = Timestamp(rawValue: milliseconds)
            let parts = calendar.dateComponents([.year, .month, .day], from: instant.date)
            #expect(CalendarDate(instant, in: timeZone) == CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!), "\(milliseconds)")
        }
        // Every 97 hours 13 minutes from 1969-06 to 2027-06: drifts through every hour of the day.
        for milliseconds in stride(from: Int64(-18_000_000_000), to: 1_814_400_000_000, by: 349_980_001) { check(milliseconds) }
        // Every 10 minutes for a day either side of the zone's next four DST changes after 2025-01-01.
        var after = Date(timeIntervalSince1970: 1_735_689_600)
        for _ in 0..<4 {
            guard let change = timeZone.nextDaylightSavingTimeTransition(after: after) else { break }
            let centre = Int64(change.timeIntervalSince1970 * 1_000)
            for milliseconds in stride(from: centre - 86_400_000, through: centre + 86_400_000, by: 600_000) { check(milliseconds) }
            after = change
        }
    }

    @Test func fiscalPeriodsFollowTheConfiguredStart() throws {
        let july = FiscalCalendar(timeZone: try #require(TimeZone(identifier: "UTC")), fiscalYearStartMonth: 7)
        let march2027 = try #require(YearMonth("2027-03"))
        #expect(july.fiscalYear(containing: march2027).start == YearMonth("2026-07"))
        #expect(july.fiscalYear(containing: march2027).end == YearMonth("2027-06"))
        #expect(july.fiscalYearNumber(of: march2027) == 2027)
        #expect(july.fiscalQuarter(containing: march2027).months == [YearMonth("2027-01")!, YearMonth("2027-02")!, YearMonth("2027-03")!])
        let january = FiscalCalendar(timeZone: july.timeZone)
        #expect(january.fiscalQuarter(containing: YearMonth("2026-11")!).start == YearMonth("2026-10"))
        #expect(january.fiscalYear(containing: YearMonth("2026-11")!).months.count == 12)
    }

    @Test func monthsStepAcrossYears() {
        #expect(YearMonth("2025-12")!.advanced(by: 1) == YearMonth("2026-01"))
        #expect(YearMonth("2025-01")!.distance(to: YearMonth("2026-03")!) == 14)
        #expect(YearMonth("2024-02")!.lastDay == CalendarDate(iso: "2024-02-29"))
    }

    @Test func tenantSettingsAreValidated() {
        #expect(throws: TenantError.unknownTimeZone("Mars/Olympus")) {
            try Tenant(id: "t", name: "X", psa: .autotask, baseCurrency: .usd, timeZoneIdentifier: "Mars/Olympus", createdAt: .init(rawValue: 0))
        }
        #expect(throws: TenantError.invalidName) {
            try Tenant(id: "t", name: "  ", psa: .autotask, baseCurrency: .usd, timeZoneIdentifier: "UTC", createdAt: .init(rawValue: 0))
        }
    }
}
