"""`make bench`: timings printed as figures (never asserted in tests).

Runs every ``benchmarks/bench_*.py`` module (or the ones named on the command line, e.g.
``python benchmarks/run.py proportions``). See ``benchmarks/harness.py`` for how rows are timed:
alternating repeats, min and median, ratio = package median / alternative median.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import Bench  # noqa: E402


def main(argv: list[str]) -> None:
    names = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    chosen = argv or names
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(names)}")
    bench = Bench()
    for name in chosen:
        module = importlib.import_module(f"bench_{name}")
        bench.section(f"{name}: {(module.__doc__ or '').strip().splitlines()[0]}")
        module.run(bench)


if __name__ == "__main__":
    main(sys.argv[1:])
