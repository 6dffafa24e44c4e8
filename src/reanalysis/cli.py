"""The ``reanalysis`` command line: one verb per check, and a report for any evidence folder.

    reanalysis init DIR                     a blank evidence folder to fill
    reanalysis report DIR --out OUT         the audit report of a folder (Markdown, HTML, CSV, figures)
    reanalysis audit [DIR] [--csv FILE]     the audit table
    reanalysis fingerprint [DIR]            each paper's dominant CI method and test, and the outliers
    reanalysis counts 65.6 --n 55-67        which count/n print as a percentage
    reanalysis ci 23 55 --method all        confidence intervals for count/n
    reanalysis ci-method 23 55 28.7 55.9    which CI method gives a printed interval
    reanalysis compare 42 64 31 42          two-group tests
    reanalysis effect 42 64 31 42           risk difference / ratio / odds ratio with CIs (and NNT)
    reanalysis explain-p 0.494 --group 65.6%:55-67 --group 73.8%:35-42
    reanalysis explain-p 0.024 --group 1/8 --group 7/12 --group 8/12     (k groups: r x 2 and trend tests)
    reanalysis explain-p 0.494 --table "21 23 23; 12 19 11"              (r x c tests)
    reanalysis table "1 7; 7 5; 8 4" --kind trend                        every test of one table
    reanalysis fragility 10 50 20 50        fragility index
    reanalysis ratio-check 0.72 0.55 0.94 0.016   does a HR/OR/RR's CI imply its printed p?

Levels are percentages (``--level 95``). Exit status, as grep: 0 = the printed number is reproduced
(or consistent), 1 = it is not / nothing fits (said in words on stderr), 2 = bad arguments or
data (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse prints usage too; keep it short)
        self.exit(2, f"{self.prog}: error: {message}\n")


class _NothingFits(Exception):
    """A check ran and found nothing (e.g. no count prints as the percentage): exit status 1."""


def _group(text: str):
    """'65.6%:64', '65.6:60-67' or '42/64' -> explain_pvalue group."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = re.fullmatch(r"\s*([<>]?[\d.]+)%?\s*:\s*(\d+)(?:\s*-\s*(\d+))?\s*", text)
    if not m:
        raise ValueError(f"--group must look like 65.6%:64, 65.6%:60-67 or 42/64, got {text!r}")
    pct, lo, hi = m.group(1), int(m.group(2)), m.group(3)
    return (pct, (lo, int(hi))) if hi else (pct, lo)


