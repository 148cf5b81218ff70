#!/usr/bin/env python3
"""Reference values for FaceAudit's error regression (Sources/FaceAuditMetrics/ErrorRegression*.swift).

Generates a small seeded synthetic population (people with a gender, a region, an age, a person-level
latent propensity and 1-4 photos), its non-mated photo pairs (one Bernoulli false match each) and its mated
photo pairs (one Bernoulli false non-match each), fits statsmodels' Logit on the *ungrouped* photo pairs
with cluster-robust covariance - two-way by person for false matches (groups = the pair's two people,
lower index first), one-way by person for false non-matches - adds for false matches the dyadic-robust
covariance FaceAudit uses (computed in numpy from the ungrouped pair scores, keys dyadic_*), adds every term's
cluster-robust score test (numpy, key score_terms; statsmodels' score_test has no clustered covariance), and
writes the data and the expected results
to Tests/References/regression-statsmodels.json. FaceAudit's test reads that file; nothing here runs at
FaceAudit run time or in scripts/test.

Run through scripts/reference/regression-statsmodels (it creates the pinned venv).

The design columns (the Swift code builds the same ones; see ErrorRegression+Covariates.swift):
  false match:  intercept; per attribute, per non-reference level L: number of the pair's two people in L
                (0, 1 or 2); per attribute: same cohort (1 when both people share the level); the absolute
                age difference in years.
  false non-match: intercept; age at enrolment (the younger photo's age, years); years elapsed.
"""
import json
import sys

import numpy as np
import pandas as pd  # noqa: F401  (pinned with statsmodels; imported so a broken install fails here)
import scipy
import statsmodels
import statsmodels.api as sm

SEED = 20261202
rng = np.random.default_rng(SEED)

ATTRIBUTES = {"gender": ["male", "female"], "region": ["a", "b", "c"]}  # reference level first
PEOPLE = 50

people = []
for i in range(PEOPLE):
    people.append({
        "gender": int(rng.integers(0, 2)),
        "region": int(rng.integers(0, 3)),
        "age": int(rng.integers(18, 71)),
        "photos": int(rng.integers(1, 5)),
        "latent": float(rng.normal(0.0, 0.6)),
    })


def fm_row(a, b):
    row = [1.0]
    for name, levels in ATTRIBUTES.items():
        for level in range(1, len(levels)):
            row.append(float((a[name] == level) + (b[name] == level)))
    for name in ATTRIBUTES:
        row.append(float(a[name] == b[name]))
    row.append(float(abs(a["age"] - b["age"])))
    return row


fm_columns = ["intercept"]
fm_terms = []
for name, levels in ATTRIBUTES.items():
    cols = [f"{name}={levels[k]}" for k in range(1, len(levels))]
    fm_terms.append({"name": name, "columns": list(range(len(fm_columns), len(fm_columns) + len(cols)))})
    fm_columns += cols
for name in ATTRIBUTES:
    fm_terms.append({"name": f"same {name}", "columns": [len(fm_columns)]})
    fm_columns.append(f"same {name}")
fm_terms.append({"name": "age difference", "columns": [len(fm_columns)]})
fm_columns.append("age difference")

# Heterogeneous false-match probabilities: cohort effects plus both people's latent propensities.
true_fm = np.array([-3.2, 0.5, 0.3, -0.2, 0.6, 0.4, -0.02])
fm_pairs = []  # [first, second, photo pairs, false matches]
X, y, g = [], [], []
for i in range(PEOPLE):
    for j in range(i + 1, PEOPLE):
        a, b = people[i], people[j]
        x = fm_row(a, b)
        eta = float(np.dot(true_fm, x)) + a["latent"] + b["latent"]
        p = 1.0 / (1.0 + np.exp(-eta))
        m = a["photos"] * b["photos"]
        outcomes = rng.random(m) < p
        fm_pairs.append([i, j, m, int(outcomes.sum())])
        for o in outcomes:
            X.append(x)
            y.append(float(o))
            g.append([i, j])
X, y, g = np.array(X), np.array(y), np.array(g, dtype=int)

