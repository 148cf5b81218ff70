import Foundation
import Testing

@testable import FaceAuditMetrics

@Suite("partner counts written directly into pretty JSON")
struct PartnerCountsJSONTests {
    /// Counts of random shape: empty cohorts, empty arrays, negative and large numbers.
    static func counts(_ rng: inout SplitMix64) -> PartnerCounts {
        func record() -> PartnerCounts.Record {
            let n = Int(rng.below(4))
            func numbers() -> [Int] { (0..<n).map { _ in Int(rng.below(200_000)) - (rng.below(9) == 0 ? 100_000 : 0) } }
            return .init(people: Int(rng.below(50)), partners: numbers(), falseMatches: numbers(), comparisons: numbers())
        }
        let cohorts = (0..<Int(rng.below(4))).map { _ in (0..<Int(rng.below(5))).map { _ in record() } }
        return PartnerCounts(cohorts: cohorts, overall: (0..<Int(rng.below(4))).map { _ in record() })
    }

    struct Inner: Codable {
        var name: String
        var partnerCounts: PartnerCounts?
        var values: [Double]
    }

    struct Outer: Codable {
        var counts: PartnerCounts
        var inner: [Inner]
        var nested: [String: [Inner]]
        var trap: String
    }

    @Test("the same JSON as JSONEncoder at every depth, each record on one line, and the same value decoded")
    func sameJSON() throws {
        var rng = SplitMix64(seed: 31)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for trial in 0..<60 {
            var value = Outer(
                counts: Self.counts(&rng),
                inner: (0..<Int(rng.below(4))).map { k in
                    Inner(name: "a/b \(k)", partnerCounts: rng.below(3) == 0 ? nil : Self.counts(&rng), values: [0.1, -2e-7])
                },
                nested: ["x": [Inner(name: "\u{1}", partnerCounts: Self.counts(&rng), values: [])]],
                trap: "\u{1}00000000-0000-0000-0000-000000000000:0")
            if trial % 7 == 0 { value.counts.overall.append(.init(people: .max, partners: [.min], falseMatches: [0], comparisons: [-1])) }
            let expected = try encoder.encode(value)
            let written = try PartnerCounts.prettyJSON(of: value)
            // The same JSON value, key for key and number for number.
            let parsed = try JSONSerialization.jsonObject(with: written) as? NSDictionary
            let encoded = try JSONSerialization.jsonObject(with: expected) as? NSDictionary
            #expect(parsed != nil && parsed == encoded, "trial \(trial)")
            // Each record whole on its own line, and every other line one that JSONEncoder writes too.
            let lines = String(decoding: written, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let records = lines.filter { $0.contains("\"people\" : ") }
            // Every count written as an integer (NSDictionary equality would take 1.0 for 1).
            #expect(records.allSatisfy { !$0.contains(".") }, "trial \(trial)")
            #expect(
                records.allSatisfy {
                    $0.contains("{\"comparisons\" : [") && $0.contains("\"false_matches\" : [") && $0.contains("\"partners\" : [")
                })
            let recordCount = ([value.counts] + value.inner.compactMap(\.partnerCounts) + value.nested["x"]!.compactMap(\.partnerCounts))
                .reduce(0) { $0 + $1.overall.count + $1.cohorts.reduce(0) { $0 + $1.count } }
            #expect(records.count == recordCount, "trial \(trial)")
            let others = lines.filter { !$0.contains("\"people\" : ") }
            let encoderLines = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(others.allSatisfy { line in encoderLines.contains(line) }, "trial \(trial)")
            let decoded = try JSONDecoder().decode(Outer.self, from: written)
            #expect(decoded.counts == value.counts && decoded.inner.map(\.partnerCounts) == value.inner.map(\.partnerCounts))
            #expect(decoded.nested["x"]?.map(\.partnerCounts) == value.nested["x"]?.map(\.partnerCounts), "trial \(trial)")
        }
    }
}

