"""Every statement of the seed document is mapped to the data rows that hold it (data/README.md).

The coverage table in data/README.md lists each statement of the seed with a verbatim excerpt and
row references ``table:key1/key2/...`` (the table's key columns in schema order, ``-`` for an empty
key, trailing keys omitted to match every row below that prefix), or "not data: <reason>".
"""

import re
from pathlib import Path

import pandas as pd
import pytest

from reanalysis import evidence

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "data" / "README.md"
SEED = ROOT.parent / "shared" / "seed" / "hetrombopag-combination-therapies.txt"
HEADING = "## Seed coverage"
REF = re.compile(r"`([a-z_]+):([^`]+)`")
ROW = re.compile(r"^\| (\d+) \| ([^|]+) \| (.+?) \| (.+) \|$")


def _statements():
    text = README.read_text(encoding="utf-8")
    assert HEADING in text, "data/README.md has no seed coverage section"
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows = [ROW.match(line) for line in section.splitlines()]
    return [(int(m[1]), m[2].strip(), m[3].strip(), m[4].strip()) for m in rows if m]


STATEMENTS = _statements()


@pytest.fixture(scope="module")
def d():
    return evidence.load(ROOT / "data")


def _same(cell, wanted: str) -> bool:
    if wanted == "-":
        return pd.isna(cell) or cell == ""
    if pd.isna(cell):
        return False
    if isinstance(cell, float):
        try:
            return cell == float(wanted)
        except ValueError:
            return False
    return str(cell) == wanted


def _matches(d, table: str, key: str) -> pd.DataFrame:
    frame = d.table(table)
    cols = evidence.SCHEMAS[table]["key"]
    parts = key.split("/")
    assert len(parts) <= len(cols), f"{table}:{key} has more parts than the key {cols}"
    mask = pd.Series(True, index=frame.index)
    for col, want in zip(cols, parts, strict=False):
        mask &= frame[col].map(lambda v, w=want: _same(v, w))
    return frame[mask]


def test_the_table_is_numbered_without_gaps():
    numbers = [s[0] for s in STATEMENTS]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 100  # every bullet, table cell and reference of the seed


@pytest.mark.parametrize("stmt", STATEMENTS, ids=lambda s: f"#{s[0]}")
def test_every_statement_has_rows_or_a_reason(stmt, d):
    number, _, quote, rows = stmt
    refs = REF.findall(rows)
    if rows.startswith("not data:"):
        assert len(rows) > len("not data: ") + 5, f"#{number}: give the reason it is not data"
        for table, key in refs:  # a 'not data' line may still point at related rows
            assert len(_matches(d, table, key)), f"#{number}: {table}:{key} not found"
        return
    assert refs, f"#{number} ({quote}) is mapped to no rows"
    for table, key in refs:
        assert table in evidence.TABLES, f"#{number}: unknown table {table!r}"
        assert len(_matches(d, table, key)), f"#{number}: {table}:{key} not found in data/"


@pytest.mark.skipif(not SEED.is_file(), reason="seed document not present in this checkout")
def test_every_excerpt_is_verbatim_in_the_seed():
    seed = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))
    missing = []
    for number, _, quote, _ in STATEMENTS:
        for excerpt in re.findall(r'"([^"]+)"', quote):
            if re.sub(r"\s+", " ", excerpt) not in seed:
                missing.append(f"#{number}: {excerpt}")
    assert missing == []


def test_seed_rows_say_where_they_come_from(d):
    """Rows from the seed carry source_status seed-only; rows checked elsewhere say where."""
    p = d.protocols
    assert set(p.source_status) <= {"seed-only", "confirmed"}
    seed_rows = p[p.source.str.startswith("seed")]
    assert (seed_rows.source_status == "seed-only").all()
    assert not p[p.source_status == "confirmed"].source.str.startswith("seed").any()


def test_nct07286032_says_what_was_searched(d):
    texts = " ".join(
        str(v)
        for t in ("studies", "designs", "protocols")
        for v in d.table(t)[d.table(t).study_id == "cit_nct07286032"].notes.dropna()
    )
    assert "registry copies searched" in texts
    assert "not found in registries" not in texts.lower() and "any registry" not in texts.lower()
