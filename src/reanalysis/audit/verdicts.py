"""The audit's vocabulary: verdicts, what kind of check produced them, and their meaning."""

from __future__ import annotations

import re

#: Every verdict, in the order reports list them, with its plain-language meaning.
VERDICT_MEANINGS = {
    "reproduced": "recomputed from the published counts with a standard method, it prints the same",
    "reproduced-with-assumptions": "reproduced only with counts inferred from percentages, a truncated "
    "rather than rounded print, or an assumed denominator",
    "consistent": "an internal-consistency check passed (e.g. a ratio's CI implies its printed p-value); "
    "the number itself cannot be recomputed from what is published",
    "model-based": "an adjusted or model-based estimate whose model is not published: crude counts are not "
    "expected to reproduce it, so a mismatch is not evidence of an error",
    "not-reproducible": "no standard method on any counts consistent with the publication gives the printed "
    "number (the closest candidate is reported)",
    "inconsistent": "an internal-consistency check failed (e.g. an estimate outside its own CI, or a p-value "
    "the CI cannot give)",
    "not-checkable": "too little is published to recompute or check it",
}
VERDICTS = tuple(VERDICT_MEANINGS)

#: Verdicts that flag a published number as not holding up.
PROBLEM_VERDICTS = ("not-reproducible", "inconsistent")

#: What a check establishes, from weakest to strongest, with its meaning.
CHECK_MEANINGS = {
    "unchecked": "nothing could be checked against the counts (see the explanation)",
    "arithmetic": "a percentage recomputed from its numerator and denominator, or (no count published) "
    "checked for a count of its denominator that prints as it",
    "threshold": "a p-value printed as a bound (e.g. < 0.001) that the tests reproduce",
    "consistency": "printed numbers checked against each other (estimate, CI, p-value, range; a count and its "
    "percentage; a verbal claim and the numbers)",
    "method": "an exact printed value matched by a named method on the counts, which identifies the method",
}
CHECKS = tuple(CHECK_MEANINGS)

#: Words in a paper's stated test or adjustment that mark a model-based (adjusted) analysis.
_MODEL_WORDS = re.compile(
    r"\b(model|adjust\w*|logistic|regression|cox|stratif\w*|multivariable|multivariate|covariate\w*|"
    r"mixed|gee|propensity|weighted|marginal|standardi[sz]ed|g-computation|ipw|inverse\s+probability)\b",
    re.IGNORECASE,
)


def is_model_based(adjustment, test_stated) -> bool:
    """Whether a comparison's estimate is adjusted or model-based, from what the paper says.

    ``adjustment`` (the evidence column) wins: empty = not stated, "none" = crude, anything else
    = adjusted. Otherwise the stated test is read for model words (logistic, Cox, adjusted...).
    """
    if isinstance(adjustment, str) and adjustment.strip():
        return adjustment.strip().lower() not in ("none", "crude", "unadjusted")
    return bool(isinstance(test_stated, str) and _MODEL_WORDS.search(test_stated))
