// The Swift side of scripts/bench/vs-numpy: times the all-pairs engine on templates from .npy files.
//
//   AllPairsBench engine TEMPLATES.npy COHORTS.npy SUBJECTS.npy --threads T [--bins B] [--tile S] [--tail-fmr F]
//   (--tail-fmr 0, the default, is the histogram pass: the work of the NumPy reference.)
//   AllPairsBench sgemm --threads T [--size N]
//
// Prints one JSON object: wall time, time inside the matrix products (BLAS.gemm), their rate, and peak resident memory.
import FaceAuditAllPairs
import FaceAuditGEMM
import Foundation

/// A version-1 .npy array of little-endian float32 or int32 values, C order.
func loadNPY(_ path: String) -> (shape: [Int], data: Data) {
    guard let bytes = FileManager.default.contents(atPath: path), bytes.count > 10, bytes.prefix(6) == Data([0x93] + Array("NUMPY".utf8))
    else { fatalError("\(path): not a .npy file") }
    let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
    let header = String(decoding: bytes[10..<10 + headerLength], as: UTF8.self)
    guard header.contains("'fortran_order': False"), header.contains("<f4") || header.contains("<i4"),
        let open = header.firstIndex(of: "("), let close = header.firstIndex(of: ")")
    else { fatalError("\(path): need a C-order float32 or int32 array, got \(header)") }
    let shape = header[header.index(after: open)..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    return (shape, bytes.subdata(in: (10 + headerLength)..<bytes.count))
}

/// Peak resident set size of this process, in bytes.
func peakRSS() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024
}

func option(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return fallback
}

func emit(_ fields: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

let threads = Int(option("--threads", "1"))!
let mode = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ""
switch mode {
case "sgemm":
    // The rate of BLAS.gemm (the products' kernel, see "kernel") on a large square product, with BLAS's own threads.
    let n = Int(option("--size", "2048"))!
    BLAS.setThreads(threads)
    let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    var best = Double.infinity
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        BLAS.gemm(m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, beta: 0, c: &c, ldc: n, transposeB: true)
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    emit([
        "mode": "sgemm", "size": n, "threads": threads, "seconds": best, "gflops": 2 * pow(Double(n), 3) / best / 1e9,
        "blas_core": BLAS.library, "kernel": BLAS.description,
    ])
case "engine":
    let args = CommandLine.arguments
    let (shape, values) = loadNPY(args[2])
    let (_, cohortData) = loadNPY(args[3])
    let (_, subjectData) = loadNPY(args[4])
    let (n, d) = (shape[0], shape[1])
    let flat = values.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    let cohorts = cohortData.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
    let subjects = subjectData.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
    let templates: [[Float]?] = (0..<n).map { Array(flat[$0 * d..<($0 + 1) * d]) }
    let bins = Int(option("--bins", "16384"))!
    let tile = Int(option("--tile", "1024"))!
    let tailFMR = Double(option("--tail-fmr", "0"))!
    BLAS.setThreads(1)
    let start = DispatchTime.now().uptimeNanoseconds
    let matrix = try! TemplateMatrix(templates: templates, metric: .cosineSimilarity, groups: cohorts)
    let cells = Int(cohorts.max()!) + 1
    var layout = StatisticsLayout(
        metric: .cosineSimilarity, bins: bins, keyDomain: matrix.keyDomain, cells: cells,
        tailCapacity: Int((tailFMR * Double(n * (n - 1) / 2)).rounded(.up)),
        tileSize: tile, rows: n, images: n, fingerprint: "bench")
    // The keys a run computes here (on AMX tiles where they run).
    layout.keys = AllPairsEngine.keys(for: layout, matrix: matrix)
    let engine = AllPairsEngine(matrix: matrix, cellOfImage: cohorts, subjectOfImage: subjects, layout: layout)
    let (statistics, timing) = engine.run(threads: threads)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    emit([
        "mode": "engine", "n": n, "dimension": d, "threads": threads, "seconds": seconds, "gemm_seconds": timing.gemm,
        "streaming_seconds": timing.streaming, "gemm_gflops_per_thread": timing.flops / timing.gemm / 1e9,
        "pairs": n * (n - 1) / 2, "non_mated": statistics.nonMatedCount, "mated": statistics.mated.count, "tail": statistics.tail.count,
        "peak_rss_bytes": peakRSS(), "blas_core": BLAS.library, "kernel": BLAS.description,
        "keys": layout.keysDescription, "bins": bins, "tile": tile,
    ])
default:
    FileHandle.standardError.write(Data("usage: AllPairsBench engine|sgemm …\n".utf8))
    exit(2)
}
