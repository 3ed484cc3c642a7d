public import Foundation

/// Shapes the product does not store but the connector must still read cleanly: an unposted invoice
/// (`finance/accounting/unpostedinvoices`, the accounting queue), a contact, and a `system/reports` list item.
public enum ConnectWiseOtherShapes {
    public struct UnpostedInvoice: Sendable, Equatable, Decodable {
        public let id: Int
        public let invoiceNumber: String
        public let invoiceDate: String
        public let invoiceType: String
        public let subTotal: Decimal
        public let total: Decimal
        public let salesTaxAmount: Decimal?
    }

    public struct Contact: Sendable, Equatable, Decodable {
        public struct CompanyReference: Sendable, Equatable, Decodable { public let id: Int }
        public let id: Int
        public let firstName: String?
        public let lastName: String?
        public let company: CompanyReference?
        public let inactiveFlag: Bool?
    }

    /// One report of `GET /system/reports` (needs System › API Reports).
    public struct Report: Sendable, Equatable, Decodable {
        public let name: String
        public init(name: String) { self.name = name }
    }

    /// Decodes a page or single item of `T`, reporting failures as ``ConnectWiseDecodingError``.
    public static func decode<T: Decodable>(_ type: T.Type, _ body: Data, entity: String) throws(ConnectWiseDecodingError) -> [T] {
        try ConnectWiseRecords.items(body, entity: entity, as: T.self)
    }
}
