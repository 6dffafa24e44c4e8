"""Time to response and duration of response: Kaplan-Meier, cumulative incidence, log-rank, IPD.

- :func:`kaplan_meier` — product-limit estimate (lifelines' event table) with Greenwood standard
  errors and R ``survfit``'s three CI types ("log", R's default; "log-log", lifelines' default;
  "plain"), and the median with its Brookmeyer-Crowley CI computed exactly as
  ``survival:::quantile.survfit`` does.
- :func:`cumulative_response` / :func:`cumulative_incidence` — probability of response over time:
  1 - KM without competing events, Aalen-Johansen when death or transplant before response
  competes (point estimates as ``cmprsk::cuminc``).
- :func:`logrank` — log-rank test as ``survival::survdiff`` (lifelines).
- ``reconstruct_ipd`` / ``clean_curve`` — now in :mod:`reanalysis.reconstruction` (Guyot et al.,
  BMC Med Res Methodol 2012;12:9), still importable from here.
- :func:`case_series_durations` — per-patient case-series rows to durations and events.
- :func:`summarise_published` — what a published median and range can and cannot say.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
from scipy import stats

from . import _checks
from ._results import Result

CONF_TYPES = ("log", "log-log", "plain")
_R_TOL = math.sqrt(np.finfo(float).eps)  # survival:::quantile.survfit's tolerance


def _durations_events(durations, events, name="durations"):
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events)
    if t.ndim != 1 or e.shape != t.shape or len(t) == 0:
        raise ValueError(f"{name} and events must be one-dimensional, non-empty and of equal length")
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        bad = int(np.flatnonzero(~np.isfinite(t) | (t < 0))[0])
        raise ValueError(f"{name}[{bad}] = {t[bad]!r}: durations must be finite and non-negative")
    if not np.all((e == 0) | (e == 1)):
        raise ValueError("events must be 0/1 (1 = event observed, 0 = censored)")
    return t, e.astype(int)


@dataclasses.dataclass(frozen=True)
class KaplanMeierResult(Result):
    conf_type: str
    level: float
    n: int
    events: int
    median: float
    median_low: float
    median_high: float
    table: pd.DataFrame = dataclasses.field(repr=False, compare=False)

    def survival_at(self, times) -> np.ndarray:
        """Survival probability at each time (right-continuous step function)."""
        return _step(self.table["time"].to_numpy(), self.table["survival"].to_numpy(), times, 1.0)

    def at_risk(self, times) -> np.ndarray:
        """Number at risk at each time (patients with duration >= t)."""
        times = _times(times)
        tab_t = self.table["time"].to_numpy()
        n_risk = np.append(self.table["n_risk"].to_numpy(), 0)
        return n_risk[np.searchsorted(tab_t, times, side="left")].astype(int)


def _times(at, name="times"):
    try:
        at = np.atleast_1d(np.asarray(at, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, got {at!r}") from None
    bad = np.flatnonzero(np.isnan(at))
    if len(bad):
        raise ValueError(f"{name}[{int(bad[0])}] is NaN: give the times at which to evaluate the curve")
    return at


def _step(x, y, at, before):
    at = _times(at)
    idx = np.searchsorted(x, at, side="right") - 1
    return np.where(idx >= 0, y[np.clip(idx, 0, None)], before)


def kaplan_meier(durations, events, conf_type: str = "log", level: float = 0.95) -> KaplanMeierResult:
    """Kaplan-Meier estimate with R-compatible confidence intervals and median.

    Parameters
    ----------
    durations : array-like of float
        Time from start to event or censoring (any unit; results are in the same unit).
    events : array-like of 0/1
        1 = event observed (e.g. response), 0 = censored (e.g. response ongoing at last visit).
    conf_type : {"log", "log-log", "plain"}
        Transformation for the pointwise CI, as R ``survfit(conf.type=)``; "log" is R's default.
    level : float
        Confidence level.

    Returns
    -------
    KaplanMeierResult
        ``table`` (time, n_risk, events, censored, survival, std_err, low, high; ``std_err`` is
        Greenwood's standard error of the cumulative hazard, R's ``std.err``), ``median`` with
        ``median_low``/``median_high`` (NaN when not reached), ``survival_at``, ``at_risk``.
    """
    from lifelines import KaplanMeierFitter

    t, e = _durations_events(durations, events)
    conf_type = _checks.choice(conf_type, "conf_type", CONF_TYPES)
    level = _checks.level(level)
    kmf = KaplanMeierFitter().fit(t, e)
    et = kmf.event_table
    et = et[et.index > 0] if not ((t == 0).any()) else et
    times = et.index.to_numpy(dtype=float)
    n_risk = et["at_risk"].to_numpy(dtype=float)
    d = et["observed"].to_numpy(dtype=float)
    cens = et["censored"].to_numpy(dtype=float)
    surv = kmf.survival_function_at_times(times).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        varhaz = np.cumsum(np.where(d > 0, d / (n_risk * (n_risk - d)), 0.0))
    se = np.sqrt(varhaz)
    z = stats.norm.isf((1 - level) / 2)
    low, high = _bands(surv, se, z, conf_type)
    table = pd.DataFrame(
        {
            "time": times,
            "n_risk": n_risk.astype(int),
            "events": d.astype(int),
            "censored": cens.astype(int),
            "survival": surv,
            "std_err": se,
            "low": low,
            "high": high,
        }
    )
    med = _findq(times, surv, 0.5)
    med_low = _findq(times, low, 0.5)
    med_high = _findq(times, high, 0.5)
    return KaplanMeierResult(conf_type, level, len(t), int(e.sum()), med, med_low, med_high, table)


def _bands(surv, se, z, conf_type):
    # Transcribed from survival:::survfit_confint (R survival 3.x).
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "plain":
            return np.maximum(surv - z * se * surv, 0.0), np.minimum(surv + z * se * surv, 1.0)
        if conf_type == "log":
            ok = surv > 0
            low = np.where(ok, np.exp(np.log(surv) - z * se), np.nan)
            high = np.where(ok, np.minimum(np.exp(np.log(surv) + z * se), 1.0), np.nan)
            return low, high
        ok = (surv > 0) & (surv < 1)
        xx = np.where(ok, surv, 0.5)
        ll = np.log(-np.log(xx))
        low = np.where(ok, np.exp(-np.exp(ll - z * se / np.log(xx))), np.nan)
        high = np.where(ok, np.exp(-np.exp(ll + z * se / np.log(xx))), np.nan)
        return low, high


def _findq(time, surv, p, firstx=0.0):
    # survival:::findq: the quantile of a step function, averaging when the curve is flat at p.
    x = np.concatenate([[firstx], time])
    y = np.concatenate([[0.0], 1 - np.asarray(surv, dtype=float)])
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    if len(y) == 0 or np.max(y) < p:
        return math.nan
    xmax = x[-1]
    _, first = np.unique(y, return_index=True)
    first = np.sort(first)
    x, y = x[first], y[first]

    def approx_index(shift):
        xs = y + shift
        if p < xs[0] or p > xs[-1]:
            return None
        return int(np.searchsorted(xs, p, side="left"))

    i1, i2 = approx_index(_R_TOL), approx_index(-_R_TOL)
    if i1 is None or i2 is None:
        return math.nan
    q = (x[i1] + x[i2]) / 2
    if p == 0:
        q = x[0]
    if abs(p - y[-1]) < _R_TOL:
        q = (x[i1] + xmax) / 2
    return float(q)


# --------------------------------------------------------------------------------------------
# Cumulative incidence
# --------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class CumulativeIncidenceResult(Result):
    event_of_interest: int
    level: float
    n: int
    table: pd.DataFrame = dataclasses.field(repr=False, compare=False)

    def at(self, times) -> np.ndarray:
        return _step(self.table["time"].to_numpy(), self.table["cumulative_incidence"].to_numpy(), times, 0.0)


def cumulative_incidence(
    durations, event_type, event_of_interest=1, level: float = 0.95
) -> CumulativeIncidenceResult:
    """Aalen-Johansen cumulative incidence of one event type in the presence of competing ones.

    ``event_type`` is 0 for censored and a positive code per event type (e.g. 1 = response,
    2 = death or transplant before response). Point estimates and variances equal
    ``cmprsk::cuminc``'s (Gray's variance estimator); the pointwise CI is built on the log(-log)
    scale from that variance, so it stays inside [0, 1].

    The estimator is written out here rather than taken from lifelines' AalenJohansenFitter
    because that fitter breaks tied event times by adding random jitter, which would make the
    estimates differ from cmprsk and from run to run.
    """
    c = np.asarray(event_type)
    if c.ndim != 1 or not np.issubdtype(c.dtype, np.number) or not np.all(c == np.round(c)) or np.any(c < 0):
        raise ValueError("event_type must hold non-negative integer codes (0 = censored)")
    c = c.astype(int)
    t, _ = _durations_events(durations, (c > 0).astype(int))
    if event_of_interest == 0 or not np.any(c == event_of_interest):
        raise ValueError(f"event_of_interest={event_of_interest!r} does not occur in event_type")
    level = _checks.level(level)
    # Event table in O(n log n): one sort, counts per distinct time, risk sets by reverse cumsum.
    times, inverse = np.unique(t, return_inverse=True)
    n_risk = len(t) - np.concatenate([[0], np.cumsum(np.bincount(inverse, minlength=len(times)))[:-1]])
    n_risk = n_risk.astype(float)
    d_all = np.bincount(inverse, weights=(c > 0), minlength=len(times))
    d_k = np.bincount(inverse, weights=(c == event_of_interest), minlength=len(times))
    s_after = np.cumprod(1 - d_all / n_risk)
    s_before = np.concatenate([[1.0], s_after[:-1]])
    cif = np.cumsum(s_before * d_k / n_risk)
    var = _gray_variance(n_risk, d_all, d_k, s_before, s_after, cif)
    var = np.maximum(var, 0.0)
    z = stats.norm.isf((1 - level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (cif > 0) & (cif < 1)
        lc = np.where(ok, cif, 0.5)
        scale = np.sqrt(var) / (lc * np.abs(np.log(lc)))
        low = np.where(ok, lc ** np.exp(z * scale), np.where(cif >= 1, 1.0, 0.0))
        high = np.where(ok, lc ** np.exp(-z * scale), np.where(cif >= 1, 1.0, 0.0))
    table = pd.DataFrame(
        {
            "time": times,
            "n_risk": n_risk.astype(int),
            "events": d_k.astype(int),
            "cumulative_incidence": cif,
            "variance": var,
            "low": low,
            "high": high,
        }
    )
    return CumulativeIncidenceResult(int(event_of_interest), level, len(t), table)


def _gray_variance(n_risk, d_all, d_k, s_before, s_after, cif):
    """Variance of the cumulative incidence as ``cmprsk::cuminc`` reports it (Gray's estimator).

    Three running sums over event times accumulate, for other-cause and own-cause events in turn,
    the delta-method contributions of each hazard increment (with the hypergeometric tie factor
    1 - (d - 1)/(n - 1)); the variance at an own-cause event time is v1 + F² v3 - 2 F v2. As in
    cmprsk it is updated only at own-cause event times and carried forward in between.
    """
    other, own = d_all - d_k, d_k
    n2 = n_risk * n_risk
    with np.errstate(divide="ignore", invalid="ignore"):
        # other-cause contribution (only where some survive the time point)
        tie_o = np.where(other > 1, 1 - (other - 1) / (n_risk - 1), 1.0)
        w_o = np.where((other > 0) & (s_after > 0), s_before * s_before * tie_o * other / n2, 0.0)
        a_o = np.where(s_after > 0, 1 / s_after, 0.0)
        b_o = cif * a_o
        # own-cause contribution
        tie_k = np.where(own > 1, 1 - (own - 1) / (n_risk - 1), 1.0)
        w_k = np.where(own > 0, s_before * s_before * tie_k * own / n2, 0.0)
        a_k = np.where(s_after > 0, 1 / s_after, 0.0)
        b_k = 1 + a_k * cif
    v1 = np.cumsum(b_o * b_o * w_o + b_k * b_k * w_k)
    v2 = np.cumsum(a_o * b_o * w_o + a_k * b_k * w_k)
    v3 = np.cumsum(a_o * a_o * w_o + a_k * a_k * w_k)
    at_own = own > 0
    var = np.where(at_own, v1 + cif * cif * v3 - 2 * cif * v2, 0.0)
    # carried forward from the last own-cause event time (0 before the first)
    last = np.maximum.accumulate(np.where(at_own, np.arange(len(cif)), -1))
    return np.where(last >= 0, var[np.maximum(last, 0)], 0.0)


def cumulative_response(
    durations, responded, competing=None, level: float = 0.95
) -> CumulativeIncidenceResult:
    """Cumulative probability of response over time.

    Without competing events this is 1 - Kaplan-Meier (censoring at last follow-up); with a
    boolean ``competing`` array (death or transplant before response) it is the Aalen-Johansen
    cumulative incidence, which does not pretend that patients who died could still respond.
    """
    responded = np.asarray(responded).astype(int)
    codes = responded.copy()
    if competing is not None:
        competing = np.asarray(competing).astype(bool)
        if np.any(competing & (responded == 1)):
            raise ValueError("a patient cannot both respond and have a competing event first")
        codes[competing] = 2
    return cumulative_incidence(durations, codes, event_of_interest=1, level=level)


# --------------------------------------------------------------------------------------------
# Log-rank
# --------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class LogrankResult(Result):
    statistic: float
    pvalue: float
    df: int


def logrank(durations, events, groups) -> LogrankResult:
    """Log-rank test of equal survival across groups (as ``survival::survdiff``, rho = 0)."""
    from lifelines.statistics import multivariate_logrank_test

    t, e = _durations_events(durations, events)
    g = np.asarray(groups, dtype=object)
    if g.ndim != 1 or len(g) != len(t):
        raise ValueError(f"groups must have one label per duration: {g.size} labels for {len(t)} durations")
    missing = np.flatnonzero(pd.isna(g))
    if len(missing):
        i = int(missing[0])
        raise ValueError(f"groups[{i}] = {g[i]!r} is missing: every patient needs a group label")
    k = len(pd.unique(g))
    if k < 2:
        raise ValueError("logrank needs at least two groups")
    res = multivariate_logrank_test(t, g, e)
    return LogrankResult(float(res.test_statistic), float(res.p_value), k - 1)


# --------------------------------------------------------------------------------------------
# IPD reconstruction: moved to reanalysis.reconstruction (these names stay importable from here)
# --------------------------------------------------------------------------------------------
def __getattr__(name):
    # Lazy alias so that `survival` does not import `reconstruction` (which imports `survival`).
    if name in ("reconstruct_ipd", "clean_curve"):
        from . import reconstruction

        return getattr(reconstruction, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------------------------
# Case series and published summaries
# --------------------------------------------------------------------------------------------
def case_series_durations(
    patients: pd.DataFrame, quantity: str = "duration_of_response", unit: str = "month"
) -> pd.DataFrame:
    """Turn per-patient case-series rows (``data/patients.csv``) into durations and events.

    ``quantity="time_to_response"``: time from start to response (event) or to last follow-up
    (censored) for non-responders. ``"duration_of_response"``: responders only; an ongoing
    response is censored. Times are converted to ``unit``. Impossible rows raise ValueError
    naming the patient.
    """
    from .data import DAYS_PER_UNIT

    _checks.choice(quantity, "quantity", ("time_to_response", "duration_of_response"))
    _checks.choice(unit, "unit", tuple(DAYS_PER_UNIT))
    rows = []
    for r in patients.itertuples(index=False):
        pid = f"patient {r.patient_id} ({r.study_id})"

        def conv(v, u, what, pid=pid):
            if v is None or pd.isna(v):
                return math.nan
            if v < 0:
                raise ValueError(f"{pid}: negative {what} ({v})")
            if u is None or pd.isna(u):
                raise ValueError(f"{pid}: {what} has no unit")
            return v * DAYS_PER_UNIT[u] / DAYS_PER_UNIT[unit]

        ttr = conv(r.time_to_response, r.time_to_response_unit, "time to response")
        fu = conv(r.follow_up, r.follow_up_unit, "follow-up")
        dor = conv(r.duration_of_response, r.duration_unit, "duration of response")
        if not math.isnan(ttr) and not math.isnan(fu) and ttr > fu:
            raise ValueError(
                f"{pid}: response at {ttr:.3g} {unit} is after the end of follow-up ({fu:.3g} {unit})"
            )
        if quantity == "time_to_response":
            if r.responded:
                if math.isnan(ttr):
                    raise ValueError(f"{pid}: responded but has no time to response")
                rows.append((r.patient_id, ttr, 1))
            else:
                if math.isnan(fu):
                    raise ValueError(f"{pid}: non-responder without follow-up time cannot be censored")
                rows.append((r.patient_id, fu, 0))
        elif r.responded:
            if math.isnan(dor):
                raise ValueError(f"{pid}: responder without duration of response")
            if not math.isnan(ttr) and not math.isnan(fu) and ttr + dor > fu + 1e-9:
                raise ValueError(
                    f"{pid}: response lasting {dor:.3g} {unit} from {ttr:.3g} ends after follow-up"
                )
            rows.append((r.patient_id, dor, 0 if bool(r.response_ongoing) else 1))
    return pd.DataFrame(rows, columns=["patient_id", "duration", "event"])


@dataclasses.dataclass(frozen=True)
class PublishedSummary(Result):
    quantity: str
    unit: str
    n: float
    median: float
    minimum: float
    maximum: float
    statement: str


def summarise_published(
    quantity: str, unit: str, median=None, minimum=None, maximum=None, n=None
) -> PublishedSummary:
    """What a published median/range supports, in words, without inventing patients.

    A range of ``n`` values bounds every patient's value; with a median it places half of the
    patients on each side. Nothing about censoring, the shape of the distribution or a
    comparison can be recovered, and a range over very few patients is not an interval
    estimate of anything.
    """
    units = f"{unit}s" if unit in ("day", "week", "month", "year") else unit
    parts = []
    if median is not None and not pd.isna(median):
        parts.append(f"the median is {median:g} {units}")
    if minimum is not None and maximum is not None and not (pd.isna(minimum) or pd.isna(maximum)):
        over = f" across {int(n)} patients" if n is not None and not pd.isna(n) else ""
        parts.append(f"values range from {minimum:g} to {maximum:g} {units}{over}")
    if not parts:
        raise ValueError("give a median or a minimum and maximum")
    cannot = (
        "how many observations were censored (e.g. responses still ongoing), the shape of the distribution, "
        "a confidence interval for the median, or a comparison with another study"
    )
    statement = "; ".join(parts) + ". Not recoverable from these numbers: " + cannot + "."
    nan = math.nan
    return PublishedSummary(
        quantity,
        unit,
        float(n) if n is not None and not pd.isna(n) else nan,
        float(median) if median is not None and not pd.isna(median) else nan,
        float(minimum) if minimum is not None and not pd.isna(minimum) else nan,
        float(maximum) if maximum is not None and not pd.isna(maximum) else nan,
        statement[0].upper() + statement[1:],
    )
