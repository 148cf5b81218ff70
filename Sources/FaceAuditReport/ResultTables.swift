import FaceAuditFiles
import FaceAuditMetrics

/// The tidy CSV files of a run: one observation per row, ready for pandas or R.
public enum ResultTables {
    /// `cohorts.csv`: one row per dimension set × cohort × operating point × metric. `operating_point` says
    /// how the row's threshold was chosen: `target_fmr` (its `target_fmr` column set) or `threshold` (fixed;
    /// `target_fmr` empty, `threshold_label` saying what it is when known).
    public static func cohorts(_ analyses: [DisaggregatedRates], intervalMethod: String, simulated: Bool = false) -> String {
        var rows = [
            [
                "data", "dimensions", "cohort", "operating_point", "target_fmr", "threshold", "threshold_label", "metric", "errors",
                "trials", "estimate", "ci_lower", "ci_upper",
                "ci_method",
                "bootstrap_lower", "bootstrap_upper", "subjects", "flags",
            ]
        ]
        for analysis in analyses {
            for rates in [analysis.overall] + analysis.cohorts {
                let metrics: [(String, ErrorCount, BinomialInterval?, BinomialInterval?)] = [
                    ("fnmr", rates.fnmr, rates.fnmrInterval, rates.fnmrBootstrap),
                    ("fmr", rates.fmr, rates.fmrInterval, rates.fmrBootstrap),
                    ("fta", rates.fta, BinomialInterval(rates.fta), nil),
                ]
                for (name, count, ci, boot) in metrics {
                    rows.append([
                        provenance(simulated), analysis.dimensions.description, rates.cohort, analysis.operatingPoint.rawValue,
                        number(analysis.targetFMR), number(analysis.threshold), analysis.thresholdLabel ?? "", name,
                        "\(count.errors)",
                        "\(count.trials)", number(count.rate), number(ci?.lower), number(ci?.upper), intervalMethod, number(boot?.lower),
                        number(boot?.upper), "\(rates.subjects)", rates.flags.joined(separator: "; "),
                    ])
                }
            }
        }
        return csv(rows)
    }

    /// `cross_cohort_fmr.csv`: one row per dimension set × operating point × probe cohort × reference cohort.
    public static func crossCohort(_ analyses: [DisaggregatedRates], simulated: Bool = false) -> String {
        var rows = [
            [
                "data", "dimensions", "operating_point", "target_fmr", "threshold", "threshold_label", "probe_cohort", "reference_cohort",
                "errors", "trials", "fmr",
            ]
        ]
        for analysis in analyses {
            let names = analysis.cohorts.map(\.cohort)
            for (p, row) in analysis.crossFMR.enumerated() {
                for (r, cell) in row.enumerated() where p < names.count && r < names.count {
                    rows.append([
                        provenance(simulated), analysis.dimensions.description, analysis.operatingPoint.rawValue,
                        number(analysis.targetFMR),
                        number(analysis.threshold), analysis.thresholdLabel ?? "", names[p],
                        names[r],
                        "\(cell.errors)",
                        "\(cell.trials)", number(cell.rate),
                    ])
                }
            }
        }
        return csv(rows)
    }

    /// `age_gap.csv`: one row per operating point × age-gap group. `enrolment_age_band` is the younger
    /// photo's band; `years_elapsed` is set for `age_and_years` rows, `later_age_band` (the older photo's
    /// band) for `band_pair` rows. `fnmr` and the interval are empty when the group has no completed pair.
    public static func ageGap(_ a: AgeGapAnalysis, simulated: Bool = false) -> String {
        var rows = [
            [
                "data", "operating_point", "target_fmr", "threshold", "threshold_label", "enrolment_age_band", "years_elapsed",
                "later_age_band", "grouping",
                "errors", "trials", "fnmr", "ci_lower", "ci_upper", "ci_method", "bootstrap_lower", "bootstrap_upper", "subjects", "flags",
            ]
        ]
        for point in a.points {
            for r in point.rates {
                rows.append([
                    provenance(simulated), point.setting.kind.rawValue, number(point.setting.targetFMR), number(point.threshold),
                    point.setting.label ?? "",
                    r.group.enrolmentAgeBand, r.group.yearsElapsed ?? "", r.group.laterAgeBand ?? "", r.group.grouping.rawValue,
                    "\(r.fnmr.errors)", "\(r.fnmr.trials)", number(r.fnmr.rate), number(r.fnmrInterval.lower), number(r.fnmrInterval.upper),
                    a.intervalMethod.rawValue, number(r.fnmrBootstrap?.lower), number(r.fnmrBootstrap?.upper), "\(r.subjects)",
                    r.flags.joined(separator: "; "),
                ])
            }
        }
        return csv(rows)
    }

