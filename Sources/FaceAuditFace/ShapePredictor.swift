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
        let l = Double(box.left)
        let t = Double(box.top)
        let sx = Double(box.right - box.left)
        let sy = Double(box.bottom - box.top)
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
                let x = Int((l + Double(qx) * sx + 0.5).rounded(.down))
                let y = Int((t + Double(qy) * sy + 0.5).rounded(.down))
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
        return (0..<points).map { i in
            (Int((l + Double(shape[2 * i]) * sx + 0.5).rounded(.down)), Int((t + Double(shape[2 * i + 1]) * sy + 0.5).rounded(.down)))
        }
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
