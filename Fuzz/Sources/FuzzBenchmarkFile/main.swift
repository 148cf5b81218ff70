import FuzzDriver

runLibFuzzer(seeds: benchmarkFileSeeds) { fuzzBenchmarkFile($0, $1) }
