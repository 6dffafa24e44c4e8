"""Deterministic, atomic writing of reports, tables and figures.

This is the only module that writes files. Everything it writes is byte-identical across two
builds on the same machine: figures are saved without dates or software stamps and with a
fixed SVG hash salt; tables are written with fixed float formatting; files are written to a
temporary name and renamed, so a failed build never leaves a half-written file.
"""

from __future__ import annotations

import base64
import html
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def fmt(value, digits: int = 3) -> str:
    """Format a cell for a report table: never 'nan' or 'None' (an em dash instead)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isinf(value):
            return "∞" if value > 0 else "-∞"
        if value != 0 and abs(value) < 10 ** (-digits):
            return f"{value:.2e}"
        text = f"{value:.{digits}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def pct(value, digits: int = 1) -> str:
    """A proportion as a percentage string."""
    if value is None or (isinstance(value, float) and (math.isnan(value))):
        return "—"
    return f"{100 * value:.{digits}f}%"


def markdown_table(frame: pd.DataFrame, digits: int = 3) -> str:
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in frame.itertuples(index=False):
        cells = [fmt(v, digits).replace("|", "\\|").replace("\n", " ") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def html_table(frame: pd.DataFrame, digits: int = 3) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(fmt(v, digits))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@dataclass
class Section:
    title: str
    finding: str
    parts: list = field(
        default_factory=list
    )  # ("text", str) | ("table", name, frame, digits) | ("figure", name, alt)


@dataclass
class Report:
    """A report built section by section and written as Markdown and self-contained HTML."""

    name: str
    title: str
    intro: str
    sections: list[Section] = field(default_factory=list)
    figures: dict = field(default_factory=dict)  # name -> Figure

    def section(self, title: str, finding: str) -> Section:
        s = Section(title, finding)
        self.sections.append(s)
        return s

    @staticmethod
    def text(section: Section, text: str) -> None:
        section.parts.append(("text", text))

    @staticmethod
    def table(section: Section, name: str, frame: pd.DataFrame, digits: int = 3, caption: str = "") -> None:
        section.parts.append(("table", name, frame.reset_index(drop=True), digits, caption))

    def figure(self, section: Section, name: str, fig, alt: str) -> None:
        self.figures[name] = fig
        section.parts.append(("figure", name, alt))

    def write(self, out_dir: Path, provenance: str) -> None:
        """Write tables (CSV + Markdown), figures (PNG + SVG), report.md and report.html."""
        from . import plots

        out_dir = Path(out_dir)
        (out_dir / "tables").mkdir(parents=True, exist_ok=True)
        (out_dir / "figures").mkdir(parents=True, exist_ok=True)
        pngs = {}
        for name, fig in self.figures.items():
            pngs[name] = save_figure(fig, out_dir / "figures" / name)
            plots.close(fig)
        md = [f"# {self.title}", "", self.intro, ""]
        body = [f"<h1>{html.escape(self.title)}</h1>", _md_to_html(self.intro)]
        for s in self.sections:
            md += [f"## {s.title}", "", f"> **Finding.** {s.finding}", ""]
            body += [
                f"<h2>{html.escape(s.title)}</h2>",
                f'<p class="finding"><strong>Finding.</strong> {_inline(s.finding)}</p>',
            ]
            for part in s.parts:
                if part[0] == "text":
                    md += [part[1], ""]
                    body.append(_md_to_html(part[1]))
                elif part[0] == "table":
                    _, name, frame, digits, caption = part
                    csv = frame.to_csv(index=False, float_format="%.10g", lineterminator="\n")
                    atomic_write(out_dir / "tables" / f"{name}.csv", csv.encode())
                    mdt = markdown_table(frame, digits)
                    atomic_write(out_dir / "tables" / f"{name}.md", (mdt + "\n").encode())
                    md += ([f"*{caption}*", ""] if caption else []) + [
                        mdt,
                        "",
                        f"[table as CSV](tables/{name}.csv)",
                        "",
                    ]
                    body += ([f"<p><em>{html.escape(caption)}</em></p>"] if caption else []) + [
                        html_table(frame, digits),
                        f'<p><a href="tables/{name}.csv">table as CSV</a></p>',
                    ]
                else:
                    _, name, alt = part
                    md += [f"![{alt}](figures/{name}.png)", "", f"[SVG](figures/{name}.svg)", ""]
                    data = base64.b64encode(pngs[name]).decode()
                    body.append(
                        f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
                        f"<figcaption>{html.escape(alt)}</figcaption></figure>"
                    )
        md += ["---", "", provenance, ""]
        body += [f"<footer>{_md_to_html(provenance)}</footer>"]
        atomic_write(out_dir / "report.md", "\n".join(md).encode())
        atomic_write(out_dir / "report.html", render_html(self.title, "\n".join(body)).encode())


def render_html(title: str, body: str) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reanalysis", "templates"), autoescape=False, keep_trailing_newline=True
    )
    return env.get_template("report.html.j2").render(title=html.escape(title), body=body)


def _inline(text: str) -> str:
    import markdown

    out = markdown.markdown(text)
    return out.removeprefix("<p>").removesuffix("</p>")


def _md_to_html(text: str) -> str:
    import markdown

    return markdown.markdown(text, extensions=["tables"])


def save_figure(fig, stem: Path) -> bytes:
    """Save ``fig`` as ``stem.png`` and ``stem.svg`` deterministically; return the PNG bytes."""
    import io

    import matplotlib as mpl

    mpl.rcParams["svg.hashsalt"] = "hetrombopag-reanalysis"
    png = io.BytesIO()
    fig.savefig(png, format="png", metadata={"Software": None})
    svg = io.BytesIO()
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    atomic_write(Path(f"{stem}.png"), png.getvalue())
    atomic_write(Path(f"{stem}.svg"), svg.getvalue())
    return png.getvalue()


def provenance(study_data, data_files: list[str] | None = None) -> str:
    """Footer text: package and library versions, SHA-256 of each data file used."""
    from importlib.metadata import version

    from . import __version__

    libs = ["numpy", "scipy", "pandas", "statsmodels", "lifelines", "matplotlib", "seaborn"]
    versions = ", ".join(f"{lib} {version(lib)}" for lib in libs)
    files = data_files or sorted(study_data.checksums)
    sums = "\n".join(f"- `data/{f}`: `{study_data.checksums[f]}`" for f in files)
    return (
        f"**Provenance.** Generated by hetrombopag-reanalysis {__version__} with {versions}. "
        f"Rebuild with `make reports`.\n\nData files (SHA-256):\n\n{sums}"
    )


def parse_args(description: str):
    """Command-line arguments shared by the analysis scripts: --out and --data-dir."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", required=True, help="output folder for this report")
    parser.add_argument("--data-dir", default=None, help="study tables (default: the repository's data/)")
    return parser.parse_args()


def run(main) -> None:
    """Run an analysis script's ``main``; a data or input error prints one clear message and exits 1."""
    import sys

    try:
        main()
    except ValueError as err:  # DataValidationError is a ValueError and lists every problem
        print(f"{Path(sys.argv[0]).name}: error: {err}", file=sys.stderr)
        sys.exit(1)
