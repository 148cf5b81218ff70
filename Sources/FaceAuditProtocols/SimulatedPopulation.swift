import FaceAuditCohorts
import FaceAuditDatasets
import FaceAuditMetrics
import Foundation

/// The built-in demo: a simulated population whose per-cohort error rates follow the demographic
/// differentials NIST reported for commercial face recognition (Grother, Ngan & Hanaoka, NISTIR 8280,
/// 2019), so that `faceaudit demo` shows the whole path in seconds with no download.
///
/// Scores are similarities with Laplace (exponential) tails, so shifting a group's scores by b·ln(m)
/// multiplies its error rate by m at every threshold in the tail. Each person carries multipliers for
/// sex, age band and skin-tone group (below); a non-mated pair takes the geometric mean of its two
/// people's multipliers, divided by 3 for every attribute on which they differ (false matches concentrate
/// among demographically similar people, NISTIR 8280 §3.6).
public struct SimulatedPopulation: Sendable {
    /// The false-match multipliers used, relative to adult men with light skin; within NISTIR 8280's
    /// reported ranges (false positives vary 10 to over 100 times across groups, highest for people of
    /// African descent; women 2–5× men; elevated in children and the elderly).
    public static let fmrMultipliers: [String: Double] = [
        "female": 2.5, "male": 1, "monk:1-3": 1, "monk:4-6": 3, "monk:7-10": 10, "8-12": 4, "13-17": 2, "18-29": 1.2, "30-49": 1,
        "50-64": 1.3, "65+": 3,
    ]
    /// The false-non-match multipliers used; NISTIR 8280 found false-negative differences below about 3×.
    public static let fnmrMultipliers: [String: Double] = [
        "female": 1.2, "male": 1, "monk:1-3": 1, "monk:4-6": 1.1, "monk:7-10": 1.4, "8-12": 2.5, "13-17": 1.5, "18-29": 1, "30-49": 1,
        "50-64": 1.1, "65+": 1.6,
    ]

    /// The records (no files: paths are placeholders) with labels.
    public let manifest: Manifest
    /// Every pair, scored.
    public let pairs: AllPairs

    /// Generates `subjects` people with `imagesPerSubject` images each, deterministically from `seed`.
    public init(subjects: Int = 600, imagesPerSubject: Int = 2, seed: UInt64 = 1) {
        var rng = SplitMix64(seed: seed)
        let ages: [(band: String, low: Int, high: Int, share: Double)] = [
            ("8-12", 8, 12, 0.10), ("13-17", 13, 17, 0.15), ("18-29", 18, 29, 0.25), ("30-49", 30, 49, 0.25), ("50-64", 50, 64, 0.15),
            ("65+", 65, 85, 0.10),
        ]
        let tones: [(group: String, values: ClosedRange<Int>, share: Double)] = [
            ("monk:1-3", 1...3, 0.35), ("monk:4-6", 4...6, 0.35), ("monk:7-10", 7...10, 0.30),
        ]
        func pick<T>(_ options: [T], _ share: (T) -> Double) -> T {
            var u = rng.unit()
            for option in options {
                u -= share(option)
                if u < 0 { return option }
            }
            return options[options.count - 1]
        }
        var records: [ImageRecord] = []
        var logFMR: [Double] = []
        var logFNMR: [Double] = []
        var attributes: [[String]] = []
        for s in 0..<subjects {
            let sex = rng.unit() < 0.5 ? "female" : "male"
            let age = pick(ages) { $0.share }
            let tone = pick(tones) { $0.share }
            let years = Double(age.low + rng.below(age.high - age.low + 1))
            let monk = tone.values.lowerBound + rng.below(tone.values.count)
            let keys = [sex, age.band, tone.group]
            let fm = keys.reduce(0.0) { $0 + log(Self.fmrMultipliers[$1]!) }
            let fnm = keys.reduce(0.0) { $0 + log(Self.fnmrMultipliers[$1]!) }
            for i in 0..<imagesPerSubject {
                records.append(
                    ImageRecord(
                        path: String(format: "simulated/person%04d_%d", s, i), subject: SubjectID(String(format: "sim%04d", s)),
                        labels: Labels(age: years, gender: sex, skinTone: SkinTone(scale: .monk, value: monk))))
                logFMR.append(fm)
                logFNMR.append(fnm)
                attributes.append(keys)
            }
        }
        let card = DatasetCard(
            name: "simulated", title: "FaceAudit's simulated population (SIMULATED, calibrated to NISTIR 8280)",
            license: "CC0 (generated data)",
            citation: "Grother, P., Ngan, M. & Hanaoka, K. (2019). Face Recognition Vendor Test (FRVT) Part 3: Demographic Effects. "
                + "NISTIR 8280. https://doi.org/10.6028/NIST.IR.8280",
            description:
                "\(subjects) simulated people × \(imagesPerSubject) images with sex, age and Monk skin-tone labels. No real person "
                + "and no photograph: scores are drawn so that group differences follow NISTIR 8280's reported differentials "
                + "(false-match multipliers: women 2.5×, Monk 4-6 3×, Monk 7-10 10×, ages 8-12 4×, 13-17 2×, 65+ 3×; false-non-match "
                + "multipliers below 3×).",
            labelProvenance: ["age": .simulated, "gender": .simulated, "ethnicity": .unknown, "skin_tone": .simulated],
            skinToneInstrument: "monk",
            limitations: [
                "SIMULATED data: it shows how FaceAudit reports differentials, not how any real system performs.",
                "The multipliers are illustrative values inside NISTIR 8280's reported ranges, not fitted to NIST's data.",
            ])
        manifest = Manifest(layout: .csv, root: "simulated", source: "built-in simulated population", card: card, records: records)
        // Impostor similarity: Laplace(0.1, 0.04) shifted by the pair's log multiplier; mated: 0.7 − Laplace tail.
        let impostorScale = 0.04
        let genuineScale = 0.06
        var noise = SplitMix64(seed: seed ^ 0x5EED)
        func laplace() -> Double {
            let u = noise.unit() - 0.5
            return -(u < 0 ? -1.0 : 1.0) * log(1 - 2 * abs(u))
        }
        pairs = AllPairs(manifest: manifest) { i, j in
            if records[i].subject == records[j].subject {
                // Lower tail: FNMR multiplier m ⇒ shift down by b·ln(m).
                return 0.7 - genuineScale * logFNMR[i] + genuineScale * laplace()
            }
            let mismatches = zip(attributes[i], attributes[j]).filter { $0 != $1 }.count
            let shift = (logFMR[i] + logFMR[j]) / 2 - Double(mismatches) * log(3)
            return 0.1 + impostorScale * shift + impostorScale * laplace()
        }
    }
}
