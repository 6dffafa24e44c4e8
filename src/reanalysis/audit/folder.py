"""The audit of an evidence folder: one verdict per check of a published number.

The folder audit is built for corpora: every two-group p-value question is turned into candidate
tables first, all candidate tables of all comparisons are deduplicated and evaluated together per
test (vectorised kernels of :mod:`reanalysis.proportions`, optionally in parallel with joblib),
and the verdicts are read back per comparison. There is no per-number loop over scipy calls.
"""

from __future__ import annotations

import hashlib
import math
import re
from fractions import Fraction

import numpy as np
import pandas as pd

from .. import _checks, proportions
from ..evidence import outcome_counts
from ..printed import format_value, parse_printed
from . import tables
from .claims import (
    MARGIN_STATED,
    MARGIN_TEST,
    NONINFERIORITY,
    ONE_SIDED,
    read_claim,
    read_noninferiority,
)
from .counts import contains, count_candidates, distance, fitting_denominators, percent_decimals
from .effects import (
    SAS_PAIRING,
    NoImpliedPError,
    ci_centred,
    closest_effect,
    interval_order,
    landmark_consistency,
    ratio_consistency,
    ratio_distance,
    rd_scale,
    spaced_p,
)
from .intervals import closest_ci_method, identify_ci_method, unrounded_levels
from .verdicts import VERDICTS, _after_p, adjustment_stated, is_model_based

AUDIT_COLUMNS = [
    "study_id",
    "endpoint",
    "timepoint",
    "arm",
    "kind",
    "reported",
    "verdict",
    "check",
    "method",
    "computed",
    "explanation",
    "source",
]

#: Kinds of published number the audit reads.
KINDS = (
    "percent",
    "denominator",
    "ci",
    "pvalue",
    "effect",
    "effect-p",
    "claim",
    "median-ci",
    "rate-ci",
    "summary",
    "median",
    "rate",
    "mean",
    "min",
    "max",
    "q1",
    "q3",
)


def _timepoint(row) -> str:
    if _missing(row.timepoint_unit):
        return "whole follow-up"
    if row.timepoint_unit == "best":  # no fixed time: the best response, or an event at any time
        return "any time"
    v = row.timepoint_value
    return f"{int(v) if float(v).is_integer() else v} {row.timepoint_unit}"


def _time_in_prose(row) -> str:
    """'18 months', '1 month' (the timepoint column keeps '18 month', a key; statistical reviewer)."""
    text = _timepoint(row)
    if _missing(row.timepoint_unit) or row.timepoint_unit == "best":
        return text
    return text if float(row.timepoint_value) == 1 else f"{text}s"


def _fmt(x: float) -> str:
    return format_value(x)


def _two_decimals(x: float, decimals: int = 2) -> str:
    """A computed effect to two decimals (or ``decimals``); an infinite ratio (a group with no events)
    as R prints it, an undefined one as NE (not estimable)."""
    return "Inf" if x == math.inf else "NE" if math.isnan(x) else f"{x:.{decimals}f}"


def _shown_decimals(*printed) -> int:
    """Decimals to show a computed effect with: two, or as many as the finest printed value, so that
    a risk difference printed as a proportion (-0.0261) is not shown as -0.03 beside it."""
    finest = 0
    for text in printed:
        try:
            finest = max(finest, parse_printed(text).decimals)
        except (ValueError, TypeError):  # an empty or unreadable bound (other checks say so)
            continue
    return max(2, finest)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


class _Rows:
    """Collects audit rows; every row names where in the folder it came from."""

    def __init__(self):
        self.rows: list[dict] = []

    def add(self, base: dict, **fields) -> dict:
        rec = dict(base)
        rec.setdefault("method", "")
        rec.setdefault("computed", "")
        rec.update(fields)
        assert rec["verdict"] in VERDICTS, rec["verdict"]
        self.rows.append(rec)
        return rec


def audit(evidence=None, *, n_jobs: int = 1) -> pd.DataFrame:
    """One row per check of a published percentage, CI, p-value, effect and time-to-event summary.

    Each printed number has one row, except a p-value printed beside an effect and its CI, which
    has two: recomputed from the counts (kind ``pvalue``) and checked against the p-value its CI
    implies (kind ``effect-p``). :func:`~reanalysis.audit.number_verdicts` gives one verdict per
    published number.

    Parameters
    ----------
    evidence : Evidence, optional
        As returned by :func:`reanalysis.evidence.load` (default: the default folder, see
        :func:`reanalysis.evidence.default_folder`).
    n_jobs : int
        Processes for the candidate-table p-values (joblib; -1 = all cores). 1 (default) runs in
        this process, which is fastest for a single paper.

    Returns
    -------
    DataFrame with columns :data:`AUDIT_COLUMNS`: study_id, endpoint, timepoint, arm, kind,
    reported, verdict (:data:`~reanalysis.audit.VERDICTS`), check (what was checked:
    :data:`~reanalysis.audit.CHECKS`), method (reproducing methods, ``;``-separated), computed
    (reproducing or closest value), explanation (one sentence), source (where in the paper).
    """
    if evidence is None:
        from .. import evidence as evidence_module

        evidence = evidence_module.load()
    _check_printed_text(evidence)
    key = _content_key(evidence)
    if key in _CACHE:
        return _CACHE[key].copy()
    _check_effect_rows(evidence)
    frame = _audit(evidence, n_jobs)
    _CACHE[key] = frame
    while len(_CACHE) > 8:
        _CACHE.pop(next(iter(_CACHE)))
    return frame.copy()


def _check_printed_text(evidence) -> None:
    """Printed numbers must be text, as :func:`reanalysis.evidence.load` gives them.

    A table edited in memory may hold a float where the paper's print belongs (65.6 for "65.6"):
    the audit reads a number there as a count, so it is refused here, with where it is, instead
    of giving a wrong verdict or failing deep inside. Row indexes must be unique for the same
    reason (rows are matched by index).
    """
    from ..evidence import _PRINTED_KINDS, SCHEMAS

    for name in ("studies", "arms", "outcomes", "comparisons", "time_to_event"):
        frame = getattr(evidence, name)
        if not frame.index.is_unique:
            raise ValueError(
                f"{name}.csv (in memory): the row index has duplicates; use reset_index(drop=True)"
            )
        lines = evidence.lines.get(name)
        if lines is not None and not frame.index.equals(pd.RangeIndex(len(lines))):
            lines = None  # rows moved, added or removed in memory: named by position, not by file line
        for col in SCHEMAS[name]["columns"]:
            if col.kind not in _PRINTED_KINDS or col.name not in frame.columns:
                continue
            for i, value in enumerate(frame[col.name].to_numpy(dtype=object)):
                if isinstance(value, str) or _missing(value):
                    continue
                where = f"line {lines[i]}" if lines is not None else f"row {i} (in memory)"
                raise ValueError(
                    f"{name}.csv, {where}, column {col.name}: {value!r} is a {type(value).__name__}; "
                    f"printed values are kept as the paper prints them, as text (e.g. {str(value)!r})"
                )


def _check_effect_rows(evidence) -> None:
    """The load rules of comparisons.csv, again: a table edited in memory can hold what load() refuses
    (a negative odds ratio, a risk difference printed as NE, a lower bound of Inf), which the checks
    downstream read as something else. Rows are named by their file line, or by position once rows
    were added or removed in memory."""
    from ..evidence import SCHEMAS, DataValidationError, _check_rows

    table = evidence.comparisons
    # An optional column dropped in memory is an empty one, as load() would have made it.
    missing = [c.name for c in SCHEMAS["comparisons"]["columns"] if c.name not in table.columns]
    frame = table.reset_index(drop=True).assign(**{name: None for name in missing})
    lines = evidence.lines.get("comparisons")
    # File lines only while the rows are where load() put them (its index is their position).
    if lines is None or not table.index.equals(pd.RangeIndex(len(lines))):
        lines = [f"{i + 2} (as written out; row {i} in memory)" for i in range(len(frame))]
    problems: list[str] = []
    _check_rows("comparisons.csv", frame, lines, problems)
    if problems:
        raise DataValidationError(problems)


# Audits by the content of the tables audited: a report build that audits the same folder in several
# reports computes it once; any change to any table (even in memory) is a different key.
_CACHE: dict = {}


def _content_key(evidence) -> tuple:
    parts = []
    for name in ("studies", "arms", "outcomes", "comparisons", "time_to_event"):
        frame = getattr(evidence, name)
        # The table as CSV text (floats at full precision, a missing value unlike any text), and
        # the column types: six times cheaper than hashing the cells as strings.
        text = frame.to_csv(index=False, na_rep="\x00NA\x00", lineterminator="\n")
        dtypes = tuple(str(t) for t in frame.dtypes)
        digest = hashlib.sha256(text.encode())
        # which cells are missing, so that a text equal to the marker is not taken for one
        digest.update(np.packbits(frame.isna().to_numpy()).tobytes())
        parts.append((name, tuple(frame.columns), dtypes, digest.hexdigest()))
    return (str(evidence.folder), tuple(parts))


def _audit(evidence, n_jobs: int) -> pd.DataFrame:
    out = _Rows()
    outcome_index = _outcome_index(evidence.outcomes)
    sizes = _arm_sizes(evidence.arms)
    lines = evidence.lines.get("outcomes")
    for i, row in enumerate(evidence.outcomes.itertuples(index=False)):
        _in_context(evidence, "outcomes.csv", lines, i, _audit_outcome, out, row, sizes)
    pvalue_tasks = []
    lines = evidence.lines.get("comparisons")
    landmarks = _landmark_index(evidence.time_to_event)
    for i, row in enumerate(evidence.comparisons.itertuples(index=False)):
        _in_context(
            evidence,
            "comparisons.csv",
            lines,
            i,
            _audit_comparison,
            out,
            row,
            outcome_index,
            sizes,
            pvalue_tasks,
            landmarks,
        )
    _resolve_pvalues(pvalue_tasks, n_jobs)
    _reconcile_effect_p(out.rows)
    _audit_time_to_event(evidence.time_to_event, out)
    frame = pd.DataFrame(out.rows, columns=AUDIT_COLUMNS)
    return frame.astype({c: "object" for c in AUDIT_COLUMNS})


def _in_context(evidence, fname, lines, i, fn, *args):
    try:
        fn(*args)
    except ValueError as err:
        line = lines[i] if lines else i + 2
        raise ValueError(f"{evidence.label}/{fname}, line {line}: {err}") from err


# --------------------------------------------------------------------------------------------
# Outcomes: percentages and CIs
# --------------------------------------------------------------------------------------------
def _audit_outcome(out: _Rows, row, sizes: dict | None = None):
    arm = row.arm_id if _missing(row.stratum) else f"{row.arm_id} [{row.stratum}]"
    base = dict(
        study_id=row.study_id,
        endpoint=row.endpoint,
        timepoint=_timepoint(row),
        arm=arm,
        source=row.source_location,
    )
    found = outcome_counts(row)
    counts, derived = (found[:2], found[2]) if found else (None, False)
    start = len(out.rows)
    largest = _largest(sizes, row.study_id, row.arm_id)
    if row.reported_percent is not None:
        _audit_percent(
            out,
            dict(base, kind="percent", reported=row.reported_percent),
            row,
            counts,
            derived,
            (sizes or {}).get((row.study_id, row.arm_id)),
            largest,
        )
    if row.ci_low is not None:
        _audit_ci(out, dict(base, kind="ci", reported=f"{row.ci_low}-{row.ci_high}"), row, counts, derived)
    _denominator_beyond_arm(out, base, out.rows[start:], row, largest)


#: Words by which a row counts something other than patients (its endpoint or notes). Not "events"
#: or "infections": "patients with adverse events" is the usual denominator.
_NOT_PATIENTS = re.compile(
    r"\b(?:episodes?|cycles?|lesions?|infusions?|courses?|visits?|samples?|procedures?|admissions?|"
    r"(?:patient|person)[\s_-]?(?:days|weeks|months|years)|as[\s_-]treated|"
    r"per[\s_-](?:cycle|infusion|lesion|dose|visit|episode|event|course|sample|procedure|admission|day|week|"
    r"month|year|eye|tooth))\b",
    re.IGNORECASE,
)


def _slightly_more(n: int, largest: int) -> bool:
    """A denominator a few patients above its arm (at most 10% or 2 more): a misprint, the other arm's
    size, another population's count. Far above it, a count of events, cycles or lesions, or a later
    data cut, is likelier than a misprint (statistical reviewer), up to a hundredfold: beyond, no
    unit of analysis the row does not name explains it."""
    return n - largest <= max(2, math.ceil(0.1 * largest))


def _denominator_beyond_arm(out: _Rows, base: dict, rows: list, row, largest) -> None:
    """A published denominator a little larger than its arm (arms.csv) is a number that does not hold
    up, with a row of its own; one far larger, or of a row that counts cycles or lesions, is named
    in the row's first check only.

    Outside user (MPACT, NEJM 2013, Table 3): "63/431 (15%)" in an arm of 430 randomised and 402
    treated was reproduced, as the percentage is 63/431; no patient count of an arm, or of a subgroup
    of it, can exceed the arm. The arm's largest recorded size (evaluable, randomised or enrolled)
    is the bound, so a row of any of those populations passes. The verdict is the denominator's,
    not the percentage's (statistical reviewer: 15% is also what 63/430 prints).
    """
    if largest is None or pd.isna(row.n) or int(row.n) <= largest:
        return
    n = int(row.n)
    what = " ".join(str(v) for v in (row.endpoint, getattr(row, "notes", None)) if not _missing(v))
    what = what.replace("_", " ")  # overall_response is two words
    unit = _NOT_PATIENTS.search(what)
    beyond = f"its denominator {n} is more than the {largest} patients of the arm in arms.csv (its largest recorded size)"
    # an extra zero (4300 for 430) is the classic typing slip, not another unit (statistical reviewer)
    extra_zero = n % 10 == 0 and largest / 2 <= n // 10 <= largest
    if unit or not (_slightly_more(n, largest) or extra_zero or n > 100 * largest):
        if not rows:
            return
        why = (
            f'its unit of analysis looks like "{unit.group(0).lower()}" (its endpoint or notes), not patients'
            if unit
            else "so far above it that it likelier counts something other than patients (events, cycles, "
            "lesions), or comes from a later data cut, than it is a misprint (name the unit in notes)"
        )
        rec = rows[0]
        rec["explanation"] = (
            rec["explanation"].rstrip(".") + f". Note: {beyond}: {why}; the percentage is checked as printed."
        )
        return
    counted = "" if pd.isna(row.responders) else f"{int(row.responders)}/"
    out.add(
        base,
        kind="denominator",
        reported=str(n),
        verdict="inconsistent",
        check="consistency",
        method="denominator vs arm size",
        computed=str(largest),
        explanation=f"The denominator of {counted}{n} is more than the {largest} patients of the arm in arms.csv "
        "(its largest recorded size): a misprint in the paper, or arms.csv holds another population or data cut. "
        "If the row counts cycles, lesions or an as-treated population, say so in its notes (e.g. 'per cycle', "
        "'as-treated'); if a later data cut, give the arm's size at that cut.",
    )


