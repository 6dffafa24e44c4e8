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

    ``ci_method`` fits ``ci_explained`` of ``ci_total`` checkable intervals; ``test`` fits
    ``test_explained`` of ``test_total`` exactly printed p-values (p-values printed as bounds such
    as "<0.001" do not identify a test and are left out). Either is empty when no method fits, or
    when every number it fits fits every method tried (they identify none); ``ci_tied`` and
    ``test_tied`` are the methods that fit as many numbers. ``outliers`` lists the intervals and
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
    ci_tied: tuple[str, ...] = ()
    test_tied: tuple[str, ...] = ()


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


def _identifies_none(rows: pd.DataFrame, order: dict, best: str) -> bool:
    """Whether every number the dominant method fits fits every method tried as well."""
    return all(
        set(order) <= set(_methods(r.method))
        for r in rows.itertuples(index=False)
        if best in _methods(r.method)
    )


def _telling(rows: pd.DataFrame, order: dict, best: str, noun: str) -> str:
    """What the numbers the dominant method fits can say about it: how many fit every method tried
    (and so tell none apart), and how many rest on counts inferred from percentages, or on a CI
    level read unrounded.

    Outside users: "6 of 6 intervals are Clopper-Pearson" rested on 2 intervals that tell methods
    apart (the other 4 fit all 8), and "the interval is Clopper-Pearson" on one interval of a count
    inferred from its percentage.
    """
    fitting = [r for r in rows.itertuples(index=False) if best in _methods(r.method)]
    every = sum(1 for r in fitting if set(order) <= set(_methods(r.method)))
    assumed = [r for r in fitting if r.verdict == "reproduced-with-assumptions"]
    # (statistical reviewer: a CI reproduced at the unrounded level was counted as an inferred count)
    at_level = sum(1 for r in assumed if "unrounded level" in str(getattr(r, "explanation", "")))
    notes = []
    if every:
        tried = f"all {len(order)} {noun}s tried"
        notes.append(f"{every} of them fit {tried}, so only {len(fitting) - every} tell the {noun}s apart")
    for count, what in (
        (len(assumed) - at_level, "on counts inferred from the printed percentages"),
        (at_level, "on the CI level read unrounded (e.g. 95% as 94.99%)"),
    ):
        if count:
            who = (
                "it rests"
                if len(fitting) == 1
                else "all rest"
                if count == len(fitting)
                else f"{count} of them {'rests' if count == 1 else 'rest'}"
            )
            notes.append(f"{who} {what}")
    return "".join(f"; {n}" for n in notes)


def _part(frame, best, n, ties, same, order, noun, plural, kind_one, kind_many) -> str:
    """The summary's clause on one kind of number: '23 of 24 intervals fit t interval on 0/1 data'."""
    total = len(frame)
    if not best:
        tried = f"{len(order)} {plural} tried"
        return (
            f"none of {total} {kind_many} fits any of the {tried}"
            if total > 1
            else f"the {kind_one} fits none of the {tried}"
        )
    if _identifies_none(frame, order, best):
        # name no method: the numbers cannot tell one from another (statistical reviewer)
        who = f"{n} of {total} {kind_many}" if total > 1 else f"the {kind_one}"
        verb = "fits" if n == 1 and total == 1 else "fit"
        tried = f"all {len(order)} {plural} tried"
        return f"{who} {verb} {tried}, so {'it identifies' if total == 1 else 'they identify'} none"
    head = f"{n} of {total} {kind_many} fit {best}" if total > 1 else f"the {kind_one} fits {best}"
    return head + _tied(ties, same) + _telling(frame, order, best, noun)


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
            _part(
                cis,
                ci_method,
                ci_n,
                ci_ties,
                ci_same,
                _CI_ORDER,
                "method",
                "methods",
                "interval",
                "intervals",
            )
        )
    if len(ps):
        parts.append(
            _part(
                ps,
                test,
                test_n,
                test_ties,
                test_same,
                _TEST_ORDER,
                "test",
                "tests",
                "exactly printed p-value",
                "exactly printed p-values",
            )
        )
    # No method is named where the numbers identify none.
    shown_ci = ci_method if ci_method and not _identifies_none(cis, _CI_ORDER, ci_method) else ""
    shown_test = test if test and not _identifies_none(ps, _TEST_ORDER, test) else ""
    # Outliers against the paper's own method exist only where it has one; numbers that fit no
    # method when none dominates are already said by "none of ... fits".
    n_out = sum(1 for o in outliers if (shown_ci if o["kind"] == "ci" else shown_test))
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
        shown_ci,
        ci_n if shown_ci else 0,
        len(cis),
        shown_test,
        test_n if shown_test else 0,
        len(ps),
        summary,
        pd.DataFrame(outliers, columns=columns),
        tuple(ci_ties) if shown_ci else (),
        tuple(test_ties) if shown_test else (),
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
        # the methods that fit as many numbers are kept in the table, not only in the sentence
        row["ci_tied"] = "; ".join(fp.ci_tied) or None
        row["test_tied"] = "; ".join(fp.test_tied) or None
        out.append(row)
    columns = [
        "study_id",
        "ci_method",
        "ci_tied",
        "ci_explained",
        "ci_total",
        "test",
        "test_tied",
        "test_explained",
        "test_total",
        "summary",
    ]
    return pd.DataFrame(out, columns=columns)
