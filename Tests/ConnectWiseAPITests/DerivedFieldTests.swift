import ConnectWiseAPI
import Foundation
import InsightCore
import MSPModel
import Testing

private let snapshot = try! MSPBusiness.generate(GeneratorSettings(size: .small, seed: 8)).snapshot()
private let directory = ConnectWiseDirectory(
    baseURL: "https://cw.example.com/v4_6_release/apis/3.0", currency: snapshot.currency, timeZone: snapshot.calendar.timeZone,
    companies: snapshot.companies, members: snapshot.members, workTypes: snapshot.workTypes, workRoles: snapshot.workRoles,
    agreements: snapshot.agreements, invoices: snapshot.invoices, productLines: snapshot.productLines,
    timeEntries: snapshot.timeEntries, tickets: snapshot.tickets, projects: snapshot.projects,
    opportunities: snapshot.opportunities, resolutionTargets: MSPBusiness.resolutionTargets)
private let encoder = ConnectWiseEncoder(directory: directory)

private func decimal(_ value: JSONValue?) -> Decimal? {
    if case .number(let number)? = value { return number }
    return nil
}
private func text(_ value: JSONValue?) -> String? {
    if case .string(let string)? = value { return string }
    return nil
}

/// The fields the encoder adds beyond what the product reads agree with the record they describe and with the
/// records they point at, and the decoders still read the fuller items back to the same records.
@Suite struct DerivedFieldTests {
    private func page(_ items: [JSONValue]) throws -> Data { try JSONEncoder().encode(items) }
    private var context: ConnectWiseContext {
        ConnectWiseContext(
            currency: snapshot.currency, timeZone: snapshot.calendar.timeZone,
            timeOffWorkTypes: Set(snapshot.workTypes.filter(\.isTimeOff).map(\.id)), ownCompanyID: snapshot.ownCompanyID)
    }

    @Test func referencesCarryTheNamesOfWhatTheyPointAt() throws {
        let companies = Dictionary(uniqueKeysWithValues: snapshot.companies.map { ($0.id.rawValue, $0) })
        let members = Dictionary(uniqueKeysWithValues: snapshot.members.map { ($0.id.rawValue, $0) })
        let tickets = Dictionary(uniqueKeysWithValues: snapshot.tickets.map { ($0.id.rawValue, $0) })
        let invoices = Dictionary(uniqueKeysWithValues: snapshot.invoices.map { ($0.id.rawValue, $0) })
        for entry in snapshot.timeEntries.prefix(3_000) {
            let item = encoder.timeEntry(entry)
            let member = try #require(members[entry.memberID.rawValue])
            #expect(text(item.member("member")?.member("name")) == member.name)
            #expect(text(item.member("member")?.member("identifier")) == member.identifier)
            #expect(text(item.member("enteredBy")) == member.identifier)
            if let company = entry.companyID {
                #expect(text(item.member("company")?.member("name")) == companies[company.rawValue]?.name)
                let record = try #require(companies[company.rawValue])
                #expect(item.member("company")?.member("identifier") == encoder.company(record).member("identifier"))
            }
            if let ticket = entry.ticketID {
                #expect(text(item.member("ticket")?.member("summary")) == tickets[ticket.rawValue]?.summary)
                #expect(text(item.member("ticketBoard")) == tickets[ticket.rawValue]?.board)
            }
            if let invoice = entry.invoiceID.flatMap({ invoices[$0.rawValue] }) {
                #expect(text(item.member("invoice")?.member("identifier")) == invoice.number)
                #expect(text(item.member("invoice")?.member("invoiceDate")) == "\(invoice.date)T00:00:00Z")
            }
        }
    }

    @Test func invoiceTotalsAndStatusFollowTheInvoice() {
        for invoice in snapshot.invoices {
            let item = encoder.invoice(invoice)
            let parts = [item.member("serviceTotal"), item.member("productTotal"), item.member("agreementAmount"), item.member("expenseTotal")]
                .compactMap(decimal).reduce(0, +)
            #expect(parts == invoice.subtotal.amount, "\(invoice.number): the totals make the subtotal")
            let paid = (decimal(item.member("payments")) ?? 0) + (decimal(item.member("credits")) ?? 0)
            #expect(paid == invoice.total.amount - invoice.balance.amount, "\(invoice.number): paid is total less balance")
            #expect(item.member("status")?.member("isClosed") == .bool(invoice.balance.isZero))
            #expect(item.member("billToCompany") == item.member("company"))
        }
    }

