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
    ]

    /// Runs every stream once and reports what happened. Throws only when the site cannot be reached at all
    /// (wrong site, company or keys): then nothing was read, and the run log says why.
    public func run() async throws -> SyncReport {
        let runID = UUID().uuidString.lowercased()
        let startedAt = clock()
        let base: String
        do {
            base = try await connector.discoverAPIBase()
        } catch {
            let now = clock()
            try await store.record(
                SyncRunEntry(
                    runID: runID, tenant: tenant.id, source: .connectwise, stream: "login/companyinfo", kind: .incremental,
                    worker: options.worker, startedAt: now, finishedAt: now, requests: 1, status: .failed, error: error.description))
            throw error
        }
        let collector = ReportCollector(report: SyncReport(runID: runID, tenant: tenant.id))
        let scheduler = StreamScheduler(
            jobs: Self.streams.map { StreamScheduler.Job(name: $0.name, needs: $0.needs) }, width: max(1, options.concurrency))
        let onEvent = self.onEvent
        var blockedStreams: [(String, String)] = []
        _ = await scheduler.run({ name in
            let run = StreamRun(sync: self, runID: runID, runStartedAt: startedAt, base: base, stream: name)
            switch await run.execute() {
            case .ran(let entry):
                await collector.add(entry)
                onEvent(.finished(entry))
                return entry.status == .succeeded ? .completed : .notCompleted
            case .skipped(let reason):
                await collector.skip(name, reason)
                onEvent(.skipped(stream: name, reason: reason))
                return .notCompleted
            }
        }, blocked: { name, reason in
            onEvent(.skipped(stream: name, reason: reason))
            blockedStreams.append((name, reason))
        })
        var report = await collector.report
        report.skipped += blockedStreams.map { (stream: $0.0, reason: $0.1) }
        return report
    }
}

/// Gathers a run's entries from concurrent streams.
private actor ReportCollector {
    var report: SyncReport
    init(report: SyncReport) { self.report = report }
    func add(_ entry: SyncRunEntry) { report.entries.append(entry) }
    func skip(_ stream: String, _ reason: String) { report.skipped.append((stream, reason)) }
}

/// One stream of one run: reads pages, stores each with the cursor, then looks for deletions when due.
private struct StreamRun {
    enum Result {
        case ran(SyncRunEntry)
        case skipped(String)
    }

    let sync: ConnectWiseSync
    let runID: String
    let runStartedAt: Timestamp
    let base: String
    let stream: String

    var store: Store { sync.store }
    var connector: ConnectWiseConnector { sync.connector }
    var tenant: Tenant.ID { sync.tenant.id }
    var options: SyncOptions { sync.options }

    func execute() async -> Result {
        let now = sync.clock()
        do {
            guard
                try await store.claim(
                    tenant: tenant, source: .connectwise, stream: stream, worker: options.worker, now: now,
                    until: now.adding(seconds: options.leaseSeconds))
            else { return .skipped("another worker is syncing it") }
            // Another worker may have completed it since this run started: then there is nothing new to read.
            let cursor = try await store.cursor(tenant: tenant, source: .connectwise, stream: stream)
            if cursor.inProgress == nil, let completed = cursor.completedAt, completed >= runStartedAt {
                try await store.release(tenant: tenant, source: .connectwise, stream: stream, worker: options.worker)
                return .skipped("another worker synced it during this run")
            }
        } catch {
            return .skipped("its lease could not be taken: \(error)")
        }
        var entry = SyncRunEntry(
            runID: runID, tenant: tenant, source: .connectwise, stream: stream, kind: .incremental, worker: options.worker,
            startedAt: now)
        do {
            try await read(into: &entry)
            entry.status = .succeeded
        } catch let error as ConnectorError {
            entry.status = .failed
            entry.error = error.description
        } catch {
            entry.status = .failed
            entry.error = "\(error)"
        }
        entry.finishedAt = sync.clock()
        try? await store.record(entry)
        try? await store.release(tenant: tenant, source: .connectwise, stream: stream, worker: options.worker)
        return .ran(entry)
    }

