public import InsightCore
public import InsightStore
public import InsightWeb
public import Logging
public import ServiceLifecycle

/// Syncs every company with stored credentials, one after the other, every `interval`: `psa-insight serve`'s
/// scheduler, as a ServiceLifecycle service.
///
/// On graceful shutdown (SIGTERM, SIGINT) it starts no further sync and stops the one in flight. That is safe at any
/// moment: each page is stored with its cursor in one transaction, so the stopped run keeps everything it committed
/// and the next run resumes after it. Several processes running schedulers on one PostgreSQL database share the
/// work through the sync leases.
public struct SyncScheduler: Service {
    let store: Store
    let syncs: SyncCoordinator
    let interval: Duration
    let logger: Logger
    let afterSync: @Sendable (Tenant) async -> Void

    /// - Parameter afterSync: runs after each company's sync (the web app warms that company's dashboards).
    public init(
        store: Store, syncs: SyncCoordinator, interval: Duration, logger: Logger,
        afterSync: @escaping @Sendable (Tenant) async -> Void = { _ in }
    ) {
        self.store = store
        self.syncs = syncs
        self.interval = interval
        self.logger = logger
        self.afterSync = afterSync
    }

    /// Runs rounds until a graceful shutdown or cancellation. A round that fails (the store unreachable) is logged
    /// and the next one is tried after `interval`: the web app goes on serving.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await round()
                } catch {
                    if !Task.isCancelled { logger.error("scheduled sync round failed", metadata: ["error": "\(error)"]) }
                }
                try? await Task.sleep(for: interval)
            }
        }
        logger.info("sync scheduler stopped")
    }

    /// One pass over every company with credentials. Cancellation stops the sync in flight, not just the wait for it.
    func round() async throws {
        for tenant in try await Insight.companiesWithCredentials(store) {
            try Task.checkCancellation()
            logger.info("scheduled sync", metadata: ["tenant": "\(tenant.id)"])
            await withTaskCancellationHandler {
                await syncs.syncAndWait(tenant)
            } onCancel: { [syncs] in
                Task { await syncs.cancelAll() }
            }
            try Task.checkCancellation()
            await afterSync(tenant)
        }
    }
}
