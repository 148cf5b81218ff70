/// Element-wise operations of residual networks.
public enum Elementwise {
    /// max(x, 0) in place.
    public static func relu(_ a: inout Activations) {
        let n = a.count
        a.data.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { p[i] = max(p[i], 0) }  // branch-free, vectorises
        }
    }

    /// dlib's zero-padded add: the output has the larger of each dimension; both operands are aligned at
    /// index 0 and read as 0 where they do not reach.
    public static func add(_ a: Activations, _ b: Activations, into out: inout Activations) {
        precondition(a.batch == b.batch)
        let c = max(a.channels, b.channels)
        let h = max(a.height, b.height)
        let w = max(a.width, b.width)
        out.reshape(channels: c, batch: a.batch, height: h, width: w)
        if a.channels == b.channels && a.height == b.height && a.width == b.width {
            let total = a.count
            out.data.withUnsafeMutableBufferPointer { o in
                a.data.withUnsafeBufferPointer { x in
                    b.data.withUnsafeBufferPointer { y in
                        for i in 0..<total { o[i] = x[i] + y[i] }
                    }
                }
            }
            return
        }
        let batch = a.batch
        let total = out.count
        out.data.withUnsafeMutableBufferPointer { o in
            for i in 0..<total { o[i] = 0 }
            for source in [a, b] {
                source.data.withUnsafeBufferPointer { s in
                    for ch in 0..<source.channels {
                        for n in 0..<batch {
                            for y in 0..<source.height {
                                let from = ((ch * batch + n) * source.height + y) * source.width
                                let to = ((ch * batch + n) * h + y) * w
                                for x in 0..<source.width { o[to + x] += s[from + x] }
                            }
                        }
                    }
                }
            }
        }
    }
}
