"""Unit tests for reanalysis.audit and the command line."""

import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from reanalysis import audit, cli, evidence


def test_consistent_counts_for_the_hpag_percentages():
    table = audit.consistent_counts("65.6", n_range=(1, 67))
    assert list(zip(table["count"], table["n"], strict=True)) == [(21, 32), (40, 61), (42, 64)]
    assert audit.consistent_counts("73.8%", n_range=(1, 42))[["count", "n"]].values.tolist() == [[31, 42]]


def test_half_way_boundary_counts_under_both_roundings():
    # 20/64 = 31.25 exactly: half-up gives 31.3, half-even 31.2; both prints are accepted.
    assert (20, 64) in set(zip(*audit.consistent_counts("31.3", n=64)[["count", "n"]].values.T, strict=True))
    assert (20, 64) in set(zip(*audit.consistent_counts("31.2", n=64)[["count", "n"]].values.T, strict=True))


def test_truncated_percentages_only_on_request():
    assert audit.consistent_counts("5.5", n=36).empty
    assert audit.consistent_counts("5.5", n=36, truncated=True)["count"].tolist() == [2]


@pytest.mark.parametrize(
    "reported, computed, expected",
    [
        ("0.494", 0.4935, True),
        ("0.494", 0.4945, True),
        ("0.494", 0.4992, False),
        ("<0.001", 0.0009, True),
        ("<0.001", 0.0011, False),
        ("< .05", 0.049, True),
        ("p>0.05", 0.2, True),
        ("p>0.05", 0.01, False),
        ("NS", 0.3, True),
        ("n.s.", 0.03, False),
        ("0.05", 0.054, True),
        ("0.05", 0.056, False),
        ("6.3e-18", 6.31e-18, True),
        ("6.3e-18", 6.4e-18, False),
        ("6.3 × 10^-18", 6.26e-18, True),
        (".027", 0.02672, True),
        ("p = 0.03", 0.0249, False),
        ("p = 0.03", 0.0251, True),
        ("≤0.01", 0.01, True),
    ],
)
def test_pvalue_consistent_reads_printed_forms(reported, computed, expected):
    assert audit.pvalue_consistent(reported, computed) is expected


def test_unreadable_values_raise_clear_errors():
    with pytest.raises(ValueError, match="cannot read 'about 0.5'"):
        audit.pvalue_consistent("about 0.5", 0.5)
    with pytest.raises(ValueError, match="n or n_range is required"):
        audit.consistent_counts("50")


def test_ci_consistent_in_percent_and_proportion():
    assert audit.ci_consistent("28.7", "55.9", 0.286545, 0.558942)
    assert audit.ci_consistent("0.287", "0.559", 0.286545, 0.558942, scale="proportion")
    # The scale is declared, never guessed from magnitude: 0.287 is not 28.7%.
    assert not audit.ci_consistent("0.287", "0.559", 0.286545, 0.558942)
    assert not audit.ci_consistent("28.7", "55.9", 0.297378, 0.549669)


def test_identify_ci_method():
    assert audit.identify_ci_method(23, 55, "28.7", "55.9") == ["clopper-pearson"]
    # NIH table: symmetric bounds above 100% come from a t interval on 0/1 data
    assert audit.identify_ci_method(29, 31, "84", "103") == ["wald-t"]


def test_explain_pvalue_finds_the_goronkova_test():
    table = audit.explain_pvalue(".218", ("65", 49), ("53", 49))
    best = table.iloc[0]
    assert best.consistent and best.method == "chi2" and (best.count1, best.count2) == (32, 26)


def test_explain_pvalue_accepts_exact_counts_and_rejects_bad_groups():
    assert len(audit.explain_pvalue("0.4", (42, 64), (31, 42), methods=["fisher"])) == 1
    with pytest.raises(ValueError, match="group1 is"):
        audit.explain_pvalue("0.4", (42,), (31, 42))
    with pytest.raises(ValueError, match="methods must be one of"):
        audit.explain_pvalue("0.4", (42, 64), (31, 42), methods=["t-test"])


def test_audit_covers_every_kind_and_verdict():
    frame = audit.audit()
    assert {"percent", "ci", "pvalue", "effect", "effect-p", "claim", "rate-ci", "summary"} <= set(
        frame["kind"]
    )
    assert set(frame["verdict"]) <= set(audit.VERDICTS)
    assert frame["explanation"].str.len().min() > 10


def test_cli_commands_run(capsys):
    assert cli.main(["ci", "23", "55", "--method", "all"]) == 0
    assert "clopper-pearson" in capsys.readouterr().out
    assert cli.main(["compare", "42", "64", "31", "42", "--method", "all"]) == 0
    assert "boschloo" in capsys.readouterr().out
    # Exit status 1: the printed p-value is not reproduced (the closest candidates are still shown).
    assert cli.main(["explain-p", "0.494", "--group", "65.6%:55-67", "--group", "73.8%:35-42"]) == 1
    assert "chi2-yates" in capsys.readouterr().out
    assert cli.main(["explain-p", ".218", "--group", "65%:49", "--group", "53%:49"]) == 0