def _audit_percent(out, base, row, counts, derived, arm_size=None, largest=None):
    printed = parse_printed(row.reported_percent, kind="percent")
    shown = str(row.reported_percent).strip().rstrip("%").strip()
    if counts is None and not pd.isna(row.n):
        _audit_percent_granularity(out, base, printed, shown, int(row.n))
        return
    if counts is None and not pd.isna(row.responders):
        x = int(row.responders)
        ns, truncated, why = fitting_denominators(x, row.reported_percent, largest)
        within = f" (of at most {largest}, the arm's largest size in arms.csv)" if largest else ""
        if ns is None:
            out.add(
                base,
                verdict="not-checkable",
                check="unchecked",
                explanation=f"The count ({x}) is published but not its denominator: {why}.",
            )
        elif ns.size:
            out.add(
                base,
                verdict="consistent",
                check="consistency",
                method="count vs percentage",
                explanation=f"The count ({x}) is published but not its denominator: {x}/n prints as {shown}% "
                + ("only if the paper truncated it, " if truncated else "")
                + f"for n = {_n_list(ns)}{within}; two-group comparisons of this arm are checked over those "
                "denominators.",
            )
        else:
            out.add(
                base,
                verdict="inconsistent",
                check="consistency",
                method="count vs percentage",
                explanation=f"The count ({x}) is published but not its denominator, and {x}/n prints as "
                f"{shown}% for no n"
                + (f" up to {largest}, the arm's largest size in arms.csv." if largest else "."),
            )
        return
    if counts is None:
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            explanation="Neither the count nor the denominator is published"
            + (
                # a subgroup is not the whole arm: its own size is what the check needs (outside user)
                f"; this row is the subgroup {row.stratum!r}: give the subgroup's size in this row's n "
                "(outcomes.csv) and the audit checks which counts print as it."
                if not _missing(getattr(row, "stratum", None))
                else f"; the arm has {arm_size} patients in arms.csv: if the percentage is of the whole arm, put "
                f"{arm_size} in this row's n (outcomes.csv) and the audit checks which counts print as it."
                if arm_size
                else "."
            ),
        )
        return
    x, n = counts
    pct = 100 * x / n
    source = f"{x}/{n}" + (" (derived count)" if derived else "")
    computed = f"{pct:.4f}"
    if printed.contains(pct):
        out.add(
            base,
            verdict="reproduced-with-assumptions" if derived else "reproduced",
            check="arithmetic",
            method="rounding",
            computed=computed,
            explanation=f"{source} = {pct:.2f}% prints as {shown}%"
            + ("; the count was inferred from this percentage." if derived else "."),
        )
    elif printed.contains(pct, truncated=True):
        out.add(
            base,
            verdict="reproduced-with-assumptions",
            check="arithmetic",
            method="truncation",
            computed=computed,
            explanation=f"{source} = {pct:.2f}% would round to {pct:.{percent_decimals(printed)}f}%; "
            f"the paper truncated it to {shown}%.",
        )
    else:
        out.add(
            base,
            verdict="not-reproducible",
            check="arithmetic",
            computed=computed,
            explanation=f"{source} = {pct:.2f}% does not print as {shown}%"
            + _twice_note(x, n, printed, shown)
            + ".",
        )


def _twice_note(x, n, printed, shown) -> str:
    """What rounding twice would print (a misprint and a twice-rounding paper cannot be told apart
    from one number, so the row keeps its verdict; several such rows in one table point to the rule)."""
    twice = _rounded_twice(x, n, printed)
    if twice is None:
        return ""
    return (
        f"; rounded twice, half up ({100 * x / n:.3f}% to {twice}% to {shown}%), it would: a misprint, or a "
        "paper that rounds twice (several such rows in one table point to the second)"
    )


def _audit_ci(out, base, row, counts, derived):
    level = (row.ci_level if not pd.isna(row.ci_level) else 95.0) / 100
    pct_level = f"{level * 100:g}%"
    if counts is None and not pd.isna(row.n):
        _audit_ci_inferred(out, base, row, int(row.n), level, pct_level)
        return
    if counts is None:
        why = (
            f"The count ({int(row.responders)}) is published but not its denominator, so the CI is not recomputed "
            "(give n in outcomes.csv)."
            if not pd.isna(row.responders)
            else "No count to recompute the CI from."
        )
        out.add(base, verdict="not-checkable", check="unchecked", explanation=why)
        return
    x, n = counts
    scale, scale_note = _ci_scale(row, x, n)
    f = 100.0 if scale == "percent" else 1.0
    unit = "%" if scale == "percent" else ""
    methods = identify_ci_method(x, n, row.ci_low, row.ci_high, level=level, scale=scale)
    if methods:
        res = proportions.proportion_ci(x, n, method=methods[0], level=level)
        low, high = res.low, res.high
        unclipped = parse_printed(row.ci_high).value > f or parse_printed(row.ci_low).value < 0
        if unclipped:  # show the bounds the paper printed, not the clipped ones
            low, high = _unclipped_bounds(x, n, level, methods[0], (low, high))
        out.add(
            base,
            verdict="reproduced-with-assumptions" if derived else "reproduced",
            check="method",
            method=";".join(methods),
            computed=_bounds_text(f, low, high),
            explanation=f"{pct_level} CI for {x}/{n} by {' or '.join(methods)}"
            + (" (printed unclipped, beyond the possible range)" if unclipped else "")
            + scale_note
            + _named_ci_note(row, methods, x, n, level, f, unit)
            + ".",
        )
        return
    for exact_level, why in unrounded_levels(level * 100):
        methods = identify_ci_method(x, n, row.ci_low, row.ci_high, level=exact_level, scale=scale)
        if methods:
            res = proportions.proportion_ci(x, n, method=methods[0], level=exact_level)
            out.add(
                base,
                verdict="reproduced-with-assumptions",
                check="method",
                method=";".join(methods),
                computed=_bounds_text(f, res.low, res.high),
                explanation=f"Not at {pct_level} as printed, but at the unrounded level {100 * exact_level:.4g}% = "
                f"{why}: CI for {x}/{n} by {' or '.join(methods)}"
                + _named_ci_note(row, methods, x, n, exact_level, f, unit)
                + ".",
            )
            return
    pl, ph = parse_printed(row.ci_low), parse_printed(row.ci_high)
    misprint, misprint_bounds = _misprint(x, n, pl, ph, f, level, row)
    if misprint:  # the method one bound identifies explains the row better than the nearest pair
        method, lo, hi = misprint_bounds
        nearest = "the method one bound identifies is"
    else:
        method, lo, hi, _ = closest_ci_method(x, n, row.ci_low, row.ci_high, level=level, scale=scale)
        nearest = "closest is"
    text = (
        f"No standard {pct_level} CI for {x}/{n} gives {row.ci_low}-{row.ci_high}; {nearest} {method} "
        f"({f * lo:.1f}-{f * hi:.1f}{unit})"
    )
    if misprint:
        text += f"; {misprint}"
    elif ph.value < f * x / n or pl.value > f * x / n:
        text += "; the printed interval does not contain the estimate (a typo in the source?)"
    named = _stated_ci_methods(row.ci_method)
    if named and named[0] != method:
        text += f"; {_named_ci_gives(row, named[0], x, n, level, f, unit)}"
    untried = _untried_ci_method(row.ci_method)
    excludes = ph.value < f * x / n or pl.value > f * x / n
    if untried and not excludes and untried.startswith("Blaker"):
        # Blaker's exact interval lies inside Clopper-Pearson's (Blaker 2000, Can J Stat): a printed one that does
        # not is wrong whatever it is (statistical reviewer).
        cp = proportions.proportion_ci(x, n, method="clopper-pearson", level=level)
        if pl.bounds()[1] < f * cp.low or ph.bounds()[0] > f * cp.high:
            text += (
                f"; {untried}, which the paper names, always lies inside Clopper-Pearson's "
                f"({f * cp.low:.1f}-{f * cp.high:.1f}{unit}), and the printed interval does not"
            )
            untried = None
    if untried and not excludes:
        # The paper's own method was not tried: the interval is unchecked, not wrong (an interval that
        # excludes its own estimate is wrong whatever the method).
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            computed=f"{method}: {_bounds_text(f, lo, hi)}",
            explanation=f"The paper names {row.ci_method}, {untried}, which the audit does not compute, and "
            f"none of the {len(proportions.CI_METHODS)} methods it computes gives the printed interval: "
            + text[0].lower()
            + text[1:]
            + scale_note
            + ".",
        )
        return
    out.add(
        base,
        verdict="not-reproducible",
        check="method",
        computed=f"{method}: {_bounds_text(f, lo, hi)}",
        explanation=text + scale_note + ".",
    )


#: The CI method a paper names (outcomes.csv ci_method), as methods of
#: :func:`~reanalysis.proportions.proportion_ci`; the first pattern that names a method wins its place.
_STATED_CIS = (
    (re.compile(r"mid-?p", re.IGNORECASE), "mid-p"),
    (re.compile(r"clopper|\bexact\b", re.IGNORECASE), "clopper-pearson"),
    (
        re.compile(
            r"wilson.{0,40}(continuity|correct|\bcc\b)|(continuity|correct).{0,40}wilson|\byates\b",
            re.IGNORECASE,
        ),
        "wilson-cc",
    ),
    (re.compile(r"wilson|\bscore\b", re.IGNORECASE), "wilson"),
    (re.compile(r"agresti|coull", re.IGNORECASE), "agresti-coull"),
    (re.compile(r"jeffreys", re.IGNORECASE), "jeffreys"),
    (re.compile(r"wald-t|\bt[- ]distribution|student", re.IGNORECASE), "wald-t"),
    (re.compile(r"wald|normal approximation|asymptotic", re.IGNORECASE), "wald"),
)

#: CI methods a paper may name that :func:`~reanalysis.proportions.proportion_ci` does not compute
#: (statistical reviewer: "exact (Blaker)" was read as Clopper-Pearson, "normal approximation with
#: continuity correction" as Wald). Their generic words (exact, asymptotic, score) name no method.
_UNTRIED_CIS = (
    (re.compile(r"blaker", re.IGNORECASE), "Blaker's exact interval"),
    (
        re.compile(r"sterne|casella|blyth|\bcrow\b", re.IGNORECASE),
        "an exact interval other than Clopper-Pearson's",
    ),
    (re.compile(r"likelihood[- ]ratio|profile likelihood", re.IGNORECASE), "the likelihood-ratio interval"),
    (re.compile(r"\blogit\b|\blogistic\b", re.IGNORECASE), "the logit interval"),
    (re.compile(r"arc-?sine?|angular", re.IGNORECASE), "the arcsine interval"),
    (re.compile(r"bootstrap", re.IGNORECASE), "a bootstrap interval"),
    (re.compile(r"poisson", re.IGNORECASE), "a Poisson interval"),
    (re.compile(r"newcombe", re.IGNORECASE), "Newcombe's interval"),
    (re.compile(r"bayes|credible|posterior", re.IGNORECASE), "a Bayesian interval"),
)
#: Words that name a supported method outright (not only a family: "exact", "score", "asymptotic").
_NAMED_OUTRIGHT = re.compile(r"clopper|wilson|agresti|coull|jeffreys|mid-?p|wald-t|student", re.IGNORECASE)
_CONTINUITY = re.compile(r"continuity|corrected|correction|\bcc\b|yates", re.IGNORECASE)


def _untried_ci_method(named) -> str | None:
    """What a paper names as its CI method when the audit does not compute it (None otherwise)."""
    if _missing(named):
        return None
    named = str(named)
    if _NAMED_OUTRIGHT.search(named) and not re.search(r"blaker|sterne|casella|blyth", named, re.IGNORECASE):
        # "Wilson score (Newcombe)", "Jeffreys (Bayesian)": the method itself is named
        return None
    for pattern, what in _UNTRIED_CIS:
        if pattern.search(named):
            return what
    if re.search(r"wald|normal approximation|asymptotic", named, re.IGNORECASE) and _CONTINUITY.search(named):
        return "the Wald interval with continuity correction"
    return None


def _stated_ci_methods(named) -> list[str]:
    """The CI methods a paper names ("exact binomial (Clopper-Pearson)", "Wilson score"); [] for none,
    "not stated" or a method the audit does not compute (:func:`_untried_ci_method`). A mid-p
    interval is not Clopper-Pearson's unless that is named too; a Wilson interval with continuity
    correction is not the plain Wilson; a Wald interval on the t distribution is not the normal one."""
    if _missing(named) or _untried_ci_method(named):
        return []
    named = str(named)
    stated = [m for pattern, m in _STATED_CIS if pattern.search(named)]
    if "mid-p" in stated and not re.search(r"clopper", named, re.IGNORECASE):
        stated = [m for m in stated if m != "clopper-pearson"]
    if "wilson-cc" in stated:
        stated = [m for m in stated if m != "wilson"]
    if "wald-t" in stated:
        stated = [m for m in stated if m != "wald"]
    return stated


def _untried_note(row) -> str:
    """'; the paper names exact (Blaker), Blaker's exact interval, which the audit does not compute'."""
    what = _untried_ci_method(row.ci_method)
    return f"; the paper names {row.ci_method}, {what}, which the audit does not compute" if what else ""


def _named_ci_note(row, found, x, n, level, f, unit) -> str:
    """When the interval is reproduced, but not by the method the paper names, what that method gives.

    As for p-values (a 'Fisher' p that only chi-square gives): the printed number holds up, the
    paper's description of it does not (outside user: 'Wilson score' printed beside a
    Clopper-Pearson interval was reported as reproduced with no word on the mismatch).
    """
    named = _stated_ci_methods(row.ci_method)
    if not named:
        return _untried_note(row)
    if any(m in found for m in named):
        return ""
    return (
        f"; {_named_ci_gives(row, named[0], x, n, level, f, unit)} on {x}/{n}, so the printed interval fits "
        f"{' or '.join(found)}, not the named method"
    )


def _named_ci_gives(row, method, x, n, level, f, unit) -> str:
    """'the method the paper names (Wilson score) gives 12.0-26.8%'."""
    res = proportions.proportion_ci(x, n, method=method, level=level)
    return f"the method the paper names ({row.ci_method}) gives {f * res.low:.1f}-{f * res.high:.1f}{unit}"


def _rounded_twice(x: int, n: int, printed) -> str | None:
    """The one-decimal-more rounding of x/n (as text) when rounding it again, half up, gives the print.

    Outside user (ASTER, JAMA 2017): 140/165 = 84.848% printed 84.9, as 84.85 rounded half up; 3 of
    the table's 20 percentages fit only that. Exact (fractions), as the values sit on a half.
    """
    if printed.comparator != "=" or not math.isfinite(printed.value):
        return None
    d = percent_decimals(printed)
    pct = Fraction(100 * x, n)
    first = math.floor(pct * 10 ** (d + 1) + Fraction(1, 2))  # half up, one decimal more
    second = math.floor(Fraction(first, 10) + Fraction(1, 2))  # then half up to d decimals
    try:
        target = Fraction(printed.text.strip().rstrip("%").strip()) * 10**d
    except ValueError:  # a print Fraction does not read: no claim either way
        return None
    if second != target or Fraction(first, 10 ** (d + 1)) == pct:
        return None
    return f"{first / 10 ** (d + 1):.{d + 1}f}"


