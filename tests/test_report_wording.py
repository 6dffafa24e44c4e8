"""Reader-facing wording of the SAA, ITP and CIT reports: method names, not ids; words, not snake_case.

Built once per session (the shared ``flagship_reports`` fixture of conftest.py).
"""

import re

import pandas as pd
import pytest

from reanalysis import glossary

REPORTS = ("saa", "itp", "cit")
# Ids that must never reach a reader (the audit report, rebuilt by the integrator, is not checked here).
RAW_IDS = re.compile(
    r"(?<![\w-])(clopper-pearson|wilson-cc|agresti-coull|wald-t|chi2|chi2-yates|g-test|fisher-midp|"
    r"z-unpooled|santner-snell|chan-zhang|miettinen-nurminen|cochran-armitage-exact|dunnett|bonferroni)"
    r"(?![\w-])"
)


def _body(md: str) -> str:
    """The report without its provenance block (file names and hashes) and figure/CSV links."""
    md = md.split("**Provenance.**")[0]
    return re.sub(r"\]\([^)]*\)", "]", md)


@pytest.mark.parametrize("name", REPORTS)
def test_no_method_id_or_snake_case_id_reaches_the_reader(flagship_reports, name):
    md = _body((flagship_reports / name / "report.md").read_text())
    assert RAW_IDS.findall(md) == []
    # snake_case ids (outside link targets and the provenance block)
    assert re.findall(r"\b[a-z0-9]+_[a-z0-9_]+\b", md) == []
    assert "`" not in md


def test_cit_caption_states_the_level_each_curve_starts_at(flagship_reports):
    md = (flagship_reports / "cit" / "report.md").read_text()
    caption = re.search(r"!\[(Power curves of the registered CIT designs[^\]]*)\]", md).group(1)
    points = pd.read_csv(flagship_reports / "cit" / "tables" / "cit_power_curve_points.csv")
    at_zero = points[points["difference (points)"] == 0]["power %"]
    for level in at_zero.round(1):
        assert f"{level:g}%" in caption


def test_method_names_cover_every_id_and_depend_on_the_measure():
    assert glossary.method_name("wald", "rr") == "Katz log"
    assert glossary.method_name("wald", "or") == "Woolf logit"
    assert glossary.method_name("dunnett") == "Dunnett"
    assert glossary.method_name("some_new_id") == "some new id"
    text = "closest is chi2-yates on 42/64 vs 31/42; conditional estimate; Wald"
    shown = glossary.display_method_ids(text)
    assert (
        "chi-square with Yates' correction" in shown and "conditional estimate" in shown and "Wald" in shown
    )


def test_verdict_terms_match_verdict_cells_only():
    prose = [term for term, _ in glossary.terms_in("counts consistent with the values; not reproduced")]
    assert not any("audit verdict" in term for term in prose)
    assert any(term == "consistent (audit verdict)" for term, _ in glossary.terms_in("x\nconsistent\ny"))


def test_protocol_items_have_readable_labels():
    assert glossary.item_label("pnh_clone") == "PNH clone size"
    assert glossary.item_label("new_item") == "new item"
