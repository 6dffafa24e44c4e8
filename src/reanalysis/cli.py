"""The ``reanalysis`` command line: audit, explain-p, ci, compare.

Bad arguments print one line on stderr and exit with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse prints usage too; keep it short)
        self.exit(2, f"{self.prog}: error: {message}\n")


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


def _methods(value: str, allowed) -> list[str]:
    if value == "all":
        return list(allowed)
    methods = [v.strip() for v in value.split(",")]
    for m in methods:
        if m not in allowed:
            raise ValueError(f"--method must be 'all' or one of {', '.join(allowed)}; got {m!r}")
    return methods


def main(argv=None) -> int:
    parser = _Parser(prog="reanalysis", description="Reanalysis of published hetrombopag evidence.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("audit", help="audit every published number in data/")
    p.add_argument("--data-dir", help="folder with the study tables (default: the repository's data/)")
    p.add_argument("--csv", metavar="FILE", help="write the audit table to FILE as CSV")

    p = sub.add_parser("explain-p", help="which counts and tests reproduce a published p-value")
    p.add_argument("reported", help="p-value as printed, e.g. 0.494 or '<0.001'")
    p.add_argument(
        "--group",
        action="append",
        required=True,
        help="a group as 42/64 (counts), 65.6%%:64 or 65.6%%:60-67 (printed percent and n or n-range); twice",
    )
    p.add_argument("--method", default="all", help="test(s), comma-separated, or 'all'")
    p.add_argument("--top", type=int, default=10, help="rows to show (default 10)")

    p = sub.add_parser("ci", help="confidence intervals for count/n")
    p.add_argument("count", type=int)
    p.add_argument("nobs", type=int)
    p.add_argument("--method", default="clopper-pearson", help="CI method(s), comma-separated, or 'all'")
    p.add_argument("--level", type=float, default=0.95)

    p = sub.add_parser("compare", help="two-group tests for count1/n1 vs count2/n2")
    for name in ("count1", "nobs1", "count2", "nobs2"):
        p.add_argument(name, type=int)
    p.add_argument("--method", default="fisher", help="test(s), comma-separated, or 'all'")

    args = parser.parse_args(argv)
    try:
        return _run(args)
    except ValueError as err:
        print(f"reanalysis {args.command}: error: {err}", file=sys.stderr)
        return 2


def _run(args) -> int:
    import pandas as pd

    from . import audit, proportions

    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 90)
    pd.set_option("display.max_rows", 500)
    if args.command == "audit":
        from . import data

        frame = audit.audit(data.load(args.data_dir))
        if args.csv:
            frame.to_csv(args.csv, index=False)
            print(f"wrote {len(frame)} rows to {args.csv}")
        else:
            print(frame.drop(columns=["explanation"]).to_string(index=False))
            print()
            print(frame["verdict"].value_counts().to_string())
        return 0
    if args.command == "explain-p":
        if len(args.group) != 2:
            raise ValueError("give exactly two --group options")
        methods = _methods(args.method, proportions.TEST_METHODS)
        table = audit.explain_pvalue(
            args.reported, _group(args.group[0]), _group(args.group[1]), methods=methods
        )
        print(table.head(args.top).to_string(index=False))
        print(f"\n{int(table['consistent'].sum())} of {len(table)} candidates give p = {args.reported}")
        return 0
    if args.command == "ci":
        methods = _methods(args.method, proportions.CI_METHODS)
        frame = pd.concat(
            [
                proportions.proportion_ci(args.count, args.nobs, method=m, level=args.level).to_frame()
                for m in methods
            ],
            ignore_index=True,
        )
        print(frame.to_string(index=False))
        return 0
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
    print(frame.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
