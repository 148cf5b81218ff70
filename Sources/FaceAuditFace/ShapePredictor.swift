import FaceAuditDlibFormat
import FaceAuditImaging
import Foundation

/// dlib's shape predictor (Kazemi–Sullivan ensemble of regression trees), e.g.
/// `shape_predictor_5_face_landmarks.dat`: a face box in, integer landmark points out.
public struct ShapePredictor: Sendable {
    /// Landmarks per face.
    public let points: Int
    let initialShape: [Float]
    let levels: [Level]

    struct Level: Sendable {
        let anchors: [Int]
        let deltas: [Float]  // (dx, dy) per feature pixel
        let treeCount: Int
        let splitsPerTree: Int
        let idx1: [Int32]
        let idx2: [Int32]
        let thresholds: [Float]
        let leaves: [Float]  // [tree][leaf][2·points]
        var leafCount: Int { splitsPerTree + 1 }
    }

    /// Loads a shape predictor file.
    public init(contentsOf path: String) throws(ModelFormatError) {
        var r = try DlibReader(contentsOf: path)
        let version = try r.int()
        guard version == 1 else { throw r.error("unsupported shape predictor version \(version)") }
        let initial = try r.floatMatrix()
        guard initial.cols == 1, initial.rows % 2 == 0, initial.rows > 0 else { throw r.error("initial shape is not a 2P-vector") }
        initialShape = initial.values
        points = initial.rows / 2
        let levelCount = try r.count(limit: 1000)
        var forests: [(idx1: [Int32], idx2: [Int32], thresholds: [Float], leaves: [Float], trees: Int, splits: Int)] = []
        for _ in 0..<levelCount {
            let trees = try r.count(limit: 100_000)
            var idx1: [Int32] = []
            var idx2: [Int32] = []
            var thresholds: [Float] = []
            var leaves: [Float] = []
            var splitsPerTree = -1
            for _ in 0..<trees {
                let splits = try r.count(limit: 1 << 16)
                if splitsPerTree < 0 { splitsPerTree = splits }
                guard splits == splitsPerTree else { throw r.error("trees of one level differ in depth") }
                for _ in 0..<splits {
                    idx1.append(Int32(try r.count(limit: 1 << 20)))
                    idx2.append(Int32(try r.count(limit: 1 << 20)))
                    thresholds.append(try r.float())
                }
                let leafCount = try r.count(limit: 1 << 17)
                guard leafCount == splits + 1 else { throw r.error("a tree with \(splits) splits has \(leafCount) leaves") }
                for _ in 0..<leafCount {
                    let leaf = try r.floatMatrix()
                    guard leaf.values.count == initial.rows else { throw r.error("leaf vector of the wrong length") }
                    leaves.append(contentsOf: leaf.values)
                }
            }
            forests.append((idx1, idx2, thresholds, leaves, trees, max(0, splitsPerTree)))
        }
        guard try r.count(limit: 1000) == levelCount else { throw r.error("anchor table does not match the cascade") }
        var anchors: [[Int]] = []
        for _ in 0..<levelCount {
            let n = try r.count(limit: 1 << 20)
            var list: [Int] = []
            for _ in 0..<n {
                let a = try r.count(limit: 1 << 20)
                guard a < points else { throw r.error("anchor index \(a) outside \(points) landmarks") }
                list.append(a)
            }
            anchors.append(list)
        }
        guard try r.count(limit: 1000) == levelCount else { throw r.error("delta table does not match the cascade") }
        var levels: [Level] = []
        for k in 0..<levelCount {
            let n = try r.count(limit: 1 << 20)
            guard n == anchors[k].count else { throw r.error("delta and anchor counts differ") }
            var deltas: [Float] = []
            for _ in 0..<n {
                deltas.append(try r.float())
                deltas.append(try r.float())
            }
            let f = forests[k]
            guard f.idx1.allSatisfy({ Int($0) < n }), f.idx2.allSatisfy({ Int($0) < n }) else {
                throw r.error("a split refers to a feature pixel that does not exist")
            }
            levels.append(
                Level(
                    anchors: anchors[k], deltas: deltas, treeCount: f.trees, splitsPerTree: f.splits, idx1: f.idx1, idx2: f.idx2,
                    thresholds: f.thresholds, leaves: f.leaves))
        }
        guard r.atEnd else { throw r.error("unexpected bytes after the shape predictor") }
        self.levels = levels
    }

