"""Contingency tables beyond one 2 x 2: r x c tables, trend across ordered groups, stratified 2 x 2s.

Three families, each choosing a named method with ``method=``:

- :func:`independence_test` — an r x c table of counts (mutually exclusive categories by group):
  Pearson chi-square, likelihood-ratio G, the Fisher-Freeman-Halton exact test (exact network
  enumeration, or Monte Carlo with a seed);
- :func:`trend_test` — responders out of patients in k ordered groups (e.g. dose cohorts):
  Cochran-Armitage chi-square for trend as R ``prop.trend.test``, the (N-1)/N linear-by-linear
  variant that SPSS and SAS print, and the exact conditional version;
- :func:`cmh_test` and :func:`homogeneity_test` — K stratified 2 x 2 tables: Cochran-Mantel-
  Haenszel test with or without continuity correction, Mantel-Haenszel common odds ratio with the
  Robins-Breslow-Greenland interval, the exact conditional test, and Breslow-Day (Tarone).

For the audit's candidate search, :func:`table_pvalue` / :func:`table_pvalues` dispatch on one
method name from :data:`TABLE_METHODS` (``table_pvalues`` is vectorised over a leading axis of
candidate tables), and :func:`trend_test_many` / :func:`cmh_many` evaluate many tables at once.

Table layouts
-------------
- r x c (``kind "rxc"``): a 2-D array, rows = groups, columns = categories (or the transpose: the
  tests are symmetric).
- trend (``kind "trend"``) in :func:`table_pvalue`: a (k, 2) array, one row per ordered group
  ``[responders, non-responders]``; :func:`trend_test` takes ``count`` and ``nobs`` vectors.
- stratified (``kind "stratified"`` / ``"homogeneity"``): a (K, 2, 2) array, one 2 x 2 per
  stratum ``[[a, b], [c, d]]`` with rows = group 1, group 2 and columns = event, no event; the
  odds ratio is ``(a d) / (b c)``. R's ``mantelhaen.test`` and statsmodels' ``StratifiedTable``
  take the same tables as a 2 x 2 x K array: convert with ``np.moveaxis(x, -1, 0)``;
  :func:`strata_tables` builds the array from per-stratum counts.

Zero margins
------------
A printed table can have an empty category, which the software that produced the paper never saw
(a table built from patient records has no empty rows). The r x c tests therefore drop all-zero rows
and columns and say so in ``note`` (R's ``chisq.test`` returns NaN there; ``fisher.test``'s p is
unchanged by the drop). A table with fewer than two non-empty rows or columns carries no
information: statistic 0, p = 1, with a note. Stratified tables keep strata with a zero margin
(they add nothing to the CMH sums, as in R); when every stratum has one, p = 1 by convention with a
note (R returns NaN).

Speed
-----
Chi-square, G, trend and CMH statistics are closed forms evaluated on whole arrays of tables. The
exact Fisher-Freeman-Halton p-value uses a network algorithm in numpy (see
:func:`independence_test`): about 1 ms for a 2 x 3 table, 70 ms for a 3 x 3 with N = 150,
0.2 s for a 4 x 4 with N = 96 (R's C FEXACT: 1, 3 and 40 ms). Above :data:`FFH_MAX_EDGES` or
:data:`FFH_MAX_PATHS` it refuses with a one-line message naming the alternatives.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import numbers

import numpy as np
from scipy import optimize, special, stats

from . import _checks
from ._results import Result

RXC_METHODS = ("chi2", "g-test", "fisher-freeman-halton", "fisher-freeman-halton-mc")
TREND_METHODS = ("cochran-armitage", "linear-by-linear", "cochran-armitage-exact")
STRATIFIED_METHODS = ("cmh-cc", "cmh", "cmh-exact")
HOMOGENEITY_METHODS = ("breslow-day", "breslow-day-tarone")

#: Every method of :func:`table_pvalue`, mapped to the kind of table it takes (see
#: :data:`TABLE_KINDS`). The audit loops over these names.
TABLE_METHODS: dict[str, str] = {
    **{m: "rxc" for m in RXC_METHODS},
    **{m: "trend" for m in TREND_METHODS},
    **{m: "stratified" for m in STRATIFIED_METHODS},
    **{m: "homogeneity" for m in HOMOGENEITY_METHODS},
}
#: The table layout each kind expects in :func:`table_pvalue` / :func:`table_pvalues`.
TABLE_KINDS: dict[str, str] = {
    "rxc": "2-D (r, c) array of counts, r, c >= 2",
    "trend": "(k, 2) array: one row per ordered group, [responders, non-responders], k >= 2",
    "stratified": "(K, 2, 2) array: one 2x2 [[a, b], [c, d]] per stratum, K >= 1",
    "homogeneity": "(K, 2, 2) array: one 2x2 [[a, b], [c, d]] per stratum, K >= 2",
}

#: Largest exact Fisher-Freeman-Halton network attempted, in edges (one edge = one way to fill one
#: column from one node); about a microsecond each, so the limit is a few seconds of work. A
#: table whose up-front bound (``_ffh_work``, loose by up to ~200x) exceeds 200 times the limit is
#: refused before any work; otherwise the enumeration stops as soon as the count passes it.
FFH_MAX_EDGES = 5_000_000
#: Largest number of partial tables (distinct path values at a node) expanded over the whole
#: forward pass; about a microsecond each. Tables with a tiny p-value and many columns reach it
#: first (on the 2 x 10, N = 300 example tried, R's FEXACT failed too, "LDSTP too small", even
#: with workspace = 2e8).
FFH_MAX_PATHS = 10_000_000
_FFH_CHUNK = 2_000_000
# R's fisher.test: for a 2 x 2 table tables within a relative 1e-7 of the observed probability
# count as ties (relErr); for larger tables FEXACT adds tol = 3.45254e-7 to the observed log path
# length (fexact.c, f2xact), i.e. a relative tolerance of 3.45e-7. Both are reproduced.
_RELERR_2X2 = 1e-7
_FEXACT_TOL = 3.45254e-7
# Exact trend and exact CMH: largest number of partial states / convolution steps (~1 s).
_EXACT_MAX_STATES = 20_000_000
# Paths whose log values differ by less than this are merged (their futures are identical).
_MERGE_TOL = 1e-9


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class TableTest(Result):
    """A test on an r x c table, or of homogeneity across strata.

    ``statistic`` is the chi-square (``chi2``, Breslow-Day), G (``g-test``) or, for the Fisher-
    Freeman-Halton test, the probability of the observed table given its margins. ``dof`` is None
    for exact and Monte Carlo tests.
    """

    method: str
    statistic: float
    pvalue: float
    dof: int | None
    nobs: int
    shape: str
    note: str = ""


@dataclasses.dataclass(frozen=True)
class TrendTest(Result):
    """Test for a linear trend in proportions across ordered groups.

    ``statistic`` is the 1-df chi-square, ``z`` its signed square root (positive when the
    proportion rises with the score). ``scores`` holds the scores used.
    """

    method: str
    statistic: float
    z: float
    pvalue: float
    dof: int
    nobs: int
    groups: int
    note: str = ""
    scores: tuple = dataclasses.field(default=(), repr=False)


@dataclasses.dataclass(frozen=True)
class StratifiedTest(Result):
    """Cochran-Mantel-Haenszel test with the common odds ratio of K stratified 2 x 2 tables.

    ``estimate``/``low``/``high`` are the Mantel-Haenszel odds ratio and its Robins-Breslow-
    Greenland interval (``cmh``, ``cmh-cc``) or the conditional MLE and exact interval
    (``cmh-exact``), as R ``mantelhaen.test`` reports them; ``estimate_method`` says which.
    ``statistic`` is the MH chi-square, or for ``cmh-exact`` the sum of the a cells (R's ``S``).
    """

    method: str
    statistic: float
    pvalue: float
    dof: int | None
    estimate: float
    low: float
    high: float
    level: float
    estimate_method: str
    strata: int
    nobs: int
    note: str = ""

    @property
    def confidence_interval(self) -> tuple[float, float]:
        return (self.low, self.high)


# --------------------------------------------------------------------------------------------
# Input checks (one line each, naming the argument)
# --------------------------------------------------------------------------------------------
def _counts_array(value, name: str) -> np.ndarray:
    """Any-shape array of non-negative whole numbers, as int64."""
    if isinstance(value, (str, bytes)) or value is None:
        raise ValueError(f"{name} must be an array of non-negative integer counts, got {value!r}")
    try:
        arr = np.asarray(value)
    except ValueError:
        raise ValueError(f"{name} must be a rectangular array of counts; got a ragged nested list") from None
    if arr.dtype == object:
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} must be a rectangular array of counts; got ragged or non-numeric entries"
            ) from None
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise ValueError(f"{name} must contain non-negative integer counts, got dtype {arr.dtype}")
    if arr.size and np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr)
        if bad.any():
            at = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(f"{name} has a non-finite entry {arr[at].item()!r} at index {list(at)}")
        frac = arr != np.round(arr)
        if frac.any():
            at = tuple(int(i) for i in np.argwhere(frac)[0])
            raise ValueError(f"{name} has a non-integer count {arr[at].item()!r} at index {list(at)}")
    if arr.size and (arr < 0).any():
        at = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        raise ValueError(f"{name} has a negative count {arr[at].item()!r} at index {list(at)}")
    if arr.size and arr.max() > 2**40:
        raise ValueError(
            f"{name} has a count above 2^40 ({arr.max().item()!r}); counts must be patient numbers"
        )
    return arr.astype(np.int64)


def _rxc_table(table, name: str = "table") -> np.ndarray:
    arr = _counts_array(table, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (rows x columns) table, got an array of shape {arr.shape}")
    if arr.shape[0] < 2 or arr.shape[1] < 2:
        raise ValueError(f"{name} must have at least 2 rows and 2 columns, got shape {arr.shape}")
    if arr.sum() == 0:
        raise ValueError(f"{name} has no observations: every count is 0")
    return arr


def _strata(tables, name: str = "tables", min_strata: int = 1) -> np.ndarray:
    arr = _counts_array(tables, name)
    if arr.ndim == 2 and arr.shape == (2, 2):
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[1:] != (2, 2):
        hint = ""
        if arr.ndim == 3 and arr.shape[:2] == (2, 2):
            hint = " (R/statsmodels 2x2xK layout: pass np.moveaxis(x, -1, 0))"
        raise ValueError(f"{name} must have shape (K, 2, 2), one 2x2 per stratum; got {arr.shape}{hint}")
    if arr.shape[0] < min_strata:
        raise ValueError(f"{name} must hold at least {min_strata} stratum(s), got K = {arr.shape[0]}")
    n = arr.sum(axis=(1, 2))
    small = np.flatnonzero(n < 2)
    if small.size:
        k = int(small[0])
        raise ValueError(
            f"{name}[{k}] (stratum {k}) has n = {int(n[k])}; every stratum needs at least 2 patients "
            "(R's mantelhaen.test stops here too): drop or merge it"
        )
    return arr


def _trend_input(count, nobs, scores):
    x = _counts_array(count, "count")
    n = _counts_array(nobs, "nobs")
    if x.ndim != 1 or n.ndim != 1:
        raise ValueError(
            f"count and nobs must be 1-D (one entry per group), got shapes {x.shape} and {n.shape}"
        )
    if x.shape != n.shape:
        raise ValueError(f"count and nobs must have the same length, got {x.size} and {n.size}")
    if x.size < 2:
        raise ValueError(f"count must have at least 2 ordered groups, got {x.size}")
    zero = np.flatnonzero(n == 0)
    if zero.size:
        raise ValueError(f"nobs[{int(zero[0])}] is 0: every group needs at least 1 patient")
    over = np.flatnonzero(x > n)
    if over.size:
        i = int(over[0])
        raise ValueError(f"count[{i}] ({int(x[i])}) must not exceed nobs[{i}] ({int(n[i])})")
    s = _scores(scores, x.size)
    return x, n, s


def _scores(scores, k: int) -> np.ndarray:
    if scores is None:
        return np.arange(1.0, k + 1)
    try:
        s = np.asarray(scores, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"scores must be {k} finite numbers, got {str(scores)[:80]!r}") from None
    if s.shape != (k,):
        raise ValueError(f"scores must have one value per group ({k}), got shape {s.shape}")
    if not np.isfinite(s).all():
        raise ValueError(f"scores must be finite numbers, got {s.tolist()}")
    if np.ptp(s) == 0:
        raise ValueError(f"scores must not all be equal (no trend can be tested), got {s.tolist()}")
    return s


def _method(method, allowed) -> str:
    return _checks.choice(method, "method", allowed)


def _shape(arr) -> str:
    return "x".join(str(d) for d in arr.shape)


# --------------------------------------------------------------------------------------------
# r x c tables
# --------------------------------------------------------------------------------------------
def independence_test(
    table, method: str = "fisher-freeman-halton", *, n_resamples: int = 100_000, seed: int = 1
) -> TableTest:
    """Test of independence of rows and columns in an r x c table of counts.

    Parameters
    ----------
    table : array_like of int, shape (r, c)
        Counts, r, c >= 2 (e.g. rows = treatment arms, columns = mutually exclusive response
        categories). All-zero rows and columns are dropped with a note (see module docstring).
    method : str
        - ``"chi2"``: Pearson chi-square on (r-1)(c-1) df, no continuity correction (Pearson 1900;
          Agresti, *Categorical Data Analysis*, 3rd ed. 2013, sec. 3.2); ``scipy.stats.
          chi2_contingency(correction=False)``, as R ``chisq.test(correct=FALSE)``.
        - ``"g-test"``: likelihood-ratio chi-square ``G = 2 sum O log(O/E)`` on (r-1)(c-1) df
          (Wilks 1938; Woolf 1957; Agresti 2013 sec. 3.2.1); scipy ``lambda_="log-likelihood"``.
        - ``"fisher-freeman-halton"``: exact conditional test (Fisher 1935; Freeman & Halton,
          Biometrika 1951;38:141-9): given both margins, p is the total probability of the tables
          no more probable than the observed one, with R ``fisher.test``'s tie tolerance
          (relative 1e-7 on a 2 x 2 table; 3.45254e-7 on the log scale, FEXACT's ``tol``,
          otherwise). Computed by a network algorithm (Mehta & Patel, JASA 1983;78:427-34): the
          columns are processed one at a time, nodes are the multisets of remaining row totals,
          and with the exact longest and shortest completion of every node a partial table whose
          completions are all (or none) at most as probable as the observed table is settled at
          once. Networks larger than :data:`FFH_MAX_EDGES` edges are refused (before any
          probability is summed) with a message naming the alternatives.
        - ``"fisher-freeman-halton-mc"``: the same p-value estimated from ``n_resamples`` random
          tables with the observed margins (Patefield's algorithm, ``scipy.stats.random_table``),
          ``(1 + #{tables no more probable}) / (n_resamples + 1)`` as R ``fisher.test(simulate.
          p.value=TRUE, B=n_resamples)``; reproducible through ``seed``; its Monte Carlo standard
          error is given in ``note``.
    n_resamples, seed : int
        Monte Carlo size and seed (``fisher-freeman-halton-mc`` only).

    Returns
    -------
    TableTest
        ``statistic`` (chi-square, G, or the observed table's probability for Fisher-Freeman-
        Halton), ``pvalue``, ``dof`` (None for the exact and Monte Carlo tests), ``nobs``.

    Notes
    -----
    ``scipy.stats.fisher_exact`` on an r x c table (scipy >= 1.15) is a Monte Carlo estimate
    whose default is unseeded, so it changes from call to call; it is not used here.

    Examples
    --------
    >>> independence_test([[762, 327, 468], [484, 239, 477]], method="chi2").statistic  # doctest: +ELLIPSIS
    30.07...
    """
    method = _method(method, RXC_METHODS)
    arr = _rxc_table(table)
    if method == "fisher-freeman-halton-mc":
        n_resamples = _checks.count(n_resamples, "n_resamples")
        if n_resamples < 1:
            raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise ValueError(f"seed must be an integer, got {seed!r}")
    kept, note = _drop_empty(arr)
    shape = _shape(arr)
    nobs = int(arr.sum())
    if min(kept.shape) < 2:
        note = (note + "; " if note else "") + (
            "fewer than 2 non-empty rows or columns: independence cannot be tested "
            "(statistic 0, p = 1; R's chisq.test returns NaN, fisher.test p = 1)"
        )
        dof = None if method.startswith("fisher") else 0
        stat = 1.0 if method.startswith("fisher") else 0.0
        return TableTest(method, stat, 1.0, dof, nobs, shape, note)
    dof = (kept.shape[0] - 1) * (kept.shape[1] - 1)
    if method in ("chi2", "g-test"):
        res = stats.chi2_contingency(
            kept, correction=False, lambda_="log-likelihood" if method == "g-test" else None
        )
        return TableTest(method, float(res.statistic), float(res.pvalue), dof, nobs, shape, note)
    if method == "fisher-freeman-halton":
        prob, p = _ffh_cached(_key(kept), _tie_tolerance(arr))
        return TableTest(method, prob, p, None, nobs, shape, note)
    prob, p = _ffh_monte_carlo(kept, n_resamples, seed, _tie_tolerance(arr))
    se = math.sqrt(p * (1 - p) / n_resamples)
    mc = f"Monte Carlo p from {n_resamples} tables (seed {seed}), standard error {se:.2g}"
    return TableTest(method, prob, p, None, nobs, shape, (note + "; " if note else "") + mc)


def _drop_empty(arr: np.ndarray) -> tuple[np.ndarray, str]:
    rows = arr.sum(axis=1) > 0
    cols = arr.sum(axis=0) > 0
    if rows.all() and cols.all():
        return arr, ""
    parts = []
    if not rows.all():
        parts.append(f"row(s) {', '.join(str(int(i)) for i in np.flatnonzero(~rows))}")
    if not cols.all():
        parts.append(f"column(s) {', '.join(str(int(i)) for i in np.flatnonzero(~cols))}")
    note = (
        f"all-zero {' and '.join(parts)} dropped (a zero margin carries no information; "
        "R's chisq.test returns NaN here)"
    )
    return arr[rows][:, cols], note


def _key(arr: np.ndarray) -> tuple:
    return tuple(map(tuple, arr.tolist()))


# ---- Fisher-Freeman-Halton: network algorithm ------------------------------------------------
@functools.lru_cache(maxsize=4096)
def _ffh_cached(key: tuple, tol: float) -> tuple[float, float]:
    return _ffh_exact(np.array(key, dtype=np.int64), tol)


def _tie_tolerance(table: np.ndarray) -> float:
    """R's tie tolerance on the log scale: fisher.test's 2 x 2 branch or FEXACT (by the table R sees)."""
    return math.log1p(_RELERR_2X2) if table.shape == (2, 2) else _FEXACT_TOL


def _ffh_work(rows: np.ndarray, cols: np.ndarray) -> float:
    """Upper bound on the network's edges, computed before enumerating anything.

    Nodes at stage k are bounded by the number of vectors 0 <= x_i <= R_i summing to the remaining
    total (by inclusion-exclusion over the row caps), the fills of column k by the compositions of
    its total into len(rows) parts. The bound is loose (it ignores that nodes are sorted) by a
    factor of up to ~200 on the tables tried, hence the factor in :func:`_ffh_exact`.
    """
    n_rows = len(rows)
    caps = [int(r) + 1 for r in rows]
    subsets = [
        (len(sub), sum(sub)) for size in range(n_rows + 1) for sub in itertools.combinations(caps, size)
    ]
    work = 0
    remaining = int(rows.sum())
    for col in cols[:-1]:
        nodes = sum(
            (-1) ** size * math.comb(remaining - removed + n_rows - 1, n_rows - 1)
            for size, removed in subsets
            if removed <= remaining
        )
        work += nodes * math.comb(int(col) + n_rows - 1, n_rows - 1)
        remaining -= int(col)
    return float(work)


def _valid_fills(parent: np.ndarray, total: int, budget: float):
    """Every way to fill a column of ``total`` into each parent's remaining row totals.

    Returns (parent index, fill) pairs, grouped by parent in order; fill[i] <= parent[i] and the
    rows after i can still absorb the rest, so only valid fills are generated. Returns
    (None, None) as soon as the count would pass ``budget``.
    """
    n_rows = parent.shape[1]
    suffix = np.cumsum(parent[:, ::-1], axis=1)[:, ::-1]  # suffix[:, i] = sum of rows i..end
    pid = np.arange(parent.shape[0])
    rem = np.full(parent.shape[0], total, dtype=np.int64)
    parts = []
    for i in range(n_rows - 1):
        lo = np.maximum(0, rem - suffix[pid, i + 1])
        hi = np.minimum(parent[pid, i], rem)
        counts = hi - lo + 1
        keep = counts > 0
        pid, rem, lo, counts = pid[keep], rem[keep], lo[keep], counts[keep]
        parts = [p[keep] for p in parts]
        if counts.sum() > budget:
            return None, None
        rep = np.repeat(np.arange(pid.size), counts)
        value = (
            np.repeat(lo, counts)
            + np.arange(int(counts.sum()))
            - np.repeat(np.cumsum(counts) - counts, counts)
        )
        pid, rem = pid[rep], rem[rep] - value
        parts = [p[rep] for p in parts] + [value]
    parts.append(rem)
    return pid, np.column_stack(parts)


# Compare-swap networks sorting 2, 3 or 4 values (Knuth, TAOCP vol. 3, 5.3.4); several times
# faster than np.sort along a short axis.
_SORTING_NETWORKS = {2: ((0, 1),), 3: ((0, 1), (1, 2), (0, 1)), 4: ((0, 1), (2, 3), (0, 2), (1, 3), (1, 2))}


def _sort_rows_descending(a: np.ndarray) -> np.ndarray:
    network = _SORTING_NETWORKS.get(a.shape[1])
    if network is None:
        return -np.sort(-a, axis=1)
    cols = [a[:, i] for i in range(a.shape[1])]
    for i, j in network:
        cols[i], cols[j] = np.maximum(cols[i], cols[j]), np.minimum(cols[i], cols[j])
    return np.column_stack(cols)


def _too_big(shape, n) -> ValueError:
    return ValueError(
        f"table: the exact Fisher-Freeman-Halton enumeration for this {shape} table with N = {n} passes its "
        f"limit ({FFH_MAX_EDGES:.0e} network edges or {FFH_MAX_PATHS:.0e} partial tables, ~10 s); use "
        "method='fisher-freeman-halton-mc' (Monte Carlo, seeded) or method='chi2'"
    )


def _ffh_exact(table: np.ndarray, tol: float) -> tuple[float, float]:
    """(probability of the observed table, exact p-value); no zero margins, r, c >= 2.

    Tables at most ``tol`` less probable on the log scale than the observed one count as ties.
    """
    if table.shape[0] > table.shape[1]:
        table = table.T  # the state is the vector of remaining row totals: keep it short
    n = int(table.sum())
    rows = np.sort(table.sum(axis=1))[::-1].copy()
    cols = np.sort(table.sum(axis=0))[::-1].copy()
    n_rows, n_cols = rows.size, cols.size
    if n_rows > 12 or _ffh_work(rows, cols) > 200 * FFH_MAX_EDGES:
        raise _too_big(_shape(table), n)
    lf = special.gammaln(np.arange(n + 1) + 1.0)
    log_k = lf[rows].sum() + lf[cols].sum() - lf[n]
    v_obs = -lf[table].sum()
    prob_obs = math.exp(log_k + v_obs)
    threshold = v_obs + tol
    base = n + 1
    if base**n_rows >= 2**62:
        raise _too_big(_shape(table), n)
    powers = base ** np.arange(n_rows, dtype=np.int64)

    # Build the network: nodes[k] (sorted remaining row totals before column k) and the edges
    # (parent -> child, log weight -sum log n!) for every column but the last.
    nodes = [rows[None, :]]
    edges = []  # (starts, child, weight) per stage
    budget = FFH_MAX_EDGES
    for k in range(n_cols - 1):
        parent = nodes[k]
        pidx, fills = _valid_fills(parent, int(cols[k]), budget)
        if pidx is None:
            raise _too_big(_shape(table), n)
        budget -= pidx.size
        child = _sort_rows_descending(parent[pidx] - fills)
        ukeys, child_idx = np.unique(child @ powers, return_inverse=True)
        nodes.append((ukeys[:, None] // powers[None, :]) % base)
        starts = np.searchsorted(pidx, np.arange(parent.shape[0] + 1))
        edges.append((starts, child_idx.ravel(), -lf[fills].sum(axis=1)))

    # Longest and shortest completion (sum of -log n!) of every node, backwards.
    longest = [None] * n_cols
    shortest = [None] * n_cols
    longest[-1] = shortest[-1] = -lf[nodes[-1]].sum(axis=1)
    for k in range(n_cols - 2, -1, -1):
        starts, child, w = edges[k]
        longest[k] = np.maximum.reduceat(w + longest[k + 1][child], starts[:-1])
        shortest[k] = np.minimum.reduceat(w + shortest[k + 1][child], starts[:-1])
    # log of sum over completions of prod 1/n!  =  log M! - sum log r_i! - sum_{j >= k} log C_j!
    tail = np.cumsum(lf[cols][::-1])[::-1]
    remaining = np.concatenate([[n], n - np.cumsum(cols)])

    # Forward pass over the distinct past values reaching each node. Entries of the last-but-one
    # stage are settled edge by edge (their completion is one edge plus the forced last column).
    node = np.zeros(1, dtype=np.int64)
    past = np.zeros(1)
    freq = np.ones(1)
    pvalue = 0.0
    paths = 0
    for k in range(n_cols - 1):
        log_total = lf[remaining[k]] - lf[nodes[k]].sum(axis=1) - tail[k]
        accept = past + longest[k][node] <= threshold
        reject = past + shortest[k][node] > threshold
        pvalue += float(np.sum(freq[accept] * np.exp(log_k + past[accept] + log_total[node[accept]])))
        open_ = ~(accept | reject)
        if not open_.any():
            break
        if k == n_cols - 2:
            pvalue += _last_stage(
                node[open_], past[open_], freq[open_], edges[k], longest[k + 1], threshold, log_k
            )
            break
        expand = int((edges[k][0][node[open_] + 1] - edges[k][0][node[open_]]).sum())
        paths += expand
        if paths > FFH_MAX_PATHS:
            raise _too_big(_shape(table), n)
        node, past, freq = _propagate(node[open_], past[open_], freq[open_], edges[k])
    return prob_obs, float(min(1.0, pvalue))


def _propagate(node, past, freq, edge):
    starts, child, w = edge
    deg = starts[node + 1] - starts[node]
    out_node, out_past, out_freq = [], [], []
    bounds = np.searchsorted(np.cumsum(deg), np.arange(_FFH_CHUNK, int(deg.sum()), _FFH_CHUNK))
    for idx in np.split(np.arange(node.size), bounds):
        if idx.size == 0:
            continue
        d = deg[idx]
        rep = np.repeat(idx, d)
        first = np.repeat(starts[node[idx]], d)
        within = np.arange(int(d.sum())) - np.repeat(np.cumsum(d) - d, d)
        e = first + within
        merged = _merge(child[e], past[rep] + w[e], freq[rep])
        out_node.append(merged[0])
        out_past.append(merged[1])
        out_freq.append(merged[2])
    if len(out_node) == 1:
        return out_node[0], out_past[0], out_freq[0]
    return _merge(np.concatenate(out_node), np.concatenate(out_past), np.concatenate(out_freq))


def _last_stage(node, past, freq, edge, last_value, threshold, log_k) -> float:
    """Sum over entries of freq * P(completions with value <= threshold - past), one edge left.

    The completions of a node at the last-but-one stage are its edges (each followed by the forced
    last column), with values ``w + last_value[child]``. They are sorted within each node and
    summed by a vectorised binary search, so no entry is expanded.
    """
    starts, child, w = edge
    # only the edges of the nodes that still have open entries
    used, node = np.unique(node, return_inverse=True)
    deg = starts[used + 1] - starts[used]
    seg = np.concatenate([[0], np.cumsum(deg)])
    e = np.repeat(starts[used], deg) + np.arange(int(seg[-1])) - np.repeat(seg[:-1], deg)
    value = w[e] + last_value[child[e]]
    parent = np.repeat(np.arange(used.size), deg)
    order = np.lexsort((value, parent))
    value = value[order]
    top = np.maximum.reduceat(value, seg[:-1])
    rel = np.exp(value - top[parent])
    seg_sum = np.add.reduceat(rel, seg[:-1])
    # prefix sums within each node, normalised so every node's total is 1 (keeps rounding small)
    cum = np.concatenate([[0.0], np.cumsum(rel / seg_sum[parent])])
    lo = seg[node].copy()
    hi = seg[node + 1].copy()
    target = threshold - past
    while True:
        active = lo < hi
        if not active.any():
            break
        mid = (lo + hi) // 2
        go_right = active & (value[np.minimum(mid, value.size - 1)] <= target)
        lo = np.where(go_right, mid + 1, lo)
        hi = np.where(active & ~go_right, mid, hi)
    frac = cum[lo] - cum[seg[node]]
    return float(np.sum(freq * np.exp(log_k + past + top[node]) * seg_sum[node] * frac))


def _merge(node, past, freq):
    """Merge entries with the same node and (within _MERGE_TOL) the same past value."""
    if node.size == 0:
        return node, past, freq
    q = np.round(past / _MERGE_TOL)
    q_min, q_span = q.min(), q.max() - q.min() + 1
    if (int(node.max()) + 1) * q_span < 2**62:
        # one integer key (node, quantised past): a single sort instead of a lexsort
        key = node * np.int64(q_span) + (q - q_min).astype(np.int64)
        order = np.argsort(key)
        key = key[order]
        new = np.ones(key.size, dtype=bool)
        new[1:] = key[1:] != key[:-1]
    else:
        order = np.lexsort((past, node))
        new = np.ones(node.size, dtype=bool)
        new[1:] = (np.diff(node[order]) != 0) | (np.diff(past[order]) > _MERGE_TOL)
    starts = np.flatnonzero(new)
    return node[order][starts], past[order][starts], np.add.reduceat(freq[order], starts)


def _ffh_monte_carlo(table: np.ndarray, n_resamples: int, seed: int, tol: float) -> tuple[float, float]:
    # scipy.stats.fisher_exact(method=MonteCarloMethod) needs scipy >= 1.15 (the project allows
    # 1.11) and compares probabilities with its own tolerance; sampling with random_table and
    # counting with the exact test's tolerance keeps the two methods on one definition.
    n = int(table.sum())
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    lf = special.gammaln
    v_obs = -lf(table + 1.0).sum()
    log_k = lf(rows + 1.0).sum() + lf(cols + 1.0).sum() - lf(n + 1.0)
    dist = stats.random_table(rows, cols, seed=np.random.default_rng(seed))
    hits = 0
    done = 0
    batch = max(1, 4_000_000 // table.size)
    while done < n_resamples:
        size = min(batch, n_resamples - done)
        sample = dist.rvs(size=size)
        hits += int(np.count_nonzero(-lf(sample + 1.0).sum(axis=(1, 2)) <= v_obs + tol))
        done += size
    return math.exp(log_k + v_obs), (hits + 1) / (n_resamples + 1)


# ---- vectorised chi-square / G over many tables ---------------------------------------------
def _chi2_many(tables: np.ndarray, g: bool) -> tuple[np.ndarray, np.ndarray]:
    """Pearson chi-square or G for a stack (..., r, c), dropping empty rows/columns per table."""
    t = tables.astype(float)
    rs = t.sum(axis=-1, keepdims=True)
    cs = t.sum(axis=-2, keepdims=True)
    n = t.sum(axis=(-2, -1), keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = rs * cs / n
        if g:
            terms = 2 * special.xlogy(t, t / e)
        else:
            terms = (t - e) ** 2 / e
    terms = np.where(e > 0, terms, 0.0)
    stat = terms.sum(axis=(-2, -1))
    dof = ((rs[..., 0] > 0).sum(axis=-1) - 1) * ((cs[..., 0, :] > 0).sum(axis=-1) - 1)
    with np.errstate(invalid="ignore"):
        p = np.where(dof > 0, stats.chi2.sf(stat, np.maximum(dof, 1)), 1.0)
    return np.where(dof > 0, stat, 0.0), p


# --------------------------------------------------------------------------------------------
# Trend in proportions across ordered groups
# --------------------------------------------------------------------------------------------
def trend_test(count, nobs, scores=None, method: str = "cochran-armitage") -> TrendTest:
    """Test for a linear trend in proportions across k ordered groups (1 df).

    Parameters
    ----------
    count, nobs : array_like of int, length k >= 2
        Responders and patients in each group, in the order of the scores.
    scores : array_like of float, optional
        Score of each group (e.g. the dose in mg); default ``1, 2, ..., k`` as R. Only the spacing
        matters: any linear transformation gives the same test.
    method : str
        With ``p = sum(count)/N``, ``T = sum s_i (x_i - n_i p)`` and
        ``S = sum n_i s_i^2 - (sum n_i s_i)^2 / N``:

        - ``"cochran-armitage"``: ``chi2 = T^2 / (p (1 - p) S)`` on 1 df (Cochran, Biometrics
          1954;10:417-51; Armitage, Biometrics 1955;11:375-86); exactly R ``prop.trend.test``
          (its weighted-regression formulation gives the same number) and SAS ``TREND``. The Z
          form is ``z = T / sqrt(p (1 - p) S)``, ``chi2 = z^2``: the variance uses the binomial
          ``p (1 - p)`` with N in the denominator, not N - 1.
        - ``"linear-by-linear"``: Mantel's (JASA 1963;58:690-700) extension, the conditional
          (hypergeometric) variance, ``chi2 * (N - 1) / N``; what SPSS prints as
          "Linear-by-Linear Association", SAS as the Mantel-Haenszel chi-square, statsmodels'
          ``Table.test_ordinal_association`` and ``coin::lbl_test`` compute (Agresti 2013,
          sec. 3.4.6: M^2 = (N - 1) r^2).
        - ``"cochran-armitage-exact"``: exact conditional test (as SAS ``EXACT TREND`` and
          StatXact): given the group sizes and the total responders, the responders follow a
          multivariate hypergeometric distribution; p is ``P(|T - E T| >= |t - E T|)`` computed by
          convolution over the groups. ``statistic``/``z`` are the Cochran-Armitage ones.

    Returns
    -------
    TrendTest
        ``statistic`` (chi-square), ``z`` (signed, positive if proportions rise with the score),
        ``pvalue`` (two-sided), ``dof`` = 1.

    Notes
    -----
    When no patient (or every patient) responded, ``T`` and its variance are 0: statistic 0,
    p = 1 with a note (R's ``prop.trend.test`` stops with an error from ``lm``).

    Examples
    --------
    Dose cohorts responding 1/8, 7/12 and 8/12 (R ``prop.trend.test``: X-squared = 5.1282):

    >>> round(trend_test([1, 7, 8], [8, 12, 12]).statistic, 4)
    5.1282
    """
    method = _method(method, TREND_METHODS)
    x, n, s = _trend_input(count, nobs, scores)
    # the exact test reports the Cochran-Armitage statistic with its exact p
    asymptotic = "cochran-armitage" if method == "cochran-armitage-exact" else method
    stat, z, p = (a.item() for a in _trend_arrays(x, n, s, asymptotic))
    note = ""
    total = int(x.sum())
    if total == 0 or total == int(n.sum()):
        note = (
            "no responders (or all responders): no trend can be tested; statistic 0, p = 1 "
            "(R's prop.trend.test stops with an error)"
        )
    elif method == "cochran-armitage-exact":
        p = _trend_exact(tuple(x.tolist()), tuple(n.tolist()), tuple(s.tolist()))
    return TrendTest(
        method, float(stat), float(z), float(p), 1, int(n.sum()), int(x.size), note, tuple(s.tolist())
    )


def _trend_arrays(x, n, s, method):
    """Vectorised over leading axes: x, n shape (..., k); s shape (k,) or broadcastable."""
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    big_n = n.sum(axis=-1)
    p = x.sum(axis=-1) / big_n
    t = (s * x).sum(axis=-1) - p * (s * n).sum(axis=-1)
    ss = (n * s * s).sum(axis=-1) - (n * s).sum(axis=-1) ** 2 / big_n
    var = p * (1 - p) * ss
    with np.errstate(divide="ignore", invalid="ignore"):
        z = t / np.sqrt(var)
        if method == "linear-by-linear":
            z = z * np.sqrt((big_n - 1) / big_n)
    degenerate = var <= 0
    z = np.where(degenerate, 0.0, z)
    stat = z * z
    pvalue = np.where(degenerate, 1.0, stats.chi2.sf(stat, 1))
    return stat, z, pvalue


@functools.lru_cache(maxsize=4096)
def _trend_exact(x: tuple, n: tuple, s: tuple) -> float:
    """Exact two-sided p of the Cochran-Armitage statistic given the margins (convolution)."""
    x_, n_, s_ = np.array(x), np.array(n), np.array(s, dtype=float)
    total, big_n = int(x_.sum()), int(n_.sum())
    if big_n > _EXACT_MAX_STATES:
        raise ValueError(
            f"count: the exact trend test for N = {big_n} is too large; use method='cochran-armitage'"
        )
    scale = float(np.abs(s_).max() * big_n) or 1.0
    lf = special.gammaln(np.arange(big_n + 1) + 1.0)
    # entries: responders so far m, partial statistic t = sum s_i x_i, log weight
    m = np.zeros(1, dtype=np.int64)
    tt = np.zeros(1)
    lw = np.zeros(1)
    left = big_n
    for ni, si in zip(n_, s_, strict=True):
        left -= int(ni)
        if m.size * (int(ni) + 1) > _EXACT_MAX_STATES:
            raise ValueError(
                f"count: the exact trend test for N = {big_n} would track more than {_EXACT_MAX_STATES:.0e} "
                "partial sums; use method='cochran-armitage' (or 'linear-by-linear')"
            )
        xs = np.arange(int(ni) + 1)
        lc = lf[ni] - lf[xs] - lf[ni - xs]
        m2 = (m[:, None] + xs[None, :]).ravel()
        t2 = (tt[:, None] + si * xs[None, :]).ravel()
        w2 = (lw[:, None] + lc[None, :]).ravel()
        ok = (m2 <= total) & (m2 + left >= total)
        m2, t2, w2 = m2[ok], t2[ok], w2[ok]
        order = np.lexsort((t2, m2))
        m2, t2, w2 = m2[order], t2[order], w2[order]
        new = np.ones(m2.size, dtype=bool)
        new[1:] = (np.diff(m2) != 0) | (np.diff(t2) > 1e-9 * scale)
        starts = np.flatnonzero(new)
        m, tt, lw = m2[starts], t2[starts], np.logaddexp.reduceat(w2, starts)
    prob = np.exp(lw - (lf[big_n] - lf[total] - lf[big_n - total]))
    expected = total / big_n * float((n_ * s_).sum())
    t_obs = float((s_ * x_).sum())
    dist = np.abs(tt - expected)
    d_obs = abs(t_obs - expected)
    return float(min(1.0, prob[dist >= d_obs * (1 - 1e-7) - 1e-9 * scale].sum()))


def trend_test_many(count, nobs, scores=None, method: str = "cochran-armitage"):
    """Vectorised :func:`trend_test`: ``count``/``nobs`` of shape (..., k) give arrays of shape (...).

    Returns
    -------
    (statistic, z, pvalue) : tuple of numpy.ndarray
        One entry per table; degenerate tables (no or all responders) give 0, 0, 1.
    """
    method = _method(method, TREND_METHODS)
    x = _counts_array(count, "count")
    n = _counts_array(nobs, "nobs")
    try:
        x, n = np.broadcast_arrays(x, n)
    except ValueError:
        raise ValueError(
            f"count and nobs must broadcast together, got shapes {x.shape} and {n.shape}"
        ) from None
    if x.ndim < 1 or x.shape[-1] < 2:
        raise ValueError(f"count must have at least 2 groups on its last axis, got shape {x.shape}")
    if (n == 0).any():
        raise ValueError("nobs has a 0: every group needs at least 1 patient")
    if (x > n).any():
        raise ValueError("count must not exceed nobs in any group")
    s = _scores(scores, x.shape[-1])
    asymptotic = "cochran-armitage" if method == "cochran-armitage-exact" else method
    stat, z, p = _trend_arrays(x, n, s, asymptotic)
    if method == "cochran-armitage-exact":
        p = np.array(p, dtype=float)
        for idx in np.ndindex(p.shape):
            if 0 < x[idx].sum() < n[idx].sum():
                p[idx] = _trend_exact(tuple(x[idx].tolist()), tuple(n[idx].tolist()), tuple(s.tolist()))
    return stat, z, p


# --------------------------------------------------------------------------------------------
# Stratified 2 x 2 tables
# --------------------------------------------------------------------------------------------
def strata_tables(count1, nobs1, count2, nobs2) -> np.ndarray:
    """The (K, 2, 2) array of :func:`cmh_test` from per-stratum responders and patients per group.

    ``count1[k]`` of ``nobs1[k]`` patients in group 1 and ``count2[k]`` of ``nobs2[k]`` in group 2
    responded in stratum k; the result is ``[[count1, nobs1 - count1], [count2, nobs2 - count2]]``
    per stratum.
    """
    x1, n1, x2, n2 = (
        _counts_array(a, name)
        for a, name in zip(
            (count1, nobs1, count2, nobs2), ("count1", "nobs1", "count2", "nobs2"), strict=True
        )
    )
    try:
        x1, n1, x2, n2 = np.broadcast_arrays(x1, n1, x2, n2)
    except ValueError:
        raise ValueError(
            "count1, nobs1, count2 and nobs2 must have the same length (one entry per stratum)"
        ) from None
    if x1.ndim != 1:
        raise ValueError(
            f"count1, nobs1, count2, nobs2 must be 1-D (one entry per stratum), got shape {x1.shape}"
        )
    for x, n, a, b in ((x1, n1, "count1", "nobs1"), (x2, n2, "count2", "nobs2")):
        over = np.flatnonzero(x > n)
        if over.size:
            i = int(over[0])
            raise ValueError(f"{a}[{i}] ({int(x[i])}) must not exceed {b}[{i}] ({int(n[i])})")
    return np.stack([np.stack([x1, n1 - x1], axis=-1), np.stack([x2, n2 - x2], axis=-1)], axis=-2)


def cmh_test(tables, method: str = "cmh-cc", level: float = 0.95) -> StratifiedTest:
    """Cochran-Mantel-Haenszel test of no association in K stratified 2 x 2 tables, with the common OR.

    Parameters
    ----------
    tables : array_like of int, shape (K, 2, 2)
        One 2 x 2 table ``[[a, b], [c, d]]`` per stratum: rows = group 1, group 2; columns =
        event, no event (see :func:`strata_tables`). A single (2, 2) table is taken as K = 1.
        Every stratum needs n >= 2, as in R.
    method : str
        With ``E_k = (a+b)(a+c)/n``, ``V_k = (a+b)(c+d)(a+c)(b+d) / (n^2 (n-1))`` and
        ``D = sum (a_k - E_k)``:

        - ``"cmh-cc"`` (default, as R): ``(|D| - 1/2)^2 / sum V_k`` on 1 df (Mantel & Haenszel,
          JNCI 1959;22:719-48), with R's rule that the correction is applied only when
          ``|D| >= 1/2`` (R ``mantelhaen.test(correct=TRUE)``).
        - ``"cmh"``: ``D^2 / sum V_k`` (Cochran, Biometrics 1954; R ``correct=FALSE``).
        - ``"cmh-exact"``: exact conditional test: ``S = sum a_k`` has, given all margins, the
          convolution of K hypergeometric distributions; p sums the values of S no more probable
          than the observed one (relative tolerance 1e-7), as R ``mantelhaen.test(exact=TRUE)``
          (Mehta, Patel & Gray, JASA 1985;80:969-73).
    level : float
        Confidence level of the common odds ratio interval.

    Returns
    -------
    StratifiedTest
        For ``cmh``/``cmh-cc``: the Mantel-Haenszel odds ratio ``sum(a d / n) / sum(b c / n)``
        with the Robins-Breslow-Greenland interval (Biometrics 1986;42:311-23), as R reports it.
        For ``cmh-exact``: the conditional maximum likelihood estimate and the exact interval,
        as R ``mantelhaen.test(exact=TRUE)`` (solved to 1e-12 here; R's ``uniroot`` stops at
        ~1e-4).

    Notes
    -----
    statsmodels' ``StratifiedTable`` gives the same odds ratio, interval and uncorrected
    statistic, but (i) ``test_null_odds(correction=True)`` subtracts 1/2 even when |D| < 1/2 (R
    does not, and the "corrected" statistic then exceeds the uncorrected one), (ii) its p-values
    are ``1 - cdf`` and lose small p (below ~1e-16 they are 0), (iii) it works on one set of
    strata at a time. The formulas are therefore evaluated here on whole arrays (:func:`cmh_many`)
    and tested against statsmodels and R.

    Degenerate cases: when every stratum has a zero margin the statistic is 0/0 (R: NaN); here it
    is 0 with p = 1 and a note. When ``sum(b c / n) = 0`` the MH odds ratio is infinite (or 0 when
    ``sum(a d / n) = 0``) and the Robins-Breslow-Greenland interval is undefined (R prints NaN):
    the missing bound is NaN, with a note pointing to ``cmh-exact``.

    Examples
    --------
    R's ``?mantelhaen.test`` penicillin and rabbits data (Mantel 1963), K = 5:

    >>> rabbits = [[[0, 0], [6, 5]], [[3, 0], [3, 6]], [[6, 2], [0, 4]], [[5, 6], [1, 0]], [[2, 5], [0, 0]]]
    >>> res = cmh_test(rabbits)
    >>> round(res.statistic, 4), round(res.pvalue, 5), res.estimate
    (3.9286, 0.04747, 7.0)
    """
    method = _method(method, STRATIFIED_METHODS)
    level = _checks.level(level)
    arr = _strata(tables)
    k, nobs = arr.shape[0], int(arr.sum())
    if method == "cmh-exact":
        s, p, est, low, high, note = _cmh_exact(_key3(arr), level)
        return StratifiedTest(
            method, float(s), p, None, est, low, high, level, "conditional-mle", k, nobs, note
        )
    stat, p, est, low, high = (float(v) for v in _cmh_arrays(arr, method, level))
    notes = []
    if _cmh_variance(arr) == 0:
        notes.append(
            "every stratum has a zero margin: no information on association; statistic 0, p = 1 "
            "(R's mantelhaen.test returns NaN)"
        )
    notes.extend(_or_notes(est, low, high))
    return StratifiedTest(
        method, stat, p, 1, est, low, high, level, "mantel-haenszel", k, nobs, "; ".join(notes)
    )


def _key3(arr: np.ndarray) -> tuple:
    return tuple(_key(t) for t in arr)


def _or_notes(est, low, high) -> list[str]:
    if math.isnan(est):
        return ["no a*d and no b*c products in any stratum: the common odds ratio is not estimable"]
    if math.isinf(est) or est == 0 or math.isnan(low) or math.isnan(high):
        return [
            f"the Mantel-Haenszel odds ratio is {'infinite' if math.isinf(est) else '0'}: the "
            "Robins-Breslow-Greenland bound is undefined (NaN, as R); method='cmh-exact' gives an "
            "exact interval"
        ]
    return []


def _cmh_variance(arr):
    t = arr.astype(float)
    n = t.sum(axis=(-2, -1))
    r1, r2 = t[..., 0, :].sum(-1), t[..., 1, :].sum(-1)
    c1, c2 = t[..., :, 0].sum(-1), t[..., :, 1].sum(-1)
    return (r1 * r2 * c1 * c2 / (n * n * (n - 1))).sum(axis=-1)


def _cmh_arrays(arr, method, level):
    """Statistic, p, MH OR and RBG bounds for a stack (..., K, 2, 2) (all strata n >= 2)."""
    t = arr.astype(float)
    a, b, c, d = t[..., 0, 0], t[..., 0, 1], t[..., 1, 0], t[..., 1, 1]
    n = a + b + c + d
    delta = (a - (a + b) * (a + c) / n).sum(axis=-1)
    var = ((a + b) * (c + d) * (a + c) * (b + d) / (n * n * (n - 1))).sum(axis=-1)
    absd = np.abs(delta)
    if method == "cmh-cc":
        absd = absd - np.where(absd >= 0.5, 0.5, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(var > 0, absd * absd / var, 0.0)
    p = np.where(var > 0, stats.chi2.sf(stat, 1), 1.0)
    # Mantel-Haenszel OR and the Robins-Breslow-Greenland variance of its log (R's formula).
    rr = (a * d / n).sum(-1)
    ss = (b * c / n).sum(-1)
    pp, qq = (a + d) / n, (b + c) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        est = rr / ss
        var_log = (
            (pp * a * d / n).sum(-1) / (2 * rr * rr)
            + ((pp * b * c + qq * a * d) / n).sum(-1) / (2 * rr * ss)
            + (qq * b * c / n).sum(-1) / (2 * ss * ss)
        )
        half = stats.norm.isf((1 - level) / 2) * np.sqrt(var_log)
        low = est * np.exp(-half)
        high = est * np.exp(half)
    finite = np.isfinite(est) & (est > 0)
    low = np.where(finite, low, np.where(est == 0, 0.0, np.nan))
    high = np.where(finite, high, np.where(np.isinf(est), np.inf, np.nan))
    return stat, p, est, low, high


def cmh_many(tables, method: str = "cmh-cc", level: float = 0.95):
    """Vectorised :func:`cmh_test` over candidate sets of strata, shape (..., K, 2, 2).

    Returns
    -------
    (statistic, pvalue, estimate, low, high) : tuple of numpy.ndarray of shape (...)
        As :func:`cmh_test` (``cmh-exact`` is computed table by table, cached).
    """
    method = _method(method, STRATIFIED_METHODS)
    level = _checks.level(level)
    arr = _counts_array(tables, "tables")
    if arr.ndim < 3 or arr.shape[-2:] != (2, 2):
        raise ValueError(f"tables must have shape (..., K, 2, 2), got {arr.shape}")
    if (arr.sum(axis=(-2, -1)) < 2).any():
        raise ValueError("tables has a stratum with n < 2; every stratum needs at least 2 patients (as R)")
    if method != "cmh-exact":
        return _cmh_arrays(arr, method, level)
    out = np.empty((5, *arr.shape[:-3]))
    for idx in np.ndindex(arr.shape[:-3]):
        s, p, est, low, high, _ = _cmh_exact(_key3(arr[idx]), level)
        out[(slice(None), *idx)] = (s, p, est, low, high)
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _cmh_exact(key: tuple, level: float):
    arr = np.array(key, dtype=np.int64)
    a = arr[:, 0, 0]
    r1 = arr[:, 0, :].sum(-1)
    c1 = arr[:, :, 0].sum(-1)
    n = arr.sum(axis=(1, 2))
    lo_k = np.maximum(0, r1 + c1 - n)
    hi_k = np.minimum(r1, c1)
    widths = hi_k - lo_k + 1
    if int((np.cumsum(widths) * widths).sum()) > _EXACT_MAX_STATES:
        raise ValueError(
            f"tables: the exact conditional test for these strata (N = {int(n.sum())}) needs more than "
            f"{_EXACT_MAX_STATES:.0e} convolution steps; use method='cmh' or 'cmh-cc'"
        )
    dens = np.ones(1)
    for k in range(arr.shape[0]):
        support = np.arange(lo_k[k], hi_k[k] + 1)
        dens = np.convolve(dens, stats.hypergeom.pmf(support, n[k], c1[k], r1[k]))
    dens /= dens.sum()
    lo, hi = int(lo_k.sum()), int(hi_k.sum())
    support = np.arange(lo, hi + 1)
    s = int(a.sum())
    d_obs = dens[s - lo]
    p = float(min(1.0, dens[dens <= d_obs * (1 + _RELERR_2X2)].sum()))
    with np.errstate(divide="ignore"):
        logd = np.log(dens)

    def dist(log_psi):
        z = logd + log_psi * support
        z = np.exp(z - z[np.isfinite(z)].max())
        return z / z.sum()

    def mean(log_psi):
        return float((support * dist(log_psi)).sum())

    def solve(f, target):
        # f increasing in log psi; bracket outwards from 0
        lo_b, hi_b = -1.0, 1.0
        while f(lo_b) > target and lo_b > -700:
            lo_b *= 2
        while f(hi_b) < target and hi_b < 700:
            hi_b *= 2
        return math.exp(optimize.brentq(lambda u: f(u) - target, lo_b, hi_b, xtol=1e-13, rtol=1e-13))

    est = 0.0 if s == lo else math.inf if s == hi else solve(mean, s)
    alpha = (1 - level) / 2
    # lower: P(S >= s; psi) = alpha (increasing in psi); upper: P(S <= s; psi) = alpha (decreasing)
    low = 0.0 if s == lo else solve(lambda u: float(dist(u)[support >= s].sum()), alpha)
    high = math.inf if s == hi else solve(lambda u: -float(dist(u)[support <= s].sum()), -alpha)
    note = ""
    if lo == hi:
        note = "every stratum has a zero margin: only the observed table is possible (p = 1)"
        est, low, high = math.nan, 0.0, math.inf
    elif est in (0.0, math.inf):
        note = "S is at the edge of its support: the conditional MLE is 0 or infinite"
    return float(s), p, float(est), float(low), float(high), note


def homogeneity_test(tables, method: str = "breslow-day") -> TableTest:
    """Test that K stratified 2 x 2 tables share one odds ratio (homogeneity), on K' - 1 df.

    Parameters
    ----------
    tables : array_like of int, shape (K, 2, 2), K >= 2
        As :func:`cmh_test`.
    method : str
        - ``"breslow-day"``: ``sum (a_k - e_k)^2 / v_k`` where ``e_k`` is the expected a cell
          under the Mantel-Haenszel common odds ratio (root of a quadratic) and ``v_k`` its
          conditional variance ``1 / (1/e + 1/(r1-e) + 1/(c1-e) + 1/(n-r1-c1+e))`` (Breslow & Day,
          IARC Sci Publ 32, 1980), as statsmodels ``StratifiedTable.test_equal_odds()``.
        - ``"breslow-day-tarone"``: minus Tarone's correction ``(sum a - sum e)^2 / sum v``
          (Tarone, Biometrika 1985;72:91-5), as statsmodels ``test_equal_odds(adjust=True)``,
          ``metafor::rma.mh`` ("Tarone's test") and SAS.

    Returns
    -------
    TableTest
        ``statistic``, ``pvalue``, ``dof`` = K' - 1 where K' counts the strata without a zero
        margin: a stratum with one has a fixed a cell and carries no information, so it is left
        out and named in ``note``. ``metafor::rma.mh`` gives the same statistic but keeps such
        strata in the degrees of freedom (K - 1), so its p-value is larger there.

    Notes
    -----
    Written out rather than wrapping statsmodels, whose ``test_equal_odds`` divides by
    ``1 - OR_MH`` (NaN when the pooled odds ratio is exactly 1, e.g. identical strata), returns
    NaN for strata with a zero margin, and computes p as ``1 - cdf``. Where statsmodels is
    defined the two agree (tested). When the MH odds ratio is 0 or infinite, or fewer than two
    strata are informative, the test is undefined: NaN with a note.
    """
    method = _method(method, HOMOGENEITY_METHODS)
    arr = _strata(tables, min_strata=2)
    stat, p, dof, note = _breslow_day(arr, method == "breslow-day-tarone")
    return TableTest(method, float(stat), float(p), int(dof), int(arr.sum()), _shape(arr), note)


def _breslow_day(arr, tarone: bool):
    t = arr.astype(float)
    a, b, c, d = t[:, 0, 0], t[:, 0, 1], t[:, 1, 0], t[:, 1, 1]
    n = a + b + c + d
    r1, c1 = a + b, a + c
    lo, hi = np.maximum(0, r1 + c1 - n), np.minimum(r1, c1)
    informative = lo < hi
    dropped = np.flatnonzero(~informative)
    note = ""
    if dropped.size:
        which = ", ".join(str(int(i)) for i in dropped)
        note = (
            f"{'strata' if dropped.size > 1 else 'stratum'} {which} with a zero margin left out "
            "(metafor::rma.mh keeps them in the df)"
        )
    rr, ss = (a * d / n).sum(), (b * c / n).sum()
    if informative.sum() < 2:
        return (
            math.nan,
            math.nan,
            max(0, int(informative.sum()) - 1),
            _join(note, "fewer than 2 strata without a zero margin: homogeneity cannot be tested"),
        )
    if rr == 0 or ss == 0:
        return (
            math.nan,
            math.nan,
            int(informative.sum()) - 1,
            _join(note, "the Mantel-Haenszel odds ratio is 0 or infinite: Breslow-Day is undefined"),
        )
    psi = rr / ss
    a, r1, c1, n, lo, hi = (v[informative] for v in (a, r1, c1, n, lo, hi))
    d0 = n - r1 - c1
    # (1 - psi) e^2 + (d0 + psi (r1 + c1)) e - psi r1 c1 = 0; the root inside (lo, hi).
    qa, qb, qc = 1 - psi, d0 + psi * (r1 + c1), -psi * r1 * c1
    if qa == 0:
        e = -qc / qb
    else:
        disc = np.sqrt(qb * qb - 4 * qa * qc)
        q = -0.5 * (qb + np.copysign(disc, qb))
        e1, e2 = q / qa, qc / q
        inside1 = (e1 >= lo - 1e-9) & (e1 <= hi + 1e-9)
        e = np.where(inside1, e1, e2)
    v = 1 / (1 / e + 1 / (r1 - e) + 1 / (c1 - e) + 1 / (d0 + e))
    stat = float(((a - e) ** 2 / v).sum())
    if tarone:
        stat -= float((a.sum() - e.sum()) ** 2 / v.sum())
    dof = int(informative.sum()) - 1
    return stat, float(stats.chi2.sf(stat, dof)), dof, note


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


# --------------------------------------------------------------------------------------------
# Dispatcher for the audit
# --------------------------------------------------------------------------------------------
def table_pvalue(table, method: str, **options) -> float:
    """Two-sided p-value of ``method`` (any name in :data:`TABLE_METHODS`) on one table.

    ``table`` has the layout of the method's kind (:data:`TABLE_KINDS`): an (r, c) table, a
    (k, 2) table of ``[responders, non-responders]`` per ordered group (``scores=`` optional), or a
    (K, 2, 2) stack of strata. ``options`` go to the underlying function (``scores``,
    ``n_resamples``, ``seed``).
    """
    method = _method(method, tuple(TABLE_METHODS))
    kind = TABLE_METHODS[method]
    if kind == "rxc":
        return independence_test(table, method, **options).pvalue
    if kind == "trend":
        arr = _trend_table(table)
        return trend_test(arr[:, 0], arr.sum(axis=1), method=method, **options).pvalue
    if kind == "stratified":
        return cmh_test(table, method, **options).pvalue
    return homogeneity_test(table, method, **options).pvalue


def _trend_table(table, name="table"):
    arr = _counts_array(table, name)
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] < 2:
        raise ValueError(
            f"{name} for a trend test must have shape (k, 2), one row [responders, non-responders] per "
            f"ordered group, k >= 2; got {arr.shape}"
        )
    return arr


def table_pvalues(tables, method: str, **options) -> np.ndarray:
    """Vectorised :func:`table_pvalue` over a leading axis (or axes) of candidate tables.

    ``tables`` has shape ``(..., *table_shape)`` where ``table_shape`` is that of the method's
    kind (2-D for rxc and trend, 3-D for stratified and homogeneity). Chi-square, G, trend and CMH
    p-values are computed on the whole array at once; the exact tests table by table (cached).
    Invalid candidate tables raise as in :func:`table_pvalue`.
    """
    method = _method(method, tuple(TABLE_METHODS))
    kind = TABLE_METHODS[method]
    arr = _counts_array(tables, "tables")
    core = 3 if kind in ("stratified", "homogeneity") else 2
    if arr.ndim < core:
        raise ValueError(
            f"tables for method {method!r} must have shape (..., {TABLE_KINDS[kind]}), got {arr.shape}"
        )
    lead = arr.shape[: arr.ndim - core]
    if kind == "rxc" and method in ("chi2", "g-test"):
        if arr.shape[-2] < 2 or arr.shape[-1] < 2:
            raise ValueError(f"tables must have at least 2 rows and 2 columns, got {arr.shape[-2:]}")
        if (arr.sum(axis=(-2, -1)) == 0).any():
            raise ValueError("tables has a table with no observations (every count 0)")
        return _chi2_many(arr, g=method == "g-test")[1]
    if kind == "trend" and method != "cochran-armitage-exact":
        if arr.shape[-1] != 2 or arr.shape[-2] < 2:
            raise ValueError(f"tables for a trend test must have shape (..., k, 2), k >= 2; got {arr.shape}")
        return trend_test_many(arr[..., 0], arr.sum(axis=-1), method=method, **options)[2]
    if kind == "stratified" and method != "cmh-exact":
        return cmh_many(arr, method)[1]
    out = np.empty(lead)
    for idx in np.ndindex(lead):
        out[idx] = table_pvalue(arr[idx], method, **options)
    return out


def tests_all(table, kind: str = "rxc", **options):
    """Every method of one kind on one table, as a DataFrame (one row per method).

    ``kind`` is a key of :data:`TABLE_KINDS`; ``"stratified"`` also runs the homogeneity tests
    when K >= 2. ``options``: ``scores`` (trend), ``level`` (stratified), ``n_resamples`` and
    ``seed`` (Monte Carlo). This is what a ``--method all`` command line prints.
    """
    import pandas as pd

    kind = _checks.choice(kind, "kind", tuple(TABLE_KINDS))
    frames = []
    if kind == "rxc":
        frames = [independence_test(table, m, **options).to_frame() for m in RXC_METHODS]
    elif kind == "trend":
        arr = _trend_table(table)
        frames = [
            trend_test(arr[:, 0], arr.sum(axis=1), method=m, **options).to_frame() for m in TREND_METHODS
        ]
    else:
        arr = _strata(table, min_strata=2 if kind == "homogeneity" else 1)
        if kind == "stratified":
            frames = [cmh_test(arr, m, **options).to_frame() for m in STRATIFIED_METHODS]
        if arr.shape[0] >= 2:
            frames += [homogeneity_test(arr, m).to_frame() for m in HOMOGENEITY_METHODS]
    return pd.concat(frames, ignore_index=True)


def parse_table(text: str) -> np.ndarray:
    """Read a table typed on a command line: ``"8 2 3; 1 5 4"`` (rows split by ``;``, cells by spaces or
    commas) gives a 2 x 3 array; ``"0 0; 6 5 | 3 0; 3 6"`` (strata split by ``|``) a (K, 2, 2) array.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"table text must look like '8 2 3; 1 5 4' (strata split by '|'), got {text!r}")
    blocks = []
    for block in text.split("|"):
        rows = [r.replace(",", " ").split() for r in block.split(";") if r.strip()]
        try:
            blocks.append([[float(v) for v in r] for r in rows])
        except ValueError:
            raise ValueError(f"table text must hold numbers only, got {text!r}") from None
    widths = {len(r) for b in blocks for r in b}
    heights = {len(b) for b in blocks}
    if len(widths) != 1 or len(heights) != 1:
        raise ValueError(f"table text has rows (or strata) of different lengths: {text!r}")
    arr = _counts_array(blocks if "|" in text else blocks[0], "table")
    return arr
