import FaceAuditScoring

extension CohortAnalysis {
    /// One group of a streamed analysis (everything, or a cohort): its scores and who is in it.
    struct StreamedGroup {
        /// The group's name.
        let name: String
        /// Mated scores, and non-mated scores exactly at the top and binned below.
        let scores: BinnedScores
        /// Distinct subjects in the group's comparisons.
        let subjects: Int
        /// Indices into the mated comparisons of the group's mated comparisons.
        let mated: [Int]
        /// Indices into the exact non-mated comparisons of the group's, ascending, 32-bit (a run keeps
        /// far fewer than 2³² pairs in memory): the group's share of one list that holds every cohort's;
        /// nil for every one (everyone's group, which would otherwise hold an index per kept pair).
        let exact: ArraySlice<UInt32>?
        /// Completed samples per subject (the bootstrap's non-mated design).
        let samplesPerSubject: [(subject: Int, samples: Int)]
    }

    /// Analyses one dimension set of a streamed all-pairs design, with the definitions of
    /// ``analyze(_:dimensions:options:)-(LabeledComparisons,_,_)``.
    ///
    /// Counts at the global thresholds, the cross-cohort matrix and the subject bootstrap are exact
    /// whenever the thresholds lie in the exact region; the data are then the same numbers the per-pair
    /// analysis gives. The medians of non-mated scores, and a cohort's own threshold when it lies below
    /// the exact region, are at bin resolution; such a threshold is left out and flagged.
    ///
    /// Also returns the overall and per-cohort score sets (mated pairs, within-cohort non-mated
    /// pairs) the rates were counted on, for curves and histograms.
    public static func analyze(
        _ data: StreamedComparisons, dimensions: DimensionSet, options: CohortAnalysisOptions
    ) -> (rates: [DisaggregatedRates], scores: [(cohort: String, scores: BinnedScores)]) {
        let groups = streamedGroups(data, polarity: options.polarity)
        let scores = groups.map { (cohort: $0.name, scores: $0.scores) }
        let overall = groups[0]
        let cohorts = Array(groups.dropFirst())
        guard overall.scores.impostorCount > 0 else { return ([], scores) }
        let cohortCount = data.cohortNames.count
        let crossed = cohortCount <= options.crossCohortLimit
        let crossTrials = crossed ? orderedNonMatedTrials(data) : []
        let bootstrapping = options.replicates > 0 && data.subjectCount > 0
        let people = dimensions.isIntersection ? nil : PartnerCounts.Layout(data)

        let rates = options.settings.map { setting in
            let tau = options.similarityThreshold(setting, overall: overall.scores)
            let exact = overall.scores.isExact(at: tau)
            let support = Support(setting, overall: overall.scores, threshold: tau)
            func rates(_ g: StreamedGroup) -> CohortRates {
                groupRates(
                    g.name, subjects: g.subjects, scores: g.scores, threshold: tau, support: support, options: options,
                    globalThresholdExact: exact)
            }
            let falseMatches = data.exactIndices(atLeast: tau)
            let crossErrors = crossed ? crossCohortErrors(data, falseMatches) : []
            let cross = crossTrials.indices.map { p in
                crossTrials[p].indices.map { r in ErrorCount(errors: crossErrors[p * cohortCount + r], trials: crossTrials[p][r]) }
            }
            // For the school scenario, who falsely matches whom (before the tallies: each is large).
            // When every subject is one person, everyone's marks of each pair of subjects' first false
            // match count the partners; otherwise distinct pairs of people are sorted out here.
            let partners = people.map { layout in
                if layout.oneCohortPerSubject, let overall = data.overallPartners[tau] {
                    precondition(overall.firstOfPair.count == (falseMatches.count + 63) / 64, "marks of other false matches")
                    return PartnerCounts.counts(
                        layout, overall: overall.records, sampleSubject: data.sampleSubject, sampleCohort: data.sampleCohort
                    ) { visit in
                        data.exactProbe.withUnsafeBufferPointer { probe in
                            data.exactReference.withUnsafeBufferPointer { reference in
                                for k in falseMatches {
                                    visit(probe[k], reference[k], overall.isFirstOfPair(k - falseMatches.lowerBound))
                                }
                            }
                        }
                    }
                }
                return PartnerCounts.counts(layout, falseMatches: falseMatches.count, overall: data.overallPartners[tau]?.records) {
                    visit in
                    for k in falseMatches {
                        let (i, j) = (Int(data.exactProbe[k]), Int(data.exactReference[k]))
                        visit(data.sampleSubject[i], data.sampleCohort[i], data.sampleSubject[j], data.sampleCohort[j])
                    }
                }
            }
            let tallies =
                bootstrapping
                ? (overall: data.overallTallies[tau] ?? tally(overall, data, tau), cohorts: cohorts.map { tally($0, data, tau) }) : nil
            return finish(
                dimensions: dimensions, setting: setting, threshold: tau, estimable: support.estimable, overall: rates(overall),
                cohorts: cohorts.map(rates), cross: cross, tallies: tallies, subjectCount: data.subjectCount, options: options,
                people: partners)
        }
        return (rates, scores)
    }

