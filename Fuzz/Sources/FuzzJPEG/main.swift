import FuzzDriver

runLibFuzzer { fuzzJPEG($0, $1) }
