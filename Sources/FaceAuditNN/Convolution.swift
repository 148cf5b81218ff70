import CNNKernels
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

    /// This convolution for a 1×1 input map, as a 1×1 convolution: with stride 1 and the padding that keeps
    /// a map's size (kernel = 2·pad + 1 both ways), only the centre tap reads the input and every other tap
    /// reads zero padding. Nil for other shapes. Its weights are the centre taps', its bias and ReLU this
    /// convolution's, and it needs 1/(kernelHeight·kernelWidth) of the multiply-adds.
    ///
    /// Only with the own product kernels (``BLAS/ownKernels``; nil on the BLAS): there each output is the
    /// same fused multiply-add chain without the padding's terms. Those products are exact zeros (finite
    /// weights), and adding them leaves a sum that starts at +0 unchanged (up to the sign of a partial sum
    /// that underflowed to −0, which the bias then absorbs unless it is a zero), so the outputs are the
    /// same bits. A BLAS cuts k into blocks of its own, where dropping terms moves the blocks' bounds.
    public func centreTapForm() -> Convolution? {
        guard BLAS.ownKernels, strideY == 1, strideX == 1, kernelHeight == 2 * padY + 1, kernelWidth == 2 * padX + 1 else {
            return nil
        }
        let taps = kernelHeight * kernelWidth
        let centre = padY * kernelWidth + padX
        return Convolution(
            filters: filters, channels: channels, kernel: (1, 1), stride: (1, 1), pad: (0, 0),
            weights: (0..<(filters * channels)).map { weights[$0 * taps + centre] }, bias: bias, relu: relu)
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
        let geometry = columnGeometry(input, window: window)
        let (oh, ow) = (geometry.oh, geometry.ow)
        output.reshape(channels: filters, batch: input.batch, height: oh, width: ow)
        let k = channels * kernelHeight * kernelWidth
        let n = input.batch * oh * ow
        // Work in whole output rows g = b·oh + oy, as many as fit in `chunk` columns.
        let chunkColumns = chunk ?? max(ow, (1 << 20) / k)
        let rowsPerChunk = max(1, min(input.batch * oh, chunkColumns / max(1, ow)))
        if columns.count < k * rowsPerChunk * ow { columns = [Float](repeating: 0, count: k * rowsPerChunk * ow) }
        let totalRows = input.batch * oh
        input.data.withUnsafeBufferPointer { src in
            output.data.withUnsafeMutableBufferPointer { dst in
                columns.withUnsafeMutableBufferPointer { cols in
                    var g0 = 0
                    while g0 < totalRows {
                        let g1 = min(totalRows, g0 + rowsPerChunk)
                        let width = (g1 - g0) * ow
                        writeColumns(src.baseAddress!, rows: g0..<g1, geometry, byTable: geometry.suitsTable, into: cols.baseAddress!)
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

    /// Where im2col reads and writes: the output map (oh × ow per sample), the input planes (ih × iw, `batch`
    /// samples a channel), and for a row window, the first output row's and first input row's global rows
    /// and the whole map's height.
    struct ColumnGeometry {
        var oh: Int, ow: Int, ih: Int, iw: Int, batch: Int, rowShift: Int, inputShift: Int, fullHeight: Int

        /// Output rows narrower than this are copied through one table of offsets (``tapTable``) instead
        /// of row by row: a call per channel, tap and output row cost more than its 1–8 copies on the
        /// descriptor's deep layers (256 channels × 9 taps × 4 rows of 4 at batch 1). On an AMD EPYC (Zen
        /// 3) the 256-channel 4×4 layers took 0.22–0.30 ms instead of 0.53–0.59 at batch 1
        /// (`Benchmarks/Tools/DescriptorLayers`).
        static let tableWidth = 16

        /// Whether the table applies: narrow rows, and offsets within a channel that fit in 32 bits.
        var suitsTable: Bool { ow < Self.tableWidth && batch * ih * iw <= Int(Int32.max) }
    }

    /// The geometry of `input` convolved whole, or over `window`.
    func columnGeometry(_ input: Activations, window: RowWindow?) -> ColumnGeometry {
        let size = outputSize(height: input.height, width: input.width)
        return ColumnGeometry(
            oh: window.map { $0.outputRows.count } ?? size.height, ow: size.width, ih: input.height, iw: input.width, batch: input.batch,
            rowShift: window.map { $0.outputRows.lowerBound } ?? 0, inputShift: window.map { $0.inputRows.lowerBound } ?? 0,
            fullHeight: window.map { $0.fullHeight } ?? input.height)
    }

    /// The im2col matrix of output rows `rows` (g = b·oh + oy; all of them when nil) of `input`, through the
    /// tap table or row by row: the matrix ``forward(_:into:columns:chunk:window:)`` multiplies (for tests).
    func im2colMatrix(_ input: Activations, rows: Range<Int>? = nil, window: RowWindow? = nil, byTable: Bool) -> [Float] {
        let geometry = columnGeometry(input, window: window)
        let rows = rows ?? 0..<(input.batch * geometry.oh)
        var matrix = [Float](repeating: .nan, count: channels * kernelHeight * kernelWidth * rows.count * geometry.ow)
        input.data.withUnsafeBufferPointer { src in
            matrix.withUnsafeMutableBufferPointer {
                writeColumns(src.baseAddress!, rows: rows, geometry, byTable: byTable, into: $0.baseAddress!)
            }
        }
        return matrix
    }

    /// Writes the im2col matrix of output rows `rows` (g = b·oh + oy): one matrix row per (c, ky, kx),
    /// one column per output position, zeros where the kernel reads outside the input. With `byTable`
    /// (``ColumnGeometry/suitsTable`` must hold) through ``tapTable``, else row by row: the same values.
    private func writeColumns(
        _ src: UnsafePointer<Float>, rows: Range<Int>, _ g: ColumnGeometry, byTable: Bool, into cols: UnsafeMutablePointer<Float>
    ) {
        if byTable {
            let table = tapTable(rows: rows, g)
            fa_gather_taps(src, g.batch * g.ih * g.iw, channels, table, table.count, cols)
        } else {
            im2col(src, rows: rows, g, into: cols)
        }
    }

    /// For output rows `rows`, the offset within a channel's planes (b·ih·iw + y·iw + x) that im2col reads
    /// for each tap (ky, kx) and column, tap-major as one channel's im2col rows lie; −1 where the tap reads
    /// the zero padding.
    private func tapTable(rows: Range<Int>, _ g: ColumnGeometry) -> [Int32] {
        [Int32](unsafeUninitializedCapacity: kernelHeight * kernelWidth * rows.count * g.ow) { table, count in
            var t = 0
            for ky in 0..<kernelHeight {
                for kx in 0..<kernelWidth {
                    for row in rows {
                        let b = row / g.oh
                        let globalY = (row - b * g.oh + g.rowShift) * strideY - padY + ky
                        let inside = globalY >= 0 && globalY < g.fullHeight
                        let y = globalY - g.inputShift
                        precondition(!inside || (y >= 0 && y < g.ih), "row window misses input row \(globalY)")
                        for ox in 0..<g.ow {
                            let x = ox * strideX - padX + kx
                            table[t] = inside && x >= 0 && x < g.iw ? Int32((b * g.ih + y) * g.iw + x) : -1
                            t += 1
                        }
                    }
                }
            }
            count = t
        }
    }

    /// The row-by-row im2col: one strided row copy per channel, tap and output row.
    private func im2col(_ src: UnsafePointer<Float>, rows: Range<Int>, _ g: ColumnGeometry, into cols: UnsafeMutablePointer<Float>) {
        let width = rows.count * g.ow
        for c in 0..<channels {
            for ky in 0..<kernelHeight {
                for kx in 0..<kernelWidth {
                    var target = cols + ((c * kernelHeight + ky) * kernelWidth + kx) * width
                    for row in rows {
                        let b = row / g.oh
                        let globalY = (row - b * g.oh + g.rowShift) * strideY - padY + ky
                        if globalY < 0 || globalY >= g.fullHeight {
                            target.update(repeating: 0, count: g.ow)
                        } else {
                            let y = globalY - g.inputShift
                            precondition(y >= 0 && y < g.ih, "row window misses input row \(globalY)")
                            let line = src + ((c * g.batch + b) * g.ih + y) * g.iw
                            Convolution.sampleRow(line, width: g.iw, stride: strideX, offset: kx - padX, into: target, count: g.ow)
                        }
                        target += g.ow
                    }
                }
            }
        }
    }
}