def _audit_percent_granularity(out, base, printed, shown, n):
    """A percentage with its denominator but no count: which counts print as it (GRIM-style).

    Brown & Heathers (2017): of n patients only the percentages k/n exist, so a printed
    percentage that no k/n rounds to cannot be right, whatever the count was.
    """
    patients = "patient" if n == 1 else "patients"
    try:
        fits = count_candidates(printed.text, n)[0]
        how = "rounded"
        if not len(fits):
            fits = count_candidates(printed.text, n, truncated=True)[0]
            how = "truncated"
    except ValueError as err:  # too many candidates (a huge n): this row only, the audit goes on
        out.add(base, verdict="not-checkable", check="unchecked", explanation=f"Not checked: {err}.")
        return
    fits = [int(k) for k in fits]
    if fits:
        if len(fits) <= 2:
            listed = " or ".join(f"{k}/{n} ({100 * k / n:.2f}%)" for k in fits)
            computed = ";".join(str(k) for k in fits)
        else:
            listed = f"any count from {fits[0]} to {fits[-1]} ({100 * fits[0] / n:.2f}% to {100 * fits[-1] / n:.2f}%)"
            computed = f"{fits[0]}-{fits[-1]}"
        if printed.comparator != "=":
            verb = (
                f"{'is' if len(fits) == 1 else 'are'} {_BOUND_WORDS[printed.comparator]} {printed.value:g}%"
            )
            tail = "."
        elif how == "rounded":
            verb = f"{'rounds' if len(fits) == 1 else 'round'} to {shown}%"
            tail = ", so the percentage is possible (the count is inferred, not confirmed)."
        else:
            verb = f"{'truncates' if len(fits) == 1 else 'truncate'} to {shown}%"
            tail = ": possible only if the paper truncated."
        out.add(
            base,
            verdict="consistent",
            check="arithmetic",
            method="granularity" if how == "rounded" else "granularity (truncation)",
            computed=computed,
            explanation=f"No count is published; of {n} {patients}, {listed} {verb}{tail}",
        )
        return
    below = math.floor(printed.value * n / 100)
    near = ", ".join(f"{k}/{n} = {100 * k / n:.2f}%" for k in (below, below + 1) if 0 <= k <= n)
    out.add(
        base,
        verdict="inconsistent",
        check="arithmetic",
        method="granularity",
        explanation=f"No count out of {n} {patients} prints as {shown}% (nearest: {near}): the percentage, "
        "the denominator or both are misprinted, or the percentage has another denominator.",
    )


_BOUND_WORDS = {"<": "below", "<=": "at most", ">": "above", ">=": "at least"}


def _bounds_text(f, low, high) -> str:
    """Computed bounds with two decimals more than a percent-scale print usually has."""
    digits = 2 if f == 100.0 else 4
    return f"{f * low:.{digits}f}-{f * high:.{digits}f}"


#: Largest denominator for which every count is tried against a printed CI with no count or percentage.
MAX_CI_SEARCH_N = 5000


def _audit_ci_inferred(out, base, row, n, level, pct_level):
    """A CI with its denominator but no published count: try every count the row allows.

    The counts are those whose percentage prints as the row's printed percentage (or every count
    0..n when none is printed); each is tried with every CI method. The counts that reproduce the
    interval narrow down the unpublished count, and the methods that do are the paper's.
    """
    if row.reported_percent is not None:
        printed = parse_printed(row.reported_percent, kind="percent")
        ks = [int(k) for k in count_candidates(printed.text, n)[0]]
        if not ks:
            ks = [int(k) for k in count_candidates(printed.text, n, truncated=True)[0]]
        whence = f"the counts of {n} that print as {printed.text.rstrip('%')}%"
    elif n <= MAX_CI_SEARCH_N:
        ks, whence = list(range(n + 1)), f"the {n + 1} possible counts of {n}"
    else:
        ks, whence = [], ""
    if not ks:
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            explanation="No count to recompute the CI from"
            + (
                " (no count of the denominator prints as the percentage)."
                if row.reported_percent is not None
                else f" (a denominator above {MAX_CI_SEARCH_N:,} with no percentage)."
            ),
        )
        return
    fits = {}
    for k in _ci_survivors(ks, n, row, level):
        scale, _ = _ci_scale(row, k, n)
        methods = identify_ci_method(k, n, row.ci_low, row.ci_high, level=level, scale=scale)
        if methods:
            fits[k] = (methods, scale)
    if fits:
        first = next(iter(fits))
        methods, scale = fits[first]
        res = proportions.proportion_ci(first, n, method=methods[0], level=level)
        f = 100.0 if scale == "percent" else 1.0
        which = " or ".join(f"{k}/{n} ({', '.join(m)})" for k, (m, _) in fits.items())
        out.add(
            base,
            verdict="reproduced-with-assumptions",
            check="method",
            method=";".join(dict.fromkeys(m for ms, _ in fits.values() for m in ms)),
            computed=_bounds_text(f, res.low, res.high),
            explanation=f"No count is published; of {whence}, the {pct_level} CI is reproduced by {which}, "
            "which also narrows down the unpublished count"
            + _named_ci_note(
                row,
                list(dict.fromkeys(m for ms, _ in fits.values() for m in ms)),
                first,
                n,
                level,
                f,
                "%" if scale == "percent" else "",
            )
            + ".",
        )
        return
    text = (
        f"No count is published; for none of {whence} does a standard {pct_level} CI print as "
        f"{row.ci_low}-{row.ci_high} (another level, denominator or method?)"
    )
    computed = ""
    near = _closest_inferred_ci(ks, n, row, level)
    if near is not None:
        # The report promises the closest candidate for every number that does not hold up (outside
        # user: an inferred count's interval printed with a slip came with none).
        k, method, lo, hi, f, misprint = near
        unit = "%" if f == 100.0 else ""
        text += f"; closest is {method} on {k}/{n} ({f * lo:.1f}-{f * hi:.1f}{unit})" + (
            f"; {misprint}" if misprint else ""
        )
        computed = f"{method}: {_bounds_text(f, lo, hi)}"
    untried = _untried_ci_method(row.ci_method)
    if untried:  # the paper's own method was not tried: unchecked, not wrong
        text = (
            f"The paper names {row.ci_method}, {untried}, which the audit does not compute, and none of the "
            f"{len(proportions.CI_METHODS)} methods it computes gives the printed interval: "
            + text[0].lower()
            + text[1:]
        )
        out.add(base, verdict="not-checkable", check="unchecked", computed=computed, explanation=text + ".")
        return
    out.add(base, verdict="not-reproducible", check="method", computed=computed, explanation=text + ".")


#: Most counts an inferred CI's closest candidate is searched over (each costs every CI method).
_CLOSEST_INFERRED_COUNTS = 50


def _closest_inferred_ci(ks, n, row, level):
    """(count, method, low, high, scale factor, misprint note) of the candidate interval closest to the
    printed one over the counts ``ks`` (None for more than :data:`_CLOSEST_INFERRED_COUNTS`); a bound
    off by a one-digit or two-digit slip is named, as for a published count."""
    if not ks or len(ks) > _CLOSEST_INFERRED_COUNTS:
        return None
    pl, ph = parse_printed(row.ci_low), parse_printed(row.ci_high)
    best = None
    for k in ks:
        scale, _ = _ci_scale(row, k, n)
        f = 100.0 if scale == "percent" else 1.0
        misprint, bounds = _misprint(k, n, pl, ph, f, level, row)
        if misprint:
            return (k, *bounds, f, misprint)
        method, lo, hi, dist = closest_ci_method(k, n, row.ci_low, row.ci_high, level=level, scale=scale)
        if best is None or dist < best[0]:
            best = (dist, (k, method, lo, hi, f, ""))
    return best[1]


def _ci_survivors(ks, n, row, level) -> list[int]:
    """The counts whose interval, by some method on either scale, can print as the row's bounds.

    A vectorised pre-filter (:func:`~reanalysis.proportions.ci_many`, every method at once over
    all counts) so the exact per-count check runs on a handful of counts, not on thousands; a
    count whose interval is clipped at 0 or 1 always survives (the paper may print it unclipped).
    """
    pl, ph = parse_printed(row.ci_low), parse_printed(row.ci_high)
    x = np.asarray(ks, dtype=np.int64)
    keep = np.zeros(len(x), dtype=bool)
    for method in proportions.CI_METHODS:
        low, high = proportions.ci_many(x, np.full(len(x), n), method=method, level=level)
        for f in (100.0, 1.0):
            keep |= contains(pl, f * low) & contains(ph, f * high)
        keep |= (low <= 0) | (high >= 1)
    return [int(k) for k in x[keep]]


def _ci_scale(row, x, n) -> tuple[str, str]:
    """The scale of the printed bounds: the declared ``ci_unit``, else inferred and said.

    An undeclared interval is read on the scale on which it contains the estimate x/n (bounds of
    0.311-0.426 around 36.7% are proportions). When both readings contain it (0/n, or a rate below
    1%), the reading some CI method reproduces wins; percent when neither decides.
    """
    if not _missing(row.ci_unit):
        return row.ci_unit, ""
    low, high = parse_printed(row.ci_low).value, parse_printed(row.ci_high).value
    p = x / n
    as_proportion = high <= 1 and low <= p <= high
    as_percent = low <= 100 * p <= high
    if as_proportion and not as_percent:
        return "proportion", (
            " (ci_unit not given: the bounds contain the estimate only as proportions, so they were read as"
            " proportions)"
        )
    if as_proportion and as_percent:
        level = (row.ci_level if not pd.isna(row.ci_level) else 95.0) / 100
        on_proportion = identify_ci_method(x, n, row.ci_low, row.ci_high, level=level, scale="proportion")
        on_percent = identify_ci_method(x, n, row.ci_low, row.ci_high, level=level, scale="percent")
        if on_proportion and not on_percent:
            return "proportion", (
                " (ci_unit not given: the bounds are reproduced only as proportions, so they were read as"
                " proportions)"
            )
    return "percent", ""


def _unclipped_bounds(x, n, level, method, clipped):
    from .intervals import _candidates

    for name, low, high in _candidates(x, n, level):
        if name == method and (low < 0 or high > 1):
            return low, high
    return clipped


def _misprint(x, n, pl, ph, f, level, row=None) -> tuple[str, tuple | None]:
    """When one printed bound matches a method and the other differs from it in one digit, say so;
    not when the paper names a method the audit does not compute (the other bound may be that
    method's)."""
    from .intervals import _candidates

    if row is not None and _untried_ci_method(row.ci_method):
        return "", None
    if min(x, n - x) <= 1:
        # With 0 or 1 events (or all but one) the methods' bounds are far apart and others (logit,
        # Blaker) lie farther still: a bound off by a digit is no sign of a slip (statistical reviewer:
        # 16% of correct logit intervals of 1/n were called misprints).
        return "", None
    candidates = list(_candidates(x, n, level))
    # A bound among those the computed methods give (to a unit of its last printed digit) may be
    # another method's: only a bound outside them all is read as a slip (statistical reviewer).
    span = {
        name: (min(f * c[k] for c in candidates), max(f * c[k] for c in candidates))
        for name, k in (("lower", 1), ("upper", 2))
    }
    for method, lo, hi in candidates:
        for good, bad, other, name in ((pl, ph, f * hi, "upper"), (ph, pl, f * lo, "lower")):
            if not good.contains(f * (lo if name == "upper" else hi)):
                continue
            unit = 10.0 ** -(bad.decimals or 0)
            if span[name][0] - unit <= bad.value <= span[name][1] + unit:
                continue
            shown = f"{other:.{good.decimals}f}" if good.decimals else f"{other:.0f}"
            slip = _digit_slip(shown, bad.text)
            if slip is not None:
                other_name = "lower" if name == "upper" else "upper"
                return (
                    f"the {other_name} bound matches {method} and the {name} bound would print as {shown}: "
                    f"the printed {bad.text} is probably a misprint of {shown}{slip}"
                ), (method, lo, hi)
    return "", None


def _digit_slip(meant: str, printed: str) -> str | None:
    """How ``printed`` is a typing slip of ``meant``: "" for one digit changed other than the last,
    " (two digits swapped)" for two neighbouring digits exchanged, across a decimal point too (27.1
    printed 21.7 or 72.1), None otherwise. Both are printed the same way: same length, point in the
    same place."""
    if len(meant) != len(printed):
        return None
    differ = [i for i, (a, b) in enumerate(zip(meant, printed, strict=True)) if a != b]
    if len(differ) == 1:
        # The last digit is where two CI methods differ: 26.7 for 26.6 is another method (Blaker's,
        # a logit interval), not a slip (statistical reviewer: 24-66% of such intervals were "misprints").
        return "" if differ[0] != len(meant) - 1 else None
    if [c.isdigit() for c in meant] != [c.isdigit() for c in printed]:
        return None
    where = [i for i, c in enumerate(meant) if c.isdigit()]  # the digits, the point left out
    a, b = "".join(meant[i] for i in where), "".join(printed[i] for i in where)
    swapped = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(swapped) == 2 and swapped[1] == swapped[0] + 1 and a[swapped[0]] == b[swapped[1]]:
        if a[swapped[1]] == b[swapped[0]]:
            return " (two digits swapped)"
    return None


# --------------------------------------------------------------------------------------------
# Comparisons: p-values, effects, claims
# --------------------------------------------------------------------------------------------
def _outcome_index(outcomes: pd.DataFrame) -> dict:
    """Outcome rows by (study, arm, endpoint, timepoint unit, timepoint value, stratum or None)."""
    index = {}
    for o in outcomes.itertuples(index=False):
        value = None if pd.isna(o.timepoint_value) else float(o.timepoint_value)
        stratum = None if _missing(o.stratum) else o.stratum
        index.setdefault((o.study_id, o.arm_id, o.endpoint, o.timepoint_unit, value, stratum), o)
    return index


class _ArmSizes(dict):
    """(study, arm) -> the trustworthy denominator of a percentage: evaluable, else randomised, else
    enrolled. ``largest``: the largest size recorded for the arm, the bound on the denominator of a
    count printed without one (an adverse event may be counted over a safety set larger than the
    evaluable one)."""

    largest: dict


def _arm_sizes(arms: pd.DataFrame) -> _ArmSizes:
    sizes = _ArmSizes()
    sizes.largest = {}
    for a in arms.itertuples(index=False):
        recorded = [int(v) for v in (a.n_evaluable, a.n_randomised, a.n_enrolled) if not pd.isna(v)]
        if recorded and recorded[0]:
            sizes[(a.study_id, a.arm_id)] = recorded[0]
        if recorded and max(recorded):
            sizes.largest[(a.study_id, a.arm_id)] = max(recorded)
    return sizes


def _largest(sizes, study_id, arm_id):
    """The largest recorded size of an arm (None when unknown)."""
    return getattr(sizes, "largest", sizes or {}).get((study_id, arm_id))


def _outcome_of(outcomes: dict, row, arm_id):
    """The outcomes row a comparison row refers to for one arm (same endpoint, timepoint, stratum)."""
    value = None if pd.isna(row.timepoint_value) else float(row.timepoint_value)
    stratum = None if _missing(row.stratum) else row.stratum
    return outcomes.get((row.study_id, arm_id, row.endpoint, row.timepoint_unit, value, stratum))


