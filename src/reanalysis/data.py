"""The flagship name for :mod:`reanalysis.evidence` (``data.load()`` reads an evidence folder).

Kept so that scripts written as ``from reanalysis import data; data.load()`` keep working; new code
should import :mod:`reanalysis.evidence`.
"""

from .evidence import (  # noqa: F401
    CERTAINTY,
    CI_UNITS,
    DAYS_PER_UNIT,
    EFFECT_MEASURES,
    EFFECT_UNITS,
    FLAGSHIP_INDICATIONS,
    GRADE_CONCERN,
    GRADE_DOMAINS,
    PROTOCOL_CATEGORIES,
    RESULT_TABLES,
    SCHEMAS,
    SOURCE_STATUS,
    STUDY_STATUS,
    TABLES,
    TIME_UNITS,
    TIMEPOINT_UNITS,
    TTE_STATISTICS,
    DataValidationError,
    Evidence,
    StudyData,
    default_data_dir,
    default_folder,
    empty_table,
    init,
    load,
    outcome_counts,
)
