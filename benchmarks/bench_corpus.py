"""Corpus-scale audit: 10,000 synthetic comparisons audited end to end, in numbers per second."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from reanalysis import audit, evidence, proportions

N_COMPARISONS = int(os.environ.get("CORPUS_SIZE", "10000"))


def write_corpus(folder: Path, k: int = N_COMPARISONS, seed: int = 20261125) -> None:
    """An evidence folder of ``k`` two-arm studies: printed percentages (n unknown within the arm size),
    Clopper-Pearson CIs, and p-values from a chi-square test (5% deliberately misprinted)."""
    rng = np.random.default_rng(seed)
    n1 = rng.integers(20, 201, k)
    n2 = rng.integers(20, 201, k)
    x1 = rng.binomial(n1, rng.uniform(0.1, 0.9, k))
    x2 = rng.binomial(n2, rng.uniform(0.1, 0.9, k))
    ids = [f"s{i:05d}" for i in range(k)]
    studies = pd.DataFrame(
        {
            "study_id": ids,
            "indication": "synthetic",
            "design": "randomised",
            "citation": "synthetic corpus",
            "status": "completed",
            "source_status": "confirmed",
            "source": "benchmarks/bench_corpus.py",
        }
    )
    arms = pd.DataFrame(
        {
            "study_id": np.repeat(ids, 2),
            "arm_id": ["a", "b"] * k,
            "regimen": "x",
            "n_randomised": np.column_stack([n1, n2]).ravel(),
            "source_status": "confirmed",
            "source": "Table 1",
        }
    )
    lo1, hi1 = proportions.ci_many(x1, n1, "clopper-pearson")
    lo2, hi2 = proportions.ci_many(x2, n2, "clopper-pearson")
    pct = np.column_stack([100 * x1 / n1, 100 * x2 / n2]).ravel()
    outcomes = pd.DataFrame(
        {
            "study_id": np.repeat(ids, 2),
            "arm_id": ["a", "b"] * k,
            "endpoint": "response",
            "timepoint_value": 6,
            "timepoint_unit": "month",
            "reported_percent": [f"{v:.1f}" for v in pct],
            "ci_low": [f"{v:.1f}" for v in 100 * np.column_stack([lo1, lo2]).ravel()],
            "ci_high": [f"{v:.1f}" for v in 100 * np.column_stack([hi1, hi2]).ravel()],
            "ci_level": 95,
            "source_status": "confirmed",
            "source_location": "Table 2",
        }
    )
    p = proportions.compare_many(x1, n1, x2, n2, "chi2")
    wrong = rng.random(k) < 0.05
    p = np.where(wrong, np.clip(p * rng.uniform(0.5, 1.5, k), 0, 1), p)
    printed_p = ["<0.001" if v < 0.001 else f"{v:.3f}" for v in p]
    comparisons = pd.DataFrame(
        {
            "study_id": ids,
            "endpoint": "response",
            "timepoint_value": 6,
            "timepoint_unit": "month",
            "arm_a": "a",
            "arm_b": "b",
            "reported_p": printed_p,
            "test_stated": "chi-square",
            "source_status": "confirmed",
            "source_location": "Table 2",
        }
    )
    for name, frame in (
        ("studies", studies),
        ("arms", arms),
        ("outcomes", outcomes),
        ("comparisons", comparisons),
    ):
        frame.to_csv(folder / f"{name}.csv", index=False)


def _cold():
    from reanalysis.audit import folder

    folder._CACHE.clear()  # the audit memo would make every repeat after the first free
    proportions._test.cache_clear()


def run(bench):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        write_corpus(folder)
        bench.note(f"corpus of {N_COMPARISONS:,} comparisons written in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        ev = evidence.load(folder)
        load_s = time.perf_counter() - t0
        numbers = {}

        def audit_with(jobs):
            def go():
                numbers[jobs] = len(audit.audit(ev, n_jobs=jobs))

            return go

        row = bench.compare(
            f"audit {N_COMPARISONS:,} comparisons, 1 process (load {load_s:.1f} s)",
            audit_with(1),
            "same audit, all cores (joblib)",
            audit_with(-1),
            repeats=1,
            setup=_cold,
        )
        n = numbers[1]
        bench.note(
            f"{n:,} published numbers: {n / row['package_median']:,.0f} numbers/s in one process, "
            f"{n / row['alternative_median']:,.0f} numbers/s on all cores "
            f"(a 250,000-p-value statcheck-scale corpus: ~{250_000 / (n / row['alternative_median']) / 60:.1f} min)"
        )
