"""reports/index.html: one page linking every report with its title and first finding."""

import html
import re
from pathlib import Path

from reanalysis.report import atomic_write, render_html

REPORTS = ["saa", "itp", "cit", "audit"]


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--data-dir", default=None)
    out = Path(parser.parse_args().out)
    items, md = [], ["# hetrombopag-reanalysis: reports", ""]
    for name in REPORTS:
        text = (out / name / "report.md").read_text(encoding="utf-8")
        title = text.splitlines()[0].removeprefix("# ")
        finding = re.search(r"> \*\*Finding\.\*\* (.+)", text).group(1)
        items.append(
            f'<li><a href="{name}/report.html">{html.escape(title)}</a><p>{html.escape(finding)}</p></li>'
        )
        md += [f"- [{title}]({name}/report.md): {finding}"]
    body = (
        "<h1>hetrombopag-reanalysis: reports</h1><p>Reanalysis of the published evidence on hetrombopag olamine "
        "in combination therapies, rebuilt from <code>data/</code> by <code>make reports</code>. Each report is "
        "self-contained (figures embedded) and readable offline.</p><ul>" + "".join(items) + "</ul>"
    )
    atomic_write(out / "index.md", ("\n".join(md) + "\n").encode())
    atomic_write(out / "index.html", render_html("hetrombopag-reanalysis: reports", body).encode())


if __name__ == "__main__":
    main()