    /// Everyone's bootstrap tally at the threshold of each of `options`' settings (none without a
    /// bootstrap): what ``analyze(_:dimensions:options:)-(StreamedComparisons,_,_)`` computes for the
    /// overall group, made once so that every dimension set can share it through
    /// ``StreamedComparisons/overallTallies``.
    public static func overallTallies(_ data: StreamedComparisons, options: CohortAnalysisOptions) -> [Double: SubjectBootstrap.Tally] {
        guard options.replicates > 0 && data.subjectCount > 0 else { return [:] }
        let overall = streamedGroups(data, polarity: options.polarity, overallOnly: true)[0]
        guard overall.scores.impostorCount > 0 else { return [:] }
        var tallies: [Double: SubjectBootstrap.Tally] = [:]
        for setting in options.settings {
            let tau = options.similarityThreshold(setting, overall: overall.scores)
            if tallies[tau] == nil { tallies[tau] = tally(overall, data, tau) }
        }
        return tallies
    }

    /// Everyone's per-subject partner counts at the threshold of each of `options`' settings: what
    /// ``analyze(_:dimensions:options:)-(StreamedComparisons,_,_)`` counts for every dimension set's
    /// ``PartnerCounts/overall``, made once so that every dimension set can share it through
    /// ``StreamedComparisons/overallPartners``.
    public static func overallPartners(_ data: StreamedComparisons, options: CohortAnalysisOptions) -> [Double: PartnerCounts.Overall] {
        let overall = overallScores(of: data, polarity: options.polarity)
        guard overall.impostorCount > 0 else { return [:] }
        let subjectComparisons = PartnerCounts.Layout(data).subjectComparisons
        var partners: [Double: PartnerCounts.Overall] = [:]
        // The lowest threshold's false matches, sorted by pair of subjects, are kept for the error
        // regression (``PartnerCounts/Overall/runs``), each with the highest threshold it reached: every
        // higher threshold's false matches are those of the lowest's from the higher one's start on.
        let taus = Array(Set(options.settings.map { options.similarityThreshold($0, overall: overall) }.filter { !$0.isNaN })).sorted()
        for setting in options.settings {
            let tau = options.similarityThreshold(setting, overall: overall)
            guard partners[tau] == nil else { continue }
            let falseMatches = data.exactIndices(atLeast: tau)
            let starts = tau == taus.first ? taus.map { data.exactIndices(atLeast: $0).lowerBound - falseMatches.lowerBound } : nil
            partners[tau] = PartnerCounts.overall(
                subjectComparisons: subjectComparisons, falseMatches: falseMatches.count, runsFrom: starts
            ) { visit in
                for k in falseMatches {
                    visit(data.sampleSubject[Int(data.exactProbe[k])], data.sampleSubject[Int(data.exactReference[k])])
                }
            }
            partners[tau]?.runs?.thresholds = taus
        }
        return partners
    }

