import FaceAuditDlibFormat
import FaceAuditGEMM

/// A 2-D convolution (cross-correlation) with its per-channel affine folded in, computed as im2col and
/// one product per column chunk: out(F × N) = W(F × K) · cols(K × N), N = batch · output positions, with
/// W packed once (``PackedWeights``); then the bias is added and the ReLU applied.
public struct Convolution: Sendable {
    /// Output channels.
    public let filters: Int
    /// Input channels.
    public let channels: Int
    /// Kernel size.
    public let kernelHeight: Int, kernelWidth: Int
    /// Strides.
    public let strideY: Int, strideX: Int
    /// Zero padding.
    public let padY: Int, padX: Int
    /// Weights [F][C·kh·kw], already multiplied by the affine γ.
    public let weights: [Float]
    /// Bias per filter, already γ·bias + β.
    public let bias: [Float]
    /// Whether a ReLU follows (applied in the same pass).
    public var relu: Bool
    /// `weights` as the product kernel's packed left operand (F × C·kh·kw), packed once.
    let packedWeights: PackedWeights

    /// Builds from a dlib record, folding `affine` (γ, β) into weights and bias when given.
    public init(_ layer: DlibLayer.Convolution, affine: (gamma: [Float], beta: [Float])? = nil, relu: Bool = false) {
        var w = layer.weights
        var b = layer.bias
        if let affine {
            let k = layer.channels * layer.height * layer.width
            for f in 0..<layer.filters {
                let g = affine.gamma[f]
                for i in 0..<k { w[f * k + i] *= g }
                b[f] = b[f] * g + affine.beta[f]
            }
        }
        self.init(
            filters: layer.filters, channels: layer.channels, kernel: (layer.height, layer.width), stride: (layer.strideY, layer.strideX),
            pad: (layer.padY, layer.padX), weights: w, bias: b, relu: relu)
    }

    /// A convolution from its parts: `weights` [filters][channels][kernelHeight][kernelWidth] and one
    /// bias per filter, the affine already folded in (as the other initializer leaves them).
    init(
        filters: Int, channels: Int, kernel: (height: Int, width: Int), stride: (y: Int, x: Int), pad: (y: Int, x: Int),
        weights: [Float], bias: [Float], relu: Bool
    ) {
        precondition(weights.count == filters * channels * kernel.height * kernel.width && bias.count == filters, "weights and bias")
        self.filters = filters
        self.channels = channels
        kernelHeight = kernel.height
        kernelWidth = kernel.width
        strideY = stride.y
        strideX = stride.x
        padY = pad.y
        padX = pad.x
        self.weights = weights
        self.bias = bias
        self.relu = relu
        packedWeights = PackedWeights(m: filters, k: channels * kernel.height * kernel.width, storage: weights)
    }

