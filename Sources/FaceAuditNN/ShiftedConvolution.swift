import CNNKernels
import FaceAuditGEMM

/// A ``Convolution`` (batch of one, equal strides) computed without the full im2col matrix, for the MMOD
/// detector's small-filter layers.
///
/// For rowGroups and fullColumns the input band is first copied once per kernel column `kx`, each copy
/// already shifted by `kx` and subsampled by the stride, its rows split by phase (`row mod stride`). In
/// that buffer the inputs of kernel row `ky` for every output position lie at one fixed offset from the
/// position's index, one plane per (kx, channel), so the products need no further copy. The methods:
/// - ``Method/rowGroups``: out(F × N) = Σ_ky W_ky(F × kw·C) · shifted planes, as one grouped product
///   (``BLAS/groupedProduct(m:n:k:groups:a:lda:aGroupStride:b:bOffsets:ldb:c:ldc:)``: the planes are read
///   in place, not packed, and the output written once).
///   The copies are kw/stride times the input instead of kh·kw times for im2col.
/// - ``Method/fullColumns``: the im2col matrix assembled from the same buffer by contiguous copies, then
///   one GEMM with K = C·kh·kw (for few input channels, where a kernel row alone gives a short K).
/// - ``Method/kernelProducts`` (stride 1 only): every kernel tap's product with the zero-padded input,
///   Z(kh·kw·F × positions) = W(kh·kw·F × C) · input, then shifted sums of Z's rows. For one filter this
///   replaces a matrix-vector product over kh·kw·C-long columns by a GEMM with M = kh·kw.
/// - ``Method/winogradRows`` and ``Method/winograd4Rows`` (stride 1, kernel width 5 only): Winograd's
///   F(2, 5) or F(4, 5) along each row, so every two outputs of a kernel row take 6 products instead of
///   10, or every four take 8 instead of 20 (see `ShiftedConvolution+Winograd`).
/// - ``Method/phaseWinograd`` (stride 2, kernels up to 6×6): the input's four phases (rows and columns
///   even or odd) as 4·C channels of a stride-1 3×3 convolution, computed with ``WinogradConvolution``'s
///   F(4×4, 3×3): 9·C products per output and filter where a 5×5 kernel takes 25·C.
///
/// In exact arithmetic the results equal ``Convolution/forward(_:into:columns:chunk:window:)``'s; in
/// float they differ by rounding (at most 1e-5 on the tests' random data, 2e-5 for phaseWinograd; on the
/// detector's layers up to 1.4e-5, winograd4Rows on layer 5, and 1.9e-5 for phaseWinograd, in
/// `scripts/bench/detector-layers --layers`).
public struct ShiftedConvolution: Sendable {
    /// How the products are formed; see the type's documentation.
    public enum Method: Sendable, CaseIterable {
        /// One GEMM per kernel row over shifted column copies.
        case rowGroups
        /// im2col assembled from the shifted column copies, one GEMM.
        case fullColumns
        /// Per-tap products with the padded input, then shifted sums (stride 1 only).
        case kernelProducts
        /// Winograd F(2, 5) along rows, one GEMM per (transform point, kernel row) (stride 1, width 5).
        case winogradRows
        /// Winograd F(4, 5) along rows: eight products per four outputs (stride 1, width 5).
        case winograd4Rows
        /// Stride 2, kernel at most 6×6: the input split into its four phases (even and odd rows and
        /// columns) as 4·C channels, each phase's part of the kernel (at most 3×3) as their taps, and that
        /// stride-1 3×3 convolution computed with Winograd F(4×4, 3×3) (``WinogradConvolution``): 2.25
        /// products per output and (filter, phase channel) where a 5×5 stride-2 kernel takes 25 per (filter,
        /// channel), 9·C against 25·C.
        case phaseWinograd
    }

    /// The convolution computed.
    public let convolution: Convolution
    /// The method in use.
    public let method: Method
    /// Weights reordered for `method`: rowGroups [ky][f][kx·C + c]; fullColumns [f][(ky·kw + kx)·C + c];
    /// kernelProducts [(f·kh + ky)·kw + kx][c]; Winograd rows [ξ][ky][f][c], the kernel rows transformed.
    let packed: [Float]
    /// `packed` as the product kernel's left operands, packed once: rowGroups one grouped operand (kh
    /// groups of F × kw·C); the Winograd methods one per point (kh groups of F × C); none otherwise.
    let packedWeights: [PackedWeights]
    /// phaseWinograd: the stride-1 3×3 convolution over the four phases.
    let phases: WinogradConvolution?

