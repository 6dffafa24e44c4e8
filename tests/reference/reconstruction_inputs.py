"""Write the inputs of tests/reference/reconstruction.R (run from the repository root):

    python tests/reference/reconstruction_inputs.py && Rscript tests/reference/reconstruction.R

- reconstruction_ipd.csv: the IPD that `reanalysis.reconstruction` reconstructs from the two
  published trials in examples/reconstruction/ (pinned: tests/test_reconstruction_r.py checks
  that the package still reconstructs exactly these rows, so R's figures apply to them), and a
  simulated time-to-response curve with deaths before response as a competing event (code 2).
- reconstruction_curves.csv: digitised curves + at-risk tables on which R runs Guyot's 2012
  algorithm as published (the held-out curve of issue 12 and the two trials).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from reanalysis import reconstruction as rc  # noqa: E402
from reanalysis import survival as sv  # noqa: E402

EX = ROOT / "examples" / "reconstruction"
HERE = Path(__file__).resolve().parent

TRIALS = {
    "keynote189": (("pembrolizumab", "keynote189_pembrolizumab"), ("placebo", "keynote189_placebo")),
    "bonner2006": (("cetuximab", "bonner2006_cetuximab"), ("radiotherapy", "bonner2006_radiotherapy")),
}


def trial_inputs(trial):
    out = []
    for arm, stem in TRIALS[trial]:
        out.append((arm, pd.read_csv(EX / f"{stem}_curve.csv"), pd.read_csv(EX / f"{stem}_at_risk.csv")))
    return out


def competing_case():
    """Simulated trial: response (1), death before response (2), censoring; the published curve is
    1 - KM with deaths censored, its at-risk table, the total of responses and the death times."""
    rng = np.random.default_rng(5)
    n = 120
    tr, td, tc = rng.exponential(8, n), rng.exponential(25, n), rng.uniform(4, 30, n)
    t = np.round(np.minimum.reduce([tr, td, tc]), 2)
    code = np.where(tr <= np.minimum(td, tc), 1, np.where(td <= tc, 2, 0))
    km = sv.kaplan_meier(t, (code == 1).astype(int))
    steps = km.table[km.table.events > 0]
    cumulative = 1 - steps.survival
    curve = pd.DataFrame({"time": [*steps.time, t.max()], "survival": [*cumulative, cumulative.iloc[-1]]})
    grid = np.arange(0, t.max(), 4)
    at_risk = pd.DataFrame({"time": grid, "n_risk": km.at_risk(grid)})
    return curve, at_risk, int((code == 1).sum()), t[code == 2], (t, code)


def ipd_rows():
    frames = []
    for trial in TRIALS:
        for treated, (arm, curve, at_risk) in zip((1, 0), trial_inputs(trial), strict=True):
            ipd = rc.reconstruct(curve, at_risk).ipd
            frames.append(ipd.assign(case=trial, arm=arm, treated=treated, code=ipd.event))
    curve, at_risk, responses, deaths, _ = competing_case()
    res = rc.cumulative_response(curve, at_risk, responses, competing_times=deaths)
    frames.append(
        res.ipd.assign(case="competing", arm="single", treated=1, event=(res.ipd.code == 1).astype(int))
    )
    return pd.concat(frames, ignore_index=True)[["case", "arm", "treated", "time", "event", "code"]]


def curve_rows():
    import test_reconstruction as tr  # the held-out curve of issue 12

    rows = []
    _, curve, at_risk, total = tr.held_out_curve()
    rows.append(("heldout", "single", rc.clean_curve(curve), at_risk, total))
    for trial in TRIALS:
        for arm, curve, at_risk in trial_inputs(trial):
            rows.append((trial, arm, rc.clean_curve(curve), at_risk, np.nan))
    out = []
    for case, arm, curve, at_risk, total in rows:
        out.append(curve.assign(case=case, arm=arm, kind="curve", value=curve.survival, total_events=total))
        out.append(
            at_risk.assign(case=case, arm=arm, kind="at_risk", value=at_risk.n_risk, total_events=total)
        )
    return pd.concat(out, ignore_index=True)[["case", "arm", "kind", "time", "value", "total_events"]]


if __name__ == "__main__":
    ipd_rows().to_csv(HERE / "reconstruction_ipd.csv", index=False, float_format="%.17g")
    curve_rows().to_csv(HERE / "reconstruction_curves.csv", index=False, float_format="%.17g")
    print("wrote reconstruction_ipd.csv and reconstruction_curves.csv")
