import Foundation
public import InsightCore
public import SQLKit

/// Where one stream of one tenant's PSA data stands: what completed runs have read, and the run in progress.
///
/// A stream is one thing read from a PSA, e.g. ConnectWise `time/entries`. Its cursor is saved in the same
/// transaction as each page it describes, so after a crash the next run resumes after the last committed page.
public struct SyncCursor: Sendable, Equatable {
    public let tenant: Tenant.ID
    public let source: PSAKind
    public let stream: String
    /// Records changed after this instant are new to us; `nil` until a first full load completes.
    public var highWater: Timestamp?
    /// The run that was started and has not completed, if any.
    public var inProgress: Run?
    /// When deletions were last looked for.
    public var reconciledAt: Timestamp?
    /// When a run of this stream last completed.
    public var completedAt: Timestamp?
    /// The greatest id completed runs have read, for streams read by id alone (no last-modified field).
    public var highID: String?

    /// A run that reads records changed after `since` (all when `nil`) in increasing id order.
    public struct Run: Sendable, Equatable {
        public var since: Timestamp?
        public var startedAt: Timestamp
        /// The latest `updatedAt` among the records stored so far in this run.
        public var maxSeen: Timestamp?
        /// The last id stored; the run resumes after it.
        public var afterID: String?
        public var recordsDone: Int
        /// A full read split into id ranges read side by side, each with its own progress; `nil` for a read in
        /// one id order (then `afterID` is the progress).
        public var lanes: [Lane]?

        public init(
            since: Timestamp?, startedAt: Timestamp, maxSeen: Timestamp? = nil, afterID: String? = nil, recordsDone: Int = 0, lanes: [Lane]? = nil
        ) {
            self.since = since
            self.startedAt = startedAt
            self.maxSeen = maxSeen
            self.afterID = afterID
            self.recordsDone = recordsDone
            self.lanes = lanes
        }
    }

    /// One id range of a split read: ids from `lowerBound` (inclusive; `nil`: from the first) to `upperBound`
    /// (exclusive; `nil`: to the last), read in increasing order; `afterID` is the last id stored.
    public struct Lane: Sendable, Equatable, Codable {
        public var lowerBound: Int?
        public var upperBound: Int?
        public var afterID: String?

        public init(from lowerBound: Int?, to upperBound: Int?, afterID: String? = nil) {
            (self.lowerBound, self.upperBound, self.afterID) = (lowerBound, upperBound, afterID)
        }

        /// The id to read after: the last stored, else just before the range.
        public var resumeAfter: Int? { afterID.flatMap { Int($0) } ?? lowerBound.map { $0 - 1 } }

        /// Lanes that cover every id, split at `bounds` (increasing).
        public static func covering(splitAt bounds: [Int]) -> [Lane] {
            let edges: [Int?] = [nil] + bounds.map { Optional($0) } + [nil]
            return (0..<edges.count - 1).map { Lane(from: edges[$0], to: edges[$0 + 1]) }
        }
    }

    public init(
        tenant: Tenant.ID, source: PSAKind, stream: String, highWater: Timestamp? = nil, inProgress: Run? = nil,
        reconciledAt: Timestamp? = nil, completedAt: Timestamp? = nil, highID: String? = nil
    ) {
        self.tenant = tenant
        self.source = source
        self.stream = stream
        self.highWater = highWater
        self.inProgress = inProgress
        self.reconciledAt = reconciledAt
        self.completedAt = completedAt
        self.highID = highID
    }
}

/// One stream's part of one sync run, as the `sync_runs` table records it for people to read.
public struct SyncRunEntry: Sendable, Equatable {
    public enum Status: String, Sendable, Codable { case running, succeeded, failed }
    public enum Kind: String, Sendable, Codable { case full, incremental, resumed }

    public let runID: String
    public let tenant: Tenant.ID
    public let source: PSAKind
    public let stream: String
    public var kind: Kind
    public var worker: String
    public var startedAt: Timestamp
    public var finishedAt: Timestamp?
    /// Records the PSA said it would return (its `/count`), when asked.
    public var expected: Int?
    public var records: Int
    public var deleted: Int
    public var requests: Int
    public var status: Status
    /// What went wrong and how to fix it, for a failed stream.
    public var error: String?
    /// Items the PSA sent that could not be read as records (a field without which the record has no meaning was
    /// missing): left out alone, the rest of their page stored.
    public var rejected: Int = 0
    /// Why, for the first ``maximumRejections`` of them ("TimeEntries: item 12 has no resourceID").
    public var rejections: [String] = []
    /// How many rejection reasons an entry keeps.
    public static let maximumRejections = 20

