import ArgumentParser
import Foundation
import InsightCore
import InsightApp
import MSPModel

extension BusinessSize: ExpressibleByArgument {}
extension PSAKind: ExpressibleByArgument {}

/// `psa-insight generate`: the synthetic MSP business, its record counts and headline numbers, or its full
/// ground truth as JSON.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate the synthetic MSP business and print its headline numbers or ground truth.")

    @Option(help: "small, medium or large.") var size: BusinessSize = .small
    @Option(help: "The seed: the same seed gives the same business.") var seed: UInt64 = 42
    @Option(help: "The last reported month, YYYY-MM.") var endMonth: String = "2026-10"
    @Option(help: "Show the business this many days after the span (what an incremental sync would see).")
    var advanceDays: Int = 0
    @Flag(help: "Print the full ground truth as JSON.") var truth = false

    func run() async throws {
        guard let month = YearMonth(endMonth) else { throw ValidationError("--end-month must be YYYY-MM, e.g. 2026-10") }
        let settings = GeneratorSettings(size: size, seed: seed, endMonth: month)
        let (snapshot, groundTruth) = try reportingErrors { try Insight.generate(settings, advanceDays: advanceDays) }
        if truth {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            FileHandle.standardOutput.write(try encoder.encode(groundTruth))
            print()
            return
        }
        print("\(MSPBusiness.mspName): \(size.rawValue) business, seed \(seed), \(settings.months.first!)…\(month), as of \(snapshot.asOf)")
        for (table, count) in snapshot.counts { print("  \(table.padding(toLength: 22, withPad: " ", startingAt: 0)) \(count)") }
        print("  deleted records        \(snapshot.deleted.count)")
        let last = groundTruth.months[groundTruth.months.count - 1]
        print("Span revenue \(groundTruth.revenue); \(last.month): revenue \(last.revenue), MRR \(last.mrr), utilization \(percent(last.utilization)), effective rate \(last.effectiveHourlyRate.map(\.description) ?? "n/a")")
        print("Receivables: " + ["current", "1-30", "31-60", "61-90", "90+"].map { "\($0) \(groundTruth.receivablesByAge[$0]!)" }.joined(separator: ", "))
    }

    private func percent(_ value: Decimal?) -> String {
        value.map { "\(($0 * 100).fixedString(scale: 1))%" } ?? "n/a"
    }
}
