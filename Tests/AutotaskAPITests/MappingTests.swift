import AutotaskAPI
import Foundation
import InsightCore
import MSPModel
import Testing

/// InsightCore records written as Autotask items (what the simulator serves), sent as JSON, decoded and mapped
/// back with picklists read from `entityInformation/fields`: what both PSAs carry comes back unchanged.
@Suite struct AutotaskMappingTests {
    static let snapshot = try! MSPBusiness.generate(GeneratorSettings(size: .small, seed: 3, source: .autotask)).snapshot()

    /// Encodes, serialises, parses and decodes `make`'s item, with the picklists as the fields endpoint serves them.
    static func wire<Item: AutotaskItem>(_ encoder: inout AutotaskEncoder, _ make: (inout AutotaskEncoder) -> Item) throws -> Item {
        let item = make(&encoder)
        let json = try #require(AutotaskJSON.parse(item.json.serialized()))
        return try Item.decode(json)
    }

    static func context(_ encoder: AutotaskEncoder) throws -> AutotaskContext {
        var context = AutotaskContext(currency: snapshot.currency)
        for entity in AutotaskEntity.allCases {
            let served = AutotaskJSON.object(["fields": .array(encoder.picklists.fields(for: entity).map(\.json))]).serialized()
            context.picklists[entity] = AutotaskPicklists(try AutotaskFieldInformation.decodeList(served, entity: entity.rawValue))
        }
        return context
    }

    @Test func companiesAndConfigurationItemsComeBackUnchanged() throws {
        var encoder = AutotaskEncoder(picklists: AutotaskPicklistCatalog(firstValue: 17))
        let companies = try Self.snapshot.companies.map { company in try Self.wire(&encoder) { $0.company(company) } }
        let items = try Self.snapshot.configurations.map { item in try Self.wire(&encoder) { $0.configurationItem(item) } }
        let context = try Self.context(encoder)
        #expect(try companies.map { try AutotaskRecords.company($0, context) } == Self.snapshot.companies)
        #expect(try items.map { var item = try AutotaskRecords.configurationItem($0, context); item.typeName = nil; return item } == Self.snapshot.configurations)
    }

    @Test func picklistsAreReadNotAssumed() throws {
        var first = AutotaskEncoder(picklists: AutotaskPicklistCatalog(firstValue: 1))
        var second = AutotaskEncoder(picklists: AutotaskPicklistCatalog(firstValue: 900))
        let company = Self.snapshot.companies[0]
        let a = try Self.wire(&first) { $0.company(company) }
        let b = try Self.wire(&second) { $0.company(company) }
        #expect(a.companyType != b.companyType, "two tenants, two values for one label")
        #expect(try AutotaskRecords.company(a, Self.context(first)) == AutotaskRecords.company(b, Self.context(second)))
    }

    @Test func ticketsAndTimeKeepWhatBothPSAsCarry() throws {
        var encoder = AutotaskEncoder(picklists: AutotaskPicklistCatalog(firstValue: 5))
        let tickets = Self.snapshot.tickets.filter { $0.serviceClass != .project }
        let wired = try tickets.map { ticket in try Self.wire(&encoder) { $0.ticket(ticket) } }
        let taskIDs = Set(Self.snapshot.tickets.filter { $0.serviceClass == .project }.map(\.id))
        let entries = try Self.snapshot.timeEntries.map { entry in
            try Self.wire(&encoder) { $0.timeEntry(entry, isTask: entry.ticketID.map(taskIDs.contains) ?? false) }
        }
        let context = try Self.context(encoder)
        let mapped = try zip(tickets, wired).map { original, item in
            var ticket = try AutotaskRecords.ticket(item, context)
            ticket.actualHours = original.actualHours
            return ticket
        }
        // A service ticket's class is its queue's classification, not the ticket's: the mapping says `other`.
        let different = zip(mapped, tickets.map { var ticket = $0; ticket.serviceClass = .other; return ticket }).filter { $0 != $1 }
        #expect(different.isEmpty, "\(different.count) differ, e.g. \(String(describing: different.first))")
        for (original, item) in zip(Self.snapshot.timeEntries, entries) {
            let mapped = try AutotaskRecords.timeEntry(item, context)
            #expect(mapped.id == original.id)
            #expect(mapped.memberID == original.memberID)
            #expect(mapped.chargeKind == original.chargeKind)
            #expect(mapped.billableOption == original.billableOption)
            #expect(mapped.workDate == original.workDate)
            #expect(mapped.startAt == original.startAt)
            #expect(mapped.enteredAt == original.enteredAt)
            #expect(mapped.actualHours == original.actualHours)
            #expect(mapped.billedHours == original.billedHours)
            #expect(mapped.workTypeID == original.workTypeID)
            #expect(mapped.agreementID == original.agreementID)
        }
    }

    /// `items` written as one query page, parsed, and read back from the page's tape; `key` respells every member name.
    static func throughPage<Item: AutotaskItem>(_ items: [Item], key: (String) -> String = { $0 }) throws -> [Item] {
        func respell(_ value: AutotaskJSON) -> AutotaskJSON {
            switch value {
            case .object(let members): .object(Dictionary(uniqueKeysWithValues: members.map { (key($0.key), respell($0.value)) }))
            case .array(let elements): .array(elements.map(respell))
            default: value
            }
        }
        let details = AutotaskPageDetails(count: items.count, requestCount: 500, prevPageUrl: nil, nextPageUrl: nil)
        let body = respell(AutotaskPage(items: items.map(\.json), pageDetails: details).json).serialized()
        let page = try AutotaskPage.decode(body, entity: Item.entity.rawValue)
        #expect(page.count == items.count)
        #expect(page.pageDetails == details)
        return try page.decode(Item.self)
    }

