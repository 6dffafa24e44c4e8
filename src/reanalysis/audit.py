"""Reproducibility audit: which counts and which methods reproduce a published number.

A published percentage, confidence interval or p-value is a *rounded* number. This module reads
each one as printed ("65.6", "<0.001", ".218", "6.3e-18"), turns it into the interval of true
values that print that way, and searches the counts and methods that land inside it.

- :func:`consistent_counts` — every ``count/n`` that rounds to a printed percentage (a GRIM-type
  check for proportions; Brown & Heathers, Soc Psychol Personal Sci 2017).
- :func:`pvalue_consistent`, :func:`ci_consistent` — is a computed value consistent with the
  printed one (statcheck's rounding rule: Nuijten et al., Behav Res Methods 2016)?
- :func:`explain_pvalue` — every candidate table and test, best first.
- :func:`identify_ci_method` — which :func:`~reanalysis.proportions.proportion_ci` methods give
  the printed bounds.
- :func:`audit` — one verdict per published number in the study data.

Verdicts: ``reproduced`` (published counts and a standard method give the printed number),
``reproduced-with-assumptions`` (only with counts we had to infer, or with a truncated rather
than rounded print), ``not-reproducible`` (no candidate does; the closest is reported) and
``not-checkable`` (too little is published to recompute it).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from . import proportions
from ._results import Result

VERDICTS = ("reproduced", "reproduced-with-assumptions", "not-reproducible", "not-checkable")
_EPS = 1e-7  # floating-point slack at a rounding boundary, relative to the last printed digit

_NUMBER = re.compile(
    r"^\s*(?:p\s*)?(?P<cmp><=|>=|=|<|>|≤|≥)?\s*(?P<mant>[-+]?(?:\d+\.?\d*|\.\d+))"
    r"\s*(?:(?:e|E)(?P<exp1>[-+]?\d+)|(?:[x×\*]\s*10\s*\^?\s*(?P<exp2>[-−+]?\d+)))?\s*%?\s*$",
    re.IGNORECASE,
)


@dataclasses.dataclass(frozen=True)
class Printed:
    """A number as printed: its value, the interval of values that print that way, a comparator."""

    text: str
    value: float
    low: float
    high: float
    comparator: str  # "=", "<", ">", "<=", ">="

    def contains(self, x: float, *, truncated: bool = False) -> bool:
        """Whether ``x`` prints as this number (rounded; or truncated when asked)."""
        step = self.high - self.low  # one unit of the last printed digit
        eps = _EPS * step
        if self.comparator in ("<", "<="):
            return x < self.value + (eps if self.comparator == "<=" else 0)
        if self.comparator in (">", ">="):
            return x > self.value - (eps if self.comparator == ">=" else 0)
        if truncated:
            return self.value - eps <= x < self.value + step - eps
        return self.low - eps <= x <= self.high + eps

    def distance(self, x: float) -> float:
        """How far ``x`` is from printing as this number (0 when it does)."""
        if self.contains(x):
            return 0.0
        if self.comparator in ("<", "<=", ">", ">="):
            return abs(x - self.value)
        return min(abs(x - self.low), abs(x - self.high))


def parse_printed(text, *, default_comparator: str = "=") -> Printed:
    """Read a printed number: "65.6", "41.8%", "<0.001", "p > .05", "6.3e-18", "6.3 × 10^-18".

    The interval is half a unit of the last printed digit either side (inclusive, so both
    round-half-up and round-half-even are accepted). "NS"/"n.s." reads as "> 0.05".
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = repr(text)
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"reported value must be a printed number such as '0.494', got {text!r}")
    raw = text.strip()
    if raw.lower().replace(".", "").replace(" ", "") in ("ns", "notsignificant"):
        return Printed(raw, 0.05, 0.05, 1.0, ">")
    m = _NUMBER.match(raw.replace("−", "-"))
    if not m:
        raise ValueError(
            f"cannot read {text!r} as a printed number (e.g. '0.494', '<0.001', '65.6%', '6.3e-18')"
        )
    mant = m.group("mant")
    exp = m.group("exp1") or m.group("exp2")
    exp = int(exp.replace("−", "-")) if exp else 0
    decimals = len(mant.split(".")[1]) if "." in mant else 0
    value = float(mant) * 10.0**exp
    half = 0.5 * 10.0 ** (exp - decimals)
    cmp = {"≤": "<=", "≥": ">="}.get(m.group("cmp"), m.group("cmp")) or default_comparator
    return Printed(raw, value, value - half, value + half, cmp)


