"""Relapsed/refractory ITP report: the hetrombopag phase 3 answer, dose, and the combination case series.

Thin script: it selects rows of the evidence folder, calls the library and hands computed values to
the prose macros in ``reanalysis/templates/itp.md.j2``. No number is typed here.
"""

import re
import textwrap
from pathlib import Path

import pandas as pd

from reanalysis import audit, contingency, data, fragility, plots, proportions, survival
from reanalysis.data import DAYS_PER_UNIT
from reanalysis.glossary import display_method_ids, item_label, method_name
from reanalysis.printed import value_of
from reanalysis.report import (
    Report,
    add_glossary,
    fmt,
    fmt_interval,
    fmt_p,
    narrative,
    parse_args,
    pct,
    provenance,
    run,
)
from reanalysis.report.evidence_summary import protocol_table

PH3 = "itp_ph3_nct03222843"
FIP = "itp_fip_jth_2020"
SERIES = ("itp_anticd20_hpag_cases", "itp_romi_danazol_tpora_cases")
PROTOCOL = "itp_anticd20_hpag_protocol"
CONTROL = "placebo"
ALPHA = 0.05  # two-sided significance level used in the prose
# One method per quantity, chosen before the comparison was made (alternatives only in the appendix).
# The exact trend test is primary: the dose cohorts have 8 to 12 patients each, too few for the
# chi-square approximation; the asymptotic Cochran-Armitage test is the sensitivity analysis.
RD_METHOD, RR_METHOD, CI_METHOD = "newcombe", "wald", "clopper-pearson"
TREND_METHOD, TREND_SENSITIVITY = "cochran-armitage-exact", "cochran-armitage"
RR_DIGITS = 2  # risk ratios with two decimals, as on the index page
CI_ALTERNATIVES = ("clopper-pearson", "wilson", "jeffreys", "mid-p")
TREND_ALTERNATIVES = ("cochran-armitage-exact", "cochran-armitage", "linear-by-linear")
TREND_NAMES = {
    "cochran-armitage-exact": "exact Cochran-Armitage (conditional; body)",
    "cochran-armitage": "Cochran-Armitage, chi-square approximation (R prop.trend.test)",
    "linear-by-linear": "linear-by-linear association (Mantel)",
}
SIGN = "hetrombopag minus placebo (or higher minus lower dose)"
SERIES_ENDPOINTS = ("complete_response", "bleeding_grade_0")  # outcomes of the series shown with CIs
LABEL_WIDTH = 22  # characters per line of a category label in figures


def dose_of(regimen: str) -> str:
    """'hetrombopag 2.5 mg/day starting dose' -> '2.5 mg' (the arm's label in tables and figures)."""
    found = re.search(r"(\d+(?:\.\d+)?)\s*mg", regimen)
    return f"{found.group(1)} mg" if found else regimen


def grade_of(endpoint: str) -> str:
    """'bleeding_grade_3_or_4' -> '3 or 4'."""
    return endpoint.removeprefix("bleeding_grade_").replace("_", " ")


def what(endpoint: str) -> str:
    """The outcome in words: 'complete response', 'a bleeding score of 0'."""
    if endpoint.startswith("bleeding_grade_"):
        return f"a bleeding score of {grade_of(endpoint)}"
    return endpoint.replace("_", " ")


def arm_label(d, study, arm):
    row = d.arms[(d.arms.study_id == study) & (d.arms.arm_id == arm)].iloc[0]
    return dose_of(row.regimen)


def protocol_text(d, study, item, category=None):
    p = d.protocols[(d.protocols.study_id == study) & (d.protocols.item == item)]
    if category is not None:
        p = p[p.category == category]
    return p.iloc[0]


def regimen_of(d, study, arm):
    """An arm's regimen in words (arms.csv), for tables that would otherwise show its id."""
    row = d.arms[(d.arms.study_id == study) & (d.arms.arm_id == arm)]
    return str(row.regimen.iloc[0]) if len(row) else str(arm).replace("_", " ")


def readable_protocols(d, frame):
    """The protocol table with readable headers, each arm by its regimen and each item in words."""
    ids = d.protocols.loc[frame.index, "study_id"]
    frame = frame.assign(
        arm_id=[
            regimen_of(d, sid, arm) if isinstance(arm, str) else arm
            for sid, arm in zip(ids, frame.arm_id, strict=True)
        ],
        item=[item_label(str(i)) for i in frame["item"]],
    )
    return frame.rename(columns={"arm_id": "arm", "item": "statement"}).rename(
        columns=lambda c: c.replace("_", " ")
    )


