import Foundation
public import InsightCore

/// Renders domain records as ConnectWise REST 3.0 items: real field names, reference objects with `_info`
/// hrefs, `_info.lastUpdated`, and no null properties (ConnectWise omits them). The simulator serves these; the
/// decoders in ``ConnectWiseRecords`` read them back.
///
/// Known differences, because ConnectWise has no field for them (also in docs/kpis.md):
/// an agreement's `category` (ConnectWise reports by agreement type); a member's rate *history* (ConnectWise
/// keeps the current cost and rate; time entries carry the cost at the time); and a product line's category (it
/// lives on the catalog item).
public struct ConnectWiseEncoder: Sendable {
    /// The site's API base, e.g. `https://cw.example.com/v4_6_release/apis/3.0`, for `_href`s.
    public var baseURL: String

    public init(baseURL: String) { self.baseURL = baseURL }

    static let iso = Date.ISO8601FormatStyle()
    /// The `_info` key of a reference's link, as ConnectWise names it (`company_href`, `member_href`, …).
    static let hrefKeys = [
        "company/companies": "company", "system/members": "member", "finance/agreements": "agreement",
        "service/tickets": "ticket", "project/projects": "project", "finance/invoices": "invoice",
        "time/workTypes": "workType", "time/workRoles": "workRole",
    ]

    func stamp(_ value: Timestamp) -> JSONValue { .string(value.date.formatted(Self.iso)) }
    /// Calendar dates go out as midnight UTC, as ConnectWise sends them.
    func day(_ value: CalendarDate) -> JSONValue { .string("\(value)T00:00:00Z") }
    func number(_ value: Decimal) -> JSONValue { .number(value) }
    func int<T>(_ id: ID<T>) -> JSONValue { .number(Decimal(string: id.rawValue) ?? 0) }
    func info(updated: Timestamp, entered: Timestamp? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["lastUpdated": stamp(updated)]
        if let entered { members["dateEntered"] = stamp(entered) }
        return .object(members)
    }
    func reference<T>(_ id: ID<T>?, _ path: String, name: String? = nil, identifier: String? = nil) -> JSONValue? {
        guard let id else { return nil }
        var members: [String: JSONValue] = ["id": int(id)]
        if let name { members["name"] = .string(name) }
        if let identifier { members["identifier"] = .string(identifier) }
        members["_info"] = .object(["\(Self.hrefKeys[path] ?? path)_href": .string("\(baseURL)/\(path)/\(id.rawValue)")])
        return .object(members)
    }
    /// An object without its `nil` members.
    func object(_ members: [String: JSONValue?]) -> JSONValue { .object(members.compactMapValues { $0 }) }

    public func company(_ record: Company) -> JSONValue {
        let typeName: String =
            switch record.kind {
            case .client: "Client"
            case .prospect: "Prospect"
            case .vendor: "Vendor"
            case .internal: "Owner"
            }
        return object([
            "id": int(record.id), "identifier": .string("C\(record.id.rawValue)"), "name": .string(record.name),
            "status": .object(["id": .number(record.status == .active ? 1 : 2), "name": .string(record.status == .active ? "Active" : "Inactive")]),
            "types": .array([.object(["id": .number(Decimal(Company.Kind.allCases.firstIndex(of: record.kind)! + 1)), "name": .string(typeName)])]),
            "market": record.market.map { .object(["id": .number(1), "name": .string($0)]) },
            "territoryManager": reference(record.accountManagerID, "system/members"),
            "isVendorFlag": .bool(record.kind == .vendor), "deletedFlag": .bool(false),
            "_info": info(updated: record.updatedAt),
        ])
    }

    public func configuration(_ record: ConfigurationItem) -> JSONValue {
        let typeName: String =
            switch record.kind {
            case .workstation: "Managed Workstation"
            case .server: "Managed Server"
            case .network: "Network Device"
            case .other: "Other"
            }
        return object([
            "id": int(record.id), "name": .string(record.name),
            "type": .object(["id": .number(Decimal(ConfigurationItem.Kind.allCases.firstIndex(of: record.kind)! + 1)), "name": .string(typeName)]),
            "company": reference(record.companyID, "company/companies"), "activeFlag": .bool(record.active),
            "_info": info(updated: record.updatedAt),
        ])
    }

