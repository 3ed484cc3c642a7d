import AutotaskAPI
import Foundation
public import InsightConnectors
public import InsightCore
public import InsightStore

/// Syncs one tenant's Autotask PSA into the store, with the same engine, guarantees and run log as
/// ``ConnectWiseSync``: a full load the first time, then only what changed, each page stored with its cursor in
/// one transaction, streams claimed with a lease.
///
/// How each entity is read incrementally depends on what Autotask gives it (NOTES.md §3):
/// - entities with a last-modified field (companies, configuration items, contracts, tickets, projects, tasks,
///   time entries, opportunities) are read from the last change seen, minus the overlap;
/// - the others (resources, roles, billing codes, contract services, invoices, billing items, expense items)
///   are read after the greatest id of the last completed run, so new records arrive every run; changes to
///   existing ones arrive with the daily reconciliation (``SyncOptions/reconcileEverySeconds``), which reads
///   them in full again and marks the ids gone as deleted.
///
/// What one entity's mapping needs from another is read alongside each page (a contract's blocks, a contract
/// service's units and service, an expense item's report) or from what the store already holds (a time entry's
/// ticket, task, contract, role and resource), so streams run side by side and no whole entity is held in memory.
/// Picklists are read once per run and entity, and only when a page needs them: a run with nothing new costs one
/// request per entity.
public struct AutotaskSync: Sendable {
    public let store: Store
    public let connector: AutotaskConnector
    public let tenant: Tenant
    public let options: SyncOptions
    let onEvent: @Sendable (SyncEvent) -> Void
    let clock: @Sendable () -> Timestamp

    public init(
        store: Store, connector: AutotaskConnector, tenant: Tenant, options: SyncOptions,
        clock: @escaping @Sendable () -> Timestamp = { .now },
        onEvent: @escaping @Sendable (SyncEvent) -> Void = { _ in }
    ) {
        self.store = store
        self.connector = connector
        self.tenant = tenant
        self.options = options
        self.clock = clock
        self.onEvent = onEvent
    }

    /// The streams read (Autotask entity names), in the order they are started, with what each needs first.
    public static let streams: [(name: String, needs: [String])] = [
        (AutotaskEntity.timeEntries.rawValue, [
            AutotaskEntity.tickets.rawValue, AutotaskEntity.tasks.rawValue, AutotaskEntity.contracts.rawValue,
            AutotaskEntity.roles.rawValue, AutotaskEntity.resources.rawValue,
        ]),
        (AutotaskEntity.tickets.rawValue, []),
        (AutotaskEntity.projects.rawValue, []),
        (AutotaskEntity.tasks.rawValue, [AutotaskEntity.projects.rawValue]),
        (AutotaskEntity.contracts.rawValue, []),
        (AutotaskEntity.roles.rawValue, []),
        (AutotaskEntity.resources.rawValue, []),
        (AutotaskEntity.configurationItems.rawValue, []),
        (AutotaskEntity.invoices.rawValue, []),
        (AutotaskEntity.billingItems.rawValue, []),
        (AutotaskEntity.contractServices.rawValue, []),
        (AutotaskEntity.companies.rawValue, []),
        (AutotaskEntity.billingCodes.rawValue, []),
        (AutotaskEntity.opportunities.rawValue, []),
        (AutotaskEntity.expenseItems.rawValue, []),
    ]

    /// Runs every stream once and reports what happened. Throws only when Autotask cannot be reached at all (unknown
    /// user, wrong secret or integration code): then nothing was read, and the run log says why.
    public func run() async throws -> SyncReport {
        try await StreamSync(
            source: AutotaskSource(connector: connector, tenant: tenant, store: store, options: options), store: store, tenant: tenant,
            options: options, clock: clock, onEvent: onEvent
        ).run()
    }
}

/// Autotask PSA as the sync engine reads it.
struct AutotaskSource: SyncSource {
    let connector: AutotaskConnector
    let tenant: Tenant
    let store: Store
    let options: SyncOptions