# Mated pairs: each person's photos are taken at ages age + offset (whole years); one pair per two photos.
fnm_columns = ["intercept", "age at enrolment", "years elapsed"]
fnm_terms = [{"name": "age at enrolment", "columns": [1]}, {"name": "years elapsed", "columns": [2]}]
true_fnm = np.array([-2.0, -0.015, 0.12])
fnm_pairs = []  # [person, age at enrolment, years elapsed, false non-match]
for i, person in enumerate(people):
    count = person["photos"] + 1  # at least two photos for mated pairs
    ages = sorted(person["age"] + int(rng.integers(0, 15)) for _ in range(count))
    for s in range(count):
        for t in range(s + 1, count):
            enrol, elapsed = ages[s], ages[t] - ages[s]
            eta = true_fnm[0] + true_fnm[1] * enrol + true_fnm[2] * elapsed + person["latent"]
            p = 1.0 / (1.0 + np.exp(-eta))
            fnm_pairs.append([i, enrol, elapsed, int(rng.random() < p)])
F = np.array([[1.0, r[1], r[2]] for r in fnm_pairs])
fy = np.array([float(r[3]) for r in fnm_pairs])
fg = np.array([r[0] for r in fnm_pairs], dtype=int)


def clustered_meat(scores, groups):
    """The meat of the clustered covariance from the ungrouped scores and its number of clusters G: one-way
    (groups a person per row) sum_q S_q S_q'; dyadic (groups two people per row) sum_q S_q S_q' - sum_d u_d u_d',
    u_d the scores summed over person pair d, S_q over the pairs that include person q."""
    K = scores.shape[1]
    if groups.ndim == 1:
        S = {}
        for row, q in zip(scores, groups):
            S[q] = S.get(q, 0.0) + row
        return sum(np.outer(v, v) for v in S.values()), len(S)
    dyads = {}
    for row, (a, b) in zip(scores, groups):
        dyads[(a, b)] = dyads.get((a, b), 0.0) + row
    people = sorted({q for d in dyads for q in d})
    S = {q: np.zeros(K) for q in people}
    meat = np.zeros((K, K))
    for (a, b), u in dyads.items():
        S[a] = S[a] + u
        S[b] = S[b] + u
        meat -= np.outer(u, u)
    for q in people:
        meat += np.outer(S[q], S[q])
    return meat, len(people)


def score_tests(X, y, groups, terms):
    """Each term's cluster-robust score (Rao) test, in numpy: beta~ the fit without the term (statsmodels, zeros
    at the term), U the full model's score and H its information at beta~, A = [I_T, -H_TR H_RR^-1], the meat
    of clustered_meat at beta~ (dyadic for false matches, one-way for false non-matches); statistic
    (A U)' (A meat A' * G/(G - 1) * (N - 1)/(N - K))^-1 (A U), chi-squared with as many df as columns. (statsmodels'
    own score_test has no clustered covariance.)"""
    N, K = X.shape
    tests = []
    for term in terms:
        c = term["columns"]
        keep = [j for j in range(K) if j not in c]
        reduced = sm.Logit(y, X[:, keep]).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
        beta = np.zeros(K)
        beta[keep] = reduced.params
        p = 1.0 / (1.0 + np.exp(-X @ beta))
        scores = X * (y - p)[:, None]
        H = (X * (p * (1.0 - p))[:, None]).T @ X
        A = np.zeros((len(c), K))
        A[:, c] = np.eye(len(c))
        A[:, keep] = -H[np.ix_(c, keep)] @ np.linalg.inv(H[np.ix_(keep, keep)])
        meat, G = clustered_meat(scores, groups)
        V = A @ meat @ A.T * G / (G - 1) * (N - 1) / (N - K)
        u = A @ scores.sum(0)
        statistic = float(u @ np.linalg.solve(V, u))
        tests.append({"name": term["name"], "score_statistic": statistic,
                      "score_p": float(scipy.stats.chi2.sf(statistic, len(c))) if statistic >= 0 else None})
    return {"score_terms": tests}


