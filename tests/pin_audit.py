"""Print the current audit as pin lines (see published_values.txt)."""

from reanalysis import audit

a = audit.audit()
lines = [
    "# Pinned audit verdicts: one line per published number in data/.",
    "# study_id | endpoint | timepoint | arm | kind | reported | verdict | method   # why",
    "# A change to data/ or src/ that flips a verdict or method fails tests/test_published_values.py.",
    "# Regenerate only after reading the diff: python tests/pin_audit.py > tests/published_values.txt",
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
