public import Foundation
public import InsightJSON

/// A user-defined field's value as Autotask sends it: values are strings on the wire.
public struct AutotaskUDF: Sendable, Hashable, Codable {
    public var name: String
    public var value: String?
    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

/// A page or item that could not be decoded: which entity, what was wrong, and the start of the body.
public struct AutotaskDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public var entity: String
    public var reason: String
    public var excerpt: String
    public init(entity: String, reason: String, excerpt: String = "") {
        self.entity = entity
        self.reason = reason
        self.excerpt = excerpt
    }
    public var description: String {
        "Autotask sent \(entity) data PSA Insight cannot read: \(reason)" + (excerpt.isEmpty ? "" : " (starts: \(excerpt))")
    }
}

/// One item's fields, looked up without regard to case. Accessors are strict about types: a number where a
/// string belongs is an error naming the field, never a silent `nil`. A missing field and JSON null are `nil`.
///
/// A row reads either a tree (`AutotaskJSON`) or an object of a parsed page (`JSONTape.Value`): a page's items are
/// read straight from the tape, with no dictionary per item and no text copied for a field the item's type skips.
/// A row is read where it is made (it remembers where its last lookup ended, so it is not `Sendable`). A field
/// sent twice (which Autotask does not do) reads one of its values, which one is unspecified.
public struct AutotaskRow {
    public let entity: String
    let fields: Fields

    enum Fields {
        case tree([String: AutotaskJSON])
        case tape(JSONTape.Value, Cursor)
    }

    /// Where the last lookup in a tape row ended: Autotask sends `id` first, then the fields in the order the DTOs
    /// read them, so each lookup costs about one key comparison.
    final class Cursor {
        var hint = JSONTape.MemberHint()
    }

    public init(entity: String, json: AutotaskJSON) throws(AutotaskDecodingError) {
        guard case .object(let members) = json else { throw AutotaskDecodingError(entity: entity, reason: "an item is not a JSON object") }
        self.entity = entity
        self.fields = .tree(members)
    }

    /// A row over an object of a parsed page.
    public init(entity: String, object: JSONTape.Value) throws(AutotaskDecodingError) {
        guard object.kind == .object else { throw AutotaskDecodingError(entity: entity, reason: "an item is not a JSON object") }
        self.entity = entity
        self.fields = .tape(object, Cursor())
    }

    /// A field's value as found: in a tree, or in a tape.
    enum Found {
        case tree(AutotaskJSON)
        case tape(JSONTape.Value)
    }

    /// The field's value, `nil` when missing or null. Autotask sends every field with the Swagger's spelling, so
    /// the exact name almost always hits; otherwise the names are compared without regard to ASCII case, without
    /// lower-casing (and allocating) either.
    func find(_ name: String) -> Found? {
        switch fields {
        case .tree(let members):
            let found = members[name] ?? members.first { Self.equalIgnoringCase($0.key, name) }?.value
            if case .null? = found { return nil }
            return found.map(Found.tree)
        case .tape(let object, let cursor):
            guard let found = object.member(name, hint: &cursor.hint) ?? object.member(name, ignoringCase: true, hint: &cursor.hint), !found.isNull
            else { return nil }
            return .tape(found)
        }
    }

    /// The field's value as a tree, `nil` when missing or null.
    func value(_ name: String) -> AutotaskJSON? {
        switch find(name) {
        case nil: return nil
        case .tree(let value)?: return value
        case .tape(let value)?: return AutotaskJSON(value)
        }
    }

    static func equalIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        return zip(lhs.utf8, rhs.utf8).allSatisfy { left, right in
            left == right || (left | 0x20 == right | 0x20 && (left | 0x20) >= 0x61 && (left | 0x20) <= 0x7A)
        }
    }

    func wrong(_ name: String, _ expected: String) -> AutotaskDecodingError {
        AutotaskDecodingError(entity: entity, reason: "field \(name) is not \(expected)")
    }

    public func id() throws(AutotaskDecodingError) -> Int {
        guard let id = try int("id") else { throw AutotaskDecodingError(entity: entity, reason: "an item has no id") }
        return id
    }

    public func int(_ name: String) throws(AutotaskDecodingError) -> Int? {
        let whole: Int?
        switch find(name) {
        case nil: return nil
        case .tree(let value)?: whole = value.intValue
        case .tape(let value)?: whole = value.int
        }
        guard let whole else { throw wrong(name, "an integer") }
        return whole
    }

    public func decimal(_ name: String) throws(AutotaskDecodingError) -> Decimal? {
        let number: Decimal?
        switch find(name) {
        case nil: return nil
        case .tree(let value)?: if case .number(let exact) = value { number = exact } else { number = nil }
        case .tape(let value)?: number = value.decimal
        }
        guard let number else { throw wrong(name, "a number") }
        return number
    }

    public func string(_ name: String) throws(AutotaskDecodingError) -> String? {
        let text: String?
        switch find(name) {
        case nil: return nil
        case .tree(let value)?: text = value.stringValue
        case .tape(let value)?: text = value.string
        }
        guard let text else { throw wrong(name, "a string") }
        return text
    }

    /// Booleans; also 0/1, which some fields carry (`Contacts.isActive`, NOTES.md §10).
    public func bool(_ name: String) throws(AutotaskDecodingError) -> Bool? {
        guard let value = value(name) else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .number(let number) where number == 0 || number == 1: return number == 1
        default: throw wrong(name, "a boolean")
        }
    }

    /// Date-times; an empty string is `nil`.
    public func date(_ name: String) throws(AutotaskDecodingError) -> Date? {
        guard let text = try string(name), !text.isEmpty else { return nil }
        guard let date = AutotaskDate.parse(text) else { throw wrong(name, "a date-time") }
        return date
    }

    /// `userDefinedFields`; optional (the docs allow leaving it out).
    public func udfs() throws(AutotaskDecodingError) -> [AutotaskUDF]? {
        guard let value = value("userDefinedFields") else { return nil }
        guard case .array(let items) = value else { throw wrong("userDefinedFields", "an array") }
        return try items.map { item throws(AutotaskDecodingError) in
            guard case .string(let name)? = item.member("name") else { throw wrong("userDefinedFields", "a list of {name, value}") }
            switch item.member("value") {
            case .string(let text)?: return AutotaskUDF(name: name, value: text)
            case .number(let number)?: return AutotaskUDF(name: name, value: "\(number)")
            case .null?, nil: return AutotaskUDF(name: name, value: nil)
            default: throw wrong("userDefinedFields", "a list of string values")
            }
        }
    }
}

/// A DTO of one Autotask entity: decoded from a row, encoded back to the wire.
public protocol AutotaskItem: Sendable, Equatable {
    static var entity: AutotaskEntity { get }
    var id: Int { get }
    init(row: AutotaskRow) throws(AutotaskDecodingError)
    /// The item with every Swagger field, `null` where empty.
    var json: AutotaskJSON { get }
}

extension AutotaskItem {
    /// Decodes an item from `json`.
    public static func decode(_ json: AutotaskJSON) throws(AutotaskDecodingError) -> Self {
        try Self(row: AutotaskRow(entity: entity.rawValue, json: json))
    }

    /// Decodes an item from an object of a parsed page.
    public static func decode(_ object: JSONTape.Value) throws(AutotaskDecodingError) -> Self {
        try Self(row: AutotaskRow(entity: entity.rawValue, object: object))
    }
}
