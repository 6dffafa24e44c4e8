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
        }
    )
    c = audit_report._counts(table)
    text = narrative("audit")
    return str(text.headline(c)), str(text.problems_finding(0, c["reproduced"]))


def test_the_headline_does_not_lead_with_no_failure_when_little_or_nothing_was_checked():
    # The outside user's CAP-IT folder once read "No published number fails a check ... Every number that
    # could be recomputed prints as published" with none recomputed and 70 of 86 not checkable.
    headline, finding = _headline({"not-checkable": 70, "consistent": 16})
    assert headline.startswith(
        "No published number fails a check, but most could not be checked: of 86 numbers"
    )
    assert "none is reproduced from counts and 16 pass a consistency check" in headline
    assert finding.startswith("No number could be recomputed from counts")
    headline, _ = _headline({"not-checkable": 5})
    assert headline.startswith("None of the 5 published numbers could be checked")
    headline, finding = _headline({"reproduced": 5, "not-checkable": 1})
    assert headline.startswith("No published number fails a check: of 6 numbers, 5 are reproduced")
    assert finding == "Every number that could be recomputed prints as published."
