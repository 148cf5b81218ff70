import FaceAuditNN
import FaceAuditTestSupport
import Testing

@testable import FaceAuditDlibFormat

@Suite("Shifted convolutions equal the im2col convolution")
struct ShiftedConvolutionTests {
    /// A layer of random weights and biases.
    static func layer(filters: Int, channels: Int, kernel: Int, stride: Int, pad: Int, relu: Bool, seed: UInt64) -> Convolution {
        var random = SeededUniform(seed: seed)
        let weights = (0..<(filters * channels * kernel * kernel)).map { _ in Float(random.next()) }
        let bias = (0..<filters).map { _ in Float(random.next()) }
        let record = DlibLayer.Convolution(
            filters: filters, channels: channels, height: kernel, width: kernel, strideY: stride, strideX: stride, padY: pad, padX: pad,
            weights: weights, bias: bias)
        return Convolution(record, relu: relu)
    }

    static func input(channels: Int, height: Int, width: Int, seed: UInt64) -> Activations {
        var random = SeededUniform(seed: seed)
        return Activations(
            channels: channels, batch: 1, height: height, width: width,
            data: (0..<(channels * height * width)).map { _ in Float(random.next()) })
    }

    /// The cross-correlation by its definition, for one output value.
    static func direct(_ conv: Convolution, _ x: Activations, filter: Int, y: Int, x ox: Int) -> Float {
        var sum = conv.bias[filter]
        for c in 0..<conv.channels {
            for ky in 0..<conv.kernelHeight {
                for kx in 0..<conv.kernelWidth {
                    let iy = y * conv.strideY - conv.padY + ky
                    let ix = ox * conv.strideX - conv.padX + kx
                    guard iy >= 0, iy < x.height, ix >= 0, ix < x.width else { continue }
                    let w = conv.weights[((filter * conv.channels + c) * conv.kernelHeight + ky) * conv.kernelWidth + kx]
                    sum += w * x.data[(c * x.height + iy) * x.width + ix]
                }
            }
        }
        return conv.relu ? max(sum, 0) : sum
    }

    /// The MMOD detector's layer shapes, small: 5×5 at stride 2 without padding, 5×5 and 9×9 at stride 1
    /// with padding, one filter, few channels; input sizes that leave ragged edges. Also padded stride-2
    /// and 3×3 kernels, which the detector does not have, and 6×6 and 3×3 kernels at stride 2 (phase
    /// kernels of 3×3 taps each, and of 2×2, 2×1, 1×2 and 1×1).
    static let shapes: [(filters: Int, channels: Int, kernel: Int, stride: Int, pad: Int, relu: Bool)] = [
        (4, 3, 5, 2, 0, true), (5, 6, 5, 2, 0, false), (6, 5, 5, 1, 2, true), (1, 7, 9, 1, 4, false), (3, 2, 3, 1, 1, true),
        (2, 3, 3, 3, 1, false), (4, 3, 5, 1, 0, false), (3, 4, 5, 1, 1, true), (3, 2, 5, 2, 2, true), (2, 3, 5, 2, 1, false),
        (3, 2, 6, 2, 1, true), (2, 3, 3, 2, 0, false),
    ]

    /// Shape `i` with seeded weights and input, and the im2col convolution's output on the whole map.
    static func example(_ i: Int, seed: UInt64, height: Int, width: Int) -> (conv: Convolution, x: Activations, whole: Activations) {
        let s = shapes[i]
        let conv = layer(filters: s.filters, channels: s.channels, kernel: s.kernel, stride: s.stride, pad: s.pad, relu: s.relu, seed: seed)
        let x = input(channels: s.channels, height: height, width: width, seed: seed + 100)
        var whole = Activations(channels: 0, batch: 0, height: 0, width: 0)
        var columns: [Float] = []
        conv.forward(x, into: &whole, columns: &columns)
        return (conv, x, whole)
    }

    /// The methods that apply to a layer.
    static func methods(_ conv: Convolution) -> [ShiftedConvolution.Method] {
        ShiftedConvolution.Method.allCases.filter {
            switch $0 {
            case .rowGroups, .fullColumns: true
            case .kernelProducts: conv.strideX == 1
            case .winogradRows, .winograd4Rows: conv.strideX == 1 && conv.kernelWidth == 5
            case .phaseWinograd: conv.strideX == 2 && conv.kernelWidth <= 6 && conv.kernelHeight <= 6
            }
        }
    }

    /// How far a method's outputs may lie from im2col's: 1e-5, and 2e-5 for phaseWinograd, whose
    /// F(4×4, 3×3) transforms scale by up to 8 and 1/24 (``WinogradConvolution``'s own tests allow F(4×4)
    /// the same 2e-5).
    static func tolerance(_ method: ShiftedConvolution.Method) -> Float { method == .phaseWinograd ? 2e-5 : 1e-5 }

