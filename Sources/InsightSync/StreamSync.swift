import Foundation
import InsightCore
import InsightStore
import SQLKit

/// A PSA as the sync engine reads it: named streams, each read in increasing id order, a page at a time.
///
/// The engine (``StreamSync``) owns everything that must be the same for every PSA: leases, cursors, the run log,
/// storing each page with its cursor in one transaction, and marking deletions. A source only says how to read.
protocol SyncSource: Sendable {
    associatedtype Connection: SyncConnection
    /// Which PSA the records come from.
    static var psa: PSAKind { get }
    /// The streams, in the order they start, with the streams each needs first.
    static var streams: [(name: String, needs: [String])] { get }
    /// What the run log calls the first request (discovery), when it fails.
    static var discovery: String { get }
    /// Reaches the PSA; throws, with the cause and fix, when it cannot be reached at all.
    func connect() async throws -> Connection
}

/// One reachable PSA, for the length of a run.
protocol SyncConnection: Sendable {
    /// Adjusts a run that is about to start (not a resumed one). `run.since` is the incremental start the engine
    /// chose (`nil` for a full read); `reconcile` says whether deletions will be looked for.
    func prepare(_ run: inout SyncCursor.Run, stream: String, cursor: SyncCursor, reconcile: Bool)
    /// How long (seconds) `stream` may go without a look for deletions, given the tenant's `default`.
    func reconcileEverySeconds(_ stream: String, default: Int64) -> Int64
    /// Makes sure the PSA lets this user read everything `stream` reads, before a first load or a look for
    /// deletions (where missing rows would pass for deleted ones); returns the requests it took.
    func verifyAccess(_ stream: String) async throws -> Int
    /// How many records a first full load of `stream` will read, when the PSA can say (one request).
    func count(_ stream: String) async throws -> Int?
    /// Reads `run` of `stream` (after `run.afterID`), handing each page to `store` in order. `listIDs` asks for
    /// every id seen, which is possible when the read covers the whole stream: then the return value serves
    /// the look for deletions without listing ids again; otherwise `nil`.
    func read(
        _ stream: String, run: SyncCursor.Run, listIDs: Bool, store: (StreamPage) async throws -> Void
    ) async throws -> Set<String>?
    /// How to split a first full read of `stream` (`expected` records, when the PSA said) into id ranges read side
    /// by side, with the requests it took to decide; `nil` to read in one id order. `read` then gets a run with
    /// `lanes` and tags each page with its lane.
    func lanes(_ stream: String, expected: Int?) async throws -> (lanes: [SyncCursor.Lane], requests: Int)?
    /// Every id the PSA now holds for the records `stream` writes, with the number of requests it took; `nil`
    /// when the stream cannot tell (then nothing is marked deleted).
    func presentIDs(_ stream: String) async throws -> (ids: Set<String>, requests: Int)?
    /// Marks the stream's records that are not in `present` deleted.
    func deletionMarker(for stream: String) throws -> StreamDeletionMarker
}

extension SyncConnection {
    func lanes(_ stream: String, expected: Int?) async throws -> (lanes: [SyncCursor.Lane], requests: Int)? { nil }
    func reconcileEverySeconds(_ stream: String, default: Int64) -> Int64 { `default` }
}

typealias StreamDeletionMarker = @Sendable (Tenant.ID, Set<String>, Timestamp, any SQLDatabase) async throws -> Int

/// A marker for the records of type `R` from `psa`.
func marker<R: StoredRecord>(deleting type: R.Type, from psa: PSAKind) -> StreamDeletionMarker {
    { tenant, present, now, db in
        try await Store.markDeleted(tenant: tenant, R.self, source: psa, keeping: present, at: now, on: db)
    }
}

/// One page of records on its way to the store, whatever their type.
struct StreamPage: Sendable {
    var count: Int
    /// The greatest id of the page (PSA ids are integers, read in increasing order).
    var lastID: String?
    var latestUpdate: Timestamp?
    /// Requests it took to read the page (children and lookups included).
    var requests = 1
    /// The lane of a split read (an index into the run's `lanes`) the page belongs to.
    var lane: Int?
    /// Why each item the mapping could not read was left out of the page (the rest is stored).
    var rejected: [String] = []
    let write: @Sendable (Tenant.ID, Timestamp, any SQLDatabase) async throws -> Void

