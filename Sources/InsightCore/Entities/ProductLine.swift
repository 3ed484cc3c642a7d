public import Foundation

/// A product or labor line sold to a client (ConnectWise procurement product, Autotask billing item).
public struct ProductLine: SourceRecord, Hashable {
    public var source: PSAKind
    public var id: ID<ProductLine>
    public var updatedAt: Timestamp
    public var companyID: ID<Company>
    /// The catalog item's identifier.
    public var catalogItem: String
    public var description: String?
    /// The catalog category (e.g. "Hardware", "Software", "Labor").
    public var category: String
    /// `true` for goods, `false` for labor or services sold as a product.
    public var isProduct: Bool
    public var quantity: Decimal
    public var unitPrice: Money
    public var unitCost: Money?
    public var invoiceID: ID<Invoice>?
    public var agreementID: ID<Agreement>?

    public init(
        source: PSAKind, id: ID<ProductLine>, updatedAt: Timestamp, companyID: ID<Company>, catalogItem: String,
        description: String?, category: String, isProduct: Bool, quantity: Decimal, unitPrice: Money,
        unitCost: Money?, invoiceID: ID<Invoice>?, agreementID: ID<Agreement>?
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.companyID = companyID
        self.catalogItem = catalogItem
        self.description = description
        self.category = category
        self.isProduct = isProduct
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.unitCost = unitCost
        self.invoiceID = invoiceID
        self.agreementID = agreementID
    }
}
