"""Ratios printed as 0 or infinite: what a table with an empty cell gives, entered and audited.

A trial where no patient in one arm had the event prints its odds ratio as R's fisher.test does,
"0.00 (0.00-1.42)" or "Inf (0.71-Inf)", or as "NE" (not estimable). Such a row used to be refused
at load, so a user could not audit the rest of the paper without deleting it.
"""

import math

import pytest

from reanalysis import audit, evidence
from reanalysis.audit.effects import UnboundedRatioError, ci_centred, ratio_consistency
from reanalysis.printed import parse_printed

HEAD = (
    "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,effect_measure,"
    "reported_effect,effect_ci_low,effect_ci_high,effect_unit,claim,source_status,source_location\n"
)
FOLDER = {
    "studies.csv": (
        "study_id,label,indication,design,citation,status,source_status,source\n"
        't,Trial Z 2021,ITP,"randomised, open-label",Invented Z. Zero cells. J Test 2021;1:1,completed,'
        "confirmed,https://example.org/z\n"
    ),
    "arms.csv": (
        "study_id,arm_id,regimen,n_randomised,source_status,source\n"
        "t,a,drug,20,confirmed,Table 1\n"
        "t,b,placebo,20,confirmed,Table 1\n"
    ),
    "outcomes.csv": (
        "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
        "source_status,source_location\n"
        "t,a,bleeding,6,month,0,20,0.0,confirmed,Table 2\n"
        "t,b,bleeding,6,month,4,20,20.0,confirmed,Table 2\n"
        "t,a,response,6,month,4,20,20.0,confirmed,Table 2\n"
        "t,b,response,6,month,0,20,0.0,confirmed,Table 2\n"
    ),
    # R: fisher.test(matrix(c(0, 4, 20, 16), 2)) gives 0 (0-1.416242), p = 0.106029; with the
    # groups swapped Inf (0.706094-Inf).
    "comparisons.csv": HEAD
    + "t,bleeding,6,month,a,b,0.106,Fisher,or,0.00,0.00,1.42,,,confirmed,Table 2\n"
    + "t,response,6,month,a,b,0.106,Fisher,or,Inf,0.71,Inf,,,confirmed,Table 2\n"
    + "t,bleeding,6,month,a,b,,not stated,rr,0,0,0.89,,,confirmed,Table 2\n"
    + "t,response,6,month,a,b,0.02,log-rank,hr,NE,1.4,NE,,no significant difference,confirmed,Figure 2\n",
}


@pytest.fixture
def zero_cell_folder(tmp_path):
    for name, text in FOLDER.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def _rows(table, kind):
    return table[table.kind == kind].reset_index(drop=True)


def test_zero_and_infinite_ratios_are_reproduced_and_their_p_is_not_checkable(zero_cell_folder):
    table = audit.audit(evidence.load(zero_cell_folder))
    effect = _rows(table, "effect")
    assert list(effect.reported) == [
        "OR 0.00 (0.00-1.42)",
        "OR Inf (0.71-Inf)",
        "RR 0 (0-0.89)",
        "HR NE (1.4-NE)",
    ]
    assert list(effect.verdict) == ["reproduced", "reproduced", "reproduced", "consistent"]
    assert list(effect.method[:3]) == ["conditional", "conditional", "miettinen-nurminen"]
    assert effect.computed[1] == "Inf (0.71-Inf)"
    assert (
        "its centre is not judged: a value printed as 0 or infinite has no logarithm" in effect.explanation[3]
    )
    # The p-value a CI implies needs the logarithms of its numbers: not a contradiction, no check.
    implied = table[(table.kind == "effect-p") | ((table.kind == "pvalue") & (table.reported == "0.02"))]
    assert list(implied.verdict) == ["not-checkable"] * 3
    assert "the ratio '0.00' may stand for 0" in implied.explanation.iloc[0]
    assert "the ratio 'Inf' is infinite or not estimable" in implied.explanation.iloc[1]
    # The counts still check the p-values, and a CI reaching infinity still decides a claim.
    assert list(_rows(table, "pvalue").verdict[:2]) == ["reproduced", "reproduced"]
    claim = _rows(table, "claim")
    assert claim.verdict[0] == "inconsistent" and "the CI 1.4-NE excludes 1" in claim.explanation[0]


@pytest.mark.parametrize(
    "row, message",
    [
        (
            "t,bleeding,6,month,a,b,,not stated,rd,NE,-0.4,0.1,proportion,,confirmed,Table 2",
            "line 2, columns reported_effect/effect_ci_low/effect_ci_high: a risk difference is always "
            "estimable and finite",
        ),
        (
            "t,bleeding,6,month,a,b,,not stated,or,-0.5,0.1,0.9,,,confirmed,Table 2",
            "line 2, columns reported_effect/effect_ci_low/effect_ci_high: an OR and its CI cannot be negative",
        ),
        (
            "t,bleeding,6,month,a,b,,not stated,or,2,Inf,NE,,,confirmed,Table 2",
            "line 2, column effect_ci_low: a lower bound cannot be infinite, got 'Inf'",
        ),
        (
            # "-Inf" once read as "+Inf": the hyphen is dropped when "not-reached" is recognised.
            "t,bleeding,6,month,a,b,,not stated,rr,2,1,-Inf,,,confirmed,Table 2",
            "line 2, column effect_ci_high: cannot read '-Inf' as a printed number",
        ),
    ],
)
def test_impossible_effects_are_refused_at_load_with_where(zero_cell_folder, row, message):
    (zero_cell_folder / "comparisons.csv").write_text(HEAD + row + "\n")
    with pytest.raises(evidence.DataValidationError) as err:
        evidence.load(zero_cell_folder)
    assert f"comparisons.csv, {message}" in str(err.value)


def test_infinity_is_read_as_printed_and_its_sign_is_kept():
    for text in ("Inf", "inf", "∞", "+Inf", "NE"):
        assert parse_printed(text, allow_nr=True).value == math.inf
    for text in ("-Inf", "−∞"):
        with pytest.raises(ValueError, match="cannot read"):
            parse_printed(text, allow_nr=True)
    with pytest.raises(ValueError, match="not estimable / infinite"):
        parse_printed("Inf")


def test_only_a_ratio_that_may_be_zero_or_is_infinite_has_no_implied_p():
    for est, low, high in [("0.00", "0.00", "1.42"), ("0.3", "0", "1.42"), ("Inf", "0.71", "Inf")]:
        with pytest.raises(UnboundedRatioError):
            ratio_consistency(est, low, high, "0.106")
    # 0.01 is at least 0.005: its logarithm is bounded and the check is made as before.
    assert ratio_consistency("0.05", "0.01", "0.25", "<0.001").p_central > 0
    assert ci_centred("0.00", "0.00", "1.42") == (True, None)
    assert ci_centred("0.5", "0.25", "1.0") == (True, True)
