/// A service or project ticket.
public struct Ticket: SourceRecord, Hashable {
    /// The kind of work, for reactive-versus-proactive ratios. A synced ticket's `serviceClass` is what the PSA's
    /// structure says (`project` for a project ticket or task, `other` otherwise); whether a service ticket is
    /// reactive, proactive or internal is the MSP's own meaning, read through its classification of the ticket's
    /// board (``ClassificationDimension/ticketBoard``). The generated business sets the true class.
    public enum ServiceClass: String, CaseIterable, Sendable, Codable { case reactive, proactive, project, `internal`, other }

    public var source: PSAKind
    public var id: ID<Ticket>
    public var updatedAt: Timestamp
    public var summary: String
    /// The board (ConnectWise) or queue (Autotask).
    public var board: String
    public var type: String?
    public var subtype: String?
    public var item: String?
    public var serviceClass: ServiceClass
    public var status: String
    public var closed: Bool
    /// The priority's name, e.g. "Priority 1 - Emergency".
    public var priority: String
    /// 1 (most urgent) … 5.
    public var priorityLevel: Int
    public var companyID: ID<Company>
    public var agreementID: ID<Agreement>?
    public var projectID: ID<Project>?
    public var createdAt: Timestamp
    public var firstResponseAt: Timestamp?
    public var resolvedAt: Timestamp?
    public var closedAt: Timestamp?
    /// Whether the SLA was met; `nil` when the ticket has no SLA or it is still running.
    public var slaMet: Bool?
    public var budgetHours: Hours?
    public var actualHours: Hours?

    public init(
        source: PSAKind, id: ID<Ticket>, updatedAt: Timestamp, summary: String, board: String, type: String?,
        subtype: String?, item: String?, serviceClass: ServiceClass, status: String, closed: Bool, priority: String,
        priorityLevel: Int, companyID: ID<Company>, agreementID: ID<Agreement>?, projectID: ID<Project>?,
        createdAt: Timestamp, firstResponseAt: Timestamp?, resolvedAt: Timestamp?, closedAt: Timestamp?,
        slaMet: Bool?, budgetHours: Hours?, actualHours: Hours?
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.summary = summary
        self.board = board
        self.type = type
        self.subtype = subtype
        self.item = item
        self.serviceClass = serviceClass
        self.status = status
        self.closed = closed
        self.priority = priority
        self.priorityLevel = priorityLevel
        self.companyID = companyID
        self.agreementID = agreementID
        self.projectID = projectID
        self.createdAt = createdAt
        self.firstResponseAt = firstResponseAt
        self.resolvedAt = resolvedAt
        self.closedAt = closedAt
        self.slaMet = slaMet
        self.budgetHours = budgetHours
        self.actualHours = actualHours
    }
}
