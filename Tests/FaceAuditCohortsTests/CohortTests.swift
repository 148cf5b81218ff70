import FaceAuditDatasets
import Testing

@testable import FaceAuditCohorts

@Suite("Cohorts")
struct CohortTests {
    @Test(
        "default age bands keep children apart",
        arguments: [
            (0.0, "0-3"), (3.99, "0-3"), (4, "4-7"), (7.9, "4-7"), (8, "8-12"), (12, "8-12"), (13, "13-17"), (17.5, "13-17"),
            (18, "18-29"), (29, "18-29"), (30, "30-49"), (49, "30-49"), (50, "50-64"), (64, "50-64"), (65, "65+"), (101, "65+"),
        ])
    func ageBands(age: Double, label: String) {
        #expect(AgeBands.standard.label(for: age) == label)
    }

    @Test("age_band labels decide the age group when there is no age; a child-to-adult band pair is in no age cohort")
    func ageGroupFromBandLabels() {
        let scheme = CohortScheme(dimensions: [.ageGroup, .ageBand], intersections: [])
        var child = Labels()
        child.ageBand = "0-12"
        var adult = Labels()
        adult.ageBand = "adult photo"
        var straddling = Labels()
        straddling.ageBand = "13-19"
        #expect(scheme.value(.ageGroup, of: child) == AgeGroup.children)
        #expect(scheme.value(.ageGroup, of: adult) == AgeGroup.adults)
        #expect(scheme.value(.ageGroup, of: straddling) == CohortDimension.unknown)
        #expect(scheme.pairValue(.ageGroup, child, child) == AgeGroup.children)
        #expect(scheme.pairValue(.ageGroup, child, adult) == nil)
        #expect(scheme.pairValue(.ageBand, child, adult) == nil)
        #expect(scheme.pairValue(.ageGroup, child, straddling) == CohortDimension.unknown)
        // An age wins over a band label, and two ages go by their mean (16 and 21: an adult pair).
        #expect(scheme.pairValue(.ageGroup, Labels(age: 16), Labels(age: 21)) == AgeGroup.adults)
    }

    @Test("band labels, child bands, and both spellings of a custom scheme")
    func customBands() throws {
        #expect(AgeBands.standard.labels == ["0-3", "4-7", "8-12", "13-17", "18-29", "30-49", "50-64", "65+"])
        #expect(["0-3", "4-7", "8-12", "13-17"].allSatisfy { AgeBands.standard.isChildBand($0) })
        #expect(!AgeBands.standard.isChildBand("18-29") && !AgeBands.standard.isChildBand("65+"))
        let a = try AgeBands(parsing: "0,18,65")
        let b = try AgeBands(parsing: "0-17, 18-64, 65+")
        #expect(a == b && a.labels == ["0-17", "18-64", "65+"])
        #expect(try AgeBands(parsing: "0,2.5,5").labels == ["0-<2.5", "2.5-<5", "5+"])
        #expect(throws: CohortError.self) { try AgeBands(parsing: "0,10,5") }
        #expect(throws: CohortError.self) { try AgeBands(parsing: "young,old") }
        #expect(try AgeBands(parsing: "5,10").label(for: 3) == nil)
    }

    /// From the hostile-input review: `0,1e19` trapped converting the bound to Int while naming the
    /// band (a crash with a backtrace); `-5` was read as `5+`; `0-3,4-7,65+` silently made a band 4-64.
    @Test("age bands out of range, negative or with gaps are refused, not crashed on or misread")
    func hostileAgeBands() throws {
        for text in ["0,1e19", "0,1e308", "0,131", "-5", "0,-5", "0-3,4-7,65+", "0-3,4-7", "0-3,4-x,8+"] {
            #expect(throws: CohortError.self, "\(text)") { try AgeBands(parsing: text) }
        }
        #expect(try AgeBands(parsing: "0-3,4-7,8+").labels == ["0-3", "4-7", "8+"])
        #expect(try AgeBands(parsing: "0-<2.5,2.5-<5,5+").labels == ["0-<2.5", "2.5-<5", "5+"])
        #expect(try AgeBands(parsing: "0,130").labels == ["0-129", "130+"])
    }

