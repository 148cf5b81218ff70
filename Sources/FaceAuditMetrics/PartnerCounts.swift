import FaceAuditSorting

/// Who falsely matches whom, person by person, for one dimension set at one operating point: the
/// per-person structure ``SchoolScenario`` needs, stored in `summary.json` as `partner_counts`.
///
/// A *person* here is one subject's photos in one cohort (a subject whose photos fall in two cohorts,
/// such as two age bands, is a person in each). For every person it counts, towards each cohort h of
/// the dimension set: the non-mated comparisons with other subjects' photos in h (`comparisons`), the
/// false matches among them at the operating point's threshold (`false_matches`), and the distinct
/// other subjects in h involved in at least one of those false matches (`partners`). `overall` counts
/// the same for each subject over all of its photos and all other subjects (one entry per array).
///
/// Privacy: only counts are kept, never a subject's identifier or label beyond its cohort, and people
/// with identical counts are merged into one record with their number (`people`).
public struct PartnerCounts: Sendable, Codable, Equatable {
    /// People of one cohort (or of everyone) who share the same counts.
    public struct Record: Sendable, Codable, Hashable {
        /// How many people have exactly these counts.
        public var people: Int
        /// Per cohort h: distinct other subjects in h with at least one false match with the person.
        public var partners: [Int]
        /// Per cohort h: false matches with other subjects' photos in h.
        public var falseMatches: [Int]
        /// Per cohort h: non-mated comparisons with other subjects' photos in h.
        public var comparisons: [Int]

        /// Creates a record.
        public init(people: Int, partners: [Int], falseMatches: [Int], comparisons: [Int]) {
            self.people = people
            self.partners = partners
            self.falseMatches = falseMatches
            self.comparisons = comparisons
        }

        enum CodingKeys: String, CodingKey {
            case people, partners
            case falseMatches = "false_matches"
            case comparisons
        }
    }

    /// Per cohort, in the order of ``DisaggregatedRates/cohorts``: its people's records.
    public var cohorts: [[Record]]
    /// Every subject with at least one non-mated comparison, over all photos (arrays of one entry).
    public var overall: [Record]

    enum CodingKeys: String, CodingKey {
        case cohorts, overall
    }

    /// Creates the counts.
    public init(cohorts: [[Record]], overall: [Record]) {
        self.cohorts = cohorts
        self.overall = overall
    }

    /// Number of people in cohort `g`.
    public func people(inCohort g: Int) -> Int { cohorts[g].reduce(0) { $0 + $1.people } }
}

extension PartnerCounts {
    /// The threshold-free part: who each person is and how many comparisons they have, built once per
    /// dimension set and then counted at each threshold.
    struct Layout: Sendable {
        /// Number of cohorts (the arrays' length).
        var cohortCount: Int
        /// Person index by `subject << 32 | cohort`.
        var index: [UInt64: Int] = [:]
        /// Each person's cohort.
        var cohort: [Int] = []
        /// Each person's comparisons per cohort.
        var comparisons: [[Int]] = []
        /// Each subject's non-mated comparisons overall (0 for a subject without any).
        var subjectComparisons: [Int]
        /// ``index`` as a table by `subject · cohortCount + cohort` (−1: no such person), when that table
        /// has at most ``denseLimit`` entries: the counts look a person up for every false match.
        private var dense: [Int32] = []
        /// The largest table ``dense`` may be (64 MB).
        static let denseLimit = 1 << 24
        /// Whether every subject is at most one person: all of a subject's completed photos are in one
        /// cohort (or all in none). A distinct pair of people is then a distinct pair of subjects, which
        /// ``Overall/firstOfPair`` marks once for every dimension set. Set by the streamed layout only.
        var oneCohortPerSubject = false

        init(cohortCount: Int, subjectCount: Int) {
            self.cohortCount = cohortCount
            subjectComparisons = [Int](repeating: 0, count: subjectCount)
        }

        /// The person of `subject` in `cohort`, created when new.
        mutating func person(_ subject: Int32, _ cohort: Int32) -> Int {
            let key = UInt64(UInt32(bitPattern: subject)) << 32 | UInt64(UInt32(bitPattern: cohort))
            if let i = index[key] { return i }
            index[key] = self.cohort.count
            self.cohort.append(Int(cohort))
            comparisons.append([Int](repeating: 0, count: cohortCount))
            return self.cohort.count - 1
        }