# --------------------------------------------------------------------------------------------
# Percentages and counts
# --------------------------------------------------------------------------------------------
def _n_values(n, n_range) -> list[int]:
    if n is not None and n_range is not None:
        raise ValueError("give n or n_range, not both")
    source = n if n is not None else n_range
    if source is None:
        raise ValueError("n or n_range is required (e.g. n=64 or n_range=(55, 67))")
    if isinstance(source, (int, np.integer)):
        values = [int(source)]
    elif (
        isinstance(source, tuple)
        and len(source) == 2
        and all(isinstance(v, (int, np.integer)) for v in source)
    ):
        values = list(range(int(source[0]), int(source[1]) + 1))
    elif isinstance(source, Iterable):
        values = [int(v) for v in source]
    else:
        raise ValueError(f"n must be a whole number, a (low, high) tuple or a range, got {source!r}")
    if not values or min(values) < 1:
        raise ValueError(f"n must be at least 1, got {source!r}")
    return sorted(set(values))


def consistent_counts(percent, n=None, n_range=None, *, truncated: bool = False) -> pd.DataFrame:
    """Every ``count/n`` whose percentage prints as ``percent``.

    Parameters
    ----------
    percent : str
        The printed percentage ("65.6", "41.8%"); its decimals set the rounding interval.
    n, n_range : int, (low, high) tuple or iterable of int
        Candidate denominators (``n_range=(55, 67)`` includes both ends).
    truncated : bool
        Accept truncation (65.67 printed as 65.6) instead of rounding.

    Returns
    -------
    DataFrame with columns ``count``, ``n``, ``exact_percent``, sorted by n then count.
    """
    printed = parse_printed(percent)
    rows = []
    for nn in _n_values(n, n_range):
        lo = max(0, math.floor((printed.low - 1) * nn / 100))
        hi = min(nn, math.ceil((printed.high + 1) * nn / 100))
        for k in range(lo, hi + 1):
            pct = 100.0 * k / nn
            if printed.contains(pct, truncated=truncated):
                rows.append((k, nn, pct))
    return pd.DataFrame(rows, columns=["count", "n", "exact_percent"])


def pvalue_consistent(reported, computed: float) -> bool:
    """Whether a computed p-value is consistent with the printed one.

    "0.494" accepts [0.4935, 0.4945]; "<0.001" accepts p < 0.001; "NS" accepts p > 0.05;
    scientific notation uses its own last digit.
    """
    return parse_printed(reported).contains(float(computed))


def _scale_factor(printed: Iterable[Printed], computed: Iterable[float], scale: str) -> float:
    if scale == "percent":
        return 100.0
    if scale in ("proportion", "none"):
        return 1.0
    if scale != "auto":
        raise ValueError(f"scale must be one of 'auto', 'percent', 'proportion', 'none'; got {scale!r}")
    # Proportions (possibly unclipped, e.g. 1.027) against printed percentages ("103").
    computed = [c for c in computed if np.isfinite(c)]
    if any(p.text.endswith("%") for p in printed):
        return 100.0
    if computed and all(-0.5 <= c <= 1.5 for c in computed) and any(abs(p.value) > 1.5 for p in printed):
        return 100.0
    return 1.0


def ci_consistent(reported_low, reported_high, low: float, high: float, scale: str = "auto") -> bool:
    """Whether computed bounds print as the published ones.

    ``scale="auto"`` compares proportions with printed percentages when the printed bounds are
    above 1 (or carry a % sign); use "percent", "proportion" or "none" to say it explicitly.
    """
    pl, ph = parse_printed(reported_low), parse_printed(reported_high)
    f = _scale_factor([pl, ph], [low, high], scale)
    return pl.contains(f * low) and ph.contains(f * high)


def _ci_distance(pl: Printed, ph: Printed, low: float, high: float, f: float) -> float:
    return max(pl.distance(f * low), ph.distance(f * high))