def plural_units(text: str) -> str:
    """'max 53.0 day' -> 'max 53.0 days': a time unit after a number other than 1 in the plural."""
    return re.sub(
        r"\b(\d+(?:\.\d+)?) (day|week|month|year)\b(?!s)",
        lambda m: f"{m.group(1)} {m.group(2)}" + ("" if float(m.group(1)) == 1 else "s"),
        text,
    )


def readable_explanation(text: str) -> str:
    """An audit explanation for readers: method ids by their names, no parentheses inside parentheses."""
    text = display_method_ids(text)
    return re.sub(
        r"\(probably adjusted \(inferred: (?P<why>[^()]*)\)\)",
        lambda m: f"(probably adjusted; an inference: {m.group('why')})",
        text,
    )


def counts_pct(x, n):
    return f"{x}/{n} ({pct(x / n)})"


def tp(row):
    value = None if pd.isna(row.timepoint_value) else row.timepoint_value
    return value, row.timepoint_unit


# --------------------------------------------------------------------------------------------
# Phase 3: the answer
# --------------------------------------------------------------------------------------------
def ph3_effects(d):
    """One row per endpoint x starting dose: counts, RD (Newcombe), RR (Wald on log scale), NNT."""
    out = d.outcomes[d.outcomes.study_id == PH3]
    treated = [a for a in d.arms[d.arms.study_id == PH3].arm_id if a != CONTROL]
    rows = []
    for endpoint, g in out.groupby("endpoint", sort=False):
        when = tp(g.iloc[0])
        x0, n0, _ = d.counts(PH3, CONTROL, endpoint, *when)
        for arm in treated:
            x1, n1, _ = d.counts(PH3, arm, endpoint, *when)
            rd = proportions.effect_size(x1, n1, x0, n0, measure="rd", method=RD_METHOD)
            rr = proportions.effect_size(x1, n1, x0, n0, measure="rr", method=RR_METHOD)
            rows.append(
                {
                    "endpoint": endpoint,
                    "arm": arm,
                    "dose": arm_label(d, PH3, arm),
                    "x1": x1,
                    "n1": n1,
                    "x0": x0,
                    "n0": n0,
                    "rd": rd,
                    "rr": rr,
                    "nnt": proportions.nnt(rd),
                    "rows": g[g.arm_id.isin([arm, CONTROL])],
                }
            )
    return rows


def endpoint_label(d, study, endpoint):
    p = d.protocols[(d.protocols.study_id == study) & (d.protocols.item == endpoint)]
    return p.iloc[0].text if len(p) else endpoint.replace("_", " ")


def short_label(d, study, endpoint):
    """The protocol wording of an endpoint, compacted for figure labels."""
    text = endpoint_label(d, study, endpoint).split(" during ")[0]
    for old, new in ((" x 10^9/L", ""), ("platelet count", "platelets"), (">=", "≥")):
        text = text.replace(old, new)
    return text


