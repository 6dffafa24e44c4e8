"""Published p-values of comparisons beyond two groups: k ordered arms, r x c categories, strata.

A comparison row of an evidence folder says which: ``other_arms`` (k groups, in order: trend tests
apply), ``categories`` (mutually exclusive endpoints: an arms x categories table) or
``stratified_by`` (outcome rows with a ``stratum``: one 2 x 2 per stratum, CMH). Candidate tables
are built from the published (or, with an assumption, percentage-consistent) counts and every
applicable test of :mod:`reanalysis.contingency` is tried on all candidates at once.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from .. import contingency
from ..printed import format_value, parse_printed
from .counts import contains, count_candidates, distance, fitting_denominators

#: Most candidate tables one comparison may expand to (the product of every cell's candidates).
MAX_TABLES = 20_000
#: Exact tests (Fisher-Freeman-Halton, exact trend, exact CMH) are run on at most this many
#: candidate tables of one comparison; beyond it only the asymptotic tests are tried.
MAX_EXACT_TABLES = 60

RXC = ("chi2", "g-test", "fisher-freeman-halton")
TREND = ("cochran-armitage", "linear-by-linear", "cochran-armitage-exact")
STRATIFIED = ("cmh-cc", "cmh", "cmh-exact")
_EXACT = {"fisher-freeman-halton", "cochran-armitage-exact", "cmh-exact"}


def split(value) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return [v.strip() for v in str(value).split(";") if v.strip()]


def cell_candidates(o) -> tuple[list[tuple[int, int]], bool] | tuple[None, str]:
    """(candidate (count, n) pairs, assumed) for an outcome row, or (None, why)."""
    if o is None:
        return None, "no outcome row"
    if not pd.isna(o.responders) and not pd.isna(o.n):
        return [(int(o.responders), int(o.n))], False
    if o.reported_percent is not None and not pd.isna(o.n):
        k, n = count_candidates(o.reported_percent, n=int(o.n))
        return list(zip(k.tolist(), n.tolist(), strict=True)), True
    if not pd.isna(o.responders) and o.reported_percent is not None:
        # a count printed without its denominator: the denominators where it prints as its percentage
        ns, _, why = fitting_denominators(int(o.responders), o.reported_percent)
        if ns is None:
            return None, f"a count without its denominator ({why})"
        if not ns.size:
            return None, f"the count {int(o.responders)} prints as {o.reported_percent}% for no denominator"
        return [(int(o.responders), int(n)) for n in ns], True
    if not pd.isna(o.derived_responders):
        return [(int(o.derived_responders), int(o.derived_n))], True
    if not pd.isna(o.responders):
        return None, "no denominator (a count without its denominator or percentage)"
    return None, "no counts (a percentage without its denominator)"


class MultiTask:
    """Candidate tables of one comparison and the tests that apply to them."""

    def __init__(
        self,
        kind: str,
        tables: np.ndarray,
        methods: tuple[str, ...],
        assumed: bool,
        labels: list[str],
        options: dict | None = None,
    ):
        self.kind, self.tables, self.methods, self.assumed, self.labels = (
            kind,
            tables,
            methods,
            assumed,
            labels,
        )
        self.options = options or {}


def build(row, outcomes: dict, get) -> MultiTask | str:
    """The candidate tables of a k-group, categories or stratified comparison (or why there are none).

    ``get(study, arm, endpoint, unit, value, stratum)`` returns an outcomes row or None.
    """
    value = None if pd.isna(row.timepoint_value) else float(row.timepoint_value)
    arms = [row.arm_a, row.arm_b, *split(row.other_arms)]
    if not (isinstance(row.stratified_by, float) or row.stratified_by is None):
        strata = [
            s
            for (sid, arm, ep, unit, v, s) in outcomes
            if sid == row.study_id
            and arm == row.arm_a
            and ep == row.endpoint
            and unit == row.timepoint_unit
            and v == value
            and s is not None
        ]
        strata = list(dict.fromkeys(strata))
        if not strata:
            return "no outcome rows with a stratum for this comparison"
        cells, assumed = [], False
        for s in strata:
            for arm in (row.arm_a, row.arm_b):
                found, why = cell_candidates(
                    get(row.study_id, arm, row.endpoint, row.timepoint_unit, value, s)
                )
                if found is None:
                    return f"stratum {s!r}, arm {arm}: {why}"
                cells.append(found)
                assumed |= why
        tables = _product(cells)
        if isinstance(tables, str):
            return tables
        # (m, K * 2 cells, 2) -> (m, K, 2, 2) of [[x1, n1 - x1], [x2, n2 - x2]]
        x, n = tables[..., 0], tables[..., 1]
        arr = np.stack([x, n - x], axis=-1).reshape(len(tables), len(strata), 2, 2)
        return MultiTask("stratified", arr, STRATIFIED, assumed, strata)
    cats = split(row.categories)
    if cats:
        cells, assumed = [], False
        for arm in arms:
            for cat in cats:
                found, why = cell_candidates(get(row.study_id, arm, cat, row.timepoint_unit, value, None))
                if found is None:
                    return f"arm {arm}, category {cat}: {why}"
                cells.append(found)
                assumed |= why
        tables = _product(cells)
        if isinstance(tables, str):
            return tables
        counts = tables[..., 0].reshape(len(tables), len(arms), len(cats))
        totals = tables[..., 1].reshape(len(tables), len(arms), len(cats))
        # The categories must partition each arm: every cell's denominator is the arm's n.
        keep = (totals == totals[..., :1]).all(axis=-1).all(axis=-1)
        exhaustive = counts.sum(axis=-1) == totals[..., 0]
        if not keep.any():
            return "the category rows of an arm have different denominators"
        counts, totals, exhaustive = counts[keep], totals[keep], exhaustive[keep]
        if exhaustive.all():
            return MultiTask("rxc", counts, RXC, assumed, arms)
        # Categories not exhaustive: the rest of each arm is one more category.
        rest = totals[..., 0] - counts.sum(axis=-1)
        if (rest < 0).any():
            return "the categories of an arm add up to more than its patients"
        return MultiTask("rxc", np.concatenate([counts, rest[..., None]], axis=-1), RXC, assumed, arms)
    cells, assumed = [], False
    for arm in arms:
        found, why = cell_candidates(get(row.study_id, arm, row.endpoint, row.timepoint_unit, value, None))
        if found is None:
            return f"arm {arm}: {why}"
        cells.append(found)
        assumed |= why
    tables = _product(cells)
    if isinstance(tables, str):
        return tables
    x, n = tables[..., 0], tables[..., 1]
    arr = np.stack([x, n - x], axis=-1)  # (m, k, 2)
    return MultiTask("groups", arr, RXC + TREND, assumed, arms)


def _product(cells: list[list[tuple[int, int]]]) -> np.ndarray | str:
    size = math.prod(len(c) for c in cells)
    if size == 0:
        return "no count fits a printed percentage"
    if size > MAX_TABLES:
        return (
            f"{size:,} candidate tables (limit {MAX_TABLES:,}): publish the counts or narrow the denominators"
        )
    return np.array(list(itertools.product(*cells)), dtype=np.int64)  # (m, cells, 2)


def evaluate(task: MultiTask) -> tuple[np.ndarray, list[str]]:
    """p-values (m, methods) of every applicable test on every candidate table (NaN = not run)."""
    m = len(task.tables)
    out = np.full((m, len(task.methods)), np.nan)
    for j, method in enumerate(task.methods):
        if method in _EXACT and m > MAX_EXACT_TABLES:
            continue
        try:
            out[:, j] = contingency.table_pvalues(task.tables, method)
        except ValueError:  # refused as too large, or a degenerate candidate: the other tests still count
            for i in range(m):
                try:
                    out[i, j] = contingency.table_pvalue(task.tables[i], method)
                except ValueError:
                    pass
    return out, list(task.methods)


def verdict(task: MultiTask, reported: str) -> dict:
    """The audit fields (verdict, check, method, computed, explanation) for a printed p-value."""
    printed = parse_printed(reported, kind="pvalue")
    pvals, methods = evaluate(task)
    ok = contains(printed, pvals.ravel()).reshape(pvals.shape)
    dist = distance(printed, pvals.ravel()).reshape(pvals.shape)
    shape = {
        "stratified": f"{task.tables.shape[1]} strata",
        "rxc": "x".join(map(str, task.tables.shape[1:])),
        "groups": f"{task.tables.shape[1]} groups",
    }[task.kind]
    what = {"stratified": "stratified 2x2 tables", "rxc": f"the {shape} table", "groups": f"the {shape}"}[
        task.kind
    ]
    if ok.any():
        i = int(np.flatnonzero(ok.any(axis=1))[0])
        j = int(np.flatnonzero(ok[i])[0])
        found = [m for jj, m in enumerate(methods) if ok[:, jj].any()]
        return dict(
            verdict="reproduced-with-assumptions" if task.assumed else "reproduced",
            check="method" if printed.exact else "threshold",
            method=";".join(found),
            computed=f"{pvals[i, j]:.6g}",
            explanation=f"{methods[j]} on {what} {_show(task, i)} gives p = {_fmt(pvals[i, j])}"
            + (
                " (counts, or the denominators of printed counts, inferred from percentages)"
                if task.assumed
                else ""
            )
            + ".",
        )
    if np.isnan(dist).all():
        return dict(
            verdict="not-checkable",
            check="unchecked",
            explanation=f"No test could be run on {what} (too large or degenerate).",
        )
    i, j = np.unravel_index(int(np.nanargmin(np.where(np.isnan(dist), np.inf, dist))), dist.shape)
    return dict(
        verdict="not-reproducible",
        check="method" if printed.exact else "threshold",
        computed=f"{methods[j]}: {_fmt(pvals[i, j])}",
        explanation=f"None of {len([c for c in range(len(methods)) if not np.isnan(pvals[:, c]).all()])} tests on "
        f"{len(task.tables)} candidate table(s) gives p = {printed.text}; closest is {methods[j]} on {what} "
        f"{_show(task, i)} (p = {_fmt(pvals[i, j])}).",
    )


def _show(task: MultiTask, i: int) -> str:
    t = task.tables[i]
    if task.kind == "stratified":
        return (
            "("
            + "; ".join(
                f"{s}: {a[0][0]}/{a[0].sum()} vs {a[1][0]}/{a[1].sum()}"
                for s, a in zip(task.labels, t, strict=True)
            )
            + ")"
        )
    if task.kind == "groups":
        return "(" + ", ".join(f"{x}/{x + y}" for x, y in t) + ")"
    return "[" + "; ".join(" ".join(str(v) for v in r) for r in t) + "]"


def _fmt(x: float) -> str:
    return format_value(x)


def mh_odds_ratio(task: MultiTask, level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mantel-Haenszel OR with its Robins-Breslow-Greenland CI for every candidate set of strata."""
    _, _, est, low, high = contingency.cmh_many(task.tables, "cmh", level)
    return np.asarray(est), np.asarray(low), np.asarray(high)