    @Test(
        "skin-tone groups: Monk 1-3/4-6/7-10, Fitzpatrick I-III/IV-VI",
        arguments: [
            ("monk:1", "monk:1-3"), ("monk:3", "monk:1-3"), ("monk:4", "monk:4-6"), ("monk:6", "monk:4-6"),
            ("monk:7", "monk:7-10"), ("monk:10", "monk:7-10"), ("fitzpatrick:I", "fitzpatrick:I-III"),
            ("fitzpatrick:III", "fitzpatrick:I-III"), ("fitzpatrick:IV", "fitzpatrick:IV-VI"), ("fitzpatrick:VI", "fitzpatrick:IV-VI"),
        ])
    func skinToneGroups(tone: String, group: String) throws {
        #expect(SkinToneGroup.label(for: try #require(SkinTone(parsing: tone))) == group)
    }

    @Test("missing labels form an explicit unknown cohort")
    func unknown() {
        let scheme = CohortScheme(dimensions: CohortDimension.allCases, intersections: [])
        let keys = scheme.keys(of: Labels())
        #expect(
            keys.map(\.description) == [
                "age_group=unknown", "age_band=unknown", "gender=unknown", "ethnicity=unknown", "skin_tone=unknown",
            ])
        #expect(keys.allSatisfy { $0.hasUnknown })
    }

    @Test("an image belongs to each marginal and each intersection")
    func intersections() throws {
        let labels = Labels(age: 10, gender: "female", ethnicity: "black", skinTone: SkinTone(scale: .monk, value: 8))
        let scheme = CohortScheme(
            dimensions: [.gender, .ethnicity, .ageBand], intersections: CohortScheme.allSubsets(of: [.ageBand, .gender, .ethnicity]))
        #expect(
            scheme.keys(of: labels).map(\.description) == [
                "age_band=8-12", "gender=female", "ethnicity=black",
                "age_band=8-12;gender=female", "age_band=8-12;ethnicity=black", "gender=female;ethnicity=black",
                "age_band=8-12;gender=female;ethnicity=black",
            ])
        #expect(CohortScheme.allSubsets(of: [.ageBand, .gender, .ethnicity, .skinTone]).count == 11)
    }

    @Test("a pair's age band is the band of its mean age; split labels put it in no cohort")
    func pairs() {
        let scheme = CohortScheme(dimensions: CohortDimension.allCases, intersections: [])
        let a = Labels(age: 16, gender: "male")
        let b = Labels(age: 21, gender: "male")
        #expect(scheme.pairValue(.ageBand, a, b) == "18-29")  // mean 18.5
        #expect(scheme.pairValue(.ageBand, Labels(age: 16), Labels(age: 19)) == "13-17")  // mean 17.5
        #expect(scheme.pairValue(.ageBand, a, Labels()) == "unknown")
        #expect(scheme.pairValue(.gender, a, b) == "male")
        #expect(scheme.pairValue(.gender, a, Labels(gender: "female")) == nil)
        #expect(scheme.pairKey([.ageBand, .gender], a, b)?.description == "age_band=18-29;gender=male")
        #expect(scheme.pairKey([.ageBand, .gender], a, Labels(age: 20, gender: "female")) == nil)
    }

    @Test("automatic scheme uses only dimensions with a known label")
    func automatic() {
        let records = [
            ImageRecord(path: "a", subject: SubjectID("1"), labels: Labels(age: 30, gender: "female")),
            ImageRecord(path: "b", subject: SubjectID("2"), labels: Labels(gender: "male")),
        ]
        let scheme = CohortScheme.automatic(for: records)
        #expect(scheme.dimensions == [.ageGroup, .ageBand, .gender])
        #expect(scheme.intersections == [[.ageBand, .gender]])  // age group is never intersected
        let noAge = CohortScheme.automatic(
            for: records.map { ImageRecord(path: $0.path, subject: $0.subject, labels: Labels(gender: "x")) })
        #expect(noAge.dimensions == [.gender])
    }

    @Test("under 18 is a child: one decision for photos, pairs by their mean age, unknown without an age")
    func ageGroup() {
        #expect(AgeGroup.isUnder18(Labels(age: 17.99)) == true)
        #expect(AgeGroup.isUnder18(Labels(age: 0)) == true)
        #expect(AgeGroup.isUnder18(Labels(age: 18)) == false)
        #expect(AgeGroup.isUnder18(Labels(gender: "female")) == nil)
        let scheme = CohortScheme(dimensions: [.ageGroup], intersections: [])
        #expect(scheme.value(.ageGroup, of: Labels(age: 12)) == "under-18")
        #expect(scheme.value(.ageGroup, of: Labels(age: 40)) == "18+")
        #expect(scheme.value(.ageGroup, of: Labels()) == "unknown")
        // NIST's mean-age convention, as for age bands: 16 and 21 (mean 18.5) is an adult pair, 16 and 19 a child's.
        #expect(scheme.pairValue(.ageGroup, Labels(age: 16), Labels(age: 21)) == "18+")
        #expect(scheme.pairValue(.ageGroup, Labels(age: 16), Labels(age: 19)) == "under-18")
        #expect(scheme.pairValue(.ageGroup, Labels(age: 16), Labels()) == "unknown")
        #expect(AgeGroup.pairIsUnder18(Labels(age: 10), Labels(age: 11)) == true)
        #expect(AgeGroup.plainName(of: "under-18") == "children (under 18)" && AgeGroup.plainName(of: "unknown") == "unknown")
    }

    @Test("age group comes with age band, alone, and is compared with adults")
    func standardScheme() {
        let withAge = CohortScheme.standard([.ageBand, .gender])
        #expect(withAge.dimensions == [.ageGroup, .ageBand, .gender])
        #expect(withAge.intersections == [[.ageBand, .gender]])
        #expect(CohortScheme.standard([.gender, .ethnicity]).dimensions == [.gender, .ethnicity])
        #expect(CohortScheme.standard([.ageGroup, .gender]).intersections.isEmpty)
        #expect(withAge.referenceCohort(for: [.ageGroup], requested: nil) == "age_group=18+")
        #expect(withAge.referenceCohort(for: [.ageGroup], requested: "gender=male") == "age_group=18+")
        #expect(withAge.referenceCohort(for: [.ageGroup], requested: "age_group=under-18") == "age_group=under-18")
        #expect(withAge.referenceCohort(for: [.gender], requested: "gender=male") == "gender=male")
        #expect(withAge.referenceCohort(for: [.ageBand], requested: nil) == nil)
    }

    @Test("dimension lists parse with aliases and reject unknown names")
    func dimensionList() throws {
        #expect(try CohortDimension.parseList("race, sex,age") == [.ageBand, .gender, .ethnicity])
        #expect(try CohortDimension.parseList("gender,children,age_group") == [.ageGroup, .gender])
        #expect(throws: CohortError.self) { try CohortDimension.parseList("height") }
    }

    @Test("cohort keys order by size, then dimension, then value")
    func ordering() {
        let keys = [
            CohortKey([.init(.gender, "male"), .init(.ageBand, "4-7")]),
            CohortKey([.init(.gender, "male")]),
            CohortKey([.init(.ageBand, "0-3")]),
            CohortKey([.init(.gender, "female")]),
        ]
        #expect(keys.sorted().map(\.description) == ["age_band=0-3", "gender=female", "gender=male", "age_band=4-7;gender=male"])
    }
}

