"""A count printed without its denominator, "168 (42%)": the denominators that fit it are used.

An outside user auditing CAP-IT (JAMA 2021, Table 3: "n (%)" per arm, denominators not printed)
found every p-value and risk difference left unchecked: the count was ignored and every count and n
up to the arm size searched (869 x 820 tables, refused as too large). The advice then given, "put
the arm size in n", made four false failures, since 168/410 does not print as 42%. Only n = 396-404
print 168 as 42%, and over those the printed p .31 and RD -4 (-10 to 3) are reproduced.
"""

import numpy as np
import pytest

from reanalysis import audit, evidence
from reanalysis.audit import denominators_for


def test_the_denominators_where_a_count_prints_as_its_percentage():
    assert denominators_for(168, "42").tolist() == list(range(396, 405))
    assert denominators_for(168, "42", n_max=400).tolist() == list(range(396, 401))
    assert denominators_for(5, "42").tolist() == [12]
    assert denominators_for(1, "42").size == 0  # 1/2 = 50%, 1/3 = 33%: no n gives 42%
    assert denominators_for(0, "0", n_max=3).tolist() == [1, 2, 3]
    assert denominators_for(97, "<1", n_max=100).size == 0
    assert denominators_for(3, "0.7", truncated=True).tolist() == list(range(376, 429))  # 0.70-0.79%


@pytest.mark.parametrize(
    "args, message",
    [
        ((0, "0"), "fits every n from 1 up: give n_max"),
        ((-1, "42"), "count"),
        ((168, "abc"), "cannot read 'abc'"),
        ((168, "42", 0), "n_max"),
    ],
)
def test_bad_input_is_named(args, message):
    count, percent, *n_max = args
    with pytest.raises(ValueError, match=message):
        denominators_for(count, percent, n_max=n_max[0] if n_max else None)


