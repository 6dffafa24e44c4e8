"""The audit report of any evidence folder: what `reanalysis report DIR --out OUT` writes.

The repository's own audit report (``analyses/audit.py``) is built by this same function. Nothing
here knows about a particular indication or data set: titles, captions and the provenance footer
come from the folder.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd

from .. import audit as audit_module
from .. import plots
from ..audit import CHECK_MEANINGS, CHECKS, VERDICT_MEANINGS, VERDICTS
from ..evidence import RESULT_TABLES
from . import Report, add_glossary, check_writable, narrative, provenance

_SHOWN = ["published number", "reported", "computed", "explanation", "source"]
_KIND_WORDS = {
    "percent": "percentage",
    "denominator": "denominator",
    "ci": "CI",
    "pvalue": "p-value",
    "effect": "effect",
    "effect-p": "effect and its p",
    "median": "median",
    "summary": "summary",
    "rate-ci": "rate and CI",
    "claim": "claim",
}


@dataclasses.dataclass(frozen=True)
class AuditReport:
    """What was written: the audit table, verdict counts and the report folder."""

    out_dir: Path
    table: pd.DataFrame
    counts: dict


def _counts(table: pd.DataFrame) -> dict:
    """The report's counts: verdicts per published number (a p-value checked twice is one number,
    see :func:`reanalysis.audit.number_verdicts`), kinds of check per row of the audit."""
    numbers = audit_module.number_verdicts(table)
    v = numbers.value_counts()
    ids = audit_module.number_ids(table)
    noted = (
        (
            table.verdict.isin(audit_module.PROBLEM_VERDICTS)
            & table.explanation.str.contains("Note in the evidence folder", regex=False)
        )
        .groupby(ids, sort=False)
        .any()
    )
    k = table["check"].value_counts()
    derived = table[
        (table.check == "arithmetic")
        & table.explanation.str.contains("inferred from this percentage", regex=False)
    ]
    by_check = {check: int(k.get(check, 0)) for check in CHECKS}
    method_rows = table[table.check == "method"]
    consistency_rows = table[table.check == "consistency"]
    consistency_methods = consistency_rows["method"].fillna("")
    ordering = int(consistency_methods.str.startswith("ordering").sum())
    count_checks = int((consistency_methods == "count vs percentage").sum())
    claim_checks = int(consistency_methods.str.startswith("claim vs").sum())
    denominator_checks = int((consistency_methods == "denominator vs arm size").sum())
    landmark_checks = int(consistency_methods.str.startswith("z test of two landmark rates").sum())
    granularity = int(table["method"].fillna("").str.startswith("granularity").sum())
    # Consistent numbers whose every check is an ordering check (an estimate inside its interval):
    # the headline says how many, as "consistent" was read as "verified" (outside users).
    only_order = (
        ((table.check == "consistency") & table["method"].fillna("").str.startswith("ordering"))
        .groupby(ids, sort=False)
        .all()
    )
    consistent_ordering = int((only_order & (numbers.reindex(only_order.index) == "consistent")).sum())
    crude = int(((table.check == "arithmetic") & (table["method"].fillna("") == "crude estimate")).sum())
    return {
        # Check kinds first: the verdict counts below must not be overwritten by a check of the
        # same name ("unchecked" is a check kind; "not_checkable" the verdict).
        **by_check,
        "total": len(numbers),
        "checks": len(table),
        "reproduced": int(v.get("reproduced", 0) + v.get("reproduced-with-assumptions", 0)),
        "consistent": int(v.get("consistent", 0)),
        "consistent_ordering": consistent_ordering,
        "model": int(v.get("model-based", 0)),
        "not_reproducible": int(v.get("not-reproducible", 0)),
        "inconsistent": int(v.get("inconsistent", 0)),
        "problems": int(v.get("not-reproducible", 0) + v.get("inconsistent", 0)),
        "not_checkable": int(v.get("not-checkable", 0)),
        "method_matched": int(method_rows.verdict.isin(["reproduced", "reproduced-with-assumptions"]).sum()),
        "method_unmatched": int(
            len(method_rows) - method_rows.verdict.isin(["reproduced", "reproduced-with-assumptions"]).sum()
        ),
        "ordering": ordering,
        "problems_noted": int((noted & numbers.isin(audit_module.PROBLEM_VERDICTS)).sum()),
        "granularity": granularity,
        "crude": crude,
        "reproduced_assumed": int(v.get("reproduced-with-assumptions", 0)),
        "implied": int(
            len(consistency_rows)
            - ordering
            - count_checks
            - claim_checks
            - denominator_checks
            - landmark_checks
        ),
        "landmark_checks": landmark_checks,
        "count_checks": count_checks,
        "denominator_checks": denominator_checks,
        "claim_checks": claim_checks,
        "arithmetic_derived": len(derived),
    }


_FILE_OF_KIND = {
    "percent": "outcomes.csv",
    "denominator": "outcomes.csv",
    "ci": "outcomes.csv",
    "pvalue": "comparisons.csv",
}


def _figure_source(table: pd.DataFrame, evidence, label: str) -> str:
    """The verdict figure's source line, built from the rows it plots."""
    if table.empty:
        return f"Source: evidence folder {label} (no published numbers)."
    plotted = list(dict.fromkeys(table.study_id))
    names = [evidence.study_label(sid) for sid in plotted]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    files = sorted(
        {
            _FILE_OF_KIND.get(k, "comparisons.csv" if "effect" in k or k == "claim" else "time_to_event.csv")
            for k in table.kind
        }
    )
    return (
        f"Source: {len(table)} published numbers of {len(plotted)} "
        f"{'study' if len(plotted) == 1 else 'studies'} ({shown}) in {label}/ ({', '.join(files)}); "
        "every check of each number, with its verdict, is listed in the full audit table."
    )


