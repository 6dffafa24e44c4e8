"""Deterministic, atomic writing of reports, tables and figures.

Everything written is byte-identical across two builds on the same machine: figures are saved
without dates or software stamps and with a fixed SVG hash salt; tables are written with fixed
float formatting. A report is built in a staging folder next to its destination and swapped in
whole, so a failed or killed build never leaves a half-written report or a folder mixing old and
new files. Files get ordinary permissions (0666 minus the umask), not the 0600 of a temporary
file.
"""

from __future__ import annotations

import base64
import functools
import html
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

#: File marking a folder as a report written here, so that rebuilding may replace it.
MARKER = ".reanalysis-report"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def check_writable(out_dir: Path) -> None:
    """Fail fast (before any computation) when ``out_dir`` cannot be written or replaced."""
    out_dir = Path(out_dir)
    parent = out_dir.parent
    probe = parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write the report to {out_dir}: {probe} is not writable")
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ValueError(f"cannot write the report to {out_dir}: it is a file, not a folder")
        if (
            any(out_dir.iterdir())
            and not (out_dir / MARKER).exists()
            and not (out_dir / "report.md").exists()
        ):
            raise ValueError(
                f"{out_dir} exists and is not a report folder written by reanalysis; choose a new or empty folder"
            )
        if not os.access(out_dir, os.W_OK | os.X_OK):
            raise ValueError(f"cannot replace the report in {out_dir}: it is not writable")