def _group_spec(outcomes: dict, row, arm_id, sizes: dict):
    """How a comparison arm enters the candidate search: exact, derived, percent + n range, or None."""
    o = _outcome_of(outcomes, row, arm_id)
    if o is None:
        return None, "no outcome data"
    if not pd.isna(o.responders) and not pd.isna(o.n):
        return (int(o.responders), int(o.n)), "published"
    if not pd.isna(o.responders) and o.reported_percent is not None:
        # A count without its denominator: the denominators where it prints as its percentage.
        x = int(o.responders)
        ns, truncated, why = fitting_denominators(
            x, o.reported_percent, _largest(sizes, row.study_id, arm_id)
        )
        if ns is None:
            return None, f"the count {x} is published but not its denominator: {why}"
        if not ns.size:
            return (
                None,
                f"the count {x} prints as {o.reported_percent}% for no denominator up to the arm's size",
            )
        return (x, ns), f"count {x} with n {_n_list(ns)}" + (
            " (the percentage truncated)" if truncated else ""
        )
    if o.reported_percent is not None:
        if not pd.isna(o.n):
            return (o.reported_percent, int(o.n)), "percent with published n"
        total = sizes.get((row.study_id, arm_id))
        if total:
            return (o.reported_percent, (1, total)), f"percent with n <= {total}"
        return None, "a percentage without a denominator or an arm size"
    found = outcome_counts(o)
    if found:
        return (found[0], found[1]), "derived"
    return None, "no counts"


def _derived_table(outcomes: dict, row):
    """(x1, n1, x2, n2) when both arms carry counts derived in the evidence folder, else None."""
    found = []
    for arm in (row.arm_a, row.arm_b):
        o = _outcome_of(outcomes, row, arm)
        counts = outcome_counts(o) if o is not None else None
        if counts is None:
            return None
        found.extend(counts[:2])
    return tuple(found)


def _landmark_index(tte: pd.DataFrame) -> dict:
    """Rates at a landmark (time_to_event.csv rate_at) by (study, quantity, unit, time), then arm."""
    index: dict = {}
    for t in tte.itertuples(index=False):
        if t.statistic == "rate_at" and not pd.isna(t.at_time) and not _missing(t.at_time_unit):
            key = (t.study_id, t.quantity, t.at_time_unit, float(t.at_time))
            index.setdefault(key, {}).setdefault(t.arm_id, t)
    return index


#: A stated test of the rates at a landmark (not of the whole curves).
_LANDMARK_TEST = re.compile(
    r"landmark|\brates?\b|z[\s-]?test|klein|greenwood|log[\s-]?log|cloglog|arcsine|difference of the",
    re.IGNORECASE,
)

#: Tests of whole survival curves (or of a hazard model), not of the rates at one landmark.
_CURVE_TEST = re.compile(
    r"log[\s-]?rank|\bcox\b|hazard|wilcoxon|breslow|gehan|peto|tarone|fleming|harrington", re.IGNORECASE
)


def _audit_landmark_pvalue(rec: dict, row, landmarks: dict) -> bool:
    """A p-value of two rates at a landmark (time_to_event.csv): checked against their CIs.

    Outside user (MPACT, NEJM 2013, Table 2): the p-values of the 6- to 24-month survival rates
    were "not checkable" for want of counts, which invited counts; Kaplan-Meier rates of censored
    data are no counts. Returns whether the comparison is such a p-value (``rec`` is then filled).
    """
    # time_to_event.csv has no strata: a subgroup's p-value is not the whole arms' rates'
    if _missing(row.timepoint_unit) or pd.isna(row.timepoint_value) or not _missing(row.stratum):
        return False
    found = landmarks.get((row.study_id, row.endpoint, row.timepoint_unit, float(row.timepoint_value)), {})
    rates = [found.get(arm) for arm in (row.arm_a, row.arm_b)]
    if any(r is None for r in rates):
        return False
    at = _time_in_prose(row)
    stated = str(row.test_stated or "")
    # A log-rank or Cox p printed beside the rates tests the whole curves, and an adjusted p a model:
    # neither is the difference at this landmark, which the rates could contradict (statistical reviewer).
    if _CURVE_TEST.search(stated):
        what = f"it is from a {stated} test, which compares the whole curves"
    elif is_model_based(row.adjustment, row.test_stated):
        what = f"it is adjusted ({adjustment_stated(row.adjustment) or stated})"
    else:
        what = None
    if what:
        rec["explanation"] = (
            f"A p-value beside the rates at {at} (time_to_event.csv) that is not checked against them: {what}, "
            "not the difference of the rates at this landmark."
        )
        return True
    if any(r.ci_low is None or r.ci_high is None for r in rates):
        rec["explanation"] = (
            f"A p-value of the rates at {at} (time_to_event.csv), printed without both CIs: with them it is "
            "checked against the difference of the rates; counts do not apply to rates of censored data."
        )
        return True
    levels = {95.0 if pd.isna(r.ci_level) else float(r.ci_level) for r in rates}
    if len(levels) != 1:
        rec["explanation"] = f"A p-value of the rates at {at}: their CIs have different levels ({levels})."
        return True
    try:
        res = landmark_consistency(
            rates[0].value,
            (rates[0].ci_low, rates[0].ci_high),
            rates[1].value,
            (rates[1].ci_low, rates[1].ci_high),
            row.reported_p,
            levels.pop() / 100,
            scale="percent",  # a rate_at is a percentage (evidence schema)
        )
    except ValueError as err:
        # A CI of 100 (100-100) (nobody died) or one printed NE implies no standard error: that is not a
        # contradiction, and the p-value is left unchecked (statistical reviewer).
        rec["explanation"] = (
            f"A p-value of the rates at {at} (time_to_event.csv), not checked: a CI of no width (such as "
            f"100 (100-100), nobody had the event) or one printed NE gives no standard error ({err})."
        )
        return True
    from .effects import _fmt_p

    computed = f"p = {_fmt_p(res.p_low)} to {_fmt_p(res.p_high)}"
    if not res.consistent and not _LANDMARK_TEST.search(stated):
        # A log-rank or Cox p of the whole curves is often printed beside landmark rates without its
        # test named; a p no test of the rates gives is then likelier that than an error (statistical
        # reviewer: 29-93% of correct log-rank p-values fell outside the landmark range).
        rec.update(
            check="unchecked",
            computed=computed,
            explanation=f"Rates at {at} (time_to_event.csv): "
            + res.explanation
            + " No test of these rates gives "
            "it, so it is probably not one: papers often print the log-rank or Cox p of the whole curves beside "
            "landmark rates. If the paper says it tests the rates, record that in test_stated (e.g. 'z test of "
            "the rates') and the p is then inconsistent.",
        )
        return True
    rec.update(
        verdict="consistent" if res.consistent else "inconsistent",
        check="consistency",
        method="z test of two landmark rates, SEs from their CIs",
        computed=computed,
        explanation=f"Rates at {at} (time_to_event.csv): " + res.explanation,
    )
    return True


def _audit_comparison(out: _Rows, row, outcomes, arms, tasks, landmarks=None):
    arms_compared = [row.arm_a, row.arm_b, *tables.split(row.other_arms)]
    base = dict(
        study_id=row.study_id,
        endpoint=row.endpoint,
        timepoint=_timepoint(row),
        arm=" vs ".join(arms_compared) + ("" if _missing(row.stratum) else f" [{row.stratum}]"),
        source=row.source_location,
    )
    has_p, has_effect, has_ci = (
        row.reported_p is not None,
        row.reported_effect is not None,
        row.effect_ci_low is not None and row.effect_ci_high is not None,
    )
    # the one bound of a non-inferiority CI that faces the margin (evidence allows it alone)
    one_bound = (row.effect_ci_low is None) != (row.effect_ci_high is None)
    if not (has_p or has_effect or has_ci or one_bound):
        two_groups = all(_missing(getattr(row, c)) for c in ("other_arms", "categories", "stratified_by"))
        if not _missing(row.claim) and two_groups and row.effect_measure != "hr":
            (g1, how1), (g2, how2) = (_group_spec(outcomes, row, arm, arms) for arm in (row.arm_a, row.arm_b))
            if g1 is not None and g2 is not None:
                _audit_claim_on_counts(out, base, row, g1, g2, how1 != "published" or how2 != "published")
                return
        if not two_groups:
            why = "it compares more than two groups or strata, and no p-value, effect or CI is printed beside it"
        elif row.effect_measure == "hr":
            why = "no hazard ratio, CI or p-value is printed beside it"
        else:
            why = (
                "no p-value, effect or CI is printed beside it, and there are no counts of both arms to test"
            )
        out.add(
            base,
            kind="claim",
            reported=row.claim or "",
            verdict="not-checkable",
            check="unchecked",
            explanation=f"A verbal claim with nothing to check it against: {why}.",
        )
        return
    if row.effect_measure == "hr":
        _audit_hazard_ratio(out, base, row)
        return
    model = is_model_based(row.adjustment, row.test_stated)
    g1, how1 = _group_spec(outcomes, row, row.arm_a, arms)
    g2, how2 = _group_spec(outcomes, row, row.arm_b, arms)
    assumed = how1 != "published" or how2 != "published"
    if has_p:
        multi = [c for c in ("other_arms", "categories", "stratified_by") if not _missing(getattr(row, c))]
        rec = out.add(
            base,
            kind="pvalue",
            reported=row.reported_p,
            verdict="not-checkable",
            check="unchecked",
            explanation="",
        )
        if MARGIN_STATED.search(str(row.test_stated or "")):
            if _missing(row.margin) or g1 is None or g2 is None:
                rec["explanation"] = _MARGIN_P.format(
                    stated=row.test_stated,
                    what="each of the audit's tests is",
                    tail=" (record the margin in column margin, and the counts, to recompute it against the margin)"
                    if _missing(row.margin)
                    else " (no counts of both arms to recompute it against the margin)",
                )
            else:
                _audit_margin_pvalue(rec, row, g1, g2, assumed)
        elif multi:
            _audit_table_pvalue(rec, row, outcomes, model)
        elif (
            how1 == how2 == "no outcome data"
            and not has_effect
            and _audit_landmark_pvalue(rec, row, landmarks or {})
        ):
            pass
        elif g1 is None or g2 is None:
            missing, why = (row.arm_a, how1) if g1 is None else (row.arm_b, how2)
            rec["explanation"] = f"No counts for {missing} ({why}); the p-value cannot be recomputed."
        else:
            try:
                task = _PvalueTask(rec, row.reported_p, g1, g2, assumed, model, row)
            except ValueError as err:  # too many candidate tables (a huge n): this row only
                rec["explanation"] = f"Not checked: {err}."
            else:
                task.derived = _derived_table(outcomes, row)
                tasks.append(task)
    if has_effect and not _missing(row.stratified_by) and row.effect_measure == "or":
        _audit_mh_odds_ratio(out, dict(base, kind="effect"), row, outcomes, model)
    elif has_effect:
        _audit_effect(out, dict(base, kind="effect"), row, g1, g2, assumed, model, outcomes)
    if has_effect and has_ci and has_p:
        _audit_effect_p(out, dict(base, kind="effect-p"), row)
    if not _missing(row.claim):  # a claim beside the numbers is checked against them, as for an HR
        _audit_claim(out, base, row)


def _audit_hazard_ratio(out, base, row):
    """A hazard ratio cannot be recomputed from summary numbers: check it against its CI and p-value.

    The HR row checks that the estimate lies in its CI, at the geometric centre a Cox (Wald) interval
    has; the p-value row checks the p-value the CI implies (Altman & Bland 2011).
    """
    has_ci = (
        row.reported_effect is not None and row.effect_ci_low is not None and row.effect_ci_high is not None
    )
    why = (
        "A hazard ratio or survival p-value cannot be recomputed from summary numbers, and no CI is "
        "published to check it against."
    )
    if row.reported_effect is not None:
        reported = f"HR {row.reported_effect}" + (
            f" ({_span(row.effect_ci_low, row.effect_ci_high)})" if has_ci else ""
        )
        if has_ci and parse_printed(row.reported_effect, allow_nr=True).not_estimable:
            out.add(
                dict(base, kind="effect", reported=reported),
                verdict="not-checkable",
                check="unchecked",
                explanation="A hazard ratio printed as NE (not estimable) has no number to check against its CI.",
            )
        elif has_ci:
            inside, centred = ci_centred(row.reported_effect, row.effect_ci_low, row.effect_ci_high)
            text = (
                f"HR {row.reported_effect} lies "
                + ("inside" if inside else "OUTSIDE")
                + f" its CI {row.effect_ci_low}-{row.effect_ci_high}"
                + (
                    ", at its geometric centre (as a Cox model's Wald interval has it)"
                    if centred
                    else (
                        "; its centre is not judged: a value printed as 0 or infinite has no logarithm"
                        if centred is None
                        else ", off its geometric centre (not a Wald-type interval: profile likelihood or another method)"
                    )
                )
            )
            out.add(
                dict(base, kind="effect", reported=reported),
                verdict="consistent" if inside else "inconsistent",
                check="consistency",
                method="ordering and centre",
                explanation=text + ".",
            )
        else:
            out.add(
                dict(base, kind="effect", reported=reported),
                verdict="not-checkable",
                check="unchecked",
                explanation=why,
            )
    if row.reported_p is not None:
        if has_ci:
            _audit_effect_p(out, dict(base, kind="pvalue"), row, reported=row.reported_p)
        else:
            out.add(
                dict(base, kind="pvalue", reported=row.reported_p),
                verdict="not-checkable",
                check="unchecked",
                explanation=why,
            )
    if not _missing(row.claim):
        _audit_claim(out, base, row)


def _claim_from_ci(row, null: float):
    """(True / False / None: does the printed CI exclude the null, with its level taken into account;
    the reason when it cannot say). ``row`` has a CI."""
    lo, hi = (parse_printed(v, allow_nr=True) for v in (row.effect_ci_low, row.effect_ci_high))
    span = _span(row.effect_ci_low, row.effect_ci_high)
    # Each bound as the range of values that print that way ("<1.00" is below 1, ">1.00" above):
    # a bound printed at the null (1.00 for a ratio) may stand for a value on either side of it.
    # "NE" is no number: only the other bound can decide.
    low = None if lo.not_estimable else lo.bounds()
    high = None if hi.not_estimable else hi.bounds()
    excludes = (low is not None and (low[0] > null or (lo.comparator == ">" and lo.value >= null))) or (
        high is not None and (high[1] < null or (hi.comparator == "<" and hi.value <= null))
    )
    includes = low is not None and high is not None and low[1] <= null <= high[0]
    if not (excludes or includes):
        if low is None or high is None:
            return None, f"the CI {span} has a bound printed as not estimable"
        bound, (a, b) = next((b, r) for b, r in ((lo, low), (hi, high)) if r[0] <= null <= r[1])
        return None, (
            f"the CI {span} decides nothing, as its bound {bound.text} stands for values from {a:g} to {b:g}, "
            f"which reach {null:g}"
        )
    level = 95.0 if pd.isna(row.effect_ci_level) else float(row.effect_ci_level)
    # A CI excluding the null says p < 1 - level, one including it p > 1 - level: about significance
    # at 5% only a CI at 95% or above decides the first, one at 95% or below the second.
    shown = "the CI" if level == 95.0 else f"the {level:g}% CI"
    if excludes and level < 95.0:
        return None, f"{shown} {span} excludes {null:g}, which says p < {1 - level / 100:g}, not p < 0.05"
    if includes and level > 95.0:
        return None, f"{shown} {span} includes {null:g}, which says p > {1 - level / 100:g}, not p > 0.05"
    return excludes, f"{shown} {span} {'excludes' if excludes else 'includes'} {null:g}"


def _claim_from_p(reported_p: str):
    """(True / False / None: is the printed p below 0.05; the reason when it cannot say)."""
    p = parse_printed(reported_p, kind="pvalue")
    lo, hi = p.bounds()
    if hi < 0.05 or (p.comparator == "<" and p.value <= 0.05):  # "<0.05" is below 0.05
        return True, f"p {_after_p(reported_p)}"
    if lo >= 0.05:
        return False, f"p {_after_p(reported_p)}"
    return None, f"p {_after_p(reported_p)} stands for values on both sides of 0.05"


