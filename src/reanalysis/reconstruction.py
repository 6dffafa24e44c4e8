"""Individual patient data reconstructed from published Kaplan-Meier curves, and what to do with it.

- :func:`clean_curve` — the cleaning rule for digitised points (stated tolerances for
  digitisation noise; anything beyond them is an error, never silently "fixed").
- :func:`reconstruct` — Guyot et al.'s iterative algorithm (BMC Med Res Methodol 2012;12:9) with
  the published numbers honoured: exactly the published number of patients, the published
  numbers at risk at every at-risk time whenever the curve allows it, and the published total of
  events. Returns a :class:`Reconstruction` with the IPD and a check table.
- :func:`reconstruct_ipd` — the IPD only (a DataFrame), as ``survival.reconstruct_ipd`` always was.
- :func:`compare_arms` — the reanalysis a reader runs after reconstructing two arms: KM fits,
  log-rank test, Cox hazard ratio, restricted mean survival time, and verdicts comparing the
  reconstructed median and hazard ratio with the published ones.
- :func:`cumulative_response` — time to response from a digitised cumulative-response curve, with
  deaths before response as a competing event (Aalen-Johansen, as ``cmprsk::cuminc``).

What is guaranteed (``method="guyot-constrained"``, the default)
----------------------------------------------------------------
1. The IPD has exactly the published number at risk at time 0 (or ``n_start``) patients: every
   patient is an event at a digitised time, censored inside an at-risk interval, or censored at
   the end of the curve, and the count is conserved step by step (no rounding can add one).
2. At every published at-risk time t, the number of reconstructed patients with time >= t equals
   the published number whenever some number of censorings in the preceding interval achieves it,
   given the drops of the digitised curve (Guyot's fixed-point iteration, then every count within
   500 of its answer). When the curve's drops need more events than the table allows, the
   reconstructed number is below the published one (never above), the shortfall is shown in
   ``at_risk_check`` and ``at_risk_honoured`` is False; the next interval starts from the
   reconstructed number, as in Guyot 2012.
3. When ``total_events`` is given (0 <= total_events <= n), the IPD has exactly that many events:
   first through the censoring of the last interval (as Guyot), then, an extension of Guyot's
   algorithm, through event/censoring exchanges at a digitised time, which leave every number at
   risk unchanged (the exchange chosen is the one that moves the reconstructed curve least). An
   exchange that adds events needs a censored patient after a digitised time within the same
   at-risk interval; if none is left, ``events_honoured`` is False. ``events_from_curve`` and
   ``exchanges`` say how far the published total is from what the curve and table imply.

How it differs from Guyot's published R code (and ``IPDfromKM::getIPD``,
``reconstructKM::KM_reconstruct``): censoring is spread evenly over the whole at-risk interval
[t_i, t_{i+1}) rather than between the first digitised point of the interval and the first one of
the next, and written at the spread times (Guyot writes them at mid-points of the digitised
steps, which can fall after t_{i+1}, so the published number at risk at t_{i+1} is missed by the
IPD even when the algorithm matched it); an interval without digitised points is kept (pure
censoring) instead of merged into the previous one; censoring beyond the patients still at risk
is never written; the censoring of the last interval is the count whose curve fits the digitised
points best (Guyot: the average censoring rate of the earlier intervals, which can censor the
last patients before a final drop); and the total of events is honoured beyond the last interval
by the exchanges above. ``method="guyot"`` keeps Guyot's placement (first point of the interval to
first point of the next), stopping rules and last-interval rule, without exchanges, for comparison
(intervals without points are kept there too).
"""

from __future__ import annotations

import dataclasses
import math
import numbers

import numpy as np
import pandas as pd

from . import _checks
from ._results import Result

METHODS = ("guyot-constrained", "guyot")
#: Digitisation noise tolerated by :func:`clean_curve` (proportion of survival).
SURVIVAL_TOLERANCE = 0.02
#: Negative times tolerated as digitisation noise, as a fraction of the curve's last time.
TIME_TOLERANCE = 0.02
_LAST_GRID = 200  # counts tried in the last interval before refining
_SCAN = 500  # counts tried either side of Guyot's answer in an at-risk interval


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------
def _frame(value, name, columns):
    if not isinstance(value, pd.DataFrame):
        raise ValueError(
            f"{name} must be a DataFrame with columns {', '.join(columns)}; got {type(value).__name__}"
        )
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise ValueError(
            f"{name} must have columns {', '.join(columns)}; missing {', '.join(missing)} "
            f"(has {', '.join(map(str, value.columns)) or 'none'})"
        )
    if len(value) == 0:
        raise ValueError(f"{name} is empty: give at least one row")
    out = {}
    for c in columns:
        col = pd.to_numeric(value[c], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(col))
        if len(bad):
            raise ValueError(
                f"{name}.{c} row {int(bad[0])} = {value[c].iloc[bad[0]]!r}: must be a finite number"
            )
        out[c] = col
    return out


def clean_curve(curve: pd.DataFrame, tolerance: float = SURVIVAL_TOLERANCE) -> pd.DataFrame:
    """Cleaning rule for digitised points, applied before reconstruction.

    Parameters
    ----------
    curve : DataFrame
        Columns ``time`` (any unit, >= 0) and ``survival`` (a proportion in [0, 1]; a curve read on
        the 0-100 scale must be divided by 100 first).
    tolerance : float
        Digitisation noise allowed on the survival scale (default 0.02, two percentage points).

    Returns
    -------
    DataFrame with ``time`` and ``survival``, sorted, non-increasing, starting at (0, 1).

    Notes
    -----
    1. Survival outside [-tolerance, 1 + tolerance] is an error; inside, it is clipped to [0, 1].
    2. Times below ``-TIME_TOLERANCE`` x the last time (2% of the time axis) are an error; less
       negative times are clicks left of the axis and are dropped (as ``IPDfromKM::preprocess``).
    3. Points are sorted by time (then by decreasing survival). A point above the lowest earlier
       point by more than ``tolerance`` is an error (a KM curve cannot rise: a cumulative-incidence
       curve given as survival, or two arms mixed); within the tolerance it is reading noise and
       is lowered to that minimum (a running minimum).
    4. A point (0, 1) is added when the curve does not start there.
    """
    cols = _frame(curve, "curve", ["time", "survival"])
    t, s = cols["time"], cols["survival"]
    tolerance = _checks.probability(tolerance, "tolerance")
    if s.max() > 1 + tolerance:
        i = int(np.argmax(s))
        hint = " (divide a 0-100 scale by 100)" if s.max() <= 100 + 100 * tolerance else ""
        raise ValueError(f"curve.survival row {i} = {s[i]:g}: survival must be a proportion in [0, 1]{hint}")
    if s.min() < -tolerance:
        i = int(np.argmin(s))
        raise ValueError(f"curve.survival row {i} = {s[i]:g}: survival must be a proportion in [0, 1]")
    tmax = max(t.max(), 0.0)
    if t.min() < -TIME_TOLERANCE * tmax or (t.min() < 0 and tmax == 0):
        i = int(np.argmin(t))
        raise ValueError(
            f"curve.time row {i} = {t[i]:g}: negative time beyond digitisation noise "
            f"(tolerance {TIME_TOLERANCE:.0%} of the time axis, {TIME_TOLERANCE * tmax:.3g})"
        )
    keep = t >= 0
    t, s = t[keep], np.clip(s[keep], 0.0, 1.0)
    order = np.lexsort((-s, t))
    t, s = t[order], s[order]
    running = np.minimum.accumulate(s)
    rise = s - running
    if len(rise) and rise.max() > tolerance + 1e-12:
        i = int(np.argmax(rise))
        raise ValueError(
            f"curve is not non-increasing beyond digitisation noise: survival {s[i]:g} at time {t[i]:g} is "
            f"{rise[i]:.3g} above an earlier point (tolerance {tolerance:g}); is it a cumulative curve "
            "(give 1 - y) or are two arms mixed?"
        )
    s = running
    if len(t) == 0 or t[0] > 0 or s[0] < 1:
        t, s = np.concatenate([[0.0], t]), np.concatenate([[1.0], s])
    return pd.DataFrame({"time": t, "survival": s})