    init<R: StoredRecord>(_ records: [R]) {
        count = records.count
        lastID = records.map(\.id.rawValue).max { (Int($0) ?? 0) < (Int($1) ?? 0) }
        latestUpdate = records.map(\.updatedAt).max()
        write = { tenant, now, db in try await Store.upsert(tenant: tenant, records, syncedAt: now, on: db) }
    }

    /// Two pages stored together (Autotask tickets and tasks share a table but not a stream).
    init(count: Int, lastID: String?, latestUpdate: Timestamp?, requests: Int, write: @escaping @Sendable (Tenant.ID, Timestamp, any SQLDatabase) async throws -> Void) {
        self.count = count
        self.lastID = lastID
        self.latestUpdate = latestUpdate
        self.requests = requests
        self.write = write
    }
}

/// Syncs one tenant from one PSA: every stream once, concurrently as far as their needs allow.
///
/// Every page is stored together with its stream's cursor in one transaction, so a run stopped at any moment
/// (even `kill -9`) loses and duplicates nothing: the next run resumes after the last committed page. A stream
/// that fails is reported with its cause and fix and does not stop the others. Streams are claimed with a
/// lease, so several workers can share one database.
struct StreamSync<Source: SyncSource>: Sendable {
    let source: Source
    let store: Store
    let tenant: Tenant
    let options: SyncOptions
    let clock: @Sendable () -> Timestamp
    let onEvent: @Sendable (SyncEvent) -> Void

