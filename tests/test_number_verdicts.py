"""One verdict per published number: a p-value printed beside an effect and its CI is checked
twice (recomputed from the counts, and against the p-value its CI implies) but is one number.

The audit report once said "139 published numbers" of the flagship folder, which prints 130: its
9 such p-values were counted twice, in the total and in the verdicts.
"""

import pandas as pd
import pytest

from reanalysis import audit, evidence
from reanalysis.report import audit_report


def _row(kind, reported, verdict, arm="a vs b", endpoint="response"):
    return {
        "study_id": "t",
        "endpoint": endpoint,
        "timepoint": "6 month",
        "arm": arm,
        "kind": kind,
        "reported": reported,
        "verdict": verdict,
        "check": "consistency" if kind == "effect-p" else "method",
        "method": "",
        "computed": "",
        "explanation": "",
        "source": "Table 2",
    }


def test_the_flagship_folder_has_130_numbers_in_139_checks():
    table = audit.audit(evidence.load("data"))
    numbers = audit.number_verdicts(table)
    assert (len(table), len(numbers)) == (139, 130)
    ids = audit.number_ids(table)
    paired = table[ids != table.index]
    assert set(paired.kind) == {"effect-p"} and len(paired) == (table.kind == "effect-p").sum()
    assert (table.loc[ids[paired.index], "kind"] == "pvalue").all()


def test_a_p_value_reproduced_but_contradicted_by_its_ci_does_not_hold_up():
    table = pd.DataFrame(
        [
            _row("pvalue", "0.01", "reproduced"),
            _row("effect", "OR 2.0 (0.8-5.0)", "reproduced"),
            _row("effect-p", "OR 2.0 (0.8-5.0), p 0.01", "inconsistent"),
        ]
    )
    assert audit.number_verdicts(table).tolist() == ["inconsistent", "reproduced"]


def test_an_adjusted_p_value_that_agrees_with_its_ci_is_consistent():
    table = pd.DataFrame(
        [
            _row("effect-p", "OR 3.2 (1.3-7.8), p 0.01", "consistent"),  # order does not matter
            _row("pvalue", "0.01", "model-based"),
            _row("effect", "OR 3.2 (1.3-7.8)", "model-based"),
        ]
    )
    numbers = audit.number_verdicts(table)
    assert numbers.to_dict() == {1: "consistent", 2: "model-based"}  # labelled by the p-value's row


def test_a_crude_and_an_adjusted_ratio_with_one_printed_p_are_two_numbers_each_checked_twice():
    rows = [
        _row("pvalue", "0.03", "reproduced"),
        _row("effect", "OR 2.1 (1.1-4.0)", "reproduced"),
        _row("effect-p", "OR 2.1 (1.1-4.0), p 0.03", "consistent"),
        _row("pvalue", "0.03", "model-based"),
        _row("effect", "OR 2.3 (1.1-4.8)", "model-based"),
        _row("effect-p", "OR 2.3 (1.1-4.8), p 0.03", "consistent"),
    ]
    table = pd.DataFrame(rows)
    assert audit.number_ids(table).tolist() == [0, 1, 0, 3, 4, 3]
    assert audit.number_verdicts(table).tolist() == ["reproduced", "reproduced", "consistent", "model-based"]


def test_an_effect_p_row_of_another_comparison_is_its_own_number():
    table = pd.DataFrame(
        [
            _row("pvalue", "0.01", "reproduced", arm="a vs b"),
            _row("effect-p", "OR 2.0 (1.2-3.4), p 0.01", "consistent", arm="a vs c"),
            _row("effect-p", "OR 2.0 (1.2-3.4), p 0.02", "inconsistent", arm="a vs b"),
        ]
    )
    assert audit.number_ids(table).tolist() == [0, 1, 2]


def test_the_report_counts_numbers_and_says_how_many_checks(tmp_path):
    table = audit.audit(evidence.load("data"))
    c = audit_report._counts(table)
    assert (c["total"], c["checks"]) == (130, 139)
    assert c["total"] == c["reproduced"] + c["consistent"] + c["model"] + c["problems"] + c["not_checkable"]


@pytest.mark.parametrize(
    "folder",
    [
        "examples/cll14",
        "examples/ascembl",
        "examples/haem_rct_landscape",
        "examples/optic_ponatinib",
        "examples/mpact",
    ],
)
def test_every_second_check_of_a_p_value_finds_its_first(folder):
    # The audit writes a pvalue row for every printed p, so every effect-p row has one to join.
    table = audit.audit(evidence.load(folder))
    ids = audit.number_ids(table)
    assert ((ids != table.index) == (table.kind == "effect-p")).all()
    assert len(audit.number_verdicts(table)) == len(table) - (table.kind == "effect-p").sum()


def _strength(rows):
    from reanalysis.report import narrative

    table = pd.DataFrame(rows)
    return str(narrative("audit").strength(audit_report._counts(table)))


def test_the_strength_paragraph_accounts_for_every_check_and_prints_no_zero_category():
    # Statistical reviewer: "0 are p-values printed as a bound", and 4 granularity checks called
    # "arithmetic (a percentage recomputed from its own count ...)" where no count is published.
    granular = dict(_row("percent", "42", "consistent"), check="arithmetic", method="granularity (n = 50)")
    unchecked = dict(_row("claim", "significant", "not-checkable"), check="unchecked")
    text = _strength([granular] * 4 + [unchecked] * 2)
    assert text.startswith("Not every check says as much. Of 6 checks, 4 are granularity checks (no count")
    assert "recomputed from its own count" not in text and " 0 " not in text
    assert text.endswith(
        "; the other 2 could check nothing (an adjusted estimate, too little published, or a check that does "
        "not apply; each row says which)."
    )


def test_the_flagship_report_counts_numbers_in_every_section(flagship_reports):
    md = (flagship_reports / "audit" / "report.md").read_text(encoding="utf-8")
    assert "130 published numbers, in 139 checks: 9 p-values printed beside their effect" in md
    # RACE's adjusted p agrees with its CI: a consistent number, not listed as model-based
    assert "9 published numbers come from an adjusted or model-based analysis" in md
    assert "Of 139 checks, 66 are arithmetic" in md and "the other 18 could check nothing" in md


def test_the_cli_counts_numbers_and_checks(capsys):
    from reanalysis import cli

    assert cli.main(["audit", "data"]) == 1
    out, err = capsys.readouterr()
    assert "130 published numbers in 139 checks" in out
    assert "3 published numbers do not hold up" in err
