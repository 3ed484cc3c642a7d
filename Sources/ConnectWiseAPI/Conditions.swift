public import Foundation
import InsightCore

/// A parsed ConnectWise `conditions` (or `childConditions`) expression.
///
/// The grammar, from the Developer Guide's "Conditions" table and the forms seen in real clients
/// (`../shared/reference/connectwise/NOTES.md` §4):
///
/// ```
/// expression := term ( OR term )*
/// term       := factor ( AND factor )*
/// factor     := '(' expression ')' | path operator value
/// path       := name ( '/' name )*                      e.g. board/name, company/id, lastUpdated
/// operator   := = | != | < | <= | > | >= | [NOT] CONTAINS | [NOT] LIKE | [NOT] IN
/// value      := "string" | 'string' | number | [datetime] | True | False | null | '(' value, … ')'
/// ```
/// Keywords and field names are case-insensitive; `like` takes `*` and `%` as wildcards.
public indirect enum Condition: Sendable, Equatable {
    case and(Condition, Condition)
    case or(Condition, Condition)
    case compare(path: [String], op: Operator, value: Literal)

    public enum Operator: String, Sendable, Equatable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case contains, notContains = "not contains", like, notLike = "not like", `in`, notIn = "not in"
    }

    public enum Literal: Sendable, Equatable {
        case string(String)
        case number(Decimal)
        case date(Date)
        case bool(Bool)
        case null
        case list([Literal])
    }

    /// Parses `text`.
    /// - Throws: ``ConditionsError`` with the position and what was expected.
    public init(parsing text: String) throws(ConditionsError) {
        var parser = ConditionsParser(text: text)
        self = try parser.parseAll()
    }
}

/// Why a conditions string was refused: the API answers such a request with HTTP 400.
public struct ConditionsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Character offset of the problem in the conditions string.
    public let position: Int
    public let message: String
    public var description: String { "conditions: \(message) at position \(position)" }
}

private struct ConditionsParser {
    enum Token: Equatable {
        case name(String)
        case string(String)
        case number(Decimal)
        case date(String)
        case symbol(String)  // ( ) , = != < <= > >=
        case end
    }

    let text: [Character]
    var index = 0
    var tokenStart = 0

    init(text: String) { self.text = Array(text) }

    mutating func parseAll() throws(ConditionsError) -> Condition {
        let condition = try parseExpression()
        guard case .end = try peek() else { throw error("unexpected '\(describe(try peek()))'") }
        return condition
    }

    mutating func parseExpression() throws(ConditionsError) -> Condition {
        var left = try parseTerm()
        while try peekKeyword("or") {
            _ = try next()
            left = .or(left, try parseTerm())
        }
        return left
    }

    mutating func parseTerm() throws(ConditionsError) -> Condition {
        var left = try parseFactor()
        while try peekKeyword("and") {
            _ = try next()
            left = .and(left, try parseFactor())
        }
        return left
    }

    mutating func parseFactor() throws(ConditionsError) -> Condition {
        if try peek() == .symbol("(") {
            _ = try next()
            let inner = try parseExpression()
            guard try next() == .symbol(")") else { throw error("expected ')'") }
            return inner
        }
        guard case .name(let first) = try next() else { throw error("expected a field name") }
        var path = [first]
        while try peek() == .symbol("/") {
            _ = try next()
            guard case .name(let part) = try next() else { throw error("expected a field name after '/'") }
            path.append(part)
        }
        let op = try parseOperator()
        let value = try parseValue(allowList: op == .in || op == .notIn)
        if case .list = value, op != .in, op != .notIn { throw error("a list needs 'in'") }
        if op == .in || op == .notIn, case .list = value {} else if op == .in || op == .notIn {
            throw error("'in' needs a list such as (1, 2, 3)")
        }
        return .compare(path: path, op: op, value: value)
    }

    mutating func parseOperator() throws(ConditionsError) -> Condition.Operator {
        let token = try next()
        switch token {
        case .symbol(let symbol):
            guard let op = Condition.Operator(rawValue: symbol) else { throw error("unknown operator '\(symbol)'") }
            return op
        case .name(let word):
            switch word.lowercased() {
            case "contains": return .contains
            case "like": return .like
            case "in": return .in
            case "not":
                guard case .name(let second) = try next() else { throw error("expected contains, like or in after 'not'") }
                switch second.lowercased() {
                case "contains": return .notContains
                case "like": return .notLike
                case "in": return .notIn
                default: throw error("expected contains, like or in after 'not'")
                }
            default: throw error("unknown operator '\(word)'")
            }
        default:
            throw error("expected an operator")
        }
    }

