"""Non-inferiority, as an outside user met it on Geisler et al., NEJM 2015;373:2512-21 (azithromycin vs
doxycycline for urogenital chlamydia, per-protocol 5/155 vs 0/155 treatment failures, 90% CI upper bound
5.9 points against a 5-point margin, "The noninferiority of azithromycin was not established").

What went wrong before these tests:

- Negated claims were read the wrong way round: "was not shown to be noninferior", "could not be
  proven noninferior" hold "shown to be noninferior", so they were read as "non-inferiority shown" and
  a paper that said the opposite of what it was accused of was called inconsistent.
- The paper's own wording, "The noninferiority of azithromycin was not established", and "did not meet
  the prespecified criterion for noninferiority", "thus meeting the non-inferiority criterion",
  "indicating noninferiority" were left unread as "not unambiguous".
- A margin typed as a proportion (0.05) beside a difference in points was taken as 0.05 points: a
  claim of non-inferiority was then "inconsistent" with a CI that lies well inside the real margin.
- A p-value of a Farrington-Manning test (or any p on a row with a recorded margin) was checked as a
  two-sided test of no difference and called "not reproducible".
- A risk difference printed without a CI was "reproduced by newcombe", under the check that identifies
  a paper's method, though every method gives the same crude difference.

R (the numbers below):
    p1 <- 5/155; p2 <- 0; se <- sqrt(p1*(1-p1)/155)
    100 * (p1 + c(-1, 1) * qnorm(0.95) * se)                                 # Wald 90%: 0.89 5.56
    a <- 6/157; b <- 1/157; 100 * (a - b + c(-1, 1) * qnorm(0.95) * sqrt(a*(1-a)/157 + b*(1-b)/157))
                                                                              # Agresti-Caffo 90%: 0.46 5.91
    fisher.test(matrix(c(5, 150, 0, 155), 2))$p.value                        # 0.0605
    prop.test(c(5, 0), c(155, 155), correct = FALSE)$p.value                 # 0.0242
"""

import pytest

from reanalysis import audit, evidence
from reanalysis.audit.claims import MARGIN_STATED, read_noninferiority

FILES = {
    "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
    "g,Geisler 2015,chlamydia,randomised,Geisler WM. N Engl J Med 2015;373:2512,completed,confirmed,PMID 26699167\n",
    "arms.csv": "study_id,arm_id,regimen,n_randomised,source_status,source\n"
    "g,azi,azithromycin 1 g,284,confirmed,Abstract\ng,doxy,doxycycline 7 days,283,confirmed,Abstract\n",
    "outcomes.csv": "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
    "source_status,source_location\n"
    "g,azi,failure,28,day,5,155,3.2,confirmed,Abstract\n"
    "g,doxy,failure,28,day,0,155,,confirmed,Abstract\n",
}

HEAD = (
    "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,effect_measure,"
    "reported_effect,effect_ci_low,effect_ci_high,effect_ci_level,effect_unit,claim,margin,source_status,"
    "source_location\n"
)


def _audit(tmp_path, line):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "comparisons.csv").write_text(HEAD + line + "\n")
    return audit.audit(evidence.load(tmp_path))


def _row(table, kind):
    (row,) = table[table.kind == kind].itertuples()
    return row


@pytest.mark.parametrize(
    "text, shown",
    [
        # the paper's own conclusion (NEJM 2015) and its shorter forms
        ("The noninferiority of azithromycin was not established in this setting.", False),
        ("The noninferiority of azithromycin was established.", True),
        ("Noninferiority of placebo was not shown at day 5", False),
        ("non\u2010inferiority of the 3\u2010day course was not shown", False),
        # a negation at a distance: read "shown" before
        ("Azithromycin was not shown to be noninferior to doxycycline.", False),
        ("could not be shown to be noninferior", False),
        ("X has not been proven to be noninferior to Y", False),
        ("X was not found to be noninferior to Y", False),
        ("X could not be proven noninferior", False),
        ("we were unable to show that X is noninferior to Y", False),
        ("there was no evidence that X was noninferior", False),
        # criteria and margins, met or not (APPAC, OVIVA wordings)
        ("antibiotic treatment did not meet the prespecified criterion for noninferiority", False),
        ("The prespecified noninferiority margin was not met", False),
        ("thus meeting the non-inferiority criterion", True),
        ("The noninferiority criterion was met.", True),
        ("indicating noninferiority", True),
        # several analyses with different answers: not one claim
        (
            "Placebo was shown to be non-inferior to azithromycin on day 11 and day 28, but not on day 5.",
            None,
        ),
        ("X was noninferior to Y; noninferiority was not shown in the per-protocol population", None),
        # unchanged readings
        ("demonstrated noninferiority but not superiority", True),
        ("The rates did not differ significantly, and X was noninferior to Y", True),
        ("was not only non-inferior but superior", None),
        ("the non-inferiority margin was 8 percentage points", None),
    ],
)
def test_reading_negated_and_indirect_non_inferiority_claims(text, shown):
    assert read_noninferiority(text).significant is shown