def _arm_words(evidence, study_id: str, arm: str) -> str:
    """'hpag_ist vs epag_ist' as its regimens when they are short enough to read in a table cell."""
    arms = evidence.arms[evidence.arms.study_id == study_id].set_index("arm_id")
    words = []
    for part in str(arm).split(" vs "):
        base, _, stratum = part.partition(" [")
        regimen = arms.regimen.get(base) if "regimen" in arms else None
        name = regimen if isinstance(regimen, str) and 0 < len(regimen) <= 40 else base.replace("_", " ")
        words.append(name + (f" [{stratum}" if stratum else ""))
    return " vs ".join(words)


def _with_labels(table: pd.DataFrame, evidence) -> pd.DataFrame:
    out = table.copy()
    out.insert(0, "study", [evidence.study_label(s) for s in out.study_id])
    out.insert(
        1,
        "published number",
        [
            f"{lab}: {str(r.endpoint).replace('_', ' ')}"
            + (f", {_plural_time(r.timepoint)}" if r.timepoint else "")
            + f"; {_arm_words(evidence, r.study_id, r.arm)} ({_KIND_WORDS.get(r.kind, r.kind)})"
            for lab, r in zip(out.study, table.itertuples(index=False), strict=True)
        ],
    )
    out["computed"] = [_readable(v) for v in out.computed]
    out["explanation"] = [_readable(v) for v in out.explanation]
    return out


