"""Plain-language meanings of every method name and statistical term the reports print.

A report's glossary is built by :func:`terms_in` from the text and tables it actually prints, so
a reader never meets a method name that is not explained. Each entry: the term, the patterns that
find it in text, and a one- or two-sentence meaning with its reference.
"""

from __future__ import annotations

import re

# term -> (regex matching the term in report text, meaning)
GLOSSARY: dict[str, tuple[str, str]] = {
    # One-proportion confidence intervals
    "Clopper-Pearson": (
        r"clopper-pearson",
        "The 'exact' confidence interval for a proportion, from the binomial distribution; never too narrow, "
        "often a little wide (Clopper & Pearson, Biometrika 1934).",
    ),
    "Wilson": (
        r"\bwilson\b(?!-cc)",
        "Score confidence interval for a proportion; good coverage even for small samples (Wilson, JASA 1927).",
    ),
    "Wilson with continuity correction": (
        r"wilson-cc",
        "The Wilson interval widened by a continuity correction, as R's prop.test prints it (Newcombe, Stat "
        "Med 1998).",
    ),
    "Jeffreys": (
        r"\bjeffreys\b",
        "Interval from the Beta(x + 1/2, n - x + 1/2) distribution; a Bayesian interval with good frequentist "
        "coverage (Brown, Cai & DasGupta, Stat Sci 2001).",
    ),
    "Agresti-Coull": (
        r"agresti-coull",
        "Normal-approximation interval after adding about two successes and two failures (Agresti & Coull, "
        "Am Stat 1998).",
    ),
    "Wald interval": (
        r"\bwald\b(?!-t)",
        "Estimate plus or minus 1.96 standard errors; simple but too narrow for small samples or rates near "
        "0% or 100%, and it can cross 0% or 100%.",
    ),
    "t interval on 0/1 data (wald-t)": (
        r"wald-t|t interval on 0/1",
        "The mean ± t·SE that general statistics software prints when binary outcomes are treated as numbers; "
        "not a recommended interval for a proportion, but some papers use it.",
    ),
    "mid-p": (
        r"\bmid-p\b|fisher-midp",
        "An exact method that counts only half the probability of the observed result, making exact tests "
        "and intervals less conservative (Lancaster 1961; Berry & Armitage 1995).",
    ),
    # Two-group tests
    "chi-square test": (
        r"\bchi2\b(?!-yates)|chi-square|pearson chi",
        "Pearson's chi-square test of a 2x2 (or larger) table, without continuity correction (R "
        "chisq.test(correct = FALSE)).",
    ),
    "Yates' correction": (
        r"chi2-yates|yates",
        "Chi-square test with Yates' continuity correction, R's default for 2x2 tables; more conservative.",
    ),
    "G-test": (
        r"g-test",
        "Likelihood-ratio chi-square test (G = 2 Σ O log(O/E)); close to Pearson's chi-square in large samples.",
    ),
    "Fisher's exact test": (
        r"\bfisher\b(?!-freeman)|fisher's exact",
        "Exact test conditional on the table margins (R fisher.test); the standard for small 2x2 tables.",
    ),
    "Barnard's test": (
        r"\bbarnard\b",
        "Unconditional exact test of two proportions: the largest p-value over every possible common "
        "response rate (Barnard 1947); usually more powerful than Fisher's.",
    ),
    "Boschloo's test": (
        r"\bboschloo\b",
        "Unconditional exact test using Fisher's p-value as the statistic; uniformly more powerful than "
        "Fisher's test (Boschloo 1970).",
    ),
    "z test (unpooled)": (
        r"z-unpooled|unpooled z",
        "Difference in proportions divided by its unpooled standard error, compared with the normal distribution.",
    ),
    # Effect sizes
    "risk difference (RD)": (
        r"\brisk difference\b|\brd\b|absolute difference",
        "Difference between two response rates, in percentage points: the absolute effect a clinician feels.",
    ),
    "risk ratio (RR)": (r"\brisk ratio\b|\brr\b", "Ratio of two response rates (relative effect)."),
    "odds ratio (OR)": (
        r"\bodds ratio\b|\bor\s\d|\(or\)",
        "Ratio of the odds of response (p / (1 - p)) in two groups; close to the risk ratio only when "
        "responses are rare.",
    ),
    "hazard ratio (HR)": (
        r"\bhazard ratio\b|\bhr\b",
        "Ratio of the instantaneous event rates of two groups over follow-up, usually from a Cox model.",
    ),
    "number needed to treat (NNT)": (
        r"\bnnt\b|\bnnh\b|number needed to",
        "1 / risk difference: patients to treat for one more to respond (NNT) or be harmed (NNH); its CI "
        "is the reciprocal of the risk difference's, and is unbounded when that CI crosses zero.",
    ),
    "Newcombe interval": (
        r"\bnewcombe\b",
        "Interval for a risk difference built from two Wilson intervals (Newcombe, Stat Med 1998, method 10).",
    ),
    "Agresti-Caffo": (
        r"agresti-caffo",
        "Wald interval for a risk difference after adding one success and one failure per group (Agresti & "
        "Caffo, Am Stat 2000).",
    ),
    "Miettinen-Nurminen": (
        r"miettinen-nurminen",
        "Score interval for a difference, ratio or odds ratio (Miettinen & Nurminen, Stat Med 1985); "
        "recommended for small samples.",
    ),
    "Katz log interval": (
        r"\bkatz\b",
        "Confidence interval for a risk ratio from the normal approximation on the log scale (Katz et al., "
        "Biometrics 1978); the usual default, as in R's epitools riskratio(method = 'wald').",
    ),
    "Woolf interval": (
        r"\bwoolf\b",
        "Confidence interval for an odds ratio from the normal approximation on the log scale (Woolf, Ann Hum "
        "Genet 1955).",
    ),
    "Altman's interval for the NNT": (
        r"altman's interval|\(altman\)",
        "The reciprocals of the risk difference's confidence limits (Altman, BMJ 1998). When that interval "
        "includes zero, the NNT's interval runs from an NNT through infinity to an NNH: the data allow benefit "
        "or harm.",
    ),
    # Audit checks (reanalysis.audit)
    "p-value from the CI (Altman & Bland)": (
        r"altman (?:&|and) bland|\bci [0-9.]+ to [0-9.]+ implies p\b",
        "A 95% CI fixes its p-value: for a ratio z = log(estimate) / SE with SE = (log upper - log lower) / "
        "3.92 (the log-scale Wald p); for a difference z = estimate / SE with SE = (upper - lower) / 3.92 "
        "(the normal Wald p) (Altman & Bland, BMJ 2011). A printed p far from it points to a typo or another "
        "test.",
    ),
    "granularity check": (
        r"granularity",
        "With n patients only the percentages 0/n, 1/n, ... n/n exist; a printed percentage that no count "
        "of n rounds to cannot be right (Brown & Heathers, Soc Psychol Personal Sci 2017, the GRIM test).",
    ),
    "ordering check": (
        r"\bordering\b",
        "Printed numbers that must be in order are: minimum <= median <= maximum, lower bound <= estimate <= "
        "upper bound. It catches gross typos only. For a hazard ratio the audit also checks the centre "
        "('ordering and centre'): a Cox model's Wald interval has the estimate at its geometric centre "
        "(estimate^2 = lower x upper, to rounding), so an estimate far off it points to a typo or another "
        "interval method.",
    ),
    "percentage points": (
        r"percentage points|\bpoints\b",
        "The unit of a difference between two percentages: 66% vs 74% is a difference of 8 percentage points, "
        "not 8%.",
    ),
    "count vs percentage": (
        r"count vs percentage",
        'A count printed without its denominator ("168 (42%)"): only some denominators make the count print '
        "as its percentage (here n = 396-404), and the comparisons of that arm are checked over those. If none "
        "does, the count and the percentage cannot both be right (a GRIM-type check).",
    ),
    "denominator vs arm size": (
        r"denominator vs arm size",
        "A denominator printed beside a count (63/431) cannot exceed the arm it counts in (430 randomised): "
        "the arm's largest recorded size in arms.csv (evaluable, randomised or enrolled) is the bound. One "
        "a little larger (at most 10%, or 2 patients), ten times a plausible one (an extra zero) or more "
        "than a hundredfold points to a misprint, unless arms.csv holds another population or data cut; "
        "one otherwise far larger, or of a row whose notes name another unit (per cycle, lesions, "
        "patient-days, as-treated), is only named.",
    ),
    "landmark rates vs p": (
        r"two landmark rates",
        "A p-value printed for the difference of two rates at a landmark (e.g. 12-month survival), checked "
        "against the rates and their CIs: each standard error read off its CI as (upper - lower) / (2 x 1.96) "
        "for a 95% CI, on whichever scale the CI was computed (plain, log, log-log, logit or arcsine: papers "
        "rarely say), and z = difference / sqrt(SE1^2 + SE2^2) on each of these five scales (the z tests of "
        "two Kaplan-Meier rates of Klein et al., Stat Med 2007), over every value the printed numbers could "
        "have been rounded from. The range is wide: the check catches gross errors, not small ones. A p-value "
        "outside it is inconsistent when the paper says it tests the rates; with no test named it is "
        "probably a log-rank or Cox p of the whole curves and is left unchecked, as is a p the paper names "
        "as log-rank, Cox or adjusted.",
    ),
    "claim vs margin": (
        r"claim vs margin",
        "A claim that non-inferiority was (not) shown, checked against the printed CI and the margin the "
        "evidence folder records: the CI must lie wholly on the null's side of the margin (lower bound above "
        "-10 points, or upper bound below a ratio of 1.25, say). A bound printed at the margin decides nothing.",
    ),
    "claim vs CI/p": (
        r"claim vs (?:ci/p|tests)",
        'A verbal claim ("significantly longer", "no significant difference") checked against the printed '
        "CI (does it exclude no effect: 1 for a ratio, 0 for a difference) or p-value (below 0.05), or, with "
        "neither printed, against every standard test on the published counts when they agree. Hedged "
        'claims ("trend towards"), other levels and clinical significance are not checked; nor is the '
        "direction the claim states.",
    ),
    "inferred counts": (
        r"\binferred\b",
        "Counts (or denominators) back-calculated from a printed percentage and a known or assumed "
        "denominator (or count); they are hypotheses consistent with what was printed, not published data.",
    ),
    "Koopman interval": (r"\bkoopman\b", "Score interval for a risk ratio (Koopman, Biometrics 1984)."),
    "conditional odds ratio": (
        r"\bconditional\b",
        "Odds ratio estimated conditionally on the margins, with the exact interval R's fisher.test prints.",
    ),
    # Contingency tables
    "Cochran-Armitage trend test": (
        r"cochran-armitage|trend test|prop\.trend",
        "Test for a linear trend in response rates across ordered groups such as doses (R prop.trend.test).",
    ),
    "Cochran-Mantel-Haenszel (CMH)": (
        r"mantel-haenszel|\bcmh\b",
        "Test and common odds ratio for a 2x2 comparison repeated across strata, e.g. randomisation strata "
        "(R mantelhaen.test); the CI is Robins-Breslow-Greenland's.",
    ),
    "Fisher-Freeman-Halton": (
        r"fisher-freeman-halton",
        "Fisher's exact test for tables larger than 2x2 (e.g. CR / PR / no response by arm).",
    ),
    # Meta-analysis
    "random-effects meta-analysis": (
        r"random-effects|\breml\b|dersimonian|paule-mandel|\bpooled\b",
        "Combines studies allowing their true effects to differ; REML (restricted maximum likelihood), "
        "DerSimonian-Laird and Paule-Mandel are ways of estimating that between-study spread.",
    ),
    "tau² (tau2)": (r"tau2|tau²|τ²", "The estimated variance of the true effects between studies."),
    "I² (I2)": (
        r"\bi2\b|i²",
        "Share of the observed variation between studies that is beyond chance (0-100%); unreliable with "
        "few studies.",
    ),
    "Hartung-Knapp": (
        r"hartung-knapp",
        "A more honest (wider) confidence interval for a pooled estimate, using a t distribution; "
        "important when only a few studies are pooled.",
    ),
    "prediction interval": (
        r"prediction interval",
        "Where the true effect of a new, similar study would be expected to lie; wider than the CI of the "
        "pooled mean.",
    ),
    # Fragility, Bayes, power
    "fragility index": (
        r"fragility index|\bfi\b",
        "The number of patients whose outcome would have to change to flip a significant result to "
        "non-significant (Walsh et al., J Clin Epidemiol 2014); small numbers mean a fragile result.",
    ),
    "reverse fragility index": (
        r"reverse fragility",
        "For a non-significant result: how many outcome changes would make it significant.",
    ),
    "flat prior": (
        r"flat prior|\bneutral\b",
        "A prior that expresses no preference among values (here a uniform Beta(1, 1) per response rate, or a "
        "normal prior on the log odds ratio so wide it is practically flat): the posterior is driven by the data.",
    ),
    "sceptical prior": (
        r"sceptical|skeptical",
        "A prior centred on no effect that makes large effects unlikely (Spiegelhalter, Freedman & Parmar, "
        "JRSS A 1994); its width should come from outside evidence, and the report says which.",
    ),
    "prior weight": (
        r"prior weight|from the prior",
        "How much of the posterior comes from the prior: prior precision over posterior precision for a normal "
        "model, or the prior's effective sample size over itself plus the patients for a Beta prior.",
    ),
    "indirect evidence": (
        r"\bindirect",
        "Evidence about a different drug, population, comparator or outcome than the question asks about; "
        "GRADE lowers certainty for it (indirectness).",
    ),
    "credible interval (CrI)": (
        r"credible interval|\bcri\b",
        "Bayesian interval: the true value lies inside with the stated probability, given the model and prior.",
    ),
    "posterior probability": (
        r"posterior",
        "Probability of a statement about the true effect after combining a prior with the data.",
    ),
    "power": (
        r"\bpower\b",
        "The chance that a trial of a given size finds a real effect of a given size to be significant.",
    ),
    "minimal detectable difference": (
        r"detectable",
        "The smallest true difference a trial of a given size has 80% power to detect.",
    ),
    # Survival
    "Kaplan-Meier": (
        r"kaplan-meier|\bkm\b",
        "Estimate of the probability of remaining event-free over time, allowing for patients followed for "
        "different lengths of time.",
    ),
    "Aalen-Johansen": (
        r"aalen-johansen|cumulative incidence|competing",
        "Cumulative incidence of an event (such as response) when another event (such as death) can "
        "prevent it; 1 - Kaplan-Meier would overstate it.",
    ),
    "log-rank test": (r"log-rank|logrank", "Test comparing two survival curves over their whole length."),
    "restricted mean survival time (RMST)": (
        r"\brmst\b|restricted mean",
        "Average event-free time up to a fixed horizon: the area under the survival curve.",
    ),
    "IPD reconstruction": (
        r"reconstruct|guyot",
        "Approximate patient-level data rebuilt from a published Kaplan-Meier curve and its numbers at risk "
        "(Guyot et al., BMC Med Res Methodol 2012).",
    ),
    "not reached (NR)": (
        r"\bnr\b|not reached",
        "The curve did not fall to 50% (for a median) within follow-up.",
    ),
    # Clinical abbreviations the reports print
    "IST": (
        r"\bist\b",
        "Immunosuppressive therapy for aplastic anaemia: antithymocyte globulin (ATG) plus ciclosporin (CsA).",
    ),
    "ATG": (
        r"\batg\b",
        "Antithymocyte globulin, antibodies against T cells raised in horses (h-ATG), rabbits (r-ATG) or pigs "
        "(p-ATG); the types differ in potency and in response rates.",
    ),
    "TPO-RA": (
        r"tpo-ra",
        "Thrombopoietin receptor agonist (hetrombopag, eltrombopag, romiplostim, avatrombopag): stimulates "
        "platelet production and, in aplastic anaemia, residual haematopoietic stem cells.",
    ),
    "rhTPO": (r"rhtpo", "Recombinant human thrombopoietin, an injectable thrombopoietin used in China."),
    # Audit vocabulary
    "truncation": (
        r"truncat",
        "Cutting digits off instead of rounding (65.67 printed as 65.6); some papers print percentages that way.",
    ),
    "GRADE certainty": (
        r"\bgrade\b(?! ?[34≥])|certainty",
        "How sure we can be of an effect (high, moderate, low, very low), judged from risk of bias, "
        "imprecision, inconsistency, indirectness and publication bias (GRADE Working Group).",
    ),
}


