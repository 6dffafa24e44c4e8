"""Malformed and extreme inputs to every public function and CLI verb: a right answer or a clear error.

"Clear error" means ValueError with a one-line message (API) or exit status 2 with one line on stderr
and no traceback (CLI). Never TypeError/IndexError/ZeroDivisionError/OverflowError from inside, never
a silent wrong number for an impossible input.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reanalysis import audit, cli, printed, proportions

JUNK = [
    None,
    "",
    " ",
    "abc",
    "1e400",
    "-1",
    "3.7",
    "64",
    "NaN",
    "inf",
    "−0.3",
    "0.05%",
    "\x00",
    b"1",
    [],
    {},
    (),
    True,
    False,
    math.nan,
    math.inf,
    -math.inf,
    -1,
    -0.5,
    3.7,
    1e300,
    2**70,
    object(),
]


def _one_line(err: Exception) -> bool:
    text = str(err)
    return bool(text) and "\n" not in text.strip()


# (function, valid positional arguments): each argument is replaced by junk in turn.
API = [
    (printed.parse_printed, ("0.494",)),
    (audit.pvalue_consistent, ("0.494", 0.4936)),
    (audit.consistent_counts, ("65.6", 64)),
    (audit.identify_ci_method, (23, 55, "28.7", "55.9")),
    (audit.closest_ci_method, (23, 55, "28.7", "55.9")),
    (audit.ci_consistent, ("28.7", "55.9", 0.28, 0.56)),
    (audit.explain_pvalue, ("0.494", (42, 64), (31, 42))),
    (audit.ratio_consistency, ("0.72", "0.55", "0.94", "0.016")),
    (audit.interval_order, ("14.2", "11.0", "17.9")),
    (audit.ratio_pvalue_from_ci, (0.72, 0.55, 0.94)),
    (audit.difference_pvalue_from_ci, (20.0, 6.4, 33.6)),
    (proportions.proportion_ci, (23, 55)),
    (proportions.compare_proportions, (42, 64, 31, 42)),
    (proportions.effect_size, (42, 64, 31, 42)),
]


@pytest.mark.parametrize("func, args", API, ids=lambda v: getattr(v, "__name__", ""))
def test_every_argument_rejects_junk_with_one_line(func, args):
    for pos in range(len(args)):
        for junk in JUNK:
            bad = list(args)
            bad[pos] = junk
            try:
                func(*bad)
            except ValueError as err:
                assert _one_line(err), (func.__name__, pos, junk, str(err))
            except Exception as err:  # noqa: BLE001 - the point of the test
                pytest.fail(f"{func.__name__}(arg {pos} = {junk!r}) raised {type(err).__name__}: {err}")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=12))
def test_printed_text_is_read_or_refused(text):
    for kind in printed.KINDS:
        try:
            p = printed.parse_printed(text, kind=kind, allow_nr=True)
        except ValueError as err:
            assert _one_line(err)
            continue
        lo, hi = printed._RANGES[kind]
        assert p.not_reached or lo <= p.value <= hi
        assert p.low <= p.value <= p.high or p.not_reached


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from(["<", ">", ""]),
    st.integers(0, 2),
)
def test_bounded_percentages_list_every_count_on_their_side(kn, cmp, decimals):
    k, n = kn
    value = round(100 * k / n, decimals)
    text = f"{cmp}{value:.{decimals}f}"
    if (cmp == "<" and value == 0) or (cmp == ">" and value >= 100):
        with pytest.raises(ValueError, match="impossible"):  # nothing is below 0% or above 100%
            audit.consistent_counts(text, n=n)
        return
    counts = set(audit.consistent_counts(text, n=n)["count"])
    for c in range(n + 1):
        pct = 100 * c / n
        if cmp == "<":
            assert (c in counts) == (pct < value)
        elif cmp == ">":
            assert (c in counts) == (pct > value)


@pytest.mark.parametrize(
    "n, n_range",
    [
        ("64", None),
        (3.7, None),
        (None, (55.5, 67)),
        (None, "55-67"),
        (None, (67, 55)),
        (0, None),
        (None, [1]),
    ],
)
def test_denominators_have_one_meaning(n, n_range):
    with pytest.raises(ValueError):
        audit.consistent_counts("65.6", n=n, n_range=n_range)


def test_denominator_ranges_by_type_mean_the_same():
    expected = audit.consistent_counts("65.6", n_range=(55, 67))
    for spec in ((55.0, 67.0), [55, 67], np.array([55, 67])):
        assert audit.consistent_counts("65.6", n_range=spec).equals(expected)
    # an explicit collection of candidates is just those
    assert set(audit.consistent_counts("65.6", n=[61, 64])["n"]) == {61, 64}


def test_oversized_searches_are_refused_up_front():
    with pytest.raises(ValueError, match="narrow the n range"):
        audit.consistent_counts("<50", n_range=(1, 100_000))


CLI_VERBS = [
    ["ci", "{x}", "55"],
    ["compare", "{x}", "64", "31", "42"],
    ["effect", "42", "64", "{x}", "42"],
    ["counts", "{x}", "--n", "64"],
    ["counts", "65.6", "--n", "{x}"],
    ["ci-method", "23", "55", "{x}", "55.9"],
    ["explain-p", "{x}", "--group", "42/64", "--group", "31/42"],
    ["explain-p", "0.4", "--group", "{x}", "--group", "31/42"],
    ["ratio-check", "{x}", "0.55", "0.94", "0.016"],
    ["fragility", "10", "50", "{x}", "50"],
    ["effect", "10/50", "{x}"],
    ["pool", "12/40", "{x}"],
    ["pool", "12/40:5/41", "{x}", "--measure", "rd"],
    ["pool", "12/40", "9/31", "--tau2", "{x}"],
    ["ci", "23", "55", "--level", "{x}"],
    ["audit", "{x}"],
    ["report", "{x}", "--out", "/tmp/never-written-here"],
    ["table", "{x}"],
    ["table", "1 7; 7 5", "--kind", "trend", "--scores", "{x}"],
    ["explain-p", "0.05", "--table", "{x}"],
    ["explain-p", "0.05", "--strata", "{x}"],
    ["explain-p", "0.05", "--group", "1/8", "--group", "{x}", "--group", "8/12"],
    ["fingerprint", "{x}"],
    ["init", "/proc/{x}"],
    [
        "reconstruct",
        "--curve-a",
        "{x}",
        "--at-risk-a",
        "{x}",
        "--curve-b",
        "{x}",
        "--at-risk-b",
        "{x}",
        "--out",
        "/tmp/x",
    ],
]
CLI_JUNK = [
    "",
    "abc",
    "-1",
    "3.7",
    "1e400",
    "NaN",
    "−0.3",
    "0.05%",
    "99999999999999999999999",
    "/nonexistent",
]


@pytest.mark.parametrize("template", CLI_VERBS, ids=lambda t: t[0])
def test_cli_verbs_never_trace_back(template, capsys):
    for junk in CLI_JUNK:
        args = [a.replace("{x}", junk) for a in template]
        code = cli.main(args)
        captured = capsys.readouterr()
        assert code in (0, 1, 2), (args, code)
        assert "Traceback" not in captured.err
        if code == 2:
            assert len(captured.err.strip().splitlines()) >= 1
            assert captured.err.startswith("reanalysis"), (args, captured.err)


def test_explain_table_pvalue_rejects_bad_input_with_one_line():
    for kwargs in (
        {},
        {"groups": [(1, 8)]},
        {"groups": "1/8"},
        {"table": [[1, -2], [3, 4]]},
        {"strata": [((1, 2), (3,))]},
        {"strata": [((3, 2), (1, 2))]},
        {"groups": [(1, 8), (2, 8)], "methods": ["t-test"]},
    ):
        with pytest.raises(ValueError) as err:
            audit.explain_table_pvalue("0.05", **kwargs)
        assert _one_line(err.value), kwargs


def test_a_percentage_without_any_denominator_is_not_checkable_not_a_crash(outside_folder):
    from reanalysis import evidence

    # Remove the arm sizes and the published counts: only the printed percentage is left.
    (outside_folder / "arms.csv").unlink()
    path = outside_folder / "outcomes.csv"
    path.write_text(
        path.read_text().replace(",60,100,60.0,", ",,,60.0,").replace(",40,100,40.0,", ",,,40.0,")
    )
    frame = audit.audit(evidence.load(outside_folder))
    row = frame[(frame.kind == "pvalue") & (frame.reported == "0.005")].iloc[0]
    assert row.verdict == "not-checkable" and "denominator" in row.explanation
