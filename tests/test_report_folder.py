"""`reanalysis report DIR`: the audit report of any folder, deterministic, atomic, about that folder only."""

import os
import stat

import pytest
from conftest import OUTSIDE

from reanalysis import evidence
from reanalysis.report import build_audit_report


def _files(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """An outside folder's report built (umask 022), then rebuilt into the same folder over a
    stale file and a staging folder left by a killed build: (folder, parent, out, first build's
    bytes). The two builds are what the tests below compare and inspect."""
    root = tmp_path_factory.mktemp("rebuild")
    folder = root / "trial_x"
    folder.mkdir()
    for name, text in OUTSIDE.items():
        (folder / name).write_text(text)
    parent = root / "reports"
    parent.mkdir()
    out = parent / "out"
    ev = evidence.load(folder)
    old = os.umask(0o022)
    try:
        build_audit_report(ev, out)
        first = {f: (out / f).read_bytes() for f in _files(out)}
        (out / "tables" / "stale.csv").write_text("old")
        (parent / ".out.staging-dead").mkdir()
        build_audit_report(ev, out)
    finally:
        os.umask(old)
    return folder, parent, out, first


def test_report_of_an_outside_folder_is_about_that_folder(rebuilt):
    folder, _, out, _ = rebuilt
    md = (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    for text in (md, html):
        low = text.lower()
        assert "hetrombopag" not in low and "seed" not in low and "make reports" not in low
    assert str(folder) in md  # provenance and captions name the user's folder
    assert "Trial X 2020" in md
    assert "## Glossary" in md and "Clopper-Pearson" in md
    assert "https://example.org/trial-x" in html and '<a href="https://example.org/trial-x">' in html
    assert 'class="table-wrap"' in html
    # every referenced table and figure exists; figures are embedded
    assert (out / "figures" / "audit_verdicts.png").exists() and "data:image/png;base64," in html


def test_two_builds_are_byte_identical_and_files_have_normal_permissions(rebuilt):
    _, _, out, first = rebuilt
    assert {f: (out / f).read_bytes() for f in _files(out)} == first
    mode = stat.S_IMODE((out / "report.html").stat().st_mode)
    assert mode == 0o644


def test_rebuild_replaces_the_folder_whole_and_leaves_no_temporary_files(rebuilt):
    _, parent, out, _ = rebuilt
    assert not (out / "tables" / "stale.csv").exists()
    assert [p.name for p in parent.iterdir() if p.name.startswith(".")] == []


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path, outside_folder):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(ValueError, match="is not a report folder"):
        build_audit_report(evidence.load(outside_folder), precious)
    assert (precious / "thesis.tex").read_text() == "years of work"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_read_only_destination_fails_before_any_work(tmp_path, outside_folder):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    with pytest.raises(ValueError, match="not writable"):
        build_audit_report(evidence.load(outside_folder), ro / "out")


def test_failed_build_leaves_the_previous_report(tmp_path, rebuilt, monkeypatch):
    import shutil

    folder, _, built, _ = rebuilt
    out = tmp_path / "out"
    shutil.copytree(built, out)  # a report folder this package wrote
    before = {f: (out / f).read_bytes() for f in _files(out)}
    from reanalysis.report import writer

    def boom(*a, **k):
        raise RuntimeError("killed half way")

    monkeypatch.setattr(writer, "render_html", boom)
    with pytest.raises(RuntimeError):
        build_audit_report(evidence.load(folder), out)
    assert {f: (out / f).read_bytes() for f in _files(out)} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_audit_headline_counts_agree_with_the_verdict_table(flagship_reports):
    """Every count in the audit headline is the count of its published numbers (a p-value checked
    twice is one), and every count of its 'strength' sentence the count of its rows."""
    import re

    import pandas as pd

    from reanalysis.audit import number_verdicts

    audit = flagship_reports / "audit"
    table = pd.read_csv(audit / "tables" / "audit_full.csv", dtype=str, keep_default_na=False)
    md = (audit / "report.md").read_text(encoding="utf-8")
    verdicts = number_verdicts(table).value_counts()
    headline = next(line for line in md.splitlines() if line.startswith("> **Finding.**"))
    cannot = re.search(r"(\d+) cannot be checked", headline)
    assert int(cannot.group(1)) == verdicts.get("not-checkable", 0), headline
    assert int(re.search(r"(\d+) are adjusted", headline).group(1)) == verdicts.get("model-based", 0)
    assert re.search(r"(\d+) of (\d+) published numbers do not hold up", headline).groups() == (
        str(verdicts.get("not-reproducible", 0) + verdicts.get("inconsistent", 0)),
        str(verdicts.sum()),
    )
    assert f"{verdicts.sum()} published numbers, in {len(table)} checks" in md
    method = table[table.check == "method"]
    matched = method.verdict.str.startswith("reproduced").sum()
    assert f"{matched} are exact matches" in md
    ordering = (table[table.check == "consistency"].method == "ordering").sum()
    assert f"{ordering} are ordering checks" in md


def test_report_says_which_result_tables_it_read(tmp_path, outside_folder):
    (outside_folder / "time_to_event.csv").unlink()
    res = build_audit_report(evidence.load(outside_folder), tmp_path / "out")
    md = (res.out_dir / "report.md").read_text(encoding="utf-8")
    assert "Results read: `outcomes.csv` (" in md
    assert "not in the folder, so nothing of that kind was checked: time_to_event.csv" in md


def test_a_broken_template_no_report_uses_does_not_stop_the_build(monkeypatch):
    # The build compiles every prose template before forking its workers; a draft template that
    # fails to render must not stop a build none of whose reports uses it.
    import jinja2

    from reanalysis import report
    from reanalysis.report import build

    env = jinja2.Environment(
        loader=jinja2.DictLoader(
            {"draft.md.j2": "{{ draft_only }}", "fine.md.j2": "{% macro m() %}x{% endmacro %}"}
        ),
        undefined=jinja2.StrictUndefined,
    )
    monkeypatch.setattr(report, "_prose_environment", lambda: env)
    build._warm()
    with pytest.raises(jinja2.UndefinedError):  # a report that does use it still fails, loudly
        env.get_template("draft.md.j2").module  # noqa: B018
    assert env.get_template("fine.md.j2").module.m() == "x"