    mutating func parseValue(allowList: Bool) throws(ConditionsError) -> Condition.Literal {
        let token = try next()
        switch token {
        case .string(let value): return .string(value)
        case .number(let value): return .number(value)
        case .date(let text):
            guard let date = parseDate(text) else { throw error("'\(text)' is not a date such as [2016-08-20T18:04:26Z]") }
            return .date(date)
        case .name(let word):
            switch word.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: throw error("expected a value, found '\(word)' (strings need quotes)")
            }
        case .symbol("(") where allowList:
            var items: [Condition.Literal] = []
            repeat {
                items.append(try parseValue(allowList: false))
            } while try consume(.symbol(","))
            guard try next() == .symbol(")") else { throw error("expected ')' to close the list") }
            return .list(items)
        default:
            throw error("expected a value")
        }
    }

    // MARK: Tokens

    mutating func consume(_ token: Token) throws(ConditionsError) -> Bool {
        guard try peek() == token else { return false }
        _ = try next()
        return true
    }

    mutating func peekKeyword(_ word: String) throws(ConditionsError) -> Bool {
        if case .name(let name) = try peek(), name.lowercased() == word { return true }
        return false
    }

    mutating func peek() throws(ConditionsError) -> Token {
        let saved = index
        let token = try next()
        index = saved
        return token
    }

    mutating func next() throws(ConditionsError) -> Token {
        while index < text.count, text[index].isWhitespace { index += 1 }
        tokenStart = index
        guard index < text.count else { return .end }
        let character = text[index]
        switch character {
        case "\"", "'":
            index += 1
            var value = ""
            while index < text.count, text[index] != character {
                value.append(text[index])
                index += 1
            }
            guard index < text.count else { throw error("unterminated string") }
            index += 1
            return .string(value)
        case "[":
            index += 1
            var value = ""
            while index < text.count, text[index] != "]" {
                value.append(text[index])
                index += 1
            }
            guard index < text.count else { throw error("unterminated date, expected ']'") }
            index += 1
            return .date(value)
        case "(", ")", ",", "/", "=":
            index += 1
            return .symbol(String(character))
        case "!", "<", ">":
            index += 1
            if index < text.count, text[index] == "=" {
                index += 1
                return .symbol(String(character) + "=")
            }
            guard character != "!" else { throw error("expected '=' after '!'") }
            return .symbol(String(character))
        case _ where character.isNumber || (character == "-" && index + 1 < text.count && text[index + 1].isNumber):
            var value = String(character)
            index += 1
            while index < text.count, text[index].isNumber || text[index] == "." {
                value.append(text[index])
                index += 1
            }
            guard let number = Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")) else {
                throw error("'\(value)' is not a number")
            }
            return .number(number)
        case _ where character.isLetter || character == "_":
            var value = ""
            while index < text.count, text[index].isLetter || text[index].isNumber || text[index] == "_" || text[index] == "." {
                value.append(text[index])
                index += 1
            }
            return .name(value)
        default:
            throw error("unexpected character '\(character)'")
        }
    }

    func describe(_ token: Token) -> String {
        switch token {
        case .name(let value): value
        case .string(let value): "\"\(value)\""
        case .number(let value): "\(value)"
        case .date(let value): "[\(value)]"
        case .symbol(let value): value
        case .end: "end"
        }
    }

    func error(_ message: String) -> ConditionsError { ConditionsError(position: tokenStart, message: message) }
}

