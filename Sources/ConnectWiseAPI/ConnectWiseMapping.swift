public import Foundation
public import InsightCore
import InsightJSON

/// What mapping ConnectWise JSON into the domain needs to know about the tenant.
public struct ConnectWiseContext: Sendable {
    /// Amounts without a `currency` object are in this currency.
    public var currency: CurrencyCode
    /// Work dates are the day `timeStart` falls on here.
    public var timeZone: TimeZone
    /// Work types whose time is time off (PTO, holidays): time charged to a charge code with one of them is
    /// `timeOff`, other charge-code time `internal`. Read from `/time/workTypes` before time entries.
    public var timeOffWorkTypes: Set<ID<WorkType>>
    /// The MSP's own company id (its internal time is charged to it).
    public var ownCompanyID: ID<Company>?
    /// Work-type names that mean time off. ConnectWise has no such flag: by default, names containing PTO,
    /// holiday, vacation, sick or time off.
    public var timeOffWorkTypeNames: [String] = ["pto", "holiday", "vacation", "sick", "time off"]

    /// Whether a work type of this name is time off.
    public func isTimeOff(workTypeNamed name: String) -> Bool {
        let lowered = name.lowercased()
        return timeOffWorkTypeNames.contains { lowered.contains($0) }
    }

    public init(
        currency: CurrencyCode, timeZone: TimeZone, timeOffWorkTypes: Set<ID<WorkType>> = [],
        ownCompanyID: ID<Company>? = nil
    ) {
        self.currency = currency
        self.timeZone = timeZone
        self.timeOffWorkTypes = timeOffWorkTypes
        self.ownCompanyID = ownCompanyID
    }
}

/// A response body that could not be turned into records: the whole page is refused, never half-stored.
public struct ConnectWiseDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The endpoint's entity, e.g. `time/entries`.
    public let entity: String
    public let reason: String
    /// The first 200 characters of the body.
    public let excerpt: String

    public init(entity: String, reason: String, excerpt: String) {
        self.entity = entity
        self.reason = reason
        self.excerpt = excerpt
    }
    public var description: String { "ConnectWise \(entity): \(reason). Body starts: \(excerpt)" }
}

/// Decodes ConnectWise list pages (or single items) and maps them into the domain.
public enum ConnectWiseRecords {
    public static func timeEntries(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [TimeEntry] {
        try records(body, entity: "time/entries", as: CWTimeEntry.self, context: context)
    }
    public static func invoices(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [Invoice] {
        try records(body, entity: "finance/invoices", as: CWInvoice.self, context: context)
    }
    public static func agreements(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [Agreement] {
        try records(body, entity: "finance/agreements", as: CWAgreement.self, context: context)
    }
    public static func companies(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [Company] {
        try records(body, entity: "company/companies", as: CWCompany.self, context: context)
    }
    public static func tickets(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [Ticket] {
        try records(body, entity: "service/tickets", as: CWTicket.self, context: context)
    }
    public static func expenses(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [ExpenseEntry] {
        try records(body, entity: "expense/entries", as: CWExpenseEntry.self, context: context)
    }
    public static func productLines(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [ProductLine] {
        try records(body, entity: "procurement/products", as: CWProductItem.self, context: context)
    }
    public static func members(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [Member] {
        try records(body, entity: "system/members", as: CWMember.self, context: context)
    }
    public static func configurations(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [ConfigurationItem] {
        try records(body, entity: "company/configurations", as: CWConfiguration.self, context: context)
    }
    public static func workTypes(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [WorkType] {
        try records(body, entity: "time/workTypes", as: CWWorkType.self, context: context)
    }
    public static func workRoles(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [WorkRole] {
        try records(body, entity: "time/workRoles", as: CWWorkRole.self, context: context)
    }
    public static func additions(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [AgreementAddition] {
        try records(body, entity: "finance/agreements/additions", as: CWAddition.self, context: context)
    }
    public static func projects(_ body: Data, context: ConnectWiseContext) throws(ConnectWiseDecodingError) -> [Project] {
        try records(body, entity: "project/projects", as: CWProject.self, context: context)
    }

    /// Decodes `body` and maps every item, or refuses the whole page naming the entity and the cause.
    static func records<Item: CWItem>(
        _ body: Data, entity: String, as type: Item.Type, context: ConnectWiseContext
    ) throws(ConnectWiseDecodingError) -> [Item.Record] {
        let decoded = try items(body, entity: entity, as: Item.self)
        do {
            return try decoded.map { item throws(MappingError) in try item.record(context) }
        } catch {
            throw ConnectWiseDecodingError(entity: entity, reason: error.reason, excerpt: excerpt(body))
        }
    }

    /// A list page (`[…]`) or a single item (`{…}`), all decoded or none.
    static func items<T: Decodable>(_ body: Data, entity: String, as type: T.Type) throws(ConnectWiseDecodingError) -> [T] {
        let decoder = JSONTapeDecoder()
        do {
            if body.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "[") {
                return try decoder.decode([T].self, from: body)
            }
            return [try decoder.decode(T.self, from: body)]
        } catch let error as DecodingError {
            throw ConnectWiseDecodingError(entity: entity, reason: describe(error), excerpt: excerpt(body))
        } catch {
            throw ConnectWiseDecodingError(entity: entity, reason: "\(error)", excerpt: excerpt(body))
        }
    }

    static func excerpt(_ body: Data) -> String { String(decoding: body.prefix(200), as: UTF8.self) }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \(path(context)).\(key.stringValue)"
        case .typeMismatch(_, let context): return "wrong type at \(path(context)): \(context.debugDescription)"
        case .valueNotFound(_, let context): return "null at \(path(context))"
        case .dataCorrupted(let context): return "malformed JSON at \(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// A field that decoded but cannot be mapped (an unknown enum value, a bad date).
struct MappingError: Error {
    let reason: String
}

/// One ConnectWise item shape and its mapping into the domain.
protocol CWItem: Decodable {
    associatedtype Record
    func record(_ context: ConnectWiseContext) throws(MappingError) -> Record
}
