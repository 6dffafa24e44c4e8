"""A risk difference's Wald CI beside a p-value from another test (Fisher) is not an inconsistency.

COVI-PRONE (Alhazzani et al., JAMA 2022;327:2104, Table 2) prints endotracheal intubation 70/205 vs
79/195 with the absolute difference -6.37 (-15.83 to 3.10), a Wald interval, copied from the journal
page with its minus sign (U+2212). A paper that printed Fisher's exact p beside it (.21) would be
right twice, yet the p the Wald CI implies is 0.187, and a risk difference printed to two decimals
has almost no rounding slack: the audit called the p-value ``inconsistent`` and the report counted
it among the numbers that do not hold up.

R (reference values):
    fisher.test(matrix(c(70, 135, 79, 116), 2, byrow = TRUE))$p.value  # 0.2145696
    prop.test(c(70, 79), c(205, 195), correct = FALSE)$p.value          # 0.188034
    p <- c(70/205, 79/195); d <- p[1] - p[2]; s <- sqrt(sum(p * (1 - p) / c(205, 195)))
    100 * c(d, d - qnorm(.975) * s, d + qnorm(.975) * s)                 # -6.366 -15.833 3.100
"""

import pytest

from reanalysis import audit, evidence

HEAD = (
    "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,effect_measure,"
    "reported_effect,effect_ci_low,effect_ci_high,effect_unit,source_status,source_location\n"
)
BASE = {
    "studies.csv": (
        "study_id,label,indication,design,citation,status,source_status,source\n"
        "t,COVI-PRONE,COVID-19,randomised,Alhazzani W et al. JAMA 2022;327:2104,completed,confirmed,"
        "https://doi.org/10.1001/jama.2022.7993\n"
    ),
    "arms.csv": (
        "study_id,arm_id,regimen,n_randomised,source_status,source\n"
        "t,prone,awake prone positioning,205,confirmed,Table 2\n"
        "t,control,usual care,195,confirmed,Table 2\n"
    ),
    "outcomes.csv": (
        "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
        "source_status,source_location\n"
        "t,prone,intubation,30,day,70,205,34,confirmed,Table 2\n"
        "t,control,intubation,30,day,79,195,41,confirmed,Table 2\n"
    ),
}


def _audit(tmp_path, comparison_row):
    for name, text in {**BASE, "comparisons.csv": HEAD + comparison_row}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return audit.audit(evidence.load(tmp_path))


def _row(table, kind):
    rows = table[table["kind"] == kind]
    assert len(rows) == 1, table[["kind", "reported", "verdict"]]
    return rows.iloc[0]


def test_fisher_p_beside_a_wald_rd_is_consistent(tmp_path):
    table = _audit(
        tmp_path,
        "t,intubation,30,day,prone,control,.21,Fisher,rd,\u22126.37,\u221215.83,3.10,,confirmed,T2\n",
    )
    assert _row(table, "pvalue")["verdict"] == "reproduced"
    assert _row(table, "effect")["verdict"] == "reproduced"
    effect_p = _row(table, "effect-p")
    assert effect_p["verdict"] == "consistent"
    assert "reproduced from the counts by fisher" in effect_p["explanation"]
    assert set(audit.number_verdicts(table)) == {"reproduced"}


@pytest.mark.parametrize(
    "printed_p",
    [
        ".30",  # no test on 70/205 vs 79/195 gives it: a real discrepancy with the CI
        ".01",  # the CI includes 0 but the p is significant: a gross inconsistency
    ],
)
def test_a_p_the_counts_do_not_give_stays_inconsistent(tmp_path, printed_p):
    table = _audit(
        tmp_path, f"t,intubation,30,day,prone,control,{printed_p},Fisher,rd,-6.37,-15.83,3.10,,confirmed,T2\n"
    )
    assert _row(table, "pvalue")["verdict"] == "not-reproducible"
    assert _row(table, "effect-p")["verdict"] == "inconsistent"


def test_printed_minus_sign_interval_reads_with_to(tmp_path):
    table = _audit(
        tmp_path,
        "t,intubation,30,day,prone,control,,not stated,rd,\u22126.37,\u221215.83,3.10,,confirmed,T2\n",
    )
    reported = _row(table, "effect")["reported"]
    assert "(\u221215.83 to 3.10)" in reported, reported
