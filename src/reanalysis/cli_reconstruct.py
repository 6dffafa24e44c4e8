"""``reanalysis reconstruct``: two digitised Kaplan-Meier curves to a reanalysis report section.

The integrator registers the verb in :mod:`reanalysis.cli`::

    from . import cli_reconstruct
    cli_reconstruct.add_parser(sub)            # sub = parser.add_subparsers(...)
    ...
    if args.command == "reconstruct":
        return cli_reconstruct.run(args)

Input files (CSV, UTF-8, header row; see ``examples/reconstruction/README.md``):

- curve: columns ``time`` and ``survival`` — the digitised points of one arm's published KM curve
  (every step and the flat tail to the end of follow-up), survival as a proportion in [0, 1].
- at-risk table: columns ``time`` and ``n_risk`` — the published numbers at risk, first row at
  time 0.

Output in ``--out``: ``report.md`` and ``report.html`` (one section), ``tables/*.csv`` and ``*.md``
(verdicts, arm summary, effect estimates, published vs reconstructed numbers at risk),
``tables/ipd.csv`` (the reconstructed patients: arm, time, event) and ``figures/reconstruction.png``
(+ ``.svg``). Bad input prints one line on stderr and returns 2.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

VERB = "reconstruct"


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``reconstruct`` verb to an ``argparse`` sub-parser collection."""
    p = subparsers.add_parser(
        VERB,
        help="reconstruct two arms from digitised KM curves and compare with the published figures",
        description=(
            "Reconstruct individual patient data from two digitised Kaplan-Meier curves and their "
            "published numbers at risk (Guyot 2012, with the published numbers honoured), then report "
            "KM curves, log-rank test, Cox hazard ratio, restricted mean survival time and whether the "
            "published median/HR are consistent with the curves."
        ),
    )
    for arm in ("a", "b"):
        p.add_argument(
            f"--curve-{arm}", required=True, metavar="CSV", help=f"arm {arm.upper()}: curve (time,survival)"
        )
        p.add_argument(
            f"--at-risk-{arm}",
            required=True,
            metavar="CSV",
            help=f"arm {arm.upper()}: at-risk table (time,n_risk)",
        )
        p.add_argument(f"--label-{arm}", default=f"Arm {arm.upper()}", help=f"arm {arm.upper()} name")
        p.add_argument(
            f"--events-{arm}", type=int, metavar="N", help=f"arm {arm.upper()}: published total of events"
        )
        p.add_argument(
            f"--median-{arm}", metavar="T", help=f"arm {arm.upper()}: published median (a number or NR)"
        )
    p.add_argument("--hr", type=float, help="published hazard ratio, arm A relative to arm B")
    p.add_argument("--hr-ci", nargs=2, type=float, metavar=("LOW", "HIGH"), help="its published CI")
    p.add_argument("--tau", type=float, help="RMST horizon (default: the shorter arm's follow-up)")
    from .cli import _level

    p.add_argument("--level", type=_level, default=0.95, help="confidence level in percent (default 95)")
    p.add_argument("--time-unit", default="months", help="unit of the time axis, for labels (default months)")
    p.add_argument("--title", default="Reconstructed Kaplan-Meier curves", help="report title")
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the report into")
    return p


def _read(path: str, what: str):
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise ValueError(f"{what} {path!r}: no such file") from None
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(f"{what} {path!r} is not a readable CSV ({first})") from None
    except OSError as err:
        raise ValueError(f"{what} {path!r} cannot be read ({err.strerror})") from None
    return frame