    /// Output size for an input size.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        (1 + (height + 2 * padY - kernelHeight) / strideY, 1 + (width + 2 * padX - kernelWidth) / strideX)
    }

    /// Runs the convolution; `columns` is a reusable im2col buffer. By default a chunk holds about a
    /// million im2col values (4 MB), so the buffer stays in cache between im2col and the GEMM.
    public func forward(_ input: Activations, into output: inout Activations, columns: inout [Float], chunk: Int? = nil) {
        forward(input, into: &output, columns: &columns, chunk: chunk, window: nil)
    }

    /// A horizontal band of a larger input: the input holds global rows `inputRows` of a map
    /// `fullHeight` rows tall, and only global output rows `outputRows` are computed. Zero padding
    /// applies at the full map's edges only, so a band gives exactly the rows the whole map would.
    public struct RowWindow: Sendable {
        /// Global rows the input holds.
        public var inputRows: Range<Int>
        /// Height of the whole input map.
        public var fullHeight: Int
        /// Global output rows to compute.
        public var outputRows: Range<Int>

        /// Creates a window.
        public init(inputRows: Range<Int>, fullHeight: Int, outputRows: Range<Int>) {
            self.inputRows = inputRows
            self.fullHeight = fullHeight
            self.outputRows = outputRows
        }
    }

    /// The input rows that output rows `rows` read (clipped to the map).
    public func inputRows(for rows: Range<Int>, fullHeight: Int) -> Range<Int> {
        let first = max(0, rows.lowerBound * strideY - padY)
        let last = min(fullHeight, (rows.upperBound - 1) * strideY - padY + kernelHeight)
        return first..<max(first, last)
    }

    /// Runs the convolution over a band (batch 1); see ``RowWindow``.
    public func forward(_ input: Activations, into output: inout Activations, columns: inout [Float], chunk: Int? = nil, window: RowWindow?)
    {
        precondition(input.channels == channels, "convolution expects \(channels) channels, got \(input.channels)")
        precondition(window == nil || input.batch == 1, "row windows need a batch of one")
        let ow = outputSize(height: input.height, width: input.width).width
        let oh = window.map { $0.outputRows.count } ?? outputSize(height: input.height, width: input.width).height
        let rowShift = window.map { $0.outputRows.lowerBound } ?? 0
        let inputShift = window.map { $0.inputRows.lowerBound } ?? 0
        let fullHeight = window.map { $0.fullHeight } ?? input.height
        output.reshape(channels: filters, batch: input.batch, height: oh, width: ow)
        let k = channels * kernelHeight * kernelWidth
        let n = input.batch * oh * ow
        // Work in whole output rows g = b·oh + oy, as many as fit in `chunk` columns.
        let chunkColumns = chunk ?? max(ow, (1 << 20) / k)
        let rowsPerChunk = max(1, min(input.batch * oh, chunkColumns / max(1, ow)))
        if columns.count < k * rowsPerChunk * ow { columns = [Float](repeating: 0, count: k * rowsPerChunk * ow) }
        let ih = input.height
        let iw = input.width
        let batch = input.batch
        let totalRows = batch * oh
        input.data.withUnsafeBufferPointer { src in
            output.data.withUnsafeMutableBufferPointer { dst in
                columns.withUnsafeMutableBufferPointer { cols in
                    var g0 = 0
                    while g0 < totalRows {
                        let g1 = min(totalRows, g0 + rowsPerChunk)
                        let width = (g1 - g0) * ow
                        im2col(
                            src.baseAddress!, rows: g0..<g1, oh: oh, ow: ow, ih: ih, iw: iw, batch: batch, into: cols.baseAddress!,
                            width: width, rowShift: rowShift, inputShift: inputShift, fullHeight: fullHeight)
                        let start = g0 * ow
                        packedWeights.product(
                            n: width, b: cols.baseAddress!, ldb: width, c: dst.baseAddress! + start, ldc: n)
                        addBias(dst.baseAddress! + start, count: width, stride: n)
                        g0 = g1
                    }
                }
            }
        }
    }

    /// Adds each filter's bias to `count` values of its row at `out` (rows `stride` apart), then the ReLU
    /// when `relu`: the last step of every way this convolution is computed.
    func addBias(_ out: UnsafeMutablePointer<Float>, count: Int, stride: Int) {
        for filter in 0..<filters {
            let p = out + filter * stride
            let b = bias[filter]
            if relu {
                for i in 0..<count { p[i] = max(p[i] + b, 0) }
            } else {
                for i in 0..<count { p[i] += b }
            }
        }
    }

    /// Writes the im2col matrix of output rows `rows` (g = b·oh + oy): one matrix row per (c, ky, kx),
    /// one column per output position, zeros where the kernel reads outside the input.
    private func im2col(
        _ src: UnsafePointer<Float>, rows: Range<Int>, oh: Int, ow: Int, ih: Int, iw: Int, batch: Int,
        into cols: UnsafeMutablePointer<Float>,
        width: Int, rowShift: Int, inputShift: Int, fullHeight: Int
    ) {
        for c in 0..<channels {
            for ky in 0..<kernelHeight {
                for kx in 0..<kernelWidth {
                    var target = cols + ((c * kernelHeight + ky) * kernelWidth + kx) * width
                    for g in rows {
                        let b = g / oh
                        let oy = g - b * oh
                        let globalY = (oy + rowShift) * strideY - padY + ky
                        if globalY < 0 || globalY >= fullHeight {
                            target.update(repeating: 0, count: ow)
                        } else {
                            let y = globalY - inputShift
                            precondition(y >= 0 && y < ih, "row window misses input row \(globalY)")
                            let line = src + ((c * batch + b) * ih + y) * iw
                            Convolution.sampleRow(line, width: iw, stride: strideX, offset: kx - padX, into: target, count: ow)
                        }
                        target += ow
                    }
                }
            }
        }
    }
}