def terms_in(text: str) -> list[tuple[str, str]]:
    """(term, meaning) for every glossary term that appears in ``text``, in glossary order."""
    low = text.lower()
    return [(term, meaning) for term, (pattern, meaning) in GLOSSARY.items() if re.search(pattern, low)]


# Terms of the ITP and CIT reports (multiplicity, active-control designs, trend tests).
GLOSSARY.update(
    {
        "percentage points": (
            r"percentage points?|\bpoints\b",
            "The difference between two percentages (64% vs 6% is 58 points apart): an absolute difference, "
            "not a relative change.",
        ),
        "linear-by-linear association test": (
            r"linear-by-linear",
            "Mantel's trend test: the Cochran-Armitage statistic with the hypergeometric variance (N - 1 in "
            "place of N), as SPSS and SAS print it (Mantel, JASA 1963).",
        ),
        "exact trend test": (
            r"cochran-armitage-exact|exact conditional|exact cochran-armitage",
            "The Cochran-Armitage test computed exactly from all tables with the same margins instead of the "
            "chi-square approximation; preferred with few patients per group.",
        ),
        "Dunnett adjustment": (
            r"\bdunnett\b",
            "Multiplicity adjustment for several treatment arms each compared with one shared control; it "
            "keeps the chance of any false-positive comparison at the stated level and is less conservative "
            "than Bonferroni because it uses the correlation through the shared arm (Dunnett, JASA 1955).",
        ),
        "Bonferroni adjustment": (
            r"\bbonferroni\b",
            "Multiplicity adjustment testing each of k comparisons at alpha / k; simple and conservative.",
        ),
        "familywise error": (
            r"familywise",
            "The chance that at least one of several comparisons is significant when no treatment works.",
        ),
        "multiplicity": (
            r"multiplicity",
            "Testing several comparisons in one trial raises the chance of a false-positive result unless the "
            "significance level of each comparison is adjusted.",
        ),
        "active control": (
            r"active control|active \(rhtpo\)|\*\*active\*\*",
            "A comparator that is itself an effective treatment (here rhTPO), so the expected difference is "
            "smaller than against placebo and the control's own response rate must be assumed from outside "
            "evidence.",
        ),
        "non-inferiority": (
            r"non-inferiority",
            "A trial design that aims to show a new treatment is not worse than an active control by more "
            "than a pre-set margin (in percentage points); tested one-sided, usually at 2.5%.",
        ),
        "Farrington-Manning test": (
            r"farrington-manning",
            "Score test for a difference of proportions against a non-zero margin, the usual test of "
            "non-inferiority for response rates (Farrington & Manning, Stat Med 1990).",
        ),
        "two-sided test": (
            r"two-sided",
            "A test that rejects for a difference in either direction; at zero true difference it rejects "
            "with probability equal to its significance level, which is where its power curve starts.",
        ),
    }
)

