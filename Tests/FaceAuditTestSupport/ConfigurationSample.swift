/// A benchmark file with every setting away from its default (each key once), shared by the round-trip
/// tests of files and of flags.
public enum ConfigurationSample {
    public static let toml = """
        # every setting
        dataset = "/data/set"
        layout = "utkface"
        card = "/data/card.json"
        scores = "/data/scores.csv"
        score_format = "bob5"
        dissimilarity = true
        simulated_subjects = 300
        pipeline = "external"
        models = "/models"
        upsample = 2
        face_policy = "confident"
        embedder_command = ["python3", "embed \\"x\\".py"]
        embedder_version = "7"
        embedder_timeout = 30.5
        embedder_startup_timeout = 90
        embedder_protocol = 1
        embeddings = "/data/t.npy"
        comparison = "euclidean"
        estimate_skin_tone = true
        dimensions = ["gender", "age_band"]
        age_bands = "0,18,65"
        min_subjects = 5
        target_fmr = [0.01, 1e-3]
        threshold = [0.6, 0.45]
        reference_cohort = "gender=male"
        bootstrap = 2_00
        seed = 9
        watchlist = true
        enrolled_share = 1
        target_fpir = [0.05]
        school_size = 800
        passes_per_day = 2
        school_days = 170
        watchlist_size = 20
        watchlist_mix = ["gender=female:0.7", "gender=male:0.3"]
        tracking_days = 30
        shard = "2/7"
        phase = "compare"
        tile_size = 64
        exact_pair_limit = 5000
        threads = 3
        cache = "/cache"
        no_cache = true
        out = "/out"
        export_scores = true
        allow_outside_paths = true
        """
}
