import FaceAuditSorting

extension SubjectBootstrap {
    /// One group's weighted errors at many thresholds, from one list of changes: what each
    /// ``Tally/nonMatedErrors(_:)`` (or ``Tally/matedErrors(_:)``) of the group's tallies at those thresholds
    /// gives, for a replicate, in one pass over the entries instead of one pass per threshold.
    ///
    /// Errors only grow along the thresholds' order (non-mated errors as the threshold falls, mated ones as
    /// it rises), and each entry is how many errors one subject pair (or one subject) gains at one
    /// threshold. A threshold's errors are the running sum of the weighted entries up to it: whole numbers,
    /// so the sum is the per-tally one exactly. Every error enters once, where per-threshold tallies read the
    /// errors of every threshold it is an error at: an inequity curve's 55 thresholds read about 8 times the
    /// largest one's.
    struct Steps: Sendable {
        /// Per step, where its entries start (one more than steps).
        private let starts: [Int]
        /// The threshold (index into the tallies) of each step.
        private let order: [Int]
        /// Each entry's subject (a pair's lower one).
        private let first: [Int32]
        /// Each entry's pair's higher subject; empty for mated errors (weighted by one subject).
        private let second: [Int32]
        /// Each entry's change of errors.
        private let change: [Int]

        /// The errors of comparisons `indices` of `data` (NaN scores left out) at each of `thresholds`:
        /// non-mated ones (similarity ≥ τ), taken in the order of falling thresholds, or mated ones
        /// (similarity < τ), in the order of rising ones. Each comparison is read once, where a tally per
        /// threshold reads every one at every threshold (an inequity curve has 55).
        init(_ data: LabeledComparisons, indices: [Int], thresholds: [Double], mated: Bool) {
            // Ties keep the thresholds' order, so the order is the same whatever the scores.
            let order =
                mated
                ? thresholds.indices.sorted { (thresholds[$0], $0) < (thresholds[$1], $1) }
                : thresholds.indices.sorted { (-thresholds[$0], $0) < (-thresholds[$1], $1) }
            // Ascending either way: the thresholds, or for non-mated errors their negatives.
            let ascending = order.map { mated ? thresholds[$0] : -thresholds[$0] }
            // Per step, the comparisons that become errors there: the first threshold above a mated
            // similarity, or the first at or below a non-mated one (−τ ≥ −s); the thresholds after it, in
            // this order, are all on the same side.
            var entering = [[UInt64]](repeating: [], count: order.count)
            for k in indices where data.mated[k] == mated {
                let s = data.scores[k]
                guard !s.isNaN else { continue }
                let low = mated ? ThresholdSearch.upperBound(ascending, s) : SortedScores.lowerBound(ascending, -s)
                guard low < ascending.count else { continue }
                let a = Int(data.probeSubject[k])
                entering[low].append(mated ? UInt64(a) : pairKey(a, Int(data.referenceSubject[k])))
            }
            var starts = [0]
            var first: [Int32] = []
            var second: [Int32] = []
            var change: [Int] = []
            for var keys in entering {
                RadixSort.sort(&keys)
                for run in runs(of: keys) {
                    first.append(Int32(truncatingIfNeeded: mated ? run.key : run.key >> 32))
                    if !mated { second.append(Int32(truncatingIfNeeded: run.key)) }
                    change.append(run.count)
                }
                starts.append(change.count)
            }
            self.starts = starts
            self.order = order
            self.first = first
            self.second = second
            self.change = change
        }

        /// Every threshold's weighted errors for resample counts `m`, by threshold (the tallies' order).
        func errors(_ m: [Int]) -> [Int] {
            var out = [Int](repeating: 0, count: order.count)
            var running = 0
            m.withUnsafeBufferPointer { m in
                first.withUnsafeBufferPointer { first in
                    second.withUnsafeBufferPointer { second in
                        change.withUnsafeBufferPointer { change in
                            for q in order.indices {
                                for k in starts[q]..<starts[q + 1] {
                                    let weight = second.isEmpty ? m[Int(first[k])] : m[Int(first[k])] * m[Int(second[k])]
                                    running += weight * change[k]
                                }
                                out[order[q]] = running
                            }
                        }
                    }
                }
            }
            return out
        }
    }
}