    static let psa = PSAKind.autotask
    static let discovery = "zoneInformation"
    static var streams: [(name: String, needs: [String])] { AutotaskSync.streams }

    func connect() async throws -> Connection {
        _ = try await connector.discoverZone()
        // One authenticated request, so that wrong credentials stop the run before any stream starts.
        _ = try await connector.threshold()
        return Connection(source: self, picklists: PicklistCache(connector: connector))
    }

    struct Connection: SyncConnection {
        let source: AutotaskSource
        let picklists: PicklistCache
        var connector: AutotaskConnector { source.connector }
        var tenant: Tenant.ID { source.tenant.id }

        func entity(_ stream: String) throws -> AutotaskEntity {
            guard let entity = AutotaskEntity(rawValue: stream) else { throw SyncError.unknownStream(stream) }
            return entity
        }

        func prepare(_ run: inout SyncCursor.Run, stream: String, cursor: SyncCursor, reconcile: Bool) {
            guard let entity = AutotaskEntity(rawValue: stream), entity.lastModifiedField == nil else { return }
            // Read by id alone: new records after the last run's greatest id, or everything again to reconcile.
            run.since = nil
            run.afterID = reconcile ? nil : cursor.highID
        }

        /// A missing right does not fail a query in Autotask: the rows are silently left out (NOTES.md §7). So before a
        /// first load or a reconciliation, the entities the stream reads must be readable in full.
        func verifyAccess(_ stream: String) async throws -> Int {
            let entities: [AutotaskEntity]
            switch try entity(stream) {
            case .tickets: entities = [.tickets, .tasks]
            case .contracts: entities = [.contracts, .contractBlocks]
            case .contractServices: entities = [.contractServices, .contractServiceUnits, .services]
            case .invoices: entities = [.invoices, .billingItems]
            case .expenseItems: entities = [.expenseItems, .expenseReports]
            case let other: entities = [other]
            }
            let place = "In Autotask, Admin > Resources/Users (HR) > Security > Security Levels > (the API user's level)"
            for entity in entities {
                switch try await connector.entityInformation(entity).userAccessForQuery {
                case .all: continue
                case .restricted:
                    throw AutotaskConnectorError.forbidden(
                        entity: "all of \(entity.rawValue) (only the user's own rows)",
                        fix: "\(place) > \(entity.section.rawValue): set View to All")
                case .none:
                    throw AutotaskConnectorError.forbidden(
                        entity: entity.rawValue, fix: "\(place) > \(entity.section.rawValue): set View to All")
                }
            }
            return entities.count
        }

        func count(_ stream: String) async throws -> Int? {
            try await connector.count(try entity(stream))
        }

        /// The filter of one read: changed since `run.since` where the entity has a last-modified field, and after
        /// the last id stored (Autotask returns items by id, ascending); within `lane`'s ids when given.
        func filter(_ entity: AutotaskEntity, _ run: SyncCursor.Run, lane: SyncCursor.Lane? = nil) -> [AutotaskFilter] {
            let after = lane.map { $0.resumeAfter } ?? run.afterID.flatMap { Int($0) }
            var filter: [AutotaskFilter] = [.gt("id", .int(after ?? -1))]
            if let upper = lane?.upperBound { filter.append(.condition(.lt, field: "id", value: .int(upper))) }
            if let since = run.since, let field = entity.lastModifiedField { filter.append(.since(field, since.date)) }
            return filter
        }

