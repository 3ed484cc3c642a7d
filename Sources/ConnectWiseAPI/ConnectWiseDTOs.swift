import Foundation
import InsightCore

// The JSON shapes of the ConnectWise REST API 3.0 (field names as in NOTES.md Appendix A), only the fields the
// product reads, and their mapping into the domain. Reference objects (`company`, `member`, …) carry `id` and
// more; only `id` is read. Unknown fields are ignored; missing optional fields are `nil`.

struct CWReference: Decodable {
    let id: Int
    let name: String?
    let identifier: String?
}

struct CWInfo: Decodable {
    let lastUpdated: String?
    let dateEntered: String?
}

struct CWCurrency: Decodable {
    let currencyCode: String?
}

/// `hourlyCost` on time entries is a string ("0.00") although it is a number everywhere else.
struct CWNumber: Decodable {
    let value: Decimal
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Decimal.self) {
            value = number
        } else {
            let text = try container.decode(String.self)
            guard let number = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a number")
            }
            value = number
        }
    }
}

func instant(_ text: String?, field: String) throws(MappingError) -> Timestamp? {
    guard let text else { return nil }
    guard let date = parseDate(text) else { throw MappingError(reason: "\(field) '\(text)' is not an ISO 8601 date") }
    return Timestamp(date)
}

/// ConnectWise sends calendar dates as midnight UTC (`2018-07-12T00:00:00Z`): the day is read in UTC.
func day(_ text: String?, field: String) throws(MappingError) -> CalendarDate? {
    guard let stamp = try instant(text, field: field) else { return nil }
    // Invariant: "UTC" is always a known time zone.
    return CalendarDate(stamp, in: TimeZone(identifier: "UTC")!)
}

func currencyCode(_ object: CWCurrency?, _ context: ConnectWiseContext) -> CurrencyCode {
    object?.currencyCode.flatMap(CurrencyCode.init(rawValue:)) ?? context.currency
}

func reference<T>(_ object: CWReference?) -> ID<T>? { object.map { ID(String($0.id)) } }

/// The update time: `_info.lastUpdated`, which every full response carries. Recordings trimmed of `_info` fall
/// back to the record's own date, and without one to the epoch: "unknown, older than any sync", so the next
/// sync that sees a real update time overwrites it.
func updated(_ info: CWInfo?, fallback: String?) throws(MappingError) -> Timestamp {
    try instant(info?.lastUpdated ?? info?.dateEntered ?? fallback, field: "_info.lastUpdated") ?? Timestamp(rawValue: 0)
}

struct CWTimeEntry: CWItem {
    let id: Int
    let company: CWReference?
    let chargeToId: Int?
    let chargeToType: String?
    let member: CWReference
    let workType: CWReference?
    let workRole: CWReference?
    let agreement: CWReference?
    let ticket: CWReference?
    let project: CWReference?
    let invoice: CWReference?
    let timeStart: String
    let timeEnd: String?
    let actualHours: Decimal?
    let hoursBilled: Decimal?
    let billableOption: String?
    let hourlyRate: Decimal?
    let hourlyCost: CWNumber?
    let dateEntered: String?
    let _info: CWInfo?

    func record(_ context: ConnectWiseContext) throws(MappingError) -> TimeEntry {
        // Invariant: `timeStart` is required; `instant` returns non-nil for a present string or throws.
        let start = try instant(timeStart, field: "timeStart")!
        let end = try instant(timeEnd, field: "timeEnd")
        let workTypeID: ID<WorkType>? = reference(workType)
        let charge: TimeEntry.ChargeKind
        switch chargeToType {
        case "ServiceTicket": charge = .ticket
        case "ProjectTicket": charge = .projectTicket
        case "ChargeCode", "Activity", nil:
            charge = workTypeID.map(context.timeOffWorkTypes.contains) == true ? .timeOff : .internal
        case let other?: throw MappingError(reason: "unknown chargeToType '\(other)'")
        }
        let option: TimeEntry.BillableOption
        switch billableOption {
        case "Billable": option = .billable
        case "DoNotBill": option = .doNotBill
        case "NoCharge": option = .noCharge
        case "NoDefault", nil: option = .noDefault
        case let other?: throw MappingError(reason: "unknown billableOption '\(other)'")
        }
        let actual = actualHours ?? end.map { Decimal($0.rawValue - start.rawValue) / 3_600_000 } ?? 0
        let ticketID: ID<Ticket>? =
            ticket.map { ID(String($0.id)) }
            ?? ((charge == .ticket || charge == .projectTicket) ? chargeToId.map { ID(String($0)) } : nil)
        return TimeEntry(
            source: .connectwise, id: ID(String(id)),
            updatedAt: try updated(_info, fallback: dateEntered),
            memberID: ID(String(member.id)), companyID: reference(company), chargeKind: charge, ticketID: ticketID,
            projectID: reference(project), agreementID: reference(agreement), workTypeID: workTypeID,
            workRoleID: reference(workRole), billableOption: option,
            workDate: CalendarDate(start, in: context.timeZone), startAt: start, endAt: end,
            enteredAt: try instant(dateEntered ?? _info?.dateEntered, field: "dateEntered") ?? start,
            actualHours: Hours(actual), billedHours: Hours(hoursBilled ?? 0),
            hourlyRate: hourlyRate.map { Money($0, context.currency) },
            hourlyCost: hourlyCost.map { Money($0.value, context.currency) }, invoiceID: reference(invoice))
    }
}

