"""The CI method a paper names (outcomes.csv ci_method) is read: an interval that holds up, but only by
another method, says so, as a p-value does for its named test; and a bound printed with two digits
swapped is named as that slip.

Outside user (KEYNOTE-224 cohort 1, Kudo et al., Eur J Cancer 2022): ORR 19/104, 18.3% (95% CI
11.4-27.1), a Clopper-Pearson interval; entered with ci_method "Wilson score", it was reported
as reproduced with no word on the mismatch, and "11.4-21.7" (27.1 with two digits swapped) got
"closest is wald".
"""

import pytest
from statsmodels.stats.proportion import proportion_confint

from reanalysis import audit, evidence
from reanalysis.audit.folder import _digit_slip, _stated_ci_methods

STUDIES = (
    "study_id,label,indication,design,citation,status,source_status,source\n"
    "kn224,KEYNOTE-224 cohort 1,hepatocellular carcinoma,single-arm phase 2,"
    "Kudo M et al. Eur J Cancer 2022;167:1-12,completed,confirmed,NCT02702414\n"
)
HEAD = (
    "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,ci_low,ci_high,"
    "ci_level,ci_method,source_status,source_location\n"
)


def _ci_row(tmp_path, responders, low, high, method):
    (tmp_path / "studies.csv").write_text(STUDIES)
    (tmp_path / "outcomes.csv").write_text(
        HEAD + f"kn224,pembro,objective_response,,best,{responders},104,18.3,{low},{high},95,{method},"
        "confirmed,abstract\n"
    )
    table = audit.audit(evidence.load(tmp_path))
    return table[table.kind == "ci"].iloc[0]


def _wilson(x, n):
    low, high = proportion_confint(x, n, alpha=0.05, method="wilson")
    return f"{100 * low:.1f}-{100 * high:.1f}%"


def test_an_interval_reproduced_by_another_method_than_the_named_one_says_so(tmp_path):
    row = _ci_row(tmp_path, 19, 11.4, 27.1, "Wilson score")
    assert (row.verdict, row.method) == ("reproduced", "clopper-pearson")
    assert (
        f"the method the paper names (Wilson score) gives {_wilson(19, 104)} on 19/104, so the printed "
        "interval fits clopper-pearson, not the named method" in row.explanation
    )


@pytest.mark.parametrize("named", ["exact binomial (Clopper-Pearson)", "exact", "not stated", ""])
def test_an_interval_reproduced_by_the_named_method_or_with_none_named_adds_nothing(tmp_path, named):
    row = _ci_row(tmp_path, 19, 11.4, 27.1, named)
    assert row.verdict == "reproduced" and "names" not in row.explanation


def test_an_inferred_count_gets_the_same_note(tmp_path):
    row = _ci_row(tmp_path, "", 11.4, 27.1, "Wald")
    assert row.verdict == "reproduced-with-assumptions"
    low, high = proportion_confint(19, 104, alpha=0.05, method="normal")
    assert (
        f"the method the paper names (Wald) gives {100 * low:.1f}-{100 * high:.1f}% on 19/104"
        in row.explanation
    )


def test_two_swapped_digits_are_named_and_the_named_method_is_shown(tmp_path):
    row = _ci_row(tmp_path, 19, 11.4, 21.7, "Wilson")
    assert row.verdict == "not-reproducible"
    assert (
        "the lower bound matches clopper-pearson and the upper bound would print as 27.1" in row.explanation
    )
    assert "the printed 21.7 is probably a misprint of 27.1 (two digits swapped)" in row.explanation
    assert f"the method the paper names (Wilson) gives {_wilson(19, 104)}" in row.explanation


@pytest.mark.parametrize(
    "text, methods",
    [
        ("Clopper-Pearson", ["clopper-pearson"]),
        ("exact binomial", ["clopper-pearson"]),
        ("mid-p exact", ["mid-p"]),
        ("Clopper-Pearson and mid-p", ["mid-p", "clopper-pearson"]),
        ("Wilson score", ["wilson"]),
        ("Wilson with continuity correction", ["wilson-cc"]),
        ("Agresti-Coull", ["agresti-coull"]),
        ("Jeffreys", ["jeffreys"]),
        ("Wald (normal approximation)", ["wald"]),
        ("Wald, t distribution", ["wald-t"]),
        ("not stated", []),
        ("bootstrap", []),
        (None, []),
    ],
)
def test_stated_ci_methods(text, methods):
    assert _stated_ci_methods(text) == methods


@pytest.mark.parametrize(
    "meant, printed, slip",
    [
        ("27.1", "27.4", ""),
        ("27.1", "21.7", " (two digits swapped)"),
        ("27.1", "72.1", " (two digits swapped)"),
        ("5.9", "9.5", " (two digits swapped)"),
    ],
)
def test_digit_slips(meant, printed, slip):
    assert _digit_slip(meant, printed) == slip


@pytest.mark.parametrize(
    "meant, printed", [("27.1", "17.2"), ("27.1", "27.11"), ("27.1", "28.2"), ("27.1", "12.7")]
)
def test_what_is_not_a_slip(meant, printed):
    assert _digit_slip(meant, printed) is None


def test_an_inferred_count_whose_interval_fails_gets_the_closest_candidate_and_the_slip(tmp_path):
    row = _ci_row(tmp_path, "", 11.4, 21.7, "not stated")
    assert row.verdict == "not-reproducible"
    assert "closest is clopper-pearson on 19/104" in row.explanation
    assert "the printed 21.7 is probably a misprint of 27.1 (two digits swapped)" in row.explanation
    assert row.computed.startswith("clopper-pearson: 11.3")


def test_an_inferred_count_whose_interval_fails_without_a_slip_gets_the_closest_candidate(tmp_path):
    row = _ci_row(tmp_path, "", 11.4, 29.9, "not stated")
    assert (
        row.verdict == "not-reproducible"
        and "; closest is " in row.explanation
        and " on 19/104 (" in row.explanation
    )
    assert row.computed


def test_a_percentage_that_only_rounding_twice_prints_keeps_its_flag_and_says_so(tmp_path):
    # Outside user (ASTER, JAMA 2017): 140/165 = 84.848% printed 84.9 (84.85, rounded again half up)
    (tmp_path / "studies.csv").write_text(STUDIES)
    (tmp_path / "outcomes.csv").write_text(
        "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,source_status,"
        "source_location\nkn224,pembro,objective_response,,best,140,165,84.9,confirmed,Table 2\n"
    )
    row = audit.audit(evidence.load(tmp_path)).query("kind == 'percent'").iloc[0]
    assert row.verdict == "not-reproducible"
    assert (
        "rounded twice, half up (84.848% to 84.85% to 84.9%), it would: a misprint, or a paper"
        in row.explanation
    )


@pytest.mark.parametrize("x, n, printed", [(140, 165, "84.8"), (19, 104, "18.2"), (1, 3, "33.4")])
def test_no_twice_rounding_note_where_it_does_not_print_so(tmp_path, x, n, printed):
    from reanalysis.audit.folder import _rounded_twice
    from reanalysis.printed import parse_printed

    assert _rounded_twice(x, n, parse_printed(printed, kind="percent")) is None