        /// The existing person of `subject` in `cohort`.
        func existing(_ subject: Int32, _ cohort: Int32) -> Int? {
            if !dense.isEmpty {
                guard subject >= 0, Int(subject) < subjectComparisons.count, cohort >= 0, Int(cohort) < cohortCount else { return nil }
                let p = dense[Int(subject) * cohortCount + Int(cohort)]
                return p >= 0 ? Int(p) : nil
            }
            return index[UInt64(UInt32(bitPattern: subject)) << 32 | UInt64(UInt32(bitPattern: cohort))]
        }

        /// Whether people are looked up in the table rather than the dictionary.
        var usesTable: Bool { !dense.isEmpty }

        /// Builds ``dense`` from ``index`` when it has at most `limit` entries (else drops it).
        mutating func makeDense(limit: Int = Self.denseLimit) {
            dense = []
            let size = subjectComparisons.count.multipliedReportingOverflow(by: cohortCount)
            guard !size.overflow, size.partialValue > 0, size.partialValue <= limit, cohort.count < Int(Int32.max) else { return }
            var table = [Int32](repeating: -1, count: size.partialValue)
            for (key, p) in index {
                let (subject, c) = (Int(key >> 32), Int(key & 0xFFFF_FFFF))
                guard subject < subjectComparisons.count, c < cohortCount else { return }  // keep the dictionary
                table[subject * cohortCount + c] = Int32(p)
            }
            dense = table
        }

        /// The layout of the comparisons of `data` (mated comparisons and failures to acquire left out).
        init(_ data: LabeledComparisons) {
            self.init(cohortCount: data.cohortNames.count, subjectCount: data.subjectCount)
            // A photo has one subject and one cohort: its person is looked up once, not per comparison.
            let samples = max(data.probeSample.max() ?? -1, data.referenceSample.max() ?? -1) + 1
            var bySample = [Int](repeating: -1, count: Int(samples))
            var subjectOf: [Int32] = []
            func person(_ subject: Int32, _ cohort: Int32, sample: Int32) -> Int {
                if sample >= 0, case let p = bySample[Int(sample)], p >= 0, subjectOf[p] == subject, self.cohort[p] == Int(cohort) {
                    return p
                }
                let p = self.person(subject, cohort)
                if p == subjectOf.count { subjectOf.append(subject) }
                if sample >= 0 { bySample[Int(sample)] = p }
                return p
            }
            for k in 0..<data.count where !data.mated[k] && !data.scores[k].isNaN {
                subjectComparisons[Int(data.probeSubject[k])] += 1
                subjectComparisons[Int(data.referenceSubject[k])] += 1
                let (pc, rc) = (data.probeCohort[k], data.referenceCohort[k])
                guard pc >= 0 && rc >= 0 && Int(pc) < cohortCount && Int(rc) < cohortCount else { continue }
                comparisons[person(data.probeSubject[k], pc, sample: data.probeSample[k])][Int(rc)] += 1
                comparisons[person(data.referenceSubject[k], rc, sample: data.referenceSample[k])][Int(pc)] += 1
            }
            makeDense()
        }

        /// The layout of a streamed all-pairs design: every completed photo against every completed photo
        /// of every other subject.
        init(_ data: StreamedComparisons) {
            let cohortCount = data.cohortNames.count
            self.init(cohortCount: cohortCount, subjectCount: data.subjectCount)
            var photos: [UInt64: Int] = [:]
            var inCohort = [Int](repeating: 0, count: cohortCount)
            var perSubject = [Int](repeating: 0, count: data.subjectCount)
            var total = 0
            // Each subject's cohort (−1: none or out of range), until a subject has photos in two.
            var subjectCohort = [Int32?](repeating: nil, count: data.subjectCount)
            oneCohortPerSubject = true
            for i in 0..<data.sampleCount where data.sampleCompleted[i] {
                let s = Int(data.sampleSubject[i])
                perSubject[s] += 1
                total += 1
                var c = data.sampleCohort[i]
                if c < 0 || Int(c) >= cohortCount { c = -1 }
                if subjectCohort[s] == nil { subjectCohort[s] = c } else if subjectCohort[s] != c { oneCohortPerSubject = false }
                guard c >= 0 else { continue }
                inCohort[Int(c)] += 1
                photos[UInt64(UInt32(bitPattern: data.sampleSubject[i])) << 32 | UInt64(UInt32(bitPattern: c)), default: 0] += 1
                _ = person(data.sampleSubject[i], c)
            }
            for s in perSubject.indices where perSubject[s] > 0 { subjectComparisons[s] = perSubject[s] * (total - perSubject[s]) }
            for (key, p) in index {
                let own = photos[key] ?? 0
                let subject = key >> 32
                for h in 0..<cohortCount {
                    comparisons[p][h] = own * (inCohort[h] - (photos[subject << 32 | UInt64(h)] ?? 0))
                }
            }
            makeDense()
        }
    }

