/// The container formats FaceAudit decodes, recognised by their leading bytes, never by file name.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    /// Portable Network Graphics.
    case png
    /// JPEG (JFIF, Exif or Adobe), baseline or progressive.
    case jpeg

    /// Sniffs the format from the first bytes of a file; `nil` when it is neither PNG nor JPEG.
    public static func sniff<Bytes: Collection>(_ bytes: Bytes) -> ImageFormat? where Bytes.Element == UInt8 {
        let head = Array(bytes.prefix(8))
        if head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF { return .jpeg }
        return nil
    }

    /// The format a file name's extension promises, if it is one of ours.
    public static func fromExtension(of path: String) -> ImageFormat? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "png": return .png
        case "jpg", "jpeg", "jpe", "jfif": return .jpeg
        default: return nil
        }
    }
}
