import Foundation
import Testing

@testable import FaceAuditDlibFormat

@Suite("dlib model format")
struct DlibFormatTests {
    @Test("integers and floats decode as the spec's examples")
    func primitives() throws {
        var r = DlibReader(
            bytes: [0x01, 0x00, 0x01, 0x01, 0x02, 0x80, 0x12, 0x81, 0x11, 0x03, 0x62, 0x90, 0xF5, 0x81, 0x11, 0x31], file: "t")
        #expect(try r.int() == 0 && r.int() == 1 && r.int() == 4736 && r.int() == -17)
        #expect(abs(try r.float() - 122.782) < 1e-4)
        #expect(try r.bool())
        #expect(r.atEnd)
    }

    @Test("the ResNet file: loss_metric_2, 150×150 input, 108 layers, 29 convolutions, fc 256→128")
    func resnet() throws {
        let net = try DlibNetwork(contentsOf: ModelFiles.resnet)
        #expect(net.loss == "loss_metric_2" && net.input.kind == "input_rgb_image_sized")
        #expect(net.input.size?.rows == 150 && abs(net.input.means.0 - 122.782) < 1e-3)
        #expect(net.layers.count == 108)
        #expect(net.layers.filter { if case .convolution = $0 { true } else { false } }.count == 29)
        guard case .fullyConnected(let inputs, let outputs, _, let bias) = net.layers.last else {
            Issue.record("last layer is not fc")
            return
        }
        #expect(inputs == 256 && outputs == 128 && bias == nil)
    }

    @Test("the MMOD file: one 80×80 window, NMS IoU 0.3382761351109955, BN folded, pyramid padding 10/11")
    func mmod() throws {
        let net = try DlibNetwork(contentsOf: ModelFiles.mmod)
        #expect(net.loss == "loss_mmod_")
        let options = try #require(net.mmod)
        #expect(options.windows.count == 1 && options.windows[0].width == 80 && options.windows[0].height == 80)
        #expect(options.nmsIoU == 0.3382761351109955 && !options.boundingBoxRegression)
        #expect(net.input.pyramidPadding?.inner == 10 && net.input.pyramidPadding?.outer == 11)
        #expect(net.layers.filter { if case .convolution = $0 { true } else { false } }.count == 7)
    }

    @Test("every truncation of the MMOD file is a typed error with a byte offset, never a crash")
    func truncation() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ModelFiles.mmod)))
        for length in stride(from: 0, to: bytes.count, by: 997) + [bytes.count - 1] {
            var reader = DlibReader(bytes: Array(bytes.prefix(length)), file: "mmod.dat")
            do {
                _ = try DlibNetwork(reading: &reader)
                Issue.record("a \(length)-byte prefix parsed")
            } catch {
                #expect(error.offset <= length && error.description.contains("mmod.dat: byte"))
            }
        }
    }

    @Test("corrupted bytes give errors, not crashes")
    func corruption() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ModelFiles.mmod)))
        var rng = UInt64(12345)
        for _ in 0..<200 {
            var copy = bytes
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            let position = Int(rng >> 33) % 4000  // the structured head, where corruption matters most
            copy[position] ^= UInt8(truncatingIfNeeded: rng >> 17) | 1
            var reader = DlibReader(bytes: copy, file: "mmod.dat")
            _ = try? DlibNetwork(reading: &reader)
        }
    }
}
