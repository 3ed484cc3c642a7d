import AsyncHTTPClient
import AutotaskSimulator
public import ConnectWiseSimulator
import Foundation
import Hummingbird
public import InsightConnectors
public import InsightCore
public import InsightStore
public import InsightSync
public import Logging
public import MSPModel

extension Insight {
    /// A worker name unique to this process: host name and process id.
    public static var defaultWorkerName: String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// The tenant named `name` (its id or its company name, ignoring case), or the only tenant when `name` is
    /// `nil` and there is exactly one.
    public static func findTenant(_ name: String?, in store: Store) async throws -> Tenant {
        let tenants = try await store.allTenants()
        guard let name else {
            guard tenants.count == 1 else { throw TenantLookupError.ambiguous(tenants.map(\.name)) }
            return tenants[0]
        }
        guard let tenant = tenants.first(where: { $0.id.rawValue == name || $0.name.lowercased() == name.lowercased() }) else {
            throw TenantLookupError.notFound(name, known: tenants.map(\.name))
        }
        return tenant
    }

    /// Syncs `tenant` from its ConnectWise site.
    public static func syncConnectWise(
        store: Store, tenant: Tenant, credentials: ConnectWiseCredentials, options: SyncOptions, logger: Logger,
        onEvent: @escaping @Sendable (SyncEvent) -> Void = { _ in }
    ) async throws -> SyncReport {
        let connector = ConnectWiseConnector(credentials: credentials, http: ReadOnlyHTTP(client: .shared), logger: logger)
        return try await ConnectWiseSync(store: store, connector: connector, tenant: tenant, options: options, onEvent: onEvent).run()
    }

    /// Syncs `tenant` from its Autotask database.
    public static func syncAutotask(
        store: Store, tenant: Tenant, credentials: AutotaskCredentials, options: SyncOptions, logger: Logger,
        onEvent: @escaping @Sendable (SyncEvent) -> Void = { _ in }
    ) async throws -> SyncReport {
        let connector = AutotaskConnector(credentials: credentials, http: ReadOnlyHTTP(client: .shared), logger: logger)
        return try await AutotaskSync(store: store, connector: connector, tenant: tenant, options: options, onEvent: onEvent).run()
    }

    /// The tenant id a simulated PSA's data is stored under.
    public static func simulatedTenantID(_ psa: PSAKind) -> Tenant.ID { Tenant.ID("demo-\(psa.rawValue)") }

    /// Generates the business, serves it from a ConnectWise simulator inside this process (on a free port of
    /// 127.0.0.1, with the read-only role), creates the demo tenant when needed and syncs it: a quick look at a
    /// sync with no PSA account.
    public static func syncSimulatedConnectWise(
        store: Store, business settings: GeneratorSettings, options: SyncOptions, logger: Logger,
        onEvent: @escaping @Sendable (SyncEvent) -> Void = { _ in }
    ) async throws -> SyncReport {
        let business = try MSPBusiness.generate(settings)
        let tenant = business.tenant(id: simulatedTenantID(.connectwise))
        if try await store.tenant(tenant.id) == nil { try await store.save(tenant) }
        return try await withSimulatedConnectWise(serving: business) { credentials in
            try await syncConnectWise(store: store, tenant: tenant, credentials: credentials, options: options, logger: logger, onEvent: onEvent)
        }
    }

    /// Generates the business, serves it from an Autotask simulator inside this process (read-only API user),
    /// creates the demo tenant when needed and syncs it.
    public static func syncSimulatedAutotask(
        store: Store, business settings: GeneratorSettings, options: SyncOptions, logger: Logger,
        onEvent: @escaping @Sendable (SyncEvent) -> Void = { _ in }
    ) async throws -> SyncReport {
        var tagged = settings
        tagged.source = .autotask
        let business = try MSPBusiness.generate(tagged)
        let tenant = business.tenant(id: simulatedTenantID(.autotask))
        if try await store.tenant(tenant.id) == nil { try await store.save(tenant) }
        return try await withSimulatedAutotask(serving: business) { credentials in
            try await syncAutotask(store: store, tenant: tenant, credentials: credentials, options: options, logger: logger, onEvent: onEvent)
        }
    }

