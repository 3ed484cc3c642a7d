/// Finds an id that cuts a list of ids near a rank, for an API that can count the ids below a value but cannot
/// return the id at a rank (Autotask: `query/count` with `id < x`). A cut need not be exact: it only has to split a
/// read into ranges of about equal length, so the search stops once the ids below the cut are within `tolerance`
/// of the rank.
///
/// Each step guesses by interpolating between the two counts known so far (ids of one entity grow about evenly, so
/// this converges in a few counts) once a count has landed among the ids; the other steps halve (the magnitude while
/// the bounds are orders of magnitude apart, then the span), so that a list with uneven ids costs at most about twice
/// a plain halving, which always takes 31 counts over 31-bit ids.
enum RankCut {
    /// Ids are taken to lie in `0..<upperLimit`.
    static let upperLimit = Int(Int32.max)

    /// The cut for `rank` (0-based) in a list of `total` distinct ids, and the number of counts it took:
    /// `countBelow(x)` answers how many ids are less than `x`, and the ids below the cut number `rank` give or take
    /// `tolerance` (exactly `rank` with `tolerance` 0).
    static func search(
        rank: Int, of total: Int, tolerance: Int, countBelow: (Int) async throws -> Int
    ) async rethrows -> (cut: Int, counts: Int) {
        // What is known: `low.below` ids lie below `low.x`; `high.below` (more than `rank`) below `high.x`.
        var low = (x: 0, below: 0)
        var high = (x: upperLimit, below: total)
        var counts = 0
        var interpolated = false
        while high.x - low.x > 1 {
            let span = high.x - low.x
            var x: Int
            // Interpolating needs a known point among the ids: with none below `low` and all below `high`, where
            // they lie between is unknown, and halving finds them sooner.
            let inside = low.below > 0 || high.below < total
            let interpolate = inside && !interpolated && high.below > low.below
            interpolated = interpolate
            if interpolate {
                // Where `rank` would fall if the ids between the two known points were evenly spread.
                let share = Double(rank - low.below) / Double(high.below - low.below)
                x = low.x + Int((Double(span) * share).rounded(.up))
            } else if high.x > 4 * max(low.x, 1) {
                // Bounds orders of magnitude apart (the first steps, from 0 to 2³¹): halve the magnitude, not the
                // span, so that ids in a narrow band far from 0 are found in a few counts.
                x = Int((Double(max(low.x, 1)) * Double(high.x)).squareRoot())
            } else {
                x = low.x + span / 2
            }
            x = min(max(x, low.x + 1), high.x - 1)
            let below = try await countBelow(x)
            counts += 1
            if abs(below - rank) <= tolerance, below > 0, below < total { return (x, counts) }
            if below <= rank { low = (x, below) } else { high = (x, below) }
        }
        // The least x with more than `rank` ids below it is one past the id at `rank`.
        return (high.x - 1, counts)
    }
}