# Exact unconditional risk-difference intervals, survival CI types and certainty wording.
GLOSSARY.update(
    {
        "Santner-Snell interval": (
            r"santner-snell",
            "Exact unconditional interval for a risk difference that inverts two one-sided exact tests of "
            "the raw difference, taking the worst case over the unknown common response rate; never too "
            "narrow, often wide (Santner & Snell, JASA 1980).",
        ),
        "Chan-Zhang interval": (
            r"chan-zhang",
            "Exact unconditional interval for a risk difference that inverts two one-sided exact tests of "
            "the score statistic; narrower than Santner-Snell and what SAS prints by default for an exact "
            "risk-difference interval (Chan & Zhang, Biometrics 1999).",
        ),
        "log-log interval": (
            r"log-log",
            "Confidence interval for a survival probability built on the log(-log) scale and transformed "
            "back: it stays within 0-100% and is asymmetric around the estimate (Kalbfleisch & Prentice "
            "1980; lifelines' default).",
        ),
        "not rated (certainty)": (
            r"not rated",
            "Certainty of evidence describes an effect estimate; a question with no published result has "
            "no estimate, so its certainty is not rated until results appear.",
        ),
    }
)

# Terms the audit verdicts and the ITP/CIT appendices print.
GLOSSARY.update(
    {
        "reproduced (audit verdict)": (
            r"(?m)^reproduced$",  # a verdict cell, not the word in prose
            "The audit recomputed the published number from the published counts with a standard method and "
            "got the printed value (after rounding).",
        ),
        "consistent (audit verdict)": (
            r"(?m)^consistent$",
            "The published numbers agree with each other (for example a CI with its p-value, or minimum <= "
            "median <= maximum), although the number itself cannot be recomputed from counts.",
        ),
        "model-based (audit verdict)": (
            r"(?m)^model-based$",
            "An adjusted or model estimate whose method is not published; crude counts are not expected to "
            "reproduce it, so only its internal consistency is checked.",
        ),
        "normal approximation (Fleiss)": (
            r"normal approximation \(fleiss\)",
            "Sample size and power for two proportions from the normal approximation (Fleiss, Levin & Paik, "
            "Statistical Methods for Rates and Proportions, 2003), as in R's power.prop.test.",
        ),
        "score-test variance": (
            r"score-test variance",
            "The variance of a difference in proportions computed under the null hypothesis, from the rate "
            "both arms would share if there were no difference; the variance the score (chi-square) test uses.",
        ),
    }
)