#: A test a paper names, as the method of :func:`~reanalysis.proportions.compare_proportions`.
_STATED_TESTS = (
    (re.compile(r"mid-?p", re.IGNORECASE), "fisher-midp"),
    (re.compile(r"fisher", re.IGNORECASE), "fisher"),
    (re.compile(r"yates|continuity", re.IGNORECASE), "chi2-yates"),
    (re.compile(r"barnard", re.IGNORECASE), "barnard"),
    (re.compile(r"boschloo", re.IGNORECASE), "boschloo"),
    (re.compile(r"g-test|likelihood[ -]ratio", re.IGNORECASE), "g-test"),
    (re.compile(r"chi|χ", re.IGNORECASE), "chi2"),
)


def _stated_methods(named: str) -> list[str]:
    """Every test a paper names ("chi-square or Fisher's exact test, as appropriate"), as methods of
    :func:`~reanalysis.proportions.compare_proportions`; mid-p is not Fisher's, Yates' is not Pearson's."""
    stated = [m for pattern, m in _STATED_TESTS if pattern.search(named)]
    if "fisher-midp" in stated and "fisher" in stated and not re.search(r"fisher(?!.{0,20}mid)", named, re.I):
        stated.remove("fisher")
    if "chi2-yates" in stated and "chi2" in stated:
        stated.remove("chi2")
    return stated


#: Most candidate tables a claim over inferred counts is tested on (as for an effect).
MAX_CLAIM_TABLES = 10_000
#: Barnard's and Boschloo's tests (a second or more a table at a few hundred patients) run on a claim's
#: candidate tables only when they are this few.
_UNCONDITIONAL_CLAIM_TABLES = 4
_UNCONDITIONAL = ("barnard", "boschloo")


def _audit_claim_on_counts(out, base, row, g1, g2, assumed: bool = False):
    """A claim printed with the arms' counts but no p-value or CI: the stated test on the counts, or
    every standard test when none is stated (decided only when they agree about p < 0.05). With counts
    or denominators inferred from percentages, on every candidate table."""
    reading, base = _claim_reading(out, base, row)
    if reading is None:
        return

    def unchecked(why):
        out.add(base, verdict="not-checkable", check="unchecked", explanation=why)

    named = str(row.test_stated or "")
    if ONE_SIDED.search(named) or re.search(r"mantel|cochran|\bcmh\b", named, re.IGNORECASE):
        unchecked(
            f"The claim gives no p-value or CI, and the stated test ({named}) is one-sided or stratified: the "
            "two-sided tests on the crude counts cannot decide it."
        )
        return
    if is_model_based(row.adjustment, row.test_stated):
        unchecked(
            f"The claim comes from an adjusted or model-based analysis ({_model_text(row)}) with no p-value or CI "
            "printed: crude tests on the counts cannot decide it."
        )
        return
    try:
        (k1, n1), (k2, n2) = _candidates(g1), _candidates(g2)
    except ValueError as err:
        unchecked(f"The claim gives no p-value or CI, and its candidate tables cannot be listed: {err}.")
        return
    if len(k1) * len(k2) > MAX_CLAIM_TABLES:
        unchecked(
            f"The claim gives no p-value or CI, and the counts fit {len(k1) * len(k2):,} candidate tables (limit "
            f"{MAX_CLAIM_TABLES:,}): give the denominators (outcomes.csv n) to check it."
        )
        return
    if not len(k1) or not len(k2):
        unchecked("The claim gives no p-value or CI, and no count fits the printed percentages.")
        return
    i1, i2 = np.meshgrid(np.arange(len(k1)), np.arange(len(k2)), indexing="ij")
    x1, m1, x2, m2 = k1[i1.ravel()], n1[i1.ravel()], k2[i2.ravel()], n2[i2.ravel()]
    stated = _stated_methods(named)
    if len(x1) == 1:
        counts = f"{x1[0]}/{m1[0]} vs {x2[0]}/{m2[0]}" + (
            ", inferred from the percentages," if assumed else ""
        )
    else:
        counts = f"the {len(x1):,} candidate tables, counts or denominators inferred from the percentages,"
    pvalues, refused, skipped = [], [], []
    for method in stated or proportions.TEST_METHODS:
        if method in _UNCONDITIONAL and len(x1) > _UNCONDITIONAL_CLAIM_TABLES:
            skipped.append(method)  # a second or more per table at a few hundred patients
            continue
        try:
            pvalues.append(np.ravel(proportions.compare_many(x1, m1, x2, m2, method=method)))
        except ValueError:  # a test refuses a table too large for it: the others decide
            refused.append(method)
    if not pvalues:
        unchecked(
            f"The claim gives no p-value or CI, and the stated test ({', '.join(stated)}) cannot be run on {counts}."
        )
        return
    low, high = float(np.min(pvalues)), float(np.max(pvalues))
    spread = f"p = {_fmt(low)}" if _fmt(low) == _fmt(high) else f"p from {_fmt(low)} to {_fmt(high)}"
    left_out = [f"{' and '.join(refused)} refusing the table as too large"] if refused else []
    left_out += [f"{' and '.join(skipped)} too slow on so many tables"] if skipped else []
    which = (
        f"the stated {'test' if len(stated) == 1 else 'tests'} ({', '.join(stated)})"
        if stated
        else "every standard test"
    )
    tests = (
        f"{which} on {counts} gives" if not left_out else f"{which} on {counts} ({'; '.join(left_out)}) gives"
    )
    if low < 0.05 <= high:
        unchecked(
            f"The claim gives no p-value or CI, and {tests} {spread}: on either side of 0.05, so it depends on the "
            + (
                "table"
                if len(stated) == 1
                else "test the paper used" + (" and on the table" if len(x1) > 1 else "")
            )
            + "."
        )
        return
    _claim_verdict(
        out, base, reading.significant, high < 0.05, f"{tests} {spread}", "claim vs tests on the counts"
    )


def _claim_reading(out, base, row):
    """(the claim's reading, the claim row's base); (None, base) after writing the unchecked row of a claim
    that is not read."""
    reading = read_claim(str(row.claim))
    base = dict(base, kind="claim", reported=reading.text)
    if reading.significant is None:
        hint = (
            " Record the margin (column margin) to check a claim of non-inferiority against the CI."
            if NONINFERIORITY.search(reading.text)
            else ""
        )
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            explanation=f"The claim is not checked: {reading.reason}.{hint}",
        )
        return None, base
    return reading, base


def _claim_verdict(out, base, says: bool, significant: bool, basis: str, method: str):
    """The claim row once a number decides: does what the claim says agree with ``significant``?"""
    if significant != says:
        ending = "which contradicts it."
    elif says:
        ending = "which agrees (about significance: the direction the claim states is not checked)."
    else:
        ending = "which agrees."
    out.add(
        base,
        verdict="consistent" if significant == says else "inconsistent",
        check="consistency",
        method=method,
        explanation=f"The claim says the difference is {'' if says else 'not '}significant; {basis}, {ending}",
    )


def _audit_claim(out, base, row):
    """A verbal claim of (no) significant difference against the printed CI or p-value; a claim of
    non-inferiority against the printed CI and the recorded margin."""
    if MARGIN_TEST.search(str(row.claim)) and not _missing(row.margin):
        _audit_margin_claim(out, base, row)
        return
    reading, base = _claim_reading(out, base, row)
    if reading is None:
        return
    says = reading.significant
    evidence, reasons = None, []
    if row.effect_ci_low is not None and row.effect_ci_high is not None and row.effect_measure:
        evidence, why = _claim_from_ci(row, 1.0 if row.effect_measure in ("or", "rr", "hr") else 0.0)
        reasons.append(why)
    if evidence is None and row.reported_p is not None:
        evidence, why = _claim_from_p(row.reported_p)
        reasons.append(why)
    if evidence is None:
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            explanation=(
                f"A verbal claim that no printed number decides: {'; '.join(reasons)}."
                if reasons
                else "A verbal claim with no printed CI or p-value to check it against."
            ),
        )
        return
    basis = reasons[-1] + (f" ({reasons[0]})" if len(reasons) > 1 else "")
    _claim_verdict(out, base, says, evidence, basis, "claim vs CI/p")


def _audit_margin_claim(out, base, row):
    """A claim that non-inferiority was (not) shown, against the printed CI and the margin.

    The margin is the boundary the CI must not cross (evidence column ``margin``): below the null
    (an RD of -10 points, a ratio of 0.8) the lower bound must lie above it; above the null (a ratio
    of 1.25) the upper bound must lie below it. A bound is read as the range of values that print
    as it, so a bound printed at the margin decides nothing.
    """
    reading = read_noninferiority(str(row.claim))
    base = dict(base, kind="claim", reported=reading.text)
    if reading.significant is None:
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            explanation=f"The claim is not checked: {reading.reason}.",
        )
        return
    margin = parse_printed(row.margin)
    null = 1.0 if row.effect_measure in ("or", "rr", "hr") else 0.0
    lower_side = margin.value < null
    facing = row.effect_ci_low if lower_side else row.effect_ci_high
    if facing is None:
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            explanation="A claim of non-inferiority is checked against the printed CI and the margin; the "
            f"CI's {'lower' if lower_side else 'upper'} bound, which faces the margin, is not printed.",
        )
        return
    bound = parse_printed(facing, allow_nr=True)
    level = 95.0 if pd.isna(row.effect_ci_level) else float(row.effect_ci_level)
    which = f"{'lower' if lower_side else 'upper'} bound of the {level:g}% CI ({bound.text})"
    if bound.not_estimable:
        out.add(
            base, verdict="not-checkable", check="unchecked", explanation=f"The {which} is not estimable."
        )
        return
    a, b = bound.bounds()
    if lower_side:
        shown = True if a > margin.value else False if b <= margin.value else None
    else:
        shown = True if b < margin.value else False if a >= margin.value else None
    if shown is None:
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            explanation=f"The {which} stands for values from {a:g} to {b:g}, on both sides of the margin "
            f"{margin.text}: it does not decide the claim.",
        )
        return
    side = "above" if lower_side else "below"
    basis = f"the {which} {'lies' if shown else 'does not lie'} {side} the margin {margin.text}"
    says = reading.significant
    # The margin's sign says which direction is worse, and nothing in the folder can confirm it: say it,
    # so a margin typed with the wrong sign (10 for a response rate) is caught by the reader.
    effect = "ratio" if null == 1.0 else "difference"
    direction = (
        f" (a margin {'below' if lower_side else 'above'} {null:g} reads a {'lower' if lower_side else 'higher'} "
        f"{effect} of {row.arm_a} vs {row.arm_b} as worse, as for "
        + ("a response or cure rate" if lower_side else "failures or harms")
        + ")"
    )
    out.add(
        base,
        verdict="consistent" if shown == says else "inconsistent",
        check="consistency",
        method="claim vs margin",
        explanation=f"The claim says non-inferiority was {'' if says else 'not '}shown; {basis}{direction}, which "
        + ("agrees." if shown == says else "contradicts it."),
    )


def _lookup(outcomes: dict):
    def get(study, arm, endpoint, unit, value, stratum):
        return outcomes.get((study, arm, endpoint, unit, value, stratum))

    return get


def _audit_table_pvalue(rec, row, outcomes, model):
    """k groups, r x c categories or strata: every applicable contingency test on every candidate table."""
    task = tables.build(row, outcomes, _lookup(outcomes))
    if isinstance(task, str):
        rec.update(explanation=f"The table behind this p-value cannot be built: {task}.")
        return
    fields = tables.verdict(task, row.reported_p)
    if fields["verdict"] == "not-reproducible" and model:
        fields.update(
            verdict="model-based",
            check="unchecked",
            explanation=f"An adjusted or model-based analysis ({_model_text(row)}); "
            + fields["explanation"][0].lower()
            + fields["explanation"][1:],
        )
    rec.update(fields)


def _audit_mh_odds_ratio(out, base, row, outcomes, model):
    """A stratified odds ratio against the Mantel-Haenszel estimate with its Robins-Breslow-Greenland CI."""
    ci = f" ({_span(row.effect_ci_low, row.effect_ci_high)})" if row.effect_ci_low is not None else ""
    base = dict(base, reported=f"OR {row.reported_effect}{ci}")
    task = tables.build(row, outcomes, _lookup(outcomes))
    if isinstance(task, str):
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            explanation=f"The strata behind this odds ratio cannot be built: {task}.",
        )
        return
    level = (row.effect_ci_level if not pd.isna(row.effect_ci_level) else 95.0) / 100
    est, low, high = tables.mh_odds_ratio(task, level)

    def printed_distance(text, values):
        return ratio_distance(parse_printed(text, allow_nr=True), values)

    d = printed_distance(row.reported_effect, est)
    if row.effect_ci_low is not None:
        d = np.maximum(
            d,
            np.maximum(printed_distance(row.effect_ci_low, low), printed_distance(row.effect_ci_high, high)),
        )
    i = int(np.argmin(d))
    summary = f"{_two_decimals(est[i])} ({_two_decimals(low[i])}-{_two_decimals(high[i])})"
    if d[i] == 0:
        out.add(
            base,
            verdict="reproduced-with-assumptions" if task.assumed else "reproduced",
            check="method",
            method="mantel-haenszel (RBG CI)",
            computed=summary,
            explanation=f"The Mantel-Haenszel odds ratio over {len(task.labels)} strata with the "
            f"Robins-Breslow-Greenland CI reproduces it ({summary}).",
        )
    else:
        out.add(
            base,
            verdict="model-based" if model else "not-reproducible",
            check="unchecked" if model else "method",
            computed=f"mantel-haenszel: {summary}",
            explanation=f"The Mantel-Haenszel odds ratio over {len(task.labels)} strata is {summary}"
            + (f"; the published one comes from an adjusted model ({_model_text(row)})." if model else "."),
        )


#: Most patients summed over the candidate tables of one two-group p-value: about 5e-8 s each on this
#: project's 2-core machine (arms of 300 with whole-number percentages: 8e7, 3.4 s of the whole
#: audit; 400: 3.4e8, 23 s), so up to about 8 s; the shipped folders need at most 1.6e7 (examples/cll14).
MAX_PVALUE_WORK = 150_000_000


class _PvalueTask:
    """A two-group p-value waiting for the batched candidate evaluation."""

    def __init__(self, rec, reported, g1, g2, assumed, model, row):
        self.rec, self.reported, self.assumed, self.model, self.row = rec, reported, assumed, model, row
        self.derived = None  # (x1, n1, x2, n2) derived in the evidence folder, when both arms have them
        # what the candidate tables infer: counts (from a percentage) and/or denominators (of a count)
        inferred = [
            "counts" if isinstance(g[0], str) else "denominators"
            for g in (g1, g2)
            if isinstance(g[0], str) or isinstance(g[1], np.ndarray)
        ]
        self.inferred = " and ".join(sorted(set(inferred))) or "counts"
        self.printed = parse_printed(reported, kind="pvalue")
        k1, n1 = _candidates(g1)
        k2, n2 = _candidates(g2)
        # Refused up front (the caller marks this row not checked): every table costs each test about
        # its number of patients, and percentages over wide arm sizes multiply into millions of tables.
        work = len(k2) * float(n1.sum()) + len(k1) * float(n2.sum())
        _checks.affordable(
            f"the p-value's {len(k1):,} x {len(k2):,} candidate tables ({work:,.0f} patients in all)",
            int(work) if len(k1) * len(k2) > 1 else 0,  # one table: each test refuses it if too large
            MAX_PVALUE_WORK,
            nbytes=32.0 * len(k1) * len(k2),
            seconds=work * 5e-8,
            instead="give the denominators the percentages are of (outcomes.csv n)",
        )
        i1, i2 = np.meshgrid(np.arange(len(k1)), np.arange(len(k2)), indexing="ij")
        self.tables = np.column_stack(
            [k1[i1.ravel()], n1[i1.ravel()], k2[i2.ravel()], n2[i2.ravel()]]
        ).astype(np.int64)