    public init(
        runID: String, tenant: Tenant.ID, source: PSAKind, stream: String, kind: Kind, worker: String, startedAt: Timestamp,
        finishedAt: Timestamp? = nil, expected: Int? = nil, records: Int = 0, deleted: Int = 0, requests: Int = 0,
        status: Status = .running, error: String? = nil
    ) {
        self.runID = runID
        self.tenant = tenant
        self.source = source
        self.stream = stream
        self.kind = kind
        self.worker = worker
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.expected = expected
        self.records = records
        self.deleted = deleted
        self.requests = requests
        self.status = status
        self.error = error
    }
}

extension Store {
    /// The cursor of `stream`, or an empty one (never synced).
    public func cursor(tenant: Tenant.ID, source: PSAKind, stream: String) async throws -> SyncCursor {
        try await provider.withSession { db in try await Store.cursor(tenant: tenant, source: source, stream: stream, on: db) }
    }

    /// The cursor of `stream` read on `db`, inside the caller's transaction.
    public static func cursor(tenant: Tenant.ID, source: PSAKind, stream: String, on db: any SQLDatabase) async throws -> SyncCursor {
        guard
            let row = try await db.select().column("*").from("sync_cursors")
                .where("tenant_id", .equal, tenant.rawValue).where("source", .equal, source.rawValue)
                .where("stream", .equal, stream).first()
        else { return SyncCursor(tenant: tenant, source: source, stream: stream) }
        let reader = RowReader(row: row, table: "sync_cursors")
        var cursor = SyncCursor(
            tenant: tenant, source: source, stream: stream, highWater: try reader.optionalTimestamp("high_water_ms"),
            reconciledAt: try reader.optionalTimestamp("reconciled_at_ms"), completedAt: try reader.optionalTimestamp("completed_at_ms"),
            highID: try reader.optionalString("high_id"))
        if let startedAt = try reader.optionalTimestamp("run_started_at_ms") {
            cursor.inProgress = SyncCursor.Run(
                since: try reader.optionalTimestamp("run_since_ms"), startedAt: startedAt,
                maxSeen: try reader.optionalTimestamp("run_max_seen_ms"), afterID: try reader.optionalString("after_id"),
                recordsDone: try reader.int("records_done"),
                lanes: try reader.optionalString("run_lanes").map { text in
                    do { return try JSONDecoder().decode([SyncCursor.Lane].self, from: Data(text.utf8)) } catch {
                        throw StoreError.corruptRow(table: "sync_cursors", column: "run_lanes", reason: "not a list of id ranges")
                    }
                })
        }
        return cursor
    }

