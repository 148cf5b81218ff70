import Testing

@testable import FaceAuditMetrics

@Suite("Mitigation what-ifs: per-cohort thresholds, cohort Z-norm and T-norm")
struct MitigationTests {
    /// Appends one comparison (probe subject/sample/cohort, reference subject/sample/cohort).
    static func add(
        _ d: inout LabeledComparisons, _ p: Int32, _ r: Int32, _ score: Double, cohorts: (Int32, Int32), samples: (Int32, Int32)? = nil
    ) {
        d.scores.append(score)
        d.mated.append(p == r)
        d.probeSubject.append(p)
        d.referenceSubject.append(r)
        d.probeSample.append(samples?.0 ?? p)
        d.referenceSample.append(samples?.1 ?? r)
        d.probeCohort.append(cohorts.0)
        d.referenceCohort.append(cohorts.1)
        d.matedCohort.append(p == r && cohorts.0 == cohorts.1 ? cohorts.0 : -1)
    }

    /// 2 cohorts of `people` subjects, 2 samples each, every pair of samples compared once. Non-mated
    /// scores are uniform on [0, 1), plus `shift` when both sides are in cohort B; mated scores are
    /// 1.2 + 0.5·u, plus `shift` in B.
    static func shifted(people: Int = 40, shift: Double) -> LabeledComparisons {
        var d = LabeledComparisons()
        d.cohortNames = ["group=A", "group=B"]
        d.subjectCount = 2 * people
        var rng = SplitMix64(seed: 7)
        let samples = 4 * people
        for i in 0..<samples {
            for j in (i + 1)..<samples {
                let (a, b) = (Int32(i / 2), Int32(j / 2))
                let (ca, cb) = (Int32(Int(a) / people), Int32(Int(b) / people))
                let u = rng.unit()
                let score = a == b ? 1.2 + 0.5 * u : u
                add(&d, a, b, score + (ca == 1 && cb == 1 ? shift : 0), cohorts: (ca, cb), samples: (Int32(i), Int32(j)))
            }
        }
        return d
    }

    /// Direct count: within-cohort non-mated scores ≥ τ and mated scores < τ of cohort c.
    static func direct(_ d: LabeledComparisons, cohort c: Int32, threshold tau: Double) -> (fm: Int, nm: Int, fnm: Int, m: Int) {
        var r = (fm: 0, nm: 0, fnm: 0, m: 0)
        for k in 0..<d.count {
            if d.mated[k] && d.matedCohort[k] == c {
                r.m += 1
                if d.scores[k] < tau { r.fnm += 1 }
            } else if !d.mated[k] && d.probeCohort[k] == c && d.referenceCohort[k] == c {
                r.nm += 1
                if d.scores[k] >= tau { r.fm += 1 }
            }
        }
        return r
    }

    static let options: CohortAnalysisOptions = {
        var o = CohortAnalysisOptions(replicates: 200, seed: 3)
        o.minimumSubjects = 1
        return o
    }()

    @Test("per-cohort thresholds: the shifted cohort's threshold moves by about the shift and its FMR is equalised")
    func perCohortThresholds() throws {
        let d = Self.shifted(shift: 0.5)
        let analysis = try #require(Mitigation.analyze(d, dimensions: "group", target: 0.01, options: Self.options))
        let w = try #require(analysis.whatIfs.first { $0.whatIf == "per_cohort_thresholds" })
        let (beforeA, beforeB) = (w.before[0], w.before[1])
        // At the global threshold the shifted cohort takes (nearly) every false match.
        let global = w.globalThresholdBefore
        let directB = Self.direct(d, cohort: 1, threshold: global)
        #expect(beforeB.fmr == ErrorCount(errors: directB.fm, trials: directB.nm))
        #expect(beforeB.fnmr == ErrorCount(errors: directB.fnm, trials: directB.m))
        #expect(beforeB.fmr.rate > 0.03 && beforeA.fmr.rate < 0.001)
        let (afterA, afterB) = (w.after[0], w.after[1])
        #expect(abs((afterB.threshold - afterA.threshold) - 0.5) < 0.05)
        for (c, rates) in [(Int32(0), afterA), (Int32(1), afterB)] {
            let direct = Self.direct(d, cohort: c, threshold: rates.threshold)
            #expect(rates.fmr == ErrorCount(errors: direct.fm, trials: direct.nm))
            #expect(rates.fnmr == ErrorCount(errors: direct.fnm, trials: direct.m))
            #expect(rates.fmr.rate <= 0.01 && rates.fmr.rate > 0.008)
            // The own threshold is the run's convention: ThresholdSearch over the cohort's within-cohort scores.
            let impostor = (0..<d.count).filter { !d.mated[$0] && d.probeCohort[$0] == c && d.referenceCohort[$0] == c }
                .map { d.scores[$0] }.sorted()
            #expect(rates.threshold == ThresholdSearch.forFMR(0.01, impostor: impostor))
            let interval = try #require(rates.fmrBootstrap)
            #expect(interval.lower <= rates.fmr.rate && rates.fmr.rate <= interval.upper)
        }
        #expect(w.inequityBefore.fmrMaxMin == nil || (w.inequityBefore.fmrMaxMin ?? 0) > 10)
        #expect((w.inequityAfter.fmrMaxMin ?? .infinity) < 1.2)
    }

