"""Outside papers (examples/): every published number gets the verdict a careful reader expects.

Each example folder holds a paper's numbers as printed and `expected_verdicts.csv`, written by hand
from recomputations (with the reason for each). The audit must produce exactly those rows and
verdicts: no expected number missing, no unexpected one, no verdict different.
"""

from pathlib import Path

import pandas as pd
import pytest

from reanalysis import audit, evidence

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FOLDERS = sorted(p for p in EXAMPLES.iterdir() if (p / "studies.csv").is_file())
KEY = ["study_id", "endpoint", "timepoint", "arm", "kind", "reported"]


@pytest.fixture(scope="module", params=FOLDERS, ids=lambda p: p.name)
def audited(request):
    folder = request.param
    table = audit.audit(evidence.load(folder))
    expected = pd.read_csv(folder / "expected_verdicts.csv", dtype=str, keep_default_na=False)
    return folder, table, expected


def test_there_are_outside_examples():
    assert len(FOLDERS) >= 2
    for folder in FOLDERS:
        studies = pd.read_csv(folder / "studies.csv", dtype=str, keep_default_na=False)
        assert not studies.citation.str.lower().str.contains("hetrombopag").any()


def test_every_number_has_its_expected_verdict(audited):
    folder, table, expected = audited
    merged = table.merge(expected, on=KEY, how="outer", indicator=True)
    missing = merged[merged._merge == "right_only"][KEY].values.tolist()
    unexpected = merged[merged._merge == "left_only"][KEY + ["verdict"]].values.tolist()
    assert missing == [], f"{folder.name}: expected numbers the audit does not report"
    assert unexpected == [], f"{folder.name}: audit rows with no expectation"
    both = merged[merged._merge == "both"]
    wrong = both[both.verdict != both.expected_verdict][KEY + ["verdict", "expected_verdict", "explanation"]]
    assert wrong.empty, f"{folder.name}:\n{wrong.to_string()}"


def test_every_expectation_gives_its_reason(audited):
    _, _, expected = audited
    assert (expected.reason.str.len() > 5).all()
    assert set(expected.expected_verdict) <= set(audit.VERDICTS)


def test_every_row_names_its_source(audited):
    folder, table, _ = audited
    assert (table.source.str.len() > 3).all(), folder.name


def test_counts_inferred_from_percentages_say_how_many_tables_give_the_printed_p():
    # It named one table ("58/124 vs 174/570 ... (counts inferred from the percentages)") as if it
    # were the data; the denominators are unknown and other tables may give the printed p too.
    table = audit.audit(evidence.load(EXAMPLES / "haem_rct_landscape"))
    rows = table[table.explanation.str.contains("counts inferred from the percentages: ")]
    assert (
        len(rows)
        and rows.explanation.str.contains(
            r"\d+ of the \d+ candidate tables give it; shown, the one with the largest denominators"
        ).all()
    )