# Display names of method ids, shared by every report (tables, prose and audit explanations).
METHOD_NAMES: dict[str, str] = {
    # one proportion
    "clopper-pearson": "Clopper-Pearson",
    "wilson": "Wilson",
    "wilson-cc": "Wilson with continuity correction",
    "jeffreys": "Jeffreys",
    "agresti-coull": "Agresti-Coull",
    "wald": "Wald",
    "wald-t": "t interval on 0/1 data",
    "mid-p": "mid-p",
    # two-group tests
    "chi2": "Pearson's chi-square",
    "chi2-yates": "chi-square with Yates' correction",
    "g-test": "G-test",
    "fisher": "Fisher's exact test",
    "fisher-midp": "Fisher's mid-p test",
    "barnard": "Barnard's test",
    "boschloo": "Boschloo's test",
    "z-unpooled": "unpooled z test",
    # effect-size intervals
    "newcombe": "Newcombe",
    "katz": "Katz log",
    "woolf": "Woolf logit",
    "conditional": "conditional (exact)",
    "santner-snell": "Santner-Snell",
    "chan-zhang": "Chan-Zhang",
    "miettinen-nurminen": "Miettinen-Nurminen",
    "agresti-caffo": "Agresti-Caffo",
    "koopman": "Koopman",
    # trend tests, multiplicity, stratified tables
    "cochran-armitage": "Cochran-Armitage (chi-square approximation)",
    "cochran-armitage-exact": "exact Cochran-Armitage",
    "linear-by-linear": "linear-by-linear association (Mantel)",
    "dunnett": "Dunnett",
    "bonferroni": "Bonferroni",
    "unadjusted": "none (unadjusted)",
    "mantel-haenszel": "Mantel-Haenszel",
    "cmh": "Cochran-Mantel-Haenszel",
}

