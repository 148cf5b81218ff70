/// One of dlib's CC0 model files from the PyPI package `face-recognition-models==0.3.0`, with the
/// size and SHA-256 that package publishes.
public struct ModelFile: Sendable, Hashable, Codable {
    /// The file name inside the models directory, e.g. `mmod_human_face_detector.dat`.
    public let name: String
    /// What the pipeline uses it for.
    public let role: String
    /// Its size in bytes.
    public let size: Int
    /// Its SHA-256, lower-case hex.
    public let sha256: String

    /// The MMOD CNN face detector.
    public static let detector = ModelFile(
        name: "mmod_human_face_detector.dat", role: "face detector (MMOD CNN)", size: 729_940,
        sha256: "4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6")
    /// The 5-point landmark regression-tree cascade.
    public static let landmarks5 = ModelFile(
        name: "shape_predictor_5_face_landmarks.dat", role: "5-point landmarks", size: 9_150_489,
        sha256: "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888")
    /// The 29-conv ResNet that maps a 150×150 chip to a 128-D descriptor.
    public static let descriptor = ModelFile(
        name: "dlib_face_recognition_resnet_model_v1.dat", role: "face descriptor (ResNet)", size: 22_466_066,
        sha256: "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30")

    /// Every file the native pipeline loads.
    public static let required: [ModelFile] = [.detector, .landmarks5, .descriptor]
}
