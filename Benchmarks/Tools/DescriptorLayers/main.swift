// Where the descriptor ResNet's time goes, layer by layer, and what Winograd does to each 3×3 layer.
//
//   DescriptorLayers MODEL.dat [--batch 1,32] [--repeats 20] [--whole-only]
//
// Runs dlib's face ResNet on random chips with the model's real weights. For every convolution it prints
// the best-of-repeats wall time and the thread CPU time of im2col + GEMM and, where the layer is 3×3
// stride 1, of F(2×2, 3×3) Winograd, per face, with each layer's share of the im2col total. Set
// OPENBLAS_NUM_THREADS=1 for one core. Pools, adds and ReLUs are run but not timed (they are small).
import FaceAuditDlibFormat
import FaceAuditFace
import FaceAuditGEMM
import FaceAuditImaging
import FaceAuditNN
import Foundation

func seconds(_ clock: clockid_t) -> Double {
    var t = timespec()
    clock_gettime(clock, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Best wall and best CPU seconds of `repeats` runs of `body` (after one warm-up run).
func time(repeats: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
    body()
    var wall = Double.infinity
    var cpu = Double.infinity
    for _ in 0..<repeats {
        let w0 = seconds(CLOCK_MONOTONIC)
        let c0 = seconds(CLOCK_PROCESS_CPUTIME_ID)
        body()
        cpu = min(cpu, seconds(CLOCK_PROCESS_CPUTIME_ID) - c0)
        wall = min(wall, seconds(CLOCK_MONOTONIC) - w0)
    }
    return (wall, cpu)
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { fatalError("usage: DescriptorLayers MODEL.dat [--batch 1,32] [--repeats 20]") }
func option(_ name: String) -> String? { arguments.firstIndex(of: name).map { arguments[$0 + 1] } }
let batches = (option("--batch") ?? "1,32").split(separator: ",").compactMap { Int($0) }
let repeats = Int(option("--repeats") ?? "20")!
let net = try DlibNetwork(contentsOf: arguments[1])
let network = try FaceDescriptorNetwork(net, file: arguments[1])

/// The network's convolutions in order, with their affine folded in; `relu` as the file says.
var convolutions: [Convolution] = []
var layers = net.layers[...]
while let layer = layers.popFirst() {
    guard case .convolution(let c) = layer, case .affine(let g, let b) = layers.popFirst() else { continue }
    var relu = false
    if case .relu = layers.first { relu = true }
    convolutions.append(Convolution(c, affine: (g, b), relu: relu))
}
guard let p = net.layers.lazy.compactMap({ layer -> DlibLayer.Pool? in if case .maxPool(let p) = layer { p } else { nil } }).first
else { fatalError("no stem max pool") }
let stemPool = Pooling(kind: .max, height: p.height, width: p.width, strideY: p.strideY, strideX: p.strideX, padY: p.padY, padX: p.padX)
print("BLAS: \(BLAS.description); OPENBLAS_NUM_THREADS=\(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "<unset>")")

var generator = SystemRandomNumberGenerator()
// `--profile N`: only the whole network at the first batch size, N times (for perf), and the best time.
if let runs = option("--profile").flatMap(Int.init) {
    let chips = (0..<batches[0]).map { _ in RGBImage(width: 150, height: 150, pixels: [UInt8](repeating: 128, count: 150 * 150 * 3)) }
    var best = Double.infinity
    for _ in 0..<runs {
        let w0 = seconds(CLOCK_MONOTONIC)
        _ = network.descriptors(chips)
        best = min(best, seconds(CLOCK_MONOTONIC) - w0)
    }
    print(String(format: "best %.3f ms/face", best * 1000 / Double(batches[0])))
    exit(0)
}
for batch in batches {
    print("\nbatch \(batch): per face, ms (best of \(repeats)); wall and CPU; share = of the im2col total")
    print(
        "layer  shape                        im2col wall  cpu | F(2×2) wall  cpu | speed-up | F(4×4) wall  cpu | speed-up | share")
    var x = Activations(channels: 3, batch: batch, height: 150, width: 150)
    for i in 0..<x.count { x.data[i] = Float.random(in: -0.5..<0.5, using: &generator) }
    var rows: [(String, Double, Double, Double?, Double?, Double?, Double?)] = []
    var columns: [Float] = []
    var scratch: [Float] = []
    var out = Activations(channels: 0, batch: 0, height: 0, width: 0)
    // Walk the ResNet: stem, max pool, then residual blocks of two convolutions, so that every
    // convolution sees its real input size.
    var blockInput = x
    var totalIm2col = 0.0
    var totalBest = 0.0
    for (index, conv) in convolutions.enumerated() where !arguments.contains("--whole-only") {
        let im2col = time(repeats: repeats) { conv.forward(x, into: &out, columns: &columns) }
        var wino: (wall: Double, cpu: Double)?
        var wino4: (wall: Double, cpu: Double)?
        var o2 = Activations(channels: 0, batch: 0, height: 0, width: 0)
        if let w = WinogradConvolution(conv, tile: 2) {
            wino = time(repeats: repeats) { w.forward(x, into: &o2, scratch: &scratch) }
        }
        if let w = WinogradConvolution(conv, tile: 4) {
            wino4 = time(repeats: repeats) { w.forward(x, into: &o2, scratch: &scratch) }
        }
        let shape = "\(conv.channels)→\(conv.filters) \(conv.kernelHeight)×\(conv.kernelWidth)/\(conv.strideY) on \(x.height)×\(x.width)"
        rows.append((shape, im2col.wall, im2col.cpu, wino?.wall, wino?.cpu, wino4?.wall, wino4?.cpu))
        totalIm2col += im2col.wall
        totalBest += min(im2col.wall, wino?.wall ?? .infinity, wino4?.wall ?? .infinity)
        if index == 0 {
            stemPool.forward(out, into: &x)
        } else if index % 2 == 1 {
            blockInput = x  // the first convolution of a block feeds the second
            x = out
        } else {
            // dlib's zero-padded add of the shortcut (average-pooled in blocks whose first convolution strides).
            var skip = blockInput
            if convolutions[index - 1].strideY == 2 {
                let pool = Pooling(kind: .average, height: 2, width: 2, strideY: 2, strideX: 2, padY: 0, padX: 0)
                pool.forward(blockInput, into: &skip)
            }
            Elementwise.add(out, skip, into: &x)
        }
    }
    let f = 1000 / Double(batch)
    for (i, r) in rows.enumerated() {
        let none = "       -      - |         - | "
        let w2 = r.3.map { String(format: "%8.3f %6.3f | %8.2fx | ", $0 * f, r.4! * f, r.1 / $0) } ?? none
        let w4 = r.5.map { String(format: "%8.3f %6.3f | %8.2fx | ", $0 * f, r.6! * f, r.1 / $0) } ?? none
        print(
            String(format: "%3d    %-28@ %8.3f %6.3f | ", i, r.0 as NSString, r.1 * f, r.2 * f) + w2 + w4
                + String(format: "%5.1f%%", 100 * r.1 / totalIm2col))
    }
    let chips = (0..<batch).map { _ in
        RGBImage(width: 150, height: 150, pixels: (0..<(150 * 150 * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
    // Configurations interleaved over rounds, best of each kept: the machine is shared and drifts.
    // (Winograd from tiles, F(4×4) from tiles, shifted stem): im2col only, F(2×2) only, the defaults, F(4×4)
    // wherever a layer has Winograd, the defaults with the im2col stem.
    let configurations = [(Int.max, Int.max, true), (16, Int.max, true), (16, 32, true), (16, 1, true), (16, 32, false)]
    var best = [(wall: Double, cpu: Double)](repeating: (.infinity, .infinity), count: configurations.count)
    for _ in 0..<8 {
        for (k, (minimum, large, shifted)) in configurations.enumerated() {
            network.winogradMinimumTiles = minimum
            network.largeTileMinimumTiles = large
            network.stemShifted = shifted
            let t = time(repeats: max(1, repeats / 8)) { _ = network.descriptors(chips) }
            best[k] = (min(best[k].wall, t.wall), min(best[k].cpu, t.cpu))
        }
    }
    for (k, (minimum, large, shifted)) in configurations.enumerated() {
        print(
            String(
                format: "whole network, Winograd from %@ tiles, F(4×4) from %@ tiles, stem %@: %.3f ms/face wall, %.3f CPU",
                (minimum == Int.max ? "∞ (never)" : "\(minimum)") as NSString, (large == Int.max ? "∞ (never)" : "\(large)") as NSString,
                (shifted ? "shifted" : "im2col") as NSString,
                best[k].wall * f, best[k].cpu * f))
    }
    print(String(format: "convolutions: im2col %.3f ms/face; best of the three per layer %.3f ms/face", totalIm2col * f, totalBest * f))
}
