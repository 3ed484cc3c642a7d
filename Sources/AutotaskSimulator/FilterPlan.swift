import AutotaskAPI
import Foundation

/// A query's filter made ready to test many items of one entity. An `in` or `notIn` whose options are all whole
/// numbers (the children queries: `invoiceID in [500 ids]`) looks each item's value up in a set of integers, as
/// Autotask's database would use an index, instead of comparing it with every option; the items' values come from
/// the rows' column of whole numbers, made once per field. Everything else, and any value the set cannot answer for
/// (missing, a fraction, not a number), goes through `AutotaskFilter.matches`, so the answers are the same. A plan is
/// only valid inside the rows' window for the same filter (`EntityRows.window`), which has applied the `id` bounds.
struct FilterPlan: Sendable {
    enum Step: Sendable {
        case general(AutotaskFilter)
        case wholeNumbers(column: [Int?], options: Set<Int>, negated: Bool, general: AutotaskFilter)
    }

    let rows: EntityRows
    let steps: [Step]

    init(_ filter: [AutotaskFilter], rows: EntityRows) {
        self.rows = rows
        // Bounds on `id` the rows' window has applied exactly are not tested again, item by item.
        steps = filter.filter { !rows.answers($0) }.map { element in
            guard case .condition(let op, let field, let value?, false) = element, op == .in || op == .notIn,
                case .array(let values) = value
            else { return .general(element) }
            var options: Set<Int> = []
            for option in values {
                guard case .number(let number) = option, let whole = EntityRows.wholeNumber(number) else { return .general(element) }
                options.insert(whole)
            }
            return .wholeNumbers(column: rows.wholeNumbers(field), options: options, negated: op == .notIn, general: element)
        }
    }

    /// Whether the item at `position` of the rows matches every condition.
    func matches(_ position: Int) -> Bool {
        steps.allSatisfy { step in
            switch step {
            case .general(let filter):
                return filter.matches(rows.items[position])
            case .wholeNumbers(let column, let options, let negated, let general):
                guard let value = column[position] else { return general.matches(rows.items[position]) }
                return options.contains(value) != negated
            }
        }
    }
}
