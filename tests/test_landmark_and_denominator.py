"""Two checks an outside user missed on MPACT (Von Hoff et al., N Engl J Med 2013;369:1691-703,
doi:10.1056/NEJMoa1304369; nab-paclitaxel + gemcitabine, 431 patients, vs gemcitabine, 430):

- the p-values of the survival rates at 6, 12, 18 and 24 months (Table 2) were "not checkable:
  no counts", which invited counts; they are now checked against the two rates and their CIs;
- "63/431 (15%)" in the gemcitabine arm of 430 patients (Table 3) was reproduced; a denominator
  larger than its arm now makes the row inconsistent.
"""

import math

import pytest
from scipy import stats

from reanalysis import audit, evidence
from reanalysis.audit.effects import _fmt_p, landmark_consistency

STUDIES = (
    "study_id,label,indication,design,citation,status,source_status,source\n"
    "mpact,MPACT 2013,metastatic pancreatic cancer,randomised open-label phase 3,"
    "Von Hoff DD et al. N Engl J Med 2013;369:1691-703,completed,confirmed,https://doi.org/10.1056/NEJMoa1304369\n"
)
ARMS = (
    "study_id,arm_id,regimen,n_randomised,source_status,source\n"
    "mpact,nabp_gem,nab-paclitaxel + gemcitabine,431,confirmed,Figure 1\n"
    "mpact,gem,gemcitabine,430,confirmed,Figure 1\n"
)
TTE_HEAD = "study_id,arm_id,quantity,statistic,value,unit,ci_low,ci_high,ci_level,at_time,at_time_unit,source_status,source_location\n"
#: Table 2, survival rate % (95% CI) at 6, 12, 18 and 24 months, and the printed p-values.
RATES = {6: ("67 62 71", "55 50 60", "<0.001"), 12: ("35 30 39", "22 18 27", "<0.001"),
         18: ("16 12 20", "9 6 12", "0.008"), 24: ("9 6 13", "4 2 7", "0.02")}  # fmt: skip
CMP_HEAD = (
    "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,source_status,"
    "source_location\n"
)


def _folder(tmp_path, rates=RATES, ci=True, outcomes=None, test="not stated"):
    (tmp_path / "studies.csv").write_text(STUDIES)
    (tmp_path / "arms.csv").write_text(ARMS)
    tte, cmp = TTE_HEAD, CMP_HEAD
    for month, (a, b, p) in rates.items():
        for arm, printed in (("nabp_gem", a), ("gem", b)):
            value, low, high = printed.split()
            low, high = (low, high) if ci else ("", "")
            tte += f"mpact,{arm},overall_survival,rate_at,{value},percent,{low},{high},95,{month},month,confirmed,Table 2\n"
        cmp += f"mpact,overall_survival,{month},month,nabp_gem,gem,{p},{test},confirmed,Table 2\n"
    (tmp_path / "time_to_event.csv").write_text(tte)
    (tmp_path / "comparisons.csv").write_text(cmp)
    if outcomes:
        (tmp_path / "outcomes.csv").write_text(outcomes)
    return audit.audit(evidence.load(tmp_path))


def _z_test_p(a, b):
    """The two-sided p of the difference of two rates, each SE from its 95% CI, by scipy."""
    (ra, la, ha), (rb, lb, hb) = ([float(v) for v in x.split()] for x in (a, b))
    z = stats.norm.ppf(0.975)
    se = math.sqrt(((ha - la) / (2 * z)) ** 2 + ((hb - lb) / (2 * z)) ** 2)
    return 2 * stats.norm.sf(abs(ra - rb) / se)


def test_landmark_survival_pvalues_are_checked_against_the_rates_and_their_cis(tmp_path):
    table = _folder(tmp_path)
    rows = table[table.kind == "pvalue"].set_index("timepoint")
    assert (rows.verdict == "consistent").all(), rows.explanation.tolist()
    assert set(rows.method) == {"z test of two landmark rates, SEs from their CIs"}
    for month, (a, b, _) in RATES.items():
        low, high = rows.loc[f"{month} month", "computed"].removeprefix("p = ").split(" to ")
        assert (
            f"(the z test on the plain scale at the printed values, {_fmt_p(_z_test_p(a, b))})"
            in rows.loc[f"{month} month", "explanation"]
        )
    assert (
        "Rates at 18 months (time_to_event.csv): A check for gross errors only: 16% (12-20%) vs 9% (6-12%)"
        in rows.loc["18 month", "explanation"]
    )
    assert "printed p = 0.008" in rows.loc["18 month", "explanation"]
    assert not rows.explanation.str.contains("No counts").any()


def test_a_landmark_pvalue_outside_every_rounding_of_the_rates_is_inconsistent(tmp_path):
    table = _folder(tmp_path, {6: ("67 62 71", "55 50 60", "0.40")}, test="difference of the rates")
    row = table[table.kind == "pvalue"].iloc[0]
    assert row.verdict == "inconsistent" and row.explanation.endswith(", outside that range.")


