import FaceAuditGEMM
import FaceAuditTestSupport
import Testing

@testable import FaceAuditNN

@Suite("im2col through the tap table equals im2col row by row")
struct Im2colTests {
    typealias Pair = (height: Int, width: Int)

    /// Kernel, stride and padding of the descriptor's layers (3×3, stride 1 and 2, padding 1 and 0) and of
    /// the detector's (5×5 stride 2, 9×9 padded), a 7×7 stem, and two whose height and width differ in all
    /// three.
    static let shapes: [(kernel: Pair, stride: Pair, pad: Pair)] = [
        ((3, 3), (1, 1), (1, 1)), ((3, 3), (2, 2), (0, 0)), ((3, 3), (2, 2), (1, 1)), ((5, 5), (2, 2), (0, 0)),
        ((9, 9), (1, 1), (4, 4)), ((7, 7), (2, 2), (0, 0)), ((1, 1), (1, 1), (0, 0)), ((3, 5), (1, 2), (1, 2)),
        ((5, 3), (2, 1), (2, 0)),
    ]

    /// A layer of seeded weights and biases.
    static func layer(filters: Int, channels: Int, kernel: Pair, stride: Pair, pad: Pair, relu: Bool, seed: UInt64) -> Convolution {
        var random = SeededUniform(seed: seed)
        return Convolution(
            filters: filters, channels: channels, kernel: kernel, stride: (stride.height, stride.width), pad: (pad.height, pad.width),
            weights: (0..<(filters * channels * kernel.height * kernel.width)).map { _ in Float(random.next()) },
            bias: (0..<filters).map { _ in Float(random.next()) }, relu: relu)
    }

    static func input(channels: Int, batch: Int, height: Int, width: Int, seed: UInt64) -> Activations {
        var random = SeededUniform(seed: seed)
        return Activations(
            channels: channels, batch: batch, height: height, width: width,
            data: (0..<(channels * batch * height * width)).map { _ in Float(random.next()) })
    }

    /// How many entries of two matrices differ (all of them when the sizes differ).
    static func differing(_ a: [Float], _ b: [Float]) -> Int {
        a.count == b.count ? zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count : max(a.count, b.count)
    }

    @Test("every entry the same, batch 1 and 3, maps 2×1 to 18×17, row ranges and windows")
    func sameMatrix() {
        for (i, s) in Self.shapes.enumerated() {
            let conv = Self.layer(filters: 2, channels: 3, kernel: s.kernel, stride: s.stride, pad: s.pad, relu: false, seed: UInt64(i + 1))
            for batch in [1, 3] {
                for size in [1, 3, 4, 8, 9, 17]
                where size + 1 + 2 * s.pad.height >= s.kernel.height && size + 2 * s.pad.width >= s.kernel.width {
                    let x = Self.input(channels: 3, batch: batch, height: size + 1, width: size, seed: UInt64(100 * i + size))
                    let oh = conv.outputSize(height: x.height, width: x.width).height
                    for rows in [nil, 1..<(batch * oh)] as [Range<Int>?] {
                        let table = conv.im2colMatrix(x, rows: rows, byTable: true)
                        let byRow = conv.im2colMatrix(x, rows: rows, byTable: false)
                        #expect(table.count == byRow.count && !byRow.contains { $0.isNaN })
                        #expect(
                            Self.differing(table, byRow) == 0,
                            "shape \(i), batch \(batch), \(size + 1)×\(size), rows \(String(describing: rows))")
                    }
                    guard batch == 1, oh >= 3 else { continue }
                    let outputRows = 1..<(oh - 1)
                    let needed = conv.inputRows(for: outputRows, fullHeight: x.height)
                    var band = Activations(channels: 3, batch: 1, height: needed.count, width: x.width)
                    for c in 0..<3 {
                        for (r, y) in needed.enumerated() {
                            for ox in 0..<x.width {
                                band.data[(c * needed.count + r) * x.width + ox] = x.data[(c * x.height + y) * x.width + ox]
                            }
                        }
                    }
                    let window = Convolution.RowWindow(inputRows: needed, fullHeight: x.height, outputRows: outputRows)
                    #expect(
                        Self.differing(
                            conv.im2colMatrix(band, window: window, byTable: true), conv.im2colMatrix(band, window: window, byTable: false))
                            == 0,
                        "shape \(i), window \(outputRows) of \(size + 1)×\(size)")
                }
            }
        }
    }

    @Test("narrow maps at batch 3: the convolution equals its definition within 1e-5")
    func definition() {
        let conv = Self.layer(filters: 5, channels: 4, kernel: (3, 3), stride: (1, 1), pad: (1, 1), relu: true, seed: 9)
        let x = Self.input(channels: 4, batch: 3, height: 4, width: 4, seed: 10)
        #expect(conv.columnGeometry(x, window: nil).suitsTable)
        var found = Activations(channels: 0, batch: 0, height: 0, width: 0)
        var columns: [Float] = []
        conv.forward(x, into: &found, columns: &columns, chunk: 20)  // chunks of 5 rows: across samples
        for b in 0..<3 {
            var sample = Activations(channels: 4, batch: 1, height: 4, width: 4)
            for c in 0..<4 { for i in 0..<16 { sample.data[c * 16 + i] = x.data[(c * 3 + b) * 16 + i] } }
            for f in 0..<5 {
                for y in 0..<4 {
                    for ox in 0..<4 {
                        let expected = ShiftedConvolutionTests.direct(conv, sample, filter: f, y: y, x: ox)
                        #expect(abs(found.data[((f * 3 + b) * 4 + y) * 4 + ox] - expected) <= 1e-5)
                    }
                }
            }
        }
    }
}