    /// The overall and per-cohort binned score sets (mated pairs, within-cohort non-mated pairs), for
    /// curves when no rates are wanted; ``analyze(_:dimensions:options:)-(StreamedComparisons,_,_)``
    /// returns the same sets with its rates.
    public static func scores(of data: StreamedComparisons, polarity: ScorePolarity) -> [(cohort: String, scores: BinnedScores)] {
        streamedGroups(data, polarity: polarity).map { ($0.name, $0.scores) }
    }

    /// Everyone's binned score set: the first of ``scores(of:polarity:)``, without the cohorts'.
    public static func overallScores(of data: StreamedComparisons, polarity: ScorePolarity) -> BinnedScores {
        streamedGroups(data, polarity: polarity, overallOnly: true)[0].scores
    }

    /// Everything, then each cohort (only everything when `overallOnly`).
    static func streamedGroups(_ data: StreamedComparisons, polarity: ScorePolarity, overallOnly: Bool = false) -> [StreamedGroup] {
        let cohortCount = data.cohortNames.count
        // Each group's samples, cohort after cohort (a counting sort), then per group its subjects'
        // samples, all and completed, counted in tables by subject (subjects run 0..<subjectCount) and
        // listed by subject: dictionaries per cohort hashed every sample of every dimension set.
        precondition(
            data.sampleCohort.count == data.sampleCount && data.sampleCompleted.count == data.sampleCount,
            "one cohort and one completion flag per sample")
        precondition(
            data.sampleSubject.allSatisfy { $0 >= 0 && Int($0) < data.subjectCount }, "sample subjects run 0..<subjectCount")
        var groupStart = [Int](repeating: 0, count: cohortCount + 2)
        if !overallOnly {
            for c in data.sampleCohort where c >= 0 && Int(c) < cohortCount { groupStart[Int(c) + 1] += 1 }
            for c in 0..<cohortCount { groupStart[c + 1] += groupStart[c] }
        }
        groupStart[cohortCount + 1] = groupStart[cohortCount] + data.sampleCount
        var members = [Int32](repeating: 0, count: groupStart[cohortCount + 1])
        do {
            var next = groupStart
            for i in 0..<data.sampleCount {
                let c = Int(data.sampleCohort[i])
                if !overallOnly && c >= 0 && c < cohortCount {
                    members[next[c]] = Int32(i)
                    next[c] += 1
                }
                members[next[cohortCount]] = Int32(i)
                next[cohortCount] += 1
            }
        }
        /// A group's subjects in ascending order, each with its samples and its completed samples.
        struct Tally {
            var subjects: [Int32] = []
            var all: [Int] = []
            var completed: [Int] = []
        }
        var allCount = [Int](repeating: 0, count: data.subjectCount)
        var completedCount = [Int](repeating: 0, count: data.subjectCount)
        func tally(_ g: Int) -> Tally {
            var t = Tally()
            for i in members[groupStart[g]..<groupStart[g + 1]] {
                let s = Int(data.sampleSubject[Int(i)])
                if allCount[s] == 0 { t.subjects.append(Int32(s)) }
                allCount[s] += 1
                if data.sampleCompleted[Int(i)] { completedCount[s] += 1 }
            }
            t.subjects.sort()
            t.all = t.subjects.map { allCount[Int($0)] }
            t.completed = t.subjects.map { completedCount[Int($0)] }
            for s in t.subjects {
                allCount[Int(s)] = 0
                completedCount[Int(s)] = 0
            }
            return t
        }
        func nonMatedPairs(_ sizes: [Int]) -> Int {
            var sum = 0
            var squares = 0
            for n in sizes {
                sum += n
                squares += n * n
            }
            return (sum * sum - squares) / 2
        }
        var marked = [Bool](repeating: false, count: data.subjectCount)
        var matedOf = [[Int]](repeating: [], count: cohortCount + 1)
        for k in data.matedScores.indices {
            matedOf[cohortCount].append(k)
            let c = Int(data.matedCohort[k])
            if c >= 0 && c < cohortCount { matedOf[c].append(k) }
        }
        let exactCount = overallOnly || cohortCount == 0 ? 0 : data.exactScores.count
        let (start, flatIndices) =
            data.exactClass.count == data.exactScores.count && data.cohortOfClass.count == data.exactClassCounts.count
            ? groupedByClass(data, count: exactCount, cohorts: cohortCount)
            : groupedBySample(data, count: exactCount, cohorts: cohortCount)
        func group(_ g: Int) -> StreamedGroup {
            let bins = g == cohortCount ? data.overallBins : data.cohortBins[g]
            let exact = g == cohortCount ? nil : flatIndices[start[g]..<start[g + 1]]
            let counts = tally(g)
            let completedPairs = nonMatedPairs(counts.completed)
            // A cohort's exact scores are its share of the sorted list (ascending indices), read in place.
            @inline(__always) func binned(_ count: Int, _ exact: (Int) -> Double) -> BinnedScores {
                BinnedScores(
                    genuine: matedOf[g].map { data.matedScores[$0] }, binEdges: bins.isEmpty ? [] : data.binEdges, binCounts: bins,
                    sortedExact: count, exact, exactFrom: data.exactFrom, impostorFailures: nonMatedPairs(counts.all) - completedPairs,
                    polarity: polarity)
            }
            let scores =
                g == cohortCount && data.overallScores?.polarity == polarity
                ? data.overallScores!
                : data.exactScores.withUnsafeBufferPointer { scores in
                    guard let exact else { return binned(scores.count) { scores[$0] } }
                    return exact.withUnsafeBufferPointer { share in binned(share.count) { scores[Int(share[$0])] } }
                }
            assert(scores.impostorCount == completedPairs, "histogram and sample counts disagree")
            // The group's subjects when it has two or more, and every mated pair's probe subject.
            var subjects: [Int32] = counts.subjects.count >= 2 ? counts.subjects : []
            for s in subjects { marked[Int(s)] = true }
            for k in matedOf[g] {
                let s = data.sampleSubject[Int(data.matedProbe[k])]
                if !marked[Int(s)] {
                    marked[Int(s)] = true
                    subjects.append(s)
                }
            }
            for s in subjects { marked[Int(s)] = false }
            return StreamedGroup(
                name: g == cohortCount ? "overall" : data.cohortNames[g], scores: scores, subjects: subjects.count, mated: matedOf[g],
                exact: exact,
                samplesPerSubject: counts.subjects.indices.compactMap { k in
                    counts.completed[k] > 0 ? (subject: Int(counts.subjects[k]), samples: counts.completed[k]) : nil
                })
        }
        return [group(cohortCount)] + (overallOnly ? [] : (0..<cohortCount).map(group))
    }

