import FuzzDriver

runLibFuzzer(seeds: npySeeds) { fuzzNpy($0, $1) }
