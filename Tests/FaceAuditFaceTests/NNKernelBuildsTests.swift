import CGEMM
import CNNKernels
import FaceAuditTestSupport
import Testing

/// The builds of every `CNNKernels` loop this CPU can run: baseline x86-64, then AVX2 with FMA and
/// AVX-512F where the CPU has them (`fa_gemm_best_kernel`, the CPUID check the products use). Each must
/// give the same bits. In a debug build all are unvectorised; CI also compares them at -O2
/// (`scripts/ci/nn-kernel-builds`).
private let builds: [fa_vector_build] = [FA_BUILD_BASELINE, FA_BUILD_AVX2, FA_BUILD_AVX512].filter {
    $0.rawValue <= fa_gemm_best_kernel().rawValue
}

/// Inputs in [−2, 2) with signed zeros, exact ties and, where `special`, a NaN and infinities: the values
/// on which a vectorised max, min or blend could pick differently from the scalar one.
private func values(_ count: Int, seed: UInt64, special: Bool = false) -> [Float] {
    var u = SeededUniform(seed: seed)
    return (0..<count).map { i in
        switch i % 11 {
        case 3: -0.0
        case 7: 0.0
        case 9: 1.0
        case 5 where special && i % 3 == 0: .nan
        case 5 where special && i % 3 == 1: -.infinity
        case 5 where special: .infinity
        default: Float(u.next() * 4)
        }
    }
}

/// Same bits, NaN payloads included.
private func bits(_ a: [Float]) -> [UInt32] { a.map(\.bitPattern) }

/// Row widths around the vector width: short rows that are all tail, 16- and 32-wide blocks, and blocks
/// plus tails, up to the descriptor stem's 150 columns.
private let widths = [1, 2, 3, 4, 5, 8, 9, 15, 16, 17, 18, 31, 32, 33, 36, 37, 64, 70, 150]

@Suite("FaceAuditNN's C loops: every build gives the definition's bits")
struct NNKernelBuildsTests {
    /// F(2×2) and F(4×4) input transforms over three tile rows (the first and last reaching outside the
    /// map): Bᵀ·d and every (ξ, tile) the same bits in each build, and position (1, 1) of the first tile
    /// as the formula gives it.
    @Test("Winograd input transforms", arguments: [2, 4])
    func winogradInput(tile: Int) {
        let (alpha, tileRows) = (tile + 2, 3)
        let height = tile * tileRows
        for w in widths {
            let tiles = (w + tile - 1) / tile
            let padded = tile * tiles + 2
            let stride = tileRows * tiles + 5  // gaps between positions, which must stay untouched
            let plane = values(height * w, seed: UInt64(w))
            let zero = [Float](repeating: 0, count: w)
            var offsets = [Int](repeating: -1, count: alpha * tileRows)
            for i in 0..<tileRows {
                for r in 0..<alpha where (0..<height).contains(tile * i - 1 + r) { offsets[alpha * i + r] = (tile * i - 1 + r) * w }
            }
            var results: [[UInt32]] = []
            for build in builds {
                var q = [Float](repeating: 7, count: tileRows * alpha * padded)
                var out = [Float](repeating: 7, count: alpha * alpha * stride)
                fa_winograd_input(build, Int32(tile), 1, plane, offsets, tileRows, 0, w, w, tiles, zero, &q, &out, stride)
                if tile == 2 {
                    // (Bᵀ·d)'s row 1 is input rows 0 and 1 added; ·B's column 1 adds its columns 0 and 1.
                    let row1 = { (x: Int) -> Float in x < w ? plane[x] + plane[w + x] : 0 }
                    #expect(out[5 * stride].bitPattern == (row1(0) + row1(1)).bitPattern, "w \(w)")
                }
                let gaps = (0..<alpha * alpha).allSatisfy { xi in
                    out[(xi * stride + tileRows * tiles)..<((xi + 1) * stride)].allSatisfy { $0 == 7 }
                }
                #expect(gaps)
                results.append(bits(q) + bits(out))
            }
            #expect(Set(results).count == 1, "w \(w), F(\(tile)): the builds differ")
        }
    }

