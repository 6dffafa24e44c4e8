"""Probe 29: which stated tests are tests against a margin, and one-sided p-values beside a CI.

The retreatment counts 50/400 vs 48/400 (RD 0.5 (-4.1 to 5.1) points) give two-sided p = 0.83 by
every test of no difference, so a printed 0.002 from a test of no difference is wrong, and a printed
0.002 for non-inferiority is not for them to judge.

- Tests of no difference whose names merely contain "equivalent" or "margin" ("chi-square
  (equivalent to the z test)", "Fisher's exact test or equivalent", "stratified by resection margin
  status") were left unchecked as margin tests: the wrong 0.002 went unflagged.
- A non-inferiority test copied from a journal page with its Unicode hyphen ("non\u2010inferiority"),
  abbreviated "NI", or "TOST" was checked as a test of no difference: a correct report was called
  not reproducible and "a gross inconsistency" with its CI.
- data/README says a one-sided p-value's CI check is left unchecked; it was not: 60/100 vs 45/100,
  RD 15.0 (1.3-28.7) with the one-sided p 0.017 was called inconsistent (the CI implies the two-sided
  0.032), and its number did not hold up. JAMA writes "1-sided", which was not read as one-sided.

R:  prop.test(c(60, 45), c(100, 100), correct = FALSE, alternative = "greater")$p.value  # 0.01684
    p <- c(.6, .45); s <- sqrt(sum(p * (1 - p) / 100)); 100 * (.15 + c(-1, 1) * 1.96 * s)  # 1.32 28.68
"""

import pytest

from reanalysis import audit, evidence

HEAD = (
    "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,effect_measure,"
    "reported_effect,effect_ci_low,effect_ci_high,effect_unit,source_status,source_location\n"
)


def _audit(tmp_path, x, n, line):
    files = {
        "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
        "t,T,x,randomised,A B. J 2020;1:1,completed,confirmed,https://example.org\n",
        "arms.csv": "study_id,arm_id,regimen,n_randomised,source_status,source\n"
        f"t,a,a,{n},confirmed,T1\nt,b,b,{n},confirmed,T1\n",
        "outcomes.csv": "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,"
        "source_status,source_location\n"
        f"t,a,resp,28,day,{x[0]},{n},confirmed,T2\nt,b,resp,28,day,{x[1]},{n},confirmed,T2\n",
        "comparisons.csv": HEAD + line,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    table = audit.audit(evidence.load(tmp_path))
    return table, audit.number_verdicts(table)


def _ni(tmp_path, stated):
    return _audit(
        tmp_path,
        (50, 48),
        400,
        f"t,resp,28,day,a,b,0.002,{stated},rd,0.5,-4.1,5.1,percentage-points,confirmed,T2\n",
    )


@pytest.mark.parametrize(
    "stated",
    [
        "chi-square (equivalent to the z test)",
        "Fisher's exact test or equivalent",
        "Cochran-Mantel-Haenszel stratified by resection margin status",
    ],
)
def test_a_test_of_no_difference_is_checked_though_its_name_says_equivalent_or_margin(tmp_path, stated):
    table, numbers = _ni(tmp_path, stated)
    (effect_p,) = table[table.kind == "effect-p"].itertuples()
    assert effect_p.verdict == "inconsistent", effect_p.explanation
    assert "margin" not in effect_p.explanation
    assert set(numbers) & set(audit.PROBLEM_VERDICTS)


@pytest.mark.parametrize(
    "stated",
    [
        "Farrington-Manning test for non\u2010inferiority",  # U+2010, as copied from a journal page
        "non\u2013inferiority",  # en dash
        "NI test (delta 8 points)",
        "TOST",
        "1-sided Farrington-Manning",
    ],
)
def test_a_margin_or_one_sided_test_is_not_called_wrong(tmp_path, stated):
    table, numbers = _ni(tmp_path, stated)
    rows = table[table.kind.isin(["pvalue", "effect-p"])]
    assert set(rows.verdict) == {"not-checkable"}, rows.explanation.tolist()
    assert not set(numbers) & set(audit.PROBLEM_VERDICTS)


@pytest.mark.parametrize("stated", ["one-sided z test", "1-sided z test", "one\u2010tailed z test"])
def test_a_one_sided_p_beside_its_ci_is_not_called_inconsistent(tmp_path, stated):
    table, numbers = _audit(
        tmp_path,
        (60, 45),
        100,
        f"t,resp,28,day,a,b,0.017,{stated},rd,15.0,1.3,28.7,percentage-points,confirmed,T2\n",
    )
    (effect,) = table[table.kind == "effect"].itertuples()
    assert effect.verdict == "reproduced"  # the Wald RD: the CI is right
    (effect_p,) = table[table.kind == "effect-p"].itertuples()
    assert effect_p.verdict == "not-checkable" and "one-sided" in effect_p.explanation
    (label,) = table.index[table.kind == "pvalue"]
    assert numbers[label] == "not-checkable"


def test_a_two_sided_p_beside_its_ci_is_still_checked(tmp_path):
    table, _ = _audit(
        tmp_path,
        (60, 45),
        100,
        "t,resp,28,day,a,b,0.017,2-sided z test,rd,15.0,1.3,28.7,percentage-points,confirmed,T2\n",
    )
    (effect_p,) = table[table.kind == "effect-p"].itertuples()
    assert effect_p.verdict == "inconsistent"
