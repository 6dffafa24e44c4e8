import os
import shutil
from pathlib import Path

import pytest

# Figures are drawn off-screen in every test (report builds run in this process).
os.environ.setdefault("MPLBACKEND", "Agg")

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


def build_all(out: Path, data_dir: Path = DATA) -> Path:
    """Every report and the index into ``out``, as `make reports` builds them."""
    from reanalysis.report.build import main

    assert main(["--out", str(out), "--data-dir", str(data_dir), *ANALYSES]) == 0
    return out


def build_one(name: str, out: Path, data_dir: Path = DATA) -> str:
    """One report into ``out`` (its own folder); returns its report.md."""
    from reanalysis.report.build import _run_script

    error = _run_script(str(ROOT / "analyses" / f"{name}.py"), str(out), str(data_dir))
    assert error is None, error
    return (out / "report.md").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def flagship_reports(tmp_path_factory) -> Path:
    """The flagship reports, built once for the whole test session."""
    return build_all(tmp_path_factory.mktemp("reports"))
