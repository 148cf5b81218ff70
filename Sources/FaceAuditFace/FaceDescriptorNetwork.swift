import FaceAuditDlibFormat
import FaceAuditImaging
import FaceAuditNN

/// dlib's ResNet face descriptor (`dlib_face_recognition_resnet_model_v1.dat`): a 150×150 aligned chip
/// in, a 128-D descriptor out. Same person when the Euclidean distance is below 0.6. Descriptors are
/// not normalised.
///
/// Several chips run as one batch (one GEMM per convolution). The object keeps its working buffers
/// between calls, so it is not thread-safe: use one per thread.
public final class FaceDescriptorNetwork {
    /// A 3×3 stride-1 convolution's Winograd forms: F(2×2, 3×3), built with the network, and F(4×4, 3×3),
    /// built the first time a batch uses it (``FaceDescriptorNetwork/largeTileMinimumTiles``): its
    /// transformed weights are 4× the kernel's. Built with the network, every layer's F(4×4) form took
    /// `faceaudit embed` of one photo from 378 to 521 MB peak, for single chips that use it only on the
    /// 32-channel layers. A form once built is kept: jittered descriptors (a batch of `num_jitters`
    /// copies) build the 128-channel layers' forms from 8 jitters, and every layer's from 32.
    struct WinogradForms {
        let convolution: Convolution
        let small: WinogradConvolution
        /// Whether the layer may use F(4×4) (at most `largeTileChannels` input channels).
        let allowsLarge: Bool

        /// Nil unless `convolution` has a Winograd form (3×3, stride 1, padding 1). `relu` overrides the
        /// convolution's own (a block's second convolution takes the residual add and the ReLU after it).
        init?(_ convolution: Convolution, allowsLarge: Bool, relu: Bool? = nil) {
            var convolution = convolution
            if let relu { convolution.relu = relu }
            guard let small = WinogradConvolution(convolution, tile: 2) else { return nil }
            self.convolution = convolution
            self.small = small
            self.allowsLarge = allowsLarge
        }

        /// The F(4×4) form.
        func large() -> WinogradConvolution { WinogradConvolution(convolution, tile: 4)! }
    }

    /// A residual block: two 3×3 convolutions, the first with ReLU; `down` blocks stride 2 and average-pool
    /// the shortcut.
    struct Block {
        let first: Convolution
        let second: Convolution
        let down: Bool
        /// `first` in Winograd form, when it has stride 1 (not in `down` blocks).
        let firstWinograd: WinogradForms?
        /// `second` in Winograd form. Outside `down` blocks the shortcut has the convolution's shape, so the
        /// residual add and the ReLU after it happen in its output pass (`relu` is set for that).
        let secondWinograd: WinogradForms?

        init(first: Convolution, second: Convolution, down: Bool, largeTileChannels: Int) {
            self.first = first
            self.second = second
            self.down = down
            firstWinograd = WinogradForms(first, allowsLarge: first.channels <= largeTileChannels)
            secondWinograd = WinogradForms(second, allowsLarge: second.channels <= largeTileChannels, relu: !down)
        }
    }

    /// The chip size the network expects.
    public let inputSize: Int
    let means: (Float, Float, Float)
    let stem: Convolution
    /// The stem as shifted-copy grouped products (``ShiftedConvolution``, row groups), one sample at a
    /// time: no im2col matrix, and the products read the shifted copies in place.
    let shiftedStem: ShiftedConvolution
    let stemPool: Pooling
    let blocks: [Block]
    let fcWeights: [Float]  // [256][128]
    let fcInputs: Int
    let fcOutputs: Int

    private var buffers = [Activations](repeating: Activations(channels: 0, batch: 0, height: 0, width: 0), count: 5)
    private var columns: [Float] = []
    /// One sample's stem input and output, for ``shiftedStem``.
    private var sample = (Activations(channels: 0, batch: 0, height: 0, width: 0), Activations(channels: 0, batch: 0, height: 0, width: 0))

    /// Whether the stem runs as ``shiftedStem`` (the default) or as im2col + one GEMM over the batch.
    public var stemShifted = true

    /// Loads the model file.
    public convenience init(contentsOf path: String) throws(ModelFormatError) {
        try self.init(try DlibNetwork(contentsOf: path), file: path)
    }

