/// A dlib DNN file: its loss, input layer and computational layers (input side first).
///
/// Tag and skip layers carry no data (their wiring is part of the C++ type), so the topology is
/// rebuilt by the code that runs a specific network.
public struct DlibNetwork: Sendable {
    /// The loss record's tag, e.g. `loss_metric_2` or `loss_mmod_`.
    public let loss: String
    /// MMOD detector options, for `loss_mmod_`.
    public let mmod: MMODOptions?
    /// The input layer.
    public let input: Input
    /// Computational layers from the input side up.
    public let layers: [DlibLayer]

    /// The input layer record.
    public struct Input: Sendable {
        /// `input_rgb_image_sized`, `input_rgb_image_pyramid` or `…pyramid2`.
        public let kind: String
        /// Mean R, G, B subtracted before dividing by 256.
        public let means: (Float, Float, Float)
        /// Image size for `input_rgb_image_sized`.
        public let size: (rows: Int, cols: Int)?
        /// Pyramid padding and outer padding for the pyramid inputs.
        public let pyramidPadding: (inner: Int, outer: Int)?
    }

    /// The options of an MMOD loss.
    public struct MMODOptions: Sendable {
        /// Detector window sizes (width, height).
        public let windows: [(width: Int, height: Int)]
        /// Non-maximum suppression: IoU threshold (over the bounding box of both).
        public let nmsIoU: Double
        /// Non-maximum suppression: covered-fraction threshold.
        public let nmsCovered: Double
        /// Whether bounding-box regression is used (not supported by FaceAudit when true).
        public let boundingBoxRegression: Bool
    }

    /// Parses a whole file; every byte must be consumed.
    public init(reading reader: inout DlibReader) throws(ModelFormatError) {
        let lossVersion = try reader.int()
        guard lossVersion == 1 else { throw reader.error("expected a loss layer (version 1), found \(lossVersion)") }
        let lossTag = try reader.string()
        loss = lossTag
        var mmod: MMODOptions?
        switch lossTag {
        case "loss_metric_2":
            _ = try reader.float()
            _ = try reader.float()
        case "loss_metric_":
            break
        case "loss_mmod_":
            mmod = try Self.mmodOptions(&reader)
        default:
            throw reader.error("unsupported loss layer \"\(lossTag)\"")
        }
        self.mmod = mmod

        var versions: [Int64] = []
        while true {
            let v = try reader.int()
            guard [1, 2, 3].contains(v) else { throw reader.error("unexpected layer version \(v)") }
            versions.append(v)
            if v == 3 { break }
            guard versions.count < 10_000 else { throw reader.error("too many layers") }
        }
        let computational = versions.filter { $0 != 1 }.count

        let inputTag = try reader.string()
        let means = (try reader.float(), try reader.float(), try reader.float())
        switch inputTag {
        case "input_rgb_image_sized":
            let rows = try reader.count(limit: 1 << 16)
            let cols = try reader.count(limit: 1 << 16)
            input = Input(kind: inputTag, means: means, size: (rows, cols), pyramidPadding: nil)
        case "input_rgb_image_pyramid":
            input = Input(kind: inputTag, means: means, size: nil, pyramidPadding: (10, 11))
        case "input_rgb_image_pyramid2":
            let inner = try reader.count(limit: 1 << 16)
            let outer = try reader.count(limit: 1 << 16)
            input = Input(kind: inputTag, means: means, size: nil, pyramidPadding: (inner, outer))
        default:
            throw reader.error("unsupported input layer \"\(inputTag)\"")
        }

        var layers: [DlibLayer] = []
        for index in 0..<computational {
            layers.append(try Self.layer(&reader))
            for _ in 0..<3 { _ = try reader.bool() }
            for _ in 0..<3 { _ = try reader.tensor() }
            if index == 0 { _ = try reader.uint() }  // the bottom layer's sample_expansion_factor
        }
        guard reader.atEnd else { throw reader.error("\(reader.bytes.count - reader.offset) unexpected bytes after the last layer") }
        self.layers = layers
    }

    /// Reads `path`.
    public init(contentsOf path: String) throws(ModelFormatError) {
        var reader = try DlibReader(contentsOf: path)
        try self.init(reading: &reader)
    }

