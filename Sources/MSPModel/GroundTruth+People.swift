import Foundation
public import InsightCore

/// One member's numbers over the reported span, by the definitions of `docs/kpis.md`, "People".
public struct MemberTruth: Sendable, Codable, Equatable {
    public var id: ID<Member>
    public var availableHours: Hours
    public var hours: Hours
    public var clientHours: Hours
    public var utilizedHours: Hours
    /// Utilized hours on client work.
    public var realizedHours: Hours
    public var billableHours: Hours
    public var laborCost: Money
    public var shadowBillable: Money
    public var fixedFeeHours: Hours
    public var fixedFeeShadowBillable: Money
    /// Fixed-fee labor revenue shared by hours (a quotient: compare within 1e-9).
    public var fixedFeeRevenue: Money
    public var billableValue: Money
    public var lateEntries: Int
}

extension GroundTruth {
    /// Every member with time in the reported months, by id.
    static func people(_ snapshot: MSPSnapshot, agreements truths: [AgreementTruth]) -> [MemberTruth] {
        let currency = snapshot.currency
        let reported = Set(snapshot.reportedMonths)
        let zero = Money.zero(currency)
        let workTypes = Dictionary(uniqueKeysWithValues: snapshot.workTypes.map { ($0.id, $0) })
        let members = Dictionary(uniqueKeysWithValues: snapshot.members.map { ($0.id, $0) })
        let agreements = Dictionary(uniqueKeysWithValues: snapshot.agreements.map { ($0.id, $0) })
        let ticketClasses = Dictionary(uniqueKeysWithValues: snapshot.tickets.map { ($0.id, $0.serviceClass) })
        var result: [ID<Member>: MemberTruth] = [:]
        var months: [ID<Member>: Set<YearMonth>] = [:]
        var fixedFeeHours: [ID<Agreement>: [ID<Member>: Decimal]] = [:]
        for entry in snapshot.timeEntries where reported.contains(entry.workDate.yearMonth) {
            var truth = result[entry.memberID] ?? MemberTruth(
                id: entry.memberID, availableHours: .zero, hours: .zero, clientHours: .zero, utilizedHours: .zero, realizedHours: .zero,
                billableHours: .zero, laborCost: zero, shadowBillable: zero, fixedFeeHours: .zero, fixedFeeShadowBillable: zero,
                fixedFeeRevenue: zero, billableValue: zero, lateEntries: 0)
            months[entry.memberID, default: []].insert(entry.workDate.yearMonth)
            let workType = entry.workTypeID.flatMap { workTypes[$0] }
            let laborClass = LaborClass.of(entry, ticketClasses: ticketClasses)
            let client = laborClass != .internal && laborClass != .timeOff
            let rate = entry.hourlyRate?.amount ?? 0
            truth.hours += entry.actualHours
            truth.laborCost += Money(entry.actualHours.value * (entry.hourlyCost?.amount ?? 0) * (workType?.costMultiplier ?? 1), currency)
            if client { truth.clientHours += entry.actualHours }
            if workType?.countsAsUtilized == true {
                truth.utilizedHours += entry.actualHours
                if client { truth.realizedHours += entry.actualHours }
            }
            if workType?.isTimeOff == true { truth.availableHours -= entry.actualHours }
            if entry.billableOption == .billable { truth.billableHours += entry.actualHours }
            truth.shadowBillable += Money(entry.actualHours.value * rate, currency)
            if entry.enteredAt.rawValue - (entry.endAt ?? entry.startAt).rawValue >= 72 * 3_600_000 { truth.lateEntries += 1 }
            if let agreement = entry.agreementID.flatMap({ agreements[$0] }), agreement.billingModel == .fixedFee {
                truth.fixedFeeHours += entry.actualHours
                truth.fixedFeeShadowBillable += Money(entry.actualHours.value * rate, currency)
                fixedFeeHours[agreement.id, default: [:]][entry.memberID, default: 0] += entry.actualHours.value
            } else if entry.billableOption == .billable {
                truth.billableValue += Money(entry.billedHours.value * rate, currency)
            }
            result[entry.memberID] = truth
        }
        for (id, worked) in months {
            let weekdays = worked.reduce(0) { $0 + $1.days.filter { !$0.isWeekend }.count }
            result[id]?.availableHours += (members[id]?.dailyCapacity ?? .zero) * Decimal(weekdays)
        }
        let laborRevenue = Dictionary(uniqueKeysWithValues: truths.compactMap { truth in truth.laborRevenue.map { (truth.id, $0.amount) } })
        // In a fixed order (agreement, then member ids): the shares are quotients, and Decimal sums of them depend on the
        // order of addition; dictionaries iterate in a different order in every process.
        for (agreement, shares) in fixedFeeHours.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let total = shares.values.reduce(0, +)
            guard total > 0 else { continue }
            for (member, hours) in shares.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                result[member]?.fixedFeeRevenue += Money((laborRevenue[agreement] ?? 0) * hours / total, currency)
            }
        }
        return result.values.sorted { $0.id.rawValue < $1.id.rawValue }
    }
}
