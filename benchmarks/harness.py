"""Timing harness for `make bench`: honest side-by-side figures, printed, never asserted.

Each ``benchmarks/bench_*.py`` module defines ``run(bench)``. A row compares the package with the
alternative a user would really pick (statsmodels array calls, scipy with a reliable setting, R
timed inside R), alternating the two in every repeat so that machine load hits both alike, and
prints min and median of each with one ratio column: package median / alternative median (below 1
means the package is faster).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable


def _time_once(fn: Callable[[], object]) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _fmt_seconds(s: float) -> str:
    if s != s:  # nan
        return "—"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{1e3 * s:.1f} ms"
    return f"{1e6 * s:.0f} µs"


class Bench:
    """Collects and prints benchmark rows."""

    def __init__(self, repeats: int = 5):
        self.repeats = repeats
        self.rows: list[dict] = []
        header = (
            f"{'work':<58} {'package min':>12} {'median':>10}   {'alternative':<40} "
            f"{'min':>10} {'median':>10} {'ratio':>7}"
        )
        print(header)
        print("-" * len(header))

    def section(self, title: str) -> None:
        print(f"\n## {title}")

    def note(self, text: str) -> None:
        print(f"   {text}")

    def compare(
        self,
        work: str,
        package: Callable[[], object],
        alternative_name: str | None = None,
        alternative: Callable[[], object] | None = None,
        *,
        repeats: int | None = None,
        setup: Callable[[], object] | None = None,
        alternative_seconds: list[float] | None = None,
    ) -> dict:
        """Time ``package`` against ``alternative`` (alternating), print one row, return it.

        ``setup`` runs before every timed call of either side (e.g. clearing a cache so that a
        repeat measures a cold call). ``alternative_seconds`` gives timings measured elsewhere
        (e.g. inside R) instead of a callable.
        """
        repeats = repeats or self.repeats
        ours, theirs = [], []
        for i in range(repeats):
            order = (0, 1) if i % 2 == 0 else (1, 0)
            for side in order:
                if side == 0:
                    if setup:
                        setup()
                    ours.append(_time_once(package))
                elif alternative is not None:
                    if setup:
                        setup()
                    theirs.append(_time_once(alternative))
        if alternative_seconds:
            theirs = list(alternative_seconds)
        row = {
            "work": work,
            "package_min": min(ours),
            "package_median": statistics.median(ours),
            "alternative": alternative_name or "",
            "alternative_min": min(theirs) if theirs else float("nan"),
            "alternative_median": statistics.median(theirs) if theirs else float("nan"),
        }
        row["ratio"] = row["package_median"] / row["alternative_median"] if theirs else float("nan")
        self.rows.append(row)
        ratio = f"{row['ratio']:.3g}" if theirs else "—"
        print(
            f"{work[:58]:<58} {_fmt_seconds(row['package_min']):>12} {_fmt_seconds(row['package_median']):>10}   "
            f"{(alternative_name or '(none)')[:40]:<40} {_fmt_seconds(row['alternative_min']):>10} "
            f"{_fmt_seconds(row['alternative_median']):>10} {ratio:>7}"
        )
        return row
