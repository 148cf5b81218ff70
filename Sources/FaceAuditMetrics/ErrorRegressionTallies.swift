/// The sufficient statistics of a logistic regression of errors on person-level covariates: per cell
/// (one design row), its trials and events, and what the person-clustered sandwich needs, without storing
/// any pair.
///
/// A *cell* is one distinct design row x (intercept, indicators, numbers); rows are compared exactly, so
/// continuous covariates should be rounded by the caller (the comparison builders use whole years).
///
/// - ``Clustering/person`` (false non-match: one person per mated pair): ``add(first:second:row:trials:events:)``
///   with `second: nil`, any number of calls per person and cell. Kept per (person, cell): trials, events.
/// - ``Clustering/twoPeople`` (false match: two people per non-mated pair): each call is the *complete*
///   tally of one ordered person pair (first, second) — all its photo pairs, which share one row because
///   every covariate is a property of the two people. Kept per (first person, cell) and per (second
///   person, cell): trials and events, and per cell Σm², Σm·e, Σe² over its person pairs (m trials, e events
///   of a person pair), which give the pair-clustered meat exactly. Adding the same ordered pair twice
///   counts it as two clusters (as statsmodels would with two distinct group labels).
///
/// Calls with zero trials are ignored.
public struct ErrorRegressionTallies: Sendable {
    /// How observations are clustered.
    public enum Clustering: String, Sendable, Codable {
        /// One-way by person.
        case person
        /// Two people a pair (first and second person). Fits of these tallies are dyadic-robust (see
        /// ``ErrorRegression``, ``ErrorRegression/CovarianceType/dyadic``); the raw value is kept from when
        /// they were clustered two ways (Cameron–Gelbach–Miller), so that summary.json reads as before.
        case twoPeople = "two_way_person"
    }

    /// A group of design columns tested together (a covariate with several indicator columns).
    public struct Term: Sendable, Hashable, Codable {
        /// The term's name, e.g. `gender`.
        public var name: String
        /// Its columns (indices into ``ErrorRegressionTallies/columns``).
        public var columns: [Int]

        /// A term of `columns`.
        public init(name: String, columns: [Int]) {
            self.name = name
            self.columns = columns
        }
    }

    /// One design row's totals (the row itself: ``row(_:)``).
    public struct Cell: Sendable, Hashable {
        /// Trials (pairs) in the cell.
        public var trials: Double = 0
        /// Events (errors) in the cell.
        public var events: Double = 0
        /// Σ m² over the cell's person pairs (two-way clustering only).
        public var trialsSquared: Double = 0
        /// Σ m·e over the cell's person pairs (two-way clustering only).
        public var trialsTimesEvents: Double = 0
        /// Σ e² over the cell's person pairs (two-way clustering only).
        public var eventsSquared: Double = 0
    }

    struct PersonCell: Hashable {
        var person: Int
        var cell: Int
    }

    struct PairKey: Hashable {
        var first: Int
        var second: Int?
        var row: [Double]
    }

    struct Count {
        var trials: Double = 0
        var events: Double = 0
    }

    /// Design column names; column 0 is usually `intercept`.
    public let columns: [String]
    /// The terms the per-term tests are run for.
    public let terms: [Term]
    /// How the standard errors are clustered.
    public let clustering: Clustering
    /// The cells, in the order their rows were first added.
    public private(set) var cells: [Cell] = []
    /// Total trials (pairs), the N of the small-sample correction.
    public private(set) var observations: Double = 0
    /// Distinct ordered person pairs added (two-way clustering), the G of the pair clustering.
    public private(set) var personPairs = 0
    /// Every cell's design row by its nonzero entries, in the order of ``cells``: what the fits read.
    /// Kept sparse rather than as an array of K doubles per cell: a run whose intersection has 525 cohorts
    /// has 1.4 million cells of 60 mostly-zero columns, which took 760 MB as arrays (and the fit's sparse
    /// copy of them 270 MB more).
    private(set) var rows = ErrorRegression.SparseRows()
    /// Finds a row's cell (``RowIndex``).
    private var rowIndex = RowIndex()
    /// The per-person trials of an all-pairs design, kept as its structure rather than per (person, cell):
    /// then ``first`` and ``second`` hold only events, and a person's trials with every other person are
    /// recomputed when the sandwich needs them (an all-pairs design of 25,000 people of 576 classes would
    /// otherwise keep 29 million (person, cell) entries per side and threshold).
    var classTrials: ClassTrials?

