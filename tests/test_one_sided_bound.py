"""A non-inferiority result that prints only the CI bound facing the margin (Geisler et al., NEJM
2015: "an upper boundary of the 90% CI of 5.9", margin 5 points, failures 5/155 vs 0/155; R: the
Agresti-Caffo 90% interval is 0.46 to 5.91).
"""

import pytest

from reanalysis import audit, evidence

FILES = {
    "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
    "g,Geisler 2015,chlamydia,randomised,Geisler WM et al. N Engl J Med 2015;373:2512,completed,confirmed,"
    "https://doi.org/10.1056/NEJMoa1502599\n",
    "arms.csv": "study_id,arm_id,regimen,n_randomised,source_status,source\n"
    "g,azi,azithromycin,284,confirmed,abstract\ng,doxy,doxycycline,283,confirmed,abstract\n",
    "outcomes.csv": "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
    "source_status,source_location\n"
    "g,azi,failure,28,day,5,155,3.2,confirmed,abstract\ng,doxy,failure,28,day,0,155,0,confirmed,abstract\n",
}
HEAD = (
    "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,effect_measure,"
    "reported_effect,effect_ci_low,effect_ci_high,effect_ci_level,effect_unit,claim,margin,source_status,"
    "source_location\n"
)
CLAIM = "The noninferiority of azithromycin was not established"


def _audit(tmp_path, line):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "comparisons.csv").write_text(HEAD + line)
    return audit.audit(evidence.load(tmp_path))


def test_the_bound_facing_the_margin_alone_checks_the_claim(tmp_path):
    table = _audit(
        tmp_path,
        f"g,failure,28,day,azi,doxy,,not stated,rd,3.2,,5.9,90,percentage-points,{CLAIM},5,confirmed,abstract\n",
    )
    claim = table[table.kind == "claim"].iloc[0]
    assert claim.verdict == "consistent", claim.explanation
    assert "upper bound of the 90% CI (5.9) does not lie below the margin 5" in claim.explanation
    effect = table[table.kind == "effect"].iloc[0]
    assert effect.reported == "RD 3.2 (upper CI bound 5.9) points"
    assert (effect.verdict, effect.check) == ("reproduced", "arithmetic")
    assert "only one bound of its CI is printed" in effect.explanation


def test_the_bound_that_does_not_face_the_margin_alone_is_refused(tmp_path):
    with pytest.raises(evidence.DataValidationError) as err:
        _audit(
            tmp_path,
            f"g,failure,28,day,azi,doxy,,not stated,rd,3.2,0.5,,90,percentage-points,{CLAIM},5,confirmed,abstract\n",
        )
    assert (
        "comparisons.csv, line 2, columns effect_ci_low/effect_ci_high: give both bounds or neither"
        in str(err.value)
    )
    assert "the bound facing it may be given alone" in str(err.value)


def test_one_bound_without_a_margin_is_refused(tmp_path):
    with pytest.raises(evidence.DataValidationError, match="give both bounds or neither"):
        _audit(
            tmp_path,
            "g,failure,28,day,azi,doxy,,not stated,rd,3.2,,5.9,90,percentage-points,,,confirmed,abstract\n",
        )


def test_a_hazard_ratio_with_only_its_facing_bound_is_audited_without_error(tmp_path):
    table = _audit(
        tmp_path,
        "g,failure,,best,azi,doxy,,not stated,hr,1.05,,1.21,95,,was non-inferior,1.3,confirmed,abstract\n",
    )
    claim = table[table.kind == "claim"].iloc[0]
    assert claim.verdict == "consistent" and "(1.21) lies below the margin 1.3" in claim.explanation
