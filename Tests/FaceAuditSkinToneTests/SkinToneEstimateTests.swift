import FaceAuditImaging
import Foundation
import Testing

@testable import FaceAuditSkinTone

/// Test-side CIELAB (D65) → 8-bit sRGB, written independently of the product's forward conversion so
/// that a synthetic chip with a chosen Lab colour checks the estimator end to end.
func srgbLinear(_ lab: CIELab) -> (Double, Double, Double) {
    let fy = (lab.l + 16) / 116
    let fx = fy + lab.a / 500
    let fz = fy - lab.b / 200
    func inverse(_ t: Double) -> Double { t > 6.0 / 29 ? t * t * t : 3 * (6.0 / 29) * (6.0 / 29) * (t - 4.0 / 29) }
    let x = 0.95047 * inverse(fx), y = inverse(fy), z = 1.08883 * inverse(fz)
    let r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z
    let g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z
    let b = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z
    func encode(_ c: Double) -> Double {
        let v = c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1 / 2.4) - 0.055
        return min(max(v, 0), 1) * 255
    }
    return (encode(r), encode(g), encode(b))
}

/// The nearest 8-bit sRGB colour of a Lab colour.
func srgb(_ lab: CIELab) -> (UInt8, UInt8, UInt8) {
    let (r, g, b) = srgbLinear(lab)
    return (UInt8(r.rounded()), UInt8(g.rounded()), UInt8(b.rounded()))
}

/// A 150×150 chip whose pixels dither between the two 8-bit neighbours of each channel, so that the
/// chip as a whole carries the Lab colour more precisely than any single 8-bit pixel can (dark tones
/// move ITA by almost 2° per b* unit, and one 8-bit step there is about half a b* unit).
func ditheredChip(_ lab: CIELab) -> RGBImage {
    let (r, g, b) = srgbLinear(lab)
    var pixels = [UInt8](repeating: 0, count: 150 * 150 * 3)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for i in 0..<(150 * 150) {
        for (c, value) in [r, g, b].enumerated() {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let threshold = Double(state >> 11) / Double(1 << 53)
            pixels[3 * i + c] = UInt8(value.rounded(.down) + (threshold < value - value.rounded(.down) ? 1 : 0))
        }
    }
    return RGBImage(width: 150, height: 150, pixels: pixels)
}

