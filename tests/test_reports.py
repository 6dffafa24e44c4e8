"""Reports: each builds into a temporary folder, deterministically, with every reference resolved."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ["saa", "itp", "cit", "audit"]


def _build(out: Path):
    env = dict(os.environ, MPLBACKEND="Agg")
    for name in REPORTS:
        subprocess.run(
            [sys.executable, str(ROOT / "analyses" / f"{name}.py"), "--out", str(out / name)],
            check=True,
            env=env,
            capture_output=True,
        )
    subprocess.run(
        [sys.executable, str(ROOT / "analyses" / "index.py"), "--out", str(out)],
        check=True,
        env=env,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    first, second = tmp_path_factory.mktemp("build1"), tmp_path_factory.mktemp("build2")
    _build(first)
    _build(second)
    return first, second


def _files(root: Path):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_every_report_and_the_index_are_built(builds):
    out, _ = builds
    assert (out / "index.html").is_file()
    for name in REPORTS:
        assert (out / name / "report.md").is_file() and (out / name / "report.html").is_file()


def test_two_builds_are_byte_identical(builds):
    a, b = builds
    assert _files(a) == _files(b)
    different = [str(f) for f in _files(a) if (a / f).read_bytes() != (b / f).read_bytes()]
    assert different == []


@pytest.mark.parametrize("name", REPORTS)
def test_every_referenced_figure_and_table_exists(builds, name):
    out, _ = builds
    text = (out / name / "report.md").read_text()
    refs = re.findall(r"\]\(((?:figures|tables)/[^)]+)\)", text)
    assert refs
    for ref in refs:
        assert (out / name / ref).is_file(), ref
    html = (out / name / "report.html").read_text()
    assert "data:image/png;base64," in html and 'src="figures/' not in html  # self-contained


@pytest.mark.parametrize("name", REPORTS)
def test_no_nan_or_none_printed_in_tables(builds, name):
    out, _ = builds
    for md in (out / name / "tables").glob("*.md"):
        cells = [c.strip().lower() for line in md.read_text().splitlines() for c in line.split("|")]
        assert not {"nan", "none", "<na>", "inf"} & set(cells), md.name


def test_reports_carry_provenance(builds):
    out, _ = builds
    text = (out / "saa" / "report.md").read_text()
    assert "hetrombopag-reanalysis" in text and re.search(r"`data/outcomes.csv`: `[0-9a-f]{64}`", text)


def test_failed_build_leaves_no_partial_report(tmp_path, data_copy):
    (data_copy / "outcomes.csv").write_text("broken\n")
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "analyses" / "saa.py"),
            "--out",
            str(tmp_path / "saa"),
            "--data-dir",
            str(data_copy),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0 and "outcomes.csv: missing column(s)" in proc.stderr
    assert not (tmp_path / "saa" / "report.html").exists()