def test_the_papers_conclusion_is_checked_against_the_margin(tmp_path):
    table = _audit(
        tmp_path,
        "g,failure,28,day,azi,doxy,,non-inferiority,rd,3.2,0.5,5.9,90,percentage-points,"
        "The noninferiority of azithromycin was not established in this setting.,5,confirmed,Abstract",
    )
    claim = _row(table, "claim")
    assert claim.verdict == "consistent", claim.explanation
    assert "upper bound of the 90% CI (5.9) does not lie below the margin 5" in claim.explanation
    # the direction the margin's sign implies is spelled out, so a wrong sign can be caught
    assert "higher difference of azi vs doxy as worse" in claim.explanation


def test_a_negated_claim_is_not_called_inconsistent(tmp_path):
    table = _audit(
        tmp_path,
        "g,failure,28,day,azi,doxy,,non-inferiority,rd,3.2,0.5,5.9,90,percentage-points,"
        "Azithromycin was not shown to be noninferior to doxycycline.,5,confirmed,Abstract",
    )
    assert _row(table, "claim").verdict == "consistent"


@pytest.mark.parametrize(
    "effect, margin, hint",
    [
        ("3.2,0.5,5.9,90,percentage-points", "0.05", "(e.g. 5)"),
        ("1.2,0.5,1.9,90,percentage-points", "0.05", "(e.g. 5)"),
        ("1.2,0.5,1.9,90,", "0.05", "(e.g. 5)"),  # effect_unit inferred from the magnitude
        ("-2.0,-8.1,4.1,95,percentage-points", "-0.1", "(e.g. -10)"),
    ],
)
def test_a_margin_typed_as_a_proportion_beside_points_is_refused_naming_the_cell(
    tmp_path, effect, margin, hint
):
    with pytest.raises(evidence.DataValidationError, match="comparisons.csv, line 2, column margin") as err:
        _audit(
            tmp_path,
            f"g,failure,28,day,azi,doxy,,non-inferiority,rd,{effect},was noninferior,{margin},confirmed,Abstract",
        )
    assert "looks like a proportion" in str(err.value)
    assert hint in str(err.value)


def test_a_small_margin_in_points_beside_a_narrow_ci_is_accepted(tmp_path):
    # a margin of 0.8 points is rare but real; its CI is not ten times as wide
    table = _audit(
        tmp_path,
        "g,failure,28,day,azi,doxy,,non-inferiority,rd,0.2,-0.3,0.7,95,percentage-points,"
        "was noninferior,0.8,confirmed,Abstract",
    )
    assert _row(table, "claim").verdict == "consistent"


@pytest.mark.parametrize("stated", ["Farrington-Manning score test", "Blackwelder test", "Dunnett and Gent"])
def test_tests_against_a_margin_named_alone_are_margin_tests(stated):
    assert MARGIN_STATED.search(stated)


@pytest.mark.parametrize(
    "stated, margin",
    [("Farrington-Manning score test", "5"), ("not stated", "5")],
)
def test_a_non_inferiority_p_is_not_called_wrong(tmp_path, stated, margin):
    table = _audit(
        tmp_path,
        f"g,failure,28,day,azi,doxy,0.21,{stated},rd,3.2,0.5,5.9,90,percentage-points,,{margin},confirmed,Abstract",
    )
    p = _row(table, "pvalue")
    assert p.verdict == "not-checkable", p.explanation
    assert "not reproducible" not in p.explanation


def test_a_superiority_p_of_no_difference_beside_a_margin_is_still_checked(tmp_path):
    # Fisher's 0.0605 prints as 0.06 (R: fisher.test above): reproduced though a margin is recorded
    table = _audit(
        tmp_path,
        "g,failure,28,day,azi,doxy,0.06,not stated,rd,3.2,0.5,5.9,90,percentage-points,,5,confirmed,Abstract",
    )
    assert _row(table, "pvalue").verdict == "reproduced"


def test_a_secondary_superiority_p_without_a_margin_is_still_called_wrong(tmp_path):
    table = _audit(tmp_path, "g,failure,28,day,azi,doxy,0.21,Fisher's exact test,,,,,,,,,confirmed,Table 3")
    assert _row(table, "pvalue").verdict == "not-reproducible"


def test_an_effect_printed_without_its_ci_identifies_no_method(tmp_path):
    table = _audit(
        tmp_path,
        "g,failure,28,day,azi,doxy,,non-inferiority,rd,3.2,,,90,percentage-points,,5,confirmed,Abstract",
    )
    effect = _row(table, "effect")
    assert effect.verdict == "reproduced"
    assert effect.check == "arithmetic"
    assert "newcombe" not in str(effect.method).lower()
    assert "no CI method is identified" in effect.explanation
    assert effect.computed == "3.23"
