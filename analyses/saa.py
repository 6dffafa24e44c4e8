"""Severe aplastic anaemia report: hetrombopag (HPAG) with IST, against eltrombopag (EPAG) and placebo.

Every sentence is written by ``reanalysis/templates/saa.md.j2`` from values computed here from the
evidence folder; nothing in this file is a study count or percentage. Sign convention: every
difference is hetrombopag minus its comparator (HPAG - EPAG), in percentage points.
"""

import math
import re
from pathlib import Path

import pandas as pd
from scipy import stats

from reanalysis import audit, bayes, data, fragility, meta, plots, power, proportions, survival
from reanalysis.glossary import display_method_ids, item_label, method_name
from reanalysis.printed import value_of
from reanalysis.report import Report, add_glossary, fmt_interval, narrative, parse_args, provenance, run
from reanalysis.report import evidence_summary as index  # noqa: E402

# The pre-specified method for each quantity (shared with the index page).
CI_METHOD, RD_METHOD, RR_METHOD = index.CI_METHOD, index.RD_METHOD, index.RR_METHOD
# Assumptions, not data: a clinically important deficit in 6-month overall response, and the
# placebo + IST complete-response rates over which the phase 3 sizes are checked.
DEFICIT = 0.10
ASSUMED_PLACEBO_CR = (0.10, 0.20, 0.30, 0.40)
ALPHA = 0.05
POWER = 0.80
# Fewest studies for a prediction interval (t with k - 2 degrees of freedom).
PI_MIN_K = 3

HPAG_EPAG, PH3, PH2 = "saa_hpag_vs_epag", "saa_ph3_nct03825744", "saa_ph2_nct03557099"
PATG, NIH, RACE, PAED = "saa_patg_hpag_rhtpo", "saa_nih_epag_2017", "saa_race_2022", "saa_goronkova_2023"
HPAG_ARM, EPAG_ARM = "hpag_ist", "epag_ist"
ENDPOINTS = ("overall_response", "complete_response")
SIX_MONTHS = (6, "month")
# 6-month overall response, arm by arm, grouped by study (no pooling across studies or drugs).
OR6_ARMS = [
    (HPAG_EPAG, HPAG_ARM),
    (HPAG_EPAG, EPAG_ARM),
    (PATG, "hpag_patg_rhtpo"),
    (NIH, "all_cohorts"),
    (RACE, "ist_epag"),
    (RACE, "ist"),
]
# Eltrombopag + IST vs IST alone in randomised trials: (study, timepoint of the published response).
EPAG_RCTS = [(RACE, (6, "month")), (PAED, (4, "month"))]
SAFETY = (
    "any_adverse_event",
    "treatment_related_adverse_event",
    "grade3plus_adverse_event",
    "serious_adverse_event",
    "death",
)


# --------------------------------------------------------------------------------------------
# Small helpers: labels, counts text, figure sources built from the plotted rows
# --------------------------------------------------------------------------------------------
def arm_label(d, study, arm):
    return index.arm_label(d, study, arm)


def counts_text(x, n):
    return f"{x}/{n}"


def source_line(d, rows) -> str:
    """ "Source: ..." naming, for each plotted study, where its plotted numbers come from.

    ``rows`` are outcomes rows (Series); the line lists each study's label, the source locations
    of its rows, their source status, and says when counts were inferred from percentages.
    """
    parts = []
    frame = pd.DataFrame(rows)
    for study, g in frame.groupby("study_id", sort=False):
        where = "; ".join(dict.fromkeys(g.source_location.astype(str)))
        status = ", ".join(dict.fromkeys(g.source_status.astype(str)))
        inferred = g.responders.isna().any()
        parts.append(
            f"{d.study_label(study)}: {where} [{status}{', counts inferred from percentages' if inferred else ''}]"
        )
    return "Source: " + "; ".join(parts) + "."


TIME_UNITS = ("day", "week", "month", "year")
_SCHEDULE = re.compile(r" (?:from|for) (?:day [+-]?\d+|\d+ (?:days|weeks|months))")


def without_schedule(regimen: str) -> str:
    """'... 15 mg/day from day +1 + rhTPO for 90 days' -> '... 15 mg/day + rhTPO' (a short figure label)."""
    return _SCHEDULE.sub("", regimen)


def plural_unit(value, unit) -> str:
    """'6', 'month' -> 'months': a time unit in the plural after any value other than 1."""
    unit = str(unit)
    if unit not in TIME_UNITS:
        return unit
    try:
        one = value_of(str(value)) == 1
    except ValueError:  # a range such as "3-6" is plural
        one = False
    return unit if one else unit + "s"


