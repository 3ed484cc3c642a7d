import ConnectWiseAPI
import Foundation
import InsightCore
import Testing

/// Real ConnectWise responses recorded from a live Manage v2025.1 server (see Samples/SOURCE.md): the decoders
/// must read every one of them.
func sample(_ name: String) throws -> Data {
    let url = try #require(Bundle.module.url(forResource: "Samples/\(name)", withExtension: nil))
    return try Data(contentsOf: url)
}

private let iceland = ConnectWiseContext(
    currency: CurrencyCode(rawValue: "ISK")!, timeZone: TimeZone(identifier: "Atlantic/Reykjavik")!,
    timeOffWorkTypes: ["9"])

private func isk(_ text: String) -> Money { Money(Decimal(string: text)!, CurrencyCode(rawValue: "ISK")!) }

@Suite struct RecordedSampleTests {
    @Test func timeEntryOnAProjectTicket() throws {
        let entry = try #require(try ConnectWiseRecords.timeEntries(sample("time_entry.json"), context: iceland).first)
        #expect(entry.id == "1")
        #expect(entry.chargeKind == .projectTicket)
        #expect(entry.ticketID == "106")
        #expect(entry.projectID == "1")
        #expect(entry.memberID == "159")
        #expect(entry.workTypeID == "3")
        #expect(entry.billableOption == .doNotBill)
        #expect(entry.actualHours == Hours(Decimal(string: "0.73")!))
        #expect(entry.billedHours == Hours(1))
        #expect(entry.hourlyRate == isk("23800"))
        #expect(entry.hourlyCost == isk("10800.00"), "hourlyCost arrives as a string")
        #expect(entry.workDate == CalendarDate(iso: "2018-05-05"))
        #expect(entry.endAt.map { $0.rawValue - entry.startAt.rawValue } == Int64(44 * 60_000))
        #expect(entry.enteredAt == Timestamp(try #require(try? Date("2018-05-05T14:44:45Z", strategy: .iso8601))))
    }

    @Test func invoicedTimeEntryCarriesItsInvoiceAndUpdateTime() throws {
        let entry = try #require(try ConnectWiseRecords.timeEntries(sample("time_entry_invoiced.json"), context: iceland).first)
        #expect(entry.id == "1612")
        #expect(entry.chargeKind == .ticket)
        #expect(entry.ticketID == "3874")
        #expect(entry.invoiceID == "2")
        #expect(entry.agreementID == "11")
        #expect(entry.actualHours == Hours(Decimal(string: "0.67")!))
        #expect(entry.hourlyCost == isk("0"))
        #expect(entry.updatedAt == Timestamp(try Date("2018-07-12T13:15:25Z", strategy: .iso8601)))
    }

    @Test(arguments: ["invoice.json", "invoice_with_info.json"])
    func postedInvoice(file: String) throws {
        let invoice = try #require(try ConnectWiseRecords.invoices(sample(file), context: iceland).first)
        #expect(invoice.id == "2")
        #expect(invoice.number == "1001")
        #expect(invoice.kind == .standard)
        #expect(invoice.companyID == "19303")
        #expect(invoice.date == CalendarDate(iso: "2018-07-12"))
        #expect(invoice.dueDate == CalendarDate(iso: "2018-08-01"))
        #expect(invoice.subtotal == isk("147350"))
        #expect(invoice.tax == isk("35364"))
        #expect(invoice.total == isk("182714"))
        #expect(invoice.balance == isk("182714"))
        #expect(invoice.total.currency.rawValue == "ISK", "the item's own currency object wins")
    }

