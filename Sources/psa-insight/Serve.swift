import ArgumentParser
import Foundation
import InsightApp
import InsightCore
import InsightStore
import InsightWeb
import MSPModel

/// Options `serve` and `demo` share.
struct WebOptions: ParsableArguments {
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8080
    @Flag(help: "Mark cookies Secure and send HSTS: use when the app is served over HTTPS (behind a proxy).") var secureCookies = false
    @Option(help: "The public address of the app, for links written to the log (email verification).") var publicUrl: String?

    func serveOptions(_ configuration: AppConfiguration) -> ServeOptions {
        var web = WebSettings(connectWiseClientID: configuration.connectWiseClientID)
        web.secureCookies = secureCookies
        web.publicBaseURL = publicUrl ?? "http://\(host):\(port)"
        var options = ServeOptions(web: web)
        options.host = host
        options.port = port
        return options
    }
}

/// `psa-insight serve`: the web app and the scheduled sync.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the web app, and sync every company with stored credentials on a schedule.",
        discussion: """
            PSA credentials are sealed with the key ring in INSIGHT_VAULT_KEY_FILE (default: vault.key in the data \
            directory, created on first start with mode 0600; back it up) or INSIGHT_VAULT_KEY. Several `serve` \
            processes may share one PostgreSQL database: the sync leases keep them from reading the same stream twice.
            """)

    @OptionGroup var options: StoreOptions
    @OptionGroup var web: WebOptions
    @Option(help: "Minutes between scheduled syncs; 0 turns the scheduler off in this process.") var syncEvery = 15
    @Flag(help: "Sync every company with stored credentials once, then exit without serving (for cron).") var once = false

    func run() async throws {
        let (configuration, logger) = try options.bootstrap()
        if once {
            let failed = try await reportingErrors {
                let vault = try Insight.vault(configuration)
                return try await Insight.withStore(configuration, logger: logger) { store in
                    try await store.migrate(now: .now)
                    var failed = 0
                    for (tenant, status) in try await Insight.syncEveryCompanyOnce(store: store, vault: vault, logger: logger) {
                        switch status?.state {
                        case .succeeded?: print("\(tenant.name): synced, \(status?.records ?? 0) records")
                        case .failed(let reason)?: failed += 1; print("\(tenant.name): FAILED: \(reason)")
                        case .running?, nil: failed += 1; print("\(tenant.name): did not finish")
                        }
                    }
                    return failed
                }
            }
            if failed > 0 { throw ExitCode(2) }
            return
        }
        // Before anything else: a port in use is said at once, not after the store is opened.
        try reportingErrors { try Insight.checkCanListen(host: web.host, port: web.port) }
        var serveOptions = web.serveOptions(configuration)
        serveOptions.syncEveryMinutes = syncEvery > 0 ? syncEvery : nil
        let settings = serveOptions
        try await reportingErrors {
            let vault = try Insight.vault(configuration)
            try await Insight.withStore(configuration, logger: logger) { store in
                try await store.migrate(now: .now)
                try await Insight.serve(store: store, vault: vault, options: settings, logger: logger) { port in
                    FileHandle.standardOutput.write(Data("PSA Insight is serving http://\(settings.host):\(port)\n".utf8))
                }
            }
        }
    }
}

/// `psa-insight demo`: everything in one command, with no PSA account.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the demo: a simulated MSP in a ConnectWise and an Autotask simulator, synced into a local database and shown in the web app.",
        discussion: """
            The demo keeps its own SQLite file (demo.sqlite in the data directory) unless --database-url is given, \
            so it never mixes with real companies. Each start prints a new password for the demo login.
            """)

    @OptionGroup var options: StoreOptions
    @OptionGroup var web: WebOptions
    @Option(help: "The simulated business: small, medium or large.") var size: BusinessSize = .small
    @Option(help: "The simulated business's seed.") var seed: UInt64 = 42

    func run() async throws {
        // Before anything else: a port in use is said at once, not after generating and syncing the business.
        try reportingErrors { try Insight.checkCanListen(host: web.host, port: web.port) }
        var storeOptions = options
        if storeOptions.databaseURL == nil, ProcessInfo.processInfo.environment["DATABASE_URL"] == nil {
            let directory = try AppConfiguration.resolve(dataDirectory: options.dataDir).dataDirectory
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            storeOptions.databaseURL = URL(fileURLWithPath: directory).appendingPathComponent("demo.sqlite").path
        }
        let (configuration, logger) = try storeOptions.bootstrap()
        var serveOptions = web.serveOptions(configuration)
        serveOptions.web.connectWiseClientID = "demo"
        let settings = serveOptions
        let printer = ProgressPrinter(live: isatty(STDOUT_FILENO) == 1)
        print("Generating the \(size.rawValue) demo MSP (seed \(seed)) and syncing it from the ConnectWise and Autotask simulators…")
        try await reportingErrors {
            let vault = try Insight.vault(configuration)
            try await Insight.withStore(configuration, logger: logger) { store in
                try await Insight.demo(
                    store: store, vault: vault, business: GeneratorSettings(size: size, seed: seed), options: settings, logger: logger,
                    onEvent: printer.handle
                ) { login in
                    FileHandle.standardOutput.write(Data("""

                        PSA Insight demo is ready: \(login.url)
                          email:    \(login.email)
                          password: \(login.password)
                        Press Ctrl-C to stop.

                        """.utf8))
                }
            }
        }
    }
}

/// `psa-insight vault rotate`: a new vault key, every credential re-sealed with it, the old key retired.
struct VaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault", abstract: "Manage the key that encrypts PSA credentials.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new key, re-encrypt every stored credential with it, and retire the old key.")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let (configuration, logger) = try options.bootstrap()
            let count = try await reportingErrors { try await Insight.rotateVaultKey(configuration, logger: logger) }
            print("Vault key rotated: \(count) credential\(count == 1 ? "" : "s") re-encrypted with the new key.")
        }
    }
}