def test_cli_audit_writes_csv(tmp_path, capsys):
    out = tmp_path / "audit.csv"
    # Exit status 1, as grep: the flagship data hold numbers that do not hold up (said on stderr).
    assert cli.main(["audit", "--csv", str(out)]) == 1
    assert "do not hold up" in capsys.readouterr().err
    assert out.read_text().startswith("study_id,endpoint")


@pytest.mark.parametrize(
    "args",
    [
        ["ci", "23", "5"],
        ["ci", "x", "5"],
        ["compare", "1", "2", "3"],
        ["explain-p", "0.4", "--group", "bad", "--group", "1/2"],
        ["ci", "3", "10", "--method", "exact"],
        ["frobnicate"],
    ],
)
def test_cli_bad_arguments_exit_2_with_one_line(args, capsys):
    # In-process (tests/test_cli.py runs the one real-process check on a closed pipe).
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("reanalysis")


def test_contingency_pvalue_and_truncated_candidates():
    # The 3 x 2 reading of the HPAG vs EPAG overall-response p-value (N = 67, truncated prints)
    res = audit.contingency_pvalue([[21, 23, 23], [12, 19, 11]])
    assert res.dof == 2 and audit.pvalue_consistent("0.494", res.pvalue)
    assert audit.pvalue_consistent(
        "0.59", audit.contingency_pvalue([[21, 23], [12, 19]], correction=True).pvalue
    )
    table = audit.explain_pvalue("0.494", ("65.6", 67), (31, 42), truncated=True)
    assert set(table["count1"]) == {44}
    with pytest.raises(ValueError, match="non-negative integer counts"):
        audit.contingency_pvalue([[1, -2], [3, 4]])


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))), st.integers(0, 2))
def test_every_count_is_consistent_with_its_own_rounded_print(kn, decimals):
    k, n = kn
    printed = f"{100 * k / n:.{decimals}f}"
    table = audit.consistent_counts(printed, n=n)
    assert k in set(table["count"])
    # and nothing listed prints differently
    for pct in table["exact_percent"]:
        assert abs(pct - float(printed)) <= 0.5 * 10**-decimals + 1e-9


VIALE = Path(__file__).resolve().parents[1] / "examples" / "viale_a"


def _viale_like(tmp_path, **edits):
    """examples/viale_a (percentages with arm sizes but no counts, a whole-follow-up HR), with
    ``table=[(old, new), ...]`` text edits."""
    folder = tmp_path / "viale"
    shutil.copytree(VIALE, folder)
    for table, changes in edits.items():
        path = folder / f"{table}.csv"
        text = path.read_text()
        for old, new in changes:
            assert old in text, (table, old)
            text = text.replace(old, new)
        path.write_text(text)
    return folder


def test_a_percentage_with_its_denominator_is_checked_without_a_count(tmp_path):
    table = audit.audit(evidence.load(_viale_like(tmp_path)))
    pct = table[(table.kind == "percent") & (table.endpoint == "complete_remission")].set_index("arm")
    assert list(pct.verdict) == ["consistent", "consistent"]
    assert "105/286" in pct.loc["ven_aza", "explanation"] and pct.loc["pbo_aza", "computed"] == "26"
    hr_rows = table[(table.endpoint == "overall_survival") & table.kind.isin(["effect", "pvalue"])]
    assert len(hr_rows) == 2 and set(hr_rows.timepoint) == {"whole follow-up"}


def test_a_percentage_no_count_can_print_is_inconsistent(tmp_path):
    folder = _viale_like(tmp_path, outcomes=[(",145,17.9,", ",145,18.0,")])
    table = audit.audit(evidence.load(folder))
    row = table[
        (table.kind == "percent") & (table.arm == "pbo_aza") & (table.endpoint == "complete_remission")
    ]
    row = row.iloc[0]
    assert row.verdict == "inconsistent"
    assert "No count out of 145 patients prints as 18.0%" in row.explanation
    assert "26/145 = 17.93%" in row.explanation and "27/145 = 18.62%" in row.explanation


def test_undeclared_proportion_scale_bounds_are_read_as_proportions_and_said(tmp_path):
    folder = _viale_like(tmp_path, outcomes=[(",,286,36.7,,,", ",105,286,36.7,0.311,0.426,")])
    table = audit.audit(evidence.load(folder))
    row = table[table.kind == "ci"].iloc[0]
    assert row.verdict == "reproduced" and "clopper-pearson" in row.method
    assert "read as proportions" in row.explanation and row.computed == "0.3112-0.4259"