def phase3(rep, d, text, audit_table):
    effects = ph3_effects(d)
    primary = protocol_text(d, PH3, "platelet_response", "primary-endpoint")
    prim = [e for e in effects if e["endpoint"] == "platelet_response"]
    level = f"{100 * prim[0]['rd'].level:g}%"
    rrs = [e["rr"] for e in prim]
    finding = text.ph3_finding(
        {
            "arms": [
                {
                    "dose": e["dose"],
                    "x1": e["x1"],
                    "n1": e["n1"],
                    "p1": pct(e["x1"] / e["n1"]),
                    "x0": e["x0"],
                    "n0": e["n0"],
                    "p0": pct(e["x0"] / e["n0"]),
                    "rd": fmt_interval(e["rd"].estimate, e["rd"].low, e["rd"].high, points=True),
                    "nnt": e["nnt"].describe(),
                }
                for e in prim
            ],
            "endpoint": primary.text,
            "level": level,
            "rd_method": method_name(RD_METHOD),
            "rr_range": " and ".join(fmt_interval(r.estimate, r.low, r.high, digits=RR_DIGITS) for r in rrs),
        }
    )
    s = rep.section(f"Hetrombopag vs placebo: {d.study_label(PH3)}", finding)
    table = pd.DataFrame(
        [
            {
                "endpoint": endpoint_label(d, PH3, e["endpoint"]),
                "starting dose": e["dose"],
                "hetrombopag": counts_pct(e["x1"], e["n1"]),
                "placebo": counts_pct(e["x0"], e["n0"]),
                f"difference, points ({level} CI, Newcombe)": fmt_interval(
                    e["rd"].estimate, e["rd"].low, e["rd"].high, points=True
                ).replace(" points", ""),
                f"risk ratio ({level} CI)": fmt_interval(
                    e["rr"].estimate, e["rr"].low, e["rr"].high, digits=RR_DIGITS
                ),
                f"NNT ({level} CI)": e["nnt"].describe().removeprefix("NNT ").replace(f"{level} CI ", ""),
            }
            for e in effects
        ]
    )
    rep.table(
        s,
        "itp_ph3_effects",
        table,
        caption=f"Response with hetrombopag vs placebo, {SIGN}; NNT = patients treated for one more responder",
    )
    seed_def = protocol_text(d, PROTOCOL, "response_platelets", "response-definition")
    doubling = protocol_text(d, PROTOCOL, "response_doubling", "response-definition")
    seed_rows = [e for e in effects if e["endpoint"] == "platelet_30_and_doubling"]
    secondary = [e for e in effects if e["endpoint"] != "platelet_response"]
    rep.text(
        s,
        text.ph3_secondary(
            {
                "all_secondary_clear": all(e["rd"].low > 0 for e in secondary),
                "seed_p0": pct(seed_rows[0]["x0"] / seed_rows[0]["n0"]),
                "primary_p0": pct(prim[0]["x0"] / prim[0]["n0"]),
                "seed_rd_larger": all(
                    e["rd"].estimate > p["rd"].estimate for e, p in zip(seed_rows, prim, strict=True)
                ),
                "seed_definition": f"{seed_def.text.removeprefix('response: ')} and "
                f"{doubling.text.removeprefix('response: ')}",
                "seed_rows": "; ".join(
                    f"{e['dose']}: {counts_pct(e['x1'], e['n1'])} vs {counts_pct(e['x0'], e['n0'])}, "
                    + fmt_interval(e["rd"].estimate, e["rd"].low, e["rd"].high, points=True)
                    for e in seed_rows
                ),
            }
        ),
    )
    forest = pd.DataFrame(
        [
            {
                "label": f"{short_label(d, PH3, e['endpoint'])}\n{e['dose']}: "
                f"{e['x1']}/{e['n1']} vs {e['x0']}/{e['n0']}",
                "estimate": 100 * e["rd"].estimate,
                "low": 100 * e["rd"].low,
                "high": 100 * e["rd"].high,
            }
            for e in effects
        ]
    )
    plotted = pd.concat([e["rows"] for e in effects]).drop_duplicates()
    fig = plots.forest_plot(
        forest,
        reference=0,
        title="Hetrombopag minus placebo: responders",
        xlabel=f"Percentage points ({level} Newcombe CI)",
        caption=plots.source_line(plotted, d.studies, tables="outcomes.csv"),
    )
    rep.figure(
        s, "itp_ph3_rd", fig, f"Risk differences with {level} CIs per endpoint and starting dose, with n/N"
    )
    verdict = ph3_verdict(d, audit_table)
    verdict["primary_clear"] = all(e["rd"].low > 0 for e in prim)
    rep.text(s, text.ph3_verdict(verdict))
    return effects


def ph3_verdict(d, audit_table):
    a = audit_table[audit_table.study_id == PH3]
    by = a.groupby(["kind", "verdict"]).size()
    comps = d.comparisons[(d.comparisons.study_id == PH3) & (d.comparisons.effect_measure == "or")]
    excess = []
    for c in comps.itertuples():
        x1, n1, _ = d.counts(PH3, c.arm_a, c.endpoint, c.timepoint_value, c.timepoint_unit)
        x2, n2, _ = d.counts(PH3, c.arm_b, c.endpoint, c.timepoint_value, c.timepoint_unit)
        crude = proportions.effect_size(x1, n1, x2, n2, measure="or", method="wald").estimate
        excess.append(value_of(c.reported_effect) / crude - 1)
    pvals = a[a.kind == "pvalue"]
    ok = (
        by.get(("percent", "reproduced"), 0) == (a.kind == "percent").sum()
        and pvals.verdict.str.startswith("reproduced").all()
        and not a.verdict.isin(audit.PROBLEM_VERDICTS).any()
    )
    return {
        "all_ok": bool(ok),
        "percent_ok": int(by.get(("percent", "reproduced"), 0)),
        "percent_total": int((a.kind == "percent").sum()),
        "p_ok": int(pvals.verdict.str.startswith("reproduced").sum()),
        "p_total": len(pvals),
        "p_bound": " / ".join(sorted(set(pvals.reported))),
        "or_total": len(comps),
        "or_excess": f"{pct(min(excess), 0)} to {pct(max(excess), 0)}",
        "or_consistent": int(by.get(("effect-p", "consistent"), 0)),
    }


