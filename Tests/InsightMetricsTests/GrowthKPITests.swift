import Foundation
import InsightCore
import InsightMetrics
import InsightStore
import InsightTestSupport
import MSPModel
import Testing

/// Compares the MRR bridge, retention, concentration, ticket flow, medians, unbilled labor and average deal of a
/// scorecard with the generator's truth: money and counts exactly, ratios and minutes within 1e-9.
func expectGrowthMatches(_ card: MonthScorecard, _ truth: MonthGrowthTruth) {
    let month = "\(truth.month)"
    #expect(card.month == truth.month)
    let bridge = card.mrrBridge
    #expect(bridge.start == truth.mrrBridge.start && bridge.end == truth.mrrBridge.end, "MRR start/end \(month)")
    #expect(bridge.new == truth.mrrBridge.new, "new MRR \(month)")
    #expect(bridge.expansion == truth.mrrBridge.expansion, "expansion \(month)")
    #expect(bridge.contraction == truth.mrrBridge.contraction, "contraction \(month)")
    #expect(bridge.churn == truth.mrrBridge.churn, "churn \(month)")
    #expect(bridge.newClients == truth.mrrBridge.newClients && bridge.churnedClients == truth.mrrBridge.churnedClients, "clients \(month)")
    close(card.netRevenueRetention, truth.mrrBridge.netRevenueRetention, "NRR \(month)")
    close(card.revenueShareTop1, truth.revenueShareTop1, "top 1 share \(month)")
    close(card.revenueShareTop5, truth.revenueShareTop5, "top 5 share \(month)")
    close(card.revenueShareTop10, truth.revenueShareTop10, "top 10 share \(month)")
    #expect(card.ticketsClosed == truth.ticketsClosed, "tickets closed \(month)")
    close(card.killRate, truth.killRate, "kill rate \(month)")
    #expect(card.sameDayClosed == truth.sameDayClosed, "same-day closed \(month)")
    close(card.sameDayCloseRate, truth.sameDayCloseRate, "same-day close \(month)")
    close(card.medianFirstResponseMinutes, truth.medianFirstResponseMinutes, "median first response \(month)")
    close(card.medianResolutionMinutes, truth.medianResolutionMinutes, "median resolution \(month)")
    #expect(card.unbilledLaborHours == truth.unbilledLaborHours, "unbilled hours \(month)")
    #expect(card.unbilledLabor == truth.unbilledLabor, "unbilled labor \(month)")
    #expect(card.averageWonDeal == truth.averageWonDeal, "average won deal \(month)")
}

