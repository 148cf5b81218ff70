import Foundation

/// Runs the built `faceaudit` executable as a user would, capturing what it prints.
public struct CommandResult: Sendable {
    /// Exit status.
    public let status: Int32
    /// Standard output.
    public let stdout: String
    /// Standard error.
    public let stderr: String
}

/// Starts built products of this package.
public enum CommandRunner {
    /// The folder holding built products (`.build/debug`): the test bundle runs from there.
    public static let productsDirectory: URL = {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = binary.deletingLastPathComponent()
        while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("faceaudit").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder.path == "/" ? TestPaths.repositoryRoot.appendingPathComponent(".build/debug") : folder
    }()

    /// Runs `faceaudit` with `arguments` and waits for it.
    public static func faceaudit(_ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("faceaudit")
        process.arguments = arguments
        process.currentDirectoryURL = TestPaths.repositoryRoot
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting so a large output cannot fill a pipe and block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
