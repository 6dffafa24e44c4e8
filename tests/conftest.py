import gc
import os
import shutil
import subprocess
from pathlib import Path

import pytest

# The cyclic garbage collector ran some 1,500 times a worker and took ~3 CPU-s of each (4% of the
# run), mostly re-scanning the objects that live to the end (modules, collected tests, caches).
# Collections are rarer here (every 20,000 allocations instead of 700) and those objects are frozen
# once collected. No test depends on when garbage is collected; memory grows by a few MB at most.
gc.set_threshold(20_000, 20, 20)


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()


# Figures are drawn off-screen in every test (report builds run in this process).
os.environ.setdefault("MPLBACKEND", "Agg")

# Property tests draw the same examples on every run, so CI is reproducible and a red run is a
# change in the code, not a new random draw; `HYPOTHESIS_PROFILE=explore make test` searches anew
# (and a failure it finds gets pinned as a test).
from hypothesis import settings  # noqa: E402

settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of data/ for tests that break a table on purpose."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


OUTSIDE = {
    "studies.csv": (
        "study_id,label,indication,design,citation,status,source_status,source\n"
        'trial_x,Trial X 2020,iNHL,"randomised, open-label",Invented A. Test trial. J Test 2020;1:1,completed,'
        "confirmed,https://example.org/trial-x\n"
    ),
    "arms.csv": (
        "study_id,arm_id,regimen,n_randomised,source_status,source\n"
        "trial_x,drug,drug X,100,confirmed,Table 1\n"
        "trial_x,control,standard care,100,confirmed,Table 1\n"
    ),
    "outcomes.csv": (
        "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,ci_low,ci_high,"
        "ci_level,source_status,source_location\n"
        "trial_x,drug,overall_response,6,month,60,100,60.0,49.7,69.7,95,confirmed,Table 2\n"
        "trial_x,control,overall_response,6,month,40,100,40.0,30.3,50.3,95,confirmed,Table 2\n"
    ),
    "comparisons.csv": (
        "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,effect_measure,"
        "reported_effect,effect_ci_low,effect_ci_high,effect_unit,source_status,source_location\n"
        "trial_x,overall_response,6,month,drug,control,0.005,chi-square,rd,20,6.4,33.6,,confirmed,Table 2\n"
        "trial_x,progression_free_survival,,best,drug,control,0.016,log-rank,hr,0.72,0.55,0.94,ratio,confirmed,"
        "Figure 2\n"
    ),
    "time_to_event.csv": (
        "study_id,arm_id,quantity,statistic,value,unit,ci_low,ci_high,source_status,source_location\n"
        "trial_x,drug,progression_free_survival,median,NR,month,20.1,NR,confirmed,Figure 2\n"
        "trial_x,control,progression_free_survival,median,14.2,month,11.0,17.9,confirmed,Figure 2\n"
    ),
}


@pytest.fixture
def outside_folder(tmp_path):
    """A small evidence folder of an invented non-hetrombopag trial (iNHL, HR with NR medians)."""
    dest = tmp_path / "trial_x"
    dest.mkdir()
    for name, text in OUTSIDE.items():
        (dest / name).write_text(text)
    return dest


# ------------------------------------------------------------------------------------------
# Reports, built in this process (imports paid once; see reanalysis.report.build)
# ------------------------------------------------------------------------------------------
ROOT = DATA.parent
ANALYSES = [str(ROOT / "analyses" / f"{name}.py") for name in ("saa", "itp", "cit", "audit", "index")]


#: The flagship build's arguments exactly as `make reports` gives them (run from the repository
#: root): the reports print the evidence folder they were given, so only a build given the same
#: arguments can be compared byte for byte with the committed reports/.
MAKE_ARGS = ["--data-dir", "data", *(os.path.relpath(a, ROOT) for a in ANALYSES)]


def build_flagship(out: Path) -> Path:
    """The flagship reports into ``out`` in this process, given what `make reports` gives."""
    import contextlib

    from reanalysis.report.build import main

    with contextlib.chdir(ROOT):
        assert main(["--out", str(out), "--jobs", "1", *MAKE_ARGS]) == 0
    return out


def build_one(name: str, out: Path, data_dir: Path = DATA, *, rasterise: bool = True) -> str:
    """One report into ``out`` (its own folder); returns its report.md.

    ``rasterise=False`` is for tests of the prose built from changed data: every figure is still
    built and drawn without a canvas (its data, labels, caption, layout and every artist's draw),
    only the PNG/SVG encoding is replaced by a placeholder file; the figures' pixels are checked on
    the flagship build (test_reports).
    """
    import contextlib
    from unittest import mock

    from reanalysis.report import writer
    from reanalysis.report.build import _run_script

    def placeholder(fig, stem: Path) -> bytes:
        fig.draw_without_rendering()  # every artist is still drawn (layout, text, paths), on no canvas
        for suffix in (".png", ".svg"):
            writer.atomic_write(Path(f"{stem}{suffix}"), b"not rasterised in this test")
        return b"not rasterised in this test"

    patch = contextlib.nullcontext() if rasterise else mock.patch.object(writer, "save_figure", placeholder)
    with patch:
        error = _run_script(str(ROOT / "analyses" / f"{name}.py"), str(out), str(data_dir))
    assert error is None, error
    return (out / "report.md").read_text(encoding="utf-8")


_PREBUILT = "REANALYSIS_TEST_REPORTS"
#: The hash seed of the background build: drawn afresh for each run (and printed in its log and in
#: test_reports' messages), so that run after run the determinism check of test_reports compares
#: builds under new seeds, as the comparison of two builds made in the same run always did.
_HASH_SEED = "REANALYSIS_TEST_HASHSEED"