@Suite("the exact comparisons of a streamed design")
struct StreamedExactComparisonsTests {
    @Test("set in ascending similarity, ties by pair; a threshold's false matches are the suffix at or above it")
    func suffix() {
        var rng = SplitMix64(seed: 41)
        let n = 500
        let scores = (0..<n).map { _ in Double(rng.below(40)) / 8 - 2 }
        var data = StreamedComparisons()
        data.setExact(probe: (0..<n).map { Int32($0) }, reference: (0..<n).map { Int32(n + $0) }, scores: scores)
        #expect(data.exactScores == scores.sorted())
        // Equal similarities by pair (the probes were given ascending).
        for k in 1..<n where data.exactScores[k - 1] == data.exactScores[k] { #expect(data.exactProbe[k - 1] < data.exactProbe[k]) }
        #expect(zip(data.exactProbe, data.exactReference).allSatisfy { scores[Int($0)] == scores[Int($1) - n] && $1 == $0 + Int32(n) })
        for tau in [-3.0, -2, 0, 0.125, 2.875, 3, .infinity, -.infinity] {
            let range = data.exactIndices(atLeast: tau)
            #expect(range.upperBound == n && range.count == scores.count { $0 >= tau }, "τ \(tau)")
        }
        #expect(data.exactIndices(atLeast: .nan).isEmpty)
    }

    /// A single run's kept pairs reach the exact list in the order its tiles (and threads) gave them;
    /// shards' merged pairs come by pair. Equal similarities used to keep the order given, so the two
    /// could list tied pairs differently.
    /// Samples below 2¹⁶ are packed in 4 bytes for the sort, larger ones in 8: both give the order of
    /// the standard library's sort on (similarity's bits as ``RadixSort`` orders them, probe, reference).
    @Test(
        "samples below and above 2^16 sort to the standard library's order of (similarity, probe, reference)",
        arguments: [65_536, 65_537, 200_000])
    func packedSamplesSortAsTuples(images: Int) {
        var rng = SplitMix64(seed: UInt64(images))
        let n = 120_000
        let values: [Double] = [-0.0, 0.0, 0.5, 0.25, 0.75]
        let list: [(probe: Int32, reference: Int32, score: Double)] = (0..<n).map { _ in
            let probe = Int32(rng.below(images - 1))
            let reference = probe + 1 + Int32(rng.below(images - 1 - Int(probe)))
            // Ties among a few values, and distinct ones.
            return (probe, reference, rng.below(2) == 0 ? values[rng.below(values.count)] : Double(rng.below(1 << 20)) / 1_048_576)
        }
        var data = StreamedComparisons()
        data.setExact(probe: list.map(\.probe), reference: list.map(\.reference), scores: list.map(\.score))
        func key(_ x: Double) -> UInt64 { x.sign == .minus ? ~x.bitPattern : x.bitPattern | 1 << 63 }
        let expected = list.sorted { (key($0.score), $0.probe, $0.reference) < (key($1.score), $1.probe, $1.reference) }
        #expect(data.exactScores.map(\.bitPattern) == expected.map(\.score.bitPattern))
        #expect(data.exactProbe == expected.map(\.probe))
        #expect(data.exactReference == expected.map(\.reference))
    }

    @Test(
        "the order is the same whatever order the pairs come in: ties by (probe, reference), −0 before +0",
        arguments: [600, 150_000])
    func sameOrderFromAnyInput(n: Int) {
        var rng = SplitMix64(seed: UInt64(n))
        // Few distinct similarities, so that most pairs tie; −0 and +0 among them.
        let values: [Double] = [-0.0, 0.0, 0.5, -0.25, 1, 0.125]
        var pairs: [(probe: Int32, reference: Int32, score: Double)] = (0..<n).map { _ in
            let probe = Int32(rng.below(n))
            return (probe, probe + 1 + Int32(rng.below(1_000)), values[rng.below(values.count)])
        }
        pairs.sort { ($0.probe, $0.reference) < ($1.probe, $1.reference) }
        func set(_ list: [(probe: Int32, reference: Int32, score: Double)]) -> StreamedComparisons {
            var data = StreamedComparisons()
            data.setExact(probe: list.map(\.probe), reference: list.map(\.reference), scores: list.map(\.score))
            return data
        }
        let byPair = set(pairs)
        var shuffled = pairs
        shuffled.shuffle(using: &rng)
        let given = set(shuffled)
        #expect(given.exactScores.map(\.bitPattern) == byPair.exactScores.map(\.bitPattern))
        #expect(given.exactProbe == byPair.exactProbe && given.exactReference == byPair.exactReference)
        for k in 1..<n {
            let (a, b) = (byPair.exactScores[k - 1], byPair.exactScores[k])
            #expect(a < b || (a == b && (a.sign == .minus) == (b.sign == .minus)) || (a.sign == .minus && b.sign == .plus))
            if a.bitPattern == b.bitPattern {
                #expect((byPair.exactProbe[k - 1], byPair.exactReference[k - 1]) <= (byPair.exactProbe[k], byPair.exactReference[k]))
            }
        }
    }
}
