import Foundation
public import InsightCore

/// The labels both sides agree on: the simulator writes InsightCore values as these picklist labels and UDFs,
/// the mapping reads them back. The *values* behind the labels are the tenant's (read from
/// `entityInformation/fields`); only the labels are shared, as a real MSP's picklist labels would be configured.
public enum AutotaskVocabulary {
    public static func companyType(_ kind: Company.Kind) -> String {
        switch kind {
        case .client: "Customer"
        case .prospect: "Prospect"
        case .vendor: "Vendor"
        case .internal: "Own Company"
        }
    }
    public static func companyKind(_ label: String?) -> Company.Kind {
        switch label?.lowercased() {
        case "customer": .client
        case "vendor": .vendor
        case "own company", "internal": .internal
        default: .prospect
        }
    }

    public static func configurationType(_ kind: ConfigurationItem.Kind) -> String {
        switch kind {
        case .workstation: "Workstation"
        case .server: "Server"
        case .network: "Network Device"
        case .other: "Other"
        }
    }
    public static func configurationKind(_ label: String?) -> ConfigurationItem.Kind {
        switch label?.lowercased() {
        case "workstation": .workstation
        case "server": .server
        case "network device": .network
        default: .other
        }
    }

    /// Autotask's six contract types (NOTES.md §3.7); resold licences are recurring-service contracts whose
    /// category names licences, since Autotask has no type of its own for them.
    public static func contractType(_ model: Agreement.BillingModel) -> String {
        switch model {
        case .fixedFee, .licenseResale: "Recurring Service"
        case .blockHours: "Block Hours"
        case .timeAndMaterials: "Time & Materials"
        case .project: "Fixed Price"
        }
    }
    public static func billingModel(contractType: String?, category: String?) -> Agreement.BillingModel {
        switch contractType?.lowercased() {
        case "block hours", "retainer": return .blockHours
        case "time & materials", "per ticket": return .timeAndMaterials
        case "fixed price": return .project
        default: return category?.lowercased().contains("licen") == true ? .licenseResale : .fixedFee
        }
    }
    public static func period(_ cycle: Agreement.BillingCycle) -> String {
        switch cycle {
        case .monthly: "Monthly"
        case .quarterly: "Quarterly"
        case .annually: "Yearly"
        case .oneTime: "One-Time"
        }
    }
    public static func cycle(_ label: String?) -> Agreement.BillingCycle {
        switch label?.lowercased() {
        case "quarterly": .quarterly
        case "yearly", "annually": .annually
        case "one-time": .oneTime
        default: .monthly
        }
    }
    public static func contractStatus(_ status: Agreement.Status) -> String { status.rawValue.capitalized }
    public static func agreementStatus(_ label: String?) -> Agreement.Status {
        Agreement.Status(rawValue: label?.lowercased() ?? "") ?? .inactive
    }

    /// `ticketCategory` labels carry the service class.
    public static func ticketCategory(_ serviceClass: Ticket.ServiceClass) -> String { serviceClass.rawValue.capitalized }
    public static func serviceClass(_ label: String?) -> Ticket.ServiceClass { Ticket.ServiceClass(rawValue: label?.lowercased() ?? "") ?? .other }

    /// `timeEntryType` labels carry what the time was charged to.
    public static func timeEntryType(_ kind: TimeEntry.ChargeKind) -> String {
        switch kind {
        case .ticket: "Ticket"
        case .projectTicket: "Project Task"
        case .project: "Project"
        case .agreement: "Contract"
        case .internal: "Internal"
        case .timeOff: "Time Off"
        }
    }
    public static func chargeKind(_ label: String?) -> TimeEntry.ChargeKind {
        switch label?.lowercased() {
        case "ticket": .ticket
        case "project task": .projectTicket
        case "project": .project
        case "contract": .agreement
        case "time off": .timeOff
        default: .internal
        }
    }

    /// `isNonBillable` and `showOnInvoice` as ConnectWise's four billable options, one to one.
    public static func flags(_ option: TimeEntry.BillableOption) -> (isNonBillable: Bool, showOnInvoice: Bool) {
        switch option {
        case .billable: (false, true)
        case .doNotBill: (true, false)
        case .noCharge: (true, true)
        case .noDefault: (false, false)
        }
    }
    public static func billableOption(isNonBillable: Bool?, showOnInvoice: Bool?) -> TimeEntry.BillableOption {
        switch (isNonBillable ?? false, showOnInvoice ?? true) {
        case (false, true): .billable
        case (true, false): .doNotBill
        case (true, true): .noCharge
        case (false, false): .noDefault
        }
    }

    /// `billingCodeType` for work types and `useType` for their billing.
    public static let workTypeCode = "Work Type", internalTimeCode = "Internal Time"
    public static let billable = "Billable", nonBillable = "Non-Billable", timeOff = "Paid Time Off"

    public static func opportunityStatus(_ outcome: Opportunity.Outcome) -> String {
        switch outcome {
        case .open: "Active"
        case .won: "Closed"
        case .lost: "Lost"
        }
    }
    public static func outcome(_ label: String?) -> Opportunity.Outcome {
        switch label?.lowercased() {
        case "closed", "implemented": .won
        case "lost": .lost
        default: .open
        }
    }

    /// `billingItemType` labels of product lines.
    public static let productItem = "Product", laborItem = "Labor"
    /// `billingItemType` labels of what ties an invoice to a contract or project: a recurring contract service
    /// period, another contract charge (time and materials, block overage), a project milestone. The labels are the
    /// simulator's (picklist values and labels are tenant data, NOTES.md §3.7); the mapping only needs to tell the
    /// recurring one apart, and reads the contract and project ids.
    public static let recurringServiceItem = "Recurring Contract Service", contractChargeItem = "Contract Charge", milestoneItem = "Milestone"

    /// UDFs for what Autotask has no field for.
    public static let cancellationDateUDF = "Cancellation Date", billingMethodUDF = "Billing Method", billedUDF = "Billed To Customer"
}
