import FaceAuditDlibFormat
import FaceAuditImaging
import FaceAuditNN
import Foundation

/// A detected face: dlib rectangle (inclusive right and bottom, not clipped to the image) and the
/// detector's confidence.
public struct FaceDetection: Sendable, Hashable {
    /// Left edge.
    public let left: Int
    /// Top edge.
    public let top: Int
    /// Right edge (inclusive).
    public let right: Int
    /// Bottom edge (inclusive).
    public let bottom: Int
    /// The detector score (> 0).
    public let confidence: Double

    /// Creates a detection.
    public init(left: Int, top: Int, right: Int, bottom: Int, confidence: Double) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
        self.confidence = confidence
    }

    /// (right − left + 1)(bottom − top + 1).
    public var area: Int { max(0, right - left + 1) * max(0, bottom - top + 1) }
}

/// dlib's MMOD CNN face detector (`mmod_human_face_detector.dat`).
///
/// The image goes into a tiled 5/6 pyramid, through seven convolutions to one score map; every positive
/// cell becomes an 80×80 box mapped back through its pyramid level, and boxes are pruned by dlib's
/// non-maximum suppression. Not thread-safe: keep one per thread.
public final class FaceDetector {
    let means: (Float, Float, Float)
    let padding: (inner: Int, outer: Int)
    let convolutions: [Convolution]
    /// The same convolutions as computed: without a full im2col matrix (``ShiftedConvolution``).
    let layers: [ShiftedConvolution]
    let window: (width: Int, height: Int)
    let nmsIoU: Double
    let nmsCovered: Double
    /// The tensor rows of the current band, and of the band before it (``PyramidBands``).
    private var a = Activations(channels: 0, batch: 0, height: 0, width: 0)
    private var spare = Activations(channels: 0, batch: 0, height: 0, width: 0)
    private var b = Activations(channels: 0, batch: 0, height: 0, width: 0)
    private var slice = Activations(channels: 0, batch: 0, height: 0, width: 0)
    private var workspace: [Float] = []

    /// Loads the model file.
    public convenience init(contentsOf path: String) throws(ModelFormatError) {
        try self.init(try DlibNetwork(contentsOf: path), file: path)
    }

    /// Builds the detector from a parsed file, checking it is a single-window MMOD network.
    public init(_ net: DlibNetwork, file: String) throws(ModelFormatError) {
        func fail(_ message: String) -> ModelFormatError { ModelFormatError(file: file, offset: 0, "not dlib's MMOD detector: \(message)") }
        guard let options = net.mmod, options.windows.count == 1, !options.boundingBoxRegression, let pad = net.input.pyramidPadding else {
            throw fail("needs one detector window, no box regression and a pyramid input")
        }
        means = net.input.means
        padding = pad
        window = options.windows[0]
        nmsIoU = options.nmsIoU
        nmsCovered = options.nmsCovered
        var convs: [Convolution] = []
        var layers = net.layers[...]
        while let layer = layers.popFirst() {
            guard case .convolution(let c) = layer else { throw fail("unexpected \(layer.name)") }
            if case .affine(let g, let beta) = layers.first {
                layers.removeFirst()
                guard case .relu = layers.popFirst() else { throw fail("expected relu after affine") }
                convs.append(Convolution(c, affine: (g, beta), relu: true))
            } else {
                guard layers.isEmpty, c.filters == 1 else { throw fail("expected the final one-filter convolution") }
                convs.append(Convolution(c))
            }
        }
        convolutions = convs
        self.layers = convs.map { ShiftedConvolution($0) }
    }

    /// Detects faces; `upsample` doubles the image that many times first (finds smaller faces, costs ~4× each).
    ///
    /// As dlib's Python `cnn_face_detection_model_v1(img, upsample)`: the integer rectangles found in
    /// the upsampled image are mapped back with `pyramid_down<2>::rect_down(rect, upsample)`, all
    /// `upsample` steps in double, and rounded once at the end (`lround` per side).
    public func detect(_ image: RGBImage, upsample: Int = 0) -> [FaceDetection] {
        var input = image
        for _ in 0..<upsample { input = PyramidUp.double(input) }
        let detections = detectOnce(input)
        guard upsample > 0 else { return detections }
        return detections.map { d in
            var r = DRect(left: Double(d.left), top: Double(d.top), right: Double(d.right), bottom: Double(d.bottom))
            for _ in 0..<upsample { r = r.down }
            return FaceDetection(
                left: Self.lround(r.left), top: Self.lround(r.top), right: Self.lround(r.right), bottom: Self.lround(r.bottom),
                confidence: d.confidence)
        }
    }

    private func detectOnce(_ image: RGBImage) -> [FaceDetection] {
        guard image.width > 0, image.height > 0 else { return [] }
        let layout = TiledPyramid(width: image.width, height: image.height, padding: padding.inner, outerPadding: padding.outer)
        let scores = scoreMap(PyramidBands(image, layout: layout, means: means), layout)
        var candidates: [(score: Float, box: DRect)] = []
        let (scale, offset) = outputToInput()
        let halfW = Double(window.width - 1) / 2
        let halfH = Double(window.height - 1) / 2
        for r in 0..<scores.height {
            for c in 0..<scores.width {
                let s = scores.data[r * scores.width + c]
                guard s > 0 else { continue }
                let px = Double(c * scale + offset)
                let py = Double(r * scale + offset)
                var box = DRect(left: px - halfW, top: py - halfH, right: px + halfW, bottom: py + halfH)
                let level = Self.nearestRect(layout.rects, x: Int(px), y: Int(py))
                let origin = layout.rects[level]
                box = box.translated(by: Point(Double(origin.left), Double(origin.top)))
                for _ in 0..<level { box = box.pyramid6Up }
                candidates.append((s, box))
            }
        }
        candidates.sort { $0.score > $1.score }
        var kept: [FaceDetection] = []
        for candidate in candidates {
            let d = FaceDetection(
                left: Self.lround(candidate.box.left), top: Self.lround(candidate.box.top), right: Self.lround(candidate.box.right),
                bottom: Self.lround(candidate.box.bottom), confidence: Double(candidate.score))
            if !kept.contains(where: { overlaps($0, d) }) { kept.append(d) }
        }
        return kept
    }

