"""Relapsed/refractory ITP report: anti-CD20 + hetrombopag and romiplostim + danazol + TPO-RA case series."""

from pathlib import Path

import pandas as pd

from reanalysis import audit, bayes, data, fragility, plots, proportions, survival
from reanalysis.data import DAYS_PER_UNIT
from reanalysis.printed import value_of
from reanalysis.report import Report, fmt, parse_args, pct, provenance, run

SOURCE = "Source: data/ (seed document; JTH 2020;18:3053; J Hematol Oncol 2021;14:37)."
ARM_LABELS = {
    "anticd20_hpag": "anti-CD20 + HPAG (case series)",
    "hpag_2_5": "phase 3, 2.5 mg",
    "hpag_5": "phase 3, 5 mg",
    "placebo": "phase 3, placebo",
}
QUANTITY_LABELS = {
    "time_to_response": "time to response",
    "duration_of_response": "duration of response",
    "max_continuous_duration_of_response": "longest continuous response",
}


def case_series(rep, d):
    s = rep.section(
        "Case series: '4 of 4' and '2 of 2' complete responses",
        "All patients responding in a series of 4 (or 2) is compatible with a true complete-response "
        "rate anywhere from about 40% (or 16%) to 100%: the series show the combinations can work, not how "
        "often they do.",
    )
    rep.text(
        s,
        "**What the source claims** (seed, verbatim): anti-CD20 + hetrombopag, 4 patients with relapsed/"
        "refractory ITP, 'All 4 patients achieved Complete Response (CR)', time to response 2 to 9 days, "
        "duration of response 3 to 27 months; romiplostim + danazol + hetrombopag/eltrombopag, 2 patients, "
        "'both patients achieved complete remission', bleeding score from grade 3/4 to 0. Neither case "
        "series could be found in a retrievable publication (`source_status` seed-only).",
    )
    rows = []
    for study, arm, label in [
        ("itp_anticd20_hpag_cases", "anticd20_hpag", "anti-CD20 + HPAG (4/4)"),
        ("itp_romi_danazol_tpora_cases", "romi_danazol_tpora", "romiplostim + danazol + TPO-RA (2/2)"),
    ]:
        x, n, _ = d.counts(study, arm, "complete_response", None, "best")
        for method in ("clopper-pearson", "jeffreys", "wilson", "mid-p"):
            ci = proportions.proportion_ci(x, n, method=method)
            rows.append(
                {"series": label, "CI method": method, "low %": 100 * ci.low, "high %": 100 * ci.high}
            )
        post = bayes.posterior_proportion(x, n, threshold=0.5)
        rows.append(
            {
                "series": label,
                "CI method": "Bayes, uniform prior (95% CrI)",
                "low %": 100 * post.low,
                "high %": 100 * post.high,
            }
        )
    rep.table(
        s,
        "itp_case_series_ci",
        pd.DataFrame(rows),
        digits=1,
        caption="95% intervals for the complete-response rate",
    )
    p4 = bayes.posterior_proportion(4, 4, threshold=0.5)
    p2 = bayes.posterior_proportion(2, 2, threshold=0.5)
    rep.text(
        s,
        f"With a uniform prior, the probability that the true complete-response rate exceeds 50% is "
        f"{pct(p4.prob_above)} after 4/4 and {pct(p2.prob_above)} after 2/2. Retrospective case series are "
        "also selected: patients who did not respond are rarely written up, so even these figures "
        "overstate what a new patient can expect.",
    )
    fig_rows = []
    for label, x, n in [("anti-CD20 + HPAG", 4, 4), ("romiplostim + danazol + TPO-RA", 2, 2)]:
        ci = proportions.proportion_ci(x, n)
        fig_rows.append(
            {
                "timepoint": label,
                "arm": "exact 95% CI",
                "estimate": ci.estimate,
                "low": ci.low,
                "high": ci.high,
            }
        )
    fig = plots.response_plot(
        pd.DataFrame(fig_rows),
        title="'All responded': what 4/4 and 2/2 allow",
        xlabel="Case series",
        ylabel="Complete response rate (%)",
        caption="Source: seed document (case series not retrievable). Clopper-Pearson 95% CIs.",
    )
    rep.figure(s, "itp_case_series", fig, "Observed 100% response with exact 95% confidence intervals")