struct CWInvoice: CWItem {
    let id: Int
    let invoiceNumber: String
    let type: String
    let company: CWReference
    let applyToType: String?
    let applyToId: Int?
    let agreement: CWReference?
    let project: CWReference?
    let date: String
    let dueDate: String?
    let subtotal: Decimal
    let salesTax: Decimal?
    let total: Decimal
    let balance: Decimal?
    let currency: CWCurrency?
    let _info: CWInfo?

    func record(_ context: ConnectWiseContext) throws(MappingError) -> Invoice {
        let kind: Invoice.Kind
        switch type {
        case "Standard", "Miscellaneous": kind = .standard
        case "Agreement": kind = .agreement
        case "Progress": kind = .progress
        case "DownPayment": kind = .downpayment
        case "CreditMemo": kind = .credit
        default: throw MappingError(reason: "unknown invoice type '\(type)'")
        }
        let code = currencyCode(self.currency, context)
        // Invariant: `date` is required; `day` returns non-nil for a present string or throws.
        let invoiceDate = try day(date, field: "date")!
        let agreementID: ID<Agreement>? = reference(agreement) ?? (applyToType == "Agreement" ? applyToId.map { ID(String($0)) } : nil)
        let projectID: ID<Project>? = reference(project) ?? (applyToType == "Project" ? applyToId.map { ID(String($0)) } : nil)
        return Invoice(
            source: .connectwise, id: ID(String(id)), updatedAt: try updated(_info, fallback: date),
            number: invoiceNumber, companyID: ID(String(company.id)), kind: kind, date: invoiceDate,
            dueDate: try day(dueDate, field: "dueDate") ?? invoiceDate, subtotal: Money(subtotal, code),
            tax: Money(salesTax ?? 0, code), total: Money(total, code), balance: Money(balance ?? total, code),
            agreementID: agreementID, projectID: projectID)
    }
}

struct CWAgreement: CWItem {
    let id: Int
    let name: String
    let type: CWReference
    let company: CWReference
    let parentAgreement: CWReference?
    let startDate: String?
    let endDate: String?
    let cancelledFlag: Bool?
    let dateCancelled: String?
    let agreementStatus: String?
    let applicationUnits: String?
    let applicationLimit: Decimal?
    let billAmount: Decimal?
    let billingCycle: CWReference?
    let billTime: String?
    let currency: CWCurrency?
    let _info: CWInfo?

    /// What the agreement's own structure says, never its type's name: an hours-based application limit is block
    /// hours, a recurring billed amount a fixed fee, otherwise time and materials. The MSP's meaning of the type
    /// (licence resale, project, not revenue…) comes from its classification (`ClassificationDimension.agreementType`).
    static func structuralBillingModel(units: String?, limit: Decimal?, amount: Decimal?) -> Agreement.BillingModel {
        if units == "Hours", (limit ?? 0) > 0 { return .blockHours }
        if (amount ?? 0) > 0 { return .fixedFee }
        return .timeAndMaterials
    }