    /// Saves `cursor` on `db`, inside the caller's transaction (with the page it describes). Leases are kept.
    public static func save(_ cursor: SyncCursor, now: Timestamp, on db: any SQLDatabase) async throws {
        let values: [(String, any Encodable & Sendable)] = [
            ("high_water_ms", cursor.highWater?.rawValue), ("run_since_ms", cursor.inProgress?.since?.rawValue),
            ("run_started_at_ms", cursor.inProgress?.startedAt.rawValue), ("run_max_seen_ms", cursor.inProgress?.maxSeen?.rawValue),
            ("after_id", cursor.inProgress?.afterID), ("records_done", cursor.inProgress?.recordsDone ?? 0),
            ("reconciled_at_ms", cursor.reconciledAt?.rawValue), ("completed_at_ms", cursor.completedAt?.rawValue),
            ("high_id", cursor.highID), ("updated_at_ms", now.rawValue),
            ("run_lanes", try cursor.inProgress?.lanes.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }),
        ]
        try await db.insert(into: "sync_cursors")
            .columns(["tenant_id", "source", "stream"] + values.map(\.0))
            .values([SQLBind(cursor.tenant.rawValue), SQLBind(cursor.source.rawValue), SQLBind(cursor.stream)] + values.map { SQLBind($0.1) })
            .onConflict(with: ["tenant_id", "source", "stream"]) { conflict in
                values.reduce(conflict) { $0.set(excludedValueOf: $1.0) }
            }
            .run()
    }

    /// Takes the lease on `stream` for `worker` until `until`, unless another worker holds an unexpired one.
    ///
    /// Two workers on one PostgreSQL database never both get `true` for the same stream: the conditional update
    /// takes the row lock, and the loser re-reads the winner's lease after it commits.
    public func claim(tenant: Tenant.ID, source: PSAKind, stream: String, worker: String, now: Timestamp, until: Timestamp) async throws -> Bool {
        try await provider.withTransaction { db in
            try await db.insert(into: "sync_cursors")
                .columns("tenant_id", "source", "stream", "records_done", "updated_at_ms")
                .values(SQLBind(tenant.rawValue), SQLBind(source.rawValue), SQLBind(stream), SQLBind(0), SQLBind(now.rawValue))
                .ignoringConflicts(with: ["tenant_id", "source", "stream"])
                .run()
            let claimed = try await db.update("sync_cursors")
                .set("lease_owner", to: worker).set("lease_until_ms", to: until.rawValue)
                .where("tenant_id", .equal, tenant.rawValue).where("source", .equal, source.rawValue)
                .where("stream", .equal, stream)
                .where { group in
                    group.where("lease_owner", .is, SQLLiteral.null)
                        .orWhere("lease_owner", .equal, worker)
                        .orWhere("lease_until_ms", .lessThan, now.rawValue)
                }
                .returning("stream")
                .all()
            return !claimed.isEmpty
        }
    }

    /// Gives up `worker`'s lease on `stream`.
    public func release(tenant: Tenant.ID, source: PSAKind, stream: String, worker: String) async throws {
        try await provider.withTransaction { db in
            try await db.update("sync_cursors")
                .set("lease_owner", to: SQLLiteral.null).set("lease_until_ms", to: SQLLiteral.null)
                .where("tenant_id", .equal, tenant.rawValue).where("source", .equal, source.rawValue)
                .where("stream", .equal, stream).where("lease_owner", .equal, worker)
                .run()
        }
    }

    /// Marks every live record of this kind from `source` whose id is not in `present` as deleted at `at`, and
    /// returns how many were marked. Rows are kept (history is never erased); reads skip them.
    public static func markDeleted<R: StoredRecord>(
        tenant: Tenant.ID, _ type: R.Type, source: PSAKind, keeping present: Set<String>, at: Timestamp, on db: any SQLDatabase
    ) async throws -> Int {
        let stored = try await db.select().column("source_id").from(R.table)
            .where("tenant_id", .equal, tenant.rawValue).where("source", .equal, source.rawValue)
            .where("deleted_at_ms", .is, SQLLiteral.null)
            .all().map { try $0.decode(column: "source_id", as: String.self) }
        let gone = stored.filter { !present.contains($0) }
        for start in stride(from: 0, to: gone.count, by: 500) {
            // `synced_at` moves too, so that what is derived from the rows (the KPI rollups) sees the change.
            try await db.update(R.table).set("deleted_at_ms", to: at.rawValue).set("synced_at_ms", to: at.rawValue)
                .where("tenant_id", .equal, tenant.rawValue).where("source", .equal, source.rawValue)
                .where("source_id", .in, Array(gone[start..<min(start + 500, gone.count)]))
                .run()
        }
        return gone.count
    }

    /// Writes (inserts or updates) one stream's entry in the run log.
    public static func record(_ entry: SyncRunEntry, on db: any SQLDatabase) async throws {
        let values: [(String, any Encodable & Sendable)] = [
            ("tenant_id", entry.tenant.rawValue), ("source", entry.source.rawValue), ("kind", entry.kind.rawValue),
            ("worker", entry.worker), ("started_at_ms", entry.startedAt.rawValue), ("finished_at_ms", entry.finishedAt?.rawValue),
            ("expected", entry.expected), ("records", entry.records), ("deleted", entry.deleted), ("requests", entry.requests),
            ("status", entry.status.rawValue), ("error", entry.error), ("rejected", entry.rejected),
            ("rejections", entry.rejections.isEmpty ? nil : entry.rejections.joined(separator: "\n")),
        ]
        try await db.insert(into: "sync_runs")
            .columns(["run_id", "stream"] + values.map(\.0))
            .values([SQLBind(entry.runID), SQLBind(entry.stream)] + values.map { SQLBind($0.1) })
            .onConflict(with: ["run_id", "stream"]) { conflict in values.reduce(conflict) { $0.set(excludedValueOf: $1.0) } }
            .run()
    }

    /// Writes one stream's entry in the run log, in its own transaction.
    public func record(_ entry: SyncRunEntry) async throws {
        try await provider.withTransaction { db in try await Store.record(entry, on: db) }
    }

    /// The latest run-log entries of `tenant`, newest first.
    public func syncRuns(tenant: Tenant.ID, limit: Int = 100) async throws -> [SyncRunEntry] {
        try await provider.withSession { db in
            try await db.select().column("*").from("sync_runs").where("tenant_id", .equal, tenant.rawValue)
                .orderBy("started_at_ms", .descending).orderBy("stream").limit(limit).all()
                .map { row in
                    let reader = RowReader(row: row, table: "sync_runs")
                    var entry = SyncRunEntry(
                        runID: try reader.string("run_id"), tenant: tenant, source: try reader.source(),
                        stream: try reader.string("stream"), kind: try reader.enumeration("kind"), worker: try reader.string("worker"),
                        startedAt: try reader.timestamp("started_at_ms"), finishedAt: try reader.optionalTimestamp("finished_at_ms"),
                        expected: try reader.optionalInt("expected"), records: try reader.int("records"),
                        deleted: try reader.int("deleted"), requests: try reader.int("requests"),
                        status: try reader.enumeration("status"), error: try reader.optionalString("error"))
                    entry.rejected = try reader.optionalInt("rejected") ?? 0
                    entry.rejections = try reader.optionalString("rejections").map { $0.components(separatedBy: "\n") } ?? []
                    return entry
                }
        }
    }
}
