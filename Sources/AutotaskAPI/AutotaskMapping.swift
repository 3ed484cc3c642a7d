public import Foundation
public import InsightCore

/// What mapping Autotask items into InsightCore needs besides the items: the tenant's picklists (read from
/// `entityInformation/fields`, never assumed) and the links Autotask keeps on other entities (a time entry's
/// company is its ticket's, a task's company its project's…).
public struct AutotaskContext: Sendable {
    public var currency: CurrencyCode
    public var picklists: [AutotaskEntity: AutotaskPicklists] = [:]
    /// Company of each ticket, project and contract; project of each task.
    public var ticketCompany: [Int: Int] = [:]
    public var projectCompany: [Int: Int] = [:]
    public var contractCompany: [Int: Int] = [:]
    public var taskProject: [Int: Int] = [:]
    /// Each resource's internal cost per hour.
    public var resourceCost: [Int: Decimal] = [:]
    /// Each role's hourly rate.
    public var roleRate: [Int: Decimal] = [:]
    /// Each expense report's submitter.
    public var reportSubmitter: [Int: Int] = [:]
    /// Each service's name (a contract service's product identifier).
    public var serviceName: [Int: String] = [:]
    /// Each contract service's unit period.
    public var serviceUnits: [Int: AutotaskContractServiceUnit] = [:]
    /// What each invoice's billing items tie it to (see ``note(_:)``).
    public var invoiceLinks: [Int: InvoiceLink] = [:]

    /// The agreement and project an invoice is for, and whether it bills a recurring contract service.
    public struct InvoiceLink: Sendable, Equatable {
        public var agreementID: Int?
        public var projectID: Int?
        public var recurring = false
    }

    /// Notes what `item` ties its invoice to (needs the billing items' picklists).
    public mutating func note(_ item: AutotaskBillingItem) {
        guard let invoice = item.invoiceID, item.contractID != nil || item.projectID != nil else { return }
        var link = invoiceLinks[invoice] ?? InvoiceLink()
        link.agreementID = link.agreementID ?? item.contractID
        link.projectID = link.projectID ?? item.projectID
        if label(.billingItems, "billingItemType", item.billingItemType) == AutotaskVocabulary.recurringServiceItem { link.recurring = true }
        invoiceLinks[invoice] = link
    }

    public init(currency: CurrencyCode) { self.currency = currency }

    func label(_ entity: AutotaskEntity, _ field: String, _ value: Int?) -> String? { picklists[entity]?.label(field, value) }
    func money(_ amount: Decimal?) -> Money? { amount.map { Money($0, currency) } }
}

/// Maps Autotask items into InsightCore records, resolving picklists through the context. A required field that
/// is missing is an error naming the entity, never a made-up value.
public enum AutotaskRecords {
    static let utc = TimeZone(identifier: "UTC") ?? .gmt

    static func need<T>(_ value: T?, _ entity: AutotaskEntity, _ field: String, id: Int) throws(AutotaskDecodingError) -> T {
        guard let value else { throw AutotaskDecodingError(entity: entity.rawValue, reason: "item \(id) has no \(field)") }
        return value
    }
    static func id<T>(_ value: Int?) -> ID<T>? { value.map { ID(String($0)) } }
    static func id<T>(_ value: Int) -> ID<T> { ID(String(value)) }
    static func day(_ date: Date?) -> CalendarDate? { date.map { CalendarDate(Timestamp($0), in: utc) } }
    static func stamp(_ date: Date?) -> Timestamp? { date.map(Timestamp.init) }
    /// Entities without a modification field: the epoch (they are swept in full, not read incrementally).
    static let unknownUpdate = Timestamp(rawValue: 0)

    public static func company(_ item: AutotaskCompany, _ context: AutotaskContext) throws(AutotaskDecodingError) -> Company {
        Company(
            source: .autotask, id: id(item.id), updatedAt: stamp(item.lastTrackedModifiedDateTime ?? item.createDate) ?? unknownUpdate,
            name: try need(item.companyName, .companies, "companyName", id: item.id),
            kind: AutotaskVocabulary.companyKind(context.label(.companies, "companyType", item.companyType)),
            status: item.isActive == false ? .inactive : .active, market: context.label(.companies, "marketSegmentID", item.marketSegmentID),
            accountManagerID: id(item.ownerResourceID))
    }

