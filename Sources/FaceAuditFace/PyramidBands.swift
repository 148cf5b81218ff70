import FaceAuditImaging
import FaceAuditNN

/// The MMOD detector's input tensor, dlib's tiled 5/6 pyramid (``TiledPyramid``), made band by band:
/// rows of the 1×3×rows×cols tensor in increasing order, without the whole tensor ever existing.
///
/// Every value equals the whole-tensor construction bit for bit: level 0 is (pixel − mean)/256, and
/// each further level is the ``DlibBilinearResize`` of the level before it, channel by channel, whose
/// output row r reads input rows `top[r]` and `bottom[r]` only. So a level's rows can be made in any
/// subset and order from its source level's rows.
///
/// What is held whole, and why:
/// - level 0 never: its rows come from the image's bytes;
/// - level 1, because every smaller level of the first column is made from it, streaming row by row
///   through the levels in between (each stream keeps two rows of its source);
/// - the levels of the right-hand column, because the bands reach them while still in the first
///   column, long before the first column's levels they are made from.
///
/// For a 5/6 pyramid that is about 1.2× the image's area in floats (level 1 is 25/36 of it, the right
/// column about half), against the tensor's 3.6×. The price is recomputing the first column's middle
/// levels once per level below them: about twice the resize work of building the tensor whole.
/// Not thread-safe; one per detection.
final class PyramidBands {
    private let layout: TiledPyramid
    private let image: RGBImage
    private let means: [Float]
    /// Level sizes, from the layout's rectangles.
    private let widths: [Int]
    private let heights: [Int]
    /// `plans[k]` resizes level k − 1 to level k (`plans[0]` is unused).
    private let plans: [DlibBilinearResize.Plan]
    /// Which levels are held whole (see the type's documentation).
    private let held: [Bool]
    /// The held levels' values, three planes each; empty until first needed.
    private var whole: [[Float]]
    /// The stream that makes each streamed level's tensor rows.
    private var streams: [LevelStream?]
    /// The tensor rows the last band held.
    private var made: Range<Int> = 0..<0

    /// A builder for `image` laid out as `layout`, level 0 being (pixel − means)/256.
    init(_ image: RGBImage, layout: TiledPyramid, means: (Float, Float, Float)) {
        self.layout = layout
        self.image = image
        self.means = [means.0, means.1, means.2]
        widths = layout.rects.map { $0.right - $0.left + 1 }
        heights = layout.rects.map { $0.bottom - $0.top + 1 }
        var plans = [DlibBilinearResize.Plan(input: 1, 1, output: 1, 1)]
        for k in layout.rects.indices.dropFirst() {
            plans.append(DlibBilinearResize.Plan(input: widths[k - 1], heights[k - 1], output: widths[k], heights[k]))
        }
        self.plans = plans
        held = layout.rects.indices.map { $0 == 1 || ($0 > 0 && $0 >= layout.firstColumn) }
        whole = Array(repeating: [], count: layout.rects.count)
        streams = Array(repeating: nil, count: layout.rects.count)
    }

    /// Floats held whole right now (for tests and measurements).
    var heldFloats: Int { whole.reduce(0) { $0 + $1.count } }

    /// Puts tensor rows `rows` into `band` (3 planes of `rows.count` × `layout.cols`). Rows the previous
    /// band also held are copied from it: the previous band moves to `spare`, and `spare`'s storage is
    /// reused. Bands may overlap but must move forward: neither bound may be below the previous band's.
    func fill(_ rows: Range<Int>, into band: inout Activations, spare: inout Activations) {
        precondition(rows.lowerBound >= made.lowerBound && rows.upperBound >= made.upperBound, "pyramid bands only move forward")
        swap(&band, &spare)
        let cols = layout.cols
        band.reshape(channels: 3, batch: 1, height: rows.count, width: cols)
        let plane = rows.count * cols
        let previousPlane = made.count * cols
        let reused = rows.clamped(to: made)
        band.data.withUnsafeMutableBufferPointer { b in
            let base = b.baseAddress!
            if !reused.isEmpty {
                spare.data.withUnsafeBufferPointer { p in
                    for c in 0..<3 {
                        (base + c * plane).update(
                            from: p.baseAddress! + c * previousPlane + (reused.lowerBound - made.lowerBound) * cols,
                            count: reused.count * cols)
                    }
                }
            }
            for y in max(reused.upperBound, rows.lowerBound)..<rows.upperBound {
                let out = base + (y - rows.lowerBound) * cols
                for c in 0..<3 { (out + c * plane).update(repeating: 0, count: cols) }
                for (k, r) in layout.rects.enumerated() where y >= r.top && y <= r.bottom {
                    if k > 0 && !held[k] && streams[k] == nil { streams[k] = LevelStream(level: k, source: source(for: k - 1)) }
                    write(level: k, row: y - r.top, via: streams[k], to: out + r.left, planeStride: plane)
                }
            }
        }
        made = rows
    }