    /// The counts at one threshold from the false matches `forEach` visits, without keeping the false
    /// matches themselves.
    ///
    /// Distinct partners are counted by sorting packed keys and counting runs, not by hashing. A person
    /// stands for one (subject, cohort), so a distinct (person, other person) pair is a distinct (person,
    /// cohort h, other subject in h). Each false match is stored once, as its unordered pair: the lower
    /// index · P + the higher (P people; likewise subjects), as dense as they come so the radix sort
    /// runs few passes, and a distinct unordered pair is a partner of each of its two sides (the two
    /// sides of a non-mated comparison are different subjects, so never the same person).
    ///
    /// `forEach` is called twice (once when `overall`, the subjects' records, is given), and must visit
    /// the same `size` false matches each time: once for the subjects' keys, once for the people's, so
    /// that only one list of keys (and its sort's buffer) is in memory at a time. It calls its argument
    /// with subject `a` in cohort `ca` against subject `b` in cohort `cb` (a cohort −1 or out of range:
    /// counted overall only). `size` bounds the lists' lengths (an array grown by doubling keeps up to
    /// twice its memory).
    static func counts(
        _ layout: Layout, falseMatches size: Int, overall: [Record]? = nil,
        _ forEach: ((_ a: Int32, _ ca: Int32, _ b: Int32, _ cb: Int32) -> Void) -> Void
    ) -> PartnerCounts {
        let n = layout.cohortCount
        let cohort = layout.cohort
        let overall =
            overall
            ?? Self.overall(subjectComparisons: layout.subjectComparisons, falseMatches: size) { visit in
                withoutActuallyEscaping(visit) { visit in forEach { a, _, b, _ in visit(a, b) } }
            }.records
        // People (subject, cohort): false matches and distinct partners per cohort of the other side.
        // Flat, person-major (person p's counts at p · n ..< (p + 1) · n): nested arrays would check
        // uniqueness twice per false match.
        var falseMatches = [Int](repeating: 0, count: cohort.count * n)
        var partnerCounts = [Int](repeating: 0, count: cohort.count * n)
        do {
            var keys: [UInt64] = []
            keys.reserveCapacity(size)
            forEach { a, ca, b, cb in
                guard ca >= 0 && cb >= 0 && Int(ca) < n && Int(cb) < n, let pa = layout.existing(a, ca), let pb = layout.existing(b, cb)
                else { return }
                falseMatches[pa * n + Int(cb)] += 1
                falseMatches[pb * n + Int(ca)] += 1
                keys.append(UInt64(min(pa, pb)) * UInt64(cohort.count) + UInt64(max(pa, pb)))
            }
            PartnerCounts.distinctPairs(&keys, stride: UInt64(cohort.count)) { p, q in
                partnerCounts[p * n + cohort[q]] += 1
                partnerCounts[q * n + cohort[p]] += 1
            }
        }

        return PartnerCounts(layout, falseMatches: falseMatches, partners: partnerCounts, overall: overall)
    }

