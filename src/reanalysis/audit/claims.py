"""What a paper's verbal claim says about statistical significance.

A claim such as "significantly longer" or "did not differ significantly" is checked against the
printed CI or p-value (:func:`reanalysis.audit.audit`). Reading it wrongly turns into a wrong
verdict, so the reading is deliberately narrow: a claim is read as "significant" only from wordings
that claim it ("significantly", "a significant difference", "reached significance"), with no
negation or hedge anywhere, and as "not significant" only through wordings whose negation is
unambiguous. Everything else ("trend towards significance", "significant at the 10% level", "no
clinically significant difference", non-inferiority, a change from baseline, "significant bleeding")
is left unread, with the reason, rather than guessed. ``tests/claim_sentences.tsv`` holds 254
sentences from trial reports, none of which may be read with the wrong polarity.
"""

from __future__ import annotations

import dataclasses
import re

from .._results import Result

#: "NS" for "not significant" only where it cannot be something else ("NS placebo" is normal saline):
#: the whole claim, in parentheses, or after "p =" or "was".
_NS = r"(?:^\W*n\.?\s?s\.?\W*$|\(\s*n\.?\s?s\.?\s*\)|\bp\s*[=:]\s*n\.?\s?s\b\.?|\b(?:was|were|is|are)\s+n\.?\s?s\b\.?)"
_SIGNIFICANCE = re.compile(rf"significan|{_NS}", re.IGNORECASE)
#: "NS" defined as an abbreviation ("normal saline (NS)", "nodular sclerosis (NS)", "NS, not significant")
#: is no claim: it is removed before reading.
_NS_DEFINED = re.compile(
    r"(\bn\w*[\s-]+s\w*\s*)\(\s*ns\s*\)|\bns\s*[,=:]\s*not\s+significant\b\W*"
    r"|\bns(?=\s*\(\s*(?:0?\.9\s*%|normal\s+saline|saline|sodium))",
    re.IGNORECASE,
)
#: "significant <event> occurred in 12 patients" counts events; it compares nothing.
_EVENT_COUNT = re.compile(r"\b(?:occurred|observed|seen|reported|developed)\s+in\s+\d", re.IGNORECASE)

#: Hyphens a copied text may join words with: the ASCII hyphen-minus, and the hyphen (U+2010),
#: non-breaking hyphen (U+2011) and en dash (U+2013) that journal pages print and a copy keeps.
_HYPHENS = "\\-\u2010\u2011\u2013"
#: A one-sided test named in a claim or a stated test (the audit judges two-sided tests at 5%), as
#: papers write it: "one-sided", "one tailed", JAMA's "1-sided".
ONE_SIDED = re.compile(rf"\b(?:one|1)[\s{_HYPHENS}]+(?:sided|tailed)\b", re.IGNORECASE)

