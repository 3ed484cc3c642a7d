public import Foundation

/// One element of a query's `filter`: a comparison of a field (or a user-defined field) with a value, or an
/// `and`/`or` group of further elements (NOTES.md §3.3). The top level of a `filter` is ANDed.
public indirect enum AutotaskFilter: Sendable, Equatable {
    /// The thirteen comparison operators, spelled as Autotask spells them.
    public enum Operator: String, CaseIterable, Sendable {
        case eq, noteq, gt, gte, lt, lte, beginsWith, endsWith, contains, exist, notExist, `in`, notIn

        /// `exist` and `notExist` take no value; `in` and `notIn` take an array.
        var takesValue: Bool { self != .exist && self != .notExist }
        var takesArray: Bool { self == .in || self == .notIn }
    }

    case condition(Operator, field: String, value: AutotaskJSON? = nil, udf: Bool = false)
    case and([AutotaskFilter])
    case or([AutotaskFilter])

    // Building conditions.
    public static func eq(_ field: String, _ value: AutotaskJSON) -> Self { .condition(.eq, field: field, value: value) }
    public static func gt(_ field: String, _ value: AutotaskJSON) -> Self { .condition(.gt, field: field, value: value) }
    public static func gte(_ field: String, _ value: AutotaskJSON) -> Self { .condition(.gte, field: field, value: value) }
    public static func exist(_ field: String) -> Self { .condition(.exist, field: field) }
    /// `field` at or after `date`.
    public static func since(_ field: String, _ date: Date) -> Self { .condition(.gte, field: field, value: .string(AutotaskDate.format(date))) }

    /// The filter as Autotask's JSON: `{"op":…,"field":…,"value":…}` or `{"op":"or","items":[…]}`.
    public var json: AutotaskJSON {
        switch self {
        case .condition(let op, let field, let value, let udf):
            var members: [String: AutotaskJSON] = ["op": .string(op.rawValue), "field": .string(field)]
            if let value { members["value"] = value }
            if udf { members["udf"] = .bool(true) }
            return .object(members)
        case .and(let items): return .object(["op": .string("and"), "items": .array(items.map(\.json))])
        case .or(let items): return .object(["op": .string("or"), "items": .array(items.map(\.json))])
        }
    }

    /// Reads one filter element. Property names (`op`, `Field`…) match without regard to case, as Autotask's do;
    /// operator names must be spelled exactly (their case-sensitivity is unconfirmed, NOTES.md §3.3).
    public init(json: AutotaskJSON) throws(AutotaskQueryError) {
        guard case .object = json else { throw .malformed("a filter element is not an object") }
        guard case .string(let op)? = json.member("op") else { throw .malformed("a filter element has no op") }
        if op == "and" || op == "or" {
            guard case .array(let items)? = json.member("items"), !items.isEmpty else { throw .malformed("'\(op)' needs a non-empty items array") }
            let children = try items.map { item throws(AutotaskQueryError) in try AutotaskFilter(json: item) }
            self = op == "and" ? .and(children) : .or(children)
            return
        }
        guard let known = Operator(rawValue: op) else { throw .unknownOperator(op) }
        guard case .string(let field)? = json.member("field"), !field.isEmpty else { throw .malformed("the '\(op)' condition has no field") }
        let udf: Bool
        switch json.member("udf") {
        case nil, .null?: udf = false
        case .bool(let flag)?: udf = flag
        default: throw .malformed("udf must be true or false")
        }
        let value = json.member("value").flatMap { $0 == .null ? nil : $0 }
        if known.takesValue, value == nil { throw .missingValue(op: op, field: field) }
        if known.takesArray {
            guard case .array = value else { throw .malformed("'\(op)' on \(field) needs an array value") }
        }
        self = .condition(known, field: field, value: value, udf: udf)
    }

    /// Every condition in the element, groups flattened.
    public var conditions: [AutotaskFilter] {
        switch self {
        case .condition: [self]
        case .and(let items), .or(let items): items.flatMap(\.conditions)
        }
    }

    /// Whether `item` (an entity's JSON object) satisfies the element. Strings compare without regard to case
    /// (SQL Server collation, NOTES.md §3.3); dates as instants; numbers exactly. A null or missing field only
    /// satisfies `notExist`, as in SQL.
    public func matches(_ item: AutotaskJSON) -> Bool {
        switch self {
        case .and(let items): return items.allSatisfy { $0.matches(item) }
        case .or(let items): return items.contains { $0.matches(item) }
        case .condition(let op, let field, let value, let udf):
            let actual = udf ? Self.udfValue(item, field) : item.member(field)
            let present = actual.map { $0 != .null && $0 != .string("") } ?? false
            switch op {
            case .exist: return present
            case .notExist: return !present
            default: break
            }
            guard let actual, actual != .null, let value else { return false }
            switch op {
            case .eq: return Self.compare(actual, value) == .orderedSame
            case .noteq: return Self.compare(actual, value).map { $0 != .orderedSame } ?? true
            case .gt: return Self.compare(actual, value) == .orderedDescending
            case .gte: return [.orderedDescending, .orderedSame].contains(Self.compare(actual, value))
            case .lt: return Self.compare(actual, value) == .orderedAscending
            case .lte: return [.orderedAscending, .orderedSame].contains(Self.compare(actual, value))
            case .beginsWith, .endsWith, .contains:
                guard let text = Self.text(actual), let pattern = Self.text(value) else { return false }
                let (haystack, needle) = (text.lowercased(), pattern.lowercased())
                return op == .beginsWith ? haystack.hasPrefix(needle) : op == .endsWith ? haystack.hasSuffix(needle) : haystack.contains(needle)
            case .in, .notIn:
                guard case .array(let options) = value else { return false }
                let found = options.contains { Self.compare(actual, $0) == .orderedSame }
                return op == .in ? found : !found
            case .exist, .notExist: return false
            }
        }
    }

    static func udfValue(_ item: AutotaskJSON, _ name: String) -> AutotaskJSON? {
        guard case .array(let udfs)? = item.member("userDefinedFields") else { return nil }
        let lowered = name.lowercased()
        return udfs.first { if case .string(let n)? = $0.member("name") { n.lowercased() == lowered } else { false } }?.member("value")
    }

    static func text(_ value: AutotaskJSON) -> String? {
        switch value {
        case .string(let text): text
        case .number(let number): "\(number)"
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }

    /// Orders `actual` against `wanted`; `nil` when they cannot be compared.
    static func compare(_ actual: AutotaskJSON, _ wanted: AutotaskJSON) -> ComparisonResult? {
        switch (actual, wanted) {
        case (.number(let a), .number(let b)): return a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
        case (.number(let a), .string(let b)):
            guard let b = Decimal(string: b) else { return nil }
            return a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
        case (.bool(let a), .bool(let b)): return a == b ? .orderedSame : (a ? .orderedDescending : .orderedAscending)
        case (.string(let a), .string(let b)):
            if let x = AutotaskDate.parse(a), let y = AutotaskDate.parse(b) {
                return x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame
            }
            return a.lowercased().compare(b.lowercased())
        case (.string(let a), .number(let b)):
            guard let a = Decimal(string: a) else { return nil }
            return a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
        default: return nil
        }
    }
}

/// Why a query was refused, in the words the simulator answers with (as `{"errors":[…]}`).
public enum AutotaskQueryError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case noFilter
    case unknownOperator(String)
    case missingValue(op: String, field: String)
    case maxRecords(Int)
    case tooManyUDFConditions
    case tooManyConditions(Int)
    case unknownField(field: String, entity: String)
    case notQueryable(field: String, entity: String)
    case badBoolean(field: String)

    public var description: String {
        switch self {
        case .malformed(let reason): "Invalid search: \(reason)."
        case .noFilter: "A filter is required for queries; use {\"op\":\"gte\",\"field\":\"id\",\"value\":0} to select all."
        case .unknownOperator(let op): "Unknown filter operation '\(op)'."
        case .missingValue(let op, let field): "The '\(op)' filter on \(field) requires a value."
        case .maxRecords(let n): "MaxRecords must be between 1 and 500; \(n) was requested."
        case .tooManyUDFConditions: "Only one user-defined field can be queried at a time."
        case .tooManyConditions(let n): "A query may have at most 500 conditions; this one has \(n)."
        case .unknownField(let field, let entity): "Unable to find \(field) in the \(entity) Entity."
        case .notQueryable(let field, let entity): "The \(field) field of \(entity) cannot be queried."
        case .badBoolean(let field): "The value for \(field) must be true or false."
        }
    }
}