    /// The counts of ``counts(_:falseMatches:overall:_:)`` without sorting, when every subject is one
    /// person (``Layout/oneCohortPerSubject``): a distinct pair of people is then a distinct pair of
    /// subjects, and `forEach` says with each false match whether it is the first of its pair of
    /// subjects (``Overall/firstOfPair``); those count the partners. `forEach` calls its argument with
    /// the false match's two samples (indices into `sampleSubject` and `sampleCohort`) and that mark.
    static func counts(
        _ layout: Layout, overall: [Record], sampleSubject: [Int32], sampleCohort: [Int32],
        _ forEach: ((_ i: Int32, _ j: Int32, _ firstOfPair: Bool) -> Void) -> Void
    ) -> PartnerCounts {
        precondition(layout.oneCohortPerSubject, "a subject in two cohorts is two people: count with the sorted keys")
        precondition(sampleSubject.count == sampleCohort.count, "one cohort per sample")
        let n = layout.cohortCount
        // Each sample's person and cohort in one word (person −1: counted overall only), looked up
        // once rather than per false match.
        let people = sampleSubject.indices.map { i -> UInt64 in
            let c = sampleCohort[i]
            let p = c >= 0 && Int(c) < n ? layout.existing(sampleSubject[i], c) ?? -1 : -1
            return UInt64(UInt32(bitPattern: Int32(p))) << 32 | UInt64(UInt32(bitPattern: c))
        }
        // Each (person, cohort)'s false matches and partners side by side, in 32 bits: the two counts one
        // side of a false match adds to share a cache line, and the table is a quarter of two tables of
        // `Int` (the people of a 50,000-template run are 25,000 rows of them, and these increments land
        // anywhere in them: two separate `Int` tables took 8% of such a run in perf). A count never
        // reaches 2³²: the false matches visited are exact comparisons held in memory, fewer than that.
        let entries = layout.cohort.count * n
        var table = [UInt32](repeating: 0, count: 2 * entries)
        people.withUnsafeBufferPointer { people in
            table.withUnsafeMutableBufferPointer { table in
                forEach { i, j, first in
                    let (x, y) = (people[Int(i)], people[Int(j)])
                    let (pa, pb) = (Int(Int32(truncatingIfNeeded: x >> 32)), Int(Int32(truncatingIfNeeded: y >> 32)))
                    guard pa >= 0 && pb >= 0 else { return }
                    let (ca, cb) = (Int(UInt32(truncatingIfNeeded: x)), Int(UInt32(truncatingIfNeeded: y)))
                    let partner: UInt32 = first ? 1 : 0
                    let (a, b) = (2 &* (pa &* n &+ cb), 2 &* (pb &* n &+ ca))
                    table[a] &+= 1
                    table[a &+ 1] &+= partner
                    table[b] &+= 1
                    table[b &+ 1] &+= partner
                }
            }
        }
        let falseMatches = (0..<entries).map { Int(table[2 * $0]) }
        let partnerCounts = (0..<entries).map { Int(table[2 * $0 + 1]) }
        return PartnerCounts(layout, falseMatches: falseMatches, partners: partnerCounts, overall: overall)
    }

    /// The records of people with `falseMatches` and `partners` (person-major, ``Layout/cohortCount``
    /// per person) merged by cohort.
    private init(_ layout: Layout, falseMatches: [Int], partners: [Int], overall: [Record]) {
        let n = layout.cohortCount
        var comparisons = [Int](repeating: 0, count: layout.cohort.count * n)
        var byCohort = [[Int]](repeating: [], count: n)
        for p in layout.cohort.indices {
            comparisons.replaceSubrange((p * n)..<(p * n + n), with: layout.comparisons[p])
            byCohort[layout.cohort[p]].append(p)
        }
        self.init(
            cohorts: byCohort.map {
                Self.records(of: $0, width: n, comparisons: comparisons, falseMatches: falseMatches, partners: partners)
            }, overall: overall)
    }

    /// Everyone's counts at one threshold, and which false match stands for each pair of subjects.
    public struct Overall: Sendable {
        /// ``PartnerCounts/overall``'s records.
        public var records: [Record]
        /// Bit k (word k / 64, bit k % 64): the k-th false match visited is the first visited of its
        /// pair of subjects. Exactly one per distinct pair of subjects is set.
        public var firstOfPair: [UInt64]

        /// Whether the `k`-th false match visited is the first of its pair of subjects.
        @inline(__always)
        public func isFirstOfPair(_ k: Int) -> Bool { firstOfPair[k >> 6] & (1 << UInt64(k & 63)) != 0 }
        /// The false matches sorted by pair of subjects, when ``PartnerCounts/overall`` was asked to keep
        /// them and they fit in 32 bits each (``CohortAnalysis/overallPartners(_:options:)`` asks at its
        /// lowest threshold, for the error regression).
        public var runs: FalseMatchRuns?
    }

