"""Audit report of the flagship evidence folder: built by the same code as `reanalysis report DIR`."""

from pathlib import Path

from reanalysis import evidence
from reanalysis.report import build_audit_report, parse_args, run


def main():
    args = parse_args(__doc__)
    d = evidence.load(args.data_dir)
    build_audit_report(
        d,
        Path(args.out),
        title="Reproducibility audit of the published hetrombopag evidence",
        rebuild="Rebuild with `make reports`.",
        index="../index.html",
    )


if __name__ == "__main__":
    run(main)
