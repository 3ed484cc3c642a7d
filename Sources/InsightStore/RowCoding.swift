public import Foundation
public import InsightCore
public import SQLKit

/// Collects one record's column values for an insert. Money columns must agree on one currency, which is
/// written once to the row's `currency` column.
public struct RowWriter {
    let table: String
    let sourceID: String
    private(set) var columns: [String] = []
    private(set) var values: [ColumnValue] = []
    private(set) var currency: CurrencyCode?

    init(table: String, sourceID: String) {
        self.table = table
        self.sourceID = sourceID
    }

    private mutating func append(_ column: String, _ value: ColumnValue) {
        columns.append(column)
        values.append(value)
    }

    public mutating func set(_ column: String, _ value: String?) { append(column, value.map { .text($0) } ?? .null) }
    public mutating func set(_ column: String, _ value: Bool?) { append(column, value.map { .bool($0) } ?? .null) }
    public mutating func set(_ column: String, _ value: Int?) { append(column, value.map { .integer(Int64($0)) } ?? .null) }
    public mutating func set(_ column: String, _ value: Timestamp?) {
        append(column, value.map { .integer($0.rawValue) } ?? .null)
    }
    /// Stored as the integer `YYYYMMDD`.
    public mutating func set(_ column: String, _ value: CalendarDate?) {
        append(column, value.map { .integer(Int64($0.yyyymmdd)) } ?? .null)
    }
    public mutating func set<Entity>(_ column: String, _ value: ID<Entity>?) { set(column, value?.rawValue) }
    public mutating func set<Value: RawRepresentable<String>>(_ column: String, _ value: Value?) {
        set(column, value?.rawValue)
    }
    /// Stored as millionths (``FixedPoint``).
    public mutating func set(_ column: String, _ value: Decimal?) throws(StoreError) {
        guard let value else { return append(column, .null) }
        append(column, .integer(try FixedPoint.micros(value, column: column)))
    }
    public mutating func set(_ column: String, _ value: Hours?) throws(StoreError) { try set(column, value?.value) }
    /// Stored as millionths; the currency goes to the row's `currency` column.
    public mutating func set(_ column: String, _ value: Money?) throws(StoreError) {
        if let value {
            if let currency, currency != value.currency { throw .mixedCurrencies(table: table, sourceID: sourceID) }
            currency = value.currency
        }
        try set(column, value?.amount)
    }
}

/// One column value on its way to the database: the four storage types the schema uses.
public enum ColumnValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case bool(Bool)
    case null

    /// The value as a SQLKit expression (a bound parameter, or `NULL`).
    var expression: any SQLExpression {
        switch self {
        case .text(let value): SQLBind(value)
        case .integer(let value): SQLBind(value)
        case .bool(let value): SQLBind(value)
        case .null: SQLLiteral.null
        }
    }
}

/// Reads typed values from one stored row.
public struct RowReader {
    let row: any SQLRow
    let table: String

    init(row: any SQLRow, table: String) {
        self.row = row
        self.table = table
    }

    private func value<T: Decodable>(_ column: String, _ type: T.Type) throws(StoreError) -> T {
        do {
            return try row.decode(column: column, as: T.self)
        } catch {
            throw .corruptRow(table: table, column: column, reason: "\(error)")
        }
    }
    private func optional<T: Decodable>(_ column: String, _ type: T.Type) throws(StoreError) -> T? {
        try value(column, T?.self)
    }