    /// Reading one phase of the columns in place (stride 2, the detector's stride-2 layers) gives the bits
    /// of the transform of that phase copied first (`copy[j] = row[2j + offset]`, 0 outside the row), in
    /// every build, for offsets before, at and after the row's start and copies shorter and longer
    /// than the row's phase.
    @Test("Winograd input transforms reading a phase of the columns", arguments: [2, 4])
    func winogradInputPhases(tile: Int) {
        let (alpha, tileRows) = (tile + 2, 2)
        let height = tile * tileRows
        for width in widths {
            for offset in [-3, -2, -1, 0, 1] {
                for count in Set([1, (width + 1) / 2, (width + 1) / 2 + 2, width / 2 + 5]) {
                    let tiles = (count + tile - 1) / tile
                    let padded = tile * tiles + 2
                    let stride = tileRows * tiles + 3
                    let plane = values(height * width, seed: UInt64(31 * width + offset + 7))
                    var copy = [Float](repeating: 0, count: height * count)
                    for y in 0..<height {
                        for j in 0..<count where (0..<width).contains(2 * j + offset) {
                            copy[y * count + j] = plane[y * width + 2 * j + offset]
                        }
                    }
                    // Exactly the zeros each call may read: `width` for the row read in place, `count` for the copy.
                    let zero = [Float](repeating: 0, count: width)
                    let copyZero = [Float](repeating: 0, count: count)
                    var offsets = [Int](repeating: -1, count: alpha * tileRows)
                    var copyOffsets = offsets
                    for i in 0..<tileRows {
                        for r in 0..<alpha where (0..<height).contains(tile * i - 1 + r) {
                            offsets[alpha * i + r] = (tile * i - 1 + r) * width
                            copyOffsets[alpha * i + r] = (tile * i - 1 + r) * count
                        }
                    }
                    var q = [Float](repeating: 7, count: tileRows * alpha * padded)
                    var expected = [Float](repeating: 7, count: alpha * alpha * stride)
                    fa_winograd_input(
                        FA_BUILD_BASELINE, Int32(tile), 1, copy, copyOffsets, tileRows, 0, count, count, tiles, copyZero, &q, &expected,
                        stride)
                    for build in builds {
                        var out = [Float](repeating: 7, count: alpha * alpha * stride)
                        fa_winograd_input(
                            build, Int32(tile), 2, plane, offsets, tileRows, offset, count, width, tiles, zero, &q, &out, stride)
                        #expect(bits(out) == bits(expected), "F(\(tile)), width \(width), offset \(offset), count \(count), build \(build)")
                    }
                }
            }
        }
    }