    /// Starts or resumes the stream's run, reads it to the end and looks for deletions when due.
    func read(into entry: inout SyncRunEntry) async throws {
        var cursor = try await store.cursor(tenant: tenant, source: .connectwise, stream: stream)
        let now = sync.clock()
        let firstLoad = cursor.highWater == nil && cursor.reconciledAt == nil
        if let run = cursor.inProgress, !(options.full && run.since != nil) {
            entry.kind = .resumed
        } else {
            let since = options.full ? nil : cursor.highWater.map { $0.adding(seconds: -options.overlapSeconds) }
            cursor.inProgress = SyncCursor.Run(since: since, startedAt: now)
            entry.kind = since == nil ? .full : .incremental
        }
        try await store.record(entry)
        let due = cursor.reconciledAt.map { now.rawValue - $0.rawValue > options.reconcileEverySeconds * 1_000 } ?? true
        let reconcile = firstLoad || options.full || options.reconcileNow || due
        var seen: Set<String>?
        if stream == ConnectWiseEndpoint.additions.path {
            seen = try await readAdditions(cursor: &cursor, listIDs: reconcile && !firstLoad, entry: &entry)
        } else {
            try await readList(cursor: &cursor, entry: &entry)
        }
        // The run is complete: the latest change it saw becomes the high-water mark.
        // Invariant: readList and readAdditions leave the run in the cursor.
        let finished = cursor.inProgress!
        // Only the PSA's own clock is trusted here: a stream that has never returned a record stays without one.
        cursor.highWater = [cursor.highWater, finished.maxSeen].compactMap { $0 }.max()
        cursor.inProgress = nil
        cursor.completedAt = sync.clock()
        if firstLoad {
            // The store held nothing of this stream before: there is nothing to find deleted.
            cursor.reconciledAt = finished.startedAt
        } else if reconcile, stream != ConnectWiseEndpoint.additions.path || seen != nil {
            try await markDeleted(cursor: &cursor, seen: seen, entry: &entry)
            return
        }
        let done = cursor
        try await store.withTransaction { db in try await Store.save(done, now: sync.clock(), on: db) }
    }

    // MARK: Lists

