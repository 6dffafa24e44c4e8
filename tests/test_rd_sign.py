"""A risk difference printed with the opposite sign of its own percentages (outside user, ASTER,
Lapergue et al., JAMA 2017;318:443-52, Table 2: mTICI 2c-3, 108/192 = 56.3% vs 107/189 = 56.6%,
printed "0.4 (-10.9 to 9.7)") says so, and what could explain it."""

import pytest

from reanalysis import audit, evidence

STUDIES = (
    "study_id,label,indication,design,citation,status,source_status,source\n"
    "aster,ASTER 2017,acute ischaemic stroke,randomised open-label,Lapergue B et al. JAMA 2017;318:443-52,"
    "completed,confirmed,https://doi.org/10.1001/jama.2017.9644\n"
)
OUTCOMES = (
    "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,source_status,"
    "source_location\n"
    "aster,aspiration,revasc,,best,108,192,56.3,confirmed,Table 2\n"
    "aster,stent,revasc,,best,107,189,56.6,confirmed,Table 2\n"
)


def _effect(tmp_path, printed, adjustment=""):
    (tmp_path / "studies.csv").write_text(STUDIES)
    (tmp_path / "outcomes.csv").write_text(OUTCOMES)
    (tmp_path / "comparisons.csv").write_text(
        "study_id,endpoint,timepoint_unit,arm_a,arm_b,test_stated,effect_measure,reported_effect,effect_ci_low,"
        "effect_ci_high,effect_unit,adjustment,source_status,source_location\n"
        f"aster,revasc,best,aspiration,stent,not stated,rd,{printed},percentage-points,{adjustment},confirmed,"
        "Table 2\n"
    )
    return audit.audit(evidence.load(tmp_path)).query("kind == 'effect'").iloc[0]


@pytest.mark.parametrize("printed", ["0.4,-10.9,9.7"])
def test_an_rd_of_the_opposite_sign_to_its_percentages_is_named(tmp_path, printed):
    row = _effect(tmp_path, printed)
    assert row.verdict == "not-reproducible"
    assert row.explanation.endswith(
        "; its sign is the opposite of the counts' difference (-0.36): the paper may subtract the arms the other "
        "way round (swap arm_a and arm_b to check), or the difference is adjusted, or misprinted."
    )


def test_an_rd_the_arms_the_other_way_round_give_is_not_called_of_the_opposite_sign(tmp_path):
    row = _effect(tmp_path, "0.4,-9.5,10.2")  # -(-0.36 (-10.22 to 9.51)), Newcombe
    assert "its sign is the opposite" not in row.explanation
    assert "with the arms the other way round it would be" in row.explanation


def test_an_rd_on_the_same_side_as_its_percentages_adds_nothing(tmp_path):
    row = _effect(tmp_path, "-0.4,-10.9,9.7")
    assert "its sign is the opposite" not in row.explanation


@pytest.mark.parametrize("unknown", ["unknown", "Not stated", "not reported", "unclear", "NA", "n/a"])
def test_an_adjustment_recorded_as_unknown_is_not_stated(tmp_path, unknown):
    # Outside user (ASTER): the adjustment column had no value for "the paper does not say", and
    # "unknown" made the row model-based.
    from reanalysis.audit.verdicts import adjustment_stated, is_model_based

    assert adjustment_stated(unknown) is None and not is_model_based(unknown, "not stated")
    assert is_model_based(unknown, "logistic regression")
    row = _effect(tmp_path, "0.4,-10.9,9.7", adjustment=unknown)
    assert row.verdict == "not-reproducible" and "the paper does not say it was adjusted" in row.explanation


def test_an_adjustment_the_paper_states_still_makes_the_row_model_based():
    from reanalysis.audit.verdicts import adjustment_stated, is_model_based

    assert adjustment_stated(" age and NIHSS ") == "age and NIHSS"
    assert is_model_based("age and NIHSS", "not stated") and not is_model_based("none", "not stated")
