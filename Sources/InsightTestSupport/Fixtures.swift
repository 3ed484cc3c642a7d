import Foundation
public import InsightCore

/// Hand-written records, one or more of every entity, with every optional field set somewhere and amounts
/// chosen to catch floating point (0.1 + 0.2).
public struct Fixtures: Sendable {
    public let source: PSAKind
    public let currency: CurrencyCode
    public var updatedAt: Timestamp

    public init(source: PSAKind = .connectwise, currency: CurrencyCode = .usd, updatedAt: Timestamp = .init(rawValue: 1_760_000_000_000)) {
        self.source = source
        self.currency = currency
        self.updatedAt = updatedAt
    }

    public func money(_ text: String) -> Money { Money(Decimal(string: text)!, currency) }
    public func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    // Literal, valid settings: `try!` cannot fail here (test support only, never linked into the app).
    public static let tenantA = try! Tenant(
        id: "tenant-a", name: "Acme Managed IT", psa: .connectwise, baseCurrency: .usd,
        timeZoneIdentifier: "America/Chicago", fiscalYearStartMonth: 1, createdAt: .init(rawValue: 1_700_000_000_000))
    public static let tenantB = try! Tenant(
        id: "tenant-b", name: "Beta Networks", psa: .autotask, baseCurrency: .eur,
        timeZoneIdentifier: "Europe/Berlin", fiscalYearStartMonth: 4, createdAt: .init(rawValue: 1_700_000_000_000))