    @Test("Z-norm and T-norm with held-out cohort statistics equalise a shifted cohort")
    func normalisationEqualises() throws {
        let d = Self.shifted(shift: 0.5)
        let analysis = try #require(Mitigation.analyze(d, dimensions: "group", target: 0.01, options: Self.options))
        for name in ["z_norm", "t_norm"] {
            let w = try #require(analysis.whatIfs.first { $0.whatIf == name })
            #expect(w.heldOutPeople == 40 && w.people == 40 && w.unnormalizable == 0)
            #expect(w.before[1].fmr.rate > 0.02 && w.before[0].fmr.rate < 0.002)
            for rates in w.after {
                #expect(rates.fmr.rate > 0.003 && rates.fmr.rate < 0.03, "\(name) \(rates.cohort) \(rates.fmr)")
            }
            #expect((w.inequityAfter.fmrMaxMin ?? .infinity) < 3)
        }
    }

    @Test("the split holds out half of each cohort's people, the same for the same seed")
    func split() {
        let d = Self.shifted(people: 11, shift: 0)
        let held = Mitigation.heldOut(d, seed: 5)
        #expect(held == Mitigation.heldOut(d, seed: 5))
        #expect(held[0..<11].filter { $0 }.count == 5 && held[11..<22].filter { $0 }.count == 5)
        #expect(held != Mitigation.heldOut(d, seed: 6))
    }