    /// Wraps `convolution`; the default method is kernelProducts for one filter at stride 1, winograd4Rows
    /// for several filters at stride 1 and kernel width 5, phaseWinograd at stride 2 for kernels up to
    /// 6×6 with more than 9 taps, rowGroups otherwise (on the MMOD detector's layers fullColumns was
    /// slower even for three input channels, and winogradRows slower than winograd4Rows; with its three
    /// stride-2 layers on phaseWinograd whole detections were faster than with them on rowGroups, in 15
    /// of 16 and 18 of 20 rounds alternating in one process, though per layer only the 16-channel one
    /// gained clearly: docs/detector-speed.md).
    ///
    /// - Precondition: equal strides; stride 1 for kernelProducts; stride 1 and width 5 for the Winograd
    ///   rows; stride 2 and at most 6×6 for phaseWinograd.
    public init(_ convolution: Convolution, method: Method? = nil) {
        precondition(convolution.strideX == convolution.strideY, "shifted convolutions need equal strides")
        let c = convolution.channels
        let kh = convolution.kernelHeight
        let kw = convolution.kernelWidth
        let f = convolution.filters
        let unit = convolution.strideX == 1
        // The phases take 9·C products per output and filter whatever the kernel: fewer than the direct
        // kh·kw·C only above 3×3.
        let phased = convolution.strideX == 2 && kh <= 6 && kw <= 6 && kh * kw > 9
        let chosen = method ?? (unit && f == 1 ? .kernelProducts : unit && kw == 5 ? .winograd4Rows : phased ? .phaseWinograd : .rowGroups)
        precondition(chosen != .kernelProducts || convolution.strideX == 1, "kernelProducts needs stride 1")
        let winograd = chosen == .winogradRows || chosen == .winograd4Rows
        precondition(!winograd || (convolution.strideX == 1 && kw == 5), "Winograd rows need stride 1 and width 5")
        self.convolution = convolution
        self.method = chosen
        if chosen == .phaseWinograd {
            precondition(convolution.strideX == 2 && kh <= 6 && kw <= 6, "phaseWinograd needs stride 2 and a kernel of at most 6×6")
            phases = WinogradConvolution(Self.phaseConvolution(convolution), tile: 4)
            packed = []
            packedWeights = []
            return
        }
        phases = nil
        if winograd {
            let weights = Self.winogradWeights(convolution, tileOutputs: chosen == .winograd4Rows ? 4 : 2)
            packed = weights
            packedWeights = (0..<(chosen == .winograd4Rows ? 8 : 6)).map {
                PackedWeights(m: f, k: c, groups: kh, storage: weights, offset: $0 * kh * f * c)
            }
            return
        }
        var w = [Float](repeating: 0, count: convolution.weights.count)
        for filter in 0..<f {
            for channel in 0..<c {
                for ky in 0..<kh {
                    for kx in 0..<kw {
                        let value = convolution.weights[((filter * c + channel) * kh + ky) * kw + kx]
                        switch chosen {
                        case .rowGroups: w[(ky * f + filter) * kw * c + kx * c + channel] = value
                        case .fullColumns: w[filter * kh * kw * c + (ky * kw + kx) * c + channel] = value
                        case .kernelProducts, .winogradRows, .winograd4Rows, .phaseWinograd:
                            w[((filter * kh + ky) * kw + kx) * c + channel] = value
                        }
                    }
                }
            }
        }
        packed = w
        packedWeights = chosen == .rowGroups ? [PackedWeights(m: f, k: kw * c, groups: kh, storage: w)] : []
    }

