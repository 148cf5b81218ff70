extension SubjectBootstrap {
    /// One group's weighted errors at many thresholds, from one list of changes: what each
    /// ``Tally/nonMatedErrors(_:)`` (or ``Tally/matedErrors(_:)``) of the group's tallies at those thresholds
    /// gives, for a replicate, in one pass over the entries instead of one pass per threshold.
    ///
    /// The thresholds are taken in `order`, and each entry is the change of one subject pair's (or one
    /// subject's) error count from the previous threshold to the next. A threshold's errors are the running
    /// sum of the weighted changes up to it: whole numbers, so the sum is the per-tally one exactly, in any
    /// order. In an order along which the errors only grow (non-mated errors as the threshold falls, mated
    /// ones as it rises) every pair enters once, where per-threshold passes read the pairs of every threshold
    /// it is an error at: an inequity curve's 55 thresholds read about 8 times the largest one's pairs.
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

        /// The non-mated errors of `tallies` (one group's, one per threshold), taken in `order`.
        init(nonMated tallies: [Tally], order: [Int]) {
            self.init(
                order.map { t in
                    tallies[t].errorPairs.map { (key: UInt64(UInt32($0.a)) << 32 | UInt64(UInt32($0.b)), count: Int($0.errors)) }
                },
                order: order, pairs: true)
        }

        /// The mated errors of `tallies` (one group's, one per threshold), taken in `order`.
        init(mated tallies: [Tally], order: [Int]) {
            self.init(
                order.map { t in tallies[t].mated.map { (key: UInt64($0.subject), count: $0.errors) }.sorted { $0.key < $1.key } },
                order: order, pairs: false)
        }

        /// `lists`: per step, counts by ascending key (a pair's subjects packed a · 2³² + b, or a subject).
        private init(_ lists: [[(key: UInt64, count: Int)]], order: [Int], pairs: Bool) {
            var starts = [0]
            var first: [Int32] = []
            var second: [Int32] = []
            var change: [Int] = []
            func add(_ key: UInt64, _ d: Int) {
                guard d != 0 else { return }
                first.append(Int32(truncatingIfNeeded: pairs ? key >> 32 : key))
                if pairs { second.append(Int32(truncatingIfNeeded: key)) }
                change.append(d)
            }
            var previous: [(key: UInt64, count: Int)] = []
            for list in lists {
                // Both lists by ascending key: merged, each key's change from the previous step.
                var (i, j) = (0, 0)
                while i < previous.count || j < list.count {
                    if j == list.count || (i < previous.count && previous[i].key < list[j].key) {
                        add(previous[i].key, -previous[i].count)
                        i += 1
                    } else if i == previous.count || list[j].key < previous[i].key {
                        add(list[j].key, list[j].count)
                        j += 1
                    } else {
                        add(list[j].key, list[j].count - previous[i].count)
                        i += 1
                        j += 1
                    }
                }
                starts.append(change.count)
                previous = list
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