# --------------------------------------------------------------------------------------------
# Dose
# --------------------------------------------------------------------------------------------
def dose(rep, d, text, effects):
    arms = d.arms[d.arms.study_id == FIP]
    fip = []
    for arm in arms.arm_id:
        row = d.outcome(FIP, arm, "platelet_response")
        x, n, _ = d.counts(FIP, arm, "platelet_response", *tp(row))
        fip.append(
            {"arm": arm, "dose": dose_of(arms.set_index("arm_id").regimen[arm]), "x": x, "n": n, "row": row}
        )
    scores = [value_of(f["dose"].split()[0]) for f in fip]
    counts, sizes = [f["x"] for f in fip], [f["n"] for f in fip]
    trend = contingency.trend_test(counts, sizes, scores=scores, method=TREND_METHOD)
    asymptotic = contingency.trend_test(counts, sizes, scores=scores, method=TREND_SENSITIVITY)
    # Does the trend survive without the lowest cohort? (the higher cohorts alone, same exact test)
    upper = contingency.trend_test(counts[1:], sizes[1:], scores=scores[1:], method=TREND_METHOD)
    top, below_top, lowest = fip[-1], fip[-2], fip[0]
    endpoint = protocol_text(d, FIP, "platelet_response", "primary-endpoint")
    schedule = protocol_text(d, FIP, "schedule", "regimen")
    # Randomised starting doses in the phase 3: higher minus lower, per endpoint.
    treated = [a for a in d.arms[d.arms.study_id == PH3].arm_id if a != CONTROL]
    low_arm, high_arm = treated[0], treated[-1]
    between = []
    for endpoint_id in dict.fromkeys(e["endpoint"] for e in effects):
        hi = next(e for e in effects if e["endpoint"] == endpoint_id and e["arm"] == high_arm)
        lo = next(e for e in effects if e["endpoint"] == endpoint_id and e["arm"] == low_arm)
        rd = proportions.effect_size(hi["x1"], hi["n1"], lo["x1"], lo["n1"], measure="rd", method=RD_METHOD)
        between.append({"endpoint": endpoint_id, "rd": rd, "hi": hi, "lo": lo})
    primary = between[0]
    largest = max(between, key=lambda b: b["rd"].estimate)
    finding = text.dose_finding(
        {
            "day": fmt(value_of(str(endpoint.value))),
            "cohorts": "; ".join(f"{f['dose']}: {f['x']}/{f['n']}" for f in fip),
            "trend": {
                "text": fmt_p(trend.pvalue),
                "asymptotic": f"chi-square {fmt(asymptotic.statistic, 2)}, {fmt_p(asymptotic.pvalue)}",
                "rises": trend.z > 0,
                "significant": trend.pvalue < ALPHA,
            },
            "upper": {
                "doses": f"{below_top['dose']} and {top['dose']}",
                "rates": f"{counts_pct(below_top['x'], below_top['n'])} vs {counts_pct(top['x'], top['n'])}",
                "p": fmt_p(upper.pvalue),
                "flat": upper.pvalue >= ALPHA,
            },
            "lowest": {"dose": lowest["dose"], "x": lowest["x"], "n": lowest["n"]},
            "high": arm_label(d, PH3, high_arm),
            "low": arm_label(d, PH3, low_arm),
            "primary_rd": fmt_interval(
                primary["rd"].estimate, primary["rd"].low, primary["rd"].high, points=True
            ),
            "primary_crosses": primary["rd"].low <= 0 <= primary["rd"].high,
            "largest_label": endpoint_label(d, PH3, largest["endpoint"]),
            "largest_rd": fmt_interval(
                largest["rd"].estimate, largest["rd"].low, largest["rd"].high, points=True
            ),
        }
    )
    s = rep.section("Does response rise with dose?", finding)
    cis = [proportions.proportion_ci(f["x"], f["n"], method=CI_METHOD) for f in fip]
    level = f"{100 * cis[0].level:g}%"
    fig_rows = pd.DataFrame(
        [
            {
                "timepoint": f"{f['dose']}\n{f['x']}/{f['n']}",
                "arm": "first-in-patient cohort",
                "estimate": ci.estimate,
                "low": ci.low,
                "high": ci.high,
            }
            for f, ci in zip(fip, cis, strict=True)
        ]
    )
    fig = plots.response_plot(
        fig_rows,
        title="First-in-patient dose cohorts: responders on day " + fmt(value_of(str(endpoint.value))),
        xlabel=f"Hetrombopag dose, once daily for {fmt(value_of(str(schedule.value)))} {schedule.unit}s "
        "(responders/patients)",
        ylabel=f"Responders (%), exact {level} CI",
        caption=plots.source_line(
            pd.DataFrame([f["row"] for f in fip]),
            d.studies,
            tables="outcomes.csv",
            note=f"Clopper-Pearson {level} CIs; exact Cochran-Armitage trend {fmt_p(trend.pvalue)}.",
        ),
    )
    rep.figure(s, "itp_fip_dose", fig, f"Responders by dose cohort with exact {level} CIs and n/N")
    rep.table(
        s,
        "itp_dose_phase3",
        pd.DataFrame(
            [
                {
                    "endpoint": endpoint_label(d, PH3, b["endpoint"]),
                    arm_label(d, PH3, high_arm): counts_pct(b["hi"]["x1"], b["hi"]["n1"]),
                    arm_label(d, PH3, low_arm): counts_pct(b["lo"]["x1"], b["lo"]["n1"]),
                    f"difference, points ({level} CI, Newcombe)": fmt_interval(
                        b["rd"].estimate, b["rd"].low, b["rd"].high, points=True
                    ).replace(" points", ""),
                }
                for b in between
            ]
        ),
        caption=f"Randomised starting doses in the {d.study_label(PH3)}: higher minus lower starting dose",
    )
    rep.text(
        s,
        text.dose_caution(
            {
                "sizes": ", ".join(str(f["n"]) for f in fip),
                "exposure": f"{fmt(value_of(str(schedule.value)))} {schedule.unit}s",
            }
        ),
    )
    return fip, trend


