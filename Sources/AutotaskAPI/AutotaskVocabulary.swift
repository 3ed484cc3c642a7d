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

    /// The simulator's `ticketCategory` labels (tenant data; the mapping does not read them: a ticket's class is its
    /// queue's classification).
    public static func ticketCategory(_ serviceClass: Ticket.ServiceClass) -> String { serviceClass.rawValue.capitalized }

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

/// Autotask's system contract types (NOTES.md §3.7): the same values in every database, whatever their labels.
public enum AutotaskContractType: Int, CaseIterable, Sendable {
    case timeAndMaterials = 1, fixedPrice = 3, blockHours = 4, retainer = 6, recurringService = 7, perTicket = 8

    /// The documented label (display only: the value is what is matched).
    public var label: String {
        switch self {
        case .timeAndMaterials: "Time & Materials"
        case .fixedPrice: "Fixed Price"
        case .blockHours: "Block Hours"
        case .retainer: "Retainer"
        case .recurringService: "Recurring Service"
        case .perTicket: "Per Ticket"
        }
    }

    /// What the type says about billing before the MSP's classification: recurring services are fixed fee until the
    /// classification of their category says licence resale.
    public var billingModel: Agreement.BillingModel {
        switch self {
        case .timeAndMaterials, .perTicket: .timeAndMaterials
        case .fixedPrice: .project
        case .blockHours, .retainer: .blockHours
        case .recurringService: .fixedFee
        }
    }

    /// The type a contract of `model` has (the simulator's encoding): resold licences are recurring-service contracts
    /// with a category of their own, since Autotask has no type for them.
    public init(_ model: Agreement.BillingModel) {
        switch model {
        case .fixedFee, .licenseResale: self = .recurringService
        case .blockHours: self = .blockHours
        case .timeAndMaterials, .notRevenue: self = .timeAndMaterials
        case .project: self = .fixedPrice
        }
    }
}
