"""The SAA report leads with the clinical answer, states its limits and explains every method it names.

Built once from data/ into a temporary folder; every expected number is recomputed here from data/
with the library, never typed.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from reanalysis import data, plots, proportions  # noqa: E402
from reanalysis.glossary import GLOSSARY  # noqa: E402
from reanalysis.report import fmt_interval  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
STUDY = "saa_hpag_vs_epag"


@pytest.fixture(scope="module")
def report(flagship_reports):
    out = flagship_reports / "saa"
    return (out / "report.md").read_text(encoding="utf-8"), out


def _sections(md: str) -> list[tuple[str, str]]:
    """(title, body) of every level-2 section."""
    parts = re.split(r"^## (.+)$", md, flags=re.M)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def _finding(body: str) -> str:
    m = re.search(r"^> \*\*Finding\.\*\* (.+)$", body, flags=re.M)
    return m.group(1) if m else ""


def _prose(md: str) -> str:
    return "\n".join(
        line for line in md.splitlines() if line.strip() and not line.startswith(("|", "[", "*"))
    )


def test_first_section_is_the_summary_of_findings_with_the_hpag_vs_epag_difference(report):
    md, _ = report
    d = data.load(DATA)
    xa, na, _ = d.counts(STUDY, "hpag_ist", "overall_response", 6, "month")
    xb, nb, _ = d.counts(STUDY, "epag_ist", "overall_response", 6, "month")
    rd = proportions.effect_size(xa, na, xb, nb, "rd", method="newcombe")
    title, body = _sections(md)[0]
    assert title == "Summary of findings"
    assert fmt_interval(rd.estimate, rd.low, rd.high, points=True) in _finding(body)
    assert "HPAG - EPAG" in _finding(body)


def test_hpag_section_opens_with_difference_relative_effect_and_nnt(report):
    md, _ = report
    d = data.load(DATA)
    title, body = next(s for s in _sections(md) if s[0].startswith("Hetrombopag vs eltrombopag"))
    finding = _finding(body)
    for endpoint in ("overall_response", "complete_response"):
        xa, na, _ = d.counts(STUDY, "hpag_ist", endpoint, 6, "month")
        xb, nb, _ = d.counts(STUDY, "epag_ist", endpoint, 6, "month")
        rd = proportions.effect_size(xa, na, xb, nb, "rd", method="newcombe")
        rr = proportions.effect_size(xa, na, xb, nb, "rr", method="wald")
        assert fmt_interval(rd.estimate, rd.low, rd.high, points=True) in finding
        assert fmt_interval(rr.estimate, rr.low, rr.high, digits=2) in finding
        assert proportions.nnt(rd).describe() in finding
    # The reproducibility verdict comes after the clinical quantity, scaled to what it changes.
    assert "p-value" not in finding and "reproduc" not in finding
    assert "change no conclusion" in body
    # Which counts are inferred is said, and the counts table names every derived row.
    derived = d.outcomes[(d.outcomes.study_id == STUDY) & d.outcomes.responders.isna()]
    assert "Which counts are inferred" in body and len(derived) > 0
    for r in derived.itertuples():
        assert f"{int(r.derived_responders)}/{int(r.derived_n)}" in body


def test_sign_convention_and_one_method_per_quantity_are_stated(report):
    md, _ = report
    intro = md.split("## ")[0] + _sections(md)[0][1]
    assert "hetrombopag minus its comparator" in intro
    assert "One method per quantity, chosen by this reanalysis before the comparison was made" in intro
    for name in ("Clopper-Pearson", "Newcombe", "Katz log", "Altman"):
        assert name in intro


def test_method_comparison_tables_are_in_the_appendix_only(report):
    md, out = report
    titles = [t for t, _ in _sections(md)]
    first_appendix = next(i for i, t in enumerate(titles) if t.startswith("Appendix"))
    for table in ("saa_hpag_vs_epag_tests", "saa_hpag_vs_epag_all_effects", "saa_epag_rct_pooled"):
        where = next(i for i, (_, b) in enumerate(_sections(md)) if f"tables/{table}.csv" in b)
        assert where >= first_appendix, table
    tests = pd.read_csv(out / "tables" / "saa_hpag_vs_epag_tests.csv")
    assert len(tests) == 2 * len(proportions.TEST_METHODS)


def test_no_enthusiastic_prior_and_the_prior_is_justified(report):
    md, out = report
    priors = pd.read_csv(out / "tables" / "saa_hpag_vs_epag_bayes_or.csv")
    assert "enthusiastic" not in set(priors.prior)
    body = next(b for t, b in _sections(md) if t.startswith("Hetrombopag vs eltrombopag"))
    assert "indirect evidence" in body and "not causal" in body
    # How much of the posterior comes from the prior is stated, in the text and in the table.
    assert "prior weight" in priors.columns and priors["prior weight"].between(0, 1).all()
    sceptical = priors[priors.prior == "sceptical"]["prior weight"].iloc[0]
    assert f"the prior contributes {100 * sceptical:.0f}% of the posterior" in body


def test_limitations_say_what_is_an_inference(report):
    md, _ = report
    body = next(b for t, b in _sections(md) if t == "Limitations")
    assert "retrospective" in body and "randomised" in body
    assert body.count("(an inference)") >= 2  # ATG types and treatment periods are inferences
    assert "no published numbers" in body


def test_no_pooled_diamond_and_no_cross_study_drug_comparison(report):
    md, out = report
    body = next(b for t, b in _sections(md) if t.startswith("Other evidence"))
    assert "between-drug comparisons across studies are not supported" in body
    arms = pd.read_csv(out / "tables" / "saa_or6_arms.csv")
    assert not arms.study.str.contains("pooled", case=False).any()
    pooled = pd.read_csv(out / "tables" / "saa_epag_rct_pooled.csv")
    assert pooled.method.str.contains("Hartung-Knapp").any()
    assert {"prediction low", "prediction high"} <= set(pooled.columns)


def test_phase2_safety_counts_are_shown(report):
    _, out = report
    d = data.load(DATA)
    safety = pd.read_csv(out / "tables" / "saa_ph2_safety.csv")
    rows = d.outcomes[
        (d.outcomes.study_id == "saa_ph2_nct03557099") & d.outcomes.endpoint.str.contains("adverse|death")
    ]
    assert len(rows) == len(safety) > 0
    for r in rows.itertuples():
        assert f"{int(r.responders)}/{int(r.n)}" in set(safety["n/N"])


def test_protocol_rows_are_shown_or_their_absence_is_said(report, tmp_path):
    md, _ = report
    d = data.load(DATA)
    if d.protocols[d.protocols.study_id == "saa_ph3_nct03825744"].empty:
        assert "The seed gives no protocol for SAA phase 3" in md
    else:
        assert "saa_ph3_nct03825744_protocol.csv" in md


def test_no_pvalue_in_scientific_notation_in_prose(report):
    md, _ = report
    assert not re.search(r"\d\.\d+e-\d+", _prose(md))


def test_every_method_named_is_in_the_glossary(report):
    md, _ = report
    glossary = next(b for t, b in _sections(md) if t == "Glossary")
    for term in (
        "Clopper-Pearson",
        "Newcombe interval",
        "Katz log interval",
        "Hartung-Knapp",
        "sceptical prior",
        "Santner-Snell interval",
        "Chan-Zhang interval",
        "log-log interval",
    ):
        assert term in GLOSSARY and f"| {term} |" in glossary, term


def test_report_links_back_to_the_index(report):
    md, out = report
    assert "(../index.md)" in md
    assert 'href="../index.html"' in (out / "report.html").read_text(encoding="utf-8")


def test_figure_captions_are_built_from_the_plotted_rows(report):
    _, out = report
    svg = (out / "figures" / "saa_or6_forest.svg").read_text(encoding="utf-8")
    d = data.load(DATA)
    # Every plotted study's label is on the figure; no snake_case study id is.
    for sid in ("saa_hpag_vs_epag", "saa_race_2022", "saa_nih_epag_2017"):
        assert sid not in svg
    assert "Source" in svg and d.study_label("saa_race_2022").split()[0] in svg


# --------------------------------------------------------------------------------------------
# The two plot functions this report relies on
# --------------------------------------------------------------------------------------------
def _frame():
    return pd.DataFrame(
        {
            "timepoint": ["a", "a", "b", "b"],
            "arm": ["x", "y", "x", "y"],
            "label": ["x1", "y1", "x2", "y2"],
            "study": ["S1", "S1", "S2", "S2"],
            "estimate": [0.5, 0.6, 0.3, 0.2],
            "low": [0.4, 0.5, 0.2, 0.1],
            "high": [0.6, 0.7, 0.4, 0.3],
            "n/N": ["5/10", "6/10", "3/10", "2/10"],
        }
    )


def test_response_plot_writes_n_over_n_and_keeps_the_legend_off_the_data():
    fig = plots.response_plot(_frame(), title="T", caption="Source: rows", counts="n/N")
    ax = fig.axes[0]
    texts = {t.get_text() for t in ax.texts}
    assert {"5/10", "6/10", "3/10", "2/10"} <= texts
    legend = ax.get_legend()
    fig.canvas.draw()
    box = legend.get_window_extent()
    assert box.x0 >= ax.get_window_extent().x1 - 1  # outside the plotting area
    plots.close(fig)


def test_forest_plot_groups_by_study_on_the_percent_scale():
    fig = plots.forest_plot(
        _frame(),
        group="study",
        group_headers=True,
        counts="n/N",
        percent=True,
        title="T",
        caption="Source: rows",
    )
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "S1" and "S2" in labels
    assert ax.get_xlim() == (0.0, 100.0)
    assert ax.get_legend() is None  # the study headers replace the legend
    assert {"5/10", "2/10"} <= {t.get_text() for t in ax.texts}
    plots.close(fig)


def test_no_raw_method_id_is_printed(report):
    md, _ = report
    body = md.split("## Glossary")[0]
    for raw in (*proportions.TEST_METHODS, "clopper-pearson", "wald-t"):
        if raw in ("fisher", "barnard", "boschloo", "chi2"):
            assert not re.search(rf"(?<![\w'-]){raw}(?![\w'-])", body), raw
        else:
            assert raw not in body, raw
    assert "| pvalue |" not in md and "| statistic |" not in md


def test_prediction_interval_is_not_given_for_fewer_than_three_trials(report):
    _, out = report
    pooled = pd.read_csv(out / "tables" / "saa_epag_rct_pooled.csv", dtype=str)
    for r in pooled.itertuples():
        if int(r.k) < 3:
            assert r._6.startswith("not estimable") and r._7.startswith("not estimable")
    # Ratios are printed with two decimals at most.
    for col in ("pooled odds ratio", "low", "high"):
        assert all(len(v.split(".")[1]) <= 2 or float(v) < 0.1 for v in pooled[col]), col


def test_questions_without_an_estimate_are_not_rated(report):
    _, out = report
    from reanalysis.evidence import NOT_RATED
    from reanalysis.report.evidence_summary import evidence_table

    d = data.load(DATA)
    table = evidence_table(d)
    none = table["effect (95% CI)"].str.startswith("No published result")
    assert none.any()
    assert (table.loc[none, "certainty (this reanalysis)"] == NOT_RATED).all()
    assert (table.loc[~none, "certainty (this reanalysis)"] != NOT_RATED).all()


def test_a_grade_level_without_an_estimate_is_refused(tmp_path):
    import shutil

    from reanalysis.report.evidence_summary import evidence_table

    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    cert = pd.read_csv(folder / "certainty.csv", dtype=str, keep_default_na=False)
    cert.loc[cert.question_id == "saa_ph3_hpag_ist_cr", "certainty"] = "very low"
    cert.to_csv(folder / "certainty.csv", index=False)
    with pytest.raises(ValueError, match="saa_ph3_hpag_ist_cr"):
        evidence_table(data.load(folder))


def test_protocol_tables_never_repeat_a_row(report):
    _, out = report
    tables = sorted((out / "tables").glob("*_protocol.csv"))
    assert tables
    for path in tables:
        t = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert not t.duplicated().any(), (path.name, t[t.duplicated(keep=False)].to_dict("records"))
    # Every study's facts as the shared helper gives them, too.
    from reanalysis.report.evidence_summary import protocol_table

    d = data.load(DATA)
    for study in d.protocols.study_id.unique():
        t = protocol_table(d, [study])
        assert not t.duplicated().any(), study


def test_one_closest_statement_on_the_plausible_denominators(report):
    md, _ = report
    d = data.load(DATA)
    verdict = next(
        p for p in md.split("\n\n") if p.startswith("**Are the published p-values reproducible?**")
    )
    n_all = int(d.arms[(d.arms.study_id == STUDY) & (d.arms.arm_id == "hpag_ist")].n_enrolled.iloc[0])
    for ep in ("overall_response", "complete_response"):
        xa, na, _ = d.counts(STUDY, "hpag_ist", ep, 6, "month")
        xb, nb, _ = d.counts(STUDY, "epag_ist", ep, 6, "month")
        tests = proportions.compare_all(xa, na, xb, nb)
        assert f"{tests.pvalue.max():.3f}" in verdict
        assert f"{xa}/{na}" in verdict and f"{xb}/{nb}" in verdict
    assert f"all {n_all} treated patients" in verdict


def test_index_row_shows_only_the_studies_its_effect_uses(flagship_reports):
    d = data.load(DATA)
    md = (flagship_reports / "index.md").read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if "adding eltrombopag to horse ATG" in line)
    studies = row.split(" | ")[2]
    race, paed = d.study_label("saa_race_2022"), d.study_label("saa_goronkova_2023")
    assert studies.startswith(race)
    x1, n1, _ = d.counts("saa_goronkova_2023", "ist_epag", "overall_response", 4, "month")
    x2, n2, _ = d.counts("saa_goronkova_2023", "ist", "overall_response", 4, "month")
    rd = proportions.effect_size(x1, n1, x2, n2, "rd", method="newcombe")
    assert f"{paed} at 4 months, not in the effect shown: " in studies
    assert fmt_interval(rd.estimate, rd.low, rd.high, points=True) in studies