    /// The member with its rate in force on `day` (ConnectWise keeps only the current one).
    public func member(_ record: Member, on day: CalendarDate) -> JSONValue {
        let parts = record.name.split(separator: " ", maxSplits: 1).map(String.init)
        let rate = record.rate(on: day) ?? record.rates.last
        return object([
            "id": int(record.id), "identifier": .string(record.identifier), "firstName": parts.first.map { .string($0) },
            "lastName": .string(parts.count > 1 ? parts[1] : record.name), "title": record.title.map { .string($0) },
            "inactiveFlag": .bool(!record.active), "dailyCapacity": number(record.dailyCapacity.value),
            "hourlyCost": rate?.hourlyCost.map { number($0.amount) }, "hourlyRate": rate?.hourlyRate.map { number($0.amount) },
            "_info": info(updated: record.updatedAt),
        ])
    }

    public func workType(_ record: WorkType) -> JSONValue {
        object([
            "id": int(record.id), "name": .string(record.name), "billTime": .string(record.billable ? "Billable" : "DoNotBill"),
            "costMultiplier": number(record.costMultiplier), "utilizationFlag": .bool(record.countsAsUtilized),
            "inactiveFlag": .bool(!record.active), "_info": info(updated: record.updatedAt),
        ])
    }

    public func workRole(_ record: WorkRole) -> JSONValue {
        object([
            "id": int(record.id), "name": .string(record.name), "hourlyRate": record.hourlyRate.map { number($0.amount) },
            "inactiveFlag": .bool(!record.active), "_info": info(updated: record.updatedAt),
        ])
    }

    public func agreement(_ record: Agreement, typeID: Int) -> JSONValue {
        let status: String =
            switch record.status {
            case .active: "Active"
            case .cancelled: "Cancelled"
            case .expired: "Expired"
            case .inactive: "Inactive"
            }
        let cycle: String =
            switch record.billingCycle {
            case .monthly: "Monthly"
            case .quarterly: "Quarterly"
            case .annually: "Yearly"
            case .oneTime: "One Time"
            }
        let hours = record.blockHoursLimit
        return object([
            "id": int(record.id), "name": .string(record.name),
            "type": .object(["id": .number(Decimal(typeID)), "name": .string(record.typeName)]),
            "company": reference(record.companyID, "company/companies"),
            "parentAgreement": reference(record.parentID, "finance/agreements"),
            "startDate": day(record.startDate), "endDate": record.endDate.map(day), "noEndingDateFlag": .bool(record.endDate == nil),
            "cancelledFlag": .bool(record.cancelledDate != nil), "dateCancelled": record.cancelledDate.map(day),
            "agreementStatus": .string(status), "applicationUnits": .string(hours == nil ? "Amount" : "Hours"),
            "applicationLimit": hours.map { number($0.value) }, "applicationUnlimitedFlag": .bool(hours == nil),
            "billAmount": number(record.billingAmount?.amount ?? 0),
            "billingCycle": .object(["id": .number(Decimal(Agreement.BillingCycle.allCases.firstIndex(of: record.billingCycle)! + 1)), "name": .string(cycle)]),
            "billTime": .string(record.billingModel == .timeAndMaterials ? "Billable" : "NoDefault"),
            "currency": record.billingAmount.map { .object(["currencyCode": .string($0.currency.rawValue)]) },
            "_info": info(updated: record.updatedAt),
        ])
    }

    public func addition(_ record: AgreementAddition) -> JSONValue {
        object([
            "id": int(record.id), "product": .object(["id": .number(1), "identifier": .string(record.productIdentifier)]),
            "quantity": number(record.quantity), "unitPrice": number(record.unitPrice.amount),
            "unitCost": record.unitCost.map { number($0.amount) }, "billCustomer": .string(record.billedToCustomer ? "Billable" : "DoNotBill"),
            "effectiveDate": day(record.effectiveDate), "cancelledDate": record.cancelledDate.map(day),
            "agreementId": int(record.agreementID), "description": record.description.map { .string($0) },
            "_info": info(updated: record.updatedAt),
        ])
    }

