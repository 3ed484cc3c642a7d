import AutotaskAPI
import Foundation

/// A query's filter made ready to test many items. An `in` or `notIn` whose options are all whole numbers (the
/// children queries: `invoiceID in [500 ids]`) looks each item's value up in a set, as Autotask's database would use
/// an index, instead of comparing it with every option; everything else, and any value the set cannot answer for,
/// goes through `AutotaskFilter.matches`, so the answers are the same.
struct FilterPlan: Sendable {
    enum Step: Sendable {
        case general(AutotaskFilter)
        case wholeNumbers(field: String, digits: Set<String>, negated: Bool, general: AutotaskFilter)
    }

    let steps: [Step]

    init(_ filter: [AutotaskFilter]) {
        steps = filter.map { element in
            guard case .condition(let op, let field, let value?, false) = element, op == .in || op == .notIn,
                case .array(let options) = value
            else { return .general(element) }
            var digits: Set<String> = []
            for option in options {
                guard case .number(let number) = option, let text = Self.wholeDigits(number) else { return .general(element) }
                digits.insert(text)
            }
            return .wholeNumbers(field: field, digits: digits, negated: op == .notIn, general: element)
        }
    }

    /// A whole number's digits as `Decimal` writes them; `nil` for anything written with a point or an exponent.
    static func wholeDigits(_ number: Decimal) -> String? {
        let text = number.description
        return text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? nil : text
    }

    func matches(_ item: AutotaskJSON) -> Bool {
        steps.allSatisfy { step in
            switch step {
            case .general(let filter):
                return filter.matches(item)
            case .wholeNumbers(let field, let digits, let negated, let general):
                guard case .number(let number)? = item.member(field), let text = Self.wholeDigits(number) else { return general.matches(item) }
                return digits.contains(text) != negated
            }
        }
    }
}
