"""Survival: R cross-checks (survfit, survdiff, cmprsk), Guyot validation, case-series helpers."""

import numpy as np
import pandas as pd
import pytest

from reanalysis import survival as sv

REF = __import__("pathlib").Path(__file__).parent / "reference"
DATA = pd.read_csv(REF / "survival_data.csv")
KM = pd.read_csv(REF / "km.csv")
MED = pd.read_csv(REF / "km_median.csv")


@pytest.mark.parametrize(
    "key", sorted(KM.groupby(["set", "conf_type", "level"]).groups), ids=lambda k: f"set{k[0]}-{k[1]}-{k[2]}"
)
def test_kaplan_meier_matches_survfit(key):
    s, conf_type, level = key
    d = DATA[DATA.set == s]
    res = sv.kaplan_meier(d.time, d.status, conf_type=conf_type, level=level)
    ref = KM[(KM.set == s) & (KM.conf_type == conf_type) & (KM.level == level)]
    merged = res.table.merge(ref, on="time", suffixes=("", "_r"), validate="one_to_one")
    assert len(merged) == len(ref) == len(res.table)
    for col in ["n_risk", "events", "censored", "survival", "std_err", "low", "high"]:
        np.testing.assert_allclose(
            merged[col].astype(float),
            merged[col + "_r"].astype(float),
            rtol=0,
            atol=1e-8,
            equal_nan=True,
            err_msg=col,
        )
    m = MED[(MED.set == s) & (MED.conf_type == conf_type) & (MED.level == level)].iloc[0]
    np.testing.assert_allclose(
        [res.median, res.median_low, res.median_high],
        [m["median"], m["median_low"], m["median_high"]],
        atol=1e-8,
        equal_nan=True,
    )


@pytest.mark.parametrize(
    "row", list(pd.read_csv(REF / "logrank.csv").itertuples()), ids=lambda r: f"set{r.set}"
)
def test_logrank_matches_survdiff(row):
    d = DATA[DATA.set == row.set]
    res = sv.logrank(d.time, d.status, d.group)
    assert res.statistic == pytest.approx(row.statistic, abs=1e-8) and res.pvalue == pytest.approx(
        row.pvalue, abs=1e-8
    )


@pytest.mark.parametrize(
    "key",
    sorted(pd.read_csv(REF / "cuminc.csv").groupby(["set", "cause"]).groups),
    ids=lambda k: f"set{k[0]}-cause{k[1]}",
)
def test_cumulative_incidence_matches_cuminc(key):
    ref = pd.read_csv(REF / "cuminc.csv")
    ref = ref[(ref.set == key[0]) & (ref.cause == key[1])].groupby("time").last().reset_index()
    d = DATA[DATA.set == key[0]]
    res = sv.cumulative_incidence(d.time, d.cause, event_of_interest=key[1])
    np.testing.assert_allclose(res.at(ref.time.to_numpy()), ref.est.to_numpy(), atol=1e-8)
    variance = sv._step(res.table.time.to_numpy(), res.table.variance.to_numpy(), ref.time.to_numpy(), 0.0)
    np.testing.assert_allclose(variance, ref["var"].to_numpy(), atol=1e-8)
    assert np.all(
        (res.table.low <= res.table.cumulative_incidence + 1e-12)
        & (res.table.cumulative_incidence <= res.table.high + 1e-12)
    )


def test_cumulative_response_without_competing_events_is_one_minus_km():
    d = DATA[DATA.set == 2]
    km = sv.kaplan_meier(d.time, d.status)
    cr = sv.cumulative_response(d.time, d.status)
    np.testing.assert_allclose(cr.at(km.table.time), 1 - km.table.survival, atol=1e-12)


def _simulated(seed, n=200, step=5):
    rng = np.random.default_rng(seed)
    t, c = rng.exponential(12, n), rng.uniform(5, 40, n)
    dur, ev = np.round(np.minimum(t, c), 2), (t <= c).astype(int)
    km = sv.kaplan_meier(dur, ev)
    steps = km.table[km.table.events > 0]
    # the digitised curve runs to its end (flat tail to the last follow-up), as the at-risk table needs
    curve = pd.DataFrame(
        {"time": [*steps.time, dur.max()], "survival": [*steps.survival, steps.survival.iloc[-1]]}
    )
    grid = np.arange(0, dur.max(), step)
    return dur, km, curve, pd.DataFrame({"time": grid, "n_risk": km.at_risk(grid)})