    /// The false matches at one threshold sorted by pair of subjects, each with the highest of
    /// ``thresholds`` it reached: the sorted keys of ``PartnerCounts/overall``, 4 bytes a false match.
    /// A threshold's errors of a pair of subjects are its keys that reached it, so the error regression
    /// reads them here instead of sorting keys of its own (``ErrorRegression/AllPairsComparisons/falseMatchRuns``).
    public struct FalseMatchRuns: Sendable {
        /// `(lower subject · subjects + higher subject) << reachedBits | reached`, ascending (so, within
        /// a pair of subjects, by `reached`).
        public let keys: [UInt32]
        /// The bits of a key that hold `reached`.
        public let reachedBits: Int
        /// The number of subjects (the stride of the lower subject).
        public let subjects: Int
        /// The thresholds `reached` counts, ascending: a false match reached the k-th when its score is at
        /// or above it. Set by whoever knows them.
        public var thresholds: [Double] = []

        /// Calls `body(lower, higher, keys)` for every pair of subjects with a false match, in ascending
        /// order of (lower, higher), with its keys (only valid during the call).
        func forEachPair(_ body: (Int, Int, UnsafeBufferPointer<UInt32>) -> Void) {
            let shift = UInt32(reachedBits)
            let stride = UInt32(subjects)
            keys.withUnsafeBufferPointer { keys in
                var first = 0
                var base: UInt32 = 0
                var k = 0
                while k < keys.count {
                    let pair = keys[k] >> shift
                    var end = k + 1
                    while end < keys.count && keys[end] >> shift == pair { end += 1 }
                    while pair >= base + stride {
                        base += stride
                        first += 1
                    }
                    body(first, Int(pair - base), UnsafeBufferPointer(rebasing: keys[k..<end]))
                    k = end
                }
            }
        }
    }

