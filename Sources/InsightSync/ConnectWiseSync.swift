import ConnectWiseAPI
import Foundation
public import InsightConnectors
public import InsightCore
public import InsightStore
import SQLKit

/// Syncs one tenant's ConnectWise PSA into the store: a full load the first time, then only what changed, with
/// a periodic look for deleted records.
///
/// Every page is stored together with its stream's cursor in one transaction, so a run stopped at any moment
/// (even `kill -9`) loses and duplicates nothing: the next run resumes after the last committed page. Streams
/// run concurrently (``SyncOptions/concurrency``); a stream waits only for what it needs (time entries need
/// the work types, additions need the agreements). A stream that fails is reported with its cause and fix and
/// does not stop the others. Streams are claimed with a lease, so several workers can share one database.
/// The engine is shared with ``AutotaskSync``; this type says how ConnectWise is read.
public struct ConnectWiseSync: Sendable {
    public let store: Store
    public let connector: ConnectWiseConnector
    public let tenant: Tenant
    public let options: SyncOptions
    let onEvent: @Sendable (SyncEvent) -> Void
    let clock: @Sendable () -> Timestamp

    public init(
        store: Store, connector: ConnectWiseConnector, tenant: Tenant, options: SyncOptions,
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

    /// The streams read, in the order they are started, with what each needs first.
    public static let streams: [(name: String, needs: [String])] = [
        (ConnectWiseEndpoint.workTypes.path, []),
        (ConnectWiseEndpoint.timeEntries.path, [ConnectWiseEndpoint.workTypes.path]),
        (ConnectWiseEndpoint.tickets.path, []),
        (ConnectWiseEndpoint.configurations.path, []),
        (ConnectWiseEndpoint.invoices.path, []),
        (ConnectWiseEndpoint.agreements.path, []),
        (ConnectWiseEndpoint.additions.path, [ConnectWiseEndpoint.agreements.path]),
        (ConnectWiseEndpoint.products.path, []),
        (ConnectWiseEndpoint.expenseEntries.path, []),
        (ConnectWiseEndpoint.projectTickets.path, []),
        (ConnectWiseEndpoint.companies.path, []),
        (ConnectWiseEndpoint.members.path, []),
        (ConnectWiseEndpoint.workRoles.path, []),
        (ConnectWiseEndpoint.projects.path, []),
        (ConnectWiseEndpoint.opportunities.path, []),
    ]

    /// Runs every stream once and reports what happened. Throws only when the site cannot be reached at all
    /// (wrong site, company or keys): then nothing was read, and the run log says why.
    public func run() async throws -> SyncReport {
        try await StreamSync(
            source: ConnectWiseSource(connector: connector, tenant: tenant, store: store, options: options), store: store, tenant: tenant,
            options: options, clock: clock, onEvent: onEvent
        ).run()
    }
}

/// ConnectWise PSA as the sync engine reads it.
struct ConnectWiseSource: SyncSource {
    let connector: ConnectWiseConnector
    let tenant: Tenant
    let store: Store
    let options: SyncOptions

    static let psa = PSAKind.connectwise
    static let discovery = "login/companyinfo"
    static var streams: [(name: String, needs: [String])] { ConnectWiseSync.streams }

    func connect() async throws -> Connection {
        let base = try await connector.discoverAPIBase()
        // One authenticated request, so that wrong keys stop the run with one message before any stream starts.
        try await connector.checkAuthenticated(base: base)
        return Connection(source: self, base: base)
    }

    struct Connection: SyncConnection {
        let source: ConnectWiseSource
        let base: String
        var connector: ConnectWiseConnector { source.connector }

        func prepare(_ run: inout SyncCursor.Run, stream: String, cursor: SyncCursor, reconcile: Bool) {}

        /// Additions are swept (every agreement's read) more often than deletions are looked for elsewhere, since
        /// that sweep is also how a changed addition of an unchanged agreement is found.
        func reconcileEverySeconds(_ stream: String, default: Int64) -> Int64 {
            stream == ConnectWiseEndpoint.additions.path ? min(`default`, source.options.additionsSweepEverySeconds) : `default`
        }

        /// ConnectWise answers 403 to what the role does not allow: nothing to check beforehand.
        func verifyAccess(_ stream: String) async throws -> Int { 0 }

        func count(_ stream: String) async throws -> Int? {
            stream == ConnectWiseEndpoint.additions.path ? nil : try await connector.count(stream, base: base)
        }