def _sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def build_report(args, comparison):
    """The report (not yet written) for a finished :class:`~reanalysis.reconstruction.ArmComparison`."""
    import numpy as np
    import pandas as pd

    from . import plots
    from .report import Report, fmt

    c = comparison
    unit = args.time_unit
    n_ok = int((c.verdicts["verdict"] == "consistent").sum())
    finding = (
        f"Reconstructed hazard ratio {c.label_a} vs {c.label_b}: {c.hazard_ratio:.2f} "
        f"({c.hr_low:.2f}-{c.hr_high:.2f}), log-rank p = {c.logrank_pvalue:.2g}; "
        f"{n_ok} of {len(c.verdicts)} published numbers are consistent with the curves."
    )
    rep = Report(
        "reconstruction",
        args.title,
        "Individual patient data reconstructed from the digitised published curves and numbers at risk "
        "(Guyot et al., BMC Med Res Methodol 2012;12:9, with every published number at risk and total of "
        "events honoured where the curve allows it), then reanalysed.",
    )
    sec = rep.section("Reconstruction and reanalysis", finding)
    rep.text(
        sec,
        f"Arm {c.label_a}: {c.n_a} patients, {c.events_a} events reconstructed (largest distance between "
        f"the reconstructed and the digitised curve {c.reconstruction_a.max_curve_difference:.3f}). "
        f"Arm {c.label_b}: {c.n_b} patients, {c.events_b} events "
        f"({c.reconstruction_b.max_curve_difference:.3f}). Hazard ratio from a Cox model (Efron ties) on "
        f"the reconstructed data; restricted mean survival time up to {fmt(c.tau, 3)} {unit}.",
    )
    rep.figure(
        sec,
        "reconstruction",
        plots.reconstruction_plot(
            c,
            title=args.title,
            xlabel=f"Time ({unit})",
            caption=f"Source: digitised curves {Path(args.curve_a).name}, {Path(args.curve_b).name}.",
        ),
        "Reconstructed Kaplan-Meier curves (lines) over the digitised published points (circles), with "
        "reconstructed (published) numbers at risk",
    )
    verdicts = c.verdicts.astype({"published": object, "reconstructed": object})
    is_median = verdicts["quantity"] == "median"
    for col, word in (("published", "NR"), ("reconstructed", "not reached")):
        values = pd.to_numeric(verdicts[col])
        verdicts.loc[is_median & (values.isna() | np.isinf(values)), col] = word
    rep.table(sec, "verdicts", verdicts, caption="Published numbers against the reconstruction")
    rep.table(sec, "arms", c.summary(), caption=f"Per arm (times in {unit})")
    effects = pd.DataFrame(
        [
            (f"hazard ratio ({c.label_a} vs {c.label_b})", c.hazard_ratio, c.hr_low, c.hr_high),
            ("log-rank chi-square", c.logrank_statistic, float("nan"), float("nan")),
            ("log-rank p-value", c.logrank_pvalue, float("nan"), float("nan")),
            (
                f"RMST difference up to {fmt(c.tau, 3)} (A - B)",
                c.rmst_difference,
                c.rmst_difference_low,
                c.rmst_difference_high,
            ),
        ],
        columns=["quantity", "estimate", "low", "high"],
    )
    rep.table(sec, "effects", effects, caption=f"Effect estimates ({c.level:.0%} CI)")
    return rep


def provenance(args) -> str:
    from importlib.metadata import version

    from . import __version__

    libs = ["numpy", "scipy", "pandas", "lifelines", "matplotlib"]
    versions = ", ".join(f"{lib} {version(lib)}" for lib in libs)
    files = [args.curve_a, args.at_risk_a, args.curve_b, args.at_risk_b]
    sums = "\n".join(f"- `{Path(f).name}`: `{_sha256(f)}`" for f in files)
    return (
        f"**Provenance.** Generated by hetrombopag-reanalysis {__version__} (`reanalysis reconstruct`) "
        f"with {versions}.\n\nInput files (SHA-256):\n\n{sums}"
    )


def run(args) -> int:
    """Run the verb; 0 on success, 2 (one line on stderr) on bad input or an unwritable ``--out``."""
    try:
        return _run(args)
    except ValueError as err:
        print(f"reanalysis {VERB}: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"reanalysis {VERB}: error: cannot write {args.out!r} ({err.strerror or err})", file=sys.stderr)
        return 2


def _run(args) -> int:
    from . import reconstruction
    from .report import atomic_write

    if args.hr_ci is not None and len(args.hr_ci) != 2:
        raise ValueError("--hr-ci needs two numbers: LOW HIGH")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {args.out!r} is a file, not a folder")
    curves = {}
    for arm in ("a", "b"):
        curves[arm] = (
            _read(getattr(args, f"curve_{arm}"), f"--curve-{arm}"),
            _read(getattr(args, f"at_risk_{arm}"), f"--at-risk-{arm}"),
        )
    comparison = reconstruction.compare_arms(
        *curves["a"],
        *curves["b"],
        total_events_a=args.events_a,
        total_events_b=args.events_b,
        labels=(args.label_a, args.label_b),
        published_median_a=args.median_a,
        published_median_b=args.median_b,
        published_hr=args.hr,
        published_hr_ci=tuple(args.hr_ci) if args.hr_ci is not None else None,
        tau=args.tau,
        level=args.level,
    )
    rep = build_report(args, comparison)
    prov = provenance(args)
    rep.write(out, prov)
    ipd = comparison.ipd[["arm", "time", "event"]].to_csv(
        index=False, float_format="%.10g", lineterminator="\n"
    )
    atomic_write(out / "tables" / "ipd.csv", ipd.encode())
    print(f"wrote {out / 'report.md'} ({len(comparison.verdicts)} published numbers checked)")
    return 0
