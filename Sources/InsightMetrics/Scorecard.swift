public import Foundation
public import InsightCore

/// The CFO's numbers for one month, as `docs/kpis.md` defines them. `nil` where a ratio has no denominator.
public struct MonthScorecard: Sendable, Codable, Equatable {
    public var month: YearMonth
    public var currency: CurrencyCode
    /// `revenue`: Σ invoice subtotals dated in the month (credit memos negative).
    public var revenue: Money
    /// `revenue.<kind>`: revenue by ``RevenueKind`` raw value (every kind present, zero when none).
    public var revenueByKind: [String: Money]
    /// `mrr`: Σ subtotals of the month's agreement invoices of fixed-fee and licence-resale agreements.
    public var mrr: Money
    /// `arr`: MRR × 12.
    public var arr: Money
    /// `recurring_share`: MRR ÷ revenue.
    public var recurringShare: Decimal?
    /// `labor_hours.<class>`: Σ actual hours worked in the month, by ``LaborClass`` raw value.
    public var laborHours: [String: Hours]
    /// `labor_cost.<class>`: Σ actual hours × the entry's hourly cost × its work type's cost multiplier.
    public var laborCost: [String: Money]
    /// `effective_hourly_rate`: (revenue − products − licence resale) ÷ hours on client work.
    public var effectiveHourlyRate: Money?
    /// `available_hours`: members who logged time × weekdays × daily capacity − their time off.
    public var availableHours: Hours
    /// `utilized_hours`: hours of work types that count as utilized.
    public var utilizedHours: Hours
    /// `utilization`: utilized ÷ available.
    public var utilization: Decimal?
    /// `tickets_opened`, `reactive_tickets`: tickets created in the month (in the MSP's time zone).
    public var ticketsOpened: Int
    public var reactiveTickets: Int
    /// `endpoints`: workstations and servers of companies with a non-project agreement in force on the 1st.
    public var endpoints: Int
    /// `tickets_per_endpoint`, `reactive_tickets_per_endpoint`.
    public var ticketsPerEndpoint: Decimal?
    public var reactiveTicketsPerEndpoint: Decimal?
    /// `mean_first_response_minutes`, `mean_resolution_minutes`: over reactive tickets created in the month.
    public var meanFirstResponseMinutes: Decimal?
    public var meanResolutionMinutes: Decimal?
    /// `sla_compliance`: met ÷ decided, over tickets created in the month.
    public var slaCompliance: Decimal?
    /// Opportunities closed in the month, won and lost, with their values.
    public var won: Int
    public var wonOneTimeValue: Money
    public var wonRecurringValue: Money
    public var lost: Int
    public var lostOneTimeValue: Money
    public var lostRecurringValue: Money
    /// `win_rate`: won ÷ (won + lost).
    public var winRate: Decimal? { won + lost > 0 ? Decimal(won) / Decimal(won + lost) : nil }
    /// `won.average_deal`: (Σ one-time value + 12 × Σ monthly recurring value) ÷ deals won.
    public var averageWonDeal: Money? {
        won > 0 ? Money((wonOneTimeValue.amount + 12 * wonRecurringValue.amount) / Decimal(won), currency) : nil
    }
    /// `mrr.new`, `mrr.expansion`, `mrr.contraction`, `mrr.churn`: MRR's move from the month before, by client.
    public var mrrBridge: MRRBridge
    /// `nrr`: (start MRR + expansion − contraction − churn) ÷ start MRR, over the month.
    public var netRevenueRetention: Decimal? { mrrBridge.netRevenueRetention }
    /// `revenue.top1_share`, `revenue.top5_share`, `revenue.top10_share`: share of the month's revenue invoiced to
    /// the 1, 5 and 10 companies with the most revenue in the month.
    public var revenueShareTop1: Decimal?
    public var revenueShareTop5: Decimal?
    public var revenueShareTop10: Decimal?
    /// `tickets.closed`: tickets closed in the month (whenever created).
    public var ticketsClosed: Int
    /// `kill_rate`: closed ÷ opened in the month.
    public var killRate: Decimal? { ticketsOpened > 0 ? Decimal(ticketsClosed) / Decimal(ticketsOpened) : nil }
    /// `tickets.same_day_closed`: tickets created in the month and closed on the day they were created.
    public var sameDayClosed: Int
    /// `same_day_close`: same-day closed ÷ opened.
    public var sameDayCloseRate: Decimal? { ticketsOpened > 0 ? Decimal(sameDayClosed) / Decimal(ticketsOpened) : nil }
    /// `first_response.median`, `resolution.median`: over reactive tickets created in the month.
    public var medianFirstResponseMinutes: Decimal?
    public var medianResolutionMinutes: Decimal?
    /// `unbilled_labor.hours`, `unbilled_labor`: billable time worked in the month on no invoice and not covered by
    /// a fixed-fee, licence or block agreement or a fixed-fee project; value = billed hours × the entry's rate.
    public var unbilledLaborHours: Hours
    public var unbilledLabor: Money
    /// `mrr.per_client` (ARPA): MRR ÷ the companies with MRR in the month (``MRRBridge/clients``).
    public var mrrPerClient: Money? { mrrBridge.clients > 0 ? Money(mrr.amount / Decimal(mrrBridge.clients), currency) : nil }
    /// `mrr.per_endpoint`: MRR ÷ endpoints.
    public var mrrPerEndpoint: Money? { endpoints > 0 ? Money(mrr.amount / Decimal(endpoints), currency) : nil }
    /// `members.active`: members who logged time in the month (the capacity base of `available_hours`).
    public var activeMembers: Int
    /// `revenue.per_member`: revenue ÷ active members.
    public var revenuePerMember: Money? { activeMembers > 0 ? Money(revenue.amount / Decimal(activeMembers), currency) : nil }
    /// `fixed_fee.labor_revenue`: revenue of fixed-fee agreements − the product value of their additions in force on
    /// the 1st (``ComponentRules``).
    public var fixedFeeLaborRevenue: Money
    /// `fixed_fee.shadow_billable`: Σ actual hours × the entry's hourly rate over time entries naming a fixed-fee
    /// agreement, worked in the month.
    public var fixedFeeShadowBillable: Money
    /// `efficiency`: fixed-fee labor revenue ÷ fixed-fee shadow billable (MSPCFO's efficiency, month by month).
    public var efficiency: Decimal? {
        fixedFeeShadowBillable.isZero ? nil : fixedFeeLaborRevenue.amount / fixedFeeShadowBillable.amount
    }
    /// `time_entry.lag`: mean hours from the end of the work (its start when it has no end) to its entry, over time
    /// entries worked in the month.
    public var meanTimeEntryLagHours: Decimal?
    /// `time_entry.late`: time entries worked in the month and entered 72 hours or more after the work ended.
    public var lateTimeEntries: Int
    /// `billable_hours`: Σ actual hours of time entries marked billable.
    public var billableHours: Hours
    /// `fixed_fee.hours`: Σ actual hours of time entries naming a fixed-fee agreement.
    public var fixedFeeHours: Hours
    /// `addition_cost`: Σ quantity × unit cost of the additions in force on the 1st of fixed-fee and licence agreements in
    /// force that day (what `agreement.addition_cost` counts for one month).
    public var additionCost: Money
    /// `product_cost`: Σ quantity × unit cost of product lines on invoices dated in the month.
    public var productCost: Money
    /// `billed_users`: Σ quantity of the additions in force on the 1st of fixed-fee agreements in force that day whose
    /// product identifier or description names users (`AgreementAddition.billsUsers`).
    public var billedUsers: Decimal
    /// `mrr.per_user`: MRR ÷ billed users.
    public var mrrPerUser: Money? { billedUsers > 0 ? Money(mrr.amount / billedUsers, currency) : nil }

