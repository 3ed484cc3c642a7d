public import Foundation
public import InsightCore

/// Writes InsightCore records as Autotask items, the way an MSP running Autotask would hold the same business:
/// what the simulator serves. Labels go through the tenant's picklist catalogue (`picklists`).
public struct AutotaskEncoder: Sendable {
    public var picklists: AutotaskPicklistCatalog

    public init(picklists: AutotaskPicklistCatalog) { self.picklists = picklists }

    static func int<T>(_ id: ID<T>?) -> Int? { id.flatMap { Int($0.rawValue) } }
    static func key<T>(_ id: ID<T>) -> Int { Int(id.rawValue) ?? 0 }
    /// Date-only fields are midnight UTC.
    public static func date(_ day: CalendarDate?) -> Date? { day.map { $0.start(in: utc).date } }
    static let utc = TimeZone(identifier: "UTC") ?? .gmt

    public mutating func company(_ company: Company) -> AutotaskCompany {
        var item = AutotaskCompany(id: Self.key(company.id))
        item.companyName = company.name
        item.companyNumber = company.id.rawValue
        item.companyType = picklists.value(.companies, "companyType", AutotaskVocabulary.companyType(company.kind))
        item.isActive = company.status == .active
        item.marketSegmentID = company.market.map { picklists.value(.companies, "marketSegmentID", $0) }
        item.ownerResourceID = Self.int(company.accountManagerID)
        item.createDate = company.updatedAt.date
        item.lastActivityDate = company.updatedAt.date
        item.lastTrackedModifiedDateTime = company.updatedAt.date
        item.userDefinedFields = []
        return item
    }

    public mutating func configurationItem(_ configuration: ConfigurationItem) -> AutotaskConfigurationItem {
        var item = AutotaskConfigurationItem(id: Self.key(configuration.id))
        item.companyID = Self.int(configuration.companyID)
        item.referenceTitle = configuration.name
        item.configurationItemType = picklists.value(.configurationItems, "configurationItemType", AutotaskVocabulary.configurationType(configuration.kind))
        item.isActive = configuration.active
        item.createDate = configuration.updatedAt.date
        item.lastModifiedTime = configuration.updatedAt.date
        item.userDefinedFields = []
        return item
    }

    /// The configuration item types, with the ids of the `configurationItemType` picklist.
    public mutating func configurationItemTypes() -> [AutotaskConfigurationItemType] {
        ConfigurationItem.Kind.allCases.map { kind in
            let label = AutotaskVocabulary.configurationType(kind)
            var item = AutotaskConfigurationItemType(id: picklists.value(.configurationItems, "configurationItemType", label))
            item.name = label
            item.isActive = true
            return item
        }
    }

    public func resource(_ member: Member, on day: CalendarDate) -> AutotaskResource {
        var item = AutotaskResource(id: Self.key(member.id))
        item.userName = member.identifier
        let parts = member.name.split(separator: " ", maxSplits: 1).map(String.init)
        item.firstName = parts.first ?? member.name
        item.lastName = parts.count > 1 ? parts[1] : ""
        item.title = member.title
        item.isActive = member.active
        item.internalCost = member.rate(on: day)?.hourlyCost?.amount
        item.hireDate = Self.date(member.rates.first?.effectiveFrom)
        item.email = "\(member.identifier)@northwind.example"
        item.resourceType = "Employee"
        return item
    }

    public func role(_ role: WorkRole) -> AutotaskRole {
        var item = AutotaskRole(id: Self.key(role.id))
        item.name = role.name
        item.hourlyRate = role.hourlyRate?.amount
        item.hourlyFactor = 1
        item.isActive = role.active
        item.isSystemRole = false
        return item
    }

    public mutating func billingCode(_ workType: WorkType) -> AutotaskBillingCode {
        var item = AutotaskBillingCode(id: Self.key(workType.id))
        item.name = workType.name
        let code = workType.countsAsUtilized ? AutotaskVocabulary.workTypeCode : AutotaskVocabulary.internalTimeCode
        item.billingCodeType = picklists.value(.billingCodes, "billingCodeType", code)
        let use = workType.isTimeOff ? AutotaskVocabulary.timeOff : workType.billable ? AutotaskVocabulary.billable : AutotaskVocabulary.nonBillable
        item.useType = picklists.value(.billingCodes, "useType", use)
        item.isActive = workType.active
        return item
    }

