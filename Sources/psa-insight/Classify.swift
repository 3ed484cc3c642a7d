import ArgumentParser
import Foundation
import InsightApp
import InsightCore
import InsightStore

/// `psa-insight classify`: how the MSP's own boards, agreement types, work types and products are read.
struct Classify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Print how a tenant's own PSA values are classified (reactive boards, managed-services agreement types, utilized work types…), or change one.",
        discussion: """
            Dimensions and classes: \(ClassificationDimension.allCases.map { "\($0.rawValue) (\($0.classes.joined(separator: ", ")))" }.joined(separator: "; ")).
            Example: psa-insight classify --tenant demo-connectwise --set ticketBoard "Help Desk" proactive
            """)

    @OptionGroup var options: StoreOptions
    @Option(help: "The tenant (id or company name). May be left out when the store has one tenant.") var tenant: String?
    @Option(parsing: .upToNextOption, help: "DIMENSION VALUE CLASS: give one value a class (confirmed).") var set: [String] = []
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard set.isEmpty || set.count == 3 else { throw ValidationError("--set takes three arguments: DIMENSION VALUE CLASS.") }
        if let name = set.first, ClassificationDimension(rawValue: name) == nil {
            throw ValidationError("'\(name)' is not a dimension; use one of: \(ClassificationDimension.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }

    func run() async throws {
        let (configuration, logger) = try options.bootstrap()
        let change = set.count == 3 ? (ClassificationDimension(rawValue: set[0]), set[1], set[2]) : nil
        let (tenantRecord, entries, changed) = try await reportingErrors {
            try await Insight.withStore(configuration, logger: logger) { store in
                try await store.migrate(now: .now)
                var changed: Bool?
                if let change, let dimension = change.0 {
                    changed = try await Insight.classify(store: store, tenant: tenant, dimension, value: change.1, as: change.2)
                }
                let (tenant, entries) = try await Insight.classification(store: store, tenant: tenant)
                return (tenant, entries, changed)
            }
        }
        if let changed, let change {
            print(changed ? "\(change.1) is now \(change.2) (confirmed); the KPIs it touches are recomputed on their next read." : "\(change.1) was already \(change.2); now confirmed.")
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(entries), as: UTF8.self))
            return
        }
        print("\(tenantRecord.name): how PSA Insight reads your PSA")
        for dimension in ClassificationDimension.allCases {
            let rows = entries.filter { $0.dimension == dimension }
            guard !rows.isEmpty else { continue }
            print("\n\(dimension.title) (\(dimension.rawValue))")
            for entry in rows {
                let value = entry.value.padding(toLength: max(32, entry.value.count), withPad: " ", startingAt: 0)
                let origin = entry.origin == .confirmed ? "confirmed" : "inferred: \(entry.reason)"
                print("  \(value)  \(entry.className.padding(toLength: 17, withPad: " ", startingAt: 0)) \(String(entry.records).leftPadded(7)) records  \(origin)")
            }
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