#: Wordings that say "not statistically significant" unambiguously: a negation followed, within a
#: few linking words, by "significant", or one of the negative words themselves.
_LINK = (
    r"(?:statistically|statistical|differ\w*|show\w*|demonstrat\w*|reach\w*|achiev\w*|attain\w*|"
    r"found|find|be|been|was|were|is|are|a|an|any|the|evidence|of|to|considered|deemed|observ\w*|"
    r"detect\w*|appear\w*|seem\w*|prov\w*|result\w*|in)"
)
#: Nouns (and comparatives) of a comparison: "a significant <noun>" speaks of the difference only with one
#: of these ("a significant reduction"); before another noun it is a severity ("no significant bleeding").
_COMPARED = (
    r"(?:difference|improvement|increase|decrease|reduction|benefit|advantage|effect|association|gain|"
    r"prolongation|superiority|change|prolong\w*|higher|lower|longer|shorter|better|worse|greater|"
    r"fewer|more|less|superior|inferior)s?\b"
)
#: After a negated "significant": the end of the phrase, a preposition or verb ("not significant in women"),
#: or a comparison noun, perhaps after one word ("no significant between-group difference").
_DENIES = (
    r"(?!t[\s-]+(?!(?:in|at|for|on|between|among|across|with|within|when|after|before|during|and|or|but|by|"
    rf"overall|either|to|than|from|as|was|were|is|are|compared|versus|vs|statistically|p)\b)\w)"
    rf"|t(?=(?:[\s-]+[\w-]+)?[\s-]+(?:impacts?\b|{_COMPARED}))"
)
_NEGATED = re.compile(
    r"\b(?:no|not|non|nor|without|never|cannot|\w+n['\u2019\u02bc]t|did\s+not|does\s+not|"
    r"was\s+not|were\s+not|is\s+not|are\s+not)"
    rf"(?:[\s-]+{_LINK})*[\s-]+significan(?:{_DENIES})\w*"
    r"|(?<!not\s)\b(?:in|non-?)significan\w*"
    rf"|{_NS}"
    r"|\b(?:fail(?:s|ed|ing|ures?(?=\s+to\b))?|lack(?:s|ed|ing)?|miss(?:es|ed|ing)?|unable|"
    r"f[ae]ll\w*\s+short)"
    rf"(?:[\s-]+{_LINK})*[\s-]+significan\w*"
    r"|significan\w*\s+(?:was|were|is|has|had)?\s*(?:not|never)\s+(?:been\s+)?"
    r"(?:reached|achieved|attained|shown|found|observed|demonstrated)",
    re.IGNORECASE,
)
#: A negation the reading cannot place ("Patients who did not respond had significantly ...").
_ANY_NEGATION = re.compile(
    r"\b(?:no|not|non|nor|neither|none|without|never|cannot|\w+n['\u2019\u02bc]t|fail(?:s|ed|ing)?|"
    r"failures?\s+to|lack\w*|absen\w*|miss(?:es|ed|ing)?|unable|short|los[st]\w*|lose\w*)\b",
    re.IGNORECASE,
)
#: Wordings that claim a significant difference: "significantly" beside a comparison, "a significant
#: difference / improvement ...", "was significant", "reached significance". Other uses of the word
#: ("significant bleeding", "considered significant", "to confirm significance") claim nothing.
_POSITIVE = re.compile(
    r"\bsignificantly\b"
    rf"|\bsignificant(?:[\s-]+\w+)?[\s-]+{_COMPARED}"
    r"|\b(?:was|were|is|are|became|remained|being|proved|appeared)\s+(?:statistically\s+)?significant\b"
    r"|\b(?:reach\w*|achiev\w*|attain\w*|show\w*|demonstrat\w*)\s+(?:statistical\s+)?significance\b"
    r"|\bsignificant\s+at\b"
    r"|^\W*(?:statistically\s+)?significant\W*$",
    re.IGNORECASE,
)
#: Sentences that use the word without claiming anything about this comparison.
_NOT_A_CLAIM = (
    (
        re.compile(
            r"\bconsidered\b|\bdefined\b|\bsignificance\s+(?:level|threshold)|\bunderpowered\b|"
            r"\b(?:uncertain|questionable|doubtful|unclear|unknown)\b|\bwhether\b|\bconfirm\w*\b|"
            r"\bneeded\b|\brequired\b|\bregarded\b|\bdeemed\b|\bpower(?:ed)?\b|\?|"
            r"\bsignificance\s+tests?|\bp(?:[\s-]*values?)?\s*(?:<|≤|<=|less\s+than|below)\s*0?\.\d+\s+"
            r"(?:was|were|is|are|indicat\w*|denot\w*|defin\w*)\b",
            re.IGNORECASE,
        ),
        "it does not claim that this difference is or is not significant (a definition, a doubt or a plan)",
    ),
    (
        re.compile(r"\binteraction\b|\bsubgroups?\b|\bheterogeneity\b", re.IGNORECASE),
        "it is about an interaction or a subgroup, not this comparison",
    ),
    (
        re.compile(
            r"\badjust\w*|\bmultivariab\w*|\bmultivariate\b|\bpropensity\b|\bper[\s-]protocol\b|"
            r"\bas[\s-]treated\b|\bsensitivity\s+analys\w*",
            re.IGNORECASE,
        ),
        "it is about an adjusted analysis or another analysis set (per-protocol, sensitivity), which the "
        "printed numbers of this row may not be",
    ),
    (
        re.compile(
            r"\bbaseline\b|\bboth\s+(?:arms|groups)\b|\b(?:each|either)\s+(?:arm|group)\b|"
            r"\bwithin[\s-]+(?:the\s+)?(?:\w+[\s-]+)?(?:arm|group)\b|\bover\s+time\b|"
            r"\bdose[\s-]*(?:dependent|response|related)|\bincreasing\s+doses?\b|\bpredictors?\b|"
            r"\bprognostic\b|\bhistorical\b",
            re.IGNORECASE,
        ),
        "it is about another contrast (from baseline, within an arm, across doses, a prognostic factor, a "
        "historical control), not the difference between the compared arms",
    ),
    (
        re.compile(
            r"\bexcept\b|\bapart\s+from\b|\bother\s+than\b|\bwhereas\b|\bhowever\b|\balthough\b",
            re.IGNORECASE,
        ),
        "it makes an exception or a contrast, so it is not one statement about this comparison",
    ),
    (
        ONE_SIDED,
        "it is about a one-sided test, which this audit does not judge at 5% two-sided",
    ),
)
_HEDGE = re.compile(
    r"\b(?:trend\w*|tend\w*|borderline|marginal\w*|approach\w*|near\w*|almost|close\s+to|weak\w*|"
    r"suggest\w*|possibl\w*|may|might)\b",
    re.IGNORECASE,
)
_CLINICAL = re.compile(r"\bclinical\w*(?:[\s-]+\w+)?[\s-]+(?:in|non-?)?significan", re.IGNORECASE)
_MULTIPLICITY = re.compile(
    r"\b(?:bonferroni|holm|hochberg|benjamini|multiplicity|multiple\s+(?:comparisons?|testing)|"
    r"false\s+discovery|fdr|correct(?:ed|ion)\w*)\b",
    re.IGNORECASE,
)
#: Wordings of a test against a margin (non-inferiority, equivalence): its p-value and claims are
#: about the margin, not about no difference, so tests of no difference cannot check them.
MARGIN_TEST = re.compile(rf"\bnon[\s{_HYPHENS}]?inferior\w*|\bequivalen\w*|\bmargin\b", re.IGNORECASE)
#: The same in the name of a stated test (comparisons.csv test_stated), where a claim's wordings
#: mislead: "chi-square (equivalent to the z test)", "Fisher or equivalent" and "stratified by
#: resection margin status" name tests of no difference, and were left unchecked; "NI" and "TOST"
#: name tests against a margin, and so do the tests of a difference of proportions against a non-zero
#: margin that a paper may name alone: Farrington-Manning, Blackwelder, Dunnett-Gent.
MARGIN_STATED = re.compile(
    rf"\bnon[\s{_HYPHENS}]?inferior\w*|\bequivalence\b|\bTOST\b|(?-i:\bNI\b)"
    rf"|\bfarrington\b|\bblackwelder\b|\bdunnett[\s{_HYPHENS}]+(?:and[\s{_HYPHENS}]+)?gent\b"
    r"|(?<!resection )(?<!surgical )(?<!circumferential )(?<!tumour )(?<!tumor )\bmargin\b"
    r"(?![\s-]*(?:status|positive|negative|involve\w*|free|clear))",
    re.IGNORECASE,
)
_LEVEL = re.compile(
    r"(?P<pct>\d+(?:\.\d+)?)\s*(?:%|percent)\s*(?:level|significance|alpha|α)"
    r"|\bat\s+(?:the\s+|a\s+)?(?P<pct2>\d+(?:\.\d+)?)\s*(?:%|percent)"
    r"|(?:alpha|α)\s*(?:=|of|:)?\s*(?P<alpha>0?\.\d+)"
    r"|(?P<dec>0?\.\d+)\s+(?:significance\s+)?level"
    r"|\bat\s+(?:a\s+|the\s+)?p\s*(?:<|≤|<=|=)\s*(?P<p>0?\.\d+)"
    r"|\(\s*p\s*(?:<|≤|<=)\s*(?P<bound>0?\.\d+)\s*\)",
    re.IGNORECASE,
)
#: A claim is a sentence: longer text is not one claim (and would cost the patterns quadratic time).
MAX_CLAIM_LENGTH = 1000


