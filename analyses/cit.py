"""Chemotherapy-induced thrombocytopenia report: what is known, the registered designs and what they can detect.

Thin script: it selects rows of the evidence folder, calls the library and hands computed values to
the prose macros in ``reanalysis/templates/cit.md.j2``. Study numbers come from data/; the design
assumptions (no trial publishes them) are the named constants below, each stated in the report's
assumptions table.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from reanalysis import data, plots, power, proportions
from reanalysis.glossary import item_label, method_name
from reanalysis.printed import value_of
from reanalysis.report import (
    Report,
    add_glossary,
    fmt,
    fmt_interval,
    narrative,
    parse_args,
    pct,
    provenance,
    run,
)
from reanalysis.report.evidence_summary import protocol_table

PH3 = "cit_nct05864014"  # three arms, placebo control
ACTIVE = "cit_nct05394285"  # hetrombopag vs therapeutic rhTPO
MISSING = "cit_nct07286032"  # cited by the seed, not found in the registry copies searched
MATCH = "cit_nct05261646"  # registered trial matching the seed's description of MISSING
REFERENCE = "cit_recite_romiplostim"  # placebo-controlled, endpoint close to MISSING's
SIGN = "hetrombopag minus control"

# Design assumptions (none is published; each appears in the report's assumptions table).
ALPHA = 0.05  # two-sided familywise level
TARGET_POWER = 0.8
MULTIPLICITY = "dunnett"  # several arms against one shared placebo arm
MULTIPLICITY_ALTERNATIVES = ("dunnett", "bonferroni", "unadjusted")
PLACEBO_RATES = (0.2, 0.4, 0.6)  # NCT05864014: no published placebo rate for its composite endpoint
CURVE_PLACEBO_RATE = 0.4  # the middle of that range, for the power curve
NI_MARGIN = 0.10  # non-inferiority margin against rhTPO, if the trial were non-inferiority
NI_MARGINS = (0.10, 0.15, 0.20)
VARIANCE_METHOD = (
    "normal approximation (Fleiss): variance from the combined rate of both arms under H0 (the "
    "common-rate, score-test variance), unpooled under the alternative; "
    "both rejection regions counted"
)
ALLOCATION = "1:1"  # NCT05394285: allocation not registered
CURVE_STEP = 0.01
CURVE_MAX = 0.40
TABLE_STEP = 0.05  # the curve's points listed in the appendix
POINT_DIGITS = 1  # decimals of every difference in percentage points (prose and tables alike)
POWER_DIGITS = 1  # decimals of a power in percent (appendix table)
ALPHA_DIGITS = 3  # decimals of a comparison's significance level


def points(difference):
    """A difference (a proportion) in percentage points, always with POINT_DIGITS decimals (— if none)."""
    return "—" if np.isnan(difference) else f"{100 * difference:.{POINT_DIGITS}f}"


def readable(frame):
    """Column headers in words (no snake_case ids)."""
    return frame.rename(columns=lambda c: c.replace("_", " "))


def readable_protocols(d, frame):
    """The protocol table with readable headers, each arm by its regimen and each item in words."""
    ids = d.protocols.loc[frame.index, "study_id"]
    regimens = {(r.study_id, r.arm_id): r.regimen for r in d.arms.itertuples()}
    frame = frame.assign(
        arm_id=[
            regimens.get((sid, arm), str(arm).replace("_", " ")) if isinstance(arm, str) else arm
            for sid, arm in zip(ids, frame.arm_id, strict=True)
        ],
        item=[item_label(str(i)) for i in frame["item"]],
    )
    return frame.rename(columns={"arm_id": "arm", "item": "statement"}).pipe(readable)


def recite(d):
    """RECITE counts (derived from the printed percentages) and the romiplostim - placebo effect."""
    out = d.outcomes[d.outcomes.study_id == REFERENCE]
    rows = {r.arm_id: r for r in out.itertuples()}
    control, treated = "placebo", next(a for a in rows if a != "placebo")
    x1, n1, _ = d.counts(REFERENCE, treated, rows[treated].endpoint, rows[treated].timepoint_value, "cycle")
    x0, n0, _ = d.counts(REFERENCE, control, rows[control].endpoint, rows[control].timepoint_value, "cycle")
    rd = proportions.effect_size(x1, n1, x0, n0, measure="rd", method="newcombe")
    return {
        "x1": x1,
        "n1": n1,
        "x0": x0,
        "n0": n0,
        "p1": x1 / n1,
        "p0": x0 / n0,
        "rd": rd,
        "nnt": proportions.nnt(rd),
        "rows": out,
        "treated": treated,
    }


def seed_trials(d):
    """CIT trials the seed describes (those with a design row from the seed)."""
    cit = set(d.studies[d.studies.indication == "CIT"].study_id)
    return int(
        d.designs[d.designs.study_id.isin(cit) & (d.designs.source_label == "seed")].study_id.nunique()
    )


def planned_n(d, study, label):
    row = d.designs[(d.designs.study_id == study) & (d.designs.source_label == label)]
    return int(row.planned_n.iloc[0])


def protocol(d, study, item, arm=None):
    p = d.protocols[(d.protocols.study_id == study) & (d.protocols.item == item)]
    if arm is not None:
        p = p[p.arm_id == arm]
    return p.iloc[0]


# --------------------------------------------------------------------------------------------
def known(rep, d, text, ref):
    arms = d.arms[d.arms.study_id == PH3]
    finding = text.known_finding(
        {
            "ph3_label": d.study_label(PH3),
            "ph3_n": int(arms.n_randomised.sum()),
            "ph3_arms": "; ".join(f"{r.regimen}: {int(r.n_randomised)}" for r in arms.itertuples()),
            "ph2_label": d.study_label(ACTIVE),
            "ph2_status": d.study(ACTIVE).status,
            "ph2_n": planned_n(d, ACTIVE, "registry"),
            "missing_label": d.study_label(MISSING),
            "match_label": d.study_label(MATCH),
            "match_n": planned_n(d, MATCH, "registry"),
            "ref_label": d.study_label(REFERENCE),
            "ref_rows": f"{ref['x1']}/{ref['n1']} ({pct(ref['p1'])}) with {ref['treated']} vs "
            f"{ref['x0']}/{ref['n0']} ({pct(ref['p0'])}) with placebo",
            "ref_rd": fmt_interval(ref["rd"].estimate, ref["rd"].low, ref["rd"].high, points=True),
            "ref_nnt": ref["nnt"].describe(),
        }
    )
    s = rep.section("What is known: no efficacy estimate for hetrombopag in CIT", finding)
    cit = d.studies[d.studies.indication == "CIT"]
    rep.table(
        s,
        "cit_studies",
        readable(
            cit[
                ["label", "registration", "design", "phase", "status", "source_status", "source", "notes"]
            ].rename(columns={"label": "study"})
        ),
    )


def protocols(rep, d, text):
    start = protocol(d, ACTIVE, "start_day", "hpag_prophylactic")
    duration = protocol(d, ACTIVE, "duration", "hpag_prophylactic")
    dose = protocol(d, ACTIVE, "dose", "hpag_prophylactic")
    rhtpo = protocol(d, ACTIVE, "rhtpo_start", "rhtpo_therapeutic")
    entry = protocol(d, ACTIVE, "platelets_current_cycle")
    ref = d.studies[d.studies.study_id == MATCH].seed_reference.iloc[0]
    finding = text.protocol_finding(
        {
            "label": d.study_label(ACTIVE),
            "start_day": fmt(value_of(str(start.value))),
            "duration": fmt(value_of(str(duration.value))),
            "dose": f"{fmt(value_of(str(dose.value)))} {dose.unit}",
            "rhtpo_threshold": f"{fmt(value_of(str(rhtpo.value)))} x {rhtpo.unit}",
            "registry_entry": entry.text,
            "ref": ref,
            "ref_label": d.study_label(MATCH),
        }
    )
    s = rep.section("The registered designs beside the seed's protocol", finding)
    rep.table(
        s,
        "cit_protocols",
        readable_protocols(d, protocol_table(d, [ACTIVE, MISSING, MATCH, PH3, REFERENCE])),
        caption="Protocol statements (data/protocols.csv): the seed's and the registries', each with its source",
    )
    des = d.designs[d.designs.study_id.isin([ACTIVE, MISSING, MATCH, PH3, REFERENCE])].copy()
    des.insert(0, "study", [d.study_label(x) for x in des.study_id])
    rep.table(
        s,
        "cit_designs",
        readable(
            des[
                [
                    "study",
                    "source_label",
                    "primary_endpoint",
                    "planned_n",
                    "n_arms",
                    "allocation_ratio",
                    "stratification",
                    "source_status",
                    "notes",
                ]
            ]
        ),
        caption="Designs as registered or published (data/designs.csv)",
    )


# --------------------------------------------------------------------------------------------
def sizing(rep, d, text, ref):
    arms = d.arms[d.arms.study_id == PH3].set_index("arm_id")
    n0 = int(arms.n_randomised["placebo"])
    nt = [int(v) for a, v in arms.n_randomised.items() if a != "placebo"]
    n_active = planned_n(d, ACTIVE, "registry")
    n_each = n_active // 2
    rhtpo_rate = (ref["p0"] + ref["p1"]) / 2
    level = pct(ALPHA, 0)

    # A. NCT05864014: each hetrombopag arm vs placebo at the Dunnett-adjusted level.
    a_rows = []
    for p0 in PLACEBO_RATES:
        for method in MULTIPLICITY_ALTERNATIVES:
            m = power.power_multi_arm(p0, [p0] * len(nt), n0, nt, alpha=ALPHA, method=method)
            mdd = power.minimal_detectable_difference(p0, min(nt), n0, TARGET_POWER, alpha=m.comparison_alpha)
            a_rows.append(
                {
                    "placebo rate": p0,
                    "method": method,
                    "comparison alpha": m.comparison_alpha,
                    "familywise error": m.familywise_error,
                    "mdd": mdd.difference_higher,
                }
            )
    a = pd.DataFrame(a_rows)
    a_body = a[a.method == MULTIPLICITY]

    # B. NCT05394285: active rhTPO control.
    b_mdd = power.minimal_detectable_difference(
        rhtpo_rate, n_each, n_active - n_each, TARGET_POWER, alpha=ALPHA
    )
    ni = power.power_active_control(
        rhtpo_rate,
        rhtpo_rate,
        n_each,
        n_active - n_each,
        margin=NI_MARGIN,
        hypothesis="non-inferiority",
        alpha=ALPHA / 2,
    )
    ni_n = power.sample_size_active_control(
        rhtpo_rate,
        rhtpo_rate,
        margin=NI_MARGIN,
        power=TARGET_POWER,
        hypothesis="non-inferiority",
        alpha=ALPHA / 2,
    )

    # C. NCT07286032 / NCT05261646: endpoint and control match RECITE.
    full = power.sample_size_two_proportions(ref["p1"], ref["p0"], power=TARGET_POWER, alpha=ALPHA)
    half = power.sample_size_two_proportions(
        ref["p0"] + (ref["p1"] - ref["p0"]) / 2, ref["p0"], power=TARGET_POWER, alpha=ALPHA
    )

    finding = text.power_finding(
        {
            "a_label": d.study_label(PH3),
            "a_sizes": f"{' and '.join(str(n) for n in nt)} vs {n0}",
            "alpha": level,
            "power": pct(TARGET_POWER, 0),
            "a_mdd": f"{points(a_body.mdd.min())} to {points(a_body.mdd.max())} points",
            "a_rates": f"{pct(min(PLACEBO_RATES), 0)} to {pct(max(PLACEBO_RATES), 0)}",
            "b_label": d.study_label(ACTIVE),
            "b_sizes": f"{n_each} vs {n_active - n_each}",
            "b_alloc": ALLOCATION,
            "b_rate": pct(rhtpo_rate, 0),
            "b_mdd": f"{points(b_mdd.difference_higher)} points",
            "margin": f"{fmt(100 * NI_MARGIN, 0)}-point",
            "b_ni_power": pct(ni.power, 0),
            "b_ni_n": ni_n.n_test,
            "c_label": f"{d.study_label(MISSING)} / {d.study_label(MATCH)}",
            "c_n_full": full.n1,
            "c_n_half": half.n1,
        }
    )
    s = rep.section("What the registered sizes can detect", finding)

    rep.text(s, text.assumptions_text())
    assumptions = pd.DataFrame(
        [
            {
                "trial": d.study_label(PH3),
                "comparison": "each hetrombopag arm vs placebo",
                "control": "placebo",
                "patients": f"{' and '.join(str(n) for n in nt)} vs {n0} (randomised)",
                "control rate assumed": f"{', '.join(pct(p, 0) for p in PLACEBO_RATES)}",
                "why": text.why_placebo_range(),
                "effect": "smallest detectable improvement",
                "alpha": f"{level} two-sided, familywise",
                "multiplicity": f"{method_name(MULTIPLICITY)} (two arms share the placebo arm; not stated in the abstract)",
                "method": VARIANCE_METHOD,
            },
            {
                "trial": d.study_label(ACTIVE),
                "comparison": "hetrombopag vs therapeutic rhTPO",
                "control": "active (rhTPO)",
                "patients": f"{n_each} vs {n_active - n_each} ({n_active} planned; {ALLOCATION} assumed)",
                "control rate assumed": pct(rhtpo_rate, 0),
                "why": text.why_rhtpo({"p0": pct(ref["p0"], 0), "p1": pct(ref["p1"], 0)}),
                "effect": f"smallest detectable superiority; non-inferiority at a {fmt(100 * NI_MARGIN, 0)}-point "
                "margin if both agents are equal",
                "alpha": f"{level} two-sided (superiority); {pct(ALPHA / 2, 1)} one-sided (non-inferiority)",
                "multiplicity": "none (two arms)",
                "method": f"{VARIANCE_METHOD} (superiority); Farrington-Manning score test, variance from "
                "the rates constrained to the margin under H0 (non-inferiority)",
            },
            {
                "trial": f"{d.study_label(MISSING)} / {d.study_label(MATCH)}",
                "comparison": "hetrombopag vs placebo",
                "control": "placebo",
                "patients": "not registered (not found / withdrawn)",
                "control rate assumed": f"{pct(ref['p0'], 0)} (RECITE placebo)",
                "why": text.why_recite(),
                "effect": f"RECITE-sized ({pct(ref['p1'], 0)}) and half of it",
                "alpha": f"{level} two-sided",
                "multiplicity": "not applied (the dose-finding arms of the withdrawn trial would need it)",
                "method": VARIANCE_METHOD,
            },
        ]
    )
    rep.table(s, "cit_assumptions", assumptions, caption="Design assumptions behind every power statement")

    results = pd.DataFrame(
        [
            *[
                {
                    "trial": d.study_label(PH3),
                    "assumed control rate": pct(r["placebo rate"], 0),
                    "question": f"smallest improvement detected with {pct(TARGET_POWER, 0)} power, per comparison",
                    "answer": f"{points(r['mdd'])} points (comparison alpha "
                    f"{r['comparison alpha']:.{ALPHA_DIGITS}f})",
                }
                for r in a_body.to_dict("records")
            ],
            {
                "trial": d.study_label(ACTIVE),
                "assumed control rate": pct(rhtpo_rate, 0),
                "question": f"smallest superiority detected with {pct(TARGET_POWER, 0)} power",
                "answer": f"{points(b_mdd.difference_higher)} points",
            },
            {
                "trial": d.study_label(ACTIVE),
                "assumed control rate": pct(rhtpo_rate, 0),
                "question": f"power for non-inferiority ({fmt(100 * NI_MARGIN, 0)}-point margin) if equal",
                "answer": f"{pct(ni.power, 0)}; {ni_n.n_test} per arm needed for {pct(TARGET_POWER, 0)}",
            },
            {
                "trial": f"{d.study_label(MISSING)} / {d.study_label(MATCH)}",
                "assumed control rate": pct(ref["p0"], 0),
                "question": f"patients per arm for {pct(TARGET_POWER, 0)} power",
                "answer": f"{full.n1} (RECITE-sized effect); {half.n1} (half of it)",
            },
        ]
    )
    rep.table(s, "cit_power", results, caption="What each design can detect under the assumptions above")

    curve = []
    diffs = CURVE_STEP * np.arange(round(CURVE_MAX / CURVE_STEP) + 1)
    ph3_label = d.study_label(PH3)
    comparison_alpha = a_body[a_body["placebo rate"] == CURVE_PLACEBO_RATE]["comparison alpha"].iloc[0]
    each_label = (
        f"{ph3_label}: each hetrombopag arm vs placebo ({min(nt)} vs {n0}), per comparison at the "
        f"{MULTIPLICITY.capitalize()}-adjusted level {pct(comparison_alpha, 1)}, placebo {pct(CURVE_PLACEBO_RATE, 0)}"
    )
    any_label = (
        f"{ph3_label}: at least one of the two arms significant, both arms with the same true "
        f"improvement ({MULTIPLICITY.capitalize()}), placebo {pct(CURVE_PLACEBO_RATE, 0)}"
    )
    multi = {}
    for diff in diffs:
        multi[diff] = power.power_multi_arm(
            CURVE_PLACEBO_RATE,
            [CURVE_PLACEBO_RATE + diff] * len(nt),
            n0,
            nt,
            alpha=ALPHA,
            method=MULTIPLICITY,
        )
    # The body's answer (minimal detectable difference) is per comparison: that curve comes first.
    curve += [
        {"design": each_label, "difference": float(x), "power": m.power_each_min} for x, m in multi.items()
    ]
    curve += [{"design": any_label, "difference": float(x), "power": m.power_any} for x, m in multi.items()]
    for diff in diffs:
        if rhtpo_rate + diff >= 1:
            break
        pw = power.power_two_proportions(
            rhtpo_rate + diff, rhtpo_rate, n_each, n_active - n_each, alpha=ALPHA
        )
        curve.append(
            {
                "design": f"{d.study_label(ACTIVE)}: hetrombopag vs rhTPO ({n_each} vs {n_active - n_each}), "
                f"rhTPO {pct(rhtpo_rate, 0)}",
                "difference": float(diff),
                "power": pw.power,
            }
        )
    curve = pd.DataFrame(curve)
    # Where the curves start: the familywise / two-arm level, and the per-comparison adjusted level.
    zero_levels = (
        f"{level}, or {pct(comparison_alpha, 1)} per {method_name(MULTIPLICITY)}-adjusted comparison"
    )
    fig = plots.power_curve(
        curve,
        alpha=ALPHA,
        target=TARGET_POWER,
        title="CIT designs: power against the true improvement",
        xlabel="True improvement over the assumed control rate (percentage points)",
        caption=plots.source_line(
            pd.concat(
                [
                    d.arms[d.arms.study_id == PH3].assign(source_location=lambda f: f.source),
                    d.designs[(d.designs.study_id == ACTIVE) & (d.designs.source_label == "registry")].assign(
                        source_location=lambda f: f.source
                    ),
                    ref["rows"],
                ]
            ),
            d.studies,
            tables="arms.csv, designs.csv, outcomes.csv",
            note=f"Two-sided tests, each curve starting at its own level ({zero_levels}); control rates "
            f"assumed (see the assumptions table); the rhTPO rate is the midpoint of the placebo and "
            f"{ref['treated']} rates of {d.study_label(REFERENCE)}.",
        ),
    )
    body_mdd = a_body[a_body["placebo rate"] == CURVE_PLACEBO_RATE].iloc[0]
    any_crossing = power.minimal_detectable_difference_multi_arm(
        CURVE_PLACEBO_RATE, n0, nt, power=TARGET_POWER, alpha=ALPHA, method=MULTIPLICITY, target="any"
    )
    rep.text(
        s,
        text.curve_text(
            {
                "alpha": level,
                "power": pct(TARGET_POWER, 0),
                "placebo": pct(CURVE_PLACEBO_RATE, 0),
                "comparison_alpha": pct(body_mdd["comparison alpha"], 1),
                "each_zero": pct(curve[curve.design == each_label].power.iloc[0], 1),
                "any_zero": pct(curve[curve.design == any_label].power.iloc[0], 1),
                "other_zero": " and ".join(
                    pct(v, 1)
                    for v in curve[
                        ~curve.design.isin([each_label, any_label]) & (curve.difference == 0)
                    ].power
                ),
                "each_cross": f"{points(body_mdd['mdd'])} points",
                "any_cross": f"{points(any_crossing)} points",
            }
        ),
    )
    rep.figure(
        s,
        "cit_power_curve",
        fig,
        f"Power curves of the registered CIT designs (two-sided; each curve starts at its own test's level: "
        f"{zero_levels})",
    )
    return {"a": a, "rhtpo_rate": rhtpo_rate, "n_each": n_each, "n_active": n_active, "curve": curve}


def limitations(rep, d, text):
    s = rep.section("Limitations")
    rep.text(
        s,
        text.limitations(
            {
                "a_label": d.study_label(PH3),
                "b_label": d.study_label(ACTIVE),
                "ref_label": d.study_label(REFERENCE),
            }
        ),
    )


def appendix(rep, d, text, ref, sz):
    s = rep.section("Appendix: sensitivity of the design answers to the assumptions", text.appendix_text())
    a = sz["a"].copy()
    a["body"] = np.where(a.method == MULTIPLICITY, "yes", "")
    a["method"] = [method_name(m) for m in a.method]
    a = a.rename(columns={"method": "multiplicity adjustment"})
    a["placebo rate"] = [pct(p, 0) for p in a["placebo rate"]]
    for column in ("comparison alpha", "familywise error"):
        a[column] = [f"{v:.{ALPHA_DIGITS}f}" for v in a[column]]
    a["smallest detectable improvement (points)"] = [points(v) for v in a.pop("mdd")]
    rep.table(
        s,
        "cit_multiplicity",
        a,
        caption=f"{d.study_label(PH3)}: each arm vs placebo, by multiplicity adjustment and placebo rate",
    )
    rows = []
    n_each, n_active = sz["n_each"], sz["n_active"]
    for label, rate in (
        ("RECITE placebo", ref["p0"]),
        ("the midpoint, used in the body", sz["rhtpo_rate"]),
        (f"RECITE {ref['treated']}", ref["p1"]),
    ):
        mdd = power.minimal_detectable_difference(rate, n_each, n_active - n_each, TARGET_POWER, alpha=ALPHA)
        for margin in NI_MARGINS:
            ni = power.power_active_control(
                rate,
                rate,
                n_each,
                n_active - n_each,
                margin=margin,
                hypothesis="non-inferiority",
                alpha=ALPHA / 2,
            )
            rows.append(
                {
                    "assumed rhTPO rate": f"{pct(rate, 0)} ({label})",
                    "smallest detectable superiority (points)": points(mdd.difference_higher),
                    "non-inferiority margin (points)": 100 * margin,
                    "non-inferiority power if equal": pct(ni.power, 0),
                }
            )
    rep.table(
        s,
        "cit_active_control",
        pd.DataFrame(rows),
        digits=1,
        caption=f"{d.study_label(ACTIVE)}: by assumed rhTPO rate and non-inferiority margin "
        "(— = no superior rate is detectable)",
    )
    pts = sz["curve"]
    steps = pts.difference / TABLE_STEP
    pts = pts[np.isclose(steps, np.round(steps))].copy()
    # One decimal throughout (5.0, 2.7, 100.0), as strings so that trailing zeros are kept.
    pts["difference (points)"] = [f"{100 * v:.{POINT_DIGITS}f}" for v in pts.pop("difference")]
    pts["power %"] = [f"{100 * v:.{POWER_DIGITS}f}" for v in pts.pop("power")]
    rep.table(
        s,
        "cit_power_curve_points",
        pts,
        digits=1,
        caption=f"The plotted power curves at every {fmt(100 * TABLE_STEP)} points (the second curve assumes "
        "both hetrombopag arms have the same true improvement)",
    )


def main():
    args = parse_args(__doc__)
    d = data.load(args.data_dir)
    text = narrative("cit")
    ref = recite(d)
    rep = Report(
        "cit",
        "Chemotherapy-induced thrombocytopenia: hetrombopag trial designs",
        text.intro({"n_seed_trials": seed_trials(d), "sign": SIGN}),
        index="../index.html",
    )
    known(rep, d, text, ref)
    protocols(rep, d, text)
    sz = sizing(rep, d, text, ref)
    limitations(rep, d, text)
    appendix(rep, d, text, ref, sz)
    add_glossary(rep)
    rep.write(Path(args.out), provenance(d))


if __name__ == "__main__":
    run(main)