    /// A shifted convolution's output, from fresh buffers.
    static func shifted(
        _ conv: Convolution, _ method: ShiftedConvolution.Method, _ x: Activations, window: Convolution.RowWindow? = nil, chunk: Int?
    ) -> Activations {
        var found = Activations(channels: 0, batch: 0, height: 0, width: 0)
        var workspace: [Float] = []
        ShiftedConvolution(conv, method: method).forward(x, into: &found, workspace: &workspace, window: window, chunkFloats: chunk)
        return found
    }

    @Test("every method, whole maps and small chunks: equal to im2col within 1e-5 (phases 2e-5), and to the definition")
    func wholeMaps() {
        for i in Self.shapes.indices {
            let (conv, x, expected) = Self.example(i, seed: UInt64(i + 1), height: 23, width: 26)
            let size = conv.outputSize(height: x.height, width: x.width)
            // The im2col reference itself against the definition.
            for f in 0..<conv.filters {
                for y in 0..<size.height {
                    for ox in 0..<size.width {
                        let value = expected.data[(f * size.height + y) * size.width + ox]
                        #expect(abs(value - Self.direct(conv, x, filter: f, y: y, x: ox)) <= 1e-5)
                    }
                }
            }
            for method in Self.methods(conv) {
                for chunk in [nil, 1, 700] as [Int?] {
                    let found = Self.shifted(conv, method, x, chunk: chunk)
                    #expect(found.channels == conv.filters && found.height == size.height && found.width == size.width)
                    let n = expected.count
                    let worst = zip(found.data.prefix(n), expected.data.prefix(n)).map { abs($0 - $1) }.max() ?? 0
                    #expect(worst <= Self.tolerance(method), "shape \(i) \(method) chunk \(String(describing: chunk)): differs by \(worst)")
                }
            }
        }
    }

    @Test("row windows: a band of input rows gives the whole map's output rows, zero padding only at the map's edges")
    func windows() {
        for i in Self.shapes.indices {
            let (conv, x, whole) = Self.example(i, seed: UInt64(i + 7), height: 31, width: 19)
            let size = conv.outputSize(height: x.height, width: x.width)
            for rows in [0..<size.height, 0..<2, 1..<(size.height - 1), (size.height - 2)..<size.height] {
                let needed = conv.inputRows(for: rows, fullHeight: x.height)
                var band = Activations(channels: x.channels, batch: 1, height: needed.count, width: x.width)
                for c in 0..<x.channels {
                    for (r, y) in needed.enumerated() {
                        for ox in 0..<x.width {
                            band.data[(c * needed.count + r) * x.width + ox] = x.data[(c * x.height + y) * x.width + ox]
                        }
                    }
                }
                let window = Convolution.RowWindow(inputRows: needed, fullHeight: x.height, outputRows: rows)
                for method in Self.methods(conv) {
                    let found = Self.shifted(conv, method, band, window: window, chunk: 1)
                    #expect(found.height == rows.count && found.width == size.width)
                    var worst: Float = 0
                    for f in 0..<conv.filters {
                        for (r, y) in rows.enumerated() {
                            for ox in 0..<size.width {
                                let a = found.data[(f * rows.count + r) * size.width + ox]
                                worst = max(worst, abs(a - whole.data[(f * size.height + y) * size.width + ox]))
                            }
                        }
                    }
                    #expect(worst <= Self.tolerance(method), "shape \(i) \(method) rows \(rows): differs by \(worst)")
                }
            }
        }
    }

    @Test("default methods: stride 1: kernel products for one filter, F(4,5) rows 5 wide; stride 2 4×4 to 6×6: phases; else row groups")
    func defaults() {
        let one = Self.layer(filters: 1, channels: 45, kernel: 9, stride: 1, pad: 4, relu: false, seed: 1)
        let few = Self.layer(filters: 16, channels: 3, kernel: 5, stride: 2, pad: 0, relu: true, seed: 2)
        let many = Self.layer(filters: 45, channels: 32, kernel: 5, stride: 1, pad: 2, relu: true, seed: 3)
        let strided = Self.layer(filters: 1, channels: 45, kernel: 5, stride: 2, pad: 0, relu: false, seed: 4)
        let wide = Self.layer(filters: 4, channels: 8, kernel: 7, stride: 2, pad: 0, relu: false, seed: 5)
        let small = Self.layer(filters: 4, channels: 8, kernel: 3, stride: 2, pad: 1, relu: false, seed: 6)
        #expect(ShiftedConvolution(one).method == .kernelProducts)
        #expect(ShiftedConvolution(few).method == .phaseWinograd)
        #expect(ShiftedConvolution(many).method == .winograd4Rows)
        #expect(ShiftedConvolution(strided).method == .phaseWinograd)
        #expect(ShiftedConvolution(wide).method == .rowGroups)
        #expect(ShiftedConvolution(small).method == .rowGroups)
    }
}