    /// Output transforms over three tile rows, the last cut short by the map's edge, with and without a
    /// residual and a ReLU floor: the same bits in each build, NaN and −0 included, nothing written past
    /// the map.
    @Test("Winograd output transforms", arguments: [2, 4])
    func winogradOutput(tile: Int) {
        let (alpha, tileRows) = (tile + 2, 3)
        let height = tile * tileRows - 1
        let offsetsOf = { (w: Int) in (0..<tileRows).map { tile * $0 * w } }
        let rows = (0..<tileRows).map { min(tile, height - tile * $0) }
        for w in widths {
            let tiles = (w + tile - 1) / tile
            let stride = tileRows * tiles + 3
            let m = values(alpha * alpha * stride, seed: UInt64(100 + w), special: true)
            let residual = values(height * w, seed: UInt64(200 + w), special: true)
            for floor: Float in [0, -.infinity] {
                for withResidual in [false, true] {
                    var results: [[UInt32]] = []
                    for build in builds {
                        var work = [Float](repeating: 0, count: (tileRows * tile + 24) * (tile * tiles + 2))
                        var out = [Float](repeating: 7, count: height * w + 1)
                        residual.withUnsafeBufferPointer { r in
                            fa_winograd_output(
                                build, Int32(tile), m, stride, tileRows, tiles, &work, 0.25, floor, withResidual ? r.baseAddress : nil,
                                &out,
                                offsetsOf(w), rows, 0, w)
                        }
                        #expect(out[height * w] == 7, "nothing past the map")
                        if floor == 0 { #expect(out[..<(height * w)].allSatisfy { $0.isNaN || $0 >= 0 }) }
                        results.append(bits(out))
                    }
                    #expect(Set(results).count == 1, "w \(w), F(\(tile)), floor \(floor), residual \(withResidual)")
                }
            }
        }
    }

    /// Writing from the tiles' column 1 on (the phases' output, which starts one column into the
    /// padded map) gives columns 1… of the output written from column 0, in every build.
    @Test("Winograd output transforms from a later column", arguments: [2, 4])
    func winogradOutputFirstColumn(tile: Int) {
        let (alpha, tileRows) = (tile + 2, 2)
        let height = tile * tileRows - 1
        let rows = (0..<tileRows).map { min(tile, height - tile * $0) }
        for w in widths where w > 1 {
            let tiles = (w + tile - 1) / tile
            let stride = tileRows * tiles + 3
            let m = values(alpha * alpha * stride, seed: UInt64(300 + w))
            for build in builds {
                var work = [Float](repeating: 0, count: (tileRows * tile + 24) * (tile * tiles + 2))
                var whole = [Float](repeating: 7, count: height * w)
                fa_winograd_output(
                    build, Int32(tile), m, stride, tileRows, tiles, &work, 0.5, 0, nil, &whole, (0..<tileRows).map { tile * $0 * w }, rows,
                    0, w)
                var later = [Float](repeating: 7, count: height * (w - 1))
                fa_winograd_output(
                    build, Int32(tile), m, stride, tileRows, tiles, &work, 0.5, 0, nil, &later, (0..<tileRows).map { tile * $0 * (w - 1) },
                    rows, 1,
                    w - 1)
                let expected = (0..<height).flatMap { y in whole[(y * w + 1)..<((y + 1) * w)] }
                #expect(bits(later) == bits(expected), "w \(w), F(\(tile)), build \(build)")
            }
        }
    }

    /// The floor is `floor >= y ? floor : y`: −0 against a 0 floor gives +0, a NaN stays NaN (what
    /// Swift's `max(y, 0)` did before these loops moved to C).
    @Test("the ReLU floor keeps NaN and lifts −0")
    func floorSemantics() {
        // F(2×2) with M_ξ = 0 except position 0: output (0, 0) = M_0 + bias.
        for (m0, expected) in [(Float(-0.0), Float(0.0)), (.nan, .nan), (-1, 0), (2, 2)] {
            for build in builds {
                var m = [Float](repeating: 0, count: 16)
                m[0] = m0
                var work = [Float](repeating: 0, count: 40)
                var out = [Float](repeating: 7, count: 2)
                fa_winograd_output(build, 2, m, 1, 1, 1, &work, -0.0, 0, nil, &out, [0], [1], 0, 1)
                #expect(out[0].bitPattern == expected.bitPattern || (expected.isNaN && out[0].isNaN), "M_0 \(m0), build \(build)")
                #expect(out[1] == 7)
            }
        }
    }

    /// F(2, 5) and F(4, 5) along rows, for the detector: every build gives the bits of the formulas the
    /// Swift code used before they moved to C (restated here, scalar), for every tile count and a last
    /// tile cut short.
    @Test("row Winograd transforms", arguments: [2, 4])
    func rowWinograd(tile: Int) {
        let points = tile + 4
        for tiles in [1, 2, 3, 4, 5, 15, 16, 17, 33, 100] {
            let padded = values(tile * tiles + 4, seed: UInt64(500 + tiles), special: true)
            let stride = tiles + 2
            var expected = [Float](repeating: 7, count: points * stride)
            for t in 0..<tiles {
                let d = Array(padded[(tile * t)..<(tile * t + points)])
                let v: [Float]
                if tile == 2 {
                    let (a1, b1, a3, b3) = (4 * d[2] - d[4], 4 * d[1] - d[3], d[4] - d[2], 2 * (d[3] - d[1]))
                    v = [4 * d[0] - 5 * d[2] + d[4], a1 + b1, a1 - b1, a3 + b3, a3 - b3, 4 * d[1] - 5 * d[3] + d[5]]
                } else {
                    let (a1, b1) = (17 * d[4] - 4 * (d[2] + d[6]), 17 * d[3] - 4 * (d[1] + d[5]))
                    let (a3, b3) = (d[2] - 5 * d[4] + 4 * d[6], 2 * d[1] - 10 * d[3] + 8 * d[5])
                    let (a5, b5) = (128 * d[2] - 160 * d[4] + 32 * d[6], 64 * d[1] - 80 * d[3] + 16 * d[5])
                    let first = 4 * (d[0] - d[6]) + 21 * (d[4] - d[2])
                    v = [first, a1 + b1, a1 - b1, a3 + b3, a3 - b3, a5 + b5, a5 - b5, 4 * (d[7] - d[1]) + 21 * (d[3] - d[5])]
                }
                for xi in 0..<points { expected[xi * stride + t] = v[xi] }
            }
            let m = values(points * stride, seed: UInt64(600 + tiles), special: true)
            for count in [tile * tiles, tile * tiles - 1, tile * (tiles - 1) + 1] where count > 0 {
                var outExpected = [Float](repeating: 7, count: tile * tiles + 1)
                for t in 0..<tiles {
                    let p = (0..<points).map { m[$0 * stride + t] }
                    let y: [Float]
                    if tile == 2 {
                        y = [p[0] + p[1] + p[2] + p[3] + p[4], p[1] - p[2] + 2 * (p[3] - p[4]) + p[5]]
                    } else {
                        let (p1, q1, p2, q2, p3, q3) = (p[1] + p[2], p[1] - p[2], p[3] + p[4], p[3] - p[4], p[5] + p[6], p[5] - p[6])
                        y = [p[0] + p1 + p2 + p3, q1 + 2 * q2 + q3 / 2, p1 + 4 * p2 + p3 / 4, q1 + 8 * q2 + q3 / 8 + p[7]]
                    }
                    for j in 0..<tile where tile * t + j < count || j == 0 { outExpected[tile * t + j] = y[j] }
                }
                for build in builds {
                    var target = [Float](repeating: 7, count: points * stride)
                    fa_winograd_row_input(build, Int32(tile), padded, tiles, &target, stride)
                    #expect(bits(target) == bits(expected), "F(\(tile), 5) input, \(tiles) tiles, build \(build)")
                    var out = [Float](repeating: 7, count: tile * tiles + 1)
                    fa_winograd_row_output(build, Int32(tile), m, stride, tiles, &out, count)
                    #expect(bits(out) == bits(outExpected), "F(\(tile), 5) output, \(tiles) tiles, \(count) outputs, build \(build)")
                }
            }
        }
    }

    /// Pooling rows against the definition (window clipped to the input, cells row by row, left to right),
    /// bit for bit, for the network's windows and strides, padded and not.
    @Test("pooling rows", arguments: [false, true])
    func pooling(average: Bool) {
        let windows: [(ww: Int, sx: Int, px: Int)] = [(3, 2, 0), (2, 2, 0), (3, 1, 1), (3, 2, 1), (5, 3, 2), (1, 1, 0)]
        for iw in widths {
            for (ww, sx, px) in windows + [(iw, 1, 0)] where ww <= iw + 2 * px {
                let ow = 1 + (iw + 2 * px - ww) / sx
                let plane = values(4 * iw, seed: UInt64(300 + iw), special: !average)
                for (top, bottom) in [(0, 2), (1, 3), (3, 3), (0, 0)] {
                    var expected = [Float](repeating: 0, count: ow)
                    for c in 0..<ow {
                        let left = max(0, c * sx + ww / 2 - px - ww / 2)
                        let right = min(iw - 1, c * sx + ww / 2 - px - ww / 2 + ww - 1)
                        var m = -Float.infinity
                        var sum: Float = 0
                        for y in top...bottom {
                            for x in left...right {
                                m = max(m, plane[y * iw + x])
                                sum += plane[y * iw + x]
                            }
                        }
                        expected[c] = average ? sum / Float((bottom - top + 1) * (right - left + 1)) : m
                    }
                    for build in builds {
                        var out = [Float](repeating: 7, count: ow + 1)
                        fa_pool_row(build, average ? 1 : 0, plane, iw, top, bottom, ww, sx, px, &out, ow)
                        #expect(
                            bits(Array(out[..<ow])) == bits(expected) && out[ow] == 7,
                            "iw \(iw) window \(ww)/\(sx) pad \(px) rows \(top)…\(bottom)")
                    }
                }
            }
        }
    }

