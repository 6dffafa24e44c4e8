"""A paper's method fingerprint: which single CI method and test explain most of its numbers.

A paper usually computes all its intervals with one method and its p-values with one test. When
22 of 24 printed intervals are Clopper-Pearson, the two that are not are worth a second look
(a typo, a different denominator, a different analysis). The fingerprint is read off the audit
table, where every reproduced CI and p-value lists all the methods that reproduce it.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from .. import proportions
from .._results import Result

_CI_ORDER = {m: i for i, m in enumerate(proportions.CI_METHODS)}
_TEST_ORDER = {m: i for i, m in enumerate(proportions.TEST_METHODS)}


@dataclasses.dataclass(frozen=True)
class Fingerprint(Result):
    """The dominant CI method and test of one study, and the numbers that do not fit them.

    ``ci_method`` explains ``ci_explained`` of ``ci_total`` checkable intervals; ``test`` explains
    ``test_explained`` of ``test_total`` exactly printed p-values (p-values printed as bounds such
    as "<0.001" do not identify a test and are left out). ``outliers`` lists the intervals and
    p-values that the dominant method does not reproduce, with what (if anything) they fit.
    """

    study_id: str
    ci_method: str
    ci_explained: int
    ci_total: int
    test: str
    test_explained: int
    test_total: int
    summary: str
    outliers: pd.DataFrame = dataclasses.field(repr=False, compare=False)


def _methods(cell) -> list[str]:
    return [m for m in str(cell or "").split(";") if m]


def _dominant(rows: pd.DataFrame, order: dict) -> tuple[str, int, list[str]]:
    """(the method fitting most rows, how many, the others fitting as many, whether those fit the very
    same rows): a tie is broken by ``order`` (the more common method first), and the tied methods are
    kept so the summary can say whether the printed numbers tell them apart."""
    fits: dict[str, set] = {}  # method -> the rows it fits
    for i, cell in enumerate(rows["method"]):
        for m in set(_methods(cell)):
            if m in order:
                fits.setdefault(m, set()).add(i)
    if not fits:
        return "", 0, [], True
    ranked = sorted(fits, key=lambda m: (-len(fits[m]), order[m]))
    best = ranked[0]
    ties = [m for m in ranked[1:] if len(fits[m]) == len(fits[best])]
    return best, len(fits[best]), ties, all(fits[m] == fits[best] for m in ties)


def _tied(ties: list[str], same_numbers: bool) -> str:
    if not ties:
        return ""
    shown = ", ".join(ties[:-1]) + (" or " if len(ties) > 1 else "") + ties[-1]
    if same_numbers:
        return f" (or equally {shown}: the printed numbers do not tell them apart)"
    # the tied methods fit different numbers: no single method explains the paper (outside user)
    return f" (as many fit {shown}, but other ones: different numbers fit different methods)"


def _telling(rows: pd.DataFrame, order: dict, best: str, noun: str) -> str:
    """What the numbers the dominant method fits can say about it: how many fit every method tried
    (and so identify none), and how many rest on counts inferred from percentages.

    Outside users: "6 of 6 intervals are Clopper-Pearson" rested on 2 intervals that tell methods
    apart (the other 4 fit all 8), and "the interval is Clopper-Pearson" on one interval of a count
    inferred from its percentage.
    """
    fitting = [r for r in rows.itertuples(index=False) if best in _methods(r.method)]
    every = sum(1 for r in fitting if set(order) <= set(_methods(r.method)))
    assumed = sum(1 for r in fitting if r.verdict == "reproduced-with-assumptions")
    notes = []
    if every == len(fitting):
        notes.append(
            f"{'it fits' if every == 1 else 'they fit'} every standard {noun} as well, so "
            f"{'it identifies' if every == 1 else 'they identify'} none"
        )
    elif every:
        notes.append(
            f"{every} of them fit every standard {noun}, so only {len(fitting) - every} tell the {noun}s apart"
        )
    if assumed:
        who = (
            "it rests"
            if len(fitting) == 1
            else "all rest"
            if assumed == len(fitting)
            else f"{assumed} of them {'rests' if assumed == 1 else 'rest'}"
        )
        notes.append(f"{who} on counts inferred from the printed percentages")
    return "".join(f"; {n}" for n in notes)


def fingerprint(audit_frame: pd.DataFrame, study_id: str) -> Fingerprint:
    """The method fingerprint of one study from an audit table (:func:`reanalysis.audit.audit`)."""
    rows = audit_frame[audit_frame.study_id == study_id]
    if rows.empty:
        raise ValueError(f"study_id {study_id!r} has no rows in the audit table")
    cis = rows[(rows.kind == "ci") & (rows.verdict != "not-checkable")]
    ps = rows[(rows.kind == "pvalue") & (rows.check == "method")]
    ci_method, ci_n, ci_ties, ci_same = _dominant(cis, _CI_ORDER)
    test, test_n, test_ties, test_same = _dominant(ps, _TEST_ORDER)
    outliers = []
    for kind, frame, best in (("ci", cis, ci_method), ("pvalue", ps, test)):
        for r in frame.itertuples(index=False):
            fits = _methods(r.method)
            if best and best in fits:
                continue
            outliers.append(
                {
                    "kind": kind,
                    "endpoint": r.endpoint,
                    "timepoint": r.timepoint,
                    "arm": r.arm,
                    "reported": r.reported,
                    "fits": ", ".join(fits) if fits else "no standard method",
                    "verdict": r.verdict,
                }
            )
    parts = []
    if len(cis):
        parts.append(
            (
                f"{ci_n} of {len(cis)} intervals {'is' if ci_n == 1 else 'are'} {ci_method}"
                if len(cis) > 1
                else f"the interval is {ci_method}"
            )
            + _tied(ci_ties, ci_same)
            + _telling(cis, _CI_ORDER, ci_method, "method")
            if ci_method
            else (
                f"none of {len(cis)} intervals fits a standard method"
                if len(cis) > 1
                else "the interval fits no standard method"
            )
        )
    if len(ps):
        parts.append(
            (
                f"{test_n} of {len(ps)} exactly printed p-values {'is' if test_n == 1 else 'are'} {test}"
                if len(ps) > 1
                else f"the exactly printed p-value is {test}"
            )
            + _tied(test_ties, test_same)
            + _telling(ps, _TEST_ORDER, test, "test")
            if test
            else (
                f"none of {len(ps)} exactly printed p-values fits a standard test"
                if len(ps) > 1
                else "the exactly printed p-value fits no standard test"
            )
        )
    # Outliers against the paper's own method exist only where it has one; numbers that fit no
    # method when none dominates are already said by "none of ... fits".
    n_out = sum(1 for o in outliers if (ci_method if o["kind"] == "ci" else test))
    if parts:
        summary = "; ".join(parts) + (
            # "own method" claimed too much: the method is the one that fits most numbers of a kind,
            # which may be 1 of 3 (statistical reviewer)
            f"; the method that fits the most numbers of {'its' if n_out == 1 else 'their'} kind leaves "
            f"{n_out} {'number' if n_out == 1 else 'numbers'} unexplained."
            if n_out
            else "."
        )
        summary = summary[0].upper() + summary[1:]
    else:
        summary = "No interval or exactly printed p-value to fingerprint."
    columns = ["kind", "endpoint", "timepoint", "arm", "reported", "fits", "verdict"]
    return Fingerprint(
        study_id,
        ci_method,
        ci_n,
        len(cis),
        test,
        test_n,
        len(ps),
        summary,
        pd.DataFrame(outliers, columns=columns),
    )


def fingerprints(audit_frame: pd.DataFrame) -> pd.DataFrame:
    """One fingerprint row per study with at least one interval or exactly printed p-value."""
    out = []
    for sid in dict.fromkeys(audit_frame["study_id"]):
        rows = audit_frame[audit_frame.study_id == sid]
        if not ((rows.kind == "ci").any() or ((rows.kind == "pvalue") & (rows.check == "method")).any()):
            continue
        fp = fingerprint(audit_frame, sid)
        row = fp.to_dict()
        row["ci_method"] = row["ci_method"] or None  # printed as a dash, not an empty cell
        row["test"] = row["test"] or None
        out.append(row)
    columns = [
        "study_id",
        "ci_method",
        "ci_explained",
        "ci_total",
        "test",
        "test_explained",
        "test_total",
        "summary",
    ]
    return pd.DataFrame(out, columns=columns)
