"""Probe 29: the 'another test' reconcile of an effect-p check needs a p reproduced from published counts.

Percentages without denominators (35.0% vs 20.0%, arms of 300) beside RD 15.0 (2.7-27.3) points and
p 0.006: the CI implies p 0.017 (the table it fits, 35/100 vs 19/95, gives chi-square 0.019), but 268
of 2,700 guessed tables give 0.006 by some test, and _reconcile_effect_p called the effect-p check
"consistent" ("the p-value itself is reproduced from the counts by chi2"), so a p its own CI
contradicts by a factor of 3 was counted "reproduced-with-assumptions".

R:  chisq.test(matrix(c(35, 19, 65, 76), 2), correct = FALSE)$p.value    # 0.0193
    p <- c(35/100, 19/95); d <- p[1] - p[2]; s <- sqrt(sum(p * (1 - p) / c(100, 95)))
    100 * (d + c(-1, 1) * qnorm(.975) * s); 2 * pnorm(-d / s)            # 2.67 27.33; 0.0171
"""

from reanalysis import audit, evidence

HEAD = (
    "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,effect_measure,"
    "reported_effect,effect_ci_low,effect_ci_high,effect_unit,source_status,source_location\n"
)


def _audit(tmp_path, arms, outcomes, line):
    files = {
        "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
        "t,T,x,randomised,A B. J 2020;1:1,completed,confirmed,https://example.org\n",
        "arms.csv": "study_id,arm_id,regimen,n_randomised,source_status,source\n"
        + "".join(f"t,{a},{a},{n},confirmed,T1\n" for a, n in arms),
        "outcomes.csv": "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
        "source_status,source_location\n" + outcomes,
        "comparisons.csv": HEAD + line,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return audit.audit(evidence.load(tmp_path))


def _only(table, kind):
    (row,) = table[table.kind == kind].itertuples()
    return row


def test_a_p_value_fitted_only_by_guessed_tables_does_not_excuse_its_ci(tmp_path):
    table = _audit(
        tmp_path,
        [("a", 300), ("b", 300)],
        "t,a,resp,12,month,,,35.0,confirmed,T2\nt,b,resp,12,month,,,20.0,confirmed,T2\n",
        "t,resp,12,month,a,b,0.006,not stated,rd,15.0,2.7,27.3,percentage-points,confirmed,T2\n",
    )
    assert _only(table, "pvalue").verdict == "reproduced-with-assumptions"
    effect_p = _only(table, "effect-p")
    assert effect_p.verdict == "inconsistent" and "reproduced from the counts" not in effect_p.explanation
    assert audit.number_verdicts(table)[_only(table, "pvalue").Index] == "inconsistent"
