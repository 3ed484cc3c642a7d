import Foundation
public import InsightCore

/// Time entries and expense entries.
extension ConnectWiseEncoder {
    /// Internal and time-off time is charged to a charge code (ConnectWise's `ChargeCode` charge type); the
    /// work type tells them apart.
    ///
    /// Billing follows the entry: invoiced time is `Billed`; billable time on an agreement that pays for time
    /// (fixed fee, block hours) is applied to it (`agreementHours`, `agreementAmount`, status `BilledAgreement`);
    /// other billable time waits for month-end invoicing (`ReadyToBill`); time nobody bills is `WrittenOff`.
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
        let department: ConnectWiseSiteSetup.Department =
            switch record.chargeKind {
            case .projectTicket, .project: .projects
            case .internal, .timeOff: .administration
            case .ticket, .agreement: .service
            }
        let agreement = record.agreementID.flatMap { directory.agreements[$0] }
        let ticket = record.ticketID.flatMap { directory.tickets[$0] }
        let billable = record.billableOption == .billable
        let covered = billable && record.invoiceID == nil && record.projectID == nil && agreement?.coversTime == true
        let status =
            record.invoiceID != nil ? "Billed" : covered ? "BilledAgreement" : billable ? "ReadyToBill" : "WrittenOff"
        let hours = record.billedHours.value
        let rate = record.hourlyRate?.amount ?? 0
        let sheet = Self.timeSheetID(member: record.memberID, day: record.workDate)
        let company = record.companyID.flatMap { directory.companies[$0] }
        let identifier = directory.memberIdentifier(record.memberID)
        let parties: [String: JSONValue?] = [
            "id": int(record.id), "company": directory.company(record.companyID), "companyType": company.map { .string($0.typeNames) },
            "chargeToId": chargeTo, "chargeToType": .string(chargeType),
            "member": directory.member(record.memberID, withCapacity: true), "enteredBy": identifier.map { .string($0) },
            "workType": directory.workType(record.workTypeID), "workRole": directory.workRole(record.workRoleID),
            "agreement": directory.agreement(record.agreementID), "agreementType": agreement.map { .string($0.typeName) },
            "ticket": directory.ticket(record.ticketID), "ticketBoard": ticket.map { .string($0.board) },
            "ticketStatus": ticket.map { .string($0.status) }, "project": directory.project(record.projectID),
            "phase": record.projectID == nil ? nil : ticket?.phase,
            "projectActivity": record.projectID == nil ? nil : ticket.map { .string($0.summary) },
            "invoice": directory.invoice(record.invoiceID),
        ]
        let site: [String: JSONValue?] = [
            "locationId": .number(Decimal(setup.locationID)), "location": setup.location, "locationName": .string(setup.locationName),
            "territory": .string(setup.locationName), "businessUnitId": .number(Decimal(department.rawValue)),
            "businessGroupDesc": .string(department.name), "department": setup.businessUnit(department), "taxCode": setup.taxCode,
            "timeSheet": directory.timeSheets[sheet] ?? Self.weekly(sheet, "timeSheet", "time/sheets", record.workDate, baseURL),
            "mobileGuid": Self.guid(5, record.id.rawValue),
        ]
        let work: [String: JSONValue?] = [
            "timeStart": stamp(record.startAt), "timeEnd": record.endAt.map(stamp), "hoursDeduct": number(0),
            "actualHours": number(record.actualHours.value), "notes": .string(Self.notes(for: record)),
            "addToDetailDescriptionFlag": .bool(record.ticketID != nil), "addToInternalAnalysisFlag": .bool(false),
            "addToResolutionFlag": .bool(false), "emailResourceFlag": .bool(false), "emailContactFlag": .bool(false),
            "emailCcFlag": .bool(false), "dateEntered": stamp(record.enteredAt), "_info": info(updated: record.updatedAt),
        ]
        let billing: [String: JSONValue?] = [
            "billableOption": .string(option), "hoursBilled": number(hours), "invoiceHours": number(hours),
            "extendedInvoiceAmount": number(hours * rate), "agreementHours": number(covered ? hours : 0),
            "agreementAmount": number(covered ? hours * rate : 0), "agreementAdjustment": number(0), "adjustment": number(0),
            "invoiceFlag": .bool(record.invoiceID != nil), "invoiceReady": .number(status == "ReadyToBill" ? 1 : 0),
            "status": .string(status), "hourlyRate": record.hourlyRate.map { number($0.amount) },
            // A string on time entries, unlike every other amount (a quirk of the real API).
            "hourlyCost": record.hourlyCost.map { .string("\($0.amount)") },
        ]
        return object(parties, site, work, billing)
    }

    /// An expense entry: mileage to a client site, on the member's weekly expense report, charged to the travel
    /// charge code and paid back to the member.
    public func expenseEntry(_ record: ExpenseEntry) -> JSONValue {
        let status = record.invoiceID != nil ? "Billed" : record.billable ? "ReadyToBill" : "WrittenOff"
        let report = Self.timeSheetID(member: record.memberID, day: record.date)
        return object([
            "id": int(record.id), "expenseReport": Self.weekly(report, "expenseReport", "expense/reports", record.date, baseURL),
            "member": directory.member(record.memberID), "company": directory.company(record.companyID),
            "chargeToId": .number(3), "chargeToType": .string("ChargeCode"), "type": setup.mileage,
            "paymentMethod": setup.paidByEmployee, "classification": setup.reimbursable, "date": day(record.date),
            "amount": number(record.amount.amount), "billableOption": .string(record.billable ? "Billable" : "DoNotBill"),
            // What ConnectWise would bill (real recordings show it on unbilled entries too); nothing is covered.
            "invoiceAmount": number(record.amount.amount), "billAmount": number(record.amount.amount), "agreementAmount": number(0),
            "locationId": .number(Decimal(setup.locationID)), "businessUnitId": .number(Decimal(ConnectWiseSiteSetup.Department.service.rawValue)),
            "status": .string(status), "invoice": directory.invoice(record.invoiceID), "mobileGuid": Self.guid(6, record.id.rawValue),
            "currency": directory.currency(record.amount.currency), "_info": info(updated: record.updatedAt),
        ])
    }

    /// The id of `member`'s weekly time sheet (and expense report) for the week of `day`, Monday to Sunday.
    static func timeSheetID(member: ID<Member>, day: CalendarDate) -> Int {
        let monday = day.adding(days: 1 - day.isoWeekday)
        return (monday.daysSinceEpoch / 7) * 1_000 + (Int(member.rawValue) ?? 0) % 1_000
    }

    /// A weekly sheet reference named like ConnectWise's: `2026-03-02 to 2026-03-08`.
    static func weekly(_ id: Int, _ key: String, _ path: String, _ day: CalendarDate, _ baseURL: String) -> JSONValue {
        let monday = day.adding(days: 1 - day.isoWeekday)
        return .object([
            "id": .number(Decimal(id)), "name": .string("\(monday) to \(monday.adding(days: 6))"),
            "_info": .object(["\(key)_href": .string("\(baseURL)/\(path)/\(id)")]),
        ])
    }

    /// What the member wrote: one of a few phrases for the kind of work.
    static func notes(for record: TimeEntry) -> String {
        let phrases: [String] =
            switch record.chargeKind {
            case .ticket, .agreement:
                [
                    "Remote session with the user; applied the fix and confirmed it works.",
                    "Investigated the issue, updated the ticket and the user.", "Followed up and verified the resolution.",
                ]
            case .projectTicket, .project:
                ["Configuration and testing for the current phase.", "Project work as planned for the phase.", "Status meeting and documentation."]
            case .internal: ["Internal administration and documentation.", "Team meeting.", "Training."]
            case .timeOff: ["Time off."]
            }
        return phrases[(Int(record.id.rawValue) ?? 0) % phrases.count]
    }
}