extension KPIEngineTests {
    /// Every month of `medium`: the growth KPIs against the truth, and the truth against itself (the bridge adds up).
    func checkGrowth(_ engine: KPIEngine) async throws {
        let months = mediumSnapshot.reportedMonths
        let trend = try await engine.trend(from: months[0], to: months[months.count - 1])
        #expect(mediumTruth.growth.count == months.count)
        for (card, truth) in zip(trend, mediumTruth.growth) { expectGrowthMatches(card, truth) }
        for (growth, month) in zip(mediumTruth.growth, mediumTruth.months) {
            let bridge = growth.mrrBridge
            // The bridge ends at the month's MRR (as the `mrr` KPI defines it) and adds up from the month before.
            #expect(bridge.end == month.mrr, "bridge end \(month.month)")
            #expect(bridge.start + bridge.new + bridge.expansion - bridge.contraction - bridge.churn == bridge.end, "bridge sum \(month.month)")
        }
        for (before, after) in zip(mediumTruth.months, mediumTruth.growth.dropFirst()) {
            #expect(after.mrrBridge.start == before.mrr, "bridge start \(after.month)")
        }
        // Medium exercises every branch, so a comparison of zeros cannot pass for a match.
        let growth = mediumTruth.growth
        #expect(growth.contains { $0.mrrBridge.newClients > 0 } && growth.contains { $0.mrrBridge.churnedClients > 0 })
        #expect(growth.contains { !$0.mrrBridge.expansion.isZero } && growth.contains { !$0.mrrBridge.contraction.isZero })
        #expect(growth.contains { ($0.mrrBridge.netRevenueRetention ?? 1) != 1 })
        #expect(growth.allSatisfy { ($0.revenueShareTop1 ?? 0) <= ($0.revenueShareTop5 ?? 0) && ($0.revenueShareTop5 ?? 0) <= ($0.revenueShareTop10 ?? 0) })
        #expect(growth.contains { $0.sameDayClosed > 0 } && growth.allSatisfy { $0.ticketsClosed > 0 })
        // Unbilled labor is zero at the end of the span (T&M time is billed at month end): MidMonthGrowthTests covers it.
        #expect(growth.contains { $0.medianResolutionMinutes != nil && $0.medianFirstResponseMinutes != nil })

        let position = try await engine.position(on: mediumSnapshot.asOfDate)
        let truth = mediumTruth.position
        #expect(position.receivables == truth.receivables && position.billedLast90Days == truth.billedLast90Days)
        close(position.daysSalesOutstanding, truth.daysSalesOutstanding, "DSO")
        #expect(position.openDeals == truth.openDeals && position.pipeline == truth.pipeline)
        #expect(position.weightedPipeline == truth.weightedPipeline)
        #expect(position.openProjects == truth.openProjects)
        close(position.budgetBurn, truth.budgetBurn, "budget burn")
        #expect(Set(position.overBudgetProjects) == Set(truth.overBudgetProjects))
        #expect(truth.daysSalesOutstanding != nil && truth.openDeals > 0 && truth.weightedPipeline.amount < truth.pipeline.amount)
        #expect(truth.openProjects > 0)
        // Receivables are the ageing buckets' sum at the same day.
        #expect(position.receivables == Money.sum(mediumTruth.receivablesByAge.values, currency: mediumTruth.currency))
    }
}

@Test func everyPositionKPIIsDefinedInTheDocs() throws {
    let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/kpis.md")
    let text = try String(contentsOf: docs, encoding: .utf8)
    for kpi in KPICatalogue.position { #expect(text.contains("`\(kpi.id)`"), "docs/kpis.md defines \(kpi.id)") }
}

@Suite(.timeLimit(.minutes(5)))
struct MidMonthGrowthTests {
    /// Mid-month, the month's T&M time is worked but not yet invoiced (the generator bills at month end): unbilled
    /// labor, open tickets and the position are non-trivial, and every month still matches the truth.
    @Test(arguments: TestDatabase.available)
    func growthKPIsOfASnapshotTakenMidMonthMatchTheGroundTruth(database: TestDatabase) async throws {
        let business = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 11))
        let snapshot = business.snapshot(at: business.endOfSpan.adding(seconds: -12 * 86_400))
        let truth = GroundTruth(snapshot)
        let tenant = business.tenant(id: "northwind")
        try await database.withFreshStore { store in
            try await load(snapshot, tenant: tenant, into: store)
            let engine = KPIEngine(store: store, tenant: tenant)
            let months = snapshot.reportedMonths
            let trend = try await engine.trend(from: months[0], to: months[months.count - 1])
            for (card, month) in zip(trend, truth.months) { expectMatches(card, month) }
            for (card, month) in zip(trend, truth.growth) { expectGrowthMatches(card, month) }
            let last = try #require(truth.growth.last)
            #expect(!last.unbilledLabor.isZero && last.unbilledLaborHours > .zero, "the last month's T&M time is not billed yet")

            let position = try await engine.position(on: snapshot.asOfDate)
            #expect(position.receivables == truth.position.receivables && position.billedLast90Days == truth.position.billedLast90Days)
            close(position.daysSalesOutstanding, truth.position.daysSalesOutstanding, "DSO")
            #expect(position.pipeline == truth.position.pipeline && position.weightedPipeline == truth.position.weightedPipeline)
            #expect(position.openProjects == truth.position.openProjects)
            close(position.budgetBurn, truth.position.budgetBurn, "budget burn")
            #expect(Set(position.overBudgetProjects) == Set(truth.position.overBudgetProjects))
            #expect(position.ticketBacklog == truth.position.ticketBacklog)
            #expect(position.openTickets > 0 && position.ticketBacklog["0-1"]! > 0, "mid-month, recent tickets are open")
        }
    }
}