    /// Builds the network from a parsed file, checking it has the ResNet's shape. 3×3 stride-1 layers get
    /// a Winograd F(2×2, 3×3) form, and those with at most `largeTileChannels` input channels (by default
    /// all) an F(4×4, 3×3) form too; ``largeTileMinimumTiles`` says which a batch uses.
    public init(_ net: DlibNetwork, file: String, largeTileChannels: Int = .max) throws(ModelFormatError) {
        func fail(_ message: String) -> ModelFormatError { ModelFormatError(file: file, offset: 0, "not dlib's face ResNet: \(message)") }
        guard net.input.kind == "input_rgb_image_sized", let size = net.input.size, size.rows == size.cols else {
            throw fail("input is \(net.input.kind)")
        }
        inputSize = size.rows
        means = net.input.means
        var layers = net.layers[...]
        func conv(relu: Bool) throws(ModelFormatError) -> Convolution {
            guard case .convolution(let c) = layers.popFirst(), case .affine(let g, let b) = layers.popFirst() else {
                throw fail("expected convolution + affine")
            }
            if relu {
                guard case .relu = layers.popFirst() else { throw fail("expected relu") }
            }
            return Convolution(c, affine: (g, b), relu: relu)
        }
        stem = try conv(relu: true)
        shiftedStem = ShiftedConvolution(stem, method: .rowGroups)
        guard case .maxPool(let p) = layers.popFirst() else { throw fail("expected the stem max pool") }
        stemPool = Pooling(kind: .max, height: p.height, width: p.width, strideY: p.strideY, strideX: p.strideX, padY: p.padY, padX: p.padX)
        var blocks: [Block] = []
        while case .convolution = layers.first {
            let first = try conv(relu: true)
            let second = try conv(relu: false)
            var down = false
            if case .avgPool(let pool) = layers.first {
                guard pool.height == 2, pool.width == 2, pool.strideY == 2, pool.strideX == 2 else {
                    throw fail("unexpected shortcut pool")
                }
                layers.removeFirst()
                down = true
            }
            guard case .addPrevious = layers.popFirst(), case .relu = layers.popFirst() else { throw fail("expected add_prev + relu") }
            blocks.append(Block(first: first, second: second, down: down, largeTileChannels: largeTileChannels))
        }
        self.blocks = blocks
        guard case .avgPool(let global) = layers.popFirst(), global.height == 0, global.width == 0,
            case .fullyConnected(let inputs, let outputs, let weights, nil) = layers.popFirst(), layers.isEmpty
        else { throw fail("expected global average pool and fc without bias at the end") }
        fcInputs = inputs
        fcOutputs = outputs
        fcWeights = weights
    }

    /// Tiles (2×2 output blocks, counted over the whole batch) from which a 3×3 stride-1 convolution runs
    /// as Winograd rather than im2col + GEMM; `Int.max` turns Winograd off. Winograd's transformed weights
    /// are 16/9 of the kernel's, so with few tiles (deep layers at batch 1) reading them costs more than
    /// the multiplications saved. 1×1 maps always use im2col.
    public var winogradMinimumTiles = 16

    /// Tiles (4×4 output blocks over the whole batch) from which a layer with an F(4×4) form uses it
    /// instead of F(2×2); `Int.max` never does. F(4×4) needs 2.25 multiply-adds per output and channel
    /// pair against F(2×2)'s 4, but its transformed weights are 36/16 of F(2×2)'s, read once per batch.
    /// At 32 tiles the 256-channel 4×4 maps take F(4×4) at batch 32 (0.054 against 0.083 ms a face,
    /// `Benchmarks/Tools/DescriptorLayers`), and the 64-channel 17×17 maps keep F(2×2) at batch 1, where
    /// F(4×4) made the whole network 6 % slower.
    public var largeTileMinimumTiles = 32

    /// The F(4×4) forms built so far, by convolution (2·block, plus 1 for a block's second).
    private var largeForms: [Int: WinogradConvolution] = [:]

    /// The 1×1 forms (``FaceAuditNN/Convolution/centreTapForm()``) built so far, by convolution as
    /// `largeForms`; nil where a convolution has none. Built the first time a convolution sees a 1×1 map
    /// (at 150×150 chips only the last block's second does).
    private var centreForms: [Int: Convolution?] = [:]

    /// `convolution` (key as in ``winograd(_:key:for:)``) as im2col + products, on a 1×1 map as its 1×1
    /// form where it has one.
    private func byColumns(_ convolution: Convolution, key: Int, _ input: Activations, into output: inout Activations) {
        var chosen = convolution
        if input.height == 1, input.width == 1 {
            let form: Convolution?
            if let built = centreForms[key] {
                form = built
            } else {
                form = convolution.centreTapForm()
                centreForms[key] = .some(form)
            }
            if let form { chosen = form }
        }
        chosen.forward(input, into: &output, columns: &columns)
    }

    /// The Winograd form the convolution `key` (2·block, plus 1 for a block's second) runs `input` as, or
    /// nil for im2col: none below ``winogradMinimumTiles`` 2×2 tiles, then F(4×4) from
    /// ``largeTileMinimumTiles`` 4×4 tiles, else F(2×2).
    func winograd(_ forms: WinogradForms?, key: Int, for input: Activations) -> WinogradConvolution? {
        guard let forms, input.height * input.width > 1 else { return nil }
        func tiles(_ m: Int) -> Int { input.batch * ((input.height + m - 1) / m) * ((input.width + m - 1) / m) }
        guard tiles(2) >= winogradMinimumTiles else { return nil }
        if forms.allowsLarge, tiles(4) >= largeTileMinimumTiles {
            if let built = largeForms[key] { return built }
            let built = forms.large()
            largeForms[key] = built
            return built
        }
        return forms.small
    }