def _at_risk_table(at_risk, n_start, t_end):
    if at_risk is None:
        if n_start is None:
            raise ValueError("give at_risk (columns time, n_risk) or n_start (patients at time 0)")
        n0 = _checks.count(n_start, "n_start")
        if n0 < 1:
            raise ValueError("n_start must be at least 1, got 0")
        return np.array([0.0]), np.array([n0])
    cols = _frame(at_risk, "at_risk", ["time", "n_risk"])
    tr, nr = cols["time"], cols["n_risk"]
    if tr[0] != 0:
        raise ValueError(f"at_risk.time row 0 = {tr[0]:g}: the at-risk table must start at time 0")
    bad = np.flatnonzero(np.diff(tr) <= 0)
    if len(bad):
        i = int(bad[0]) + 1
        raise ValueError(
            f"at_risk.time row {i} = {tr[i]:g}: at-risk times must increase (row {i - 1} = {tr[i - 1]:g})"
        )
    bad = np.flatnonzero((nr < 0) | (nr != np.round(nr)))
    if len(bad):
        i = int(bad[0])
        raise ValueError(f"at_risk.n_risk row {i} = {nr[i]:g}: numbers at risk must be non-negative integers")
    bad = np.flatnonzero(np.diff(nr) > 0)
    if len(bad):
        i = int(bad[0]) + 1
        raise ValueError(
            f"at_risk.n_risk row {i} = {nr[i]:g} at time {tr[i]:g}: numbers at risk cannot increase "
            f"(row {i - 1} = {nr[i - 1]:g})"
        )
    if nr[0] < 1:
        raise ValueError("at_risk.n_risk row 0 = 0: at least one patient must be at risk at time 0")
    if n_start is not None and _checks.count(n_start, "n_start") != nr[0]:
        raise ValueError(f"n_start = {n_start!r} disagrees with at_risk.n_risk at time 0 ({nr[0]:g})")
    beyond = np.flatnonzero((tr > t_end) & (nr > 0))
    if len(beyond):
        i = int(beyond[0])
        raise ValueError(
            f"at_risk.time row {i} = {tr[i]:g} is after the end of the digitised curve ({t_end:g}) with "
            f"{nr[i]:g} still at risk: digitise the curve to its end (add its flat tail as a last point)"
        )
    keep = tr <= t_end
    return tr[keep], nr[keep].astype(int)


# --------------------------------------------------------------------------------------------
# The algorithm
# --------------------------------------------------------------------------------------------
def _run_interval(ts, ss, n_start, km_last, cens):
    """Walk one at-risk interval: events at the digitised points ``ts`` (Guyot's rounding rule),
    censorings at the sorted times ``cens`` (a censoring at a digitised time is still at risk there;
    censorings beyond the patients left are not written).

    Returns (d, n_at_clicks, kept censoring times, n at the end, KM level after the interval,
    reconstructed KM at each point).
    """
    k_pts = len(ts)
    # Plain Python numbers in the loop (numpy scalars cost more per step than the arithmetic).
    d = [0] * k_pts
    n_at = [0] * k_pts
    km_at = [0.0] * k_pts
    levels = np.asarray(ss, dtype=float).tolist()
    # censorings falling before each point (strictly earlier), and after the last point
    before = np.searchsorted(cens, ts, side="left") if k_pts else np.zeros(0, dtype=int)
    gaps = np.diff(np.concatenate([[0], before, [len(cens)]])).tolist()
    kept_per_gap = [0] * len(gaps)
    n = int(n_start)
    km_last = float(km_last)
    for k in range(k_pts):
        c = min(gaps[k], n)
        kept_per_gap[k] = c
        n -= c
        n_at[k] = n
        if n > 0 and km_last > 0:
            dk = round(n * (1 - levels[k] / km_last))  # half to even, as R's round()
            dk = min(max(dk, 0), n)
            if dk:
                km_last = km_last * (1 - dk / n)
                n -= dk
                d[k] = dk
        km_at[k] = km_last
    c = min(gaps[-1], n)
    kept_per_gap[-1] = c
    n -= c
    if sum(kept_per_gap) == len(cens):
        kept = cens
    else:  # keep the first ones of each gap
        starts = np.concatenate([[0], np.cumsum(gaps)[:-1]]).astype(int)
        kept = np.concatenate([cens[s : s + m] for s, m in zip(starts, kept_per_gap, strict=True)])
    return np.array(d, dtype=int), np.array(n_at, dtype=int), list(kept), n, km_last, np.array(km_at)


def _spread(a, b, nc):
    # Guyot's even spreading: nc censoring times strictly inside (a, b).
    return a + np.arange(1, nc + 1) * (b - a) / (nc + 1)


