import FaceAuditMetrics

extension HTMLReport {
    /// How many groups get a coloured curve when a chart has more groups than the palette has colours.
    static let highlightedEachEnd = 3

    /// The DET series as drawn, and a sentence for above the chart. With up to ``HTML/palette``'s 14
    /// groups, every group has its page colour and there is no sentence. With more, 50 groups shared about
    /// 10 colours and could not be told apart, so only the ``highlightedEachEnd`` groups with the highest
    /// false match rate at the threshold (`fmr`, one per series, in order) and as many with the lowest are
    /// coloured, each its own palette colour; the others are thin grey lines, and the sentence names the
    /// coloured ones. Ties keep the series' order; "overall" is always drawn.
    static func highlightingFew(_ series: [Charts.DETSeries], fmr: [Double]) -> ([Charts.DETSeries], String?) {
        precondition(series.count == fmr.count, "one rate a series")
        let groups = series.indices.filter { series[$0].label != "overall" }
        guard groups.count > HTML.palette.count else { return (series, nil) }
        let most = Array(groups.sorted { fmr[$0] > fmr[$1] || (fmr[$0] == fmr[$1] && $0 < $1) }.prefix(highlightedEachEnd))
        let fewest = Array(groups.sorted { fmr[$0] < fmr[$1] || (fmr[$0] == fmr[$1] && $0 < $1) }.prefix(highlightedEachEnd))
        var out = series
        for i in groups { out[i].background = true }
        for (k, i) in (most + fewest).enumerated() {
            out[i].background = false
            out[i].color = HTML.palette[k]
        }
        let names = { (indices: [Int]) in indices.map { series[$0].label }.joined(separator: ", ") }
        let note =
            "With \(groups.count) groups, too many to tell apart by colour, the chart colours the \(highlightedEachEnd) with the highest false match rate at the threshold (\(names(most))) and the \(highlightedEachEnd) with the lowest (\(names(fewest))); the other \(groups.count - 2 * highlightedEachEnd) are thin grey lines. Every group's curve is in curves.csv."
        return (out, note)
    }
}