def protocol_rows(rep, s, d, text, study):
    """The study's protocol facts (protocols.csv), or a sentence saying there are none yet.

    Each row is one structured fact: two facts quoted from the same sentence (minimum and maximum
    age from "patients aged 15-75 years") differ in their item and value, which are shown.
    """
    p = index.protocol_table(d, [study])
    value = [
        "" if pd.isna(v) else f"{v} {plural_unit(v, u)}".strip() if not pd.isna(u) else str(v)
        for v, u in zip(p["value"], p["unit"], strict=True)
    ]
    shown = pd.DataFrame(
        {
            "category": p["category"].str.replace("-", " "),
            "arm": [arm_label(d, study, a) if isinstance(a, str) else "whole study" for a in p["arm_id"]],
            "item": [item_label(str(i)) for i in p["item"]],
            "text": p["text"],
            "value": [v or None for v in value],
            "source status": p["source_status"],
            "source": p["source"],
            "notes": p["notes"],
        }
    )
    rep.table(
        s,
        f"{study}_protocol",
        shown,
        caption=text.protocol_caption(d.study_label(study)),
        empty=text.protocol_empty(d.study_label(study)),
    )


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------
def summary(rep, d, text, hpag):
    ph2 = index.rate(d, PH2, "hpag", "hematologic_response", 18, "week")
    claim = d.comparisons[(d.comparisons.study_id == PH3) & d.comparisons.claim.notna()].claim
    s = rep.section(
        "Summary of findings",
        text.summary_finding(hpag["overall_response"], ph2, "; ".join(claim)),
    )
    table = index.evidence_table(d, "SAA")
    rep.table(
        s,
        "saa_summary",
        table[["question", "studies", "effect (95% CI)", "certainty (this reanalysis)", "interpretation"]],
        caption=text.summary_caption("; ".join(dict.fromkeys(d.certainty.judged_by))),
        empty=text.summary_empty(),
    )
    rep.text(s, text.methods(method_name(CI_METHOD), method_name(RD_METHOD), method_name(RR_METHOD, "rr")))