/// A 150×150 chip filled with one colour.
func flatChip(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> RGBImage {
    RGBImage(width: 150, height: 150, pixels: Array((0..<(150 * 150)).map { _ in [r, g, b] }.joined()))
}

@Suite("CIELAB conversion")
struct CIELabTests {
    @Test("Known sRGB colours convert to their published Lab values")
    func knownValues() {
        let white = CIELab(red: 255, green: 255, blue: 255)
        #expect(abs(white.l - 100) < 0.01 && abs(white.a) < 0.01 && abs(white.b) < 0.01)
        let red = CIELab(red: 255, green: 0, blue: 0)
        #expect(abs(red.l - 53.24) < 0.02 && abs(red.a - 80.09) < 0.02 && abs(red.b - 67.20) < 0.02)
        let gray = CIELab(red: 128, green: 128, blue: 128)
        #expect(abs(gray.l - 53.59) < 0.02)
        #expect(CIELab(hex: "#ff0000") == red)
        #expect(CIELab(hex: "#12345") == nil && CIELab(hex: "zzzzzz") == nil)
    }

    @Test("ITA is atan((L − 50) / b) in degrees")
    func ita() {
        #expect(abs(CIELab(l: 60, a: 10, b: 10).ita - 45) < 1e-9)
        #expect(abs(CIELab(l: 40, a: 10, b: 10).ita + 45) < 1e-9)
    }

    @Test(
        "Chardon categories at their boundaries",
        arguments: [
            (60.0, "very light"), (55.0, "very light"), (50.0, "light"), (41.0, "light"), (30.0, "intermediate"),
            (28.0, "intermediate"), (20.0, "tan"), (10.0, "tan"), (0.0, "brown"), (-30.0, "brown"), (-31.0, "dark"),
        ])
    func chardon(ita: Double, expected: String) {
        #expect(SkinToneEstimate.category(ita: ita) == expected)
    }
}

@Suite("Skin-tone estimation from aligned chips")
struct SkinToneEstimateTests {
    static let monkHex = ["#f6ede4", "#f3e7db", "#f7ead0", "#eadaba", "#d7bd96", "#a07e56", "#825c43", "#604134", "#3a312a", "#292420"]

    @Test("A flat patch of each Monk reference colour maps to its own index", arguments: 1...10)
    func monkPatches(index: Int) throws {
        let hex = Self.monkHex[index - 1]
        let value = UInt32(hex.dropFirst(), radix: 16)!
        let chip = flatChip(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
        let estimate = try SkinToneEstimate(chip: chip)
        #expect(estimate.monk == index)
        #expect(estimate.monkGroup == (index <= 3 ? "monk:1-3" : index <= 6 ? "monk:4-6" : "monk:7-10"))
        #expect(estimate.pixels == 20 * 16 * 2 + 26 * 10)
    }

    @Test(
        "Synthetic chips with known Lab give that ITA within 0.5°",
        arguments: [
            CIELab(l: 75, a: 8, b: 14), CIELab(l: 65, a: 12, b: 18), CIELab(l: 55, a: 14, b: 20),
            CIELab(l: 45, a: 14, b: 22), CIELab(l: 35, a: 12, b: 18), CIELab(l: 25, a: 8, b: 12),
        ])
    func syntheticLab(lab: CIELab) throws {
        let estimate = try SkinToneEstimate(chip: ditheredChip(lab))
        #expect(abs(estimate.ita - lab.ita) < 0.5, "ITA \(estimate.ita) vs \(lab.ita)")
        #expect(estimate.category == SkinToneEstimate.category(ita: estimate.ita))
    }

    @Test("Eyes, highlights and hair inside the regions do not move the estimate")
    func robustToOutliers() throws {
        let skin = CIELab(l: 60, a: 13, b: 19)
        let (r, g, b) = srgb(skin)
        var chip = flatChip(r, g, b)
        // Every fifth pixel is a specular highlight (clipped), every seventh is dark hair.
        for i in 0..<(150 * 150) where i % 5 == 0 || i % 7 == 0 {
            let v: UInt8 = i % 5 == 0 ? 255 : 20
            chip.pixels[3 * i] = v
            chip.pixels[3 * i + 1] = v
            chip.pixels[3 * i + 2] = v
        }
        let estimate = try SkinToneEstimate(chip: chip)
        #expect(abs(estimate.ita - skin.ita) < 0.5)
    }

    @Test("Grayscale images are unknown, not a guess")
    func grayscale() {
        for v: UInt8 in [40, 128, 200] {
            #expect(throws: SkinToneEstimate.Unknown.self) { try SkinToneEstimate(chip: flatChip(v, v, v)) }
        }
    }

    @Test("Clipped images are unknown")
    func clipped() {
        #expect(throws: SkinToneEstimate.Unknown.self) { try SkinToneEstimate(chip: flatChip(255, 255, 255)) }
        #expect(throws: SkinToneEstimate.Unknown.self) { try SkinToneEstimate(chip: flatChip(255, 230, 0)) }
        #expect(throws: SkinToneEstimate.Unknown.self) { try SkinToneEstimate(chip: flatChip(0, 0, 0)) }
    }

    @Test("Only 150×150 chips are measured")
    func wrongSize() {
        let image = RGBImage(width: 10, height: 10, pixels: [UInt8](repeating: 150, count: 300))
        #expect(throws: SkinToneEstimate.Unknown.notAChip(width: 10, height: 10)) { try SkinToneEstimate(chip: image) }
    }
}

@Suite("Per-subject skin-tone labels")
struct SubjectSkinToneTests {
    /// An estimate whose colour is Monk reference `index`, nudged in L* so ITA differs per call.
    static func estimate(monk index: Int, lighter: Double = 0) -> SkinToneEstimate {
        var lab = SkinToneEstimate.monkReferences[index - 1]
        lab.l += lighter
        return SkinToneEstimate(mean: lab, pixels: 500)
    }

    @Test("The label is the median; the spread is reported")
    func median() throws {
        let subject = try #require(SubjectSkinTone([Self.estimate(monk: 6), Self.estimate(monk: 7), Self.estimate(monk: 6, lighter: 0.5)]))
        #expect(subject.monk == 6 && subject.monkGroup == "monk:4-6" && subject.images == 3)
        #expect(subject.monkRange == 6...7 && !subject.isInconsistent)
        let itas = [6, 7].map { SkinToneEstimate.monkReferences[$0 - 1].ita }
        #expect(subject.itaRange.lowerBound == itas.min()! && subject.category == SkinToneEstimate.category(ita: subject.ita))
    }

    @Test("Two images: ITA is their mean, Monk the lower of the two measured tones")
    func evenCount() throws {
        let a = Self.estimate(monk: 5), b = Self.estimate(monk: 6)
        let subject = try #require(SubjectSkinTone([b, a]))
        #expect(abs(subject.ita - (a.ita + b.ita) / 2) < 1e-12)
        #expect(subject.monk == 5)
    }

    @Test("Images more than one Monk step apart flag the subject; none measured gives no label")
    func inconsistent() throws {
        let subject = try #require(SubjectSkinTone([Self.estimate(monk: 4), Self.estimate(monk: 7)]))
        #expect(subject.isInconsistent && subject.monkRange == 4...7)
        #expect(SubjectSkinTone([]) == nil)
    }
}