    // MARK: Variants (docs/kpis.md, "Variants")

    /// `reactive_hours_per_endpoint` (RHEM): hours on reactive tickets ÷ endpoints, for the month.
    public var reactiveHoursPerEndpoint: Decimal? {
        endpoints > 0 ? (laborHours[LaborClass.reactive.rawValue] ?? .zero).value / Decimal(endpoints) : nil
    }
    /// Hours on client work: tickets, projects and agreements (every class but internal and time off).
    public var clientHours: Hours {
        laborHours.filter { $0.key != LaborClass.internal.rawValue && $0.key != LaborClass.timeOff.rawValue }.values.sum()
    }
    /// Revenue less products and licence resale: what the hourly rates earn.
    var servicesRevenue: Money {
        revenue - (revenueByKind[RevenueKind.products.rawValue] ?? .zero(currency)) - (revenueByKind[RevenueKind.licenseResale.rawValue] ?? .zero(currency))
    }
    /// `effective_hourly_rate.worked`: services revenue ÷ every hour worked (client and internal, not time off).
    public var effectiveHourlyRateOnHoursWorked: Money? {
        let worked = clientHours + (laborHours[LaborClass.internal.rawValue] ?? .zero)
        return worked == .zero ? nil : Money(servicesRevenue.amount / worked.value, currency)
    }
    /// `effective_hourly_rate.fixed_fee`: fixed-fee labor revenue ÷ hours on fixed-fee agreements (MSPCFO's FFA effective rate).
    public var fixedFeeEffectiveRate: Money? {
        fixedFeeHours == .zero ? nil : Money(fixedFeeLaborRevenue.amount / fixedFeeHours.value, currency)
    }
    /// `normal_hours`: 8 hours × weekdays × members logging time (MSPCFO's denominator).
    public var normalHours: Hours { Hours(Decimal(8 * month.days.filter { !$0.isWeekend }.count * activeMembers)) }
    /// `utilization.billable`: billable hours ÷ available hours (MSPbots' billable utilization).
    public var billableUtilization: Decimal? { availableHours.value > 0 ? billableHours.value / availableHours.value : nil }
    /// `utilization.client`: client hours ÷ normal hours (MSPCFO's employee utilization).
    public var clientUtilization: Decimal? { normalHours.value > 0 ? clientHours.value / normalHours.value : nil }
    /// Labor cost of client work (every class but internal and time off).
    public var clientLaborCost: Money {
        Money.sum(laborCost.filter { $0.key != LaborClass.internal.rawValue && $0.key != LaborClass.timeOff.rawValue }.values, currency: currency)
    }
    /// `gross_margin.contribution`: (revenue − addition cost − product cost) ÷ revenue: after third-party costs only.
    public var contributionMargin: Decimal? {
        revenue.isZero ? nil : (revenue - additionCost - productCost).amount / revenue.amount
    }
    /// `gross_margin.after_client_labor`: (revenue − addition cost − product cost − client labor cost) ÷ revenue.
    public var grossMarginAfterClientLabor: Decimal? {
        revenue.isZero ? nil : (revenue - additionCost - productCost - clientLaborCost).amount / revenue.amount
    }
    /// `gross_margin.after_all_labor`: (revenue − addition cost − product cost − all labor cost, internal and time off
    /// included) ÷ revenue ("net of W2").
    public var grossMarginAfterAllLabor: Decimal? {
        revenue.isZero ? nil : (revenue - additionCost - productCost - Money.sum(laborCost.values, currency: currency)).amount / revenue.amount
    }
}

