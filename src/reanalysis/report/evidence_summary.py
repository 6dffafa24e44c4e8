"""What the evidence says, per clinical question: the effect recomputed from an evidence folder's counts.

One row per question of ``certainty.csv``: the studies and designs answering it, the effect
recomputed from the counts (absolute difference with its CI, relative effect, NNT or NNH; a
single-arm rate with its exact CI), the certainty-of-evidence judgement with its reasons, and one
sentence of interpretation written by ``templates/index.md.j2`` from the computed values. Used by
the flagship index page and the SAA report's summary of findings; it works on any evidence folder
with a ``certainty.csv``.
"""

from __future__ import annotations

import dataclasses
import html
import math

import pandas as pd

from .. import contingency, proportions
from ..evidence import NOT_RATED
from .writer import fmt_interval, fmt_p

# One pre-specified method per quantity (the same in every report):
CI_METHOD = "clopper-pearson"  # single proportions: exact, never below nominal coverage
RD_METHOD = "newcombe"  # absolute difference: hybrid score interval, good small-sample coverage
RR_METHOD = "wald"  # risk ratio: Katz log interval
TREND_METHOD = "cochran-armitage-exact"  # dose cohorts: few patients each, so the exact trend test
TREND_ALPHA = 0.05
HARM_WORDS = ("adverse", "death", "relapse")


@dataclasses.dataclass(frozen=True)
class QuestionEffect:
    """What the evidence folder says about one clinical question, computed from its counts."""

    kind: str  # "comparison", "rate", "trend" (ordered cohorts) or "none"
    study_id: str
    study_label: str
    endpoint: str
    timepoint_value: float | None
    timepoint_unit: str | None
    arm_a: str = ""
    arm_b: str = ""
    counts_a: tuple[int, int] | None = None
    counts_b: tuple[int, int] | None = None
    inferred: bool = False
    rd: proportions.EffectSize | None = None
    rr: proportions.EffectSize | None = None
    nnt: proportions.NumberNeeded | None = None
    rate: proportions.ProportionCI | None = None
    outcome_is_good: bool = True
    claim: str = ""
    trend: dict | None = None  # kind "trend": cohorts, k, p, rests_on_lowest, lowest

    @property
    def rd_text(self) -> str:
        return fmt_interval(self.rd.estimate, self.rd.low, self.rd.high, points=True) if self.rd else ""

    @property
    def rr_text(self) -> str:
        return fmt_interval(self.rr.estimate, self.rr.low, self.rr.high, digits=2) if self.rr else ""

    @property
    def nnt_text(self) -> str:
        return self.nnt.describe(outcome_is_good=self.outcome_is_good) if self.nnt else ""

    @property
    def rate_text(self) -> str:
        return (
            fmt_interval(self.rate.estimate, self.rate.low, self.rate.high, percent=True) if self.rate else ""
        )

    @property
    def rd_excludes_zero(self) -> bool:
        return bool(self.rd) and (self.rd.low > 0 or self.rd.high < 0)

    @property
    def per100(self) -> str:
        """The rate or difference per 100 patients, rounded to a whole number, for plain-language sentences."""
        value = self.rate.estimate if self.rate else (abs(self.rd.estimate) if self.rd else math.nan)
        return f"{100 * value:.0f}"


def _timepoint(row) -> tuple[float | None, str | None]:
    value = None if pd.isna(row.timepoint_value) else float(row.timepoint_value)
    unit = None if pd.isna(row.timepoint_unit) else str(row.timepoint_unit)
    return value, unit


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def comparison(d, study, arm_a, arm_b, endpoint, tv=None, tu=None, claim: str = "") -> QuestionEffect:
    """Arm a vs arm b of one study: absolute difference (a - b), risk ratio and NNT, from the counts.

    Raises ValueError when either arm has no outcome row or no counts.
    """
    good = not any(w in endpoint for w in HARM_WORDS)
    xa, na, da = d.counts(study, arm_a, endpoint, tv, tu)
    xb, nb, db = d.counts(study, arm_b, endpoint, tv, tu)
    rd = proportions.effect_size(xa, na, xb, nb, "rd", method=RD_METHOD)
    rr = proportions.effect_size(xa, na, xb, nb, "rr", method=RR_METHOD)
    return QuestionEffect(
        "comparison",
        study_id=study,
        study_label=d.study_label(study),
        endpoint=endpoint,
        timepoint_value=tv,
        timepoint_unit=tu,
        arm_a=arm_a,
        arm_b=arm_b,
        counts_a=(xa, na),
        counts_b=(xb, nb),
        inferred=da or db,
        rd=rd,
        rr=rr,
        nnt=proportions.nnt(rd),
        outcome_is_good=good,
        claim=claim,
    )


