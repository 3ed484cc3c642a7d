public import Foundation
public import InsightCore

/// One KPI of the monthly scorecard: its id (as in `docs/kpis.md`), name, unit and direction, and how to read
/// it off a ``MonthScorecard``.
public struct KPIDefinition: Sendable {
    public enum Unit: String, Sendable, Codable { case money, hours, ratio, count, minutes, perEndpoint, days }

    public let id: String
    public let name: String
    public let unit: Unit
    /// Whether a rise is good news (`nil`: neither, e.g. hours worked).
    public let higherIsBetter: Bool?
    let read: @Sendable (MonthScorecard) -> Decimal?

    /// The KPI's value in `card` (`nil` when undefined, e.g. a ratio over zero).
    public func value(in card: MonthScorecard) -> Decimal? { read(card) }
}

/// One KPI of ``BusinessPosition`` (a number that exists only at one instant, e.g. DSO or the open pipeline).
public struct PositionKPIDefinition: Sendable {
    public let id: String
    public let name: String
    public let unit: KPIDefinition.Unit
    public let higherIsBetter: Bool?
    let read: @Sendable (BusinessPosition) -> Decimal?

    /// The KPI's value in `position` (`nil` when undefined).
    public func value(in position: BusinessPosition) -> Decimal? { read(position) }
}