def hpag_vs_epag(rep, d, text, audit_table, hpag):
    ore, cre = hpag["overall_response"], hpag["complete_response"]
    design = d.study(HPAG_EPAG).design
    s = rep.section(
        "Hetrombopag vs eltrombopag added to IST: 6-month response",
        text.hpag_finding(ore, cre, design),
    )
    rows = []
    for e in (ore, cre):
        rows.append(
            {
                "endpoint": text.endpoint_name(e.endpoint),
                f"HPAG n/N, % ({method_name(CI_METHOD)})": text.rate_cell(e.counts_a, _ci(e.counts_a)),
                f"EPAG n/N, % ({method_name(CI_METHOD)})": text.rate_cell(e.counts_b, _ci(e.counts_b)),
                f"difference HPAG - EPAG, points ({method_name(RD_METHOD)})": e.rd_text,
                f"risk ratio HPAG / EPAG ({method_name(RR_METHOD, 'rr')})": e.rr_text,
                "NNT or NNH (Altman)": e.nnt_text,
                "counts inferred": e.inferred,
            }
        )
    rep.table(
        s,
        "saa_hpag_vs_epag_effects",
        pd.DataFrame(rows),
        caption=text.effects_caption(),
    )
    # Which counts are inferred, and how (outcomes.csv `derivation`).
    o = d.outcomes[(d.outcomes.study_id == HPAG_EPAG) & d.outcomes.endpoint.isin(ENDPOINTS)]
    enrolled = {a.arm_id: a.n_enrolled for a in d.arms[d.arms.study_id == HPAG_EPAG].itertuples()}
    derived = o[o.responders.isna()]
    rep.text(
        s,
        text.hpag_counts(
            n_inferred=len(derived),
            n_rows=len(o),
            enrolled_a=enrolled.get(HPAG_ARM),
            enrolled_b=enrolled.get(EPAG_ARM),
            n_a=ore.counts_a[1],
            n_b=ore.counts_b[1],
        ),
    )
    rep.table(
        s,
        "saa_hpag_vs_epag_counts",
        pd.DataFrame(
            {
                "arm": [arm_label(d, HPAG_EPAG, a) for a in derived.arm_id],
                "endpoint": [text.endpoint_name(x) for x in derived.endpoint],
                "printed %": derived.reported_percent,
                "inferred count": [
                    counts_text(int(x), int(n))
                    for x, n in zip(derived.derived_responders, derived.derived_n, strict=True)
                ],
                "how it was inferred": derived.derivation,
            }
        ),
        caption=text.counts_caption(),
        empty=text.counts_empty(),
    )
    definitions = d.protocols[
        (d.protocols.category == "response-definition") & d.protocols.study_id.isin([PH3])
    ]
    if len(definitions):
        rep.text(
            s,
            text.response_definition(
                list(definitions.text),
                d.study_label(PH3),
                "; ".join(dict.fromkeys(definitions.source.astype(str))),
                "; ".join(dict.fromkeys(definitions.notes.dropna().astype(str))),
            ),
        )
    fig_rows, plotted = [], []
    for e in (ore, cre):
        for arm, (x, n) in ((e.arm_a, e.counts_a), (e.arm_b, e.counts_b)):
            ci = _ci((x, n))
            fig_rows.append(
                {
                    "timepoint": text.endpoint_name(e.endpoint),
                    "arm": arm_label(d, HPAG_EPAG, arm),
                    "estimate": ci.estimate,
                    "low": ci.low,
                    "high": ci.high,
                    "n/N": counts_text(x, n),
                }
            )
            plotted.append(d.outcome(HPAG_EPAG, arm, e.endpoint, *SIX_MONTHS))
    fig = plots.response_plot(
        pd.DataFrame(fig_rows),
        title=text.hpag_figure_title(),
        xlabel=text.at_six_months(),
        ylabel=text.response_axis(),
        counts="n/N",
        caption=source_line(d, plotted) + " " + text.ci_note(method_name(CI_METHOD)),
    )
    rep.figure(s, "saa_hpag_vs_epag", fig, text.hpag_figure_alt())

    # Reproducibility of the published p-values, scaled to what it changes: every test on the
    # tables this report considers plausible (the HPAG denominator used here, with rounded
    # percentages, or every treated patient, with truncated ones), against the audit's wider search.
    n_all = int(d.arms[(d.arms.study_id == HPAG_EPAG) & (d.arms.arm_id == HPAG_ARM)].n_enrolled.iloc[0])
    verdict_rows = []
    for e in (ore, cre):
        published = d.comparisons[
            (d.comparisons.study_id == HPAG_EPAG)
            & (d.comparisons.endpoint == e.endpoint)
            & d.comparisons.reported_p.notna()
        ]
        if published.empty:
            continue
        reported = published.iloc[0].reported_p
        rep_p = value_of(reported, kind="pvalue")
        tables = plausible_tables(d, e, n_all)
        tests = pd.concat(
            [proportions.compare_all(*a, *b) for a, b in tables],
            keys=range(len(tables)),
        ).reset_index(level=0, names="which")
        closest = tests.iloc[(tests.pvalue - rep_p).abs().argsort().iloc[0]]
        a, b = tables[int(closest.which)]
        verdict = audit_table[
            (audit_table.study_id == HPAG_EPAG)
            & (audit_table.kind == "pvalue")
            & (audit_table.endpoint == e.endpoint)
        ]
        wider = _audit_closest(verdict.computed.iloc[0]) if len(verdict) else None
        verdict_rows.append(
            {
                "endpoint": text.endpoint_name(e.endpoint),
                "reported": reported,
                "reported_value": rep_p,
                "tables": tables,
                "closest_method": method_name(closest.method),
                "closest_counts": (a, b),
                "closest_p": float(closest.pvalue),
                "min_p": float(tests.pvalue.min()),
                "max_p": float(tests.pvalue.max()),
                "n_tests": int(tests.method.nunique()),
                "reproduced": any(audit.pvalue_consistent(reported, p) for p in tests.pvalue),
                "same_side": bool(((tests.pvalue < ALPHA) == (rep_p < ALPHA)).all()),
                # The audit's closest reading when it differs from the one above (the audit tries
                # every denominator, but rounded percentages only).
                "audit": (
                    {
                        **wider,
                        "method": method_name(wider["method"]),
                        "plausible_n": wider["counts"][0][1] in {t[0][1] for t in tables},
                    }
                    if wider and (wider["counts"] != (a, b) or wider["method"] != closest.method)
                    else None
                ),
            }
        )
    readings = alternative_readings(d)
    rep.text(
        s,
        text.hpag_verdict(
            verdict_rows, ALPHA, sum(r["prints as published"] for r in readings), len(readings), n_all
        ),
    )

    # Non-significant is not equivalent: power, flat-prior posterior, evidence-scaled sceptical prior.
    (xa, na), (xb, nb) = ore.counts_a, ore.counts_b
    pb = xb / nb
    pw = power.power_two_proportions(pb - DEFICIT, pb, na, nb, alpha=ALPHA)
    mdd = power.minimal_detectable_difference(pb, na, nb, power=POWER, alpha=ALPHA)
    lower = bayes.posterior_difference(xb, nb, xa, na, margin=0.0)
    worse = bayes.posterior_difference(xb, nb, xa, na, margin=DEFICIT)
    rep.text(s, text.hpag_precision(ore, DEFICIT, pw, mdd, ALPHA))
    outside = outside_prior_source(d)
    sceptical = bayes.posterior_odds_ratio(xa, na, xb, nb, prior="sceptical", target_or=outside.estimate)
    flat = bayes.posterior_odds_ratio(xa, na, xb, nb, prior="neutral")
    rep.text(
        s,
        text.hpag_bayes(
            lower=lower,
            worse=worse,
            deficit=DEFICIT,
            n_a=na,
            n_b=nb,
            flat=flat,
            sceptical=sceptical,
            outside=outside,
            outside_label=d.study_label(RACE),
            outside_when=SIX_MONTHS,
            prior_weight=sceptical.prior_weight,
            flat_weight=flat.prior_weight,
            design=design,
            # Prior probability of an odds ratio beyond the outside estimate, in each direction.
            tail=float(stats.norm.sf(abs(math.log(outside.estimate)) / sceptical.prior_sd)),
        ),
    )
    return readings


