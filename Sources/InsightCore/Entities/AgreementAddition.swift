public import Foundation

/// A billed line of an agreement (ConnectWise addition, Autotask contract service): what the client pays
/// for each month and what it costs the MSP.
public struct AgreementAddition: SourceRecord, Hashable {
    public var source: PSAKind
    public var id: ID<AgreementAddition>
    public var updatedAt: Timestamp
    public var agreementID: ID<Agreement>
    /// The catalog item's identifier (e.g. `MS-WORKSTATION`).
    public var productIdentifier: String
    /// Whether the line bills users (seats) rather than devices or services: its product identifier or description
    /// names users ("MS-USER", "Managed user"). Counted by `billed_users` (docs/kpis.md).
    public var billsUsers: Bool {
        productIdentifier.localizedCaseInsensitiveContains("user") || (description?.localizedCaseInsensitiveContains("user") ?? false)
    }
    public var description: String?
    public var quantity: Decimal
    public var unitPrice: Money
    /// `nil` when the PSA has no cost (a data-health flaw).
    public var unitCost: Money?
    public var effectiveDate: CalendarDate
    public var cancelledDate: CalendarDate?
    /// Whether the line is billed to the client (ConnectWise `billCustomer` = Billable).
    public var billedToCustomer: Bool

    public init(
        source: PSAKind, id: ID<AgreementAddition>, updatedAt: Timestamp, agreementID: ID<Agreement>,
        productIdentifier: String, description: String?, quantity: Decimal, unitPrice: Money, unitCost: Money?,
        effectiveDate: CalendarDate, cancelledDate: CalendarDate?, billedToCustomer: Bool
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.agreementID = agreementID
        self.productIdentifier = productIdentifier
        self.description = description
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.unitCost = unitCost
        self.effectiveDate = effectiveDate
        self.cancelledDate = cancelledDate
        self.billedToCustomer = billedToCustomer
    }

    /// Whether the line is in force on `date`.
    public func isActive(on date: CalendarDate) -> Bool {
        effectiveDate <= date && (cancelledDate.map { date < $0 } ?? true)
    }
}