def identify_ci_method(count, nobs, reported_low, reported_high, level: float = 0.95) -> list[str]:
    """The :data:`~reanalysis.proportions.CI_METHODS` whose bounds print as the published ones.

    Published bounds may exceed 100% (a Wald interval printed unclipped, e.g. "84-103"), so the
    unclipped Wald bound is also tried.
    """
    pl, ph = parse_printed(reported_low), parse_printed(reported_high)
    found = []
    for method, low, high in _ci_candidates(count, nobs, level):
        f = _scale_factor([pl, ph], [low, high], "auto")
        if pl.contains(f * low) and ph.contains(f * high) and method not in found:
            found.append(method)
    return found


def _ci_candidates(count, nobs, level):
    for method in proportions.CI_METHODS:
        res = proportions.proportion_ci(count, nobs, method=method, level=level)
        yield method, res.low, res.high
    # Unclipped normal-approximation bounds, as some papers print them (e.g. "94 [84-103]").
    from scipy import stats

    p = count / nobs
    half = stats.norm.isf((1 - level) / 2) * math.sqrt(p * (1 - p) / nobs)
    yield "wald", p - half, p + half
    yield ("wald-t", *proportions._wald_t(count, nobs, level, clip=False))


def closest_ci_method(
    count, nobs, reported_low, reported_high, level: float = 0.95
) -> tuple[str, float, float, float]:
    """The method whose bounds come closest to the printed ones: (method, low, high, distance)."""
    pl, ph = parse_printed(reported_low), parse_printed(reported_high)
    best = None
    for method, low, high in _ci_candidates(count, nobs, level):
        f = _scale_factor([pl, ph], [low, high], "auto")
        d = _ci_distance(pl, ph, low, high, f)
        if best is None or d < best[3]:
            best = (method, low, high, d)
    return best


# --------------------------------------------------------------------------------------------
# p-values
# --------------------------------------------------------------------------------------------
def _candidate_counts(group, truncated: bool = False) -> list[tuple[int, int]]:
    """(count, n) pairs for a group given as (count, n) or (printed percent, n or n-range)."""
    if not isinstance(group, (tuple, list)) or len(group) != 2:
        raise ValueError(f"a group is (count, n) or (printed percent, n or n-range), got {group!r}")
    first, second = group
    if isinstance(first, str):
        table = (
            consistent_counts(first, n=second, truncated=truncated)
            if not (isinstance(second, tuple))
            else consistent_counts(first, n_range=second, truncated=truncated)
        )
        return list(zip(table["count"].tolist(), table["n"].tolist(), strict=True))
    x, n = proportions._checks.count_and_total(first, second, "group count", "group n")
    return [(x, n)]


def explain_pvalue(reported, group1, group2, methods=None, truncated: bool = False) -> pd.DataFrame:
    """Every candidate table and test for a published two-group p-value, best first.

    Parameters
    ----------
    reported : str
        The printed p-value ("0.494", "<0.001").
    group1, group2 : tuple
        ``(count, n)`` for exact counts, or ``(printed_percent, n)`` where n is an int, a
        ``(low, high)`` tuple or a range of candidate denominators.
    methods : list of str, optional
        Tests of :func:`~reanalysis.proportions.compare_proportions` (default: all).
    truncated : bool
        Read printed percentages as truncated rather than rounded (65.67 printed as 65.6).

    Returns
    -------
    DataFrame with columns count1, n1, count2, n2, method, pvalue, consistent, distance; sorted
    with consistent candidates first, then by distance from the printed interval.
    """
    printed = parse_printed(reported)
    methods = list(proportions.TEST_METHODS) if methods is None else list(methods)
    for m in methods:
        proportions._checks.choice(m, "methods", proportions.TEST_METHODS)
    rows = []
    for x1, n1 in _candidate_counts(group1, truncated):
        for x2, n2 in _candidate_counts(group2, truncated):
            for m in methods:
                p = proportions.compare_proportions(x1, n1, x2, n2, method=m).pvalue
                rows.append((x1, n1, x2, n2, m, p, printed.contains(p), printed.distance(p)))
    frame = pd.DataFrame(
        rows, columns=["count1", "n1", "count2", "n2", "method", "pvalue", "consistent", "distance"]
    )
    order = {m: i for i, m in enumerate(methods)}
    frame["_order"] = frame["method"].map(order)
    frame = frame.sort_values(
        ["consistent", "distance", "n1", "n2", "count1", "count2", "_order"],
        ascending=[False, True, False, False, True, True, True],
        kind="mergesort",
    )
    return frame.drop(columns="_order").reset_index(drop=True)