def time_to_response(rep, d):
    s = rep.section(
        "Time to response and duration of response",
        "Only ranges are published (response in 2-9 days; lasting 3-27 months), and no per-patient values, "
        "so no Kaplan-Meier curve can be drawn: it is unknown how many responses were still ongoing.",
    )
    tte = d.time_to_event
    rows = []
    for (study, arm, quantity), g in tte.groupby(["study_id", "arm_id", "quantity"], sort=False):
        if not study.startswith("itp_"):
            continue
        stat = g.set_index("statistic")["value"].map(value_of)
        unit = g["unit"].iloc[0]
        n = g["n"].iloc[0]
        summary = survival.summarise_published(
            quantity, unit, median=stat.get("median"), minimum=stat.get("min"), maximum=stat.get("max"), n=n
        )
        to_days = DAYS_PER_UNIT[unit]
        rows.append(
            {
                "label": f"{ARM_LABELS.get(arm, arm)}: {QUANTITY_LABELS.get(quantity, quantity)}",
                "unit": unit,
                "n": n,
                "median": summary.median,
                "minimum": summary.minimum,
                "maximum": summary.maximum,
                "median (days)": summary.median * to_days,
                "minimum (days)": summary.minimum * to_days,
                "maximum (days)": summary.maximum * to_days,
                "what it says": summary.statement,
            }
        )
    frame = pd.DataFrame(rows)
    rep.table(
        s,
        "itp_time_summaries",
        frame.drop(columns=["median (days)", "minimum (days)", "maximum (days)"]),
        digits=1,
    )
    fig = plots.range_plot(
        frame,
        median="median (days)",
        minimum="minimum (days)",
        maximum="maximum (days)",
        title="ITP: published medians and ranges",
        xlabel="Days (log scale; 1 month = 30.4 days)",
        log_scale=True,
        caption=SOURCE + " Diamond = median; bar = published range.",
    )
    rep.figure(s, "itp_ranges_days", fig, "Published time to response and duration of response in days")
    per_patient = d.patients[d.patients.study_id.str.startswith("itp_")]
    rep.text(
        s,
        f"Per-patient rows in `data/patients.csv`: {len(per_patient)}. When a source publishes them, "
        "`reanalysis.survival.case_series_durations` turns them into durations with ongoing responses "
        "censored and `reanalysis.plots.swimmer_plot` / `km_plot` draw them; nothing is invented here.",
    )


