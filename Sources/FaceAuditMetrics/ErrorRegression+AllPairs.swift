import FaceAuditSorting
import Foundation

extension ErrorRegression {
    /// An all-pairs design as the regressions read it, without a list of every comparison: every sample is
    /// compared once with every other, so the trials of every person pair follow from how many templates
    /// each person has, and only the comparisons that can be errors (the non-mated ones at or above the
    /// lowest threshold) are listed. A run that keeps every pair and a streamed run of 10⁹ pairs give the
    /// same regressions through it (the streamed run's exactly kept pairs are exactly these).
    public struct AllPairsComparisons: Sendable {
        /// One attribute's labels (e.g. gender): cohort names `attribute=level` and each sample's cohort.
        public struct AttributeLabels: Sendable {
            /// Cohort names, `attribute=level`.
            public var cohortNames: [String]
            /// Each sample's cohort index (−1: none).
            public var sampleCohort: [Int32]

            /// Labels of one attribute.
            public init(cohortNames: [String], sampleCohort: [Int32]) {
                self.cohortNames = cohortNames
                self.sampleCohort = sampleCohort
            }
        }

        /// Number of people (indices 0..<subjectCount).
        public var subjectCount: Int
        /// Each sample's person.
        public var sampleSubject: [Int32]
        /// Whether each sample has a template (comparisons with one that has none are failures to acquire).
        public var sampleCompleted: [Bool]
        /// One per single-attribute cohort dimension, all over the same samples.
        public var attributes: [AttributeLabels]
        /// Every mated comparison: its two samples and its similarity (NaN: a sample has no template).
        public var mated: [(i: Int32, j: Int32, score: Double)]
        /// Every non-mated comparison of two completed samples with similarity ≥ ``listedFrom``, and
        /// possibly others (those below are ignored).
        public var nonMated: PairList
        /// Every non-mated similarity at or above this is in ``nonMated``.
        public var listedFrom: Double
        /// The listed comparisons' false matches at the lowest of some thresholds, sorted by pair of
        /// subjects (of ``sampleSubject``), each with the highest of those thresholds it reached. When
        /// every threshold of a regression is one of them and at or above ``listedFrom``, the regression
        /// counts its errors from these instead of sorting keys of its own: the same tallies.
        public var falseMatchRuns: PartnerCounts.FalseMatchRuns?

        /// A design; see the properties.
        public init(
            subjectCount: Int, sampleSubject: [Int32], sampleCompleted: [Bool], attributes: [AttributeLabels],
            mated: [(i: Int32, j: Int32, score: Double)], nonMated: PairList, listedFrom: Double
        ) {
            precondition(sampleCompleted.count == sampleSubject.count, "one completion flag per sample")
            precondition(attributes.allSatisfy { $0.sampleCohort.count == sampleSubject.count }, "one cohort per sample")
            self.subjectCount = subjectCount
            self.sampleSubject = sampleSubject
            self.sampleCompleted = sampleCompleted
            self.attributes = attributes
            self.mated = mated
            self.nonMated = nonMated
            self.listedFrom = listedFrom
        }
    }

    /// Comparisons as three parallel arrays (first sample, second sample, similarity), read as
    /// `(i, j, score)` triples: a design can then share a streamed run's arrays of kept pairs instead
    /// of copying them (16 bytes a pair).
    public struct PairList: RandomAccessCollection, Sendable {
        /// The first sample of each comparison.
        public private(set) var first: [Int32] = []
        /// The second sample of each comparison.
        public private(set) var second: [Int32] = []
        /// The similarity of each comparison.
        public private(set) var scores: [Double] = []

        /// Comparisons from their three arrays, which must have one entry per comparison each.
        public init(first: [Int32], second: [Int32], scores: [Double]) {
            precondition(first.count == scores.count && second.count == scores.count, "one sample pair per score")
            self.first = first
            self.second = second
            self.scores = scores
        }

        /// No comparisons.
        public init() {}

        /// The comparisons of `pairs`, in their order.
        public init(_ pairs: some Sequence<(i: Int32, j: Int32, score: Double)>) {
            for pair in pairs { append(pair) }
        }

