import CNNKernels
import CVectorBuild
import FaceAuditGEMM

/// A 3×3, stride-1, pad-1 convolution (cross-correlation) computed with Winograd's minimal filtering
/// algorithm F(m×m, 3×3), m = 2 or 4 (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016).
///
/// Each m×m block of outputs ("tile") is Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A, where d is the α×α input patch
/// (α = m + 2) under the tile, zero outside the map, and g a 3×3 kernel. Summed over input channels, the
/// element-wise product becomes α² matrix products M_ξ(F × T) = U_ξ(F × C) · V_ξ(C × T), one per position ξ
/// of the α×α transform, over the T tiles of every sample in the batch. Per output and (filter, channel)
/// pair they cost α²/m² multiply-adds (4 for m = 2, 2.25 for m = 4) where im2col costs 9. The weight
/// transform U = G·g·Gᵀ is done once, in `Double`, at init.
///
/// The result equals ``Convolution``'s up to float rounding: F(2×2) only adds, subtracts and halves;
/// F(4×4) also scales by up to 8 and 1/24, and its rounding error is about ten times larger (the tests
/// state both bounds).
public struct WinogradConvolution: Sendable {
    /// Output channels.
    public let filters: Int
    /// Input channels.
    public let channels: Int
    /// Outputs per tile side, m (2 or 4).
    public let tile: Int
    /// U_ξ = (G·g·Gᵀ)_ξ for the α² positions ξ, each an F × C matrix, packed once for the product kernel.
    let transformed: [PackedWeights]
    /// Bias per filter (the affine already folded in, as in ``Convolution``).
    public let bias: [Float]
    /// Whether a ReLU follows; with a residual it applies to the sum.
    public var relu: Bool
    /// Maps with at most this many tiles per row (default 4: up to 16 columns for F(4×4), 8 for F(2×2))
    /// have their tile transforms done 16 tiles at a time across rows of tiles and samples, with gathers
    /// and scatters (`fa_winograd_input_gather`), where the CPU has AVX-512F; wider maps, one row of tiles
    /// at a time (`fa_winograd_input`), whose vectors a row then fills. Both give the same bits. On the
    /// descriptor at batch 32 (`Benchmarks/Tools/DescriptorLayers`) the gathers took F(4×4) on the 8×8 and
    /// 4×4 maps from 0.113–0.137 to 0.063–0.065 and from 0.116–0.123 to 0.054 ms a face; on 17×17 (5 tiles
    /// a row) they were 5 % slower, on 35×35 no faster. 0 turns them off.
    public var gatherMaximumTilesPerRow = 4

    /// Whether the chunk transforms that gather 16 tiles at a time (`fa_winograd_input_gather`,
    /// `fa_winograd_output_scatter`, AVX-512F only) can run: where the process runs the AVX-512F build.
    static var gathers: Bool { VectorBuild.current == FA_BUILD_AVX512 }

    /// Tile rows per chunk unless the caller says otherwise: at least 256 tiles, so that each of the α²
    /// GEMMs is wide enough to run near full speed, and more while V and M stay within about 2 MB.
    public static func defaultTileRows(channels: Int, filters: Int, tilesX: Int, tile: Int) -> Int {
        let positions = (tile + 2) * (tile + 2)
        let tiles = max(256, (1 << 19) / (positions * (channels + filters)))
        return max(1, tiles / max(1, tilesX))
    }

    /// G (α×3, row-major) of F(2×2, 3×3) and F(4×4, 3×3): Lavin & Gray's, interpolation points 0, ±1
    /// and 0, ±1, ±2 (and ∞).
    static func kernelMatrix(tile: Int) -> [Double] {
        if tile == 2 { return [1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1] }
        let (quarter, sixth, twelfth, twentyFourth): (Double, Double, Double, Double) = (1 / 4, 1 / 6, 1 / 12, 1 / 24)
        let rows: [[Double]] = [
            [quarter, 0, 0], [-sixth, -sixth, -sixth], [-sixth, sixth, -sixth],
            [twentyFourth, twelfth, sixth], [twentyFourth, -twelfth, sixth], [0, 0, 1],
        ]
        return rows.flatMap { $0 }
    }