# --------------------------------------------------------------------------------------------
# Case series
# --------------------------------------------------------------------------------------------
def case_series(rep, d, text):
    out = d.outcomes[d.outcomes.study_id.isin(SERIES)]
    series, fig_rows, plotted = [], [], []
    for row in out[out.endpoint.isin(SERIES_ENDPOINTS)].itertuples():
        x, n, _ = d.counts(row.study_id, row.arm_id, row.endpoint, *tp(row))
        ci = proportions.proportion_ci(x, n, method=CI_METHOD)
        label = d.study_label(row.study_id)
        series.append(
            {
                "label": label,
                "x": x,
                "n": n,
                "what": what(row.endpoint),
                "ci": fmt_interval(ci.estimate, ci.low, ci.high, percent=True).split(" (", 1)[1].rstrip(")")
                + "%",
                "ci_obj": ci,
                "study": row.study_id,
                "endpoint": row.endpoint,
            }
        )
        fig_rows.append(
            {
                "timepoint": textwrap.fill(f"{label}: {what(row.endpoint)}", LABEL_WIDTH) + f"\n{x}/{n}",
                "arm": "case series",
                "estimate": ci.estimate,
                "low": ci.low,
                "high": ci.high,
            }
        )
        plotted.append(row)
    level = f"{100 * series[0]['ci_obj'].level:g}%"
    cr = [r for r in series if r["endpoint"] == "complete_response"]
    s = rep.section(
        "The combination case series: what '{}' can and cannot say".format(
            "' and '".join(f"{r['x']} of {r['n']}" for r in cr)
        ),
        text.series_finding({"series": cr, "level": level, "lowest": pct(min(r["ci_obj"].low for r in cr))}),
    )
    tte = d.time_to_event[d.time_to_event.study_id.isin(SERIES)]
    ranges = []
    for (_, quantity), g in tte.groupby(["arm_id", "quantity"], sort=False):
        stat = g.set_index("statistic")["value"].map(value_of)
        ranges.append(
            f"{quantity.replace('_', ' ')} {fmt(stat['min'])} to {fmt(stat['max'])} {g.unit.iloc[0]}s"
        )
    rep.text(
        s,
        text.series_cannot(
            {
                "level": level,
                "widths": " and ".join(r["ci"] for r in cr),
                "ranges": "; ".join(ranges),
            }
        ),
    )
    before = out[out.endpoint == "bleeding_grade_3_or_4"]
    after = [r for r in series if r["endpoint"] == "bleeding_grade_0"]
    if len(before) and after:
        b = before.iloc[0]
        a = after[0]
        rep.text(
            s,
            text.bleeding(
                {
                    "label": a["label"],
                    "before_x": int(b.responders),
                    "before_n": int(b.n),
                    "before_grade": grade_of(b.endpoint),
                    "after_x": a["x"],
                    "after_n": a["n"],
                    "after_grade": grade_of(a["endpoint"]),
                    "level": level,
                    "ci": a["ci"],
                }
            ),
        )
    fig = plots.response_plot(
        pd.DataFrame(fig_rows),
        title="Case series: 'all responded' with exact CIs",
        xlabel="",
        ylabel=f"Patients (%), exact {level} CI",
        caption=plots.source_line(
            pd.DataFrame(plotted), d.studies, tables="outcomes.csv", note=f"Clopper-Pearson {level} CIs."
        ),
    )
    rep.figure(s, "itp_case_series", fig, f"Every patient responding, with exact {level} CIs and n/N")
    time_figure(rep, s, d, text)
    return series