        /// Time entries and tickets, the longest lists (and the tickets those time entries wait for), are read as
        /// id ranges side by side on a first full load of more than ``SyncOptions/laneThreshold`` records: as many as
        /// the concurrency allows, at most the 3 threads Autotask gives an integration per entity. Autotask cannot be
        /// asked for the id at a rank, so each cut is found with counts (`id < x`, see ``RankCut``), the cuts
        /// searched side by side, each within 0.5 % of its rank.
        func lanes(_ stream: String, expected: Int?) async throws -> (lanes: [SyncCursor.Lane], requests: Int)? {
            let width = min(source.options.concurrency, 3)
            guard let entity = AutotaskEntity(rawValue: stream), [.timeEntries, .tickets].contains(entity), width > 1, let expected,
                expected >= source.options.laneThreshold
            else { return nil }
            let connector = connector
            let cuts = try await withThrowingTaskGroup(of: (cut: Int, counts: Int).self) { group in
                for lane in 1..<width {
                    group.addTask {
                        try await RankCut.search(rank: expected * lane / width, of: expected, tolerance: expected / 200) { x in
                            try await connector.count(entity, filter: [.condition(.lt, field: "id", value: .int(x))])
                        }
                    }
                }
                return try await group.reduce(into: [(cut: Int, counts: Int)]()) { $0.append($1) }
            }
            let bounds = Array(Set(cuts.map { $0.cut })).sorted()
            return (SyncCursor.Lane.covering(splitAt: bounds), cuts.reduce(0) { $0 + $1.counts })
        }

        func read(_ stream: String, run: SyncCursor.Run, listIDs: Bool, store: (StreamPage) async throws -> Void) async throws -> Set<String>? {
            let entity = try entity(stream)
            let query = AutotaskQuery(filter: filter(entity, run))
            var seen: Set<String> = []
            let modifiedField = run.since == nil ? nil : entity.lastModifiedField
            /// Reads `Item`s page by page, maps each page with `map` (which may read more) and stores it.
            func readPages<Item: AutotaskItem, R: StoredRecord>(
                _ type: Item.Type, _ map: @escaping @Sendable ([Item]) async throws -> Mapped<R>
            ) async throws {
                if let lanes = run.lanes {
                    try await readLanes(entity, lanes, run: run, Item.self, map, store: store)
                    return
                }
                try await connector.pages(entity, query: query, decode: { (page: AutotaskPage) throws(AutotaskDecodingError) in
                    try page.rows(entity: entity.rawValue).map { row throws(AutotaskDecodingError) in
                        // An unreadable change time only costs the item a fresh mapping.
                        (item: try Item(row: row), modified: modifiedField.flatMap { field in (try? row.date(field)) ?? nil })
                    }
                }, body: { (decoded: [(item: Item, modified: Date?)]) in
                    let items = decoded.map(\.item)
                    // An incremental read starts a little before the last change seen: what it reads again unchanged
                    // is not mapped again (its picklists and children would cost requests for nothing).
                    var changed = items
                    if modifiedField != nil, !items.isEmpty {
                        let stored = try await source.store.records(
                            tenant: tenant, R.self, source: .autotask, ids: items.map { ID<R>(String($0.id)) })
                        let known = Dictionary(stored.map { ($0.id.rawValue, $0.updatedAt) }, uniquingKeysWith: { first, _ in first })
                        changed = decoded.filter { item, modified in
                            modified.map { known[String(item.id)] != Timestamp($0) } ?? true
                        }.map(\.item)
                    }
                    let mapped = changed.isEmpty ? Mapped<R>() : try await map(changed)
                    var page = StreamPage(mapped.records)
                    // Records a mapping leaves out (billing codes that are not work types, rejected items…) still move
                    // the cursor.
                    page.lastID = items.map(\.id).max().map(String.init)
                    page.requests = 1 + mapped.requests
                    page.rejected = mapped.rejected
                    try mapped.checkNotAllRefused(entity)
                    if listIDs { seen.formUnion(items.map { String($0.id) }) }
                    try await store(page)
                })
            }
            switch entity {
            case .companies: try await readPages(AutotaskCompany.self) { try await mapped($0, .companies, AutotaskRecords.company) }
            case .configurationItems:
                try await readPages(AutotaskConfigurationItem.self) { try await mapped($0, .configurationItems, AutotaskRecords.configurationItem) }
            case .resources: try await readPages(AutotaskResource.self) { try await mapped($0, nil, AutotaskRecords.member) }
            case .roles: try await readPages(AutotaskRole.self) { try await mapped($0, nil, AutotaskRecords.workRole) }
            case .billingCodes: try await readPages(AutotaskBillingCode.self) { try await mapped($0, .billingCodes, AutotaskRecords.workType) }
            case .invoices: try await readPages(AutotaskInvoice.self, invoices)
            case .billingItems: try await readPages(AutotaskBillingItem.self) { try await mapped($0, .billingItems, AutotaskRecords.productLine) }
            case .tickets: try await readPages(AutotaskTicket.self) { try await mapped($0, .tickets, AutotaskRecords.ticket) }
            case .projects: try await readPages(AutotaskProject.self) { try await mapped($0, .projects, AutotaskRecords.project) }
            case .opportunities: try await readPages(AutotaskOpportunity.self) { try await mapped($0, .opportunities, AutotaskRecords.opportunity) }
            case .contracts: try await readPages(AutotaskContract.self, agreements)
            case .contractServices: try await readPages(AutotaskContractService.self, additions)
            case .tasks: try await readPages(AutotaskTask.self, tasks)
            case .timeEntries: try await readPages(AutotaskTimeEntry.self, timeEntries)
            case .expenseItems: try await readPages(AutotaskExpenseItem.self, expenses)
            case .configurationItemTypes, .contractServiceUnits, .contractBlocks, .services, .products, .expenseReports:
                throw SyncError.unknownStream(stream)
            }
            // Only a read of everything in one order can stand for the list of ids (a split read does not collect them).
            return listIDs && run.since == nil && run.afterID == nil && run.lanes == nil ? seen : nil
        }