def test_an_empty_timepoint_is_refused_where_the_endpoint_has_response_rows(tmp_path):
    folder = _viale_like(tmp_path, comparisons=[("viale_a,cr_or_cri,,best,", "viale_a,cr_or_cri,,,")])
    with pytest.raises(
        evidence.DataValidationError, match=r"comparisons.csv, line 3, column timepoint_unit: required"
    ):
        evidence.load(folder)


def test_unclipped_and_misprinted_intervals_show_the_method_that_explains_them():
    table = audit.audit(evidence.load(Path(__file__).resolve().parents[1] / "data"))
    nih = table[table.reported.isin(["15-31", "84-103"])].set_index("reported")
    assert nih.loc["84-103", "computed"] == "84.39-102.71"
    assert nih.loc["15-31", "computed"] == "wald-t: 15.43-51.24"
    assert "misprint of 51" in nih.loc["15-31", "explanation"]


def test_a_repeated_audit_is_reused_only_for_identical_tables():
    # audit() keeps its result by the content of the tables: a report build audits one folder in
    # several reports. Any change to a table in memory (a count, a missing value where there was
    # an empty text, a column's type) must give a fresh audit, and a caller that edits the
    # returned frame must not change the next one.
    from reanalysis.audit import folder

    first = audit.audit(evidence.load("data"))
    first.loc[:, "verdict"] = "edited"
    again = audit.audit(evidence.load("data"))
    assert (again.verdict != "edited").all()
    base = folder._content_key(evidence.load("data"))
    changed = []
    ev = evidence.load("data")
    row = ev.arms.index[ev.arms["n_randomised"].notna().to_numpy()][0]
    ev.arms.loc[row, "n_randomised"] += 1
    changed.append(ev)
    ev = evidence.load("data")
    row = ev.studies.index[ev.studies["pmid"].isna().to_numpy()][0]
    ev.studies.loc[row, "pmid"] = ""  # an empty text where the table had a missing value
    changed.append(ev)
    ev = evidence.load("data")
    ev.outcomes["responders"] = ev.outcomes["responders"].astype("float64")
    changed.append(ev)
    ev = evidence.load("data")
    ev.studies.loc[row, "pmid"] = "\x00NA\x00"  # a text that reads like the CSV's missing marker
    changed.append(ev)
    keys = [folder._content_key(e) for e in changed]
    assert base not in keys and len(set(keys)) == len(keys)
    # The cache answers for the unchanged tables and only for them: a marked result planted under
    # their key comes back for a fresh load of the same folder, never for a changed one.
    planted = again.assign(verdict="planted")
    folder._CACHE[base] = planted
    try:
        assert (audit.audit(evidence.load("data")).verdict == "planted").all()
        assert (audit.audit(changed[0]).verdict != "planted").all()
    finally:
        folder._CACHE.pop(base, None)


def test_a_number_where_the_print_belongs_is_refused_with_where_it_is():
    # A table edited in memory may hold 65.6 where the paper's print "65.6" belongs: the audit
    # would read it as a count (a wrong path, then a failure deep inside); it names the cell
    # instead, before the cache could return the audit of the text version.
    ev = evidence.load("data")
    audit.audit(ev)  # the text version, now in the cache
    row = int(np.flatnonzero(ev.outcomes["reported_percent"].notna().to_numpy())[0])
    ev.outcomes["reported_percent"] = ev.outcomes["reported_percent"].astype(object)
    ev.outcomes.iloc[row, ev.outcomes.columns.get_loc("reported_percent")] = 65.6
    with pytest.raises(
        ValueError, match=r"outcomes\.csv, line \d+, column reported_percent: 65\.6 is a float"
    ):
        audit.audit(ev)
    # rows moved in memory are named by position: a file line would name another row
    ev = evidence.load("data")
    moved = ev.outcomes.iloc[::-1].astype({"reported_percent": object})
    moved.iloc[0, moved.columns.get_loc("reported_percent")] = 65.6
    object.__setattr__(ev, "outcomes", moved)
    with pytest.raises(
        ValueError, match=r"outcomes\.csv, row 0 \(in memory\), column reported_percent: 65\.6"
    ):
        audit.audit(ev)
    ev = evidence.load("data")
    doubled = ev.time_to_event.iloc[[0, 0]]
    object.__setattr__(ev, "time_to_event", doubled)
    with pytest.raises(ValueError, match="time_to_event.csv .*row index has duplicates"):
        audit.audit(ev)


