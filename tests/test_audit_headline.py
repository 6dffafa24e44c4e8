"""The audit report's headline when little or nothing could be checked (outside user, CAP-IT)."""


def _headline(verdicts: dict) -> tuple[str, str]:
    import pandas as pd

    from reanalysis.report import audit_report, narrative

    rows = [v for v, n in verdicts.items() for _ in range(n)]
    table = pd.DataFrame(
        {
            "verdict": rows,
            "check": ["unchecked" if v == "not-checkable" else "consistency" for v in rows],
            "explanation": [""] * len(rows),
            "method": [""] * len(rows),
            "kind": ["pvalue"] * len(rows),
        },
        dtype=object,
    )
    c = audit_report._counts(table)
    text = narrative("audit")
    return str(text.headline(c)), str(
        text.problems_finding(0, c["reproduced"], c["reproduced"] + c["consistent"])
    )


def test_the_headline_does_not_lead_with_no_failure_when_little_or_nothing_was_checked():
    # The outside user's CAP-IT folder once read "No published number fails a check ... Every number that
    # could be recomputed prints as published" with none recomputed and 70 of 86 not checkable.
    headline, finding = _headline({"not-checkable": 70, "consistent": 16})
    assert headline.startswith(
        "No published number fails a check, but most could not be checked: of 86 numbers"
    )
    assert "none is reproduced from counts and 16 are consistent with what else is printed" in headline
    assert finding.startswith("No number could be recomputed from counts")
    headline, _ = _headline({"not-checkable": 5})
    assert headline.startswith("None of the 5 published numbers could be checked")
    headline, finding = _headline({"reproduced": 5, "not-checkable": 1})
    assert headline.startswith("No published number fails a check: of 6 numbers, 5 are reproduced")
    assert finding == "All 5 numbers that could be recomputed from counts print as published."
    # statistical reviewer: "Every number that could be recomputed" rested on 1 of 31 (CLL14)
    _, finding = _headline({"reproduced-with-assumptions": 1, "consistent": 15, "not-checkable": 15})
    assert finding == "The one number that could be recomputed from counts prints as published."


def test_a_folder_whose_only_number_is_model_based_or_that_has_none(tmp_path):
    # probe 24: "None of the 1 published numbers could be checked ... too little is published", of a
    # folder whose counts were published (its one number an adjusted odds ratio); and a folder with empty
    # results tables failed with a developer's message ("table 'audit_full' is empty ... pass empty=").
    headline, finding = _headline({"model-based": 1})
    assert headline == (
        "No published number could be recomputed or checked against another: of 1 number, 1 is an adjusted "
        "estimate that crude counts cannot be expected to reproduce."
    )
    # probe 25: with unchecked ones beside it, the same (it led with "No published number fails a check")
    headline, _ = _headline({"model-based": 2, "not-checkable": 2})
    assert headline.endswith(
        "2 are adjusted estimates that crude counts cannot be expected to reproduce, and 2 "
        "cannot be checked from what is published."
    )
    headline, _ = _headline({"reproduced-with-assumptions": 1, "consistent": 3})
    assert "1 is reproduced (only under an assumption" in headline  # not "(it only under"
    headline, _ = _headline({"not-checkable": 1})
    assert headline.startswith("The one published number could not be checked")
    assert finding.startswith("No number could be recomputed from counts or checked against another")
    headline, _ = _headline({})
    assert headline == "The folder has no published numbers to audit: its results tables have no rows."

    from reanalysis import evidence
    from reanalysis.report import build_audit_report

    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "studies.csv").write_text(
        "study_id,label,indication,design,citation,status,source_status,source\n"
        "c,C,CAP,randomised,Invented C. J Test 2021;1:1,completed,confirmed,https://example.org/c\n"
    )
    (tmp_path / "f" / "outcomes.csv").write_text(
        "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,source_status,"
        "source_location\n"
    )
    build_audit_report(evidence.load(tmp_path / "f"), tmp_path / "out")
    text = (tmp_path / "out" / "report.md").read_text()
    assert "The folder has no published numbers to audit: its results tables have no rows." in text


def test_the_strength_paragraph_counts_each_kind_of_consistency_check_apart():
    # outside user (Solberg, BMJ 2024): "6 are printed p-values checked against the p-value implied by their
    # own estimate and interval", of 3 such checks, 2 counts without a denominator and 1 claim.
    import pandas as pd

    from reanalysis.report import audit_report, narrative

    methods = ["normal Wald p from the CI (Altman & Bland 2011)"] * 3 + ["count vs percentage"] * 2
    methods += ["claim vs CI/p"]
    table = pd.DataFrame(
        {
            "verdict": "consistent",
            "check": "consistency",
            "explanation": "",
            "method": methods,
            "kind": "pvalue",
        },
        dtype=object,
    )
    text = str(narrative("audit").strength(audit_report._counts(table)))
    assert "3 are printed p-values checked against the p-value implied" in text
    assert "2 are counts printed without a denominator" in text
    assert "1 is a verbal claim of (no) significance" in text


def test_a_fingerprint_says_when_tests_tie():
    # outside user (Solberg, BMJ 2024): "The exactly printed p-value is Pearson's chi-square" from one P that
    # six tests reproduce.
    import pandas as pd

    from reanalysis.audit import fingerprint

    table = pd.DataFrame(
        {
            "study_id": ["s"],
            "kind": ["pvalue"],
            "check": ["method"],
            "verdict": ["reproduced"],
            "method": ["chi2;fisher"],
            "endpoint": ["e"],
            "timepoint": ["any time"],
            "arm": ["a vs b"],
            "reported": ["0.001"],
        }
    )
    fp = fingerprint(table, "s")
    assert fp.test == "chi2"
    assert fp.summary == (
        "The exactly printed p-value fits chi2 (or equally fisher: the printed numbers do not tell them apart)."
    )
