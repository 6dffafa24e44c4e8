"""Audit report: every published number in data/ with its reproducibility verdict."""

from pathlib import Path

from reanalysis import audit, data, plots
from reanalysis.report import Report, parse_args, provenance, run


def main():
    args = parse_args(__doc__)
    d = data.load(args.data_dir)
    table = audit.audit(d)
    counts = table["verdict"].value_counts().reindex(audit.VERDICTS, fill_value=0)
    rep = Report(
        "audit",
        "Reproducibility audit of the published numbers",
        "Every published percentage, confidence interval, p-value and effect estimate in `data/` is "
        "recomputed from the published (or, where marked, inferred) counts with every standard method. "
        "A printed number is *reproduced* when a method gives a value that prints the same way.",
    )
    s = rep.section(
        "Summary",
        f"{counts['reproduced']} of {len(table)} published numbers are reproduced from published "
        f"counts, {counts['reproduced-with-assumptions']} only with inferred counts or a truncated print, "
        f"{counts['not-reproducible']} cannot be reproduced by any standard method, and "
        f"{counts['not-checkable']} cannot be checked because too little is published.",
    )
    rep.table(s, "audit_counts", counts.rename_axis("verdict").reset_index(name="numbers"))
    fig = plots.verdict_plot(
        table, title="Audit verdicts by study", caption="Source: data/; reanalysis.audit.audit()."
    )
    rep.figure(s, "audit_verdicts", fig, "Number of published values by verdict and study")
    s = rep.section(
        "Numbers that do not hold up",
        "The headline HPAG vs EPAG p-values are not reproducible; the RACE and ITP phase 3 odds ratios "
        "are adjusted estimates that the published counts cannot reproduce; one NIH interval is a typo.",
    )
    bad = table[table.verdict == "not-reproducible"]
    rep.table(
        s,
        "audit_not_reproducible",
        bad[["study_id", "endpoint", "timepoint", "arm", "kind", "reported", "computed", "explanation"]],
    )
    s = rep.section(
        "A method found: the NIH eltrombopag intervals",
        "The 95% CIs in Townsley et al. (NEJM 2017, Table 2) are not Wald, Wilson or exact intervals: "
        "23 of 24 are reproduced by a t interval on the 0/1 outcomes (p ± t(n-1)·sqrt(p(1-p)/(n-1))), "
        "which explains the upper bound of 103%.",
    )
    nih = table[(table.study_id == "saa_nih_epag_2017") & (table.kind == "ci")]
    rep.table(
        s, "audit_nih_ci", nih[["arm", "endpoint", "timepoint", "reported", "verdict", "method", "computed"]]
    )
    s = rep.section(
        "Every published number", "The full audit; `reanalysis audit --csv` writes the same table."
    )
    rep.table(s, "audit_full", table)
    rep.write(Path(args.out), provenance(d))


if __name__ == "__main__":
    run(main)