def _jobs(text: str) -> int:
    """--jobs: a number of processes (1, 2, ...) or -1 for all cores (joblib's convention)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value == -1 or value >= 1:
        return value
    raise argparse.ArgumentTypeError(
        f"must be a number of processes (1, 2, ...) or -1 for all cores, got {text!r}"
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value >= 1:
        return value
    raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")


def _nearby(spec) -> str:
    """An n range around the given n (or range), for a hint: 5% either side, at least 3."""
    low, high = spec if isinstance(spec, tuple) else (spec, spec)
    pad = max(3, round(0.05 * high))
    return f"{max(1, low - pad)}-{high + pad}"


def _p_phrase(text: str) -> str:
    """'0.494' -> 'p = 0.494'; '<0.001' or 'p<0.001' -> 'p < 0.001' (as a sentence prints it)."""
    from .audit.effects import spaced_p

    body = spaced_p(str(text))
    return f"p {body}" if body[:1] in "<>≤≥" else f"p = {body}"


# An upper bound may be infinite or not estimable, as a ratio's is where a group has no events.
_BOUNDS_IN_ONE = re.compile(r"(\d[\d.]*)\s*(?:-|–|to)\s*(\d[\d.]*|inf|infinity|ne|nr|∞)", re.IGNORECASE)


def _split_bounds(argv: list[str]) -> list[str]:
    """'ci-method 105 286 31.1-42.6' as if the bounds were given apart ('31.1 42.6').

    Papers print an interval as one token; both verbs take the bounds as two arguments, so a
    single "a-b" (positive bounds only, so a negative number is never split) is split.
    """
    if not argv or argv[0] not in ("ci-method", "ratio-check"):
        return argv
    out = []
    for token in argv:
        m = _BOUNDS_IN_ONE.fullmatch(token.strip())
        out.extend([m.group(1), m.group(2)] if m else [token])
    return out


def _n_spec(text: str):
    """'64' -> n=64; '55-67' -> n_range=(55, 67)."""
    m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", text)
    if not m:
        raise ValueError(f"--n must be a whole number or a range such as 55-67, got {text!r}")
    return (int(m.group(1)), int(m.group(2))) if m.group(2) else int(m.group(1))


def _level(text: str) -> float:
    """--level 95 -> 0.95; a proportion such as 0.95 is refused with a hint."""
    try:
        value = float(text.strip().rstrip("%"))  # "95%" as a paper prints it
    except ValueError:
        raise argparse.ArgumentTypeError(f"--level must be a percentage such as 95, got {text!r}") from None
    if not 50 <= value < 100:
        hint = f" (for a {value * 100:g}% interval write {value * 100:g})" if 0 < value < 1 else ""
        raise argparse.ArgumentTypeError(f"--level is a percentage in [50, 100), e.g. 95; got {text!r}{hint}")
    return value / 100


def _add_two_groups(p) -> None:
    p.add_argument(
        "groups",
        nargs="+",
        metavar="COUNTS",
        help="the two groups as count1 nobs1 count2 nobs2 (e.g. 55 192 67 189) or as 55/192 67/189",
    )


def _two_groups(args) -> None:
    """args.groups (four whole numbers, or two x/n) as args.count1, nobs1, count2, nobs2.

    Outside user (ASTER): `effect 55/192 67/189` was refused, where `explain-p --group 55/192` reads it.
    """
    tokens = [t for g in args.groups for t in (g.split("/") if "/" in g else [g])]
    shape = "count1 nobs1 count2 nobs2 (e.g. 55 192 67 189) or x1/n1 x2/n2 (e.g. 55/192 67/189)"
    if len(tokens) != 4:
        raise ValueError(f"expected two groups, as {shape}; got {' '.join(args.groups)!r}")
    try:
        args.count1, args.nobs1, args.count2, args.nobs2 = (_count(t) for t in tokens)
    except argparse.ArgumentTypeError as err:
        raise ValueError(f"{err}; give the two groups as {shape}") from None


def _count(text: str) -> int:
    if not re.fullmatch(r"\s*\d+\s*", text):
        raise argparse.ArgumentTypeError(f"expected a whole number (a count), got {text!r}")
    return int(text)


def _methods(value: str, allowed) -> list[str]:
    if value == "all":
        return list(allowed)
    methods = [v.strip() for v in value.split(",")]
    for m in methods:
        if m not in allowed:
            raise ValueError(f"--method must be 'all' or one of {', '.join(allowed)}; got {m!r}")
    return methods


def _version() -> str:
    from . import __version__

    return f"reanalysis {__version__}"


def build_parser() -> _Parser:
    parser = _Parser(
        prog="reanalysis",
        description="Check whether the numbers printed in clinical papers hold up, and report on any evidence folder.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    p = sub.add_parser("init", help="write a blank evidence folder (tables with headers and an example row)")
    p.add_argument("folder")
    p.add_argument("--force", action="store_true", help="overwrite existing table files")

    p = sub.add_parser("report", help="build the audit report of an evidence folder")
    p.add_argument("folder", help="evidence folder (see `reanalysis init`)")
    p.add_argument("--out", required=True, help="report folder to write (replaced whole)")
    p.add_argument("--title", help="report title (default: from the folder)")
    p.add_argument("--jobs", type=_jobs, default=1, help="processes for the audit (-1 = all cores)")

    p = sub.add_parser("audit", help="audit every published number in an evidence folder")
    p.add_argument("folder", nargs="?", help="evidence folder (default: $REANALYSIS_DATA or ./data)")
    p.add_argument("--data-dir", help=argparse.SUPPRESS)
    p.add_argument("--csv", metavar="FILE", help="write the audit table to FILE as CSV")
    p.add_argument("--jobs", type=_jobs, default=1, help="processes (-1 = all cores)")

    p = sub.add_parser(
        "fingerprint", help="each paper's dominant CI method and test, and the numbers that do not fit"
    )
    p.add_argument("folder", nargs="?", help="evidence folder (default: $REANALYSIS_DATA or ./data)")
    p.add_argument("--study", help="one study_id (shows its outliers)")

    p = sub.add_parser("counts", help="which count/n print as a published percentage")
    p.add_argument("percent", help="as printed, e.g. 65.6 or '<5'")
    p.add_argument("--n", required=True, type=str, help="denominator or range, e.g. 64 or 55-67")
    p.add_argument("--truncated", action="store_true", help="read the percentage as truncated, not rounded")

    p = sub.add_parser("ci", help="confidence intervals for count/n")
    p.add_argument("count", type=_count)
    p.add_argument("nobs", type=_count)
    p.add_argument("--method", default="clopper-pearson", help="CI method(s), comma-separated, or 'all'")
    p.add_argument("--level", type=_level, default=0.95, help="confidence level in percent (default 95)")

    p = sub.add_parser("ci-method", help="which CI method gives a published interval for count/n")
    p.add_argument("count", type=_count)
    p.add_argument("nobs", type=_count)
    p.add_argument("low", help="printed lower bound")
    p.add_argument("high", help="printed upper bound")
    p.add_argument("--level", type=_level, default=0.95, help="confidence level in percent (default 95)")
    p.add_argument(
        "--scale", choices=("percent", "proportion"), default="percent", help="scale of the printed bounds"
    )

    p = sub.add_parser("compare", help="two-group tests for count1/n1 vs count2/n2")
    _add_two_groups(p)
    p.add_argument("--method", default="fisher", help="test(s), comma-separated, or 'all'")

    p = sub.add_parser("effect", help="risk difference, risk ratio, odds ratio with CIs (group 1 vs group 2)")
    _add_two_groups(p)
    p.add_argument("--measure", default="all", type=str.lower, help="rd, rr, or, or 'all' (any case)")
    p.add_argument(
        "--method",
        default=None,
        type=str.lower,
        help="CI method for the measure (default: its default; 'all' for every one)",
    )
    p.add_argument("--level", type=_level, default=0.95, help="confidence level in percent (default 95)")

    p = sub.add_parser("explain-p", help="which counts and tests reproduce a published two-group p-value")
    p.add_argument("reported", help="p-value as printed, e.g. 0.494 or '<0.001'")
    p.add_argument(
        "--group",
        action="append",
        help="a group as 42/64 (counts), 65.6%%:64 or 65.6%%:60-67 (printed percent and n or n-range); "
        "twice for two groups, more for k ordered groups",
    )
    p.add_argument("--table", help="an r x c table of counts, rows split by ';' (e.g. '21 23 23; 12 19 11')")
    p.add_argument(
        "--strata", help="stratified 2x2 tables as 'x1/n1,x2/n2; x1/n1,x2/n2' (one pair per stratum)"
    )
    p.add_argument("--method", default="all", help="test(s), comma-separated, or 'all'")
    p.add_argument("--truncated", action="store_true", help="read printed percentages as truncated")
    p.add_argument("--top", type=_positive_int, default=10, help="rows to show (default 10)")

    p = sub.add_parser(
        "table", help="every contingency test of one table (r x c, trend across groups, strata)"
    )
    p.add_argument(
        "table", help="'8 2 3; 1 5 4' (rows split by ';'); strata split by '|': '2 1; 1 2 | 4 1; 2 3'"
    )
    p.add_argument(
        "--kind",
        choices=("rxc", "trend", "stratified"),
        default="rxc",
        help="rxc (independence), trend (rows = ordered groups as responders non-responders), stratified",
    )
    p.add_argument("--scores", help="trend scores, comma-separated (default 1..k), e.g. doses 2.5,5,7.5")
    p.add_argument(
        "--level", type=_level, default=0.95, help="confidence level in percent for the MH odds ratio"
    )

    p = sub.add_parser("fragility", help="fragility index of a two-group comparison")
    _add_two_groups(p)
    p.add_argument("--method", default="fisher", help="test used (default fisher)")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")

    p = sub.add_parser("ratio-check", help="does a ratio's (HR, OR, RR) CI imply its printed p-value?")
    p.add_argument("estimate", help="printed ratio, e.g. 0.72")
    p.add_argument("low", help="printed lower CI bound")
    p.add_argument("high", help="printed upper CI bound")
    p.add_argument("p", help="printed p-value, e.g. 0.016 or '<0.001'")
    p.add_argument("--level", type=_level, default=0.95, help="confidence level in percent (default 95)")

    p = sub.add_parser(
        "pool",
        help="random-effects meta-analysis of several studies' proportions (12/40) or two-group tables",
    )
    p.add_argument(
        "studies",
        nargs="+",
        metavar="STUDY",
        help="one per study: x/n for a proportion (12/40), x1/n1:x2/n2 for a two-group table (12/40:5/41)",
    )
    p.add_argument(
        "--measure", type=str.lower, default="or", help="or, rr or rd, for two-group tables (default or)"
    )
    p.add_argument(
        "--transform",
        type=str.lower,
        default="logit",
        help="scale of a pooled proportion: logit (default), freeman-tukey or none",
    )
    p.add_argument(
        "--tau2", default="REML", type=str.upper, help="between-study variance: REML (default), DL or PM"
    )
    p.add_argument("--hk", action="store_true", help="Hartung-Knapp-Sidik-Jonkman CI (t with k - 1 df)")
    p.add_argument("--level", type=_level, default=0.95, help="confidence level in percent (default 95)")

    for extra in _extra_verbs():
        extra.add_parser(sub)
    return parser


def _extra_verbs():
    """Verbs contributed by other modules (each has add_parser(subparsers) and run(args) -> int)."""
    mods = []
    for name in ("cli_reconstruct",):
        try:
            mods.append(__import__(f"{__package__}.{name}", fromlist=["add_parser"]))
        except ImportError:
            pass
    return mods


@functools.cache
def _parser() -> _Parser:
    # Built once per process (about 8 ms): argparse parsers are not changed by parsing.
    return build_parser()


def main(argv=None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(_split_bounds(list(sys.argv[1:] if argv is None else argv)))
    except SystemExit as stop:  # argparse: --help/--version (0) or a bad argument (2, one line printed)
        if argv is None:
            raise
        return int(stop.code or 0)
    try:
        return _run(args)
    except _NothingFits as err:
        print(f"reanalysis {args.command}: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (e.g. `| head -1`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except MemoryError:
        print(
            f"reanalysis {args.command}: error: out of memory; narrow the input (e.g. a smaller n range)",
            file=sys.stderr,
        )
        return 2
    except (ValueError, OSError) as err:
        message = str(err).splitlines()
        head = message[0] if message else type(err).__name__
        rest = "\n".join(message[1:])
        print(f"reanalysis {args.command}: error: {head}" + (f"\n{rest}" if rest else ""), file=sys.stderr)
        return 2


def _print_frame(frame, **kw) -> None:
    print(frame.to_string(index=False, **kw))


def _run(args) -> int:
    import pandas as pd

    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 90)
    pd.set_option("display.max_rows", 500)
    handler = globals().get(f"_cmd_{args.command.replace('-', '_')}")
    if handler is not None:
        return handler(args)
    for extra in _extra_verbs():
        if getattr(extra, "VERB", None) == args.command:
            return extra.run(args)
    raise ValueError(f"unknown command {args.command!r}")


def _cmd_init(args) -> int:
    from . import evidence

    written = evidence.init(args.folder, overwrite=args.force)
    print(f"wrote {len(written)} files to {args.folder}: " + ", ".join(p.name for p in written))
    print(
        f"fill the tables (see {args.folder}/README.md), then: reanalysis report {args.folder} --out REPORT_FOLDER"
    )
    return 0


def _cmd_report(args) -> int:
    from pathlib import Path

    from . import evidence
    from .report import build_audit_report, check_writable

    check_writable(Path(args.out))
    ev = evidence.load(args.folder)
    res = build_audit_report(ev, Path(args.out), title=args.title, n_jobs=args.jobs)
    c = res.counts
    print(
        f"wrote {args.out}/report.html and report.md: {c['total']} published "
        f"{'number' if c['total'] == 1 else 'numbers'}, {c['problems']} that "
        f"{'does' if c['problems'] == 1 else 'do'} not hold up, {c['model']} "
        f"model-based, {c['not_checkable']} not checkable"
    )
    return 0


def _load(args):
    from . import evidence

    folder = getattr(args, "folder", None) or getattr(args, "data_dir", None)
    if folder is None:
        # The library's message advises load('path/to/folder'); on the command line the folder is
        # an argument. A folder found by default is named, so nobody audits data/ unawares.
        try:
            folder = evidence.default_folder()
        except evidence.DataValidationError:
            raise ValueError(
                "no evidence folder given, $REANALYSIS_DATA is not set and ./data/studies.csv does not exist "
                f"here: name the folder (reanalysis {args.command} path/to/folder), or create one with "
                "`reanalysis init DIR`"
            ) from None
        where = "$REANALYSIS_DATA" if os.environ.get("REANALYSIS_DATA") else "the default, ./data"
        print(f"reanalysis: no folder given; reading {folder} ({where})", file=sys.stderr)
    return evidence.load(folder)


def _cmd_audit(args) -> int:
    import pandas as pd

    from . import audit

    if args.csv is not None:
        from pathlib import Path

        if not args.csv.strip():
            raise ValueError("--csv needs a file name, got an empty one")
        target = Path(args.csv)  # checked before the audit runs, not after
        if target.is_dir():
            raise ValueError(
                f"--csv {args.csv}: is a folder; give a file name such as {target / 'audit.csv'}"
            )
        if not target.parent.is_dir():
            raise ValueError(f"--csv {args.csv}: folder {target.parent} does not exist")
        if not os.access(target.parent, os.W_OK):
            raise ValueError(f"--csv {args.csv}: folder {target.parent} is not writable")
    frame = audit.audit(_load(args), n_jobs=args.jobs)
    if args.csv:
        frame.to_csv(args.csv, index=False)
        print(f"wrote {len(frame)} rows to {args.csv}")
    else:
        _print_frame(frame.drop(columns=["explanation", "source"]))
        numbers = audit.number_verdicts(frame)
        print(
            f"\n{len(numbers)} published numbers in {len(frame)} checks (a p-value printed beside its effect"
        )
        print("and CI is checked twice: recomputed, and against the CI); verdicts:")
        tally = pd.DataFrame(
            {"numbers": numbers.value_counts(), "checks": frame["verdict"].value_counts()}
        ).reindex([v for v in audit.VERDICTS if v in set(frame["verdict"])])
        print(tally.fillna(0).astype(int).to_string())
    bad = frame[frame["verdict"].isin(audit.PROBLEM_VERDICTS)]
    if len(bad):
        # A p-value checked twice (recomputed, and against its CI) is one published number.
        n_bad = int(audit.number_verdicts(frame).isin(audit.PROBLEM_VERDICTS).sum())
        if not args.csv:
            print("\nwhy the numbers that do not hold up fail:")
            for r in bad.itertuples(index=False):
                print(f"- {r.study_id} {r.endpoint} {r.arm} {r.kind} {r.reported}: {r.explanation}")
        raise _NothingFits(
            f"{n_bad} published {'number does' if n_bad == 1 else 'numbers do'} not hold up "
            "(not-reproducible or inconsistent)"
            + (f"; see the explanation column of {args.csv}" if args.csv else "")
        )
    return 0


def _cmd_fingerprint(args) -> int:
    from . import audit

    ev = _load(args)
    table = audit.audit(ev)
    if args.study:
        fp = audit.fingerprint(table, args.study)
        print(fp.summary)
        if len(fp.outliers):
            print()
            _print_frame(fp.outliers)
        return 0
    fps = audit.fingerprints(table)
    if fps.empty:  # nothing to fingerprint is not a failed check
        studies = ", ".join(dict.fromkeys(table.study_id)) or "none"
        print(
            "no study prints an interval of a proportion or an exactly printed p-value of a crude test, so "
            f"none shows which methods it used (studies: {studies})"
        )
        return 0
    _print_frame(fps[["study_id", "summary"]])
    left = [sid for sid in dict.fromkeys(table.study_id) if sid not in set(fps.study_id)]
    if left:
        print(
            "\nnot fingerprinted (no interval of a proportion or exactly printed p-value of a crude test): "
            + ", ".join(left)
        )
    return 0


def _cmd_counts(args) -> int:
    from . import audit

    spec = _n_spec(args.n)

    def fitting(truncated):
        where = {"n_range": spec} if isinstance(spec, tuple) else {"n": spec}
        return audit.consistent_counts(args.percent, truncated=truncated, **where)

    table = fitting(args.truncated)
    shown = str(args.percent).strip().rstrip("%")
    if table.empty:
        how = "truncated" if args.truncated else "rounded"
        hint = ""
        if not args.truncated:
            other = fitting(True)
            if len(other):
                fits = ", ".join(f"{r.count}/{r.n}" for r in other.head(5).itertuples())
                hint = f"; truncated instead, {fits} would print as it (--truncated)"
        raise _NothingFits(
            f"no count with n = {args.n} prints as {shown}% ({how}){hint}; check the percentage and n "
            f"(a range such as --n {_nearby(spec)} finds the denominators that fit)"
        )
    _print_frame(table, float_format=lambda v: f"{v:.4f}")
    print(f"\n{len(table)} count(s) print as {shown}% for n = {args.n}")
    return 0


def _cmd_ci(args) -> int:
    import pandas as pd

    from . import proportions

    methods = _methods(args.method, proportions.CI_METHODS)
    frame = pd.concat(
        [
            proportions.proportion_ci(args.count, args.nobs, method=m, level=args.level).to_frame()
            for m in methods
        ],
        ignore_index=True,
    )
    _print_frame(frame)
    return 0


def _cmd_ci_method(args) -> int:
    from . import audit

    found = audit.identify_ci_method(
        args.count, args.nobs, args.low, args.high, level=args.level, scale=args.scale
    )
    if found:
        print(f"{args.low}-{args.high} for {args.count}/{args.nobs} is given by: {', '.join(found)}")
        return 0
    method, lo, hi, _ = audit.closest_ci_method(
        args.count, args.nobs, args.low, args.high, level=args.level, scale=args.scale
    )
    f = 100 if args.scale == "percent" else 1
    other = "proportion" if args.scale == "percent" else "percent"
    on_other = audit.identify_ci_method(
        args.count, args.nobs, args.low, args.high, level=args.level, scale=other
    )
    hint = (
        f"; read as {other}s they are given by {', '.join(on_other)}: add --scale {other}" if on_other else ""
    )
    raise _NothingFits(
        f"no standard {args.level * 100:g}% CI for {args.count}/{args.nobs} prints as {args.low}-{args.high} "
        f"on the {args.scale} scale; closest is {method} ({f * lo:.4g}-{f * hi:.4g}){hint}"
    )


def _cmd_compare(args) -> int:
    _two_groups(args)
    import pandas as pd

    from . import proportions

    methods = _methods(args.method, proportions.TEST_METHODS)
    frame = pd.concat(
        [
            proportions.compare_proportions(
                args.count1, args.nobs1, args.count2, args.nobs2, method=m
            ).to_frame()
            for m in methods
        ],
        ignore_index=True,
    )
    _print_frame(frame)
    return 0


def _cmd_effect(args) -> int:
    _two_groups(args)
    import pandas as pd

    from . import proportions

    measures = list(proportions.EFFECT_METHODS) if args.measure == "all" else [args.measure]
    rows = []
    for measure in measures:
        if measure not in proportions.EFFECT_METHODS:
            raise ValueError(f"--measure must be one of rd, rr, or, all; got {measure!r}")
        if args.method == "all":
            methods = list(proportions.EFFECT_METHODS[measure])
        elif args.method is None:
            methods = [proportions.DEFAULT_EFFECT_METHOD[measure]]
        else:
            methods = [args.method]
        for m in methods:
            try:
                res = proportions.effect_size(
                    args.count1,
                    args.nobs1,
                    args.count2,
                    args.nobs2,
                    measure=measure,
                    method=m,
                    level=args.level,
                )
            except ValueError as exc:
                if args.method != "all":
                    raise
                print(f"{measure} {m}: not computed: {exc}", file=sys.stderr)
                continue
            rows.append(res.to_frame())
    frame = pd.concat(rows, ignore_index=True)
    _print_frame(frame.drop(columns=["count1", "nobs1", "count2", "nobs2"]))
    rd = proportions.effect_size(
        args.count1, args.nobs1, args.count2, args.nobs2, measure="rd", level=args.level
    )
    print(
        f"\nGroup 1 vs group 2, if the outcome is good: {proportions.nnt(rd).describe()} (Altman, BMJ 1998)."
    )
    return 0


def _cmd_explain_p(args) -> int:
    from . import audit, proportions

    given = sum(x is not None for x in (args.group, args.table, args.strata))
    if given != 1:
        raise ValueError("give --group (two or more), or --table, or --strata")
    if args.table is not None or args.strata is not None or len(args.group) > 2:
        return _explain_table(args)
    if len(args.group) != 2:
        raise ValueError("give at least two --group options")
    methods = _methods(args.method, proportions.TEST_METHODS)
    g1, g2 = _group(args.group[0]), _group(args.group[1])
    reason = audit.no_fit_reason(g1, g2, truncated=args.truncated)
    if reason:
        raise _NothingFits(f"{reason}, so no table can be tested")
    table = audit.explain_pvalue(args.reported, g1, g2, methods=methods, truncated=args.truncated)
    _print_frame(table.head(args.top))
    hits = int(table["consistent"].sum())
    print(f"\n{hits} of {len(table)} candidates give {_p_phrase(args.reported)}")
    if not hits:
        best = table.iloc[0]
        raise _NothingFits(
            f"no candidate table and test gives {_p_phrase(args.reported)}; closest is {best.method} on "
            f"{best.count1}/{best.n1} vs {best.count2}/{best.n2} (p = {best.pvalue:.4g})"
        )
    return 0


def _explain_table(args) -> int:
    from . import audit

    methods = None if args.method == "all" else [m.strip() for m in args.method.split(",")]
    if args.table is not None:
        from .contingency import parse_table

        frame = audit.explain_table_pvalue(args.reported, table=parse_table(args.table), methods=methods)
    elif args.strata is not None:
        strata = []
        for part in args.strata.split(";"):
            pair = [_group(g) for g in part.split(",")]
            if len(pair) != 2 or any(isinstance(g[0], str) for g in pair):
                raise ValueError(f"--strata takes 'x1/n1,x2/n2' per stratum, got {part.strip()!r}")
            strata.append(pair)
        frame = audit.explain_table_pvalue(args.reported, strata=strata, methods=methods)
    else:
        frame = audit.explain_table_pvalue(
            args.reported, groups=[_group(g) for g in args.group], methods=methods
        )
    _print_frame(frame.head(args.top))
    if args.group is not None and frame["method"].astype(str).str.contains("cochran|linear-by-linear").any():
        print(
            "\ntrend tests (cochran-armitage, linear-by-linear) assume the groups were given in their natural "
            "order (e.g. dose); for unordered arms read only the r x 2 tests"
        )
    hits = int(frame["consistent"].sum())
    print(f"\n{hits} of {len(frame)} candidates give {_p_phrase(args.reported)}")
    if not hits:
        best = frame.iloc[0]
        raise _NothingFits(
            f"no candidate gives {_p_phrase(args.reported)}; closest is {best.method} (p = {best.pvalue:.4g})"
        )
    return 0


def _cmd_table(args) -> int:
    from . import contingency

    table = contingency.parse_table(args.table)
    options = {}
    if args.kind == "trend":
        if args.scores:
            try:
                options["scores"] = [float(v) for v in args.scores.split(",")]
            except ValueError:
                raise ValueError(
                    f"--scores must be numbers separated by commas, got {args.scores!r}"
                ) from None
    elif args.scores:
        raise ValueError("--scores applies to --kind trend only")
    if args.kind == "stratified":
        options["level"] = args.level
    frame = contingency.tests_all(table, args.kind, **options)
    _print_frame(frame)
    return 0


def _cmd_fragility(args) -> int:
    _two_groups(args)
    from . import fragility

    res = fragility.fragility_index(
        args.count1, args.nobs1, args.count2, args.nobs2, alpha=args.alpha, method=args.method
    )
    _print_frame(res.to_frame())
    print()
    print(_fragility_sentence(res))
    return 0


def _fragility_sentence(res) -> str:
    """The fragility result in words (Walsh et al. 2014)."""
    from .printed import format_value

    if res.index != res.index:  # NaN: no modification crosses alpha
        return f"No change in the outcomes of either group moves {res.method} p across {res.alpha:g}."
    moves = []
    for group, old, new, n in (
        (1, res.count1, res.modified_count1, res.nobs1),
        (2, res.count2, res.modified_count2, res.nobs2),
    ):
        if new != old:
            more = "more" if new > old else "fewer"
            moves.append(
                f"{abs(new - old)} {more} patients with the outcome in group {group} ({old}/{n} -> {new}/{n})"
            )
    side = "significant" if res.significant else "not significant"
    return (
        f"{res.method} p = {format_value(res.pvalue, 3)} ({side} at {res.alpha:g}); {res.kind} index {int(res.index)}: with "
        + " and ".join(moves)
        + f", p would be {format_value(res.modified_pvalue, 3)}."
    )


def _cmd_ratio_check(args) -> int:
    from . import audit
    from .audit.effects import EstimateOutsideCIError, NoImpliedPError

    try:
        res = audit.ratio_consistency(args.estimate, args.low, args.high, args.p, level=args.level)
    except NoImpliedPError as err:  # nothing contradicts, nothing to check: not an error of the input
        print(f"not checkable: {err}.")
        return 0
    except EstimateOutsideCIError as err:
        print(f"inconsistent: {str(err)[0].upper()}{str(err)[1:]}.")
        return 1
    print(("consistent: " if res.consistent else "inconsistent: ") + res.explanation)
    return 0 if res.consistent else 1


def _pool_studies(tokens) -> tuple[str, list[tuple[int, ...]]]:
    """'12/40' tokens (proportions) or '12/40:5/41' tokens (two-group tables), all of one kind."""
    kinds, rows = set(), []
    for i, token in enumerate(tokens, 1):
        parts = token.split(":")
        if len(parts) not in (1, 2) or not all(re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", q) for q in parts):
            raise ValueError(
                f"study {i} ({token!r}): expected x/n (e.g. 12/40) or x1/n1:x2/n2 (e.g. 12/40:5/41), whole numbers"
            )
        kinds.add(len(parts))
        row = tuple(int(v) for q in parts for v in q.split("/"))
        for x, n in zip(row[::2], row[1::2], strict=True):
            if not 0 <= x <= n or n == 0:
                raise ValueError(
                    f"study {i} ({token!r}): {x}/{n} is not a count of a group (need 0 <= x <= n, n > 0)"
                )
        rows.append(row)
    if len(kinds) > 1:
        raise ValueError(
            "give every study as x/n (proportions) or every study as x1/n1:x2/n2 (two groups), not both"
        )
    if len(rows) < 2:
        raise ValueError("a meta-analysis needs at least 2 studies; for one study use `ci` or `effect`")
    return ("proportion" if kinds == {1} else "two-group"), rows


def _cmd_pool(args) -> int:
    from . import meta

    kind, rows = _pool_studies(args.studies)
    cols = list(zip(*rows, strict=True))
    labels = [f"study {i + 1} ({s})" for i, s in enumerate(args.studies)]
    common = dict(method=args.tau2, hartung_knapp=args.hk, level=args.level, labels=labels)
    if kind == "proportion":
        res = meta.pool_proportions(cols[0], cols[1], transform=args.transform, **common)
        what = f"pooled proportion ({args.transform} scale)"
    else:
        res = meta.pool_effects(*cols, measure=args.measure, **common)
        what = f"pooled {args.measure.upper()}, group 1 vs group 2"
    studies = res.studies
    if kind == "two-group":  # its events and total are group 1's only: the label shows both groups
        studies = studies.drop(columns=["events", "total"])
    _print_frame(studies)
    pct = f"{args.level * 100:g}%"
    ci = "Hartung-Knapp" if args.hk else "Wald"
    print(
        f"\n{what}: {res.estimate:.4g} ({pct} CI {res.low:.4g} to {res.high:.4g}, {ci}); {pct} prediction interval "
        f"{res.pi_low:.4g} to {res.pi_high:.4g} (where a new study's effect is expected to lie)"
    )
    print(
        f"k = {res.k} studies; tau^2 = {res.tau2:.4g} ({args.tau2}, the between-study variance on the analysis "
        f"scale); I^2 = {res.i2:.1f}% (the share of variation beyond chance); Q = {res.q:.3g}, p = {res.q_pvalue:.3g}"
    )
    if res.k < 5:
        print(
            f"With {res.k} studies the between-study variance is poorly estimated: read the prediction interval"
            + ("." if args.hk else ", and consider --hk.")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