    public func invoice(_ record: Invoice) -> JSONValue {
        let type: String =
            switch record.kind {
            case .standard: "Standard"
            case .agreement: "Agreement"
            case .progress: "Progress"
            case .downpayment: "DownPayment"
            case .credit: "CreditMemo"
            }
        let applyTo: (String, JSONValue?) =
            record.projectID.map { ("Project", int($0)) } ?? record.agreementID.map { ("Agreement", int($0)) } ?? ("All", nil)
        return object([
            "id": int(record.id), "invoiceNumber": .string(record.number), "type": .string(type),
            "company": reference(record.companyID, "company/companies"), "applyToType": .string(applyTo.0), "applyToId": applyTo.1,
            "agreement": reference(record.agreementID, "finance/agreements"), "project": reference(record.projectID, "project/projects"),
            "date": day(record.date), "dueDate": day(record.dueDate), "subtotal": number(record.subtotal.amount),
            "salesTax": number(record.tax.amount), "total": number(record.total.amount), "balance": number(record.balance.amount),
            "currency": .object(["currencyCode": .string(record.total.currency.rawValue)]),
            "_info": info(updated: record.updatedAt, entered: record.date.start(in: TimeZone(identifier: "UTC")!)),
        ])
    }

    public func productItem(_ record: ProductLine) -> JSONValue {
        object([
            "id": int(record.id), "catalogItem": .object(["id": .number(1), "identifier": .string(record.catalogItem)]),
            "description": record.description.map { .string($0) }, "productClass": .string(record.isProduct ? "NonInventory" : "Service"),
            "quantity": number(record.quantity), "price": number(record.unitPrice.amount), "cost": record.unitCost.map { number($0.amount) },
            "billableOption": .string("Billable"), "company": reference(record.companyID, "company/companies"),
            "invoice": reference(record.invoiceID, "finance/invoices"), "agreement": reference(record.agreementID, "finance/agreements"),
            "_info": info(updated: record.updatedAt),
        ])
    }

    /// Internal and time-off time is charged to a charge code (ConnectWise's `ChargeCode` charge type); the
    /// work type tells them apart.
    public func timeEntry(_ record: TimeEntry) -> JSONValue {
        let chargeType: String
        var chargeTo: JSONValue? = nil
        switch record.chargeKind {
        case .ticket, .agreement, .project:
            chargeType = "ServiceTicket"
            chargeTo = record.ticketID.map(int)
        case .projectTicket:
            chargeType = "ProjectTicket"
            chargeTo = record.ticketID.map(int)
        case .internal, .timeOff:
            chargeType = "ChargeCode"
            chargeTo = .number(record.chargeKind == .timeOff ? 2 : 1)
        }
        let option: String =
            switch record.billableOption {
            case .billable: "Billable"
            case .doNotBill: "DoNotBill"
            case .noCharge: "NoCharge"
            case .noDefault: "NoDefault"
            }
        return object([
            "id": int(record.id), "company": reference(record.companyID, "company/companies"), "chargeToId": chargeTo,
            "chargeToType": .string(chargeType), "member": reference(record.memberID, "system/members"),
            "workType": reference(record.workTypeID, "time/workTypes"), "workRole": reference(record.workRoleID, "time/workRoles"),
            "agreement": reference(record.agreementID, "finance/agreements"), "ticket": reference(record.ticketID, "service/tickets"),
            "project": reference(record.projectID, "project/projects"), "invoice": reference(record.invoiceID, "finance/invoices"),
            "timeStart": stamp(record.startAt), "timeEnd": record.endAt.map(stamp), "actualHours": number(record.actualHours.value),
            "hoursBilled": number(record.billedHours.value), "billableOption": .string(option),
            "hourlyRate": record.hourlyRate.map { number($0.amount) },
            // A string on time entries, unlike every other amount (a quirk of the real API).
            "hourlyCost": record.hourlyCost.map { .string("\($0.amount)") },
            "dateEntered": stamp(record.enteredAt), "_info": info(updated: record.updatedAt),
        ])
    }

