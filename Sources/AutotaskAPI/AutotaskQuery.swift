import Foundation

/// A query's body (Swagger `QueryModel`): `filter`, `MaxRecords` (1…500), `IncludeFields`.
public struct AutotaskQuery: Sendable, Equatable {
    /// Top-level elements, ANDed. A query must have at least one.
    public var filter: [AutotaskFilter]
    /// Records per page, 1…500; `nil`: 500.
    public var maxRecords: Int?
    /// The only fields returned (plus `userDefinedFields`); `nil`: every field.
    public var includeFields: [String]?

    public static let largestPage = 500

    public init(filter: [AutotaskFilter], maxRecords: Int? = nil, includeFields: [String]? = nil) {
        self.filter = filter
        self.maxRecords = maxRecords
        self.includeFields = includeFields
    }

    /// Every record: `id gte 0`, the documented "select all".
    public static func all(maxRecords: Int? = nil) -> AutotaskQuery { AutotaskQuery(filter: [.gte("id", .int(0))], maxRecords: maxRecords) }

    /// The body as JSON (PascalCase `MaxRecords`/`IncludeFields`, as Datto's examples write them).
    public var json: AutotaskJSON {
        var members: [String: AutotaskJSON] = ["filter": .array(filter.map(\.json))]
        if let maxRecords { members["MaxRecords"] = .int(maxRecords) }
        if let includeFields { members["IncludeFields"] = .array(includeFields.map { .string($0) }) }
        return .object(members)
    }

    /// The body as compact JSON text (what `?search=` carries).
    public var text: String { String(decoding: json.serialized(), as: UTF8.self) }

    public var pageSize: Int { maxRecords ?? Self.largestPage }

    /// Reads and checks a body. Property names match without regard to case.
    public init(json: AutotaskJSON) throws(AutotaskQueryError) {
        guard case .object = json else { throw .malformed("the query is not a JSON object") }
        guard case .array(let elements)? = json.member("filter"), !elements.isEmpty else { throw .noFilter }
        filter = try elements.map { element throws(AutotaskQueryError) in try AutotaskFilter(json: element) }
        switch json.member("maxRecords") {
        case nil, .null?: maxRecords = nil
        case let value?:
            guard let n = value.intValue else { throw .malformed("MaxRecords is not an integer") }
            guard (1...Self.largestPage).contains(n) else { throw .maxRecords(n) }
            maxRecords = n
        }
        switch json.member("includeFields") {
        case nil, .null?: includeFields = nil
        case .array(let names)?:
            includeFields = try names.map { name throws(AutotaskQueryError) in
                guard case .string(let text) = name else { throw .malformed("IncludeFields must be field names") }
                return text
            }
        default: throw .malformed("IncludeFields must be an array")
        }
        let conditions = filter.flatMap(\.conditions)
        if conditions.count > Self.largestPage { throw .tooManyConditions(conditions.count) }
        if conditions.filter({ if case .condition(_, _, _, true) = $0 { true } else { false } }).count > 1 { throw .tooManyUDFConditions }
    }

    /// Reads a body from bytes, or from a `search` parameter; single-quoted pseudo-JSON (which Autotask accepts,
    /// NOTES.md §4.1) is read too.
    public init(text: String) throws(AutotaskQueryError) {
        if let json = AutotaskJSON.parse(Data(text.utf8)) {
            try self.init(json: json)
        } else if let json = AutotaskJSON.parse(Data(text.replacingOccurrences(of: "'", with: "\"").utf8)) {
            try self.init(json: json)
        } else {
            throw .malformed("the search is not JSON")
        }
    }

    /// Checks field names against `entity`'s fields (UDF conditions aside) and that booleans are booleans.
    public func validate(for entity: AutotaskEntity) throws(AutotaskQueryError) {
        for case .condition(_, let name, let value, let udf) in filter.flatMap(\.conditions) where !udf {
            guard let field = entity.field(named: name) else { throw .unknownField(field: name, entity: entity.objectName) }
            if entity.unqueryableFields.contains(field.name) { throw .notQueryable(field: field.name, entity: entity.objectName) }
            if field.dataType == .boolean, let value {
                let values: [AutotaskJSON] = if case .array(let list) = value { list } else { [value] }
                for value in values { guard case .bool = value else { throw .badBoolean(field: field.name) } }
            }
        }
        for name in includeFields ?? [] where entity.field(named: name) == nil {
            throw .unknownField(field: name, entity: entity.objectName)
        }
    }

    /// `item` with only the `IncludeFields` (and `userDefinedFields`), in the Swagger's spelling.
    public func project(_ item: AutotaskJSON) -> AutotaskJSON {
        guard let includeFields, case .object(let members) = item else { return item }
        let wanted = Set(includeFields.map { $0.lowercased() } + ["userdefinedfields"])
        return .object(members.filter { wanted.contains($0.key.lowercased()) })
    }
}
