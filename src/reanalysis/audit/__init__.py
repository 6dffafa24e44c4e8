"""Reproducibility audit: which counts and which methods reproduce a published number.

A published percentage, confidence interval or p-value is a *rounded* number. The audit reads
each one as printed ("65.6", "<0.001", ".218", "6.3e-18", "NR"), turns it into the interval of
true values that print that way, and searches the counts and methods that land inside it.

- :func:`consistent_counts` — every ``count/n`` that rounds to a printed percentage (a GRIM-type
  check for proportions; Brown & Heathers, Soc Psychol Personal Sci 2017); :func:`denominators_for`
  the denominators a count printed without one may have ("168 (42%)": n = 396-404).
- :func:`pvalue_consistent`, :func:`ci_consistent` — is a computed value consistent with the
  printed one (statcheck's rounding rule: Nuijten et al., Behav Res Methods 2016)?
- :func:`explain_pvalue` — every candidate table and test for a two-group p-value, best first;
  :func:`explain_table_pvalue` the same for k ordered groups, r x c tables and strata.
- :func:`identify_ci_method` — which :func:`~reanalysis.proportions.proportion_ci` methods give
  the printed bounds.
- :func:`ratio_consistency` — does a ratio's CI imply its printed p-value (Altman & Bland 2011)?
- :func:`interval_order` — is a median inside its CI ("NR" allowed)?
- :func:`read_claim` — does a verbal claim say "significant", "not significant", or neither?
- :func:`audit` — one row per check of a published number in an evidence folder;
  :func:`number_verdicts` one verdict per number (a p-value beside an effect and its CI is
  checked twice).
- :func:`fingerprint` — a paper's dominant CI method and test, and the numbers that do not fit.

Verdicts (:data:`VERDICTS`, meanings in :data:`VERDICT_MEANINGS`): reproduced,
reproduced-with-assumptions, consistent, model-based, not-reproducible, inconsistent,
not-checkable. Each row also says what kind of check it was (:data:`CHECKS`): arithmetic,
threshold, consistency or method.
"""

from ..printed import Printed, parse_printed
from .claims import ClaimReading, read_claim
from .counts import MAX_CANDIDATES, consistent_counts, denominators_for, n_values
from .effects import (
    EffectMatch,
    IntervalOrder,
    RatioConsistency,
    closest_effect,
    difference_pvalue_from_ci,
    interval_order,
    ratio_consistency,
    ratio_pvalue_from_ci,
    rd_scale,
)
from .fingerprint import Fingerprint, fingerprint, fingerprints
from .folder import AUDIT_COLUMNS, KINDS, audit
from .intervals import SCALES, ci_consistent, closest_ci_method, identify_ci_method
from .pvalues import (
    MAX_EVALUATIONS,
    contingency_pvalue,
    explain_pvalue,
    group_candidates,
    no_fit_reason,
    pvalue_consistent,
)
from .tables import explain_table_pvalue
from .verdicts import (
    CHECK_MEANINGS,
    CHECKS,
    PROBLEM_VERDICTS,
    VERDICT_MEANINGS,
    VERDICTS,
    is_model_based,
    number_ids,
    number_verdicts,
)

__all__ = [
    "AUDIT_COLUMNS",
    "CHECKS",
    "CHECK_MEANINGS",
    "KINDS",
    "MAX_CANDIDATES",
    "MAX_EVALUATIONS",
    "PROBLEM_VERDICTS",
    "SCALES",
    "VERDICTS",
    "VERDICT_MEANINGS",
    "ClaimReading",
    "EffectMatch",
    "Fingerprint",
    "IntervalOrder",
    "Printed",
    "RatioConsistency",
    "audit",
    "ci_consistent",
    "closest_ci_method",
    "closest_effect",
    "difference_pvalue_from_ci",
    "consistent_counts",
    "denominators_for",
    "contingency_pvalue",
    "explain_pvalue",
    "explain_table_pvalue",
    "fingerprint",
    "fingerprints",
    "group_candidates",
    "identify_ci_method",
    "interval_order",
    "is_model_based",
    "n_values",
    "no_fit_reason",
    "number_ids",
    "number_verdicts",
    "parse_printed",
    "pvalue_consistent",
    "ratio_consistency",
    "ratio_pvalue_from_ci",
    "read_claim",
    "rd_scale",
]