/// How MRR moved from the month before to this month, client by client. A client with no (or zero) MRR the month
/// before is new; with none this month, churned; otherwise its change is expansion or contraction. Always
/// `end = start + new + expansion − contraction − churn`.
public struct MRRBridge: Sendable, Codable, Equatable {
    /// MRR of the month before.
    public var start: Money
    public var new: Money
    public var expansion: Money
    /// A positive amount.
    public var contraction: Money
    /// The month-before MRR of churned clients (a positive amount).
    public var churn: Money
    /// MRR of the month.
    public var end: Money
    public var newClients: Int
    public var churnedClients: Int
    /// `mrr.clients`: companies with MRR in the month.
    public var clients: Int

    /// (start + expansion − contraction − churn) ÷ start; `nil` without MRR the month before.
    public var netRevenueRetention: Decimal? {
        start.isZero ? nil : (start + expansion - contraction - churn).amount / start.amount
    }
}

/// Profitability of one agreement over a span of months.
public struct AgreementProfit: Sendable, Codable, Equatable {
    public var id: ID<Agreement>
    public var name: String
    public var companyID: ID<Company>
    /// The client's name ("" when the company is not stored).
    public var companyName: String
    public var billingModel: Agreement.BillingModel
    /// Σ subtotals of invoices naming the agreement.
    public var revenue: Money
    public var laborHours: Hours
    public var laborCost: Money
    /// Σ over months of Σ quantity × unit cost of additions in force on the 1st (fixed-fee and licence agreements).
    public var additionCost: Money
    /// Revenue − labor cost − addition cost.
    public var profit: Money
    public var margin: Decimal?
    /// `agreement.shadow_billable`: Σ actual hours × the hourly rate on each time entry (the work billed hourly).
    public var shadowBillable: Money
    /// Fixed-fee agreements: Σ over months of the product value of the additions in force on the 1st
    /// (``ComponentRules``); zero for other agreements.
    public var productValue: Money
    /// `agreement.labor_revenue`, fixed-fee agreements only: revenue − product value.
    public var laborRevenue: Money?
    /// `agreement.efficiency`: labor revenue ÷ shadow billable (1 = priced at the hourly rates).
    public var efficiency: Decimal?
    /// `agreement.effective_rate`: revenue ÷ hours worked, a fixed-fee agreement's labor revenue standing for its
    /// revenue; `nil` without hours.
    public var effectiveRate: Money?
    /// `agreement.contribution_per_hour`: profit ÷ hours worked.
    public var contributionPerHour: Money?
    /// The client's workstations and servers (as last synced).
    public var endpoints: Int
    /// `agreement.hours_per_endpoint`: hours worked ÷ months in the span ÷ endpoints (a month's hours per node).
    public var hoursPerEndpoint: Hours?
    /// `agreement.revenue_per_endpoint`: revenue ÷ months in the span ÷ endpoints (a month's revenue per node).
    public var revenuePerEndpoint: Money?
}

