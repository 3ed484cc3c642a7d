/// Time a member logged.
public struct TimeEntry: SourceRecord, Hashable {
    /// What the time was charged to.
    public enum ChargeKind: String, CaseIterable, Sendable, Codable {
        case ticket, projectTicket, project, agreement, `internal`, timeOff
    }
    /// ConnectWise's billable option; Autotask's `isNonBillable` / `showOnInvoice` map onto it.
    public enum BillableOption: String, CaseIterable, Sendable, Codable {
        case billable, doNotBill, noCharge, noDefault
    }

    public var source: PSAKind
    public var id: ID<TimeEntry>
    public var updatedAt: Timestamp
    public var memberID: ID<Member>
    public var companyID: ID<Company>?
    public var chargeKind: ChargeKind
    public var ticketID: ID<Ticket>?
    public var projectID: ID<Project>?
    public var agreementID: ID<Agreement>?
    public var workTypeID: ID<WorkType>?
    public var workRoleID: ID<WorkRole>?
    public var billableOption: BillableOption
    /// The day worked, in the MSP's time zone.
    public var workDate: CalendarDate
    public var startAt: Timestamp
    public var endAt: Timestamp?
    /// When the entry was typed into the PSA (late entry = entered days after `workDate`).
    public var enteredAt: Timestamp
    public var actualHours: Hours
    public var billedHours: Hours
    /// The rate the hours bill at.
    public var hourlyRate: Money?
    /// The member's cost per hour when the entry was made.
    public var hourlyCost: Money?
    public var invoiceID: ID<Invoice>?

    public init(
        source: PSAKind, id: ID<TimeEntry>, updatedAt: Timestamp, memberID: ID<Member>, companyID: ID<Company>?,
        chargeKind: ChargeKind, ticketID: ID<Ticket>? = nil, projectID: ID<Project>? = nil,
        agreementID: ID<Agreement>? = nil, workTypeID: ID<WorkType>?, workRoleID: ID<WorkRole>?,
        billableOption: BillableOption, workDate: CalendarDate, startAt: Timestamp, endAt: Timestamp?,
        enteredAt: Timestamp, actualHours: Hours, billedHours: Hours, hourlyRate: Money?, hourlyCost: Money?,
        invoiceID: ID<Invoice>? = nil
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.memberID = memberID
        self.companyID = companyID
        self.chargeKind = chargeKind
        self.ticketID = ticketID
        self.projectID = projectID
        self.agreementID = agreementID
        self.workTypeID = workTypeID
        self.workRoleID = workRoleID
        self.billableOption = billableOption
        self.workDate = workDate
        self.startAt = startAt
        self.endAt = endAt
        self.enteredAt = enteredAt
        self.actualHours = actualHours
        self.billedHours = billedHours
        self.hourlyRate = hourlyRate
        self.hourlyCost = hourlyCost
        self.invoiceID = invoiceID
    }
}
