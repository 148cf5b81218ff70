import Foundation

// SwiftPM gives executables its own entry point, which would shadow libFuzzer's main; each target hands
// control to libFuzzer explicitly instead (LLVMFuzzerRunDriver is part of libFuzzer's runtime).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer with this process's arguments and `body` as the fuzz target; never returns.
///
/// With the two arguments `--make-seeds DIR` instead, writes every file of `seeds` (name → bytes) into DIR
/// and exits: targets whose inputs are best made by the code under test (a binary format with a
/// checksum, a serialized document) give `scripts/ci/fuzz` their starting corpus that way.
public func runLibFuzzer(
    seeds: () -> [String: [UInt8]] = { [:] }, _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> Never {
    let arguments = CommandLine.arguments
    if arguments.count == 3, arguments[1] == "--make-seeds" {
        for (name, bytes) in seeds() {
            let path = arguments[2] + "/" + name
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                fatalError("cannot write the seed \(path)")
            }
        }
        exit(0)
    }
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, body))
}
