"""Regression tests for what an outside prober found after issue 11 was worked on: each input
once gave a silent wrong answer, a raw traceback or an unbounded computation."""

import shutil
from pathlib import Path

import pytest

from reanalysis import audit, bayes, cli, evidence, reconstruction

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("printed", ["0", "<0", "<=0", ">1", "> 1"])
def test_impossible_or_empty_printed_pvalues_are_refused(printed):
    with pytest.raises(ValueError, match="p-value"):
        audit.pvalue_consistent(printed, 0.04)


def test_spss_style_zero_pvalue_keeps_its_meaning():
    assert audit.pvalue_consistent("0.000", 0.0004)
    assert not audit.pvalue_consistent("0.000", 0.0006)


def test_cli_refuses_a_zero_pvalue(capsys):
    assert cli.main(["explain-p", "0", "--group", "5/20", "--group", "12/20"]) == 2
    assert "never 0" in capsys.readouterr().err


def test_loader_refuses_a_zero_pvalue_with_file_and_line(tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(DATA, folder)
    path = folder / "comparisons.csv"
    path.write_text(path.read_text().replace(",0.494,", ",0,", 1))
    with pytest.raises(evidence.DataValidationError, match=r"comparisons.csv, line \d+, column reported_p"):
        evidence.load(folder)


def test_swapped_ci_bounds_are_refused(tmp_path):
    with pytest.raises(ValueError, match="swapped"):
        audit.identify_ci_method(3, 10, "65.2", "6.7")
    folder = tmp_path / "d"
    shutil.copytree(DATA, folder)
    path = folder / "outcomes.csv"
    path.write_text(path.read_text().replace(",28.7,55.9,", ",55.9,28.7,", 1))
    with pytest.raises(evidence.DataValidationError, match=r"outcomes.csv, line \d+, columns ci_low/ci_high"):
        evidence.load(folder)


@pytest.mark.parametrize("prior", [(1e16, 1e16), (1e155, 1.0)])
def test_priors_beyond_what_double_precision_resolves_are_refused(prior):
    with pytest.raises(ValueError, match=r"prior1\[0\] \(Beta a\).*<= 1e\+10"):
        bayes.posterior_difference(1, 10, 2, 10, prior1=prior)


def test_the_largest_allowed_prior_still_gives_the_right_answer():
    # Two Beta(1e10, 1e10) priors swamp 10 patients: P(p1 > p2) is 1/2 to within 1e-5.
    res = bayes.posterior_difference(1, 10, 2, 10, prior1=(1e10, 1e10), prior2=(1e10, 1e10))
    assert res.prob_greater == pytest.approx(0.5, abs=1e-5)


@pytest.mark.parametrize("sd", [1e300, 1e-300])
def test_extreme_prior_sd_is_refused(sd):
    with pytest.raises(ValueError, match="prior_sd"):
        bayes.posterior_odds_ratio(1, 10, 2, 10, prior_sd=sd)


def test_huge_n_ranges_are_refused_before_any_allocation(capsys):
    with pytest.raises(ValueError, match="too large to compute here"):
        audit.consistent_counts("50", n_range=(1, 2**40))
    assert cli.main(["counts", "50", "--n", "1-1000000000"]) == 2
    assert "at most 2,000,000 denominators" in capsys.readouterr().err


def test_flags_and_cli_counts_are_validated(capsys):
    with pytest.raises(ValueError, match="truncated"):
        audit.consistent_counts("50", n=10, truncated="no")
    assert cli.main(["audit", str(DATA), "--jobs", "0"]) == 2
    assert cli.main(["explain-p", "0.5", "--group", "1/8", "--group", "2/8", "--top", "-1"]) == 2


def test_rmst_variance_names_its_argument():
    with pytest.raises(ValueError, match="km must be a KaplanMeierResult"):
        reconstruction.rmst_variance(None, 5)


def test_file_instead_of_folder_and_missing_csv_folder_are_named(tmp_path, capsys):
    file = tmp_path / "notes.txt"
    file.write_text("x")
    assert cli.main(["audit", str(file)]) == 2
    assert "is a file, not an evidence folder" in capsys.readouterr().err
    assert cli.main(["audit", str(DATA), "--csv", str(tmp_path / "no" / "x.csv")]) == 2
    assert "--csv" in capsys.readouterr().err


def test_ratio_ci_error_shows_the_printed_ratios():
    with pytest.raises(ValueError, match=r"got 0\.9-0\.5"):
        audit.ratio_pvalue_from_ci(0.72, 0.9, 0.5)


# --- A second outside user (CheckMate 067, ELEVATE-TN abstracts) -------------------------------


def test_a_ci_and_p_far_apart_point_to_the_ci_level_not_to_another_test():
    # CheckMate 067 prints 99.5% CIs for its PFS hazard ratios; copied as 95% they imply p = 1.1e-4,
    # eleven times the printed bound: no log-rank vs Wald difference is that large.
    res = audit.ratio_consistency("0.57", "0.43", "0.76", "<0.00001")
    assert not res.consistent
    assert "97.5% or wider CI" in res.explanation and "different test" not in res.explanation
    assert audit.ratio_consistency("0.57", "0.43", "0.76", "<0.00001", level=0.995).consistent
    # a small gap keeps the different-test reading
    near = audit.ratio_consistency("0.72", "0.55", "0.94", "0.03")
    assert "different test" in near.explanation


def test_a_ci_with_only_its_denominator_is_checked_against_every_count_that_fits(tmp_path):
    # 36.7% of 286 is 105/286; its Clopper-Pearson 95% CI prints as 31.1-42.6
    folder = _viale_copy(tmp_path, ",,,286,36.7,,,", ",,,286,36.7,31.1,42.6,")
    table = audit.audit(evidence.load(folder))
    row = table[table.kind == "ci"].iloc[0]
    assert row.verdict == "reproduced-with-assumptions"
    assert "105/286 (clopper-pearson)" in row.explanation


def test_lancet_middle_dot_decimals_are_read():
    assert audit.parse_printed("0·55").value == 0.55
    assert audit.pvalue_consistent("<0·001", 0.0004)


def test_printed_p_with_its_p_is_echoed_once(capsys):
    cli.main(["ratio-check", "0.57", "0.43", "0.76", "p<0.00001"])
    assert "printed p < 0.00001" in capsys.readouterr().out


def test_the_arm_size_is_offered_when_a_percentage_has_no_denominator(tmp_path):
    folder = _viale_copy(tmp_path, ",,,286,36.7,", ",,,,36.7,")
    table = audit.audit(evidence.load(folder))
    row = table[(table.kind == "percent") & (table.arm == "ven_aza")].iloc[0]
    assert row.verdict == "not-checkable" and "the arm has 286 patients in arms.csv" in row.explanation


def test_counts_suggests_truncation_and_a_range(capsys):
    assert cli.main(["counts", "55.0", "--n", "314"]) == 1
    err = capsys.readouterr().err
    assert "173/314 would print as it (--truncated)" in err and "--n 298-330" in err


def test_trend_tests_carry_their_order_assumption(capsys):
    cli.main(["explain-p", "0.04", "--group", "5/20", "--group", "9/20", "--group", "12/20"])
    assert "natural order" in capsys.readouterr().out


# --- Third probe: the new audit paths ---------------------------------------------------------


def _viale_copy(tmp_path, old, new):
    folder = tmp_path / "v"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "viale_a", folder)
    path = folder / "outcomes.csv"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return folder


