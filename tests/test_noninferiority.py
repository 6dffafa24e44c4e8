"""A claim of non-inferiority, checked against the printed CI and the margin the folder records.

The margin is the boundary the CI must not cross, on the effect's scale: a risk difference of
retreatment (a bad outcome) of 0.5 points (-4.1 to 5.1) is non-inferior at a margin of 8 points
because its upper bound lies below 8; a response difference must keep its lower bound above -10;
a ratio of failures its upper bound below 1.25, a ratio of successes its lower bound above 0.8.
"""

import pytest

from reanalysis import audit, evidence
from reanalysis.audit.claims import read_noninferiority

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
    "reported_effect,effect_ci_low,effect_ci_high,effect_unit,claim,margin,source_status,source_location\n"
)


def _row(tmp_path, kind, p, stated, effect, claim, margin):
    """The audit row of ``kind`` for one comparison of the retreatment table."""
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "comparisons.csv").write_text(
        HEAD + f"t,retreatment,28,day,short,long,{p},{stated},{effect},{claim},{margin},confirmed,Table 2\n"
    )
    table = audit.audit(evidence.load(tmp_path))
    (row,) = table[table.kind == kind].itertuples()
    return row


def _claim(tmp_path, effect, claim, margin):
    return _row(tmp_path, "claim", "", "not stated", effect, claim, margin)


@pytest.mark.parametrize(
    "text, shown",
    [
        ("3 days was non-inferior to 7 days", True),
        ("non-inferiority was demonstrated", True),
        ("demonstrated noninferiority but not superiority", True),
        ("Non-inferiority was not shown", False),
        ("failed to demonstrate non-inferiority", False),
        ("the short course was not non-inferior", False),
        ("non-inferiority could not be established", False),
        ("did not meet the non-inferiority criterion", False),
        ("was not only non-inferior but superior", None),  # never read as "not shown"
        ("appeared non-inferior", None),
        ("the non-inferiority margin was 8 percentage points", None),
        ("equivalence was shown", None),
        ("was significantly better", None),
    ],
)
def test_reading_a_claim_of_non_inferiority(text, shown):
    assert read_noninferiority(text).significant is shown


@pytest.mark.parametrize(
    "effect, claim, margin, verdict, why",
    [
        (
            "rd,0.5,-4.1,5.1,percentage-points",
            "3 days was non-inferior",
            "8",
            "consistent",
            "(5.1) lies below the margin 8",
        ),
        (
            "rd,0.5,-4.1,9.1,percentage-points",
            "3 days was non-inferior",
            "8",
            "inconsistent",
            "does not lie below",
        ),
        ("rd,0.5,-4.1,9.1,percentage-points", "non-inferiority was not shown", "8", "consistent", "agrees"),
        # a bound printed at the margin stands for values on both sides of it
        ("rd,0.5,-4.1,8,percentage-points", "3 days was non-inferior", "8", "not-checkable", "both sides"),
        ("rd,-1.0,-6.2,4.2,percentage-points", "was non-inferior", "-10", "consistent", "(-6.2) lies above"),
        ("rr,1.04,0.86,1.26,ratio", "was non-inferior", "1.25", "inconsistent", "(1.26) does not lie below"),
        (
            "rr,0.97,0.85,1.10,ratio",
            "was non-inferior",
            "0.8",
            "consistent",
            "lower bound of the 95% CI (0.85)",
        ),
        (
            "rd,0.5,,,percentage-points",
            "was non-inferior",
            "8",
            "not-checkable",
            "upper bound, which faces the margin, is not printed",
        ),
    ],
)
def test_a_claim_of_non_inferiority_against_the_ci_and_the_margin(
    tmp_path, effect, claim, margin, verdict, why
):
    row = _claim(tmp_path, effect, claim, margin)
    assert row.verdict == verdict, row.explanation
    assert why in row.explanation, row.explanation


def test_without_a_margin_the_claim_says_how_to_check_it(tmp_path):
    row = _claim(tmp_path, "rd,0.5,-4.1,5.1,percentage-points", "3 days was non-inferior to 7 days", "")
    assert row.verdict == "not-checkable"
    assert "Record the margin (column margin)" in row.explanation