    public var companies: [Company] {
        [
            Company(source: source, id: "101", updatedAt: updatedAt, name: "Contoso Dental", kind: .client, status: .active,
                    market: "Healthcare", accountManagerID: "7"),
            Company(source: source, id: "102", updatedAt: updatedAt, name: "Fabrikam <Legal> & Co", kind: .prospect,
                    status: .inactive),
            Company(source: source, id: "1", updatedAt: updatedAt, name: "Our MSP", kind: .internal, status: .active),
        ]
    }
    public var configurations: [ConfigurationItem] {
        [
            ConfigurationItem(source: source, id: "5001", updatedAt: updatedAt, companyID: "101", name: "DENT-WS-01",
                              kind: .workstation, active: true),
            ConfigurationItem(source: source, id: "5002", updatedAt: updatedAt, companyID: "101", name: "DENT-SRV-01",
                              kind: .server, active: false),
        ]
    }
    public var members: [Member] {
        [
            Member(source: source, id: "7", updatedAt: updatedAt, identifier: "jsmith", name: "Jo Smith", title: "Service Manager",
                   active: true, dailyCapacity: Hours(Decimal(string: "7.5")!),
                   rates: [
                    .init(effectiveFrom: date("2025-01-01"), hourlyCost: money("41.25"), hourlyRate: money("150")),
                    .init(effectiveFrom: date("2025-07-01"), hourlyCost: money("43.10"), hourlyRate: money("165.00")),
                   ]),
            Member(source: source, id: "8", updatedAt: updatedAt, identifier: "nocost", name: "Nick Nocost", title: nil,
                   active: false, dailyCapacity: 8, rates: [.init(effectiveFrom: date("2025-01-01"), hourlyCost: nil, hourlyRate: nil)]),
            Member(source: source, id: "9", updatedAt: updatedAt, identifier: "norates", name: "Nora Rates", title: "Tech",
                   active: true, dailyCapacity: 8, rates: []),
        ]
    }
    public var workTypes: [WorkType] {
        [
            WorkType(source: source, id: "1", updatedAt: updatedAt, name: "Remote Support", billable: true, costMultiplier: 1,
                     countsAsUtilized: true, isTimeOff: false),
            WorkType(source: source, id: "2", updatedAt: updatedAt, name: "PTO", billable: false,
                     costMultiplier: Decimal(string: "1.25")!, countsAsUtilized: false, isTimeOff: true, active: false),
        ]
    }
    public var workRoles: [WorkRole] {
        [
            WorkRole(source: source, id: "3", updatedAt: updatedAt, name: "Engineer", hourlyRate: money("175.5")),
            WorkRole(source: source, id: "4", updatedAt: updatedAt, name: "Unpriced", hourlyRate: nil, active: false),
        ]
    }
    public var agreements: [Agreement] {
        [
            Agreement(source: source, id: "301", updatedAt: updatedAt, name: "Managed Services", companyID: "101",
                      typeName: "Managed Services - Per Device", category: "Managed Services", billingModel: .fixedFee,
                      billingCycle: .monthly, billingAmount: money("2450.00"), startDate: date("2025-01-01"),
                      endDate: date("2027-12-31"), cancelledDate: nil, status: .active),
            Agreement(source: source, id: "302", updatedAt: updatedAt, name: "Block 20h", companyID: "101", typeName: "Block Time",
                      category: nil, billingModel: .blockHours, billingCycle: .oneTime, billingAmount: nil,
                      startDate: date("2025-03-01"), endDate: nil, cancelledDate: date("2025-09-30"), status: .cancelled,
                      parentID: "301", blockHoursLimit: Hours(20)),
        ]
    }
    public var additions: [AgreementAddition] {
        [
            AgreementAddition(source: source, id: "9001", updatedAt: updatedAt, agreementID: "301", productIdentifier: "MS-WORKSTATION",
                              description: "Managed workstation", quantity: 25, unitPrice: money("0.1"), unitCost: money("0.2"),
                              effectiveDate: date("2025-01-01"), cancelledDate: nil, billedToCustomer: true),
            AgreementAddition(source: source, id: "9002", updatedAt: updatedAt, agreementID: "301", productIdentifier: "M365-BP",
                              description: nil, quantity: Decimal(string: "2.5")!, unitPrice: money("22.000001"), unitCost: nil,
                              effectiveDate: date("2025-02-01"), cancelledDate: date("2025-12-01"), billedToCustomer: false),
        ]
    }
    public var invoices: [Invoice] {
        [
            Invoice(source: source, id: "7001", updatedAt: updatedAt, number: "INV-7001", companyID: "101", kind: .agreement,
                    date: date("2025-10-01"), dueDate: date("2025-10-31"), subtotal: money("0.1"), tax: money("0"),
                    total: money("0.1"), balance: money("0.1"), agreementID: "301"),
            Invoice(source: source, id: "7002", updatedAt: updatedAt, number: "INV-7002", companyID: "101", kind: .credit,
                    date: date("2025-10-15"), dueDate: date("2025-11-14"), subtotal: money("0.2"), tax: money("-0.02"),
                    total: money("0.18"), balance: money("0"), projectID: "401"),
        ]
    }
    public var productLines: [ProductLine] {
        [
            ProductLine(source: source, id: "8001", updatedAt: updatedAt, companyID: "101", catalogItem: "LAPTOP-14",
                        description: "14\" laptop", category: "Hardware", isProduct: true, quantity: 2,
                        unitPrice: money("1299.99"), unitCost: money("1015.40"), invoiceID: "7001", agreementID: nil),
            ProductLine(source: source, id: "8002", updatedAt: updatedAt, companyID: "101", catalogItem: "ONSITE",
                        description: nil, category: "Labor", isProduct: false, quantity: Decimal(string: "1.5")!,
                        unitPrice: money("150"), unitCost: nil, invoiceID: nil, agreementID: "301"),
        ]
    }
    public var timeEntries: [TimeEntry] {
        [
            TimeEntry(source: source, id: "60001", updatedAt: updatedAt, memberID: "7", companyID: "101", chargeKind: .ticket,
                      ticketID: "2001", agreementID: "301", workTypeID: "1", workRoleID: "3", billableOption: .billable,
                      workDate: date("2025-10-02"), startAt: .init(rawValue: 1_759_413_600_000),
                      endAt: .init(rawValue: 1_759_419_000_000), enteredAt: .init(rawValue: 1_759_420_000_000),
                      actualHours: Hours(Decimal(string: "1.5")!), billedHours: Hours(Decimal(string: "1.75")!),
                      hourlyRate: money("165"), hourlyCost: money("43.10"), invoiceID: "7001"),
            TimeEntry(source: source, id: "60002", updatedAt: updatedAt, memberID: "8", companyID: nil, chargeKind: .timeOff,
                      workTypeID: "2", workRoleID: nil, billableOption: .doNotBill, workDate: date("2025-10-03"),
                      startAt: .init(rawValue: 1_759_500_000_000), endAt: nil, enteredAt: .init(rawValue: 1_760_500_000_000),
                      actualHours: Hours(minutes: 20), billedHours: 0, hourlyRate: nil, hourlyCost: nil),
        ]
    }
    public var expenses: [ExpenseEntry] {
        [
            ExpenseEntry(source: source, id: "55", updatedAt: updatedAt, memberID: "7", companyID: "101", date: date("2025-10-02"),
                         amount: money("42.42"), billable: true, invoiceID: nil)
        ]
    }
    public var tickets: [Ticket] {
        [
            Ticket(source: source, id: "2001", updatedAt: updatedAt, summary: "Printer offline", board: "Help Desk", type: "Hardware",
                   subtype: "Printer", item: "Offline", serviceClass: .reactive, status: "Closed", closed: true,
                   priority: "Priority 3 - Normal", priorityLevel: 3, companyID: "101", agreementID: "301", projectID: nil,
                   createdAt: .init(rawValue: 1_759_410_000_000), firstResponseAt: .init(rawValue: 1_759_410_900_000),
                   resolvedAt: .init(rawValue: 1_759_419_000_000), closedAt: .init(rawValue: 1_759_420_000_000), slaMet: true,
                   budgetHours: Hours(2), actualHours: Hours(Decimal(string: "1.5")!)),
            Ticket(source: source, id: "2002", updatedAt: updatedAt, summary: "Migrate file server", board: "Projects", type: nil,
                   subtype: nil, item: nil, serviceClass: .project, status: "New", closed: false, priority: "Priority 4 - Low",
                   priorityLevel: 4, companyID: "101", agreementID: nil, projectID: "401",
                   createdAt: .init(rawValue: 1_759_410_000_000), firstResponseAt: nil, resolvedAt: nil, closedAt: nil,
                   slaMet: nil, budgetHours: nil, actualHours: nil),
        ]
    }
    public var projects: [Project] {
        [
            Project(source: source, id: "401", updatedAt: updatedAt, name: "File server migration", companyID: "101",
                    agreementID: "302", billingMethod: .fixedFee, budgetHours: Hours(40), actualHours: Hours(12),
                    estimatedRevenue: money("9000"), estimatedCost: money("3600.50"), status: "In Progress", closed: false,
                    startDate: date("2025-09-15"), endDate: date("2025-12-15"))
        ]
    }
    public var opportunities: [Opportunity] {
        [
            Opportunity(source: source, id: "801", updatedAt: updatedAt, name: "Co-managed IT", companyID: "102", stage: "Proposal",
                        outcome: .open, oneTimeValue: money("5000"), recurringValue: money("1800"),
                        probability: Decimal(string: "0.35")!, expectedCloseDate: date("2025-12-01"), closedDate: nil,
                        salesMemberID: "7"),
            Opportunity(source: source, id: "802", updatedAt: updatedAt, name: "Firewall refresh", companyID: "101", stage: "Closed",
                        outcome: .won, oneTimeValue: money("3200"), recurringValue: money("0"), probability: 1,
                        expectedCloseDate: date("2025-08-01"), closedDate: date("2025-08-04"), salesMemberID: nil),
        ]
    }
}