def _plural_time(text: str) -> str:
    """'6 month' (the audit table's key) as a reader writes it: '6 months'."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?) (day|week|month|year|cycle)", str(text))
    return f"{m.group(1)} {m.group(2)}s" if m and float(m.group(1)) != 1 else str(text)


def _readable(text) -> str:
    """Method ids in engine text as their names (chi2-yates -> Yates chi-square), for the reader."""
    if not isinstance(text, str):
        return text
    from ..glossary import display_method_ids

    return display_method_ids(text)


def build(
    evidence,
    out_dir,
    *,
    name: str = "audit",
    title: str | None = None,
    rebuild: str | None = None,
    index: str | None = None,
    n_jobs: int = 1,
    table: pd.DataFrame | None = None,
) -> AuditReport:
    """Audit an evidence folder and write its report to ``out_dir``.

    Parameters
    ----------
    evidence : Evidence
        From :func:`reanalysis.evidence.load`.
    out_dir : path
        Report folder (replaced whole; refused if it exists and is not a report folder).
    title : str, optional
        Default: "Reproducibility audit: <folder>" (or the study's label for a one-study folder).
    rebuild : str, optional
        The provenance footer's "how to rebuild" sentence.
    index : str, optional
        Relative link to an index page of several reports.
    n_jobs : int
        Processes for the audit (see :func:`reanalysis.audit.audit`).
    table : DataFrame, optional
        An audit table already computed for this evidence (saves recomputing it).
    """
    out_dir = Path(out_dir)
    check_writable(out_dir)
    text = narrative("audit")
    table = audit_module.audit(evidence, n_jobs=n_jobs) if table is None else table
    labelled = _with_labels(table, evidence)
    label = evidence.label.rstrip("/")
    studies = list(dict.fromkeys(evidence.studies.study_id))
    if title is None:
        title = (
            f"Reproducibility audit: {evidence.study_label(studies[0])}"
            if len(studies) == 1
            else (f"Reproducibility audit: {label}")
        )
    c = _counts(table)
    read = [(t, len(getattr(evidence, t))) for t in RESULT_TABLES if f"{t}.csv" in evidence.checksums]
    absent = [f"{t}.csv" for t in RESULT_TABLES if f"{t}.csv" not in evidence.checksums]
    intro = (
        text.intro(label, len(studies), c["total"], table.study_id.nunique(), c["checks"])
        + "\n\n"
        + text.tables_read(read, absent)
    )
    rep = Report(name, title, intro, index=index)
    # The figure counts published numbers, as the headline does (a p-value checked twice once, with
    # the verdict of its two checks taken together); the table below it counts checks.
    numbers = audit_module.number_verdicts(table)
    per_number = table.loc[numbers.index].assign(verdict=numbers.to_numpy())
    source = _figure_source(per_number, evidence, label)

    s = rep.section("What the audit found", text.headline(c))
    rep.text(s, text.strength(c))
    grid = (
        table.groupby(["check", "verdict"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=list(CHECKS), columns=list(VERDICTS), fill_value=0)
    )
    grid = grid.loc[grid.sum(axis=1) > 0, grid.sum(axis=0) > 0]
    grid.insert(0, "what it checks", [CHECK_MEANINGS[k] for k in grid.index])
    rep.table(
        s,
        f"{name}_counts",
        grid.rename_axis("check").reset_index(),
        caption="Checks of the published numbers by kind of check (rows) and verdict (columns)",
        empty="The folder has no published numbers to audit.",
    )
    if len(table):
        labels = {sid: evidence.study_label(sid) for sid in studies}
        fig = plots.verdict_plot(per_number, title="Audit verdicts by study", caption=source, labels=labels)
        rep.figure(s, f"{name}_verdicts", fig, f"Published numbers by verdict and study ({label})")
    rep.text(s, text.reading_guide())

    bad = labelled[labelled.verdict.isin(audit_module.PROBLEM_VERDICTS)]
    s = rep.section(
        "Numbers that do not hold up",
        text.problems_finding(c["problems"], c["reproduced"], c["reproduced"] + c["consistent"]),
    )
    rep.table(s, f"{name}_problems", bad[_SHOWN], empty=text.problems_empty())

    # A row is listed under the verdict of its published number: an adjusted p-value that agrees
    # with its CI is consistent (not listed here), one its CI contradicts does not hold up.
    verdict_of_number = audit_module.number_ids(table).map(numbers)
    model = labelled[(labelled.verdict == "model-based") & (verdict_of_number == "model-based")]
    if len(model):
        s = rep.section("Adjusted or model-based estimates", text.model_finding(c["model"]))
        rep.table(s, f"{name}_model_based", model[_SHOWN])

    fps = audit_module.fingerprints(table)
    rows = [
        {"label": evidence.study_label(r.study_id), "summary": _readable(r.summary)} for r in fps.itertuples()
    ]
    s = rep.section("Each paper's own methods", text.fingerprint_finding(rows))
    if len(fps):
        shown = fps.copy()
        shown.insert(0, "study", [evidence.study_label(x) for x in shown.study_id])
        shown["summary"] = [_readable(v) for v in shown.summary]
        for col in ("ci_method", "ci_tied", "test", "test_tied"):
            shown[col] = [_readable(v) if isinstance(v, str) else v for v in shown[col]]
        rep.table(
            s,
            f"{name}_fingerprints",
            shown.drop(columns=["study_id"]).rename(
                columns={
                    "ci_method": "CI method",
                    "ci_tied": "CI methods that fit as many",
                    "ci_explained": "intervals it fits",
                    "ci_total": "intervals",
                    "test": "test",
                    "test_tied": "tests that fit as many",
                    "test_explained": "p-values it fits",
                    "test_total": "exactly printed p-values",
                }
            ),
            caption="Dominant CI method and test per study (p-values printed as bounds are left out)",
        )
        outliers = []
        for sid in fps.study_id:
            fp = audit_module.fingerprint(table, sid)
            if len(fp.outliers):
                o = fp.outliers.copy()
                o.insert(0, "study", evidence.study_label(sid))
                outliers.append(o)
        if outliers:
            rep.table(
                s,
                f"{name}_fingerprint_outliers",
                pd.concat(outliers, ignore_index=True),
                caption="Intervals and p-values that the paper's dominant method does not reproduce",
            )

    unchecked = labelled[(labelled.verdict == "not-checkable") & (verdict_of_number == "not-checkable")]
    if len(unchecked):
        s = rep.section("What could not be checked", text.unchecked_finding(c["not_checkable"]))
        rep.table(
            s,
            f"{name}_not_checkable",
            unchecked[["published number", "reported", "explanation", "source"]],
        )

    s = rep.section("Studies in this folder")
    cols = [
        c
        for c in (
            "label",
            "study_id",
            "citation",
            "design",
            "indication",
            "registration",
            "pmid",
            "doi",
            "source",
            # How far each study was checked (a press release is 'secondary', a study known only from
            # the summary document 'seed-only') and the curator's caveats ("the same 104 patients as
            # ..."): a reader of the verdicts needs both (outside user).
            "source_status",
            "notes",
        )
        if c in evidence.studies
    ]
    rep.table(s, f"{name}_studies", evidence.studies[cols].dropna(axis=1, how="all"))

    s = rep.section(
        "Appendix: every published number",
        "The full audit, one row per published number (two for a p-value printed beside its effect and "
        "interval: recomputed, and checked against the interval), its verdict beside it; `reanalysis "
        "audit DIR --csv FILE` writes the same table.",
    )
    full = labelled.drop(columns=["study"])
    # The verdict and why next to the number: at the end of 13 columns, a reader of a page 1280 px
    # wide saw numbers without verdicts unless they scrolled sideways (outside user).
    first = ["published number", "reported", "verdict", "explanation"]
    rep.table(
        s,
        f"{name}_full",
        full[[c for c in first if c in full] + [c for c in full if c not in first]],
        empty="The folder has no published numbers to audit: its results tables have no rows.",
    )

    s = rep.section("Verdicts and checks")
    meanings = pd.DataFrame(
        [(v, VERDICT_MEANINGS[v]) for v in VERDICTS],
        columns=["verdict", "meaning"],
    )
    rep.table(s, f"{name}_verdict_meanings", meanings, empty="No verdicts.")
    checks = pd.DataFrame([(k, CHECK_MEANINGS[k]) for k in CHECKS], columns=["kind of check", "meaning"])
    rep.table(s, f"{name}_check_meanings", checks, empty="No kinds of check.")
    add_glossary(rep)
    rep.write(out_dir, provenance(evidence, rebuild=rebuild))
    return AuditReport(out_dir, table, c)
