"""The audit's vocabulary: verdicts, what kind of check produced them, and their meaning."""

from __future__ import annotations

import re

#: Every verdict, in the order reports list them, with its plain-language meaning.
VERDICT_MEANINGS = {
    "reproduced": "recomputed from the published counts with a standard method, it prints the same",
    "reproduced-with-assumptions": "reproduced only with counts inferred from percentages, a truncated "
    "rather than rounded print, or an assumed denominator",
    "consistent": "an internal-consistency check passed (e.g. a ratio's CI implies its printed p-value); "
    "the number itself cannot be recomputed from what is published",
    "model-based": "an adjusted or model-based estimate whose model is not published: crude counts are not "
    "expected to reproduce it, so a mismatch is not evidence of an error",
    "not-reproducible": "no standard method on any counts consistent with the publication gives the printed "
    "number (the closest candidate is reported)",
    "inconsistent": "an internal-consistency check failed (e.g. an estimate outside its own CI, or a p-value "
    "the CI cannot give)",
    "not-checkable": "too little is published to recompute or check it",
}
VERDICTS = tuple(VERDICT_MEANINGS)

#: Verdicts that flag a published number as not holding up.
PROBLEM_VERDICTS = ("not-reproducible", "inconsistent")

#: What a check establishes, from weakest to strongest, with its meaning.
CHECK_MEANINGS = {
    "unchecked": "nothing could be checked against the counts (see the explanation)",
    "arithmetic": "a percentage recomputed from its numerator and denominator, or (no count published) "
    "checked for a count of its denominator that prints as it; a difference or ratio printed without its CI "
    "recomputed from the counts",
    "threshold": "a p-value printed as a bound (e.g. < 0.001) that the tests reproduce",
    "consistency": "printed numbers checked against each other (estimate, CI, p-value, range; a count and its "
    "percentage; a denominator and its arm; a verbal claim and the numbers)",
    "method": "an exact printed value matched by a named method on the counts, which identifies the method",
}
CHECKS = tuple(CHECK_MEANINGS)

#: Words in a paper's stated test or adjustment that mark a model-based (adjusted) analysis.
_MODEL_WORDS = re.compile(
    r"\b(model|adjust\w*|logistic|regression|cox|stratif\w*|multivariable|multivariate|covariate\w*|"
    r"mixed|gee|propensity|weighted|marginal|standardi[sz]ed|g-computation|ipw|inverse\s+probability)\b",
    re.IGNORECASE,
)


#: An adjustment column that says the estimate is crude: "none" (the schema's word), and the ways people
#: write it ("not adjusted", "unadjusted (crude)"). Read as adjusted, "not adjusted" excused a crude
#: ratio the counts do not give as "an adjusted or model-based estimate (not adjusted)".
_CRUDE = re.compile(
    r"(?:none|crude|unadjusted|not\s+adjusted|no\s+adjustment)(?:\s*\(\s*(?:none|crude|unadjusted)\s*\))?\.?",
    re.IGNORECASE,
)


#: What the adjustment column may say when the paper does not say (outside user, ASTER: "unknown"
#: made a row model-based).
_NOT_KNOWN = re.compile(
    r"(?:unknown|not\s+known|not\s+stated|not\s+reported|unclear|n/?a|nr|\?)\.?", re.IGNORECASE
)


def adjustment_stated(adjustment) -> str | None:
    """The adjustment a comparison records, or None when it records none: empty, or a word for "the
    paper does not say" (unknown, not stated, not reported, unclear, NA)."""
    if not isinstance(adjustment, str) or not adjustment.strip() or _NOT_KNOWN.fullmatch(adjustment.strip()):
        return None
    return adjustment.strip()


def is_model_based(adjustment, test_stated) -> bool:
    """Whether a comparison's estimate is adjusted or model-based, from what the paper says.

    ``adjustment`` (the evidence column) wins: empty or "unknown" (not stated, not reported, unclear)
    = not stated, "none" (or "crude", "unadjusted", "not adjusted", "no adjustment") = crude,
    anything else = adjusted. Otherwise the stated test is read for model words (logistic, Cox,
    adjusted...).
    """
    stated = adjustment_stated(adjustment)
    if stated:
        return not _CRUDE.fullmatch(stated)
    return bool(isinstance(test_stated, str) and _MODEL_WORDS.search(test_stated))


#: A published number checked more than once takes the first of these verdicts among its checks:
#: a failed check is a problem whatever the others found, and a recomputation says more than a
#: consistency check, which says more than nothing.
_NUMBER_ORDER = (
    "not-reproducible",
    "inconsistent",
    "reproduced",
    "reproduced-with-assumptions",
    "consistent",
    "model-based",
    "not-checkable",
)