    public func expenseEntry(_ record: ExpenseEntry) -> JSONValue {
        object([
            "id": int(record.id), "member": reference(record.memberID, "system/members"),
            "company": reference(record.companyID, "company/companies"), "date": day(record.date), "amount": number(record.amount.amount),
            "billableOption": .string(record.billable ? "Billable" : "DoNotBill"), "invoice": reference(record.invoiceID, "finance/invoices"),
            "currency": .object(["currencyCode": .string(record.amount.currency.rawValue)]), "_info": info(updated: record.updatedAt),
        ])
    }

    public func ticket(_ record: Ticket) -> JSONValue {
        object([
            "id": int(record.id), "summary": .string(record.summary),
            "recordType": .string(record.serviceClass == .project ? "ProjectTicket" : "ServiceTicket"),
            "board": .object(["id": .number(Decimal(abs(record.board.utf8.reduce(0) { $0 &+ Int($1) }) % 100 + 1)), "name": .string(record.board)]),
            "status": .object(["id": .number(record.closed ? 17 : 1), "name": .string(record.status), "Sort": .number(record.closed ? 30 : 1)]),
            "type": record.type.map { .object(["id": .number(1), "name": .string($0)]) },
            "subType": record.subtype.map { .object(["id": .number(1), "name": .string($0)]) },
            "item": record.item.map { .object(["id": .number(1), "name": .string($0)]) },
            "priority": .object(["id": .number(Decimal(record.priorityLevel)), "name": .string(record.priority)]),
            "company": reference(record.companyID, "company/companies"), "agreement": reference(record.agreementID, "finance/agreements"),
            "project": reference(record.projectID, "project/projects"), "closedFlag": .bool(record.closed),
            "closedDate": record.closedAt.map(stamp), "dateResponded": record.firstResponseAt.map(stamp),
            "dateResolved": record.resolvedAt.map(stamp), "isInSla": record.slaMet.map { .bool($0) },
            "budgetHours": record.budgetHours.map { number($0.value) }, "actualHours": record.actualHours.map { number($0.value) },
            "_info": info(updated: record.updatedAt, entered: record.createdAt),
        ])
    }

    public func project(_ record: Project) -> JSONValue {
        let method: String =
            switch record.billingMethod {
            case .fixedFee: "FixedFee"
            case .timeAndMaterials: "ActualRates"
            case .notToExceed: "NotToExceed"
            }
        return object([
            "id": int(record.id), "name": .string(record.name), "company": reference(record.companyID, "company/companies"),
            "agreement": reference(record.agreementID, "finance/agreements"), "billingMethod": .string(method),
            "budgetHours": record.budgetHours.map { number($0.value) }, "actualHours": record.actualHours.map { number($0.value) },
            "estimatedTimeRevenue": record.estimatedRevenue.map { number($0.amount) },
            "estimatedTimeCost": record.estimatedCost.map { number($0.amount) },
            "status": .object(["id": .number(1), "name": .string(record.status)]), "closedFlag": .bool(record.closed),
            "estimatedStart": day(record.startDate), "estimatedEnd": record.endDate.map(day),
            "_info": info(updated: record.updatedAt),
        ])
    }
}

extension ConnectWiseEncoder {
    /// An opportunity. ConnectWise keeps its values on forecast items (``forecast(_:)``), not on the opportunity.
    public func opportunity(_ record: Opportunity) -> JSONValue {
        object([
            "id": int(record.id), "name": .string(record.name), "company": reference(record.companyID, "company/companies"),
            "stage": .object(["id": .number(1), "name": .string(record.stage)]),
            "status": opportunityStatus(record.outcome),
            "probability": .object(["id": .number(1), "name": .string("\(record.probability * 100)")]),
            "expectedCloseDate": day(record.expectedCloseDate), "closedDate": record.closedDate.map(day),
            "primarySalesRep": reference(record.salesMemberID, "system/members"), "_info": info(updated: record.updatedAt),
        ])
    }
}
