"""Ratios printed as 0 or infinite: what a table with an empty cell gives, entered and audited.

A trial where no patient in one arm had the event prints its odds ratio as R's fisher.test does,
"0.00 (0.00-1.42)" or "Inf (0.71-Inf)", or as "NE" (not estimable). Such a row used to be refused
at load, so a user could not audit the rest of the paper without deleting it.
"""

import dataclasses
import math

import pandas as pd
import pytest

from reanalysis import audit, cli, evidence
from reanalysis.audit.effects import (
    NoImpliedPError,
    UnboundedRatioError,
    ci_centred,
    closest_effect,
    ratio_consistency,
)
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
    assert list(effect.verdict) == ["reproduced", "reproduced", "reproduced", "not-checkable"]
    assert list(effect.method[:3]) == ["conditional", "conditional", "miettinen-nurminen"]
    assert effect.computed[1] == "Inf (0.71-Inf)"
    assert (
        effect.explanation[3]
        == "A hazard ratio printed as NE (not estimable) has no number to check against its CI."
    )
    # The p-value a CI implies needs the logarithms of its numbers: not a contradiction, no check.
    implied = table[(table.kind == "effect-p") | ((table.kind == "pvalue") & (table.reported == "0.02"))]
    assert list(implied.verdict) == ["not-checkable"] * 3
    assert "the ratio '0.00' may stand for 0" in implied.explanation.iloc[0]
    assert "the ratio 'Inf' is infinite" in implied.explanation.iloc[1]
    assert "the ratio 'NE' is not estimable" in implied.explanation.iloc[2]
    # The counts still check the p-values, and a CI reaching infinity still decides a claim.
    assert list(_rows(table, "pvalue").verdict[:2]) == ["reproduced", "reproduced"]
    claim = _rows(table, "claim")
    assert claim.verdict[0] == "inconsistent" and "the CI 1.4-NE excludes 1" in claim.explanation[0]


def _one_row(folder, row, outcomes="", level=None):
    """The zero-cell folder with one comparisons row (and extra outcomes rows)."""
    (folder / "outcomes.csv").write_text(FOLDER["outcomes.csv"] + outcomes)
    head = HEAD if level is None else HEAD.rstrip("\n") + ",effect_ci_level\n"
    (folder / "comparisons.csv").write_text(head + row + ("" if level is None else f",{level}") + "\n")
    return audit.audit(evidence.load(folder))


def _verdicts(table, kind):
    return list(table[table.kind == kind].verdict)


def test_sas_bounds_of_a_model_that_did_not_converge_imply_no_p(zero_cell_folder):
    # From outside probe 21: SAS PROC LOGISTIC prints an odds ratio under (quasi-)complete separation
    # as <0.001 (<0.001->999.999) with the Wald p (R glm on 0/20 vs 4/20: 4.7e-9, CI 0-Inf, p 0.996).
    # Read as 0.001 and 999.999 exactly, the bounds implied p = 0.05: "a gross inconsistency".
    row = "t,bleeding,6,month,a,b,0.996,logistic regression,or,<0.001,<0.001,>999.999,,,confirmed,Table 2"
    table = _one_row(zero_cell_folder, row)
    (why,) = table[table.kind == "effect-p"].explanation
    assert _verdicts(table, "effect-p") == ["not-checkable"]
    assert "the ratio '<0.001' may stand for anything down to 0" in why


def test_r_fisher_test_of_a_table_without_events_is_reproduced(zero_cell_folder):
    # R: fisher.test(matrix(c(0, 20, 0, 20), 2)) gives 0 (0-Inf) and p = 1, where no odds ratio is
    # estimable (the package's own estimate is NaN, "NE" below).
    extra = "t,a,death,6,month,0,20,0.0,confirmed,Table 2\nt,b,death,6,month,0,20,0.0,confirmed,Table 2\n"
    for printed in ("0,0,Inf", "NE,0,Inf", "NE,NE,NE"):
        row = f"t,death,6,month,a,b,1,Fisher,or,{printed},,,confirmed,Table 2"
        assert _verdicts(_one_row(zero_cell_folder, row, extra), "effect") == ["reproduced"], printed


@pytest.mark.parametrize("printed", ["NE,0.00,1.42", "NE,,"])
def test_not_estimable_is_no_number_not_plus_infinity(zero_cell_folder, printed):
    # 0/20 vs 4/20: the conditional odds ratio is 0, which papers print as NE as often as 0.00.
    # "NE" read as +infinity gave "NE lies outside its CI 0.00-1.42" and "not reproducible".
    row = f"t,bleeding,6,month,a,b,0.106,Fisher,or,{printed},,,confirmed,Table 2"
    assert _verdicts(_one_row(zero_cell_folder, row), "effect") == ["reproduced"]


