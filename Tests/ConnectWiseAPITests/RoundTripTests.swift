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
        // The PSA's type name is kept as written (the generator's records carry none).
        let configurations = try ConnectWiseRecords.configurations(page(snapshot.configurations.map(encoder.configuration)), context: context)
        #expect(configurations.allSatisfy { $0.typeName != nil })
        #expect(configurations.map { var item = $0; item.typeName = nil; return item } == snapshot.configurations)
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
        // Known difference: ConnectWise agreements have no category (MSPs report by agreement type). The mapping keeps
        // only the structural billing model; the type's class is inferred from the synced agreements.
        let expected = snapshot.agreements.map { var agreement = $0; agreement.category = nil; return agreement }
        func withoutModel(_ list: [Agreement]) -> [Agreement] { list.map { var agreement = $0; agreement.billingModel = .fixedFee; return agreement } }
        #expect(withoutModel(agreements) == withoutModel(expected))
        let billsLines = Set(snapshot.additions.filter { $0.unitPrice.amount > 0 }.map(\.agreementID))
        for (type, group) in Dictionary(grouping: agreements, by: \.typeName) {
            let usage = ClassificationUsage(
                dimension: .agreementType, value: type, records: group.count, hints: Dictionary(group.map { ($0.billingModel.rawValue, 1) }, uniquingKeysWith: +),
                withRecurringLines: group.filter { billsLines.contains($0.id) }.count)
            let truth = Set(snapshot.agreements.filter { $0.typeName == type }.map(\.billingModel.rawValue))
            #expect(truth == [ClassificationInference.infer(usage).className], "\(type)")
        }
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
        // A ticket's class beyond project is its board's classification, not the ticket's.
        #expect(try ConnectWiseRecords.tickets(page(snapshot.tickets.map(encoder.ticket)), context: context)
            == snapshot.tickets.map { var ticket = $0; ticket.serviceClass = ticket.serviceClass == .project ? .project : .other; return ticket })
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
