"""Kaplan-Meier, cumulative incidence and IPD reconstruction against lifelines, statsmodels and R."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from reanalysis import reconstruction, survival

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "reconstruction"


def _r_seconds(script: str, data: pd.DataFrame, repeats: int) -> list[float] | None:
    """Time ``script`` (R code using data frame ``d``) inside R, once per repeat after a warm-up.

    Returns the per-repeat wall times measured by R's ``system.time`` (elapsed), or None without R.
    """
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "d.csv"
        data.to_csv(csv, index=False)
        code = (
            "suppressPackageStartupMessages({library(survival); library(cmprsk)})\n"
            f"d <- read.csv('{csv}')\n"
            f"f <- function() {{ {script} }}\n"
            "invisible(f())\n"
            f"for (i in 1:{repeats}) cat(system.time(f())[['elapsed']], '\\n')\n"
        )
        try:
            out = subprocess.run(
                ["Rscript", "-e", code], capture_output=True, text=True, timeout=600, check=True
            )
        except (subprocess.SubprocessError, OSError):
            return None
    return [float(v) for v in out.stdout.split()]


def _trial_data(n, seed=1):
    rng = np.random.default_rng(seed)
    t, c = rng.exponential(12, n), rng.uniform(5, 40, n)
    return np.round(np.minimum(t, c), 3), (t <= c).astype(int)


def run(bench):
    from lifelines import KaplanMeierFitter
    from statsmodels.duration.survfunc import CumIncidenceRight

    # Kaplan-Meier, n = 1e5 (R survfit's default CI is "log", like ours)
    dur, ev = _trial_data(100_000)
    bench.compare(
        "kaplan_meier, n = 1e5 (R-style CIs and median)",
        lambda: survival.kaplan_meier(dur, ev),
        "lifelines KaplanMeierFitter.fit",
        lambda: KaplanMeierFitter().fit(dur, ev),
    )
    r = _r_seconds(
        "summary(survfit(Surv(time, event) ~ 1, data = d))$table", pd.DataFrame({"time": dur, "event": ev}), 5
    )
    if r:
        bench.compare(
            "kaplan_meier, n = 1e5",
            lambda: survival.kaplan_meier(dur, ev),
            "R survfit (timed in R)",
            alternative_seconds=r,
        )

    # Cumulative incidence with a competing event, n = 1e4 (formerly O(n x T): 296 ms)
    rng = np.random.default_rng(2)
    n = 10_000
    t = np.round(rng.exponential(10, n), 2)
    cause = rng.choice([0, 1, 2], n, p=[0.3, 0.4, 0.3])
    bench.compare(
        "cumulative_incidence, n = 1e4 (with Gray's variance)",
        lambda: survival.cumulative_incidence(t, cause, event_of_interest=1),
        "statsmodels CumIncidenceRight",
        lambda: CumIncidenceRight(t, cause),
    )
    r = _r_seconds("cuminc(d$time, d$cause, cencode = 0)", pd.DataFrame({"time": t, "cause": cause}), 5)
    if r:
        bench.compare(
            "cumulative_incidence, n = 1e4",
            lambda: survival.cumulative_incidence(t, cause),
            "R cmprsk::cuminc (timed in R)",
            alternative_seconds=r,
        )

    # Reconstruction of a 200-patient curve with its at-risk table and total of events
    dur, ev = _trial_data(200, seed=7)
    km = survival.kaplan_meier(dur, ev)
    steps = km.table[km.table.events > 0]
    curve = pd.DataFrame(
        {"time": [*steps.time, dur.max()], "survival": [*steps.survival, steps.survival.iloc[-1]]}
    )
    grid = np.arange(0, dur.max(), 5)
    at_risk = pd.DataFrame({"time": grid, "n_risk": km.at_risk(grid)})
    bench.compare(
        f"reconstruct, 200-patient curve ({len(curve)} points, total events)",
        lambda: reconstruction.reconstruct(curve, at_risk, total_events=int(ev.sum())),
        "Guyot 2012 placement (method='guyot')",
        lambda: reconstruction.reconstruct(curve, at_risk, total_events=int(ev.sum()), method="guyot"),
    )
    arms = [
        pd.read_csv(EXAMPLES / f"keynote189_{arm}_{kind}.csv")
        for arm in ("pembrolizumab", "placebo")
        for kind in ("curve", "at_risk")
    ]
    bench.compare(
        "compare_arms, KEYNOTE-189 (410 + 206 patients)",
        lambda: reconstruction.compare_arms(*arms, published_hr=0.49, published_hr_ci=(0.38, 0.64)),
        repeats=3,
    )