    /// The stem of every sample of `input` through ``shiftedStem``: each sample's planes copied out, convolved,
    /// and its output planes copied into place (a batch of one is convolved in place).
    private func stemForward(_ input: Activations, into output: inout Activations) {
        if input.batch == 1 {
            shiftedStem.forward(input, into: &output, workspace: &columns)
            return
        }
        let (batch, channels, area) = (input.batch, input.channels, input.height * input.width)
        let size = stem.outputSize(height: input.height, width: input.width)
        output.reshape(channels: stem.filters, batch: batch, height: size.height, width: size.width)
        let outArea = size.height * size.width
        sample.0.reshape(channels: channels, batch: 1, height: input.height, width: input.width)
        for b in 0..<batch {
            for c in 0..<channels {
                let from = (c * batch + b) * area
                sample.0.data.withUnsafeMutableBufferPointer { s in
                    input.data.withUnsafeBufferPointer { (s.baseAddress! + c * area).update(from: $0.baseAddress! + from, count: area) }
                }
            }
            shiftedStem.forward(sample.0, into: &sample.1, workspace: &columns)
            output.data.withUnsafeMutableBufferPointer { o in
                sample.1.data.withUnsafeBufferPointer { s in
                    for f in 0..<stem.filters {
                        (o.baseAddress! + (f * batch + b) * outArea).update(from: s.baseAddress! + f * outArea, count: outArea)
                    }
                }
            }
        }
    }

    /// The descriptors of `chips` (each `inputSize`×`inputSize`), computed as one batch.
    public func descriptors(_ chips: [RGBImage]) -> [[Float]] {
        guard !chips.isEmpty else { return [] }
        let batch = chips.count
        let s = inputSize
        // `buffers` is kept largest first (the blocks swap their buffers' roles): the largest holds the
        // stem's output, the next the input, so a warm call allocates nothing.
        var t1 = buffers[0]
        var x = buffers[1]
        var t2 = buffers[2]
        var skip = buffers[3]
        var out = buffers[4]
        // The locals must own their storage alone: while `buffers` still holds it, the first write to each
        // copied it (the stem's output is 21 MB at batch 32).
        buffers = []
        x.reshape(channels: 3, batch: batch, height: s, width: s)
        let m = [means.0, means.1, means.2]
        x.data.withUnsafeMutableBufferPointer { d in
            for (b, chip) in chips.enumerated() {
                precondition(chip.width == s && chip.height == s, "chips must be \(s)×\(s)")
                chip.pixels.withUnsafeBufferPointer { p in
                    for c in 0..<3 {
                        let plane = d.baseAddress! + (c * batch + b) * s * s
                        for i in 0..<(s * s) { plane[i] = (Float(p[3 * i + c]) - m[c]) / 256 }
                    }
                }
            }
        }
        if stemShifted {
            stemForward(x, into: &t1)
        } else {
            stem.forward(x, into: &t1, columns: &columns)
        }
        stemPool.forward(t1, into: &x)
        let shortcut = Pooling(kind: .average, height: 2, width: 2, strideY: 2, strideX: 2, padY: 0, padX: 0)
        for (index, block) in blocks.enumerated() {
            if let winograd = winograd(block.firstWinograd, key: 2 * index, for: x) {
                winograd.forward(x, into: &t1, scratch: &columns)
            } else {
                byColumns(block.first, key: 2 * index, x, into: &t1)
            }
            if block.down {
                if let winograd = winograd(block.secondWinograd, key: 2 * index + 1, for: t1) {
                    winograd.forward(t1, into: &t2, scratch: &columns)
                } else {
                    byColumns(block.second, key: 2 * index + 1, t1, into: &t2)
                }
                shortcut.forward(x, into: &skip)
                Elementwise.add(t2, skip, into: &out)
                Elementwise.relu(&out)
            } else if let winograd = winograd(block.secondWinograd, key: 2 * index + 1, for: t1) {
                winograd.forward(t1, adding: x, into: &out, scratch: &columns)
            } else {
                byColumns(block.second, key: 2 * index + 1, t1, into: &t2)
                Elementwise.add(t2, x, into: &out)
                Elementwise.relu(&out)
            }
            swap(&x, &out)
        }
        let global = Pooling(kind: .average, height: 0, width: 0, strideY: 1, strideX: 1, padY: 0, padX: 0)
        global.forward(x, into: &t1)  // fcInputs × batch
        precondition(t1.channels * t1.height * t1.width == fcInputs)
        var result = [Float](repeating: 0, count: batch * fcOutputs)
        t1.data.withUnsafeBufferPointer { input in
            fcWeights.withUnsafeBufferPointer { w in
                result.withUnsafeMutableBufferPointer { r in
                    // out(B × O) = inᵀ(B × C) · W(C × O); `input` is C × B.
                    BLASMatrix.multiplyTransposedA(
                        m: batch, n: fcOutputs, k: fcInputs, a: input.baseAddress!, lda: batch, b: w.baseAddress!, ldb: fcOutputs,
                        c: r.baseAddress!, ldc: fcOutputs)
                }
            }
        }
        buffers = [x, t1, t2, skip, out].sorted { $0.data.count > $1.data.count }
        return (0..<batch).map { Array(result[($0 * fcOutputs)..<(($0 + 1) * fcOutputs)]) }
    }
}