def explain_table_pvalue(reported, *, groups=None, table=None, strata=None, methods=None) -> pd.DataFrame:
    """Every candidate table and contingency test for a published p-value beyond two groups, best first.

    Give exactly one of:

    groups : list of group specs (k >= 2, in order for the trend tests)
        Each ``(count, n)`` or ``(printed_percent, n or (low, high))`` as in
        :func:`~reanalysis.audit.explain_pvalue`; tried with the r x 2 and trend tests.
    table : 2-D array of counts
        An r x c table (e.g. arms by CR / PR / NR); tried with chi-square, G and
        Fisher-Freeman-Halton.
    strata : list of ((x1, n1), (x2, n2)), one per stratum
        Stratified 2 x 2 tables; tried with CMH (with and without correction) and exact CMH.

    Returns
    -------
    DataFrame with columns table (the candidate, as text), method, pvalue, consistent, distance.
    """
    from .pvalues import group_candidates

    given = [g is not None for g in (groups, table, strata)]
    if sum(given) != 1:
        raise ValueError("give exactly one of groups, table or strata")
    if groups is not None:
        if isinstance(groups, (str, bytes)) or len(groups) < 2:
            raise ValueError("groups must list at least two groups")
        cells = []
        for i, g in enumerate(groups):
            k, n = group_candidates(g, name=f"group {i + 1}")
            cells.append(list(zip(k.tolist(), n.tolist(), strict=True)))
        tables_ = _product(cells)
        if isinstance(tables_, str):
            raise ValueError(tables_)
        x, n = tables_[..., 0], tables_[..., 1]
        task = MultiTask("groups", np.stack([x, n - x], axis=-1), RXC + TREND, False, [])
    elif table is not None:
        arr = contingency._rxc_table(table)
        task = MultiTask("rxc", arr[None], RXC, False, [])
    else:
        if isinstance(strata, (str, bytes)) or len(strata) < 1:
            raise ValueError("strata must list at least one stratum as ((x1, n1), (x2, n2))")
        rows = []
        for i, s in enumerate(strata):
            try:
                (x1, n1), (x2, n2) = s
            except (TypeError, ValueError):
                raise ValueError(f"stratum {i + 1} must be ((x1, n1), (x2, n2)), got {s!r}") from None
            from .. import _checks

            x1, n1 = _checks.count_and_total(x1, n1, f"stratum {i + 1} x1", f"stratum {i + 1} n1")
            x2, n2 = _checks.count_and_total(x2, n2, f"stratum {i + 1} x2", f"stratum {i + 1} n2")
            rows.append([[x1, n1 - x1], [x2, n2 - x2]])
        task = MultiTask(
            "stratified",
            np.array([rows], dtype=np.int64),
            STRATIFIED,
            False,
            [f"stratum {i + 1}" for i in range(len(rows))],
        )
    if methods is not None:
        methods = tuple(methods)
        for m in methods:
            if m not in task.methods:
                raise ValueError(f"methods must be among {', '.join(task.methods)}; got {m!r}")
        task.methods = methods
    printed = parse_printed(reported, kind="pvalue")
    pvals, names = evaluate(task)
    records = []
    for i in range(len(task.tables)):
        shown = _show(task, i)
        for j, m in enumerate(names):
            p = pvals[i, j]
            if np.isnan(p):
                continue
            records.append((shown, m, float(p), bool(printed.contains(p)), float(printed.distance(p))))
    frame = pd.DataFrame(records, columns=["table", "method", "pvalue", "consistent", "distance"])
    return frame.sort_values(
        ["consistent", "distance"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)