    private(set) var first: [PersonCell: Count] = [:]
    private(set) var second: [PersonCell: Count] = [:]
    /// With ``classTrials``: every person's events as the pairs' first and second person, in tables by
    /// `person · cellCount + cell`, as ``addPersonEvents(first:second:cellCount:)`` received them. Turning
    /// the tables into ``first`` and ``second`` hashed up to a million (person, cell) entries per side and
    /// threshold (2.2% of a 50,000-template run), where the sandwich only walks them person by person.
    private(set) var eventTables: EventTables?

    /// Per-person events in tables (see ``eventTables``).
    struct EventTables {
        var first: [Double]
        var second: [Double]
        var cellCount: Int

        /// Calls `body(person, cell, events)` for every entry with events, in (person, cell) order.
        func forEach(first isFirst: Bool, _ body: (_ person: Int, _ cell: Int, _ events: Double) -> Void) {
            let table = isFirst ? first : second
            guard cellCount > 0 else { return }
            for k in table.indices where table[k] > 0 { body(k / cellCount, k % cellCount, table[k]) }
        }
    }

    /// Empty tallies for a design with `columns` and `terms`.
    public init(columns: [String], terms: [Term], clustering: Clustering) {
        self.columns = columns
        self.terms = terms
        self.clustering = clustering
    }

    /// Adds `trials` pairs with `events` errors of design row `row` (count = ``columns``) for person `first`
    /// and, with two-way clustering, person `second` (see the type's note on what one call must hold).
    public mutating func add(first a: Int, second b: Int?, row: [Double], trials: Int, events: Int) {
        guard trials > 0 else { return }
        add(first: a, second: b, cell: cell(for: row), trials: trials, events: events)
    }

    /// The index of the cell of design row `row` (count = ``columns``), created empty if new: an engine that
    /// adds many person pairs of a few rows looks each row up once and calls
    /// ``add(first:second:cell:trials:events:)``.
    public mutating func cell(for row: [Double]) -> Int {
        precondition(row.count == columns.count, "a design row has \(columns.count) values")
        if let known = rowIndex.find(row, in: rows) { return known }
        rows.append(row: row)
        cells.append(Cell())
        rowIndex.insert(row, cell: cells.count - 1)
        return cells.count - 1
    }

    /// The design row of cell `c` (``columns`` long): the row it was made for, with −0 entries read back as +0.
    public func row(_ c: Int) -> [Double] { rows.dense(c, columns: columns.count) }

    /// ``add(first:second:row:trials:events:)`` with the row given by its cell index (from ``cell(for:)``).
    public mutating func add(first a: Int, second b: Int?, cell c: Int, trials: Int, events: Int) {
        precondition(events >= 0 && events <= trials, "events must be in 0...trials")
        precondition((b == nil) == (clustering == .person), "a second person exactly with two-way clustering")
        guard trials > 0 else { return }
        dissolveEventTables()
        let m = Double(trials)
        let e = Double(events)
        cells[c].trials += m
        cells[c].events += e
        observations += m
        first[PersonCell(person: a, cell: c), default: Count()].add(m, e)
        if let b {
            second[PersonCell(person: b, cell: c), default: Count()].add(m, e)
            cells[c].trialsSquared += m * m
            cells[c].trialsTimesEvents += m * e
            cells[c].eventsSquared += e * e
            personPairs += 1
        }
    }