def time_figure(rep, s, d, text):
    tte = d.time_to_event[d.time_to_event.study_id.isin((*SERIES, PH3))]
    window = protocol_text(d, PH3, "platelet_response", "primary-endpoint")
    window_days = value_of(str(window.value)) * DAYS_PER_UNIT[window.unit]
    rows = []
    for (study, arm, quantity), g in tte.groupby(["study_id", "arm_id", "quantity"], sort=False):
        stat = g.set_index("statistic")["value"].map(value_of)
        unit, n = g["unit"].iloc[0], g["n"].iloc[0]
        summary = survival.summarise_published(
            quantity, unit, median=stat.get("median"), minimum=stat.get("min"), maximum=stat.get("max"), n=n
        )
        days = DAYS_PER_UNIT[unit]
        if study == PH3:
            panel = (
                f"{d.study_label(PH3)}: longest continuous response among responders, within the "
                f"{fmt(value_of(str(window.value)))}-{window.unit} primary-endpoint period"
            )
            label = f"{arm_label(d, PH3, arm) if arm != CONTROL else CONTROL} (n = {int(n)} in the paper)"
        else:
            panel = f"{d.study_label(study)} ({int(n)} patients; seed document only): published ranges"
            label = f"{quantity.replace('_', ' ')} (published in {unit}s)"
        rows.append(
            {
                "panel": panel,
                "label": label,
                "study": d.study_label(study),
                "arm": arm_label(d, PH3, arm)
                if study == PH3 and arm != CONTROL
                else regimen_of(d, study, arm),
                "quantity": quantity.replace("_", " "),
                "unit": unit,
                "n": n,
                "median": summary.median,
                "minimum": summary.minimum,
                "maximum": summary.maximum,
                "median (days)": summary.median * days,
                "minimum (days)": summary.minimum * days,
                "maximum (days)": summary.maximum * days,
                "what it says": summary.statement,
            }
        )
    frame = pd.DataFrame(rows)
    # Denominators of the phase 3 durations beside those who responded at least once (outcomes.csv).
    durations = (
        frame[(frame.study == d.study_label(PH3)) & (frame.arm != CONTROL)].drop_duplicates("arm").copy()
    )
    ph3_arms = [a for a in tte[tte.study_id == PH3].arm_id.drop_duplicates() if a != CONTROL]
    once = [
        d.counts(PH3, a, "response_at_least_once", *tp(d.outcome(PH3, a, "response_at_least_once")))[0]
        for a in ph3_arms
    ]
    panels = list(dict.fromkeys(frame.panel))
    ph3_panel = next(p for p in panels if p.startswith(d.study_label(PH3)))
    fig = plots.range_plot(
        frame,
        median="median (days)",
        minimum="minimum (days)",
        maximum="maximum (days)",
        panel="panel",
        title="Published time to response and duration of response (not comparable across panels)",
        panel_xlabels={
            p: (
                "Days"
                if p == ph3_panel
                else f"Days (log scale; a month = {fmt(DAYS_PER_UNIT['month'], 1)} days)"
            )
            for p in panels
        },
        panel_log={p: p != ph3_panel for p in panels},
        vlines={ph3_panel: [(window_days, f"end of week {fmt(value_of(str(window.value)))}")]},
        caption=plots.source_line(
            tte, d.studies, tables="time_to_event.csv", note="Diamond = median; bar = range."
        ),
    )
    rep.text(
        s,
        text.time_text(
            {
                "window": f"{fmt(value_of(str(window.value)))} {window.unit}s",
                "window_days": f"{fmt(window_days)} days",
                "ph3_max": f"{fmt(frame[frame.panel == ph3_panel]['maximum (days)'].max())} days",
                "duration_n": " and ".join(str(int(n)) for n in durations.n),
                "doses": " and ".join(durations.arm),
                "once_n": " and ".join(str(x) for x in once),
            }
        ),
    )
    rep.figure(
        s,
        "itp_ranges_days",
        fig,
        f"Published ranges: case series and the {d.study_label(PH3)} window in separate panels",
    )
    rep.table(
        s,
        "itp_time_summaries",
        frame[
            ["study", "arm", "quantity", "unit", "n", "median", "minimum", "maximum", "what it says"]
        ].rename(columns={"n": "patients summarised (n as published)"}),
        digits=1,
        caption="Published time summaries; the phase 3 n is the number the paper summarises, not every "
        "patient who responded at least once",
    )