    func readList(cursor: inout SyncCursor, entry: inout SyncRunEntry) async throws {
        // Invariant: the caller started or resumed a run.
        var run = cursor.inProgress!
        if run.since == nil && run.afterID == nil && cursor.completedAt == nil {
            entry.expected = try await connector.count(stream, base: base)
            entry.requests += 1
        }
        try await store.withTransaction { [cursor] db in try await Store.save(cursor, now: sync.clock(), on: db) }
        sync.onEvent(.started(stream: stream, kind: entry.kind, expected: entry.expected))
        entry.records = run.recordsDone
        let context = try await decodingContext()
        let afterID = run.afterID.flatMap { Int($0) }
        func readPages<R: StoredRecord>(
            _ decode: @escaping @Sendable (Data, ConnectWiseContext) throws(ConnectWiseDecodingError) -> [R]
        ) async throws {
            let pages = connector.pages(stream, base: base, since: run.since, afterID: afterID) { data throws(ConnectWiseDecodingError) in
                try decode(data, context)
            }
            try await forEachPage(of: pages) { page in
                entry.requests += 1
                try await storePage(StreamPage(page), run: &run, cursor: &cursor, entry: &entry)
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
        cursor.inProgress = run
    }

    /// Stores one page with the cursor that points after it, in one transaction.
    func storePage(_ page: StreamPage, run: inout SyncCursor.Run, cursor: inout SyncCursor, entry: inout SyncRunEntry) async throws {
        if let last = page.lastID { run.afterID = last }
        if let latest = page.latestUpdate { run.maxSeen = max(run.maxSeen ?? latest, latest) }
        run.recordsDone += page.count
        cursor.inProgress = run
        entry.records = run.recordsDone
        let (saved, logged, clock) = (cursor, entry, sync.clock)
        // Stamped inside the transaction, so that on SQLite (one writer) stamps follow commit order.
        let now = try await store.withTransaction { db in
            let now = clock()
            try await page.write(tenant, now, db)
            try await Store.save(saved, now: now, on: db)
            try await Store.record(logged, on: db)
            return now
        }
        sync.onEvent(.progress(stream: stream, records: entry.records, expected: entry.expected))
        let renewed = try await store.claim(
            tenant: tenant, source: .connectwise, stream: stream, worker: options.worker, now: now,
            until: now.adding(seconds: options.leaseSeconds))
        guard renewed else { throw SyncError.leaseLost(stream: stream) }
    }

    /// The tenant's settings as the ConnectWise decoders need them, with the time-off work types already synced.
    func decodingContext() async throws -> ConnectWiseContext {
        var context = ConnectWiseContext(currency: sync.tenant.baseCurrency, timeZone: sync.tenant.calendar.timeZone)
        if stream == ConnectWiseEndpoint.timeEntries.path {
            let workTypes = try await store.all(tenant: tenant, WorkType.self, source: .connectwise)
            context.timeOffWorkTypes = Set(workTypes.filter(\.isTimeOff).map(\.id))
        }
        return context
    }

    // MARK: Agreement additions

    /// Additions are only reachable per agreement (`finance/agreements/{id}/additions`): a full or reconciling
    /// run reads every agreement's, an incremental one those of agreements that are active or changed. Returns
    /// every addition id seen when `listIDs` and the run was not resumed (what a reconciliation needs).
    func readAdditions(cursor: inout SyncCursor, listIDs: Bool, entry: inout SyncRunEntry) async throws -> Set<String>? {
        // Invariant: the caller started or resumed a run.
        var run = cursor.inProgress!
        let resumed = run.afterID != nil
        let agreements = try await store.all(tenant: tenant, Agreement.self, source: .connectwise)
            .filter { agreement in
                listIDs || run.since.map { agreement.status == .active || agreement.updatedAt > $0 } ?? true
            }
            .compactMap { agreement in Int(agreement.id.rawValue) }
            .sorted()
            .filter { id in run.afterID.flatMap { Int($0) }.map { id > $0 } ?? true }
        try await store.withTransaction { [cursor] db in try await Store.save(cursor, now: sync.clock(), on: db) }
        sync.onEvent(.started(stream: stream, kind: entry.kind, expected: nil))
        entry.records = run.recordsDone
        let since = listIDs ? nil : run.since
        let context = try await decodingContext()
        var seen: Set<String> = []
        // One request per agreement: fetched a window at a time, concurrently, and stored in agreement order.
        let window = max(1, options.concurrency * 2)
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
            entry.requests += chunk.reduce(0) { $0 + (fetched[$1]?.1 ?? 0) }
            seen.formUnion(additions.map(\.id.rawValue))
            var page = StreamPage(additions)
            // Invariant: the chunk is not empty.
            page.lastID = String(chunk.last!)
            try await storePage(page, run: &run, cursor: &cursor, entry: &entry)
        }
        cursor.inProgress = run
        return listIDs && !resumed ? seen : nil
    }

    // MARK: Deletions

    /// Marks records no longer in ConnectWise as deleted (`seen`: every id, when the run already read them
    /// all) and saves the cursor with the time of this look, in one transaction.
    func markDeleted(cursor: inout SyncCursor, seen: Set<String>?, entry: inout SyncRunEntry) async throws {
        let now = sync.clock()
        var present = seen ?? []
        if seen == nil {
            // Tickets come from two endpoints into one table: the service-ticket stream looks at both, the
            // project-ticket stream at neither.
            let endpoints: [String]
            switch ConnectWiseEndpoint(rawValue: stream) {
            case .tickets: endpoints = [ConnectWiseEndpoint.tickets.path, ConnectWiseEndpoint.projectTickets.path]
            case .projectTickets: endpoints = []
            default: endpoints = [stream]
            }
            for endpoint in endpoints {
                for try await ids in connector.ids(endpoint, base: base) {
                    entry.requests += 1
                    present.formUnion(ids.map(String.init))
                }
            }
            if endpoints.isEmpty {
                let done = cursor
                try await store.withTransaction { db in try await Store.save(done, now: now, on: db) }
                return
            }
        }
        let marker = try Self.deletionMarker(for: stream)
        cursor.reconciledAt = now
        let (saved, tenant, keep) = (cursor, tenant, present)
        entry.deleted = try await store.withTransaction { db in
            let deleted = try await marker(tenant, keep, now, db)
            try await Store.save(saved, now: now, on: db)
            return deleted
        }
    }

    typealias Marker = @Sendable (Tenant.ID, Set<String>, Timestamp, any SQLDatabase) async throws -> Int

    static func deletionMarker(for stream: String) throws -> Marker {
        func marker<R: StoredRecord>(_ type: R.Type) -> Marker {
            { tenant, present, now, db in
                try await Store.markDeleted(tenant: tenant, R.self, source: .connectwise, keeping: present, at: now, on: db)
            }
        }
        switch ConnectWiseEndpoint(rawValue: stream) {
        case .workTypes: return marker(WorkType.self)
        case .workRoles: return marker(WorkRole.self)
        case .companies: return marker(Company.self)
        case .configurations: return marker(ConfigurationItem.self)
        case .members: return marker(Member.self)
        case .agreements: return marker(Agreement.self)
        case .additions: return marker(AgreementAddition.self)
        case .invoices: return marker(Invoice.self)
        case .products: return marker(ProductLine.self)
        case .timeEntries: return marker(TimeEntry.self)
        case .expenseEntries: return marker(ExpenseEntry.self)
        case .tickets, .projectTickets: return marker(Ticket.self)
        case .projects: return marker(Project.self)
        case .agreementTypes, .boards, .opportunities, nil: throw SyncError.unknownStream(stream)
        }
    }
}

/// One page of records on its way to the store, whatever their type.
struct StreamPage: Sendable {
    var count: Int
    /// The greatest id of the page (ConnectWise ids are integers, read in increasing order).
    var lastID: String?
    var latestUpdate: Timestamp?
    let write: @Sendable (Tenant.ID, Timestamp, any SQLDatabase) async throws -> Void

    init<R: StoredRecord>(_ records: [R]) {
        count = records.count
        lastID = records.map(\.id.rawValue).max { (Int($0) ?? 0) < (Int($1) ?? 0) }
        latestUpdate = records.map(\.updatedAt).max()
        write = { tenant, now, db in try await Store.upsert(tenant: tenant, records, syncedAt: now, on: db) }
    }
}

/// Why a stream stopped, when the cause is the sync itself rather than the PSA or the store.
public enum SyncError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another worker took the stream over (this worker was too slow to renew its lease).
    case leaseLost(stream: String)
    case unknownStream(String)

    public var description: String {
        switch self {
        case .leaseLost(let stream):
            "Another worker took over \(stream) after this one held it longer than its lease; it will carry on from the last saved page."
        case .unknownStream(let stream): "PSA Insight does not know how to sync \(stream)."
        }
    }
}

/// Calls `body` with each page of `pages` in order while the next page is already being fetched and decoded,
/// so that network, decoding and the store's writes overlap. Stopping (an error or cancellation) cancels the
/// fetch in flight.
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