/// The scorecard's KPIs, in the order they are shown. Every id has its definition and formula in `docs/kpis.md`.
public enum KPICatalogue {
    public static let scorecard: [KPIDefinition] = [
        KPIDefinition(id: "revenue", name: "Revenue", unit: .money, higherIsBetter: true) { $0.revenue.amount },
        KPIDefinition(id: "mrr", name: "Monthly recurring revenue", unit: .money, higherIsBetter: true) { $0.mrr.amount },
        KPIDefinition(id: "arr", name: "Annual recurring revenue", unit: .money, higherIsBetter: true) { $0.arr.amount },
        KPIDefinition(id: "recurring_share", name: "Recurring share", unit: .ratio, higherIsBetter: true) { $0.recurringShare },
        KPIDefinition(id: "revenue.managedServices", name: "  Managed services", unit: .money, higherIsBetter: true) {
            $0.revenueByKind[RevenueKind.managedServices.rawValue]?.amount
        },
        KPIDefinition(id: "revenue.licenseResale", name: "  Licence resale", unit: .money, higherIsBetter: true) {
            $0.revenueByKind[RevenueKind.licenseResale.rawValue]?.amount
        },
        KPIDefinition(id: "revenue.blockTime", name: "  Block time", unit: .money, higherIsBetter: true) {
            $0.revenueByKind[RevenueKind.blockTime.rawValue]?.amount
        },
        KPIDefinition(id: "revenue.timeAndMaterials", name: "  Time and materials", unit: .money, higherIsBetter: true) {
            $0.revenueByKind[RevenueKind.timeAndMaterials.rawValue]?.amount
        },
        KPIDefinition(id: "revenue.projects", name: "  Projects", unit: .money, higherIsBetter: true) {
            $0.revenueByKind[RevenueKind.projects.rawValue]?.amount
        },
        KPIDefinition(id: "revenue.products", name: "  Products", unit: .money, higherIsBetter: true) {
            $0.revenueByKind[RevenueKind.products.rawValue]?.amount
        },
        KPIDefinition(id: "mrr.new", name: "MRR from new clients", unit: .money, higherIsBetter: true) { $0.mrrBridge.new.amount },
        KPIDefinition(id: "mrr.expansion", name: "MRR expansion", unit: .money, higherIsBetter: true) { $0.mrrBridge.expansion.amount },
        KPIDefinition(id: "mrr.contraction", name: "MRR contraction", unit: .money, higherIsBetter: false) {
            $0.mrrBridge.contraction.amount
        },
        KPIDefinition(id: "mrr.churn", name: "MRR churned", unit: .money, higherIsBetter: false) { $0.mrrBridge.churn.amount },
        KPIDefinition(id: "nrr", name: "Net revenue retention", unit: .ratio, higherIsBetter: true) { $0.netRevenueRetention },
        KPIDefinition(id: "mrr.clients", name: "Recurring clients", unit: .count, higherIsBetter: true) { Decimal($0.mrrBridge.clients) },
        KPIDefinition(id: "mrr.per_client", name: "MRR per client", unit: .money, higherIsBetter: true) { $0.mrrPerClient?.amount },
        KPIDefinition(id: "mrr.per_endpoint", name: "MRR per endpoint", unit: .money, higherIsBetter: true) { $0.mrrPerEndpoint?.amount },
        KPIDefinition(id: "billed_users", name: "Billed users", unit: .count, higherIsBetter: true) { $0.billedUsers },
        KPIDefinition(id: "mrr.per_user", name: "MRR per user", unit: .money, higherIsBetter: true) { $0.mrrPerUser?.amount },
        KPIDefinition(id: "revenue.per_member", name: "Revenue per member", unit: .money, higherIsBetter: true) { $0.revenuePerMember?.amount },
        KPIDefinition(id: "revenue.top1_share", name: "Revenue from the top client", unit: .ratio, higherIsBetter: false) {
            $0.revenueShareTop1
        },
        KPIDefinition(id: "revenue.top5_share", name: "Revenue from the top 5 clients", unit: .ratio, higherIsBetter: false) {
            $0.revenueShareTop5
        },
        KPIDefinition(id: "revenue.top10_share", name: "Revenue from the top 10 clients", unit: .ratio, higherIsBetter: false) {
            $0.revenueShareTop10
        },
        KPIDefinition(id: "labor.cost", name: "Labor cost", unit: .money, higherIsBetter: false) {
            $0.laborCost.values.reduce(Decimal(0)) { $0 + $1.amount }
        },
        KPIDefinition(id: "labor.hours", name: "Hours logged", unit: .hours, higherIsBetter: nil) {
            $0.laborHours.values.reduce(Decimal(0)) { $0 + $1.value }
        },
        KPIDefinition(id: "effective_hourly_rate", name: "Effective hourly rate", unit: .money, higherIsBetter: true) {
            $0.effectiveHourlyRate?.amount
        },
        KPIDefinition(id: "fixed_fee.labor_revenue", name: "Fixed-fee labor revenue", unit: .money, higherIsBetter: true) {
            $0.fixedFeeLaborRevenue.amount
        },
        KPIDefinition(id: "fixed_fee.shadow_billable", name: "Fixed-fee shadow billable", unit: .money, higherIsBetter: nil) {
            $0.fixedFeeShadowBillable.amount
        },
        KPIDefinition(id: "efficiency", name: "Fixed-fee efficiency", unit: .ratio, higherIsBetter: true) { $0.efficiency },
        KPIDefinition(id: "fixed_fee.hours", name: "Fixed-fee hours", unit: .hours, higherIsBetter: nil) { $0.fixedFeeHours.value },
        KPIDefinition(id: "effective_hourly_rate.worked", name: "Effective rate on hours worked", unit: .money, higherIsBetter: true) {
            $0.effectiveHourlyRateOnHoursWorked?.amount
        },
        KPIDefinition(id: "effective_hourly_rate.fixed_fee", name: "Fixed-fee effective rate", unit: .money, higherIsBetter: true) {
            $0.fixedFeeEffectiveRate?.amount
        },
        KPIDefinition(id: "addition_cost", name: "Addition cost", unit: .money, higherIsBetter: false) { $0.additionCost.amount },
        KPIDefinition(id: "product_cost", name: "Product cost", unit: .money, higherIsBetter: false) { $0.productCost.amount },
        KPIDefinition(id: "gross_margin", name: "Gross margin", unit: .ratio, higherIsBetter: true) { $0.grossMarginAfterClientLabor },
        KPIDefinition(id: "gross_margin.contribution", name: "Contribution margin", unit: .ratio, higherIsBetter: true) { $0.contributionMargin },
        KPIDefinition(id: "gross_margin.after_all_labor", name: "Margin after all labor", unit: .ratio, higherIsBetter: true) {
            $0.grossMarginAfterAllLabor
        },
        KPIDefinition(id: "unbilled_labor", name: "Unbilled labor", unit: .money, higherIsBetter: false) { $0.unbilledLabor.amount },
        KPIDefinition(id: "unbilled_labor.hours", name: "Unbilled labor hours", unit: .hours, higherIsBetter: false) {
            $0.unbilledLaborHours.value
        },
        KPIDefinition(id: "members.active", name: "Members logging time", unit: .count, higherIsBetter: nil) { Decimal($0.activeMembers) },
        KPIDefinition(id: "available_hours", name: "Available hours", unit: .hours, higherIsBetter: nil) { $0.availableHours.value },
        KPIDefinition(id: "utilized_hours", name: "Utilized hours", unit: .hours, higherIsBetter: true) { $0.utilizedHours.value },
        KPIDefinition(id: "utilization", name: "Utilization", unit: .ratio, higherIsBetter: true) { $0.utilization },
        KPIDefinition(id: "billable_hours", name: "Billable hours", unit: .hours, higherIsBetter: true) { $0.billableHours.value },
        KPIDefinition(id: "utilization.billable", name: "Billable utilization", unit: .ratio, higherIsBetter: true) { $0.billableUtilization },
        KPIDefinition(id: "normal_hours", name: "Normal hours (8 h a weekday)", unit: .hours, higherIsBetter: nil) { $0.normalHours.value },
        KPIDefinition(id: "utilization.client", name: "Client utilization", unit: .ratio, higherIsBetter: true) { $0.clientUtilization },
        KPIDefinition(id: "time_entry.lag", name: "Mean time-entry lag", unit: .hours, higherIsBetter: false) { $0.meanTimeEntryLagHours },
        KPIDefinition(id: "time_entry.late", name: "Late time entries", unit: .count, higherIsBetter: false) { Decimal($0.lateTimeEntries) },
        KPIDefinition(id: "tickets.opened", name: "Tickets opened", unit: .count, higherIsBetter: nil) { Decimal($0.ticketsOpened) },
        KPIDefinition(id: "tickets.reactive", name: "Reactive tickets", unit: .count, higherIsBetter: false) {
            Decimal($0.reactiveTickets)
        },
        KPIDefinition(id: "tickets.closed", name: "Tickets closed", unit: .count, higherIsBetter: true) { Decimal($0.ticketsClosed) },
        KPIDefinition(id: "kill_rate", name: "Kill rate", unit: .ratio, higherIsBetter: true) { $0.killRate },
        KPIDefinition(id: "same_day_close", name: "Closed the same day", unit: .ratio, higherIsBetter: true) { $0.sameDayCloseRate },
        KPIDefinition(id: "endpoints", name: "Managed endpoints", unit: .count, higherIsBetter: true) { Decimal($0.endpoints) },
        KPIDefinition(id: "tickets_per_endpoint", name: "Tickets per endpoint", unit: .perEndpoint, higherIsBetter: false) {
            $0.ticketsPerEndpoint
        },
        KPIDefinition(id: "reactive_tickets_per_endpoint", name: "Reactive tickets per endpoint", unit: .perEndpoint, higherIsBetter: false) {
            $0.reactiveTicketsPerEndpoint
        },
        KPIDefinition(id: "reactive_hours_per_endpoint", name: "Reactive hours per endpoint", unit: .perEndpoint, higherIsBetter: false) {
            $0.reactiveHoursPerEndpoint
        },
        KPIDefinition(id: "first_response.mean", name: "Mean first response", unit: .minutes, higherIsBetter: false) {
            $0.meanFirstResponseMinutes
        },
        KPIDefinition(id: "first_response.median", name: "Median first response", unit: .minutes, higherIsBetter: false) {
            $0.medianFirstResponseMinutes
        },
        KPIDefinition(id: "resolution.mean", name: "Mean resolution", unit: .minutes, higherIsBetter: false) { $0.meanResolutionMinutes },
        KPIDefinition(id: "resolution.median", name: "Median resolution", unit: .minutes, higherIsBetter: false) {
            $0.medianResolutionMinutes
        },
        KPIDefinition(id: "sla_compliance", name: "SLA compliance", unit: .ratio, higherIsBetter: true) { $0.slaCompliance },
        KPIDefinition(id: "won", name: "Deals won", unit: .count, higherIsBetter: true) { Decimal($0.won) },
        KPIDefinition(id: "won.recurring_value", name: "New MRR booked", unit: .money, higherIsBetter: true) { $0.wonRecurringValue.amount },
        KPIDefinition(id: "lost", name: "Deals lost", unit: .count, higherIsBetter: false) { Decimal($0.lost) },
        KPIDefinition(id: "win_rate", name: "Win rate", unit: .ratio, higherIsBetter: true) { $0.winRate },
        KPIDefinition(id: "won.average_deal", name: "Average won deal", unit: .money, higherIsBetter: true) { $0.averageWonDeal?.amount },
    ]