    /// `curves.csv`: ROC/DET points per dimension set and cohort.
    public static func curves(
        _ curves: [(dimensions: DimensionSet, cohort: String, points: [CurvePoint])], simulated: Bool = false
    ) -> String {
        var rows = [["data", "dimensions", "cohort", "threshold", "fmr", "fnmr", "fmr_probit", "fnmr_probit"]]
        for curve in curves {
            for p in curve.points {
                rows.append([
                    provenance(simulated), curve.dimensions.description, curve.cohort, number(p.threshold), number(p.fmr), number(p.fnmr),
                    number(p.fmrProbit),
                    number(p.fnmrProbit),
                ])
            }
        }
        return csv(rows)
    }

    /// `inequity_curves.csv`: one row per attribute × curve × grid point. `curve` is `fdr`, `fmr_max_geomean`
    /// or `fnmr_max_geomean` (``InequityCurve/Point``), or `fdr_area` (``InequityCurve/Area``: `axis` says
    /// whether over `log10_fmr` or `fmr`, `global_fmr` is the area's lower end and `global_fmr_to` its upper
    /// end, `threshold` empty). `estimate` is empty where the measure is undefined (a zero rate under max/geomean).
    public static func inequityCurves(_ curves: [InequityCurve], simulated: Bool = false) -> String {
        var rows = [
            [
                "data", "dimensions", "curve", "axis", "global_fmr", "global_fmr_to", "threshold", "estimable", "estimate",
                "bootstrap_lower", "bootstrap_upper", "replicates",
            ]
        ]
        for curve in curves {
            let metrics: [(String, KeyPath<InequityCurve.Point, Double?>)] = [
                ("fdr", \.fdr), ("fmr_max_geomean", \.fmrMaxGeomean), ("fnmr_max_geomean", \.fnmrMaxGeomean),
            ]
            for (name, path) in metrics {
                for p in curve.points {
                    let ci = p.bootstrap?[name]
                    rows.append([
                        provenance(simulated), curve.dimensions.description, name, "", number(p.globalFMR), "", number(p.threshold),
                        p.estimable ? "1" : "0", number(p[keyPath: path]), number(ci?.lower), number(ci?.upper), "\(curve.replicates)",
                    ])
                }
            }
            for a in curve.areas {
                rows.append([
                    provenance(simulated), curve.dimensions.description, "fdr_area", a.axis.rawValue, number(a.fromFMR), number(a.toFMR),
                    "",
                    a.value == nil ? "0" : "1", number(a.value), number(a.bootstrap?.lower), number(a.bootstrap?.upper),
                    "\(curve.replicates)",
                ])
            }
        }
        return csv(rows)
    }

    /// The first column of every row: `SIMULATED` for the demo population, `measured` otherwise.
    static func provenance(_ simulated: Bool) -> String { simulated ? "SIMULATED" : "measured" }

    /// A number as the shortest text that reads back to the same double; empty for missing or NaN.
    static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "" }
        return "\(x)"
    }

    /// RFC 4180 CSV with LF line ends.
    static func csv(_ rows: [[String]]) -> String {
        rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// One field as RFC 4180 writes it: quoted, its quotes doubled, when it holds a comma, a quote, a
    /// line feed or a carriage return. The test is on the UTF-8 bytes, so a quote or comma followed by a
    /// combining mark (one `Character`, which neither `contains` nor a split on `Character("\"")` sees)
    /// is quoted and doubled too, and no field goes through Foundation's string search.
    /// A free-text field (a run's folder name) as a spreadsheet should read it: control and bidirectional
    /// formatting characters written as `\u{…}`, and a leading `=`, `+`, `-` or `@` (which a spreadsheet
    /// takes for a formula: a folder named `=HYPERLINK(…)`) behind a `'`.
    public static func text(_ text: String) -> String {
        let shown = ErrorText.printable(text)
        guard let first = shown.unicodeScalars.first, "=+-@".unicodeScalars.contains(first) else { return shown }
        return "'" + shown
    }

    static func field(_ text: String) -> String {
        let quote = UInt8(ascii: "\"")
        let special: (UInt8) -> Bool = { $0 == UInt8(ascii: ",") || $0 == quote || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
        guard text.utf8.contains(where: special) else { return text }
        var bytes: [UInt8] = [quote]
        bytes.reserveCapacity(text.utf8.count + 4)
        for b in text.utf8 {
            if b == quote { bytes.append(quote) }
            bytes.append(b)
        }
        bytes.append(quote)
        return String(decoding: bytes, as: UTF8.self)
    }
}