def test_landmark_rates_without_cis_are_named_and_counts_are_not_asked_for(tmp_path):
    table = _folder(tmp_path, {6: ("67 62 71", "55 50 60", "<0.001")}, ci=False)
    row = table[table.kind == "pvalue"].iloc[0]
    assert row.verdict == "not-checkable"
    assert "rates at 6 months (time_to_event.csv), printed without both CIs" in row.explanation
    assert "counts do not apply" in row.explanation


def test_landmark_consistency_brackets_the_central_p_by_the_rounding_of_the_prints():
    res = landmark_consistency("16", ("12", "20"), "9", ("6", "12"), "0.008")
    assert res.p_central == pytest.approx(_z_test_p("16 12 20", "9 6 12"), rel=1e-12)
    assert res.p_low < res.p_central < res.p_high and res.consistent
    with pytest.raises(ValueError, match="low < high"):
        landmark_consistency("16", ("20", "12"), "9", ("6", "12"), "0.008")


OUTCOMES_HEAD = (
    "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,source_status,"
    "source_location\n"
)


def test_a_denominator_larger_than_its_arm_is_inconsistent(tmp_path):
    outcomes = OUTCOMES_HEAD + (
        "mpact,gem,growth_factor_use,,best,63,431,15,confirmed,Table 3\n"
        "mpact,nabp_gem,growth_factor_use,,best,110,421,26,confirmed,Table 3\n"
    )
    table = _folder(tmp_path, {}, outcomes=outcomes)
    # the percentage holds up (63/430 prints as 15% too); its denominator does not (statistical reviewer)
    rows = table[table.kind == "percent"].set_index("arm")
    assert (rows.verdict == "reproduced").all()  # 421 treated of 431 randomised in the other arm
    (denominator,) = table[table.kind == "denominator"].itertuples()
    assert (denominator.arm, denominator.reported, denominator.verdict) == ("gem", "431", "inconsistent")
    assert (denominator.check, denominator.method, denominator.computed) == (
        "consistency",
        "denominator vs arm size",
        "430",
    )
    assert denominator.explanation == (
        "The denominator of 63/431 is more than the 430 patients of the arm in arms.csv (its largest recorded "
        "size): a misprint in the paper, or arms.csv holds another population or data cut. If the row counts "
        "cycles, lesions or an as-treated population, say so in its notes (e.g. 'per cycle', 'as-treated'); if a "
        "later data cut, give the arm's size at that cut."
    )
    assert audit.number_verdicts(table).value_counts().to_dict() == {"reproduced": 2, "inconsistent": 1}


def test_a_denominator_larger_than_its_arm_is_its_own_number_beside_a_percentage_that_fails(tmp_path):
    outcomes = OUTCOMES_HEAD + "mpact,gem,growth_factor_use,,best,63,431,17,confirmed,Table 3\n"
    table = _folder(tmp_path, {}, outcomes=outcomes)
    assert table.set_index("kind").verdict.to_dict() == {
        "percent": "not-reproducible",
        "denominator": "inconsistent",
    }


def test_the_audit_report_counts_a_denominator_check_as_such_and_explains_both_checks(tmp_path):
    from reanalysis.report import build_audit_report

    folder = tmp_path / "mpact"
    folder.mkdir()
    outcomes = OUTCOMES_HEAD + "mpact,gem,growth_factor_use,,best,63,431,15,confirmed,Table 3\n"
    _folder(folder, {6: RATES[6]}, outcomes=outcomes)
    build_audit_report(evidence.load(folder), tmp_path / "report")
    md = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "1 is a denominator larger than the arm in arms.csv" in md
    # the two rates with their CIs are consistent only in order; the landmark p is checked in earnest
    assert "3 are consistent with what else is printed (not recomputed; 2 of them only an estimate" in md
    assert (
        "1 is a p-value of two rates at a landmark (such as 12-month survival) checked against the rates"
        in md
    )
    assert "implied by its own estimate" not in md  # (no effect with its CI in this folder)
    assert "| denominator vs arm size | A denominator printed beside a count" in md
    assert "| landmark rates vs p | A p-value printed for the difference of two rates at a landmark" in md


def test_a_subgroups_landmark_pvalue_is_not_checked_against_the_whole_arms_rates(tmp_path):
    (tmp_path / "studies.csv").write_text(STUDIES)
    (tmp_path / "arms.csv").write_text(ARMS)
    tte = TTE_HEAD + "".join(
        f"mpact,{arm},overall_survival,rate_at,{v},percent,{lo},{hi},95,6,month,confirmed,Table 2\n"
        for arm, (v, lo, hi) in (("nabp_gem", ("67", "62", "71")), ("gem", ("55", "50", "60")))
    )
    (tmp_path / "time_to_event.csv").write_text(tte)
    (tmp_path / "comparisons.csv").write_text(
        "study_id,endpoint,timepoint_value,timepoint_unit,stratum,arm_a,arm_b,reported_p,test_stated,source_status,"
        "source_location\nmpact,overall_survival,6,month,liver metastases,nabp_gem,gem,0.04,not stated,confirmed,"
        "Figure 3\n"
    )
    row = audit.audit(evidence.load(tmp_path)).query("kind == 'pvalue'").iloc[0]
    assert row.verdict == "not-checkable" and "landmark" not in row.method


