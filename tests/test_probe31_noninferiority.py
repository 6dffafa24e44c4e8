"""Probe 31: non-inferiority claims, margins and p-values read or scaled the wrong way.

- "The noninferiority margin was not crossed / exceeded / breached" says non-inferiority was shown; it
  was read as "not shown" (the criterion-was-not wording), so a correct paper was called inconsistent.
- "was not merely / just noninferior but superior" was read as "not shown".
- A margin in points (-10) beside a difference printed as a proportion (-0.12 to 0.034, effect_unit
  empty) was compared as -10 with -0.12: the claim was "consistent" though -12 points crosses -10; and
  the p-value row crashed the whole audit (margin must be within -1 and 1).
- A margin of 1 point beside a rare harm's difference of 0.1 points (-0.2 to 0.4) read as a proportion
  crashed the audit; a margin at or beyond 100 points did too.
"""

import pytest

from reanalysis import audit, evidence
from reanalysis.audit.claims import read_noninferiority

FILES = {
    "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
    "s,S 2020,x,randomised,X,completed,confirmed,Abstract\n",
    "arms.csv": "study_id,arm_id,regimen,n_randomised,source_status,source\n"
    "s,a,new,2000,confirmed,A\ns,b,std,2000,confirmed,A\n",
}
HEAD = (
    "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,effect_measure,"
    "reported_effect,effect_ci_low,effect_ci_high,effect_ci_level,effect_unit,claim,margin,source_status,"
    "source_location\n"
)
OUTCOMES = (
    "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,source_status,"
    "source_location\n"
    "s,a,resp,12,week,300,400,,confirmed,A\ns,b,resp,12,week,310,400,,confirmed,A\n"
    "s,a,ae,12,week,4,2000,,confirmed,A\ns,b,ae,12,week,2,2000,,confirmed,A\n"
)


def _write(tmp_path, line):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "outcomes.csv").write_text(OUTCOMES)
    (tmp_path / "comparisons.csv").write_text(HEAD + line + "\n")
    return tmp_path


@pytest.mark.parametrize(
    "text",
    [
        "The noninferiority margin was not crossed.",
        "The noninferiority boundary was not exceeded.",
        "The non-inferiority threshold was not breached (upper 95% CI bound 1.12).",
        "Edoxaban was not merely noninferior but superior to warfarin.",
        "Edoxaban was not just noninferior but superior.",
        "Failure to demonstrate superiority did not preclude noninferiority.",
    ],
)
def test_not_read_as_not_shown(text):
    assert read_noninferiority(text).significant is not False


@pytest.mark.parametrize(
    "text",
    ["The noninferiority margin was not met.", "The criterion for noninferiority was not met."],
)
def test_criterion_not_met_still_not_shown(text):
    assert read_noninferiority(text).significant is False


def test_margin_not_crossed_is_no_inconsistency(tmp_path):
    line = "s,resp,12,week,a,b,,not stated,rd,-2.5,-8.4,3.4,95,,The noninferiority margin was not crossed.,-10,confirmed,A"
    table = audit.audit(evidence.load(_write(tmp_path, line)))
    assert "inconsistent" not in set(table[table.kind == "claim"].verdict)


@pytest.mark.parametrize("p", ["", "0.001"])
def test_margin_in_points_beside_proportions_is_refused(tmp_path, p):
    stated = "non-inferiority" if p else "not stated"
    line = (
        f"s,resp,12,week,a,b,{p},{stated},rd,-0.025,-0.12,0.034,95,,X was noninferior to Y.,-10,confirmed,A"
    )
    with pytest.raises(
        evidence.DataValidationError, match=r"column margin: '-10' is in percentage points.*-0\.1"
    ):
        evidence.load(_write(tmp_path, line))


def test_margin_of_one_point_beside_a_small_difference_does_not_crash(tmp_path):
    # 4/2000 vs 2/2000: 0.1 points (-0.2 to 0.4), margin 1 point; read as a proportion before, and 1 was
    # passed to noninferiority_test as a proportion (ValueError for the whole folder).
    line = "s,ae,12,week,a,b,0.001,non-inferiority,rd,0.1,-0.2,0.4,95,,X was noninferior to Y.,1,confirmed,A"
    table = audit.audit(evidence.load(_write(tmp_path, line)))
    (row,) = table[table.kind == "pvalue"].itertuples()
    assert "margin 1 " in row.explanation and row.verdict == "not-checkable"


@pytest.mark.parametrize("margin", ["-100", "150"])
def test_margin_beyond_100_points_is_refused(tmp_path, margin):
    line = f"s,resp,12,week,a,b,0.001,non-inferiority,rd,-2.5,-8.4,3.4,95,,,{margin},confirmed,A"
    with pytest.raises(evidence.DataValidationError, match="no margin for a risk difference"):
        evidence.load(_write(tmp_path, line))
