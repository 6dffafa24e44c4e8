"""What a first-time user auditing CheckMate 017 and 026 (Brahmer et al., NEJM 2015;373:123-35;
Carbone et al., NEJM 2017;376:2415-26) was told wrongly or too confidently."""

from reanalysis import audit, evidence

STUDIES = (
    "study_id,label,indication,design,citation,status,source_status,source\n"
    "cm,CheckMate,NSCLC,randomised open-label phase 3,Invented citation of the trial,completed,confirmed,"
    "https://example.org\n"
)
OUTCOMES = (
    "study_id,arm_id,endpoint,timepoint_unit,responders,n,reported_percent,source_status,source_location\n"
    "cm,a,response,best,{x1},{n1},,confirmed,T2\n"
    "cm,b,response,best,{x2},{n2},,confirmed,T2\n"
)


def _folder(tmp_path, x1, n1, x2, n2, comparison):
    (tmp_path / "studies.csv").write_text(STUDIES)
    (tmp_path / "outcomes.csv").write_text(OUTCOMES.format(x1=x1, n1=n1, x2=x2, n2=n2))
    (tmp_path / "comparisons.csv").write_text(
        "study_id,endpoint,timepoint_unit,arm_a,arm_b,reported_p,test_stated,effect_measure,reported_effect,"
        "effect_ci_low,effect_ci_high,effect_unit,adjustment,source_status,source_location\n" + comparison
    )
    return audit.audit(evidence.load(tmp_path))


def test_a_p_a_little_off_every_test_with_no_test_named_says_a_stratified_test_could_give_it(tmp_path):
    # P = 0.0083 printed for 27/135 vs 12/137 (chi-square gives 0.0082; a stratified test, 0.0083?)
    table = _folder(tmp_path, 27, 135, 12, 137, "cm,response,best,a,b,0.0083,not stated,,,,,,,confirmed,T2\n")
    row = table.query("kind == 'pvalue'").iloc[0]
    assert row.verdict == "not-reproducible"
    assert (
        "the gap is small and the test is not named, so a test the audit does not recompute (a stratified "
        in (row.explanation)
    )
    far = _folder(tmp_path, 27, 135, 12, 137, "cm,response,best,a,b,0.03,not stated,,,,,,,confirmed,T2\n")
    assert "the gap is small" not in far.query("kind == 'pvalue'").iloc[0].explanation


def test_an_adjusted_ratio_the_crude_one_matches_says_it_is_adjusted(tmp_path):
    # CheckMate 026: OR 0.70 (0.46-1.06), "strata-adjusted (Cochran-Mantel-Haenszel)", on 55/211 vs 71/212
    table = _folder(
        tmp_path,
        55,
        211,
        71,
        212,
        "cm,response,best,a,b,,not stated,or,0.70,0.46,1.06,ratio,Cochran-Mantel-Haenszel by histology,confirmed,T2\n",
    )
    row = table.query("kind == 'effect'").iloc[0]
    assert row.verdict == "reproduced" and row.explanation.endswith(
        "; the paper says it is adjusted (Cochran-Mantel-Haenszel by histology): the crude estimate coincides "
        "with it to the printed precision, so the printed numbers cannot tell the two apart."
    )