# --------------------------------------------------------------------------------------------
# Protocols, limitations, appendix
# --------------------------------------------------------------------------------------------
def protocols(rep, d, text):
    p = d.protocols[d.protocols.study_id.isin([PROTOCOL, PH3, FIP])]
    reg = p[(p.study_id == PROTOCOL) & (p.category == "regimen")]
    cr = p[(p.study_id == PROTOCOL) & p.item.str.startswith("cr_")]
    resp = p[(p.study_id == PROTOCOL) & p.item.str.startswith("response_")]
    ph3_resp = protocol_text(d, PH3, "response_platelets", "response-definition")
    finding = text.protocol_finding(
        {
            "n_rows": int((p.study_id == PROTOCOL).sum()),
            "regimen": "; ".join(dict.fromkeys(reg.text)),
            "response": "; ".join(t.removeprefix("response: ") for t in resp.text),
            "ph3_response": ph3_resp.text.removeprefix("response to treatment: "),
            "cr": " and ".join(t.removeprefix("complete response: ") for t in cr.text),
        }
    )
    s = rep.section("Protocols: what the seed prescribes and what the trials did", finding)
    rep.table(
        s,
        "itp_protocols",
        readable_protocols(d, protocol_table(d, [PROTOCOL, PH3, FIP])),
        caption="Protocol statements (data/protocols.csv), as the source states them",
    )


def limitations(rep, d, text, fip):
    cases = d.arms[d.arms.study_id.isin(SERIES)]
    window = protocol_text(d, PH3, "platelet_response", "primary-endpoint")
    s = rep.section("Limitations")
    rep.text(
        s,
        text.limitations(
            {
                "n_series": len(SERIES),
                "n_series_patients": int(cases.n_enrolled.sum()),
                "ph3_window": f"{fmt(value_of(str(window.value)))} {window.unit}s",
                "fip_sizes": ", ".join(str(f["n"]) for f in fip),
                "methods": f"{method_name(RD_METHOD)} interval for the risk difference, "
                f"{method_name(RR_METHOD, 'rr')} interval for the risk ratio, {method_name(CI_METHOD)} for single "
                f"proportions, {method_name(TREND_METHOD)} trend test",
            }
        ),
    )