        /// Time entries and service tickets, the longest lists (forward-only pages follow each other), are read as
        /// `concurrency` id ranges side by side on a first full load of more than ``SyncOptions/laneThreshold``
        /// records: the cuts are the ids at equal ranks (one request each), so the ranges hold about as many each.
        func lanes(_ stream: String, expected: Int?) async throws -> (lanes: [SyncCursor.Lane], requests: Int)? {
            let width = source.options.concurrency
            guard [ConnectWiseEndpoint.timeEntries.path, ConnectWiseEndpoint.tickets.path].contains(stream), width > 1, let expected, expected >= source.options.laneThreshold else { return nil }
            let (connector, base) = (connector, base)
            let cuts = try await withThrowingTaskGroup(of: Int?.self) { group in
                for lane in 1..<width {
                    group.addTask { try await connector.id(atRank: expected * lane / width + 1, of: stream, base: base) }
                }
                return try await group.reduce(into: [Int]()) { if let id = $1 { $0.append(id) } }
            }
            return (SyncCursor.Lane.covering(splitAt: Array(Set(cuts)).sorted()), width - 1)
        }

        func read(_ stream: String, run: SyncCursor.Run, listIDs: Bool, store: (StreamPage) async throws -> Void) async throws -> Set<String>? {
            if stream == ConnectWiseEndpoint.additions.path {
                return try await readAdditions(run: run, listIDs: listIDs, store: store)
            }
            if stream == ConnectWiseEndpoint.opportunities.path {
                try await readOpportunities(run: run, store: store)
                return nil
            }
            let context = try await decodingContext(stream)
            let afterID = run.afterID.flatMap { Int($0) }
            func readPages<R: StoredRecord>(
                _ decode: @escaping @Sendable (Data, ConnectWiseContext) throws(ConnectWiseDecodingError) -> [R]
            ) async throws {
                let read: @Sendable (Data) throws(ConnectWiseDecodingError) -> [R] = { data throws(ConnectWiseDecodingError) in try decode(data, context) }
                if let lanes = run.lanes {
                    let pages = lanes.map { lane in
                        connector.pages(stream, base: base, since: run.since, afterID: lane.resumeAfter, before: lane.upperBound, decode: read)
                    }
                    try await forEachPage(ofLanes: pages) { lane, page in
                        var page = StreamPage(page)
                        page.lane = lane
                        try await store(page)
                    }
                } else {
                    let pages = connector.pages(stream, base: base, since: run.since, afterID: afterID, decode: read)
                    try await forEachPage(of: pages) { page in try await store(StreamPage(page)) }
                }
            }
            switch ConnectWiseEndpoint(rawValue: stream) {
            case .workTypes: try await readPages(ConnectWiseRecords.workTypes)
            case .workRoles: try await readPages(ConnectWiseRecords.workRoles)
            case .companies: try await readPages(ConnectWiseRecords.companies)
            case .configurations: try await readPages(ConnectWiseRecords.configurations)
            case .members: try await readPages(ConnectWiseRecords.members)
            case .agreements: try await readPages(ConnectWiseRecords.agreements)
            case .invoices: try await readPages(ConnectWiseRecords.invoices)
            case .products: try await readPages(ConnectWiseRecords.productLines)
            case .timeEntries: try await readPages(ConnectWiseRecords.timeEntries)
            case .expenseEntries: try await readPages(ConnectWiseRecords.expenses)
            case .tickets, .projectTickets: try await readPages(ConnectWiseRecords.tickets)
            case .projects: try await readPages(ConnectWiseRecords.projects)
            case .additions, .agreementTypes, .boards, .opportunities, nil: throw SyncError.unknownStream(stream)
            }
            return nil
        }

        /// The tenant's settings as the ConnectWise decoders need them, with the time-off work types already synced.
        func decodingContext(_ stream: String) async throws -> ConnectWiseContext {
            var context = ConnectWiseContext(currency: source.tenant.baseCurrency, timeZone: source.tenant.calendar.timeZone)
            if stream == ConnectWiseEndpoint.timeEntries.path {
                let workTypes = try await source.store.all(tenant: source.tenant.id, WorkType.self, source: .connectwise)
                context.timeOffWorkTypes = Set(workTypes.filter(\.isTimeOff).map(\.id))
            }
            return context
        }

