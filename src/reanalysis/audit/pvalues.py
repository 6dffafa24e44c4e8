"""Which counts and which test reproduce a published two-group p-value."""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import _checks, proportions
from ..printed import parse_printed
from .counts import contains, count_candidates, distance

#: Largest number of candidate tables x tests :func:`explain_pvalue` evaluates in one call.
MAX_EVALUATIONS = 5_000_000


def pvalue_consistent(reported, computed: float) -> bool:
    """Whether a computed p-value is consistent with the printed one.

    "0.494" accepts [0.4935, 0.4945]; "<0.001" accepts p < 0.001; "NS" accepts p > 0.05;
    scientific notation uses its own last digit (statcheck's rule: Nuijten et al., Behav Res
    Methods 2016). ``computed`` must be a probability in [0, 1].
    """
    printed = parse_printed(reported, kind="pvalue")
    p = _checks.probability(computed, "computed", open_interval=False)
    return printed.contains(p)


def group_candidates(group, truncated: bool = False, name: str = "group") -> tuple[np.ndarray, np.ndarray]:
    """(counts, ns) arrays for a group given as counts or as a printed percentage.

    A group is ``(count, n)`` for published counts, or ``(printed_percent, n)`` where ``n`` is
    one whole number, a ``(low, high)`` pair (tuple or list, both ends included) or a
    ``range`` / set / array of candidate denominators.
    """
    if isinstance(group, (str, bytes)) or not isinstance(group, (tuple, list)) or len(group) != 2:
        raise ValueError(f"{name} is (count, n) or (printed percent, n or (low, high)), got {group!r}")
    first, second = group
    if isinstance(first, str):
        if isinstance(second, (tuple, list)):
            k, n = count_candidates(first, n_range=second, truncated=truncated)
        else:
            k, n = count_candidates(first, n=second, truncated=truncated)
        return k, n
    if isinstance(first, numbers.Real) and not isinstance(first, bool):
        x, n = _checks.count_and_total(first, second, f"{name} count", f"{name} n")
        return np.array([x]), np.array([n])
    if isinstance(first, Iterable):
        raise ValueError(
            f"{name}: the first element is a count or a printed percentage string, got {first!r}"
        )
    raise ValueError(f"{name} is (count, n) or (printed percent, n or (low, high)), got {group!r}")


def pvalues_for(tables: np.ndarray, method: str) -> np.ndarray:
    """Two-sided p-values of ``method`` for an (m, 4) array of tables (x1, n1, x2, n2)."""
    if len(tables) == 0:
        return np.empty(0)
    return np.asarray(
        proportions.compare_many(tables[:, 0], tables[:, 1], tables[:, 2], tables[:, 3], method=method)
    )


