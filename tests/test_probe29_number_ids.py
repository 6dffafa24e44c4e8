"""Probe 29: one verdict per published number when two comparisons share a key and a printed p.

A non-inferiority p-value with no effect beside it and a superiority p-value beside an RD and its CI
(one endpoint, both printed "<0.001") have the same study, endpoint, timepoint, arms and p text.
``number_ids`` paired the superiority row's effect-p check with the first p-value row in table order,
the non-inferiority one: that p (not checkable: a test against a margin) was counted "consistent"
with a CI that is not about it, and the report said "0 not checkable". Sorting the table moved the
pairing again. Two audits joined with ``pd.concat`` (repeated row labels) silently lost numbers.
"""

import pandas as pd
import pytest

from reanalysis import audit, evidence

FILES = {
    "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
    "t,T,x,randomised,A B. J 2020;1:1,completed,confirmed,https://example.org\n",
    "arms.csv": "study_id,arm_id,regimen,n_randomised,source_status,source\n"
    "t,a,a,200,confirmed,T1\nt,b,b,200,confirmed,T1\n",
    "outcomes.csv": "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
    "source_status,source_location\n"
    "t,a,resp,12,month,120,200,60.0,confirmed,T2\nt,b,resp,12,month,80,200,40.0,confirmed,T2\n",
    "comparisons.csv": "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,"
    "effect_measure,reported_effect,effect_ci_low,effect_ci_high,effect_unit,source_status,source_location\n"
    "t,resp,12,month,a,b,<0.001,non-inferiority (margin 10 points),,,,,,confirmed,Text\n"
    "t,resp,12,month,a,b,<0.001,chi-square,rd,20.0,10.4,29.6,percentage-points,confirmed,T2\n",
}


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pair")
    for name, text in FILES.items():
        (folder / name).write_text(text)
    return audit.audit(evidence.load(folder))


def _verdict_of(table, numbers, test_word):
    (label,) = table.index[(table.kind == "pvalue") & table.explanation.str.contains(test_word)]
    return numbers[label]


@pytest.mark.parametrize("order", ["audit", "sorted by verdict", "reversed"])
def test_an_effect_p_check_is_paired_with_its_own_comparisons_p_value(table, order):
    shown = {
        "audit": table,
        "sorted by verdict": table.sort_values("verdict"),
        "reversed": table.iloc[::-1],
    }[order]
    numbers = audit.number_verdicts(shown)
    assert len(numbers) == 5
    assert _verdict_of(table, numbers, "non-inferiority") == "not-checkable"
    assert _verdict_of(table, numbers, "every standard test") == "reproduced"


def _row(kind, reported, verdict, timepoint="6 month"):
    return {
        "study_id": "t",
        "endpoint": "response",
        "timepoint": timepoint,
        "arm": "a vs b",
        "kind": kind,
        "reported": reported,
        "verdict": verdict,
    }


def test_a_failed_effect_p_check_is_charged_to_its_own_p_value():
    table = pd.DataFrame(
        [
            _row("pvalue", "0.01", "not-checkable"),  # e.g. a margin test, no effect printed
            _row("pvalue", "0.01", "reproduced"),
            _row("effect", "OR 2.0 (0.8-5.0)", "reproduced"),
            _row("effect-p", "OR 2.0 (0.8-5.0), p 0.01", "inconsistent"),
        ]
    )
    for shown in (table, table.sort_values("verdict"), table.iloc[::-1]):
        numbers = audit.number_verdicts(shown)
        assert numbers.sort_index().tolist() == ["not-checkable", "inconsistent", "reproduced"]


def test_an_empty_key_cell_pairs_with_an_empty_one():
    table = pd.DataFrame(
        [
            _row("pvalue", "0.01", "reproduced", None),
            _row("effect-p", "RR 2.0 (1.1-3.6), p 0.01", "consistent", None),
        ]
    )
    table["timepoint"] = float("nan")  # as a table read back from a CSV file with an empty cell
    assert audit.number_verdicts(table).tolist() == ["reproduced"]


def test_joined_audits_with_repeated_row_labels_are_refused(table):
    with pytest.raises(ValueError, match="row labels repeat.*ignore_index=True"):
        audit.number_verdicts(pd.concat([table, table]))
    assert len(audit.number_verdicts(pd.concat([table, table], ignore_index=True))) == 10


def test_a_table_without_verdicts_or_with_an_unknown_verdict_is_refused(table):
    with pytest.raises(ValueError, match="column verdict missing"):
        audit.number_verdicts(table.drop(columns=["verdict"]))
    odd = table.copy()
    odd.loc[odd.index[0], "verdict"] = "ok"
    with pytest.raises(ValueError, match="verdict 'ok' is not one of"):
        audit.number_verdicts(odd)
