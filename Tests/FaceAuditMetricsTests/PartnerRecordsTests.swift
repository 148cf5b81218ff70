import Testing

@testable import FaceAuditMetrics

/// People with equal counts merged into records by sorting their rows, against merging them in a
/// dictionary of records and sorting the records (what the counts did before).
@Suite("partner records merged by sorting")
struct PartnerRecordsTests {
    /// The dictionary merge: one record per person, equal records counted, then ordered by
    /// comparisons, false matches and partners.
    static func merged(_ people: [Int], width: Int, comparisons: [Int], falseMatches: [Int], partners: [Int]) -> [PartnerCounts.Record] {
        var merged: [PartnerCounts.Record: Int] = [:]
        for p in people {
            let row = (p * width)..<(p * width + width)
            let key = PartnerCounts.Record(
                people: 0, partners: Array(partners[row]), falseMatches: Array(falseMatches[row]), comparisons: Array(comparisons[row]))
            merged[key, default: 0] += 1
        }
        return merged.map { key, people in
            var r = key
            r.people = people
            return r
        }.sorted { a, b in
            if a.comparisons != b.comparisons { return a.comparisons.lexicographicallyPrecedes(b.comparisons) }
            if a.falseMatches != b.falseMatches { return a.falseMatches.lexicographicallyPrecedes(b.falseMatches) }
            return a.partners.lexicographicallyPrecedes(b.partners)
        }
    }

    @Test("the same records in the same order, for rows of 1 to 5 counts with many ties")
    func sameAsDictionary() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<60 {
            let (persons, width, spread) = (rng.below(300), 1 + rng.below(5), 1 + rng.below(4))
            let table = { (0..<(persons * width)).map { _ in rng.below(spread) } }
            let (comparisons, falseMatches, partners) = (table(), table(), table())
            // Some of the people, in any order.
            let people = (0..<persons).filter { _ in rng.below(4) != 0 }.shuffled(using: &rng)
            let records = PartnerCounts.records(
                of: people, width: width, comparisons: comparisons, falseMatches: falseMatches, partners: partners)
            #expect(
                records == Self.merged(people, width: width, comparisons: comparisons, falseMatches: falseMatches, partners: partners))
            #expect(records.reduce(0) { $0 + $1.people } == people.count)
        }
    }

    @Test("the same records when the rows do not fit in one 64-bit key: wide, negative and extreme counts")
    func wideRows() {
        var rng = SplitMix64(seed: 12)
        for trial in 0..<60 {
            let (persons, width) = (rng.below(300), 1 + rng.below(5))
            // Per column, a spread from 2 values to the whole range of Int, so that packing stops at a
            // different column in each trial (and, with extremes, at the first).
            let table = {
                (0..<(persons * width)).map { _ -> Int in
                    switch rng.below(6) {
                    case 0: return [Int.min, Int.max, 0, -1][rng.below(4)]
                    case 1: return Int(bitPattern: UInt(rng.next()))
                    case 2: return Int(rng.below(1 << 20)) - (1 << 19)
                    default: return rng.below(2)
                    }
                }
            }
            let (comparisons, falseMatches, partners) = (table(), table(), table())
            let people = (0..<persons).filter { _ in rng.below(4) != 0 }.shuffled(using: &rng)
            // Most counts are 0 or 1: many people's packed columns are equal, and the rest tell them apart.
            let records = PartnerCounts.records(
                of: people, width: width, comparisons: comparisons, falseMatches: falseMatches, partners: partners)
            #expect(
                records == Self.merged(people, width: width, comparisons: comparisons, falseMatches: falseMatches, partners: partners),
                "trial \(trial)")
            #expect(records.reduce(0) { $0 + $1.people } == people.count)
        }
    }
}
