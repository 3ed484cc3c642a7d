import ArgumentParser
import Foundation
import InsightApp
import InsightCore
import InsightMetrics
import InsightStore

/// `psa-insight kpi`: the month's scorecard.
struct KPI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpi", abstract: "Print a tenant's scorecard for a month: revenue, MRR, margins, utilization, service desk, sales, receivables, data health.",
        discussion: "Definitions and formulas: docs/kpis.md.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    @OptionGroup var options: StoreOptions
    @Option(help: "The tenant (id or company name). May be left out when the store has one tenant.") var tenant: String?
    @Option(help: "The month, YYYY-MM. Default: the last complete month.") var period: String?
    @Option(help: "table, json or csv.") var format: Format = .table

    func run() async throws {
        let (configuration, logger) = try options.bootstrap()
        let month = try period.map { text in
            guard let parsed = YearMonth(text) else { throw ValidationError("--period must be YYYY-MM, e.g. 2026-10.") }
            return parsed
        }
        let report = try await reportingErrors {
            try await Insight.withStore(configuration, logger: logger) { store in
                try await store.migrate(now: .now)
                return try await Insight.scorecard(store: store, tenant: tenant, month: month)
            }
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        case .csv:
            print("kpi,name,month,value,previous_month,previous_value,unit,currency")
            for kpi in KPICatalogue.scorecard {
                let values = [kpi.value(in: report.current), kpi.value(in: report.previous)].map { $0.map { "\($0)" } ?? "" }
                print("\(kpi.id),\"\(kpi.name.trimmingCharacters(in: .whitespaces))\",\(report.month),\(values[0]),\(report.previous.month),\(values[1]),\(kpi.unit.rawValue),\(report.current.currency)")
            }
        case .table:
            table(report).forEach { print($0) }
        }
    }

    func table(_ report: ScorecardReport) -> [String] {
        let currency = report.current.currency
        var lines = ["\(report.tenant.name): scorecard for \(report.month) (previous: \(report.previous.month))", ""]
        func row(_ cells: [String]) -> String {
            cells[0].padding(toLength: 32, withPad: " ", startingAt: 0)
                + cells[1...].map { String(repeating: " ", count: max(0, 18 - $0.count)) + $0 }.joined(separator: " ")
        }
        lines.append(row(["KPI", "\(report.month)", "\(report.previous.month)", "change"]))
        for kpi in KPICatalogue.scorecard {
            let now = kpi.value(in: report.current)
            let before = kpi.value(in: report.previous)
            var change = ""
            if let now, let before {
                if kpi.unit == .ratio {
                    change = "\(((now - before) * 100).fixedString(scale: 1)) pt"
                } else if before != 0 {
                    change = "\(((now - before) / abs(before) * 100).fixedString(scale: 1))%"
                }
            }
            lines.append(row([kpi.name, KPICatalogue.format(now, kpi.unit, currency: currency),
                              KPICatalogue.format(before, kpi.unit, currency: currency), change]))
        }
        lines.append("")
        lines.append("Receivables on \(report.receivables.asOf):")
        for bucket in ReceivablesAgeing.buckets {
            let label = bucket == "current" ? "  not yet due" : "  \(bucket) days past due"
            lines.append(row([label, report.receivables.byBucket[bucket].map { "\($0)" } ?? "–"]))
        }
        lines.append(row(["  over 60 days past due", "\(report.receivables.over60)"]))
        lines.append("")
        lines.append("Today (\(report.position.asOf), as last synced):")
        for kpi in KPICatalogue.position {
            lines.append(row(["  " + kpi.name, KPICatalogue.format(kpi.value(in: report.position), kpi.unit, currency: currency)]))
        }
        lines.append("")
        lines.append("Data health:")
        for finding in report.health {
            lines.append("  \(finding.count == 0 ? "ok  " : "WARN") \(finding.title): \(finding.count)")
            if finding.count > 0 {
                lines.append("       \(finding.fix)")
                lines.append("       e.g. \(finding.records.prefix(5).joined(separator: ", "))")
            }
        }
        return lines
    }
}
