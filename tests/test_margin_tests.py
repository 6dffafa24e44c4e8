"""A p-value of a non-inferiority or equivalence test is about a margin, not about no difference.

A correct non-inferiority report (retreatment 50/400 vs 48/400, RD 0.5 (-4.1 to 5.1) points,
"P = .002 for non-inferiority", margin 8 points) was called "not reproducible" by the two-sided tests
of no difference (G-test p = 0.83) and "a gross inconsistency" with its CI; a "<0.001" from such a
test would have been credited to whichever test of no difference also prints < 0.001.
"""

import pytest

from reanalysis import audit, evidence

FILES = {
    "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
    "t,NI trial,pneumonia,randomised,Invented N. J Test 2021;1:1,completed,confirmed,https://example.org/n\n",
    "arms.csv": "study_id,arm_id,regimen,n_randomised,source_status,source\n"
    "t,short,3 days,400,confirmed,Table 1\nt,long,7 days,400,confirmed,Table 1\n",
    "outcomes.csv": "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
    "source_status,source_location\n"
    "t,short,retreatment,28,day,50,400,12.5,confirmed,Table 2\n"
    "t,long,retreatment,28,day,48,400,12.0,confirmed,Table 2\n",
}
HEAD = (
    "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,effect_measure,"
    "reported_effect,effect_ci_low,effect_ci_high,effect_unit,source_status,source_location\n"
)


def _audit(tmp_path, line):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "comparisons.csv").write_text(HEAD + line)
    return audit.audit(evidence.load(tmp_path))


@pytest.mark.parametrize(
    "stated",
    [
        "Farrington-Manning test for non-inferiority (margin 8 percentage points)",
        "noninferiority",
        "two one-sided tests for equivalence",
    ],
)
@pytest.mark.parametrize("p", ["0.002", "<0.001"])
def test_a_margin_test_p_is_not_checked_against_tests_of_no_difference(tmp_path, stated, p):
    table = _audit(
        tmp_path,
        f"t,retreatment,28,day,short,long,{p},{stated},rd,0.5,-4.1,5.1,percentage-points,confirmed,T2\n",
    )
    rows = table[table.kind.isin(["pvalue", "effect-p"])]
    assert list(rows.verdict) == ["not-checkable", "not-checkable"], rows.explanation.tolist()
    assert all("non-inferiority or equivalence margin" in e for e in rows.explanation)
    # the effect itself is still recomputed from the counts
    assert table[table.kind == "effect"].verdict.iloc[0] == "reproduced"


def test_a_hazard_ratio_p_for_non_inferiority_is_not_called_inconsistent_with_its_ci(tmp_path):
    table = _audit(
        tmp_path,
        "t,death,,best,short,long,0.01,stratified log-rank (non-inferiority),hr,1.02,0.85,1.22,,confirmed,F2\n",
    )
    (row,) = table[table.kind == "pvalue"].itertuples()
    assert row.verdict == "not-checkable" and "margin" in row.explanation


def test_a_test_of_no_difference_is_still_checked(tmp_path):
    table = _audit(
        tmp_path,
        "t,retreatment,28,day,short,long,0.002,chi-square,rd,0.5,-4.1,5.1,percentage-points,confirmed,T2\n",
    )
    (row,) = table[table.kind == "pvalue"].itertuples()
    assert row.verdict == "not-reproducible"
