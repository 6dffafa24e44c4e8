"""`make reports` cold (dependencies installed) and as a no-op."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _make(*args):
    subprocess.run(["make", *args], cwd=ROOT, check=True, capture_output=True)


def run(bench):
    bench.compare(
        "make reports, cold (every report rebuilt)",
        lambda: _make("-B", "-o", ".venv/.installed", "reports"),
        repeats=1,
    )
    bench.compare("make reports, nothing changed", lambda: _make("reports"), repeats=3)
