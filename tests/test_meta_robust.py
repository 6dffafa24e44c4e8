"""Meta-analysis at scale (k = 1,000 against metafor; O(k) memory) and its input checks."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reanalysis import meta

REF = Path(__file__).parent / "reference"
DATA = pd.read_csv(REF / "meta_large_data.csv")


def _close(a, b, tol=1e-8):
    return abs(a - b) <= tol * max(1.0, abs(b))


@pytest.mark.parametrize(
    "row",
    list(pd.read_csv(REF / "meta_large.csv").itertuples(index=False)),
    ids=lambda r: f"{r.measure}-{r.method}-{r.test}",
)
def test_k1000_matches_metafor(row):
    # tests/reference/meta_large.R: metafor::rma on 1,000 simulated studies (threshold 1e-12).
    knha = row.test == "knha"
    if row.measure == "OR":
        res = meta.pool_effects(
            DATA.events1, DATA.totals1, DATA.events2, DATA.totals2, method=row.method, hartung_knapp=knha
        )
    else:
        res = meta.pool_proportions(DATA.events1, DATA.totals1, method=row.method, hartung_knapp=knha)
    for ours, theirs in [
        (res.estimate_transformed, row.estimate),
        (res.se, row.se),
        (res.low_transformed, row.ci_lb),
        (res.high_transformed, row.ci_ub),
        (res.tau2, row.tau2),
        (res.i2, row.i2),
        (res.q, row.q),
        (res.q_pvalue, row.q_p),
        (res.pi_low_transformed, row.pi_lb),
        (res.pi_high_transformed, row.pi_ub),
    ]:
        assert _close(ours, theirs), (ours, theirs)


def test_reml_information_equals_the_matrix_form():
    # 0.5 tr(P P), P = W - w w' / sum(w): the O(k) expansion used by _tau2 equals the k x k form.
    rng = np.random.default_rng(3)
    w = rng.uniform(0.1, 50, 300)
    pmat = np.diag(w) - np.outer(w, w) / w.sum()
    matrix = 0.5 * np.sum(pmat * pmat)
    sw, sw2 = w.sum(), np.sum(w * w)
    assert 0.5 * (sw2 - 2 * np.sum(w**3) / sw + (sw2 / sw) ** 2) == pytest.approx(matrix, rel=1e-12)


@pytest.mark.parametrize("method", ["DL", "REML", "PM"])
def test_large_k_runs_in_linear_memory(method):
    # Issue 11 item 9: REML at k = 1e4 built k x k matrices (2.4 GB); now vectors only (timing in
    # benchmarks/bench_synthesis.py).
    rng = np.random.default_rng(1)
    n = rng.integers(20, 200, 20_000)
    x = rng.binomial(n, rng.uniform(0.2, 0.8, n.size))
    res = meta.pool_proportions(x, n, method=method, hartung_knapp=True)
    assert res.k == 20_000 and res.tau2 > 0 and len(res.studies) == 20_000
    assert res.studies["weight_percent"].sum() == pytest.approx(100)


def test_labels_and_per_study_table():
    res = meta.pool_proportions([42, 20], [64, 26], transform="freeman-tukey", labels=["HPAG", "EPAG"])
    assert res.studies["study"].tolist() == ["HPAG", "EPAG"]
    # Each study's Freeman-Tukey estimate back-transforms to its own proportion (metafor transf.ipft).
    assert res.studies["estimate"].tolist() == pytest.approx([42 / 64, 20 / 26])


# --------------------------------------------------------------------------------------------
# Bad input: one-line ValueError naming the argument
# --------------------------------------------------------------------------------------------

BAD_PROPORTIONS = [
    (dict(events=None), "events"),
    (dict(events="42;20"), "events"),
    (dict(events=[True, 20]), "events[0]"),
    (dict(events=[42.5, 20]), "events[0]"),
    (dict(events=[42, math.nan]), "events[1]"),
    (dict(events=[42, math.inf]), "events[1]"),
    (dict(events=[-1, 20]), "events[0]"),
    (dict(events=[42, "20"]), "events[1]"),
    (dict(events=[42, None]), "events[1]"),
    (dict(events=[]), "events"),
    (dict(events=[[42, 20]]), "events"),
    (dict(events=[42]), "same length"),
    (dict(totals=[64, 0]), "totals[1]"),
    (dict(totals=[64, 10**400]), "totals[1]"),
    (dict(events=[65, 20]), "events[0] (65) must not exceed totals[0] (64)"),
    (dict(labels=["HPAG"]), "labels"),
    (dict(labels=["a", "b", "c"]), "labels"),
    (dict(labels="HPAG"), "labels"),
    (dict(labels=5), "labels"),
    (dict(hartung_knapp="yes"), "hartung_knapp"),
    (dict(hartung_knapp=1), "hartung_knapp"),
    (dict(level=95), "level"),
    (dict(level=math.nan), "level"),
    (dict(method="ML"), "method"),
    (dict(transform="log"), "transform"),
]


@pytest.mark.parametrize("change,name", BAD_PROPORTIONS, ids=[str(c) for c, _ in BAD_PROPORTIONS])
def test_pool_proportions_rejects_bad_input(change, name):
    args = {**dict(events=[42, 20], totals=[64, 26]), **change}
    with pytest.raises(ValueError) as excinfo:
        meta.pool_proportions(**args)
    msg = str(excinfo.value)
    assert "\n" not in msg and name in msg, msg


BAD_EFFECTS = [
    (dict(events2=[31]), "events2 and totals2"),
    (dict(events2=[31], totals2=[42]), "events1 and events2"),
    (dict(totals2=[42, 0]), "totals2[1]"),
    (dict(events1=np.array([1.5, 2])), "events1[0]"),
    (dict(measure="hr"), "measure"),
    (dict(labels=["x"]), "labels"),
    (dict(hartung_knapp=True, events1=[42], totals1=[64], events2=[31], totals2=[42]), "hartung_knapp"),
]


@pytest.mark.parametrize("change,name", BAD_EFFECTS, ids=[str(c) for c, _ in BAD_EFFECTS])
def test_pool_effects_rejects_bad_input(change, name):
    args = {**dict(events1=[42, 20], totals1=[64, 26], events2=[31, 12], totals2=[42, 30]), **change}
    with pytest.raises(ValueError) as excinfo:
        meta.pool_effects(**args)
    msg = str(excinfo.value)
    assert "\n" not in msg and name in msg, msg


@settings(max_examples=60, deadline=None)
@given(
    studies=st.lists(st.tuples(st.integers(1, 5000), st.floats(0, 1)), min_size=1, max_size=12),
    method=st.sampled_from(meta.TAU2_METHODS),
    transform=st.sampled_from(["logit", "freeman-tukey"]),
    hk=st.booleans(),
)
def test_pool_proportions_properties(studies, method, transform, hk):
    n = [s[0] for s in studies]
    x = [round(s[1] * s[0]) for s in studies]
    if hk and len(n) < 2:
        with pytest.raises(ValueError, match="hartung_knapp"):
            meta.pool_proportions(x, n, method=method, transform=transform, hartung_knapp=hk)
        return
    res = meta.pool_proportions(x, n, method=method, transform=transform, hartung_knapp=hk)
    assert res.tau2 >= 0 and 0 <= res.i2 <= 100
    assert res.low_transformed <= res.estimate_transformed <= res.high_transformed
    assert res.pi_low_transformed <= res.low_transformed and res.high_transformed <= res.pi_high_transformed
    assert 0 <= res.low <= res.estimate <= res.high <= 1
    assert res.studies["weight_percent"].sum() == pytest.approx(100)
