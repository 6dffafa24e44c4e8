"""HTML layout: wide tables scroll inside their box, sources are links, reports link to the index.

The static checks always run (they read the CSS of ``report.html.j2`` and the committed reports in
``reports/``). The browser check renders the reports in headless Chromium at 1280 px and measures
the layout; it runs only where ``chromium`` is installed (CI has none, so it is skipped there).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reanalysis.report import render_html

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "src" / "reanalysis" / "templates" / "report.html.j2"
REPORTS = sorted((ROOT / "reports").glob("*/report.html")) + [ROOT / "reports" / "index.html"]
IDS = [str(p.relative_to(ROOT / "reports")) for p in REPORTS]
WIDTH = 1280


def _css() -> dict[str, str]:
    """Selector -> declarations of the report stylesheet."""
    css = re.search(r"<style>(.*?)</style>", TEMPLATE.read_text(encoding="utf-8"), re.S).group(1)
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return {sel.strip(): body.strip() for sel, body in re.findall(r"([^{}]+)\{([^}]*)\}", css)}


def _declarations(body: str) -> dict[str, str]:
    return {k.strip(): v.strip() for k, v in (d.split(":", 1) for d in body.split(";") if ":" in d)}


def test_table_wrapper_scrolls_horizontally_and_fits_its_box():
    rules = {sel: _declarations(body) for sel, body in _css().items()}
    wrap = rules[".table-wrap"]
    assert wrap.get("overflow-x") == "auto"
    assert wrap.get("max-width") == "100%"


def test_no_css_rule_makes_a_table_or_its_box_wider_than_the_page():
    for selector, body in _css().items():
        if not re.search(r"\btable\b|table-wrap", selector):
            continue
        decl = _declarations(body)
        for prop in ("width", "min-width"):
            value = decl.get(prop)
            if value is None:
                continue
            # Only relative widths up to the box are allowed on tables and their wrappers.
            m = re.fullmatch(r"(\d+(?:\.\d+)?)%", value)
            assert m and float(m.group(1)) <= 100, f"{selector} {{{prop}: {value}}}"


class _Walker(HTMLParser):
    """Records, for every <table>, the class of its parent element, and URL text outside links."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.table_parents: list[str] = []
        self.bare_urls: list[str] = []
        self.index_links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            parent = self.stack[-1] if self.stack else ("", {})
            self.table_parents.append(f"{parent[0]}.{parent[1].get('class', '')}")
        if tag == "a" and (attrs.get("href") or "").endswith("index.html"):
            self.index_links.append(attrs["href"])
        if tag not in ("br", "img", "meta", "hr", "link", "input"):
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        inside_link = any(tag == "a" for tag, _ in self.stack)
        in_code = any(tag in ("code", "style", "script") for tag, _ in self.stack)
        if not inside_link and not in_code:
            self.bare_urls += re.findall(r"https?://\S+", data)


def _walk(path: Path) -> _Walker:
    w = _Walker()
    w.feed(path.read_text(encoding="utf-8"))
    return w


@pytest.mark.parametrize("path", REPORTS, ids=IDS)
def test_every_table_sits_in_a_scroll_box(path):
    w = _walk(path)
    assert w.table_parents, "no table found"
    assert set(w.table_parents) == {"div.table-wrap"}, w.table_parents


@pytest.mark.parametrize("path", REPORTS, ids=IDS)
def test_sources_are_clickable_links(path):
    assert _walk(path).bare_urls == []


@pytest.mark.parametrize("path", [p for p in REPORTS if p.name == "report.html"], ids=lambda p: p.parent.name)
def test_each_report_links_back_to_the_index(path):
    assert "../index.html" in _walk(path).index_links


def test_the_writer_wraps_tables_written_in_markdown_prose():
    from reanalysis.report.writer import _md_to_html

    html = _md_to_html("| a | b |\n|---|---|\n| 1 | 2 |")
    assert '<div class="table-wrap"><table>' in html
    assert "<table" in render_html("t", html)