@dataclasses.dataclass(frozen=True)
class ContingencyTest(Result):
    """Pearson chi-square test of an r x c table (e.g. CR / PR / no response by arm)."""

    statistic: float
    pvalue: float
    dof: int
    correction: bool


def contingency_pvalue(table, correction: bool = False) -> ContingencyTest:
    """Pearson chi-square test of independence for an r x c table of counts (scipy).

    For reading published p-values that come from something other than a two-group test of one
    binary endpoint, e.g. response categories (CR / PR / NR) by arm. ``correction`` applies
    Yates' correction, which scipy (like R) uses only for 2 x 2 tables.
    """
    from scipy import stats

    arr = np.asarray(table)
    if arr.ndim != 2 or min(arr.shape) < 2 or np.any(arr < 0) or np.any(arr != np.round(arr)):
        raise ValueError(
            f"table must be a 2-D array of non-negative integer counts with at least 2 x 2 cells, got {table!r}"
        )
    res = stats.chi2_contingency(arr, correction=correction)
    return ContingencyTest(float(res.statistic), float(res.pvalue), int(res.dof), bool(correction))


# --------------------------------------------------------------------------------------------
# The audit of the study data
# --------------------------------------------------------------------------------------------
AUDIT_COLUMNS = [
    "study_id",
    "endpoint",
    "timepoint",
    "arm",
    "kind",
    "reported",
    "verdict",
    "method",
    "computed",
    "explanation",
]


def _timepoint(row) -> str:
    if row.timepoint_unit == "best":
        return "best response"
    v = row.timepoint_value
    return f"{int(v) if float(v).is_integer() else v} {row.timepoint_unit}"


def _fmt(x: float) -> str:
    if x != 0 and abs(x) < 1e-3:
        return f"{x:.2e}"
    return f"{x:.4g}"