def rate(d, study, arm, endpoint, tv=None, tu=None) -> QuestionEffect:
    """One arm's proportion with its exact (Clopper-Pearson) interval, from the counts."""
    x, n, derived = d.counts(study, arm, endpoint, tv, tu)
    return QuestionEffect(
        "rate",
        study_id=study,
        study_label=d.study_label(study),
        endpoint=endpoint,
        timepoint_value=tv,
        timepoint_unit=tu,
        arm_a=arm,
        counts_a=(x, n),
        inferred=derived,
        rate=proportions.proportion_ci(x, n, method=CI_METHOD),
        outcome_is_good=not any(w in endpoint for w in HARM_WORDS),
    )


def _arms(text: str) -> list[str]:
    return [a.strip() for a in text.split(";") if a.strip()]


def dose_trend(d, study, arms, endpoint, tv=None, tu=None) -> QuestionEffect:
    """Ordered cohorts (``arm_a`` lists them in dose order): the exact Cochran-Armitage test for trend.

    A pairwise difference (and NNT) between the extreme cohorts of a dose escalation would ignore
    the middle cohorts and treat sequential cohorts as randomised; the trend test uses all of them
    (equally spaced scores, in the order listed). ``rests_on_lowest`` says when the trend is
    significant but the cohorts above the lowest show none.
    """
    counts = [d.counts(study, a, endpoint, tv, tu) for a in arms]
    x, n = [c[0] for c in counts], [c[1] for c in counts]
    trend = contingency.trend_test(x, n, method=TREND_METHOD)
    upper = contingency.trend_test(x[1:], n[1:], method=TREND_METHOD)
    return QuestionEffect(
        "trend",
        study_id=study,
        study_label=d.study_label(study),
        endpoint=endpoint,
        timepoint_value=tv,
        timepoint_unit=tu,
        arm_a=";".join(arms),
        inferred=any(c[2] for c in counts),
        trend={
            "cohorts": "; ".join(
                f"{arm_label(d, study, a)}: {xi}/{ni}" for a, xi, ni in zip(arms, x, n, strict=True)
            ),
            "k": len(arms),
            "p": fmt_p(trend.pvalue),
            "rises": trend.z > 0,
            "rests_on_lowest": trend.pvalue < TREND_ALPHA <= upper.pvalue,
            "lowest": f"{x[0]}/{n[0]}",
        },
    )


def question_effect(d, q) -> QuestionEffect:
    """The effect answering one ``certainty.csv`` question, from its first study's counts."""
    study = _text(q.study_ids).split(";")[0].strip()
    endpoint = _text(q.endpoint)
    tv, tu = _timepoint(q)
    claims = d.comparisons[(d.comparisons.study_id == study) & d.comparisons.claim.notna()]
    claim = "; ".join(claims.claim) if len(claims) else ""
    arm_a, arm_b = _text(q.arm_a), _text(q.arm_b)
    try:
        if endpoint and len(_arms(arm_a)) >= 3 and not arm_b:
            return dose_trend(d, study, _arms(arm_a), endpoint, tv, tu)
        if endpoint and arm_b:
            return comparison(d, study, arm_a, arm_b, endpoint, tv, tu, claim=claim)
        if endpoint:
            return rate(d, study, arm_a, endpoint, tv, tu)
    except ValueError:  # no outcome row or no counts: nothing published for this question
        pass
    return QuestionEffect(
        "none",
        study_id=study,
        study_label=d.study_label(study),
        endpoint=endpoint,
        timepoint_value=tv,
        timepoint_unit=tu,
        arm_a=arm_a,
        arm_b=arm_b,
        claim=claim,
    )


def other_study_effect(d, study, q) -> QuestionEffect | None:
    """The question's comparison (or rate) in a further listed study, at the question's timepoint if
    that study reports it, else at the one timepoint it reports; None when it has no usable result."""
    endpoint, (tv, tu) = _text(q.endpoint), _timepoint(q)
    arm_a, arm_b = _text(q.arm_a), _text(q.arm_b)
    if not endpoint:
        return None
    o = d.outcomes[
        (d.outcomes.study_id == study) & (d.outcomes.endpoint == endpoint) & (d.outcomes.arm_id == arm_a)
    ]
    times = [(tv, tu)] + [
        (None if pd.isna(r.timepoint_value) else float(r.timepoint_value), r.timepoint_unit)
        for r in o.itertuples()
    ]
    for when in dict.fromkeys(times):
        try:
            if arm_b:
                return comparison(d, study, arm_a, arm_b, endpoint, *when)
            return rate(d, study, arm_a, endpoint, *when)
        except ValueError:
            continue
    return None


def arm_label(d, study_id: str, arm_id: str) -> str:
    """An arm's regimen as published (arms.csv), else its id."""
    sel = d.arms[(d.arms.study_id == study_id) & (d.arms.arm_id == arm_id)]
    return str(sel.iloc[0].regimen) if len(sel) else arm_id


