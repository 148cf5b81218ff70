import Testing

@testable import FaceAuditMetrics

/// Who is in an error regression: the levels of its design.
@Suite("error regression: the people and levels of the design")
struct PersonCovariatesTests {
    /// From a review: with ages, every person without an age leaves the fit, but `age_band=unknown`, the
    /// level they all have, stayed in the design as a column of zeros, and every false-match regression of
    /// such a dataset failed as singular.
    @Test("a level none of whose people is in the fit (all without an age) is left out and listed as omitted")
    func levelWithoutPeopleInTheFit() {
        // Six people: two 18-29, two 30-49, two unknown (without an age); genders alternate.
        let bands = [0, 0, 1, 1, 2, 2]
        let votes = [
            bands.map { band in (0..<3).map { $0 == band ? 2 : 0 } },
            (0..<6).map { person in (0..<2).map { $0 == person % 2 ? 2 : 0 } },
        ]
        let names = [["age_band=18-29", "age_band=30-49", "age_band=unknown"], ["gender=female", "gender=male"]]
        let ageCount = [2, 2, 2, 2, 0, 0]
        let ageSum = [40.0, 42, 70, 74, 0, 0]
        let persons = ErrorRegression.PersonCovariates(
            votes: votes, cohortNames: names, ageSum: ageSum, ageCount: ageCount, references: [:], minimumPeople: 1)
        #expect(persons.design[0].levels.sorted() == ["18-29", "30-49"])
        #expect(persons.design[0].omitted == ["unknown"])
        #expect(persons.design[1].levels.sorted() == ["female", "male"] && persons.design[1].omitted == nil)
        #expect(persons.levels.map { $0 != nil } == [true, true, true, true, false, false])
        // The design's rows are not singular: a false-match fit over these people has a column per level
        // with people in it.
        let design = ErrorRegression.FalseMatchDesign(attributes: persons.design, ageDifference: true)
        #expect(!design.columns.contains("age_band=unknown"))
    }

    @Test("without missing ages, the levels and their order are as before: by people, reference first")
    func unchangedWithoutMissingAges() {
        let bands = [0, 0, 0, 1, 1, 2]
        let votes = [bands.map { band in (0..<3).map { $0 == band ? 1 : 0 } }]
        let persons = ErrorRegression.PersonCovariates(
            votes: votes, cohortNames: [["age_band=a", "age_band=b", "age_band=c"]], ageSum: [Double](repeating: 30, count: 6),
            ageCount: [Int](repeating: 1, count: 6), references: [:], minimumPeople: 2)
        #expect(persons.design[0].levels == ["a", "b"])
        #expect(persons.design[0].omitted == ["c"])
    }
}