    public mutating func contract(_ agreement: Agreement) -> AutotaskContract {
        var item = AutotaskContract(id: Self.key(agreement.id))
        item.contractName = agreement.name
        item.contractNumber = agreement.id.rawValue
        item.companyID = Self.int(agreement.companyID)
        item.contractType = AutotaskContractType(agreement.billingModel).rawValue
        item.contractCategory = agreement.category.map { picklists.value(.contracts, "contractCategory", $0) }
        item.contractPeriodType = picklists.value(.contracts, "contractPeriodType", AutotaskVocabulary.period(agreement.billingCycle))
        item.status = picklists.value(.contracts, "status", AutotaskVocabulary.contractStatus(agreement.status))
        item.startDate = Self.date(agreement.startDate)
        item.endDate = Self.date(agreement.endDate)
        item.description = agreement.typeName
        item.estimatedHours = agreement.blockHoursLimit?.value
        item.lastModifiedDateTime = agreement.updatedAt.date
        item.isDefaultContract = false
        item.timeReportingRequiresStartAndStopTimes = 0
        item.userDefinedFields = [AutotaskUDF(name: AutotaskVocabulary.cancellationDateUDF, value: agreement.cancelledDate.map { $0.description })]
        return item
    }

    /// A contract's service line and its unit period (the quantity in force from `effectiveDate`).
    public func contractService(_ addition: AgreementAddition, serviceID: Int) -> (AutotaskContractService, AutotaskContractServiceUnit) {
        let id = Self.key(addition.id)
        var service = AutotaskContractService(id: id)
        service.contractID = Self.int(addition.agreementID)
        service.serviceID = serviceID
        service.unitPrice = addition.unitPrice.amount
        service.unitCost = addition.unitCost?.amount
        service.invoiceDescription = addition.description
        service.internalDescription = addition.billedToCustomer ? nil : AutotaskVocabulary.billedUDF + ": No"
        var unit = AutotaskContractServiceUnit(id: id)
        unit.contractID = service.contractID
        unit.contractServiceID = id
        unit.serviceID = serviceID
        unit.startDate = Self.date(addition.effectiveDate)
        unit.endDate = Self.date(addition.cancelledDate)
        unit.units = NSDecimalNumber(decimal: addition.quantity).intValue
        unit.price = addition.unitPrice.amount * addition.quantity
        unit.cost = addition.unitCost.map { $0.amount * addition.quantity }
        unit.approveAndPostDate = addition.updatedAt.date
        return (service, unit)
    }

    public func service(id: Int, name: String, description: String?, unitPrice: Money, unitCost: Money?, updatedAt: Timestamp) -> AutotaskService {
        var item = AutotaskService(id: id)
        item.name = name
        item.description = description
        item.invoiceDescription = description
        item.unitPrice = unitPrice.amount
        item.unitCost = unitCost?.amount
        item.isActive = true
        item.createDate = updatedAt.date
        item.lastModifiedDate = updatedAt.date
        item.userDefinedFields = []
        return item
    }

    public func contractBlock(_ agreement: Agreement) -> AutotaskContractBlock? {
        guard let hours = agreement.blockHoursLimit else { return nil }
        var item = AutotaskContractBlock(id: Self.key(agreement.id))
        item.contractID = Self.int(agreement.id)
        item.hours = hours.value
        item.hourlyRate = agreement.billingAmount.map { $0.amount / (hours.value == 0 ? 1 : hours.value) }
        item.datePurchased = Self.date(agreement.startDate)
        item.startDate = Self.date(agreement.startDate)
        item.endDate = Self.date(agreement.endDate)
        item.isPaid = true
        return item
    }

    public func invoice(_ invoice: Invoice) -> AutotaskInvoice {
        var item = AutotaskInvoice(id: Self.key(invoice.id))
        item.invoiceNumber = invoice.number
        item.companyID = Self.int(invoice.companyID)
        item.invoiceDateTime = Self.date(invoice.date)
        item.dueDate = Self.date(invoice.dueDate)
        item.invoiceTotal = invoice.total.amount
        item.totalTaxValue = invoice.tax.amount
        item.paidDate = invoice.balance.isZero ? Self.date(invoice.dueDate) : nil
        item.createDateTime = invoice.updatedAt.date
        item.webServiceDate = invoice.updatedAt.date
        item.isVoided = false
        item.comments = invoice.balance.isZero || invoice.balance == invoice.total ? nil : "Balance: \(invoice.balance.amount)"
        return item
    }

    /// The billing item that ties an invoice to its agreement or project (Autotask invoices hold no such field: their
    /// billing items do), carrying what the invoice's product lines do not; `nil` for an invoice tied to neither.
    public mutating func invoiceBillingItem(_ invoice: Invoice, id: Int, productTotal: Decimal) -> AutotaskBillingItem? {
        guard invoice.agreementID != nil || invoice.projectID != nil else { return nil }
        var item = AutotaskBillingItem(id: id)
        item.companyID = Self.int(invoice.companyID)
        item.itemName = invoice.number
        item.quantity = 1
        item.rate = invoice.subtotal.amount - productTotal
        item.extendedPrice = item.rate
        item.totalAmount = item.rate
        item.invoiceID = Self.key(invoice.id)
        item.contractID = Self.int(invoice.agreementID)
        item.projectID = Self.int(invoice.projectID)
        let type = invoice.projectID != nil && invoice.agreementID == nil ? AutotaskVocabulary.milestoneItem
            : invoice.kind == .agreement ? AutotaskVocabulary.recurringServiceItem : AutotaskVocabulary.contractChargeItem
        item.billingItemType = picklists.value(.billingItems, "billingItemType", type)
        item.postedDate = Self.date(invoice.date)
        item.nonBillable = 0
        return item
    }