def phase3(rep, d, audit_table):
    s = rep.section(
        "Comparator: hetrombopag monotherapy phase 3 (NCT03222843)",
        "The primary endpoint (platelets >= 50 x 10^9/L at 8 weeks: 58.9% and 64.3% vs 5.9% with placebo) "
        "is robust: 34 placebo patients would have to change outcome to lose significance. The published "
        "odds ratios are larger than the crude ones, so they are adjusted; the method is not retrievable.",
    )
    rows, forest = [], []
    for arm, label in [("hpag_2_5", "2.5 mg"), ("hpag_5", "5 mg")]:
        x1, n1, _ = d.counts("itp_ph3_nct03222843", arm, "platelet_response", 8, "week")
        x2, n2, _ = d.counts("itp_ph3_nct03222843", "placebo", "platelet_response", 8, "week")
        fi = fragility.fragility_index(x1, n1, x2, n2)
        rd = proportions.effect_size(x1, n1, x2, n2, measure="rd")
        orc = proportions.effect_size(x1, n1, x2, n2, measure="or", method="conditional")
        pub = d.comparisons[
            (d.comparisons.study_id == "itp_ph3_nct03222843")
            & (d.comparisons.arm_a == arm)
            & (d.comparisons.endpoint == "platelet_response")
        ].iloc[0]
        rows.append(
            {
                "arm": label,
                "responders": f"{x1}/{n1} vs {x2}/{n2}",
                "risk difference": rd.estimate,
                "RD low": rd.low,
                "RD high": rd.high,
                "crude OR (conditional)": orc.estimate,
                "published OR": f"{pub.reported_effect} ({pub.effect_ci_low}-{pub.effect_ci_high})",
                "Fisher p": proportions.compare_proportions(x1, n1, x2, n2).pvalue,
                "fragility index": fi.index,
                "fragility quotient": fi.quotient,
            }
        )
        forest.append(
            {
                "label": f"{label}: crude (conditional MLE)",
                "estimate": orc.estimate,
                "low": orc.low,
                "high": orc.high,
                "kind": "recomputed",
            }
        )
        forest.append(
            {
                "label": f"{label}: published",
                "estimate": float(pub.reported_effect),
                "low": float(pub.effect_ci_low),
                "high": float(pub.effect_ci_high),
                "kind": "published",
            }
        )
    rep.table(s, "itp_ph3_primary", pd.DataFrame(rows), digits=3)
    fig = plots.forest_plot(
        pd.DataFrame(forest),
        group="kind",
        reference=1,
        log_scale=True,
        title="Phase 3 ITP primary endpoint: odds ratio vs placebo",
        xlabel="Odds ratio (log scale)",
        caption=SOURCE,
    )
    rep.figure(s, "itp_ph3_or", fig, "Published and crude odds ratios of response vs placebo")
    verdicts = audit_table[audit_table.study_id == "itp_ph3_nct03222843"]
    rep.table(s, "itp_ph3_audit", verdicts[["endpoint", "arm", "kind", "reported", "verdict", "computed"]])
    fip = []
    for arm, dose in [("hpag_2_5", "2.5 mg"), ("hpag_5", "5 mg"), ("hpag_7_5", "7.5 mg")]:
        x, n, _ = d.counts("itp_fip_jth_2020", arm, "platelet_response", 28, "day")
        ci = proportions.proportion_ci(x, n)
        fip.append(
            {
                "timepoint": dose,
                "arm": "first-in-patient cohort",
                "estimate": ci.estimate,
                "low": ci.low,
                "high": ci.high,
                "responders": f"{x}/{n}",
            }
        )
    fig = plots.response_plot(
        pd.DataFrame(fip),
        title="First-in-patient dose cohorts: response at day 28",
        xlabel="Hetrombopag dose (once daily, 2 weeks)",
        caption="Source: JTH 2020;18:3053. Clopper-Pearson 95% CIs.",
    )
    rep.figure(s, "itp_fip_dose", fig, "Response by dose cohort with exact 95% CIs")
    rep.text(
        s,
        "Dose cohorts of 8-12 patients: the intervals overlap widely ("
        + "; ".join(
            f"{r['timepoint']}: {r['responders']}, {fmt(100 * r['low'], 0)}-{fmt(100 * r['high'], 0)}%"
            for r in fip
        )
        + ").",
    )


def main():
    args = parse_args(__doc__)
    d = data.load(args.data_dir)
    audit_table = audit.audit(d)
    rep = Report(
        "itp",
        "Relapsed/refractory ITP: hetrombopag combinations",
        "Reanalysis of the seed's Application Note 2 (two case series) with the hetrombopag monotherapy trials "
        "as context. Each section starts with a plain-language finding.",
        index="../index.html",
    )
    case_series(rep, d)
    time_to_response(rep, d)
    phase3(rep, d, audit_table)
    rep.write(Path(args.out), provenance(d))


if __name__ == "__main__":
    run(main)
