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