        /// Additions are only reachable per agreement (`finance/agreements/{id}/additions`): a full or reconciling
        /// run (a sweep, hourly by default: ``SyncOptions/additionsSweepEverySeconds``) reads every agreement's, an
        /// incremental one those of agreements changed since additions were last read (less the overlap), so a run
        /// with nothing changed sends nothing. Returns every addition id seen when `listIDs` (what a reconciliation
        /// needs).
        func readAdditions(run: SyncCursor.Run, listIDs: Bool, store: (StreamPage) async throws -> Void) async throws -> Set<String>? {
            let cursor = try await source.store.cursor(tenant: source.tenant.id, source: .connectwise, stream: ConnectWiseEndpoint.additions.path)
            let changedAfter = cursor.completedAt.map { $0.adding(seconds: -source.options.overlapSeconds) }
            let agreements = try await source.store.all(tenant: source.tenant.id, Agreement.self, source: .connectwise)
                .filter { agreement in listIDs || run.since == nil || changedAfter.map { agreement.updatedAt > $0 } ?? true }
                .compactMap { agreement in Int(agreement.id.rawValue) }
                .sorted()
                .filter { id in run.afterID.flatMap { Int($0) }.map { id > $0 } ?? true }
            let since = listIDs ? nil : run.since
            let context = try await decodingContext(ConnectWiseEndpoint.additions.path)
            var seen: Set<String> = []
            // One request per agreement: fetched a window at a time, concurrently, and stored in agreement order.
            let window = max(1, source.options.concurrency * 2)
            let (connector, base) = (connector, base)
            for start in stride(from: 0, to: agreements.count, by: window) {
                let chunk = Array(agreements[start..<min(start + window, agreements.count)])
                let fetched = try await withThrowingTaskGroup(of: (Int, [AgreementAddition], Int).self) { group in
                    for agreement in chunk {
                        group.addTask {
                            var additions: [AgreementAddition] = []
                            var requests = 0
                            let path = "finance/agreements/\(agreement)/additions"
                            for try await page in connector.pages(path, base: base, since: since, decode: { data throws(ConnectWiseDecodingError) in
                                try ConnectWiseRecords.additions(data, context: context)
                            }) {
                                requests += 1
                                additions += page
                            }
                            return (agreement, additions, requests)
                        }
                    }
                    return try await group.reduce(into: [Int: ([AgreementAddition], Int)]()) { $0[$1.0] = ($1.1, $1.2) }
                }
                let additions = chunk.flatMap { fetched[$0]?.0 ?? [] }
                seen.formUnion(additions.map(\.id.rawValue))
                var page = StreamPage(additions)
                page.requests = chunk.reduce(0) { $0 + (fetched[$1]?.1 ?? 0) }
                // Invariant: the chunk is not empty.
                page.lastID = String(chunk.last!)
                try await store(page)
            }
            return listIDs ? seen : nil
        }

        /// Opportunities with their values, which live on each one's forecast (`sales/opportunities/{id}/forecast`):
        /// a page of opportunities, then the forecasts of those that are new or changed since stored (a window at a
        /// time, concurrently), then the page is stored with its values. Unchanged ones re-read through the overlap
        /// keep their stored values, so an idle run costs one request.
        func readOpportunities(run: SyncCursor.Run, store: (StreamPage) async throws -> Void) async throws {
            let stream = ConnectWiseEndpoint.opportunities.path
            let context = try await decodingContext(stream)
            let (connector, base) = (connector, base)
            let window = max(1, source.options.concurrency * 2)
            let pages = connector.pages(stream, base: base, since: run.since, afterID: run.afterID.flatMap { Int($0) }) {
                data throws(ConnectWiseDecodingError) in try ConnectWiseRecords.opportunities(data, context: context)
            }
            try await forEachPage(of: pages) { page in
                let stored = try await source.store.records(
                    tenant: source.tenant.id, Opportunity.self, source: .connectwise, ids: page.map(\.id))
                let known = Dictionary(stored.map { ($0.id, $0) }) { first, _ in first }
                var valued: [ID<Opportunity>: Opportunity] = [:]
                var stale: [Opportunity] = []
                for opportunity in page {
                    if let old = known[opportunity.id], old.updatedAt == opportunity.updatedAt {
                        valued[opportunity.id] = ConnectWiseForecast(
                            oneTimeValue: old.oneTimeValue, monthlyRecurringValue: old.recurringValue, probability: nil
                        ).apply(to: opportunity)
                    } else {
                        stale.append(opportunity)
                    }
                }
                for start in stride(from: 0, to: stale.count, by: window) {
                    let chunk = stale[start..<min(start + window, stale.count)]
                    try await withThrowingTaskGroup(of: Opportunity.self) { group in
                        for opportunity in chunk {
                            group.addTask {
                                let path = "\(stream)/\(opportunity.id.rawValue)/forecast"
                                let forecast = try await connector.item(path, base: base, entity: stream) { data throws(ConnectWiseDecodingError) in
                                    try ConnectWiseRecords.forecast(data, context: context)
                                }
                                return forecast.apply(to: opportunity)
                            }
                        }
                        for try await opportunity in group { valued[opportunity.id] = opportunity }
                    }
                }
                var valuedPage = StreamPage(page.compactMap { valued[$0.id] })
                valuedPage.requests = 1 + stale.count
                try await store(valuedPage)
            }
        }