    @Test func timeEntryBillingFollowsTheEntry() {
        for entry in snapshot.timeEntries {
            let item = encoder.timeEntry(entry)
            let status = text(item.member("status"))
            #expect((status == "Billed") == (entry.invoiceID != nil))
            #expect(item.member("invoiceFlag") == .bool(entry.invoiceID != nil))
            #expect(decimal(item.member("invoiceHours")) == entry.billedHours.value)
            let agreementHours = decimal(item.member("agreementHours")) ?? 0
            #expect((agreementHours > 0) == (status == "BilledAgreement"))
            #expect(agreementHours <= entry.billedHours.value)
            #expect(decimal(item.member("extendedInvoiceAmount")) == entry.billedHours.value * (entry.hourlyRate?.amount ?? 0))
            if entry.billableOption != .billable { #expect(status == "WrittenOff") }
        }
    }

    @Test func ticketClocksCountFromCreation() throws {
        let workers = Dictionary(grouping: snapshot.timeEntries.filter { $0.ticketID != nil }) { $0.ticketID! }
        let identifiers = Dictionary(uniqueKeysWithValues: snapshot.members.map { ($0.id, $0.identifier) })
        for ticket in snapshot.tickets {
            let item = encoder.ticket(ticket)
            let responded = ticket.firstResponseAt.map { Decimal(($0.rawValue - ticket.createdAt.rawValue) / 60_000) } ?? 0
            #expect(decimal(item.member("respondMinutes")) == responded)
            let resolved = ticket.resolvedAt.map { Decimal(($0.rawValue - ticket.createdAt.rawValue) / 60_000) } ?? 0
            #expect(decimal(item.member("resolveMinutes")) == resolved)
            let owner = text(item.member("owner")?.member("identifier"))
            let logged = Set((workers[ticket.id] ?? []).compactMap { identifiers[$0.memberID] })
            #expect(owner == nil ? logged.isEmpty : logged.contains(owner!), "the owner logged time on the ticket")
            if ticket.serviceClass == .reactive, ticket.slaMet != nil {
                let target = try #require(MSPBusiness.resolutionTargets[ticket.priorityLevel])
                #expect(decimal(item.member("resolutionHours")) == target.value)
                #expect(ticket.slaMet == (resolved <= target.value * 60), "isInSla agrees with the target served")
            }
        }
    }

    @Test func fullerItemsReadBackToTheSameRecords() throws {
        #expect(try ConnectWiseRecords.companies(page(snapshot.companies.map(encoder.company)), context: context) == snapshot.companies)
        #expect(try ConnectWiseRecords.invoices(page(snapshot.invoices.map(encoder.invoice)), context: context) == snapshot.invoices)
        #expect(try ConnectWiseRecords.timeEntries(page(snapshot.timeEntries.map(encoder.timeEntry)), context: context) == snapshot.timeEntries)
        #expect(try ConnectWiseRecords.expenses(page(snapshot.expenses.map(encoder.expenseEntry)), context: context) == snapshot.expenses)
        // A service ticket's class is its board's classification: the mapping keeps only the project structure.
        #expect(try ConnectWiseRecords.tickets(page(snapshot.tickets.map(encoder.ticket)), context: context)
            == snapshot.tickets.map { var ticket = $0; ticket.serviceClass = ticket.serviceClass == .project ? .project : .other; return ticket })
        #expect(try ConnectWiseRecords.projects(page(snapshot.projects.map(encoder.project)), context: context) == snapshot.projects)
        let typeIDs = ConnectWiseDirectory.agreementTypeIDs(snapshot.agreements)
        let agreements = try ConnectWiseRecords.agreements(
            page(snapshot.agreements.map { encoder.agreement($0, typeID: typeIDs[$0.typeName]!) }), context: context)
        // The billing model read is the structural one (the type's class is the classification's; RoundTripTests).
        #expect(agreements.map { var agreement = $0; agreement.billingModel = .fixedFee; return agreement }
            == snapshot.agreements.map { var agreement = $0; agreement.category = nil; agreement.billingModel = .fixedFee; return agreement })
        let lines = try ConnectWiseRecords.productLines(page(snapshot.productLines.map(encoder.productItem)), context: context)
        #expect(lines == snapshot.productLines.map { var line = $0; line.category = line.isProduct ? "NonInventory" : "Service"; return line })
    }
}
