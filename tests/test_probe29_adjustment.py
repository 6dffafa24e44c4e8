"""Probe 29: an adjustment recorded as "not adjusted" is crude, not a model the counts cannot reproduce.

COVI-PRONE's counts (70/205 vs 79/195) give the crude RR 0.84 (0.65-1.09); a printed RR 0.87
(0.71-1.07) recorded with adjustment "not adjusted" was excused as "An adjusted or model-based
estimate (not adjusted)" (model-based) instead of not reproducible. Only "none", "crude" and
"unadjusted" were read as crude.
"""

import pytest

from reanalysis import audit, evidence
from reanalysis.audit import is_model_based


@pytest.mark.parametrize(
    "adjustment",
    ["none", "Crude", "unadjusted", "not adjusted", "no adjustment", "unadjusted (crude)", "none."],
)
def test_wordings_of_no_adjustment_are_crude(adjustment):
    assert not is_model_based(adjustment, "Cox model")  # the column wins over the stated test


@pytest.mark.parametrize("adjustment", ["age and sex", "adjusted for centre", "crude and adjusted for age"])
def test_an_adjustment_is_model_based(adjustment):
    assert is_model_based(adjustment, "not stated")


def test_a_crude_ratio_recorded_as_not_adjusted_is_not_excused(tmp_path):
    files = {
        "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
        "t,T,x,randomised,A B. J 2020;1:1,completed,confirmed,https://example.org\n",
        "arms.csv": "study_id,arm_id,regimen,n_randomised,source_status,source\n"
        "t,a,a,205,confirmed,T1\nt,b,b,195,confirmed,T1\n",
        "outcomes.csv": "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,"
        "source_status,source_location\n"
        "t,a,intubation,30,day,70,205,confirmed,T2\nt,b,intubation,30,day,79,195,confirmed,T2\n",
        "comparisons.csv": "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,test_stated,"
        "effect_measure,reported_effect,effect_ci_low,effect_ci_high,adjustment,source_status,source_location\n"
        "t,intubation,30,day,a,b,not stated,rr,0.87,0.71,1.07,not adjusted,confirmed,T2\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    table = audit.audit(evidence.load(tmp_path))
    (effect,) = table[table.kind == "effect"].itertuples()
    assert effect.verdict == "not-reproducible"
    assert "records it as unadjusted (adjustment: not adjusted)" in effect.explanation