    /// Every cohort's exact comparisons (indices into them, ascending), cohort after cohort in one flat
    /// list, and where each cohort's start (`cohorts + 1` offsets): the first `count` exact comparisons,
    /// each in its samples' cohort when both are in the same one. A counting sort, written through raw
    /// pointers rather than appended to an array per cohort.
    static func groupedBySample(_ data: StreamedComparisons, count exactCount: Int, cohorts cohortCount: Int) -> ([Int], [UInt32]) {
        // Each exact pair's cohort (−1: the two samples are in different cohorts, or in none), looked up
        // once; then each cohort's list, sized exactly (an array grown by doubling keeps up to twice its
        // memory). Without a branch on the pair (whether its samples share a cohort is as good as random,
        // and mispredicted branches took most of this loop): pairs in no cohort are counted in an extra slot.
        var exactSizes = [Int](repeating: 0, count: cohortCount + 1)
        let exactCohort = [Int32](unsafeUninitializedCapacity: exactCount) { cohorts, count in
            data.sampleCohort.withUnsafeBufferPointer { cohortOf in
                data.exactProbe.withUnsafeBufferPointer { probe in
                    data.exactReference.withUnsafeBufferPointer { reference in
                        exactSizes.withUnsafeMutableBufferPointer { sizes in
                            let cohorts32 = UInt32(truncatingIfNeeded: cohortCount)
                            for k in 0..<exactCount {
                                let c = cohortOf[Int(probe[k])]
                                let d = cohortOf[Int(reference[k])]
                                let same = (c == d ? 1 : 0) & (UInt32(bitPattern: c) < cohorts32 ? 1 : 0)
                                cohorts[k] = same != 0 ? c : -1
                                sizes[same != 0 ? Int(c) : cohortCount] &+= 1
                            }
                        }
                    }
                }
            }
            count = exactCount
        }
        var start = [Int](repeating: 0, count: cohortCount + 1)
        for c in 0..<cohortCount { start[c + 1] = start[c] + exactSizes[c] }
        var flatIndices = [UInt32](repeating: 0, count: start[cohortCount])
        var next = start
        flatIndices.withUnsafeMutableBufferPointer { indices in
            next.withUnsafeMutableBufferPointer { next in
                for (k, c) in exactCohort.enumerated() where c >= 0 {
                    let at = next[Int(c)]
                    indices[at] = UInt32(truncatingIfNeeded: k)
                    next[Int(c)] = at &+ 1
                }
            }
        }
        return (start, flatIndices)
    }

