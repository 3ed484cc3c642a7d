import AutotaskAPI
import Foundation
import InsightJSON
import Synchronization

/// An entity's items as the simulator serves them: sorted by id, their ids kept apart for binary search (the index a
/// database keeps on a primary key), their JSON text kept once written.
struct EntityRows: Sendable {
    let list: JSONTextList<AutotaskJSON>
    let ids: [Int]
    /// Every item has a whole-number id below 2⁵³: the window then answers `id` bounds exactly (see ``answers(_:)``).
    let idsAreExact: Bool
    private let columns = WholeNumberColumns()

    init(_ items: [AutotaskJSON]) {
        list = JSONTextList(items)
        var exact = true
        ids = items.map { item in
            guard case .number(let number)? = item.member("id"), let id = Self.wholeNumber(number) else {
                exact = false
                return 0
            }
            return id
        }
        idsAreExact = exact
    }

    /// A top-level filter element that narrows the window: a bound on `id` by a whole number an id could be.
    static func idBound(_ element: AutotaskFilter) -> (op: AutotaskFilter.Operator, bound: Int)? {
        guard case .condition(let op, let field, .number(let number)?, false) = element, field.lowercased() == "id",
            [.gt, .gte, .lt, .lte, .eq].contains(op), let bound = wholeNumber(number)
        else { return nil }
        return (op, bound)
    }

    /// Whether the window alone decides `element` for every item in it, so the filter need not test it again.
    func answers(_ element: AutotaskFilter) -> Bool { idsAreExact && Self.idBound(element) != nil }

    /// Each item's `field` (matched as filters match it, without regard to case) as a whole number below 2⁵³; `nil`
    /// where it is missing, not a number or not whole. Made on first use and kept, as a database keeps an index.
    func wholeNumbers(_ field: String) -> [Int?] {
        columns.column(field) { items.map { item in
            guard case .number(let number)? = item.member(field) else { return nil }
            return Self.wholeNumber(number)
        } }
    }

    /// `number` as an `Int` when it is whole and below 2⁵³ in magnitude (where `Decimal` and `Int` agree exactly).
    static func wholeNumber(_ number: Decimal) -> Int? {
        guard number.magnitude < largestID, let whole = AutotaskJSON.number(number).intValue, Decimal(whole) == number else { return nil }
        return whole
    }

    var items: [AutotaskJSON] { list.items }

    /// Beyond any id (2⁵³): a bound this large is not used to narrow the window.
    static let largestID = Decimal(1 << 53)

    /// The same rows with other item values (cost fields blanked): ids and order unchanged.
    func replacingItems(_ transform: (AutotaskJSON) -> AutotaskJSON) -> EntityRows { EntityRows(items.map(transform)) }

    /// The first position whose id is at least `id` (`ids.count` when none is).
    func position(ofFirstIDAtLeast id: Int) -> Int {
        var low = 0, high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The positions that `filter`'s top-level conditions on `id` leave possible; the whole filter must still be
    /// checked inside them. Counting `id < x` over a long list then costs a binary search, as it does in Autotask.
    func window(_ filter: [AutotaskFilter]) -> Range<Int> {
        var lower = 0, upper = ids.count
        // Only a whole number an id could be narrows the window; anything else is left to the filter itself.
        for case let (op, bound)? in filter.map(Self.idBound) {
            switch op {
            case .gt: lower = max(lower, position(ofFirstIDAtLeast: bound + 1))
            case .gte: lower = max(lower, position(ofFirstIDAtLeast: bound))
            case .lt: upper = min(upper, position(ofFirstIDAtLeast: bound))
            case .lte: upper = min(upper, position(ofFirstIDAtLeast: bound + 1))
            case .eq:
                lower = max(lower, position(ofFirstIDAtLeast: bound))
                upper = min(upper, position(ofFirstIDAtLeast: bound + 1))
            default: continue
            }
        }
        return lower..<max(lower, upper)
    }
}

/// The whole-number columns of one set of rows, made once per field.
final class WholeNumberColumns: Sendable {
    private let made = Mutex<[String: [Int?]]>([:])

    func column(_ field: String, make: () -> [Int?]) -> [Int?] {
        if let column = made.withLock({ $0[field] }) { return column }
        // Made outside the lock: two first uses may both make it, with the same result.
        let column = make()
        made.withLock { $0[field] = column }
        return column
    }
}