    /// ``overall``'s records from the false matches `forEach` visits (subject `a` against subject `b`),
    /// `subjectComparisons` being each subject's non-mated comparisons (``Layout/subjectComparisons``):
    /// the same for every dimension set, so that a run can count them once
    /// (``StreamedComparisons/overallPartners``). `size` sizes the list of keys, as in
    /// ``counts(_:falseMatches:overall:_:)``. Also marks the first false match visited of every pair
    /// of subjects (``Overall/firstOfPair``), with which each dimension set whose subjects are one
    /// person each counts its partners without sorting
    /// (``counts(_:overall:sampleSubject:sampleCohort:_:)``). `packingPositions`: whether a key may take
    /// its position in its low bits (for tests of the other way; the same result). `runsFrom`: keep the
    /// sorted keys as ``Overall/runs``, each with the number of these positions (ascending, the first
    /// 0) at or below its own, less one, as its `reached` (only where positions are packed and a pair of
    /// subjects and that number fit in 32 bits; the caller sets the runs' thresholds).
    static func overall(
        subjectComparisons: [Int], falseMatches size: Int, packingPositions: Bool = true, runsFrom starts: [Int]? = nil,
        _ forEach: ((_ a: Int32, _ b: Int32) -> Void) -> Void
    ) -> Overall {
        // False matches and distinct partners per subject.
        var subjectErrors = [Int](repeating: 0, count: subjectComparisons.count)
        var subjectPartnerCounts = [Int](repeating: 0, count: subjectComparisons.count)
        let subjects = UInt64(subjectComparisons.count)
        // Each key takes its position along, so that the first of every run of equal keys is the pair
        // of subjects' first false match: in its low bits when both fit in 64 (no second array and no
        // second sort buffer, 8 bytes a false match less), else as a payload the stable sort carries.
        // Positions are below `size`, so whether they fit is known before the keys are made, and a key is
        // written packed as its false match is visited (a second pass over the keys packed them).
        let square = subjects.multipliedReportingOverflow(by: subjects)
        let pairBits = square.overflow ? UInt64.bitWidth : UInt64.bitWidth - square.partialValue.leadingZeroBitCount
        let positionBits = Int.bitWidth - max(size, 0).leadingZeroBitCount
        var packed = packingPositions && pairBits + positionBits <= UInt64.bitWidth
        let shift = packed ? UInt64(positionBits) : 0
        // Keys packed so far: all of them, unless more false matches are visited than `size` said.
        var packedCount = 0
        var keys: [UInt64] = []
        keys.reserveCapacity(size)
        subjectErrors.withUnsafeMutableBufferPointer { errors in
            forEach { a, b in
                errors[Int(a)] += 1
                errors[Int(b)] += 1
                let (sa, sb) = (UInt64(UInt32(bitPattern: a)), UInt64(UInt32(bitPattern: b)))
                let pair = min(sa, sb) * subjects + max(sa, sb)
                if packed && keys.count < size {
                    keys.append(pair << shift | UInt64(keys.count))
                    packedCount += 1
                } else {
                    keys.append(pair)
                }
            }
        }
        if packed && packedCount < keys.count {
            // More than `size`: the positions do not all fit, so the keys go back to pairs alone.
            keys.withUnsafeMutableBufferPointer { keys in for k in 0..<packedCount { keys[k] >>= shift } }
            packed = false
        }
        var firstOfPair = [UInt64](repeating: 0, count: (keys.count + 63) / 64)
        var runs: FalseMatchRuns?
        if packed {
            RadixSort.sort(&keys)
            let mask: UInt64 = (1 << shift) - 1
            // The runs, when asked for and a pair of subjects with its threshold count fits in 32 bits.
            let reachedBits = starts.map { Int.bitWidth - max($0.count - 1, 0).leadingZeroBitCount } ?? 0
            let keepsRuns = starts.map { !$0.isEmpty } ?? false && pairBits + reachedBits <= UInt32.bitWidth
            // One walk over the sorted keys marks each pair of subjects' first false match, counts its two
            // partners and, for the runs, writes each key with the highest threshold it reached (two walks
            // before). A pair of subjects runs `first · subjects + second`; `first` only grows.
            let kept = [UInt32](unsafeUninitializedCapacity: keepsRuns ? keys.count : 0) { out, count in
                keys.withUnsafeBufferPointer { keys in
                    subjectPartnerCounts.withUnsafeMutableBufferPointer { partners in
                        firstOfPair.withUnsafeMutableBufferPointer { marks in
                            forEachKey(keys, shift: shift, stride: subjects) { first, second, k, startsRun in
                                let position = Int(keys[k] & mask)
                                if startsRun {
                                    partners[first] += 1
                                    partners[second] += 1
                                    marks[position >> 6] |= 1 << UInt64(position & 63)
                                }
                                if keepsRuns, let starts {
                                    var reached = 0
                                    while reached + 1 < starts.count && position >= starts[reached + 1] { reached += 1 }
                                    out[k] = UInt32(truncatingIfNeeded: (keys[k] >> shift) << UInt64(reachedBits) | UInt64(reached))
                                }
                            }
                        }
                    }
                }
                count = keepsRuns ? keys.count : 0
            }
            if keepsRuns { runs = FalseMatchRuns(keys: kept, reachedBits: reachedBits, subjects: subjectComparisons.count) }
        } else {
            precondition(keys.count <= 1 << 32, "at most 2^32 false matches beside their keys")
            var positions = (0..<keys.count).map { UInt32(truncatingIfNeeded: $0) }
            PartnerCounts.distinctPairs(&keys, carrying: &positions, stride: subjects) { a, b, position in
                subjectPartnerCounts[a] += 1
                subjectPartnerCounts[b] += 1
                firstOfPair[Int(position) >> 6] |= 1 << UInt64(position & 63)
            }
        }
        let records = Self.records(
            of: subjectComparisons.indices.filter { subjectComparisons[$0] > 0 }, width: 1, comparisons: subjectComparisons,
            falseMatches: subjectErrors, partners: subjectPartnerCounts)
        return Overall(records: records, firstOfPair: firstOfPair, runs: runs)
    }

    /// Sorts keys `first · stride + second` and calls `body(first, second)` once for each distinct key,
    /// in ascending order (no division per key: `first` only grows along the sorted keys).
    static func distinctPairs(_ keys: inout [UInt64], stride: UInt64, _ body: (Int, Int) -> Void) {
        RadixSort.sort(&keys)
        keys.withUnsafeBufferPointer { keys in
            forEachKey(keys, shift: 0, stride: stride) { first, second, _, startsRun in if startsRun { body(first, second) } }
        }
    }

    /// ``distinctPairs(_:stride:_:)`` with a payload that moves with its key (the sort is stable):
    /// `body(first, second, payload)` gets the payload of each distinct key's first occurrence.
    static func distinctPairs(
        _ keys: inout [UInt64], carrying payload: inout [UInt32], stride: UInt64, _ body: (Int, Int, UInt32) -> Void
    ) {
        RadixSort.sort(&keys, carrying: &payload)
        payload.withUnsafeBufferPointer { payload in
            keys.withUnsafeBufferPointer { keys in
                forEachKey(keys, shift: 0, stride: stride) { first, second, k, startsRun in
                    if startsRun { body(first, second, payload[k]) }
                }
            }
        }
    }

