"""The ITP and CIT reports: the clinical answer first, computed prose, honest figures.

The reports are built once into a temporary folder (as tests/test_reports.py does); a second build
from a changed copy of data/ checks that no sentence keeps a stale number.
"""

import ast
import re
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from conftest import build_one  # noqa: E402

from reanalysis import data, plots  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ("itp", "cit")
SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE][-+]?\d+")
# Names that contain a digit but are not numbers typed into the prose.
NAMES = re.compile(r"phase \d|anti-CD20|10\^9/L")


def _build(out: Path, name: str, data_dir: Path = ROOT / "data", **kw):
    return build_one(name, out / name, data_dir, **kw)


@pytest.fixture(scope="module")
def built(flagship_reports):
    out = flagship_reports
    return {name: (out / name / "report.md").read_text(encoding="utf-8") for name in REPORTS} | {"out": out}


def _prose(md: str) -> str:
    """Sentences of a report: no tables, no provenance footer."""
    body = md.split("\n---\n")[0]
    return "\n".join(line for line in body.splitlines() if not line.startswith("|"))


def _findings(md: str) -> list[str]:
    return re.findall(r"^> \*\*Finding\.\*\* (.+)$", md, flags=re.M)


def test_itp_leads_with_the_absolute_difference_and_nnt_per_dose(built):
    first = _findings(built["itp"])[0]
    d = data.load(ROOT / "data")
    arms = d.arms[(d.arms.study_id == "itp_ph3_nct03222843") & (d.arms.arm_id != "placebo")]
    for arm in arms.arm_id:
        x, n, _ = d.counts("itp_ph3_nct03222843", arm, "platelet_response", 8, "week")
        assert f"{x}/{n}" in first
    assert first.count("NNT") == len(arms) and first.count(" points (") == len(arms)
    assert "monotherapy" in first


def test_itp_case_series_say_what_few_patients_can_and_cannot_say(built):
    md = built["itp"]
    assert "exact 95% CI for the true rate is 39.8 to 100.0%" in md
    assert "What the series cannot say" in md
    assert "bleeding score of 3 or 4" in md and "score of 0" in md


def test_itp_dose_uses_a_trend_test_not_overlapping_intervals(built):
    md = built["itp"]
    assert "Cochran-Armitage test for trend" in _findings(md)[1]
    assert "overlap" not in _prose(md)


def test_itp_verdict_says_probably_adjusted_is_an_inference(built):
    md = built["itp"]
    assert "probably adjusted" in md and "an inference, not a published fact" in md
    assert "agrees with its p-value" in md


def test_cit_leads_with_what_is_known_and_names_each_assumption(built):
    md = built["cit"]
    first = _findings(md)[0]
    assert first.startswith("No hetrombopag CIT trial has published a responder proportion")
    assert "not found in the registry copies searched" in first
    assert "any registry" not in md.lower()
    assert "**active** rhTPO control" in md and "wrong reference" in md
    assumptions = pd.read_csv(built["out"] / "cit" / "tables" / "cit_assumptions.csv")
    assert {"control rate assumed", "why", "alpha", "multiplicity"} <= set(assumptions.columns)
    assert assumptions["why"].str.len().min() > 40
    assert "Dunnett" in assumptions["multiplicity"].iloc[0]


def test_cit_power_curve_is_two_sided(built):
    pts = pd.read_csv(built["out"] / "cit" / "tables" / "cit_power_curve_points.csv")
    at_zero = pts[pts["difference (points)"] == 0].set_index("design")["power %"]
    assert len(at_zero) == 3
    each = [d for d in at_zero.index if "per comparison" in d]
    assert len(each) == 1 and 2.0 < at_zero[each[0]] < 5.0  # the Dunnett per-comparison level
    assert (abs(at_zero.drop(each) - 5.0) < 1e-6).all()  # familywise and two-arm levels
    assert (pts.groupby("design")["power %"].apply(lambda s: s.is_monotonic_increasing)).all()


def test_cit_power_curve_agrees_with_the_minimal_detectable_difference(built):
    """The per-comparison curve reaches 80% where the body's minimal detectable difference says."""
    md = built["cit"]
    power_rows = pd.read_csv(built["out"] / "cit" / "tables" / "cit_power.csv")
    body = power_rows[power_rows["assumed control rate"] == "40%"]["answer"].iloc[0].split(" points")[0]
    assert f"reaches 80% at {body} points" in md
    assert "at least one" in md and "same true improvement" in md
    mult = pd.read_csv(built["out"] / "cit" / "tables" / "cit_multiplicity.csv", dtype=str)
    assert mult["smallest detectable improvement (points)"].str.fullmatch(r"\d+\.\d").all()


@pytest.mark.parametrize("name", REPORTS)
def test_no_scientific_notation_in_prose(built, name):
    assert SCIENTIFIC.findall(_prose(built[name])) == []


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_has_limitations_glossary_and_an_appendix(built, name):
    md = built[name]
    for heading in ("## Limitations", "## Glossary", "## Appendix"):
        assert heading in md
    assert md.index("## Limitations") < md.index("## Appendix") < md.index("## Glossary")


@pytest.mark.parametrize("name", REPORTS)
def test_templates_type_no_numbers(name):
    text = (ROOT / "src" / "reanalysis" / "templates" / f"{name}.md.j2").read_text(encoding="utf-8")
    literal = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", text, flags=re.S)
    assert re.findall(r"\d", NAMES.sub("", literal)) == []