def _capit_like(tmp_path, low_count="168"):
    files = {
        "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
        "c,CAP-IT-like,CAP,randomised,Invented C. J Test 2021;1:1,completed,confirmed,https://example.org/c\n",
        "arms.csv": "study_id,arm_id,regimen,n_randomised,source_status,source\n"
        "c,low,low dose,410,confirmed,Table 1\nc,high,high dose,404,confirmed,Table 1\n",
        "outcomes.csv": "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
        "source_status,source_location\n"
        f"c,low,diarrhea,,best,{low_count},,42,confirmed,Table 3\nc,high,diarrhea,,best,177,,45,confirmed,Table 3\n",
        "comparisons.csv": "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,reported_p,test_stated,"
        "effect_measure,reported_effect,effect_ci_low,effect_ci_high,effect_unit,source_status,source_location\n"
        "c,diarrhea,,best,low,high,.31,not stated,rd,-4,-10,3,percentage-points,confirmed,Table 3\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return audit.audit(evidence.load(tmp_path))


def test_a_count_without_its_denominator_is_checked_over_the_denominators_that_fit(tmp_path):
    table = _capit_like(tmp_path)
    low = table[(table.kind == "percent") & (table.arm == "low")].iloc[0]
    assert low.verdict == "consistent"
    assert (
        "168/n prints as 42% for n = 396-404 (of at most 410, the arm's largest size in arms.csv)"
        in low.explanation
    )
    p = table[table.kind == "pvalue"].iloc[0]
    assert p.verdict == "reproduced-with-assumptions", p.explanation
    assert "denominators inferred from the percentages" in p.explanation
    effect = table[table.kind == "effect"].iloc[0]
    assert effect.verdict == "reproduced-with-assumptions", effect.explanation
    x1, n1 = (int(v) for v in effect.explanation.split(" on ")[1].split(" vs ")[0].split("/"))
    assert x1 == 168 and 396 <= n1 <= 404


def test_a_count_no_denominator_prints_as_its_percentage_is_inconsistent(tmp_path):
    table = _capit_like(tmp_path, low_count="1")
    low = table[(table.kind == "percent") & (table.arm == "low")].iloc[0]
    assert low.verdict == "inconsistent"
    assert low.explanation.endswith(
        "1/n prints as 42% for no n up to 410, the arm's largest size in arms.csv."
    )
    p = table[table.kind == "pvalue"].iloc[0]
    assert p.verdict == "not-checkable" and "prints as 42% for no denominator" in p.explanation
    assert np.all(table.verdict != "reproduced")


def test_an_outcome_with_no_fixed_time_is_labelled_any_time(tmp_path):
    # The outside user's adverse events read "diarrhea, best response": 'best' is the only unit without a
    # fixed time, used for any event over the follow-up; a label guessed from the endpoint's name then
    # misfired both ways (probe 24: "ORR, any time", "death_in_remission, best response").
    table = _capit_like(tmp_path)
    assert set(table.timepoint) == {"any time"}


def _one_arm(tmp_path, count, percent, arm="n_evaluable,n_randomised\n390,410"):
    head, sizes = arm.split("\n")
    files = {
        "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
        "c,C,CAP,randomised,Invented C. J Test 2021;1:1,completed,confirmed,https://example.org/c\n",
        "arms.csv": f"study_id,arm_id,regimen,{head},source_status,source\nc,low,low dose,{sizes},confirmed,Table 1\n",
        "outcomes.csv": "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
        f"source_status,source_location\nc,low,diarrhea,,best,{count},,{percent},confirmed,Table 3\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (row,) = audit.audit(evidence.load(tmp_path)).itertuples()
    return row


@pytest.mark.parametrize(
    "count, percent, arm, verdict, why",
    [
        # probe 24: an adverse event counted over the safety set, larger than the 390 evaluable
        ("168", "42", "n_evaluable,n_randomised\n390,410", "consistent", "n = 396-404 (of at most 410"),
        # 2/3 = 66.7% prints as 66 only truncated
        ("2", "66", "n_randomised\n3", "consistent", "only if the paper truncated it, for n = 3"),
        ("5", "0.0", "n_randomised\n10000000", "not-checkable", "too many to search"),
        ("0", "0", "n_randomised\n", "not-checkable", "fits every n from 1 up"),
    ],
)
def test_counts_without_denominators_at_the_edges(tmp_path, count, percent, arm, verdict, why):
    row = _one_arm(tmp_path, count, percent, arm)
    assert row.verdict == verdict and why in row.explanation, row.explanation


def test_a_percentage_given_as_a_number_is_refused():
    # 42.0 would be read as "42.0", a percentage printed to a tenth: a different question.
    for value in (42, 42.0, np.float64(42.0)):
        with pytest.raises(ValueError, match="percent is the percentage as printed, as text"):
            denominators_for(5, value)
    with pytest.raises(ValueError, match="count 1 with <1% fits every n from 101 up"):
        denominators_for(1, "<1")


def test_a_k_group_p_uses_the_denominators_of_a_count_printed_without_one(tmp_path):
    # probe 24: the k-group row said "no counts (a percentage without its denominator)" of a printed count.
    _capit_like(tmp_path)
    with open(tmp_path / "arms.csv", "a") as f:
        f.write("c,mid,mid dose,400,confirmed,Table 1\n")
    with open(tmp_path / "outcomes.csv", "a") as f:
        f.write("c,mid,diarrhea,,best,160,,40,confirmed,Table 3\n")
    (tmp_path / "comparisons.csv").write_text(
        "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,other_arms,reported_p,test_stated,"
        "source_status,source_location\nc,diarrhea,,best,low,high,mid,.55,chi-square,confirmed,Table 3\n"
    )
    row = audit.audit(evidence.load(tmp_path)).query("kind == 'pvalue'").iloc[0]
    assert "no counts" not in row.explanation and row.verdict != "not-checkable", row.explanation


def test_an_effect_no_candidate_table_gives_says_it_searched_them_all(tmp_path):
    # probe 24: "No crude method on 168/396 vs 177/391 gives it" named one table of the 72 searched.
    _capit_like(tmp_path)
    (tmp_path / "comparisons.csv").write_text(
        (tmp_path / "comparisons.csv")
        .read_text()
        .replace("rd,-4,-10,3,percentage-points", "or,0.50,0.30,0.70,")
    )
    row = audit.audit(evidence.load(tmp_path)).query("kind == 'effect'").iloc[0]
    assert row.verdict == "not-reproducible"
    assert row.explanation.startswith(
        "No crude method on any candidate table (counts or denominators inferred"
    )


@pytest.mark.parametrize(
    "claim, verdict, why",
    [
        (
            "no significant difference",
            "consistent",
            "on the 72 candidate tables, counts or denominators inferred",
        ),
        ("significantly fewer", "inconsistent", "which contradicts it"),
    ],
)
def test_a_claim_over_counts_printed_without_denominators_is_tested_on_every_candidate_table(
    tmp_path, claim, verdict, why
):
    # probe 24: it was "a verbal claim with no numbers published behind it".
    _capit_like(tmp_path)
    (tmp_path / "comparisons.csv").write_text(
        "study_id,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,test_stated,claim,source_status,"
        f"source_location\nc,diarrhea,,best,low,high,not stated,{claim},confirmed,Table 3\n"
    )
    row = audit.audit(evidence.load(tmp_path)).query("kind == 'claim'").iloc[0]
    assert row.verdict == verdict and why in row.explanation, row.explanation