    /// The Winograd form of `convolution` (same weights, bias and ReLU) with m×m output tiles, m = 2 or 4,
    /// or nil unless the convolution is 3×3 with stride 1 and padding 1.
    public init?(_ convolution: Convolution, tile: Int = 2) {
        precondition(tile == 2 || tile == 4, "F(m×m, 3×3) is implemented for m = 2 and 4")
        guard convolution.kernelHeight == 3, convolution.kernelWidth == 3, convolution.strideY == 1, convolution.strideX == 1,
            convolution.padY == 1, convolution.padX == 1
        else { return nil }
        filters = convolution.filters
        channels = convolution.channels
        self.tile = tile
        bias = convolution.bias
        relu = convolution.relu
        let g = Self.kernelMatrix(tile: tile)
        let alpha = tile + 2
        let fc = filters * channels
        var u = [Float](repeating: 0, count: alpha * alpha * fc)
        let w = convolution.weights
        var gk = [Double](repeating: 0, count: alpha * 3)  // G·k, α×3
        for f in 0..<filters {
            for c in 0..<channels {
                let k = (f * channels + c) * 9
                for i in 0..<alpha {
                    for x in 0..<3 {
                        gk[3 * i + x] =
                            g[3 * i] * Double(w[k + x]) + g[3 * i + 1] * Double(w[k + 3 + x]) + g[3 * i + 2] * Double(w[k + 6 + x])
                    }
                }
                for i in 0..<alpha {
                    for j in 0..<alpha {
                        let value = gk[3 * i] * g[3 * j] + gk[3 * i + 1] * g[3 * j + 1] + gk[3 * i + 2] * g[3 * j + 2]
                        u[(alpha * i + j) * fc + f * channels + c] = Float(value)
                    }
                }
            }
        }
        let (m, k) = (filters, channels)
        transformed = (0..<(alpha * alpha)).map { PackedWeights(m: m, k: k, storage: u, offset: $0 * fc) }
    }

    /// Convolves `input` into `output` (same height and width, `filters` channels). With `residual`
    /// (the output's shape exactly) each output is conv + bias + residual, then the ReLU when `relu`:
    /// a residual block's add and ReLU in the same pass. `scratch` is a reusable buffer (about
    /// α²·(channels + filters) values per tile of a chunk). Tiles are taken a row of tiles at a time,
    /// `tileRowsPerChunk` rows per chunk, in (sample, tile row) order across the whole batch.
    public func forward(
        _ input: Activations, adding residual: Activations? = nil, into output: inout Activations, scratch: inout [Float],
        tileRowsPerChunk: Int? = nil
    ) {
        precondition(input.channels == channels, "convolution expects \(channels) channels, got \(input.channels)")
        let batch = input.batch
        let h = input.height
        let w = input.width
        if let residual {
            precondition(
                residual.channels == filters && residual.batch == batch && residual.height == h && residual.width == w,
                "the residual must have the output's shape")
        }
        output.reshape(channels: filters, batch: batch, height: h, width: w)
        let needed = scratchCount(batch: batch, height: h, width: w, tileRowsPerChunk: tileRowsPerChunk)
        guard needed > 0 else { return }
        if scratch.count < needed { scratch = [Float](repeating: 0, count: needed) }
        input.data.withUnsafeBufferPointer { src in
            output.data.withUnsafeMutableBufferPointer { dst in
                scratch.withUnsafeMutableBufferPointer { buffer in
                    func run(_ r: UnsafePointer<Float>?) {
                        self.run(
                            src.baseAddress!, residual: r, into: dst.baseAddress!, batch: batch, height: h, width: w,
                            scratch: buffer.baseAddress!, tileRowsPerChunk: tileRowsPerChunk)
                    }
                    if let residual {
                        residual.data.withUnsafeBufferPointer { run($0.baseAddress!) }
                    } else {
                        run(nil)
                    }
                }
            }
        }
    }

    /// Tile rows per chunk of a call.
    private func chunkRows(_ g: Geometry, tileRowsPerChunk: Int?) -> Int {
        max(
            1,
            min(
                g.batch * g.tilesY,
                tileRowsPerChunk ?? Self.defaultTileRows(channels: channels, filters: filters, tilesX: g.tilesX, tile: tile)))
    }