    /// Adds to cell `c` the totals of many person pairs at once (two-way clustering): their trials and Σm².
    /// With ``classTrials``, ``addPersonPairs(_:)`` and
    /// ``addPersonPairEvents(first:second:cell:trials:events:)`` this builds what one
    /// ``add(first:second:cell:trials:events:)`` call per person pair would, without visiting the pairs.
    mutating func addCellTotals(cell c: Int, trials: Double, trialsSquared: Double) {
        precondition(clustering == .twoPeople, "aggregated totals are for two-way clustering")
        cells[c].trials += trials
        cells[c].trialsSquared += trialsSquared
        observations += trials
    }

    /// Counts `count` more person pairs (clusters of the pair clustering).
    mutating func addPersonPairs(_ count: Int) { personPairs += count }

    /// Adds the `events` of one person pair whose `trials` were already added through the aggregated
    /// totals.
    mutating func addPersonPairEvents(first a: Int, second b: Int, cell c: Int, trials m: Double, events e: Double) {
        guard e > 0 else { return }
        dissolveEventTables()
        addPairCellEvents(cell: c, trials: m, events: e)
        first[PersonCell(person: a, cell: c), default: Count()].events += e
        second[PersonCell(person: b, cell: c), default: Count()].events += e
    }

    /// ``addPersonPairEvents(first:second:cell:trials:events:)`` without the per-person part: that is
    /// added later, summed, by ``addPersonEvents(first:second:cellCount:)``.
    mutating func addPairCellEvents(cell c: Int, trials m: Double, events e: Double) {
        guard e > 0 else { return }
        cells[c].events += e
        cells[c].trialsTimesEvents += m * e
        cells[c].eventsSquared += e * e
    }

    /// Adds sums over person pairs to cell `c`: what ``addPairCellEvents(cell:trials:events:)`` adds pair
    /// by pair (`events` the sum of e, `trialsTimesEvents` of m · e, `eventsSquared` of e²).
    mutating func addCellSums(cell c: Int, events: Double, trialsTimesEvents: Double, eventsSquared: Double) {
        cells[c].events += events
        cells[c].trialsTimesEvents += trialsTimesEvents
        cells[c].eventsSquared += eventsSquared
    }

    /// Adds per-person events gathered in tables by `person · cellCount + cell`, for the first and the
    /// second person of each pair: what ``addPersonPairEvents(first:second:cell:trials:events:)`` adds
    /// to them pair by pair. Events are whole numbers, so their sums do not depend on the order.
    mutating func addPersonEvents(first: [Double], second: [Double], cellCount: Int) {
        precondition(first.count == second.count && (cellCount == 0 || first.count % cellCount == 0), "tables of whole people")
        // With the all-pairs structure, the first tables are kept as they are (``eventTables``; the
        // all-pairs tallies get one call); anything more goes into the dictionaries, tables and all.
        if classTrials != nil, eventTables == nil, self.first.isEmpty, self.second.isEmpty {
            eventTables = EventTables(first: first, second: second, cellCount: cellCount)
            return
        }
        dissolveEventTables()
        addPersonEventsByEntry(first: first, second: second, cellCount: cellCount)
    }

    /// Moves ``eventTables`` into ``first`` and ``second`` before anything is added to those: each
    /// (person, cell) is kept in one place, so that the sandwich adds its events to the residual once.
    private mutating func dissolveEventTables() {
        guard let tables = eventTables else { return }
        eventTables = nil
        addPersonEventsByEntry(first: tables.first, second: tables.second, cellCount: tables.cellCount)
    }

    /// ``addPersonEvents(first:second:cellCount:)`` entry by entry into ``first`` and ``second``.
    private mutating func addPersonEventsByEntry(first: [Double], second: [Double], cellCount: Int) {
        for (table, isFirst) in [(first, true), (second, false)] {
            // Sized once: grown entry by entry, the dictionaries rehashed every key at each doubling.
            let entries = table.count { $0 > 0 }
            if isFirst {
                self.first.reserveCapacity(self.first.count + entries)
            } else {
                self.second.reserveCapacity(self.second.count + entries)
            }
            for k in table.indices where table[k] > 0 {
                let key = PersonCell(person: k / cellCount, cell: k % cellCount)
                if isFirst {
                    self.first[key, default: Count()].events += table[k]
                } else {
                    self.second[key, default: Count()].events += table[k]
                }
            }
        }
    }