    func record(_ context: ConnectWiseContext) throws(MappingError) -> Agreement {
        let typeName = type.name ?? String(type.id)
        let model = Self.structuralBillingModel(units: applicationUnits, limit: applicationLimit, amount: billAmount)
        let status: Agreement.Status
        switch agreementStatus {
        case "Active", nil: status = cancelledFlag == true ? .cancelled : .active
        case "Cancelled": status = .cancelled
        case "Expired": status = .expired
        case "Inactive": status = .inactive
        case let other?: throw MappingError(reason: "unknown agreementStatus '\(other)'")
        }
        let cycle: Agreement.BillingCycle
        switch billingCycle?.name?.lowercased() {
        case "quarterly": cycle = .quarterly
        case "yearly", "annually", "annual": cycle = .annually
        case "one time", "onetime", "one-time": cycle = .oneTime
        default: cycle = .monthly
        }
        let code = currencyCode(self.currency, context)
        guard let start = try day(startDate, field: "startDate") else { throw MappingError(reason: "agreement \(id) has no startDate") }
        return Agreement(
            source: .connectwise, id: ID(String(id)), updatedAt: try updated(_info, fallback: startDate),
            name: name, companyID: ID(String(company.id)), typeName: typeName, category: nil, billingModel: model,
            // ConnectWise always sends `billAmount`; 0 means the agreement bills no fixed amount.
            billingCycle: cycle, billingAmount: billAmount.flatMap { $0 == 0 ? nil : Money($0, code) }, startDate: start,
            endDate: try day(endDate, field: "endDate"), cancelledDate: try day(dateCancelled, field: "dateCancelled"),
            status: status, parentID: reference(parentAgreement),
            blockHoursLimit: model == .blockHours ? applicationLimit.map(Hours.init) : nil)
    }
}

struct CWCompany: CWItem {
    let id: Int
    let name: String
    let status: CWReference?
    let types: [CWReference]?
    let isVendorFlag: Bool?
    let deletedFlag: Bool?
    let market: CWReference?
    let territoryManager: CWReference?
    let _info: CWInfo?

    func record(_ context: ConnectWiseContext) throws(MappingError) -> Company {
        let typeNames = (types ?? []).compactMap { $0.name?.lowercased() }
        let kind: Company.Kind
        if context.ownCompanyID == ID(String(id)) || typeNames.contains("owner") || typeNames.contains("internal") {
            kind = .internal
        } else if typeNames.contains(where: { $0.contains("client") || $0.contains("customer") }) {
            kind = .client
        } else if isVendorFlag == true || typeNames.contains(where: { $0.contains("vendor") }) {
            kind = .vendor
        } else {
            kind = .prospect
        }
        let active = deletedFlag != true && !(status?.name?.lowercased().contains("inactive") ?? false)
        return Company(
            source: .connectwise, id: ID(String(id)), updatedAt: try updated(_info, fallback: nil),
            name: name, kind: kind, status: active ? .active : .inactive, market: market?.name,
            accountManagerID: reference(territoryManager))
    }
}

struct CWTicket: CWItem {
    let id: Int
    let summary: String
    let recordType: String?
    let board: CWReference?
    let status: CWReference?
    let type: CWReference?
    let subType: CWReference?
    let item: CWReference?
    let priority: CWReference?
    let company: CWReference
    let agreement: CWReference?
    let project: CWReference?
    let closedFlag: Bool?
    let closedDate: String?
    let dateResponded: String?
    let dateResolved: String?
    let isInSla: Bool?
    let budgetHours: Decimal?
    let actualHours: Decimal?
    let _info: CWInfo?

    func record(_ context: ConnectWiseContext) throws(MappingError) -> Ticket {
        let boardName = board?.name ?? "Unknown"
        // The structure says project; whether a service ticket is reactive or proactive is the board's classification.
        let serviceClass: Ticket.ServiceClass =
            recordType == "ProjectTicket" || recordType == "ProjectIssue" || project != nil ? .project : .other
        let priorityName = priority?.name ?? "Priority 3 - Normal"
        // "Priority 1 - Emergency" → 1; names without a digit count as normal (3).
        let level = priorityName.first(where: \.isNumber).flatMap { Int(String($0)) }.map { min(5, max(1, $0)) } ?? 3
        guard let created = try instant(_info?.dateEntered, field: "_info.dateEntered") else {
            throw MappingError(reason: "ticket \(id) has no _info.dateEntered")
        }
        let closed = closedFlag ?? false
        return Ticket(
            source: .connectwise, id: ID(String(id)), updatedAt: try updated(_info, fallback: nil),
            summary: summary, board: boardName, type: type?.name, subtype: subType?.name, item: item?.name,
            serviceClass: serviceClass, status: status?.name ?? (closed ? "Closed" : "New"), closed: closed,
            priority: priorityName, priorityLevel: level, companyID: ID(String(company.id)), agreementID: reference(agreement),
            projectID: reference(project), createdAt: created, firstResponseAt: try instant(dateResponded, field: "dateResponded"),
            resolvedAt: try instant(dateResolved, field: "dateResolved"), closedAt: try instant(closedDate, field: "closedDate"),
            // ConnectWise shows 0 budget hours on tickets nobody budgeted: no budget.
            slaMet: isInSla, budgetHours: budgetHours.flatMap { $0 == 0 ? nil : Hours($0) }, actualHours: actualHours.map(Hours.init))
    }
}