def audit(data=None) -> pd.DataFrame:
    """One row per published percentage, CI, p-value and effect estimate in the study data.

    Parameters
    ----------
    data : StudyData, optional
        As returned by :func:`reanalysis.data.load` (default: the repository's data).

    Returns
    -------
    DataFrame with columns study_id, endpoint, timepoint, arm, kind (percent / ci / pvalue /
    effect), reported, verdict, method, computed (closest or reproducing value), explanation.
    """
    if data is None:
        from . import data as data_module

        data = data_module.load()
    rows = []
    arms = data.arms.set_index(["study_id", "arm_id"])
    for row in data.outcomes.itertuples(index=False):
        rows.extend(_audit_outcome(row))
    for row in data.comparisons.itertuples(index=False):
        rows.extend(_audit_comparison(row, data.outcomes, arms))
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def _audit_outcome(row):
    base = dict(study_id=row.study_id, endpoint=row.endpoint, timepoint=_timepoint(row), arm=row.arm_id)
    from .data import outcome_counts

    found = outcome_counts(row)
    counts, derived = (found[:2], found[2]) if found else (None, False)
    out = []
    if row.reported_percent is not None:
        printed = parse_printed(row.reported_percent)
        rec = dict(base, kind="percent", reported=row.reported_percent)
        if counts is None:
            rec.update(
                verdict="not-checkable",
                method="",
                computed="",
                explanation="Neither the count nor the denominator is published.",
            )
        else:
            x, n = counts
            pct = 100 * x / n
            source = f"{x}/{n}" + (" (derived count)" if derived else "")
            if printed.contains(pct):
                rec.update(
                    verdict="reproduced-with-assumptions" if derived else "reproduced",
                    method="rounding",
                    computed=f"{pct:.4f}",
                    explanation=f"{source} = {pct:.2f}% prints as {row.reported_percent}%"
                    + ("; the count was inferred from the percentage." if derived else "."),
                )
            elif printed.contains(pct, truncated=True):
                rec.update(
                    verdict="reproduced-with-assumptions",
                    method="truncation",
                    computed=f"{pct:.4f}",
                    explanation=f"{source} = {pct:.2f}% would round to {pct:.{_decimals(printed)}f}%; "
                    f"the paper truncated it to {row.reported_percent}%.",
                )
            else:
                rec.update(
                    verdict="not-reproducible",
                    method="",
                    computed=f"{pct:.4f}",
                    explanation=f"{source} = {pct:.2f}% does not print as {row.reported_percent}%.",
                )
        out.append(rec)
    if row.ci_low is not None:
        rec = dict(base, kind="ci", reported=f"{row.ci_low}-{row.ci_high}")
        level = (row.ci_level if not pd.isna(row.ci_level) else 95.0) / 100
        if counts is None:
            rec.update(
                verdict="not-checkable",
                method="",
                computed="",
                explanation="No count to recompute the CI from.",
            )
        else:
            x, n = counts
            methods = identify_ci_method(x, n, row.ci_low, row.ci_high, level=level)
            if methods:
                res = proportions.proportion_ci(x, n, method=methods[0], level=level)
                rec.update(
                    verdict="reproduced-with-assumptions" if derived else "reproduced",
                    method=";".join(methods),
                    computed=f"{100 * res.low:.2f}-{100 * res.high:.2f}",
                    explanation=f"{int(level * 100)}% CI for {x}/{n} by {' or '.join(methods)}"
                    + (" (unclipped)" if float(row.ci_high) > 100 else "")
                    + ".",
                )
            else:
                method, lo, hi, _ = closest_ci_method(x, n, row.ci_low, row.ci_high, level=level)
                rec.update(
                    verdict="not-reproducible",
                    method="",
                    computed=f"{method}: {100 * lo:.2f}-{100 * hi:.2f}",
                    explanation=f"No standard CI for {x}/{n} gives {row.ci_low}-{row.ci_high}; closest is "
                    f"{method} ({100 * lo:.1f}-{100 * hi:.1f})"
                    + (
                        "; the printed upper bound is below the estimate (typo in the source)."
                        if float(row.ci_high) < 100 * x / n
                        else "."
                    ),
                )
        out.append(rec)
    return out


def _decimals(printed: Printed) -> int:
    return max(0, -int(math.floor(math.log10(2 * (printed.value - printed.low)) + 1e-12)))


def _group_spec(outcomes, study_id, arm_id, endpoint, unit, value, arms):
    """How a comparison arm enters explain_pvalue: exact, derived, percent+range, or None."""
    sel = outcomes[
        (outcomes.study_id == study_id)
        & (outcomes.arm_id == arm_id)
        & (outcomes.endpoint == endpoint)
        & (outcomes.timepoint_unit == unit)
    ]
    if not pd.isna(value):
        sel = sel[sel.timepoint_value == value]
    if sel.empty:
        return None, "no outcome data"
    row = sel.iloc[0]
    if not pd.isna(row.responders) and not pd.isna(row.n):
        return (int(row.responders), int(row.n)), "published"
    if row.reported_percent is not None:
        if not pd.isna(row.n):
            return (row.reported_percent, int(row.n)), "percent with published n"
        arm = arms.loc[(study_id, arm_id)]
        total = next(
            (int(arm[c]) for c in ("n_evaluable", "n_randomised", "n_enrolled") if not pd.isna(arm[c])), None
        )
        if total:
            return (row.reported_percent, (1, total)), f"percent with n <= {total}"
    return None, "no counts"