@dataclasses.dataclass(frozen=True)
class ClaimReading(Result):
    """What a claim says: ``significant`` is True, False, or None when it is not read (``reason``)."""

    text: str
    significant: bool | None
    reason: str = ""


def _too_long(text) -> ClaimReading | None:
    """The unread reading of text too long to be one claim (None for a claim to read); a claim that
    is not text is refused."""
    if not isinstance(text, str):
        raise ValueError(f"a claim is text as printed (a string), got {type(text).__name__} {text!r}")
    if len(text) > MAX_CLAIM_LENGTH:
        return ClaimReading(text, None, f"it is longer than {MAX_CLAIM_LENGTH:,} characters, not one claim")
    return None


def read_claim(text: str) -> ClaimReading:
    """Read a verbal claim as "significant at 5%", "not significant", or neither (with the reason).

    Parameters
    ----------
    text : str
        The claim as printed, e.g. "significantly higher in the hetrombopag group" or "did not
        reach statistical significance".

    Returns
    -------
    ClaimReading
        ``significant`` True or False, or None with ``reason`` saying why the claim is not read:
        it does not speak of statistical significance, it is hedged ("trend towards"), it is about
        clinical significance, a non-inferiority margin, an adjusted analysis, a subgroup or
        another contrast, it sets another level than 5% or a multiplicity correction, or it holds a
        negation that the reading cannot place.

    Raises
    ------
    ValueError
        ``text`` is not a string.
    """
    too_long = _too_long(text)
    if too_long is not None:
        return too_long
    bare = _NS_DEFINED.sub(lambda m: m[1] or " ", text)  # without 'normal saline (NS)'
    if not _SIGNIFICANCE.search(bare):
        return ClaimReading(text, None, "it does not say whether the difference is statistically significant")
    if _CLINICAL.search(text):
        return ClaimReading(text, None, "it speaks of clinical, not statistical, significance")
    if MARGIN_TEST.search(text):
        return ClaimReading(
            text,
            None,
            "it is about non-inferiority or equivalence, which is tested against a margin, not against no "
            "difference",
        )
    for m in _LEVEL.finditer(text):
        if m["bound"]:  # "(p<0.01)" is a p-value; "(p<0.1)" sets a level above 5%
            if float(m["bound"]) > 0.05:
                return ClaimReading(text, None, f"it says p < {float(m['bound']):g}, not p < 0.05")
            continue
        pct = m["pct"] or m["pct2"]
        level = float(pct) / 100 if pct else float(m["alpha"] or m["dec"] or m["p"])
        if abs(level - 0.05) > 1e-12:
            return ClaimReading(text, None, f"it judges significance at the {level:g} level, not at 0.05")
    for pattern, reason in _NOT_A_CLAIM:
        if pattern.search(text):
            return ClaimReading(text, None, reason)
    if _MULTIPLICITY.search(text):
        return ClaimReading(
            text,
            None,
            "it judges significance after a multiplicity correction, which the printed p may not carry",
        )
    if _HEDGE.search(text):
        return ClaimReading(
            text,
            None,
            "it is hedged (a trend, borderline): neither a claim of significance nor of its absence",
        )
    negated = list(_NEGATED.finditer(bare))
    rest = _NEGATED.sub(" ", bare)
    if negated:
        if _SIGNIFICANCE.search(rest):
            return ClaimReading(
                text, None, "it says both that a difference is significant and that one is not"
            )
        return ClaimReading(text, False)
    if _ANY_NEGATION.search(text):
        return ClaimReading(text, None, "it holds a negation whose scope the audit cannot tell")
    if not _POSITIVE.search(text) or _EVENT_COUNT.search(text):
        return ClaimReading(
            text,
            None,
            "it uses the word without claiming that the difference is significant (e.g. 'significant "
            "bleeding')",
        )
    return ClaimReading(text, True)