    /// The landmarks of the face in `box` (dlib rectangle, inclusive right and bottom) of a gray image.
    public func landmarks(_ gray: GrayImage, box: (left: Int, top: Int, right: Int, bottom: Int)) -> [(x: Int, y: Int)] {
        var shape = initialShape
        let toImage = BoxTransform(box)
        let reference = (0..<points).map { Point(Double(initialShape[2 * $0]), Double(initialShape[2 * $0 + 1])) }
        var features: [Float] = []
        for level in levels {
            let current = (0..<points).map { Point(Double(shape[2 * $0]), Double(shape[2 * $0 + 1])) }
            let tform = AffineTransform.similarity(from: reference, to: current)
            let a = Float(tform.a), b = Float(tform.b), c = Float(tform.c), d = Float(tform.d)
            features.removeAll(keepingCapacity: true)
            for (i, anchor) in level.anchors.enumerated() {
                let dx = level.deltas[2 * i]
                let dy = level.deltas[2 * i + 1]
                let qx = (a * dx + b * dy) + shape[2 * anchor]
                let qy = (c * dx + d * dy) + shape[2 * anchor + 1]
                let (x, y) = toImage.pixel(Double(qx), Double(qy))
                features.append(x >= 0 && y >= 0 && x < gray.width && y < gray.height ? Float(gray.pixels[y * gray.width + x]) : 0)
            }
            let stride = 2 * points
            for tree in 0..<level.treeCount {
                let base = tree * level.splitsPerTree
                var node = 0
                while node < level.splitsPerTree {
                    let split = base + node
                    node =
                        features[Int(level.idx1[split])] - features[Int(level.idx2[split])] > level.thresholds[split]
                        ? 2 * node + 1 : 2 * node + 2
                }
                let leaf = (tree * level.leafCount + node - level.splitsPerTree) * stride
                for j in 0..<stride { shape[j] += level.leaves[leaf + j] }
            }
        }
        return (0..<points).map { i in toImage.pixel(Double(shape[2 * i]), Double(shape[2 * i + 1])) }
    }
}

/// dlib's `unnormalizing_tform(rect)`: the map from box-normalised coordinates to image pixels, as dlib
/// computes it. dlib fits it with `find_affine_transform` from (0,0), (1,0), (1,1) to the box's
/// top-left, top-right and bottom-right corners, that is Q·pinv(P), and its SVD-based `pinv` of that
/// constant P is not exact (entries such as 1.0000000000000002 and −2.2e−16). The map is therefore
/// not exactly X = l + x(r − l): for the box (98, 58, 212, 171), x = 0.75 gives 183.50000000000006,
/// not 183.5. Feature coordinates land on such .5 ties, where the last bit decides the pixel, so the
/// port uses dlib's pinv(P) (computed by dlib at 3d40bf5 built without fused multiply-add) and
/// dlib's evaluation order: m(r, c) = (Q(r,0)·pinv(0,c) + Q(r,1)·pinv(1,c)) + Q(r,2)·pinv(2,c), and
/// a point maps to ((m₀₀x + m₀₁y) + b₀, (m₁₀x + m₁₁y) + b₁).
struct BoxTransform: Sendable, Hashable {
    /// dlib's `pinv` of [[0, 1, 1], [0, 0, 1], [1, 1, 1]] (rows: x, y, 1 of the three corners), row by row.
    static let pinv: [[Double]] = [
        [-1.0000000000000002, -2.220446049250313e-16, 1.0000000000000002],
        [0.9999999999999997, -0.9999999999999994, 1.6653345369377348e-16],
        [0.0, 1.0000000000000002, 8.326672684688674e-17],
    ]
    /// The 2×2 part, row-major, and the translation.
    let m00: Double, m01: Double, m10: Double, m11: Double, b0: Double, b1: Double

    /// The transform of the box (left, top, right, bottom), inclusive corners.
    init(_ box: (left: Int, top: Int, right: Int, bottom: Int)) {
        let qx = [Double(box.left), Double(box.right), Double(box.right)]
        let qy = [Double(box.top), Double(box.top), Double(box.bottom)]
        func entry(_ q: [Double], _ c: Int) -> Double { q[0] * Self.pinv[0][c] + q[1] * Self.pinv[1][c] + q[2] * Self.pinv[2][c] }
        m00 = entry(qx, 0)
        m01 = entry(qx, 1)
        b0 = entry(qx, 2)
        m10 = entry(qy, 0)
        m11 = entry(qy, 1)
        b1 = entry(qy, 2)
    }

    /// The image position of box-normalised (x, y), in double.
    func apply(_ x: Double, _ y: Double) -> (x: Double, y: Double) { (m00 * x + m01 * y + b0, m10 * x + m11 * y + b1) }

    /// The pixel of (x, y): dlib's conversion of a double point to an integer one, ⌊v + 0.5⌋ per axis.
    func pixel(_ x: Double, _ y: Double) -> (x: Int, y: Int) {
        let p = apply(x, y)
        return (Int((p.x + 0.5).rounded(.down)), Int((p.y + 0.5).rounded(.down)))
    }
}

/// An 8-bit gray image: dlib's pixel intensity of RGB is (R + G + B) / 3 in integers.
public struct GrayImage: Sendable {
    /// Width.
    public let width: Int
    /// Height.
    public let height: Int
    /// Row-major intensities.
    public let pixels: [UInt8]

    /// Converts RGB8 with dlib's `get_pixel_intensity`.
    public init(_ image: RGBImage) {
        width = image.width
        height = image.height
        var gray = [UInt8](repeating: 0, count: image.width * image.height)
        image.pixels.withUnsafeBufferPointer { p in
            for i in 0..<gray.count { gray[i] = UInt8((Int(p[3 * i]) + Int(p[3 * i + 1]) + Int(p[3 * i + 2])) / 3) }
        }
        pixels = gray
    }
}