def _literals(tree):
    """Numeric and string literals outside docstrings and module-level UPPER_CASE constants."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
    for node in tree.body:
        if isinstance(node, ast.Assign) and all(
            isinstance(t, ast.Name) and t.id.isupper() for t in node.targets
        ):
            skip.update(id(n) for n in ast.walk(node))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in skip]


@pytest.mark.parametrize("name", REPORTS)
def test_analyses_type_no_study_numbers(name):
    tree = ast.parse((ROOT / "analyses" / f"{name}.py").read_text(encoding="utf-8"))
    bad = []
    for node in _literals(tree):
        v = node.value
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, (int, float)) and v not in (0, 1, 2, 3, 100):
            bad.append((node.lineno, v))
        if isinstance(v, str) and re.search(r"(?<![A-Za-z_\d])\d", NAMES.sub("", v)):
            bad.append((node.lineno, v))
    assert bad == []


def test_changed_data_changes_every_sentence(tmp_path):
    """A report rebuilt from changed data keeps no stale number."""
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    out = pd.read_csv(copy / "outcomes.csv", dtype=str, keep_default_na=False)
    sel = (
        (out.study_id == "itp_ph3_nct03222843")
        & (out.arm_id == "placebo")
        & (out.endpoint == "platelet_response")
    )
    out.loc[sel, ["responders", "reported_percent"]] = ["8", "9.4"]
    out.to_csv(copy / "outcomes.csv", index=False)
    arms = pd.read_csv(copy / "arms.csv", dtype=str, keep_default_na=False)
    arms.loc[(arms.study_id == "cit_nct05864014") & (arms.arm_id == "hpag"), "n_randomised"] = "80"
    arms.to_csv(copy / "arms.csv", index=False)
    itp = _build(tmp_path, "itp", copy, rasterise=False)
    first = _findings(itp)[0]
    assert "8/85 (9.4%)" in first and "5/85" not in _prose(itp)
    cit = _build(tmp_path, "cit", copy, rasterise=False)
    assert "randomised 223 patients" in cit and "80 and 72 vs 71" in cit and "randomised 213" not in cit


# ------------------------------------------------------------------------------------------
# Figures
# ------------------------------------------------------------------------------------------
def test_source_line_is_built_from_the_plotted_rows():
    d = data.load(ROOT / "data")
    rows = d.outcomes[d.outcomes.study_id.isin(["itp_anticd20_hpag_cases", "itp_ph3_nct03222843"])]
    line = plots.source_line(rows, d.studies, tables="outcomes.csv", note="Exact CIs.")
    assert line.startswith("Source: Anti-CD20 + HPAG case series")
    assert "seed document only" in line and "doi:10.1186/s13045-021-01047-9" in line and "Table 2" in line
    assert line.endswith("[data/outcomes.csv]. Exact CIs.")
    only = plots.source_line(rows[rows.study_id == "itp_ph3_nct03222843"], d.studies)
    assert "case series" not in only


def test_range_plot_panels_keep_scales_apart():
    frame = pd.DataFrame(
        {
            "panel": ["series", "series", "trial", "trial"],
            "label": ["time to response", "duration", "2.5 mg", "placebo"],
            "median": [float("nan"), float("nan"), 22.0, 8.5],
            "minimum": [2.0, 91.0, 6.0, 7.0],
            "maximum": [9.0, 822.0, 53.0, 42.0],
        }
    )
    fig = plots.range_plot(
        frame,
        panel="panel",
        title="T",
        caption="Source: s",
        panel_log={"series": True, "trial": False},
        vlines={"trial": [(56.0, "end of week 8")]},
    )
    series, trial = fig.axes
    assert series.get_xscale() == "log" and trial.get_xscale() == "linear"
    assert trial.get_xlim()[1] > 56 and series.get_xlim()[1] > 800
    assert any(t.get_text() == "end of week 8" for t in trial.texts)
    plots.close(fig)


def test_power_curve_is_in_percent_with_the_legend_outside():
    frame = pd.DataFrame({"design": ["a"] * 3, "difference": [0.0, 0.1, 0.2], "power": [0.05, 0.4, 0.8]})
    fig = plots.power_curve(frame, alpha=0.05, title="T", caption="Source: s")
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    assert list(line.get_xdata()) == [0.0, 10.0, 20.0] and line.get_ydata()[0] == pytest.approx(5.0)
    assert ax.get_ylabel() == "Power (%)"
    fig.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 <= ax.get_window_extent().y0 + 1  # below the axes, covering no curve
    plots.close(fig)


def test_itp_trend_is_exact_first_with_the_flat_upper_cohorts_said(built):
    """Few patients per cohort: the exact trend test is the body's, the asymptotic one a sensitivity line."""
    from reanalysis import contingency
    from reanalysis.report import fmt_p

    finding = _findings(built["itp"])[1]
    x, n, s = [1, 7, 8], [8, 12, 12], [2.5, 5, 7.5]
    exact = contingency.trend_test(x, n, scores=s, method="cochran-armitage-exact").pvalue
    asym = contingency.trend_test(x, n, scores=s, method="cochran-armitage").pvalue
    assert f"exact Cochran-Armitage test for trend, {fmt_p(exact)}" in finding
    assert fmt_p(asym) in finding and finding.index(fmt_p(exact)) < finding.index(fmt_p(asym))
    assert "response was flat" in finding and "rests on the 2.5 mg cohort of 8 patients" in finding


def test_index_reports_the_dose_trend_not_a_pairwise_nnt(built):
    index = (built["out"] / "index.md").read_text(encoding="utf-8")
    row = next(line for line in index.splitlines() if "first-in-patient" in line and line.startswith("| ITP"))
    assert "test for trend" in row and "NNT 1." not in row and "7.5 vs 2.5" not in row
