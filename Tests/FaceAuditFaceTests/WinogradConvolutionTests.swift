import FaceAuditNN
import FaceAuditTestSupport
import Testing

@testable import FaceAuditDlibFormat

/// A 3×3, stride-1, pad-1 dlib convolution record with the given weights and bias.
private func layer(
    filters: Int, channels: Int, weights: [Float], bias: [Float], kernel: Int = 3, stride: Int = 1, pad: Int = 1
)
    -> DlibLayer.Convolution
{
    DlibLayer.Convolution(
        filters: filters, channels: channels, height: kernel, width: kernel, strideY: stride, strideX: stride, padY: pad, padX: pad,
        weights: weights, bias: bias)
}

/// The convolution computed directly from its definition, in `Double`: out[f][b][y][x] = bias[f] +
/// Σ_c Σ_ky Σ_kx w[f][c][ky][kx] · in[c][b][y + ky − 1][x + kx − 1], with zeros outside the map.
private func direct(_ input: Activations, weights: [Float], bias: [Float], filters: Int) -> [Double] {
    let (c, n, h, w) = (input.channels, input.batch, input.height, input.width)
    var out = [Double](repeating: 0, count: filters * n * h * w)
    for f in 0..<filters {
        for b in 0..<n {
            for y in 0..<h {
                for x in 0..<w {
                    var sum = Double(bias[f])
                    for ch in 0..<c {
                        for ky in 0..<3 {
                            for kx in 0..<3 {
                                let iy = y + ky - 1
                                let ix = x + kx - 1
                                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                sum +=
                                    Double(weights[((f * c + ch) * 3 + ky) * 3 + kx]) * Double(input.data[((ch * n + b) * h + iy) * w + ix])
                            }
                        }
                    }
                    out[((f * n + b) * h + y) * w + x] = sum
                }
            }
        }
    }
    return out
}

@Suite("Winograd F(2×2, 3×3) and F(4×4, 3×3) convolutions against im2col and the definition")
struct WinogradConvolutionTests {
    /// Map sizes from 1×1 to 9×9, odd and even, square and not (odd sizes leave half-used edge tiles), and
    /// rows of 33 to 70 columns, whose tile rows hold whole 16-tile vector blocks and a tail.
    static let shapes: [(height: Int, width: Int)] = [
        (1, 1), (1, 2), (2, 1), (2, 2), (3, 3), (4, 5), (5, 4), (6, 6), (7, 3), (8, 9), (9, 9), (2, 37), (5, 70), (3, 33),
    ]

    /// Random weights, bias and input in [−0.5, 0.5) for a convolution of `channels` → `filters`.
    static func random(
        filters: Int, channels: Int, batch: Int, height: Int, width: Int, seed: UInt64
    )
        -> (convolution: Convolution, weights: [Float], bias: [Float], input: Activations)
    {
        var u = SeededUniform(seed: seed)
        let weights = (0..<(filters * channels * 9)).map { _ in Float(u.next()) }
        let bias = (0..<filters).map { _ in Float(u.next()) }
        let data = (0..<(channels * batch * height * width)).map { _ in Float(u.next()) }
        let input = Activations(channels: channels, batch: batch, height: height, width: width, data: data)
        return (Convolution(layer(filters: filters, channels: channels, weights: weights, bias: bias)), weights, bias, input)
    }

