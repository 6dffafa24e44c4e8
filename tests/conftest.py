import os
import shutil
from pathlib import Path

import pytest

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


def build_all(out: Path, data_dir: Path = DATA, jobs: int = 1) -> Path:
    """Every report and the index into ``out``, as `make reports` builds them (``jobs`` workers)."""
    from reanalysis.report.build import main

    assert main(["--out", str(out), "--data-dir", str(data_dir), "--jobs", str(jobs), *ANALYSES]) == 0
    return out


def build_one(name: str, out: Path, data_dir: Path = DATA) -> str:
    """One report into ``out`` (its own folder); returns its report.md."""
    from reanalysis.report.build import _run_script

    error = _run_script(str(ROOT / "analyses" / f"{name}.py"), str(out), str(data_dir))
    assert error is None, error
    return (out / "report.md").read_text(encoding="utf-8")


_PREBUILT = "REANALYSIS_TEST_REPORTS"


def pytest_configure(config):
    """Under xdist, the controller builds the flagship reports once, on both cores, before the
    workers start; the workers read them (see ``flagship_reports``)."""
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", default=None):
        return
    import tempfile

    out = Path(tempfile.mkdtemp(prefix="reanalysis-test-reports-"))
    build_all(out, jobs=2)
    os.environ[_PREBUILT] = str(out)
    config._prebuilt_reports = out


def pytest_unconfigure(config):
    out = getattr(config, "_prebuilt_reports", None)
    if out is not None:
        shutil.rmtree(out, ignore_errors=True)
        os.environ.pop(_PREBUILT, None)


@pytest.fixture(scope="session")
def flagship_reports(tmp_path_factory) -> Path:
    """The flagship reports, built once for the whole test run (by the xdist controller when the
    tests run in parallel, else here)."""
    prebuilt = os.environ.get(_PREBUILT)
    if prebuilt and (Path(prebuilt) / "index.html").exists():
        return Path(prebuilt)
    return build_all(tmp_path_factory.mktemp("reports"))


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
