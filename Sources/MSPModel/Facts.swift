import Foundation
import InsightCore

// The generator's internal history: what happened and when. A snapshot (`MSPBusiness.snapshot(at:)`) turns
// these facts into the records a PSA would show at one instant. Amounts are integer cents; durations integer
// minutes; days `CalendarDate`s in the MSP's time zone.

struct MemberFact {
    let index: Int
    let identifier: String
    let name: String
    let tier: Catalog.Tier?
    let title: String
    let hired: CalendarDate
    var left: CalendarDate?
    /// Effective day, hourly cost in cents (`nil`: the data-health flaw), hourly billing rate in dollars.
    var rates: [(from: CalendarDate, costCents: Int?, rateDollars: Int)]
}

enum PayerProfile { case prompt, slow, bad }
enum LaborModel { case managedPerDevice, managedPerUser, blockHours, timeAndMaterials }

struct CompanyFact {
    let index: Int
    let name: String
    let kind: Company.Kind
    let market: String?
    let accountManager: Int?
    let created: CalendarDate
    /// The day a prospect became a client (`nil`: a client from before the span, or never a client).
    var becameClient: CalendarDate?
    var churned: CalendarDate?
    var users = 0
    var workstations = 0
    var servers = 0
    var networkDevices = 0
    var payer = PayerProfile.prompt
    var labor = LaborModel.timeAndMaterials
    var hasLicenses = false
    var ticketFactor = 1.0
    var clientSince: CalendarDate?
    /// Agreement indexes: the one labor is charged to, and the licence agreement.
    var laborAgreement: Int?
    var licenseAgreement: Int?
    var endpoints: Int { workstations + servers }

    func isClient(on day: CalendarDate) -> Bool {
        guard let since = clientSince, since <= day else { return false }
        return churned.map { day < $0 } ?? true
    }
}

struct ConfigurationFact {
    let company: Int
    let name: String
    let kind: ConfigurationItem.Kind
    let created: CalendarDate
    var deactivated: CalendarDate?
}

struct AgreementFact {
    let index: Int
    let company: Int
    let name: String
    let typeName: String
    let category: String
    let model: Agreement.BillingModel
    let cycle: Agreement.BillingCycle
    let start: CalendarDate
    var end: CalendarDate?
    var cancelled: CalendarDate?
    let blockHours: Int?
    let rollover: Bool
    /// Hourly rate in dollars for labor billed on this agreement (T&M, block overage).
    let hourlyRate: Int
    var project: Int?
    var additions: [Int] = []

    func inForce(on day: CalendarDate) -> Bool {
        start <= day && (cancelled.map { day < $0 } ?? true) && (end.map { day <= $0 } ?? true)
    }
}

struct AdditionFact {
    let agreement: Int
    let identifier: String
    let description: String
    let quantity: Int
    let priceCents: Int
    let costCents: Int?
    let effective: CalendarDate
    var cancelled: CalendarDate?
    let billed: Bool

    func inForce(on day: CalendarDate) -> Bool { effective <= day && (cancelled.map { day < $0 } ?? true) }
}

struct InvoiceFact {
    let index: Int
    let company: Int
    let kind: Invoice.Kind
    let date: CalendarDate
    /// Minutes after local midnight the invoice is created.
    let minute: Int
    let subtotalCents: Int
    let taxCents: Int
    let agreement: Int?
    let project: Int?
    /// For a credit memo, the invoice it credits.
    var credits: Int?
    /// Payments and applied credits, as (day, cents); applied in day order.
    var settlements: [(day: CalendarDate, cents: Int)] = []
    var totalCents: Int { subtotalCents + taxCents }
}

struct ProductLineFact {
    let company: Int
    let product: Int
    let quantity: Int
    let invoice: Int
}

struct TicketFact {
    let index: Int
    let summary: String
    let board: String
    let type: String
    let subtype: String
    let item: String
    let serviceClass: Ticket.ServiceClass
    let priorityLevel: Int
    let company: Int
    let agreement: Int?
    let project: Int?
    let created: Timestamp
    var firstResponse: Timestamp?
    var resolved: Timestamp?
    var closed: Timestamp?
    let budgetMinutes: Int?
    /// Resolution SLA in minutes (`nil`: no SLA, e.g. project and proactive work).
    let slaMinutes: Int64?
    var deleted: Timestamp?
    let afterHours: Bool
    var hasTime = false
}

struct ProjectFact {
    let index: Int
    let name: String
    let company: Int
    let agreement: Int?
    let method: Project.BillingMethod
    let budgetHours: Int
    let estimatedRevenueCents: Int
    let estimatedCostCents: Int
    let start: CalendarDate
    let end: CalendarDate
}

/// One time entry, packed (a `large` business has over a million): indexes instead of ids, minutes instead of
/// instants.
struct TimeFact {
    var member: Int32
    var company: Int32  // -1: none
    var ticket: Int32  // -1: none
    var project: Int32  // -1: none
    var agreement: Int32  // -1: none
    var invoice: Int32  // -1: not invoiced
    var day: Int32  // days since epoch
    var startMinute: Int16  // local minutes after midnight
    var minutes: Int16
    var enteredDelay: Int32  // minutes after the end
    var deletedDelay: Int32  // minutes after entry; -1: never deleted
    var workType: UInt8
    var role: UInt8
    var option: UInt8  // TimeEntry.BillableOption index
    var charge: UInt8  // TimeEntry.ChargeKind index
}

struct ExpenseFact {
    let member: Int
    let company: Int
    let day: CalendarDate
    let cents: Int
    let enteredDelayDays: Int
}

struct OpportunityFact {
    let name: String
    let company: Int
    let created: CalendarDate
    let closes: CalendarDate
    let outcome: Opportunity.Outcome
    let oneTimeCents: Int
    let recurringCents: Int
    let salesMember: Int?
}

/// Everything that happened, in creation order.
struct History {
    var members: [MemberFact] = []
    var companies: [CompanyFact] = []
    var configurations: [ConfigurationFact] = []
    var agreements: [AgreementFact] = []
    var additions: [AdditionFact] = []
    var invoices: [InvoiceFact] = []
    var productLines: [ProductLineFact] = []
    var tickets: [TicketFact] = []
    var projects: [ProjectFact] = []
    var time: [TimeFact] = []
    var expenses: [ExpenseFact] = []
    var opportunities: [OpportunityFact] = []
    /// Index of the MSP's own company (internal work is charged to it).
    var ownCompany = 0
    /// Local midnight (epoch ms) of each simulated day, by days since epoch: `Calendar` is slow, and both the
    /// simulation and every snapshot need it for hundreds of thousands of records.
    var midnight: [Int: Int64] = [:]
}