def test_a_hazard_ratio_not_estimable_with_its_bounds_loads_and_is_not_checked(zero_cell_folder):
    # "HR NE (NE-NE)": a subgroup without events; it was refused at load, blocking the folder.
    row = "t,response,6,month,a,b,,log-rank,hr,NE,NE,NE,,,confirmed,Figure 2"
    assert _verdicts(_one_row(zero_cell_folder, row), "effect") == ["not-checkable"]
    row = "t,response,6,month,a,b,,log-rank,hr,0.30,0.10,NE,,,confirmed,Figure 2"
    assert _verdicts(_one_row(zero_cell_folder, row), "effect") == ["consistent"]


def test_not_estimable_bounds_do_not_decide_a_claim_in_memory_either(zero_cell_folder):
    ev = evidence.load(zero_cell_folder)
    ev.comparisons.loc[3, ["effect_ci_low", "effect_ci_high"]] = ["NE", "NE"]
    (why,) = audit.audit(ev).query("kind == 'claim'").explanation
    assert why.endswith("p 0.02 (the CI NE-NE has a bound printed as not estimable), which contradicts it.")


@pytest.mark.parametrize(
    "level, p, verdict",
    [
        (90, "0.08", "consistent"),
        (90, "", "not-checkable"),
        (99, "", "inconsistent"),
        (95, "", "inconsistent"),
    ],
)
def test_only_a_ci_at_95_percent_or_above_says_significant_at_5_percent(zero_cell_folder, level, p, verdict):
    # A 90% CI excluding 1 says p < 0.10, not p < 0.05 (outside probe 21).
    row = f"t,response,6,month,a,b,{p},log-rank,hr,2.1,1.1,4.0,,no significant difference,confirmed,Figure 2"
    assert _verdicts(_one_row(zero_cell_folder, row, level=level), "claim") == [verdict]


@pytest.mark.parametrize(
    "ci, p, claim, verdict, why",
    [
        # 1.00 stands for 0.995-1.005: the CI may or may not include 1, so it cannot decide.
        (
            "1.00,2.25",
            "",
            "significantly longer",
            "not-checkable",
            "as its bound 1.00 stands for values from 0.995 to 1.005, which reach 1",
        ),
        (
            "1.00,2.25",
            "0.04",
            "significantly longer",
            "consistent",
            "p 0.04 (the CI 1.00-2.25 decides nothing",
        ),
        ("1.00,2.25", "0.06", "no significant difference", "consistent", "p 0.06 (the CI"),
        (
            "0.44,1.0",
            "",
            "no significant difference",
            "not-checkable",
            "its bound 1.0 stands for values from 0.95 to 1.05",
        ),
        # a bound that rounds from one side only still decides
        ("0.99,2.25", "", "significantly longer", "inconsistent", "the CI 0.99-2.25 includes 1"),
        ("1.01,2.25", "", "significantly longer", "consistent", "the CI 1.01-2.25 excludes 1"),
    ],
)
def test_a_ci_bound_printed_at_the_null_does_not_decide_a_claim(zero_cell_folder, ci, p, claim, verdict, why):
    row = f"t,response,6,month,a,b,{p},log-rank,hr,1.50,{ci},,{claim},confirmed,Figure 2"
    table = _one_row(zero_cell_folder, row)
    assert _verdicts(table, "claim") == [verdict]
    assert why in table[table.kind == "claim"].explanation.iloc[0]


def test_a_difference_ci_printed_at_zero_does_not_decide_a_claim(zero_cell_folder):
    row = "t,response,6,month,a,b,,not stated,rd,20.0,0.0,40.0,percentage-points,significantly higher,confirmed,T2"
    (why,) = _one_row(zero_cell_folder, row).query("kind == 'claim'").explanation
    assert why == (
        "A verbal claim that no printed number decides: the CI 0.0-40.0 decides nothing, as its bound 0.0 "
        "stands for values from -0.05 to 0.05, which reach 0."
    )


@pytest.mark.parametrize(
    "printed, claim, verdict",
    [
        (",not stated,or,0.00,0.00,1.42,", "significantly fewer bleeds", "inconsistent"),
        ("0.106,Fisher,or,0.00,0.00,1.42,", "no significant difference", "consistent"),
        ("0.03,not stated,rr,0,0,0.89,", "significantly fewer bleeds", "consistent"),
    ],
)
def test_a_claim_beside_an_odds_ratio_or_risk_ratio_is_checked_as_beside_a_hazard_ratio(
    zero_cell_folder, printed, claim, verdict
):
    # It used to be checked beside a hazard ratio only: elsewhere it was dropped without a row.
    table = _one_row(zero_cell_folder, f"t,bleeding,6,month,a,b,{printed},{claim},confirmed,Table 2")
    assert _verdicts(table, "claim") == [verdict]


def test_inf_is_not_a_printed_time(zero_cell_folder):
    (zero_cell_folder / "time_to_event.csv").write_text(
        "study_id,arm_id,quantity,statistic,value,unit,ci_low,ci_high,source_status,source_location\n"
        "t,a,overall_survival,median,Inf,month,20.1,NR,confirmed,Figure 2\n"
    )
    with pytest.raises(
        evidence.DataValidationError, match="line 2, column value: 'Inf' is not a printed time"
    ):
        evidence.load(zero_cell_folder)


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


