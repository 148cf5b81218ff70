import FaceAuditImaging
import Foundation

/// dlib's `jitter_image`: a random small shift, zoom and rotation of a 150×150 chip, and a mirror half
/// of the time.
enum Jitter {
    static func apply(_ chip: RGBImage, rng: inout DlibRandom) -> RGBImage {
        let side = 144.0  // the chip shrunk by 3 on each side
        let ty = (rng.double(in: -0.02, 0.02) * side + 0.5).rounded(.down)
        let tx = (rng.double(in: -0.02, 0.02) * side + 0.5).rounded(.down)
        let scale = rng.double(in: 0.97, 0.99999)
        let box = Int(side / scale)
        let cx = 75 + Int(tx)
        let cy = 75 + Int(ty)
        let left = cx - box / 2
        let top = cy - box / 2
        let crop = DRect(left: Double(left), top: Double(top), right: Double(left + box - 1), bottom: Double(top + box - 1))
        let angle = rng.double(in: -3, 3) * .pi / 180
        var out = ChipExtractor.extract(chip, ChipDetails(rect: crop, angle: angle, rows: chip.height, cols: chip.width))
        if rng.randomDouble() > 0.5 {
            let w = out.width
            var pixels = out.pixels
            for y in 0..<out.height {
                for x in 0..<(w / 2) {
                    for c in 0..<3 { pixels.swapAt((y * w + x) * 3 + c, (y * w + (w - 1 - x)) * 3 + c) }
                }
            }
            out = RGBImage(width: w, height: out.height, pixels: pixels)
        }
        return out
    }
}
