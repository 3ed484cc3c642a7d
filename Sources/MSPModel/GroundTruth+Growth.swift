public import Foundation
public import InsightCore

/// How the month's recurring revenue moved from the month before, client by client (`mrr.*` in `docs/kpis.md`).
public struct MRRBridgeTruth: Sendable, Codable, Equatable {
    /// MRR of the month before.
    public var start: Money
    /// MRR of clients with none the month before.
    public var new: Money
    /// Rises of clients with MRR in both months.
    public var expansion: Money
    /// Falls of clients with MRR in both months (positive amount).
    public var contraction: Money
    /// MRR the month before of clients with none this month (positive amount).
    public var churn: Money
    /// MRR of the month: start + new + expansion − contraction − churn.
    public var end: Money
    public var newClients: Int
    public var churnedClients: Int
    /// (start + expansion − contraction − churn) ÷ start.
    public var netRevenueRetention: Decimal?
}

/// The KPIs of one month added with the MRR bridge: retention, concentration, ticket flow, medians, unbilled labor.
public struct MonthGrowthTruth: Sendable, Codable, Equatable {
    public var month: YearMonth
    public var mrrBridge: MRRBridgeTruth
    /// Share of the month's revenue invoiced to the 1, 5 and 10 companies with the most revenue that month.
    public var revenueShareTop1: Decimal?
    public var revenueShareTop5: Decimal?
    public var revenueShareTop10: Decimal?
    /// Tickets closed in the month (whenever created), and closed ÷ opened.
    public var ticketsClosed: Int
    public var killRate: Decimal?
    /// Tickets created in the month and closed the same calendar day (MSP's time zone), and their share of opened.
    public var sameDayClosed: Int
    public var sameDayCloseRate: Decimal?
    /// Medians over the reactive tickets created in the month that were responded to / resolved, in minutes.
    public var medianFirstResponseMinutes: Decimal?
    public var medianResolutionMinutes: Decimal?
    /// Billable time worked in the month on no invoice and not covered by a fixed-fee, licence or block agreement
    /// or a fixed-fee project: billed hours, and billed hours × the entry's hourly rate.
    public var unbilledLaborHours: Hours
    public var unbilledLabor: Money
    /// (Σ one-time value + 12 × Σ monthly recurring value) ÷ deals won in the month.
    public var averageWonDeal: Money?
}

/// Numbers that only exist at one instant (the snapshot): receivables against sales, the open pipeline, open
/// projects against their budgets.
public struct PositionTruth: Sendable, Codable, Equatable {
    public var asOf: CalendarDate
    /// Σ open balances of invoices dated on or before `asOf`.
    public var receivables: Money
    /// Σ invoice totals (with tax; credit memos negative) dated in the 90 days ending on `asOf`.
    public var billedLast90Days: Money
    /// receivables ÷ billed in the last 90 days × 90.
    public var daysSalesOutstanding: Decimal?
    /// Open opportunities: count, Σ (one-time + 12 × monthly recurring value), Σ of that × probability.
    public var openDeals: Int
    public var pipeline: Money
    public var weightedPipeline: Money
    /// Open projects with a budget: Σ actual hours ÷ Σ budget hours, and those whose actual exceeds the budget.
    public var openProjects: Int
    public var budgetBurn: Decimal?
    public var overBudgetProjects: [ID<Project>]
    /// Open tickets by age bucket (see `GroundTruth.backlog`).
    public var ticketBacklog: [String: Int]
}

extension GroundTruth {
    /// The growth KPIs of every reported month of `snapshot`, from its records.
    static func growth(_ snapshot: MSPSnapshot, months truths: [MonthTruth]) -> [MonthGrowthTruth] {
        let currency = snapshot.currency
        let zone = snapshot.calendar.timeZone
        let agreements = Dictionary(uniqueKeysWithValues: snapshot.agreements.map { ($0.id, $0) })
        let projects = Dictionary(uniqueKeysWithValues: snapshot.projects.map { ($0.id, $0) })
        let reported = Set(snapshot.reportedMonths)

        // MRR and revenue per month and company, over every invoice (the bridge's first month needs the one before).
        var mrr: [YearMonth: [ID<Company>: Decimal]] = [:]
        var revenue: [YearMonth: [ID<Company>: Decimal]] = [:]
        for invoice in snapshot.invoices {
            let month = invoice.date.yearMonth
            revenue[month, default: [:]][invoice.companyID, default: 0] += invoice.subtotal.amount
            let kind = RevenueKind.of(invoice, agreements: agreements)
            if invoice.kind == .agreement, kind == .managedServices || kind == .licenseResale {
                mrr[month, default: [:]][invoice.companyID, default: 0] += invoice.subtotal.amount
            }
        }

        var closed: [YearMonth: Int] = [:]
        var sameDay: [YearMonth: Int] = [:]
        var responses: [YearMonth: [Int64]] = [:]
        var resolutions: [YearMonth: [Int64]] = [:]
        for ticket in snapshot.tickets {
            if let closedAt = ticket.closedAt { closed[snapshot.calendar.month(of: closedAt), default: 0] += 1 }
            let month = snapshot.calendar.month(of: ticket.createdAt)
            if let closedAt = ticket.closedAt, CalendarDate(closedAt, in: zone) == CalendarDate(ticket.createdAt, in: zone) {
                sameDay[month, default: 0] += 1
            }
            guard ticket.serviceClass == .reactive else { continue }
            if let response = ticket.firstResponseAt { responses[month, default: []].append(response.rawValue - ticket.createdAt.rawValue) }
            if let resolved = ticket.resolvedAt { resolutions[month, default: []].append(resolved.rawValue - ticket.createdAt.rawValue) }
        }

        var unbilledHours: [YearMonth: Decimal] = [:]
        var unbilledValue: [YearMonth: Decimal] = [:]
        for entry in snapshot.timeEntries where entry.billableOption == .billable && entry.invoiceID == nil {
            let month = entry.workDate.yearMonth
            guard reported.contains(month) else { continue }
            let model = entry.agreementID.flatMap { agreements[$0] }?.billingModel
            if let model, [.fixedFee, .licenseResale, .blockHours].contains(model) { continue }
            if entry.projectID.flatMap({ projects[$0] })?.billingMethod == .fixedFee { continue }
            unbilledHours[month, default: 0] += entry.billedHours.value
            unbilledValue[month, default: 0] += entry.billedHours.value * (entry.hourlyRate?.amount ?? 0)
        }

        return truths.map { truth in
            let month = truth.month
            let total = truth.revenue.amount
            let ranked = (revenue[month] ?? [:]).values.sorted(by: >)
            func share(_ count: Int) -> Decimal? { total == 0 ? nil : ranked.prefix(count).reduce(0, +) / total }
            let opened = truth.ticketsOpened
            let wonValue = truth.wonOneTimeValue.amount + 12 * truth.wonRecurringValue.amount
            return MonthGrowthTruth(
                month: month, mrrBridge: bridge(from: mrr[month.advanced(by: -1)] ?? [:], to: mrr[month] ?? [:], currency: currency),
                revenueShareTop1: share(1), revenueShareTop5: share(5), revenueShareTop10: share(10),
                ticketsClosed: closed[month] ?? 0, killRate: opened > 0 ? Decimal(closed[month] ?? 0) / Decimal(opened) : nil,
                sameDayClosed: sameDay[month] ?? 0, sameDayCloseRate: opened > 0 ? Decimal(sameDay[month] ?? 0) / Decimal(opened) : nil,
                medianFirstResponseMinutes: medianMinutes(responses[month] ?? []),
                medianResolutionMinutes: medianMinutes(resolutions[month] ?? []),
                unbilledLaborHours: Hours(unbilledHours[month] ?? 0), unbilledLabor: Money(unbilledValue[month] ?? 0, currency),
                averageWonDeal: truth.won > 0 ? Money(wonValue / Decimal(truth.won), currency) : nil)
        }
    }