    public mutating func billingItem(_ line: ProductLine, productID: Int) -> AutotaskBillingItem {
        var item = AutotaskBillingItem(id: Self.key(line.id))
        item.companyID = Self.int(line.companyID)
        item.itemName = line.catalogItem
        item.description = line.description
        item.quantity = line.quantity
        item.rate = line.unitPrice.amount
        item.extendedPrice = line.quantity * line.unitPrice.amount
        item.ourCost = line.unitCost.map { $0.amount * line.quantity }
        item.totalAmount = item.extendedPrice
        item.invoiceID = Self.int(line.invoiceID)
        item.contractID = Self.int(line.agreementID)
        item.billingItemType = picklists.value(.billingItems, "billingItemType", line.isProduct ? AutotaskVocabulary.productItem : AutotaskVocabulary.laborItem)
        item.lineItemGroupDescription = line.category
        item.nonBillable = 0
        item.postedDate = line.updatedAt.date
        item.postedOnTime = line.updatedAt.date
        item.webServiceDate = line.updatedAt.date
        _ = productID
        return item
    }

    public mutating func product(id: Int, _ line: ProductLine) -> AutotaskProduct {
        var item = AutotaskProduct(id: id)
        item.name = line.catalogItem
        item.description = line.description
        item.productCategory = picklists.value(.products, "productCategory", line.category)
        item.unitPrice = line.unitPrice.amount
        item.unitCost = line.unitCost?.amount
        item.isActive = true
        item.isSerialized = false
        item.createdTime = line.updatedAt.date
        item.userDefinedFields = []
        return item
    }

    /// Project tickets are Autotask tasks (`taskID`); the rest ticket time (`ticketID`).
    public mutating func timeEntry(_ entry: TimeEntry, isTask: Bool) -> AutotaskTimeEntry {
        var item = AutotaskTimeEntry(id: Self.key(entry.id))
        item.resourceID = Self.int(entry.memberID)
        item.roleID = Self.int(entry.workRoleID)
        item.billingCodeID = Self.int(entry.workTypeID)
        if isTask { item.taskID = Self.int(entry.ticketID) } else { item.ticketID = Self.int(entry.ticketID) }
        item.contractID = Self.int(entry.agreementID)
        item.timeEntryType = picklists.value(.timeEntries, "timeEntryType", AutotaskVocabulary.timeEntryType(entry.chargeKind))
        item.dateWorked = Self.date(entry.workDate)
        item.startDateTime = entry.startAt.date
        item.endDateTime = entry.endAt?.date
        item.hoursWorked = entry.actualHours.value
        item.hoursToBill = entry.billedHours.value
        item.offsetHours = 0
        let flags = AutotaskVocabulary.flags(entry.billableOption)
        item.isNonBillable = flags.isNonBillable
        item.showOnInvoice = flags.showOnInvoice
        item.createDateTime = entry.enteredAt.date
        item.lastModifiedDateTime = entry.updatedAt.date
        item.creatorUserID = item.resourceID
        return item
    }

    public mutating func ticket(_ ticket: Ticket) -> AutotaskTicket {
        var item = AutotaskTicket(id: Self.key(ticket.id))
        item.ticketNumber = "T\(ticket.id.rawValue)"
        item.title = ticket.summary
        item.companyID = Self.int(ticket.companyID)
        item.contractID = Self.int(ticket.agreementID)
        item.projectID = Self.int(ticket.projectID)
        item.queueID = picklists.value(.tickets, "queueID", ticket.board)
        let issue = ticket.type.map { picklists.value(.tickets, "issueType", $0) }
        item.issueType = issue
        item.subIssueType = ticket.subtype.map { picklists.value(.tickets, "subIssueType", $0, parent: issue) }
        item.ticketCategory = picklists.value(.tickets, "ticketCategory", AutotaskVocabulary.ticketCategory(ticket.serviceClass))
        item.status = picklists.value(.tickets, "status", ticket.status)
        item.priority = picklists.value(.tickets, "priority", ticket.priority)
        item.createDate = ticket.createdAt.date
        item.firstResponseDateTime = ticket.firstResponseAt?.date
        item.resolvedDateTime = ticket.resolvedAt?.date
        item.completedDate = ticket.closedAt?.date
        item.serviceLevelAgreementHasBeenMet = ticket.slaMet
        item.estimatedHours = ticket.budgetHours?.value
        item.lastActivityDate = ticket.updatedAt.date
        item.lastTrackedModificationDateTime = ticket.updatedAt.date
        item.description = ticket.item
        item.userDefinedFields = []
        return item
    }

