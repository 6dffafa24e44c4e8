"""Smaller findings of two outside users (MPACT, NEJM 2013; pembrolizumab in HCC, four sources)."""

import shutil

import pytest

from reanalysis import audit, cli, evidence

EXAMPLE = evidence.Path(__file__).resolve().parents[1] / "examples" / "viale_a"


def test_an_unknown_timepoint_unit_is_one_problem_not_two(tmp_path):
    folder = tmp_path / "f"
    shutil.copytree(EXAMPLE, folder)
    lines = (folder / "outcomes.csv").read_text().splitlines()
    head = lines[0].split(",")
    unit, value = head.index("timepoint_unit"), head.index("timepoint_value")
    cells = lines[1].split(",")
    cells[unit], cells[value] = "best response", ""
    lines[1] = ",".join(cells)
    (folder / "outcomes.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(evidence.DataValidationError) as err:
        evidence.load(folder)
    assert err.value.problems == [
        "outcomes.csv, line 2, column timepoint_unit: 'best response' is not one of day, week, month, year, "
        "cycle, best"
    ]


def test_a_p_value_printed_with_its_letter_reads_once(outside_folder):
    ev = evidence.load(outside_folder)
    ev.comparisons.loc[ev.comparisons.effect_measure == "rd", "reported_p"] = "P=0.005"
    table = audit.audit(ev)
    row = table[table.kind == "effect-p"].iloc[0]
    assert row.reported == "RD 20 points (6.4-33.6), p 0.005"


def test_without_a_folder_the_cli_says_how_to_name_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REANALYSIS_DATA", raising=False)
    assert cli.main(["audit"]) == 2
    err = capsys.readouterr().err
    assert "name the folder (reanalysis audit path/to/folder)" in err and "load(" not in err


def test_a_folder_found_by_default_is_named(tmp_path, monkeypatch, capsys, outside_folder):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REANALYSIS_DATA", str(outside_folder))
    assert cli.main(["audit"]) == 0
    assert (
        f"reanalysis: no folder given; reading {outside_folder} ($REANALYSIS_DATA)" in capsys.readouterr().err
    )


def test_the_appendix_puts_the_verdict_and_why_beside_the_number(tmp_path, outside_folder):
    from reanalysis.report import build_audit_report

    build_audit_report(evidence.load(outside_folder), tmp_path / "r")
    header = (tmp_path / "r" / "tables" / "audit_full.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("published number,reported,verdict,explanation,")
