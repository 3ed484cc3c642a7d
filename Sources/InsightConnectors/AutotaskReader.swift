public import AutotaskAPI
public import Foundation
public import InsightCore

/// Everything one read of an Autotask database produced, mapped into InsightCore.
public struct AutotaskReadResult: Sendable {
    public var companies: [Company] = []
    public var configurations: [ConfigurationItem] = []
    public var members: [Member] = []
    public var workRoles: [WorkRole] = []
    public var workTypes: [WorkType] = []
    public var agreements: [Agreement] = []
    public var additions: [AgreementAddition] = []
    public var invoices: [Invoice] = []
    public var productLines: [ProductLine] = []
    public var timeEntries: [TimeEntry] = []
    public var tickets: [Ticket] = []
    public var projects: [Project] = []
    public var opportunities: [Opportunity] = []
    public var expenses: [ExpenseEntry] = []
    /// Raw items read per entity (before mapping).
    public var itemCounts: [AutotaskEntity: Int] = [:]
    public init() {}
}

extension AutotaskConnector {
    /// The entities whose picklists the mapping resolves.
    static let picklistEntities: [AutotaskEntity] = [
        .companies, .configurationItems, .billingCodes, .contracts, .billingItems, .timeEntries, .tickets, .tasks, .projects, .opportunities,
    ]

    /// Reads every entity PSA Insight maps (changed since `since` where the entity has a last-modified field;
    /// the rest in full, they are small or have none) and maps them with the tenant's picklists. Entities are
    /// read side by side; each one's pages in order.
    public func readAll(currency: CurrencyCode, since: Date? = nil) async throws(AutotaskConnectorError) -> AutotaskReadResult {
        let raw: RawItems
        do {
            raw = try await withThrowingTaskGroup(of: RawItems.self) { group in
                func add<Item: AutotaskItem>(_ type: Item.Type, _ keyPath: any WritableKeyPath<RawItems, [Item]> & Sendable) {
                    group.addTask {
                        var part = RawItems()
                        part[keyPath: keyPath] = try await self.items(Item.self, query: AutotaskQuery(filter: Self.filter(Item.entity, since: since, afterID: nil)))
                        return part
                    }
                }
                for entity in Self.picklistEntities {
                    group.addTask {
                        var part = RawItems()
                        part.picklists[entity] = try await self.picklists(entity)
                        return part
                    }
                }
                add(AutotaskCompany.self, \.companies)
                add(AutotaskConfigurationItem.self, \.configurationItems)
                add(AutotaskResource.self, \.resources)
                add(AutotaskRole.self, \.roles)
                add(AutotaskBillingCode.self, \.billingCodes)
                add(AutotaskContract.self, \.contracts)
                add(AutotaskContractService.self, \.contractServices)
                add(AutotaskContractServiceUnit.self, \.contractServiceUnits)
                add(AutotaskContractBlock.self, \.contractBlocks)
                add(AutotaskService.self, \.services)
                add(AutotaskInvoice.self, \.invoices)
                add(AutotaskBillingItem.self, \.billingItems)
                add(AutotaskTimeEntry.self, \.timeEntries)
                add(AutotaskTicket.self, \.tickets)
                add(AutotaskTask.self, \.tasks)
                add(AutotaskProject.self, \.projects)
                add(AutotaskOpportunity.self, \.opportunities)
                add(AutotaskExpenseReport.self, \.expenseReports)
                add(AutotaskExpenseItem.self, \.expenseItems)
                var all = RawItems()
                for try await part in group { all.merge(part) }
                return all
            }
        } catch let error as AutotaskConnectorError {
            throw error
        } catch {
            throw .cancelled
        }
        do {
            return try raw.map(currency: currency)
        } catch {
            throw .decoding(error, request: "mapping")
        }
    }
}

/// The items of one read, before mapping.
struct RawItems: Sendable {
    var picklists: [AutotaskEntity: AutotaskPicklists] = [:]
    var companies: [AutotaskCompany] = []
    var configurationItems: [AutotaskConfigurationItem] = []
    var resources: [AutotaskResource] = []
    var roles: [AutotaskRole] = []
    var billingCodes: [AutotaskBillingCode] = []
    var contracts: [AutotaskContract] = []
    var contractServices: [AutotaskContractService] = []
    var contractServiceUnits: [AutotaskContractServiceUnit] = []
    var contractBlocks: [AutotaskContractBlock] = []
    var services: [AutotaskService] = []
    var invoices: [AutotaskInvoice] = []
    var billingItems: [AutotaskBillingItem] = []
    var timeEntries: [AutotaskTimeEntry] = []
    var tickets: [AutotaskTicket] = []
    var tasks: [AutotaskTask] = []
    var projects: [AutotaskProject] = []
    var opportunities: [AutotaskOpportunity] = []
    var expenseReports: [AutotaskExpenseReport] = []
    var expenseItems: [AutotaskExpenseItem] = []