        func presentIDs(_ stream: String) async throws -> (ids: Set<String>, requests: Int)? {
            // Tickets come from two endpoints into one table: the service-ticket stream looks at both, the
            // project-ticket stream at neither. Additions are listed by their own read.
            let endpoints: [String]
            switch ConnectWiseEndpoint(rawValue: stream) {
            case .tickets: endpoints = [ConnectWiseEndpoint.tickets.path, ConnectWiseEndpoint.projectTickets.path]
            case .projectTickets, .additions: return nil
            default: endpoints = [stream]
            }
            var present: Set<String> = []
            var requests = 0
            for endpoint in endpoints {
                for try await ids in connector.ids(endpoint, base: base) {
                    requests += 1
                    present.formUnion(ids.map(String.init))
                }
            }
            return (present, requests)
        }

        func deletionMarker(for stream: String) throws -> StreamDeletionMarker {
            switch ConnectWiseEndpoint(rawValue: stream) {
            case .workTypes: marker(deleting: WorkType.self, from: .connectwise)
            case .workRoles: marker(deleting: WorkRole.self, from: .connectwise)
            case .companies: marker(deleting: Company.self, from: .connectwise)
            case .configurations: marker(deleting: ConfigurationItem.self, from: .connectwise)
            case .members: marker(deleting: Member.self, from: .connectwise)
            case .agreements: marker(deleting: Agreement.self, from: .connectwise)
            case .additions: marker(deleting: AgreementAddition.self, from: .connectwise)
            case .invoices: marker(deleting: Invoice.self, from: .connectwise)
            case .products: marker(deleting: ProductLine.self, from: .connectwise)
            case .timeEntries: marker(deleting: TimeEntry.self, from: .connectwise)
            case .expenseEntries: marker(deleting: ExpenseEntry.self, from: .connectwise)
            case .tickets, .projectTickets: marker(deleting: Ticket.self, from: .connectwise)
            case .projects: marker(deleting: Project.self, from: .connectwise)
            case .opportunities: marker(deleting: Opportunity.self, from: .connectwise)
            case .agreementTypes, .boards, nil: throw SyncError.unknownStream(stream)
            }
        }
    }
}

/// Calls `body` with each page of `pages` in order while the next page is already being fetched and decoded,
/// so that network, decoding and the store's writes overlap. Stopping (an error or cancellation) cancels the
/// fetch in flight, and the request the iterator sent ahead goes with the iterator.
func forEachPage<Record: Sendable>(
    of pages: ConnectWisePages<Record>, _ body: ([Record]) async throws -> Void
) async throws {
    func fetch(_ iterator: ConnectWisePages<Record>.AsyncIterator) -> Task<([Record]?, ConnectWisePages<Record>.AsyncIterator), any Error> {
        Task {
            var iterator = iterator
            let page = try await iterator.next()
            return (page, iterator)
        }
    }
    var pending = fetch(pages.makeAsyncIterator())
    defer { pending.cancel() }
    while true {
        let current = pending
        let (page, iterator) = try await withTaskCancellationHandler {
            try await current.value
        } onCancel: {
            current.cancel()
        }
        guard let page else { return }
        pending = fetch(iterator)
        try await body(page)
    }
}

/// Consumes the pages of several lanes read side by side, one page at a time (storing stays serial), each with its
/// lane's index. Every lane fetches its next page while the current one is stored, and never more than that, so
/// memory holds about three pages a lane (the iterator's request sent ahead included); a lane's pages arrive in its order.
func forEachPage<Record: Sendable>(
    ofLanes lanes: [ConnectWisePages<Record>], _ body: (Int, [Record]) async throws -> Void
) async throws {
    typealias Iterator = ConnectWisePages<Record>.AsyncIterator
    try await withThrowingTaskGroup(of: (Int, [Record]?, Iterator).self) { group in
        for (index, lane) in lanes.enumerated() {
            let iterator = lane.makeAsyncIterator()
            group.addTask {
                var iterator = iterator
                return (index, try await iterator.next(), iterator)
            }
        }
        while let (index, page, iterator) = try await group.next() {
            guard let page else { continue }
            group.addTask {
                var iterator = iterator
                return (index, try await iterator.next(), iterator)
            }
            try await body(index, page)
        }
    }
}
