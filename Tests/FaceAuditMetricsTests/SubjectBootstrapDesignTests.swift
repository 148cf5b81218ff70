import Testing

@testable import FaceAuditMetrics

/// ``SubjectBootstrap/design(_:indices:)`` counts by sorted keys; these tests hold it to the plain
/// definition (a dictionary of subject pairs and sets of samples per subject, as it was first written).
@Suite("Subject bootstrap design")
struct SubjectBootstrapDesignTests {
    /// The design by its definition.
    static func reference(_ data: LabeledComparisons, indices: [Int]) -> SubjectBootstrap.Design {
        var design = SubjectBootstrap.Design()
        var mated: [Int: Int] = [:]
        var trials: [UInt64: Int] = [:]
        var probeSamples: [Int: Set<Int32>] = [:]
        var referenceSamples: [Int: Set<Int32>] = [:]
        var anySamples: [Int: Set<Int32>] = [:]
        var samplesKnown = true
        var nonMated = 0
        for k in indices where !data.scores[k].isNaN {
            let a = Int(data.probeSubject[k])
            if data.mated[k] {
                mated[a, default: 0] += 1
                continue
            }
            let b = Int(data.referenceSubject[k])
            nonMated += 1
            trials[SubjectBootstrap.pairKey(a, b), default: 0] += 1
            let (ps, rs) = (data.probeSample[k], data.referenceSample[k])
            if ps < 0 || rs < 0 { samplesKnown = false }
            probeSamples[a, default: []].insert(ps)
            referenceSamples[b, default: []].insert(rs)
            anySamples[a, default: []].insert(ps)
            anySamples[b, default: []].insert(rs)
        }
        design.matedTrials = mated.map { (subject: $0.key, trials: $0.value) }.sorted { $0.subject < $1.subject }
        let sparse = trials.map { (a: Int($0.key >> 32), b: Int($0.key & 0xFFFF_FFFF), trials: $0.value) }.sorted {
            ($0.a, $0.b) < ($1.a, $1.b)
        }
        design.denominator = .sparse(sparse)
        guard samplesKnown && nonMated > 0 else { return design }
        let all = anySamples.map { (subject: $0.key, samples: $0.value.count) }.sorted { $0.subject < $1.subject }
        let total = all.reduce(0) { $0 + $1.samples }
        let sizes = Dictionary(uniqueKeysWithValues: all.map { ($0.subject, $0.samples) })
        if (total * total - all.reduce(0) { $0 + $1.samples * $1.samples }) / 2 == nonMated,
            sparse.allSatisfy({ $0.trials == sizes[$0.a]! * sizes[$0.b]! })
        {
            design.denominator = .allPairs(all)
            return design
        }
        let bi = Set(probeSamples.keys).union(referenceSamples.keys).sorted().map {
            (subject: $0, probes: probeSamples[$0]?.count ?? 0, references: referenceSamples[$0]?.count ?? 0)
        }
        let p = bi.reduce(0) { $0 + $1.probes }
        let r = bi.reduce(0) { $0 + $1.references }
        let byS = Dictionary(uniqueKeysWithValues: bi.map { ($0.subject, ($0.probes, $0.references)) })
        if p * r - bi.reduce(0, { $0 + $1.probes * $1.references }) == nonMated,
            sparse.allSatisfy({ $0.trials == byS[$0.a]!.0 * byS[$0.b]!.1 + byS[$0.b]!.0 * byS[$0.a]!.1 })
        {
            design.denominator = .bipartite(bi)
        }
        return design
    }

    /// `people` subjects with 1–3 samples each; `kind` picks the comparisons.
    static func comparisons(kind: String, people: Int, seed: UInt64) -> LabeledComparisons {
        var random = SplitMix64(seed: seed)
        var subjectOf: [Int32] = []
        for s in 0..<people { for _ in 0...(Int(random.next() % 3)) { subjectOf.append(Int32(s)) } }
        var data = LabeledComparisons()
        data.subjectCount = people
        func add(_ i: Int, _ j: Int) {
            data.scores.append(random.next() % 17 == 0 && kind == "nan" ? .nan : Double(random.next() % 1000) / 1000)
            data.mated.append(subjectOf[i] == subjectOf[j])
            data.probeSubject.append(subjectOf[i])
            data.referenceSubject.append(subjectOf[j])
            data.probeSample.append(kind == "unknown" && random.next() % 5 == 0 ? -1 : Int32(i))
            data.referenceSample.append(Int32(j))
        }
        let n = subjectOf.count
        switch kind {
        case "bipartite":
            // Even samples are probes, odd ones references.
            for i in stride(from: 0, to: n, by: 2) {
                for j in stride(from: 1, to: n, by: 2) where subjectOf[i] != subjectOf[j] { add(i, j) }
            }
        case "sparse":
            for i in 0..<n { for j in (i + 1)..<n where random.next() % 3 == 0 { add(i, j) } }
        default:
            for i in 0..<n { for j in (i + 1)..<n { add(i, j) } }
        }
        return data
    }

    @Test(
        "the design is the one its definition gives: complete, bipartite, sparse, with unknown samples, with failures",
        arguments: ["all", "bipartite", "sparse", "unknown", "nan"])
    func matchesDefinition(kind: String) {
        for seed: UInt64 in 1...4 {
            let data = Self.comparisons(kind: kind, people: 40 + Int(seed) * 7, seed: seed)
            var random = SplitMix64(seed: seed &+ 99)
            // Every comparison in order, a shuffled order, and a random half.
            let everything = Array(0..<data.count)
            var shuffled = everything
            shuffled.shuffle(using: &random)
            let half = everything.filter { _ in random.next() % 2 == 0 }
            for indices in [everything, shuffled, half, []] {
                let design = SubjectBootstrap.design(data, indices: indices)
                let expected = Self.reference(data, indices: indices)
                #expect(String(describing: design.matedTrials) == String(describing: expected.matedTrials), "\(kind) seed \(seed)")
                #expect(String(describing: design.denominator) == String(describing: expected.denominator), "\(kind) seed \(seed)")
            }
        }
    }

    @Test("the cases these inputs are meant to reach are reached")
    func casesReached() {
        func kind(_ data: LabeledComparisons) -> String {
            switch SubjectBootstrap.design(data, indices: Array(0..<data.count)).denominator {
            case .allPairs: "allPairs"
            case .bipartite: "bipartite"
            case .sparse: "sparse"
            }
        }
        #expect(kind(Self.comparisons(kind: "all", people: 30, seed: 1)) == "allPairs")
        #expect(kind(Self.comparisons(kind: "bipartite", people: 30, seed: 1)) == "bipartite")
        #expect(kind(Self.comparisons(kind: "sparse", people: 30, seed: 1)) == "sparse")
        #expect(kind(Self.comparisons(kind: "unknown", people: 30, seed: 1)) == "sparse")
    }
}
