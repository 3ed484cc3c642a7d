import AutotaskAPI
import InsightCore
import Foundation
import Testing

/// Every recorded real response in `Samples/` (copied from `../shared/reference/autotask/samples/`, provenance in
/// `Samples/SOURCE.md`) decodes: one test per file, errors included.
@Suite struct AutotaskRecordedSampleTests {
    static func sample(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Samples"))
        return try Data(contentsOf: url)
    }
    static func item<Item: AutotaskItem>(_ name: String, as type: Item.Type) throws -> Item {
        try Item.decode(try #require(AutotaskJSON.parse(try sample(name))))
    }

    @Test func billingCodeItem() throws {
        let code = try Self.item("BillingCodes_item", as: AutotaskBillingCode.self)
        #expect(code.id == 29_682_860)
        #expect(code.name == "Sales")
        #expect(code.billingCodeType == 2)
        #expect(code.isActive == true)
    }

    @Test func billingItemItem() throws {
        let item = try Self.item("BillingItems_item", as: AutotaskBillingItem.self)
        #expect(item.id == 26_039)
        #expect(item.contractBlockID == 75)
        #expect(item.quantity == Decimal(string: "3.175"))
        #expect(item.extendedPrice == Decimal(string: "386.645"))
        #expect(item.ourCost == Decimal(string: "205.998"))
        #expect(item.invoiceID == 0)
        #expect(item.nonBillable != nil, "an int-as-bool field")
    }

    @Test func companyCreateResult() throws {
        let json = try #require(AutotaskJSON.parse(try Self.sample("Companies_create_result")))
        #expect(json.member("itemId")?.intValue == 29_683_664)
    }

    @Test func companiesQueryFull() throws {
        let page = try AutotaskPage.decode(try Self.sample("Companies_query_full"), entity: "Companies")
        #expect(page.pageDetails == AutotaskPageDetails(count: 1, requestCount: 500, prevPageUrl: nil, nextPageUrl: nil))
        let companies = try page.decode(AutotaskCompany.self)
        #expect(companies.map(\.id) == [29_683_616])
        #expect(companies[0].companyName != nil)
        #expect(companies[0].userDefinedFields != nil)
    }

    @Test func companiesQueryIncludeFields() throws {
        let page = try AutotaskPage.decode(try Self.sample("Companies_query_includeFields"), entity: "Companies")
        let company = try #require(try page.decode(AutotaskCompany.self).first)
        #expect(company.companyName == "Sirius Cybernetics Corporation")
        #expect(company.city == "")
        #expect(company.phone == nil, "fields left out by IncludeFields are absent, read as nil")
        #expect(company.userDefinedFields == [])
    }

    @Test func companiesPageDetailsWithNextPageUrl() throws {
        let json = try #require(AutotaskJSON.parse(try Self.sample("Companies_query_pageDetails_with_nextPageUrl")))
        // The recording holds only pageDetails; wrap it in an empty-items page of the same count to decode it.
        guard case .object(var members) = json else { Issue.record("not an object"); return }
        members["items"] = .array(Array(repeating: .object(["id": .int(1)]), count: 500))
        let page = try AutotaskPage.decode(AutotaskJSON.object(members).serialized(), entity: "Companies")
        let next = try #require(page.pageDetails.nextPageUrl)
        let components = try #require(URLComponents(string: next))
        #expect(components.path == "/ATServicesRest/V1.0/Companies/query/next")
        let paging = try #require(components.queryItems?.first { $0.name == "paging" }?.value)
        #expect(AutotaskPagingCursor(text: paging) == AutotaskPagingCursor(pageSize: 500, previousIds: [-1], nextIds: [725]))
        // Our encoder writes the cursor exactly as Autotask did: lower-case hex, same key order.
        #expect(next.contains("paging=" + AutotaskPagingCursor.encode(AutotaskPagingCursor(pageSize: 500, previousIds: [-1], nextIds: [725]).text) + "&"))
        let search = try #require(components.queryItems?.first { $0.name == "search" }?.value)
        let query = try AutotaskQuery(text: search)
        #expect(query.filter == [.exist("IsActive")], "the single-quoted search Autotask echoed is read too")
    }

    @Test func companyToDosEntityInformationFields() throws {
        let fields = try AutotaskFieldInformation.decodeList(try Self.sample("CompanyToDos_entityInformation_fields"), entity: "CompanyToDos")
        #expect(!fields.isEmpty)
        let action = try #require(fields.first { $0.name == "ActionType" })
        #expect(action.isPickList)
        #expect(action.picklistValues?.first?.label == "Opportunity Update")
        let picklists = AutotaskPicklists(fields)
        #expect(picklists.label("actionType", 0) == "Opportunity Update", "field names match without regard to case")
    }

    @Test func contractItem() throws {
        let contract = try Self.item("Contracts_item", as: AutotaskContract.self)
        #expect(contract.id == 29_683_353)
        #expect(contract.companyID == 600)
        #expect(contract.contractCategory == 13)
        #expect(contract.startDate != nil)
    }

    @Test func projectItem() throws {
        let project = try Self.item("Projects_item", as: AutotaskProject.self)
        #expect(project.id == 36)
        #expect(project.actualHours == Decimal(string: "155.6999"))
        #expect(project.companyID == 0, "company 0 is the MSP's own")
    }

    @Test func roleItem() throws {
        let role = try Self.item("Roles_item", as: AutotaskRole.self)
        #expect(role.name == "System Engineer")
        #expect(role.hourlyRate == Decimal(string: "110.47"))
        #expect(role.hourlyFactor == Decimal(string: "1.2"))
    }

    @Test func taskItem() throws {
        let task = try Self.item("Tasks_item", as: AutotaskTask.self)
        #expect(task.id == 19_254)
        #expect(task.assignedResourceID == 29_682_886)
    }

    @Test func ticketItem() throws {
        let ticket = try Self.item("Tickets_item", as: AutotaskTicket.self)
        #expect(ticket.id == 29_296)
        #expect(ticket.createDate != nil)
        #expect(ticket.status != nil)
    }

    @Test func timeEntryItem() throws {
        let entry = try Self.item("TimeEntries_item", as: AutotaskTimeEntry.self)
        #expect(entry.id == 236)
        #expect(entry.contractID == 29_683_374)
        #expect(entry.dateWorked != nil)
        #expect(entry.hoursWorked != nil)
    }

    /// Autotask lets a time entry be recorded as hours only (start and stop times are required only when the
    /// contract or the company's settings ask for them): it maps, dated by `dateWorked`.
    @Test func aTimeEntryRecordedAsHoursOnlyMaps() throws {
        var entry = try Self.item("TimeEntries_item", as: AutotaskTimeEntry.self)
        entry.startDateTime = nil
        entry.endDateTime = nil
        let record = try AutotaskRecords.timeEntry(entry, AutotaskContext(currency: .usd))
        #expect(record.workDate == CalendarDate(iso: "2020-01-29"))
        #expect(record.actualHours == Hours(Decimal(string: "3.5")!))
        #expect(record.startAt == CalendarDate(iso: "2020-01-29")!.start(in: TimeZone(identifier: "UTC")!))
        #expect(record.endAt == nil)
    }

    @Test func invalidIntegrationCodeError() throws {
        let body = try #require(AutotaskErrorBody.parse(try Self.sample("error_invalid_integration_code_http500")))
        #expect(body.errors == [AutotaskErrorBody.badIntegrationCode])
    }

    @Test func unknownZoneUserError() throws {
        let body = try #require(AutotaskErrorBody.parse(try Self.sample("error_zoneInformation_invalid_username_http500")))
        #expect(body.errors == [AutotaskErrorBody.unknownZone])
    }

    @Test func everySampleFileHasATest() throws {
        let folder = try #require(Bundle.module.url(forResource: "Samples", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(files.count == 15, "a new recording needs a test above")
    }
}