def test_an_effect_only_an_exact_interval_reproduces_is_found_among_many_candidate_tables():
    # Chan-Zhang on 4/8 vs 3/12 prints 0.25 (-0.20 to 0.65), which no asymptotic method gives on any
    # of the 15 tables the percentages 50 and 25 fit (n <= 11 and n <= 15); the exact intervals run
    # on the tables whose difference prints as 0.25.
    from reanalysis.audit import folder
    from reanalysis.audit.effects import closest_effect

    printed = SimpleNamespace(reported_effect="0.25", effect_ci_low="-0.20", effect_ci_high="0.65")
    best, note, complete = folder._effect_search(
        ("50", (1, 11)), ("25", (1, 15)), "rd", printed, "proportion", 0.95
    )
    match, table1, table2 = best
    assert (match.distance, match.method, table1, table2) == (0.0, "chan-zhang", (4, 8), (3, 12))
    asymptotic = ("newcombe", "wald", "agresti-caffo", "miettinen-nurminen")
    other = closest_effect(4, 8, 3, 12, "rd", "0.25", "-0.20", "0.65", methods=asymptotic)
    assert other.distance > 0
    with pytest.raises(ValueError, match="methods"):
        closest_effect(4, 8, 3, 12, "rd", "0.25", methods=("fisher",))
    assert note == "" and complete  # every table whose difference prints as 0.25 was tried


def test_an_effect_search_stops_at_a_cheap_match_and_refuses_too_many_tables():
    from reanalysis.audit import folder

    printed = SimpleNamespace(reported_effect="0.20", effect_ci_low="-0.01", effect_ci_high="0.41")
    (match, *_), note, _ = folder._effect_search(
        ("50", (1, 40)), ("30", (1, 40)), "rd", printed, "proportion", 0.95
    )
    assert match.distance == 0 and match.method not in ("santner-snell", "chan-zhang") and note == ""
    with pytest.raises(ValueError, match=r"the effect's [\d,]+ x [\d,]+ candidate tables is too large"):
        folder._effect_search(("50", (1, 400)), ("30", (1, 400)), "rd", printed, "proportion", 0.95)


def test_an_effect_search_says_when_the_exact_intervals_ran_on_some_tables_only(monkeypatch):
    from reanalysis.audit import folder

    monkeypatch.setattr(folder, "EXACT_EFFECT_SECONDS", 0.0)  # the nearest table only
    printed = SimpleNamespace(reported_effect="0.25", effect_ci_low="-0.20", effect_ci_high="0.65")
    _, note, complete = folder._effect_search(
        ("50", (1, 11)), ("25", (1, 15)), "rd", printed, "proportion", 0.95
    )
    assert not complete  # so a mismatch is not-checkable, never not-reproducible
    assert note.startswith(
        " (the exact santner-snell and chan-zhang intervals were run on the 1 of the 15 candidate tables "
        "whose difference prints as the printed one, nearest first under the other methods)"
    )


def test_an_effect_no_computed_method_gives_is_not_called_irreproducible_when_a_method_was_refused(tmp_path):
    # Chan-Zhang on 150/400 vs 20/100 is 17.5 (5.6-26.1) points: within its size limit since it was
    # raised to 500 vs 500 (it used to be refused there). 880 vs 220 is beyond it, so there the other
    # methods' mismatch proves nothing.
    def effect_row(where, x1, n1, x2, n2, printed):
        """The complete-remission RD of a VIALE-A-like folder with these counts, printed as given."""
        folder = _viale_like(
            tmp_path / where,
            arms=[(",286,,,", f",{n1},,,"), (",145,,,", f",{n2},,,")],
            outcomes=[(",,,286,36.7,", f",,{x1},{n1},37.5,"), (",,,145,17.9,", f",,{x2},{n2},20.0,")],
            comparisons=[
                (
                    "viale_a,complete_remission,,best,ven_aza,pbo_aza,,,,,<0.001,not stated,,,,,,,,,",
                    "viale_a,complete_remission,,best,ven_aza,pbo_aza,,,,,<0.001,not stated,"
                    f"rd,{printed},95,percentage-points,,,",
                )
            ],
        )
        table = audit.audit(evidence.load(folder))
        return table[(table.kind == "effect") & (table.endpoint == "complete_remission")].iloc[0]

    row = effect_row("cz", 150, 400, 20, 100, "17.5,5.6,26.1")
    assert row.verdict == "reproduced" and row.method == "chan-zhang", row.explanation
    # ... and a misprint of it is now shown to be one, not left unchecked
    row = effect_row("misprint", 150, 400, 20, 100, "17.5,5.6,27.1")
    assert row.verdict == "not-reproducible", row.explanation
    row = effect_row("refused", 330, 880, 44, 220, "17.5,5.6,26.1")
    assert row.verdict == "not-checkable"
    assert "the chan-zhang interval was not computed on 330/880 vs 44/220" in row.explanation
    # a Santner-Snell print on the same table is still reproduced (it is within its limit)
    row = effect_row("ss", 330, 880, 44, 220, "17.5,10.1,24.8")
    assert row.verdict == "reproduced" and row.method == "santner-snell"