@pytest.mark.parametrize(
    "effect, margin, message",
    [
        (",,,,", "8", "column margin: a margin needs the effect it bounds"),
        ("rr,1.04,0.86,1.26,ratio", "1", "column margin: '1' is no margin for a ratio"),
        ("rr,1.04,0.86,1.26,ratio", "-0.2", "column margin: '-0.2' is no margin for a ratio"),
        ("rd,0.5,-4.1,5.1,percentage-points", "0", "column margin: '0' is no margin for a difference"),
        ("rd,0.005,-0.041,0.051,proportion", "8", "column margin: '8' is not a proportion"),
    ],
)
def test_a_margin_that_cannot_be_one_is_refused_naming_the_line(tmp_path, effect, margin, message):
    with pytest.raises(evidence.DataValidationError, match="comparisons.csv, line 2") as err:
        _claim(tmp_path, effect, "was non-inferior", margin)
    assert message in str(err.value)


def test_a_claim_copied_with_a_unicode_hyphen_is_read_and_hinted(tmp_path):
    # journal pages print "non‐inferior" with U+2010, which a copy keeps (probe 29)
    assert read_noninferiority("3 days was non\u2010inferior").significant is True
    row = _claim(tmp_path, "rd,0.5,-4.1,5.1,percentage-points", "3 days was non\u2010inferior to 7 days", "")
    assert "Record the margin (column margin)" in row.explanation


def _pvalue(tmp_path, p, stated, effect="rd,0.5,-4.1,5.1,percentage-points", margin="8"):
    return _row(tmp_path, "pvalue", p, stated, effect, "", margin)


def test_a_non_inferiority_p_is_recomputed_against_the_recorded_margin(tmp_path):
    # R (tests/reference/noninferiority.R): Farrington-Manning p = 0.000808, Miettinen-Nurminen
    # 0.000813, Wald 0.000608 for 50/400 vs 48/400 below a margin of 8 points
    row = _pvalue(tmp_path, "0.0008", "Farrington-Manning test for non-inferiority")
    assert (row.verdict, row.check, row.method) == (
        "reproduced",
        "method",
        "farrington-manning;miettinen-nurminen",
    )
    assert "lies below the margin 8" in row.explanation
    row = _pvalue(tmp_path, "<0.001", "non-inferiority")
    assert (row.verdict, row.check) == ("reproduced", "threshold")


def test_a_non_inferiority_p_no_asymptotic_test_gives_is_not_called_wrong(tmp_path):
    row = _pvalue(tmp_path, "0.03", "non-inferiority (exact)")
    assert row.verdict == "not-checkable"
    assert "exact tests against a margin are not tried" in row.explanation


def test_a_non_inferiority_p_of_an_odds_ratio_says_what_is_recomputed(tmp_path):
    row = _pvalue(tmp_path, "0.01", "non-inferiority", effect="or,1.05,0.68,1.61,ratio", margin="1.5")
    assert row.verdict == "not-checkable" and "not for an OR" in row.explanation


def test_a_non_inferiority_p_on_percentages_of_a_published_n_uses_the_one_table_that_fits(tmp_path):
    # probe 31: 75.0% and 77.5% of 400 can only be 300/400 and 310/400 (FM p = 0.00638, Wald 0.00632)
    files = dict(FILES)
    files["outcomes.csv"] = (
        "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
        "source_status,source_location\n"
        "t,short,retreatment,28,day,,400,75.0,confirmed,Table 2\n"
        "t,long,retreatment,28,day,,400,77.5,confirmed,Table 2\n"
    )
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "comparisons.csv").write_text(
        HEAD
        + "t,retreatment,28,day,short,long,0.006,non-inferiority,rd,-2.5,-8.4,3.4,percentage-points,,-10,"
        "confirmed,Table 2\n"
    )
    table = audit.audit(evidence.load(tmp_path))
    (row,) = table[table.kind == "pvalue"].itertuples()
    assert row.verdict == "reproduced-with-assumptions", row.explanation
    assert "300/400 vs 310/400" in row.explanation and "above the margin -10" in row.explanation


@pytest.mark.parametrize(
    "text, shown",
    [
        # probe 31's unread wordings, and their negations, which must stay negations
        ("These data establish the noninferiority of rivaroxaban", True),
        ("demonstrates non-inferiority of the short course", True),
        ("shows noninferiority", True),
        ("The noninferiority endpoint was met", True),
        ("The primary noninferiority end point was not met", False),
        ("did not show noninferiority", False),
        ("could not demonstrate noninferiority", False),
        ("These data do not establish the noninferiority of rivaroxaban", False),
        ("Superiority was not shown, but noninferiority was", None),
    ],
)
def test_more_wordings_of_non_inferiority(text, shown):
    assert read_noninferiority(text).significant is shown
