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


def test_a_p_value_printed_with_its_letter_is_still_one_number_with_its_ci_check(outside_folder):
    ev = evidence.load(outside_folder)
    ev.comparisons.loc[ev.comparisons.effect_measure == "rd", "reported_p"] = "P=0.005"
    table = audit.audit(ev)
    ids = audit.number_ids(table)
    pvalue = table[(table.kind == "pvalue") & (table.reported == "P=0.005")].index[0]
    effect_p = table[table.kind == "effect-p"].index[0]
    assert ids[effect_p] == pvalue


ASTER = {  # Lapergue et al., JAMA 2017;318:443 (ASTER), Table 2: 55/192 vs 67/189, OR 0.73 (0.54-1.13), P .16
    "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
    "aster,ASTER 2017,acute ischaemic stroke,randomised open-label,Lapergue B et al. JAMA 2017;318:443,"
    "completed,confirmed,https://pmc.ncbi.nlm.nih.gov/articles/PMC5817613/table/joi170084t2\n",
    "arms.csv": "study_id,arm_id,regimen,n_randomised,source_status,source\n"
    "aster,aspiration,contact aspiration,192,confirmed,Table 2\naster,stent,stent retriever,189,confirmed,Table 2\n",
    "outcomes.csv": "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
    "source_status,source_location\n"
    "aster,aspiration,mrs_0_2,90,day,55,192,28.6,confirmed,Table 2\n"
    "aster,stent,mrs_0_2,90,day,67,189,35.4,confirmed,Table 2\n",
}


def _aster(tmp_path, low):
    for name, text in ASTER.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "comparisons.csv").write_text(
        "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,effect_measure,"
        "reported_effect,effect_ci_low,effect_ci_high,effect_unit,source_status,source_location\n"
        f"aster,mrs_0_2,90,day,aspiration,stent,.16,not stated,or,0.73,{low},1.13,ratio,confirmed,Table 2\n"
    )
    return audit.audit(evidence.load(tmp_path)).query("kind == 'effect-p'").iloc[0]


def test_an_off_centre_interval_no_method_gives_is_not_excused_by_a_test_that_gives_the_p(tmp_path):
    row = _aster(tmp_path, "0.54")  # the lower bound alone implies p = 0.04; Woolf on the counts: 0.475
    assert row.verdict == "inconsistent"
    assert "a bound is more likely misprinted than the p" in row.explanation


def test_the_printed_interval_the_counts_give_agrees_with_its_p(tmp_path):
    row = _aster(tmp_path, "0.48")
    assert row.verdict == "consistent"
