"""Probe 29: explanations of an effect that does not reproduce.

- 74/105 vs 44/103 (BALL AALL1331's counts) printed as RD 27.8 (14.8-47.0) points: the estimate
  prints as published (27.76) and the upper bound is wrong (Wald 40.70), yet the explanation said
  the paper "probably subtracted rounded percentages, which shifts the estimate" (70.5 - 42.7 = 27.8).
- 263/500 vs 250/500 printed as RR 1.0 (0.9-1.2): RR 1.052 (0.932-1.187), the estimate truncated. The
  explanation suggested the arms were the other way round (1/1.052 = 0.95 prints as 1.0), but the
  swapped interval (0.84-1.07) prints as (0.8-1.1), not as published.

R:  p <- c(74/105, 44/103); d <- p[1] - p[2]; s <- sqrt(sum(p * (1 - p) / c(105, 103)))
    100 * c(d, d + c(-1, 1) * qnorm(.975) * s)                           # 27.76 14.82 40.70
    r <- (263/500) / (250/500); s <- sqrt(1/263 - 1/500 + 1/250 - 1/500)
    c(r, r * exp(c(-1, 1) * qnorm(.975) * s))                            # 1.052 0.932 1.187
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


def test_a_right_estimate_with_a_wrong_bound_is_not_blamed_on_subtracted_percentages(tmp_path):
    table = _audit(
        tmp_path,
        [("a", 105), ("b", 103)],
        "t,a,resp,12,month,74,105,70.5,confirmed,T2\nt,b,resp,12,month,44,103,42.7,confirmed,T2\n",
        "t,resp,12,month,a,b,,not stated,rd,27.8,14.8,47.0,percentage-points,confirmed,T2\n",
    )
    effect = _only(table, "effect")
    assert effect.verdict == "not-reproducible" and "27.76 (14.82-40.70)" in effect.explanation
    assert "subtracted rounded percentages" not in effect.explanation


def test_an_estimate_near_one_is_not_said_to_have_its_arms_swapped_when_the_ci_is_not(tmp_path):
    table = _audit(
        tmp_path,
        [("a", 500), ("b", 500)],
        "t,a,resp,12,month,263,500,52.6,confirmed,T2\nt,b,resp,12,month,250,500,50.0,confirmed,T2\n",
        "t,resp,12,month,a,b,,not stated,rr,1.0,0.9,1.2,,confirmed,T2\n",
    )
    effect = _only(table, "effect")
    assert effect.verdict == "not-reproducible"
    assert "other way round" not in effect.explanation


def test_swapped_arms_are_still_named_when_the_mirrored_ci_prints_as_published(tmp_path):
    table = _audit(
        tmp_path,
        [("a", 500), ("b", 500)],
        "t,a,resp,12,month,263,500,52.6,confirmed,T2\nt,b,resp,12,month,250,500,50.0,confirmed,T2\n",
        "t,resp,12,month,a,b,,not stated,rr,0.95,0.84,1.07,,confirmed,T2\n",
    )
    assert "with the arms the other way round it would be 0.95" in _only(table, "effect").explanation
