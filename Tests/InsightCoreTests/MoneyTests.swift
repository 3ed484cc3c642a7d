import Foundation
import InsightCore
import Testing

@Suite struct MoneyTests {
    @Test func additionIsExact() {
        let sum = Money(Decimal(string: "0.1")!, .usd) + Money(Decimal(string: "0.2")!, .usd)
        #expect(sum == Money(Decimal(string: "0.3")!, .usd))
    }

    @Test(arguments: [("2.345", "2.34"), ("2.355", "2.36"), ("-2.345", "-2.34"), ("0.5", "0.50"), ("12", "12.00")])
    func displayRoundsHalfToEven(amount: String, shown: String) {
        #expect(Money(Decimal(string: amount)!, .usd).description == "\(shown) USD")
    }

    @Test func rateTimesHoursIsExact() {
        let cost = Money(Decimal(string: "43.10")!, .usd) * Hours(Decimal(string: "1.75")!)
        #expect(cost.amount == Decimal(string: "75.425")!)
    }

    @Test func currencyCodesAreValidated() {
        #expect(CurrencyCode(rawValue: "usd") == .usd)
        #expect(CurrencyCode(rawValue: "US") == nil)
        #expect(CurrencyCode(rawValue: "U$D") == nil)
    }

    @Test func minutesBecomeExactHours() {
        #expect(Hours(minutes: 90).value == Decimal(string: "1.5")!)
        #expect(Hours(minutes: 20).value == Decimal(string: "0.333333")!)
    }
}