    @Test("items read straight from a page's tape equal the items written, whatever the case of the field names")
    func tapeRowsReadEveryField() throws {
        var encoder = AutotaskEncoder(picklists: AutotaskPicklistCatalog(firstValue: 11))
        let companies = Self.snapshot.companies.map { encoder.company($0) }
        let configurationItems = Self.snapshot.configurations.map { encoder.configurationItem($0) }
        let contracts = Self.snapshot.agreements.map { encoder.contract($0) }
        let tickets = Self.snapshot.tickets.prefix(300).map { encoder.ticket($0) }
        let entries = Self.snapshot.timeEntries.prefix(1_000).map { encoder.timeEntry($0, isTask: false) }
        let projects = Self.snapshot.projects.map { encoder.project($0) }
        #expect(!companies.isEmpty && !contracts.isEmpty && !tickets.isEmpty && !entries.isEmpty && !projects.isEmpty)
        for spelling in [{ (name: String) in name }, { $0.uppercased() }, { $0.lowercased() }] {
            #expect(try Self.throughPage(companies, key: spelling) == companies)
            #expect(try Self.throughPage(configurationItems, key: spelling) == configurationItems)
            #expect(try Self.throughPage(contracts, key: spelling) == contracts)
            #expect(try Self.throughPage(Array(tickets), key: spelling) == Array(tickets))
            #expect(try Self.throughPage(Array(entries), key: spelling) == Array(entries))
            #expect(try Self.throughPage(projects, key: spelling) == projects)
        }
        // The trees built from the same page are the items' own JSON.
        let details = AutotaskPageDetails(count: entries.count, requestCount: 500, prevPageUrl: nil, nextPageUrl: nil)
        let page = try AutotaskPage.decode(AutotaskPage(items: entries.map(\.json), pageDetails: details).json.serialized(), entity: "TimeEntries")
        #expect(page.items == entries.map(\.json))
        #expect(try page.rows(entity: "TimeEntries").map { try $0.id() } == entries.map(\.id))
    }

    @Test("a field of the wrong type in a page is an error naming it, as from a tree")
    func tapeRowsAreStrictAboutTypes() throws {
        let body = Data(#"{"items":[{"id":7,"ticketID":"12","hoursWorked":1.5}],"pageDetails":{"count":1,"requestCount":500,"prevPageUrl":null,"nextPageUrl":null}}"#.utf8)
        let page = try AutotaskPage.decode(body, entity: "TimeEntries")
        let row = try #require(try page.rows(entity: "TimeEntries").first)
        #expect(try row.id() == 7)
        #expect(try row.decimal("hoursWorked") == Decimal(string: "1.5"))
        #expect(try row.int("resourceID") == nil, "a missing field is nil")
        #expect(throws: AutotaskDecodingError(entity: "TimeEntries", reason: "field ticketID is not an integer")) { try row.int("ticketID") }
        #expect(throws: AutotaskDecodingError(entity: "TimeEntries", reason: "field hoursWorked is not an integer")) { try row.int("hoursWorked") }
        #expect(throws: AutotaskDecodingError(entity: "TimeEntries", reason: "field HOURSWORKED is not a string")) { try row.string("HOURSWORKED") }
        let tree = try AutotaskRow(entity: "TimeEntries", json: try #require(AutotaskJSON.parse(body)?.member("items").flatMap { if case .array(let a) = $0 { a.first } else { nil } }))
        #expect(throws: AutotaskDecodingError(entity: "TimeEntries", reason: "field ticketID is not an integer")) { try tree.int("ticketID") }
    }

    @Test func securityLevelPresets() {
        let readOnly = AutotaskSecurityLevel.readOnly()
        #expect(SecuritySection.allCases.count == 11)
        #expect(AutotaskEntity.allCases.allSatisfy { readOnly.information(for: $0).userAccessForQuery == .all })
        #expect(AutotaskEntity.allCases.allSatisfy { readOnly.information(for: $0).userAccessForCreate == .none })
        let noContracts = AutotaskSecurityLevel.missing(.contracts)
        #expect(noContracts.information(for: .invoices).userAccessForQuery == .none)
        #expect(noContracts.information(for: .tickets).userAccessForQuery == .all)
        let full = AutotaskSecurityLevel.fullAccess()
        #expect(full.information(for: .tickets).userAccessForUpdate == .all)
        #expect(!AutotaskSecurityLevel.cannotReadCosts().canReadCosts)
    }

    @Test func everyEntityHasItsSwaggerFields() {
        for entity in AutotaskEntity.allCases {
            #expect(entity.swaggerFields.first?.name == "id", "\(entity)")
            if let field = entity.lastModifiedField { #expect(entity.field(named: field)?.dataType == .datetime, "\(entity).\(field)") }
            for cost in entity.costFields { #expect(entity.field(named: cost) != nil, "\(entity).\(cost)") }
        }
    }
}
