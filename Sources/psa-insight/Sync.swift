import ArgumentParser
import Foundation
import InsightApp
import InsightConnectors
import InsightCore
import InsightStore
import InsightSync
import Logging
import Synchronization
import MSPModel

/// `psa-insight sync`: read a tenant's PSA into the store (full the first time, then only changes).
struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sync a tenant's PSA data into the store: a full load the first time, then only what changed.",
        discussion: """
            For a ConnectWise tenant the private key is read from CONNECTWISE_PRIVATE_KEY only; the site, company, \
            client ID and public key come from flags or CONNECTWISE_SITE, CONNECTWISE_COMPANY, CONNECTWISE_CLIENT_ID \
            and CONNECTWISE_PUBLIC_KEY. For an Autotask tenant the secret is read from AUTOTASK_SECRET only; the \
            username and integration code come from flags or AUTOTASK_USERNAME and AUTOTASK_INTEGRATION_CODE. With \
            --simulate, a simulator inside this process serves a generated MSP and its data is stored under the tenant \
            demo-connectwise or demo-autotask. An interrupted sync resumes where it stopped.
            """)

    @OptionGroup var options: StoreOptions
    @Option(help: "The tenant (id or company name). May be left out when the store has one tenant.") var tenant: String?
    @Option(help: "Sync from a simulator run inside this process instead of a real PSA: connectwise or autotask.") var simulate: PSAKind?
    @Option(help: "The simulated business: small, medium or large.") var size: BusinessSize = .small
    @Option(help: "The simulated business's seed.") var seed: UInt64 = 42
    @Option(help: "The variety profile: how the MSP named its boards, agreement types and work types (standard, renamed).") var profile: TenantProfileName = .standard
    @Option(help: "The ConnectWise site, e.g. https://na.myconnectwise.net.") var site: String?
    @Option(help: "The ConnectWise company ID.") var company: String?
    @Option(help: "The integration's client ID.") var clientId: String?
    @Option(help: "The API member's public key.") var publicKey: String?
    @Option(help: "The Autotask API user's username.") var username: String?
    @Option(help: "The Autotask integration code (tracking identifier).") var integrationCode: String?
    @Flag(help: "Read everything again and look for deleted records.") var full = false
    @Flag(help: "Look for records deleted in the PSA now.") var reconcile = false
    @Option(help: "Streams read at the same time.") var concurrency = 4
    @Option(help: "This worker's name in leases and in the run log. Default: host name and process id.") var worker: String?

    func run() async throws {
        let (configuration, logger) = try options.bootstrap()
        var syncOptions = SyncOptions(worker: worker ?? Insight.defaultWorkerName)
        syncOptions.full = full
        syncOptions.reconcileNow = reconcile
        syncOptions.concurrency = concurrency
        let settings = syncOptions
        let printer = ProgressPrinter(live: isatty(STDOUT_FILENO) == 1)
        let report = try await reportingErrors {
            try await Insight.withStore(configuration, logger: logger) { store in
                try await store.migrate(now: Timestamp(Date()))
                switch simulate {
                case .connectwise:
                    return try await Insight.syncSimulatedConnectWise(
                        store: store, business: GeneratorSettings(size: size, seed: seed, profile: profile.profile), options: settings,
                        logger: logger, onEvent: printer.handle)
                case .autotask:
                    return try await Insight.syncSimulatedAutotask(
                        store: store, business: GeneratorSettings(size: size, seed: seed, profile: profile.profile), options: settings,
                        logger: logger, onEvent: printer.handle)
                case nil:
                    let tenant = try await Insight.findTenant(self.tenant, in: store)
                    switch tenant.psa {
                    case .connectwise:
                        let credentials = try Insight.connectWiseCredentials(
                            site: site, company: company, clientID: clientId, publicKey: publicKey)
                        return try await Insight.syncConnectWise(
                            store: store, tenant: tenant, credentials: credentials, options: settings, logger: logger,
                            onEvent: printer.handle)
                    case .autotask:
                        let credentials = try Insight.autotaskCredentials(userName: username, integrationCode: integrationCode, zoneLookupURL: nil)
                        return try await Insight.syncAutotask(
                            store: store, tenant: tenant, credentials: credentials, options: settings, logger: logger,
                            onEvent: printer.handle)
                    }
                }
            }
        }
        printer.summary(report).forEach { print($0) }
        if !report.succeeded { throw ExitCode(2) }
    }
}