    /// Where level j's rows come from for a stream of level j + 1.
    private func source(for j: Int) -> LevelStream.Source {
        if j == 0 { return .image }
        if held[j] {
            holdWhole(j)
            return .held
        }
        return .stream(LevelStream(level: j, source: source(for: j - 1)))
    }

    /// Makes held level k whole, once.
    private func holdWhole(_ k: Int) {
        guard whole[k].isEmpty else { return }
        let stream = LevelStream(level: k, source: source(for: k - 1))
        let plane = widths[k] * heights[k]
        var values = [Float](repeating: 0, count: 3 * plane)
        values.withUnsafeMutableBufferPointer { v in
            for y in 0..<heights[k] { stream.produce(y, in: self, to: v.baseAddress! + y * widths[k], planeStride: plane) }
        }
        whole[k] = values
    }

    /// Writes row y of level k, three planes `planeStride` apart: level 0 from the bytes, a held level
    /// from its values, any other through `stream`.
    private func write(level k: Int, row y: Int, via stream: LevelStream?, to out: UnsafeMutablePointer<Float>, planeStride: Int) {
        if k == 0 {
            let w = widths[0]
            image.pixels.withUnsafeBufferPointer { p in
                let row = p.baseAddress! + y * w * 3
                for c in 0..<3 {
                    let o = out + c * planeStride
                    let m = means[c]
                    for x in 0..<w { o[x] = (Float(row[x * 3 + c]) - m) / 256 }
                }
            }
        } else if held[k] {
            holdWhole(k)
            let plane = widths[k] * heights[k]
            whole[k].withUnsafeBufferPointer { v in
                for c in 0..<3 { (out + c * planeStride).update(from: v.baseAddress! + c * plane + y * widths[k], count: widths[k]) }
            }
        } else {
            stream!.produce(y, in: self, to: out, planeStride: planeStride)
        }
    }

    /// One level's rows in increasing order, each from two rows of the level before it, which it keeps
    /// in two slots (row i in slot i mod 2, so a row's top and bottom neighbours never evict each other).
    private final class LevelStream {
        enum Source {
            /// Level 0, from the image's bytes.
            case image
            /// A level held whole.
            case held
            /// A level streamed itself.
            case stream(LevelStream)
        }

        let level: Int
        let source: Source
        private var slots: [Float] = []
        private var slotRows = (-1, -1)
        private var next = 0

        init(level: Int, source: Source) {
            self.level = level
            self.source = source
        }

        /// Writes row y (not below any row asked for before) to three planes `planeStride` apart.
        func produce(_ y: Int, in bands: PyramidBands, to out: UnsafeMutablePointer<Float>, planeStride: Int) {
            precondition(y >= next, "a pyramid stream only moves forward")
            next = y + 1
            let plan = bands.plans[level]
            let j = level - 1
            let w = bands.widths[j]
            if case .held = source {
                let plane = w * bands.heights[j]
                bands.whole[j].withUnsafeBufferPointer { v in
                    let top = v.baseAddress! + plan.rows.top[y] * w
                    let bottom = v.baseAddress! + plan.rows.bottom[y] * w
                    for c in 0..<3 { plan.row(y, top: top + c * plane, bottom: bottom + c * plane, into: out + c * planeStride) }
                }
                return
            }
            if slots.isEmpty { slots = [Float](repeating: 0, count: 2 * 3 * w) }
            let top = plan.rows.top[y]
            let bottom = plan.rows.bottom[y]
            fetch(top, in: bands)
            fetch(bottom, in: bands)
            slots.withUnsafeBufferPointer { s in
                let t = s.baseAddress! + (top % 2) * 3 * w
                let b = s.baseAddress! + (bottom % 2) * 3 * w
                for c in 0..<3 { plan.row(y, top: t + c * w, bottom: b + c * w, into: out + c * planeStride) }
            }
        }

        /// Puts source row i into slot i mod 2 unless it is there.
        private func fetch(_ i: Int, in bands: PyramidBands) {
            if (i % 2 == 0 ? slotRows.0 : slotRows.1) == i { return }
            let w = bands.widths[level - 1]
            slots.withUnsafeMutableBufferPointer { s in
                let out = s.baseAddress! + (i % 2) * 3 * w
                switch source {
                case .image: bands.write(level: 0, row: i, via: nil, to: out, planeStride: w)
                case .stream(let parent): parent.produce(i, in: bands, to: out, planeStride: w)
                case .held: preconditionFailure("held sources are read in place")
                }
            }
            if i % 2 == 0 { slotRows.0 = i } else { slotRows.1 = i }
        }
    }
}