@Suite("Age-band labels per photo")
struct AgeBandLabelTests {
    @Test(
        "what a band label says about being under 18",
        arguments: [
            ("0-12", true), ("13-17", true), ("0 – 17", true), ("<18", true), ("under 18", true), ("0-<4.5", true), ("5", true),
            ("child photo", true), ("Minor", true), ("kids", true), ("juvenile offender", true), ("18-29", false), ("65+", false),
            ("18", false), ("adult photo", false), ("ADULTS", false), ("10-19", nil), ("10+", nil), ("teen", nil), ("group photo", nil),
            ("child or adult", nil), ("non-adult", nil), ("12-5", nil), ("", nil),
        ] as [(String, Bool?)])
    func under18(label: String, expected: Bool?) {
        #expect(AgeBandLabel(label).isUnder18 == expected, "\(label)")
    }

    @Test("numeric labels are written as AgeBands writes them; words lower-cased; younger bands sort first")
    func canonicalAndOrder() {
        #expect(AgeBandLabel(" 0 – 12 ").label == "0-12" && AgeBandLabel("65 +").label == "65+" && AgeBandLabel("Under 18").label == "<18")
        #expect(AgeBandLabel("Child   Photo").label == "child photo")
        #expect(AgeBands.standard.labels.allSatisfy { AgeBandLabel($0).label == $0 })
        let sorted = ["adult photo", "65+", "zebra", "18-29", "child photo", "0-12", "13-17", "0-3", "group photo"].map(AgeBandLabel.init)
            .sorted().map(\.label)
        #expect(sorted == ["0-3", "0-12", "child photo", "13-17", "18-29", "adult photo", "65+", "group photo", "zebra"])
        #expect(AgeBandLabel("0-12") < AgeBandLabel("18-29") && !(AgeBandLabel("18-29") < AgeBandLabel("0-12")))
        #expect(!(AgeBandLabel("0-12") < AgeBandLabel("0-12")))
    }