    /// Runs the convolution over a band as ``Convolution/forward(_:into:columns:chunk:window:)`` does,
    /// up to rounding (see the type). `workspace` is reused; output rows are computed in chunks whose
    /// workspace holds about `chunkFloats` values (default ``defaultChunk``).
    public func forward(
        _ input: Activations, into output: inout Activations, workspace: inout [Float], window: Convolution.RowWindow? = nil,
        chunkFloats: Int? = nil
    ) {
        let conv = convolution
        precondition(input.channels == conv.channels, "convolution expects \(conv.channels) channels, got \(input.channels)")
        precondition(input.batch == 1, "shifted convolutions take a batch of one")
        let size = conv.outputSize(height: input.height, width: input.width)
        let ow = size.width
        let oh = window.map { $0.outputRows.count } ?? size.height
        output.reshape(channels: conv.filters, batch: 1, height: oh, width: ow)
        guard oh > 0, ow > 0 else { return }
        let geometry = Geometry(
            conv: conv, ih: input.height, iw: input.width, ow: ow, totalRows: oh,
            rowShift: window.map { $0.outputRows.lowerBound } ?? 0, inputShift: window.map { $0.inputRows.lowerBound } ?? 0,
            fullHeight: window.map { $0.fullHeight } ?? input.height)
        if let phases {
            phaseForward(phases, input, geometry, oh: oh, into: &output, workspace: &workspace, chunkFloats: chunkFloats)
            return
        }
        let perRow = geometry.workspacePerRow(method)
        let rowsPerChunk = max(1, min(oh, (chunkFloats ?? defaultChunk) / perRow))
        let needed = geometry.workspace(method, rows: rowsPerChunk)
        if workspace.count < needed { workspace = [Float](repeating: 0, count: needed) }
        input.data.withUnsafeBufferPointer { src in
            workspace.withUnsafeMutableBufferPointer { work in
                output.data.withUnsafeMutableBufferPointer { dst in
                    for y0 in Swift.stride(from: 0, to: oh, by: rowsPerChunk) {
                        let rows = min(rowsPerChunk, oh - y0)
                        let out = dst.baseAddress! + y0 * ow
                        chunk(geometry, src.baseAddress!, firstRow: y0, rows: rows, work: work.baseAddress!, out: out)
                    }
                }
            }
        }
    }

    /// Output rows firstRow..<firstRow + rows, written at `out` (rows of the band's full length apart).
    private func chunk(
        _ g: Geometry, _ src: UnsafePointer<Float>, firstRow: Int, rows: Int, work: UnsafeMutablePointer<Float>,
        out: UnsafeMutablePointer<Float>
    ) {
        packed.withUnsafeBufferPointer { w in
            switch method {
            case .rowGroups, .fullColumns:
                g.gatherColumns(src, firstRow: firstRow, rows: rows, into: work)
                products(g, rows: rows, w: w.baseAddress!, work: work, out: out)
            case .winogradRows, .winograd4Rows:
                winogradRows(g, src, firstRow: firstRow, rows: rows, w: w.baseAddress!, work: work, out: out)
            case .kernelProducts:
                g.padRows(src, firstRow: firstRow, rows: rows, into: work)
                tapProducts(g, rows: rows, w: w.baseAddress!, work: work, out: out)
            case .phaseWinograd:
                preconditionFailure("phaseWinograd runs whole bands")
            }
        }
        convolution.addBias(out, count: rows * g.ow, stride: g.totalRows * g.ow)
    }

    /// Workspace values per chunk unless told: 2²¹ for kernelProducts, 2¹⁸ (1 MB) for the other methods.
    /// These were the fastest of the sizes tried on the MMOD detector's layers at 1920×1080, one thread
    /// (docs/detector-speed.md).
    public var defaultChunk: Int { method == .kernelProducts ? 1 << 21 : 1 << 18 }

    /// rowGroups and fullColumns: GEMMs over the gathered column copies at `work`.
    private func products(
        _ g: Geometry, rows: Int, w: UnsafePointer<Float>, work: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
    ) {
        let conv = convolution
        let f = conv.filters
        let c = conv.channels
        let kh = conv.kernelHeight
        let kw = conv.kernelWidth
        let s = conv.strideY
        let n = rows * g.ow
        let hh = g.phaseRows(rows)
        let phase = hh * g.ow
        let plane = s * phase
        switch method {
        case .rowGroups:
            // One product over every kernel row: B's rows for row ky start at a fixed offset in `work`.
            packedWeights[0].product(
                n: n, b: work, bOffsets: (0..<kh).map { ky in (ky % s) * phase + (ky / s) * g.ow }, ldb: plane, c: out,
                ldc: g.totalRows * g.ow)
        case .fullColumns, .kernelProducts, .winogradRows, .winograd4Rows, .phaseWinograd:
            let columns = work + kw * c * plane
            var target = columns
            for ky in 0..<kh {
                for kx in 0..<kw {
                    for channel in 0..<c {
                        target.update(from: work + (kx * c + channel) * plane + (ky % s) * phase + (ky / s) * g.ow, count: n)
                        target += n
                    }
                }
            }
            BLAS.gemm(
                m: f, n: n, k: kh * kw * c, a: w, lda: kh * kw * c, b: columns, ldb: n, beta: 0, c: out, ldc: g.totalRows * g.ow)
        }
    }

