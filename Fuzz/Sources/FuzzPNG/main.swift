import FuzzDriver

runLibFuzzer { fuzzPNG($0, $1) }
