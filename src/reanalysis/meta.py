"""Random-effects meta-analysis of proportions and of two-group binary outcomes.

:func:`pool_proportions` pools single-arm response rates; :func:`pool_effects` pools odds ratios,
risk ratios or risk differences from 2x2 tables. Both follow metafor's ``escalc`` + ``rma``
(Viechtbauer, J Stat Softw 2010) and are cross-checked against it to 1e-6:

- effect sizes: logit ("PLO"), Freeman-Tukey double arcsine ("PFT"), raw proportion ("PR"),
  log OR, log RR, RD; 0.5 added to every cell of a study with a zero cell (escalc's default
  ``add=1/2, to="only0"``) for the logit and ratio measures;
- tau² estimators: DerSimonian-Laird ("DL"; statsmodels), Paule-Mandel ("PM"; solved exactly
  by root finding, as statsmodels' iterated version stops at 1e-5) and restricted maximum
  likelihood ("REML", Fisher scoring as in metafor; statsmodels has no REML for meta-analysis);
- CI on the z scale, or Hartung-Knapp(-Sidik-Jonkman) on the t(k-1) scale (metafor
  ``test="knha"``); prediction interval as metafor's ``predict`` (z, or t(k-1) with knha).

Freeman-Tukey results are back-transformed with the harmonic mean of the sample sizes (Miller,
Am Stat 1978), as metafor's ``transf.ipft.hm``.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
from scipy import optimize, stats

from . import _checks
from ._results import Result

TAU2_METHODS = ("DL", "REML", "PM")
TRANSFORMS = ("logit", "freeman-tukey", "none")
MEASURES = ("or", "rr", "rd")


@dataclasses.dataclass(frozen=True)
class MetaResult(Result):
    """Pooled estimate of a random-effects meta-analysis.

    ``estimate``/``low``/``high`` and ``pi_low``/``pi_high`` (prediction interval) are on the
    natural scale (a proportion, an OR, RR or RD); the ``*_transformed`` fields and ``se`` on the
    analysis scale (logit, arcsine, log ratio). ``studies`` holds per-study estimates, CIs and
    random-effects weights (percent); each study's CI is the Wald interval on the analysis scale,
    back-transformed (for a logit proportion: a logit-Wald interval, as metafor's ``forest()``
    shows), so it need not equal the interval the paper prints (often Clopper-Pearson for a
    proportion); :func:`reanalysis.proportions.proportion_ci` gives that one.
    """

    measure: str
    method: str
    k: int
    estimate: float
    low: float
    high: float
    pi_low: float
    pi_high: float
    estimate_transformed: float
    se: float
    low_transformed: float
    high_transformed: float
    pi_low_transformed: float
    pi_high_transformed: float
    tau2: float
    i2: float
    q: float
    q_pvalue: float
    hartung_knapp: bool
    level: float
    # Per-study columns; the table is built on first access of ``studies`` (a 10,000-row frame of
    # labels costs more than the meta-analysis itself).
    _study_columns: dict = dataclasses.field(repr=False, compare=False, default_factory=dict)

    @property
    def studies(self) -> pd.DataFrame:
        """Per-study estimates, CIs (natural scale) and random-effects weights (percent)."""
        frame = self.__dict__.get("_studies_frame")
        if frame is None:
            cols = dict(self._study_columns)
            if cols.get("study") is None:
                cols["study"] = [f"study {i + 1}" for i in range(self.k)]
            order = ["study", "events", "total", "estimate", "low", "high", "weight_percent"]
            frame = pd.DataFrame({c: cols[c] for c in order})
            object.__setattr__(self, "_studies_frame", frame)
        return frame.copy()


def pool_proportions(
    events,
    totals,
    method: str = "REML",
    transform: str = "logit",
    hartung_knapp: bool = False,
    level: float = 0.95,
    labels=None,
) -> MetaResult:
    """Random-effects pooled proportion.

    Parameters
    ----------
    events, totals : array-like of int
        Responders and patients per study.
    method : {"DL", "REML", "PM"}
        Between-study variance estimator.
    transform : {"logit", "freeman-tukey", "none"}
        Scale of the analysis (metafor measure "PLO", "PFT", "PR").
    hartung_knapp : bool
        Hartung-Knapp-Sidik-Jonkman CI (t distribution with k-1 df, adjusted SE).
    level : float
        Confidence level.
    labels : list of str, optional
        Study labels for the per-study table.
    """
    x, n = _counts(events, totals, "events", "totals")
    transform = _checks.choice(transform, "transform", TRANSFORMS)
    opts = _options(method, hartung_knapp, level, labels, len(x))
    if transform == "logit":
        xa, na = x.astype(float), n.astype(float)
        zero = (x == 0) | (x == n)
        xa = np.where(zero, xa + 0.5, xa)
        na = np.where(zero, na + 1.0, na)
        yi = np.log(xa / (na - xa))
        vi = 1 / xa + 1 / (na - xa)
    elif transform == "freeman-tukey":
        yi = 0.5 * (np.arcsin(np.sqrt(x / (n + 1))) + np.arcsin(np.sqrt((x + 1) / (n + 1))))
        vi = 1 / (4 * n + 2)
    else:
        yi = x / n
        vi = yi * (1 - yi) / n
    hm = len(n) / np.sum(1 / n)

    def back(v):
        v = np.asarray(v, dtype=float)
        if transform == "logit":
            return 1 / (1 + np.exp(-v))
        if transform == "freeman-tukey":
            return _ipft(v, hm)
        return v

    measure = {"logit": "PLO", "freeman-tukey": "PFT", "none": "PR"}[transform]
    # Each study's own estimate is back-transformed with its own n (metafor transf.ipft).
    study_back = (lambda v: _ipft(v, n)) if transform == "freeman-tukey" else back
    return _pool(yi, vi, *opts, measure, back, study_back, x, n)


def pool_effects(
    events1,
    totals1,
    events2,
    totals2,
    measure: str = "or",
    method: str = "REML",
    hartung_knapp: bool = False,
    level: float = 0.95,
    labels=None,
) -> MetaResult:
    """Random-effects pooled OR, RR or RD of group 1 versus group 2 (metafor "OR", "RR", "RD")."""
    x1, n1 = _counts(events1, totals1, "events1", "totals1")
    x2, n2 = _counts(events2, totals2, "events2", "totals2")
    if len(x1) != len(x2):
        raise ValueError(f"events1 and events2 must have the same number of studies ({len(x1)} vs {len(x2)})")
    measure = _checks.choice(measure, "measure", MEASURES)
    opts = _options(method, hartung_knapp, level, labels, len(x1))
    a, b, c, d = x1.astype(float), (n1 - x1).astype(float), x2.astype(float), (n2 - x2).astype(float)
    if measure in ("or", "rr"):
        zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
        a, b, c, d = (np.where(zero, v + 0.5, v) for v in (a, b, c, d))
    if measure == "or":
        yi = np.log(a * d / (b * c))
        vi = 1 / a + 1 / b + 1 / c + 1 / d
        back = np.exp
    elif measure == "rr":
        yi = np.log((a / (a + b)) / (c / (c + d)))
        vi = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
        back = np.exp
    else:
        p1, p2 = a / (a + b), c / (c + d)
        yi = p1 - p2
        vi = p1 * (1 - p1) / (a + b) + p2 * (1 - p2) / (c + d)

        def back(v):
            return np.asarray(v, dtype=float)

    return _pool(yi, vi, *opts, measure.upper(), back, back, x1, n1)


def _options(method, hartung_knapp, level, labels, k):
    method = _checks.choice(method, "method", TAU2_METHODS)
    hartung_knapp = _checks.flag(hartung_knapp, "hartung_knapp")
    level = _checks.level(level)
    if hartung_knapp and k < 2:
        raise ValueError("hartung_knapp needs at least 2 studies (its t distribution has k - 1 df)")
    return method, hartung_knapp, level, (None if labels is None else _checks.labels(labels, k))


def _counts(events, totals, en, tn):
    """Validated event and total arrays (one-line ValueError naming the argument and element)."""
    x = _checks.count_vector(events, en)
    n = _checks.count_vector(totals, tn, minimum=1)
    if len(x) != len(n):
        raise ValueError(f"{en} and {tn} must have the same length, got {len(x)} and {len(n)}")
    over = x > n
    if over.any():
        i = int(np.argmax(over))
        raise ValueError(f"{en}[{i}] ({x[i]}) must not exceed {tn}[{i}] ({n[i]})")
    return x, n


def _ipft(t, n):
    # Inverse of the Freeman-Tukey double arcsine (Miller 1978), as metafor's transf.ipft.
    t = np.asarray(t, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sin(2 * t)
        inner = s + (s - 1 / s) / n
        val = 0.5 * (1 - np.sign(np.cos(2 * t)) * np.sqrt(np.clip(1 - inner**2, 0, None)))
    # Outside the range the transform can take for this n, return the boundary (as metafor).
    lower = 0.5 * np.arcsin(np.sqrt(1 / (n + 1)))
    upper = 0.5 * (np.arcsin(np.sqrt(n / (n + 1))) + math.pi / 2)
    val = np.where(t < lower, 0.0, val)
    val = np.where(t > upper, 1.0, val)
    return val


def _tau2(yi, vi, method):
    k = len(yi)
    if k == 1:
        return 0.0
    if method == "DL":
        from statsmodels.stats.meta_analysis import combine_effects

        with np.errstate(invalid="ignore", divide="ignore"):
            res = combine_effects(yi, vi, method_re="chi2")
        return max(0.0, float(res.tau2))
    if method == "PM":
        # Paule-Mandel: the tau2 at which the generalised Q equals k - 1 (Paule & Mandel, J Res
        # Natl Bur Stand 1982). Solved by root finding: statsmodels' iterated estimator stops at
        # an absolute tolerance of 1e-5, which leaves ~1e-6 differences from metafor.
        def excess(t2):
            w = 1 / (vi + t2)
            mu = np.sum(w * yi) / np.sum(w)
            return float(np.sum(w * (yi - mu) ** 2) - (k - 1))

        if excess(0.0) <= 0:
            return 0.0
        upper = 1.0
        while excess(upper) > 0:
            upper *= 2
        return optimize.brentq(excess, 0.0, upper, xtol=1e-15, rtol=1e-14)
    # REML by Fisher scoring from the DL start, as metafor (threshold far below its 1e-5 default).
    tau2 = _tau2(yi, vi, "DL")
    for _ in range(1000):
        w = 1 / (vi + tau2)
        mu = np.sum(w * yi) / np.sum(w)
        # P = W - W 1 1' W / sum(W); score and information of the restricted likelihood.
        wr = w * (yi - mu)
        sw, sw2 = np.sum(w), np.sum(w * w)
        score = 0.5 * (np.sum(wr * wr) - (sw - sw2 / sw))
        # Information 0.5 tr(P P) with P = W - w w' / sum(w): expanding the square gives
        # sum(w^2) - 2 sum(w^3) / sum(w) + (sum(w^2) / sum(w))^2, O(k) instead of a k x k matrix
        # (2.4 GB at k = 1e4); the same number as metafor's matrix form up to rounding.
        info = 0.5 * (sw2 - 2 * np.sum(w**3) / sw + (sw2 / sw) ** 2)
        step = score / info
        new = max(0.0, tau2 + step)
        if abs(new - tau2) < 1e-12:
            tau2 = new
            break
        tau2 = new
    return tau2


def _pool(yi, vi, method, hartung_knapp, level, labels, measure, back, study_back, x, n):
    if not np.all(np.isfinite(yi)) or not np.all(vi > 0):
        raise ValueError(
            "a study has an undefined effect size or zero variance (e.g. a proportion of 0 or 1 "
            "with transform='none'); use transform='logit' or 'freeman-tukey'"
        )
    k = len(yi)
    tau2 = _tau2(yi, vi, method)
    w = 1 / (vi + tau2)
    mu = float(np.sum(w * yi) / np.sum(w))
    se = float(math.sqrt(1 / np.sum(w)))
    wf = 1 / vi
    mu_fe = np.sum(wf * yi) / np.sum(wf)
    q = float(np.sum(wf * (yi - mu_fe) ** 2))
    q_p = float(stats.chi2.sf(q, k - 1)) if k > 1 else math.nan
    # I² as metafor: tau² / (tau² + typical within-study variance s²).
    s2 = (k - 1) * np.sum(wf) / (np.sum(wf) ** 2 - np.sum(wf**2)) if k > 1 else 0.0
    i2 = float(100 * tau2 / (tau2 + s2)) if k > 1 else 0.0
    alpha = 1 - level
    if hartung_knapp:
        se = float(math.sqrt(np.sum(w * (yi - mu) ** 2) / ((k - 1) * np.sum(w))))
        crit = stats.t.isf(alpha / 2, k - 1)
    else:
        crit = stats.norm.isf(alpha / 2)
    lo, hi = mu - crit * se, mu + crit * se
    pi_se = math.sqrt(se * se + tau2)
    pi_lo, pi_hi = mu - crit * pi_se, mu + crit * pi_se
    z = stats.norm.isf(alpha / 2)
    s = np.sqrt(vi)
    studies = {
        "study": labels,
        "events": x.astype(int),
        "total": n.astype(int),
        "estimate": np.asarray(study_back(yi), dtype=float),
        "low": np.asarray(study_back(yi - z * s), dtype=float),
        "high": np.asarray(study_back(yi + z * s), dtype=float),
        "weight_percent": 100 * w / np.sum(w),
    }
    return MetaResult(
        measure=measure,
        method=method,
        k=k,
        estimate=float(back(mu)),
        low=float(back(lo)),
        high=float(back(hi)),
        pi_low=float(back(pi_lo)),
        pi_high=float(back(pi_hi)),
        estimate_transformed=mu,
        se=se,
        low_transformed=lo,
        high_transformed=hi,
        pi_low_transformed=pi_lo,
        pi_high_transformed=pi_hi,
        tau2=float(tau2),
        i2=i2,
        q=q,
        q_pvalue=q_p,
        hartung_knapp=bool(hartung_knapp),
        level=level,
        _study_columns=studies,
    )
