import AutotaskAPI
import Foundation
import InsightJSON

/// An entity's items as the simulator serves them: sorted by id, their ids kept apart for binary search (the index a
/// database keeps on a primary key), their JSON text kept once written.
struct EntityRows: Sendable {
    let list: JSONTextList<AutotaskJSON>
    let ids: [Int]

    init(_ items: [AutotaskJSON]) {
        list = JSONTextList(items)
        ids = items.map { $0.member("id")?.intValue ?? 0 }
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
        for case .condition(let op, let field, .number(let number)?, false) in filter where field.lowercased() == "id" {
            // Only a whole number an id could be narrows the window; anything else is left to the filter itself.
            guard number.magnitude < Self.largestID, let bound = AutotaskJSON.number(number).intValue, Decimal(bound) == number else { continue }
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
