"""Reanalysis of the published evidence on hetrombopag olamine in combination therapies.

The package is organised as one small module per statistical topic:

``reanalysis.data``         load and validate the study tables in ``data/``
``reanalysis.proportions``  confidence intervals, two-group tests and effect sizes
``reanalysis.contingency``  r x c tables, trend across ordered groups, stratified 2x2 (CMH)
``reanalysis.audit``        which counts and methods reproduce a published number
``reanalysis.survival``     Kaplan-Meier, cumulative incidence, log-rank, IPD reconstruction
``reanalysis.meta``         random-effects meta-analysis of proportions and 2x2 tables
``reanalysis.fragility``    fragility and reverse fragility index
``reanalysis.bayes``        Bayesian reanalysis of two proportions
``reanalysis.power``        power, sample size and minimal detectable difference
``reanalysis.plots``        figures (matplotlib/seaborn)

Importing the package itself is cheap: the heavy libraries are imported by the submodules.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hetrombopag-reanalysis")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

_SUBMODULES = {
    "data",
    "proportions",
    "contingency",
    "audit",
    "survival",
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
