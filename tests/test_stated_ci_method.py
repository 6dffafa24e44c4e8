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
        ("27.1", "24.1", ""),
        ("27.1", "37.1", ""),
        ("27.1", "21.7", " (two digits swapped)"),
        ("27.1", "72.1", " (two digits swapped)"),
        ("5.9", "9.5", " (two digits swapped)"),
    ],
)
def test_digit_slips(meant, printed, slip):
    assert _digit_slip(meant, printed) == slip


@pytest.mark.parametrize(
    "meant, printed",
    [
        ("27.1", "17.2"),
        ("27.1", "27.11"),
        ("27.1", "28.2"),
        ("27.1", "12.7"),
        ("27.1", "27.4"),
        ("26.6", "26.7"),
    ],
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


# Statistical reviewer: a named method the audit does not compute was read as one it does.
@pytest.mark.parametrize(
    "named,methods",
    [
        ("exact (Blaker)", []),
        ("Blaker's exact method", []),
        ("asymptotic with continuity correction", []),
        ("normal approximation, continuity-corrected", []),
        ("continuity-corrected Wilson score", ["wilson-cc"]),
        ("Wilson score with continuity correction", ["wilson-cc"]),
        ("Wilson score (Newcombe 1998)", ["wilson"]),
        ("logit", []),
        ("exact binomial", ["clopper-pearson"]),
        ("asymptotic (Wald)", ["wald"]),
    ],
)
def test_only_methods_the_audit_computes_are_read_from_the_name(named, methods):
    assert _stated_ci_methods(named) == methods


def test_an_interval_of_a_method_not_computed_is_unchecked_not_wrong(tmp_path):
    # 19/104 by Blaker's method is 11.7-26.7 (the p whose acceptability exceeds 0.05, Blaker, Can J Stat
    # 2000;28:783-98, on a grid of 1e-5; inside Clopper-Pearson's 11.4-27.1, as it always is): none of
    # the eight computed methods gives it, and the paper's own method was not tried.
    row = _ci_row(tmp_path, 19, 11.7, 26.7, "exact (Blaker)")
    assert (row.verdict, row.check) == ("not-checkable", "unchecked")
    assert row.explanation.startswith(
        "The paper names exact (Blaker), Blaker's exact interval, which the audit does not compute, and none of "
        "the 8 methods it computes gives the printed interval: no standard 95% CI for 19/104 gives 11.7-26.7"
    )


def test_an_interval_a_computed_method_gives_says_the_named_one_was_not_tried(tmp_path):
    row = _ci_row(tmp_path, 19, 11.4, 27.1, "exact (Blaker)")
    assert (row.verdict, row.method) == ("reproduced", "clopper-pearson")
    assert row.explanation.endswith(
        "; the paper names exact (Blaker), Blaker's exact interval, which the audit does not compute."
    )


def test_intervals_of_a_method_not_computed_are_not_called_misprints():
    # Statistical reviewer: a correct interval of a method the audit does not compute (here the logit
    # interval, exp-transformed Wald on the log-odds) differs from the nearest computed one in its last
    # digits; read as "one bound matches, the other is a misprint", 982 of 1,411 such intervals (n = 10
    # to 200) were called misprints, 5 now. A last-digit difference, or a bound among the computed
    # methods' bounds, is no slip.
    import numpy as np

    from reanalysis import proportions
    from reanalysis.audit.folder import _misprint
    from reanalysis.printed import parse_printed

    z = 1.959963984540054
    tried = called = 0
    for n in (17, 38, 64, 105, 129, 160):
        x = np.arange(1, n, 2)
        logit, se = np.log(x / (n - x)), np.sqrt(n / (x * (n - x)))
        low, high = (np.char.mod("%.1f", 100 / (1 + np.exp(-(logit + k * z * se)))) for k in (-1, 1))
        fits = np.zeros(x.size, dtype=bool)  # printed as some computed method prints it: not a candidate
        for method in proportions.CI_METHODS:
            lo, hi = proportions.ci_many(x, np.full(x.size, n), method=method)
            fits |= (np.char.mod("%.1f", 100 * lo) == low) & (np.char.mod("%.1f", 100 * hi) == high)
        for k in np.flatnonzero(~fits):
            tried += 1
            pl, ph = parse_printed(str(low[k])), parse_printed(str(high[k]))
            called += bool(_misprint(int(x[k]), n, pl, ph, 100.0, 0.95)[0])
    assert tried > 100 and called <= 0.02 * tried, (tried, called)


def test_an_inferred_count_whose_named_method_is_not_computed_is_unchecked(tmp_path):
    row = _ci_row(tmp_path, "", 11.7, 26.7, "exact (Blaker)")
    assert (row.verdict, row.check) == ("not-checkable", "unchecked")
    assert row.explanation.startswith(
        "The paper names exact (Blaker), Blaker's exact interval, which the audit"
    )
    assert "misprint" not in row.explanation


@pytest.mark.parametrize(
    "low, high, named, why",
    [
        ("15.0", "31.0", "exact (Blaker)", "always lies inside Clopper-Pearson's (11.4-27.1%)"),
        ("11.7", "29.5", "Blaker", "always lies inside Clopper-Pearson's (11.4-27.1%)"),
        ("20.1", "27.1", "logit", "the printed interval does not contain the estimate"),
    ],
)
def test_a_named_method_not_computed_does_not_hide_an_impossible_interval(tmp_path, low, high, named, why):
    # Statistical reviewer: an interval that excludes its own estimate, or a Blaker interval outside
    # Clopper-Pearson's, was "not checkable" once the paper named a method the audit lacks.
    row = _ci_row(tmp_path, 19, low, high, named)
    assert row.verdict == "not-reproducible" and why in row.explanation


def test_a_logit_interval_of_one_event_is_not_called_a_misprint(tmp_path):
    # 1/100: logit interval 0.14-6.75 (R: plogis(qlogis(.01) + c(-1, 1) * 1.96 / sqrt(100 * .01 * .99)));
    # it was "probably a misprint of 4.8" (the mid-p bound).
    (tmp_path / "studies.csv").write_text(STUDIES)
    (tmp_path / "outcomes.csv").write_text(
        HEAD + "kn224,pembro,objective_response,,best,1,100,1.0,0.1,6.8,95,,confirmed,abstract\n"
    )
    row = audit.audit(evidence.load(tmp_path)).query("kind == 'ci'").iloc[0]
    assert row.verdict == "not-reproducible" and "misprint" not in row.explanation