def plausible_tables(d, e, n_all):
    """The 2x2 tables of one HPAG vs EPAG endpoint that this report considers plausible.

    The counts used throughout (the HPAG denominator consistent with both printed percentages,
    rounded), and, when different, every treated HPAG patient evaluable with the printed
    percentage truncated (the reading of Appendix A). The EPAG counts are the same in both.
    """
    tables = [(tuple(e.counts_a), tuple(e.counts_b))]
    if e.counts_a[1] != n_all:
        printed = d.outcome(HPAG_EPAG, HPAG_ARM, e.endpoint, *SIX_MONTHS).reported_percent
        fits = audit.consistent_counts(printed, n=n_all, truncated=True)
        tables += [((int(x), n_all), tuple(e.counts_b)) for x in fits["count"]]
    return tables


def _audit_closest(computed: str):
    """The audit's "closest" reading ("method x1/n1 vs x2/n2: p") as method, counts and p, else None."""
    m = re.fullmatch(r"(\S+) (\d+)/(\d+) vs (\d+)/(\d+): ([0-9.eE+-]+)", str(computed).strip())
    if not m:
        return None
    x1, n1, x2, n2 = (int(v) for v in m.groups()[1:5])
    return {"method": m.group(1), "counts": ((x1, n1), (x2, n2)), "p": float(m.group(6))}


def _ratio(v: float) -> str:
    """A ratio for a table: two decimals (more would be false precision), two significant digits below 0.1."""
    return f"{v:.2f}" if abs(v) >= 0.1 else f"{v:.2g}"


def _ci(counts):
    return proportions.proportion_ci(*counts, method=CI_METHOD)


def outside_prior_source(d):
    """Odds ratio of 6-month overall response, eltrombopag + IST vs IST alone, in the adult RCT (RACE).

    Evidence about eltrombopag vs no TPO-RA: it sets how large a difference between two TPO-RAs
    a sceptical prior allows, and is indirect for hetrombopag vs eltrombopag.
    """
    x1, n1, _ = d.counts(RACE, "ist_epag", "overall_response", *SIX_MONTHS)
    x0, n0, _ = d.counts(RACE, "ist", "overall_response", *SIX_MONTHS)
    return proportions.effect_size(x1, n1, x0, n0, "or", method="wald")


def alternative_readings(d):
    """Candidate readings of the published HPAG vs EPAG p-values (all inferred; appendix)."""
    enrolled = d.arms[(d.arms.study_id == HPAG_EPAG) & (d.arms.arm_id == HPAG_ARM)].n_enrolled.iloc[0]
    n_all = int(enrolled)
    printed = {ep: d.outcome(HPAG_EPAG, HPAG_ARM, ep, *SIX_MONTHS).reported_percent for ep in ENDPOINTS}
    reported = {
        r.endpoint: r.reported_p
        for r in d.comparisons[
            (d.comparisons.study_id == HPAG_EPAG) & d.comparisons.reported_p.notna()
        ].itertuples()
    }
    # If every enrolled HPAG patient was evaluable, the printed percentages are truncations.
    or_all = int(
        audit.consistent_counts(printed["overall_response"], n=n_all, truncated=True)["count"].iloc[0]
    )
    cr_all = int(
        audit.consistent_counts(printed["complete_response"], n=n_all, truncated=True)["count"].iloc[0]
    )
    x_or, n_or, _ = d.counts(HPAG_EPAG, HPAG_ARM, "overall_response", *SIX_MONTHS)
    e_or, e_n, _ = d.counts(HPAG_EPAG, EPAG_ARM, "overall_response", *SIX_MONTHS)
    e_cr, _, _ = d.counts(HPAG_EPAG, EPAG_ARM, "complete_response", *SIX_MONTHS)
    readings = [
        (
            f"2x2 overall response, HPAG N = {n_or} (rounded percentages)",
            "overall_response",
            proportions.compare_proportions(x_or, n_or, e_or, e_n, method="chi2-yates").pvalue,
            "chi2-yates",
        ),
        (
            f"2x2 overall response, HPAG N = {n_all} (percentages truncated)",
            "overall_response",
            proportions.compare_proportions(or_all, n_all, e_or, e_n, method="chi2-yates").pvalue,
            "chi2-yates",
        ),
        (
            f"3x2 CR / PR / no response by arm, HPAG N = {n_all}",
            "overall_response",
            audit.contingency_pvalue(
                [[cr_all, or_all - cr_all, n_all - or_all], [e_cr, e_or - e_cr, e_n - e_or]]
            ).pvalue,
            "chi2",
        ),
        (
            f"2x2 CR vs PR among responders, HPAG N = {n_all}",
            "complete_response",
            audit.contingency_pvalue(
                [[cr_all, or_all - cr_all], [e_cr, e_or - e_cr]], correction=True
            ).pvalue,
            "chi2-yates",
        ),
    ]
    return [
        {
            "reading": r,
            "published p": reported[ep],
            "test": t,
            "computed p": v,
            "prints as published": audit.pvalue_consistent(reported[ep], v),
        }
        for r, ep, v, t in readings
        if ep in reported
    ]