# The "wald" id names a different interval for each effect measure.
_WALD_BY_MEASURE = {"rd": "Wald", "rr": "Katz log", "or": "Woolf logit"}


def method_name(method_id: str, measure: str | None = None) -> str:
    """Display name of a method id ('chi2-yates' -> "chi-square with Yates' correction").

    ``measure`` ('rd', 'rr' or 'or') names the effect measure for the ids that depend on it ('wald' is
    the Katz interval for a risk ratio and Woolf's for an odds ratio). Unknown ids are returned with
    hyphens kept and underscores as spaces, never silently dropped.
    """
    if method_id == "wald" and measure in _WALD_BY_MEASURE:
        return _WALD_BY_MEASURE[measure]
    return METHOD_NAMES.get(method_id, str(method_id).replace("_", " "))


# Ids that are also English words are left alone when replacing inside free text.
_TEXT_IDS = sorted((m for m in METHOD_NAMES if m not in {"conditional", "unadjusted"}), key=len, reverse=True)
_TEXT_ID_PATTERN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(m) for m in _TEXT_IDS) + r")(?![\w-])")


def display_method_ids(text: str) -> str:
    """``text`` with every method id in it (lower case, whole word) replaced by its display name.

    For showing text written by the audit engine ("closest is chi2-yates on 42/64 vs 31/42") to
    readers; case-sensitive, so a capitalised name already in prose ("Wald") is left as it is.
    """
    return _TEXT_ID_PATTERN.sub(lambda m: METHOD_NAMES[m.group(1)], str(text))


