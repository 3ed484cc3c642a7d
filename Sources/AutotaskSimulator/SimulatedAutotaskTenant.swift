import AutotaskAPI
import Foundation
import InsightJSON
public import InsightCore
public import MSPModel

/// The database a simulated Autotask serves: the generated business as Autotask items (the same events the
/// ConnectWise simulator serves), its picklists, and the counters behind its limits. ``advance(to:)`` shows a
/// later snapshot, so incremental reads see new and changed records.
public actor SimulatedAutotaskTenant {
    public let business: MSPBusiness
    public let settings: AutotaskSimulatorSettings
    private(set) var rows: [AutotaskEntity: EntityRows] = [:]
    /// The rows as an API user who cannot read costs sees them (cost fields null), made when first asked for.
    private var rowsWithoutCosts: [AutotaskEntity: EntityRows] = [:]
    private(set) var fields: [AutotaskEntity: [AutotaskFieldInformation]] = [:]
    private var requestTimes: [ContinuousClock.Instant] = []
    private var threads: [String: Int] = [:]
    private var dice: UInt64
    /// The method and path of every request received, whatever its method (a test proves the connector only
    /// looks up zones, GETs and queries).
    public private(set) var requestLog: [(method: String, path: String)] = []
    /// How many requests the thread limit refused.
    public private(set) var threadRefusals = 0

    public init(business: MSPBusiness, settings: AutotaskSimulatorSettings, at instant: Timestamp? = nil) {
        self.business = business
        self.settings = settings
        self.dice = settings.faultSeed
        let (items, fields) = Self.render(business.snapshot(at: instant), settings: settings)
        self.rows = items.mapValues(EntityRows.init)
        self.fields = fields
    }

    public func advance(to instant: Timestamp) {
        let (items, fields) = Self.render(business.snapshot(at: instant), settings: settings)
        self.rows = items.mapValues(EntityRows.init)
        self.rowsWithoutCosts = [:]
        self.fields = fields
    }

    /// Writes the JSON text of every item now rather than when it is first served: benchmarks call this before
    /// they measure, so that the simulator's cost of writing pages (a real tenant's, not the client's) stays out.
    public func writeAll() {
        for entity in rows.values { entity.list.writeAll() }
    }

    /// The items of `entity`, by id ascending; with their cost fields null when `withoutCosts`.
    func rows(_ entity: AutotaskEntity, withoutCosts: Bool = false) -> EntityRows {
        let all = rows[entity] ?? EntityRows([])
        guard withoutCosts, !entity.costFields.isEmpty else { return all }
        if let blanked = rowsWithoutCosts[entity] { return blanked }
        let blanked = all.replacingItems { item in
            guard case .object(var members) = item else { return item }
            for field in entity.costFields where members[field] != nil { members[field] = .null }
            return AutotaskJSON.object(members)
        }
        rowsWithoutCosts[entity] = blanked
        return blanked
    }
    func fieldInformation(_ entity: AutotaskEntity) -> [AutotaskFieldInformation] { fields[entity] ?? [] }

    static func render(_ snapshot: MSPSnapshot, settings: AutotaskSimulatorSettings)
        -> ([AutotaskEntity: [AutotaskJSON]], [AutotaskEntity: [AutotaskFieldInformation]])
    {
        var encoder = AutotaskEncoder(picklists: AutotaskPicklistCatalog(firstValue: settings.picklistFirstValue))
        // Labels declared up front, so that every tenant lists them in one order whatever the data uses.
        encoder.picklists.declare(.companies, "companyType", Company.Kind.allCases.map(AutotaskVocabulary.companyType))
        encoder.picklists.declare(.contracts, "status", Agreement.Status.allCases.map(AutotaskVocabulary.contractStatus))
        encoder.picklists.declareSystem(.contracts, "contractType", AutotaskContractType.allCases.map { ($0.rawValue, $0.label) })
        encoder.picklists.declare(.contracts, "contractPeriodType", Agreement.BillingCycle.allCases.map(AutotaskVocabulary.period))
        encoder.picklists.declare(.timeEntries, "timeEntryType", TimeEntry.ChargeKind.allCases.map(AutotaskVocabulary.timeEntryType))
        encoder.picklists.declare(.opportunities, "status", Opportunity.Outcome.allCases.map(AutotaskVocabulary.opportunityStatus))
        encoder.picklists.declare(.billingCodes, "billingCodeType", [AutotaskVocabulary.workTypeCode, "Material", AutotaskVocabulary.internalTimeCode])
        encoder.picklists.declare(.billingCodes, "useType", [AutotaskVocabulary.billable, AutotaskVocabulary.nonBillable, AutotaskVocabulary.timeOff])
        encoder.picklists.declare(
            .billingItems, "billingItemType",
            [AutotaskVocabulary.laborItem, AutotaskVocabulary.productItem, AutotaskVocabulary.recurringServiceItem,
             AutotaskVocabulary.contractChargeItem, AutotaskVocabulary.milestoneItem])

        var out: [AutotaskEntity: [AutotaskJSON]] = [:]
        out[.companies] = snapshot.companies.map { encoder.company($0).json }
        out[.configurationItems] = snapshot.configurations.map { encoder.configurationItem($0).json }
        out[.configurationItemTypes] = encoder.configurationItemTypes().map(\.json)
        out[.resources] = snapshot.members.map { encoder.resource($0, on: snapshot.asOfDate).json }
        out[.roles] = snapshot.workRoles.map { encoder.role($0).json }
        out[.billingCodes] = snapshot.workTypes.map { encoder.billingCode($0).json }
        out[.contracts] = snapshot.agreements.map { encoder.contract($0).json }
        out[.contractBlocks] = snapshot.agreements.compactMap { encoder.contractBlock($0)?.json }

        // Services: one per product identifier on contracts, priced as first sold.
        var serviceIDs: [String: Int] = [:]
        var services: [AutotaskJSON] = []
        var contractServices: [AutotaskJSON] = []
        var units: [AutotaskJSON] = []
        for addition in snapshot.additions.sorted(by: { ($0.id.rawValue.count, $0.id) < ($1.id.rawValue.count, $1.id) }) {
            let serviceID: Int
            if let known = serviceIDs[addition.productIdentifier] {
                serviceID = known
            } else {
                serviceID = 70_000 + serviceIDs.count
                serviceIDs[addition.productIdentifier] = serviceID
                services.append(encoder.service(
                    id: serviceID, name: addition.productIdentifier, description: addition.description, unitPrice: addition.unitPrice,
                    unitCost: addition.unitCost, updatedAt: addition.updatedAt).json)
            }
            let (service, unit) = encoder.contractService(addition, serviceID: serviceID)
            contractServices.append(service.json)
            units.append(unit.json)
        }
        out[.services] = services
        out[.contractServices] = contractServices
        out[.contractServiceUnits] = units

        out[.invoices] = snapshot.invoices.map { encoder.invoice($0).json }
        var productIDs: [String: Int] = [:]
        var products: [AutotaskJSON] = []
        var billingItems: [AutotaskJSON] = []
        for line in snapshot.productLines {
            let productID: Int
            if let known = productIDs[line.catalogItem] {
                productID = known
            } else {
                productID = 80_000 + productIDs.count
                productIDs[line.catalogItem] = productID
                products.append(encoder.product(id: productID, line).json)
            }
            billingItems.append(encoder.billingItem(line, productID: productID).json)
        }
        // Invoices tied to an agreement or project carry one more billing item saying so (ids above the lines').
        var productTotals: [ID<Invoice>: Decimal] = [:]
        for line in snapshot.productLines { if let invoice = line.invoiceID { productTotals[invoice, default: 0] += line.quantity * line.unitPrice.amount } }
        for invoice in snapshot.invoices {
            let id = 700_000_000 + (Int(invoice.id.rawValue) ?? 0)
            if let item = encoder.invoiceBillingItem(invoice, id: id, productTotal: productTotals[invoice.id] ?? 0) { billingItems.append(item.json) }
        }
        out[.products] = products
        out[.billingItems] = billingItems

        let projectTickets = snapshot.tickets.filter { $0.serviceClass == .project }
        let taskIDs = Set(projectTickets.map(\.id))
        out[.timeEntries] = snapshot.timeEntries.map { entry in
            encoder.timeEntry(entry, isTask: entry.ticketID.map(taskIDs.contains) ?? false).json
        }
        out[.tickets] = snapshot.tickets.filter { $0.serviceClass != .project }.map { encoder.ticket($0).json }
        out[.tasks] = projectTickets.map { encoder.task($0).json }
        out[.projects] = snapshot.projects.map { encoder.project($0).json }
        out[.opportunities] = snapshot.opportunities.map { encoder.opportunity($0).json }

        // Expense reports: one per member and week (ending Saturday), as Autotask's timesheets group them.
        var reports: [String: (id: Int, member: ID<Member>, week: CalendarDate, total: Money)] = [:]
        var expenseItems: [AutotaskJSON] = []
        for expense in snapshot.expenses.sorted(by: { ($0.date, $0.id.rawValue) < ($1.date, $1.id.rawValue) }) {
            let weekEnding = expense.date.adding(days: (6 - expense.date.isoWeekday + 7) % 7)
            let key = "\(expense.memberID.rawValue)/\(weekEnding)"
            var report = reports[key] ?? (90_000 + reports.count, expense.memberID, weekEnding, .zero(expense.amount.currency))
            report.total = report.total + expense.amount
            reports[key] = report
            expenseItems.append(encoder.expenseItem(expense, reportID: report.id).json)
        }
        out[.expenseReports] = reports.values.map { encoder.expenseReport(id: $0.id, memberID: $0.member, weekEnding: $0.week, total: $0.total).json }
        out[.expenseItems] = expenseItems

        out = out.mapValues { list in list.sorted { ($0.member("id")?.intValue ?? 0) < ($1.member("id")?.intValue ?? 0) } }
        for (entity, byID) in settings.nulledFields {
            out[entity] = out[entity]?.map { item in
                guard case .object(var members) = item, let id = item.member("id")?.intValue, let names = byID[id] else { return item }
                for name in names { members[name] = .null }
                return .object(members)
            }
        }
        let fields = Dictionary(uniqueKeysWithValues: AutotaskEntity.allCases.map { ($0, encoder.picklists.fields(for: $0)) })
        return (out, fields)
    }

    // MARK: Limits and faults

    func record(method: String, path: String) { requestLog.append((method, path)) }

    /// Counts a request against the rolling threshold; returns how many are in the window (this one included).
    func countRequest(now: ContinuousClock.Instant) -> Int {
        requestTimes.removeAll { now - $0 >= settings.thresholdWindow }
        requestTimes.append(now)
        return requestTimes.count
    }

    /// Requests in the current window.
    func currentCount(now: ContinuousClock.Instant) -> Int {
        requestTimes.removeAll { now - $0 >= settings.thresholdWindow }
        return requestTimes.count
    }

    /// Takes one of `key`'s threads; `false` when all are busy.
    func acquire(_ key: String) -> Bool {
        if let limit = settings.threadLimit, threads[key, default: 0] >= limit {
            threadRefusals += 1
            return false
        }
        threads[key, default: 0] += 1
        return true
    }
    func release(_ key: String) { threads[key, default: 1] -= 1 }

    /// A repeatable fault decision: `true` with probability `rate`.
    func roll(_ rate: Double) -> Bool {
        guard rate > 0 else { return false }
        dice = dice &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(dice >> 11) * 0x1.0p-53 < rate
    }
}