        /// Appends one comparison.
        public mutating func append(_ pair: (i: Int32, j: Int32, score: Double)) {
            first.append(pair.i)
            second.append(pair.j)
            scores.append(pair.score)
        }

        /// 0.
        public var startIndex: Int { 0 }
        /// The number of comparisons.
        public var endIndex: Int { scores.count }
        /// Comparison `k`.
        public subscript(k: Int) -> (i: Int32, j: Int32, score: Double) { (first[k], second[k], scores[k]) }
    }

    /// The two regressions at each of `thresholds` on an all-pairs design, the same model as
    /// ``analyze(attributes:thresholds:samples:references:minimumPeople:alpha:)`` gives when its comparisons
    /// are all pairs of the same samples (a person's level: the cohort most of their samples have; their
    /// age: the mean over their samples).
    ///
    /// Cost: O(samples + people × person classes + listed pairs · log), where a person class is a
    /// distinct (levels, mean age); never O(pairs). Trials, their squares per person pair and the per-person
    /// trials of the two-way clustering are summed over classes; events come from the listed pairs. A
    /// threshold below ``AllPairsComparisons/listedFrom`` gets a false-match outcome with an error (its
    /// events are not all listed); the false-non-match regression is always fitted.
    public static func analyze(
        allPairs data: AllPairsComparisons, thresholds: [Double], samples: SampleCovariates, references: [String: String] = [:],
        minimumPeople: Int = 1, alpha: Double = 0.05
    ) -> [Analysis] {
        let t = tallies(allPairs: data, thresholds: thresholds, samples: samples, references: references, minimumPeople: minimumPeople)
        return thresholds.indices.map { i in
            let falseMatch: Outcome
            if thresholds[i] < data.listedFrom {
                falseMatch = Outcome(
                    fit: nil,
                    error:
                        "the threshold lies below the comparisons this run kept exactly (similarity \(data.listedFrom)), so its false "
                        + "matches per person pair are not known; raise --exact-pair-limit to keep every pair",
                    excludedPairs: t.falseMatchExcluded)
            } else {
                falseMatch = outcome(t.falseMatch[i], excluded: t.falseMatchExcluded, attributes: t.attributes, alpha: alpha)
            }
            return Analysis(
                threshold: thresholds[i], attributes: t.attributes, falseMatch: falseMatch,
                falseNonMatch: outcome(t.falseNonMatch[i], excluded: t.falseNonMatchExcluded, alpha: alpha))
        }
    }

    /// A fit of `t`, or the error that stopped it; with `attributes` (the false-match design's), its group
    /// columns' intervals for few people and many groups (``withGroupIntervals(_:attributes:alpha:)``).
    static func outcome(_ t: ErrorRegressionTallies, excluded: Int, attributes: [Attribute] = [], alpha: Double) -> Outcome {
        do throws(ErrorRegressionError) {
            let fit = try fit(t, alpha: alpha)
            return Outcome(fit: withGroupIntervals(fit, attributes: attributes, alpha: alpha), error: nil, excludedPairs: excluded)
        } catch {
            return Outcome(fit: nil, error: error.description, excludedPairs: excluded)
        }
    }

