import FuzzDriver

runLibFuzzer { fuzzManifest($0, $1) }
