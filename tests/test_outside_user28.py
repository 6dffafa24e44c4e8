"""What a new user auditing COVI-PRONE (Alhazzani et al., JAMA 2022;327:2104) and a statistical
reviewer of the examples' reports found misleading, each pinned here.

Counts: intubation 70/205 vs 79/195 (34% vs 41%); R: 70/205 - 79/195 = -0.06366 (Wald
-0.15833 to 0.03100); risk ratio 0.843 (Katz 0.653 to 1.088).
"""

import pandas as pd

from reanalysis import audit, evidence
from reanalysis.audit import fingerprint

STUDIES = (
    "study_id,label,indication,design,citation,status,source_status,source\n"
    "t,COVI-PRONE,COVID-19,randomised,Alhazzani W et al. JAMA 2022;327:2104,completed,confirmed,"
    "https://doi.org/10.1001/jama.2022.7993\n"
)
ARMS = (
    "study_id,arm_id,regimen,n_randomised,source_status,source\n"
    "t,prone,awake prone positioning,205,confirmed,Table 2\n"
    "t,control,usual care,195,confirmed,Table 2\n"
)
OUTCOMES = (
    "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,stratum,"
    "source_status,source_location\n"
    "t,prone,intubation,30,day,70,205,34,,confirmed,Table 2\n"
    "t,control,intubation,30,day,79,195,41,,confirmed,Table 2\n"
)
HEAD = (
    "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,effect_measure,"
    "reported_effect,effect_ci_low,effect_ci_high,effect_unit,adjustment,source_status,source_location\n"
)


def _audit(tmp_path, comparisons="", outcomes=OUTCOMES):
    for name, text in (("studies", STUDIES), ("arms", ARMS), ("outcomes", outcomes)):
        (tmp_path / f"{name}.csv").write_text(text)
    if comparisons:
        (tmp_path / "comparisons.csv").write_text(HEAD + comparisons)
    return audit.audit(evidence.load(tmp_path))


def _effect(table):
    (row,) = table[table.kind == "effect"].itertuples()
    return row


def test_arms_entered_the_other_way_round_are_suggested(tmp_path):
    row = _effect(
        _audit(
            tmp_path, "t,intubation,30,day,prone,control,,not stated,rr,1.19,0.92,1.53,,none,confirmed,T2\n"
        )
    )
    assert row.verdict == "not-reproducible"
    assert "with the arms the other way round it would be 1.19" in row.explanation
    assert "arm_a (prone)" in row.explanation


def test_a_ratio_recorded_as_unadjusted_is_not_asked_whether_it_was_adjusted(tmp_path):
    row = _effect(
        _audit(
            tmp_path, "t,intubation,30,day,prone,control,,not stated,rr,0.87,0.71,1.07,,none,confirmed,T2\n"
        )
    )
    assert row.verdict == "not-reproducible"
    assert "the paper does not say it was adjusted" not in row.explanation
    assert "records it as unadjusted (adjustment: none)" in row.explanation
    assert "other way round" not in row.explanation  # 1/0.843 = 1.19 is not 0.87


def test_a_closest_difference_is_shown_with_the_printed_decimals(tmp_path):
    row = _effect(
        _audit(
            tmp_path,
            "t,intubation,30,day,prone,control,,not stated,rd,-0.0265,-0.1301,0.0749,proportion,,confirmed,T2\n",
        )
    )
    assert row.verdict == "not-reproducible"
    assert row.computed.endswith(": -0.0637 (-0.1609 to 0.0348)"), row.computed  # not -0.06 (-0.16 to 0.03)


def test_a_rounded_difference_of_printed_percentages_is_named(tmp_path):
    row = _effect(
        _audit(
            tmp_path,
            "t,intubation,30,day,prone,control,,not stated,rd,-7,-16,3,percentage-points,,confirmed,T2\n",
        )
    )
    assert row.verdict == "not-reproducible"  # -6.37 prints as -6
    assert "difference of the printed arm percentages (34 - 41 = -7 points)" in row.explanation


def test_a_subgroup_percentage_asks_for_the_subgroups_size_not_the_arms(tmp_path):
    outcomes = OUTCOMES + "t,prone,intubation,30,day,,,15,sf_gt150,confirmed,ACP JC\n"
    table = _audit(tmp_path, outcomes=outcomes)
    (row,) = table[table.explanation.str.contains("Neither the count")].itertuples()
    assert "subgroup 'sf_gt150': give the subgroup's size" in row.explanation
    assert "205" not in row.explanation


def test_a_duplicate_key_prints_its_timepoint_as_written(tmp_path):
    outcomes = OUTCOMES + "t,prone,intubation,30,day,70,205,34.1,,confirmed,abstract\n"
    try:
        _audit(tmp_path, outcomes=outcomes)
    except evidence.DataValidationError as err:
        assert "timepoint_value=30," in str(err) and "30.0" not in str(err)
    else:
        raise AssertionError("a duplicate row was accepted")


def test_a_fingerprint_tie_between_tests_that_fit_different_p_values_says_so():
    rows = pd.DataFrame(
        {
            "study_id": "t",
            "endpoint": ["a", "b"],
            "timepoint": "30 day",
            "arm": "prone vs control",
            "kind": "pvalue",
            "reported": [".19", ".81"],
            "verdict": "reproduced",
            "check": "method",
            "method": ["chi2", "fisher"],
            "computed": "",
            "explanation": "",
            "source": "",
        }
    )
    summary = fingerprint(rows, "t").summary
    assert "different numbers fit different methods" in summary
    assert "do not tell them apart" not in summary
    same = rows.assign(method="chi2;fisher")
    assert "do not tell them apart" in fingerprint(same, "t").summary
