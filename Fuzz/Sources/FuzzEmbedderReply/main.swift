import FuzzDriver

runLibFuzzer(seeds: embedderReplySeeds) { fuzzEmbedderReply($0, $1) }
