import FaceAuditTestSupport
import Testing

@testable import FaceAuditDlibFormat
@testable import FaceAuditNN

@Suite("im2col through the tap table equals im2col row by row")
struct Im2colTests {
    /// Kernel, stride and padding of the descriptor's layers (3×3, stride 1 and 2, padding 1 and 0) and of
    /// the detector's (5×5 stride 2, 9×9 padded), and a 7×7 stem.
    static let shapes: [(kernel: Int, stride: Int, pad: Int)] = [
        (3, 1, 1), (3, 2, 0), (3, 2, 1), (5, 2, 0), (9, 1, 4), (7, 2, 0), (1, 1, 0),
    ]

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

    @Test("every entry the same, batch 1 and 3, maps 1×1 to 17×17, row ranges and windows")
    func sameMatrix() {
        for (i, s) in Self.shapes.enumerated() {
            let conv = ShiftedConvolutionTests.layer(
                filters: 2, channels: 3, kernel: s.kernel, stride: s.stride, pad: s.pad, relu: false, seed: UInt64(i + 1))
            for batch in [1, 3] {
                for size in [1, 3, 4, 8, 9, 17] where size + 2 * s.pad >= s.kernel {
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
        let conv = ShiftedConvolutionTests.layer(filters: 5, channels: 4, kernel: 3, stride: 1, pad: 1, relu: true, seed: 9)
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

@Suite("A 1×1 map convolved by its centre tap")
struct CentreTapTests {
    @Test("the same bits as the whole kernel, 3×3 and 5×5, batch 1 and 5, with and without ReLU")
    func sameBits() throws {
        for (kernel, pad, relu, batch) in [(3, 1, false, 1), (3, 1, true, 5), (5, 2, false, 5), (5, 2, true, 1)] {
            let conv = ShiftedConvolutionTests.layer(filters: 7, channels: 300, kernel: kernel, stride: 1, pad: pad, relu: relu, seed: 3)
            let centre = try #require(conv.centreTap)
            #expect(centre.kernelHeight == 1 && centre.kernelWidth == 1 && centre.padY == 0 && centre.channels == 300)
            let x = Im2colTests.input(channels: 300, batch: batch, height: 1, width: 1, seed: 4)
            var whole = Activations(channels: 0, batch: 0, height: 0, width: 0)
            var byCentre = whole
            var columns: [Float] = []
            conv.forward(x, into: &whole, columns: &columns)
            centre.forward(x, into: &byCentre, columns: &columns)
            #expect(whole.height == 1 && whole.width == 1 && byCentre.count == whole.count)
            #expect(Im2colTests.differing(whole.data, byCentre.data) == 0, "\(kernel)×\(kernel), batch \(batch)")
        }
    }

    @Test("none for strides, other paddings and even kernels")
    func otherShapes() {
        for (kernel, stride, pad) in [(3, 2, 1), (3, 1, 0), (5, 1, 1), (2, 1, 1), (1, 1, 0)] {
            let conv = ShiftedConvolutionTests.layer(
                filters: 2, channels: 3, kernel: kernel, stride: stride, pad: pad, relu: false, seed: 5)
            #expect((conv.centreTap != nil) == (kernel == 1), "\(kernel)×\(kernel) stride \(stride) pad \(pad)")
        }
    }
}