@pytest.mark.parametrize("responders", ["", "0"])
def test_a_proportion_scale_ci_around_zero_is_read_as_proportions(tmp_path, responders):
    # 0/10: both readings contain the estimate; only the proportion reading is reproduced (Clopper-Pearson)
    folder = _viale_copy(tmp_path, ",,,286,36.7,,,", f",,{responders},10,,0.0,0.308,")
    row = audit.audit(evidence.load(folder)).query("kind == 'ci'").iloc[0]
    assert row.verdict.startswith("reproduced") and "clopper-pearson" in row.method


@pytest.mark.parametrize("printed", ["<0", ">100"])
def test_impossible_bounded_percentages_are_load_errors(tmp_path, printed):
    folder = _viale_copy(tmp_path, ",,,286,36.7,", f",,,286,{printed},")
    with pytest.raises(
        evidence.DataValidationError, match=r"outcomes.csv, line 2, column reported_percent: .*impossible"
    ):
        evidence.load(folder)


def test_a_huge_n_is_summarised_and_an_impossible_one_does_not_stop_the_audit(tmp_path):
    folder = _viale_copy(tmp_path, ",,,286,36.7,", ",,,1000000,<5,")
    table = audit.audit(evidence.load(folder))
    row = table.query("kind == 'percent'").iloc[0]
    assert row.computed == "0-49999" and "are below 5%" in row.explanation
    # (and a million patients in an arm of 286 in arms.csv cannot be: the denominator check says so)
    denominator = table.query("kind == 'denominator'").iloc[0]
    assert denominator.verdict == "inconsistent"
    assert "The denominator of 1000000 is more than the 286 patients" in denominator.explanation
    folder = _viale_copy(tmp_path / "b", ",,,286,36.7,", ",,,10000000000,36.7,")
    table = audit.audit(evidence.load(folder))
    huge = table.query("kind == 'denominator'").iloc[0]
    assert (
        huge.verdict == "inconsistent" and "is more than the 286 patients" in huge.explanation
    )  # (as above)
    assert len(table) == 11  # every other number still audited


def test_significance_disagreement_is_always_said():
    res = audit.ratio_consistency("0.75", "0.55", "1.02", "0.04")
    assert "either side of 5%" in res.explanation
    gross = audit.ratio_consistency("0.66", "0.52", "0.85", "0.2")
    assert "gross inconsistency" in gross.explanation
    far = audit.ratio_consistency("0.66", "0.52", "0.85", "6.3e-18")
    assert "thousandfold" in far.explanation and "CI level other" not in far.explanation
