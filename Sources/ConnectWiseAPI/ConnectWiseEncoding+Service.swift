import Foundation
public import InsightCore

/// Service tickets, project tickets and projects.
extension ConnectWiseEncoder {
    /// A ticket. Its owner is the member who logged time on it first and its resources everyone who did; the
    /// contact and address are its company's. Reactive tickets run under the Standard SLA, whose resolution
    /// target per priority is the one `isInSla` is measured against; the SLA clock fields count minutes from
    /// the ticket's creation. Severity and impact follow the priority.
    public func ticket(_ record: Ticket) -> JSONValue {
        let work = directory.ticketWork[record.id]
        let owner = directory.memberIdentifier(work?.owner).map { JSONValue.string($0) }
        let profile = directory.profile(record.companyID)
        let reactive = record.serviceClass == .reactive
        let level = min(5, max(1, record.priorityLevel))
        let resolveTarget = reactive ? directory.resolutionTargets[level]?.value : nil
        let respondTarget: Decimal? = resolveTarget == nil ? nil : Decimal([1, 1, 2, 4, 8, 8][level])
        let (severity, impact) =
            [("High", "High"), ("High", "High"), ("High", "Medium"), ("Medium", "Medium"), ("Low", "Medium"), ("Low", "Low")][level]
        func minutes(_ instant: Timestamp?) -> JSONValue {
            .number(Decimal(instant.map { max(0, ($0.rawValue - record.createdAt.rawValue) / 60_000) } ?? 0))
        }
        let source: ConnectWiseSiteSetup.Source =
            switch record.serviceClass {
            case .reactive: [.phone, .email, .portal][(Int(record.id.rawValue) ?? 0) % 3]
            case .proactive: .monitoring
            case .project, .internal, .other: .internal
            }
        let method: String =
            switch record.projectID.flatMap({ directory.projectMethods[$0] }) {
            case .fixedFee: "FixedFee"
            case .notToExceed: "NotToExceed"
            case .timeAndMaterials, nil: "ActualRates"
            }
        let slaStatus: String =
            record.resolvedAt != nil ? "Resolved"
            : record.firstResponseAt == nil ? "Respond"
            : resolveTarget == nil ? "Responded" : "Resolve"
        let labels: [String: JSONValue?] = [
            "id": int(record.id), "summary": .string(record.summary),
            "recordType": .string(record.serviceClass == .project ? "ProjectTicket" : "ServiceTicket"),
            "board": directory.label(.board, of: record), "status": directory.label(.status, of: record),
            "type": directory.label(.type, of: record), "subType": directory.label(.subType, of: record),
            "item": directory.label(.item, of: record), "priority": directory.label(.priority, of: record),
            "team": directory.label(.team, of: record), "owner": directory.member(work?.owner),
            "resources": work.map { .string($0.resources) },
        ]
        let parties: [String: JSONValue?] = [
            "company": directory.company(record.companyID), "agreement": directory.agreement(record.agreementID),
            "project": directory.project(record.projectID), "addressLine1": .string(profile.addressLine1),
            "city": .string(profile.city), "zip": .string(profile.zip), "country": setup.country.reference,
            "contact": profile.contact, "contactName": .string(profile.contactName),
            "contactPhoneNumber": .string(profile.contactPhone), "contactEmailAddress": .string(profile.contactEmail),
            "serviceLocation": work?.onSite == true ? setup.onSite : setup.remote, "source": setup.source(source),
            "severity": .string(severity), "impact": .string(impact), "location": setup.location,
            "department": setup.department(record.serviceClass == .project ? .projects : .service),
        ]
        let flags: [String: JSONValue?] = [
            "allowAllClientsPortalView": .bool(false), "customerUpdatedFlag": .bool(false),
            "automaticEmailContactFlag": .bool(reactive), "automaticEmailResourceFlag": .bool(false), "automaticEmailCcFlag": .bool(false),
            "closedFlag": .bool(record.closed), "closedDate": record.closedAt.map(stamp), "closedBy": record.closed ? owner : nil,
            "approved": .bool(true),
            // Ticket budgets are hours only; 0 where nobody budgeted the ticket.
            "budgetHours": number(record.budgetHours?.value ?? 0), "actualHours": record.actualHours.map { number($0.value) },
        ]
        let billing: [String: JSONValue?] = [
            "estimatedExpenseCost": number(0), "estimatedExpenseRevenue": number(0), "estimatedProductCost": number(0),
            "estimatedProductRevenue": number(0), "estimatedTimeCost": number(0), "estimatedTimeRevenue": number(0),
            "billingMethod": .string(method), "subBillingMethod": .string(method),
            "billTime": .string(record.serviceClass == .proactive ? "DoNotBill" : "Billable"), "billExpenses": .string("Billable"),
            "billProducts": .string("Billable"), "hasChildTicket": .bool(false), "hasMergedChildTicketFlag": .bool(false),
            "requestForChangeFlag": .bool(false), "currency": setup.currency, "mobileGuid": Self.guid(7, record.id.rawValue),
        ]
        let clock: [String: JSONValue?] = [
            "sla": reactive ? setup.standardSLA : setup.noSLA, "slaStatus": .string(slaStatus),
            "dateResponded": record.firstResponseAt.map(stamp), "dateResplan": record.firstResponseAt.map(stamp),
            "dateResolved": record.resolvedAt.map(stamp), "isInSla": record.slaMet.map { .bool($0) },
            "respondMinutes": minutes(record.firstResponseAt), "resPlanMinutes": minutes(record.firstResponseAt),
            "resolveMinutes": minutes(record.resolvedAt),
            // SLA targets in hours; 999 stands for none, as ConnectWise shows it.
            "respondedHours": number(respondTarget ?? 999), "resplanHours": number(respondTarget.map { $0 * 2 } ?? 999),
            "resolutionHours": number(resolveTarget ?? 999),
            "respondedBy": record.firstResponseAt == nil ? nil : owner, "resplanBy": record.firstResponseAt == nil ? nil : owner,
            "resolvedBy": record.resolvedAt == nil ? nil : owner, "escalationStartDateUTC": stamp(record.createdAt),
            "escalationLevel": .number(record.resolvedAt != nil ? 15 : record.firstResponseAt != nil ? 5 : 0),
            "minutesBeforeWaiting": .number(0), "respondedSkippedMinutes": .number(0), "resplanSkippedMinutes": .number(0),
            "minutesWaiting": .number(0), "customFields": setup.customFields,
            "_info": info(updated: record.updatedAt, entered: record.createdAt),
        ]
        return object(labels, parties, flags, billing, clock)
    }