def _audit_comparison(row, outcomes, arms):
    timepoint = _timepoint(row)
    base = dict(
        study_id=row.study_id, endpoint=row.endpoint, timepoint=timepoint, arm=f"{row.arm_a} vs {row.arm_b}"
    )
    g1, how1 = _group_spec(
        outcomes, row.study_id, row.arm_a, row.endpoint, row.timepoint_unit, row.timepoint_value, arms
    )
    g2, how2 = _group_spec(
        outcomes, row.study_id, row.arm_b, row.endpoint, row.timepoint_unit, row.timepoint_value, arms
    )
    assumed = "published" not in (how1, how2) or how1 != "published" or how2 != "published"
    out = []
    if row.reported_p is None:
        out.append(
            dict(
                base,
                kind="claim",
                reported=row.claim or "",
                verdict="not-checkable",
                method="",
                computed="",
                explanation="A verbal claim with no numbers published behind it.",
            )
        )
    elif g1 is None or g2 is None:
        missing = row.arm_a if g1 is None else row.arm_b
        out.append(
            dict(
                base,
                kind="pvalue",
                reported=row.reported_p,
                verdict="not-checkable",
                method="",
                computed="",
                explanation=f"No counts published for {missing}; the comparator and test are not stated.",
            )
        )
    else:
        table = explain_pvalue(row.reported_p, g1, g2)
        hits = table[table.consistent]
        if not hits.empty:
            methods = list(dict.fromkeys(hits["method"]))
            best = hits.iloc[0]
            counts = f"{best.count1}/{best.n1} vs {best.count2}/{best.n2}"
            out.append(
                dict(
                    base,
                    kind="pvalue",
                    reported=row.reported_p,
                    verdict="reproduced-with-assumptions" if assumed else "reproduced",
                    method=";".join(methods),
                    computed=f"{best.pvalue:.6g}",
                    explanation=f"{counts} by {best.method} gives p = {_fmt(best.pvalue)}"
                    + (" (counts inferred from the percentages)." if assumed else "."),
                )
            )
        else:
            best = table.iloc[0]
            counts = f"{best.count1}/{best.n1} vs {best.count2}/{best.n2}"
            n_tables = len(table[["count1", "n1", "count2", "n2"]].drop_duplicates())
            out.append(
                dict(
                    base,
                    kind="pvalue",
                    reported=row.reported_p,
                    verdict="not-reproducible",
                    method="",
                    computed=f"{best.method} {counts}: {_fmt(best.pvalue)}",
                    explanation=f"None of {len(proportions.TEST_METHODS)} standard tests on {n_tables} "
                    f"table(s) consistent with the data gives p = {row.reported_p}; closest is "
                    f"{best.method} on {counts} (p = {_fmt(best.pvalue)}).",
                )
            )
    if row.reported_effect is not None:
        out.append(_audit_effect(row, base, g1, g2))
    return out


def _audit_effect(row, base, g1, g2):
    rec = dict(
        base,
        kind="effect",
        reported=f"{row.effect_measure.upper()} {row.reported_effect} "
        f"({row.effect_ci_low}-{row.effect_ci_high})",
    )
    exact = [g for g in (g1, g2) if g is not None and isinstance(g[0], (int, np.integer))]
    if len(exact) < 2:
        candidates = []
        for c1 in _candidate_counts(g1) if g1 else []:
            for c2 in _candidate_counts(g2) if g2 else []:
                candidates.append((c1, c2))
    else:
        candidates = [(g1, g2)]
    if not candidates:
        return dict(
            rec, verdict="not-checkable", method="", computed="", explanation="No counts to recompute from."
        )
    pe = parse_printed(row.reported_effect)
    pl, ph = parse_printed(row.effect_ci_low), parse_printed(row.effect_ci_high)
    best = None
    for (x1, n1), (x2, n2) in candidates:
        for method in proportions.EFFECT_METHODS[row.effect_measure]:
            res = proportions.effect_size(x1, n1, x2, n2, measure=row.effect_measure, method=method)
            d = max(pe.distance(res.estimate), pl.distance(res.low), ph.distance(res.high))
            if best is None or d < best[0]:
                best = (d, method, res)
    d, method, res = best
    summary = f"{res.estimate:.2f} ({res.low:.2f}-{res.high:.2f})"
    assumed = len(exact) < 2
    if d == 0:
        return dict(
            rec,
            verdict="reproduced-with-assumptions" if assumed else "reproduced",
            method=method,
            computed=summary,
            explanation=f"Crude {method} estimate on the counts reproduces it.",
        )
    return dict(
        rec,
        verdict="not-reproducible",
        method="",
        computed=f"{method}: {summary}",
        explanation=f"The crude {row.effect_measure.upper()} from the counts is {res.estimate:.2f}; the "
        "published value is probably adjusted (stratified or model-based), as the paper's test is "
        f"'{row.test_stated}'.",
    )
