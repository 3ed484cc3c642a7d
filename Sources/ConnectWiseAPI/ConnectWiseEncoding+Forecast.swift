import Foundation
public import InsightCore

extension ConnectWiseEncoder {
    /// The status reference of an opportunity with this outcome (ConnectWise's default statuses).
    func opportunityStatus(_ outcome: Opportunity.Outcome) -> JSONValue {
        switch outcome {
        case .open: .object(["id": .number(1), "name": .string("Open")])
        case .won: .object(["id": .number(2), "name": .string("Won")])
        case .lost: .object(["id": .number(3), "name": .string("Lost")])
        }
    }

    /// An opportunity's forecast (`GET /sales/opportunities/{id}/forecast`): its revenue lines. A one-time value
    /// is a "Product" line; a monthly recurring value an "Agreement" line that recurs monthly for 12 cycles
    /// (`recurringRevenue` per cycle, `revenue` over all cycles). Field names as in the 2025 `Forecast` and
    /// `ForecastItem` models (NOTES.md lists the endpoint without detailing it).
    public func forecast(_ record: Opportunity) -> JSONValue {
        let items = forecastItems(record)
        let probability = record.probability * 100
        let recurring = record.recurringValue.amount
        return object([
            "id": int(record.id), "forecastItems": .array(items),
            "productRevenue": revenue(record.oneTimeValue.amount, probability: probability),
            "agreementRevenue": revenue(recurring * 12, probability: probability),
            "forecastRevenueTotals": revenue(record.oneTimeValue.amount + recurring * 12, probability: probability),
            "recurringTotal": number(recurring * 12),
            "expectedProbability": number(probability.rounded(0)),
            "currency": .object(["currencyCode": .string(record.oneTimeValue.currency.rawValue)]),
            "_info": info(updated: record.updatedAt),
        ])
    }

    /// The lines of ``forecast(_:)``, also served one by one (`/sales/opportunities/{id}/forecast/{itemId}`).
    public func forecastItems(_ record: Opportunity) -> [JSONValue] {
        let base = (Decimal(string: record.id.rawValue) ?? 0) * 10
        let opportunity = object([
            "id": int(record.id), "name": .string(record.name),
            "_info": .object(["opportunity_href": .string("\(baseURL)/sales/opportunities/\(record.id.rawValue)")]),
        ])
        let percentage = number((record.probability * 100).rounded(0))
        var items: [JSONValue] = []
        if record.oneTimeValue.amount != 0 {
            items.append(object([
                "id": .number(base + 1), "forecastDescription": .string("One-time"), "opportunity": opportunity,
                "quantity": .number(1), "status": opportunityStatus(record.outcome), "forecastType": .string("Product"),
                "revenue": number(record.oneTimeValue.amount), "cost": .number(0), "margin": number(record.oneTimeValue.amount),
                "percentage": percentage, "includeFlag": .bool(true), "linkFlag": .bool(false), "recurringFlag": .bool(false),
                "sequenceNumber": .number(1), "taxableFlag": .bool(false), "_info": info(updated: record.updatedAt),
            ]))
        }
        if record.recurringValue.amount != 0 {
            let start = record.closedDate ?? record.expectedCloseDate
            items.append(object([
                "id": .number(base + 2), "forecastDescription": .string("Monthly recurring"), "opportunity": opportunity,
                "quantity": .number(1), "status": opportunityStatus(record.outcome), "forecastType": .string("Agreement"),
                "revenue": number(record.recurringValue.amount * 12), "cost": .number(0),
                "margin": number(record.recurringValue.amount * 12), "percentage": percentage, "includeFlag": .bool(true),
                "linkFlag": .bool(false), "recurringRevenue": number(record.recurringValue.amount), "recurringCost": .number(0),
                "recurringDateStart": day(start), "recurringDateEnd": day(start.adding(days: 364)),
                "billCycle": .object(["id": .number(2), "name": .string("Monthly")]), "cycles": .number(12),
                "recurringFlag": .bool(true), "sequenceNumber": .number(2), "taxableFlag": .bool(false),
                "_info": info(updated: record.updatedAt),
            ]))
        }
        return items
    }

    private func revenue(_ amount: Decimal, probability: Decimal) -> JSONValue {
        .object(["revenue": number(amount), "cost": .number(0), "margin": number(amount), "percentage": number(probability.rounded(0))])
    }
}

extension Decimal {
    fileprivate func rounded(_ scale: Int) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, .plain)
        return result
    }
}