        /// A first full load read as id ranges side by side: each range's pages are read and mapped in their own
        /// task and handed over to be stored one at a time (a range waits until its page is stored before asking
        /// for the next, so memory holds a page a range); each page is tagged with its range.
        func readLanes<Item: AutotaskItem, R: StoredRecord>(
            _ entity: AutotaskEntity, _ lanes: [SyncCursor.Lane], run: SyncCursor.Run, _ type: Item.Type,
            _ map: @escaping @Sendable ([Item]) async throws -> Mapped<R>, store: (StreamPage) async throws -> Void
        ) async throws {
            let (pages, handOver) = AsyncStream<(page: StreamPage, stored: Int)>.makeStream()
            // A range waits until its page is stored. If the stream ends first (the reading task cancelled: an
            // `AsyncStream` then drops what it holds), every range still waiting is told its page was not stored,
            // rather than waiting forever.
            let waiting = HandOvers()
            handOver.onTermination = { _ in waiting.resumeAll(returning: false) }
            let connector = connector
            let queries = lanes.map { AutotaskQuery(filter: filter(entity, run, lane: $0)) }
            async let producers: Void = {
                defer { handOver.finish() }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, query) in queries.enumerated() {
                        group.addTask {
                            try await connector.pages(entity, query: query, decode: { (page: AutotaskPage) throws(AutotaskDecodingError) in
                                try page.decode(Item.self)
                            }, body: { (items: [Item]) in
                                let mapped = items.isEmpty ? Mapped<R>() : try await map(items)
                                var page = StreamPage(mapped.records)
                                page.lastID = items.map(\.id).max().map(String.init)
                                page.requests = 1 + mapped.requests
                                page.rejected = mapped.rejected
                                try mapped.checkNotAllRefused(entity)
                                page.lane = index
                                let stored = await withCheckedContinuation { continuation in
                                    let key = waiting.add(continuation)
                                    if case .terminated = handOver.yield((page, key)) { waiting.resume(key, returning: false) }
                                }
                                if !stored { throw CancellationError() }
                            })
                        }
                    }
                    try await group.waitForAll()
                }
            }()
            var failure: (any Error)?
            for await (page, stored) in pages {
                guard failure == nil else {
                    waiting.resume(stored, returning: false)
                    continue
                }
                do {
                    try await store(page)
                    waiting.resume(stored, returning: true)
                } catch {
                    failure = error
                    waiting.resume(stored, returning: false)
                }
            }
            if let failure {
                _ = try? await producers
                throw failure
            }
            try await producers
        }

        // MARK: Mapping

        /// A context with the tenant's currency and the picklists of `entity`, when its mapping reads any.
        func context(_ entity: AutotaskEntity?) async throws -> (AutotaskContext, requests: Int) {
            var context = AutotaskContext(currency: source.tenant.baseCurrency)
            guard let entity else { return (context, 0) }
            let (lists, requests) = try await picklists.lists(entity)
            context.picklists[entity] = lists
            return (context, requests)
        }

        func mapped<Item, R>(
            _ items: [Item], _ entity: AutotaskEntity?, _ map: (Item, AutotaskContext) throws(AutotaskDecodingError) -> R?
        ) async throws -> Mapped<R> {
            let (context, requests) = try await context(entity)
            return Mapped(items, requests: requests) { item throws(AutotaskDecodingError) in try map(item, context) }
        }

        /// Every item of `Item` whose `field` is one of `values`, a chunk of values per query.
        func children<Item: AutotaskItem>(_ type: Item.Type, _ field: String, in values: some Collection<Int>) async throws -> (items: [Item], requests: Int) {
            let values = Array(Set(values)).sorted()
            var items: [Item] = []
            var requests = 0
            for start in stride(from: 0, to: values.count, by: 200) {
                let chunk = values[start..<min(start + 200, values.count)]
                let query = AutotaskQuery(filter: [.condition(.in, field: field, value: .array(chunk.map { .int($0) }))])
                try await connector.pages(Item.entity, query: query, decode: { (page: AutotaskPage) throws(AutotaskDecodingError) in
                    try page.decode(Item.self)
                }, body: { page in
                    requests += 1
                    items += page
                })
            }
            // Autotask returns each query's items by id; the chunks keep that order only within themselves.
            return (items.sorted { $0.id < $1.id }, requests)
        }

        /// Contracts, with the hours of their blocks.
        func agreements(_ items: [AutotaskContract]) async throws -> Mapped<Agreement> {
            let (context, picklistRequests) = try await context(.contracts)
            let (blocks, requests) = try await children(AutotaskContractBlock.self, "contractID", in: items.map(\.id))
            var hours: [Int: Decimal] = [:]
            for block in blocks { if let contract = block.contractID { hours[contract, default: 0] += block.hours ?? 0 } }
            return Mapped(items, requests: picklistRequests + requests) { item throws(AutotaskDecodingError) in
                try AutotaskRecords.agreement(item, blockHours: hours[item.id], context)
            }
        }

        /// Invoices, with what their billing items tie them to (agreement, project, recurring service).
        func invoices(_ items: [AutotaskInvoice]) async throws -> Mapped<Invoice> {
            var (context, picklistRequests) = try await context(.billingItems)
            let (billingItems, requests) = try await children(AutotaskBillingItem.self, "invoiceID", in: items.map(\.id))
            for item in billingItems { context.note(item) }
            return Mapped(items, requests: picklistRequests + requests) { item throws(AutotaskDecodingError) in try AutotaskRecords.invoice(item, context) }
        }

        /// Contract services, with their unit periods and the names of their services.
        func additions(_ items: [AutotaskContractService]) async throws -> Mapped<AgreementAddition> {
            var context = AutotaskContext(currency: source.tenant.baseCurrency)
            let (units, unitRequests) = try await children(AutotaskContractServiceUnit.self, "contractServiceID", in: items.map(\.id))
            // The latest unit period of each service, as a read of the whole entity would leave it.
            for unit in units { if let service = unit.contractServiceID { context.serviceUnits[service] = unit } }
            let (services, serviceRequests) = try await children(AutotaskService.self, "id", in: items.compactMap(\.serviceID))
            for service in services { context.serviceName[service.id] = service.name }
            return Mapped(items, requests: unitRequests + serviceRequests) { item throws(AutotaskDecodingError) in try AutotaskRecords.addition(item, context) }
        }

        /// Expense items, with the submitter of their reports.
        func expenses(_ items: [AutotaskExpenseItem]) async throws -> Mapped<ExpenseEntry> {
            var context = AutotaskContext(currency: source.tenant.baseCurrency)
            let (reports, requests) = try await children(AutotaskExpenseReport.self, "id", in: items.compactMap(\.expenseReportID))
            for report in reports { context.reportSubmitter[report.id] = report.submitterID }
            return Mapped(items, requests: requests) { item throws(AutotaskDecodingError) in try AutotaskRecords.expense(item, context) }
        }

        /// Tasks, with the company of their project (already synced).
        func tasks(_ items: [AutotaskTask]) async throws -> Mapped<Ticket> {
            var (context, requests) = try await context(.tasks)
            let projects = try await source.store.records(
                tenant: tenant, Project.self, source: .autotask, ids: items.compactMap(\.projectID).map { ID<Project>(String($0)) })
            for project in projects {
                if let id = Int(project.id.rawValue), let company = Int(project.companyID.rawValue) { context.projectCompany[id] = company }
            }
            return Mapped(items, requests: requests) { item throws(AutotaskDecodingError) in try AutotaskRecords.task(item, context) }
        }

        /// Time entries, with their ticket's or task's company, their contract's company, their role's rate and their
        /// resource's cost (all already synced).
        func timeEntries(_ items: [AutotaskTimeEntry]) async throws -> Mapped<TimeEntry> {
            var (context, requests) = try await context(.timeEntries)
            let store = source.store
            func int(_ text: String) -> Int? { Int(text) }
            let ticketIDs = (items.compactMap(\.ticketID) + items.compactMap(\.taskID)).map { ID<Ticket>(String($0)) }
            // Only the columns the mapping needs are read (decoding whole tickets cost a tenth of a large sync).
            let tickets = try await store.textColumns(["company_id", "project_id"], tenant: tenant, of: Ticket.self, source: .autotask, ids: ticketIDs)
            for (ticket, columns) in tickets {
                guard let id = int(ticket.rawValue), let company = columns[0].flatMap(int) else { continue }
                context.ticketCompany[id] = company
                if let project = columns[1].flatMap(int) {
                    // A task is stored as a project ticket: its company is its project's.
                    context.taskProject[id] = project
                    context.projectCompany[project] = company
                }
            }
            let agreements = try await store.textColumns(
                ["company_id"], tenant: tenant, of: Agreement.self, source: .autotask, ids: items.compactMap(\.contractID).map { ID<Agreement>(String($0)) })
            for (agreement, columns) in agreements {
                if let id = int(agreement.rawValue), let company = columns[0].flatMap(int) { context.contractCompany[id] = company }
            }
            let roles = try await store.records(
                tenant: tenant, WorkRole.self, source: .autotask, ids: items.compactMap(\.roleID).map { ID<WorkRole>(String($0)) })
            for role in roles { if let id = int(role.id.rawValue) { context.roleRate[id] = role.hourlyRate?.amount } }
            let members = try await store.records(
                tenant: tenant, Member.self, source: .autotask, ids: items.compactMap(\.resourceID).map { ID<Member>(String($0)) })
            for member in members {
                if let id = int(member.id.rawValue) { context.resourceCost[id] = member.rates.first?.hourlyCost?.amount }
            }
            return Mapped(items, requests: requests) { item throws(AutotaskDecodingError) in try AutotaskRecords.timeEntry(item, context) }
        }

        // MARK: Deletions

        func presentIDs(_ stream: String) async throws -> (ids: Set<String>, requests: Int)? {
            // Tickets and tasks share a table: the ticket stream looks at both, the task stream at neither.
            let entities: [AutotaskEntity]
            switch try entity(stream) {
            case .tickets: entities = [.tickets, .tasks]
            case .tasks: return nil
            case let other: entities = [other]
            }
            var present: Set<String> = []
            var requests = 0
            for entity in entities {
                try await connector.ids(entity) { ids in
                    requests += 1
                    present.formUnion(ids.map(String.init))
                }
            }
            return (present, requests)
        }

        func deletionMarker(for stream: String) throws -> StreamDeletionMarker {
            switch try entity(stream) {
            case .companies: marker(deleting: Company.self, from: .autotask)
            case .configurationItems: marker(deleting: ConfigurationItem.self, from: .autotask)
            case .resources: marker(deleting: Member.self, from: .autotask)
            case .roles: marker(deleting: WorkRole.self, from: .autotask)
            case .billingCodes: marker(deleting: WorkType.self, from: .autotask)
            case .contracts: marker(deleting: Agreement.self, from: .autotask)
            case .contractServices: marker(deleting: AgreementAddition.self, from: .autotask)
            case .invoices: marker(deleting: Invoice.self, from: .autotask)
            case .billingItems: marker(deleting: ProductLine.self, from: .autotask)
            case .timeEntries: marker(deleting: TimeEntry.self, from: .autotask)
            case .tickets, .tasks: marker(deleting: Ticket.self, from: .autotask)
            case .projects: marker(deleting: Project.self, from: .autotask)
            case .opportunities: marker(deleting: Opportunity.self, from: .autotask)
            case .expenseItems: marker(deleting: ExpenseEntry.self, from: .autotask)
            case .configurationItemTypes, .contractServiceUnits, .contractBlocks, .services, .products, .expenseReports:
                throw SyncError.unknownStream(stream)
            }
        }
    }
}

