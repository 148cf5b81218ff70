import FaceAuditHashing
import FaceAuditImaging
import Foundation

/// What reading and decoding one image found.
public struct ImageCheck: Sendable, Hashable {
    /// The outcome for one file.
    public enum Outcome: Sendable, Hashable {
        /// Decoded: its size and Exif orientation.
        case decoded(width: Int, height: Int, orientation: ExifOrientation?)
        /// The file is not there.
        case missing
        /// The file is there but does not decode.
        case failed(ImageDecodingError)
    }

    /// The outcome.
    public let outcome: Outcome
    /// SHA-256 of the file's bytes, when it could be read.
    public let sha256: SHA256Digest?

    /// Reads, hashes and decodes the file at `path`.
    public static func run(path: String, decoder: ImageDecoder) -> ImageCheck {
        guard FileManager.default.fileExists(atPath: path) else { return ImageCheck(outcome: .missing, sha256: nil) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return ImageCheck(
                outcome: .failed(ImageDecodingError(code: .unreadable, file: path, reason: "cannot read the file")),
                sha256: nil)
        }
        let bytes = [UInt8](data)
        let digest = SHA256Digest(of: bytes)
        do {
            let decoded = try decoder.decode(bytes, file: path)
            return ImageCheck(
                outcome: .decoded(width: decoded.image.width, height: decoded.image.height, orientation: decoded.exifOrientation),
                sha256: digest)
        } catch {
            return ImageCheck(outcome: .failed(error), sha256: digest)
        }
    }
}
