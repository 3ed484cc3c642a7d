public import Foundation

/// How a fixed-fee agreement's revenue splits into product and labor (MSPCFO's "Components",
/// `reference/kpis.md` §1.3): product values are fixed and labor is the rest.
///
/// An addition's product value is quantity × unit price when its cost looks like a real product's. Otherwise (its
/// cost is below ``minimumCOGSRatio`` of its price, its price is above ``cutoffPrice``, or it has a cost but no
/// price) the product is valued at cost with an assumed margin: quantity × unit cost ÷ (1 − ``assumedProductMargin``),
/// to the cent.
/// A line with neither cost nor a real-product price is all labor.
public struct ComponentRules: Sendable, Codable, Equatable {
    /// Unit cost ÷ unit price below which a line is not taken at its price (MSPCFO's "Min COGS %").
    public var minimumCOGSRatio: Decimal
    /// Unit prices above this are not taken at face value (MSPCFO documents 5,000 and 50,000; 50,000 here).
    public var cutoffPrice: Decimal
    /// The margin assumed when a product is valued at cost.
    public var assumedProductMargin: Decimal

    public init(minimumCOGSRatio: Decimal = Decimal(string: "0.35")!, cutoffPrice: Decimal = 50_000,
                assumedProductMargin: Decimal = Decimal(string: "0.30")!) {
        self.minimumCOGSRatio = minimumCOGSRatio
        self.cutoffPrice = cutoffPrice
        self.assumedProductMargin = assumedProductMargin
    }

    /// MSPCFO's defaults.
    public static let standard = ComponentRules()

    /// The product value of one month of a line of `quantity` at `unitPrice`, costing `unitCost` (`nil`: unknown).
    public func productValue(quantity: Decimal, unitPrice: Decimal, unitCost: Decimal?) -> Decimal {
        let cost = unitCost ?? 0
        if unitPrice > 0, unitPrice <= cutoffPrice, cost >= minimumCOGSRatio * unitPrice {
            return quantity * unitPrice
        }
        guard cost > 0 else { return 0 }
        // A division that rarely ends: the value is kept to the cent (half away from zero), so that any order of
        // summing months and lines gives the same total.
        var exact = quantity * cost / (1 - assumedProductMargin)
        var cents = Decimal()
        NSDecimalRound(&cents, &exact, 2, .plain)
        return cents
    }
}