def appendix(rep, d, text, audit_table, series, fip):
    rows, lows = [], []
    for r in series:
        for method in CI_ALTERNATIVES:
            ci = proportions.proportion_ci(r["x"], r["n"], method=method)
            lows.append(ci.low)
            rows.append(
                {
                    "series": r["label"],
                    "outcome": f"{what(r['endpoint'])} ({r['x']}/{r['n']})",
                    "CI method": method_name(method),
                    "low %": 100 * ci.low,
                    "high %": 100 * ci.high,
                }
            )
    s = rep.section(
        "Appendix A: other intervals for the case series",
        text.appendix_ci({"lowest": pct(min(lows)), "highest": pct(max(lows))}),
    )
    rep.table(s, "itp_case_series_ci", pd.DataFrame(rows), digits=1, caption="Intervals for the rate")

    prim = d.comparisons[(d.comparisons.study_id == PH3) & (d.comparisons.endpoint == "platelet_response")]
    fi = []
    forest = []
    for c in prim.itertuples():
        x1, n1, _ = d.counts(PH3, c.arm_a, c.endpoint, c.timepoint_value, c.timepoint_unit)
        x2, n2, _ = d.counts(PH3, c.arm_b, c.endpoint, c.timepoint_value, c.timepoint_unit)
        fi.append(f"{arm_label(d, PH3, c.arm_a)} {int(fragility.fragility_index(x1, n1, x2, n2).index)}")
        crude = proportions.effect_size(x1, n1, x2, n2, measure="or", method="conditional")
        dose_label = arm_label(d, PH3, c.arm_a)
        forest.append(
            {
                "label": f"{dose_label}: crude (conditional)\n{x1}/{n1} vs {x2}/{n2}",
                "estimate": crude.estimate,
                "low": crude.low,
                "high": crude.high,
            }
        )
        forest.append(
            {
                "label": f"{dose_label}: published (probably adjusted)",
                "estimate": value_of(c.reported_effect),
                "low": value_of(c.effect_ci_low),
                "high": value_of(c.effect_ci_high),
            }
        )
    s = rep.section(
        "Appendix B: published odds ratios and the phase 3 audit",
        text.appendix_or({"fragility": "; ".join(fi)}),
    )
    fig = plots.forest_plot(
        pd.DataFrame(forest),
        reference=1,
        log_scale=True,
        title="Odds ratio vs placebo (primary endpoint)",
        xlabel="Odds ratio (log scale)",
        caption=plots.source_line(
            d.comparisons.loc[prim.index], d.studies, tables="comparisons.csv, outcomes.csv"
        ),
    )
    rep.figure(
        s, "itp_ph3_or", fig, "Published (probably adjusted) and crude odds ratios of response vs placebo"
    )
    verdicts = audit_table[audit_table.study_id == PH3].copy()
    labels = {a: arm_label(d, PH3, a) for a in d.arms[d.arms.study_id == PH3].arm_id}
    verdicts["arm"] = [" vs ".join(labels.get(a, a) for a in arm.split(" vs ")) for arm in verdicts.arm]
    verdicts["endpoint"] = [endpoint_label(d, PH3, e) for e in verdicts.endpoint]
    rep.table(
        s,
        "itp_ph3_audit",
        verdicts[["endpoint", "arm", "kind", "reported", "verdict", "check", "explanation"]].assign(
            reported=[plural_units(str(x)) for x in verdicts.reported],
            explanation=[readable_explanation(str(x)) for x in verdicts.explanation],
        ),
        caption="Audit of every published phase 3 number (explanations as the audit engine writes them)",
    )

    scores = [value_of(f["dose"].split()[0]) for f in fip]
    rows, ps = [], []
    for method in TREND_ALTERNATIVES:
        t = contingency.trend_test([f["x"] for f in fip], [f["n"] for f in fip], scores=scores, method=method)
        ps.append(t.pvalue)
        rows.append({"method": TREND_NAMES[method], "chi-square": fmt(t.statistic, 3), "p": fmt_p(t.pvalue)})
    s = rep.section(
        "Appendix C: trend test variants",
        text.appendix_trend(
            {
                "n": sum(f["n"] for f in fip),
                "sizes": ", ".join(str(f["n"]) for f in fip),
                "below": max(ps) < ALPHA,
                "alpha": fmt(ALPHA),
                "max_p": fmt_p(max(ps)),
            }
        ),
    )
    rep.table(s, "itp_trend_tests", pd.DataFrame(rows), caption="Trend in response across dose cohorts")


def main():
    args = parse_args(__doc__)
    d = data.load(args.data_dir)
    text = narrative("itp")
    audit_table = audit.audit(d)
    cases = d.arms[d.arms.study_id.isin(SERIES)]
    ph3_n = d.arms[d.arms.study_id == PH3].n_randomised.sum()
    rep = Report(
        "itp",
        "Relapsed/refractory ITP: hetrombopag alone and in combination",
        text.intro(
            {
                "n_series": len(SERIES),
                "n_series_patients": int(cases.n_enrolled.sum()),
                "series_labels": "; ".join(d.study_label(sid) for sid in SERIES),
                "ph3_label": d.study_label(PH3),
                "ph3_n": int(ph3_n),
                "sign": SIGN,
            }
        ),
        index="../index.html",
    )
    effects = phase3(rep, d, text, audit_table)
    fip, _ = dose(rep, d, text, effects)
    series = case_series(rep, d, text)
    protocols(rep, d, text)
    limitations(rep, d, text, fip)
    appendix(rep, d, text, audit_table, series, fip)
    add_glossary(rep)
    rep.write(Path(args.out), provenance(d))


if __name__ == "__main__":
    run(main)