    /// ``groupedBySample(_:count:cohorts:)`` from the exact comparisons' classes
    /// (``StreamedComparisons/exactClass``): the same lists. Each cohort's size is the sum of its
    /// classes' counts, so one pass places every comparison, reading its class (2 bytes) and the
    /// class's slot in a table, with no branch: comparisons in no cohort are all written to one spare
    /// slot past the end, which does not advance, and which is dropped.
    static func groupedByClass(_ data: StreamedComparisons, count exactCount: Int, cohorts cohortCount: Int) -> ([Int], [UInt32]) {
        var start = [Int](repeating: 0, count: cohortCount + 1)
        guard exactCount > 0 else { return (start, []) }
        precondition(exactCount == data.exactClass.count, "every exact comparison or none")
        for (h, c) in data.cohortOfClass.enumerated() where c >= 0 && Int(c) < cohortCount {
            start[Int(c) + 1] += data.exactClassCounts[h]
        }
        for c in 0..<cohortCount { start[c + 1] += start[c] }
        let listed = start[cohortCount]
        // Slot of every class: its cohort, or the spare slot `cohortCount`, which stays at `listed`.
        let slotOfClass = data.cohortOfClass.map { c in c >= 0 && Int(c) < cohortCount ? Int(c) : cohortCount }
        var next = start
        next[cohortCount] = listed
        let step = (0...cohortCount).map { $0 < cohortCount ? 1 : 0 }
        var flatIndices = [UInt32](unsafeUninitializedCapacity: listed + 1) { indices, count in
            data.exactClass.withUnsafeBufferPointer { classes in
                slotOfClass.withUnsafeBufferPointer { slotOf in
                    step.withUnsafeBufferPointer { step in
                        next.withUnsafeMutableBufferPointer { next in
                            for k in 0..<exactCount {
                                let slot = slotOf[Int(classes[k])]
                                let at = next[slot]
                                indices[at] = UInt32(truncatingIfNeeded: k)
                                next[slot] = at &+ step[slot]
                            }
                        }
                    }
                }
            }
            // Every slot was written: `listed` by the cohorts' comparisons, the spare one unless none is in no cohort.
            if exactCount == listed { indices[listed] = 0 }
            count = listed + 1
        }
        flatIndices.removeLast()
        return (start, flatIndices)
    }