    /// Every output within 2e-6 (F(2×2)) or 2e-5 (F(4×4)) of im2col + GEMM and of the float64 definition.
    /// Inputs and weights lie in [−0.5, 0.5), so with 7 channels an output sums 63 products of magnitude
    /// below 0.25 (absolute sum below 16); 2e-6 is about 16 float ulps at that scale. Measured maxima: 7e-7
    /// for F(2×2), 7e-6 for F(4×4).
    @Test("random data, batch 1 and 3, 7 channels → 5 filters, maps 1×1 to 9×9", arguments: [1, 3], [2, 4])
    func againstIm2col(batch: Int, tile: Int) throws {
        for (index, shape) in Self.shapes.enumerated() {
            let r = Self.random(filters: 5, channels: 7, batch: batch, height: shape.height, width: shape.width, seed: UInt64(100 + index))
            let winograd = try #require(WinogradConvolution(r.convolution, tile: tile))
            var expected = Activations(channels: 0, batch: 0, height: 0, width: 0)
            var columns: [Float] = []
            r.convolution.forward(r.input, into: &expected, columns: &columns)
            var got = Activations(channels: 0, batch: 0, height: 0, width: 0)
            var scratch: [Float] = []
            winograd.forward(r.input, into: &got, scratch: &scratch)
            #expect((got.channels, got.batch, got.height, got.width) == (5, batch, shape.height, shape.width))
            let reference = direct(r.input, weights: r.weights, bias: r.bias, filters: 5)
            let count = expected.count
            let vsIm2col = (0..<count).map { abs(got.data[$0] - expected.data[$0]) }.max()!
            let vsDefinition = (0..<count).map { abs(Double(got.data[$0]) - reference[$0]) }.max()!
            let tolerance = tile == 2 ? 2e-6 : 2e-5
            #expect(vsIm2col <= Float(tolerance), "\(shape) batch \(batch) F(\(tile)): max |Winograd − im2col| \(vsIm2col)")
            #expect(vsDefinition <= tolerance, "\(shape) batch \(batch) F(\(tile)): max |Winograd − definition| \(vsDefinition)")
        }
    }

    /// Chunks of 1, 2 and 4 tile rows (of 5 or 3 per image) split images; the result must not depend on the split.
    @Test("chunk boundaries inside images give the same outputs", arguments: [1, 2, 4], [2, 4])
    func chunks(tileRowsPerChunk: Int, tile: Int) throws {
        let r = Self.random(filters: 4, channels: 3, batch: 2, height: 9, width: 7, seed: 7)
        let winograd = try #require(WinogradConvolution(r.convolution, tile: tile))
        var whole = Activations(channels: 0, batch: 0, height: 0, width: 0)
        var split = Activations(channels: 0, batch: 0, height: 0, width: 0)
        var scratch: [Float] = []
        winograd.forward(r.input, into: &whole, scratch: &scratch)
        winograd.forward(r.input, into: &split, scratch: &scratch, tileRowsPerChunk: tileRowsPerChunk)
        let worst = (0..<whole.count).map { abs(whole.data[$0] - split.data[$0]) }.max()!
        #expect(worst <= 1e-6, "max |whole − chunked| \(worst)")
    }