    @Test("an age wins over a band label; a band label alone is the photo's age cohort")
    func photoCohort() {
        let scheme = CohortScheme(dimensions: [.ageBand], intersections: [])
        #expect(scheme.value(.ageBand, of: Labels(age: 10, ageBand: "18-29")) == "8-12")
        #expect(scheme.value(.ageBand, of: Labels(ageBand: "0 - 12")) == "0-12")
        #expect(scheme.value(.ageBand, of: Labels(ageBand: "child photo")) == "child photo")
        let records = [ImageRecord(path: "a", subject: SubjectID("s"), labels: Labels(ageBand: "adult photo"))]
        #expect(CohortScheme.automatic(for: records).dimensions == [.ageGroup, .ageBand])
    }

    @Test("mean-age rule with band labels: a pair of one band is in it; two different bands have no mean and no age cohort")
    func bandOnlyPairs() {
        let scheme = CohortScheme(dimensions: [.ageBand, .gender], intersections: [[.ageBand, .gender]])
        let child = Labels(ageBand: "0-12", gender: "f")
        let adult = Labels(ageBand: "18-29", gender: "f")
        #expect(scheme.pairValue(.ageBand, child, child) == "0-12")
        #expect(scheme.pairValue(.ageBand, child, adult) == nil)
        #expect(scheme.pairKey([.ageBand, .gender], child, adult) == nil)
        #expect(scheme.pairKey([.gender], child, adult)?.description == "gender=f")
        // An age on one photo gives its band; the other photo's label must match it.
        #expect(scheme.pairValue(.ageBand, Labels(age: 25), adult) == "18-29")
        #expect(scheme.pairValue(.ageBand, Labels(age: 10), adult) == nil)
        // Ages on both photos: the mean, whatever the band labels say.
        #expect(scheme.pairValue(.ageBand, Labels(age: 8, ageBand: "0-12"), Labels(age: 25, ageBand: "18-29")) == "13-17")
        #expect(scheme.pairValue(.ageBand, child, Labels()) == "unknown")
    }

    @Test("years-elapsed bands: [0,2) [2,5) [5,10) [10,inf)")
    func yearsElapsed() {
        #expect(AgeBands.yearsElapsed.labels == ["0-1", "2-4", "5-9", "10+"])
        #expect(
            [0, 1.99, 2, 4.99, 5, 9.99, 10, 40].map { AgeBands.yearsElapsed.label(for: $0)! } == [
                "0-1", "0-1", "2-4", "2-4", "5-9", "5-9", "10+", "10+",
            ])
    }
}

@Suite("Natural order of cohort names")
struct NaturalOrderTests {
    @Test("age bands and skin-tone groups sort as read")
    func order() {
        let names = ["age_band=65+", "age_band=13-17", "age_band=8-12", "age_band=unknown", "age_band=18-29", "age_band=0-3"]
        #expect(
            names.sorted(by: NaturalOrder.less) == [
                "age_band=0-3", "age_band=8-12", "age_band=13-17", "age_band=18-29", "age_band=65+", "age_band=unknown",
            ])
        #expect(
            ["skin_tone=monk:7-10", "skin_tone=monk:1-3", "skin_tone=monk:4-6"].sorted(by: NaturalOrder.less) == [
                "skin_tone=monk:1-3", "skin_tone=monk:4-6", "skin_tone=monk:7-10",
            ])
    }
}