def dyadic(X, y, pairs, beta, terms):
    """The dyadic-robust covariance (Fafchamps & Gubert 2007; Aronow, Samii & Assenova 2015) at beta, in
    numpy from the ungrouped photo pairs: u_d = sum over person pair d's photo pairs of x (y - p); S_q = sum
    of u_d over the person pairs d that include person q (as first or second); meat = sum_q S_q S_q' -
    sum_d u_d u_d'; V = H^-1 meat H^-1 * G/(G - 1) * (N - 1)/(N - K), G people, N photo pairs, K columns.
    Wald tests use it with a chi-squared reference. Like the two-way estimate, the meat need not be positive
    semi-definite: a negative variance gives a null standard error, a negative statistic is written as is."""
    p = 1.0 / (1.0 + np.exp(-X @ beta))
    scores = X * (y - p)[:, None]
    bread = np.linalg.inv((X * (p * (1.0 - p))[:, None]).T @ X)
    meat, G = clustered_meat(scores, pairs)
    N, K = X.shape
    V = bread @ meat @ bread * G / (G - 1) * (N - 1) / (N - K)
    tests = []
    for term in terms:
        c = term["columns"]
        w = float(beta[c] @ np.linalg.solve(V[np.ix_(c, c)], beta[c]))
        tests.append({"name": term["name"], "wald_statistic": w,
                      "wald_p": float(scipy.stats.chi2.sf(w, len(c))) if w >= 0 else None})
    return {
        "dyadic_variances": [float(v) for v in np.diag(V)],
        "dyadic_standard_errors": [float(np.sqrt(v)) if v >= 0 else None for v in np.diag(V)],
        "dyadic_people": G,
        "dyadic_terms": tests,
    }


def fit(X, y, groups, terms):
    full = sm.Logit(y, X).fit(method="newton", tol=1e-12, maxiter=100, disp=0, cov_type="cluster",
                              cov_kwds={"groups": groups})
    tests = []
    for term in terms:
        keep = [c for c in range(X.shape[1]) if c not in term["columns"]]
        reduced = sm.Logit(y, X[:, keep]).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
        lr = 2.0 * (full.llf - reduced.llf)
        R = np.zeros((len(term["columns"]), X.shape[1]))
        for r, c in enumerate(term["columns"]):
            R[r, c] = 1.0
        wald = full.wald_test(R, scalar=True)
        tests.append({
            "name": term["name"], "df": len(term["columns"]),
            "lr_statistic": float(lr), "lr_p": float(scipy.stats.chi2.sf(lr, len(term["columns"]))),
            "wald_statistic": float(np.squeeze(wald.statistic)), "wald_p": float(np.squeeze(wald.pvalue)),
        })
    naive = sm.Logit(y, X).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
    return {
        "coefficients": [float(v) for v in full.params],
        "clustered_standard_errors": [float(v) for v in full.bse],
        "naive_standard_errors": [float(v) for v in naive.bse],
        "minus_two_log_likelihood": float(-2.0 * full.llf),
        "observations": int(len(y)),
        "events": int(y.sum()),
        "terms": tests,
    }


fm_expected = fit(X, y, g, fm_terms)
fm_expected.update(dyadic(X, y, g, np.array(fm_expected["coefficients"]), fm_terms))
fm_expected.update(score_tests(X, y, g, fm_terms))
fnm_expected = fit(F, fy, fg, fnm_terms)
fnm_expected.update(score_tests(F, fy, fg, fnm_terms))

out = {
    "generator": {
        "command": "scripts/reference/regression-statsmodels",
        "seed": SEED,
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
                     "pandas": pd.__version__, "statsmodels": statsmodels.__version__},
        "notes": "statsmodels Logit, cov_type='cluster', default use_correction; false match groups = "
                 "[[first, second]] (two-way, cov_cluster_2groups); false non-match groups = person (one-way). "
                 "False match dyadic_*: the dyadic-robust covariance at statsmodels' coefficients, computed "
                 "in numpy from the ungrouped pair scores (see dyadic() in the script)",
    },
    "attributes": [{"name": k, "levels": v} for k, v in ATTRIBUTES.items()],
    "people": [{"gender": p["gender"], "region": p["region"], "age": p["age"]} for p in people],
    "false_match": {"columns": fm_columns, "terms": fm_terms, "pairs": fm_pairs,
                    "expected": fm_expected},
    "false_non_match": {"columns": fnm_columns, "terms": fnm_terms, "pairs": fnm_pairs,
                        "expected": fnm_expected},
}
path = sys.argv[1] if len(sys.argv) > 1 else "Tests/References/regression-statsmodels.json"
with open(path, "w") as f:
    json.dump(out, f, indent=None, separators=(",", ":"), allow_nan=False)
    f.write("\n")
print(f"wrote {path}: {len(y)} non-mated photo pairs ({int(y.sum())} false matches), "
      f"{len(fy)} mated pairs ({int(fy.sum())} false non-matches)")