struct CWExpenseEntry: CWItem {
    let id: Int
    let member: CWReference
    let company: CWReference?
    let date: String
    let amount: Decimal
    let billableOption: String?
    let invoice: CWReference?
    let currency: CWCurrency?
    let _info: CWInfo?

    func record(_ context: ConnectWiseContext) throws(MappingError) -> ExpenseEntry {
        ExpenseEntry(
            source: .connectwise, id: ID(String(id)), updatedAt: try updated(_info, fallback: date),
            memberID: ID(String(member.id)), companyID: reference(company),
            // Invariant: `date` is required; `day` returns non-nil for a present string or throws.
            date: try day(date, field: "date")!, amount: Money(amount, currencyCode(self.currency, context)),
            billable: billableOption == "Billable", invoiceID: reference(invoice))
    }
}

struct CWProductItem: CWItem {
    let id: Int
    let catalogItem: CWReference
    let description: String?
    let productClass: String?
    let quantity: Decimal?
    let price: Decimal?
    let cost: Decimal?
    let company: CWReference?
    let invoice: CWReference?
    let agreement: CWReference?
    let _info: CWInfo?

    func record(_ context: ConnectWiseContext) throws(MappingError) -> ProductLine {
        guard let company else { throw MappingError(reason: "product \(id) has no company") }
        return ProductLine(
            source: .connectwise, id: ID(String(id)), updatedAt: try updated(_info, fallback: nil),
            companyID: ID(String(company.id)), catalogItem: catalogItem.identifier ?? String(catalogItem.id),
            description: description, category: productClass ?? "Product", isProduct: productClass != "Service",
            quantity: quantity ?? 0, unitPrice: Money(price ?? 0, context.currency),
            unitCost: cost.map { Money($0, context.currency) }, invoiceID: reference(invoice), agreementID: reference(agreement))
    }
}

struct CWMember: CWItem {
    let id: Int
    let identifier: String
    let firstName: String?
    let lastName: String
    let title: String?
    let inactiveFlag: Bool?
    let dailyCapacity: Decimal?
    let hourlyCost: Decimal?
    let hourlyRate: Decimal?
    let _info: CWInfo?

    /// ConnectWise keeps one current cost and rate per member; its history builds up in the store as syncs see
    /// them change (the rate is effective from the update day).
    func record(_ context: ConnectWiseContext) throws(MappingError) -> Member {
        let changed = try updated(_info, fallback: nil)
        let rate = Member.Rate(
            effectiveFrom: CalendarDate(changed, in: context.timeZone), hourlyCost: hourlyCost.map { Money($0, context.currency) },
            hourlyRate: hourlyRate.map { Money($0, context.currency) })
        return Member(
            source: .connectwise, id: ID(String(id)), updatedAt: changed, identifier: identifier,
            name: [firstName, lastName].compactMap { $0 }.joined(separator: " "), title: title, active: inactiveFlag != true,
            dailyCapacity: Hours(dailyCapacity ?? 8), rates: [rate])
    }
}

struct CWConfiguration: CWItem {
    let id: Int
    let name: String
    let type: CWReference?
    let company: CWReference
    let activeFlag: Bool?
    let _info: CWInfo?

    /// Configuration types are the MSP's own names: "server" and "workstation"/"desktop"/"laptop" in the name
    /// classify them, network gear by "network", "firewall", "switch" or "router".
    func record(_ context: ConnectWiseContext) throws(MappingError) -> ConfigurationItem {
        let typeName = type?.name?.lowercased() ?? ""
        let kind: ConfigurationItem.Kind =
            typeName.contains("server") ? .server
            : ["workstation", "desktop", "laptop", "pc"].contains(where: typeName.contains) ? .workstation
            : ["network", "firewall", "switch", "router", "access point"].contains(where: typeName.contains) ? .network : .other
        return ConfigurationItem(
            source: .connectwise, id: ID(String(id)), updatedAt: try updated(_info, fallback: nil),
            companyID: ID(String(company.id)), name: name, kind: kind, active: activeFlag ?? true, typeName: type?.name)
    }
}