def phase3(rep, d, text, audit_table):
    designs = d.designs[d.designs.study_id == PH3]
    arms = d.arms[d.arms.study_id == PH3]
    claim = d.comparisons[(d.comparisons.study_id == PH3) & d.comparisons.claim.notna()]
    sizes = []
    for r in designs.itertuples():
        if pd.isna(r.planned_n):
            continue
        sizes.append({"label": r.source_label, "n": int(r.planned_n), "ratio": r.allocation_ratio})
    ratio = next((z["ratio"] for z in sizes if isinstance(z["ratio"], str)), None)
    s = rep.section(
        "Hetrombopag + IST vs placebo + IST: phase 3 (NCT03825744)",
        text.ph3_finding("; ".join(claim.claim), sizes, d.study(PH3).status),
    )
    rep.table(
        s,
        "saa_ph3_designs",
        designs[
            ["source_label", "primary_endpoint", "planned_n", "allocation_ratio", "source_status", "notes"]
        ].rename(
            columns={
                "source_label": "source",
                "primary_endpoint": "primary endpoint",
                "planned_n": "planned patients",
                "allocation_ratio": "allocation ratio",
                "source_status": "source status",
            }
        ),
        caption=text.ph3_designs_caption(),
    )
    rows = []
    for z in sizes:
        n1, n2 = _split(z["n"], z["ratio"] if isinstance(z["ratio"], str) else ratio)
        label = text.design_label(z["label"], z["n"], n1, n2, isinstance(z["ratio"], str))
        for p_ref in ASSUMED_PLACEBO_CR:
            mdd = power.minimal_detectable_difference(p_ref, n1, n2, power=POWER, alpha=ALPHA)
            rows.append(
                {
                    "design": label,
                    "assumed placebo + IST CR (%)": 100 * p_ref,
                    "detectable hetrombopag + IST CR (%)": 100 * mdd.p_higher,
                    "difference (points)": 100 * mdd.difference_higher,
                }
            )
    rep.text(s, text.ph3_power_intro(len(arms), ALPHA, POWER))
    rep.table(
        s, "saa_ph3_detectable", pd.DataFrame(rows), digits=1, caption=text.ph3_power_caption(ALPHA, POWER)
    )
    protocol_rows(rep, s, d, text, PH3)


def _split(total, ratio):
    """Arm sizes of a two-arm trial of ``total`` patients allocated ``ratio`` ("2:1")."""
    a, b = (int(v) for v in ratio.split(":"))
    n1 = round(total * a / (a + b))
    return n1, total - n1


def phase2(rep, d, text, audit_table):
    weeks = sorted(
        int(w)
        for w in d.outcomes[
            (d.outcomes.study_id == PH2) & (d.outcomes.endpoint == "hematologic_response")
        ].timepoint_value
    )
    effects = [index.rate(d, PH2, "hpag", "hematologic_response", w, "week") for w in weeks]
    safety = [
        index.rate(d, PH2, "hpag", ep, *_only_timepoint(d, PH2, ep))
        for ep in SAFETY
        if (d.outcomes[(d.outcomes.study_id == PH2)].endpoint == ep).any()
    ]
    ci_rows = audit_table[(audit_table.study_id == PH2) & (audit_table.kind == "ci")]
    all_reproduced = len(ci_rows) > 0 and bool((ci_rows.verdict == "reproduced").all())
    s = rep.section(
        "Hetrombopag alone in IST-refractory SAA: phase 2 (NCT03557099)",
        text.ph2_finding(effects, safety, all_reproduced, d.study(PH2).design, method_name(CI_METHOD)),
    )
    rows, fig_rows, plotted = [], [], []
    for e in effects:
        row = d.outcome(PH2, "hpag", "hematologic_response", e.timepoint_value, "week")
        plotted.append(row)
        methods = audit.identify_ci_method(*e.counts_a, row.ci_low, row.ci_high)
        rows.append(
            {
                "week": int(e.timepoint_value),
                "n/N": counts_text(*e.counts_a),
                f"% (95% CI, {method_name(CI_METHOD)})": e.rate_text,
                "published": f"{row.reported_percent} ({row.ci_low} to {row.ci_high})",
                "methods that reproduce the published CI": ", ".join(method_name(m) for m in methods),
            }
        )
        fig_rows.append(
            {
                "timepoint": text.week_label(e.timepoint_value),
                "arm": arm_label(d, PH2, "hpag"),
                "estimate": e.rate.estimate,
                "low": e.rate.low,
                "high": e.rate.high,
                "n/N": counts_text(*e.counts_a),
            }
        )
    rep.table(s, "saa_ph2_response", pd.DataFrame(rows), caption=text.ph2_response_caption())
    fig = plots.response_plot(
        pd.DataFrame(fig_rows),
        title=text.ph2_figure_title(),
        xlabel=text.assessment(),
        ylabel=text.response_axis(),
        counts="n/N",
        caption=source_line(d, plotted) + " " + text.ci_note(method_name(CI_METHOD)),
    )
    rep.figure(s, "saa_ph2_response", fig, text.ph2_figure_alt())
    rep.text(s, text.ph2_safety_intro(safety))
    rep.table(
        s,
        "saa_ph2_safety",
        pd.DataFrame(
            [
                {
                    "event": text.endpoint_name(e.endpoint),
                    "n/N": counts_text(*e.counts_a),
                    f"% (95% CI, {method_name(CI_METHOD)})": e.rate_text,
                }
                for e in safety
            ]
        ),
        caption=text.ph2_safety_caption(),
        empty=text.ph2_safety_empty(),
    )
    tte = d.time_to_event[(d.time_to_event.study_id == PH2)]
    ttr = tte[tte.quantity == "time_to_response"].set_index("statistic")
    if len(ttr):
        summary_ = survival.summarise_published(
            "time_to_response",
            ttr.unit.iloc[0],
            median=value_of(ttr.loc["median", "value"]) if "median" in ttr.index else None,
            minimum=value_of(ttr.loc["min", "value"]) if "min" in ttr.index else None,
            maximum=value_of(ttr.loc["max", "value"]) if "max" in ttr.index else None,
        )
        rfs = tte[(tte.quantity == "relapse_free_survival") & (tte.statistic == "rate_at")]
        rep.text(s, text.ph2_time(summary_.statement, rfs.iloc[0].to_dict() if len(rfs) else None))
    protocol_rows(rep, s, d, text, PH2)


