import AsyncHTTPClient
import Foundation
import InsightConnectors
public import InsightCore
public import InsightStore
import InsightSync
public import InsightVault
public import Logging

/// Runs the syncs the web app starts and the scheduler asks for, at most one per company at a time, and keeps
/// what a progress page shows. One per process; several processes share the database through the sync leases.
public actor SyncCoordinator {
    /// What a company's latest sync in this process is doing or did.
    public struct Status: Sendable {
        public enum State: Sendable, Equatable {
            case running
            case succeeded
            case failed(String)
        }
        public var state: State
        public var startedAt: Timestamp
        public var finishedAt: Timestamp?
        /// Per stream: records stored and the PSA's count when known, in start order.
        public var streams: [(name: String, records: Int, expected: Int?, done: Bool)]
        public var failures: [String]

        public var records: Int { streams.reduce(0) { $0 + $1.records } }
    }

    private let store: Store
    private let vault: CredentialVault
    private let logger: Logger
    private let worker: String
    private var statuses: [Tenant.ID: Status] = [:]
    private var tasks: [Tenant.ID: Task<Void, Never>] = [:]

    public init(store: Store, vault: CredentialVault, worker: String, logger: Logger) {
        self.store = store
        self.vault = vault
        self.worker = worker
        self.logger = logger
    }

    /// The latest status of `tenant` in this process.
    public func status(of tenant: Tenant.ID) -> Status? { statuses[tenant] }

    /// Starts a sync of `tenant` unless one is running; returns at once.
    public func start(_ tenant: Tenant) {
        if statuses[tenant.id]?.state == .running { return }
        statuses[tenant.id] = Status(state: .running, startedAt: .now, streams: [], failures: [])
        tasks[tenant.id] = Task { await self.run(tenant) }
    }

    /// Syncs `tenant` and waits for the end.
    public func syncAndWait(_ tenant: Tenant) async {
        start(tenant)
        await tasks[tenant.id]?.value
    }

    /// Stops every running sync (at shutdown); their cursors let the next run resume.
    public func cancelAll() async {
        for task in tasks.values { task.cancel() }
        for task in tasks.values { await task.value }
    }

    private func run(_ tenant: Tenant) async {
        do {
            guard let sealed = try await store.credentials(tenant: tenant.id) else {
                throw WebError.noCredentials
            }
            let credentials = try PSACredentials.open(sealed, vault: vault)
            let onEvent: @Sendable (SyncEvent) -> Void = { [weak self] event in Task { await self?.record(event, for: tenant.id) } }
            let options = SyncOptions(worker: worker)
            let report: SyncReport
            switch credentials {
            case .connectWise(let credentials):
                let connector = ConnectWiseConnector(credentials: credentials, http: ReadOnlyHTTP(client: .shared), logger: logger)
                report = try await ConnectWiseSync(store: store, connector: connector, tenant: tenant, options: options, onEvent: onEvent).run()
            case .autotask(let credentials):
                let connector = AutotaskConnector(credentials: credentials, http: ReadOnlyHTTP(client: .shared), logger: logger)
                report = try await AutotaskSync(store: store, connector: connector, tenant: tenant, options: options, onEvent: onEvent).run()
            }
            finish(tenant.id, entries: report.entries, failures: report.failures.map { "\($0.stream): \($0.error ?? "failed")" })
        } catch {
            logger.warning("sync failed", metadata: ["tenant": "\(tenant.id)", "error": "\(error)"])
            finish(tenant.id, entries: [], failures: ["\(error)"])
        }
    }

    private func record(_ event: SyncEvent, for tenant: Tenant.ID) {
        guard var status = statuses[tenant], status.state == .running else { return }
        switch event {
        case .started(let stream, _, let expected):
            if let index = status.streams.firstIndex(where: { $0.name == stream }) {
                status.streams[index].expected = expected
            } else {
                status.streams.append((stream, 0, expected, false))
            }
        case .progress(let stream, let records, let expected):
            if let index = status.streams.firstIndex(where: { $0.name == stream }) {
                status.streams[index].records = records
                status.streams[index].expected = expected ?? status.streams[index].expected
            }
        case .finished(let entry):
            if let index = status.streams.firstIndex(where: { $0.name == entry.stream }) {
                status.streams[index].records = entry.records
                status.streams[index].done = true
            }
        case .skipped(let stream, let reason):
            status.failures.append("\(stream) skipped: \(reason)")
        }
        statuses[tenant] = status
    }

    private func finish(_ tenant: Tenant.ID, entries: [SyncRunEntry], failures: [String]) {
        guard var status = statuses[tenant] else { return }
        for entry in entries {
            if let index = status.streams.firstIndex(where: { $0.name == entry.stream }) {
                status.streams[index].records = entry.records
                status.streams[index].done = true
            } else {
                status.streams.append((entry.stream, entry.records, entry.expected, true))
            }
        }
        status.finishedAt = .now
        status.failures += failures
        status.state = failures.isEmpty ? .succeeded : .failed(failures.joined(separator: "\n"))
        statuses[tenant] = status
        tasks[tenant] = nil
    }
}
