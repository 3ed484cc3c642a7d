import ArgumentParser
import AutotaskAPI
import ConnectWiseAPI
import Foundation
import InsightCore
import MSPModel

/// Decoding pages of time entries as the connectors receive them, without HTTP: Foundation's `JSONDecoder` against
/// the `JSONTape` the connectors use, on the same bytes, in the same process.
struct DecodeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Decode pages of time entries: Foundation's JSONDecoder against JSONTape.")

    @Option(help: "small, medium or large: where the time entries come from.") var size = "small"
    @Option(help: "Time entries to render into pages.") var entries = 20_000
    @Option(help: "Rounds of each measurement; the best is reported.") var rounds = 5

    func run() async throws {
        guard let size = BusinessSize(rawValue: size) else { throw ValidationError("--size must be small, medium or large") }
        let business = try MSPBusiness.generate(GeneratorSettings(size: size, seed: 42))
        let snapshot = business.snapshot()
        let sample = Array(snapshot.timeEntries.prefix(entries))
        let connectWise = ConnectWiseEncoder(baseURL: "https://bench.example.com/v4_6_release/apis/3.0")
        let connectWisePages = stride(from: 0, to: sample.count, by: 1_000).map { start in
            JSONValue.array(sample[start..<min(start + 1_000, sample.count)].map(connectWise.timeEntry)).serialized()
        }
        var autotask = AutotaskEncoder(picklists: AutotaskPicklistCatalog(firstValue: 1))
        let autotaskPages = stride(from: 0, to: sample.count, by: 500).map { start in
            let items = sample[start..<min(start + 500, sample.count)].map { autotask.timeEntry($0, isTask: false).json }
            return AutotaskPage(items: items, pageDetails: AutotaskPageDetails(count: items.count, requestCount: 500, prevPageUrl: nil, nextPageUrl: nil))
                .json.serialized()
        }
        let context = ConnectWiseContext(
            currency: snapshot.currency, timeZone: snapshot.calendar.timeZone, timeOffWorkTypes: Set(snapshot.workTypes.filter(\.isTimeOff).map(\.id)))

        func measure(_ label: String, _ pages: [Data], _ decode: (Data) throws -> Int) throws {
            let bytes = pages.reduce(0) { $0 + $1.count }
            var best = Duration.seconds(1_000_000)
            var decoded = 0
            for _ in 0..<rounds {
                let clock = ContinuousClock()
                let start = clock.now
                decoded = 0
                for page in pages { decoded += try decode(page) }
                best = min(best, clock.now - start)
            }
            let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
            print(
                label.padding(toLength: 70, withPad: " ", startingAt: 0),
                String(format: "%9.0f records/s  %6.1f MB/s", Double(decoded) / seconds, Double(bytes) / seconds / 1e6))
        }

        let average = connectWisePages.reduce(0) { $0 + $1.count } / max(1, sample.count)
        print("\(sample.count) time entries from `\(size)`; ConnectWise \(average) bytes an entry, Autotask "
            + "\(autotaskPages.reduce(0) { $0 + $1.count } / max(1, sample.count)) bytes; best of \(rounds) rounds")
        try measure("ConnectWise page → JSONValue tree, Foundation JSONDecoder", connectWisePages) { page in
            guard case .array(let items) = try JSONDecoder().decode(JSONValue.self, from: page) else { return 0 }
            return items.count
        }
        try measure("ConnectWise page → JSONValue tree, JSONTape (JSONValue.parse)", connectWisePages) { page in
            guard case .array(let items)? = JSONValue.parse(page) else { return 0 }
            return items.count
        }
        try measure("ConnectWise page → [TimeEntry] (JSONTapeDecoder, then mapping)", connectWisePages) { page in
            try ConnectWiseRecords.timeEntries(page, context: context).count
        }
        try measure("Autotask page → AutotaskJSON tree, Foundation JSONDecoder", autotaskPages) { page in
            guard case .array(let items)? = try JSONDecoder().decode(AutotaskJSON.self, from: page).member("items") else { return 0 }
            return items.count
        }
        try measure("Autotask page → AutotaskJSON trees, JSONTape (AutotaskPage.items)", autotaskPages) { page in
            try AutotaskPage.decode(page, entity: "TimeEntries").items.count
        }
        try measure("Autotask page → AutotaskPage, JSONTape (AutotaskPage.decode)", autotaskPages) { page in
            try AutotaskPage.decode(page, entity: "TimeEntries").count
        }
        try measure("Autotask page → [AutotaskTimeEntry] (JSONTape rows, then the DTOs)", autotaskPages) { page in
            try AutotaskPage.decode(page, entity: "TimeEntries").decode(AutotaskTimeEntry.self).count
        }
    }
}