    /// The tallies ``analyze(allPairs:thresholds:samples:references:minimumPeople:alpha:)`` fits.
    /// `personTableLimit`: the most (person, cell) entries per-person events are gathered in as tables
    /// before they go to the tallies' dictionaries; above it they are added pair by pair (the same tallies).
    /// `secondByClass`: whether the tables may gather the second person's events by the first's class
    /// (when there are fewer classes than cells; the same tallies).
    static func tallies(
        allPairs data: AllPairsComparisons, thresholds: [Double], samples: SampleCovariates, references: [String: String],
        minimumPeople: Int, personTableLimit: Int = 1 << 20, secondByClass: Bool = true
    )
        -> (
            attributes: [Attribute], falseMatch: [ErrorRegressionTallies], falseMatchExcluded: Int,
            falseNonMatch: [ErrorRegressionTallies], falseNonMatchExcluded: Int
        )
    {
        let people = data.subjectCount
        let n = data.sampleSubject.count
        // Every sample votes once for its cohort (in all pairs every sample is in the same number of
        // comparisons, so this is the comparison-weighted vote of the general builder).
        let votes = data.attributes.map { labels in
            var votes = [[Int]](repeating: [Int](repeating: 0, count: labels.cohortNames.count), count: people)
            for s in 0..<n where labels.sampleCohort[s] >= 0 { votes[Int(data.sampleSubject[s])][Int(labels.sampleCohort[s])] += 1 }
            return votes
        }
        var ageSum = [Double](repeating: 0, count: people)
        var ageCount = [Int](repeating: 0, count: people)
        var templates = [Int](repeating: 0, count: people)
        var photos = [Int](repeating: 0, count: people)
        for s in 0..<n {
            let p = Int(data.sampleSubject[s])
            photos[p] += 1
            if data.sampleCompleted[s] { templates[p] += 1 }
            if n > 1, let age = samples.ages[s] {
                ageSum[p] += age
                ageCount[p] += 1
            }
        }
        let persons = PersonCovariates(
            votes: votes, cohortNames: data.attributes.map(\.cohortNames), ageSum: ageSum, ageCount: ageCount, references: references,
            minimumPeople: minimumPeople)
        let fm = FalseMatchDesign(attributes: persons.design, ageDifference: persons.withAges)
        var tallies = fm.tallies()

        // Person classes: people whose rows with everyone are the same (levels and mean age), with a template.
        struct ClassKey: Hashable {
            var levels: [Int]
            var age: Double
        }
        var classIndex: [ClassKey: Int] = [:]
        var classOf = [Int](repeating: -1, count: people)
        var representative: [Int] = []
        for p in 0..<people where templates[p] > 0 {
            guard let levels = persons.levels[p] else { continue }
            let key = ClassKey(levels: levels, age: persons.withAges ? persons.age[p] : 0)
            if let c = classIndex[key] {
                classOf[p] = c
            } else {
                classIndex[key] = representative.count
                classOf[p] = representative.count
                representative.append(p)
            }
        }
        let classes = representative.count
        // The cell of every class pair, and per class Σn, Σn², Σn⁴ over its people (n: templates).
        var cellOf = [Int](repeating: 0, count: classes * classes)
        for k in 0..<classes {
            for l in k..<classes {
                let c = tallies.cell(for: persons.row(fm, representative[k], representative[l]))
                cellOf[k * classes + l] = c
                cellOf[l * classes + k] = c
            }
        }
        var s1 = [Double](repeating: 0, count: classes)
        var s2 = [Double](repeating: 0, count: classes)
        var s4 = [Double](repeating: 0, count: classes)
        var kept = 0
        for p in 0..<people where classOf[p] >= 0 {
            let m = Double(templates[p])
            s1[classOf[p]] += m
            s2[classOf[p]] += m * m
            s4[classOf[p]] += m * m * m * m
            kept += 1
        }
        for k in 0..<classes {
            for l in k..<classes {
                let trials = k == l ? (s1[k] * s1[k] - s2[k]) / 2 : s1[k] * s1[l]
                let squares = k == l ? (s2[k] * s2[k] - s4[k]) / 2 : s2[k] * s2[l]
                tallies.addCellTotals(cell: cellOf[k * classes + l], trials: trials, trialsSquared: squares)
            }
        }
        tallies.addPersonPairs(kept * (kept - 1) / 2)
        // Per person, the trials with every higher-numbered person (as the pair's first) and every lower-numbered
        // one (as its second), by cell, follow from the classes: kept as structure, summed when the sandwich needs them.
        let structure = ErrorRegressionTallies.ClassTrials(classOf: classOf, templates: templates, classes: classes, cellOf: cellOf)
        tallies.classTrials = structure
        var falseMatch = [ErrorRegressionTallies](repeating: tallies, count: thresholds.count)
        addEvents(
            data, thresholds: thresholds, structure: structure, to: &falseMatch, tableLimit: personTableLimit, secondByClass: secondByClass)

        // Every non-mated comparison that is not a kept trial was left out.
        var matedComparisons = 0
        for count in photos { matedComparisons += count * (count - 1) / 2 }
        let nonMated = n * (n - 1) / 2 - matedComparisons
        let mated = falseNonMatchTallies(
            data.mated.lazy.map { (person: Int(data.sampleSubject[Int($0.i)]), i: Int($0.i), j: Int($0.j), score: $0.score) },
            thresholds: thresholds, samples: samples)
        // The people in the fit: every kept person with a template, when there are two to pair.
        let inFit = classOf.map { $0 >= 0 && kept > 1 }
        return (persons.design(peopleInFit: inFit), falseMatch, nonMated - Int(tallies.observations), mated.tallies, mated.excluded)
    }