    /// The false matches `falseMatches` (indices into the exact comparisons) per (probe cohort, reference
    /// cohort), row-major (`p · cohorts + r`); pairs with a sample in no cohort are not counted. One flat
    /// table, read through raw pointers: the increments of a nested array checked both arrays'
    /// uniqueness at every pair (2% of a 50,000-template run).
    static func crossCohortErrors(_ data: StreamedComparisons, _ falseMatches: Range<Int>) -> [Int] {
        let cohortCount = data.cohortNames.count
        var errors = [Int](repeating: 0, count: cohortCount * cohortCount)
        errors.withUnsafeMutableBufferPointer { errors in
            data.sampleCohort.withUnsafeBufferPointer { cohortOf in
                data.exactProbe.withUnsafeBufferPointer { probe in
                    data.exactReference.withUnsafeBufferPointer { reference in
                        for k in falseMatches {
                            let p = Int(cohortOf[Int(probe[k])])
                            let r = Int(cohortOf[Int(reference[k])])
                            if p >= 0 && r >= 0 && p < cohortCount && r < cohortCount { errors[p &* cohortCount &+ r] &+= 1 }
                        }
                    }
                }
            }
        }
        return errors
    }

    /// Completed non-mated comparisons per (probe cohort, reference cohort): every pair of completed
    /// samples i < j of different subjects, counted without looking at a score.
    static func orderedNonMatedTrials(_ data: StreamedComparisons) -> [[Int]] {
        let cohortCount = data.cohortNames.count
        var trials = [[Int]](repeating: [Int](repeating: 0, count: cohortCount), count: cohortCount)
        var seen = [Int](repeating: 0, count: cohortCount)
        for j in 0..<data.sampleCount where data.sampleCompleted[j] {
            let r = Int(data.sampleCohort[j])
            guard r >= 0 && r < cohortCount else { continue }
            for p in 0..<cohortCount { trials[p][r] += seen[p] }
            seen[r] += 1
        }
        for k in data.matedScores.indices where !data.matedScores[k].isNaN {
            let p = Int(data.sampleCohort[Int(data.matedProbe[k])])
            let r = Int(data.sampleCohort[Int(data.matedReference[k])])
            if p >= 0 && r >= 0 && p < cohortCount && r < cohortCount { trials[p][r] -= 1 }
        }
        return trials
    }

    /// The bootstrap tally of a group at similarity threshold τ (an all-pairs design).
    static func tally(_ g: StreamedGroup, _ data: StreamedComparisons, _ tau: Double) -> SubjectBootstrap.Tally {
        var mated: [Int: (errors: Int, trials: Int)] = [:]
        for k in g.mated where !data.matedScores[k].isNaN {
            let s = Int(data.sampleSubject[Int(data.matedProbe[k])])
            mated[s, default: (0, 0)].trials += 1
            if data.matedScores[k] < tau { mated[s, default: (0, 0)].errors += 1 }
        }
        // The false matches: a suffix of the exact comparisons, and so of a group's ascending list of them.
        let falseMatches = data.exactIndices(atLeast: tau)
        let listed = g.exact.map { list in
            var (low, high) = (list.startIndex, list.endIndex)
            while low < high {
                let mid = (low + high) >> 1
                if Int(list[mid]) < falseMatches.lowerBound { low = mid + 1 } else { high = mid }
            }
            return list[low...]
        }
        var errors: [UInt64] = []
        errors.reserveCapacity(listed?.count ?? falseMatches.count)
        func add(_ k: Int) {
            errors.append(
                SubjectBootstrap.pairKey(
                    Int(data.sampleSubject[Int(data.exactProbe[k])]), Int(data.sampleSubject[Int(data.exactReference[k])])))
        }
        if let listed { for k in listed { add(Int(k)) } } else { falseMatches.forEach(add) }
        return SubjectBootstrap.Tally(
            mated: mated.map { (subject: $0.key, errors: $0.value.errors, trials: $0.value.trials) }.sorted { $0.subject < $1.subject },
            errorPairs: SubjectBootstrap.errorPairs(&errors), samplesPerSubject: g.samplesPerSubject)
    }
}
