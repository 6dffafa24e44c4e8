"""Evidence folders of any paper: init, the general schema, optional tables, clear errors."""

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from reanalysis import audit, evidence

ROOT = Path(__file__).resolve().parents[1]


def test_init_writes_a_fillable_folder_that_loads_empty(tmp_path):
    folder = tmp_path / "paper"
    written = evidence.init(folder)
    assert {p.name for p in written} == {f"{t}.csv" for t in evidence.TABLES} | {"README.md"}
    for name in evidence.TABLES:
        lines = (folder / f"{name}.csv").read_text().splitlines()
        assert lines[0].split(",")[0] == evidence.SCHEMAS[name]["columns"][0].name
        assert lines[1].startswith("# e.g.")  # one commented example row
    ev = evidence.load(folder)
    assert ev.studies.empty and ev.outcomes.empty
    assert str(ev.outcomes["responders"].dtype) == "Int64"  # empty tables keep their column types
    readme = (folder / "README.md").read_text()
    assert "outcomes.csv" in readme and "percentage-points" in readme
    with pytest.raises(ValueError, match="already has"):
        evidence.init(folder)


def test_only_studies_and_one_results_table_are_required(outside_folder):
    (outside_folder / "arms.csv").unlink()
    (outside_folder / "time_to_event.csv").unlink()
    lines = (outside_folder / "outcomes.csv").read_text()
    (outside_folder / "outcomes.csv").unlink()
    (outside_folder / "comparisons.csv").unlink()
    with pytest.raises(evidence.DataValidationError, match="no results table"):
        evidence.load(outside_folder)
    (outside_folder / "outcomes.csv").write_text(lines)
    ev = evidence.load(outside_folder)
    assert ev.arms.empty and ev.comparisons.empty and len(ev.outcomes) == 2


def test_free_text_indication_and_not_reached(outside_folder):
    ev = evidence.load(outside_folder)
    assert ev.studies.indication.tolist() == ["iNHL"]
    assert ev.time_to_event.value.tolist() == ["NR", "14.2"]
    assert ev.study_label("trial_x") == "Trial X 2020"


def test_optional_columns_may_be_left_out_but_unknown_ones_are_named(outside_folder):
    path = outside_folder / "outcomes.csv"
    text = path.read_text().replace("responders,", "respnders,", 1)
    path.write_text(text)
    with pytest.raises(
        evidence.DataValidationError, match=r"unknown column 'respnders' \(did you mean responders\?\)"
    ):
        evidence.load(outside_folder)


def test_comment_lines_keep_physical_line_numbers(outside_folder):
    path = outside_folder / "outcomes.csv"
    lines = path.read_text().splitlines()
    lines.insert(1, "# a comment about the next rows")
    lines[3] = lines[3].replace(",40,100,", ",140,100,")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(
        evidence.DataValidationError, match="outcomes.csv, line 4, column responders: 140 exceeds n"
    ):
        evidence.load(outside_folder)


def test_nul_byte_and_misnamed_tables_are_reported(outside_folder):
    (outside_folder / "outcome.csv").write_text("x\n")
    path = outside_folder / "arms.csv"
    path.write_bytes(path.read_bytes().replace(b"drug X", b"drug\x00X"))
    with pytest.raises(evidence.DataValidationError) as err:
        evidence.load(outside_folder)
    text = str(err.value)
    assert "arms.csv, line 2: contains a NUL byte" in text
    assert "outcome.csv: not a table of an evidence folder; did you mean outcomes.csv?" in text


def test_effect_rows_are_checked(outside_folder):
    path = outside_folder / "comparisons.csv"
    text = path.read_text().replace(",hr,0.72,0.55,0.94,ratio,", ",hr,0.72,0.55,0.94,percentage-points,")
    path.write_text(text)
    with pytest.raises(evidence.DataValidationError, match="column effect_unit: hr is a ratio"):
        evidence.load(outside_folder)
    path.write_text(text.replace(",hr,0.72,0.55,0.94,percentage-points,", ",hr,-0.72,0.55,0.94,ratio,"))
    with pytest.raises(evidence.DataValidationError, match="an HR and its CI cannot be negative"):
        evidence.load(outside_folder)