    /// Strided row copies against the definition, zero padding included, for strides 1–3 and offsets
    /// reaching past both ends.
    @Test("row samples and even/odd pairs")
    func samples() {
        for width in widths {
            let line = values(width, seed: UInt64(400 + width), special: true)
            for stride in 1...3 {
                for offset in -4...4 {
                    for count in [1, (width + 1) / stride, width / stride + 3] where count > 0 {
                        let at = { (x: Int) -> Float in x >= 0 && x < width ? line[x] : 0 }
                        let expected = (0..<count).map { at($0 * stride + offset) }
                        for build in builds {
                            var out = [Float](repeating: 7, count: count + 1)
                            fa_sample_row(build, line, width, stride, offset, &out, count)
                            #expect(
                                bits(Array(out[..<count])) == bits(expected) && out[count] == 7, "\(width) \(stride) \(offset) \(count)")
                            if stride == 2 {
                                var even = [Float](repeating: 7, count: count + 1)
                                var odd = [Float](repeating: 7, count: count + 1)
                                fa_sample_pair(build, line, width, offset, &even, &odd, count)
                                let oddExpected = (0..<count).map { at(2 * $0 + offset + 1) }
                                #expect(bits(Array(even[..<count])) == bits(expected) && even[count] == 7)
                                #expect(bits(Array(odd[..<count])) == bits(oddExpected) && odd[count] == 7)
                            }
                        }
                    }
                }
            }
        }
    }
}