    /// kernelProducts: Z = W · padded input at `work`, then each output sums its kh·kw shifted Z values.
    private func tapProducts(
        _ g: Geometry, rows: Int, w: UnsafePointer<Float>, work: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
    ) {
        let conv = convolution
        let kh = conv.kernelHeight
        let kw = conv.kernelWidth
        let taps = kh * kw
        let wp = g.paddedWidth
        let np = (rows + kh - 1) * wp
        let z = work + conv.channels * np
        BLAS.gemm(m: taps * conv.filters, n: np, k: conv.channels, a: w, lda: conv.channels, b: work, ldb: np, beta: 0, c: z, ldc: np)
        let ow = g.ow
        for filter in 0..<conv.filters {
            let o = out + filter * g.totalRows * ow
            for y in 0..<rows { (o + y * ow).update(repeating: 0, count: ow) }
            for ky in 0..<kh {
                for kx in 0..<kw {
                    let plane = z + (filter * taps + ky * kw + kx) * np + ky * wp + kx
                    for y in 0..<rows {
                        let from = plane + y * wp
                        let to = o + y * ow
                        for x in 0..<ow { to[x] += from[x] }
                    }
                }
            }
        }
    }

    /// Sizes of one band, and the copies that feed the products.
    struct Geometry {
        let conv: Convolution
        /// Input rows and columns held.
        let ih: Int, iw: Int
        /// Output width, and output rows of the whole band.
        let ow: Int, totalRows: Int
        /// Global index of the band's first output row, and of the input's first row.
        let rowShift: Int, inputShift: Int
        /// Height of the whole input map (zero padding applies at its edges only).
        let fullHeight: Int

        /// Rows per phase of the gathered copies for `rows` output rows.
        func phaseRows(_ rows: Int) -> Int {
            let s = conv.strideY
            return rows - 1 + (conv.kernelHeight + s - 1) / s
        }

        /// Tiles of `outputs` outputs per row, for the Winograd methods.
        func tiles(_ outputs: Int) -> Int { (ow + outputs - 1) / outputs }

        /// Padded input width for kernelProducts.
        var paddedWidth: Int { ow + conv.kernelWidth - 1 }

        /// Workspace values per output row (rounded up for the halo by `workspace`).
        func workspacePerRow(_ method: Method) -> Int {
            let c = conv.channels
            let s = conv.strideY
            switch method {
            case .rowGroups: return conv.kernelWidth * c * s * ow
            case .fullColumns: return conv.kernelWidth * c * s * ow + conv.kernelHeight * conv.kernelWidth * c * ow
            case .kernelProducts: return (c + conv.kernelHeight * conv.kernelWidth * conv.filters) * paddedWidth
            case .winogradRows: return 6 * (c + conv.filters) * tiles(2)
            case .winograd4Rows: return 8 * (c + conv.filters) * tiles(4)
            case .phaseWinograd: return 0
            }
        }

        /// Workspace values for `rows` output rows.
        func workspace(_ method: Method, rows: Int) -> Int {
            let c = conv.channels
            let s = conv.strideY
            switch method {
            case .rowGroups: return conv.kernelWidth * c * s * phaseRows(rows) * ow
            case .fullColumns: return conv.kernelWidth * c * s * phaseRows(rows) * ow + conv.kernelHeight * conv.kernelWidth * c * rows * ow
            case .kernelProducts:
                return (c + conv.kernelHeight * conv.kernelWidth * conv.filters) * (rows + conv.kernelHeight - 1) * paddedWidth
            case .winogradRows, .winograd4Rows:
                let per = method == .winogradRows ? 2 : 4
                return per * tiles(per) + 4 + (per + 4) * tiles(per) * (c * (rows + conv.kernelHeight - 1) + conv.filters * rows)
            case .phaseWinograd: return 0
            }
        }