    /// Adds the listed non-mated comparisons' errors: per ordered person pair (lower person first) and
    /// threshold, its events e with its trials m (both people's templates multiplied).
    private static func addEvents(
        _ data: AllPairsComparisons, thresholds: [Double], structure: ErrorRegressionTallies.ClassTrials,
        to tallies: inout [ErrorRegressionTallies], tableLimit: Int, secondByClass allowByClass: Bool
    ) {
        let (classOf, classes, cellOf, templates) = (structure.classOf, structure.classes, structure.cellOf, structure.templates)
        guard let lowest = thresholds.min(), data.nonMated.contains(where: { $0.score >= lowest }) else { return }
        // Thresholds ascending; a comparison at or above the t-th is an error at the first t + 1 of them.
        let order = thresholds.indices.sorted { thresholds[$0] < thresholds[$1] }
        let ascending = order.map { thresholds[$0] }
        // The errors from the design's false-match runs when they cover every threshold, else from keys
        // sorted here.
        let runs = data.falseMatchRuns.flatMap { runs in Self.runThresholds(runs, ascending, data).map { (runs, $0) } }
        let keys = runs == nil ? errorKeys(data, ascending: ascending, classOf: classOf) : nil
        /// Calls `body(t, a, b, errors)` for every pair of people a < b with errors, and every ascending
        /// threshold position t where it has some, from the highest down.
        func forEachError(_ body: (Int, Int, Int, Int) -> Void) {
            if let (runs, positions) = runs {
                forEachPersonPair(runs, thresholds: positions, classOf: classOf, body)
            } else if let keys {
                forEachPersonPair(
                    keys.keys, personBits: keys.personBits, thresholdBits: keys.thresholdBits, thresholds: thresholds.count, body)
            }
        }
        // Per-person events in tables (person · cells + cell) when they are small, added to the tallies'
        // dictionaries once at the end rather than hashed per person pair.
        let cellCount = tallies.map(\.cells.count).max() ?? 0
        let tableSize = data.subjectCount.multipliedReportingOverflow(by: cellCount)
        let tabled = !tableSize.overflow && tableSize.partialValue <= tableLimit
        guard tabled else {
            forEachError { t, a, b, events in
                let cell = cellOf[classOf[a] * classes + classOf[b]]
                let m = Double(templates[a] * templates[b])
                tallies[order[t]].addPersonPairEvents(first: a, second: b, cell: cell, trials: m, events: Double(events))
            }
            return
        }
        // Tabled: per threshold (in `order`'s positions), each cell's three sums and each person's events,
        // in flat tables written through pointers, added to the tallies once at the end. Events and
        // trials are whole numbers, so the sums are exact whatever their order.
        let size = tableSize.partialValue
        var cellSums = [Double](repeating: 0, count: thresholds.count * cellCount * 3)
        var firstEvents = [Double](repeating: 0, count: thresholds.count * size)
        var secondEvents = firstEvents
        // The second person's events arrive in no order (the keys are sorted by the first), so they go
        // to the smallest table that holds them: by the first person's class rather than the cell when
        // there are fewer classes than cells (the cell follows from the two classes), in 32 bits (no
        // person has 2³¹ errors: there are fewer keys), then into the cells' table once per entry.
        let byClass = allowByClass && classes < cellCount && (keys?.keys.count ?? runs?.0.keys.count ?? 0) < Int(Int32.max)
        var secondByClass = [Int32](repeating: 0, count: byClass ? thresholds.count * data.subjectCount * classes : 0)
        cellSums.withUnsafeMutableBufferPointer { cellSums in
            firstEvents.withUnsafeMutableBufferPointer { firstEvents in
                secondEvents.withUnsafeMutableBufferPointer { secondEvents in
                    secondByClass.withUnsafeMutableBufferPointer { secondByClass in
                        let perThreshold = data.subjectCount * classes
                        forEachError { t, a, b, events in
                            let cell = cellOf[classOf[a] * classes + classOf[b]]
                            let m = Double(templates[a] * templates[b])
                            let e = Double(events)
                            let sums = (t * cellCount + cell) * 3
                            cellSums[sums] += e
                            cellSums[sums + 1] += m * e
                            cellSums[sums + 2] += e * e
                            firstEvents[t * size + a * cellCount + cell] += e
                            if byClass {
                                secondByClass[t * perThreshold + b * classes + classOf[a]] &+= Int32(truncatingIfNeeded: events)
                            } else {
                                secondEvents[t * size + b * cellCount + cell] += e
                            }
                        }
                        guard byClass else { return }
                        for t in thresholds.indices {
                            for b in 0..<data.subjectCount where classOf[b] >= 0 {
                                for k in 0..<classes {
                                    let events = secondByClass[t * perThreshold + b * classes + k]
                                    guard events != 0 else { continue }
                                    secondEvents[t * size + b * cellCount + cellOf[k * classes + classOf[b]]] += Double(events)
                                }
                            }
                        }
                    }
                }
            }
        }
        for t in thresholds.indices {
            let tally = order[t]
            for cell in 0..<cellCount {
                let sums = (t * cellCount + cell) * 3
                guard cellSums[sums] > 0 else { continue }  // only cells with errors, as pair by pair
                tallies[tally].addCellSums(
                    cell: cell, events: cellSums[sums], trialsTimesEvents: cellSums[sums + 1], eventsSquared: cellSums[sums + 2])
            }
            tallies[tally].addPersonEvents(
                first: Array(firstEvents[(t * size)..<((t + 1) * size)]), second: Array(secondEvents[(t * size)..<((t + 1) * size)]),
                cellCount: cellCount)
        }
    }