    /// Calls `body(first, second, k, startsRun)` for every key `k` of sorted `keys`, whose `keys[k] >> shift`
    /// is `first · stride + second`; `startsRun` for the first key of each distinct one. No division per
    /// key: `first` only grows along the sorted keys.
    private static func forEachKey(
        _ keys: UnsafeBufferPointer<UInt64>, shift: UInt64, stride: UInt64, _ body: (Int, Int, Int, Bool) -> Void
    ) {
        var first = 0
        var base: UInt64 = 0
        var previous: UInt64? = nil
        for k in keys.indices {
            let pair = keys[k] >> shift
            let startsRun = pair != previous
            if startsRun {
                previous = pair
                while pair >= base + stride {
                    base += stride
                    first += 1
                }
            }
            body(first, Int(pair - base), k, startsRun)
        }
    }

    /// The records of `people`, whose counts are rows of `width` in the flat tables (person p's at
    /// p · width ..< (p + 1) · width), people with equal counts merged, in a fixed order: by
    /// comparisons, then false matches, then partners (each lexicographically). The people are sorted by
    /// their rows and equal neighbours merged, so only a distinct record makes arrays (a dictionary of
    /// records made three arrays and a hash per person: 3% of a 20,000-template run).
    ///
    /// The leading columns of a row that fit in 64 bits together (each as its offset from the column's
    /// least value, in as many bits as the column's range needs) are packed into one key, so that most
    /// comparisons of the sort are one of integers; only people whose keys are equal are compared on
    /// the columns left over. Compared column by column in a closure, the sort took 1.6% of a
    /// 20,000-template run.
    static func records(of people: [Int], width: Int, comparisons: [Int], falseMatches: [Int], partners: [Int]) -> [Record] {
        comparisons.withUnsafeBufferPointer { comparisons in
            falseMatches.withUnsafeBufferPointer { falseMatches in
                partners.withUnsafeBufferPointer { partners in
                    let tables = [comparisons, falseMatches, partners]
                    /// Column c of a row: table c / width, entry c % width.
                    @inline(__always) func value(_ p: Int, _ c: Int) -> Int { tables[c / width][p * width + c % width] }
                    let columns = 3 * width
                    // The packed columns: each one's least value and bit count, while they fit.
                    var packed: [(column: Int, least: Int, bits: Int)] = []
                    var used = 0
                    for c in 0..<columns {
                        var (least, most) = (Int.max, Int.min)
                        for p in people {
                            let v = value(p, c)
                            (least, most) = (min(least, v), max(most, v))
                        }
                        let range = people.isEmpty ? 0 : UInt(bitPattern: most &- least)
                        let bits = UInt.bitWidth - range.leadingZeroBitCount
                        guard used + bits <= UInt64.bitWidth else { break }
                        packed.append((c, least, bits))
                        used += bits
                    }
                    let rest = packed.count
                    var keyed = people.map { p in
                        var key: UInt64 = 0
                        for (c, least, bits) in packed where bits > 0 {
                            key = key << UInt64(bits) | UInt64(UInt(bitPattern: value(p, c) &- least))
                        }
                        return (key: key, person: p)
                    }
                    /// -1, 0 or 1 as person `a`'s columns from `rest` on come before, equal or come after `b`'s.
                    func order(_ a: Int, _ b: Int) -> Int {
                        for c in rest..<columns where value(a, c) != value(b, c) { return value(a, c) < value(b, c) ? -1 : 1 }
                        return 0
                    }
                    if rest == columns {
                        keyed.sort { $0.key < $1.key }
                    } else {
                        keyed.sort { $0.key != $1.key ? $0.key < $1.key : order($0.person, $1.person) < 0 }
                    }
                    var records: [Record] = []
                    var k = 0
                    while k < keyed.count {
                        let p = keyed[k].person
                        var end = k + 1
                        while end < keyed.count && keyed[end].key == keyed[k].key && order(p, keyed[end].person) == 0 { end += 1 }
                        let row = (p * width)..<(p * width + width)
                        records.append(
                            Record(
                                people: end - k, partners: Array(partners[row]), falseMatches: Array(falseMatches[row]),
                                comparisons: Array(comparisons[row])))
                        k = end
                    }
                    return records
                }
            }
        }
    }
}
