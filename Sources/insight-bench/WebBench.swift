import ArgumentParser
import AsyncHTTPClient
import NIOHTTP1
import Foundation
import Hummingbird
import InsightConnectors
import InsightCore
import InsightStore
import InsightSync
import InsightVault
import InsightWeb
import Logging
import MSPModel

/// Loads a generated business, signs a user in, serves the web app in this process and puts pages under load
/// with `wrk` (Debian's package) on 127.0.0.1: requests per second, p99 latency and errors per page.
struct WebBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web", abstract: "Load the web app's home and agreements pages with wrk on a generated business.")

    @Option(help: "small, medium or large.") var size = "large"
    @Option(help: "Seconds of load per page.") var duration = 30
    @Option(help: "Open connections.") var connections = 16
    @Option(help: "A postgres:// URL (its schema is emptied first) or a SQLite path; default: a new temporary SQLite file.")
    var databaseURL: String?

    func run() async throws {
        guard let size = BusinessSize(rawValue: size) else { throw ValidationError("--size must be small, medium or large") }
        guard let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw ValidationError("wrk is not installed: apt-get install wrk")
        }
        let database = try BenchDatabase(url: databaseURL)
        defer { database.removeTemporaryFile() }
        let business = try MSPBusiness.generate(GeneratorSettings(size: size, seed: 42))
        let snapshot = business.snapshot()
        let tenant = business.tenant(id: "bench")
        var logger = Logger(label: "insight-bench")
        logger.logLevel = .warning
        let (duration, connections, quiet) = (self.duration, self.connections, logger)
        try await Store.withStore(at: database.location, logger: logger) { store in
            if store.engine == .postgres { try await dropAllTables(store) }
            try await store.migrate(now: .now)
            try await store.save(tenant)
            try await load(snapshot, into: store, tenant: tenant.id)
            // A signed-in owner of a set-up company: licence accepted, credentials stored, one sync recorded.
            let vault = try CredentialVault(ring: .generate())
            let user = UserAccount(id: "bench-user", email: "bench@example.com", passwordHash: try await WebApp.hashPassword("x", cost: 4), createdAt: .now)
            try await store.create(user, verifyTokenHash: nil)
            try await store.save(Membership(tenant: tenant.id, user: user.id, role: .owner), at: .now)
            try await store.save(WebApp.eulaAcceptance(tenant: tenant.id, user: user.id, address: "127.0.0.1"))
            let credentials = ConnectWiseCredentials(siteURL: "https://example.invalid", companyID: "bench", clientID: "bench", publicKey: "p", privateKey: Secret("s"))
            try await store.save(try PSACredentials.connectWise(credentials).sealed(for: tenant.id, by: user.email, vault: vault, at: .now))
            try await store.record(SyncRunEntry(
                runID: "bench", tenant: tenant.id, source: .connectwise, stream: "bench", kind: .full, worker: "bench", startedAt: .now,
                finishedAt: .now, records: snapshot.timeEntries.count, status: .succeeded))
            let token = Tokens.random()
            try await store.save(WebSession(tokenHash: Tokens.digest(token), user: user.id, csrfToken: Tokens.random(), createdAt: .now, expiresAt: .now.adding(seconds: 3_600)))

            let syncs = SyncCoordinator(store: store, vault: vault, worker: "bench", logger: quiet)
            let app = WebApp(store: store, vault: vault, settings: WebSettings(connectWiseClientID: "bench"), syncs: syncs, logger: quiet)
            let (ports, listening) = AsyncStream.makeStream(of: Int.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await app.application(port: 0) { port in
                        listening.yield(port)
                        listening.finish()
                    }.runService(gracefulShutdownSignals: [])
                }
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next() else { return }
                let month = snapshot.reportedMonths[snapshot.reportedMonths.count - 1]
                print("engine: \(store.engine.rawValue); business: \(size.rawValue) (\(snapshot.timeEntries.count) time entries, \(snapshot.agreements.count) agreements); wrk \(connections) connections, \(duration) s per page")
                for (name, path) in [("home", "/c/bench/?month=\(month)"), ("agreements", "/c/bench/agreements?month=\(month)")] {
                    let url = "http://127.0.0.1:\(port)\(path)"
                    // One request first, as after a sync: it computes the page (and, the first time, the labor rollup).
                    let clock = ContinuousClock()
                    let start = clock.now
                    var request = HTTPClientRequest(url: url)
                    request.headers.add(name: "Cookie", value: "insight_session=\(token)")
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(600))
                    guard response.status == .ok else { throw ValidationError("\(path) answered \(response.status)") }
                    _ = try await response.body.collect(upTo: 64 << 20)
                    let first = clock.now - start
                    let output = try runProcess(wrk, ["-t2", "-c\(connections)", "-d\(duration)s", "--latency", "-H", "Cookie: insight_session=\(token)", url])
                    let requests = match(#"Requests/sec:\s+([\d.]+)"#, in: output) ?? "?"
                    let p99 = match(#"99%\s+([\d.]+\w+)"#, in: output) ?? "?"
                    let p50 = match(#"50%\s+([\d.]+\w+)"#, in: output) ?? "?"
                    let non2xx = match(#"Non-2xx or 3xx responses:\s+(\d+)"#, in: output) ?? "0"
                    let socketErrors = match(#"Socket errors:([^\n]+)"#, in: output) ?? " none"
                    print("\(name): \(requests) req/s, p50 \(p50), p99 \(p99), non-2xx \(non2xx), socket errors:\(socketErrors) (first request, computing the page: \(first))")
                }
                group.cancelAll()
            }
        }
    }
}

@discardableResult
private func runProcess(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

private func match(_ pattern: String, in text: String) -> String? {
    guard let regex = try? NSRegularExpression(pattern: pattern),
        let result = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), result.numberOfRanges > 1,
        let range = Range(result.range(at: 1), in: text)
    else { return nil }
    return String(text[range])
}