    /// The errors of `data`'s listed comparisons at or above the lowest of `ascending`, one key each:
    /// lower person, higher person, the highest threshold reached, each in as few bits as its count
    /// needs (32 for 25,000 people and three thresholds), so that the radix sort has few bits to pass
    /// over; sorted. People without a class (`classOf` −1) are left out.
    private static func errorKeys(
        _ data: AllPairsComparisons, ascending: [Double], classOf: [Int]
    ) -> (keys: [UInt64], personBits: UInt64, thresholdBits: UInt64) {
        let lowest = ascending[0]
        let thresholds = ascending
        // One key per error: lower person, higher person, the highest threshold reached, each in as few
        // bits as its count needs (32 for 25,000 people and three thresholds), so that the radix
        // sort has few bits to pass over.
        precondition(data.subjectCount < 1 << 24 && thresholds.count < 1 << 16, "at most 2^24 people and 2^16 thresholds")
        let thresholdBits = UInt64(Int.bitWidth - max(thresholds.count - 1, 0).leadingZeroBitCount)
        let personBits = UInt64(Int.bitWidth - max(data.subjectCount - 1, 0).leadingZeroBitCount)
        // Sized exactly (a count first): the keys and the sort's buffer are this stage's largest arrays.
        // Through raw pointers: iterating the pair list as a collection (a tuple per pair, every array
        // checked) took most of this stage's own time.
        let listed = data.nonMated.scores.count { $0 >= lowest }
        var keys = [UInt64](unsafeUninitializedCapacity: listed) { keys, count in
            count = 0
            data.nonMated.first.withUnsafeBufferPointer { first in
                data.nonMated.second.withUnsafeBufferPointer { second in
                    data.nonMated.scores.withUnsafeBufferPointer { scores in
                        data.sampleSubject.withUnsafeBufferPointer { subjectOf in
                            classOf.withUnsafeBufferPointer { classOf in
                                for k in scores.indices where scores[k] >= lowest {
                                    let score = scores[k]
                                    let a = Int(subjectOf[Int(first[k])])
                                    let b = Int(subjectOf[Int(second[k])])
                                    guard classOf[a] >= 0, classOf[b] >= 0, a != b else { continue }
                                    var reached = 0
                                    while reached + 1 < ascending.count && score >= ascending[reached + 1] { reached += 1 }
                                    keys[count] = (UInt64(min(a, b)) << personBits | UInt64(max(a, b))) << thresholdBits | UInt64(reached)
                                    count += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        RadixSort.sort(&keys)
        return (keys, personBits, thresholdBits)
    }

    /// Where each of `ascending` lies among the runs' thresholds, or nil when one is not among them,
    /// lies below the listed comparisons, or the runs are not of `data`'s subjects.
    private static func runThresholds(_ runs: PartnerCounts.FalseMatchRuns, _ ascending: [Double], _ data: AllPairsComparisons) -> [Int]? {
        guard runs.subjects == data.subjectCount else { return nil }
        var positions: [Int] = []
        for tau in ascending {
            guard tau >= data.listedFrom, let p = runs.thresholds.firstIndex(of: tau) else { return nil }
            positions.append(p)
        }
        return positions
    }

    /// ``forEachPersonPair(_:personBits:thresholdBits:thresholds:_:)`` from false-match runs: for each pair
    /// of people with a class, at each ascending threshold t (the runs' `thresholds[t]`-th), the errors that
    /// reached it, from the highest t down: the same calls in the same order.
    private static func forEachPersonPair(
        _ runs: PartnerCounts.FalseMatchRuns, thresholds positions: [Int], classOf: [Int], _ body: (Int, Int, Int, Int) -> Void
    ) {
        let mask = UInt32((1 << runs.reachedBits) - 1)
        // A pair's keys ascend by `reached`, and `positions` ascend with t: the keys that reached
        // positions[t] are a suffix of the pair's, which only grows as t falls. (With a table per pair,
        // cleared, counted into and summed from the top, the error regression of a 20,000-template run
        // took 108–110 ms; 91–97 ms this way, six runs each in turn.)
        runs.forEachPair { a, b, keys in
            guard classOf[a] >= 0, classOf[b] >= 0 else { return }
            var first = keys.count
            for t in stride(from: positions.count - 1, through: 0, by: -1) {
                let position = UInt32(truncatingIfNeeded: positions[t])
                while first > 0 && keys[first - 1] & mask >= position { first -= 1 }
                if first < keys.count { body(t, a, b, keys.count - first) }
            }
        }
    }

    /// Walks the sorted error keys person pair by person pair: for each pair (`a` < `b`) and each
    /// ascending threshold position `t` where it has errors, calls `body(t, a, b, errors)` with the
    /// errors that reached `t` or beyond, from the highest position down.
    private static func forEachPersonPair(
        _ keys: [UInt64], personBits: UInt64, thresholdBits: UInt64, thresholds: Int, _ body: (Int, Int, Int, Int) -> Void
    ) {
        let reachedMask: UInt64 = (1 << thresholdBits) - 1
        var perThreshold = [Int](repeating: 0, count: thresholds)
        var start = 0
        while start < keys.count {
            let pair = keys[start] >> thresholdBits
            var end = start
            for t in perThreshold.indices { perThreshold[t] = 0 }
            while end < keys.count && keys[end] >> thresholdBits == pair {
                perThreshold[Int(keys[end] & reachedMask)] += 1
                end += 1
            }
            let a = Int(pair >> personBits)
            let b = Int(pair & ((1 << personBits) - 1))
            // Errors at ascending threshold t: those that reached t or beyond.
            var events = 0
            for t in stride(from: thresholds - 1, through: 0, by: -1) {
                events += perThreshold[t]
                if events > 0 { body(t, a, b, events) }
            }
            start = end
        }
    }
}