    @Test func unpostedInvoiceIsNotAPostedInvoice() throws {
        #expect(throws: ConnectWiseDecodingError.self) {
            try ConnectWiseRecords.invoices(sample("unposted_invoice.json"), context: iceland)
        }
    }

    @Test func blockHoursAgreement() throws {
        let agreement = try #require(try ConnectWiseRecords.agreements(sample("agreement.json"), context: iceland).first)
        #expect(agreement.id == "3")
        #expect(agreement.typeName == "Tímapottur ")
        #expect(agreement.billingModel == .blockHours, "hours-based application limit")
        #expect(agreement.blockHoursLimit == Hours(1))
        #expect(agreement.status == .expired)
        #expect(agreement.billingCycle == .monthly)
        #expect(agreement.startDate == CalendarDate(iso: "2018-05-17"))
        #expect(agreement.endDate == CalendarDate(iso: "2018-08-31"))
        #expect(agreement.companyID == "19297")
    }

    @Test func clientCompany() throws {
        let company = try #require(try ConnectWiseRecords.companies(sample("company.json"), context: iceland).first)
        #expect(company.id == "250")
        #expect(company.name == "Þekking")
        #expect(company.kind == .client)
        #expect(company.status == .active)
        #expect(company.updatedAt == Timestamp(try Date("2020-10-15T14:09:53Z", strategy: .iso8601)))
    }

    @Test func serviceTicketWithSLAFields() throws {
        let ticket = try #require(try ConnectWiseRecords.tickets(sample("service_ticket.json"), context: iceland).first)
        #expect(ticket.id == "100")
        #expect(ticket.board == "01 - Help Desk")
        #expect(ticket.serviceClass == .other, "a service ticket's class is its board's classification")
        #expect(ticket.status == ">Closed", "the status reference's capital-S `Sort` quirk is ignored")
        #expect(ticket.priorityLevel == 5)
        #expect(ticket.closed)
        #expect(ticket.slaMet == true)
        #expect(ticket.createdAt == Timestamp(try Date("2018-05-04T16:06:39Z", strategy: .iso8601)))
        #expect(ticket.firstResponseAt == Timestamp(try Date("2018-05-07T13:36:24Z", strategy: .iso8601)))
        #expect(ticket.resolvedAt == Timestamp(try Date("2018-05-07T13:56:49Z", strategy: .iso8601)))
        #expect(ticket.budgetHours == Hours(2))
        #expect(ticket.actualHours == Hours(1))
    }

    @Test func expenseEntry() throws {
        let expense = try #require(try ConnectWiseRecords.expenses(sample("expense_entry.json"), context: iceland).first)
        #expect(expense.id == "1")
        #expect(expense.amount == isk("35060"))
        #expect(expense.date == CalendarDate(iso: "2018-08-21"))
        #expect(!expense.billable)
        #expect(expense.memberID == "156")
    }

    @Test func productItemWithoutInfo() throws {
        let line = try #require(try ConnectWiseRecords.productLines(sample("product_item.json"), context: iceland).first)
        #expect(line.id == "4")
        #expect(line.catalogItem == "Service - Fixed Fee")
        #expect(!line.isProduct, "productClass Service is not goods")
        #expect(line.companyID == "19297")
        #expect(line.updatedAt == Timestamp(rawValue: 0), "no _info: an unknown update time, older than any sync")
    }

    /// The probe log of the same server: every recorded item decodes with the decoder of its endpoint, and the
    /// recorded 403s are there too.
    @Test func everyItemOfTheProbeLogDecodes() throws {
        struct Probe: Decodable {
            let endpoint: String
            let status: String
            let sample: JSONValue?
            let error: String?
        }
        let probes = try JSONDecoder().decode([Probe].self, from: sample("endpoint_results_recording.json"))
        var decoded = 0
        for probe in probes {
            guard let item = probe.sample else { continue }
            let data = try JSONEncoder().encode(item)
            switch probe.endpoint {
            case "company/companies": _ = try ConnectWiseRecords.companies(data, context: iceland)
            case "service/tickets": _ = try ConnectWiseRecords.tickets(data, context: iceland)
            case "finance/invoices": _ = try ConnectWiseRecords.invoices(data, context: iceland)
            case "time/entries": _ = try ConnectWiseRecords.timeEntries(data, context: iceland)
            default: continue
            }
            decoded += 1
        }
        #expect(decoded == 4)
        #expect(probes.filter { $0.error?.hasPrefix("403") == true }.count == 3)
    }

    @Test(arguments: [
        ("error_400_invalidobject_objectexists.json", "InvalidObject", "callbackEntry object is invalid; A matching callback entry already exists"),
        ("error_400_invalidobject_outofrange.json", "InvalidObject", "company object is invalid"),
        ("error_500_conversion.json", "ConnectWiseApi", "Error converting value"),
        ("error_500_pool_timeout.json", "ConnectWiseApi", "Timeout expired."),
        ("error_500_timeout.json", "ConnectWiseApi", "A timeout has occured. Please try again."),
        ("error_cannot_route.txt", "CannotRoute", "Cannot route. Codebase/company is invalid"),
    ])
    func errorBodies(file: String, code: String, summary: String) throws {
        let body = try #require(ConnectWiseErrorBody.parse(try sample(file)))
        #expect(body.code == code)
        #expect(body.summary.hasPrefix(summary), "\(body.summary)")
    }

    @Test func theRateLimitersBodyShapeIsReadToo() throws {
        let body = try #require(ConnectWiseErrorBody.parse(Data(#"{"error":"ConnectWiseAPI","message":"Too many requests. Please try again in 30 seconds."}"#.utf8)))
        #expect(body.code == "ConnectWiseAPI")
        #expect(body.message.contains("30 seconds"))
    }

    @Test func aMalformedPageIsRefusedWholeWithItsEntityAndAnExcerpt() {
        let page = Data(#"[{"id": 1, "member": {"id": 2}, "timeStart": "2018-05-05T14:00:00Z"}, {"id": 2, "timeStart": "x"}]"#.utf8)
        #expect {
            try ConnectWiseRecords.timeEntries(page, context: iceland)
        } throws: { error in
            guard let error = error as? ConnectWiseDecodingError else { return false }
            return error.entity == "time/entries" && error.reason.contains("member") && error.excerpt.hasPrefix("[{\"id\": 1")
        }
        let badDate = Data(#"[{"id": 1, "member": {"id": 2}, "timeStart": "yesterday"}]"#.utf8)
        #expect {
            try ConnectWiseRecords.timeEntries(badDate, context: iceland)
        } throws: { error in
            (error as? ConnectWiseDecodingError)?.reason.contains("timeStart 'yesterday'") == true
        }
    }
}