def _candidates(group):
    first, second = group
    if isinstance(first, str):
        if isinstance(second, tuple):
            return count_candidates(first, n_range=second)
        return count_candidates(first, n=second)
    if isinstance(second, np.ndarray):  # a published count over the denominators that fit it
        return np.full(second.size, first, dtype=np.int64), second
    return np.array([first]), np.array([second])


def _n_list(ns: np.ndarray) -> str:
    """Denominators as "396-404", or listed ("12, 24 or 36") when they are not consecutive."""
    if ns.size > 1 and ns[-1] - ns[0] == ns.size - 1:
        return f"{ns[0]}-{ns[-1]}"
    shown = [str(v) for v in ns[:8]] + (["..."] if ns.size > 8 else [])
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" or {shown[-1]}"


def _pvalue_chunk(tables: np.ndarray, method: str) -> np.ndarray:
    try:
        return np.asarray(
            proportions.compare_many(tables[:, 0], tables[:, 1], tables[:, 2], tables[:, 3], method=method),
            dtype=float,
        )
    except ValueError:  # a test refused some table as too large: NaN there (not run), the others count
        out = np.full(len(tables), np.nan)
        for i, t in enumerate(tables):
            try:
                out[i] = proportions.compare_many(t[:1], t[1:2], t[2:3], t[3:], method=method)[0]
            except ValueError:
                pass
        return out


#: The unconditional exact tests cost far more per table than the others (each pair of group sizes
#: needs its own supremum search): a comparison with more candidate tables than this gets Barnard and
#: Boschloo only on the candidates closest to the printed p-value under the other tests (their
#: p-values lie near Fisher's and the chi-square's, so a table far from the printed value under all
#: six cannot reproduce it under these two).
UNCONDITIONAL_ALL_TABLES = 3
UNCONDITIONAL_NEAREST = 3
_EXPENSIVE = ("barnard", "boschloo")


def _evaluate(tables: np.ndarray, methods: list[str], n_jobs: int) -> np.ndarray:
    out = np.empty((len(tables), len(methods)))
    if len(tables) == 0:
        return out
    if n_jobs == 1 or len(tables) < 2000:
        done = set()
        if "fisher" in methods and "fisher-midp" in methods and len(tables) > 200:
            # Both Fisher variants in one pass over padded supports (corpus-scale candidate sets).
            try:
                p, pmid = proportions.fisher_many(tables[:, 0], tables[:, 1], tables[:, 2], tables[:, 3])
            except ValueError:  # some table too large for it: each variant table by table below
                pass
            else:
                out[:, methods.index("fisher")], out[:, methods.index("fisher-midp")] = p, pmid
                done = {"fisher", "fisher-midp"}
        for j, m in enumerate(methods):
            if m not in done:
                out[:, j] = _pvalue_chunk(tables, m)
        return out
    from joblib import Parallel, delayed, effective_n_jobs

    # One chunk of tables per worker, every method in each (so each worker takes the batched
    # Fisher path too); results are per table, so the split does not change them.
    chunks = np.array_split(np.arange(len(tables)), effective_n_jobs(n_jobs))
    results = Parallel(n_jobs=n_jobs)(delayed(_evaluate)(tables[c], methods, 1) for c in chunks)
    for c, res in zip(chunks, results, strict=True):
        out[c] = res
    return out


def _resolve_pvalues(tasks: list[_PvalueTask], n_jobs: int = 1) -> None:
    """Evaluate every candidate table of every task once per test, then write each verdict.

    All tasks' candidate tables are deduplicated and evaluated together. The cheap tests run on
    every table; Barnard and Boschloo on every table of a task with at most
    :data:`UNCONDITIONAL_ALL_TABLES` candidates; on a larger task, not at all when the cheap tests
    already reproduce the printed value, else on its :data:`UNCONDITIONAL_NEAREST` candidates nearest
    the printed p-value under the cheap tests (the explanation says so). Tables past
    :data:`proportions.MAX_UNCONDITIONAL_SIZE`, which Barnard and Boschloo refuse, are left to the
    other tests (the explanation says so too).
    """
    if not tasks:
        return
    methods = list(proportions.TEST_METHODS)
    cheap = [m for m in methods if m not in _EXPENSIVE]
    all_tables = np.concatenate([t.tables for t in tasks])
    unique, inverse = np.unique(all_tables, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    pvals = np.full((len(unique), len(methods)), np.nan)
    cheap_cols = [methods.index(m) for m in cheap]
    pvals[:, cheap_cols] = _evaluate(unique, cheap, n_jobs)
    # Which unique tables need the unconditional tests.
    wanted = np.zeros(len(unique), dtype=bool)
    starts = np.cumsum([0] + [len(t.tables) for t in tasks])
    for task, a, b in zip(tasks, starts[:-1], starts[1:], strict=True):
        idx = inverse[a:b]
        if len(idx) <= UNCONDITIONAL_ALL_TABLES:
            wanted[idx] = True
            task.unconditional_subset = None
            continue
        d = distance(task.printed, pvals[idx][:, cheap_cols].ravel()).reshape(len(idx), len(cheap))
        if (d == 0).any():
            # Already reproduced by the other tests on some candidate: Barnard and Boschloo could only
            # add their names to the list, at by far the highest cost.
            task.unconditional_subset = (0, len(idx))
            continue
        nearest = np.argsort(d.min(axis=1), kind="stable")[:UNCONDITIONAL_NEAREST]
        wanted[idx[nearest]] = True
        task.unconditional_subset = (UNCONDITIONAL_NEAREST, len(idx))
    # Barnard and Boschloo refuse a table past MAX_UNCONDITIONAL_SIZE (hours, GiB): skip those tables
    # (the asymptotic tests are accurate at that size) rather than fail the whole audit.
    n1, n2 = unique[:, 1].astype(float), unique[:, 3].astype(float)
    too_large = (n1 + 1) * (n1 + n2 + 1) > proportions.MAX_UNCONDITIONAL_SIZE
    for task, a, b in zip(tasks, starts[:-1], starts[1:], strict=True):
        task.unconditional_too_large = bool((wanted & too_large)[inverse[a:b]].any())
    wanted &= ~too_large
    rows = np.flatnonzero(wanted)
    exp_cols = [methods.index(m) for m in _EXPENSIVE]
    evaluated = _evaluate(unique[rows], list(_EXPENSIVE), n_jobs)
    for k, col in enumerate(exp_cols):
        pvals[rows, col] = evaluated[:, k]
    for task, a, b in zip(tasks, starts[:-1], starts[1:], strict=True):
        _write_pvalue_verdict(task, task.tables, pvals[inverse[a:b]], methods)


def _write_pvalue_verdict(task, tables, pvals, methods):
    rec, printed = task.rec, task.printed
    threshold = not printed.exact
    if len(tables) == 0:
        rec.update(
            verdict="not-checkable",
            check="unchecked",
            explanation="No count fits the printed percentage(s); the p-value cannot be recomputed.",
        )
        return
    ok = contains(printed, pvals.ravel()).reshape(pvals.shape)
    dist = distance(printed, pvals.ravel()).reshape(pvals.shape)
    if ok.any():
        # Best hit: largest n1, n2 (the fullest denominators), then the first method.
        order = np.lexsort((tables[:, 2], tables[:, 0], -tables[:, 3], -tables[:, 1]))
        i = int(order[ok.any(axis=1)[order]][0])
        j = int(np.flatnonzero(ok[i])[0])
        found = [m for jj, m in enumerate(methods) if ok[:, jj].any()]
        x1, n1, x2, n2 = (int(v) for v in tables[i])
        counts = f"{x1}/{n1} vs {x2}/{n2}"
        if threshold:
            every = all(ok[i])
            how = "every standard test gives" if every else f"{len(found)} of {len(methods)} tests give"
            text = f"{counts}: {how} p {spaced_p(printed.text)} (e.g. {methods[j]} p = {_fmt(pvals[i, j])})"
        else:
            text = f"{counts} by {methods[j]} gives p = {_fmt(pvals[i, j])}"
        if task.assumed:
            hits = int(ok.any(axis=1).sum())
            text += (
                f" ({task.inferred} inferred from the percentages: {hits:,} of the {len(tables):,} candidate "
                "tables give it; shown, the one with the largest denominators)"
                if len(tables) > 1
                else f" ({task.inferred} inferred from the percentages)"
            )
        text += _subset_note(task)
        named = [m for m in _stated_methods(str(task.row.test_stated or "")) if m in methods]
        if named and not threshold and not any(m in found for m in named):
            # the number is reproduced, but not by the test the paper says it used (outside user: a
            # 'Fisher' p of 0.02 that only chi-square gives; Fisher gives 0.0605)
            m = named[0]
            text += (
                f"; the test the paper names ({task.row.test_stated}) gives p = "
                f"{_fmt(pvals[i, methods.index(m)])} on these counts, so the printed value fits "
                f"{', '.join(found)}, not the named test"
            )
        rec.update(
            verdict="reproduced-with-assumptions" if task.assumed else "reproduced",
            check="threshold" if threshold else "method",
            method=";".join(found),
            computed=f"{pvals[i, j]:.6g}",
            explanation=text + ".",
        )
        return
    i, j = np.unravel_index(int(np.argmin(np.where(np.isnan(dist), np.inf, dist))), dist.shape)
    x1, n1, x2, n2 = (int(v) for v in tables[i])
    counts = f"{x1}/{n1} vs {x2}/{n2}"
    closest = f"closest is {methods[j]} on {counts} (p = {_fmt(pvals[i, j])})"
    if task.model:
        rec.update(
            verdict="model-based",
            check="unchecked",
            computed=f"{methods[j]} {counts}: {_fmt(pvals[i, j])}",
            explanation=f"The p-value comes from an adjusted or model-based analysis "
            f"({_model_text(task.row)}); crude tests are not expected to reproduce it; {closest}.",
        )
        return
    computed = f"{methods[j]} {counts}: {_fmt(pvals[i, j])}"
    derived = getattr(task, "derived", None)
    if derived is not None and len(tables) > 1:
        # The nearest table overall may use a denominator the folder's own derivation rules out;
        # the derived counts are the reading the evidence folder stands behind.
        k = np.flatnonzero((tables == np.asarray(derived)).all(axis=1))
        if len(k) and int(k[0]) != i:
            k = int(k[0])
            jj = int(np.nanargmin(dist[k]))
            dcounts = "{}/{} vs {}/{}".format(*derived)
            closest = (
                f"on the counts derived in the evidence folder ({dcounts}) the closest is {methods[jj]} "
                f"(p = {_fmt(pvals[k, jj])}); over all {len(tables):,} candidate tables the nearest is "
                f"{methods[j]} on {counts} (p = {_fmt(pvals[i, j])})"
            )
            computed = f"{methods[jj]} {dcounts}: {_fmt(pvals[k, jj])}"
    stated = str(task.row.test_stated or "")
    if ONE_SIDED.search(stated):
        # the candidate tests are two-sided: a one-sided p not among them proves nothing
        rec.update(
            verdict="not-checkable",
            check="unchecked",
            computed=computed,
            explanation=f"The paper's test is one-sided ({stated}) and the audit's are two-sided, so none is "
            f"expected to give p = {printed.text}; {closest}.",
        )
        return
    if not _missing(getattr(task.row, "margin", None)):
        # A comparison with a non-inferiority margin prints, as often as not, the p-value of the test
        # against the margin ("P < .001 for noninferiority"), which no test of no difference gives:
        # a mismatch says nothing about the paper unless the stated test is one of no difference.
        rec.update(
            verdict="not-checkable",
            check="unchecked",
            computed=computed,
            explanation=f"A non-inferiority margin ({task.row.margin}) is recorded for this comparison and no "
            f"two-sided test of no difference gives p = {printed.text}, so it is probably the p-value of the "
            f"test against the margin, which is not recomputed; {closest}. If it is a test of no difference, "
            "name it in test_stated (e.g. chi-square) and record the margin on its own row.",
        )
        return
    near = ""
    lo_p, hi_p = printed.bounds()
    best = float(pvals[i, j])
    gap = _z_gap(best, lo_p, hi_p)
    if not _stated_methods(stated) and printed.comparator == "=" and 0 < gap <= 0.1:
        # Outside user (CheckMate 017): P = 0.0083 against chi-square's 0.0082, test not named: a test the
        # audit does not recompute explains a gap this small as well as an error does.
        near = (
            "; the gap is small and the test is not named, so a test the audit does not recompute (a "
            "stratified Cochran-Mantel-Haenszel test, as randomised trials often use, or another variant) "
            "could give it"
        )
    rec.update(
        verdict="not-reproducible",
        check="threshold" if threshold else "method",
        computed=computed,
        explanation=f"None of {len(methods)} standard tests on {len(tables)} table(s) consistent with the "
        f"data gives p = {printed.text}; {closest}{near}{_subset_note(task)}." + _folder_note(task.row),
    )


def _z_gap(p: float, lo: float, hi: float) -> float:
    """How far p lies from the printed range [lo, hi], as a distance of two-sided normal deviates (0
    inside): 0.0083 against 0.0082 is 0.005, 0.59 against 0.706 is 0.16."""
    from statistics import NormalDist

    if lo <= p <= hi or not 0 < p < 1:
        return 0.0
    z = NormalDist().inv_cdf
    edge = min(max(p, lo), hi)
    return abs(z(1 - p / 2) - z(1 - min(max(edge, 1e-300), 1.0) / 2))


def _folder_note(row) -> str:
    """The evidence folder's own note on a number that does not hold up (e.g. a candidate reading
    beyond a 2 x 2 test), so the verdict and what is known about it are read together."""
    note = getattr(row, "notes", None)
    return (
        ""
        if _missing(note) or not str(note).strip()
        else f" Note in the evidence folder: {str(note).strip()}"
    )


def _subset_note(task) -> str:
    if getattr(task, "unconditional_too_large", False):
        return (
            " (Barnard and Boschloo not run on the candidate tables too large for them: "
            f"(n1 + 1)(n1 + n2 + 1) > {proportions.MAX_UNCONDITIONAL_SIZE:,}; the asymptotic tests are accurate there)"
        )
    subset = getattr(task, "unconditional_subset", None)
    if not subset:
        return ""
    if subset[0] == 0:
        return f" (Barnard and Boschloo not run on the {subset[1]:,} candidate tables: the other tests already reproduce it)"
    return (
        f" (Barnard and Boschloo were run on the {subset[0]:,} of {subset[1]:,} candidate tables nearest the printed "
        "p-value under the other tests)"
    )


#: Signs a printed negative bound may start with: the ASCII hyphen-minus, and the minus sign (U+2212)
#: and en dash that journals (JAMA, PMC) print and that a copy from their pages keeps.
_MINUS_SIGNS = ("-", "\u2212", "\u2013")


def _span(low, high) -> str:
    """A printed interval: "0.23-0.53", or "-32.18 to -5.45" when a bound is negative ("--" misreads)."""
    low, high = str(low).strip(), str(high).strip()
    negative = low.startswith(_MINUS_SIGNS) or high.startswith(_MINUS_SIGNS)
    return f"{low} to {high}" if negative else f"{low}-{high}"


def _model_text(row) -> str:
    return adjustment_stated(row.adjustment) or f"stated test: {row.test_stated}"


def _opposite_sign_note(match, row, measure: str, scale) -> str:
    """'; its sign is the opposite of the counts' difference (-0.36) ...' for a risk difference whose
    printed estimate lies on the other side of 0 from every crude one (outside user, ASTER: "0.4
    (-10.9 to 9.7)" for 56.3% vs 56.6%), when the arms the other way round do not explain it."""
    if measure != "rd":
        return ""
    try:
        low, high = parse_printed(row.reported_effect).bounds()
    except ValueError:
        return ""
    factor = 100.0 if scale == "percentage-points" else 1.0
    est = match.estimate * factor
    if not (est < 0 < low or high < 0 < est):
        return ""
    return (
        f"; its sign is the opposite of the counts' difference ({est:.2f}): the paper may subtract the arms "
        "the other way round (swap arm_a and arm_b to check), or the difference is adjusted, or misprinted"
    )


def _swapped_note(match, row, measure: str, scale) -> str:
    """'; it is the closest value with the arms the other way round ...' when the printed effect is the
    closest candidate's mirror image (minus the difference, the reciprocal of the ratio)."""
    try:
        low, high = parse_printed(row.reported_effect).bounds()
    except ValueError:
        return ""
    factor = 100.0 if scale == "percentage-points" else 1.0
    est, ci = match.estimate * factor, (match.low * factor, match.high * factor)
    if measure == "rd":
        mirrored, mirrored_ci = -est, (-ci[1], -ci[0])
    elif est > 0 and math.isfinite(est) and ci[0] > 0:
        mirrored, mirrored_ci = 1.0 / est, (1.0 / ci[1], 1.0 / ci[0])
    else:
        return ""
    if not (low <= mirrored <= high) or low <= est <= high:
        return ""
    # Near no difference (a ratio near 1, an RD near 0) an estimate and its mirror image are close,
    # and the mirror may print as a rounded or truncated estimate does (RR 1.052 printed 1.0): the
    # arms are swapped only if the mirrored interval prints as the published one too (swapping the
    # groups mirrors every interval of the audit's methods).
    for value, printed in zip(mirrored_ci, (row.effect_ci_low, row.effect_ci_high), strict=True):
        if _missing(printed):
            continue
        try:
            if not parse_printed(printed).contains(value):
                return ""
        except ValueError:
            return ""
    return (
        f"; with the arms the other way round it would be "
        f"{_two_decimals(mirrored, _shown_decimals(row.reported_effect))}, which prints as published: "
        f"check that arm_a ({row.arm_a}) is the arm the paper puts first"
    )


def _rounded_difference_note(outcomes, row, scale, estimate: float | None = None) -> str:
    """A sentence when a printed risk difference is the difference of the two printed (rounded) arm
    percentages: a paper that subtracts rounded percentages prints 70 - 43 = 27 for 74/105 - 44/103
    = 27.76 points, which no method on the counts gives (outside user, BALL AALL1331).

    ``estimate``: the closest candidate's difference (proportion scale). When it already prints as
    the published one the gap is in the interval, which subtracting percentages does not explain.
    """
    arms = [_outcome_of(outcomes, row, arm) for arm in (row.arm_a, row.arm_b)]
    if any(o is None or _missing(o.reported_percent) for o in arms):
        return ""
    try:
        a, b = (parse_printed(o.reported_percent, kind="percent") for o in arms)
        printed = parse_printed(row.reported_effect)
    except ValueError:
        return ""
    if a.comparator != "=" or b.comparator != "=" or printed.comparator != "=":
        return ""
    factor = 100.0 if scale == "percentage-points" else 1.0
    if estimate is not None and printed.contains(estimate * factor):
        return ""
    difference = a.value - b.value  # percentage points
    shown = difference if scale == "percentage-points" else difference / 100
    low, high = printed.bounds()
    if not low - 1e-9 <= shown <= high + 1e-9:
        return ""
    return (
        f" It is the difference of the printed arm percentages ({_fmt(a.value)} - {_fmt(b.value)} = "
        f"{_fmt(difference)} points): the paper probably subtracted rounded percentages, which shifts the "
        "estimate but is not evidence that the counts are wrong."
    )


def _audit_effect(out, base, row, g1, g2, assumed, model, outcomes=None):
    measure = row.effect_measure
    one_bound = ""
    if (row.effect_ci_low is None) != (row.effect_ci_high is None):
        # only the bound facing a non-inferiority margin is printed: it is checked by the claim, and the
        # estimate here on its own (a single bound identifies no CI method)
        which = "lower" if row.effect_ci_low is not None else "upper"
        one_bound = f"{which} CI bound {row.effect_ci_low if which == 'lower' else row.effect_ci_high}"
        row = row._replace(effect_ci_low=None, effect_ci_high=None)
    ci = f" ({_span(row.effect_ci_low, row.effect_ci_high)})" if row.effect_ci_low is not None else ""
    ci = ci or (f" ({one_bound})" if one_bound else "")
    base = dict(base, reported=f"{measure.upper()} {row.reported_effect}{ci}")
    level = (row.effect_ci_level if not pd.isna(row.effect_ci_level) else 95.0) / 100
    scale_note = ""
    scale = None
    if measure == "rd":
        scale, inferred = rd_scale(
            row.reported_effect,
            row.effect_ci_low,
            row.effect_ci_high,
            row.effect_unit if not _missing(row.effect_unit) else None,
        )
        if inferred:
            scale_note = (
                f" (read as {scale}: the unit is not declared in effect_unit, inferred from the magnitude)"
            )
        base["reported"] += " points" if scale == "percentage-points" else ""
    if measure == "hr":
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            explanation="A hazard ratio cannot be recomputed from summary counts; see its CI/p consistency check.",
        )
        return
    if row.effect_ci_low is not None and row.effect_ci_high is not None:
        order = interval_order(
            row.reported_effect, row.effect_ci_low, row.effect_ci_high, ratio=measure != "rd"
        )
        if not order.consistent:  # no method, on any counts, gives an estimate outside its own interval
            out.add(
                base,
                verdict="inconsistent",
                check="consistency",
                method="ordering",
                explanation=f"{order.explanation[:-1]}: no method gives an estimate outside its own interval.",
            )
            return
    if g1 is None or g2 is None:
        out.add(base, verdict="not-checkable", check="unchecked", explanation="No counts to recompute from.")
        return
    factor = 100.0 if scale == "percentage-points" else 1.0
    try:
        best, search_note, complete = _effect_search(g1, g2, measure, row, scale, level)
    except ValueError as err:  # too many candidate tables (percentages over wide arm sizes): this row only
        out.add(base, verdict="not-checkable", check="unchecked", explanation=f"Not checked: {err}.")
        return
    scale_note += search_note
    if best is None:
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            explanation="No count fits the printed percentages.",
        )
        return
    match, (x1, n1), (x2, n2) = best
    shown = _shown_decimals(row.reported_effect, row.effect_ci_low, row.effect_ci_high)
    est, low, high = (_two_decimals(factor * v, shown) for v in (match.estimate, match.low, match.high))
    summary = f"{est} ({_span(low, high)})"
    counts = f"{x1}/{n1} vs {x2}/{n2}"
    if match.distance == 0 and row.effect_ci_low is None and measure in ("rd", "rr"):
        # Every method gives the same crude difference or ratio: an estimate printed without its CI
        # matches them all, so it identifies no method and is only arithmetic on the counts.
        out.add(
            base,
            verdict="reproduced-with-assumptions" if assumed else "reproduced",
            check="arithmetic",
            method="crude estimate",
            computed=est,
            explanation=f"The crude {measure.upper()} on {counts} is {est}, which prints as published; "
            + ("only one bound of its CI is printed" if one_bound else "no CI is printed")
            + f", so no CI method is identified{scale_note}.",
        )
    elif match.distance == 0:
        paired = match.method == SAS_PAIRING
        what = (
            f"The {match.method} (two methods paired, as SAS prints them)"
            if paired
            else f"The crude {measure.upper()} by {match.method}"
        )
        out.add(
            base,
            verdict="reproduced-with-assumptions" if assumed or paired else "reproduced",
            check="method",
            method=match.method,
            computed=summary,
            explanation=f"{what} on {counts} reproduces it{scale_note}"
            + (
                # Outside user (CheckMate 026): a CMH-adjusted OR matched by the crude Wald OR read as
                # "the paper's OR is crude".
                f"; the paper says it is adjusted ({_model_text(row)}): the crude estimate coincides with it "
                "to the printed precision, so the printed numbers cannot tell the two apart."
                if model
                else "."
            ),
        )
    elif model:
        out.add(
            base,
            verdict="model-based",
            check="unchecked",
            computed=f"{match.method}: {summary}",
            explanation=f"An adjusted or model-based estimate ({_model_text(row)}); the crude "
            f"{measure.upper()} on {counts} is {est}, and crude counts are not "
            f"expected to reproduce an adjusted one{scale_note}.",
        )
    elif not complete:
        # Some tables that could reproduce it were not tried by every method: no claim of an error.
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            computed=f"{match.method}: {summary}",
            explanation=(
                f"Not reproduced on the candidate tables tried: the closest is {match.method} on {counts}, "
                f"{summary}{scale_note}; give the denominators the percentages are of (outcomes.csv n) for a "
                "complete check."
                if any(isinstance(g[1], tuple) for g in (g1, g2))
                else f"Not reproduced by the methods that could be computed: the closest is {match.method} on "
                f"{counts}, {summary}{scale_note}; not every method could be compared, so this is not shown "
                "to be an error."
            ),
        )
    else:
        out.add(
            base,
            verdict="not-reproducible",
            check="method",
            computed=f"{match.method}: {summary}",
            explanation=(
                f"No crude method on {counts} gives it: the closest ({match.method}) is {summary}"
                if not assumed
                else "No crude method on any candidate table (counts or denominators inferred from the "
                f"percentages) gives it: the closest is {match.method} on {counts}, {summary}"
            )
            + (
                "; the paper does not say it was adjusted (if it was, record that in the adjustment column)"
                if adjustment_stated(row.adjustment) is None
                else f"; the evidence folder records it as unadjusted (adjustment: {row.adjustment})"
            )
            + (_swapped_note(match, row, measure, scale) or _opposite_sign_note(match, row, measure, scale))
            + f"{scale_note}."
            + (
                _rounded_difference_note(outcomes, row, scale, match.estimate)
                if measure == "rd" and outcomes
                else ""
            ),
        )


