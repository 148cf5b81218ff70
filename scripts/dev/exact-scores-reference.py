#!/usr/bin/env python3
"""Writes the float64 NumPy reference that `ExactScoreTests` compares FaceAudit's all-pairs run with.

    scripts/dev/exact-scores-reference.py [OUT.json]     (needs numpy; default Tests/References/exact-scores-20000.json)

The templates are SIMULATED and regenerated bit for bit by the Swift test (`ExactScoreSet`), so only
the generator's parameters and the expected numbers are committed:

- SplitMix64 from `seed`; draw k is the k-th output of the stream.
- u(x) = ((x >> 40) - 2**23) / 2**23: a 24-bit uniform value in [-1, 1), exact in float32.
- Draws are taken in this order: for every cohort c (gender-major: female then male, each with
  group_a..group_d) `dimension` draws for its direction g_c; then for every subject p in 0..<subjects
  `dimension` draws for its centre c_p, then `dimension` draws of noise e for each of its photos.
- Subject p has gender genders[p % 2] and group groups[(p // 2) % 4]; image i = 2p + k.
- template = float32(c_p + likeness[group] * g_c + noise[gender] * e), summed in float64. The
  coefficients are dyadic, so the float64 sum is exact and one rounding to float32 remains.

Scores are float64 NumPy, as dlib's users compute them: Euclidean distance
`np.linalg.norm(a.astype(np.float64) - b.astype(np.float64))`, cosine similarity
`a64 @ b64 / (np.linalg.norm(a64) * np.linalg.norm(b64))`. Thresholds follow bob.measure's
`far_threshold` (largest achievable FMR <= target, tie blocks whole) over all non-mated pairs; counts
accept when similarity >= tau (distance <= tau). A cohort's FMR counts non-mated pairs with both images
in it; its FNMR counts its mated pairs.
"""
import json
import os
import sys

import numpy as np

PARAMETERS = {
    "seed": 14,
    "dimension": 128,
    "subjects": 10_000,
    "photos_per_subject": 2,
    "genders": ["female", "male"],
    "groups": ["group_a", "group_b", "group_c", "group_d"],
    # Multiples of 1/8 and 1/16: exact in float64 with the 24-bit draws.
    "likeness": {"group_a": 0.125, "group_b": 0.25, "group_c": 0.375, "group_d": 0.5},
    "noise": {"female": 1.125, "male": 1.0},
    "targets": [1e-2, 1e-3, 1e-4],
}
MASK = (1 << 64) - 1


def splitmix64(seed, count):
    """The first `count` outputs of SplitMix64 from `seed`, vectorised (uint64 arithmetic wraps)."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + np.arange(1, count + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def templates(p):
    d, subjects, photos = p["dimension"], p["subjects"], p["photos_per_subject"]
    genders, groups = p["genders"], p["groups"]
    cohorts = len(genders) * len(groups)
    per_subject = d * (1 + photos)
    draws = splitmix64(p["seed"], cohorts * d + subjects * per_subject)
    u = ((draws >> np.uint64(40)).astype(np.int64) - (1 << 23)).astype(np.float64) / float(1 << 23)
    directions = u[: cohorts * d].reshape(cohorts, d)
    rest = u[cohorts * d :].reshape(subjects, 1 + photos, d)
    rows = np.empty((subjects * photos, d), dtype=np.float32)
    labels = []
    for s in range(subjects):
        gender, group = genders[s % 2], groups[(s // 2) % 4]
        c = (s % 2) * len(groups) + groups.index(group)
        for k in range(photos):
            v = rest[s, 0] + p["likeness"][group] * directions[c] + p["noise"][gender] * rest[s, 1 + k]
            rows[s * photos + k] = v.astype(np.float32)
            labels.append((s, gender, group))
    return rows, labels


def far_threshold(descending, n, target):
    """bob's far_threshold on similarities, given the highest ones in descending order (enough of them)."""
    allowed = int(np.floor(target * n))
    while allowed + 1 <= n and (allowed + 1) / n <= target:
        allowed += 1
    while allowed > 0 and allowed / n > target:
        allowed -= 1
    if allowed == 0:
        return np.nextafter(descending[0], np.inf)
    value = descending[allowed - 1]
    if allowed < len(descending) and descending[allowed] == value:
        above = descending[descending > value]
        return above[-1] if len(above) else np.nextafter(descending[0], np.inf)
    return value


def scores(metric, x64, first, second):
    """Exact float64 scores of pairs (first[k], second[k]) as similarities (distances negated)."""
    out = np.empty(len(first))
    for start in range(0, len(first), 100_000):
        a, b = x64[first[start : start + 100_000]], x64[second[start : start + 100_000]]
        if metric == "euclidean_distance":
            out[start : start + 100_000] = [-np.linalg.norm(a[k] - b[k]) for k in range(len(a))]
        else:
            out[start : start + 100_000] = [a[k] @ b[k] / (np.linalg.norm(a[k]) * np.linalg.norm(b[k])) for k in range(len(a))]
    return out


