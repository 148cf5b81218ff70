import CCrypto
import Foundation

/// A SHA-256 digest, computed by the system's libcrypto (OpenSSL).
///
/// Used for content hashes (duplicate images, cache keys) and for verifying model files against
/// their published checksums.
public struct SHA256Digest: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// Lower-case hexadecimal, 64 characters: the form `sha256sum` prints.
    public var hex: String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    public var description: String { hex }

    /// The digest of a buffer.
    public init<Bytes: ContiguousBytes>(of data: Bytes) {
        var hasher = SHA256Hasher()
        data.withUnsafeBytes { hasher.update($0) }
        self = hasher.finalize()
    }

    /// The digest of a file, read in 1 MiB blocks so large model files never sit in memory whole.
    public init(ofFileAt path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hasher = SHA256Hasher()
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            block.withUnsafeBytes { hasher.update($0) }
        }
        self = hasher.finalize()
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Encodes as the hex string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    /// Decodes from a 64-character hex string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let digest = SHA256Digest(hex: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a SHA-256 hex digest: \(text)")
        }
        self = digest
    }

    /// Parses 64 hex characters; `nil` for anything else.
    public init?(hex: String) {
        let chars = Array(hex.utf8)
        guard chars.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for i in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }
}

/// Incremental SHA-256 over libcrypto's EVP interface: the digest of every buffer given to
/// ``update(_:)``, in order, as if joined.
public struct SHA256Hasher: ~Copyable {
    private let context: OpaquePointer

    /// Starts an empty digest.
    public init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("libcrypto could not initialise SHA-256")
        }
        self.context = context
    }

    /// Adds the bytes of `buffer`.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        EVP_DigestUpdate(context, base, buffer.count)
    }

    /// The digest of every byte added.
    public consuming func finalize() -> SHA256Digest {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return SHA256Digest(bytes: digest)
    }

    deinit { EVP_MD_CTX_free(context) }
}
