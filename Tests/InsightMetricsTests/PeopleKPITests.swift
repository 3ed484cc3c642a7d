import Foundation
import InsightCore
import InsightMetrics
import MSPModel
import Testing

extension KPIEngineTests {
    /// Every member of `medium` over the whole span against the truth: hours, cost and counts exactly, the fixed-fee
    /// revenue shared by hours (a quotient) and the ratios within 1e-9; the members add up to the scorecard.
    func checkPeople(_ engine: KPIEngine) async throws {
        let months = mediumSnapshot.reportedMonths
        let people = try await engine.memberKPIs(from: months[0], to: months[months.count - 1])
        let truth = Dictionary(uniqueKeysWithValues: mediumTruth.people.map { ($0.id, $0) })
        #expect(people.count == mediumTruth.people.count && !people.isEmpty)
        for member in people {
            let expected = try #require(truth[member.id], "\(member.id)")
            let who = "member \(member.id)"
            #expect(member.availableHours == expected.availableHours && member.hours == expected.hours, "\(who) hours")
            #expect(member.clientHours == expected.clientHours && member.utilizedHours == expected.utilizedHours, "\(who) client/utilized")
            #expect(member.realizedHours == expected.realizedHours && member.billableHours == expected.billableHours, "\(who) realized/billable")
            #expect(member.laborCost == expected.laborCost && member.shadowBillable == expected.shadowBillable, "\(who) cost/shadow")
            #expect(member.fixedFeeHours == expected.fixedFeeHours && member.fixedFeeShadowBillable == expected.fixedFeeShadowBillable, "\(who)")
            #expect(member.billableValue == expected.billableValue && member.lateEntries == expected.lateEntries, "\(who) billable value/late")
            close(member.fixedFeeRevenue.amount, expected.fixedFeeRevenue.amount, "\(who) fixed-fee revenue")
            let available = expected.availableHours.value
            close(member.utilization, available > 0 ? expected.utilizedHours.value / available : nil, "\(who) utilization")
            close(member.billableUtilization, available > 0 ? expected.billableHours.value / available : nil, "\(who) billable utilization")
            close(member.realizedUtilization, available > 0 ? expected.realizedHours.value / available : nil, "\(who) realized utilization")
            close(member.efficiency, expected.fixedFeeShadowBillable.isZero ? nil : expected.fixedFeeRevenue.amount / expected.fixedFeeShadowBillable.amount,
                  "\(who) efficiency")
        }
        // The members add up to the span's scorecard, and the fixed-fee revenue they share to the agreements'.
        let trend = try await engine.trend(from: months[0], to: months[months.count - 1])
        let currency = mediumTenant.baseCurrency
        #expect(people.reduce(Money.zero(currency)) { $0 + $1.laborCost }
            == trend.reduce(Money.zero(currency)) { $0 + Money.sum($1.laborCost.values, currency: currency) })
        #expect(people.reduce(Hours.zero) { $0 + $1.availableHours } == trend.reduce(Hours.zero) { $0 + $1.availableHours })
        #expect(people.reduce(Hours.zero) { $0 + $1.billableHours } == trend.reduce(Hours.zero) { $0 + $1.billableHours })
        let shared = people.reduce(Decimal(0)) { $0 + $1.fixedFeeRevenue.amount }
        let worked = Set(mediumSnapshot.timeEntries.filter { months.contains($0.workDate.yearMonth) }.compactMap(\.agreementID))
        let laborRevenue = mediumTruth.agreements.filter { $0.billingModel == .fixedFee && worked.contains($0.id) }
            .reduce(Decimal(0)) { $0 + ($1.laborRevenue?.amount ?? 0) }
        close(shared, laborRevenue, "fixed-fee labor revenue is shared out whole")
        #expect(people.contains { $0.lateEntries > 0 } && people.contains { ($0.efficiency ?? 0) > 0 })
    }
}
