import Foundation

// SwiftPM gives executables its own entry point, which would shadow libFuzzer's main; hand control to
// libFuzzer explicitly instead (LLVMFuzzerRunDriver is part of the -sanitize=fuzzer runtime).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { fuzzJPEG($0, $1) }))
