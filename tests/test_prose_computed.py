"""Report prose is computed: no study count or percentage is typed by hand, and new data give new sentences.

1. The analysis scripts (their string literals) and the prose templates (their literal text, outside
   Jinja expressions) must not contain a number that is a count, denominator or printed percentage
   of the evidence folder: such a number belongs in data/ and reaches the prose through the library.
2. Rebuilding the SAA report from a copy of data/ with changed counts changes its sentences.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import build_one

from reanalysis import data, proportions
from reanalysis.report import fmt_interval

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SCRIPTS = sorted((ROOT / "analyses").glob("*.py"))
TEMPLATES = sorted((ROOT / "src" / "reanalysis" / "templates").glob("*.md.j2"))

# A number in text: not part of an identifier (NCT03825744, PMID digits) or of a longer number.
NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w]|\.\d)")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
# Numbers that are not study results: citation volume/issue/pages ("2021;14:37", "2023;7(6):953")
# and powers of ten in units ("10^9/L").
NOT_RESULTS = re.compile(r"\b\d{4};\s?\d+(?:\(\d+\))?:\s?\d+(?:-\d+)?|\b10\^\d+")


def _data_numbers() -> tuple[set[int], set[str]]:
    """Distinctive whole numbers (counts, denominators, arm sizes) and printed decimals of data/.

    Small counts (< 10) and numbers that are also timepoints or assessment times (week 18, day 28,
    12 months) are left out: they appear legitimately in wording ("week 18", "two-sided").
    """
    d = data.load(DATA)
    o = d.outcomes
    ints: set[int] = set()
    for col in ("responders", "n", "derived_responders", "derived_n"):
        ints |= {int(v) for v in o[col].dropna()}
    for col in ("n_randomised", "n_enrolled", "n_evaluable"):
        ints |= {int(v) for v in d.arms[col].dropna()}
    times = {int(v) for v in o.timepoint_value.dropna()} | {
        int(v) for v in d.time_to_event["at_time"].dropna()
    }
    distinctive = {v for v in ints if v >= 10} - times
    decimals: set[str] = set()
    for col in ("reported_percent", "ci_low", "ci_high"):
        decimals |= {str(v) for v in o[col].dropna() if "." in str(v)}
    return distinctive, decimals


def _literal_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant in a Python file, f-string constant parts included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node):
            docstrings.add(id(node.body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _offending(text: str, ints: set[int], decimals: set[str]) -> list[str]:
    found = []
    for m in NUMBER.finditer(NOT_RESULTS.sub(" ", text)):
        token = m.group(1)
        if "." in token:
            if token in decimals:
                found.append(token)
        elif int(token) in ints:
            found.append(token)
    return found


def test_the_scanner_finds_typed_numbers():
    ints, decimals = _data_numbers()
    assert _offending("OR 65.6% (HPAG) vs 73.8%, 42/64", ints, decimals) == ["65.6", "73.8", "42", "64"]
    assert _offending("NCT03825744, week 18, PMID 35371427, BMJ 1998", ints, decimals) == []
    assert _offending("J Hematol Oncol 2021;14:37; platelets < 50 x 10^9/L", ints, decimals) == []


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_analysis_scripts_type_no_study_numbers(path):
    ints, decimals = _data_numbers()
    bad = [
        f"line {line}: {hit!r} in {text[:70]!r}"
        for line, text in _literal_strings(path)
        for hit in _offending(text, ints, decimals)
    ]
    assert bad == [], f"{path.name} types study numbers by hand (they must come from data/):\n" + "\n".join(
        bad
    )


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_templates_type_no_study_numbers(path):
    ints, decimals = _data_numbers()
    text = JINJA.sub(" ", path.read_text(encoding="utf-8"))
    bad = _offending(text, ints, decimals)
    assert bad == [], f"{path.name} types study numbers by hand: {bad}"


# --------------------------------------------------------------------------------------------
# Changed data, changed sentences
# --------------------------------------------------------------------------------------------
PH2 = ("saa_ph2_nct03557099", "hpag", "hematologic_response", 18.0)
HPAG = ("saa_hpag_vs_epag", "hpag_ist", "overall_response", 6.0)


def _prose(md: str) -> str:
    """The sentences of a report: every line that is not a table row, caption or link."""
    return "\n".join(
        line
        for line in md.splitlines()
        if not line.startswith("|") and not line.startswith("[") and line.strip()
    )


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """The SAA report rebuilt from a copy of data/ with two counts changed."""
    tmp = tmp_path_factory.mktemp("changed")
    folder = tmp / "data"
    shutil.copytree(DATA, folder)
    outcomes = pd.read_csv(folder / "outcomes.csv", dtype=str, keep_default_na=False)

    def row(study, arm, endpoint, t):
        mask = (
            (outcomes.study_id == study)
            & (outcomes.arm_id == arm)
            & (outcomes.endpoint == endpoint)
            & (outcomes.timepoint_value.astype(str).str.replace(".0", "", regex=False) == f"{t:g}")
        )
        assert mask.sum() == 1
        return mask

    old = {
        "ph2": int(outcomes.loc[row(*PH2), "responders"].iloc[0]),
        "hpag": int(outcomes.loc[row(*HPAG), "derived_responders"].iloc[0]),
    }
    new = {"ph2": old["ph2"] + 3, "hpag": old["hpag"] - 2}
    outcomes.loc[row(*PH2), "responders"] = str(new["ph2"])
    outcomes.loc[row(*HPAG), "derived_responders"] = str(new["hpag"])
    outcomes.to_csv(folder / "outcomes.csv", index=False)
    # A protocol fact added to the folder must reach the report (table and response definition).
    protocols = pd.read_csv(folder / "protocols.csv", dtype=str, keep_default_na=False)
    added = {
        "study_id": "saa_ph3_nct03825744",
        "arm_id": "",
        "category": "response-definition",
        "item": "test_cr_definition",
        "text": "CR: test threshold written by the test",
        "value": "",
        "unit": "",
        "source_status": "seed-only",
        "source": "test row",
        "notes": "",
    }
    protocols = pd.concat([protocols, pd.DataFrame([added])], ignore_index=True)
    protocols.to_csv(folder / "protocols.csv", index=False)
    text = build_one("saa", tmp / "saa", folder, rasterise=False)
    return old, new, text, data.load(folder)


def test_changed_phase2_count_changes_the_sentences(rebuilt):
    old, new, md, d = rebuilt
    x, n, _ = d.counts(PH2[0], PH2[1], PH2[2], PH2[3], "week")
    assert x == new["ph2"]
    ci = proportions.proportion_ci(x, n)
    prose = _prose(md)
    assert f"{x}/{n}" in prose
    assert fmt_interval(ci.estimate, ci.low, ci.high, percent=True) in prose
    assert f"{old['ph2']}/{n}" not in prose


def test_changed_inferred_count_changes_the_effect_sentence(rebuilt):
    old, new, md, d = rebuilt
    xa, na, _ = d.counts(HPAG[0], "hpag_ist", HPAG[2], HPAG[3], "month")
    xb, nb, _ = d.counts(HPAG[0], "epag_ist", HPAG[2], HPAG[3], "month")
    rd = proportions.effect_size(xa, na, xb, nb, "rd")
    prose = _prose(md)
    assert fmt_interval(rd.estimate, rd.low, rd.high, points=True) in prose
    assert f"HPAG {xa}/{na} vs EPAG {xb}/{nb}" in prose
    stale = proportions.effect_size(old["hpag"], na, xb, nb, "rd")
    assert fmt_interval(stale.estimate, stale.low, stale.high, points=True) not in prose


def test_added_protocol_rows_reach_the_report(rebuilt):
    _, _, md, _ = rebuilt
    assert "saa_ph3_nct03825744_protocol.csv" in md
    assert "test threshold written by the test" in _prose(md)  # the response-definition sentence
