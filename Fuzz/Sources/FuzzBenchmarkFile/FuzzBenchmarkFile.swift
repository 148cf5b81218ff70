import FaceAuditConfiguration
import Foundation

/// libFuzzer entry point for the benchmark-file readers: the first byte picks TOML, YAML or JSON, the rest is
/// the text. It must decode into settings that survive the JSON round trip a shard partial makes of them, or
/// throw a ``RunError`` with a message; never crash.
func fuzzBenchmarkFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let formats = RunConfiguration.FileFormat.allCases
    let format = formats[Int(data[0]) % formats.count]
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let configuration: RunConfiguration
    do {
        configuration = try RunConfiguration.decode(text, format: format, file: "fuzz.\(format.rawValue)")
    } catch {
        precondition(!error.message.isEmpty)
        return 0
    }
    // What ShardPartial stores and reads back (JSON of the settings); settings JSON cannot hold are skipped.
    guard let json = try? JSONEncoder().encode(configuration) else { return 0 }
    do {
        let again = try RunConfiguration.decode(String(decoding: json, as: UTF8.self), format: .json, file: "fuzz.json")
        precondition(again == configuration, "the JSON round trip changed the settings: \(String(decoding: json, as: UTF8.self))")
    } catch {
        preconditionFailure("settings decoded from \(format) do not read back from their JSON: \(error.message)")
    }
    return 0
}

/// One small benchmark file per format (the first byte selects it: 0 TOML, 1 YAML, 2 JSON).
func benchmarkFileSeeds() -> [String: [UInt8]] {
    let toml = """
        dataset = "data/set"
        out = "out"
        target_fmr = [0.01, 1e-3]
        dimensions = ["gender", "age_band"]
        bootstrap = 200
        watchlist = true
        shard = "2/7"

        """
    let yaml = """
        dataset: data/set
        out: out
        target_fmr: [0.01, 0.001]
        age_bands: "0,18,65"
        threads: 2
        embedder_command: [python3, embed.py]

        """
    let json = #"{"dataset": "data/set", "out": "out", "target_fmr": [0.01], "comparison": "euclidean", "tile_size": 64}"#
    return ["seed.toml": [0] + Array(toml.utf8), "seed.yaml": [1] + Array(yaml.utf8), "seed.json": [2] + Array(json.utf8)]
}