    /// The bridge between two months' MRR by company: a company with 0 (or none) before is new, with 0 after churned.
    static func bridge(from before: [ID<Company>: Decimal], to after: [ID<Company>: Decimal], currency: CurrencyCode) -> MRRBridgeTruth {
        var (new, expansion, contraction, churn) = (Decimal(0), Decimal(0), Decimal(0), Decimal(0))
        var (newClients, churnedClients) = (0, 0)
        for company in Set(before.keys).union(after.keys) {
            let (was, now) = (before[company] ?? 0, after[company] ?? 0)
            if was == 0, now != 0 {
                new += now
                newClients += 1
            } else if was != 0, now == 0 {
                churn += was
                churnedClients += 1
            } else if now > was {
                expansion += now - was
            } else {
                contraction += was - now
            }
        }
        let start = before.values.reduce(0, +)
        return MRRBridgeTruth(
            start: Money(start, currency), new: Money(new, currency), expansion: Money(expansion, currency),
            contraction: Money(contraction, currency), churn: Money(churn, currency), end: Money(after.values.reduce(0, +), currency),
            newClients: newClients, churnedClients: churnedClients,
            netRevenueRetention: start == 0 ? nil : (start + expansion - contraction - churn) / start)
    }

    /// The median of durations in milliseconds, in minutes (the mean of the middle two for an even count).
    static func medianMinutes(_ values: [Int64]) -> Decimal? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count % 2 == 1 ? [sorted[sorted.count / 2]] : [sorted[sorted.count / 2 - 1], sorted[sorted.count / 2]]
        return Decimal(middle.reduce(0, +)) / Decimal(middle.count) / 60_000
    }

    /// Receivables, pipeline and project burn at the snapshot's day.
    static func position(_ snapshot: MSPSnapshot) -> PositionTruth {
        let currency = snapshot.currency
        let day = snapshot.asOfDate
        let window = day.adding(days: -89)...day
        let receivables = snapshot.invoices.filter { $0.date <= day && $0.balance.amount > 0 }.reduce(Decimal(0)) { $0 + $1.balance.amount }
        let billed = snapshot.invoices.filter { window.contains($0.date) }.reduce(Decimal(0)) { $0 + $1.total.amount }
        let open = snapshot.opportunities.filter { $0.outcome == .open }
        let values = open.map { ($0.oneTimeValue.amount + 12 * $0.recurringValue.amount, $0.probability) }
        let projects = snapshot.projects.filter { !$0.closed && ($0.budgetHours?.value ?? 0) > 0 }
        let budget = projects.reduce(Decimal(0)) { $0 + ($1.budgetHours?.value ?? 0) }
        let actual = projects.reduce(Decimal(0)) { $0 + ($1.actualHours?.value ?? 0) }
        return PositionTruth(
            asOf: day, receivables: Money(receivables, currency), billedLast90Days: Money(billed, currency),
            daysSalesOutstanding: billed > 0 ? receivables / billed * 90 : nil,
            openDeals: open.count, pipeline: Money(values.reduce(0) { $0 + $1.0 }, currency),
            weightedPipeline: Money(values.reduce(0) { $0 + $1.0 * $1.1 }, currency),
            openProjects: projects.count, budgetBurn: budget > 0 ? actual / budget : nil,
            overBudgetProjects: projects.filter { ($0.actualHours?.value ?? 0) > ($0.budgetHours?.value ?? 0) }.map(\.id)
                .sorted { $0.rawValue < $1.rawValue },
            ticketBacklog: backlog(snapshot))
    }
}