    private static func mmodOptions(_ r: inout DlibReader) throws(ModelFormatError) -> MMODOptions {
        let version = try r.int()
        guard (1...4).contains(version) else { throw r.error("unsupported mmod_options version \(version)") }
        var windows: [(Int, Int)] = []
        if version == 1 {
            windows.append((try r.count(limit: 1 << 16), try r.count(limit: 1 << 16)))
        } else {
            let n = try r.count(limit: 1000)
            for _ in 0..<n {
                let v = try r.int()
                let w = try r.count(limit: 1 << 16)
                let h = try r.count(limit: 1 << 16)
                if v == 2 { _ = try r.string() }
                windows.append((w, h))
            }
        }
        _ = try r.double()  // loss_per_false_alarm
        _ = try r.double()  // loss_per_missed_target
        _ = try r.double()  // truth_match_iou_threshold
        let nmsIoU = try r.double()
        let nmsCovered = try r.double()
        _ = try r.double()  // overlaps_ignore
        _ = try r.double()
        if version >= 3 { _ = try r.byte() }
        var regression = false
        if version >= 4 {
            regression = try r.bool()
            _ = try r.double()
        }
        return MMODOptions(windows: windows, nmsIoU: nmsIoU, nmsCovered: nmsCovered, boundingBoxRegression: regression)
    }

    private static func layer(_ r: inout DlibReader) throws(ModelFormatError) -> DlibLayer {
        let tag = try r.string()
        switch tag {
        case "con_4", "con_5", "con_6":
            let params = try r.tensor()
            let nf = try r.count(limit: 1 << 16)
            let nr = try r.count(limit: 1 << 10)
            let nc = try r.count(limit: 1 << 10)
            let sy = Int(try r.int())
            let sx = Int(try r.int())
            let py = Int(try r.int())
            let px = Int(try r.int())
            let filters = try r.aliasTensor()
            _ = try r.aliasTensor()
            for _ in 0..<4 { _ = try r.double() }
            var useBias = true
            if tag != "con_4" { useBias = try r.bool() }
            if tag == "con_6" { _ = try r.bool() }
            let k = filters[1]
            let weightCount = nf * k * nr * nc
            guard filters[0] == nf, filters[2] == nr, filters[3] == nc, sy > 0, sx > 0, py >= 0, px >= 0,
                params.values.count == weightCount + (useBias ? nf : 0)
            else { throw r.error("inconsistent convolution record") }
            let bias = useBias ? Array(params.values[weightCount...]) : [Float](repeating: 0, count: nf)
            return .convolution(
                .init(
                    filters: nf, channels: k, height: nr, width: nc, strideY: sy, strideX: sx, padY: py, padX: px,
                    weights: Array(params.values[..<weightCount]), bias: bias))
        case "bn_con2", "bn_fc2":
            let params = try r.tensor()
            _ = try r.aliasTensor()
            _ = try r.aliasTensor()
            _ = try r.tensor()  // batch means (training only)
            _ = try r.tensor()  // batch invstds
            let means = try r.tensor()
            let variances = try r.tensor()
            _ = try r.uint()
            _ = try r.uint()
            for _ in 0..<4 { _ = try r.double() }
            let eps = Float(try r.double())
            let k = means.values.count
            guard params.values.count == 2 * k, variances.values.count == k else { throw r.error("inconsistent batch-norm record") }
            var gamma = [Float](repeating: 0, count: k)
            var beta = [Float](repeating: 0, count: k)
            for c in 0..<k {
                gamma[c] = params.values[c] / (variances.values[c] + eps).squareRoot()
                beta[c] = params.values[k + c] - gamma[c] * means.values[c]
            }
            return .affine(gamma: gamma, beta: beta)
        case "affine_", "affine_2":
            let params = try r.tensor()
            _ = try r.aliasTensor()
            _ = try r.aliasTensor()
            _ = try r.int()  // mode
            if tag == "affine_2" { _ = try r.bool() }
            let k = params.values.count / 2
            return .affine(gamma: Array(params.values[..<k]), beta: Array(params.values[k...]))
        case "relu_":
            return .relu
        case "relu_2":
            _ = try r.bool()
            return .relu
        case "max_pool_2", "avg_pool_2":
            let pool = DlibLayer.Pool(
                height: Int(try r.int()), width: Int(try r.int()), strideY: Int(try r.int()), strideX: Int(try r.int()),
                padY: Int(try r.int()), padX: Int(try r.int()))
            return tag == "max_pool_2" ? .maxPool(pool) : .avgPool(pool)
        case "add_prev_":
            return .addPrevious
        case "fc_2", "fc_3":
            let outputs = try r.count(limit: 1 << 20)
            let inputs = try r.count(limit: 1 << 24)
            let params = try r.tensor()
            _ = try r.aliasTensor()
            _ = try r.aliasTensor()
            let biasMode = try r.int()
            for _ in 0..<4 { _ = try r.double() }
            var useBias = biasMode == 0
            if tag == "fc_3" { useBias = try r.bool() && useBias }
            guard params.values.count >= inputs * outputs else { throw r.error("inconsistent fully connected record") }
            let bias = useBias ? Array(params.values[(inputs * outputs)...]) : nil
            return .fullyConnected(inputs: inputs, outputs: outputs, weights: Array(params.values[..<(inputs * outputs)]), bias: bias)
        default:
            throw r.error("unsupported layer \"\(tag)\"")
        }
    }
}
