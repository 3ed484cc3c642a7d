public import InsightCore
public import InsightStore

/// How a sync run behaves.
public struct SyncOptions: Sendable {
    /// Streams read at the same time for one tenant.
    public var concurrency = 4
    /// Read everything again, as if never synced, and look for deletions.
    public var full = false
    /// Look for records deleted in the PSA when the last look is older than this (seconds).
    public var reconcileEverySeconds: Int64 = 24 * 3_600
    /// ConnectWise agreement additions can only be read agreement by agreement, and an addition changed in
    /// ConnectWise does not say so on its agreement: an incremental run reads the additions of agreements changed
    /// since the last run, and every agreement's (one request each, deletions looked for) when the last such sweep is
    /// older than this (seconds; never less often than ``reconcileEverySeconds``).
    public var additionsSweepEverySeconds: Int64 = 3_600
    /// Look for deletions now, whatever the schedule says.
    public var reconcileNow = false
    /// Incremental reads start this long before the last change seen (seconds), so that records saved in the PSA
    /// with a slightly older timestamp than one already read are not missed. Re-reading them is harmless.
    public var overlapSeconds: Int64 = 60
    /// How long a worker's claim on a stream lasts without news (seconds); renewed with every page.
    public var leaseSeconds: Int64 = 600
    /// How often a stream held by another worker is looked at again while this run waits for it.
    public var leaseWaitMilliseconds: Int64 = 250
    /// This worker's name in leases and in the run log.
    public var worker: String
    /// A first full load of a long list (ConnectWise time entries and service tickets, Autotask time entries and
    /// tickets) with at least this many records is read as `concurrency` id ranges side by side (Autotask: at most
    /// 3), each with its own progress in the cursor.
    public var laneThreshold = 20_000

    public init(worker: String) {
        self.worker = worker
    }
}

/// What a sync reports while it runs, for progress bars and log lines.
public enum SyncEvent: Sendable {
    /// A stream started reading; `expected` is the PSA's count of what it will return, when known.
    case started(stream: String, kind: SyncRunEntry.Kind, expected: Int?)
    /// A page was stored.
    case progress(stream: String, records: Int, expected: Int?)
    /// A stream finished (succeeded or failed).
    case finished(SyncRunEntry)
    /// A stream was left alone: another worker holds it, or a stream it needs did not complete.
    case skipped(stream: String, reason: String)
}

/// What one sync run of one tenant did.
public struct SyncReport: Sendable {
    public let runID: String
    public let tenant: Tenant.ID
    /// One entry per stream this worker ran, in completion order.
    public var entries: [SyncRunEntry] = []
    /// Streams this worker did not run, with the reason.
    public var skipped: [(stream: String, reason: String)] = []
    /// Values of the MSP's own setup whose inferred class this run set or changed (``Store/inferClassification(tenant:now:)``).
    public var classificationChanges = 0

    /// Whether every stream this worker ran succeeded.
    public var succeeded: Bool { entries.allSatisfy { $0.status == .succeeded } }
    /// The entries that failed.
    public var failures: [SyncRunEntry] { entries.filter { $0.status == .failed } }
    /// Records stored by this run, over all streams.
    public var records: Int { entries.reduce(0) { $0 + $1.records } }
}
