import FaceAuditFiles
import Foundation
import Testing

/// From a hostile-input review: a Foundation file error without a system cause printed its localized text,
/// "The operation could not be completed. (NSCocoaErrorDomain error 512.)".
@Suite("ErrorText.line: a file error without a system cause")
struct ErrorTextLineTests {
    @Test(
        "says what failed in words",
        arguments: [
            (CocoaError.Code.fileWriteUnknown, "cannot be written"), (.fileWriteNoPermission, "Permission denied"),
            (.fileReadNoSuchFile, "No such file or directory"), (.fileReadUnknown, "cannot be read"),
        ])
    func words(code: CocoaError.Code, says: String) {
        let line = ErrorText.line(CocoaError(code, userInfo: [NSFilePathErrorKey: "/x"]))
        #expect(line == says)
        #expect(!line.contains("NSCocoaErrorDomain") && !line.contains("could not be completed"))
    }
}
