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