#: Most candidate tables of an effect (percentages over a range of denominators) that are searched:
#: every method but the exact risk-difference intervals costs about 1.5 ms a table, so this is a few
#: seconds; beyond it the row is not checked and says to give the denominators.
MAX_EFFECT_TABLES = 2_000
#: Estimated seconds (this project's 2-core machine) of exact risk-difference intervals (Santner-Snell,
#: Chan-Zhang: 0.05-1 s a table) per effect: they run on the tables whose difference prints as the
#: printed one (every risk-difference method has the same point estimate, so only they can reproduce
#: it), nearest first under the other methods, until the next would pass this.
EXACT_EFFECT_SECONDS = 3.0
#: When no candidate table's difference prints as the printed one, the exact intervals run on this
#: many nearest tables, for the closest candidate the row reports.
EXACT_EFFECT_NEAREST = 10
_EXACT_RD = ("santner-snell", "chan-zhang")


def _effect_search(g1, g2, measure, row, scale, level) -> tuple[tuple | None, str, bool]:
    """The closest (match, (x1, n1), (x2, n2)) over the candidate tables, a note on the search, and
    whether it was complete (every table that could reproduce the printed numbers tried by every method).

    As the p-value search does with Barnard's and Boschloo's tests: every method but the exact
    risk-difference intervals runs on every candidate table, and the exact ones only where they
    can matter. Not at all when another method already reproduces the printed numbers (the methods
    are tried in that order, so the match is the one a full search reports on those tables). Else
    on the tables whose difference p1 - p2 prints as the printed one, the only ones on which any
    method can reproduce it, nearest first under the other methods, until
    :data:`EXACT_EFFECT_SECONDS` of estimated time (the note says when some were left out, and the
    search is then incomplete: a mismatch is not-checkable, not not-reproducible).

    Ranking tables by their point estimate alone, or running the exact intervals on the 25 tables
    nearest under the other methods, is not enough. Many tables share an estimate within rounding
    and differ only in n, i.e. in the width of the interval, and Santner-Snell intervals are wider
    than the asymptotic ones. In simulated percentage-only effects, where a full search found the
    table that reproduces the printed effect and CI, the first lost it in 19 of 37 cases and the
    second in 9 of 184. This search gave the same verdict in all 138 it was run on: in 3 the exact
    intervals ran out of time before reaching the reproducing table, and the row says it could not
    be checked.
    """
    k1, n1 = _candidates(g1)
    k2, n2 = _candidates(g2)
    size = len(k1) * len(k2)
    exact = tuple(m for m in proportions.EFFECT_METHODS[measure] if m in _EXACT_RD)
    _checks.affordable(
        f"the effect's {len(k1):,} x {len(k2):,} candidate tables",
        size,
        MAX_EFFECT_TABLES,
        nbytes=1e3 * size,
        seconds=1.5e-3 * size + (EXACT_EFFECT_SECONDS if exact else 0.0),
        instead="give the denominators the percentages are of (outcomes.csv n)",
    )
    pairs = [
        ((int(a), int(b)), (int(c), int(d)))
        for a, b in zip(k1, n1, strict=True)
        for c, d in zip(k2, n2, strict=True)
    ]
    printed = (measure, row.reported_effect, row.effect_ci_low, row.effect_ci_high)
    note, complete = "", True
    refused = [set() for _ in pairs]  # methods that refused a table as too costly (never compared)

    def closest(i, methods):
        m = closest_effect(*pairs[i][0], *pairs[i][1], *printed, scale=scale, level=level, methods=methods)
        refused[i].update(methods if m is None else m.refused)
        return m

    all_methods = proportions.EFFECT_METHODS[measure]
    factor = 100.0 if scale == "percentage-points" else 1.0
    x1, m1, x2, m2 = (np.array([p[i][j] for p in pairs], dtype=float) for i in (0, 1) for j in (0, 1))
    # Tables on which some method could reproduce the printed numbers: for a difference, those whose
    # p1 - p2 prints as the printed one (every risk-difference method has that point estimate).
    fits = (
        distance(parse_printed(row.reported_effect), factor * (x1 / m1 - x2 / m2)) == 0
        if measure == "rd"
        else np.ones(size, dtype=bool)
    )
    if not exact or size <= EXACT_EFFECT_NEAREST:
        matches = [closest(i, all_methods) for i in range(size)]
    else:
        others = tuple(m for m in all_methods if m not in exact)
        matches = [closest(i, others) for i in range(size)]
        d = np.array([np.inf if m is None else m.distance for m in matches])
        if not (d == 0).any():
            order = np.argsort(d, kind="stable")
            chosen = order[fits[order]] if fits.any() else order[:EXACT_EFFECT_NEAREST]
            cost = np.cumsum([_exact_rd_seconds(pairs[i][0][1], pairs[i][1][1], exact) for i in chosen])
            chosen = chosen[: max(1, int(np.searchsorted(cost, EXACT_EFFECT_SECONDS, side="right")))]
            for i in chosen:
                m = closest(i, exact)
                if m is not None and (matches[i] is None or m.distance < matches[i].distance):
                    matches[i] = m
            complete = len(chosen) == int(fits.sum()) or not fits.any()
            if len(chosen) < (int(fits.sum()) if fits.any() else size):
                which = (
                    f"{len(chosen)} of the {int(fits.sum()):,} candidate tables whose difference prints as the "
                    "printed one"
                    if fits.any()
                    else f"{len(chosen)} of {size:,} candidate tables (none gives the printed difference)"
                )
                note = (
                    f" (the exact {' and '.join(exact)} intervals were run on the {which}, nearest first "
                    "under the other methods)"
                )
    best = None
    for match, (c1, c2) in zip(matches, pairs, strict=True):
        if match is not None and (best is None or match.distance < best[0].distance):
            best = (match, c1, c2)
    blocked = [i for i in np.flatnonzero(fits) if refused[i]]
    if blocked and (best is None or best[0].distance > 0):
        # A method refused a table that could reproduce the printed numbers: not compared, so no claim.
        complete = False
        (a, b), (c, e) = pairs[blocked[0]]
        names = " and ".join(sorted(set().union(*(refused[i] for i in blocked))))
        if size == 1:
            where = f"{a}/{b} vs {c}/{e}"
        elif len(blocked) == 1:
            where = f"the candidate table {a}/{b} vs {c}/{e}"
        else:
            where = f"{len(blocked):,} candidate tables, e.g. {a}/{b} vs {c}/{e}"
        plural = "intervals were" if " and " in names else "interval was"
        note += f" (the {names} {plural} not computed on {where}: too large to compute here)"
    return best, note, complete