    /// The scorecard id of each variant a company can read by default (``KPIPreferences``).
    public static func id(of variant: KPIPreferences.EffectiveRate) -> String {
        switch variant {
        case .clientHours: "effective_hourly_rate"
        case .hoursWorked: "effective_hourly_rate.worked"
        case .fixedFee: "effective_hourly_rate.fixed_fee"
        }
    }

    public static func id(of variant: KPIPreferences.Utilization) -> String {
        switch variant {
        case .utilized: "utilization"
        case .billable: "utilization.billable"
        case .client: "utilization.client"
        }
    }

    public static func id(of variant: KPIPreferences.GrossMargin) -> String {
        switch variant {
        case .afterClientLabor: "gross_margin"
        case .contribution: "gross_margin.contribution"
        case .afterAllLabor: "gross_margin.after_all_labor"
        }
    }

    /// The scorecard KPI with `id`.
    public static func definition(_ id: String) -> KPIDefinition? { scorecard.first { $0.id == id } }

    /// The KPIs that exist only at one instant (``BusinessPosition``), in the order they are shown.
    public static let position: [PositionKPIDefinition] = [
        PositionKPIDefinition(id: "ar.balance", name: "Receivables", unit: .money, higherIsBetter: false) { $0.receivables.amount },
        PositionKPIDefinition(id: "dso", name: "Days sales outstanding", unit: .days, higherIsBetter: false) { $0.daysSalesOutstanding },
        PositionKPIDefinition(id: "pipeline.deals", name: "Open deals", unit: .count, higherIsBetter: true) { Decimal($0.openDeals) },
        PositionKPIDefinition(id: "pipeline", name: "Open pipeline", unit: .money, higherIsBetter: true) { $0.pipeline.amount },
        PositionKPIDefinition(id: "pipeline.weighted", name: "Weighted pipeline", unit: .money, higherIsBetter: true) {
            $0.weightedPipeline.amount
        },
        PositionKPIDefinition(id: "tickets.open", name: "Open tickets", unit: .count, higherIsBetter: false) { Decimal($0.openTickets) },
        PositionKPIDefinition(id: "tickets.open_over_30_days", name: "Open tickets older than 30 days", unit: .count, higherIsBetter: false) {
            Decimal($0.ticketsOpenOver30Days)
        },
        PositionKPIDefinition(id: "projects.budget_burn", name: "Project budget burn", unit: .ratio, higherIsBetter: false) { $0.budgetBurn },
        PositionKPIDefinition(id: "projects.over_budget", name: "Projects over budget", unit: .count, higherIsBetter: false) {
            Decimal($0.overBudgetProjects.count)
        },
    ]

    /// `value` as people read it: money and rates with 2 decimals (banker's rounding, display only), ratios as
    /// percentages with 1, hours and minutes with 1, counts whole; `–` when undefined.
    public static func format(_ value: Decimal?, _ unit: KPIDefinition.Unit, currency: CurrencyCode) -> String {
        guard let value else { return "–" }
        switch unit {
        case .money: return "\(value.fixedString(scale: 2)) \(currency)"
        case .ratio: return "\((value * 100).fixedString(scale: 1))%"
        case .hours: return "\(value.fixedString(scale: 1)) h"
        case .minutes: return "\(value.fixedString(scale: 1)) min"
        case .count: return value.fixedString(scale: 0)
        case .perEndpoint: return value.fixedString(scale: 3)
        case .days: return "\(value.fixedString(scale: 1)) d"
        }
    }
}