@pytest.mark.parametrize("nobody_died", ["100 100 100", "67 62 NE"])
def test_a_landmark_ci_that_implies_no_standard_error_leaves_the_p_unchecked(tmp_path, nobody_died):
    row = _folder(tmp_path, {6: (nobody_died, "55 50 60", "<0.001")}).query("kind == 'pvalue'").iloc[0]
    assert row.verdict == "not-checkable" and "not checked" in row.explanation


@pytest.mark.parametrize(
    "endpoint,responders,n,printed,notes,why",
    [
        (
            "infusion_reaction",
            45,
            2100,
            "2.1",
            "",
            'its unit of analysis looks like "infusion" (its endpoint or notes)',
        ),
        (
            "neutropenia",
            90,
            1500,
            "6.0",
            "per cycle",
            'its unit of analysis looks like "per cycle" (its endpoint or notes)',
        ),
        ("neutropenia", 90, 900, "10.0", "", "so far above it that it likelier counts something other than"),
    ],
)
def test_a_denominator_of_events_or_far_above_its_arm_is_named_not_called_inconsistent(
    tmp_path, endpoint, responders, n, printed, notes, why
):
    # Statistical reviewer: per-event or per-cycle denominators, and later data cuts, legitimately
    # exceed the patients of an arm; only a small excess (the other arm's size, a slipped digit) is a
    # likely misprint.
    outcomes = (
        OUTCOMES_HEAD.rstrip("\n")
        + ",notes\n"
        + (f"mpact,gem,{endpoint},,best,{responders},{n},{printed},confirmed,Table 3,{notes}\n")
    )
    row = _folder(tmp_path, {}, outcomes=outcomes).query("kind == 'percent'").iloc[0]
    assert row.verdict == "reproduced" and row.method != "denominator vs arm size"
    assert (
        f"Note: its denominator {n} is more than the 430 patients of the arm in arms.csv" in row.explanation
    )
    assert why in row.explanation and row.explanation.endswith("; the percentage is checked as printed.")


@pytest.mark.parametrize("n,verdict", [(473, "inconsistent"), (474, "reproduced")])
def test_a_denominator_up_to_ten_percent_above_its_arm_is_inconsistent(tmp_path, n, verdict):
    outcomes = (
        OUTCOMES_HEAD
        + f"mpact,gem,growth_factor_use,,best,{n // 10},{n},{100 * (n // 10) / n:.0f},confirmed,T3\n"
    )
    table = _folder(tmp_path, {}, outcomes=outcomes)
    assert (table.kind == "denominator").any() == (verdict == "inconsistent")
    assert table.query("kind == 'percent'").iloc[0].verdict == "reproduced"


def test_a_denominator_a_hundredfold_its_arm_is_inconsistent_unless_the_row_names_its_unit(tmp_path):
    outcomes = OUTCOMES_HEAD + "mpact,gem,anaemia,,best,4301,43001,10,confirmed,T3\n"
    row = _folder(tmp_path, {}, outcomes=outcomes).query("kind == 'denominator'").iloc[0]
    assert row.verdict == "inconsistent" and row.method == "denominator vs arm size"
    outcomes = OUTCOMES_HEAD + "mpact,gem,anaemia_per_dose,,best,4301,43001,10,confirmed,T3\n"
    (tmp_path / "dose").mkdir()
    row = _folder(tmp_path / "dose", {}, outcomes=outcomes).query("kind == 'percent'").iloc[0]
    assert row.verdict == "reproduced" and 'looks like "per dose"' in row.explanation


@pytest.mark.parametrize(
    "endpoint, n, notes, flagged",
    [
        ("transfusion_independence", 433, "", True),  # a patient-level outcome, not a unit of analysis
        ("objective_response", 433, "per investigator assessment", True),
        ("eye_disorders", 433, "per patient analysis", True),
        ("neutropenia", 4300, "", True),  # an extra zero: the classic slip
        ("neutropenia", 1290, "per cycle", False),
        ("bleeding_days", 12900, "patient-days with bleeding", False),
        ("neutropenia", 432, "as-treated population", False),
    ],
)
def test_what_names_another_unit_of_analysis_and_what_does_not(tmp_path, endpoint, n, notes, flagged):
    # Statistical reviewer: "transfusion", "per investigator" and "eye" excused misprinted denominators;
    # 4300 in an arm of 430 was "likelier another unit".
    outcomes = (
        OUTCOMES_HEAD.rstrip("\n")
        + ",notes\n"
        + (f"mpact,gem,{endpoint},,best,{n // 10},{n},10.0,confirmed,Table 3,{notes}\n")
    )
    table = _folder(tmp_path, {}, outcomes=outcomes)
    assert (table.kind == "denominator").any() == flagged, table.explanation.tolist()
