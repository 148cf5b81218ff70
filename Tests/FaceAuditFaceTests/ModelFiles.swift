import FaceAuditModelFiles
import Foundation

/// Paths of the installed dlib models (scripts/bootstrap installs and verifies them).
enum ModelFiles {
    static let directory = ModelDirectory.resolve(explicit: nil)
    static var resnet: String { directory.url(of: .descriptor).path }
    static var mmod: String { directory.url(of: .detector).path }
    static var shapePredictor: String { directory.url(of: .landmarks5).path }
}