    mutating func merge(_ other: RawItems) {
        picklists.merge(other.picklists) { first, _ in first }
        companies += other.companies
        configurationItems += other.configurationItems
        resources += other.resources
        roles += other.roles
        billingCodes += other.billingCodes
        contracts += other.contracts
        contractServices += other.contractServices
        contractServiceUnits += other.contractServiceUnits
        contractBlocks += other.contractBlocks
        services += other.services
        invoices += other.invoices
        billingItems += other.billingItems
        timeEntries += other.timeEntries
        tickets += other.tickets
        tasks += other.tasks
        projects += other.projects
        opportunities += other.opportunities
        expenseReports += other.expenseReports
        expenseItems += other.expenseItems
    }

    func map(currency: CurrencyCode) throws(AutotaskDecodingError) -> AutotaskReadResult {
        var context = AutotaskContext(currency: currency)
        context.picklists = picklists
        for ticket in tickets { context.ticketCompany[ticket.id] = ticket.companyID }
        for project in projects { context.projectCompany[project.id] = project.companyID }
        for contract in contracts { context.contractCompany[contract.id] = contract.companyID }
        for task in tasks { context.taskProject[task.id] = task.projectID }
        for resource in resources { context.resourceCost[resource.id] = resource.internalCost }
        for role in roles { context.roleRate[role.id] = role.hourlyRate }
        for report in expenseReports { context.reportSubmitter[report.id] = report.submitterID }
        for service in services { context.serviceName[service.id] = service.name }
        for unit in contractServiceUnits { if let service = unit.contractServiceID { context.serviceUnits[service] = unit } }
        for item in billingItems { context.note(item) }
        var blockHours: [Int: Decimal] = [:]
        for block in contractBlocks { if let contract = block.contractID { blockHours[contract, default: 0] += block.hours ?? 0 } }

        var result = AutotaskReadResult()
        result.companies = try companies.map { item throws(AutotaskDecodingError) in try AutotaskRecords.company(item, context) }
        result.configurations = try configurationItems.map { item throws(AutotaskDecodingError) in try AutotaskRecords.configurationItem(item, context) }
        result.members = try resources.map { item throws(AutotaskDecodingError) in try AutotaskRecords.member(item, context) }
        result.workRoles = try roles.map { item throws(AutotaskDecodingError) in try AutotaskRecords.workRole(item, context) }
        for item in billingCodes { if let workType = try AutotaskRecords.workType(item, context) { result.workTypes.append(workType) } }
        result.agreements = try contracts.map { item throws(AutotaskDecodingError) in try AutotaskRecords.agreement(item, blockHours: blockHours[item.id], context) }
        result.additions = try contractServices.map { item throws(AutotaskDecodingError) in try AutotaskRecords.addition(item, context) }
        result.invoices = try invoices.map { item throws(AutotaskDecodingError) in try AutotaskRecords.invoice(item, context) }
        for item in billingItems { if let line = try AutotaskRecords.productLine(item, context) { result.productLines.append(line) } }
        result.timeEntries = try timeEntries.map { item throws(AutotaskDecodingError) in try AutotaskRecords.timeEntry(item, context) }
        for item in tickets { result.tickets.append(try AutotaskRecords.ticket(item, context)) }
        for item in tasks { result.tickets.append(try AutotaskRecords.task(item, context)) }
        result.projects = try projects.map { item throws(AutotaskDecodingError) in try AutotaskRecords.project(item, context) }
        result.opportunities = try opportunities.map { item throws(AutotaskDecodingError) in try AutotaskRecords.opportunity(item, context) }
        result.expenses = try expenseItems.map { item throws(AutotaskDecodingError) in try AutotaskRecords.expense(item, context) }
        result.itemCounts = [
            .companies: companies.count, .configurationItems: configurationItems.count, .resources: resources.count, .roles: roles.count,
            .billingCodes: billingCodes.count, .contracts: contracts.count, .contractServices: contractServices.count,
            .contractServiceUnits: contractServiceUnits.count, .contractBlocks: contractBlocks.count, .services: services.count,
            .invoices: invoices.count, .billingItems: billingItems.count, .timeEntries: timeEntries.count, .tickets: tickets.count,
            .tasks: tasks.count, .projects: projects.count, .opportunities: opportunities.count, .expenseReports: expenseReports.count,
            .expenseItems: expenseItems.count,
        ]
        return result
    }
}