def combined_arm_notes(d, text) -> list[str]:
    """A note for each plotted arm that pools a study's other arms (its size is their sum)."""
    notes = []
    for study, arm in OR6_ARMS:
        arms = d.arms[d.arms.study_id == study]
        this = arms[arms.arm_id == arm].iloc[0]
        parts = arms[(arms.arm_id != arm) & arms.n_enrolled.notna()]
        if len(parts) > 1 and parts.n_enrolled.sum() == this.n_enrolled:
            notes.append(text.combined_note(d.study_label(study), this.regimen, list(parts.regimen)))
    return notes


def _only_timepoint(d, study, endpoint):
    r = d.outcomes[(d.outcomes.study_id == study) & (d.outcomes.endpoint == endpoint)].iloc[0]
    return (None if pd.isna(r.timepoint_value) else r.timepoint_value), r.timepoint_unit


def context(rep, d, text):
    rows, plotted = [], []
    for study, arm in OR6_ARMS:
        e = index.rate(d, study, arm, "overall_response", *SIX_MONTHS)
        plotted.append(d.outcome(study, arm, "overall_response", *SIX_MONTHS))
        enrolled = d.arms[(d.arms.study_id == study) & (d.arms.arm_id == arm)]
        n_enrolled = enrolled.n_randomised.iloc[0]
        if pd.isna(n_enrolled):
            n_enrolled = enrolled.n_enrolled.iloc[0]
        rows.append(
            {
                "study": d.study_label(study),
                "design": d.study(study).design,
                "arm": arm_label(d, study, arm),
                "n/N": counts_text(*e.counts_a),
                "patients in arm": n_enrolled,
                "estimate": e.rate.estimate,
                "low": e.rate.low,
                "high": e.rate.high,
                "counts inferred": e.inferred,
            }
        )
    frame = pd.DataFrame(rows)
    patg = frame[frame.study == d.study_label(PATG)].iloc[0]
    s = rep.section(
        "Other evidence, study by study: 6-month overall response after IST",
        text.context_finding(
            n_studies=frame.study.nunique(),
            n_arms=len(frame),
            patg_n=patg["n/N"].split("/")[1],
            patg_enrolled=patg["patients in arm"],
        ),
    )
    shown = frame.assign(
        **{
            f"% (95% CI, {method_name(CI_METHOD)})": [
                fmt_interval(r.estimate, r.low, r.high, percent=True) for r in frame.itertuples()
            ]
        }
    ).drop(columns=["estimate", "low", "high"])
    rep.table(s, "saa_or6_arms", shown, caption=text.context_caption())
    # Figure labels without the schedules (they are in the table above), so that no label runs into
    # the next study's header.
    fig = plots.forest_plot(
        frame.assign(arm=[without_schedule(a) for a in frame.arm]),
        label="arm",
        group="study",
        group_headers=True,
        counts="n/N",
        percent=True,
        title=text.context_figure_title(),
        xlabel=text.response_axis(),
        caption=" ".join(
            [
                source_line(d, plotted),
                text.ci_note(method_name(CI_METHOD)),
                text.no_indirect(),
                *combined_arm_notes(d, text),
            ]
        ),
    )
    rep.figure(s, "saa_or6_forest", fig, text.context_figure_alt())

    # Eltrombopag + IST vs IST alone in randomised trials, each trial on its own.
    trials = []
    for study, when in EPAG_RCTS:
        e = index.comparison(d, study, "ist_epag", "ist", "overall_response", *when)
        trials.append(
            {
                "trial": d.study_label(study),
                "design": d.study(study).design,
                "month": int(when[0]),
                "EPAG + IST n/N": counts_text(*e.counts_a),
                "IST n/N": counts_text(*e.counts_b),
                f"difference EPAG+IST - IST, points ({method_name(RD_METHOD)})": e.rd_text,
                f"risk ratio ({method_name(RR_METHOD, 'rr')})": e.rr_text,
                "NNT (Altman)": e.nnt_text,
                "counts inferred": e.inferred,
            }
        )
    race = index.comparison(d, RACE, "ist_epag", "ist", "overall_response", *SIX_MONTHS)
    rep.text(s, text.epag_rct_intro(race, len(trials)))
    rep.table(s, "saa_epag_rct", pd.DataFrame(trials), caption=text.epag_rct_caption())
    ttr = d.time_to_event[
        (d.time_to_event.study_id == RACE) & (d.time_to_event.quantity == "time_to_response")
    ]
    if len(ttr):
        rep.text(
            s,
            text.race_time(
                d.study_label(RACE),
                [
                    {"arm": arm_label(d, RACE, r.arm_id), "value": value_of(r.value), "unit": r.unit}
                    for r in ttr.itertuples()
                ],
            ),
        )


