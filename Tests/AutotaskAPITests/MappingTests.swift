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
        #expect(try items.map { try AutotaskRecords.configurationItem($0, context) } == Self.snapshot.configurations)
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
        let different = zip(mapped, tickets).filter { $0 != $1 }
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