def _clean_stale(parent: Path, name: str) -> None:
    """Remove staging folders and temporary files left by a killed build."""
    for p in parent.glob(f".{name}.staging-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in parent.glob(f".{name}.old-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in parent.glob(".*.tmp"):
        try:
            p.unlink()
        except OSError:
            pass


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


def fmt_p(p: float) -> str:
    """A p-value for prose: "p < 0.001", "p = 0.032", "p = 0.49" (never scientific notation)."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p not available"
    if p < 0.001:
        return "p < 0.001"
    if p < 0.01:
        return f"p = {p:.3f}"
    return f"p = {p:.2f}" if p >= 0.095 else f"p = {p:.3f}".rstrip("0")


def fmt_interval(
    estimate: float, low: float, high: float, *, percent: bool = False, digits: int = 1, points: bool = False
) -> str:
    """An estimate with its CI for prose: "65.6% (52.7 to 77.1)", "-8.2 points (-24.6 to +10.0)", "2.42 (1.35 to 4.34)".

    ``percent`` multiplies proportions by 100; ``points`` formats a difference in percentage points with
    explicit signs. "to" (not a hyphen) separates the bounds so negative numbers stay readable.
    """
    f = 100.0 if (percent or points) else 1.0
    if points:
        return f"{f * estimate:+.{digits}f} points ({f * low:+.{digits}f} to {f * high:+.{digits}f})".replace(
            "+-", "-"
        )
    unit = "%" if percent else ""
    return f"{f * estimate:.{digits}f}{unit} ({f * low:.{digits}f} to {f * high:.{digits}f})"


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
        "<tr>" + "".join(_td(_linkify(html.escape(fmt(v, digits)))) for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    # Wide tables scroll inside their box instead of crushing their columns.
    return f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


_URL = re.compile(r"(https?://[^\s<>&;,)]+)")


def _linkify(text: str) -> str:
    return _URL.sub(r'<a href="\1">\1</a>', text)


@dataclass
class Section:
    title: str
    finding: str
    parts: list = field(default_factory=list)  # ("text", str) | ("table", ...) | ("figure", name, alt)
    level: int = 2


@dataclass
class Report:
    """A report built section by section and written as Markdown and self-contained HTML.

    ``index`` (optional) is the relative link back to an index page, shown at the top.
    """

    name: str
    title: str
    intro: str
    sections: list[Section] = field(default_factory=list)
    figures: dict = field(default_factory=dict)  # name -> Figure
    index: str | None = None

    def section(self, title: str, finding: str = "", level: int = 2) -> Section:
        s = Section(title, finding, level=level)
        self.sections.append(s)
        return s

    @staticmethod
    def text(section: Section, text: str) -> None:
        section.parts.append(("text", text))

    @staticmethod
    def table(
        section: Section, name: str, frame: pd.DataFrame, digits: int = 3, caption: str = "", empty: str = ""
    ) -> None:
        """Add a table; an empty frame needs ``empty``, the sentence that says why it is empty."""
        if frame.empty:
            if not empty:
                raise ValueError(f"table {name!r} is empty and no sentence says why (pass empty=...)")
            section.parts.append(("text", empty))
            return
        section.parts.append(("table", name, frame.reset_index(drop=True), digits, caption))

    def figure(self, section: Section, name: str, fig, alt: str) -> None:
        self.figures[name] = fig
        section.parts.append(("figure", name, alt))

    def all_text(self) -> str:
        """Every sentence and table cell of the report (for glossary scanning)."""
        chunks = [self.title, self.intro]
        for s in self.sections:
            chunks += [s.title, s.finding]
            for part in s.parts:
                if part[0] == "text":
                    chunks.append(part[1])
                elif part[0] == "table":
                    frame = part[2]
                    chunks += [str(c) for c in frame.columns]
                    chunks += [str(v) for col in frame.columns for v in frame[col].tolist()]
                    chunks.append(part[4])
                else:
                    chunks.append(part[2])
        return "\n".join(chunks)

    def write(self, out_dir: Path, provenance: str) -> None:
        """Write tables (CSV + Markdown), figures (PNG + SVG), report.md and report.html.

        Everything goes to a staging folder beside ``out_dir`` that replaces ``out_dir`` whole at
        the end; on any error the staging folder is removed and ``out_dir`` is left as it was.
        """
        out_dir = Path(out_dir)
        check_writable(out_dir)
        parent = out_dir.parent
        parent.mkdir(parents=True, exist_ok=True)
        _clean_stale(parent, out_dir.name)
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out_dir.name}.staging-"))
        try:
            os.chmod(staging, 0o777 & ~_umask())
            self._write_into(staging, provenance)
            _swap(staging, out_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            from .. import plots

            for fig in self.figures.values():
                plots.close(fig)

    def _write_into(self, out_dir: Path, provenance: str) -> None:
        (out_dir / "tables").mkdir()
        (out_dir / "figures").mkdir()
        for sub in ("tables", "figures"):
            os.chmod(out_dir / sub, 0o777 & ~_umask())
        atomic_write(out_dir / MARKER, b"written by reanalysis; this folder is replaced whole on rebuild\n")
        pngs = {name: save_figure(fig, out_dir / "figures" / name) for name, fig in self.figures.items()}
        md = [f"# {self.title}", ""]
        body = []
        if self.index:
            md += [f"[← all reports]({self.index.replace('.html', '.md')})", ""]
            body.append(f'<nav><a href="{html.escape(self.index)}">← all reports</a></nav>')
        md += [self.intro, ""]
        body += [f"<h1>{html.escape(self.title)}</h1>", _md_to_html(self.intro)]
        for s in self.sections:
            hashes = "#" * s.level
            md += [f"{hashes} {s.title}", ""]
            body.append(f"<h{s.level}>{html.escape(s.title)}</h{s.level}>")
            if s.finding:
                md += [f"> **Finding.** {s.finding}", ""]
                body.append(f'<p class="finding"><strong>Finding.</strong> {_inline(s.finding)}</p>')
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
                    body += ([f'<p class="caption">{_inline(caption)}</p>'] if caption else []) + [
                        html_table(frame, digits),
                        f'<p class="csv"><a href="tables/{name}.csv">table as CSV</a></p>',
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


def _swap(staging: Path, out_dir: Path) -> None:
    if out_dir.exists():
        old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
        os.rename(out_dir, old)
        os.rename(staging, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, out_dir)


def render_html(title: str, body: str) -> str:
    return _html_environment().get_template("report.html.j2").render(title=html.escape(title), body=body)


@functools.cache
def _html_environment():
    # One environment per process: it keeps the compiled page template.
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("reanalysis", "templates"), autoescape=False, keep_trailing_newline=True
    )


def _inline(text: str) -> str:
    import markdown

    out = markdown.markdown(text)
    return out.removeprefix("<p>").removesuffix("</p>")


#: A cell longer than this (characters) is prose (an explanation, a source): it gets a reading
#: width instead of being squeezed by the numeric columns beside it.
LONG_CELL = 80


def _td(content: str) -> str:
    return f'<td class="long">{content}</td>' if len(content) > LONG_CELL else f"<td>{content}</td>"


def _md_to_html(text: str) -> str:
    import markdown

    out = markdown.markdown(text, extensions=["tables"])
    # Tables written in Markdown prose scroll like the others.
    return out.replace("<table>", '<div class="table-wrap"><table>').replace("</table>", "</table></div>")


def save_figure(fig, stem: Path) -> bytes:
    """Save ``fig`` as ``stem.png`` and ``stem.svg`` deterministically; return the PNG bytes."""
    import io

    import matplotlib as mpl
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    mpl.rcParams["svg.hashsalt"] = "reanalysis"
    # fig.tight_layout() leaves a placeholder layout engine behind, and savefig draws a figure
    # that has any engine once more before the draw it saves, to let the engine lay it out; a
    # placeholder lays out nothing, so that extra draw (a third of savefig's time) is wasted.
    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.set_layout_engine(None)
    png = io.BytesIO()
    fig.savefig(png, format="png", metadata={"Software": None})
    svg = io.BytesIO()
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    atomic_write(Path(f"{stem}.png"), png.getvalue())
    atomic_write(Path(f"{stem}.svg"), svg.getvalue())
    return png.getvalue()
