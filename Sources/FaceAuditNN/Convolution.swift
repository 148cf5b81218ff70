import FaceAuditDlibFormat

/// A 2-D convolution (cross-correlation) with its per-channel affine folded in, computed as im2col and
/// one `cblas_sgemm` per column chunk: out(F × N) = W(F × K) · cols(K × N), N = batch · output positions.
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

    /// Builds from a dlib record, folding `affine` (γ, β) into weights and bias when given.
    public init(_ layer: DlibLayer.Convolution, affine: (gamma: [Float], beta: [Float])? = nil, relu: Bool = false) {
        filters = layer.filters
        channels = layer.channels
        kernelHeight = layer.height
        kernelWidth = layer.width
        strideY = layer.strideY
        strideX = layer.strideX
        padY = layer.padY
        padX = layer.padX
        self.relu = relu
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
        weights = w
        bias = b
    }

    /// Output size for an input size.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        (1 + (height + 2 * padY - kernelHeight) / strideY, 1 + (width + 2 * padX - kernelWidth) / strideX)
    }

    /// Runs the convolution; `columns` is a reusable im2col buffer, `chunk` the most output positions per GEMM.
    public func forward(_ input: Activations, into output: inout Activations, columns: inout [Float], chunk: Int = 1 << 15) {
        precondition(input.channels == channels, "convolution expects \(channels) channels, got \(input.channels)")
        let (oh, ow) = outputSize(height: input.height, width: input.width)
        output.reshape(channels: filters, batch: input.batch, height: oh, width: ow)
        let k = channels * kernelHeight * kernelWidth
        let n = input.batch * oh * ow
        let step = max(1, min(n, chunk))
        if columns.count < k * step { columns = [Float](repeating: 0, count: k * step) }
        let ih = input.height
        let iw = input.width
        let batch = input.batch
        input.data.withUnsafeBufferPointer { src in
            output.data.withUnsafeMutableBufferPointer { dst in
                columns.withUnsafeMutableBufferPointer { cols in
                    weights.withUnsafeBufferPointer { w in
                        var start = 0
                        while start < n {
                            let width = min(step, n - start)
                            // im2col for output positions start ..< start + width.
                            for c in 0..<channels {
                                for ky in 0..<kernelHeight {
                                    for kx in 0..<kernelWidth {
                                        let row = (c * kernelHeight + ky) * kernelWidth + kx
                                        let target = cols.baseAddress! + row * width
                                        var position = start
                                        var j = 0
                                        while j < width {
                                            let b = position / (oh * ow)
                                            let rest = position - b * oh * ow
                                            let oy = rest / ow
                                            var ox = rest - oy * ow
                                            let y = oy * strideY - padY + ky
                                            let plane = src.baseAddress! + ((c * batch + b) * ih) * iw
                                            // Run along this output row as far as the chunk allows.
                                            let run = min(ow - ox, width - j)
                                            if y < 0 || y >= ih {
                                                for t in 0..<run { target[j + t] = 0 }
                                            } else {
                                                let line = plane + y * iw
                                                for t in 0..<run {
                                                    let x = ox * strideX - padX + kx
                                                    target[j + t] = (x >= 0 && x < iw) ? line[x] : 0
                                                    ox += 1
                                                }
                                            }
                                            j += run
                                            position += run
                                        }
                                    }
                                }
                            }
                            // Output columns for this chunk, per filter row: bias, then += W · cols.
                            for f in 0..<filters {
                                let row = dst.baseAddress! + f * n + start
                                let value = bias[f]
                                for t in 0..<width { row[t] = value }
                            }
                            BLAS.gemm(
                                m: filters, n: width, k: k, a: w.baseAddress!, lda: k, b: cols.baseAddress!, ldb: width, beta: 1,
                                c: dst.baseAddress! + start, ldc: n)
                            start += width
                        }
                        if relu {
                            for i in 0..<(filters * n) where dst[i] < 0 { dst[i] = 0 }
                        }
                    }
                }
            }
        }
    }
}