def test_default_folder_is_the_one_the_user_means(tmp_path, outside_folder, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REANALYSIS_DATA", raising=False)
    with pytest.raises(evidence.DataValidationError, match="no evidence folder given"):
        evidence.load()
    monkeypatch.setenv("REANALYSIS_DATA", str(outside_folder))
    assert evidence.load().label == str(outside_folder)
    monkeypatch.delenv("REANALYSIS_DATA")
    shutil.copytree(outside_folder, tmp_path / "data")
    ev = evidence.load()
    assert ev.folder == (tmp_path / "data").resolve() and ev.label == "data"


def test_a_copied_checkout_reads_its_own_package_and_data(tmp_path):
    # pytest's pythonpath and the Makefile's PYTHONPATH put this tree's src/ first: a copy of the
    # tree imports its own package, never the original checkout's editable install.
    import subprocess
    import sys

    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "src", copy / "src")
    shutil.copytree(ROOT / "data", copy / "data")
    (copy / "src" / "reanalysis" / "MARK").write_text("copy")
    code = "import reanalysis, pathlib; print(pathlib.Path(reanalysis.__file__).parent / 'MARK')"
    env = dict(os.environ, PYTHONPATH=str(copy / "src"))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=copy, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert Path(out).read_text() == "copy"


def test_rd_in_percentage_points_is_read_on_its_printed_scale(outside_folder):
    frame = audit.audit(evidence.load(outside_folder))
    rd = frame[(frame.kind == "effect") & frame.reported.str.startswith("RD")].iloc[0]
    assert rd.verdict == "reproduced" and "inferred from the magnitude" in rd.explanation
    path = outside_folder / "comparisons.csv"
    path.write_text(path.read_text().replace(",rd,20,6.4,33.6,,", ",rd,20,6.4,33.6,percentage-points,"))
    rd = audit.audit(evidence.load(outside_folder)).query("kind == 'effect'").iloc[0]
    assert rd.verdict == "reproduced" and "inferred" not in rd.explanation
    # Declared as a proportion, 20 is not 0.20: never silently rescaled, refused at load.
    path.write_text(path.read_text().replace("percentage-points", "proportion"))
    with pytest.raises(
        evidence.DataValidationError, match="a risk difference in proportions lies within -1 to 1"
    ):
        evidence.load(outside_folder)


def test_an_empty_audit_keeps_its_columns(tmp_path):
    evidence.init(tmp_path / "blank")
    frame = audit.audit(evidence.load(tmp_path / "blank"))
    assert frame.empty and list(frame.columns) == audit.AUDIT_COLUMNS


def test_schema_markdown_documents_every_column():
    text = evidence.schema_markdown()
    for schema in evidence.SCHEMAS.values():
        for col in schema["columns"]:
            assert f"| {col.name} |" in text


def test_flagship_folder_has_every_table_with_full_headers():
    for name in evidence.TABLES:
        header = pd.read_csv(ROOT / "data" / f"{name}.csv", nrows=0).columns.tolist()
        assert header == [c.name for c in evidence.SCHEMAS[name]["columns"]], name


def test_a_repeated_load_is_not_changed_by_a_caller_and_sees_every_edit(outside_folder):
    """Loads of the same bytes reuse the validation; each caller still gets its own tables, and
    an edited file is validated again (an error in it is reported, not a stale copy returned)."""
    first = evidence.load(outside_folder)
    first.outcomes.loc[0, "responders"] = 99
    again = evidence.load(outside_folder)
    assert again.outcomes.loc[0, "responders"] == 60 and again.lines == first.lines
    stray = outside_folder / "outcome.csv"  # a look-alike file beside unchanged tables
    stray.write_text("study_id\n")
    with pytest.raises(evidence.DataValidationError, match="did you mean outcomes.csv"):
        evidence.load(outside_folder)
    stray.unlink()
    path = outside_folder / "outcomes.csv"
    path.write_text(path.read_text().replace(",60,100,60.0,", ",160,100,60.0,"))
    with pytest.raises(evidence.DataValidationError, match="responders: 160 exceeds n"):
        evidence.load(outside_folder)
