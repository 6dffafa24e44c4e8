"""Findings of a seeded cell-mutation run over data/ and examples/ (a helper's probe, kept outside the
repository): each bad edit here gives a DataValidationError or a per-row verdict, not another
exception type, a wrong verdict or a search that runs for minutes."""

import shutil
from pathlib import Path

import pytest
from test_data import _edit  # the same one-cell edit

from reanalysis import audit, data

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def example_copy(tmp_path):
    def copy(name):
        dest = tmp_path / name
        shutil.copytree(EXAMPLES / name, dest)
        return dest

    return copy


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("value", "150", "column value: printed percentage '150' is outside 0-100"),
        ("ci_high", ">100", "column ci_high: printed percentage '>100' is impossible"),
        ("unit", "month", "column unit: a rate_at statistic is a percentage (unit percent), not 'month'"),
    ],
)
def test_a_rate_is_a_percentage_checked_at_load(example_copy, column, value, message):
    # audit() raised a bare ValueError ("printed percentage '150' is outside 0-100": no file, line
    # or column) from the interval check of a rate_at row in percent.
    folder = example_copy("cll14")
    _edit(folder / "time_to_event.csv", 2, column, value)
    with pytest.raises(data.DataValidationError) as err:
        data.load(folder)
    assert f"time_to_event.csv, line 2, {message}" in str(err.value)


def test_a_median_in_percent_is_refused(example_copy):
    folder = example_copy("viale_a")
    _edit(folder / "time_to_event.csv", 2, "unit", "percent")
    with pytest.raises(data.DataValidationError, match="column unit: a median is a time"):
        data.load(folder)


@pytest.mark.parametrize("column, value", [("arm_b", "ven_aza"), ("other_arms", "pbo_aza")])
def test_a_comparison_naming_an_arm_twice_is_refused(example_copy, column, value):
    # An arm compared with itself loaded, and a printed "NS" was then "reproduced" (every test p = 1).
    folder = example_copy("viale_a")
    _edit(folder / "comparisons.csv", 2, column, value)
    with pytest.raises(
        data.DataValidationError, match="comparisons.csv, line 2, columns arm_a/arm_b/other_arms"
    ):
        data.load(folder)


def test_a_published_count_without_its_denominator_is_said_so(example_copy):
    folder = example_copy("ascembl")
    _edit(folder / "outcomes.csv", 10, "n", "")
    frame = audit.audit(data.load(folder))
    row = frame[(frame.endpoint == "on_treatment_at_cutoff") & (frame.arm == "asc")].iloc[0]
    assert row.explanation.startswith("The count (97) is published but not its denominator")


def test_a_large_trial_is_audited_without_barnard_on_tables_too_large_for_it(example_copy):
    # Barnard's/Boschloo's size guard (a ValueError with no file or line) failed the whole audit
    # as soon as one candidate table had (n1 + 1)(n1 + n2 + 1) > 1e7: two arms of ~2,300 patients.
    folder = example_copy("ascembl")
    _edit(folder / "outcomes.csv", 2, "n", "3200")
    frame = audit.audit(data.load(folder))
    row = frame[(frame.kind == "pvalue") & (frame.endpoint == "major_molecular_response")].iloc[0]
    assert "3200" in row.explanation  # audited (a model-based p-value: crude tests shown for comparison)


def test_percentages_over_wide_arm_sizes_leave_the_p_value_unchecked_with_the_reason(data_copy):
    # Percentages with no denominator are matched over every n up to the arm size: arms of 2010 and
    # 1260 patients gave 1.6 million candidate tables for one p-value (minutes and GiBs of memory).
    _edit(data_copy / "arms.csv", 2, "n_enrolled", "2010")
    _edit(data_copy / "arms.csv", 3, "n_enrolled", "1260")
    frame = audit.audit(data.load(data_copy))
    rows = frame[(frame.study_id == "saa_hpag_vs_epag") & (frame.kind == "pvalue")]
    assert len(rows) and (rows.verdict == "not-checkable").all()
    assert rows.explanation.str.contains(
        r"Not checked: the p-value's [\d,]+ x [\d,]+ candidate tables .* is too large to compute here"
    ).all()
    assert rows.explanation.str.contains("give the denominators the percentages are of").all()


def test_an_effect_over_too_many_candidate_tables_is_left_unchecked_with_the_reason(example_copy):
    # Every effect method ran on every pair of candidate counts: 80 x 80 tables for arms of 400 with
    # percentages only, i.e. more than 20 minutes for one row.
    folder = example_copy("ascembl")
    for line in (2, 3):
        for column in ("n", "derived_responders", "derived_n", "derivation"):
            _edit(folder / "outcomes.csv", line, column, "")
        _edit(folder / "arms.csv", line, "n_randomised", "400")
    effect = audit.audit(data.load(folder)).query("kind == 'effect'").iloc[0]
    assert effect.verdict == "not-checkable"
    assert "Not checked: the effect's" in effect.explanation
    assert "candidate tables is too large to compute here" in effect.explanation


def test_a_ratio_ci_too_narrow_for_double_precision_is_not_checkable_in_its_printed_terms(example_copy):
    # 1e300 to 1.000000000000001e300 are different numbers with the same logarithm: the row was
    # 'inconsistent' with "low < high, got 690.7755278982137-690.7755278982137".
    with pytest.raises(
        ValueError, match=r"the CI 1e300-1.000000000000001e300 is too narrow to imply a p-value"
    ):
        audit.ratio_consistency("1e300", "1e300", "1.000000000000001e300", "0.5")
    folder = example_copy("cll14")
    for column, value in (("reported_effect", "1e300"), ("effect_ci_low", "1e300")):
        _edit(folder / "comparisons.csv", 2, column, value)
    _edit(folder / "comparisons.csv", 2, "effect_ci_high", "1.000000000000001e300")
    frame = audit.audit(data.load(folder))
    row = frame[(frame.study_id == "cll14_nejm2019") & (frame.kind == "pvalue")].iloc[0]
    assert row.verdict == "not-checkable"
    assert row.explanation.startswith("Not checked: the CI 1e300-1.000000000000001e300 is too narrow")


def test_an_effect_outside_its_own_interval_is_inconsistent_without_a_search(example_copy):
    # RD 0.25 (0.30-0.60) with percentages only: 2.6 s of exact intervals, then "not-checkable ...
    # give the denominators", which cannot help; no row said the estimate is outside its CI.
    folder = example_copy("ascembl")
    for column, value in (
        ("reported_effect", "25.0"),
        ("effect_ci_low", "30.0"),
        ("effect_ci_high", "60.0"),
        ("adjustment", "none"),
        ("reported_p", ""),
    ):
        _edit(folder / "comparisons.csv", 2, column, value)
    row = audit.audit(data.load(folder)).query("kind == 'effect'").iloc[0]
    assert row.verdict == "inconsistent"
    assert row.explanation.startswith("The estimate 25.0 lies outside its CI 30.0-60.0")


def test_a_risk_difference_beyond_its_declared_scale_is_refused_at_load(example_copy):
    # RD 25 (30-60) declared a proportion loaded, and the audit then called it not reproducible.
    folder = example_copy("ascembl")
    _edit(folder / "comparisons.csv", 2, "effect_unit", "proportion")
    with pytest.raises(
        data.DataValidationError,
        match=r"comparisons.csv, line 2, columns reported_effect/effect_ci_low/effect_ci_high: a risk "
        r"difference in proportions lies within -1 to 1",
    ):
        data.load(folder)