@pytest.mark.parametrize("seed", range(20))
def test_guyot_reconstruction_recovers_simulated_km(seed):
    dur, km, curve, at_risk = _simulated(seed)
    ipd = sv.reconstruct_ipd(curve, at_risk)
    assert len(ipd) == 200
    rec = sv.kaplan_meier(ipd.time, ipd.event)
    grid = np.linspace(0, dur.max(), 1000)
    assert np.max(np.abs(rec.survival_at(grid) - km.survival_at(grid))) < 0.02
    times = curve.time.to_numpy()
    i = np.searchsorted(times, km.median)
    step = max(np.diff(times[max(i - 1, 0) : i + 2]))
    assert abs(rec.median - km.median) <= step


def test_guyot_with_total_events_and_no_at_risk_table():
    dur, km, curve, _ = _simulated(3)
    ipd = sv.reconstruct_ipd(curve, n_start=200, total_events=int(km.events))
    assert len(ipd) == 200 and int(ipd.event.sum()) == km.events


def test_curve_cleaning_rule_and_errors():
    # a rise within the digitisation tolerance (0.02) is lowered; reconstruction.py tests a larger one
    noisy = pd.DataFrame({"time": [3, 1, 2, 4], "survival": [0.7, 0.9, 0.91, 0.5]})
    clean = sv.clean_curve(noisy)
    assert clean.time.tolist() == [0, 1, 2, 3, 4] and clean.survival.tolist() == [1, 0.9, 0.9, 0.7, 0.5]
    with pytest.raises(ValueError, match="divide a 0-100 scale by 100"):
        sv.clean_curve(pd.DataFrame({"time": [1], "survival": [90]}))
    with pytest.raises(ValueError, match="negative time"):
        sv.clean_curve(pd.DataFrame({"time": [-1], "survival": [0.9]}))
    with pytest.raises(ValueError, match="give at_risk"):
        sv.reconstruct_ipd(noisy)


def _patients(rows):
    cols = [
        "study_id",
        "arm_id",
        "patient_id",
        "time_to_response",
        "time_to_response_unit",
        "responded",
        "duration_of_response",
        "duration_unit",
        "response_ongoing",
        "follow_up",
        "follow_up_unit",
    ]
    return pd.DataFrame(rows, columns=cols)


def test_case_series_durations_censor_ongoing_responses():
    p = _patients(
        [
            ("s", "a", "1", 2, "day", True, 3, "month", False, 4, "month"),
            ("s", "a", "2", 9, "day", True, 27, "month", True, 28, "month"),
            ("s", "a", "3", None, None, False, None, None, None, 6, "month"),
        ]
    )
    dor = sv.case_series_durations(p, "duration_of_response", unit="month")
    assert dor.event.tolist() == [1, 0] and dor.duration.tolist() == [3, 27]
    ttr = sv.case_series_durations(p, "time_to_response", unit="day")
    assert ttr.event.tolist() == [1, 1, 0]


def test_case_series_impossible_rows_are_errors():
    late = _patients([("s", "a", "7", 200, "day", True, 1, "month", False, 4, "month")])
    with pytest.raises(ValueError, match="patient 7 .* after the end of follow-up"):
        sv.case_series_durations(late)
    neg = _patients([("s", "a", "8", -1, "day", True, 1, "month", False, 4, "month")])
    with pytest.raises(ValueError, match="patient 8 .* negative time to response"):
        sv.case_series_durations(neg)


def test_summary_level_statement_says_what_cannot_be_said():
    s = sv.summarise_published("time_to_response", "week", median=7.9, minimum=2.0, maximum=32.1)
    assert "median is 7.9 weeks" in s.statement and "2 to 32.1 weeks" in s.statement
    assert "Not recoverable" in s.statement


def test_bad_survival_input():
    with pytest.raises(ValueError, match="durations must be finite and non-negative"):
        sv.kaplan_meier([1, -2], [1, 1])
    with pytest.raises(ValueError, match="conf_type must be one of"):
        sv.kaplan_meier([1, 2], [1, 1], conf_type="arcsin")
