import CNNKernels
import FaceAuditGEMM

/// Max and average pooling with dlib's window placement: the window of output (r, c) is centred at
/// (c·s + w/2 − p, r·s + h/2 − p) and clipped to the input, so padding never counts towards a mean.
public struct Pooling: Sendable {
    /// The reduction.
    public enum Kind: Sendable { case max, average }

    /// Max or average.
    public let kind: Kind
    /// Window (0: the whole input, "pool everything").
    public let height: Int, width: Int
    /// Strides.
    public let strideY: Int, strideX: Int
    /// Padding.
    public let padY: Int, padX: Int

    /// Creates a pooling layer.
    public init(kind: Kind, height: Int, width: Int, strideY: Int, strideX: Int, padY: Int, padX: Int) {
        self.kind = kind
        self.height = height
        self.width = width
        self.strideY = strideY
        self.strideX = strideX
        self.padY = padY
        self.padX = padX
    }

    /// Pools `input` into `output`. Max keeps `max(m, v)` from −∞ over the window row by row, left to
    /// right; average adds in the same order from 0 and divides by the cells inside the input
    /// (`fa_pool_row`).
    public func forward(_ input: Activations, into output: inout Activations) {
        let wh = height == 0 ? input.height : height
        let ww = width == 0 ? input.width : width
        let sy = height == 0 ? 1 : strideY
        let sx = width == 0 ? 1 : strideX
        let py = height == 0 ? 0 : padY
        let px = width == 0 ? 0 : padX
        let oh = 1 + (input.height + 2 * py - wh) / sy
        let ow = 1 + (input.width + 2 * px - ww) / sx
        output.reshape(channels: input.channels, batch: input.batch, height: oh, width: ow)
        let ih = input.height
        let iw = input.width
        let average: Int32 = kind == .average ? 1 : 0
        input.data.withUnsafeBufferPointer { src in
            output.data.withUnsafeMutableBufferPointer { dst in
                for plane in 0..<(input.channels * input.batch) {
                    let s = src.baseAddress! + plane * ih * iw
                    let d = dst.baseAddress! + plane * oh * ow
                    for r in 0..<oh {
                        let top = max(0, r * sy + wh / 2 - py - wh / 2)
                        let bottom = min(ih - 1, r * sy + wh / 2 - py - wh / 2 + wh - 1)
                        fa_pool_row(VectorBuild.current, average, s, iw, top, bottom, ww, sx, px, d + r * ow, ow)
                    }
                }
            }
        }
    }
}