        /// The input line of channel `c` for local input row `j` of the chunk starting at output row
        /// `firstRow`, or nil where that row lies in the zero padding.
        func line(_ src: UnsafePointer<Float>, channel c: Int, firstRow: Int, j: Int) -> UnsafePointer<Float>? {
            let globalY = (firstRow + rowShift) * conv.strideY - conv.padY + j
            guard globalY >= 0 && globalY < fullHeight else { return nil }
            let y = globalY - inputShift
            precondition(y >= 0 && y < ih, "row window misses input row \(globalY)")
            return src + (c * ih + y) * iw
        }

        /// Gathered copies: plane (kx, c), phase p, row r, column x holds input (c, row
        /// (firstRow + r)·s + p − pad, column x·s + kx − pad), zero outside the map.
        func gatherColumns(_ src: UnsafePointer<Float>, firstRow: Int, rows: Int, into work: UnsafeMutablePointer<Float>) {
            let s = conv.strideY
            let kw = conv.kernelWidth
            let padX = conv.padX
            let hh = phaseRows(rows)
            let phase = hh * ow
            let plane = s * phase
            let inputRows = (rows - 1) * s + conv.kernelHeight
            for c in 0..<conv.channels {
                for j in 0..<inputRows {
                    let l = line(src, channel: c, firstRow: firstRow, j: j)
                    for kx in 0..<kw {
                        let target = work + (kx * conv.channels + c) * plane + (j % s) * phase + (j / s) * ow
                        guard let l else {
                            target.update(repeating: 0, count: ow)
                            continue
                        }
                        if s == 2 && kx == 0 && kw > 1 {
                            // Copies 0 and 1 together: the even and odd columns from one pass over the line.
                            Convolution.samplePair(l, width: iw, offset: -padX, into: target, target + conv.channels * plane, count: ow)
                        } else if s == 2 && kx == 1 {
                            continue
                        } else if s > 1 && kx >= s && ow > 1 {
                            // Column x of this copy is column x + 1 of copy kx − s: one contiguous copy,
                            // and only the last column is read from the input.
                            target.update(from: target - s * conv.channels * plane + 1, count: ow - 1)
                            let x = (ow - 1) * s - padX + kx
                            target[ow - 1] = x >= 0 && x < iw ? l[x] : 0
                        } else {
                            Convolution.sampleRow(l, width: iw, stride: s, offset: kx - padX, into: target, count: ow)
                        }
                    }
                }
            }
        }

        /// kernelProducts' input: channel c, local row j, column x holds input (c, row firstRow + j −
        /// pad, column x − pad), zero outside the map; rows + kh − 1 rows of `paddedWidth`.
        func padRows(_ src: UnsafePointer<Float>, firstRow: Int, rows: Int, into work: UnsafeMutablePointer<Float>) {
            let wp = paddedWidth
            let inputRows = rows + conv.kernelHeight - 1
            let padX = conv.padX
            let copied = min(iw, wp - padX)
            for c in 0..<conv.channels {
                for j in 0..<inputRows {
                    let target = work + (c * inputRows + j) * wp
                    guard let l = line(src, channel: c, firstRow: firstRow, j: j) else {
                        target.update(repeating: 0, count: wp)
                        continue
                    }
                    target.update(repeating: 0, count: padX)
                    (target + padX).update(from: l, count: copied)
                    (target + padX + copied).update(repeating: 0, count: wp - padX - copied)
                }
            }
        }
    }
}

extension ShiftedConvolution {
    /// The stride-1, pad-1 3×3 convolution over the four phases of `convolution`'s input (stride 2):
    /// input channel (2·p + q)·C + c is channel c's rows ≡ p and columns ≡ q (mod 2), and its tap (a, b)
    /// is the kernel's (2a + p, 2b + q), zero past the kernel.
    static func phaseConvolution(_ convolution: Convolution) -> Convolution {
        let (f, c, kh, kw) = (convolution.filters, convolution.channels, convolution.kernelHeight, convolution.kernelWidth)
        var w = [Float](repeating: 0, count: f * 4 * c * 9)
        for filter in 0..<f {
            for channel in 0..<c {
                for ky in 0..<kh {
                    for kx in 0..<kw {
                        let phase = 2 * (ky % 2) + kx % 2
                        let tap = 3 * (ky / 2) + kx / 2
                        w[((filter * 4 + phase) * c + channel) * 9 + tap] =
                            convolution.weights[((filter * c + channel) * kh + ky) * kw + kx]
                    }
                }
            }
        }
        return Convolution(
            filters: f, channels: 4 * c, kernel: (3, 3), stride: (1, 1), pad: (1, 1), weights: w, bias: convolution.bias,
            relu: convolution.relu)
    }