#: "non-inferior" and its spellings (non-inferiority, noninferior, non inferiority, Unicode hyphens).
_NI = rf"non[\s{_HYPHENS}]?inferior\w*"
NONINFERIORITY = re.compile(rf"\b{_NI}", re.IGNORECASE)
#: "The non-inferiority of <drug> ..." : up to four words naming what was (not) non-inferior.
_NI_OF = rf"{_NI}(?:\s+(?:of|for)(?:\s+[\w{_HYPHENS}/.]+){{1,4}}?)?"
#: A criterion, margin or threshold of non-inferiority, named before or after the word.
_NI_CRITERION = (
    rf"(?:{_NI}\s+(?:criteri\w+|margin|threshold|boundary|hypothesis|condition|(?:primary\s+)?end[\s-]?points?)"
    rf"|(?:criteri\w+|margin|threshold|boundary|condition)\s+(?:for|of)\s+{_NI})"
)
#: Wordings that say non-inferiority was shown: "was non-inferior to", "non-inferiority (of X) was
#: shown / demonstrated / established / met / confirmed", "demonstrated non-inferiority", "indicating
#: non-inferiority", "meeting the non-inferiority criterion", "the criterion for non-inferiority was met".
_NI_SHOWN = re.compile(
    rf"\b(?:was|were|is|are|be|proved|proven|found\s+to\s+be|shown\s+to\s+be)\s+{_NI}"
    rf"|\b{_NI_OF}\s+(?:was|were|is|has\s+been|had\s+been)\s+(?:shown|demonstrated|established|met|achieved|confirmed|proven)"
    rf"|\b(?:show\w*|demonstrat\w+|establish\w*|met|meets|meeting|achieved|confirm\w*|indicat\w+|"
    rf"satisf\w+|fulfill?\w*)\s+(?:the\s+)?(?:\w+\s+){{0,2}}?(?:{_NI_CRITERION}|{_NI})"
    rf"|\b{_NI_CRITERION}\s+(?:was|were|is|has\s+been|had\s+been)\s+(?:met|achieved|satisfied|fulfill?ed)",
    re.IGNORECASE,
)
#: Words that may link a negation to "non-inferior" without changing what it denies: "could not be
#: shown to be non-inferior", "did not meet the prespecified criterion for non-inferiority", "unable
#: to show that X is non-inferior" (as :data:`_LINK` does for "not ... significant").
_NI_LINK = (
    r"(?:be|been|being|shown|show|found|proven|proved|prove|demonstrated|demonstrate|established|establish|"
    r"confirmed|confirm|met|meet|achieve\w*|considered|deemed|declared|judged|concluded|conclude|to|the|that|"
    r"of|for|was|were|is|are|formally|statistically|sufficiently|yet|evidence|prespecified|pre-specified|"
    r"predefined|pre-defined|criteri\w+|margin|threshold|boundary|hypothesis)"
)
#: What a CI bound does to a margin when non-inferiority fails: "the non-inferiority margin was not
#: crossed / exceeded" says it was shown, not that a criterion was not met.
_CROSSED = r"(?:cross\w*|exceed\w*|breach\w*|violat\w*|surpass\w*|overlap\w*|transgress\w*|include\w*)"
#: Wordings that say it was not: "not non-inferior", "failed to show non-inferiority",
#: "non-inferiority (of X) was not shown", "did not meet non-inferiority", "could not be established",
#: "was not shown to be non-inferior", "the non-inferiority margin was not met".
_NI_NOT_SHOWN = re.compile(
    rf"\bnot\s+(?!(?:only|merely|just|simply|solely|preclude\w*|exclude\w*|contradict\w*|refute\w*)\b)(?:\w+\s+)?{_NI}"
    rf"|\b(?:not|never|no|cannot|unable|fail\w*|unproven|insufficient)\s+(?:{_NI_LINK}\s+){{0,6}}"
    rf"(?:that\s+[\w{_HYPHENS}]+\s+(?:is|was|are|were)\s+)?{_NI}"
    rf"|\b(?:fail\w*|unable)\s+to\s+(?:show|demonstrate|establish|meet|achieve|confirm|prove)\s+(?:the\s+)?{_NI}"
    rf"|\b{_NI_OF}\s+(?:was|were|is|has|had|could|did)\s+not\b"
    rf"|\b{_NI_CRITERION}\s+(?:was|were|is|has|had|could|did)\s+not\b(?!\s+(?:been\s+)?{_CROSSED})"
    rf"|\b(?:did|does|could)\s+not\s+(?:show|demonstrate|establish|meet|achieve|confirm|prove)\s+(?:the\s+)?{_NI}",
    re.IGNORECASE,
)
#: "... non-inferior on day 11, but not on day 5": the claim is about several analyses at once.
_NI_EXCEPT = re.compile(
    r"\b(?:but|except|although|though)\s+not\s+(?:on|in|at|for|during|among|after|when|with)\b", re.IGNORECASE
)


