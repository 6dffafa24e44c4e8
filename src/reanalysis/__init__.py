"""Reanalysis of published clinical-trial numbers: does what a paper prints hold up?

Built for the hetrombopag evidence (the repository's ``data/``), usable on any paper's numbers. One
small module per statistical topic:

``reanalysis.evidence``     load, validate and initialise evidence folders (any indication)
``reanalysis.data``         the same, under its first name
``reanalysis.printed``      numbers as printed ("65.6", "<0.001", "NR") and what they can mean
``reanalysis.proportions``  confidence intervals, two-group tests and effect sizes
``reanalysis.contingency``  r x c tables, trend across ordered groups, stratified 2x2 (CMH)
``reanalysis.noninferiority`` one-sided tests of two proportions against a non-inferiority margin
``reanalysis.audit``        which counts and methods reproduce a published number
``reanalysis.survival``     Kaplan-Meier, cumulative incidence, log-rank
``reanalysis.reconstruction`` IPD from published KM curves (Guyot) and the two-arm reanalysis
``reanalysis.meta``         random-effects meta-analysis of proportions and 2x2 tables
``reanalysis.fragility``    fragility and reverse fragility index
``reanalysis.bayes``        Bayesian reanalysis of two proportions
``reanalysis.power``        power, sample size and minimal detectable difference
``reanalysis.plots``        figures (matplotlib/seaborn)
``reanalysis.report``       deterministic report writing and the audit report of any folder
``reanalysis.glossary``     plain-language meanings of every method name a report prints

Importing the package itself is cheap: the heavy libraries are imported by the submodules.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hetrombopag-reanalysis")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

_SUBMODULES = {
    "evidence",
    "printed",
    "glossary",
    "data",
    "proportions",
    "contingency",
    "noninferiority",
    "audit",
    "survival",
    "reconstruction",
    "meta",
    "fragility",
    "bayes",
    "power",
    "plots",
    "report",
}

__all__ = sorted(_SUBMODULES | {"__version__"})


def __getattr__(name):
    # Lazy submodules: `import reanalysis; reanalysis.proportions.proportion_ci(...)` works without
    # paying for scipy/pandas/matplotlib at package import.
    if name in _SUBMODULES:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'reanalysis' has no attribute {name!r}")
