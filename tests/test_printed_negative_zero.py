"""A bound printed "-0" (as in "RD -4 (-8 to -0)") is a negative value that rounds to zero.

Read as 0, its sign was lost: a CI whose upper bound is +0.38 was called "reproduced" by the
printed "-8 to -0" (found by an outside user auditing CAP-IT, JAMA 2021, Table 3, whose bounds the
tables print as "-0").
"""

import pytest

from reanalysis import audit, evidence
from reanalysis.printed import parse_printed


@pytest.mark.parametrize(
    "text, bounds",
    [("-0", (-0.5, 0.0)), ("−0", (-0.5, 0.0)), ("-0.0", (-0.05, 0.0)), ("-0.00", (-0.005, 0.0))],
)
def test_minus_zero_stands_for_small_negative_values_only(text, bounds):
    printed = parse_printed(text)
    assert printed.bounds() == bounds
    assert printed.contains(bounds[0] / 2) and printed.contains(0.0)
    assert not printed.contains(-bounds[0] / 2)  # a positive value prints without the minus sign
    assert parse_printed(text.replace("-", "").replace("−", "")).bounds() == (bounds[0], -bounds[0])


def test_truncated_minus_zero_is_below_zero():
    assert parse_printed("-0").bounds(truncated=True) == (-1.0, 0.0)
    assert parse_printed("-0").contains(-0.7, truncated=True)
    assert not parse_printed("-0").contains(0.7, truncated=True)


def test_a_difference_whose_upper_bound_is_positive_does_not_reproduce_minus_zero(tmp_path):
    files = {
        "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
        "t,Trial T,CAP,randomised,Invented T. J Test 2021;1:1,completed,confirmed,https://example.org/t\n",
        "arms.csv": "study_id,arm_id,regimen,n_randomised,source_status,source\n"
        "t,low,low dose,410,confirmed,Table 1\nt,high,high dose,404,confirmed,Table 1\n",
        "outcomes.csv": "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
        "source_status,source_location\n"
        "t,low,adherence,,best,355,410,87,confirmed,Table 3\nt,high,adherence,,best,366,404,91,confirmed,Table 3\n",
        "comparisons.csv": "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,"
        "effect_measure,reported_effect,effect_ci_low,effect_ci_high,effect_unit,source_status,source_location\n"
        "t,adherence,,best,low,high,,not stated,rd,-4,-8,-0,percentage-points,confirmed,Table 3\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    table = audit.audit(evidence.load(tmp_path))
    (row,) = table[table.kind == "effect"].itertuples()
    # Every crude method gives an upper bound of about +0.35 to +0.38 (R: Wald -8.37 to 0.35).
    assert row.verdict == "not-reproducible", row.explanation