    public mutating func task(_ ticket: Ticket) -> AutotaskTask {
        var item = AutotaskTask(id: Self.key(ticket.id))
        item.taskNumber = "T\(ticket.id.rawValue)"
        item.title = ticket.summary
        item.projectID = Self.int(ticket.projectID)
        item.status = picklists.value(.tasks, "status", ticket.status)
        item.priorityLabel = picklists.value(.tasks, "priorityLabel", ticket.priority)
        item.priority = ticket.priorityLevel
        item.createDateTime = ticket.createdAt.date
        item.completedDateTime = ticket.closedAt?.date
        item.estimatedHours = ticket.budgetHours?.value
        item.lastActivityDateTime = ticket.updatedAt.date
        item.isTaskBillable = true
        item.userDefinedFields = []
        return item
    }

    public mutating func project(_ project: Project) -> AutotaskProject {
        var item = AutotaskProject(id: Self.key(project.id))
        item.projectName = project.name
        item.projectNumber = "P\(project.id.rawValue)"
        item.companyID = Self.int(project.companyID)
        item.contractID = Self.int(project.agreementID)
        item.status = picklists.value(.projects, "status", project.status)
        item.startDateTime = Self.date(project.startDate)
        item.endDateTime = Self.date(project.endDate)
        item.completedDateTime = project.closed ? Self.date(project.endDate ?? project.startDate) : nil
        item.estimatedTime = project.budgetHours?.value
        item.actualHours = project.actualHours?.value
        item.laborEstimatedRevenue = project.estimatedRevenue?.amount
        item.laborEstimatedCosts = project.estimatedCost?.amount
        item.lastActivityDateTime = project.updatedAt.date
        item.createDateTime = project.updatedAt.date
        item.userDefinedFields = [AutotaskUDF(name: AutotaskVocabulary.billingMethodUDF, value: project.billingMethod.rawValue)]
        return item
    }

    public mutating func opportunity(_ opportunity: Opportunity) -> AutotaskOpportunity {
        var item = AutotaskOpportunity(id: Self.key(opportunity.id))
        item.title = opportunity.name
        item.companyID = Self.int(opportunity.companyID)
        item.stage = picklists.value(.opportunities, "stage", opportunity.stage)
        item.status = picklists.value(.opportunities, "status", AutotaskVocabulary.opportunityStatus(opportunity.outcome))
        item.onetimeRevenue = opportunity.oneTimeValue.amount
        item.monthlyRevenue = opportunity.recurringValue.amount
        item.amount = opportunity.oneTimeValue.amount + opportunity.recurringValue.amount * 12
        item.probability = NSDecimalNumber(decimal: opportunity.probability * 100).intValue
        item.projectedCloseDate = Self.date(opportunity.expectedCloseDate)
        item.closedDate = opportunity.outcome == .won ? Self.date(opportunity.closedDate) : nil
        item.lostDate = opportunity.outcome == .lost ? Self.date(opportunity.closedDate) : nil
        item.ownerResourceID = Self.int(opportunity.salesMemberID)
        item.lastActivity = opportunity.updatedAt.date
        item.createDate = opportunity.updatedAt.date
        item.useQuoteTotals = false
        item.userDefinedFields = []
        return item
    }

    public func expenseItem(_ expense: ExpenseEntry, reportID: Int) -> AutotaskExpenseItem {
        var item = AutotaskExpenseItem(id: Self.key(expense.id))
        item.expenseReportID = reportID
        item.companyID = Self.int(expense.companyID)
        item.expenseDate = Self.date(expense.date)
        item.expenseCurrencyExpenseAmount = expense.amount.amount
        item.internalCurrencyExpenseAmount = expense.amount.amount
        item.internalCurrencyReimbursementAmount = expense.amount.amount
        item.isBillableToCompany = expense.billable
        item.isReimbursable = true
        item.isRejected = false
        item.haveReceipt = true
        return item
    }

    public func expenseReport(id: Int, memberID: ID<Member>, weekEnding: CalendarDate, total: Money) -> AutotaskExpenseReport {
        var item = AutotaskExpenseReport(id: id)
        item.name = "Expenses week ending \(weekEnding)"
        item.submitterID = Self.int(memberID)
        item.weekEnding = Self.date(weekEnding)
        item.internalCurrencyExpenseTotal = total.amount
        item.amountDue = total.amount
        item.submit = true
        return item
    }
}
