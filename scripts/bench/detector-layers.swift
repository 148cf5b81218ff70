// The Swift side of scripts/bench/detector-layers (compiled there together with the detector's sources).
import Foundation

func clock(_ id: clockid_t) -> Double {
    var t = timespec()
    clock_gettime(id, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
func cpu() -> Double { clock(CLOCK_PROCESS_CPUTIME_ID) }
func wall() -> Double { clock(CLOCK_MONOTONIC) }

let arguments = CommandLine.arguments
let bytes = FileManager.default.contents(atPath: arguments[1])!
let width = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
let height = Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16
let image = RGBImage(width: width, height: height, pixels: [UInt8](bytes[8...]))
let detector = try! FaceDetector(contentsOf: arguments[2])
let reps = Int(arguments[4])!
let megapixels = Double(width * height) / 1e6
print("BLAS: \(BLAS.description)")

/// Best of `reps` runs of `body`: (CPU seconds, wall seconds) per megapixel.
func best(_ body: () -> Void) -> (cpu: Double, wall: Double) {
    var result = (cpu: Double.infinity, wall: Double.infinity)
    for _ in 0..<reps {
        let c = cpu()
        let w = wall()
        body()
        result = (min(result.cpu, (cpu() - c) / megapixels), min(result.wall, (wall() - w) / megapixels))
    }
    return result
}

if arguments[3] == "stride2-ab" {
    #if SHIFTED
        // The default methods against the stride-2 layers on rowGroups, alternating call by call.
        let defaults = detector.layers
        let before = defaults.map { $0.convolution.strideX == 2 ? ShiftedConvolution($0.convolution, method: .rowGroups) : $0 }
        print("methods: \(defaults.map { "\($0.method)" }) against \(before.map { "\($0.method)" })")
        var times: [[Double]] = [[], []]
        var found: [String] = ["", ""]
        for round in 0..<reps {
            for side in round % 2 == 0 ? [0, 1] : [1, 0] {
                detector.layers = side == 0 ? defaults : before
                let c = cpu()
                found[side] = "\(detector.detect(image))"
                times[side].append((cpu() - c) / megapixels)
            }
        }
        func median(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
        let wins = zip(times[0], times[1]).filter { $0 < $1 }.count
        print("detections: \(found[0])\(found[0] == found[1] ? " (the same with rowGroups)" : "; with rowGroups: \(found[1])")")
        print(
            String(
                format: "stride2-ab: default %.3f s/MP median (fastest %.3f), stride-2 on rowGroups %.3f (%.3f); default faster in %d of %d rounds",
                median(times[0]), times[0].min()!, median(times[1]), times[1].min()!, wins, reps))
    #endif
} else if arguments[3] == "detect" {
    print("detections: \(detector.detect(image))")
    let t = best { _ = detector.detect(image) }
    print(String(format: "detection: %.3f s/MP CPU, %.3f s/MP wall (best of %d, %.2f MP)", t.cpu, t.wall, reps, megapixels))
} else {
    let layout = TiledPyramid(width: width, height: height, padding: detector.padding.inner, outerPadding: detector.padding.outer)
    #if PYRAMID_BANDS
        // The whole tensor as one band (the detector itself never builds it whole).
        var x = Activations(channels: 0, batch: 0, height: 0, width: 0)
        var spare = x
        let fill = best { PyramidBands(image, layout: layout, means: detector.means).fill(0..<layout.rows, into: &x, spare: &spare) }
    #else
        let fill = best { detector.fillTensor(image, layout) }
        var x = detector.a
    #endif
    print(String(format: "pyramid tensor, whole: %.3f s/MP CPU; tensor %d×%d = %.2f× the image", fill.cpu, layout.rows, layout.cols,
        Double(layout.rows * layout.cols) / Double(width * height)))
    var y = Activations(channels: 0, batch: 0, height: 0, width: 0)
    var columns: [Float] = []
    var totals = (im2col: 0.0, shifted: 0.0, flops: 0.0)
    for (l, conv) in detector.convolutions.enumerated() {
        let t = best { conv.forward(x, into: &y, columns: &columns) }
        let flops = 2.0 * Double(conv.filters * conv.channels * conv.kernelHeight * conv.kernelWidth * y.height * y.width) / megapixels
        totals.im2col += t.cpu
        totals.flops += flops
        var line = String(format: "layer %d %2d→%2d %d×%d/%d: %5.2f GFLOP/MP; im2col %.3f s/MP (%5.1f GFLOP/s)", l, conv.channels,
            conv.filters, conv.kernelHeight, conv.kernelWidth, conv.strideY, flops / 1e9, t.cpu, flops / t.cpu / 1e9)
        #if SHIFTED
            var z = Activations(channels: 0, batch: 0, height: 0, width: 0)
            var workspace: [Float] = []
            let layer = detector.layers[l]
            let s = best { layer.forward(x, into: &z, workspace: &workspace) }
            totals.shifted += s.cpu
            var worst: Float = 0
            for i in 0..<y.count { worst = max(worst, abs(z.data[i] - y.data[i])) }
            line += String(format: "; %@ %.3f s/MP (%5.1f GFLOP/s equivalent), max |difference| %.1e", "\(layer.method)", s.cpu,
                flops / s.cpu / 1e9, worst)
            // The other methods that apply to this layer, for choosing the default.
            for method in ShiftedConvolution.Method.allCases where method != layer.method {
                let unit = conv.strideX == 1
                if method == .kernelProducts && !unit { continue }
                if "\(method)" == "phaseWinograd" && (conv.strideX != 2 || conv.kernelWidth > 6 || conv.kernelHeight > 6) { continue }
                if (method == .winogradRows || method == .winograd4Rows) && !(unit && conv.kernelWidth == 5) { continue }
                let other = ShiftedConvolution(conv, method: method)
                let o = best { other.forward(x, into: &z, workspace: &workspace) }
                line += String(format: "\n    %@ %.3f s/MP", "\(method)", o.cpu)
            }
        #endif
        print(line)
        swap(&x, &y)
    }
    print(String(format: "layers: %.2f GFLOP/MP; im2col %.3f s/MP, shifted %.3f s/MP (CPU, whole maps, not banded)", totals.flops / 1e9,
        totals.im2col, totals.shifted))
}