# --------------------------------------------------------------------------------------------
# In a real browser (skipped without chromium)
# --------------------------------------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

MEASURE = """
<script>
window.addEventListener('load', () => {
  const body = document.body.getBoundingClientRect();
  const out = {viewport: window.innerWidth, bodyRight: body.right, boxes: [], crushed: []};
  document.querySelectorAll('table').forEach((t, i) => {
    const box = t.parentElement, r = box.getBoundingClientRect();
    out.boxes.push({i, boxRight: r.right, overflow: getComputedStyle(box).overflowX,
                    tableWidth: t.scrollWidth, boxWidth: box.clientWidth});
    t.querySelectorAll('td, th').forEach(c => {
      if (c.colSpan === 1 && c.getBoundingClientRect().width < 40) out.crushed.push([i, c.textContent.slice(0, 30)]);
    });
  });
  window.parent.postMessage({page: PAGE, layout: out}, '*');
});
</script>
"""

# One browser for every page: each report in its own frame of the size of the window the pages were
# once measured in one by one (WIDTH x 2000 px). A frame scrolls like that window, so the page keeps
# its vertical scroll bar and is laid out in WIDTH px minus the bar, as in a real WIDTH px window (a
# frame taller than the page would lay it out in the full WIDTH, a looser check). Each frame reports
# its measurements to this page, which writes them all into its title.
DRIVER = """<!doctype html><html><head><title>waiting</title></head>
<body style="margin:0">
<script>
const results = {};
window.addEventListener('message', e => {
  results[e.data.page] = e.data.layout;
  if (Object.keys(results).length === FRAMES.length) document.title = 'LAYOUT' + JSON.stringify(results);
});
const FRAMES = SOURCES;
FRAMES.forEach(src => {
  const f = document.createElement('iframe');
  f.src = src;
  f.style.cssText = 'display:block;border:0;width:WIDTHpx;height:2000px';
  document.body.appendChild(f);
});
</script></body></html>
"""


def _chromium(args: list[str]) -> subprocess.CompletedProcess:
    import tempfile

    profile = tempfile.mkdtemp(prefix="chromium-profile-")  # each run its own profile: runs side by side
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run(
        [CHROMIUM, *flags, f"--window-size={WIDTH},2000", *args],
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    """Every page measured at WIDTH px in one headless Chromium (one start-up)."""
    tmp = tmp_path_factory.mktemp("layout")
    sources = []
    for i, path in enumerate(REPORTS):
        page = tmp / f"page{i}.html"
        page.write_text(
            path.read_text(encoding="utf-8").replace("</body>", MEASURE.replace("PAGE", str(i)) + "</body>"),
            encoding="utf-8",
        )
        sources.append(page.name)
    driver = tmp / "driver.html"
    driver.write_text(
        DRIVER.replace("SOURCES", json.dumps(sources)).replace("WIDTH", str(WIDTH)), encoding="utf-8"
    )
    proc = _chromium(["--virtual-time-budget=10000", "--dump-dom", driver.as_uri()])
    m = re.search(r"<title>LAYOUT(.*?)</title>", proc.stdout, re.S)
    assert m, f"not every page reported its layout: {proc.stderr[-2000:]}"
    results = json.loads(m.group(1).replace("&amp;", "&").replace("&quot;", '"'))
    return {path: results[str(i)] for i, path in enumerate(REPORTS)}


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (the static layout checks still run)")
@pytest.mark.parametrize("path", REPORTS, ids=IDS)
def test_layout_at_1280px_in_chromium(path, layouts):
    layout = layouts[path]
    assert layout["viewport"] == WIDTH
    for box in layout["boxes"]:
        # Every table's box ends inside the page; a wider table scrolls inside it.
        assert box["boxRight"] <= layout["bodyRight"] + 1, box
        assert box["overflow"] == "auto", box
    assert layout["crushed"] == [], "cells narrower than 40 px (columns crushed instead of scrolling)"