def reference(metric, x, labels, p):
    n_images = len(x)
    x64 = x.astype(np.float64)
    subject = np.array([l[0] for l in labels])
    cohort_names = [f"gender={g};ethnicity={e}" for g in p["genders"] for e in p["groups"]]
    cohort = np.array([cohort_names.index(f"gender={l[1]};ethnicity={l[2]}") for l in labels])
    norms = np.sqrt(np.einsum("ij,ij->i", x64, x64))
    squared = norms**2
    non_mated = n_images * (n_images - 1) // 2 - len(set(subject)) * (p["photos_per_subject"] * (p["photos_per_subject"] - 1) // 2)
    # Screen all pairs with float64 Gram products (error ~1e-14), keeping every pair within a margin of
    # a cut-off well below the loosest threshold; then score the candidates exactly.
    keep = int(max(p["targets"]) * non_mated * 1.3) + 1000
    sample = []
    candidates_first, candidates_second = [], []
    block = 1024
    cut = None
    for start in range(0, n_images, block):
        rows = slice(start, min(start + block, n_images))
        g = x64[rows] @ x64.T
        approx = (g / np.outer(norms[rows], norms)) if metric == "cosine_similarity" else -np.sqrt(
            np.maximum(squared[rows, None] + squared[None, :] - 2 * g, 0))
        i, j = np.indices(approx.shape)
        i += start
        upper = j > i
        valid = upper & (subject[i] != subject[j])
        if cut is None:
            values = np.sort(approx[valid])[::-1]
            # The first block holds ~10% of pairs: its keep/10-th highest, lowered generously.
            cut = values[min(len(values) - 1, int(keep * len(values) / non_mated))] - 0.02
        chosen = valid & (approx >= cut - 1e-9)
        candidates_first.append(i[chosen])
        candidates_second.append(j[chosen])
    first = np.concatenate(candidates_first)
    second = np.concatenate(candidates_second)
    exact = scores(metric, x64, first, second)
    order = np.argsort(-exact, kind="stable")
    descending = exact[order]
    assert len(descending) > keep, (len(descending), keep)
    mf, ms = [], []
    for s in range(p["subjects"]):
        base = s * p["photos_per_subject"]
        for a in range(p["photos_per_subject"]):
            for b in range(a + 1, p["photos_per_subject"]):
                mf.append(base + a)
                ms.append(base + b)
    mf, ms = np.array(mf), np.array(ms)
    mated = scores(metric, x64, mf, ms)
    points = []
    sign = -1 if metric == "euclidean_distance" else 1
    for target in p["targets"]:
        tau = far_threshold(descending, non_mated, target)
        # Every non-mated pair at or above tau is a candidate: tau is far above the screening cut.
        assert tau > cut + 1e-6, (tau, cut)
        accepted = exact >= tau
        cohorts = []
        for c, name in enumerate(cohort_names):
            within = accepted & (cohort[first] == c) & (cohort[second] == c)
            in_cohort = cohort[mf] == c
            cohorts.append({
                "cohort": name,
                "fmr_errors": int(within.sum()),
                "fnmr_errors": int((mated[in_cohort] < tau).sum()),
                "fnmr_trials": int(in_cohort.sum()),
            })
        points.append({
            "target_fmr": target,
            "threshold": float(sign * tau),
            "fmr_errors": int(accepted.sum()),
            "fnmr_errors": int((mated < tau).sum()),
            "cohorts": cohorts,
        })
        # How close the nearest other score lies to tau (a count is robust to last-bit differences only
        # when no score sits within a few ulps of it).
        others = np.abs(np.concatenate([exact, mated]) - tau)
        others = others[others > 0]
        points[-1]["nearest_other_score"] = float(others.min())
    cohort_fmr_trials = []
    for c in range(len(cohort_names)):
        members = (cohort == c).sum()
        subjects_in = len(set(subject[cohort == c]))
        cohort_fmr_trials.append(int(members * (members - 1) // 2 - subjects_in * (p["photos_per_subject"] * (p["photos_per_subject"] - 1) // 2)))
    for point in points:
        for c, entry in enumerate(point["cohorts"]):
            entry["fmr_trials"] = cohort_fmr_trials[c]
    return {"non_mated_pairs": non_mated, "mated_pairs": len(mf), "points": points}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "References", "exact-scores-20000.json")
    x, labels = templates(PARAMETERS)
    result = {
        "generator": "scripts/dev/exact-scores-reference.py",
        "numpy": np.__version__,
        "parameters": PARAMETERS,
        "template_checksum": float(x.astype(np.float64).sum()),
        "first_template_head": [float(v) for v in x[0, :4]],
        "metrics": {m: reference(m, x, labels, PARAMETERS) for m in ["euclidean_distance", "cosine_similarity"]},
    }
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