def limitations(rep, d, text, hpag):
    ore = hpag["overall_response"]
    enrolled = d.arms[(d.arms.study_id == HPAG_EPAG) & (d.arms.arm_id == HPAG_ARM)].n_enrolled.iloc[0]
    designs = d.designs[d.designs.study_id == PH3]
    patg_arm = d.arms[(d.arms.study_id == PATG)].iloc[0]
    patg = index.rate(d, PATG, patg_arm.arm_id, "overall_response", *SIX_MONTHS)
    s = rep.section("Limitations", text.limitations_finding())
    rep.text(
        s,
        text.limitations(
            design=d.study(HPAG_EPAG).design,
            hpag_n=ore.counts_a[1],
            hpag_enrolled=int(enrolled),
            ph3_sizes=[int(v) for v in designs.planned_n.dropna()],
            ph2_design=d.study(PH2).design,
            patg_n=patg.counts_a[1],
            patg_enrolled=int(patg_arm.n_enrolled),
            race=d.study_label(RACE),
        ),
    )
    cert = d.certainty[d.certainty.indication == "SAA"]
    domains = list(data.GRADE_DOMAINS)
    rep.table(
        s,
        "saa_certainty",
        pd.DataFrame(
            {
                "question": cert.question,
                "certainty": cert.certainty,
                "concerns by domain": [
                    "; ".join(f"{c.replace('_', ' ')}: {getattr(r, c)}" for c in domains)
                    for r in cert.itertuples()
                ],
                "reasons": cert.reasons,
            }
        ),
        caption=text.certainty_caption("; ".join(dict.fromkeys(cert.judged_by))),
        empty=text.summary_empty(),
    )