# Readable labels of protocol items (protocols.csv `item`); any other item shows with spaces.
PROTOCOL_ITEM_LABELS: dict[str, str] = {
    "age_max": "maximum age",
    "age_min": "minimum age",
    "anc_min": "minimum neutrophil count",
    "atg": "ATG",
    "cr_6_months": "complete response at 6 months",
    "cr_anc": "complete response: neutrophils",
    "cr_hemoglobin": "complete response: haemoglobin",
    "cr_no_bleeding": "complete response: no bleeding",
    "cr_no_transfusion": "complete response: no transfusion",
    "cr_platelets": "complete response: platelets",
    "csa": "ciclosporin (CsA)",
    "cycle1_maintained": "cycle 1 completed, platelets maintained",
    "design_registry": "design (registry)",
    "design_seed": "design (seed)",
    "disease_seed": "disease (seed)",
    "ecog_max": "maximum ECOG performance status",
    "hb_min": "minimum haemoglobin",
    "hetrombopag_start_dose_high": "hetrombopag starting dose (higher)",
    "hetrombopag_start_dose_low": "hetrombopag starting dose (lower)",
    "hetrombopag_start_timing": "hetrombopag start",
    "hetrombopag_target": "hetrombopag platelet target",
    "max_dose": "maximum dose",
    "platelet_30_and_doubling": "platelets ≥ 30 and doubled",
    "platelets_max": "maximum platelet count",
    "pnh_clone": "PNH clone size",
    "population_seed": "population (seed)",
    "prior_anti_cd20": "prior anti-CD20 therapy",
    "prior_saa_treatment": "prior SAA treatment",
    "response_75pct_assessments": "response at ≥ 75% of assessments",
    "rhtpo_start": "rhTPO start",
    "weight_under_18": "minimum weight (under 18)",
}


def item_label(item: str) -> str:
    """Readable label of a protocol item id ('pnh_clone' -> 'PNH clone size')."""
    return PROTOCOL_ITEM_LABELS.get(item, str(item).replace("_", " "))