def background_hash_seed() -> str | None:
    """PYTHONHASHSEED of the background build (None when there is none: the reports are built in
    this process, under its own seed)."""
    return os.environ.get(_HASH_SEED) if os.environ.get(_PREBUILT) else None


def _background_build(out: Path, seed: str) -> subprocess.Popen:
    """Build the flagship reports into ``out`` in a fresh process, without waiting for it: as
    `make reports` builds them (its arguments, two forked workers), so the build path users run is
    the one tested.

    Its exit status lands in ``build.status`` and its messages in ``build.log`` beside ``out`` (a
    thread of this process writes the status if the build dies before it can).
    """
    import sys
    import threading

    status, log = out.parent / "build.status", out.parent / "build.log"
    code = (
        "import pathlib, sys\n"
        "from reanalysis.report.build import main\n"
        "rc = 1\n"
        "try:\n"
        "    rc = main(sys.argv[2:])\n"
        "finally:\n"
        "    done = pathlib.Path(sys.argv[1])\n"
        "    done.with_suffix('.tmp').write_text(str(rc))\n"
        "    done.with_suffix('.tmp').replace(done)\n"
    )
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT / "src"))
    with open(log, "w") as sink:
        sink.write(f"PYTHONHASHSEED={seed}\n")
        sink.flush()
        proc = subprocess.Popen(
            [sys.executable, "-c", code, str(status), "--out", str(out), "--jobs", "2", *MAKE_ARGS],
            env=env,
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )

    def reap():
        rc = proc.wait()
        try:
            if not status.exists():
                status.with_suffix(".tmp").write_text(str(rc or 1))
                status.with_suffix(".tmp").replace(status)
        except OSError:  # the run ended first and removed the folder
            pass

    threading.Thread(target=reap, daemon=True).start()
    return proc


def _selection_uses_flagship_reports(config) -> bool:
    """Whether a test file named on the command line (or under testpaths) asks for the reports.

    A cheap look at the files' text, so that `pytest -n 2 tests/test_bayes.py` does not build
    reports nobody reads; a test that needs them anyway builds them itself (see the fixture).
    """
    here = Path(config.invocation_params.dir)
    for arg in config.args or [str(ROOT / "tests")]:
        path = here / arg.split("::")[0]
        if path.is_file():
            files = [path]
        elif path.is_dir():  # not the virtualenv or other hidden folders under the repository root
            files = [
                f for f in path.rglob("*.py") if not any(p.startswith(".") for p in f.relative_to(path).parts)
            ]
        else:
            files = []
        if any("flagship_reports" in f.read_text(encoding="utf-8", errors="ignore") for f in files):
            return True
    return False


def pytest_configure(config):
    """Under xdist, the controller starts the flagship build in a fresh process and goes on: the
    workers import and run other tests meanwhile, and ``flagship_reports`` waits for it."""
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", default=None):
        return
    # One BLAS thread per process: the workers already occupy the cores, and OpenBLAS threads
    # spinning beside them cost CPU time (the workers inherit this environment).
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if not _selection_uses_flagship_reports(config):
        return
    import random
    import tempfile

    out = Path(tempfile.mkdtemp(prefix="reanalysis-test-reports-"))
    seed = str(random.SystemRandom().randrange(1, 2**32))
    config._prebuild = _background_build(out / "reports", seed)
    os.environ[_PREBUILT] = str(out / "reports")
    os.environ[_HASH_SEED] = seed
    config._prebuilt_reports = out


def pytest_unconfigure(config):
    proc = getattr(config, "_prebuild", None)
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()
    out = getattr(config, "_prebuilt_reports", None)
    if out is not None:
        shutil.rmtree(out, ignore_errors=True)
        os.environ.pop(_PREBUILT, None)
        os.environ.pop(_HASH_SEED, None)


def _wait_for_background_build(out: Path, timeout: float = 900.0) -> Path:
    import time

    status = out.parent / "build.status"
    deadline = time.monotonic() + timeout
    while not status.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"the background report build did not finish in {timeout:.0f} s")
        time.sleep(0.1)
    text = status.read_text().strip()
    if text != "0":
        log = (out.parent / "build.log").read_text(errors="replace")
        pytest.fail(f"the background report build failed (status {text}):\n{log[-4000:]}")
    return out


@pytest.fixture(scope="session")
def flagship_reports(tmp_path_factory) -> Path:
    """The flagship reports, built once for the whole test run (in the background, in a fresh
    process with a hash seed drawn for the run, when the tests run in parallel; else here)."""
    prebuilt = os.environ.get(_PREBUILT)
    if prebuilt:
        return _wait_for_background_build(Path(prebuilt))
    return build_flagship(tmp_path_factory.mktemp("reports"))


def for_every_row(rows, ids=None):
    """One test that checks every row of a reference table and lists every row that fails.

    For reference tables with thousands of rows (R cross-checks): the same checks as one
    parametrized test per row, without the per-test overhead. The decorated function takes the
    row as its first argument; other arguments are fixtures.
    """
    import functools
    import inspect

    rows = list(rows)

    def deco(check):
        sig = inspect.signature(check)
        params = [p for name, p in sig.parameters.items() if name != "row"]

        @functools.wraps(check)
        def test(*args, **kwargs):
            failures = []
            for row in rows:
                try:
                    check(row, *args, **kwargs)
                except AssertionError as err:
                    failures.append(f"{ids(row) if ids else row}: {err}")
            assert not failures, f"{len(failures)} of {len(rows)} rows fail:\n" + "\n".join(failures[:20])

        test.__signature__ = sig.replace(parameters=params)
        del test.__wrapped__
        return test

    return deco