def test_an_impossible_effect_typed_in_memory_is_refused_as_at_load(zero_cell_folder):
    # audit() re-applies comparisons.csv's load rules: a table edited after load() must not be read as
    # something else (probe 21: NE-NE typed in memory decided a claim).
    ev = evidence.load(zero_cell_folder)
    ev.comparisons.loc[0, "reported_effect"] = "-0.5"
    with pytest.raises(evidence.DataValidationError, match="comparisons.csv, line 2, .*cannot be negative"):
        audit.audit(ev)
    ev = evidence.load(zero_cell_folder)
    extra = ev.comparisons.iloc[[2]].assign(
        effect_measure="rd", reported_effect="NE", effect_unit="proportion"
    )
    ev = dataclasses.replace(ev, comparisons=pd.concat([ev.comparisons, extra], ignore_index=True))
    with pytest.raises(
        evidence.DataValidationError,
        match=r"comparisons.csv, line 6 \(as written out; row 4 in memory\), .*finite",
    ):
        audit.audit(ev)


def test_where_no_method_gives_a_printed_inf_the_numbers_that_compare_rank_the_methods():
    # 20/20 vs 16/20 printed 1.25 (1.03-Inf): no method gives an infinite upper bound, and the closest
    # named was the first method tried (Wald, whose 0.5 correction makes it 1.24) instead of the one
    # matching the two other numbers (Koopman, 1.25 (1.03-1.71)).
    match = closest_effect(20, 20, 16, 20, "rr", "1.25", "1.03", "Inf")
    assert match.method == "koopman" and match.distance == math.inf


@pytest.mark.parametrize(
    "measure, printed",
    [
        ("or", ("0.00", "0.00", "NE")),
        ("rr", ("0.00", "0.00", "NE")),
        ("or", ("0.00", "0.00", "Inf")),
        ("or", ("NE", "NE", "NE")),
    ],
)
def test_the_uncorrected_wald_ratio_of_an_empty_cell_is_reproduced(measure, printed):
    # 0/20 vs 4/20, as most software prints it without the 0.5 correction (probe 22, checked in R):
    # epitools::oddsratio.wald / riskratio.wald give 0 (0-NaN), glm with confint.default 0 (0-Inf).
    match = closest_effect(0, 20, 4, 20, measure, *printed)
    assert match.distance == 0 and match.method == "wald without the zero-cell correction", match


def test_an_empty_cell_printed_by_uncorrected_wald_software_is_reproduced_in_the_audit(zero_cell_folder):
    row = "t,bleeding,6,month,a,b,,not stated,or,0.00,0.00,NE,,,confirmed,Table 2"
    table = _one_row(zero_cell_folder, row)
    (effect,) = table[table.kind == "effect"].itertuples()
    assert effect.verdict == "reproduced" and effect.computed == "0.00 (0.00-Inf)"
    assert (
        effect.explanation
        == "The crude OR by wald without the zero-cell correction on 0/20 vs 4/20 reproduces it."
    )


@pytest.mark.parametrize("estimate, low, high", [("0.00", "0.50", "0.20"), ("NE", "2.0", "1.0")])
def test_a_reversed_ci_is_an_input_error_even_with_an_unbounded_value(estimate, low, high):
    # probe 22: the unbounded value was met first, and the row called not checkable
    with pytest.raises(ValueError, match="low < high") as err:
        ratio_consistency(estimate, low, high, "0.03")
    assert not isinstance(err.value, NoImpliedPError)


def test_an_estimate_outside_a_ci_reaching_infinity_is_inconsistent(capsys):
    assert cli.main(["ratio-check", "2.0", "3.0-9.0", "0.02"]) == 1
    assert cli.main(["ratio-check", "2.0", "3.0-Inf", "0.02"]) == 1
    assert "inconsistent: The estimate 2.0 lies outside its own CI 3.0-Inf." in capsys.readouterr().out


def test_the_in_memory_check_names_rows_by_file_line_only_where_load_put_them(zero_cell_folder):
    ev = evidence.load(zero_cell_folder)
    reordered = ev.comparisons.iloc[::-1].copy()  # the HR row (index 3, file line 5) is now first
    reordered.loc[3, "reported_effect"] = "-1"
    with pytest.raises(evidence.DataValidationError) as err:
        audit.audit(dataclasses.replace(ev, comparisons=reordered))
    assert "comparisons.csv, line 2 (as written out; row 0 in memory), columns reported_effect" in str(
        err.value
    )


def test_an_optional_column_dropped_in_memory_is_an_empty_one(zero_cell_folder):
    ev = evidence.load(zero_cell_folder)
    table = audit.audit(dataclasses.replace(ev, comparisons=ev.comparisons.drop(columns=["effect_unit"])))
    assert list(table.verdict) == list(audit.audit(ev).verdict)
