public import Foundation
public import InsightCore

// Opportunities and their forecasts. ConnectWise keeps an opportunity's values on its forecast
// (`/sales/opportunities/{id}/forecast`), so an opportunity is read in two steps: the list gives everything but
// the values (``ConnectWiseRecords/opportunities(_:context:)``), the forecast gives the values
// (``ConnectWiseRecords/forecast(_:context:)``), and ``ConnectWiseForecast/apply(to:)`` joins them.

/// The values of one opportunity's forecast.
public struct ConnectWiseForecast: Sendable, Equatable {
    /// Σ revenue of the included lines that do not recur.
    public var oneTimeValue: Money
    /// Σ of the included recurring lines' revenue per cycle, as a monthly amount.
    public var monthlyRecurringValue: Money
    /// The forecast's expected probability, 0 … 1, when it states one.
    public var probability: Decimal?

    public init(oneTimeValue: Money, monthlyRecurringValue: Money, probability: Decimal? = nil) {
        self.oneTimeValue = oneTimeValue
        self.monthlyRecurringValue = monthlyRecurringValue
        self.probability = probability
    }

    /// The opportunity with these values; its probability too when the opportunity did not state one.
    public func apply(to opportunity: Opportunity) -> Opportunity {
        var valued = opportunity
        valued.oneTimeValue = oneTimeValue
        valued.recurringValue = monthlyRecurringValue
        if valued.probability == 0, let probability { valued.probability = probability }
        return valued
    }
}

extension ConnectWiseRecords {
    /// Opportunities without their values (zero until their forecast is applied).
    public static func opportunities(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [Opportunity] {
        try records(body, entity: "sales/opportunities", as: CWOpportunity.self, context: context)
    }

    /// The values of `GET sales/opportunities/{id}/forecast`, which answers either a list holding the forecast
    /// (as the 2025.1 spec declares) or the forecast itself: both are read, and several forecasts add up.
    public static func forecast(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> ConnectWiseForecast {
        let forecasts = try records(body, entity: "sales/opportunities/forecast", as: CWForecast.self, context: context)
        var total = ConnectWiseForecast(oneTimeValue: Money(0, context.currency), monthlyRecurringValue: Money(0, context.currency))
        for forecast in forecasts {
            total.oneTimeValue = Money(total.oneTimeValue.amount + forecast.oneTimeValue.amount, context.currency)
            total.monthlyRecurringValue = Money(
                total.monthlyRecurringValue.amount + forecast.monthlyRecurringValue.amount, context.currency)
            total.probability = total.probability ?? forecast.probability
        }
        return total
    }
}

struct CWOpportunity: CWItem {
    let id: Int
    let name: String
    let company: CWReference?
    let stage: CWReference?
    let status: CWReference?
    let probability: CWReference?
    let expectedCloseDate: String?
    let closedDate: String?
    let primarySalesRep: CWReference?
    let _info: CWInfo?

    func record(_ context: ConnectWiseContext) throws(MappingError) -> Opportunity {
        guard let company else { throw MappingError(reason: "opportunity \(id) has no company") }
        guard let expected = try day(expectedCloseDate ?? closedDate, field: "expectedCloseDate") else {
            throw MappingError(reason: "opportunity \(id) has no expectedCloseDate")
        }
        return Opportunity(
            source: .connectwise, id: ID(String(id)), updatedAt: try updated(_info, fallback: nil), name: name,
            companyID: ID(String(company.id)), stage: stage?.name ?? "", outcome: Self.outcome(status?.name),
            oneTimeValue: Money(0, context.currency), recurringValue: Money(0, context.currency),
            probability: Self.share(probability?.name) ?? 0, expectedCloseDate: expected,
            closedDate: try day(closedDate, field: "closedDate"), salesMemberID: reference(primarySalesRep))
    }

    /// ConnectWise's status names: "Won"; "Lost", "No Decision" and cancelled ones are lost; any other is open.
    static func outcome(_ status: String?) -> Opportunity.Outcome {
        let name = status?.lowercased() ?? ""
        if name.contains("won") { return .won }
        if name.contains("lost") || name.contains("no decision") || name.contains("cancel") { return .lost }
        return .open
    }

    /// A probability reference's name is its percentage ("50" or "50%"): 0 … 1.
    static func share(_ name: String?) -> Decimal? {
        guard let text = name?.trimmingCharacters(in: CharacterSet(charactersIn: " %")),
            let percent = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        else { return nil }
        return percent / 100
    }
}

struct CWForecast: CWItem {
    struct Line: Decodable {
        let revenue: Decimal?
        let includeFlag: Bool?
        let recurringFlag: Bool?
        let recurringRevenue: Decimal?
        let billCycle: CWReference?
    }
    let forecastItems: [Line]?
    let expectedProbability: Decimal?

    func record(_ context: ConnectWiseContext) throws(MappingError) -> ConnectWiseForecast {
        var oneTime: Decimal = 0
        var monthly: Decimal = 0
        for line in forecastItems ?? [] where line.includeFlag ?? true {
            if line.recurringFlag == true {
                monthly += (line.recurringRevenue ?? 0) / Self.months(line.billCycle?.name)
            } else {
                oneTime += line.revenue ?? 0
            }
        }
        return ConnectWiseForecast(
            oneTimeValue: Money(oneTime, context.currency), monthlyRecurringValue: Money(monthly, context.currency),
            probability: expectedProbability.map { $0 / 100 })
    }

    /// Months in a billing cycle, by its name (monthly unless it says otherwise).
    static func months(_ cycle: String?) -> Decimal {
        let name = cycle?.lowercased() ?? ""
        if name.contains("quarter") { return 3 }
        if name.contains("semi") || name.contains("bi-annual") || name.contains("biannual") { return 6 }
        if name.contains("year") || name.contains("annual") { return 12 }
        return 1
    }
}