def _after_p(text) -> str:
    """A printed p-value as it reads after the letter p: "P<0.001" -> "<0.001", "p = .03" -> ".03"
    (an outside user's "P<0.001" read "p P<0.001"); "<0.001" and "0.03" as they are."""
    text = re.sub(r"^\s*[pP]\s*(?=[=<>≤≥])", "", str(text)).strip()
    return text[1:].strip() if text.startswith("=") else text


def number_ids(table):
    """For each row of an audit table, the published number it checks (the label of the row that
    stands for that number: its own, or for a p-value checked twice the ``pvalue`` row).

    The audit has one row per check. Every check is of its own published number except one: a
    p-value printed beside an effect and its CI is checked twice, recomputed from the counts (kind
    ``pvalue``) and against the p-value its CI implies (kind ``effect-p``). Such an ``effect-p``
    row is given the number of the ``pvalue`` row of the same comparison (same study, endpoint,
    timepoint and arms, and the same printed p); of two comparisons that match alike (a crude and
    an adjusted ratio with one printed p, or a non-inferiority p and a superiority p), an
    ``effect-p`` row takes the nearest ``pvalue`` row before it in the audit's numbering (the
    table's integer row labels, which sorting and filtering keep), or the first in table order
    when the labels are not integers.

    Parameters
    ----------
    table : DataFrame
        An audit table (:func:`reanalysis.audit.audit`), in any row order, or a subset of one, with
        unique row labels.

    Returns
    -------
    pandas.Series
        Indexed like ``table``: the label of the row standing for each row's published number.
    """
    import pandas as pd

    ids = pd.Series(table.index, index=table.index)
    key = ["study_id", "endpoint", "timepoint", "arm"]
    if "kind" not in table.columns:
        raise ValueError("table: not an audit table (no column 'kind'; see reanalysis.audit.audit)")
    if table.index.has_duplicates:
        # two audits concatenated keep both row labels 0, 1, ...: a number's label would name two rows
        raise ValueError(
            "table: its row labels repeat (e.g. audit tables joined with pd.concat); number the rows "
            "once, e.g. pd.concat(tables, ignore_index=True)"
        )
    if not (table["kind"] == "effect-p").any():
        return ids
    missing = [c for c in [*key, "reported"] if c not in table.columns]
    if missing:
        raise ValueError(
            f"table: column(s) {', '.join(missing)} missing (see reanalysis.audit.AUDIT_COLUMNS)"
        )

    def match_key(row, printed_p):
        # an empty key cell (NaN, None) matches an empty one: NaN == NaN is False in a dict lookup
        return (*("" if pd.isna(v) else str(v) for v in row[key]), _after_p(printed_p))

    waiting: dict = {}
    for label, row in table[table["kind"] == "pvalue"][key + ["reported"]].iterrows():
        waiting.setdefault(match_key(row, row["reported"]), []).append(label)
    # The audit writes a comparison's p-value row before its effect-p row, and a reordered or filtered
    # table keeps the audit's integer labels: of two comparisons with one key and one printed p (a
    # non-inferiority p with no effect and a superiority p with one), the effect-p row's own p-value
    # row is the nearest one before it, not the first one in the table's current order.
    by_label = pd.api.types.is_integer_dtype(table.index)
    for label, row in table[table["kind"] == "effect-p"][key + ["reported"]].iterrows():
        printed_p = str(row["reported"]).rsplit(", p ", 1)[-1]  # "OR 3.2 (1.3-7.8), p 0.01"
        match = waiting.get(match_key(row, printed_p))
        if match:
            before = [m for m in match if m < label] if by_label else []
            ids[label] = match.pop(match.index(max(before)) if before else 0)
    return ids


def number_verdicts(table):
    """One verdict per published number of an audit table (see :func:`number_ids`).

    A number checked twice takes the first of its verdicts in the order not-reproducible,
    inconsistent, reproduced, reproduced-with-assumptions, consistent, model-based, not-checkable:
    a p-value recomputed from the counts but contradicted by its own CI does not hold up; one the
    counts cannot reproduce (an adjusted analysis) but that agrees with its CI is consistent.

    Returns
    -------
    pandas.Series
        Indexed by the row label standing for each number (:func:`number_ids`), in table order.
    """
    ids = number_ids(table)
    if "verdict" not in table.columns:
        raise ValueError("table: column verdict missing (see reanalysis.audit.AUDIT_COLUMNS)")
    unknown = sorted(set(table["verdict"].astype(str)) - set(_NUMBER_ORDER))
    if unknown:
        raise ValueError(f"table: verdict {unknown[0]!r} is not one of {', '.join(_NUMBER_ORDER)}")
    rank = {v: i for i, v in enumerate(_NUMBER_ORDER)}
    ranked = table["verdict"].map(rank)
    best = ranked.groupby(ids, sort=False).min()
    return best.map(dict(enumerate(_NUMBER_ORDER))).rename("verdict")