@Suite struct SystemInfoTests {
    @Test func systemInfoNamesTheVersion() throws {
        let info = try ConnectWiseSystemInfo.parse(sample("system_info.json"))
        #expect(info.version == "v2025.1.10333")
        #expect(!info.isCloud)
        #expect(info.cloudRegion == "EU")
    }
}

@Suite struct OtherRecordedShapesTests {
    @Test func unpostedInvoice() throws {
        let invoice = try #require(try ConnectWiseOtherShapes.decode(
            ConnectWiseOtherShapes.UnpostedInvoice.self, sample("unposted_invoice.json"), entity: "finance/accounting/unpostedinvoices").first)
        #expect(invoice.invoiceNumber == "40005")
        #expect(invoice.total == Decimal(string: "4546628.64"))
        #expect(invoice.subTotal + (invoice.salesTaxAmount ?? 0) == invoice.total)
    }

    @Test func contact() throws {
        let contact = try #require(try ConnectWiseOtherShapes.decode(ConnectWiseOtherShapes.Contact.self, sample("contact.json"), entity: "company/contacts").first)
        #expect(contact.lastName == "Smith")
        #expect(contact.company?.id == 19297)
    }

    @Test func reportsListItem() throws {
        let report = try ConnectWiseOtherShapes.decode(ConnectWiseOtherShapes.Report.self, sample("system_reports_list_item.json"), entity: "system/reports")
        #expect(report == [ConnectWiseOtherShapes.Report(name: "SalesOrder")])
    }
}