/// Profitability of one client over a span of months.
public struct ClientProfit: Sendable, Codable, Equatable {
    public var id: ID<Company>
    public var name: String
    public var revenue: Money
    public var laborCost: Money
    public var additionCost: Money
    /// Σ quantity × unit cost of product lines on the client's invoices of the span.
    public var productCost: Money
    /// Revenue − labor − additions − products.
    public var grossProfit: Money
    public var margin: Decimal?
    /// `client.rank`: 1 for the greatest gross profit (ties by id).
    public var rank: Int
    /// `client.quintile`: 1 for the most profitable fifth of clients … 5 for the least.
    public var quintile: Int
    /// `client.cumulative_share`: Σ gross profit of the clients ranked 1…`rank` ÷ Σ gross profit of all clients (the
    /// Pareto curve); `nil` when the total is not positive.
    public var cumulativeProfitShare: Decimal?
}

/// Open invoice balances by days past due, on a day: `current`, `1-30`, `31-60`, `61-90`, `90+`.
public struct ReceivablesAgeing: Sendable, Codable, Equatable {
    public static let buckets = ["current", "1-30", "31-60", "61-90", "90+"]
    public var asOf: CalendarDate
    public var byBucket: [String: Money]
    /// Σ of the buckets past 60 days.
    public var over60: Money

    /// The bucket of an invoice `daysPastDue` days past its due date.
    public static func bucket(daysPastDue: Int) -> String {
        switch daysPastDue {
        case ...0: "current"
        case 1...30: "1-30"
        case 31...60: "31-60"
        case 61...90: "61-90"
        default: "90+"
        }
    }
}
