import FuzzDriver

runLibFuzzer(seeds: shardPartialSeeds) { fuzzShardPartial($0, $1) }
