import Foundation
import HTTPTypes
import InsightApp
import InsightCore
import InsightMetrics
import InsightStore
import MSPModel
import Testing

@testable import InsightWeb

/// Every number on the dashboards opens the records behind it, and those records add up to the number.
@Suite("Web app drill-downs", .serialized)
struct DrillDownTests {
    @Test("every scorecard number opens its records: time entries, tickets and open invoices add up to the KPI")
    func drillDowns() async throws {
        let business = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 11))
        try await Insight.withSimulatedConnectWise(serving: business) { credentials in
            try await withWebApp { client, store, _ in
                let browser = Browser(client)
                let id = try await browser.onboard(connectWise: credentials)
                let tenant = try #require(try await store.tenant(Tenant.ID(id)))
                let engine = KPIEngine(store: store, tenant: tenant)
                let month = business.settings.endMonth
                let first = month.advanced(by: -11)
                let card = try await engine.scorecard(month)

                // Every KPI of the full scorecard, and every home tile, links to a page that opens.
                let home = try await browser.get("/c/\(id)/?month=\(month)").body
                let linked = KPICatalogue.scorecard.filter { home.contains("<tr><td><a href=\"\(HTML.escape(DrillDown.path(for: $0.id, tenant: id, month: month) ?? "-"))\">") }
                #expect(linked.count == KPICatalogue.scorecard.count, "not linked: \(Set(KPICatalogue.scorecard.map(\.id)).subtracting(linked.map(\.id)).sorted())")
                #expect(home.contains("data-kpi=\"revenue\"><h3><a href=\"/c/\(id)/revenue/\(month)\">"))
                let paths = Set(KPICatalogue.scorecard.compactMap { DrillDown.path(for: $0.id, tenant: id, month: month) })
                for path in paths.sorted() {
                    let page = try await browser.get(path)
                    #expect(page.status == .ok, "\(path) gave \(page.status)")
                }

                // Time entries: the month's add up to its labor hours and cost, by class and in total.
                let time = try await browser.get("/c/\(id)/time.csv?month=\(month)&months=1").body
                let allHours = card.laborHours.values.reduce(Decimal(0)) { $0 + $1.value }
                #expect(allHours > 0 && browser.csvColumn(time, "hours").reduce(0, +) == allHours)
                #expect(browser.csvColumn(time, "labor_cost").reduce(0, +) == card.laborCost.values.reduce(Decimal(0)) { $0 + $1.amount })
                let reactive = try await browser.get("/c/\(id)/time.csv?month=\(month)&months=1&class=reactive").body
                #expect(browser.csvColumn(reactive, "hours").reduce(0, +) == card.laborHours[LaborClass.reactive.rawValue]?.value)
                let fixedFee = try await browser.get("/c/\(id)/time.csv?month=\(month)&months=1&model=fixedFee").body
                #expect(browser.csvColumn(fixedFee, "hours").reduce(0, +) == card.fixedFeeHours.value)
                let billable = try await browser.get("/c/\(id)/time.csv?month=\(month)&months=1&billable=yes").body
                #expect(browser.csvColumn(billable, "hours").reduce(0, +) == card.billableHours.value)
                // The totals on the page are over every entry, also when it lists only the newest.
                let records = try await engine.timeRecords(TimeFilter(from: month, to: month), limit: 3)
                #expect(records.lines.count == 3 && records.count == time.split(separator: "\r\n").count - 1 && records.hours.value == allHours)
                let fixedFeeRecords = try await engine.timeRecords(TimeFilter(from: month, to: month, billingModel: .fixedFee))
                #expect(fixedFeeRecords.shadowBillable == card.fixedFeeShadowBillable && fixedFeeRecords.hours == card.fixedFeeHours)
                #expect(try await browser.get("/c/\(id)/time?month=\(month)&months=1").body.contains("Download CSV"))

                // A member's time adds up to their row on the people page, which links to it.
                let people = try await engine.memberKPIs(from: first, to: month)
                let busiest = try #require(people.max { $0.hours.value < $1.hours.value })
                let peoplePage = try await browser.get("/c/\(id)/people?month=\(month)&months=12").body
                let memberLink = "/c/\(id)/time?month=\(month)&amp;months=12&amp;member=\(busiest.id.rawValue)"
                #expect(peoplePage.contains("href=\"\(memberLink)\""))
                let memberTime = try await browser.get("/c/\(id)/time.csv?month=\(month)&months=12&member=\(busiest.id.rawValue)").body
                #expect(browser.csvColumn(memberTime, "hours").reduce(0, +) == busiest.hours.value)
                #expect(browser.csvColumn(memberTime, "labor_cost").reduce(0, +) == busiest.laborCost.amount)
                #expect(try await browser.get(memberLink.replacingOccurrences(of: "&amp;", with: "&")).body.contains("Time entries by \(busiest.name)"))

                // A client's time adds up to its labor cost on the client page, which links to it.
                let clients = try await engine.clientProfits(from: first, to: month)
                let worked = try #require(clients.filter { !$0.laborCost.isZero }.max { $0.laborCost.amount < $1.laborCost.amount })
                let clientTime = try await browser.get("/c/\(id)/time.csv?month=\(month)&months=12&client=\(worked.id.rawValue)").body
                #expect(browser.csvColumn(clientTime, "labor_cost").reduce(0, +) == worked.laborCost.amount)
                #expect(try await browser.get("/c/\(id)/clients/\(worked.id.rawValue)?month=\(month)&months=12").body
                    .contains("/c/\(id)/time?month=\(month)&amp;months=12&amp;client=\(worked.id.rawValue)"))

                // A project's hours open its time entries, which add up to them.
                let project = try #require(try await engine.projectProfits().filter { $0.laborHours.value > 0 }.first)
                let thisMonth = tenant.calendar.month(of: .now)
                let projectLink = "/c/\(id)/time?month=\(thisMonth)&amp;months=60&amp;project=\(project.id.rawValue)"
                #expect(try await browser.get("/c/\(id)/projects").body.contains(projectLink))
                let projectTime = try await browser.get("/c/\(id)/time.csv?month=\(thisMonth)&months=60&project=\(project.id.rawValue)").body
                #expect(browser.csvColumn(projectTime, "hours").reduce(0, +) == project.laborHours.value)

                // Tickets: opened, reactive and closed in the month; by board and by SLA over the year; today's backlog by age.
                func count(_ path: String) async throws -> Int? {
                    let body = try await browser.get(path).body
                    return body.range(of: "data-kpi=\"tickets.count\">").flatMap { Int(body[$0.upperBound...].prefix { $0.isNumber }) }
                }
                #expect(card.ticketsOpened > 0)
                #expect(try await count("/c/\(id)/tickets?month=\(month)&months=1") == card.ticketsOpened)
                #expect(try await count("/c/\(id)/tickets?month=\(month)&months=1&class=reactive") == card.reactiveTickets)
                #expect(try await count("/c/\(id)/tickets?month=\(month)&months=1&span=closed") == card.ticketsClosed)
                let boards = try await engine.ticketsByBoard(from: first, to: month)
                for board in boards {
                    let path = "/c/\(id)/tickets?month=\(month)&months=12&board=\(board.board.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                    #expect(try await count(path) == board.opened, "\(board.board)")
                }
                let missed = boards.reduce(0) { $0 + $1.slaDecided - $1.slaMet }
                #expect(try await count("/c/\(id)/tickets?month=\(month)&months=12&sla=missed") == missed)
                let position = try await engine.position(on: tenant.calendar.day(of: .now))
                #expect(try await count("/c/\(id)/tickets?span=open") == position.openTickets)
                for bucket in BusinessPosition.backlogBuckets {
                    #expect(try await count("/c/\(id)/tickets?span=open&age=\(bucket.name)") == position.ticketBacklog[bucket.name], "\(bucket.name)")
                }
                let service = try await browser.get("/c/\(id)/service?month=\(month)").body
                #expect(service.contains("href=\"/c/\(id)/tickets?span=open&amp;age=0-1\""))
                let ticketCSV = try await browser.get("/c/\(id)/tickets.csv?month=\(month)&months=1").body
                #expect(ticketCSV.split(separator: "\r\n").count == card.ticketsOpened + 1)

                // Open invoices: by bucket they add up to the ageing, by client to the client's open balance.
                let ageing = try await engine.receivablesAgeing(on: month.lastDay)
                let invoices = try await browser.get("/c/\(id)/receivables/invoices.csv?month=\(month)").body
                #expect(browser.csvColumn(invoices, "balance").reduce(0, +) == ageing.byBucket.values.reduce(Decimal(0)) { $0 + $1.amount })
                for (bucket, amount) in ageing.byBucket {
                    let body = try await browser.get("/c/\(id)/receivables/invoices.csv?month=\(month)&bucket=\(bucket.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)").body
                    #expect(browser.csvColumn(body, "balance").reduce(0, +) == amount.amount, "\(bucket)")
                }
                let owing = try #require(try await engine.receivablesByClient(on: month.lastDay).first)
                let owed = try await browser.get("/c/\(id)/receivables/invoices.csv?month=\(month)&client=\(owing.id.rawValue)").body
                #expect(browser.csvColumn(owed, "balance").reduce(0, +) == owing.balance.amount)
                #expect(try await browser.get("/c/\(id)/receivables?month=\(month)").body.contains("/c/\(id)/receivables/invoices?month=\(month)&amp;client=\(owing.id.rawValue)"))

                // Deals: won in the month add up to the sales KPIs, open ones to today's pipeline.
                let won = try await browser.get("/c/\(id)/deals.csv?month=\(month)&months=1&outcome=won").body
                #expect(won.split(separator: "\r\n").count == card.won + 1)
                #expect(browser.csvColumn(won, "one_time_value").reduce(0, +) == card.wonOneTimeValue.amount)
                #expect(browser.csvColumn(won, "monthly_recurring_value").reduce(0, +) == card.wonRecurringValue.amount)
                let lost = try await browser.get("/c/\(id)/deals.csv?month=\(month)&months=12&outcome=lost").body
                let trend = try await engine.trend(from: first, to: month)
                #expect(lost.split(separator: "\r\n").count == trend.reduce(0) { $0 + $1.lost } + 1)
                let open = try await browser.get("/c/\(id)/deals.csv?outcome=open").body
                #expect(open.split(separator: "\r\n").count == position.openDeals + 1)
                #expect(browser.csvColumn(open, "value").reduce(0, +) == position.pipeline.amount)
                #expect(try await browser.get("/c/\(id)/sales?month=\(month)").body.contains("href=\"/c/\(id)/deals?outcome=open\""))

                // The time and ticket pages choose a client from the company's clients.
                #expect(try await browser.get("/c/\(id)/time?month=\(month)").body.contains("<option value=\"\(worked.id.rawValue)\">"))
                #expect(try await browser.get("/c/\(id)/tickets?month=\(month)&client=\(worked.id.rawValue)").body.contains("<option value=\"\(worked.id.rawValue)\" selected>"))

                // A filter the page does not know is refused with the choices, not ignored.
                let wrongClass = try await browser.get("/c/\(id)/time?class=billable")
                #expect(wrongClass.status == .badRequest && wrongClass.body.contains("reactive"))
                let wrongAge = try await browser.get("/c/\(id)/tickets?span=open&age=3-4")
                #expect(wrongAge.status == .badRequest && wrongAge.body.contains("61+"))
                #expect(try await browser.get("/c/\(id)/receivables/invoices?bucket=soon").status == .badRequest)
                #expect(try await browser.get("/c/\(id)/deals?outcome=maybe").status == .badRequest)
            }
        }
    }
}