    /// Adds everything `other` (the same design, other pairs: another thread's or shard's share) holds;
    /// cells are matched by row. A person pair must not be split between the two.
    public mutating func merge(_ other: ErrorRegressionTallies) {
        precondition(other.columns == columns && other.terms == terms && other.clustering == clustering, "the same design")
        precondition(classTrials == nil && other.classTrials == nil, "all-pairs structured tallies are built whole, not merged")
        let remap = other.cells.indices.map { cell(for: other.row($0)) }
        for (k, cell) in other.cells.enumerated() {
            let c = remap[k]
            cells[c].trials += cell.trials
            cells[c].events += cell.events
            cells[c].trialsSquared += cell.trialsSquared
            cells[c].trialsTimesEvents += cell.trialsTimesEvents
            cells[c].eventsSquared += cell.eventsSquared
        }
        for (key, count) in other.first {
            first[PersonCell(person: key.person, cell: remap[key.cell]), default: Count()].add(count.trials, count.events)
        }
        for (key, count) in other.second {
            second[PersonCell(person: key.person, cell: remap[key.cell]), default: Count()].add(count.trials, count.events)
        }
        observations += other.observations
        personPairs += other.personPairs
    }

    /// Tallies from an explicit list of pairs (one Bernoulli outcome each): grouped by ordered person pair
    /// (two-way) or by person and row (one-way), then added. For tests and small data.
    public static func fromPairs(
        columns: [String], terms: [Term], clustering: Clustering,
        _ pairs: some Sequence<(first: Int, second: Int?, row: [Double], error: Bool)>
    ) -> ErrorRegressionTallies {
        typealias Key = PairKey
        var order: [Key] = []
        var counts: [Key: (trials: Int, events: Int)] = [:]
        for p in pairs {
            let key = Key(first: p.first, second: p.second, row: p.row)
            if counts[key] == nil { order.append(key) }
            counts[key, default: (0, 0)].trials += 1
            if p.error { counts[key, default: (0, 0)].events += 1 }
        }
        var tallies = ErrorRegressionTallies(columns: columns, terms: terms, clustering: clustering)
        for key in order {
            let count = counts[key]!
            tallies.add(first: key.first, second: key.second, row: key.row, trials: count.trials, events: count.events)
        }
        return tallies
    }
}

extension ErrorRegressionTallies {
    /// All pairs of people with templates: person p of class `classOf[p]` (−1: left out) with `templates[p]`
    /// templates has n_p·n_q trials with every other kept person q, in cell `cellOf[class(p)·classes +
    /// class(q)]`; the pair's first person is the lower-numbered one.
    struct ClassTrials: Sendable {
        var classOf: [Int]
        var templates: [Int]
        var classes: Int
        var cellOf: [Int]

        /// Calls `body(person, trials by cell)` for every kept person with trials as the pairs' first person
        /// (`first`: partners numbered higher) or second (partners numbered lower), in descending (first) or
        /// ascending (second) person order; the trials array is only valid during the call and is zero
        /// outside the cells listed.
        func forEachPerson(cells: Int, first: Bool, _ body: (_ person: Int, _ trials: [Double], _ touched: [Int]) -> Void) {
            var running = [Double](repeating: 0, count: classes)
            var scratch = [Double](repeating: 0, count: cells)
            var touched: [Int] = []
            let people = first ? Array(stride(from: classOf.count - 1, through: 0, by: -1)) : Array(0..<classOf.count)
            for p in people where classOf[p] >= 0 {
                let k = classOf[p]
                let m = Double(templates[p])
                for l in 0..<classes where running[l] > 0 {
                    let c = cellOf[k * classes + l]
                    if scratch[c] == 0 { touched.append(c) }
                    scratch[c] += m * running[l]
                }
                if !touched.isEmpty {
                    touched.sort()
                    body(p, scratch, touched)
                    for c in touched { scratch[c] = 0 }
                    touched.removeAll(keepingCapacity: true)
                }
                running[k] += m
            }
        }
    }