    /// The scratch values ``run(_:residual:into:batch:height:width:scratch:tileRowsPerChunk:)`` needs
    /// for maps of this size (0: an empty map, nothing to do).
    func scratchCount(batch: Int, height h: Int, width w: Int, tileRowsPerChunk: Int?) -> Int {
        scratchCount(Geometry(batch: batch, height: h, width: w, tile: tile), zeros: w, tileRowsPerChunk: tileRowsPerChunk)
    }

    /// The scratch ``run(_:phases:into:scratch:tileRowsPerChunk:)`` needs for `phases`.
    func scratchCount(_ phases: PhaseInput, tileRowsPerChunk: Int?) -> Int {
        scratchCount(Self.geometry(phases), zeros: phases.width, tileRowsPerChunk: tileRowsPerChunk)
    }

    private func scratchCount(_ g: Geometry, zeros: Int, tileRowsPerChunk: Int?) -> Int {
        guard g.batch * g.tilesY > 0, g.tilesX > 0 else { return 0 }
        let rows = chunkRows(g, tileRowsPerChunk: tileRowsPerChunk)
        // V, M, then the row workspace: α padded rows of Bᵀ·d per tile row and one zero input row; or m
        // output rows per tile row and F(4×4)'s 24 rows of Aᵀ·M.
        return g.alpha * g.alpha * (channels + filters) * rows * g.tilesX
            + max(rows * g.alpha * g.padded + zeros, (rows * tile + 24) * g.padded)
    }

    /// ``forward(_:adding:into:scratch:tileRowsPerChunk:)`` on maps in place: `channels` planes of
    /// `batch`·`height`·`width` values at `src`, `filters` written at `dst` (and read at `residual`), with
    /// ``scratchCount(batch:height:width:tileRowsPerChunk:)`` values at `scratch`.
    func run(
        _ src: UnsafePointer<Float>, residual: UnsafePointer<Float>?, into dst: UnsafeMutablePointer<Float>, batch: Int, height h: Int,
        width w: Int, scratch: UnsafeMutablePointer<Float>, tileRowsPerChunk: Int?
    ) {
        let g = Geometry(batch: batch, height: h, width: w, tile: tile)
        guard batch * g.tilesY > 0, w > 0 else { return }
        let plane = batch * h * w
        let gathers = g.tilesX <= gatherMaximumTilesPerRow && Self.gathers && plane + 8 * w + 8 < Int(Int32.max)
        let reading = InputLayout(
            columnStride: 1, count: w, width: w,
            channel: { c in (src + c * plane, 0, 0) },
            rows: { [tile] _, row, r in
                let b = row / g.tilesY
                let y = tile * (row - b * g.tilesY) - 1 + r
                return y >= 0 && y < h ? (b * h + y) * w : -1
            })
        let writing = OutputLayout(height: h, width: w, firstColumn: 0, plane: plane)
        run(
            g, reading: reading, gatherSource: gathers ? (src, plane) : nil, writing: writing, residual: residual, into: dst,
            scratch: scratch,
            tileRowsPerChunk: tileRowsPerChunk)
    }

    /// A stride-2 convolution's input read as this convolution's 4·C channels (the input's four phases,
    /// ``ShiftedConvolution/Method/phaseWinograd``) in place, for a band of output rows: channel
    /// (2·p + q)·C + c, row i, column j is input channel c's value at offset `row(p, i)` of its plane
    /// (phase p's row i), column 2·j + q − `padX` (0 outside the input), for i in 0..<outputRows + 2 and
    /// j in 0..<outputWidth + 2, and 0 elsewhere. Output (y, x) of the band reads rows y…y + 2 and columns x…x + 2 of those phases:
    /// the 3×3 convolution with column padding 1 and valid rows, whose output column x + 1 is the band's
    /// column x.
    struct PhaseInput {
        /// The stride-2 convolution's input channels (C).
        let channels: Int
        /// Values from one input channel's plane to the next, and input columns.
        let plane: Int, width: Int
        /// The stride-2 convolution's column padding.
        let padX: Int
        /// Output rows and columns of the band.
        let outputRows: Int, outputWidth: Int
        /// Offset within a channel's plane of phase p's row i (i < outputRows + 2), or nil where it reads as 0.
        let row: (_ phase: Int, _ i: Int) -> Int?
    }