    /// A board status's id and sort order: open statuses first, closed last.
    static func status(_ name: String, closed: Bool) -> (id: Int, sort: Int) {
        if closed { return (17, 30) }
        switch name {
        case "New": return (1, 1)
        case "In Progress": return (5, 10)
        case "Resolved": return (12, 20)
        default: return (9, 15)
        }
    }

    public func project(_ record: Project) -> JSONValue {
        let method: String =
            switch record.billingMethod {
            case .fixedFee: "FixedFee"
            case .timeAndMaterials: "ActualRates"
            case .notToExceed: "NotToExceed"
            }
        return object([
            "id": int(record.id), "name": .string(record.name), "company": directory.company(record.companyID),
            "agreement": directory.agreement(record.agreementID), "billingMethod": .string(method),
            "budgetHours": record.budgetHours.map { number($0.value) }, "actualHours": record.actualHours.map { number($0.value) },
            "estimatedTimeRevenue": record.estimatedRevenue.map { number($0.amount) },
            "estimatedTimeCost": record.estimatedCost.map { number($0.amount) },
            "status": .object(["id": .number(1), "name": .string(record.status)]), "closedFlag": .bool(record.closed),
            "estimatedStart": day(record.startDate), "estimatedEnd": record.endDate.map(day),
            "_info": info(updated: record.updatedAt),
        ])
    }
}