    func run() async throws -> SyncReport {
        let runID = UUID().uuidString.lowercased()
        let startedAt = clock()
        let connection: Source.Connection
        do {
            connection = try await source.connect()
        } catch {
            let now = clock()
            try await store.record(
                SyncRunEntry(
                    runID: runID, tenant: tenant.id, source: Source.psa, stream: Source.discovery, kind: .incremental,
                    worker: options.worker, startedAt: now, finishedAt: now, requests: 1, status: .failed, error: "\(error)"))
            throw error
        }
        let collector = ReportCollector(report: SyncReport(runID: runID, tenant: tenant.id))
        let scheduler = StreamScheduler(
            jobs: Source.streams.map { StreamScheduler.Job(name: $0.name, needs: $0.needs) }, width: max(1, options.concurrency))
        let onEvent = self.onEvent
        var blockedStreams: [(String, String)] = []
        _ = await scheduler.run({ name in
            let run = StreamRun(sync: self, connection: connection, runID: runID, runStartedAt: startedAt, stream: name)
            switch await run.execute() {
            case .ran(let entry):
                await collector.add(entry)
                onEvent(.finished(entry))
                return entry.status == .succeeded ? .completed : .notCompleted
            case .skipped(let reason):
                await collector.skip(name, reason)
                onEvent(.skipped(stream: name, reason: reason))
                return .notCompleted
            case .doneElsewhere(let reason):
                // Its records are stored: the streams that need it go ahead.
                await collector.skip(name, reason)
                onEvent(.skipped(stream: name, reason: reason))
                return .completed
            }
        }, blocked: { name, reason in
            onEvent(.skipped(stream: name, reason: reason))
            blockedStreams.append((name, reason))
        })
        var report = await collector.report
        report.skipped += blockedStreams.map { (stream: $0.0, reason: $0.1) }
        // The MSP's own values (boards, agreement types, work types) this run brought get their inferred class; confirmed
        // classes stay. Records whose class moved are marked changed, so the KPI rollups recompute their months.
        // A failure here costs no stored page: it is reported, and the next run infers again.
        do {
            let changed = report.records > 0 || report.entries.contains { $0.deleted > 0 }
            let needed = changed ? true : try await store.classification(tenant: tenant.id).isEmpty
            if needed {
                report.classificationChanges = try await store.inferClassification(tenant: tenant.id, now: clock()).count
            }
        } catch {
            report.skipped.append((stream: "classification", reason: "the classification could not be inferred: \(error)"))
        }
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
private struct StreamRun<Source: SyncSource> {
    enum Result {
        case ran(SyncRunEntry)
        case skipped(String)
        /// Another worker synced the stream during this run.
        case doneElsewhere(String)
    }

    let sync: StreamSync<Source>
    let connection: Source.Connection
    let runID: String
    let runStartedAt: Timestamp
    let stream: String

    var store: Store { sync.store }
    var tenant: Tenant.ID { sync.tenant.id }
    var options: SyncOptions { sync.options }
    var psa: PSAKind { Source.psa }

    func execute() async -> Result {
        let done = "another worker synced it during this run"
        do {
            // While another worker holds the stream, wait for it rather than skip it: the streams of this run that
            // need it must not start before its records are stored, nor give up on them. Its lease expires if that
            // worker dies.
            while true {
                let now = sync.clock()
                if try await store.claim(
                    tenant: tenant, source: psa, stream: stream, worker: options.worker, now: now,
                    until: now.adding(seconds: options.leaseSeconds))
                {
                    break
                }
                if try await completedDuringThisRun() { return .doneElsewhere(done) }
                try await Task.sleep(for: .milliseconds(options.leaseWaitMilliseconds))
            }
            // Another worker may have completed it since this run started: then there is nothing new to read.
            if try await completedDuringThisRun() {
                await settle(nil)
                return .doneElsewhere(done)
            }
        } catch {
            // The lease may have been taken before the failure (a cancellation between the two reads).
            await settle(nil)
            return .skipped("its lease could not be taken: \(error)")
        }
        var entry = SyncRunEntry(
            runID: runID, tenant: tenant, source: psa, stream: stream, kind: .incremental, worker: options.worker, startedAt: sync.clock())
        do {
            try await read(into: &entry)
            entry.status = .succeeded
        } catch {
            entry.status = .failed
            entry.error = "\(error)"
        }
        entry.finishedAt = sync.clock()
        await settle(entry)
        return .ran(entry)
    }

    /// Whether another worker finished the stream after this run started (and no one is reading it now).
    func completedDuringThisRun() async throws -> Bool {
        let cursor = try await store.cursor(tenant: tenant, source: psa, stream: stream)
        return cursor.inProgress == nil && (cursor.completedAt.map { $0 >= runStartedAt } ?? false)
    }

    /// Records `entry` in the run log (when there is one) and gives the stream's lease back, even when the run was
    /// cancelled (a graceful shutdown): in a task of its own, which the cancellation does not reach. A lease left
    /// behind would keep every worker off the stream until it expired.
    func settle(_ entry: SyncRunEntry?) async {
        let (store, tenant, psa, stream, worker) = (store, tenant, psa, stream, options.worker)
        await Task {
            if let entry { try? await store.record(entry) }
            try? await store.release(tenant: tenant, source: psa, stream: stream, worker: worker)
        }.value
    }

    /// Starts or resumes the stream's run, reads it to the end and looks for deletions when due.
    func read(into entry: inout SyncRunEntry) async throws {
        var cursor = try await store.cursor(tenant: tenant, source: psa, stream: stream)
        let now = sync.clock()
        let firstLoad = cursor.highWater == nil && cursor.reconciledAt == nil
        let interval = connection.reconcileEverySeconds(stream, default: options.reconcileEverySeconds)
        let due = cursor.reconciledAt.map { now.rawValue - $0.rawValue > interval * 1_000 } ?? true
        let reconcile = firstLoad || options.full || options.reconcileNow || due
        var run: SyncCursor.Run
        let resumed: Bool
        if let started = cursor.inProgress, !(options.full && (started.since != nil || cursor.highID != nil)) {
            run = started
            resumed = true
            entry.kind = .resumed
        } else {
            let since = options.full ? nil : cursor.highWater.map { $0.adding(seconds: -options.overlapSeconds) }
            run = SyncCursor.Run(since: since, startedAt: now)
            connection.prepare(&run, stream: stream, cursor: cursor, reconcile: reconcile)
            resumed = false
            entry.kind = run.since == nil && run.afterID == nil ? .full : .incremental
        }
        cursor.inProgress = run
        try await store.record(entry)
        if firstLoad || reconcile { entry.requests += try await connection.verifyAccess(stream) }
        if run.since == nil && run.afterID == nil && cursor.completedAt == nil, let expected = try await connection.count(stream) {
            entry.expected = expected
            entry.requests += 1
        }
        if !resumed, run.since == nil, run.afterID == nil, let split = try await connection.lanes(stream, expected: entry.expected) {
            run.lanes = split.lanes
            entry.requests += split.requests
            cursor.inProgress = run
        }
        try await store.withTransaction { [cursor] db in try await Store.save(cursor, now: sync.clock(), on: db) }
        sync.onEvent(.started(stream: stream, kind: entry.kind, expected: entry.expected))
        entry.records = run.recordsDone
        let listIDs = reconcile && !firstLoad && !resumed
        let seen = try await connection.read(stream, run: run, listIDs: listIDs) { page in
            try await storePage(page, run: &run, cursor: &cursor, entry: &entry)
        }
        // The run is complete: the latest change it saw becomes the high-water mark, its last id the high id.
        if let lanes = run.lanes {
            run.afterID = ([run.afterID] + lanes.map(\.afterID)).compactMap { $0 }.max { (Int($0) ?? 0) < (Int($1) ?? 0) }
        }
        cursor.highWater = [cursor.highWater, run.maxSeen].compactMap { $0 }.max()
        cursor.highID = [cursor.highID, run.afterID].compactMap { $0 }.max { (Int($0) ?? 0) < (Int($1) ?? 0) }
        cursor.inProgress = nil
        cursor.completedAt = sync.clock()
        if firstLoad {
            // The store held nothing of this stream before: there is nothing to find deleted.
            cursor.reconciledAt = run.startedAt
        } else if reconcile {
            try await markDeleted(cursor: &cursor, seen: listIDs ? seen : nil, entry: &entry)
            return
        }
        let done = cursor
        try await store.withTransaction { db in try await Store.save(done, now: sync.clock(), on: db) }
    }

    /// Stores one page with the cursor that points after it, in one transaction.
    func storePage(_ page: StreamPage, run: inout SyncCursor.Run, cursor: inout SyncCursor, entry: inout SyncRunEntry) async throws {
        if let last = page.lastID {
            if let lane = page.lane, run.lanes?.indices.contains(lane) == true { run.lanes?[lane].afterID = last } else { run.afterID = last }
        }
        if let latest = page.latestUpdate { run.maxSeen = max(run.maxSeen ?? latest, latest) }
        run.recordsDone += page.count
        cursor.inProgress = run
        entry.records = run.recordsDone
        entry.requests += page.requests
        entry.rejected += page.rejected.count
        entry.rejections += page.rejected.prefix(max(0, SyncRunEntry.maximumRejections - entry.rejections.count))
        let (saved, logged, clock, tenant) = (cursor, entry, sync.clock, tenant)
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
            tenant: tenant, source: psa, stream: stream, worker: options.worker, now: now,
            until: now.adding(seconds: options.leaseSeconds))
        guard renewed else { throw SyncError.leaseLost(stream: stream) }
    }

    /// Marks records no longer in the PSA as deleted (`seen`: every id, when the run already read them all) and
    /// saves the cursor with the time of this look, in one transaction.
    func markDeleted(cursor: inout SyncCursor, seen: Set<String>?, entry: inout SyncRunEntry) async throws {
        let present: Set<String>
        if let seen {
            present = seen
        } else if let listed = try await connection.presentIDs(stream) {
            present = listed.ids
            entry.requests += listed.requests
        } else {
            let done = cursor
            try await store.withTransaction { db in try await Store.save(done, now: sync.clock(), on: db) }
            return
        }
        let now = sync.clock()
        let marker = try connection.deletionMarker(for: stream)
        cursor.reconciledAt = now
        let (saved, tenant) = (cursor, tenant)
        entry.deleted = try await store.withTransaction { db in
            let deleted = try await marker(tenant, present, now, db)
            try await Store.save(saved, now: now, on: db)
            return deleted
        }
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