    /// The transforms taken 16 tiles at a time across rows of tiles (gathers and scatters, AVX-512F), here
    /// on maps of any width, give the bits of the row-at-a-time transforms: every shape above and the descriptor's 35, 17, 8 and 4
    /// maps, batch 1 and 3 (so 16-tile groups straddle tile rows and samples), chunks of 1, 2 and all
    /// tile rows, with and without a residual, ReLU floor or none. Where the CPU lacks AVX-512F both run
    /// the row-at-a-time code and the test checks nothing new.
    @Test("16 tiles at a time give the row-at-a-time bits", arguments: [2, 4])
    func gatheredBits(tile: Int) throws {
        let shapes = Self.shapes + [(35, 35), (17, 17), (8, 8), (4, 4), (1, 40)]
        var checked = 0
        for (index, shape) in shapes.enumerated() {
            for batch in [1, 3] {
                let r = Self.random(
                    filters: 5, channels: 7, batch: batch, height: shape.height, width: shape.width, seed: UInt64(300 + index))
                let skip = Self.random(
                    filters: 1, channels: 5, batch: batch, height: shape.height, width: shape.width, seed: UInt64(400 + index))
                for chunk in [1, 2, nil] as [Int?] {
                    for (relu, residual) in [(false, false), (true, false), (true, true), (false, true)] {
                        var results: [[UInt32]] = []
                        for gathers in [0, Int.max] {
                            var winograd = try #require(WinogradConvolution(r.convolution, tile: tile))
                            winograd.relu = relu
                            winograd.gatherMaximumTilesPerRow = gathers
                            var out = Activations(channels: 0, batch: 0, height: 0, width: 0)
                            var scratch: [Float] = []
                            winograd.forward(
                                r.input, adding: residual ? skip.input : nil, into: &out, scratch: &scratch, tileRowsPerChunk: chunk)
                            results.append(out.data.prefix(out.count).map(\.bitPattern))
                        }
                        let same = results[0] == results[1]  // a Bool: Swift Testing would diff the arrays
                        #expect(
                            same,
                            "\(shape) batch \(batch) F(\(tile)) chunk \(chunk.map(String.init) ?? "all") relu \(relu) residual \(residual)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == 19 * 2 * 3 * 4)
    }

    /// The fused residual pass equals im2col, `Elementwise.add` and `Elementwise.relu` in turn.
    @Test("residual add and ReLU in the output pass", arguments: [2, 4])
    func residual(tile: Int) throws {
        let r = Self.random(filters: 6, channels: 6, batch: 2, height: 9, width: 8, seed: 11)
        let skip = Self.random(filters: 1, channels: 6, batch: 2, height: 9, width: 8, seed: 12).input
        var fused = try #require(WinogradConvolution(r.convolution, tile: tile))
        fused.relu = true
        var got = Activations(channels: 0, batch: 0, height: 0, width: 0)
        var scratch: [Float] = []
        fused.forward(r.input, adding: skip, into: &got, scratch: &scratch)
        var conv = Activations(channels: 0, batch: 0, height: 0, width: 0)
        var expected = Activations(channels: 0, batch: 0, height: 0, width: 0)
        var columns: [Float] = []
        r.convolution.forward(r.input, into: &conv, columns: &columns)
        Elementwise.add(conv, skip, into: &expected)
        Elementwise.relu(&expected)
        let worst = (0..<expected.count).map { abs(got.data[$0] - expected.data[$0]) }.max()!
        #expect(worst <= (tile == 2 ? 2e-6 : 2e-5), "F(\(tile)): max |fused − separate| \(worst)")
        #expect(got.data.prefix(got.count).contains(0) && got.data.prefix(got.count).allSatisfy { $0 >= 0 })
    }

    /// Small integers make every step exact: U = G·g·Gᵀ holds multiples of 1/4 (G halves twice), V = Bᵀ·d·B
    /// integers, and every product, GEMM partial sum and output-transform sum a multiple of 1/4 below
    /// 2¹³ in magnitude (|d| ≤ 4, |g| ≤ 3, 8 channels: |V| ≤ 16, |U| ≤ 27/4, a channel sum ≤ 864, the nine
    /// terms of an output ≤ 7776), all representable in a float's 24-bit significand. So the result must
    /// equal the integer convolution exactly, whatever order the GEMM adds in.
    @Test("integer data: exactly the integer convolution")
    func exactOnIntegers() throws {
        let (filters, channels, batch, h, w) = (5, 8, 2, 7, 6)
        var u = SeededUniform(seed: 3)
        let weights = (0..<(filters * channels * 9)).map { _ in Float((u.next() * 6).rounded()) }  // −3…3
        let bias = (0..<filters).map { _ in Float((u.next() * 8).rounded()) }  // −4…4
        let data = (0..<(channels * batch * h * w)).map { _ in Float((u.next() * 8).rounded()) }  // −4…4
        let input = Activations(channels: channels, batch: batch, height: h, width: w, data: data)
        let convolution = Convolution(layer(filters: filters, channels: channels, weights: weights, bias: bias))
        let winograd = try #require(WinogradConvolution(convolution))
        var got = Activations(channels: 0, batch: 0, height: 0, width: 0)
        var scratch: [Float] = []
        winograd.forward(input, into: &got, scratch: &scratch)
        let reference = direct(input, weights: weights, bias: bias, filters: filters)
        #expect(weights.contains(-3) && weights.contains(3) && data.contains(-4) && data.contains(4))
        #expect(reference.allSatisfy { $0 == $0.rounded() })
        #expect((0..<reference.count).allSatisfy { Double(got.data[$0]) == reference[$0] })
    }

    /// Only 3×3, stride 1, padding 1 has a Winograd form here.
    @Test("other shapes are refused")
    func refusesOtherShapes() {
        let w = [Float](repeating: 1, count: 9)
        #expect(WinogradConvolution(Convolution(layer(filters: 1, channels: 1, weights: w, bias: [0]))) != nil)
        #expect(WinogradConvolution(Convolution(layer(filters: 1, channels: 1, weights: w, bias: [0], stride: 2))) == nil)
        #expect(WinogradConvolution(Convolution(layer(filters: 1, channels: 1, weights: w, bias: [0], pad: 0))) == nil)
        let big = [Float](repeating: 1, count: 49)
        #expect(WinogradConvolution(Convolution(layer(filters: 1, channels: 1, weights: big, bias: [0], kernel: 7, pad: 3))) == nil)
    }
}
