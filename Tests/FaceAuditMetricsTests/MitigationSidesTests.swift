import Testing

@testable import FaceAuditMetrics

/// ``Mitigation/Sides`` finds a template's statistics by sample index; these tests hold it to the
/// dictionary of statistics it replaced, where templates share a sample index or have none.
@Suite("Normalising statistics found by sample index")
struct MitigationSidesTests {
    @Test("every template gets what its statistics give, whatever shares its sample index")
    func sameAsTheDictionary() {
        var random = SplitMix64(seed: 21)
        var stats: [Mitigation.Template: Mitigation.Statistics] = [:]
        func template() -> Mitigation.Template {
            Mitigation.Template(subject: Int32(random.below(6)), sample: Int32(random.below(12)) - 2, cohort: Int32(random.below(3)) - 1)
        }
        for _ in 0..<60 {
            var s = Mitigation.Statistics()
            for _ in 0..<random.below(5) { s.add(Double(random.below(4)) / 4, against: Int32(random.below(4))) }
            stats[template()] = s
        }
        for minimumPeople in 1...3 {
            let sides = Mitigation.Sides(stats, minimumPeople: minimumPeople)
            for _ in 0..<400 {
                let t = template()
                let expected = stats[t].flatMap { s in
                    s.count >= 2 && s.people.count >= minimumPeople && s.standardDeviation > 0 ? (s.mean, s.standardDeviation) : nil
                }
                let found = sides[t]
                #expect(found?.mean == expected?.0 && found?.deviation == expected?.1, "\(t)")
            }
        }
    }
}