/// The picklists of each entity, read at most once per run, on first use.
actor PicklistCache {
    let connector: AutotaskConnector
    private var cached: [AutotaskEntity: Task<AutotaskPicklists, any Error>] = [:]

    init(connector: AutotaskConnector) { self.connector = connector }

    /// `entity`'s picklists, and the requests this call made (1 the first time, then 0).
    func lists(_ entity: AutotaskEntity) async throws -> (AutotaskPicklists, requests: Int) {
        if let pending = cached[entity] { return (try await pending.value, 0) }
        let connector = self.connector
        let task = Task { () throws -> AutotaskPicklists in try await connector.picklists(entity) }
        cached[entity] = task
        return (try await task.value, 1)
    }
}

/// Ranges waiting for their pages to be stored, by key: each is resumed once, by the writer or, when the hand-over
/// stream ends first, by its termination.
// `@unchecked Sendable`: every stored property is read and written only under `lock`.
final class HandOvers: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var waiting: [Int: CheckedContinuation<Bool, Never>] = [:]

    /// Registers `continuation` and returns its key.
    func add(_ continuation: CheckedContinuation<Bool, Never>) -> Int {
        lock.withLock {
            next += 1
            waiting[next] = continuation
            return next
        }
    }

    /// Resumes the range waiting under `key`, if it still is.
    func resume(_ key: Int, returning stored: Bool) {
        lock.withLock { waiting.removeValue(forKey: key) }?.resume(returning: stored)
    }

    /// Resumes every range still waiting.
    func resumeAll(returning stored: Bool) {
        let all = lock.withLock {
            let all = waiting
            waiting = [:]
            return all
        }
        for continuation in all.values { continuation.resume(returning: stored) }
    }
}


/// A page of items mapped to records one at a time: an item the mapping refuses (a field without which the record has no
/// meaning is missing) is left out and named, and the rest of the page is stored. One bad item never stops a stream.
struct Mapped<R: Sendable>: Sendable {
    var records: [R] = []
    /// Requests the mapping took (children, lookups, picklists).
    var requests = 0
    /// Why each refused item was left out.
    var rejected: [String] = []

    init() {}

    /// Fails the page when every one of several items was refused: that is no longer a bad item but a shape the mapping
    /// cannot read, which must stop the stream rather than pass for an empty page.
    func checkNotAllRefused(_ entity: AutotaskEntity) throws(AutotaskDecodingError) {
        guard records.isEmpty, rejected.count > 1, let first = rejected.first else { return }
        throw AutotaskDecodingError(entity: entity.rawValue, reason: "every item of a page was refused (\(rejected.count)), e.g. \(first)")
    }

    init<Item>(_ items: [Item], requests: Int, _ map: (Item) throws(AutotaskDecodingError) -> R?) {
        self.requests = requests
        records.reserveCapacity(items.count)
        for item in items {
            do {
                if let record = try map(item) { records.append(record) }
            } catch {
                rejected.append("\(error.entity): \(error.reason)")
            }
        }
    }
}