    /// Serves `business` (generated with the Autotask source) from an Autotask simulator inside this process (on a
    /// free port of 127.0.0.1) while `body` runs with the credentials of its read-only API user.
    public static func withSimulatedAutotask<R: Sendable>(
        serving business: MSPBusiness, _ body: @escaping @Sendable (AutotaskCredentials) async throws -> R
    ) async throws -> R {
        let simulator = AutotaskSimulatorSettings()
        let tenant = SimulatedAutotaskTenant(business: business, settings: simulator)
        return try await whileServing({ logger, onListening in
            AutotaskSimulator.application(tenant: tenant, port: 0, logger: logger, onListening: onListening)
        }, label: "psa-insight.simulator.autotask") { port in
            // Invariant: the simulator's settings always hold the read-only user first.
            let user = simulator.users[0]
            return try await body(
                AutotaskCredentials(
                    userName: user.userName, secret: Secret(user.secret), integrationCode: user.integrationCode,
                    zoneLookupURL: AutotaskSimulatorSettings.zoneLookupURL(publicURL: "http://127.0.0.1:\(port)", user: user.userName)
                        .components(separatedBy: "?")[0]))
        }
    }

    /// Serves `business` from a ConnectWise simulator inside this process (on a free port of 127.0.0.1) while
    /// `body` runs with the credentials of its read-only API member.
    public static func withSimulatedConnectWise<R: Sendable>(
        serving business: MSPBusiness, settings simulator: ConnectWiseSimulatorSettings = ConnectWiseSimulatorSettings(),
        _ body: @escaping @Sendable (ConnectWiseCredentials) async throws -> R
    ) async throws -> R {
        let site = SimulatedSite(business: business, settings: simulator)
        return try await whileServing({ logger, onListening in
            ConnectWiseSimulator.application(site: site, port: 0, logger: logger, onListening: onListening)
        }, label: "psa-insight.simulator.connectwise") { port in
            // Invariant: the simulator's settings always hold the read-only member.
            let member = simulator.members.first { $0.publicKey == "PSAINSIGHTREADONLY" }!
            return try await body(
                ConnectWiseCredentials(
                    siteURL: "http://127.0.0.1:\(port)", companyID: simulator.companyID, clientID: simulator.clientID,
                    publicKey: member.publicKey, privateKey: Secret(member.privateKey)))
        }
    }

    /// Runs the application `makeApplication` builds (on a free port, reporting it through the callback it is given)
    /// while `body` runs with that port, then stops it. The in-process simulators are a means, not the subject: only
    /// their critical messages are shown.
    static func whileServing<R: Sendable, Application: ApplicationProtocol>(
        _ makeApplication: (Logger, @escaping @Sendable (Int) async -> Void) -> Application, label: String,
        _ body: @escaping @Sendable (Int) async throws -> R
    ) async throws -> R {
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let application = makeApplication(logger) { port in
            listening.yield(port)
            listening.finish()
        }
        return try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask {
                try await application.runService(gracefulShutdownSignals: [])
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let result = try await body(port)
            group.cancelAll()
            return result
        }
    }
}

/// A tenant named on the command line that cannot be found.
public enum TenantLookupError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(String, known: [String])
    case ambiguous([String])

    public var description: String {
        switch self {
        case .notFound(let name, let known):
            "There is no tenant '\(name)'. " + (known.isEmpty ? "The store has no tenants yet: add one with `psa-insight tenant add`." : "Known tenants: \(known.joined(separator: ", ")).")
        case .ambiguous(let known):
            known.isEmpty
                ? "The store has no tenants yet: add one with `psa-insight tenant add`, or try `psa-insight sync --simulate connectwise`."
                : "Name the tenant with --tenant: the store has \(known.count) (\(known.joined(separator: ", ")))."
        }
    }
}