def explain_pvalue(reported, group1, group2, methods=None, truncated: bool = False) -> pd.DataFrame:
    """Every candidate table and test for a published two-group p-value, best first.

    Parameters
    ----------
    reported : str
        The printed p-value ("0.494", "<0.001", "NS").
    group1, group2 : tuple
        ``(count, n)`` for exact counts, or ``(printed_percent, n)`` where n is one whole number,
        a ``(low, high)`` pair or a range/set of candidate denominators (see
        :func:`group_candidates`).
    methods : list of str, optional
        Tests of :func:`~reanalysis.proportions.compare_proportions` (default: all).
    truncated : bool
        Read printed percentages as truncated rather than rounded (65.67 printed as 65.6).

    Returns
    -------
    DataFrame with columns count1, n1, count2, n2, method, pvalue, consistent, distance; sorted
    with consistent candidates first, then by distance from the printed interval. An empty frame
    means no count fits a printed percentage (:func:`explain_pvalue_summary` says which).
    """
    printed = parse_printed(reported, kind="pvalue")
    methods = list(proportions.TEST_METHODS) if methods is None else list(methods)
    if not methods:
        raise ValueError("methods must name at least one test")
    for m in methods:
        _checks.choice(m, "methods", proportions.TEST_METHODS)
    k1, n1 = group_candidates(group1, truncated, "group1")
    k2, n2 = group_candidates(group2, truncated, "group2")
    total = len(k1) * len(k2) * len(methods)
    if total > MAX_EVALUATIONS:
        raise ValueError(
            f"{len(k1):,} x {len(k2):,} candidate tables x {len(methods)} tests = {total:,} evaluations "
            f"(limit {MAX_EVALUATIONS:,}): narrow the n ranges or choose fewer methods"
        )
    i1, i2 = np.meshgrid(np.arange(len(k1)), np.arange(len(k2)), indexing="ij")
    i1, i2 = i1.ravel(), i2.ravel()
    tables = np.column_stack([k1[i1], n1[i1], k2[i2], n2[i2]]).astype(np.int64)
    frames = []
    for order, m in enumerate(methods):
        p = pvalues_for(tables, m)
        frames.append(
            pd.DataFrame(
                {
                    "count1": tables[:, 0],
                    "n1": tables[:, 1],
                    "count2": tables[:, 2],
                    "n2": tables[:, 3],
                    "method": m,
                    "pvalue": p,
                    "consistent": contains(printed, p),
                    "distance": distance(printed, p),
                    "_order": order,
                }
            )
        )
    columns = ["count1", "n1", "count2", "n2", "method", "pvalue", "consistent", "distance"]
    if not frames or len(tables) == 0:
        return _typed_empty()
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.sort_values(
        ["consistent", "distance", "n1", "n2", "count1", "count2", "_order"],
        ascending=[False, True, False, False, True, True, True],
        kind="mergesort",
    )
    return frame[columns].reset_index(drop=True)


def _typed_empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "count1": pd.Series(dtype="int64"),
            "n1": pd.Series(dtype="int64"),
            "count2": pd.Series(dtype="int64"),
            "n2": pd.Series(dtype="int64"),
            "method": pd.Series(dtype="object"),
            "pvalue": pd.Series(dtype="float64"),
            "consistent": pd.Series(dtype="bool"),
            "distance": pd.Series(dtype="float64"),
        }
    )


def no_fit_reason(group1, group2, truncated: bool = False) -> str | None:
    """A sentence saying which printed percentage no count fits, or None when both have candidates."""
    reasons = []
    for name, group in (("group 1", group1), ("group 2", group2)):
        k, _ = group_candidates(group, truncated, name)
        if len(k) == 0:
            pct, n = group
            where = f"n = {n}" if not isinstance(n, (tuple, list)) else f"n in {n[0]}-{n[1]}"
            reasons.append(f"no count with {where} prints as {pct}% ({name})")
    return "; ".join(reasons) or None


def contingency_pvalue(table, correction: bool = False):
    """Pearson chi-square test of independence for an r x c table of counts (scipy).

    For reading published p-values that come from something other than a two-group test of one
    binary endpoint, e.g. response categories (CR / PR / NR) by arm. ``correction`` applies
    Yates' correction, which scipy (like R) uses only for 2 x 2 tables.
    """
    from scipy import stats

    from .._results import Result  # noqa: F401

    arr = np.asarray(table)
    if arr.ndim != 2 or min(arr.shape) < 2 or np.any(arr < 0) or np.any(arr != np.round(arr)):
        raise ValueError(
            f"table must be a 2-D array of non-negative integer counts with at least 2 x 2 cells, got {table!r}"
        )
    res = stats.chi2_contingency(arr, correction=correction)
    return _ContingencyTest(float(res.statistic), float(res.pvalue), int(res.dof), bool(correction))


from dataclasses import dataclass as _dataclass  # noqa: E402

from .._results import Result as _Result  # noqa: E402


@_dataclass(frozen=True)
class _ContingencyTest(_Result):
    statistic: float
    pvalue: float
    dof: int
    correction: bool