def appendix(rep, d, text, audit_table, hpag, readings):
    ore, cre = hpag["overall_response"], hpag["complete_response"]
    s = rep.section("Appendix A: every test and interval for HPAG vs EPAG", text.appendix_a_finding())
    tests, effects = [], []
    for e in (ore, cre):
        t = proportions.compare_all(*e.counts_a, *e.counts_b)
        t.insert(0, "endpoint", text.endpoint_name(e.endpoint))
        t["method"] = [method_name(m) for m in t.method]
        # The "statistic" column is left out: it is a different quantity for each test (X², G, a
        # table probability, a z), so the p-values are the comparable column.
        tests.append(t[["endpoint", "method", "pvalue"]].rename(columns={"pvalue": "p-value"}))
        f = proportions.effects_all(*e.counts_a, *e.counts_b)
        f.insert(0, "endpoint", text.endpoint_name(e.endpoint))
        points = f.measure == "rd"  # differences in percentage points, like everywhere else
        f.loc[points, ["estimate", "low", "high"]] = 100 * f.loc[points, ["estimate", "low", "high"]]
        f["method"] = [method_name(m, q) for m, q in zip(f.method, f.measure, strict=True)]
        # Points with one decimal, ratios with two (trailing zeros kept: 0.60, not 0.6).
        for col in ("estimate", "low", "high"):
            f[col] = [f"{v:.1f}" if q == "rd" else _ratio(v) for v, q in zip(f[col], f.measure, strict=True)]
        f["measure"] = [text.measure_name(q) for q in f.measure]
        effects.append(f[["endpoint", "measure", "method", "estimate", "low", "high"]])
    rep.table(
        s,
        "saa_hpag_vs_epag_tests",
        pd.concat(tests, ignore_index=True),
        digits=4,
        caption=text.tests_caption(ore, cre),
    )
    rep.table(
        s,
        "saa_hpag_vs_epag_all_effects",
        pd.concat(effects, ignore_index=True),
        caption=text.all_effects_caption(),
    )
    verdicts = audit_table[(audit_table.study_id == HPAG_EPAG) & (audit_table.kind == "pvalue")]
    rep.table(
        s,
        "saa_hpag_vs_epag_audit",
        verdicts[["endpoint", "reported", "verdict", "computed", "explanation"]].assign(
            endpoint=[text.endpoint_name(x) for x in verdicts.endpoint],
            computed=[display_method_ids(str(x)) for x in verdicts.computed],
            explanation=[display_method_ids(str(x)) for x in verdicts.explanation],
        ),
        caption=text.audit_caption(),
    )
    rep.text(s, text.readings_intro())
    shown = pd.DataFrame(readings)
    shown["test"] = [method_name(m) for m in shown.test]
    rep.table(s, "saa_hpag_vs_epag_readings", shown, digits=4, caption=text.readings_caption())
    fi = fragility.fragility_index(*ore.counts_a, *ore.counts_b)
    rep.text(s, text.fragility(fi, ore))
    (xa, na), (xb, nb) = ore.counts_a, ore.counts_b
    outside = outside_prior_source(d)
    priors = pd.DataFrame(
        [
            {
                "prior": p.prior,
                "prior mean (log odds ratio)": p.prior_mean,
                "prior SD": p.prior_sd,
                "posterior odds ratio": p.odds_ratio,
                "low": p.low,
                "high": p.high,
                "P(odds ratio > 1)": p.prob_benefit,
                "prior weight": p.prior_weight,
            }
            for p in (
                bayes.posterior_odds_ratio(xa, na, xb, nb, prior="neutral"),
                bayes.posterior_odds_ratio(xa, na, xb, nb, prior="sceptical", target_or=outside.estimate),
            )
        ]
    ).dropna(axis=1, how="all")
    rep.table(s, "saa_hpag_vs_epag_bayes_or", priors, caption=text.bayes_caption(d.study_label(RACE)))

    s = rep.section(
        "Appendix B: a pooled odds ratio of the two eltrombopag trials", text.appendix_b_finding()
    )
    x1, n1, x2, n2, labels = [], [], [], [], []
    for study, when in EPAG_RCTS:
        a = d.counts(study, "ist_epag", "overall_response", *when)
        b = d.counts(study, "ist", "overall_response", *when)
        x1.append(a[0])
        n1.append(a[1])
        x2.append(b[0])
        n2.append(b[1])
        labels.append(d.study_label(study))
    pooled = []
    for hk in (False, True):
        res = meta.pool_effects(x1, n1, x2, n2, measure="or", method="REML", hartung_knapp=hk, labels=labels)
        # A prediction interval uses t with k - 2 degrees of freedom (Higgins, Thompson &
        # Spiegelhalter 2009): with fewer than PI_MIN_K studies it does not exist, whatever
        # meta.pool_effects returns (it follows metafor's predict, z or t(k - 1)).
        pi = (
            (_ratio(res.pi_low), _ratio(res.pi_high))
            if res.k >= PI_MIN_K
            else (text.not_estimable(res.k, PI_MIN_K),) * 2
        )
        pooled.append(
            {
                "method": text.pool_method("REML", hk),
                "k": res.k,
                "pooled odds ratio": _ratio(res.estimate),
                "low": _ratio(res.low),
                "high": _ratio(res.high),
                "prediction low": pi[0],
                "prediction high": pi[1],
                "tau²": f"{res.tau2:.3f}",
                "I² %": f"{res.i2:.0f}",
            }
        )
    rep.table(s, "saa_epag_rct_pooled", pd.DataFrame(pooled), caption=text.pooled_caption(PI_MIN_K))


def main():
    args = parse_args(__doc__)
    d = data.load(args.data_dir)
    audit_table = audit.audit(d)
    text = narrative("saa")
    hpag = {ep: index.comparison(d, HPAG_EPAG, HPAG_ARM, EPAG_ARM, ep, *SIX_MONTHS) for ep in ENDPOINTS}
    rep = Report(
        "saa",
        "Severe aplastic anaemia: hetrombopag with immunosuppressive therapy",
        text.intro(),
        index="../index.html",
    )
    summary(rep, d, text, hpag)
    readings = hpag_vs_epag(rep, d, text, audit_table, hpag)
    phase3(rep, d, text, audit_table)
    phase2(rep, d, text, audit_table)
    context(rep, d, text)
    limitations(rep, d, text, hpag)
    appendix(rep, d, text, audit_table, hpag, readings)
    add_glossary(rep)
    rep.write(Path(args.out), provenance(d))


if __name__ == "__main__":
    run(main)
