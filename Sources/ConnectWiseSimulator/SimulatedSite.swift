import ConnectWiseAPI
import Foundation
import InsightJSON
public import InsightCore
public import MSPModel

/// The data a simulated site serves: the generated business as ConnectWise items, replaceable by a later
/// snapshot (``advance(to:)``) so that incremental reads see new, edited and deleted records.
public actor SimulatedSite {
    public let business: MSPBusiness
    public let settings: ConnectWiseSimulatorSettings
    private(set) var lists: [ConnectWiseEndpoint: JSONTextList<JSONValue>] = [:]
    private(set) var additionsByAgreement: [Int: JSONTextList<JSONValue>] = [:]
    /// Opportunities by id, whose forecasts are rendered when asked for (`sales/opportunities/{id}/forecast`).
    private(set) var opportunities: [Int: Opportunity] = [:]
    private var requestTimes: [String: [ContinuousClock.Instant]] = [:]
    /// The method and path of every request received, whatever its method (tests prove the connector only GETs).
    public private(set) var requestLog: [(method: String, path: String)] = []

    func record(method: String, path: String) { requestLog.append((method, path)) }
    /// Requests being answered now, and the most answered at once since the site started: the width a client
    /// really used (benchmarks report it beside their bound).
    public private(set) var requestsInFlight = 0
    public private(set) var mostRequestsInFlight = 0
    func begin() {
        requestsInFlight += 1
        mostRequestsInFlight = max(mostRequestsInFlight, requestsInFlight)
    }
    func end() { requestsInFlight -= 1 }
    private var dice: UInt64

    public init(business: MSPBusiness, settings: ConnectWiseSimulatorSettings, at instant: Timestamp? = nil) {
        self.business = business
        self.settings = settings
        self.dice = settings.faultSeed
        let snapshot = business.snapshot(at: instant)
        (self.lists, self.additionsByAgreement) = Self.render(snapshot, settings: settings)
        self.opportunities = Self.byID(snapshot.opportunities)
    }

    /// Shows the business as it is at `instant` from now on.
    public func advance(to instant: Timestamp) {
        let snapshot = business.snapshot(at: instant)
        (lists, additionsByAgreement) = Self.render(snapshot, settings: settings)
        opportunities = Self.byID(snapshot.opportunities)
    }

    static func byID(_ opportunities: [Opportunity]) -> [Int: Opportunity] {
        Dictionary(opportunities.compactMap { opportunity in Int(opportunity.id.rawValue).map { ($0, opportunity) } }) { first, _ in first }
    }

    static func render(_ snapshot: MSPSnapshot, settings: ConnectWiseSimulatorSettings)
        -> ([ConnectWiseEndpoint: JSONTextList<JSONValue>], [Int: JSONTextList<JSONValue>])
    {
        let directory = ConnectWiseDirectory(
            baseURL: settings.apiBase, currency: snapshot.currency, timeZone: snapshot.calendar.timeZone,
            companies: snapshot.companies, members: snapshot.members, workTypes: snapshot.workTypes, workRoles: snapshot.workRoles,
            agreements: snapshot.agreements, invoices: snapshot.invoices, productLines: snapshot.productLines,
            timeEntries: snapshot.timeEntries, tickets: snapshot.tickets, projects: snapshot.projects,
            opportunities: snapshot.opportunities, resolutionTargets: MSPBusiness.resolutionTargets)
        let encoder = ConnectWiseEncoder(directory: directory)
        let typeIDs = ConnectWiseDirectory.agreementTypeIDs(snapshot.agreements)
        let typeNames = typeIDs.keys.sorted()
        let boards = directory.boardIDs.sorted { $0.value < $1.value }
        // Invariant (the `typeIDs[…]!` below): every type name comes from these agreements.
        var items: [ConnectWiseEndpoint: [JSONValue]] = [
            .companies: snapshot.companies.map(encoder.company),
            .configurations: snapshot.configurations.map(encoder.configuration),
            .members: snapshot.members.map { encoder.member($0, on: snapshot.asOfDate) },
            .workTypes: snapshot.workTypes.map(encoder.workType),
            .workRoles: snapshot.workRoles.map(encoder.workRole),
            .agreements: snapshot.agreements.map { encoder.agreement($0, typeID: typeIDs[$0.typeName]!) },
            .agreementTypes: typeNames.map { .object(["id": .number(Decimal(typeIDs[$0]!)), "name": .string($0)]) },
            .invoices: snapshot.invoices.map(encoder.invoice),
            .products: snapshot.productLines.map(encoder.productItem),
            .timeEntries: snapshot.timeEntries.map(encoder.timeEntry),
            .expenseEntries: snapshot.expenses.map(encoder.expenseEntry),
            .tickets: snapshot.tickets.filter { $0.serviceClass != .project }.map(encoder.ticket),
            .projectTickets: snapshot.tickets.filter { $0.serviceClass == .project }.map(encoder.ticket),
            .boards: boards.map { .object(["id": .number(Decimal($0.value)), "name": .string($0.key)]) },
            .projects: snapshot.projects.map(encoder.project),
            .opportunities: snapshot.opportunities.map(encoder.opportunity),
        ]
        // Sorted by id once: the list engine relies on it instead of sorting per request.
        items = items.mapValues { list in list.sorted { (ListQuery.id(of: $0) ?? 0) < (ListQuery.id(of: $1) ?? 0) } }
        let additions = snapshot.additions.map(encoder.addition)
        items[.additions] = additions
        let byAgreement = Dictionary(grouping: additions) { item -> Int in
            if case .number(let id)? = item.member("agreementId") { return NSDecimalNumber(decimal: id).intValue }
            return 0
        }
        return (items.mapValues(JSONTextList.init), byAgreement.mapValues(JSONTextList.init))
    }

    /// Writes the JSON text of every item now rather than when it is first served: benchmarks call this before
    /// they measure, so that the simulator's cost of writing pages (a real site's, not the client's) stays out.
    public func writeAll() {
        for list in lists.values { list.writeAll() }
        for list in additionsByAgreement.values { list.writeAll() }
    }

    private static let empty = JSONTextList<JSONValue>([])

    func list(_ endpoint: ConnectWiseEndpoint) -> JSONTextList<JSONValue> { lists[endpoint] ?? Self.empty }
    func opportunity(_ id: Int) -> Opportunity? { opportunities[id] }
    func additions(of agreement: Int) -> JSONTextList<JSONValue>? {
        list(.agreements).items.contains { ListQuery.id(of: $0) == agreement } ? (additionsByAgreement[agreement] ?? Self.empty) : nil
    }

    /// Whether `member` is over its request budget; an admitted request counts against the budget, a refused one
    /// does not (else clients that wait out every 429 could be refused forever).
    func overLimit(_ member: String, now: ContinuousClock.Instant) -> Bool {
        guard let limit = settings.requestsPerMinute else { return false }
        var times = requestTimes[member, default: []].filter { now - $0 < settings.rateLimitWindow }
        let refused = times.count >= limit
        if !refused { times.append(now) }
        requestTimes[member] = times
        return refused
    }

    /// A repeatable fault decision: `true` with probability `rate`.
    func roll(_ rate: Double) -> Bool {
        guard rate > 0 else { return false }
        dice = dice &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(dice >> 11) * 0x1.0p-53 < rate
    }
}
