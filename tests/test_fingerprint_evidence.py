"""A method fingerprint says how much its numbers can tell (outside users, MPACT and KEYNOTE-224):
"6 of 6 intervals are Clopper-Pearson" rested on 2 intervals that tell methods apart, the other 4
fitting all 8 methods; "the interval is Clopper-Pearson" on one interval of an inferred count."""

import pandas as pd

from reanalysis.audit import fingerprint
from reanalysis.proportions import CI_METHODS

EVERY = ";".join(CI_METHODS)


def _cis(methods, verdicts=None):
    return pd.DataFrame(
        {
            "study_id": "s",
            "endpoint": [f"e{i}" for i in range(len(methods))],
            "timepoint": "any time",
            "arm": "a",
            "kind": "ci",
            "reported": "5-11",
            "verdict": verdicts or ["reproduced"] * len(methods),
            "check": "method",
            "method": methods,
            "computed": "",
            "explanation": "",
            "source": "",
        }
    )


def test_intervals_that_fit_every_method_are_counted_apart():
    summary = fingerprint(_cis(["clopper-pearson;wilson-cc"] * 2 + [EVERY] * 4), "s").summary
    assert summary == (
        "6 of 6 intervals fit clopper-pearson (or equally wilson-cc: the printed numbers do not tell them "
        "apart); 4 of them fit all 8 methods tried, so only 2 tell the methods apart."
    )


def test_intervals_that_all_fit_every_method_identify_none_and_name_none():
    # statistical reviewer: "3 of 3 intervals are clopper-pearson (or equally ...)" named a method the
    # intervals cannot identify
    fp = fingerprint(_cis([EVERY] * 3), "s")
    assert fp.summary == "3 of 3 intervals fit all 8 methods tried, so they identify none."
    assert (fp.ci_method, fp.ci_explained, fp.ci_tied) == ("", 0, ())
    one = fingerprint(_cis([EVERY]), "s")
    assert one.summary == "The interval fits all 8 methods tried, so it identifies none."


def test_an_interval_on_an_inferred_count_says_so():
    one = fingerprint(_cis(["clopper-pearson"], ["reproduced-with-assumptions"]), "s").summary
    assert (
        one == "The interval fits clopper-pearson; it rests on counts inferred from the printed percentages."
    )
    two = fingerprint(
        _cis(["clopper-pearson"] * 3, ["reproduced-with-assumptions"] * 2 + ["reproduced"]), "s"
    )
    assert (
        two.summary
        == "3 of 3 intervals fit clopper-pearson; 2 of them rest on counts inferred from the printed percentages."
    )
    every = fingerprint(_cis(["clopper-pearson"] * 2, ["reproduced-with-assumptions"] * 2), "s").summary
    assert every.endswith("; all rest on counts inferred from the printed percentages.")


def test_a_fingerprint_of_numbers_that_tell_methods_apart_adds_nothing():
    assert fingerprint(_cis(["clopper-pearson"] * 2), "s").summary == "2 of 2 intervals fit clopper-pearson."


def test_an_interval_at_the_unrounded_level_is_not_counted_as_an_inferred_count():
    frame = _cis(["clopper-pearson"] * 2, ["reproduced-with-assumptions"] * 2)
    frame.loc[0, "explanation"] = (
        "Not at 95% as printed, but at the unrounded level 94.99% = ...: CI for 5/40"
    )
    summary = fingerprint(frame, "s").summary
    assert summary == (
        "2 of 2 intervals fit clopper-pearson; 1 of them rests on counts inferred from the printed "
        "percentages; 1 of them rests on the CI level read unrounded (e.g. 95% as 94.99%)."
    )


def test_the_fingerprint_table_keeps_the_methods_that_tie():
    from reanalysis.audit import fingerprints

    table = fingerprints(_cis(["clopper-pearson;wilson-cc;jeffreys"] * 2))
    assert table.loc[0, "ci_method"] == "clopper-pearson"
    assert table.loc[0, "ci_tied"] == "wilson-cc; jeffreys"
    assert table.loc[0, "test_tied"] is None
