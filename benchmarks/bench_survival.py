"""Kaplan-Meier, cumulative incidence and IPD reconstruction."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reanalysis import survival


def run(bench):
    rng = np.random.default_rng(7)
    t, c = rng.exponential(12, 200), rng.uniform(5, 40, 200)
    km = survival.kaplan_meier(np.round(np.minimum(t, c), 2), (t <= c).astype(int))
    steps = km.table[km.table.events > 0]
    curve = pd.DataFrame({"time": steps.time, "survival": steps.survival})
    grid = np.arange(0, km.table.time.max(), 5)
    at_risk = pd.DataFrame({"time": grid, "n_risk": km.at_risk(grid)})
    bench.compare(
        f"reconstruct_ipd, 200-patient curve ({len(curve)} points)",
        lambda: survival.reconstruct_ipd(curve, at_risk),
    )
