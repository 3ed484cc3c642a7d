@testable import InsightSync
import Testing

@Suite struct RankCutTests {
    /// Id lists of the shapes a PSA hands out: dense, offset, with gaps, in two far-apart blocks, tiny.
    static let shapes: [(name: String, ids: [Int])] = {
        // Gaps of 1 to 40 from a fixed linear congruential sequence, so that a failure can be reproduced.
        var state: UInt64 = 42
        var gappy: [Int] = []
        var next = 1_000
        for _ in 0..<50_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            next += 1 + Int(state >> 33) % 40
            gappy.append(next)
        }
        return [
            ("dense", Array(1...270_000)),
            ("offset", Array(29_000_000..<29_100_000)),
            ("gaps", gappy),
            ("two blocks", Array(10..<20_010) + Array(2_000_000_000..<2_000_020_000)),
            ("three ids", [5, 900, 1_000_000]),
        ]
    }()

    static func countBelow(_ ids: [Int]) -> (Int) -> Int {
        { x in
            var low = 0, high = ids.count
            while low < high {
                let middle = (low + high) / 2
                if ids[middle] < x { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    @Test(arguments: [0, 1, 250])
    func cutsLandWithinToleranceOfTheRank(tolerance: Int) async {
        for (name, ids) in Self.shapes {
            for rank in [ids.count / 3, ids.count * 2 / 3] {
                let count = Self.countBelow(ids)
                let (cut, counts) = await RankCut.search(rank: rank, of: ids.count, tolerance: tolerance, countBelow: count)
                #expect(abs(count(cut) - rank) <= tolerance, "\(name), rank \(rank): \(count(cut)) below \(cut)")
                // About twice a plain halving's 31 at worst (the magnitude steps, then halvings between interpolations).
                #expect(counts <= 72, "\(name): \(counts) counts")
            }
        }
    }

    @Test func evenlySpreadIdsTakeFewerCountsThanHalving() async {
        // Halving 31-bit ids always takes 31 counts. Ids that grow evenly from near 0 are found by interpolation in
        // a handful; a narrow band far from 0 must first be found, by halving magnitudes.
        for (ids, most) in [(Array(1...270_000), 8), (Array(29_000_000..<29_100_000), 20)] {
            let (_, counts) = await RankCut.search(rank: ids.count / 3, of: ids.count, tolerance: ids.count / 200, countBelow: Self.countBelow(ids))
            #expect(counts <= most, "\(counts) counts for ids from \(ids[0])")
        }
    }

    @Test func aCountThatFailsStopsTheSearch() async {
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await RankCut.search(rank: 10, of: 30, tolerance: 0) { _ in throw Refused() }
        }
    }
}