    /// Every (person, cell)'s trials and events as the pairs' first person or their second (with
    /// ``classTrials``, materialised: for tests and small data).
    func personCounts(first isFirst: Bool) -> [PersonCell: Count] {
        var counts = isFirst ? first : second
        eventTables?.forEach(first: isFirst) { person, cell, events in
            counts[PersonCell(person: person, cell: cell), default: Count()].events += events
        }
        classTrials?.forEachPerson(cells: cells.count, first: isFirst) { person, trials, touched in
            for c in touched { counts[PersonCell(person: person, cell: c), default: Count()].trials += trials[c] }
        }
        return counts
    }

    /// How many distinct people are in a pair with trials, in either role: the G of the dyadic clustering.
    var pairPeople: Int {
        guard let classTrials else { return Set(first.keys.map(\.person)).union(second.keys.map(\.person)).count }
        let kept = classTrials.classOf.indices.filter { classTrials.classOf[$0] >= 0 && classTrials.templates[$0] > 0 }.count
        return kept >= 2 ? kept : 0
    }

    /// How many distinct people are first (and second) of a pair with trials.
    var clusterPeople: (first: Int, second: Int) {
        guard let classTrials else { return (Set(first.keys.map(\.person)).count, Set(second.keys.map(\.person)).count) }
        // Every kept person with templates has trials with every other one: all but the last as first, all but
        // the first as second.
        let kept = classTrials.classOf.indices.filter { classTrials.classOf[$0] >= 0 && classTrials.templates[$0] > 0 }.count
        return (max(0, kept - 1), max(0, kept - 1))
    }
}

extension ErrorRegressionTallies.Count {
    mutating func add(_ m: Double, _ e: Double) {
        trials += m
        events += e
    }
}

extension ErrorRegressionTallies {
    /// Which cell holds a design row: an open-addressing table of cell numbers keyed by a hash of the row's
    /// nonzero entries, each candidate compared with the cell's stored entries (``ErrorRegression/SparseRows``).
    /// The same cells as a dictionary keyed by the whole row, for rows built anew each time: rows equal under
    /// `==` entry by entry (−0 and +0 alike; a row with a NaN never equal, so every such row is a cell of
    /// its own; the dictionary found one again only when handed the very same array, whose storage `==`
    /// compares first).
    struct RowIndex: Sendable {
        /// Cell numbers, −1 where empty; the count a power of two, at most half full.
        private var slots = [Int32](repeating: -1, count: 16)
        /// Every cell's hash, by cell.
        private var hashes: [UInt64] = []

        /// A hash of `row`'s nonzero entries (column and bits): equal rows hash alike, as −0 and +0 are
        /// not entries.
        static func hash(_ row: [Double]) -> UInt64 {
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15
            for c in row.indices where row[c] != 0 {
                h = mix(h ^ UInt64(c) &* 0xBF58_476D_1CE4_E5B9)
                h = mix(h ^ row[c].bitPattern)
            }
            return h
        }

        /// SplitMix64's finalizer.
        private static func mix(_ x: UInt64) -> UInt64 {
            var z = x &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// The cell of `row` among `rows` (the cells' rows this index was built with), if any.
        func find(_ row: [Double], in rows: ErrorRegression.SparseRows) -> Int? {
            let h = Self.hash(row)
            let mask = slots.count - 1
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] >= 0 {
                let c = Int(slots[s])
                if hashes[c] == h && rows.matches(c, row) { return c }
                s = (s + 1) & mask
            }
            return nil
        }

        /// Records that cell `cell` (the next cell number) holds `row`.
        mutating func insert(_ row: [Double], cell: Int) {
            precondition(cell == hashes.count && cell < Int(Int32.max), "cells are numbered in order")
            hashes.append(Self.hash(row))
            if 2 * hashes.count > slots.count {
                slots = [Int32](repeating: -1, count: 2 * slots.count)
                for c in 0..<hashes.count - 1 { place(c) }
            }
            place(cell)
        }

        private mutating func place(_ c: Int) {
            let mask = slots.count - 1
            var s = Int(truncatingIfNeeded: hashes[c]) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(c)
        }
    }
}