    @Test("statistics use held-out people only: changing theirs changes them, changing an evaluation person's does not")
    func heldOutRespected() throws {
        let d = Self.shifted(people: 10, shift: 0.5)
        let held = Mitigation.heldOut(d, seed: 1)
        let base = Mitigation.statistics(d, heldOut: held)
        // A non-mated comparison between two evaluation people, and one between an evaluation person and a
        // held-out person of the same cohort.
        let evalPair = try #require(
            (0..<d.count).first {
                !d.mated[$0] && !held[Int(d.probeSubject[$0])] && !held[Int(d.referenceSubject[$0])]
                    && d.probeCohort[$0] == d.referenceCohort[$0]
            })
        let mixedPair = try #require(
            (0..<d.count).first {
                !d.mated[$0] && !held[Int(d.probeSubject[$0])] && held[Int(d.referenceSubject[$0])]
                    && d.probeCohort[$0] == d.referenceCohort[$0]
            })
        var changedEval = d
        changedEval.scores[evalPair] += 10
        #expect(Mitigation.statistics(changedEval, heldOut: held) == base)
        var changedHeld = d
        changedHeld.scores[mixedPair] += 10
        let after = Mitigation.statistics(changedHeld, heldOut: held)
        let template = Mitigation.Template(
            subject: d.probeSubject[mixedPair], sample: d.probeSample[mixedPair], cohort: d.probeCohort[mixedPair])
        #expect(after[template] != base[template])
        #expect(abs((after[template]?.mean ?? 0) - (base[template]?.mean ?? 0) - 10 / Double(base[template]?.count ?? 1)) < 1e-9)
        // Held-out people are never normalised (no statistics of their own) and never measured.
        #expect(base.keys.allSatisfy { !held[Int($0.subject)] })
        let split = Mitigation.normalized(d, heldOut: held, norm: .z)
        #expect(split.raw.subjectCount == held.filter { !$0 }.count)
    }

    @Test("tiny example: Z-norm and T-norm scores by hand")
    func tinyNormalisation() throws {
        var d = LabeledComparisons()
        d.cohortNames = ["group=A"]
        d.subjectCount = 4
        for (p, r, s) in [(0, 1, 0.5), (0, 2, 0.2), (0, 3, 0.4), (1, 2, 0.1), (1, 3, 0.3), (2, 3, 0.9), (0, 0, 0.8), (1, 1, 0.7)] {
            Self.add(&d, Int32(p), Int32(r), s, cohorts: (0, 0), samples: (Int32(p), Int32(p == r ? 10 + p : r)))
        }
        let held = [false, false, true, true]
        let stats = Mitigation.statistics(d, heldOut: held)
        let t0 = try #require(stats[Mitigation.Template(subject: 0, sample: 0, cohort: 0)])
        let t1 = try #require(stats[Mitigation.Template(subject: 1, sample: 1, cohort: 0)])
        // Template 0 against held-out people 2, 3: 0.2, 0.4 → mean 0.3, sd 0.1; template 1: 0.1, 0.3 → 0.2, 0.1.
        #expect(abs(t0.mean - 0.3) < 1e-12 && abs(t0.standardDeviation - 0.1) < 1e-12 && t0.count == 2)
        #expect(abs(t1.mean - 0.2) < 1e-12 && abs(t1.standardDeviation - 0.1) < 1e-12)
        #expect(stats.count == 2)
        let z = Mitigation.normalized(d, heldOut: held, norm: .z)
        let t = Mitigation.normalized(d, heldOut: held, norm: .t)
        // Evaluation comparisons: (0,1) 0.5, (0,0) 0.8, (1,1) 0.7. Mated pairs' samples 10, 11 have no
        // statistics of their own: the mated comparisons are not normalisable.
        #expect(z.raw.scores == [0.5] && z.dropped == 2)
        #expect(abs(z.normalized.scores[0] - 3) < 1e-9)  // reference 1: (0.5 − 0.2)/0.1
        #expect(abs(t.normalized.scores[0] - 2) < 1e-9)  // probe 0: (0.5 − 0.3)/0.1
        // T-norm reads the probe side (samples 0 and 1), so the mated comparisons are normalised: (0.8 − 0.3)/0.1,
        // (0.7 − 0.2)/0.1.
        #expect(t.dropped == 0 && t.raw.scores == [0.5, 0.8, 0.7])
        // Statistics from fewer held-out people than asked for are not used: every comparison is left out.
        #expect(t0.people == [2, 3])
        let strict = Mitigation.normalized(d, heldOut: held, norm: .t, minimumPeople: 3)
        #expect(strict.dropped == 3 && strict.raw.count == 0)
        #expect(abs(t.normalized.scores[1] - 5) < 1e-9 && abs(t.normalized.scores[2] - 5) < 1e-9)
    }

    @Test("tiny example: per-cohort thresholds, FMR and FNMR by hand")
    func tinyThresholds() throws {
        var d = LabeledComparisons()
        d.cohortNames = ["group=A", "group=B"]
        d.subjectCount = 10
        for (i, s) in [0.1, 0.2, 0.3, 0.4].enumerated() { Self.add(&d, Int32(i), Int32(i + 1), s, cohorts: (0, 0)) }
        for (i, s) in [0.5, 0.6, 0.7, 0.8].enumerated() { Self.add(&d, Int32(5 + i), Int32(6 + i), s, cohorts: (1, 1)) }
        Self.add(&d, 0, 0, 0.35, cohorts: (0, 0))
        Self.add(&d, 1, 1, 0.5, cohorts: (0, 0))
        Self.add(&d, 5, 5, 0.75, cohorts: (1, 1))
        Self.add(&d, 6, 6, 0.95, cohorts: (1, 1))
        var options = Self.options
        options.replicates = 0
        let w = try #require(Mitigation.analyze(d, dimensions: "group", target: 0.25, options: options)?.whatIfs.first)
        // Global: 8 non-mated, at most 2 accepted → τ = 0.7. A: FMR 0/4, FNMR 2/2; B: FMR 2/4, FNMR 0/2.
        #expect(w.globalThresholdBefore == 0.7)
        #expect(w.before[0].fmr == ErrorCount(errors: 0, trials: 4) && w.before[0].fnmr == ErrorCount(errors: 2, trials: 2))
        #expect(w.before[1].fmr == ErrorCount(errors: 2, trials: 4) && w.before[1].fnmr == ErrorCount(errors: 0, trials: 2))
        // Own: A 1 of 4 accepted → τ 0.4, FNMR 1/2; B → τ 0.8, FNMR 1/2 (0.75 < 0.8).
        #expect(w.after[0].threshold == 0.4 && w.after[0].fmr == ErrorCount(errors: 1, trials: 4))
        #expect(w.after[0].fnmr == ErrorCount(errors: 1, trials: 2))
        #expect(w.after[1].threshold == 0.8 && w.after[1].fmr == ErrorCount(errors: 1, trials: 4))
        #expect(w.after[1].fnmr == ErrorCount(errors: 1, trials: 2))
        // Inequity: before FMRs 0, 0.5 → max/min undefined, Gini = 2/(1)·0.5/(2·4·0.25) = 1; after equal → 1, 0.
        #expect(w.inequityBefore.fmrMaxMin == nil && w.inequityBefore.fmrGini == 1)
        #expect(w.inequityAfter.fmrMaxMin == 1 && w.inequityAfter.fmrGini == 0 && w.inequityAfter.fnmrGini == 0)
    }
}