/// Parses the ISO-8601 forms clients send: `2016-08-20T18:04:26Z`, with fractional seconds or an offset.
func parseDate(_ text: String) -> Date? {
    if let stamp = utcSecond(text) { return stamp }
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let date = try? Date(trimmed, strategy: .iso8601) { return date }
    let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    if let date = try? fractional.parse(trimmed) { return date }
    // A date alone means its midnight UTC.
    return try? Date(trimmed + "T00:00:00Z", strategy: .iso8601)
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the form ConnectWise writes its date-times in, read by arithmetic; `nil` for anything
/// else, which `parseDate` hands to Foundation's ISO 8601 parser (several times slower, and asked for four dates of
/// every time entry a sync reads).
func utcSecond(_ text: String) -> Date? {
    var text = text
    return text.withUTF8 { bytes -> Date? in
        guard bytes.count == 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A, bytes[16] == 0x3A,
            bytes[19] == 0x5A
        else { return nil }
        func number(_ at: Int, _ length: Int) -> Int? {
            var value = 0
            for index in at..<at + length {
                let digit = bytes[index] &- 0x30
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            hour < 24, minute < 60, second < 60, let date = CalendarDate(year: year, month: month, day: day)
        else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(date.daysSinceEpoch * 86_400 + hour * 3_600 + minute * 60 + second))
    }
}

extension Condition.Operator {
    /// The operator without its negation.
    var positive: Condition.Operator {
        switch self {
        case .notEqual: .equal
        case .notContains: .contains
        case .notLike: .like
        case .notIn: .in
        default: self
        }
    }
}

extension Condition {
    /// Whether `item` (one JSON object of a ConnectWise list) satisfies the condition.
    ///
    /// Paths walk nested objects case-insensitively; `lastUpdated` and `dateEntered` fall back to `_info`, where
    /// the JSON carries them. Strings compare without regard to case, as ConnectWise's SQL Server collation does.
    /// A missing field is `null`.
    public func matches(_ item: JSONValue) -> Bool {
        switch self {
        case .and(let left, let right): return left.matches(item) && right.matches(item)
        case .or(let left, let right): return left.matches(item) || right.matches(item)
        case .compare(let path, let op, let literal):
            // A path through an array (`types/name`, `communicationItems/value`) holds when any element holds.
            let candidates = Self.resolveAll(path, in: item)
            if candidates.count != 1 {
                let negative = [.notEqual, .notContains, .notLike, .notIn].contains(op)
                let positive = Condition.compare(path: path, op: op.positive, value: literal)
                let any = candidates.contains { positive.matchesValue($0) }
                return negative ? !any : any
            }
            return matchesValue(candidates[0])
        }
    }

    /// The comparison applied to one resolved value.
    func matchesValue(_ value: JSONValue) -> Bool {
        guard case .compare(_, let op, let literal) = self else { return false }
        switch op {
        case .equal: return Self.compare(value, literal) == .orderedSame
        case .notEqual: return Self.compare(value, literal) != .orderedSame
        case .less: return Self.compare(value, literal) == .orderedAscending
        case .lessOrEqual: return [.orderedAscending, .orderedSame].contains(Self.compare(value, literal))
        case .greater: return Self.compare(value, literal) == .orderedDescending
        case .greaterOrEqual: return [.orderedDescending, .orderedSame].contains(Self.compare(value, literal))
        case .contains, .notContains:
            guard case .string(let text) = value, case .string(let needle) = literal else { return op == .notContains }
            return text.range(of: needle, options: .caseInsensitive) != nil ? op == .contains : op == .notContains
        case .like, .notLike:
            guard case .string(let text) = value, case .string(let pattern) = literal else { return op == .notLike }
            return Self.like(text, pattern) == (op == .like)
        case .in, .notIn:
            guard case .list(let items) = literal else { return false }
            let found = items.contains { Self.compare(value, $0) == .orderedSame }
            return found == (op == .in)
        }
    }

    /// Every value `path` reaches, descending into arrays; a single `.null` when it reaches nothing.
    static func resolveAll(_ path: [String], in item: JSONValue) -> [JSONValue] {
        var current: [JSONValue] = [item]
        for (offset, name) in path.enumerated() {
            var next: [JSONValue] = []
            for value in current {
                let elements: [JSONValue] = if case .array(let items) = value { items } else { [value] }
                for element in elements {
                    if let member = element.member(name) {
                        next.append(member)
                    } else if offset == 0, ["lastupdated", "dateentered", "enteredby", "updatedby"].contains(name.lowercased()),
                        let info = element.member("_info")?.member(name)
                    {
                        next.append(info)
                    }
                }
            }
            current = next
        }
        if current.count == 1, case .array(let items) = current[0] { return items.isEmpty ? [.null] : items }
        return current.isEmpty ? [.null] : current
    }

    /// The first value `path` reaches (what `orderBy` sorts on).
    static func resolve(_ path: [String], in item: JSONValue) -> JSONValue {
        resolveAll(path, in: item).first ?? .null
    }

    /// Orders a JSON value against a literal; `nil` when they cannot be compared (then only `!=` holds).
    static func compare(_ value: JSONValue, _ literal: Literal) -> ComparisonResult? {
        switch (value, literal) {
        case (.null, .null): return .orderedSame
        case (.null, _), (_, .null): return nil
        case (.number(let left), .number(let right)): return left < right ? .orderedAscending : left > right ? .orderedDescending : .orderedSame
        case (.bool(let left), .bool(let right)): return left == right ? .orderedSame : nil
        case (.string(let left), .date(let right)):
            guard let date = parseDate(left) else { return nil }
            return date < right ? .orderedAscending : date > right ? .orderedDescending : .orderedSame
        case (.string(let left), .string(let right)): return left.compare(right, options: .caseInsensitive)
        case (.string(let left), .number(let right)):
            guard let number = Decimal(string: left) else { return nil }
            return number < right ? .orderedAscending : number > right ? .orderedDescending : .orderedSame
        default: return nil
        }
    }

    /// SQL-style `like` with `*` or `%` for any run of characters, case-insensitive.
    static func like(_ text: String, _ pattern: String) -> Bool {
        let parts = pattern.lowercased().split(omittingEmptySubsequences: false) { $0 == "*" || $0 == "%" }.map(String.init)
        let text = text.lowercased()
        guard parts.count > 1 else { return text == parts[0] }
        guard text.hasPrefix(parts[0]) else { return false }
        var rest = text.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.hasSuffix(parts[parts.count - 1])
    }
}
