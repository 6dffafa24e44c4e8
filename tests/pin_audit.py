"""Print the current audit as pin lines (see published_values.txt)."""

from reanalysis import audit

a = audit.audit()
lines = [
    "# Pinned audit verdicts: one line per published number in data/.",
    "# study_id | endpoint | timepoint | arm | kind | reported | verdict | method   # why",
    "# A change to data/ or src/ that flips a verdict or method fails tests/test_published_values.py.",
    "# Regenerate only after reading the diff: python tests/pin_audit.py > tests/published_values.txt",
    "# HPAG vs EPAG: no 2x2 test reproduces 0.494 or 0.59 (the literature notes find a 3x2 chi-square on",
    "# CR/PR/NR with N = 67 gives 0.494, and Yates on CR among responders 21/44 vs 12/31 gives 0.59: not 2x2 tests).",
    "# RACE and the ITP phase 3 ORs are model-based (adjusted) estimates: crude counts are not expected to",
    "# reproduce them; their CIs and p-values are checked against each other instead (effect-p rows).",
    "",
]
for r in a.itertuples():
    method = (
        r.method if r.verdict.startswith("reproduced") else f"closest: {r.computed}" if r.computed else ""
    )
    lines.append(
        " | ".join([r.study_id, r.endpoint, r.timepoint, r.arm, r.kind, r.reported, r.verdict, method])
        + f"   # {r.explanation}"
    )
print("\n".join(lines))