/// Shows a sync's progress: redrawn bars in a terminal, plain lines otherwise (logs, CI, cron mail).
final class ProgressPrinter: Sendable {
    private struct Line {
        var records = 0
        var expected: Int?
        var started = Date()
        var state = "reading"
    }
    private let live: Bool
    private let state = Mutex<(order: [String], lines: [String: Line], drawn: Int)>(([], [:], 0))

    init(live: Bool) { self.live = live }

    var handle: @Sendable (SyncEvent) -> Void { { [self] event in self.receive(event) } }

    private func receive(_ event: SyncEvent) {
        state.withLock { state in
            var plain: String?
            switch event {
            case .started(let stream, let kind, let expected):
                if state.lines[stream] == nil { state.order.append(stream) }
                state.lines[stream] = Line(expected: expected)
                plain = "\(stream): \(kind.rawValue) sync started" + (expected.map { ", \($0) records expected" } ?? "")
            case .progress(let stream, let records, let expected):
                state.lines[stream, default: Line()].records = records
                state.lines[stream, default: Line()].expected = expected
            case .finished(let entry):
                if state.lines[entry.stream] == nil { state.order.append(entry.stream) }
                state.lines[entry.stream, default: Line()].records = entry.records
                state.lines[entry.stream, default: Line()].state = entry.status == .succeeded ? "done" : "FAILED"
                plain = "\(entry.stream): \(entry.status.rawValue), \(entry.records) records, \(entry.deleted) deleted, \(entry.requests) requests"
                    + (entry.error.map { ": \($0)" } ?? "")
            case .skipped(let stream, let reason):
                if state.lines[stream] == nil { state.order.append(stream) }
                state.lines[stream, default: Line()].state = "skipped"
                plain = "\(stream): skipped, \(reason)"
            }
            if live {
                var output = state.drawn > 0 ? "\u{1B}[\(state.drawn)A" : ""
                for stream in state.order {
                    output += "\u{1B}[2K" + Self.bar(stream, state.lines[stream] ?? Line()) + "\n"
                }
                state.drawn = state.order.count
                FileHandle.standardOutput.write(Data(output.utf8))
            } else if let plain {
                FileHandle.standardOutput.write(Data((plain + "\n").utf8))
            }
        }
    }

    private static func bar(_ stream: String, _ line: Line) -> String {
        let name = stream.padding(toLength: 30, withPad: " ", startingAt: 0)
        let elapsed = max(Date().timeIntervalSince(line.started), 0.001)
        let rate = Double(line.records) / elapsed
        guard let expected = line.expected, expected > 0 else {
            return "\(name) \(line.records) records  \(Int(rate))/s  \(line.state)"
        }
        let fraction = min(1, Double(line.records) / Double(expected))
        let filled = Int(fraction * 24)
        let eta = rate > 0 && fraction < 1 ? " ETA \(Int(Double(expected - line.records) / rate))s" : ""
        return "\(name) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 24 - filled))] "
            + "\(line.records)/\(expected)  \(Int(rate))/s\(eta)  \(line.state)"
    }

    /// The closing lines: totals and every failure with its fix.
    func summary(_ report: SyncReport) -> [String] {
        var lines = ["Synced \(report.records) records in \(report.entries.count) streams (run \(report.runID))."]
        for failure in report.failures {
            lines.append("FAILED \(failure.stream): \(failure.error ?? "unknown error")")
        }
        for skipped in report.skipped {
            lines.append("skipped \(skipped.stream): \(skipped.reason)")
        }
        for entry in report.entries where entry.rejected > 0 {
            lines.append("\(entry.stream): \(entry.rejected) item\(entry.rejected == 1 ? "" : "s") left out, the rest stored: " + entry.rejections.prefix(3).joined(separator: "; "))
        }
        if report.classificationChanges > 0 {
            lines.append("\(report.classificationChanges) boards, agreement types or work types newly classified: check them with `psa-insight classify`.")
        }
        return lines
    }
}
