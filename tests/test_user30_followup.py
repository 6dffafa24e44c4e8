"""Follow-ups of the outside user's non-inferiority audit (Geisler et al., NEJM 2015): a p-value
that only another test than the named one gives, and an effect printed without its CI in the
report's account of what each check says.

R: fisher.test(matrix(c(5, 150, 0, 155), 2, byrow = TRUE))$p.value = 0.06049;
prop.test(c(5, 0), c(155, 155), correct = FALSE)$p.value = 0.0242.
"""

import pandas as pd

from reanalysis import audit, evidence
from reanalysis.report import audit_report, narrative

FILES = {
    "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
    "g,Geisler 2015,chlamydia,randomised,Geisler WM et al. N Engl J Med 2015;373:2512,completed,confirmed,"
    "https://doi.org/10.1056/NEJMoa1502599\n",
    "arms.csv": "study_id,arm_id,regimen,n_randomised,source_status,source\n"
    "g,azi,azithromycin,284,confirmed,abstract\ng,doxy,doxycycline,283,confirmed,abstract\n",
    "outcomes.csv": "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
    "source_status,source_location\n"
    "g,azi,failure,28,day,5,155,3.2,confirmed,abstract\ng,doxy,failure,28,day,0,155,0,confirmed,abstract\n",
}
HEAD = (
    "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,effect_measure,"
    "reported_effect,effect_ci_low,effect_ci_high,effect_unit,source_status,source_location\n"
)


def _audit(tmp_path, line):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "comparisons.csv").write_text(HEAD + line)
    return audit.audit(evidence.load(tmp_path))


def test_a_p_value_only_another_test_gives_says_what_the_named_test_gives(tmp_path):
    table = _audit(tmp_path, "g,failure,28,day,azi,doxy,0.02,Fisher's exact test,,,,,,confirmed,abstract\n")
    (row,) = table[table.kind == "pvalue"].itertuples()
    assert row.verdict == "reproduced"
    assert "the test the paper names (Fisher's exact test) gives p = 0.06049" in row.explanation
    assert "not the named test" in row.explanation


def test_a_p_value_the_named_test_gives_has_no_such_note(tmp_path):
    table = _audit(tmp_path, "g,failure,28,day,azi,doxy,0.06,Fisher's exact test,,,,,,confirmed,abstract\n")
    (row,) = table[table.kind == "pvalue"].itertuples()
    assert row.verdict == "reproduced" and "fisher" in row.method.split(";")
    assert "names" not in row.explanation


def test_an_effect_without_its_ci_is_counted_apart_in_the_strength_paragraph(tmp_path):
    table = _audit(
        tmp_path, "g,failure,28,day,azi,doxy,,not stated,rd,3.2,,,percentage-points,confirmed,abstract\n"
    )
    (row,) = table[table.kind == "effect"].itertuples()
    assert (row.check, row.method) == ("arithmetic", "crude estimate")
    text = str(narrative("audit").strength(audit_report._counts(table)))
    assert "1 is a difference or ratio printed without its CI and recomputed from the counts" in text
    assert "Of 3 checks, 2 are arithmetic (a percentage" in text
    assert isinstance(table, pd.DataFrame)