    public static func configurationItem(_ item: AutotaskConfigurationItem, _ context: AutotaskContext) throws(AutotaskDecodingError) -> ConfigurationItem {
        ConfigurationItem(
            source: .autotask, id: id(item.id), updatedAt: stamp(item.lastModifiedTime ?? item.createDate) ?? unknownUpdate,
            companyID: id(try need(item.companyID, .configurationItems, "companyID", id: item.id)),
            name: item.referenceTitle ?? item.serialNumber ?? "CI \(item.id)",
            kind: AutotaskVocabulary.configurationKind(context.label(.configurationItems, "configurationItemType", item.configurationItemType)),
            active: item.isActive ?? true, typeName: context.label(.configurationItems, "configurationItemType", item.configurationItemType))
    }

    /// Autotask keeps one internal cost per resource (no history): one rate from the hire date.
    public static func member(_ item: AutotaskResource, _ context: AutotaskContext) throws(AutotaskDecodingError) -> Member {
        let name = [item.firstName, item.lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        let hired = day(item.hireDate)
        return Member(
            source: .autotask, id: id(item.id), updatedAt: stamp(item.hireDate) ?? unknownUpdate,
            identifier: try need(item.userName, .resources, "userName", id: item.id), name: name, title: item.title,
            active: item.isActive ?? true, dailyCapacity: 8,
            rates: hired.map { [Member.Rate(effectiveFrom: $0, hourlyCost: context.money(item.internalCost), hourlyRate: nil)] } ?? [])
    }

    public static func workRole(_ item: AutotaskRole, _ context: AutotaskContext) throws(AutotaskDecodingError) -> WorkRole {
        WorkRole(
            source: .autotask, id: id(item.id), updatedAt: unknownUpdate, name: try need(item.name, .roles, "name", id: item.id),
            hourlyRate: context.money(item.hourlyRate), active: item.isActive ?? true)
    }

    /// Work-type and internal-time billing codes; `nil` for other kinds (materials, expenses…).
    public static func workType(_ item: AutotaskBillingCode, _ context: AutotaskContext) throws(AutotaskDecodingError) -> WorkType? {
        let code = context.label(.billingCodes, "billingCodeType", item.billingCodeType)
        guard code == AutotaskVocabulary.workTypeCode || code == AutotaskVocabulary.internalTimeCode else { return nil }
        let use = context.label(.billingCodes, "useType", item.useType)
        return WorkType(
            source: .autotask, id: id(item.id), updatedAt: unknownUpdate, name: try need(item.name, .billingCodes, "name", id: item.id),
            billable: use == AutotaskVocabulary.billable, costMultiplier: 1, countsAsUtilized: code == AutotaskVocabulary.workTypeCode,
            isTimeOff: use == AutotaskVocabulary.timeOff, active: item.isActive ?? true)
    }

    public static func agreement(_ item: AutotaskContract, blockHours: Decimal?, _ context: AutotaskContext) throws(AutotaskDecodingError) -> Agreement {
        // The system value decides; the label is display text (a database may rename it).
        let systemType = item.contractType.flatMap(AutotaskContractType.init(rawValue:))
        let type = context.label(.contracts, "contractType", item.contractType) ?? systemType?.label
        let category = context.label(.contracts, "contractCategory", item.contractCategory)
        let cancelled = item.userDefinedFields?.first { $0.name == AutotaskVocabulary.cancellationDateUDF }?.value.flatMap { CalendarDate(iso: $0) }
        return Agreement(
            source: .autotask, id: id(item.id), updatedAt: stamp(item.lastModifiedDateTime) ?? unknownUpdate,
            name: try need(item.contractName, .contracts, "contractName", id: item.id),
            companyID: id(try need(item.companyID, .contracts, "companyID", id: item.id)), typeName: type ?? "Unknown",
            category: category, billingModel: systemType?.billingModel ?? .timeAndMaterials,
            billingCycle: AutotaskVocabulary.cycle(context.label(.contracts, "contractPeriodType", item.contractPeriodType)), billingAmount: nil,
            startDate: try need(day(item.startDate), .contracts, "startDate", id: item.id), endDate: day(item.endDate), cancelledDate: cancelled,
            status: AutotaskVocabulary.agreementStatus(context.label(.contracts, "status", item.status)),
            blockHoursLimit: blockHours.map { Hours($0) })
    }

    /// A contract service with its unit period (`context.serviceUnits`) and service name (`context.serviceName`).
    public static func addition(_ item: AutotaskContractService, _ context: AutotaskContext) throws(AutotaskDecodingError) -> AgreementAddition {
        let unit = try need(context.serviceUnits[item.id], .contractServices, "unit period", id: item.id)
        let serviceID = try need(item.serviceID, .contractServices, "serviceID", id: item.id)
        return AgreementAddition(
            source: .autotask, id: id(item.id), updatedAt: stamp(unit.approveAndPostDate) ?? unknownUpdate,
            agreementID: id(try need(item.contractID, .contractServices, "contractID", id: item.id)),
            productIdentifier: try need(context.serviceName[serviceID], .contractServices, "service \(serviceID)", id: item.id),
            description: item.invoiceDescription, quantity: Decimal(unit.units ?? 0),
            unitPrice: Money(try need(item.unitPrice, .contractServices, "unitPrice", id: item.id), context.currency),
            unitCost: context.money(item.unitCost), effectiveDate: try need(day(unit.startDate), .contractServiceUnits, "startDate", id: item.id),
            cancelledDate: day(unit.endDate), billedToCustomer: item.internalDescription?.hasPrefix(AutotaskVocabulary.billedUDF) != true)
    }

    /// Autotask invoices carry a total and the tax; the subtotal is their difference. An unpaid invoice's balance is its
    /// total, a paid one's zero (a part payment is in the comments, where the simulator writes it). The agreement and
    /// project come from the invoice's billing items (`context.invoiceLinks`): one billing a recurring contract service
    /// makes it an agreement invoice.
    public static func invoice(_ item: AutotaskInvoice, _ context: AutotaskContext) throws(AutotaskDecodingError) -> Invoice {
        let total = try need(item.invoiceTotal, .invoices, "invoiceTotal", id: item.id)
        let tax = item.totalTaxValue ?? 0
        var balance = item.paidDate == nil ? total : 0
        if let comments = item.comments, comments.hasPrefix("Balance: "), let value = Decimal(string: String(comments.dropFirst(9))) { balance = value }
        let date = try need(day(item.invoiceDateTime), .invoices, "invoiceDateTime", id: item.id)
        let link = context.invoiceLinks[item.id]
        return Invoice(
            source: .autotask, id: id(item.id), updatedAt: stamp(item.createDateTime) ?? unknownUpdate,
            number: item.invoiceNumber ?? String(item.id), companyID: id(try need(item.companyID, .invoices, "companyID", id: item.id)),
            kind: total < 0 ? .credit : link?.recurring == true ? .agreement : .standard, date: date, dueDate: day(item.dueDate) ?? date,
            subtotal: Money(total - tax, context.currency), tax: Money(tax, context.currency), total: Money(total, context.currency),
            balance: Money(balance, context.currency), agreementID: id(link?.agreementID), projectID: id(link?.projectID))
    }

    /// Product and labour billing items; `nil` for other kinds.
    public static func productLine(_ item: AutotaskBillingItem, _ context: AutotaskContext) throws(AutotaskDecodingError) -> ProductLine? {
        let type = context.label(.billingItems, "billingItemType", item.billingItemType)
        guard type == AutotaskVocabulary.productItem || type == AutotaskVocabulary.laborItem else { return nil }
        let quantity = try need(item.quantity, .billingItems, "quantity", id: item.id)
        return ProductLine(
            source: .autotask, id: id(item.id), updatedAt: stamp(item.postedDate) ?? unknownUpdate,
            companyID: id(try need(item.companyID, .billingItems, "companyID", id: item.id)), catalogItem: item.itemName ?? "",
            description: item.description, category: item.lineItemGroupDescription ?? "", isProduct: type == AutotaskVocabulary.productItem,
            quantity: quantity, unitPrice: Money(try need(item.rate, .billingItems, "rate", id: item.id), context.currency),
            unitCost: item.ourCost.map { Money(quantity == 0 ? 0 : $0 / quantity, context.currency) }, invoiceID: id(item.invoiceID),
            agreementID: id(item.contractID))
    }

    public static func timeEntry(_ item: AutotaskTimeEntry, _ context: AutotaskContext) throws(AutotaskDecodingError) -> TimeEntry {
        let kind = AutotaskVocabulary.chargeKind(context.label(.timeEntries, "timeEntryType", item.timeEntryType))
        let projectID = item.taskID.flatMap { context.taskProject[$0] }
        let company = item.ticketID.flatMap { context.ticketCompany[$0] } ?? projectID.flatMap { context.projectCompany[$0] }
            ?? item.contractID.flatMap { context.contractCompany[$0] }
        // Start and stop times are optional (required only when the contract or settings ask for them): a time entry
        // recorded as hours only starts at the start of its work date (UTC, as `dateWorked` is).
        let workDate = try need(day(item.dateWorked), .timeEntries, "dateWorked", id: item.id)
        let start = stamp(item.startDateTime) ?? workDate.start(in: utc)
        let resource = try need(item.resourceID, .timeEntries, "resourceID", id: item.id)
        return TimeEntry(
            source: .autotask, id: id(item.id), updatedAt: stamp(item.lastModifiedDateTime) ?? start, memberID: id(resource),
            companyID: id(company), chargeKind: kind, ticketID: id(item.ticketID ?? item.taskID), projectID: id(projectID),
            agreementID: id(item.contractID), workTypeID: id(item.billingCodeID), workRoleID: id(item.roleID),
            billableOption: AutotaskVocabulary.billableOption(isNonBillable: item.isNonBillable, showOnInvoice: item.showOnInvoice),
            workDate: workDate, startAt: start, endAt: stamp(item.endDateTime),
            enteredAt: stamp(item.createDateTime) ?? start, actualHours: Hours(try need(item.hoursWorked, .timeEntries, "hoursWorked", id: item.id)),
            billedHours: Hours(item.hoursToBill ?? 0), hourlyRate: context.money(item.roleID.flatMap { context.roleRate[$0] }),
            hourlyCost: context.money(context.resourceCost[resource]))
    }

    public static func ticket(_ item: AutotaskTicket, _ context: AutotaskContext) throws(AutotaskDecodingError) -> Ticket {
        let created = try need(stamp(item.createDate), .tickets, "createDate", id: item.id)
        let priority = context.picklists[.tickets]?.entry("priority", item.priority)
        return Ticket(
            source: .autotask, id: id(item.id), updatedAt: stamp(item.lastTrackedModificationDateTime) ?? created,
            summary: item.title ?? "", board: context.label(.tickets, "queueID", item.queueID) ?? "",
            type: context.label(.tickets, "issueType", item.issueType), subtype: context.label(.tickets, "subIssueType", item.subIssueType),
            item: item.description, serviceClass: .other,
            status: context.label(.tickets, "status", item.status) ?? "", closed: item.completedDate != nil, priority: priority?.label ?? "",
            priorityLevel: Self.level(priority?.label) ?? priority?.sortOrder ?? 3,
            companyID: id(try need(item.companyID, .tickets, "companyID", id: item.id)), agreementID: id(item.contractID),
            projectID: id(item.projectID), createdAt: created, firstResponseAt: stamp(item.firstResponseDateTime),
            resolvedAt: stamp(item.resolvedDateTime), closedAt: stamp(item.completedDate), slaMet: item.serviceLevelAgreementHasBeenMet,
            budgetHours: item.estimatedHours.map { Hours($0) }, actualHours: nil)
    }

    /// A project task, as the project ticket it is in InsightCore.
    public static func task(_ item: AutotaskTask, _ context: AutotaskContext) throws(AutotaskDecodingError) -> Ticket {
        let created = try need(stamp(item.createDateTime), .tasks, "createDateTime", id: item.id)
        let project = try need(item.projectID, .tasks, "projectID", id: item.id)
        let priority = context.label(.tasks, "priorityLabel", item.priorityLabel)
        return Ticket(
            source: .autotask, id: id(item.id), updatedAt: stamp(item.lastActivityDateTime) ?? created, summary: item.title ?? "",
            board: "Projects", type: nil, subtype: nil, item: nil, serviceClass: .project,
            status: context.label(.tasks, "status", item.status) ?? "", closed: item.completedDateTime != nil, priority: priority ?? "",
            priorityLevel: item.priority ?? Self.level(priority) ?? 3,
            companyID: id(try need(context.projectCompany[project], .tasks, "project's company", id: item.id)), agreementID: nil,
            projectID: id(project), createdAt: created, firstResponseAt: nil, resolvedAt: nil, closedAt: stamp(item.completedDateTime),
            slaMet: nil, budgetHours: item.estimatedHours.map { Hours($0) }, actualHours: nil)
    }

    /// The number in a "Priority 2 - Quick" label.
    static func level(_ label: String?) -> Int? {
        guard let label, label.hasPrefix("Priority ") else { return nil }
        return Int(label.dropFirst(9).prefix { $0.isNumber })
    }

    public static func project(_ item: AutotaskProject, _ context: AutotaskContext) throws(AutotaskDecodingError) -> Project {
        let method = item.userDefinedFields?.first { $0.name == AutotaskVocabulary.billingMethodUDF }?.value.flatMap(Project.BillingMethod.init(rawValue:))
        return Project(
            source: .autotask, id: id(item.id), updatedAt: stamp(item.lastActivityDateTime) ?? unknownUpdate,
            name: try need(item.projectName, .projects, "projectName", id: item.id),
            companyID: id(try need(item.companyID, .projects, "companyID", id: item.id)), agreementID: id(item.contractID),
            billingMethod: method ?? .timeAndMaterials, budgetHours: item.estimatedTime.map { Hours($0) }, actualHours: item.actualHours.map { Hours($0) },
            estimatedRevenue: context.money(item.laborEstimatedRevenue), estimatedCost: context.money(item.laborEstimatedCosts),
            status: context.label(.projects, "status", item.status) ?? "", closed: item.completedDateTime != nil,
            startDate: try need(day(item.startDateTime), .projects, "startDateTime", id: item.id), endDate: day(item.endDateTime))
    }

    public static func opportunity(_ item: AutotaskOpportunity, _ context: AutotaskContext) throws(AutotaskDecodingError) -> Opportunity {
        let outcome = AutotaskVocabulary.outcome(context.label(.opportunities, "status", item.status))
        return Opportunity(
            source: .autotask, id: id(item.id), updatedAt: stamp(item.lastActivity ?? item.createDate) ?? unknownUpdate,
            name: item.title ?? "", companyID: id(try need(item.companyID, .opportunities, "companyID", id: item.id)),
            stage: context.label(.opportunities, "stage", item.stage) ?? "", outcome: outcome,
            oneTimeValue: Money(item.onetimeRevenue ?? 0, context.currency), recurringValue: Money(item.monthlyRevenue ?? 0, context.currency),
            probability: Decimal(item.probability ?? 0) / 100,
            expectedCloseDate: try need(day(item.projectedCloseDate), .opportunities, "projectedCloseDate", id: item.id),
            closedDate: day(item.closedDate ?? item.lostDate), salesMemberID: id(item.ownerResourceID))
    }

    public static func expense(_ item: AutotaskExpenseItem, _ context: AutotaskContext) throws(AutotaskDecodingError) -> ExpenseEntry {
        let report = try need(item.expenseReportID, .expenseItems, "expenseReportID", id: item.id)
        let date = try need(day(item.expenseDate), .expenseItems, "expenseDate", id: item.id)
        return ExpenseEntry(
            source: .autotask, id: id(item.id), updatedAt: date.start(in: utc),
            memberID: id(try need(context.reportSubmitter[report], .expenseItems, "expense report \(report)", id: item.id)),
            companyID: id(item.companyID), date: date,
            amount: Money(try need(item.internalCurrencyExpenseAmount ?? item.expenseCurrencyExpenseAmount, .expenseItems, "internalCurrencyExpenseAmount", id: item.id), context.currency),
            billable: item.isBillableToCompany ?? false, invoiceID: nil)
    }
}