    /// The tiles over `phases`: outputRows rows and outputWidth + 2 columns (padded by 1), the band's
    /// output column x at the tiles' column x + 1.
    private static func geometry(_ phases: PhaseInput) -> Geometry {
        Geometry(batch: 1, height: phases.outputRows, width: phases.outputWidth + 2, tile: 4)
    }

    /// This convolution over `phases`, read in place at `src`: `filters` planes of outputRows ×
    /// outputWidth written at `dst`, with ``scratchCount(_:tileRowsPerChunk:)`` values at `scratch`.
    /// Each value is computed by the same operations as when the phases are first copied into maps of
    /// outputRows + 2 rows and outputWidth + 2 columns and convolved with valid rows (tiles from the first
    /// row) and padded columns, and column x + 1 of that result is kept: the same bits.
    func run(
        _ src: UnsafePointer<Float>, phases: PhaseInput, into dst: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        tileRowsPerChunk: Int?
    ) {
        precondition(channels == 4 * phases.channels && tile == 4, "the phases of C channels are 4·C channels, F(4×4)")
        let g = Self.geometry(phases)
        guard g.tilesY > 0, phases.outputWidth > 0 else { return }
        let c = phases.channels
        let phaseRows = phases.outputRows + 2
        let reading = InputLayout(
            columnStride: 2, count: phases.outputWidth + 2, width: phases.width,
            channel: { k in
                let (phase, channel) = k.quotientAndRemainder(dividingBy: c)
                return (src + channel * phases.plane, phase / 2, phase % 2 - phases.padX)
            },
            rows: { [tile] p, row, r in
                let i = tile * row + r
                return i < phaseRows ? phases.row(p, i) ?? -1 : -1
            })
        let writing = OutputLayout(
            height: phases.outputRows, width: phases.outputWidth, firstColumn: 1, plane: phases.outputRows * phases.outputWidth)
        run(
            g, reading: reading, gatherSource: nil, writing: writing, residual: nil, into: dst, scratch: scratch,
            tileRowsPerChunk: tileRowsPerChunk)
    }

    /// How the input transform reads channel k: its rows from `channel(k).start` at the offsets
    /// `rows(channel(k).table, tile row, r)` (r < α; −1 reads as 0; the phases have one table per row
    /// phase p), column j of the padded map (after
    /// column −1) at `columnStride`·j + `channel(k).columnOffset` for j < `count`, 0 outside [0, `width`).
    private struct InputLayout {
        let columnStride: Int, count: Int, width: Int
        let channel: (Int) -> (start: UnsafePointer<Float>, table: Int, columnOffset: Int)
        let rows: (_ table: Int, _ tileRow: Int, _ r: Int) -> Int
    }

    /// Where the output transform writes: `height`×`width` maps, `plane` values apart per filter, each
    /// row from the tiles' column `firstColumn` on.
    private struct OutputLayout {
        let height: Int, width: Int, firstColumn: Int, plane: Int
    }