def read_noninferiority(text: str) -> ClaimReading:
    """Read a verbal claim of non-inferiority: shown (``significant`` True), not shown (False), or
    neither (None, with the reason).

    Read as narrowly as :func:`read_claim`: a claim about equivalence, a hedged one ("appeared
    non-inferior"), or one that says both is left unread. ``significant`` here means "non-inferiority
    was shown", which the audit checks against the printed CI and the margin the evidence folder
    records (column ``margin``).

    Raises
    ------
    ValueError
        ``text`` is not a string.
    """
    too_long = _too_long(text)
    if too_long is not None:
        return too_long
    if not re.search(_NI, text, re.IGNORECASE):
        return ClaimReading(text, None, "it does not speak of non-inferiority")
    if re.search(r"\bequivalen", text, re.IGNORECASE):
        return ClaimReading(text, None, "it speaks of equivalence, which needs two margins")
    if _HEDGE.search(text) or re.search(r"\b(?:appear\w*|seem\w*)\b", text, re.IGNORECASE):
        return ClaimReading(text, None, "it is hedged")
    denied = [m.span() for m in _NI_NOT_SHOWN.finditer(text)]
    # "could not be shown to be non-inferior" holds "shown to be non-inferior": a wording that says it
    # was shown counts only outside every negated span, else the claim would be read the wrong way round.
    shown = any(not any(a <= m.start() < b for a, b in denied) for m in _NI_SHOWN.finditer(text))
    if (denied and shown) or ((denied or shown) and _NI_EXCEPT.search(text)):
        return ClaimReading(
            text, None, "it says non-inferiority was shown for one analysis and not for another"
        )
    if denied:
        return ClaimReading(text, False)
    if shown:
        return ClaimReading(text, True)
    return ClaimReading(text, None, "it does not say unambiguously whether non-inferiority was shown")
