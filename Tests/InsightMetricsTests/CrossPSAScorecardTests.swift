import Foundation
import InsightCore
import InsightMetrics
import InsightStore
import InsightSync
import InsightTestSupport
import MSPModel
import Testing

/// One MSP, synced once through the ConnectWise simulator and once through the Autotask simulator into one store,
/// must score the same: the issue's "same business, same numbers" through both PSAs.
@Suite(.timeLimit(.minutes(8)))
struct CrossPSAScorecardTests {
    @Test(arguments: TestDatabase.available)
    func theSameBusinessScoresTheSameThroughConnectWiseAndAutotask(database: TestDatabase) async throws {
        let settings = GeneratorSettings(size: .small, seed: 8)
        var autotaskSettings = settings
        autotaskSettings.source = .autotask
        let business = try MSPBusiness.generate(settings)
        let autotaskBusiness = try MSPBusiness.generate(autotaskSettings)
        let truth = GroundTruth(business.snapshot())
        let connectWiseTenant = business.tenant(id: "msp-connectwise")
        let autotaskTenant = autotaskBusiness.tenant(id: "msp-autotask")
        try await database.withFreshStore { store in
            let first = try await syncThroughSimulator(business, tenant: connectWiseTenant, into: store)
            let second = try await syncThroughSimulator(autotaskBusiness, tenant: autotaskTenant, into: store)
            #expect(first.succeeded && second.succeeded, "\(second.failures.map { ($0.stream, $0.error ?? "") })")
            let months = business.reportedMonths
            let viaConnectWise = try await KPIEngine(store: store, tenant: connectWiseTenant).trend(from: months[0], to: months[months.count - 1])
            let viaAutotask = try await KPIEngine(store: store, tenant: autotaskTenant).trend(from: months[0], to: months[months.count - 1])
            #expect(viaAutotask.count == truth.months.count)
            // Autotask syncs opportunities: its scorecard matches the ground truth, sales included, except labor
            // cost (docs/kpis.md, known differences: Autotask keeps one current cost per resource).
            for (card, month) in zip(viaAutotask, truth.months) {
                var exceptCost = month
                exceptCost.laborCost = card.laborCost
                expectMatches(card, exceptCost)
            }
            // Hours are the same; only their price differs.
            #expect(viaAutotask.map(\.laborHours) == viaConnectWise.map(\.laborHours))
            // Field by field, every number agrees (sales too: ConnectWise opportunities take their values from
            // their forecasts) but the known differences (docs/kpis.md): labor cost (Autotask keeps one cost per
            // resource) and unbilled labor (Autotask time entries carry no invoice).
            let known: Set<String> = ["laborCost", "unbilledLaborHours", "unbilledLabor"]
            for (autotaskCard, connectWiseCard) in zip(viaAutotask, viaConnectWise) {
                let differing = differences(autotaskCard, connectWiseCard)
                #expect(differing.subtracting(known).isEmpty, "\(autotaskCard.month): \(differing.subtracting(known).sorted())")
            }
            let day = business.snapshot().asOfDate
            // The open pipeline, weighted or not, is the truth's through both.
            for position in [
                try await KPIEngine(store: store, tenant: connectWiseTenant).position(on: day),
                try await KPIEngine(store: store, tenant: autotaskTenant).position(on: day),
            ] {
                #expect(position.openDeals == truth.position.openDeals)
                #expect(position.pipeline == truth.position.pipeline)
                #expect(position.weightedPipeline == truth.position.weightedPipeline)
            }
            #expect(truth.months.contains { $0.won > 0 && $0.wonRecurringValue.amount > 0 }, "the business wins deals with recurring value")
            let connectWiseAgeing = try await KPIEngine(store: store, tenant: connectWiseTenant).receivablesAgeing(on: day)
            let autotaskAgeing = try await KPIEngine(store: store, tenant: autotaskTenant).receivablesAgeing(on: day)
            #expect(autotaskAgeing.byBucket == truth.receivablesByAge)
            #expect(autotaskAgeing == connectWiseAgeing)
        }
    }
}

/// The names of the stored properties whose values differ between `a` and `b`.
func differences<T>(_ a: T, _ b: T) -> Set<String> {
    Set(zip(Mirror(reflecting: a).children, Mirror(reflecting: b).children).compactMap { left, right in
        guard let value = left.value as? any Equatable else { return left.label }
        return value.isEqual(to: right.value) ? nil : left.label
    })
}

extension Equatable {
    /// Whether `other` is a value of this type equal to this one.
    func isEqual(to other: Any) -> Bool { (other as? Self) == self }
}
