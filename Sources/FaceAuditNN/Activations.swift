/// A batch of feature maps stored channel-major: `data[((c·batch + b)·height + y)·width + x]`.
///
/// With this layout a convolution over the whole batch is one matrix product whose columns are
/// (sample, row, column) positions, so several faces share one GEMM.
public struct Activations: Sendable {
    /// Channels.
    public var channels: Int
    /// Samples in the batch.
    public var batch: Int
    /// Rows.
    public var height: Int
    /// Columns.
    public var width: Int
    /// Values, `channels · batch · height · width` of them.
    public var data: [Float]

    /// Zero-filled activations.
    public init(channels: Int, batch: Int, height: Int, width: Int) {
        self.channels = channels
        self.batch = batch
        self.height = height
        self.width = width
        self.data = [Float](repeating: 0, count: channels * batch * height * width)
    }

    /// Wraps values.
    public init(channels: Int, batch: Int, height: Int, width: Int, data: [Float]) {
        precondition(data.count == channels * batch * height * width)
        self.channels = channels
        self.batch = batch
        self.height = height
        self.width = width
        self.data = data
    }

    /// Values per (channel, sample) plane.
    public var planeSize: Int { height * width }

    /// Reshapes in place, reusing the storage when it is large enough (no allocation once warm).
    public mutating func reshape(channels: Int, batch: Int, height: Int, width: Int) {
        self.channels = channels
        self.batch = batch
        self.height = height
        self.width = width
        let n = channels * batch * height * width
        if data.count < n {
            // One allocation and one copy: appending a generic sequence costs a call per element in debug builds.
            var grown = [Float](repeating: 0, count: n)
            grown.withUnsafeMutableBufferPointer { g in
                data.withUnsafeBufferPointer { d in
                    if let from = d.baseAddress { g.baseAddress!.update(from: from, count: d.count) }
                }
            }
            data = grown
        }
    }

    /// Number of meaningful values.
    public var count: Int { channels * batch * height * width }
}