    /// phaseWinograd over a band: the phases of the input rows the band's outputs read, rows + 2 rows of
    /// ow + 2 columns (phase row i, column j: input row 2·(first output row + i) + p − pad, column 2j + q
    /// − pad; zero outside the map), read in place by the Winograd input transform
    /// (``WinogradConvolution/run(_:phases:into:scratch:tileRowsPerChunk:)``): output (y, x) reads phase
    /// rows y…y + 2 and columns x…x + 2. `workspace` holds the Winograd scratch. `chunkFloats`, when
    /// given, sets a chunk's tile rows as if its phases and result were held (about that many values, at
    /// least one row of tiles, 4 output rows); by default a chunk is one Winograd chunk of at least two
    /// rows of tiles.
    func phaseForward(
        _ phases: WinogradConvolution, _ input: Activations, _ g: Geometry, oh: Int, into output: inout Activations,
        workspace: inout [Float], chunkFloats: Int? = nil
    ) {
        let conv = convolution
        let c = conv.channels
        let f = conv.filters
        let ow = g.ow
        let pw = ow + 2
        // The chunks the phases had when each chunk's rows were copied first (before 548a9e9).
        let tileRows =
            chunkFloats.map { max(1, $0 / (4 * (4 * c + f) * pw)) }
            ?? max(2, WinogradConvolution.defaultTileRows(channels: 4 * c, filters: f, tilesX: (pw + 3) / 4, tile: 4))
        let phaseInput = WinogradConvolution.PhaseInput(
            channels: c, plane: g.ih * g.iw, width: g.iw, padX: conv.padX, outputRows: oh, outputWidth: ow,
            row: { p, i in
                let globalY = (g.rowShift + i) * 2 + p - conv.padY
                let y = globalY - g.inputShift
                let inside = globalY >= 0 && globalY < g.fullHeight
                let held = y >= 0 && y < g.ih
                // A row the band does not hold may only be one that no kernel tap reads.
                precondition(
                    !inside || held || !(0..<3).contains { a in i - a >= 0 && i - a < oh && 2 * a + p < conv.kernelHeight },
                    "row window misses input row \(globalY)")
                return inside && held ? y * g.iw : nil
            })
        let needed = phases.scratchCount(phaseInput, tileRowsPerChunk: tileRows)
        if workspace.count < needed { workspace = [Float](repeating: 0, count: needed) }
        output.reshape(channels: f, batch: 1, height: oh, width: ow)
        input.data.withUnsafeBufferPointer { src in
            output.data.withUnsafeMutableBufferPointer { dst in
                workspace.withUnsafeMutableBufferPointer { work in
                    phases.run(
                        src.baseAddress!, phases: phaseInput, into: dst.baseAddress!, scratch: work.baseAddress!, tileRowsPerChunk: tileRows
                    )
                }
            }
        }
    }
}

extension Convolution {
    /// Writes `target[i] = line[i·stride + offset]` for i in 0..<count, and 0 where that index lies
    /// outside [0, width): one kernel column's inputs along one row, zero padding included.
    static func sampleRow(
        _ line: UnsafePointer<Float>, width: Int, stride: Int, offset: Int, into target: UnsafeMutablePointer<Float>, count: Int
    ) {
        fa_sample_row(VectorBuild.current, line, width, stride, offset, target, count)
    }

    /// `sampleRow` at stride 2 for two neighbouring kernel columns at once: `even[i] = line[2i + offset]`
    /// and `odd[i] = line[2i + offset + 1]`, 0 where the index lies outside [0, width).
    static func samplePair(
        _ line: UnsafePointer<Float>, width: Int, offset: Int, into even: UnsafeMutablePointer<Float>, _ odd: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        fa_sample_pair(VectorBuild.current, line, width, offset, even, odd, count)
    }
}