    /// The chunks of one call: the input transform (`gatherSource`: the AVX-512F gathers over maps at
    /// that address, `plane` values per channel), the α² products, the output transform.
    private func run(
        _ g: Geometry, reading: InputLayout, gatherSource: (start: UnsafePointer<Float>, plane: Int)?, writing: OutputLayout,
        residual: UnsafePointer<Float>?,
        into dst: UnsafeMutablePointer<Float>, scratch v: UnsafeMutablePointer<Float>, tileRowsPerChunk: Int?
    ) {
        let totalRows = g.batch * g.tilesY
        let rows = chunkRows(g, tileRowsPerChunk: tileRowsPerChunk)
        let chunk = rows * g.tilesX
        let positions = g.alpha * g.alpha
        let m = v + positions * channels * chunk
        let work = m + positions * filters * chunk
        var g0 = 0
        while g0 < totalRows {
            let g1 = min(totalRows, g0 + rows)
            let n = (g1 - g0) * g.tilesX
            if let gatherSource {
                fa_winograd_input_gather(
                    Int32(tile), gatherSource.start, gatherSource.plane, channels, g.height, g.width, g.tilesY, g.tilesX, g0, g1 - g0, v)
            } else {
                transformInput(reading, tileRows: g0..<g1, g, into: v, work: work)
            }
            for xi in 0..<positions {
                transformed[xi].product(n: n, b: v + xi * channels * n, ldb: n, c: m + xi * filters * n, ldc: n)
            }
            if gatherSource != nil {
                bias.withUnsafeBufferPointer {
                    fa_winograd_output_scatter(
                        Int32(tile), m, filters, g.height, g.width, g.tilesY, g.tilesX, g0, g1 - g0, $0.baseAddress!, relu ? 0 : -.infinity,
                        residual, dst, writing.plane)
                }
            } else {
                transformOutput(m, tileRows: g0..<g1, g, writing, residual: residual, into: dst, work: work)
            }
            g0 = g1
        }
    }

    /// Map and tile counts of one call.
    private struct Geometry {
        let batch: Int, height: Int, width: Int, tile: Int, tilesY: Int, tilesX: Int

        init(batch: Int, height: Int, width: Int, tile: Int) {
            self.batch = batch
            self.height = height
            self.width = width
            self.tile = tile
            tilesY = (height + tile - 1) / tile
            tilesX = (width + tile - 1) / tile
        }

        /// α = m + 2, the side of an input patch.
        var alpha: Int { tile + 2 }
        /// Length of a zero-padded row: column −1, the map, and zeros up to the last tile's reach.
        var padded: Int { tile * tilesX + 2 }
    }

    /// V_ξ[c][t] = (Bᵀ·d·B)_ξ for every tile t of the tile rows `tileRows` (row g = b·tilesY + ty), where d
    /// is the α×α patch of channel c that `reading` gives: one `fa_winograd_input` call per channel.
    private func transformInput(
        _ reading: InputLayout, tileRows: Range<Int>, _ g: Geometry, into v: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>
    ) {
        let n = tileRows.count * g.tilesX
        let alpha = g.alpha
        let zero = work + tileRows.count * alpha * g.padded
        zero.update(repeating: 0, count: reading.width)
        var tables: [[Int]] = []
        for c in 0..<channels {
            let (start, table, columnOffset) = reading.channel(c)
            while tables.count <= table {
                let t = tables.count
                tables.append(tileRows.flatMap { row in (0..<alpha).map { reading.rows(t, row, $0) } })
            }
            fa_winograd_input(
                VectorBuild.current, Int32(tile), Int32(reading.columnStride), start, tables[table], tileRows.count, columnOffset,
                reading.count, reading.width, g.tilesX, zero, work, v + c * n, channels * n)
        }
    }

    /// Y = Aᵀ·M·A + bias (+ residual), ReLU when asked, for each filter and every tile of `tileRows`,
    /// written where the m×m block lies inside the map `writing` describes: one `fa_winograd_output`
    /// call per filter.
    private func transformOutput(
        _ m: UnsafePointer<Float>, tileRows: Range<Int>, _ g: Geometry, _ writing: OutputLayout, residual: UnsafePointer<Float>?,
        into dst: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>
    ) {
        let n = tileRows.count * g.tilesX
        let (h, w) = (writing.height, writing.width)
        var offsets = [Int](repeating: 0, count: tileRows.count)
        var rows = offsets
        for (i, row) in tileRows.enumerated() {
            let b = row / g.tilesY
            let ty = row - b * g.tilesY
            offsets[i] = (b * h + tile * ty) * w
            rows[i] = min(tile, h - tile * ty)
        }
        let floor: Float = relu ? 0 : -.infinity
        for f in 0..<filters {
            fa_winograd_output(
                VectorBuild.current, Int32(tile), m + f * n, filters * n, tileRows.count, g.tilesX, work, bias[f], floor,
                residual.map { $0 + f * writing.plane }, dst + f * writing.plane, offsets, rows, writing.firstColumn, w)
        }
    }
}