def _search(evaluate, nc0, n_max, target_fn):
    """Guyot's fixed-point iteration on the number censored, then an outward scan if it fails.

    ``evaluate(nc)`` returns a state; ``target_fn(state)`` the signed gap (reconstructed - published).
    Returns the state with gap 0 if any nc within ``_SCAN`` of Guyot's answer gives it (the gap
    falls by about one per extra censoring, so an exact count is never far from Guyot's answer);
    otherwise the one with the largest negative gap (closest from below), ties broken towards
    Guyot's answer.
    """
    seen = {}

    def get(nc):
        if nc not in seen:
            seen[nc] = evaluate(nc)
        return seen[nc]

    nc = int(min(max(nc0, 0), n_max))
    for _ in range(100):
        gap = target_fn(get(nc))
        if gap == 0 or (gap < 0 and nc == 0):
            break
        new = int(min(max(nc + gap, 0), n_max))
        if new in seen:
            break
        nc = new
    guyot_nc = nc
    if target_fn(get(nc)) != 0:
        for step in range(1, min(n_max, _SCAN) + 1):
            found = False
            for cand in (guyot_nc - step, guyot_nc + step):
                if 0 <= cand <= n_max and target_fn(get(cand)) == 0:
                    nc, found = cand, True
                    break
            if found or (guyot_nc - step < 0 and guyot_nc + step > n_max):
                break
    if target_fn(get(nc)) == 0:
        return get(nc)
    below = [(target_fn(s), -abs(c - guyot_nc), c) for c, s in seen.items() if target_fn(s) <= 0]
    if below:
        return get(max(below)[2])
    return get(nc)


@dataclasses.dataclass(frozen=True)
class Reconstruction(Result):
    """Reconstructed individual patient data and how well they honour the published numbers."""

    method: str
    n: int
    events: int
    n_published: int
    total_events_published: float
    at_risk_honoured: bool
    events_honoured: bool
    max_curve_difference: float
    exchanges: int
    events_from_curve: int
    ipd: pd.DataFrame = dataclasses.field(repr=False, compare=False)
    at_risk_check: pd.DataFrame = dataclasses.field(repr=False, compare=False)
    curve: pd.DataFrame = dataclasses.field(repr=False, compare=False)


def reconstruct(
    curve: pd.DataFrame,
    at_risk: pd.DataFrame | None = None,
    total_events: int | None = None,
    n_start: int | None = None,
    *,
    method: str = "guyot-constrained",
    tolerance: float = SURVIVAL_TOLERANCE,
) -> Reconstruction:
    """Approximate individual patient data from a digitised Kaplan-Meier curve.

    Parameters
    ----------
    curve : DataFrame
        Digitised points, columns ``time`` and ``survival`` (proportion), cleaned by
        :func:`clean_curve` (``tolerance`` is passed on). Digitise every step and the flat tail up
        to the end of the curve.
    at_risk : DataFrame, optional
        Published numbers at risk, columns ``time`` and ``n_risk``; first row at time 0. Rows after
        the end of the curve must have ``n_risk`` 0.
    total_events : int, optional
        Published total number of events.
    n_start : int, optional
        Number of patients at time 0 when there is no at-risk table.
    method : {"guyot-constrained", "guyot"}
        "guyot-constrained" (default) honours the published numbers as stated in the module
        docstring; "guyot" is Guyot et al. (2012) as published (censoring from the first digitised
        point of an interval to the first of the next, total events through the last interval only).

    Returns
    -------
    Reconstruction
        ``ipd`` (``time``, ``event``; one row per patient, sorted), ``at_risk_check`` (published vs
        reconstructed numbers at risk at each at-risk time, and the total of events),
        ``max_curve_difference`` (largest |reconstructed KM - digitised curve| at the digitised
        points), ``exchanges`` (event/censoring exchanges made to honour ``total_events``) and
        ``events_from_curve`` (the events the curve and table imply before those exchanges).

    References
    ----------
    Guyot P, Ades AE, Ouwens MJ, Welton NJ. Enhanced secondary analysis of survival data:
    reconstructing the data from published Kaplan-Meier survival curves. BMC Med Res Methodol
    2012;12:9.
    """
    method = _checks.choice(method, "method", METHODS)
    pts = clean_curve(curve, tolerance)
    ts, ss = pts["time"].to_numpy(), pts["survival"].to_numpy()
    t_end = float(ts[-1])
    tr, nr = _at_risk_table(at_risk, n_start, t_end)
    n0 = int(nr[0])
    if total_events is not None:
        if isinstance(total_events, float) and math.isnan(total_events):
            total_events = None
        else:
            total_events = _checks.count(total_events, "total_events")
            if total_events > n0:
                raise ValueError(f"total_events = {total_events} exceeds the {n0} patients at risk at time 0")
    m = len(tr)
    bounds = np.append(tr, np.inf)
    constrained = method == "guyot-constrained"

    d_all = np.zeros(len(ts), dtype=int)
    n_all = np.zeros(len(ts), dtype=int)
    cens_all: list[float] = []
    n_cur, km_last = n0, 1.0
    censored_before = 0
    for i in range(m):
        idx = np.flatnonzero((ts >= bounds[i]) & (ts < bounds[i + 1]))
        t_i, s_i = ts[idx], ss[idx]
        last = i == m - 1
        if constrained:
            a = tr[i]
            b = tr[i + 1] if not last else t_end
        else:  # Guyot: from the first point of the interval to the first point of the next
            a = t_i[0] if len(t_i) else tr[i]
            nxt = np.flatnonzero(ts >= bounds[i + 1])
            b = (ts[nxt[0]] if len(nxt) else t_end) if not last else (t_i[-1] if len(t_i) else t_end)

        def evaluate(nc, t_i=t_i, s_i=s_i, a=a, b=b, n_cur=n_cur, km_last=km_last):
            return (nc, *_run_interval(t_i, s_i, n_cur, km_last, _spread(a, b, nc)))

        if not last:
            target = int(nr[i + 1])
            s_lo = s_i[0] if len(s_i) else km_last
            nxt = np.flatnonzero(ts >= bounds[i + 1])
            s_hi = ss[nxt[0]] if len(nxt) else ss[-1]
            nc0 = int(round(n_cur * s_hi / s_lo - target)) if s_lo > 0 else n_cur - target
            if constrained:
                state = _search(evaluate, nc0, n_cur, lambda st, target=target: st[4] - target)
            else:
                state = _guyot_iterate(evaluate, nc0, n_cur, target)
        else:
            if m > 1 and tr[-1] > 0:
                nc0 = int(min(round(censored_before * (t_end - tr[-1]) / tr[-1]), n_cur))
            else:
                nc0 = 0
            if not constrained:
                if total_events is None:
                    state = evaluate(nc0)
                else:
                    before = int(d_all.sum())
                    state = _guyot_total(
                        evaluate,
                        nc0,
                        n_cur,
                        lambda st, before=before: before + int(st[1].sum()) - total_events,
                    )
            else:
                states = _last_interval(evaluate, nc0, n_cur, s_i, int(d_all.sum()), total_events)
                break
        nc, d, n_at, kept, n_end, km_last, _ = state
        d_all[idx], n_all[idx] = d, n_at
        cens_all.extend(kept)
        censored_before += len(kept)
        n_cur = n_end
    else:
        states = None

    exchanges = 0
    if states is None:  # method="guyot": no exchanges
        cens, n_end_curve = np.asarray(cens_all, dtype=float), n_cur
        events_from_curve = int(d_all.sum())
    else:
        # Candidates for the last interval: the best fit with the published total reached there, and
        # the best fit overall (the exchanges then reach the total). The closer curve wins.
        best = None
        for j, st in enumerate(states):
            if j and total_events is not None:
                # the best-fitting count, if it needs few exchanges to reach the published total
                if abs(int(d_all.sum()) + int(st[1].sum()) - total_events) > max(5, 0.02 * n0):
                    continue
            d_c, n_c = d_all.copy(), n_all.copy()
            d_c[idx], n_c[idx] = st[1], st[2]
            cens_c, n_end_c, ex = np.asarray(cens_all + list(st[3]), dtype=float), st[4], 0
            pre = int(d_c.sum())
            if total_events is not None and int(d_c.sum()) != total_events:
                d_c, cens_c, n_end_c, ex = _exchange(
                    ts, ss, d_c, n_c, cens_c, n_end_c, t_end, int(total_events), tr
                )
            miss = 0 if total_events is None else abs(int(d_c.sum()) - total_events)
            key = (miss, round(_curve_difference(d_c, n_c, ss), 12), ex)
            if best is None or key < best[0]:
                best = (key, d_c, n_c, cens_c, n_end_c, ex, pre)
        _, d_all, n_all, cens, n_end_curve, exchanges, events_from_curve = best
    time = np.concatenate([np.repeat(ts, d_all), cens, np.full(n_end_curve, t_end)])
    event = np.concatenate(
        [np.ones(int(d_all.sum()), dtype=int), np.zeros(len(cens) + n_end_curve, dtype=int)]
    )
    if len(time) != n0:  # conservation is built in; this guards the guarantee itself
        raise AssertionError(f"reconstruction wrote {len(time)} patients for {n0}")
    order = np.lexsort((-event, time))
    ipd = pd.DataFrame({"time": time[order], "event": event[order]})

    at_t = np.asarray(tr, dtype=float)
    if at_risk is not None:
        at_t = pd.to_numeric(at_risk["time"]).to_numpy(dtype=float)
        published = pd.to_numeric(at_risk["n_risk"]).to_numpy(dtype=int)
    else:
        published = np.array([n0])
    sorted_t = np.sort(time)
    rec = len(sorted_t) - np.searchsorted(sorted_t, at_t, side="left")
    check = pd.DataFrame(
        {
            "quantity": ["at risk"] * len(at_t),
            "time": at_t,
            "published": published.astype(float),
            "reconstructed": rec.astype(float),
        }
    )
    n_events = int(event.sum())
    check = pd.concat(
        [
            check,
            pd.DataFrame(
                {
                    "quantity": ["total events"],
                    "time": [math.nan],
                    "published": [float(total_events) if total_events is not None else math.nan],
                    "reconstructed": [float(n_events)],
                }
            ),
        ],
        ignore_index=True,
    )
    check["difference"] = check["reconstructed"] - check["published"]
    max_diff = _curve_difference(d_all, n_all, ss)
    return Reconstruction(
        method=method,
        n=len(ipd),
        events=n_events,
        n_published=n0,
        total_events_published=float(total_events) if total_events is not None else math.nan,
        at_risk_honoured=bool(np.all(rec == published)),
        events_honoured=bool(total_events is None or n_events == total_events),
        max_curve_difference=max_diff,
        exchanges=exchanges,
        events_from_curve=events_from_curve,
        ipd=ipd,
        at_risk_check=check,
        curve=pts,
    )


