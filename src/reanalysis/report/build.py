"""Build several reports in one go: libraries imported once, the shared audit computed once.

``python -m reanalysis.report.build --out reports --data-dir data analyses/saa.py ... analyses/index.py``
runs each analysis script as if from the command line (``--out OUT/<name> --data-dir DIR``; the
index, a script named ``index.py`` or else the last one, runs after the others with ``--out OUT``,
so ``analyses/*.py`` in any order works). The parent process imports the heavy libraries, loads
the evidence folder and audits it; the scripts then run in ``--jobs`` forked workers that inherit
all of it, so a cold build pays for the imports and the audit once. Output is the same, byte for
byte, as running the scripts one by one.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import runpy
import sys
import traceback
from pathlib import Path


def _run_script(script: str, out: str, data_dir: str | None) -> str | None:
    """Run one analysis script in this process; return an error message or None."""
    argv = [script, "--out", out]
    if data_dir is not None:
        argv += ["--data-dir", data_dir]
    saved = sys.argv
    sys.argv = argv
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as stop:
        if stop.code not in (0, None):
            return f"{Path(script).name} exited with status {stop.code}"
    except Exception:  # noqa: BLE001 - reported with its traceback, the build fails
        return f"{Path(script).name} failed:\n{traceback.format_exc()}"
    finally:
        sys.argv = saved
    return None


def _warm() -> None:
    """Import what the report scripts use and compile the report templates, once, in the parent.

    A forked worker inherits all of it; otherwise each worker would import seaborn, markdown,
    jinja2 and the plotting backends and compile the templates itself.
    """
    import jinja2
    import markdown
    import markdown.extensions.tables  # noqa: F401
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.backends.backend_svg  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import pandas  # noqa: F401
    import scipy.stats  # noqa: F401
    import seaborn  # noqa: F401
    from PIL import PngImagePlugin  # noqa: F401

    from .. import bayes, fragility, glossary, meta, power, survival  # noqa: F401
    from . import _prose_environment, evidence_summary  # noqa: F401
    from .writer import _html_environment

    markdown.markdown("| a |\n|---|\n| 1 |", extensions=["tables"])
    prose = _prose_environment()
    for name in prose.list_templates(filter_func=lambda n: n.endswith(".md.j2")):
        try:
            prose.get_template(name).module  # noqa: B018 - compiles and runs the template's top level
        except jinja2.TemplateError:  # a template no report of this build uses must not stop it;
            pass  # one that a report uses fails in that report, with its traceback
    _html_environment().get_template("report.html.j2")


def split_index(scripts: list[str]) -> tuple[list[str], str]:
    """(report scripts, index script): the script named index.py wherever it is, else the last one.

    A shell glob (``analyses/*.py``) puts index.py before itp.py and saa.py; run first, the index
    would find no reports to list.
    """
    named = [s for s in scripts if Path(s).name == "index.py"]
    index = named[-1] if named else scripts[-1]
    return [s for s in scripts if s != index], index


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder holding one folder per report")
    parser.add_argument("--data-dir", default=None, help="evidence folder")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="worker processes")
    parser.add_argument(
        "scripts", nargs="+", help="analysis scripts; index.py (or else the last one) builds the index"
    )
    args = parser.parse_args(argv)
    reports, index = split_index(args.scripts)
    # Warm the parent: everything a worker needs is inherited through fork.
    from .. import audit, evidence, plots  # noqa: F401

    try:
        ev = evidence.load(args.data_dir)
        audit.audit(ev)
    except ValueError as err:
        print(f"build: error: {err}", file=sys.stderr)
        return 1
    _warm()

    jobs = [(s, str(Path(args.out) / Path(s).stem), args.data_dir) for s in reports]
    if args.jobs > 1 and len(jobs) > 1 and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(min(args.jobs, len(jobs))) as pool:
            errors = pool.starmap(_run_script, jobs)
    else:
        errors = [_run_script(*job) for job in jobs]
    errors = [e for e in errors if e]
    if not errors:
        error = _run_script(index, args.out, args.data_dir)
        errors = [error] if error else []
    for e in errors:
        print(f"build: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