    /// Runs the convolutions over the input tensor in bands of score-map rows, so that neither the
    /// tensor nor any intermediate feature map exists whole: each band asks every layer, from the last
    /// back, for the rows it needs, takes the tensor's rows from `pyramid`, then computes exactly those.
    /// Memory beyond the pyramid's held levels stays near `bandBudget` floats.
    func scoreMap(_ pyramid: PyramidBands, _ layout: TiledPyramid, bandBudget: Int = 1 << 26) -> Activations {
        var heights = [layout.rows]
        var width = layout.cols
        for conv in convolutions {
            let size = conv.outputSize(height: heights.last!, width: width)
            heights.append(size.height)
            width = size.width
        }
        let outputWidth = width
        let outputHeight = heights.last!
        var scores = Activations(channels: 1, batch: 1, height: outputHeight, width: outputWidth)
        guard outputHeight > 0, outputWidth > 0 else { return scores }
        // Rows per band: the widest intermediate (channels × width) sets how many fit in the budget.
        var widest = 1
        var w = layout.cols
        for conv in convolutions {
            w = conv.outputSize(height: 1 << 20, width: w).width
            widest = max(widest, conv.filters * w * conv.strideY)
        }
        let step = max(1, bandBudget / widest / 8)
        var o0 = 0
        while o0 < outputHeight {
            let o1 = min(outputHeight, o0 + step)
            var needed = [o0..<o1]  // output rows per layer, last layer first
            for (l, conv) in convolutions.enumerated().reversed() {
                needed.append(conv.inputRows(for: needed.last!, fullHeight: heights[l]))
            }
            needed.reverse()  // needed[l]: rows of the input of layer l; needed[L]: score rows
            pyramid.fill(needed[0], into: &a, spare: &spare)
            let first = Convolution.RowWindow(inputRows: needed[0], fullHeight: heights[0], outputRows: needed[1])
            layers[0].forward(a, into: &slice, workspace: &workspace, window: first)
            for (l, layer) in layers.enumerated().dropFirst() {
                let window = Convolution.RowWindow(inputRows: needed[l], fullHeight: heights[l], outputRows: needed[l + 1])
                layer.forward(slice, into: &b, workspace: &workspace, window: window)
                swap(&slice, &b)
            }
            scores.data.withUnsafeMutableBufferPointer { d in
                slice.data.withUnsafeBufferPointer { s in
                    (d.baseAddress! + o0 * outputWidth).update(from: s.baseAddress!, count: (o1 - o0) * outputWidth)
                }
            }
            o0 = o1
        }
        return scores
    }

    /// The input position of output cell x: each convolution maps x ↦ x·stride − pad + kernel/2.
    private func outputToInput() -> (scale: Int, offset: Int) {
        var scale = 1
        var offset = 0
        for conv in convolutions.reversed() {
            // x_in = x·s − p + k/2 applied after the later layers: compose affine maps.
            offset = offset * conv.strideX - conv.padX + conv.kernelWidth / 2
            scale *= conv.strideX
        }
        return (scale, offset)
    }

    private func overlaps(_ a: FaceDetection, _ b: FaceDetection) -> Bool {
        let il = max(a.left, b.left), it = max(a.top, b.top), ir = min(a.right, b.right), ib = min(a.bottom, b.bottom)
        guard ir >= il, ib >= it else { return false }
        let inner = Double((ir - il + 1) * (ib - it + 1))
        let outer = FaceDetection(
            left: min(a.left, b.left), top: min(a.top, b.top), right: max(a.right, b.right), bottom: max(a.bottom, b.bottom), confidence: 0)
        return inner / Double(outer.area) > nmsIoU || inner / Double(a.area) > nmsCovered || inner / Double(b.area) > nmsCovered
    }

    /// dlib's `nearest_rect`: the first rectangle containing the point, else the closest by Euclidean
    /// distance to the point clamped into it.
    static func nearestRect(_ rects: [(left: Int, top: Int, right: Int, bottom: Int)], x: Int, y: Int) -> Int {
        var best = 0
        var bestDistance = Double.infinity
        for (i, r) in rects.enumerated() {
            if x >= r.left && x <= r.right && y >= r.top && y <= r.bottom { return i }
            let cx = min(max(x, r.left), r.right)
            let cy = min(max(y, r.top), r.bottom)
            let distance = Double((cx - x) * (cx - x) + (cy - y) * (cy - y)).squareRoot()
            if distance < bestDistance {
                bestDistance = distance
                best = i
            }
        }
        return best
    }

    static func lround(_ x: Double) -> Int { Int(x.rounded(.toNearestOrAwayFromZero)) }
}

/// dlib's `pyramid_up` with `pyramid_down<2>` on RGB8: a (2H + 1) × (2W + 2) bilinear (align-corners)
/// resize, computed exactly as dlib's `resize_image` does for RGB8 (float weights, truncation; see
/// `DlibBilinearResize`).
public enum PyramidUp {
    /// One doubling step; an empty image stays empty.
    public static func double(_ image: RGBImage) -> RGBImage {
        guard image.width > 0, image.height > 0 else { return RGBImage(width: 0, height: 0, pixels: []) }
        return DlibBilinearResize.resize(image, width: 2 * image.width + 2, height: 2 * image.height + 1)
    }
}