    public func string(_ column: String) throws(StoreError) -> String { try value(column, String.self) }
    public func optionalString(_ column: String) throws(StoreError) -> String? { try optional(column, String.self) }
    public func bool(_ column: String) throws(StoreError) -> Bool { try value(column, Bool.self) }
    public func optionalBool(_ column: String) throws(StoreError) -> Bool? { try optional(column, Bool.self) }
    public func int(_ column: String) throws(StoreError) -> Int { Int(try value(column, Int64.self)) }
    public func optionalInt(_ column: String) throws(StoreError) -> Int? { try optional(column, Int64.self).map { Int($0) } }
    public func timestamp(_ column: String) throws(StoreError) -> Timestamp {
        Timestamp(rawValue: try value(column, Int64.self))
    }
    public func optionalTimestamp(_ column: String) throws(StoreError) -> Timestamp? {
        try optional(column, Int64.self).map(Timestamp.init(rawValue:))
    }
    public func date(_ column: String) throws(StoreError) -> CalendarDate {
        guard let date = try optionalDate(column) else {
            throw .corruptRow(table: table, column: column, reason: "missing date")
        }
        return date
    }
    public func optionalDate(_ column: String) throws(StoreError) -> CalendarDate? {
        guard let raw = try optional(column, Int64.self) else { return nil }
        guard let date = CalendarDate(yyyymmdd: Int(raw)) else {
            throw .corruptRow(table: table, column: column, reason: "\(raw) is not a YYYYMMDD date")
        }
        return date
    }
    public func id<Entity>(_ column: String) throws(StoreError) -> ID<Entity> { ID(try string(column)) }
    public func optionalID<Entity>(_ column: String) throws(StoreError) -> ID<Entity>? {
        try optionalString(column).map { ID($0) }
    }
    public func enumeration<Value: RawRepresentable<String>>(_ column: String) throws(StoreError) -> Value {
        let raw = try string(column)
        guard let value = Value(rawValue: raw) else {
            throw .corruptRow(table: table, column: column, reason: "unknown value '\(raw)'")
        }
        return value
    }
    public func decimal(_ column: String) throws(StoreError) -> Decimal {
        FixedPoint.decimal(micros: try value(column, Int64.self))
    }
    public func optionalDecimal(_ column: String) throws(StoreError) -> Decimal? {
        try optional(column, Int64.self).map(FixedPoint.decimal(micros:))
    }
    public func hours(_ column: String) throws(StoreError) -> Hours { Hours(try decimal(column)) }
    public func optionalHours(_ column: String) throws(StoreError) -> Hours? { try optionalDecimal(column).map(Hours.init) }
    public func money(_ column: String) throws(StoreError) -> Money {
        guard let money = try optionalMoney(column) else {
            throw .corruptRow(table: table, column: column, reason: "missing amount")
        }
        return money
    }
    public func optionalMoney(_ column: String) throws(StoreError) -> Money? {
        guard let amount = try optionalDecimal(column) else { return nil }
        let code = try string("currency")
        guard let currency = CurrencyCode(rawValue: code) else {
            throw .corruptRow(table: table, column: "currency", reason: "'\(code)' is not a currency code")
        }
        return Money(amount, currency)
    }
    public func source() throws(StoreError) -> PSAKind { try enumeration("source") }
}

/// A PSA record the store knows how to keep: its table and how its fields map to columns.
///
/// The key columns (`tenant_id`, `source`, `source_id`, `source_updated_at_ms`, `synced_at_ms`) and the
/// `currency` column are written by the store; a conformance writes and reads only its own fields.
public protocol StoredRecord: SourceRecord {
    /// The table, plural snake_case.
    static var table: String { get }
    /// Writes every field except the key columns.
    func write(to row: inout RowWriter) throws(StoreError)
    /// Reads a record back from a row of ``table``.
    init(reading row: RowReader) throws(StoreError)
    /// Writes rows the record owns in other tables (a member's rate history), after the records are upserted.
    static func writeChildren(of records: [Self], tenant: Tenant.ID, on db: any SQLDatabase) async throws
    /// Fills in rows the records own in other tables, after they were read.
    static func readChildren(into records: inout [Self], tenant: Tenant.ID, on db: any SQLDatabase) async throws
}

extension StoredRecord {
    public static func writeChildren(of records: [Self], tenant: Tenant.ID, on db: any SQLDatabase) async throws {}
    public static func readChildren(into records: inout [Self], tenant: Tenant.ID, on db: any SQLDatabase) async throws {}
}