/// Only with the own product kernels: on the BLAS there is no 1×1 form.
@Suite("A 1×1 map convolved by its centre tap", .enabled(if: BLAS.ownKernels, "products run on the BLAS, which has no 1×1 forms"))
struct CentreTapTests {
    @Test("the same bits as the whole kernel, 3×3, 5×5 and 3×5, batch 1, 2 and 5, with and without ReLU")
    func sameBits() throws {
        let cases: [(kernel: Im2colTests.Pair, pad: Im2colTests.Pair, relu: Bool, batch: Int)] = [
            ((3, 3), (1, 1), false, 1), ((3, 3), (1, 1), true, 5), ((5, 5), (2, 2), false, 5), ((5, 5), (2, 2), true, 1),
            ((3, 5), (1, 2), false, 2),
        ]
        for c in cases {
            let conv = Im2colTests.layer(filters: 7, channels: 300, kernel: c.kernel, stride: (1, 1), pad: c.pad, relu: c.relu, seed: 3)
            let centre = try #require(conv.centreTapForm())
            #expect(centre.kernelHeight == 1 && centre.kernelWidth == 1 && centre.padY == 0 && centre.padX == 0 && centre.channels == 300)
            let x = Im2colTests.input(channels: 300, batch: c.batch, height: 1, width: 1, seed: 4)
            var whole = Activations(channels: 0, batch: 0, height: 0, width: 0)
            var byCentre = whole
            var columns: [Float] = []
            conv.forward(x, into: &whole, columns: &columns)
            centre.forward(x, into: &byCentre, columns: &columns)
            #expect(whole.height == 1 && whole.width == 1 && byCentre.count == whole.count)
            #expect(Im2colTests.differing(whole.data, byCentre.data) == 0, "\(c.kernel), batch \(c.batch)")
        }
    }

    @Test("none for strides, other paddings and even kernels")
    func otherShapes() {
        let shapes: [(kernel: Im2colTests.Pair, stride: Im2colTests.Pair, pad: Im2colTests.Pair)] = [
            ((3, 3), (2, 2), (1, 1)), ((3, 3), (1, 1), (0, 0)), ((5, 5), (1, 1), (1, 1)), ((2, 2), (1, 1), (1, 1)),
            ((3, 5), (1, 1), (2, 1)), ((3, 3), (1, 2), (1, 1)), ((1, 1), (1, 1), (0, 0)),
        ]
        for s in shapes {
            let conv = Im2colTests.layer(filters: 2, channels: 3, kernel: s.kernel, stride: s.stride, pad: s.pad, relu: false, seed: 5)
            #expect((conv.centreTapForm() != nil) == (s.kernel == (1, 1)), "\(s.kernel) stride \(s.stride) pad \(s.pad)")
        }
    }
}
