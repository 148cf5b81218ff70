/// Which face represents an image in which the detector found several.
public enum FacePolicy: String, Sendable, Codable, CaseIterable {
    /// The largest rectangle.
    case largest
    /// The highest detector confidence.
    case confident
}
