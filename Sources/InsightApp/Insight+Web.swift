import Foundation
import Hummingbird
import ServiceLifecycle
import UnixSignals
import InsightConnectors
public import InsightCore
public import InsightStore
public import InsightSync
public import InsightVault
public import InsightWeb
public import Logging
public import MSPModel

/// How `serve` and `demo` run the web app.
public struct ServeOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Minutes between scheduled syncs of every company with credentials; `nil`: no scheduler in this process.
    public var syncEveryMinutes: Int? = 15
    public var web: WebSettings

    public init(web: WebSettings) {
        self.web = web
    }
}

extension Insight {
    /// The vault over the key ring at `configuration.vaultKeyPath`, created on first start (self-hosted mode), or
    /// over `INSIGHT_VAULT_KEY` when the configuration holds one.
    public static func vault(_ configuration: AppConfiguration) throws -> CredentialVault {
        try CredentialVault(ring: try keyRing(configuration))
    }

    static func keyRing(_ configuration: AppConfiguration) throws -> KeyRing {
        if let material = configuration.vaultKey {
            return KeyRing(current: "env", keys: [KeyRing.Entry(id: "env", material: material)])
        }
        return try KeyRing.loadOrCreate(at: configuration.vaultKeyPath)
    }

    /// `vault rotate`: adds a new key, re-seals every stored credential with it, then retires the old keys.
    /// Returns how many credentials were re-sealed.
    public static func rotateVaultKey(_ configuration: AppConfiguration, logger: Logger) async throws -> Int {
        guard configuration.vaultKey == nil else { throw VaultError.invalidKeyFile(reason: "INSIGHT_VAULT_KEY is set: rotate it where it is configured") }
        let rotated = try keyRing(configuration).rotated()
        // The new key is written first: a crash after this leaves a ring that opens both old and new values.
        try rotated.write(to: configuration.vaultKeyPath)
        let count = try await withStore(configuration, logger: logger) { store in
            try await store.resealAllCredentials(with: try CredentialVault(ring: rotated))
        }
        try rotated.retiringOldKeys().write(to: configuration.vaultKeyPath)
        logger.notice("vault key rotated", metadata: ["resealed": "\(count)", "key": "\(rotated.current)"])
        return count
    }

    /// Serves the web app and, unless disabled, the ``SyncScheduler``, as one ServiceLifecycle group: SIGTERM or SIGINT
    /// (or cancelling the task) shuts both down gracefully. A sync stopped mid-run keeps every committed page and the
    /// next run resumes after it.
    public static func serve(
        store: Store, vault: CredentialVault, options: ServeOptions, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let syncs = SyncCoordinator(store: store, vault: vault, worker: defaultWorkerName, logger: logger)
        let app = WebApp(store: store, vault: vault, settings: options.web, syncs: syncs, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(
                service: app.application(host: options.host, port: options.port, onServerRunning: onListening),
                successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
        ]
        if let minutes = options.syncEveryMinutes {
            services.append(.init(
                service: SyncScheduler(store: store, syncs: syncs, interval: .seconds(60 * minutes), logger: logger) { tenant in
                    await app.warmDashboards(for: tenant)
                },
                failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await syncs.cancelAll()
    }

    /// One round of the scheduler, for cron (`serve --once`): syncs every company with stored credentials, one after
    /// the other, and returns each company's outcome. Several such processes share the work through the leases.
    public static func syncEveryCompanyOnce(store: Store, vault: CredentialVault, logger: Logger) async throws -> [(tenant: Tenant, status: SyncCoordinator.Status?)] {
        let syncs = SyncCoordinator(store: store, vault: vault, worker: defaultWorkerName, logger: logger)
        var outcomes: [(tenant: Tenant, status: SyncCoordinator.Status?)] = []
        for tenant in try await companiesWithCredentials(store) {
            await syncs.syncAndWait(tenant)
            outcomes.append((tenant, await syncs.status(of: tenant.id)))
        }
        return outcomes
    }

    /// Every company that has stored PSA credentials: what a scheduler round syncs.
    static func companiesWithCredentials(_ store: Store) async throws -> [Tenant] {
        var tenants: [Tenant] = []
        for sealed in try await store.allCredentials() {
            if let tenant = try await store.tenant(sealed.tenant) { tenants.append(tenant) }
        }
        return tenants
    }

    /// What the demo prints for its visitor.
    public struct DemoLogin: Sendable {
        public var url: String
        public var email: String
        public var password: String
    }

    /// The one-command demo: generates the business, serves it from a ConnectWise simulator and from an Autotask
    /// simulator inside this process, creates one demo company for each with the same owner (a fresh password each
    /// start), syncs both with `onEvent` reporting progress, then serves the app until cancelled. The two companies
    /// are the same MSP read through two PSAs: their dashboards show the same numbers.
    public static func demo(
        store: Store, vault: CredentialVault, business settings: GeneratorSettings, options: ServeOptions, logger: Logger,
        onEvent: @escaping @Sendable (SyncEvent) -> Void, onReady: @escaping @Sendable (DemoLogin) async -> Void
    ) async throws {
        try await store.migrate(now: .now)
        let business = try MSPBusiness.generate(settings)
        var autotaskSettings = settings
        autotaskSettings.source = .autotask
        let autotaskBusiness = try MSPBusiness.generate(autotaskSettings)
        let password = Tokens.random().prefix(16).description
        let email = "demo@psa-insight.local"
        let hash = try await WebApp.hashPassword(password, cost: options.web.bcryptCost)
        let user: UserAccount
        if let existing = try await store.user(email: email) {
            try await store.setPasswordHash(hash, for: existing.id)
            user = existing
        } else {
            user = UserAccount(id: UserAccount.ID("demo-owner"), email: email, passwordHash: hash, emailVerifiedAt: .now, createdAt: .now)
            try await store.create(user, verifyTokenHash: nil)
        }
        /// Creates the demo company of `psa` with its owner, EULA and the simulator's credentials (sealed again at every
        /// start: the simulator's port changes).
        @Sendable func prepare(_ business: MSPBusiness, _ psa: PSAKind, _ credentials: PSACredentials) async throws -> Tenant {
            var tenant = business.tenant(id: simulatedTenantID(psa))
            tenant.name += psa == .connectwise ? " (ConnectWise)" : " (Autotask)"
            try await store.save(tenant)
            try await store.save(Membership(tenant: tenant.id, user: user.id, role: .owner), at: .now)
            try await store.save(WebApp.eulaAcceptance(tenant: tenant.id, user: user.id, address: "127.0.0.1 (demo set-up)"))
            try await store.save(try credentials.sealed(for: tenant.id, by: email, vault: vault, at: .now))
            return tenant
        }
        try await withSimulatedConnectWise(serving: business) { connectWise in
            try await withSimulatedAutotask(serving: autotaskBusiness) { autotask in
                let syncOptions = SyncOptions(worker: defaultWorkerName)
                let first = try await prepare(business, .connectwise, .connectWise(connectWise))
                _ = try await syncConnectWise(
                    store: store, tenant: first, credentials: connectWise, options: syncOptions, logger: logger, onEvent: onEvent)
                let second = try await prepare(autotaskBusiness, .autotask, .autotask(autotask))
                _ = try await syncAutotask(
                    store: store, tenant: second, credentials: autotask, options: syncOptions, logger: logger, onEvent: onEvent)
                var serveOptions = options
                serveOptions.syncEveryMinutes = nil
                try await serve(store: store, vault: vault, options: serveOptions, logger: logger) { port in
                    await onReady(DemoLogin(url: "http://\(options.host):\(port)", email: email, password: password))
                }
            }
        }
    }
}
