import Foundation
import MSPModel
import Testing

@Suite(.timeLimit(.minutes(1)))
struct GenerateCommandTests {
    @Test func truthIsPrintedAsJSONThatDecodesToTheGroundTruth() throws {
        let result = try runInsight(["generate", "--size", "small", "--seed", "9", "--truth"], environment: [:])
        #expect(result.status == 0, "\(result.stderr)")
        let printed = try JSONDecoder().decode(GroundTruth.self, from: Data(result.stdout.utf8))
        let expected = GroundTruth(try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 9)).snapshot())
        #expect(printed == expected)
        #expect(printed.months.count == 12)
    }

    @Test func theSummaryNamesTheBusinessAndItsHeadlineNumbers() throws {
        let result = try runInsight(["generate", "--size", "small"], environment: [:])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Northwind Managed Services: small business, seed 42"))
        #expect(result.stdout.contains("time_entries"))
        #expect(result.stdout.contains("MRR"))
    }

    @Test func aMalformedMonthIsRefusedClearly() throws {
        let result = try runInsight(["generate", "--end-month", "October"], environment: [:])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--end-month must be YYYY-MM"))
    }
}
