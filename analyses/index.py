"""reports/index.html: what the evidence says across indications, and a link to every report.

The "what the evidence says" table has one row per clinical question of ``certainty.csv``: the
studies and designs that answer it, the effect recomputed from the counts in the evidence folder
(absolute difference with its CI, relative effect, NNT or NNH; a single-arm rate with its exact
CI), this reanalysis's certainty-of-evidence judgement with its reasons, and one sentence of
interpretation written by ``templates/index.md.j2`` from the computed values.

The table itself is built by :mod:`reanalysis.report.evidence_summary` (shared with the SAA report).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from reanalysis import data
from reanalysis.report import (
    atomic_write,
    markdown_table,
    narrative,
    render_html,
    run,
)
from reanalysis.report.evidence_summary import evidence_html, evidence_table

REPORTS = ["saa", "itp", "cit", "audit"]


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="folder holding the report folders")
    parser.add_argument(
        "--data-dir", default=None, help="evidence folder (default: $REANALYSIS_DATA or ./data)"
    )
    args = parser.parse_args()
    out = Path(args.out)
    d = data.load(args.data_dir)
    text = narrative("index")
    table = evidence_table(d)
    judged_by = "; ".join(dict.fromkeys(d.certainty.judged_by))
    links, items = [], []
    for name in REPORTS:
        report = (out / name / "report.md").read_text(encoding="utf-8")
        title = report.splitlines()[0].removeprefix("# ")
        finding = re.search(r"> \*\*Finding\.\*\* (.+)", report).group(1)
        items.append(
            f'<li><a href="{name}/report.html">{html.escape(title)}</a><p>{html.escape(finding)}</p></li>'
        )
        links.append(f"- [{title}]({name}/report.md): {finding}")
    title = "hetrombopag-reanalysis: what the evidence says"
    md = [
        f"# {title}",
        "",
        text.intro(),
        "",
        "## What the evidence says",
        "",
        text.table_intro(judged_by),
        "",
    ]
    md += [markdown_table(table), "", "## Reports", "", *links]
    body = (
        f"<h1>{html.escape(title)}</h1><p>{html.escape(text.intro())}</p>"
        f"<h2>What the evidence says</h2><p>{html.escape(text.table_intro(judged_by))}</p>"
        + evidence_html(table)
        + "<h2>Reports</h2><ul>"
        + "".join(items)
        + "</ul>"
    )
    atomic_write(out / "index.md", ("\n".join(md) + "\n").encode())
    atomic_write(out / "index.html", render_html(title, body).encode())


if __name__ == "__main__":
    run(main)
