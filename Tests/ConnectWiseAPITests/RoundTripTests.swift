import ConnectWiseAPI
import Foundation
import InsightCore
import MSPModel
import Testing

/// Every record of a generated business, rendered as ConnectWise JSON and read back by the connector's decoders,
/// is the record it was, except for the documented fields ConnectWise does not carry.
@Suite struct RoundTripTests {
    let snapshot = try! MSPBusiness.generate(GeneratorSettings(size: .small, seed: 3)).snapshot()
    let encoder = ConnectWiseEncoder(baseURL: "https://cw.example.com/v4_6_release/apis/3.0")

    var context: ConnectWiseContext {
        ConnectWiseContext(
            currency: snapshot.currency, timeZone: snapshot.calendar.timeZone,
            timeOffWorkTypes: Set(snapshot.workTypes.filter(\.isTimeOff).map(\.id)), ownCompanyID: snapshot.ownCompanyID)
    }

    private func page(_ items: [JSONValue]) throws -> Data { try JSONEncoder().encode(items) }

    @Test func companiesConfigurationsAndPeople() throws {
        #expect(try ConnectWiseRecords.companies(page(snapshot.companies.map(encoder.company)), context: context) == snapshot.companies)
        #expect(try ConnectWiseRecords.configurations(page(snapshot.configurations.map(encoder.configuration)), context: context)
            == snapshot.configurations)
        #expect(try ConnectWiseRecords.workTypes(page(snapshot.workTypes.map(encoder.workType)), context: context) == snapshot.workTypes)
        #expect(try ConnectWiseRecords.workRoles(page(snapshot.workRoles.map(encoder.workRole)), context: context) == snapshot.workRoles)
        // ConnectWise keeps a member's current cost and rate only: the decoded history is that one rate, from the
        // day of the member's last update.
        let members = try ConnectWiseRecords.members(page(snapshot.members.map { encoder.member($0, on: snapshot.asOfDate) }), context: context)
        let expected = snapshot.members.map { member in
            var current = member
            let rate = member.rate(on: snapshot.asOfDate) ?? member.rates.last
            current.rates = [Member.Rate(effectiveFrom: CalendarDate(member.updatedAt, in: snapshot.calendar.timeZone),
                                         hourlyCost: rate?.hourlyCost, hourlyRate: rate?.hourlyRate)]
            return current
        }
        #expect(members == expected)
    }

    @Test func agreementsAndAdditions() throws {
        let typeIDs = Dictionary(uniqueKeysWithValues: Set(snapshot.agreements.map(\.typeName)).sorted().enumerated().map { ($1, $0 + 1) })
        let agreements = try ConnectWiseRecords.agreements(
            page(snapshot.agreements.map { encoder.agreement($0, typeID: typeIDs[$0.typeName]!) }), context: context)
        // Known difference: ConnectWise agreements have no category (MSPs report by agreement type).
        let expected = snapshot.agreements.map { var agreement = $0; agreement.category = nil; return agreement }
        #expect(agreements == expected)
        #expect(try ConnectWiseRecords.additions(page(snapshot.additions.map(encoder.addition)), context: context) == snapshot.additions)
    }

    @Test func invoicesAndProducts() throws {
        #expect(try ConnectWiseRecords.invoices(page(snapshot.invoices.map(encoder.invoice)), context: context) == snapshot.invoices)
        // Known difference: a product item's category lives on its catalog item; the item says goods or service.
        let lines = try ConnectWiseRecords.productLines(page(snapshot.productLines.map(encoder.productItem)), context: context)
        #expect(lines == snapshot.productLines.map { var line = $0; line.category = line.isProduct ? "NonInventory" : "Service"; return line })
    }

    @Test func timeExpensesTicketsAndProjects() throws {
        #expect(try ConnectWiseRecords.timeEntries(page(snapshot.timeEntries.map(encoder.timeEntry)), context: context) == snapshot.timeEntries)
        #expect(try ConnectWiseRecords.expenses(page(snapshot.expenses.map(encoder.expenseEntry)), context: context) == snapshot.expenses)
        #expect(try ConnectWiseRecords.tickets(page(snapshot.tickets.map(encoder.ticket)), context: context) == snapshot.tickets)
        #expect(try ConnectWiseRecords.projects(page(snapshot.projects.map(encoder.project)), context: context) == snapshot.projects)
    }

    @Test func renderedItemsOmitNullsAndCarryLastUpdated() throws {
        let item = encoder.ticket(try #require(snapshot.tickets.first { $0.closedAt == nil }))
        let text = String(decoding: try JSONEncoder().encode(item), as: UTF8.self)
        #expect(!text.contains("null"))
        #expect(item.member("_info")?.member("lastUpdated") != nil)
        #expect(item.member("company")?.member("_info")?.member("company_href") != nil)
    }
}