def _curve_difference(d, n_at, ss):
    km = np.cumprod(np.where(n_at > 0, 1 - d / np.maximum(n_at, 1), 1.0))
    return float(np.max(np.abs(km - ss))) if len(ss) else 0.0


def _last_interval(evaluate, nc0, n_max, s_i, events_before, total_events):
    """Number censored in the last interval (no published number at its end to aim at).

    Every count 0..n_max is tried when n_max <= ``_LAST_GRID``; otherwise a grid of about
    ``_LAST_GRID`` counts, refined one by one around the best ones. With ``total_events``, the
    counts giving that total are preferred (if none does, those closest to it: the exchanges finish
    the job). Among them the one whose reconstructed curve is closest to the digitised points of
    the interval wins (largest absolute difference, then sum of absolute differences), then the
    one closest to Guyot's average-rate estimate ``nc0``. Guyot 2012 uses ``nc0`` itself, which can
    censor the last patients before a final drop. Returns the total-matching and the best-fitting
    states (one if they coincide or no total is given).
    """
    step = max(1, n_max // _LAST_GRID)
    grid = sorted({*range(0, n_max + 1, step), n_max, min(max(nc0, 0), n_max)})
    best = {"fit": None, "total": None}

    def consider(nc):
        st = evaluate(nc)
        d, km = st[1], st[6]
        diff = np.abs(km - s_i) if len(s_i) else np.zeros(1)
        key = (round(float(diff.max()), 12), round(float(diff.sum()), 12), abs(nc - nc0))
        if best["fit"] is None or key < best["fit"][0]:
            best["fit"] = (key, st)
        if total_events is not None:
            tkey = (abs(events_before + int(d.sum()) - total_events), *key)
            if best["total"] is None or tkey < best["total"][0]:
                best["total"] = (tkey, st)

    for nc in grid:
        consider(nc)
    if step > 1:  # refine one by one around the best coarse counts
        centres = {v[1][0] for v in best.values() if v is not None}
        for c in centres:
            for nc in range(max(0, c - step + 1), min(n_max, c + step - 1) + 1):
                consider(nc)
    fit = best["fit"][1]
    return [fit] if best["total"] is None else [best["total"][1], fit]


def _guyot_iterate(evaluate, nc0, n_max, target):
    # Guyot 2012: adjust until n.hat = n.risk, or too few with no censoring left to remove.
    nc = max(nc0, 0)
    seen = set()
    state = evaluate(nc)
    while (state[4] > target or (state[4] < target and nc > 0)) and nc not in seen:
        seen.add(nc)
        nc = int(min(max(nc + state[4] - target, 0), n_max))
        state = evaluate(nc)
    return state


def _guyot_total(evaluate, nc0, n_max, gap):
    nc = max(nc0, 0)
    seen = set()
    state = evaluate(nc)
    while (gap(state) > 0 or (gap(state) < 0 and nc > 0)) and nc not in seen:
        seen.add(nc)
        nc = int(min(max(nc + gap(state), 0), n_max))
        state = evaluate(nc)
    return state


def _exchange(ts, ss, d, n_at, cens, n_end, t_end, total, tr):
    """Honour the total of events by exchanging events and censorings at digitised times.

    An event at point k becomes a censoring at ts[k] (or a censored patient whose time lies in
    [ts[k], ts[k+1]) becomes an event at ts[k]): the patient is at risk at ts[k] and gone after it
    either way, so every number at risk is unchanged. Each exchange is the one that keeps the
    reconstructed KM closest to the digitised curve (smallest maximum absolute difference). A
    censored patient is moved back only within its at-risk interval, so that no published number
    at risk changes.
    """
    d = d.copy()
    cens = list(cens)
    exchanges = 0
    safe_n = np.maximum(n_at, 1)
    while int(d.sum()) != total:
        surplus = int(d.sum()) - total
        factor = np.where(n_at > 0, 1 - d / safe_n, 1.0)
        if surplus > 0:
            cand = np.flatnonzero(d > 0)
            new = np.where(n_at > 0, 1 - (d - 1) / safe_n, 1.0)
        else:
            all_c = np.concatenate([np.asarray(cens, dtype=float), np.full(n_end, t_end)])
            owner = np.searchsorted(ts, all_c, side="right") - 1
            same = np.searchsorted(tr, all_c, side="right") == np.searchsorted(tr, ts[owner], side="right")
            has = np.zeros(len(ts), dtype=bool)
            has[owner[(owner >= 0) & same]] = True
            cand = np.flatnonzero(has & (ts > 0) & (n_at > d))
            new = np.where(n_at > 0, 1 - (d + 1) / safe_n, 1.0)
        if len(cand) == 0:
            break
        km = np.cumprod(factor)
        # KM after changing the factor at candidate c: km * new[c]/factor[c] from c on.
        ratio = np.where(factor[cand] > 0, new[cand] / np.where(factor[cand] > 0, factor[cand], 1), 0.0)
        later = np.arange(len(ts))[None, :] >= cand[:, None]
        km_c = np.where(later, km[None, :] * ratio[:, None], km[None, :])
        if np.any(factor[cand] == 0):  # the curve went to 0 there: recompute those rows exactly
            for r in np.flatnonzero(factor[cand] == 0):
                f = factor.copy()
                f[cand[r]] = new[cand[r]]
                km_c[r] = np.cumprod(f)
        score = np.max(np.abs(km_c - ss[None, :]), axis=1)
        # one exchange per round when few are needed; a batch of the best distinct points otherwise
        batch = max(1, abs(surplus) // 8)
        for best in cand[np.argsort(score, kind="stable")[:batch]]:
            if surplus > 0:
                d[best] -= 1
                cens.append(float(ts[best]))
            else:
                # remove one censored patient owned by `best` (one inside the interval if any)
                lo, hi = ts[best], ts[best + 1] if best + 1 < len(ts) else np.inf
                k_int = np.searchsorted(tr, lo, side="right")
                inside = [
                    j
                    for j, c in enumerate(cens)
                    if lo <= c < hi and np.searchsorted(tr, c, side="right") == k_int
                ]
                if inside:
                    cens.pop(inside[-1])
                else:
                    n_end -= 1
                d[best] += 1
            exchanges += 1
    return d, np.asarray(cens, dtype=float), n_end, exchanges


def reconstruct_ipd(
    curve: pd.DataFrame,
    at_risk: pd.DataFrame | None = None,
    total_events: int | None = None,
    n_start: int | None = None,
    *,
    method: str = "guyot-constrained",
) -> pd.DataFrame:
    """The reconstructed IPD only (columns ``time``, ``event``): ``reconstruct(...).ipd``."""
    return reconstruct(curve, at_risk, total_events, n_start, method=method).ipd


# --------------------------------------------------------------------------------------------
# The two-arm reanalysis built on the reconstruction
# --------------------------------------------------------------------------------------------
VERDICTS = ("consistent", "inconsistent")
#: Median check: survival-axis tolerance (digitisation) and half the printed precision (time units).
MEDIAN_SURVIVAL_TOLERANCE = 0.02
#: Hazard-ratio check: largest relative difference called consistent (and inside the published CI).
HR_RELATIVE_TOLERANCE = 0.10
#: Total-events check: exchanges needed to reach the published total, as a share of it (at least 3).
EVENTS_EXCHANGE_TOLERANCE = 0.02
#: Width check: reconstructed/published standard error of log HR within [1/(1 + tol), 1 + tol].
HR_SE_TOLERANCE = 0.15


@dataclasses.dataclass(frozen=True)
class ArmComparison(Result):
    """Two reconstructed arms and the reanalysis of them (hazard ratio = arm A relative to arm B)."""

    label_a: str
    label_b: str
    n_a: int
    n_b: int
    events_a: int
    events_b: int
    median_a: float
    median_b: float
    hazard_ratio: float
    hr_low: float
    hr_high: float
    logrank_statistic: float
    logrank_pvalue: float
    tau: float
    rmst_a: float
    rmst_b: float
    rmst_difference: float
    rmst_difference_low: float
    rmst_difference_high: float
    level: float
    consistent: bool
    reconstruction_a: Reconstruction = dataclasses.field(repr=False, compare=False)
    reconstruction_b: Reconstruction = dataclasses.field(repr=False, compare=False)
    km_a: object = dataclasses.field(repr=False, compare=False)
    km_b: object = dataclasses.field(repr=False, compare=False)
    ipd: pd.DataFrame = dataclasses.field(repr=False, compare=False)
    verdicts: pd.DataFrame = dataclasses.field(repr=False, compare=False)

    def summary(self) -> pd.DataFrame:
        """One row per arm: n, events, median (CI), restricted mean survival time up to ``tau``."""
        rows = []
        for label, km, rmst in (
            (self.label_a, self.km_a, self.rmst_a),
            (self.label_b, self.km_b, self.rmst_b),
        ):
            rows.append(
                {
                    "arm": label,
                    "patients": km.n,
                    "events": km.events,
                    "median": km.median,
                    "median_low": km.median_low,
                    "median_high": km.median_high,
                    "rmst": rmst,
                    "tau": self.tau,
                }
            )
        return pd.DataFrame(rows)


def _published_number(value, name, *, allow_nr=False):
    if value is None:
        return None
    if isinstance(value, str):
        if allow_nr and value.strip().upper() in ("NR", "NE", "NOT REACHED"):
            return math.inf
        try:
            value = float(value)
        except ValueError:
            raise ValueError(
                f"{name} = {value!r}: give a number" + (" or 'NR'" if allow_nr else "")
            ) from None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value) or value <= 0:
        raise ValueError(f"{name} = {value!r}: must be a positive number" + (" or 'NR'" if allow_nr else ""))
    return float(value)


def rmst_variance(km, tau: float) -> float:
    """Variance of the Kaplan-Meier restricted mean up to ``tau`` (Greenwood-type).

    Var = sum over event times t_j <= tau of A_j^2 d_j / (n_j (n_j - d_j)), A_j the area under the
    KM curve from t_j to tau (Klein & Moeschberger 2003, 4.5; R ``survival``'s ``rmean`` standard
    error and ``survRM2``). Written here because lifelines' ``restricted_mean_survival_time``
    returns the variance of min(T, tau), not the sampling variance of its estimate.

    ``km`` is a :class:`~reanalysis.survival.KaplanMeierResult`; ``tau`` a positive time.
    """
    from .survival import KaplanMeierResult

    if not isinstance(km, KaplanMeierResult):
        raise ValueError(
            f"km must be a KaplanMeierResult (from survival.kaplan_meier), got {type(km).__name__}"
        )
    tau = _checks.real(tau, "tau", low=0)
    tab = km.table
    t = tab["time"].to_numpy(dtype=float)
    s = tab["survival"].to_numpy(dtype=float)
    n = tab["n_risk"].to_numpy(dtype=float)
    d = tab["events"].to_numpy(dtype=float)
    keep = t <= tau
    t, s, n, d = t[keep], s[keep], n[keep], d[keep]
    # area of each step [t_j, t_{j+1}) up to tau, then the area to the right of each t_j
    right = np.append(t[1:], tau)
    area = s * (right - t)
    after = np.cumsum(area[::-1])[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where((d > 0) & (n > d), after**2 * d / (n * (n - d)), 0.0)
    return float(terms.sum())


def compare_arms(
    curve_a: pd.DataFrame,
    at_risk_a: pd.DataFrame | None,
    curve_b: pd.DataFrame,
    at_risk_b: pd.DataFrame | None,
    *,
    total_events_a: int | None = None,
    total_events_b: int | None = None,
    n_start_a: int | None = None,
    n_start_b: int | None = None,
    labels: tuple[str, str] = ("A", "B"),
    published_median_a=None,
    published_median_b=None,
    published_hr: float | None = None,
    published_hr_ci: tuple[float, float] | None = None,
    tau: float | None = None,
    level: float = 0.95,
    median_rounding: float = 0.05,
    method: str = "guyot-constrained",
) -> ArmComparison:
    """Reconstruct two arms and reanalyse them as a reader of the paper would.

    Parameters
    ----------
    curve_a, at_risk_a, curve_b, at_risk_b : DataFrame
        Digitised curves (``time``, ``survival``) and at-risk tables (``time``, ``n_risk``) of the
        two arms; see :func:`reconstruct`. Arm A is the one whose hazard is in the numerator of the
        hazard ratio (usually the experimental arm).
    total_events_a, total_events_b, n_start_a, n_start_b : int, optional
        Published totals of events; patients at time 0 when there is no at-risk table.
    labels : (str, str)
        Arm names for tables and figures.
    published_median_a, published_median_b : float or "NR", optional
        Published medians (same time unit as the curves); "NR" = not reached.
    published_hr, published_hr_ci : optional
        Published hazard ratio of A relative to B and its confidence interval (at ``level``).
    tau : float, optional
        Horizon of the restricted mean survival time; default the smaller of the two arms' last
        follow-up times (so that both curves are observed up to tau).
    level : float
        Confidence level of the HR, medians and RMST difference.
    median_rounding : float
        Half the precision the medians were printed with (0.05 for one decimal).

    Returns
    -------
    ArmComparison
        Both reconstructions, KM fits (:func:`reanalysis.survival.kaplan_meier`, R-compatible
        medians), log-rank test (lifelines, as ``survdiff``), Cox hazard ratio with Wald CI
        (lifelines ``CoxPHFitter``, Efron ties, as R ``coxph``), RMST per arm (lifelines
        ``restricted_mean_survival_time``) with the difference and its normal CI
        (:func:`rmst_variance`), and ``verdicts``: one row per published number with the
        reconstructed value, the tolerance and a reason.

    Notes
    -----
    Verdicts ("consistent" / "inconsistent"):

    - numbers at risk and total events: the reconstruction reproduces them exactly (see
      :func:`reconstruct`); otherwise the curve and the table disagree. A total reached only by
      more than max(3, 2% of it) event/censoring exchanges is called inconsistent: the curve and
      the table imply another number (given in the reason).
    - median: consistent when the published median lies between the times at which the
      reconstructed curve crosses 0.5 + 0.02 and 0.5 - 0.02 (the digitisation tolerance on the
      survival axis), widened by ``median_rounding``; "NR" is consistent when the reconstructed
      median is not reached.
    - hazard ratio: consistent when the reconstructed HR differs from the published one by at most
      10% and lies inside the published CI.
    - CI: consistent when the standard error of log HR implied by the published CI and the
      reconstructed one differ by at most 15% (ratio within [1/1.15, 1.15]).

    A published HR is often stratified or adjusted; an unstratified Cox model on reconstructed data
    can then differ for that reason alone (said in the reason column).

    References
    ----------
    Guyot et al. BMC Med Res Methodol 2012;12:9. Royston P, Parmar MKB. Restricted mean survival
    time: an alternative to the hazard ratio. BMC Med Res Methodol 2013;13:152.
    """
    from lifelines import CoxPHFitter, KaplanMeierFitter
    from lifelines.utils import restricted_mean_survival_time
    from scipy import stats

    from . import survival

    level = _checks.level(level)
    if not (
        isinstance(labels, (tuple, list)) and len(labels) == 2 and all(isinstance(v, str) for v in labels)
    ):
        raise ValueError(f"labels must be two arm names, got {labels!r}")
    if labels[0] == labels[1]:
        raise ValueError(f"labels must differ, got {labels!r}")
    med_pub = (
        _published_number(published_median_a, "published_median_a", allow_nr=True),
        _published_number(published_median_b, "published_median_b", allow_nr=True),
    )
    hr_pub = _published_number(published_hr, "published_hr")
    ci_pub = None
    if published_hr_ci is not None:
        if not isinstance(published_hr_ci, (tuple, list)) or len(published_hr_ci) != 2:
            raise ValueError(f"published_hr_ci must be (low, high), got {published_hr_ci!r}")
        ci_pub = tuple(_published_number(v, "published_hr_ci") for v in published_hr_ci)
        if not ci_pub[0] < ci_pub[1]:
            raise ValueError(f"published_hr_ci = {published_hr_ci!r}: low must be below high")
        if hr_pub is not None and not ci_pub[0] <= hr_pub <= ci_pub[1]:
            raise ValueError(f"published_hr = {hr_pub:g} lies outside published_hr_ci {published_hr_ci!r}")
    rec_a = reconstruct(curve_a, at_risk_a, total_events_a, n_start_a, method=method)
    rec_b = reconstruct(curve_b, at_risk_b, total_events_b, n_start_b, method=method)
    ipd = pd.concat(
        [rec_a.ipd.assign(arm=labels[0], treated=1), rec_b.ipd.assign(arm=labels[1], treated=0)],
        ignore_index=True,
    )[["arm", "treated", "time", "event"]]
    km_a = survival.kaplan_meier(rec_a.ipd.time, rec_a.ipd.event, level=level)
    km_b = survival.kaplan_meier(rec_b.ipd.time, rec_b.ipd.event, level=level)
    lr = survival.logrank(ipd.time, ipd.event, ipd.arm)
    cox = CoxPHFitter(alpha=1 - level).fit(ipd[["time", "event", "treated"]], "time", "event")
    beta = float(cox.params_["treated"])
    se = float(cox.standard_errors_["treated"])
    z = stats.norm.isf((1 - level) / 2)
    hr, hr_lo, hr_hi = math.exp(beta), math.exp(beta - z * se), math.exp(beta + z * se)
    t_max = min(rec_a.ipd.time.max(), rec_b.ipd.time.max())
    if tau is None:
        tau = float(t_max)
    else:
        if isinstance(tau, bool) or not isinstance(tau, numbers.Real) or not math.isfinite(tau) or tau <= 0:
            raise ValueError(f"tau = {tau!r}: must be a positive time")
        if tau > t_max:
            raise ValueError(
                f"tau = {tau:g} is beyond the shorter arm's follow-up ({t_max:g}): the RMST would extrapolate"
            )
        tau = float(tau)
    rmst = []
    for rec, km in ((rec_a, km_a), (rec_b, km_b)):
        kmf = KaplanMeierFitter().fit(rec.ipd.time, rec.ipd.event)
        rmst.append((float(restricted_mean_survival_time(kmf, t=tau)), rmst_variance(km, tau)))
    diff = rmst[0][0] - rmst[1][0]
    diff_se = math.sqrt(rmst[0][1] + rmst[1][1])

    rows = []
    for label, rec in ((labels[0], rec_a), (labels[1], rec_b)):
        for r in rec.at_risk_check.itertuples(index=False):
            if isinstance(r.published, float) and math.isnan(r.published):
                continue
            ok = r.reconstructed == r.published
            what = f"at risk at {r.time:g}" if r.quantity == "at risk" else "total events"
            if (
                r.quantity != "at risk"
                and ok
                and rec.exchanges > max(3, EVENTS_EXCHANGE_TOLERANCE * r.published)
            ):
                rows.append(
                    (
                        label,
                        what,
                        r.published,
                        r.reconstructed,
                        f"≤ max(3, {EVENTS_EXCHANGE_TOLERANCE:.0%}) exchanges",
                        "inconsistent",
                        f"the curve and table imply {rec.events_from_curve} events; reached only by "
                        f"{rec.exchanges} event/censoring exchanges",
                    )
                )
                continue
            reason = (
                "reproduced exactly"
                if ok
                else (
                    "the curve's drops need more events than the table allows"
                    if r.quantity == "at risk"
                    else "not attainable from this curve and table"
                )
            )
            rows.append(
                (
                    label,
                    what,
                    r.published,
                    r.reconstructed,
                    "exact",
                    "consistent" if ok else "inconsistent",
                    reason,
                )
            )
    for label, km, pub in ((labels[0], km_a, med_pub[0]), (labels[1], km_b, med_pub[1])):
        if pub is None:
            continue
        lo_t, hi_t = (
            _crossing(km, 0.5 + MEDIAN_SURVIVAL_TOLERANCE),
            _crossing(km, 0.5 - MEDIAN_SURVIVAL_TOLERANCE),
        )
        tol = f"S within 0.5 ± {MEDIAN_SURVIVAL_TOLERANCE:g}, ± {median_rounding:g}"
        if math.isinf(pub):
            ok = math.isnan(km.median)
            reason = "neither reached" if ok else f"reconstructed median reached at {km.median:g}"
        else:
            ok = (lo_t - median_rounding) <= pub <= (hi_t + median_rounding)
            span = f"[{lo_t:.3g}, {hi_t:.3g}]" if math.isfinite(hi_t) else f"[{lo_t:.3g}, not reached]"
            reason = f"published median {'inside' if ok else 'outside'} {span}"
        rows.append((label, "median", pub, km.median, tol, "consistent" if ok else "inconsistent", reason))
    if hr_pub is not None:
        rel = abs(hr / hr_pub - 1)
        inside = ci_pub is None or ci_pub[0] <= hr <= ci_pub[1]
        ok = rel <= HR_RELATIVE_TOLERANCE and inside
        reason = f"{rel:.1%} apart" + (
            "" if ci_pub is None else (", inside" if inside else ", outside") + " the published CI"
        )
        if not ok:
            reason += "; a stratified or adjusted published HR can differ from an unstratified Cox model"
        rows.append(
            (
                "both",
                "hazard ratio",
                hr_pub,
                hr,
                f"≤ {HR_RELATIVE_TOLERANCE:.0%} and inside the CI",
                "consistent" if ok else "inconsistent",
                reason,
            )
        )
    if ci_pub is not None:
        se_pub = (math.log(ci_pub[1]) - math.log(ci_pub[0])) / (2 * z)
        ratio = se / se_pub
        ok = 1 / (1 + HR_SE_TOLERANCE) <= ratio <= 1 + HR_SE_TOLERANCE
        rows.append(
            (
                "both",
                "HR CI (SE of log HR)",
                se_pub,
                se,
                f"ratio within ±{HR_SE_TOLERANCE:.0%}",
                "consistent" if ok else "inconsistent",
                f"reconstructed CI {hr_lo:.3g}-{hr_hi:.3g}; SE ratio {ratio:.3f}",
            )
        )
    verdicts = pd.DataFrame(
        rows, columns=["arm", "quantity", "published", "reconstructed", "tolerance", "verdict", "reason"]
    )
    return ArmComparison(
        label_a=labels[0],
        label_b=labels[1],
        n_a=rec_a.n,
        n_b=rec_b.n,
        events_a=rec_a.events,
        events_b=rec_b.events,
        median_a=km_a.median,
        median_b=km_b.median,
        hazard_ratio=hr,
        hr_low=hr_lo,
        hr_high=hr_hi,
        logrank_statistic=lr.statistic,
        logrank_pvalue=lr.pvalue,
        tau=tau,
        rmst_a=rmst[0][0],
        rmst_b=rmst[1][0],
        rmst_difference=diff,
        rmst_difference_low=diff - z * diff_se,
        rmst_difference_high=diff + z * diff_se,
        level=level,
        consistent=bool((verdicts["verdict"] == "consistent").all()),
        reconstruction_a=rec_a,
        reconstruction_b=rec_b,
        km_a=km_a,
        km_b=km_b,
        ipd=ipd,
        verdicts=verdicts,
    )


def _crossing(km, level):
    """First time the KM curve is at or below ``level`` (inf when it never is)."""
    tab = km.table
    below = tab[tab["survival"] <= level + 1e-12]
    return float(below["time"].iloc[0]) if len(below) else math.inf


# --------------------------------------------------------------------------------------------
# Time to response with a competing event, from a reconstructed curve
# --------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class CompetingResponse(Result):
    """Cumulative response with deaths before response as a competing event (reconstructed data)."""

    n: int
    responses: int
    competing: int
    max_competing_shift: float
    reconstruction: Reconstruction = dataclasses.field(repr=False, compare=False)
    ipd: pd.DataFrame = dataclasses.field(repr=False, compare=False)
    incidence: object = dataclasses.field(repr=False, compare=False)
    naive: object = dataclasses.field(repr=False, compare=False)

    def at(self, times) -> pd.DataFrame:
        """Cumulative response at ``times``: Aalen-Johansen (competing) and 1 - KM (deaths censored)."""
        times = np.atleast_1d(np.asarray(times, dtype=float))
        return pd.DataFrame(
            {
                "time": times,
                "cumulative_response": self.incidence.at(times),
                "one_minus_km": 1 - self.naive.survival_at(times),
            }
        )


def cumulative_response(
    curve: pd.DataFrame,
    at_risk: pd.DataFrame | None = None,
    total_responses: int | None = None,
    n_start: int | None = None,
    *,
    competing_times=None,
    scale: str = "cumulative",
    level: float = 0.95,
    method: str = "guyot-constrained",
) -> CompetingResponse:
    """Time to response from a digitised cumulative-response curve, with death as a competing event.

    Parameters
    ----------
    curve : DataFrame
        Digitised points ``time``, ``y``-values in column ``survival``: with ``scale="cumulative"``
        the cumulative proportion responded (rising from 0; reconstructed as 1 - y), with
        ``scale="survival"`` the proportion not yet responded.
    at_risk, total_responses, n_start
        Published numbers still at risk of response, total responders, patients at time 0
        (:func:`reconstruct`).
    competing_times : array-like of float, optional
        Times of the deaths (or transplants) before response that the published curve treated as
        censored (e.g. from the paper's patient listing). Each is given to the censored
        reconstructed patient whose time is closest (each patient once, earliest death first); the
        patient keeps the reconstructed time, so every number at risk stays as published, and the
        largest shift is reported (``max_competing_shift``).
    level : float
        Confidence level of the cumulative-incidence CI.

    Returns
    -------
    CompetingResponse
        ``incidence``: :func:`reanalysis.survival.cumulative_incidence` of response (Aalen-Johansen
        with Gray's variance, as ``cmprsk::cuminc``); ``naive``: the KM fit with deaths censored;
        ``at(times)`` compares the two; ``ipd`` has ``code`` 0 = censored, 1 = response,
        2 = competing event.

    Notes
    -----
    1 - KM overstates the probability of response when patients die before responding: it treats
    them as if they could still respond. Without ``competing_times`` the result is 1 - KM.
    """
    from . import survival

    scale = _checks.choice(scale, "scale", ("cumulative", "survival"))
    level = _checks.level(level)
    pts = _frame(curve, "curve", ["time", "survival"])
    y = pts["survival"]
    surv = pd.DataFrame({"time": pts["time"], "survival": 1 - y if scale == "cumulative" else y})
    rec = reconstruct(surv, at_risk, total_responses, n_start, method=method)
    ipd = rec.ipd.rename(columns={"event": "code"}).copy()
    shift = 0.0
    n_comp = 0
    if competing_times is not None:
        try:
            ct = np.sort(np.atleast_1d(np.asarray(competing_times, dtype=float)))
        except (TypeError, ValueError):
            raise ValueError(f"competing_times must be numbers, got {competing_times!r}") from None
        bad = np.flatnonzero(~np.isfinite(ct) | (ct < 0))
        if len(bad):
            raise ValueError(
                f"competing_times[{int(bad[0])}] = {float(ct[bad[0]])!r}: must be a finite time >= 0"
            )
        free = np.flatnonzero(ipd["code"].to_numpy() == 0)
        if len(ct) > len(free):
            raise ValueError(
                f"competing_times has {len(ct)} deaths but only {len(free)} reconstructed patients are censored"
            )
        times = ipd["time"].to_numpy()
        codes = ipd["code"].to_numpy().copy()
        available = np.ones(len(free), dtype=bool)
        for c in ct:
            dist = np.where(available, np.abs(times[free] - c), np.inf)
            j = int(np.argmin(dist))
            available[j] = False
            codes[free[j]] = 2
            shift = max(shift, float(dist[j]))
        ipd["code"] = codes
        n_comp = len(ct)
    if not (ipd["code"] == 1).any():
        raise ValueError("the reconstructed data have no response: the curve never rises")
    incidence = survival.cumulative_incidence(ipd["time"], ipd["code"], event_of_interest=1, level=level)
    naive = survival.kaplan_meier(ipd["time"], (ipd["code"] == 1).astype(int), level=level)
    return CompetingResponse(
        n=rec.n,
        responses=int((ipd["code"] == 1).sum()),
        competing=n_comp,
        max_competing_shift=shift,
        reconstruction=rec,
        ipd=ipd,
        incidence=incidence,
        naive=naive,
    )
