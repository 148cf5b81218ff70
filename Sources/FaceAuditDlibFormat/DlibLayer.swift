/// One computational layer as a dlib DNN file stores it.
public enum DlibLayer: Sendable {
    /// Convolution: filters [nf][k][kh][kw] and a bias per filter.
    case convolution(Convolution)
    /// Per-channel y = γ·x + β (a `bn_con2` record is folded into this at load time).
    case affine(gamma: [Float], beta: [Float])
    /// max(x, 0).
    case relu
    /// Max pooling (window 0×0 means the whole input).
    case maxPool(Pool)
    /// Average pooling (window 0×0 means the whole input).
    case avgPool(Pool)
    /// Zero-padded addition of a tagged earlier output.
    case addPrevious
    /// Fully connected: out = in · W, W is [inputs][outputs] row-major; optional bias.
    case fullyConnected(inputs: Int, outputs: Int, weights: [Float], bias: [Float]?)

    /// A convolution's parameters.
    public struct Convolution: Sendable {
        /// Number of filters (output channels).
        public let filters: Int
        /// Input channels.
        public let channels: Int
        /// Kernel height.
        public let height: Int
        /// Kernel width.
        public let width: Int
        /// Vertical stride.
        public let strideY: Int
        /// Horizontal stride.
        public let strideX: Int
        /// Vertical zero padding.
        public let padY: Int
        /// Horizontal zero padding.
        public let padX: Int
        /// Weights [filters][channels][height][width].
        public let weights: [Float]
        /// One bias per filter (zeros when the layer has none).
        public let bias: [Float]
    }

    /// A pooling window.
    public struct Pool: Sendable {
        /// Window height (0: whole input).
        public let height: Int
        /// Window width (0: whole input).
        public let width: Int
        /// Vertical stride.
        public let strideY: Int
        /// Horizontal stride.
        public let strideX: Int
        /// Vertical padding.
        public let padY: Int
        /// Horizontal padding.
        public let padX: Int
    }

    /// A short name for listings and errors.
    public var name: String {
        switch self {
        case .convolution: "con"
        case .affine: "affine"
        case .relu: "relu"
        case .maxPool: "max_pool"
        case .avgPool: "avg_pool"
        case .addPrevious: "add_prev"
        case .fullyConnected: "fc"
        }
    }
}