struct CWWorkType: CWItem {
    let id: Int
    let name: String
    let billTime: String?
    let costMultiplier: Decimal?
    let utilizationFlag: Bool?
    let inactiveFlag: Bool?
    let _info: CWInfo?

    func record(_ context: ConnectWiseContext) throws(MappingError) -> WorkType {
        WorkType(
            source: .connectwise, id: ID(String(id)), updatedAt: try updated(_info, fallback: nil), name: name,
            billable: billTime == "Billable", costMultiplier: costMultiplier ?? 1, countsAsUtilized: utilizationFlag ?? false,
            isTimeOff: context.isTimeOff(workTypeNamed: name), active: inactiveFlag != true)
    }
}

struct CWWorkRole: CWItem {
    let id: Int
    let name: String
    let hourlyRate: Decimal?
    let inactiveFlag: Bool?
    let _info: CWInfo?

    func record(_ context: ConnectWiseContext) throws(MappingError) -> WorkRole {
        WorkRole(
            source: .connectwise, id: ID(String(id)), updatedAt: try updated(_info, fallback: nil), name: name,
            hourlyRate: hourlyRate.map { Money($0, context.currency) }, active: inactiveFlag != true)
    }
}

struct CWAddition: CWItem {
    let id: Int
    let product: CWReference
    let quantity: Decimal?
    let unitPrice: Decimal?
    let unitCost: Decimal?
    let billCustomer: String
    let effectiveDate: String?
    let cancelledDate: String?
    let agreementId: Int?
    let description: String?
    let _info: CWInfo?

    func record(_ context: ConnectWiseContext) throws(MappingError) -> AgreementAddition {
        guard let agreementId else { throw MappingError(reason: "addition \(id) has no agreementId") }
        guard let effective = try day(effectiveDate, field: "effectiveDate") else {
            throw MappingError(reason: "addition \(id) has no effectiveDate")
        }
        return AgreementAddition(
            source: .connectwise, id: ID(String(id)), updatedAt: try updated(_info, fallback: effectiveDate),
            agreementID: ID(String(agreementId)), productIdentifier: product.identifier ?? String(product.id),
            description: description, quantity: quantity ?? 0, unitPrice: Money(unitPrice ?? 0, context.currency),
            unitCost: unitCost.map { Money($0, context.currency) }, effectiveDate: effective,
            cancelledDate: try day(cancelledDate, field: "cancelledDate"), billedToCustomer: billCustomer == "Billable")
    }
}

struct CWProject: CWItem {
    let id: Int
    let name: String
    let company: CWReference
    let agreement: CWReference?
    let billingMethod: String?
    let budgetHours: Decimal?
    let actualHours: Decimal?
    let estimatedTimeRevenue: Decimal?
    let estimatedTimeCost: Decimal?
    let status: CWReference?
    let closedFlag: Bool?
    let estimatedStart: String?
    let estimatedEnd: String?
    let _info: CWInfo?

    func record(_ context: ConnectWiseContext) throws(MappingError) -> Project {
        let method: Project.BillingMethod =
            switch billingMethod {
            case "FixedFee": .fixedFee
            case "NotToExceed": .notToExceed
            default: .timeAndMaterials  // ActualRates, OverrideRate
            }
        guard let start = try day(estimatedStart, field: "estimatedStart") else {
            throw MappingError(reason: "project \(id) has no estimatedStart")
        }
        return Project(
            source: .connectwise, id: ID(String(id)), updatedAt: try updated(_info, fallback: nil), name: name,
            companyID: ID(String(company.id)), agreementID: reference(agreement), billingMethod: method,
            budgetHours: budgetHours.map(Hours.init), actualHours: actualHours.map(Hours.init),
            estimatedRevenue: estimatedTimeRevenue.map { Money($0, context.currency) },
            estimatedCost: estimatedTimeCost.map { Money($0, context.currency) }, status: status?.name ?? "Open",
            closed: closedFlag ?? false, startDate: start, endDate: try day(estimatedEnd, field: "estimatedEnd"))
    }
}