def _exact_rd_seconds(n1: int, n2: int, methods) -> float:
    """Estimated seconds of the exact intervals ``methods`` on one table (0.05 s of set-up, measured);
    a method that refuses the table as too large costs nothing."""
    cells = proportions._exact_rd_grid(n1, n2) * (n1 + n2 + 2)
    return 0.05 + sum(
        proportions._SECONDS_PER_EXACT_RD_CELL[m] * cells
        for m in methods
        if cells <= proportions.MAX_EXACT_RD_SIZE[m]
    )


def _audit_margin_pvalue(rec, row, g1, g2, assumed):
    """A non-inferiority p-value with its margin recorded: every asymptotic test against the margin
    (:func:`reanalysis.noninferiority.noninferiority_test`) on the counts. Reproduced when one prints
    as published; otherwise left unchecked, as exact tests against a margin are not tried."""
    from ..noninferiority import NONINFERIORITY_METHODS, noninferiority_test

    measure = row.effect_measure
    if measure not in NONINFERIORITY_METHODS:
        rec["explanation"] = (
            f"A non-inferiority p-value ({row.test_stated}); the audit recomputes tests against a margin for "
            f"a risk difference or a risk ratio, not for {'an' if measure in ('or', 'hr') else 'a'} "
            f"{str(measure).upper() if measure else 'comparison without an effect measure'}."
        )
        return
    groups = []
    for g in (g1, g2):
        k, n = _candidates(g)  # a percentage of a published n: the counts that print as it
        if len(k) != 1 or np.size(n) != 1:
            rec["explanation"] = (
                f"A non-inferiority p-value ({row.test_stated}); tests against a margin are recomputed on one "
                "table of counts, and an arm here fits several (a percentage without its count, or a count "
                "without its denominator)."
            )
            return
        groups.append((int(k[0]), int(np.ravel(n)[0])))
        assumed = assumed or not isinstance(g[0], (int, np.integer))
    g1, g2 = groups
    margin = parse_printed(row.margin).value
    if measure == "rd":
        unit, _ = rd_scale(
            row.reported_effect if row.reported_effect is not None else row.margin,
            row.effect_ci_low,
            row.effect_ci_high,
            row.effect_unit if not _missing(row.effect_unit) else None,
        )
        # A margin of 1 or more in size is no proportion: it is in points whatever the estimate and CI
        # suggest (a rare harm's difference of 0.1 points (-0.2 to 0.4) reads as a proportion).
        margin = margin / 100 if unit == "percentage-points" or abs(margin) >= 1 else margin
    (x1, n1), (x2, n2) = g1, g2
    results = [
        noninferiority_test(x1, n1, x2, n2, margin, measure=measure, method=m)
        for m in NONINFERIORITY_METHODS[measure]
    ]
    printed = parse_printed(row.reported_p, kind="pvalue")
    fits = [r for r in results if r.pvalue == r.pvalue and printed.contains(r.pvalue)]
    counts = f"{x1}/{n1} vs {x2}/{n2}"
    side = "above" if results[0].alternative == "larger" else "below"
    if fits:
        rec.update(
            verdict="reproduced-with-assumptions" if assumed else "reproduced",
            check="threshold" if printed.comparator in ("<", "<=") else "method",
            method=";".join(r.method for r in fits),
            computed=f"{fits[0].method} {counts}: {_fmt(fits[0].pvalue)}",
            explanation=f"The one-sided test that the {measure.upper()} lies {side} the margin {row.margin} by "
            f"{', '.join(r.method for r in fits)} on {counts} gives p = {_fmt(fits[0].pvalue)}, which prints "
            f"as published.",
        )
        return
    closest = min(
        (r for r in results if r.pvalue == r.pvalue),
        key=lambda r: abs(r.pvalue - printed.value),
        default=None,
    )
    rec.update(
        computed="" if closest is None else f"{closest.method} {counts}: {_fmt(closest.pvalue)}",
        explanation=f"None of the asymptotic one-sided tests that the {measure.upper()} lies {side} the margin "
        f"{row.margin} ({', '.join(NONINFERIORITY_METHODS[measure])}) on {counts} gives p = {printed.text}"
        + ("" if closest is None else f" (closest: {closest.method}, p = {_fmt(closest.pvalue)})")
        + "; exact tests against a margin are not tried, so this is not shown to be an error.",
    )


#: A p-value of a test against a margin (the stated test says non-inferiority or equivalence): the
#: audit's tests and the p a CI implies are of no difference, so they cannot reproduce it. Calling it
#: not reproducible, or "a gross inconsistency" with its CI, would flag a correct trial report.
_MARGIN_P = (
    "The stated test ({stated}) is against a non-inferiority or equivalence margin, usually one-sided, "
    "and {what} of no difference, so it is not expected to give this p-value{tail}."
)


def _audit_effect_p(out, base, row, reported: str | None = None):
    level = (row.effect_ci_level if not pd.isna(row.effect_ci_level) else 95.0) / 100
    measure = row.effect_measure
    scale = "ratio" if measure in ("or", "rr", "hr") else "difference"
    points = ""
    if measure == "rd":
        rd_unit, _ = rd_scale(
            row.reported_effect,
            row.effect_ci_low,
            row.effect_ci_high,
            row.effect_unit if not _missing(row.effect_unit) else None,
        )
        points = " points" if rd_unit == "percentage-points" else ""
    base = dict(
        base,
        reported=reported
        or f"{measure.upper()} {row.reported_effect}{points} ({_span(row.effect_ci_low, row.effect_ci_high)}), p {_after_p(row.reported_p)}",
    )
    if MARGIN_STATED.search(str(row.test_stated or "")):
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            explanation=_MARGIN_P.format(
                stated=row.test_stated,
                what="the p-value the CI implies is that",
                tail="; the p-value row checks it against the margin when the evidence folder records one",
            ),
        )
        return
    if ONE_SIDED.search(str(row.test_stated or "")):
        # data/README promises it: a one-sided p (half the two-sided one) beside a CI that implies
        # the two-sided p was called "inconsistent", and its number did not hold up.
        out.add(
            base,
            verdict="not-checkable",
            check="unchecked",
            explanation=f"The stated test is one-sided ({row.test_stated}) and the p-value the CI implies is "
            "two-sided, so they are not expected to agree.",
        )
        return
    try:
        res = ratio_consistency(
            row.reported_effect, row.effect_ci_low, row.effect_ci_high, row.reported_p, level, scale=scale
        )
    except NoImpliedPError as err:  # not contradictory: a zero or infinite ratio, or beyond double precision
        out.add(base, verdict="not-checkable", check="unchecked", explanation=f"Not checked: {err}.")
        return
    except ValueError as err:
        out.add(base, verdict="inconsistent", check="consistency", explanation=f"{err}.")
        return
    how = "log-scale" if scale == "ratio" else "normal"
    rec = out.add(
        base,
        verdict="consistent" if res.consistent else "inconsistent",
        check="consistency",
        method=f"{how} Wald p from the CI (Altman & Bland 2011)",
        computed=f"p = {_fmt(res.p_central)}",
        explanation=res.explanation,
    )
    if res.another_test:
        # settled by _reconcile_effect_p once the p-value and effect rows have their verdicts
        rec[_TEST_GAP] = res.centred


#: Private mark on an effect-p row whose gap a different test explains (dropped from the audit table).
_TEST_GAP = "_test_gap"


def _reconcile_effect_p(rows: list[dict]) -> None:
    """An effect's CI and its printed p that differ only as two methods do are consistent.

    When the p-value row of the same comparison is reproduced from the published counts by a named
    test (Fisher's exact test beside a Wald interval, the commonest pairing in trial reports), the
    gap between the printed p and the p the CI implies is the gap between that test and the Wald
    interval, and both printed numbers are right: the effect-p row is ``consistent``, with the test
    named. A p-value the published counts do not reproduce (or reproduce only on counts inferred
    from percentages) keeps the ``inconsistent`` verdict.
    """
    reproduced = {}
    for r in rows:
        # "reproduced" only: a p reproduced with assumptions fits some of many candidate tables (268 of
        # 2,700 for percentages without denominators), perhaps none that the printed CI fits, and the
        # effect-p check is then what catches a p the CI contradicts (0.006 beside a CI implying 0.017).
        if r["kind"] == "pvalue" and r["check"] == "method" and r["verdict"] == "reproduced":
            key = (r["study_id"], r["endpoint"], r["timepoint"], r["arm"], _after_p(r["reported"]))
            reproduced.setdefault(key, r)
    # effects whose CI some method on the counts gives
    effects = {
        (r["study_id"], r["endpoint"], r["timepoint"], r["arm"], str(r["reported"]))
        for r in rows
        if r["kind"] == "effect" and r["verdict"] in ("reproduced", "reproduced-with-assumptions")
    }
    for r in rows:
        centred = r.pop(_TEST_GAP, None)
        if centred is None:
            continue
        where = (r["study_id"], r["endpoint"], r["timepoint"], r["arm"])
        printed_p = _after_p(str(r["reported"]).rsplit(", p ", 1)[-1])
        match = reproduced.get((*where, printed_p))
        if match is None:
            continue
        test = str(match["method"]).split(";")[0]
        effect = str(r["reported"]).rsplit(", p ", 1)[0]  # "OR 0.73 (0.54-1.13)", as its effect row
        if not centred and (*where, effect) not in effects:
            # The gap between two tests explains a p beside a Wald interval; an interval off its own
            # estimate's centre that no method on the counts gives is itself in doubt (outside user,
            # ASTER: OR 0.73 (0.54-1.13), P .16, whose lower bound alone implies p = 0.04).
            r["explanation"] = (
                r["explanation"].rstrip(".")
                + f"; the p-value itself is reproduced from the counts by {test}, but this interval is not "
                "centred on its estimate and no method on the counts gives it, so a bound is more likely "
                "misprinted than the p."
            )
            continue
        r["verdict"] = "consistent"
        r["explanation"] = (
            r["explanation"].rstrip(".")
            + f"; the p-value itself is reproduced from the counts by {test}, so "
            "the gap is that test's distance from the Wald interval, not an error."
        )


# --------------------------------------------------------------------------------------------
# Time-to-event summaries
# --------------------------------------------------------------------------------------------
_ORDER = ("min", "q1", "median", "q3", "max")


def _audit_time_to_event(tte: pd.DataFrame, out: _Rows) -> None:
    """Medians and rates with CIs (ordering), min/q1/median/q3/max groups (ordering), the rest listed."""
    covered: set[int] = set()
    for pos, row in enumerate(tte.itertuples(index=False)):
        if row.ci_low is None or row.statistic not in ("median", "rate_at"):
            continue
        covered.add(pos)
        kind = "median-ci" if row.statistic == "median" else "rate-ci"
        base = dict(
            study_id=row.study_id,
            endpoint=row.quantity,
            timepoint=_at(row),
            arm=row.arm_id,
            kind=kind,
            reported=f"{row.value} ({row.ci_low}-{row.ci_high}) {row.unit}",
            source=row.source_location,
        )
        if all(parse_printed(v, allow_nr=True).not_reached for v in (row.value, row.ci_low, row.ci_high)):
            out.add(
                base,
                verdict="not-checkable",
                check="unchecked",
                explanation="Not reached, with bounds not estimable: there is nothing to check.",
            )
            continue
        res = interval_order(
            row.value, row.ci_low, row.ci_high, kind="percent" if row.unit == "percent" else "number"
        )
        out.add(
            base,
            verdict="consistent" if res.consistent else "inconsistent",
            check="consistency",
            method="ordering",
            explanation=res.explanation,
        )
    keys = ["study_id", "arm_id", "quantity", "unit"]
    positions = pd.Series(range(len(tte)), index=tte.index)
    ordered = tte[tte.statistic.isin(_ORDER)]
    for key, group in ordered.groupby(keys, sort=False, dropna=False):
        if len(group) < 2:
            continue
        covered.update(int(positions[i]) for i in group.index)
        stats_ = {r.statistic: r for r in group.itertuples(index=False)}
        present = [s for s in _ORDER if s in stats_]
        values = [parse_printed(stats_[s].value, allow_nr=True) for s in present]
        ok = all(a.low <= b.high for a, b in zip(values, values[1:], strict=False))
        shown = ", ".join(f"{s} {stats_[s].value}" for s in present)
        base = dict(
            study_id=key[0],
            endpoint=key[2],
            timepoint="",
            arm=key[1],
            kind="summary",
            reported=f"{shown} {key[3]}",
            source=stats_[present[0]].source_location,
        )
        out.add(
            base,
            verdict="consistent" if ok else "inconsistent",
            check="consistency",
            method="ordering",
            explanation=(
                f"{' <= '.join(present)} holds." if ok else f"The summaries are out of order: {shown}."
            ),
        )
    for pos, row in enumerate(tte.itertuples(index=False)):
        if pos in covered:
            continue
        kind = {"median": "median", "rate_at": "rate"}.get(row.statistic, row.statistic)
        out.add(
            dict(
                study_id=row.study_id,
                endpoint=row.quantity,
                timepoint=_at(row),
                arm=row.arm_id,
                kind=kind,
                reported=f"{row.value} {row.unit}",
                source=row.source_location,
            ),
            verdict="not-checkable",
            check="unchecked",
            explanation="A single published value with no CI or companion statistic to check it against.",
        )


def _at(row) -> str:
    return f"at {row.at_time:g} {row.at_time_unit}" if not pd.isna(row.at_time) else ""
