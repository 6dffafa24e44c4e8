"""Published-value regression tests: every number in data/ keeps its pinned audit verdict.

The pins live in tests/published_values.txt, one line per published number with a comment that
explains it. A change to data/ or src/ that flips a verdict or a method fails here, naming the
study and the number.
"""

import math
from pathlib import Path

import pytest

from reanalysis import audit

PINS = Path(__file__).with_name("published_values.txt")


def _pins():
    pins = {}
    for line in PINS.read_text(encoding="utf-8").splitlines():
        body = line.split("   #", 1)[0].strip()
        if not body or body.startswith("#"):
            continue
        fields = [f.strip() for f in body.split("|")]
        key, verdict, method = tuple(fields[:6]), fields[6], fields[7] if len(fields) > 7 else ""
        assert key not in pins, f"duplicate pin {key}"
        pins[key] = (verdict, method)
    return pins


PINNED = _pins()


@pytest.fixture(scope="module")
def current():
    frame = audit.audit()
    return {
        tuple(r[:6]): r
        for r in frame[
            ["study_id", "endpoint", "timepoint", "arm", "kind", "reported", "verdict", "method", "computed"]
        ].itertuples(index=False)
    }


def test_every_published_number_is_pinned_and_every_pin_exists(current):
    assert set(current) - set(PINNED) == set(), (
        "audited numbers without a pin (add them to published_values.txt)"
    )
    assert set(PINNED) - set(current) == set(), "pins for numbers no longer in data/"


@pytest.mark.parametrize("key", sorted(PINNED), ids=lambda k: f"{k[0]}:{k[1]}:{k[2]}:{k[3]}:{k[4]}={k[5]}")
def test_verdict_is_pinned(key, current):
    verdict, method = PINNED[key]
    row = current.get(key)
    assert row is not None, f"{key[0]}: published {key[4]} {key[5]} ({key[1]}, {key[2]}) no longer audited"
    got = (
        row.method
        if row.verdict.startswith("reproduced")
        else (f"closest: {row.computed}" if row.computed else "")
    )
    assert (row.verdict, got) == (verdict, method), (
        f"{key[0]}: published {key[4]} {key[5]} ({key[1]}, {key[2]}, {key[3]}) was {verdict} [{method}], "
        f"now {row.verdict} [{got}]"
    )


@pytest.mark.parametrize(
    "key",
    sorted(k for k, (v, _) in PINNED.items() if k[4] == "pvalue" and v.startswith("reproduced")),
    ids=lambda k: f"{k[0]}:{k[1]}={k[5]}",
)
def test_reproduced_pvalues_round_to_the_printed_value(key, current):
    printed = audit.parse_printed(key[5])
    computed = float(current[key].computed)
    if printed.comparator == "=":
        decimals = len(key[5].split(".")[1])
        assert f"{computed:.{decimals}f}".lstrip("0") == key[5].lstrip("0") or math.isclose(
            round(computed, decimals), printed.value
        )
    else:
        assert printed.contains(computed)


def test_hpag_vs_epag_pvalues_are_not_reproducible_with_closest_candidates():
    for reported, g1, g2 in [
        ("0.494", ("65.6", (1, 67)), ("73.8", (1, 42))),
        ("0.59", ("31.3", (1, 67)), ("28.6", (1, 42))),
    ]:
        table = audit.explain_pvalue(reported, g1, g2)
        assert not table["consistent"].any()
    best = audit.explain_pvalue("0.494", ("65.6", (55, 67)), ("73.8", (35, 42))).iloc[0]
    assert (best.count1, best.n1, best.count2, best.n2, best.method) == (42, 64, 31, 42, "chi2-yates")
    assert round(best.pvalue, 3) == 0.499