def _why_no_effect(d, q, e) -> str:
    """Why a question's first study gives no effect (the outcomes lookup's own message)."""
    if not e.endpoint:
        return "the question names no endpoint"
    tv, tu = _timepoint(q)
    for arm in [*_arms(e.arm_a), *_arms(e.arm_b or "")]:
        try:
            d.counts(e.study_id, arm, e.endpoint, tv, tu)
        except ValueError as err:
            return str(err)
    return "its arms' counts give no effect"


def evidence_table(d, indication: str | None = None) -> pd.DataFrame:
    """One row per clinical question: studies, design, effect with CI, certainty, reasons, interpretation."""
    from . import narrative

    text = narrative("index")
    rows = []
    cert = d.certainty if indication is None else d.certainty[d.certainty.indication == indication]
    for q in cert.itertuples(index=False):
        e = question_effect(d, q)
        # Certainty describes an effect estimate: "not rated" exactly when there is none.
        if (e.kind == "none") != (q.certainty == NOT_RATED):
            raise ValueError(
                f"certainty.csv, question {q.question_id!r}: certainty {q.certainty!r} but "
                + (
                    f"no effect can be computed from its first study ({e.study_id}): {_why_no_effect(d, q, e)}; "
                    "give that arm's counts in outcomes.csv (responders and n, or derived_responders and "
                    "derived_n with the derivation, e.g. the count the audit infers from a percentage), list "
                    "first a study that has them, or use "
                    if e.kind == "none"
                    else "an effect is computed; do not use "
                )
                + f"{NOT_RATED!r}"
            )
        ids = [s.strip() for s in _text(q.study_ids).split(";") if s.strip()]
        arms = {"a": arm_label(d, e.study_id, e.arm_a), "b": arm_label(d, e.study_id, e.arm_b)}
        rows.append(
            {
                "indication": q.indication,
                "question": q.question,
                "studies": text.studies(e, [(d.study_label(s), other_study_effect(d, s, q)) for s in ids[1:]])
                if e.kind != "none"
                else "; ".join(d.study_label(s) for s in ids),
                "design": "; ".join(str(d.study(s).design) for s in ids),
                "effect (95% CI)": text.effect(e, arms),
                "certainty (this reanalysis)": q.certainty,
                "reasons": q.reasons,
                "interpretation": text.interpretation(e, q.certainty, arms),
            }
        )
    return pd.DataFrame(rows)


INDICATIONS = {
    "SAA": "Severe aplastic anaemia",
    "ITP": "Immune thrombocytopenia",
    "CIT": "Chemotherapy-induced thrombocytopenia",
}


def evidence_html(table: pd.DataFrame) -> str:
    """The evidence table as HTML: one header row per indication, the reasons folded under the certainty."""

    def cell(text: str) -> str:
        return html.escape(str(text))

    rows = []
    for indication, g in table.groupby("indication", sort=False):
        name = INDICATIONS.get(indication, indication)
        rows.append(f'<tr class="group"><th colspan="5">{cell(name)}</th></tr>')
        for r in g.to_dict("records"):
            rows.append(
                "<tr>"
                f"<td>{cell(r['question'])}</td>"
                f"<td>{cell(r['studies'])}<br><small>{cell(r['design'])}</small></td>"
                f"<td>{cell(r['effect (95% CI)'])}</td>"
                f"<td><strong>{cell(r['certainty (this reanalysis)'])}</strong>"
                f"<details><summary>reasons</summary>{cell(r['reasons'])}</details></td>"
                f"<td>{cell(r['interpretation'])}</td>"
                "</tr>"
            )
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "Question",
            "Studies (design)",
            "Effect (95% CI)",
            "Certainty (this reanalysis)",
            "Interpretation",
        )
    )
    return (
        f'<div class="table-wrap"><table class="evidence"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


PROTOCOL_COLUMNS = [
    "study",
    "arm_id",
    "category",
    "item",
    "text",
    "value",
    "unit",
    "source_status",
    "source",
    "notes",
]


def protocol_table(d, study_ids: list[str]) -> pd.DataFrame:
    """The protocol facts of ``study_ids`` for a report table: studies in the order given, categories
    in the schema's order, each row with the study's readable label and its source."""
    from ..evidence import PROTOCOL_CATEGORIES

    order = {sid: i for i, sid in enumerate(study_ids)}
    cats = {c: i for i, c in enumerate(PROTOCOL_CATEGORIES)}
    p = d.protocols[d.protocols.study_id.isin(study_ids)].sort_values(
        ["study_id", "category"],
        key=lambda col: col.map(order if col.name == "study_id" else cats),
        kind="stable",
    )
    shown = p.copy()
    shown.insert(0, "study", [d.study_label(x) for x in shown.study_id])
    return shown[PROTOCOL_COLUMNS]
