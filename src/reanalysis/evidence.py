"""Evidence folders: one schema for the published numbers of any paper, any indication.

An *evidence folder* holds tidy CSV tables, one fact per row, every row traceable to its source.
The repository's ``data/`` (the hetrombopag evidence) is one such folder; ``examples/`` holds
others. :func:`load` reads and validates a folder; :func:`init` writes a blank one ready to fill.

Tables (see :data:`SCHEMAS` for every column, its type and meaning):

``studies.csv`` (required)   one row per study
``arms.csv``                 one row per arm (sizes)
``outcomes.csv``             binary endpoints: responders / n, printed percentage and CI, per arm
``comparisons.csv``          published between-arm tests and effects (p, OR/RR/RD/HR with CI)
``time_to_event.csv``        published medians, ranges, landmark rates (``NR`` allowed)
``patients.csv``             per-patient values, only where a source publishes them
``designs.csv``              trial designs and sample-size assumptions
``protocols.csv``            eligibility, regimens, doses, response definitions, endpoints
``certainty.csv``            certainty-of-evidence judgements (GRADE-style) per clinical question

Only ``studies.csv`` and at least one of outcomes / comparisons / time_to_event are required; a
missing table is an empty table. A column not needed may be left out (it reads as empty), but an
unknown column is an error (it is usually a typo). Lines starting with ``#`` are comments (the
blank folder from :func:`init` has one commented example row per table).

All problems are collected and raised together as one :class:`DataValidationError` naming the
file, the line (the header is line 1) and the column of each. Printed values (percentages, CI
bounds, p-values, effects) stay strings so that "65.60" and "65.6" differ: their decimals are part
of what the paper reported.
"""

from __future__ import annotations

import collections
import csv
import dataclasses
import difflib
import hashlib
import io
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .printed import parse_printed

SOURCE_STATUS = ("confirmed", "secondary", "seed-only", "derived")
# Indications of the flagship data set; any other free text is accepted too.
FLAGSHIP_INDICATIONS = ("SAA", "ITP", "CIT")
STUDY_STATUS = ("completed", "ongoing", "design-only")
# "best" = no fixed timepoint: the best response, or an event at any time during follow-up (an adverse
# event, a death); "cycle" = chemotherapy cycle.
TIMEPOINT_UNITS = ("day", "week", "month", "year", "cycle", "best")
TIME_UNITS = ("day", "week", "month", "year")
TTE_STATISTICS = ("median", "mean", "min", "max", "q1", "q3", "rate_at")
EFFECT_MEASURES = ("or", "rr", "rd", "hr")
EFFECT_UNITS = ("ratio", "proportion", "percentage-points")
CI_UNITS = ("percent", "proportion")
PROTOCOL_CATEGORIES = (
    "design",
    "eligibility",
    "exclusion",
    "regimen",
    "primary-endpoint",
    "secondary-endpoint",
    "response-definition",
    "monitoring",
)

GRADE_DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
GRADE_CONCERN = ("not serious", "serious", "very serious", "not assessable")
# GRADE's four levels, and "not rated" for a question with no effect estimate (no result published
# yet): certainty describes an estimate, so without one there is nothing to rate.
NOT_RATED = "not rated (no results yet)"
CERTAINTY = ("high", "moderate", "low", "very low", NOT_RATED)

# Days per unit, for comparing times recorded in different units (Julian year).
DAYS_PER_UNIT = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}

#: Outcome tables at least one of which an evidence folder must have.
RESULT_TABLES = ("outcomes", "comparisons", "time_to_event")


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of a table: name, kind, whether required, allowed values, meaning."""

    name: str
    # "str" (free text), "int", "float", "bool", or a printed number kept as printed:
    # "percent" (0-100), "pvalue" (0-1, NS), "printed" (any number), "printed_nr" (any number, or
    # NR / NE; Inf where a table's checks allow it)
    kind: str = "str"
    required: bool = False
    allowed: tuple[str, ...] | None = None
    doc: str = ""
    example: str = ""


def _c(name, kind="str", required=False, allowed=None, doc="", example=""):
    return Column(name, kind, required, allowed, doc, example)


_SOURCE = [
    _c(
        "source_status",
        required=True,
        allowed=SOURCE_STATUS,
        doc="confirmed (seen in the cited source), secondary (stated by a secondary source only), "
        "derived (back-calculated); seed-only = known only from the summary document the folder was "
        "built from (a review, a briefing), not yet checked against the publication",
        example="confirmed",
    ),
]
_WHERE = _c(
    "source_location", required=True, doc="table / figure / page / sentence of the source", example="Table 2"
)
_NOTES = _c("notes", doc="disagreements, caveats")

SCHEMAS: dict[str, dict] = {
    "studies": {
        "doc": "one row per study or registered trial",
        "columns": [
            _c("study_id", required=True, doc="identifier used by every other table", example="trial_a"),
            _c(
                "label",
                doc="short readable name for tables and figures (default: the study_id)",
                example="Trial A 2020",
            ),
            _c(
                "indication",
                required=True,
                doc="free text (e.g. AML, iNHL, solid tumour, SAA)",
                example="iNHL",
            ),
            _c(
                "design",
                required=True,
                doc='e.g. "randomised, double-blind, placebo-controlled"',
                example="randomised, open-label",
            ),
            _c("phase", doc="trial phase as registered", example="3"),
            _c("registration", doc="NCT / EudraCT / ChiCTR identifier", example="NCT00000000"),
            _c(
                "citation",
                required=True,
                doc="citation as far as confirmed",
                example="Author A, et al. Journal 2020;1:1-10",
            ),
            _c("pmid", doc="PubMed identifier"),
            _c("doi", doc="DOI"),
            _c(
                "seed_reference",
                doc="optional: reference number(s) in the summary document the folder was built from, ;-separated",
            ),
            _c(
                "status",
                required=True,
                allowed=STUDY_STATUS,
                doc="completed / ongoing / design-only",
                example="completed",
            ),
            *_SOURCE,
            _c(
                "source",
                required=True,
                doc="URL or description of where the row was checked",
                example="https://doi.org/...",
            ),
            _NOTES,
        ],
        "key": ["study_id"],
    },
    "arms": {
        "doc": "one row per arm",
        "columns": [
            _c("study_id", required=True, example="trial_a"),
            _c("arm_id", required=True, doc="arm identifier, unique within a study", example="treatment"),
            _c("regimen", required=True, doc="treatment as described", example="drug X 10 mg daily"),
            _c("n_randomised", "int", doc="patients randomised (RCTs)", example="100"),
            _c("n_enrolled", "int", doc="patients enrolled or treated (non-randomised designs)"),
            _c("n_evaluable", "int", doc="patients analysed for the primary endpoint, when stated"),
            *_SOURCE,
            _c("source", required=True, example="Table 1"),
            _NOTES,
        ],
        "key": ["study_id", "arm_id"],
    },
    "outcomes": {
        "doc": "binary endpoints, one row per arm x endpoint x timepoint (x stratum)",
        "columns": [
            _c("study_id", required=True, example="trial_a"),
            _c("arm_id", required=True, example="treatment"),
            _c(
                "endpoint",
                required=True,
                doc="e.g. overall_response, complete_response",
                example="overall_response",
            ),
            _c("timepoint_value", "float", doc="assessment time; empty when the unit is 'best'", example="6"),
            _c(
                "timepoint_unit",
                required=True,
                allowed=TIMEPOINT_UNITS,
                doc="day / week / month / year / cycle / best (no fixed time: best response, or an event at any time)",
                example="month",
            ),
            _c("stratum", doc="stratum label for stratified results; empty = the whole arm"),
            _c("responders", "int", doc="patients with the endpoint, as published", example="42"),
            _c(
                "n",
                "int",
                doc="denominator, as published (empty when not: a count with its percentage is checked over "
                "the denominators that print it)",
                example="64",
            ),
            _c("reported_percent", "percent", doc="percentage as printed (0-100)", example="65.6"),
            _c("ci_low", "printed", doc="lower CI bound as printed", example="52.7"),
            _c("ci_high", "printed", doc="upper CI bound as printed", example="77.1"),
            _c("ci_unit", allowed=CI_UNITS, doc="scale of the printed CI: percent (default) or proportion"),
            _c("ci_level", "float", doc="confidence level in percent (e.g. 95)", example="95"),
            _c("ci_method", doc="CI method as stated by the paper, or 'not stated'"),
            _c("derived_responders", "int", doc="back-calculated count (only when not published)"),
            _c("derived_n", "int", doc="back-calculated denominator"),
            _c("derivation", doc="the rule used to derive them"),
            *_SOURCE,
            _WHERE,
            _NOTES,
        ],
        "key": ["study_id", "arm_id", "endpoint", "timepoint_value", "timepoint_unit", "stratum"],
    },
    "comparisons": {
        "doc": "published between-arm tests and effects, one row per comparison",
        "columns": [
            _c("study_id", required=True, example="trial_a"),
            _c(
                "endpoint",
                required=True,
                doc="links to outcomes.csv (or names a time-to-event endpoint)",
                example="overall_response",
            ),
            _c("timepoint_value", "float", example="6"),
            _c(
                "timepoint_unit",
                allowed=TIMEPOINT_UNITS,
                doc="as in outcomes.csv; empty only for a whole-follow-up time-to-event comparison "
                "(e.g. a hazard ratio for overall survival)",
                example="month",
            ),
            _c("arm_a", required=True, doc="first arm (effects are arm_a vs arm_b)", example="treatment"),
            _c("arm_b", required=True, doc="second arm", example="control"),
            _c("other_arms", doc="further arms of a k-group comparison, ;-separated, in order (e.g. dose)"),
            _c("categories", doc="mutually exclusive endpoints forming an r x c table, ;-separated"),
            _c("stratified_by", doc="stratification factor; strata are outcomes rows with a stratum"),
            _c(
                "stratum",
                doc="a comparison within one stratum (outcomes rows with this stratum); empty = whole arms",
            ),
            _c(
                "reported_p",
                "pvalue",
                doc='p-value as printed ("0.494", "<0.001", ".027", "NS")',
                example="0.03",
            ),
            _c(
                "test_stated",
                required=True,
                doc="test named by the paper, or 'not stated'",
                example="not stated",
            ),
            _c("effect_measure", allowed=EFFECT_MEASURES, doc="or / rr / rd / hr", example="or"),
            _c(
                "reported_effect",
                "printed_nr",
                doc="published effect as printed (a ratio may be 0, or NE / Inf where a group has no events)",
                example="1.8",
            ),
            _c(
                "effect_ci_low",
                "printed_nr",
                doc="published CI, lower (NE allowed for a ratio)",
                example="1.1",
            ),
            _c(
                "effect_ci_high",
                "printed_nr",
                doc="published CI, upper (NE / Inf allowed for a ratio)",
                example="2.9",
            ),
            _c("effect_ci_level", "float", doc="confidence level of the effect CI in percent (default 95)"),
            _c(
                "effect_unit",
                allowed=EFFECT_UNITS,
                doc="ratio (or/rr/hr), proportion or percentage-points (rd); inferred when empty",
            ),
            _c(
                "adjustment",
                doc="empty (or 'unknown', 'not stated') = not stated; 'none' = crude; else how the estimate "
                "was adjusted",
            ),
            _c(
                "claim",
                doc="a verbal claim of (no) significant difference, as printed: checked against the "
                "printed CI or p-value, or else the published counts; left unchecked, with the reason, "
                "when nothing decides it",
            ),
            _c(
                "margin",
                "printed",
                doc="non-inferiority margin, as the boundary the effect's CI must not cross, on the effect's "
                "scale and unit: -10 for a risk difference in percentage points whose lower bound must lie "
                "above -10, 1.25 for a ratio whose upper bound must lie below 1.25; a claim of "
                "non-inferiority is then checked against the printed CI",
            ),
            *_SOURCE,
            _WHERE,
            _NOTES,
        ],
        # A paper may print, for one endpoint, a k-group p and the pairwise one, a stratified and a
        # crude test, or a crude and an adjusted ratio: each is its own published number.
        "key": [
            "study_id",
            "endpoint",
            "timepoint_value",
            "timepoint_unit",
            "arm_a",
            "arm_b",
            "other_arms",
            "categories",
            "stratified_by",
            "stratum",
            "effect_measure",
            "adjustment",
        ],
    },
    "time_to_event": {
        "doc": "published summaries of time to response, duration of response, survival",
        "columns": [
            _c("study_id", required=True, example="trial_a"),
            _c("arm_id", required=True, example="treatment"),
            _c(
                "quantity",
                required=True,
                doc="e.g. overall_survival, time_to_response",
                example="progression_free_survival",
            ),
            _c(
                "statistic",
                required=True,
                allowed=TTE_STATISTICS,
                doc="median / mean / min / max / q1 / q3 / rate_at",
                example="median",
            ),
            _c("value", "printed_nr", required=True, doc="as printed; NR = not reached", example="14.2"),
            _c(
                "unit",
                required=True,
                allowed=TIME_UNITS + ("percent",),
                doc="day / week / month / year; percent for rate_at",
                example="month",
            ),
            _c("ci_low", "printed_nr", doc="CI as printed; NR allowed", example="11.0"),
            _c("ci_high", "printed_nr", example="NR"),
            _c("ci_level", "float", doc="confidence level in percent (default 95)"),
            _c("at_time", "float", doc="landmark for rate_at"),
            _c("at_time_unit", allowed=TIME_UNITS),
            _c("n", "int", doc="patients the summary is over, when stated"),
            *_SOURCE,
            _WHERE,
            _NOTES,
        ],
        "key": ["study_id", "arm_id", "quantity", "statistic", "at_time"],
    },
    "patients": {
        "doc": "per-patient values, only where a source publishes them",
        "columns": [
            _c("study_id", required=True, example="trial_a"),
            _c("arm_id", required=True, example="treatment"),
            _c("patient_id", required=True, example="1"),
            _c("time_to_response", "float", doc="from start of treatment"),
            _c("time_to_response_unit", allowed=TIME_UNITS),
            _c("responded", "bool", required=True, doc="true / false", example="true"),
            _c("duration_of_response", "float", doc="from response to loss of response or last follow-up"),
            _c("duration_unit", allowed=TIME_UNITS),
            _c("response_ongoing", "bool", doc="true = censored at last follow-up"),
            _c("follow_up", "float", doc="from start of treatment"),
            _c("follow_up_unit", allowed=TIME_UNITS),
            _c("baseline_platelets", "float", doc="10^9/L"),
            *_SOURCE,
            _WHERE,
            _NOTES,
        ],
        "key": ["study_id", "patient_id"],
    },
    "designs": {
        "doc": "trial designs and sample-size assumptions, one row per source",
        "columns": [
            _c("study_id", required=True, example="trial_a"),
            _c(
                "source_label",
                required=True,
                doc="registry / protocol / abstract / summary document",
                example="protocol",
            ),
            _c("primary_endpoint", doc="as registered"),
            _c("planned_n", "int", doc="planned total sample size"),
            _c("n_arms", "int"),
            _c("allocation_ratio", doc='e.g. "2:1"'),
            _c("assumed_p_control", "float", doc="design assumption (proportion)"),
            _c("assumed_p_treatment", "float", doc="design assumption (proportion)"),
            _c("alpha", "float"),
            _c("power", "float"),
            _c("sidedness", allowed=("one-sided", "two-sided")),
            _c("stratification", doc="stratification factors"),
            *_SOURCE,
            _c("source", required=True, example="registry record"),
            _NOTES,
        ],
        "key": ["study_id", "source_label"],
    },
    "protocols": {
        "doc": "protocol facts: design, eligibility, regimens and doses, endpoints, response definitions",
        "columns": [
            _c("study_id", required=True, example="trial_a"),
            _c("arm_id", doc="arm the item applies to; empty = the whole study"),
            _c(
                "category",
                required=True,
                allowed=PROTOCOL_CATEGORIES,
                doc=", ".join(PROTOCOL_CATEGORIES),
                example="regimen",
            ),
            _c("item", required=True, doc="short name, unique within study/arm/category", example="dose"),
            _c("text", required=True, doc="the statement, as in the source", example="10 mg once daily"),
            _c("value", "printed", doc="number in the statement, when there is one", example="10"),
            _c("unit", doc="unit of value", example="mg/day"),
            *_SOURCE,
            _c("source", required=True, example="Methods"),
            _NOTES,
        ],
        "key": ["study_id", "arm_id", "category", "item"],
    },
    "certainty": {
        "doc": "certainty-of-evidence judgements (GRADE-style), one row per clinical question",
        "columns": [
            _c("question_id", required=True, doc="identifier", example="q1"),
            _c(
                "question",
                required=True,
                doc="the clinical question in plain words",
                example="Does drug X added to standard care raise 6-month response?",
            ),
            _c("indication", required=True, example="iNHL"),
            _c("study_ids", required=True, doc="studies answering it, ;-separated", example="trial_a"),
            _c("endpoint", doc="outcomes endpoint whose effect answers it", example="overall_response"),
            _c("timepoint_value", "float", example="6"),
            _c("timepoint_unit", allowed=TIMEPOINT_UNITS, example="month"),
            _c("arm_a", doc="arm of the first study giving the effect (a vs b)", example="treatment"),
            _c("arm_b", example="control"),
            *[
                _c(
                    d,
                    required=True,
                    allowed=GRADE_CONCERN,
                    doc=f"GRADE domain: {d.replace('_', ' ')}",
                    example="not serious",
                )
                for d in GRADE_DOMAINS
            ],
            _c(
                "certainty",
                required=True,
                allowed=CERTAINTY,
                doc=f"high / moderate / low / very low, or {NOT_RATED!r} when no effect estimate exists",
                example="moderate",
            ),
            _c(
                "reasons",
                required=True,
                doc="why, domain by domain",
                example="downgraded once for imprecision",
            ),
            _c(
                "judged_by",
                required=True,
                doc="whose judgement (e.g. this reanalysis)",
                example="this reanalysis",
            ),
            _NOTES,
        ],
        "key": ["question_id"],
    },
}

TABLES = tuple(SCHEMAS)
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}
_PRINTED_KINDS = {
    "percent": ("percent", False),
    "pvalue": ("pvalue", False),
    "printed": ("number", False),
    "printed_nr": ("number", True),
}


class DataValidationError(ValueError):
    """Raised when one or more tables break the schema; ``problems`` lists every one."""

    def __init__(self, problems: list[str], folder: str | None = None):
        self.problems = list(problems)
        where = f" in the evidence folder {folder}" if folder else ""
        head = f"{len(self.problems)} problem(s){where}:"
        super().__init__("\n  ".join([head, *self.problems]))


@dataclasses.dataclass(frozen=True)
class Evidence:
    """The validated tables of one evidence folder, one DataFrame per table."""

    studies: pd.DataFrame
    arms: pd.DataFrame
    outcomes: pd.DataFrame
    comparisons: pd.DataFrame
    time_to_event: pd.DataFrame
    patients: pd.DataFrame
    designs: pd.DataFrame
    protocols: pd.DataFrame
    certainty: pd.DataFrame
    folder: Path  # absolute path of the folder read
    label: str  # the folder as the user named it (printed in reports)
    checksums: dict  # file name -> SHA-256 of its bytes, for report provenance (files present only)
    lines: dict = dataclasses.field(default_factory=dict, repr=False)  # table -> file line of each row

    @property
    def data_dir(self) -> Path:
        """The folder read (alias of ``folder``)."""
        return self.folder

    def outcome(self, study_id, arm_id, endpoint, timepoint_value=None, timepoint_unit=None, stratum=None):
        """The one outcomes row for an arm, endpoint and timepoint (ValueError if not exactly one)."""
        o = self.outcomes
        sel = o[(o.study_id == study_id) & (o.arm_id == arm_id) & (o.endpoint == endpoint)]
        sel = sel[sel.stratum.isna()] if stratum is None else sel[sel.stratum == stratum]
        if timepoint_unit is not None:
            sel = sel[sel.timepoint_unit == timepoint_unit]
        if timepoint_value is not None:
            sel = sel[sel.timepoint_value == timepoint_value]
        if len(sel) != 1:
            raise ValueError(
                f"expected one outcome for {study_id}/{arm_id}/{endpoint}/{timepoint_value} "
                f"{timepoint_unit}, found {len(sel)} in {self.label}/outcomes.csv"
            )
        return sel.iloc[0]

    def counts(self, study_id, arm_id, endpoint, timepoint_value=None, timepoint_unit=None, stratum=None):
        """(responders, n, derived): published counts, else the derived ones (``derived=True``)."""
        row = self.outcome(study_id, arm_id, endpoint, timepoint_value, timepoint_unit, stratum)
        found = outcome_counts(row)
        if found is None:
            raise ValueError(f"no counts published or derived for {study_id}/{arm_id}/{endpoint}")
        return found

    def table(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise ValueError(f"name must be one of {', '.join(TABLES)}; got {name!r}")
        return getattr(self, name)

    def study_label(self, study_id: str) -> str:
        """The study's short readable name (its ``label``, else its study_id)."""
        sel = self.studies[self.studies.study_id == study_id]
        if len(sel) and isinstance(sel.iloc[0].label, str) and sel.iloc[0].label.strip():
            return sel.iloc[0].label.strip()
        return study_id

    def study(self, study_id: str) -> pd.Series:
        sel = self.studies[self.studies.study_id == study_id]
        if len(sel) != 1:
            raise ValueError(f"unknown study {study_id!r} in {self.label}/studies.csv")
        return sel.iloc[0]


# The name used before evidence folders were general.
StudyData = Evidence


def outcome_counts(row) -> tuple[int, int, bool] | None:
    """(responders, n, derived) of an outcomes row: published counts, else derived ones, else None."""
    if not pd.isna(row.responders) and not pd.isna(row.n):
        return int(row.responders), int(row.n), False
    if not pd.isna(row.derived_responders):
        return int(row.derived_responders), int(row.derived_n), True
    return None


def default_folder() -> Path:
    """The evidence folder used when none is given.

    ``$REANALYSIS_DATA`` if set, else ``./data`` in the current working directory if it holds a
    ``studies.csv``. Never a folder found from where the package is installed: a copied checkout
    must read its own data, not the original's.
    """
    env = os.environ.get("REANALYSIS_DATA")
    if env:
        return Path(env)
    here = Path("data")
    if (here / "studies.csv").is_file():
        return here
    raise DataValidationError(
        [
            "no evidence folder given, $REANALYSIS_DATA is not set and ./data/studies.csv does not exist "
            "here; pass the folder (e.g. load('path/to/folder')) or create one with `reanalysis init DIR`"
        ]
    )


# The name used before evidence folders were general.
default_data_dir = default_folder


def load(folder: str | Path | None = None) -> Evidence:
    """Read and validate every table in an evidence folder.

    Parameters
    ----------
    folder : str or Path, optional
        The evidence folder. Default: :func:`default_folder` (``$REANALYSIS_DATA`` or ``./data``).

    Returns
    -------
    Evidence
        The tables, ``folder``, ``label``, the SHA-256 of each file read and each row's file line.
        The files are read and hashed at every call; their validation is reused when the same bytes
        were loaded before in this process (the tables returned are copies, so changing them never
        changes a later load).

    Raises
    ------
    DataValidationError
        Listing every problem found, each with file, line and column.
    """
    folder = Path(folder) if folder is not None else default_folder()
    label = str(folder)
    if folder.exists() and not folder.is_dir():
        raise DataValidationError([f"{folder}: is a file, not an evidence folder (a folder of CSV tables)"])
    if not folder.is_dir():
        raise DataValidationError(
            [f"{folder}: evidence folder not found (`reanalysis init {folder}` creates one)"]
        )
    present = {p.name for p in folder.glob("*.csv")}
    contents = {
        name: (folder / f"{name}.csv").read_bytes() for name in SCHEMAS if (folder / f"{name}.csv").is_file()
    }
    checksums = {f"{name}.csv": hashlib.sha256(raw).hexdigest() for name, raw in contents.items()}
    key = (tuple(sorted(present)), tuple(sorted(checksums.items())))
    if key not in _VALIDATED:
        _VALIDATED[key] = _validate_folder(folder, present, contents)
        while len(_VALIDATED) > _VALIDATED_MAX:
            _VALIDATED.pop(next(iter(_VALIDATED)))
    frames, line_numbers = _VALIDATED[key]
    return Evidence(
        # Copies: a caller that changes its tables must not change what the next load returns.
        **{name: frame.copy() for name, frame in frames.items()},
        folder=folder.resolve(),
        label=label,
        checksums=dict(sorted(checksums.items())),
        lines={name: list(line_numbers.get(name, [])) for name in TABLES},
    )


#: Validated tables by folder content (the CSV names present and each table's SHA-256): loading
#: the same bytes again (each report of a build, every CLI verb of a session) skips validation,
#: which is a pure function of those bytes. Only valid folders are kept; the oldest goes first.
_VALIDATED: dict = {}
_VALIDATED_MAX = 16


def _validate_folder(folder: Path, present: set[str], contents: dict[str, bytes]):
    """(frames, line numbers) of a folder's tables, or DataValidationError listing every problem."""
    label = str(folder)
    problems: list[str] = []
    frames: dict[str, pd.DataFrame] = {}
    line_numbers: dict[str, list[int]] = {}  # table -> line of each row in its file
    broken: set[str] = set()  # tables that could not be read: their relations are not checked
    for name, schema in SCHEMAS.items():
        path = folder / f"{name}.csv"
        if name not in contents:
            frames[name] = empty_table(name)
            if name == "arms":
                broken.add(name)  # no arms table: arm ids cannot be checked against it
            continue
        rows, lines = _read_csv(path.name, contents[name], problems)
        if rows is None:
            frames[name] = empty_table(name)
            broken.add(name)
            continue
        before = len(problems)
        frames[name], line_numbers[name] = _validate_table(path.name, rows, lines, schema, problems)
        if frames[name].empty and len(problems) > before:
            broken.add(name)
    if "studies.csv" not in present:
        problems.append(
            f"studies.csv: required table missing from {folder} (`reanalysis init DIR` writes one)"
        )
    if not any(f"{t}.csv" in present for t in RESULT_TABLES):
        problems.append(
            f"{folder}: no results table: give at least one of "
            + ", ".join(f"{t}.csv" for t in RESULT_TABLES)
        )
    for extra in sorted(present - {f"{t}.csv" for t in TABLES}):
        close = difflib.get_close_matches(extra, [f"{t}.csv" for t in TABLES], n=1, cutoff=0.8)
        if close:
            problems.append(f"{extra}: not a table of an evidence folder; did you mean {close[0]}?")
    _check_relations(frames, line_numbers, problems, broken)
    if problems:
        raise DataValidationError(problems, label)
    return frames, line_numbers


def _printed_is(text, what: str) -> bool:
    """Whether a printed cell reads as ``what`` ("infinite", "not_estimable"); False when empty or
    unreadable (other checks report those)."""
    try:
        return isinstance(text, str) and getattr(parse_printed(text, allow_nr=True), what)
    except ValueError:
        return False


def _printed_value(text) -> float:
    """The value of a printed bound for ordering checks (NaN when empty or unreadable: other
    checks report those; NR counts as +infinity)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return math.nan
    try:
        return parse_printed(str(text), allow_nr=True).value
    except ValueError:
        return math.nan


def empty_table(name: str) -> pd.DataFrame:
    """A table with no rows and every column typed as the schema says."""
    if name not in _EMPTY:  # built once: typing each column costs ~5 ms a table, a copy ~0.1 ms
        _EMPTY[name] = pd.DataFrame(
            {c.name: pd.Series(dtype=_dtype(c.kind)) for c in SCHEMAS[name]["columns"]}
        )
    return _EMPTY[name].copy()


_EMPTY: dict[str, pd.DataFrame] = {}


def _dtype(kind):
    return {"int": "Int64", "float": "float64", "bool": "boolean"}.get(kind, "object")


def _read_csv(fname: str, raw: bytes, problems: list[str]):
    """Rows of a CSV (header first) with each row's physical line number; '#' lines are comments."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        problems.append(f"{fname}: cannot be read as UTF-8 ({err.reason} at byte {err.start})")
        return None, None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.append(f"{fname}, line {line}: contains a NUL byte (a binary or corrupted file?)")
        return None, None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, lines = [], []
    start = 1
    try:
        for row in reader:
            if row and row[0].lstrip().startswith("#"):
                start = reader.line_num + 1
                continue
            if not row or all(not c.strip() for c in row):
                start = reader.line_num + 1
                continue
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        problems.append(f"{fname}, line {reader.line_num}: cannot be read as CSV ({err})")
        return None, None
    if not rows:
        problems.append(f"{fname}: empty file (expected at least a header line)")
        return None, None
    return rows, lines


def _validate_table(fname, rows, lines, schema, problems) -> tuple[pd.DataFrame, list[int]]:
    cols = schema["columns"]
    names = [c.name for c in cols]
    header = [h.strip() for h in rows[0]]
    header_line = lines[0]
    missing = [c.name for c in cols if c.required and c.name not in header]
    unknown = [h for h in header if h not in names]
    dup = sorted({h for h in header if header.count(h) > 1})
    if missing:
        problems.append(f"{fname}: missing required column(s) {', '.join(missing)}")
    for h in unknown:
        close = difflib.get_close_matches(h, names, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]}?)" if close else " (see the README of the evidence folder format)"
        problems.append(f"{fname}, line {header_line}: unknown column {h!r}{hint}")
    if dup:
        problems.append(f"{fname}, line {header_line}: duplicate column(s) {', '.join(dup)}")
    if missing or dup:
        return empty_table_from(cols), []
    body = rows[1:]
    body_lines = lines[1:]
    index = {h: i for i, h in enumerate(header)}
    first = len(problems)
    misaligned = set()
    for r, line in zip(body, body_lines, strict=True):
        if len(r) != len(header):
            misaligned.add(line)
            problems.append(
                f"{fname}, line {line}: {len(r)} fields where the header has {len(header)} (a missing or extra comma?)"
            )
    out = {}
    for col in cols:
        i = index.get(col.name)
        values = [(r[i].strip() if i is not None and i < len(r) else "") for r in body]
        parsed = []
        for text, line in zip(values, body_lines, strict=True):
            where = f"{fname}, line {line}, column {col.name}"
            if text == "":
                if col.required:
                    problems.append(f"{where}: value required")
                parsed.append(None)
                continue
            if col.allowed is not None and text not in col.allowed:
                problems.append(f"{where}: {text!r} is not one of {', '.join(col.allowed)}")
            parsed.append(_parse(text, col.kind, where, problems))
        # Arrays, not Series: a DataFrame built from arrays skips aligning an index per column
        # (a third of the validation's time); the frame is the same.
        if col.kind == "float":
            out[col.name] = np.array(parsed, dtype=float)
        elif col.kind in ("int", "bool"):
            out[col.name] = pd.array(parsed, dtype=_dtype(col.kind))
        else:
            out[col.name] = np.array([v if v != "" else None for v in values], dtype=object)
    frame = pd.DataFrame(out)
    _check_rows(fname, frame, body_lines, problems)
    key = schema["key"]
    for i in np.flatnonzero(_duplicated_keys(frame, key)):
        shown = ", ".join(f"{k}={_shown_key(frame.iloc[i][k])}" for k in key if not pd.isna(frame.iloc[i][k]))
        problems.append(f"{fname}, line {body_lines[i]}: duplicate key ({shown})")
    if misaligned:
        # On a line with a missing or extra comma every later value sits in the wrong column: what
        # the columns' checks say of it would only mislead, so the field count is said alone.
        shifted = tuple(
            f"{fname}, line {line}{sep}" for line in misaligned for sep in (", ", ": duplicate key")
        )
        problems[first:] = [p for p in problems[first:] if not p.startswith(shifted)]
    return frame, body_lines


def _shown_key(value) -> str:
    """A key value as the file has it: a whole number read through a float (30.0) as 30."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def empty_table_from(cols) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=_dtype(c.kind)) for c in cols})


def _parse(text, kind, where, problems):
    if kind == "str":
        return text
    if kind in _PRINTED_KINDS:
        printed_kind, allow_nr = _PRINTED_KINDS[kind]
        try:
            parse_printed(text, kind=printed_kind, allow_nr=allow_nr)
        except ValueError as err:
            problems.append(f"{where}: {err}")
        return text
    if kind == "bool":
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        problems.append(f"{where}: {text!r} is not true/false")
        return None
    try:
        value = float(text)
    except ValueError:
        problems.append(f"{where}: {text!r} is not a number")
        return None
    if not np.isfinite(value):
        problems.append(f"{where}: {text!r} is not a finite number")
        return None
    if kind == "int":
        if value != int(value):
            problems.append(f"{where}: {text!r} is not a whole number")
            return None
        if value < 0:
            problems.append(f"{where}: {text!r} must not be negative")
            return None
        if value > _LARGEST_WHOLE:  # read through a float: from 2^53 on digits are lost, then int64 overflows
            problems.append(f"{where}: {text!r} is too large (at most {_LARGEST_WHOLE:,})")
            return None
        return int(value)
    return value


#: The largest whole number a table may hold: whole numbers are read through a float, exact below 2^53
#: (a text at 2^53 or above may stand for a neighbouring number, e.g. 2^53 + 1 reads as 2^53).
_LARGEST_WHOLE = 2**53 - 1


class _Columns:
    """A table's columns as numpy arrays, for the masks of the row checks.

    Each pandas operation on a small table costs 50-100 µs, the same on an array about 1 µs: the
    checks' masks took 5-10 ms a table in pandas. Numeric columns of the schema (int, float, bool)
    are floats with NaN where missing (a comparison with NaN is False, as pandas' ``fillna(False)``
    made it), the others objects.
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._arrays: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._arrays:
            values = self.frame[name]
            if _COLUMN_KINDS.get(name) in ("int", "float", "bool"):
                self._arrays[name] = values.to_numpy(dtype=float, na_value=np.nan)
            else:
                self._arrays[name] = values.to_numpy(dtype=object)
        return self._arrays[name]

    def isna(self, name: str) -> np.ndarray:
        return pd.isna(self[name])

    def notna(self, name: str) -> np.ndarray:
        return ~pd.isna(self[name])

    def isin(self, name: str, values) -> np.ndarray:
        return np.array([v in values for v in self[name].tolist()], dtype=bool)


def _check_rows(fname: str, frame: pd.DataFrame, lines: list[int], problems: list[str]) -> None:
    if frame.empty:  # no row to check
        return
    cols = set(frame.columns)
    table = _Columns(frame)

    def each(mask, message):
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            problems.append(f"{fname}, line {lines[i]}, {message(frame.iloc[i])}")

    if {"responders", "n"} <= cols:
        r, n = table["responders"], table["n"]
        each(n == 0, lambda row: "column n: must be at least 1, got 0")
        each(r > n, lambda row: f"column responders: {row.responders} exceeds n ({row.n})")
        dr, dn = table["derived_responders"], table["derived_n"]
        each(dn == 0, lambda row: "column derived_n: must be at least 1, got 0")
        each(
            dr > dn,
            lambda row: (
                f"column derived_responders: {row.derived_responders} exceeds derived_n ({row.derived_n})"
            ),
        )
        each(
            ~np.isnan(dr) & table.isna("derivation"),
            lambda row: "column derivation: a derived count needs the rule that derived it",
        )
        each(
            np.isnan(dr) != np.isnan(dn),
            lambda row: "columns derived_responders/derived_n: give both or neither",
        )
    if {"timepoint_value", "timepoint_unit"} <= cols:
        tv, tu, no_unit = table["timepoint_value"], table["timepoint_unit"], table.isna("timepoint_unit")
        best = tu == "best"
        # A unit that is not one of the allowed ones is reported once, by the column check; asking
        # for a value "required for unit 'months'" would send the user to fix the wrong cell.
        known = table.isin("timepoint_unit", TIMEPOINT_UNITS)
        each(
            np.isnan(tv) & ~best & ~no_unit & known,
            lambda row: f"column timepoint_value: required for unit {row.timepoint_unit!r}",
        )
        each(~np.isnan(tv) & best, lambda row: "column timepoint_value: must be empty for unit 'best'")
        each(
            ~np.isnan(tv) & no_unit,
            lambda row: "column timepoint_unit: required when timepoint_value is given",
        )
        each(tv < 0, lambda row: "column timepoint_value: must not be negative")
    for low_col, high_col in (("ci_low", "ci_high"), ("effect_ci_low", "effect_ci_high")):
        if {low_col, high_col} <= cols:
            if low_col == "ci_low" and fname != "time_to_event.csv":
                each(
                    table.isna(low_col) != table.isna(high_col),
                    lambda row: "columns ci_low/ci_high: give both bounds or neither",
                )
            low_v, high_v = (
                np.array([_printed_value(v) for v in table[col].tolist()], dtype=float)
                for col in (low_col, high_col)
            )
            each(
                (low_v > high_v) & np.isfinite(low_v) & np.isfinite(high_v),
                lambda row, a=low_col, b=high_col: (
                    f"columns {a}/{b}: lower bound {getattr(row, a)} is above upper bound {getattr(row, b)} "
                    "(swapped?)"
                ),
            )
    for level_col in ("ci_level", "effect_ci_level"):
        if level_col in cols:
            lv = table[level_col]
            each(
                lv <= 1,
                lambda row, c=level_col: (
                    f"column {c}: {row[c]} looks like a proportion; write the level in percent (e.g. 95)"
                ),
            )
            each(
                (lv > 1) & ((lv < 50) | (lv >= 100)),
                lambda row, c=level_col: f"column {c}: {row[c]} must be a percentage in [50, 100) (e.g. 95)",
            )
    if fname == "comparisons.csv":
        _check_comparisons(table, each)
    if fname == "time_to_event.csv":
        each(
            (table["statistic"] == "rate_at") & table.isna("at_time"),
            lambda row: "column at_time: a rate_at statistic needs the landmark time",
        )
        each(
            table.notna("at_time") & table.isna("at_time_unit"),
            lambda row: "column at_time_unit: unit required with at_time",
        )
        each(
            table.isna("ci_low") != table.isna("ci_high"),
            lambda row: "columns ci_low/ci_high: give both bounds or neither",
        )
        _check_time_to_event_units(table, each)
        for col in ("value", "ci_low", "ci_high"):  # "Inf" is read as infinity only for an effect's ratio
            infinite = [_printed_is(v, "infinite") for v in table[col].tolist()]
            each(
                infinite,
                lambda row, c=col: (
                    f"column {c}: {row[c]!r} is not a printed time or rate; write NR for one not reached"
                ),
            )
    if fname == "patients.csv":
        _check_patients(table, each)


#: Each column's kind in the schemas (a column name has one kind in every table it is in, but for
#: the printed kinds, which differ only in whether NR is allowed).
_COLUMN_KINDS = {col.name: col.kind for schema in SCHEMAS.values() for col in schema["columns"]}


def _check_comparisons(table: _Columns, each):
    measure = table["effect_measure"]
    no_measure, no_effect = table.isna("effect_measure"), table.isna("reported_effect")
    no_low, no_high = table.isna("effect_ci_low"), table.isna("effect_ci_high")
    each(
        ~no_measure & no_effect & no_low,
        lambda row: (
            f"column reported_effect: effect_measure {row.effect_measure!r} is given without an effect"
        ),
    )
    each(
        no_measure & ~(no_effect & no_low & no_high),
        lambda row: "column effect_measure: an effect is given without its measure (or / rr / rd / hr)",
    )
    # A non-inferiority result may print only the bound that faces the margin ("the upper boundary of
    # the 90% CI was 5.9"): with a margin recorded, that bound alone is allowed.
    low_only, high_only = ~no_low & no_high, no_low & ~no_high
    margin = np.array([_printed_value(v) for v in table["margin"].tolist()], dtype=float)  # NaN: none
    null = np.array([1.0 if m in ("or", "rr", "hr") else 0.0 for m in measure.tolist()])
    facing = (low_only & (margin < null)) | (high_only & (margin > null))
    each(
        (low_only | high_only) & ~facing,
        lambda row: (
            "columns effect_ci_low/effect_ci_high: give both bounds or neither"
            + (
                " (with a margin, the bound facing it may be given alone: effect_ci_low for a margin below no "
                "difference, effect_ci_high for one above)"
                if isinstance(row.margin, str)
                else ""
            )
        ),
    )

    def repeated(arm_a, arm_b, other_arms) -> str:
        arms = [a for a in (arm_a, arm_b) if isinstance(a, str)] + _split(other_arms)
        return next((a for a in arms if arms.count(a) > 1), "")

    again = [
        repeated(*r) for r in zip(*(table[c].tolist() for c in ("arm_a", "arm_b", "other_arms")), strict=True)
    ]
    each(
        [bool(a) for a in again],
        lambda row: (
            f"columns arm_a/arm_b/other_arms: arm {again[row.name]!r} is named twice; a comparison is "
            "between different arms"
        ),
    )
    unit = table["effect_unit"]
    ratio = table.isin("effect_measure", ("or", "rr", "hr"))
    each(
        ratio & table.notna("effect_unit") & (unit != "ratio"),
        lambda row: f"column effect_unit: {row.effect_measure} is a ratio, not {row.effect_unit!r}",
    )
    each(
        (measure == "rd") & (unit == "ratio"),
        lambda row: "column effect_unit: a risk difference is a proportion or percentage-points, not a ratio",
    )

    def printed_values(printed):
        """The numbers of the printed cells that parse (a cell that does not is reported elsewhere)."""
        for v in printed:
            if v is not None and not pd.isna(v):
                try:
                    yield parse_printed(v, allow_nr=True).value
                except ValueError:
                    pass

    # A ratio of 0 or an infinite one (NE, Inf) is what a group with no events gives (the conditional
    # MLE of the odds ratio, the crude ratio); a negative one is no ratio at all.
    def negative(effect_measure, effect_unit, *printed):
        return effect_measure in ("or", "rr", "hr") and any(v < 0 for v in printed_values(printed))

    def infinite_low(effect_measure, effect_unit, estimate, low, high):  # "NE" is no number, not infinity
        return any(math.isinf(v) for v in printed_values([low])) and not _printed_is(low, "not_estimable")

    def infinite_difference(effect_measure, effect_unit, *printed):
        return effect_measure == "rd" and any(math.isinf(v) for v in printed_values(printed))

    def off_scale(effect_measure, effect_unit, *printed):
        """A risk difference beyond its declared scale (a proportion within -1 to 1, points within -100 to 100)."""
        if effect_measure != "rd" or effect_unit not in ("proportion", "percentage-points"):
            return False
        bound = 1.0 if effect_unit == "proportion" else 100.0
        return any(bound < abs(v) < math.inf for v in printed_values(printed))  # NE: said below

    # the columns' values, not itertuples' namedtuples (5x faster)
    effects = list(
        zip(
            *(
                table[c].tolist()
                for c in (
                    "effect_measure",
                    "effect_unit",
                    "reported_effect",
                    "effect_ci_low",
                    "effect_ci_high",
                )
            ),
            strict=True,
        )
    )
    each(
        [negative(*row) for row in effects],
        lambda row: (
            f"columns reported_effect/effect_ci_low/effect_ci_high: an {row.effect_measure.upper()} and its CI "
            "cannot be negative (0, and NE or Inf for the estimate and upper bound, are allowed where a group "
            "has no events)"
        ),
    )
    each(
        [infinite_low(*row) for row in effects],
        lambda row: f"column effect_ci_low: a lower bound cannot be infinite, got {row.effect_ci_low!r}",
    )
    each(
        [infinite_difference(*row) for row in effects],
        lambda row: (
            "columns reported_effect/effect_ci_low/effect_ci_high: a risk difference is always estimable and "
            "finite (NE / Inf / NR are for ratios)"
        ),
    )
    each(
        [off_scale(*row) for row in effects],
        lambda row: (
            "columns reported_effect/effect_ci_low/effect_ci_high: a risk difference in "
            + (
                "proportions lies within -1 to 1 (printed in percentage points? effect_unit = percentage-points)"
                if row.effect_unit == "proportion"
                else "percentage points lies within -100 to 100"
            )
        ),
    )
    each(
        table.isna("reported_p") & no_measure & table.isna("claim"),
        lambda row: "column reported_p: a comparison needs a p-value, an effect or a claim",
    )
    each(
        table.notna("margin") & no_measure,
        lambda row: "column margin: a margin needs the effect it bounds (effect_measure and its CI)",
    )
    each(
        (margin == null) | ((null == 1.0) & (margin <= 0)),
        lambda row: (
            f"column margin: {row.margin!r} is no margin for "
            + (
                "a ratio: give the boundary its CI must not cross, such as 1.25 or 0.8"
                if row.effect_measure in ("or", "rr", "hr")
                else "a difference: give the boundary its CI must not cross, such as -10 (points)"
            )
        ),
    )
    each(
        [u == "proportion" and abs(m) >= 1 for m, u in zip(margin.tolist(), unit.tolist(), strict=True)],
        lambda row: (
            f"column margin: {row.margin!r} is not a proportion, as effect_unit says the difference is"
        ),
    )

    each(
        [
            e == "rd" and m is not None and abs(m) >= 100
            for m, e in zip(margin.tolist(), measure.tolist(), strict=True)
        ],
        lambda row: (
            f"column margin: {row.margin!r} is no margin for a risk difference, which lies between -100 and "
            "100 points (-1 and 1 as a proportion)"
        ),
    )

    def margin_as_proportion(m, effect_measure, effect_unit, estimate, low, high):
        """A margin below 1 in size beside a difference printed in points whose CI is at least ten times
        as wide: the margin was typed as a proportion (0.05 for 5 points), and every claim checked against
        it would be judged at a margin a hundred times too narrow."""
        if effect_measure != "rd" or m is None or not 0 < abs(m) < 1 or effect_unit == "proportion":
            return False
        values = list(printed_values([estimate, low, high]))
        bounds = list(printed_values([low, high]))
        points = effect_unit == "percentage-points" or any(1 < abs(v) < math.inf for v in values)
        return points and len(bounds) == 2 and abs(bounds[1] - bounds[0]) >= 10 * abs(m)

    def margin_as_points(m, effect_measure, effect_unit, estimate, low, high):
        """A margin of 1 or more in size (points: no proportion reaches it) beside a difference whose
        effect_unit is not declared, whose printed numbers all lie within -1 to 1 and whose CI is at least
        ten times narrower: the difference is in proportions (-0.12 for -12 points), and a claim checked
        against the margin would be judged at a margin a hundred times too wide."""
        if (
            effect_measure != "rd"
            or m is None
            or not 1 <= abs(m) < math.inf
            or effect_unit in ("proportion", "percentage-points")
        ):
            return False
        values = list(printed_values([estimate, low, high]))
        bounds = list(printed_values([low, high]))
        return (
            len(bounds) == 2
            and all(abs(v) <= 1 for v in values)
            and abs(bounds[1] - bounds[0]) * 10 <= abs(m)
        )

    each(
        [margin_as_points(m, *row) for m, row in zip(margin.tolist(), effects, strict=True)],
        lambda row: (
            f"column margin: {row.margin!r} is in percentage points, but the difference and its CI "
            f"({row.effect_ci_low} to {row.effect_ci_high}) are proportions: give the margin as a proportion "
            f"too (e.g. {_proportion_hint(row.margin)}) or set effect_unit"
        ),
    )
    each(
        [margin_as_proportion(m, *row) for m, row in zip(margin.tolist(), effects, strict=True)],
        lambda row: (
            f"column margin: {row.margin!r} looks like a proportion, but the difference and its CI "
            f"({row.effect_ci_low} to {row.effect_ci_high}) are in percentage points: give the margin in "
            f"points too (e.g. {_points_hint(row.margin)})"
        ),
    )


def _proportion_hint(margin) -> str:
    """The margin divided by 100, as the hint of a margin typed in points ("-10" -> "-0.1")."""
    try:
        return f"{_printed_value(margin) / 100:g}"
    except (TypeError, ValueError):
        return "-0.10 for -10"


def _points_hint(margin) -> str:
    """The margin multiplied by 100, as the hint of a margin typed as a proportion ("0.05" -> "5")."""
    try:
        return f"{100 * _printed_value(margin):g}"
    except (TypeError, ValueError):
        return "-10 for -0.10"


def _check_time_to_event_units(table: _Columns, each):
    """A rate_at is a percentage (unit percent, values 0-100); every other statistic is a time."""
    rate, percent = table["statistic"] == "rate_at", table["unit"] == "percent"
    each(
        rate & table.notna("unit") & ~percent,
        lambda row: f"column unit: a rate_at statistic is a percentage (unit percent), not {row.unit!r}",
    )
    each(
        ~rate & table.notna("statistic") & percent,
        lambda row: f"column unit: a {row.statistic} is a time (day / week / month / year), not a percentage",
    )

    def not_percent(text) -> str:
        if text is None or (isinstance(text, float) and math.isnan(text)):
            return ""
        try:
            parse_printed(text, kind="percent", allow_nr=True)
        except ValueError as err:
            return str(err)
        return ""

    for col in ("value", "ci_low", "ci_high"):
        why = [not_percent(v) if p else "" for v, p in zip(table[col].tolist(), percent, strict=True)]
        each(
            [bool(w) for w in why],
            lambda row, c=col, w=why: f"column {c}: {w[row.name]}",  # (row.name: its position)
        )


def _days(value, unit):
    return value * DAYS_PER_UNIT[unit] if unit in DAYS_PER_UNIT and value is not None else None


def _check_patients(table: _Columns, each):
    for col, unit in [
        ("time_to_response", "time_to_response_unit"),
        ("duration_of_response", "duration_unit"),
        ("follow_up", "follow_up_unit"),
    ]:
        each(table[col] < 0, lambda row, c=col: f"column {c}: negative time {row[c]}")
        each(table.notna(col) & table.isna(unit), lambda row, u=unit: f"column {u}: unit required")
    each(
        (table["responded"] == 0.0) & table.notna("time_to_response"),  # (False, as a number)
        lambda row: "column time_to_response: given for a patient who did not respond",
    )

    def after_follow_up(row):
        ttr = _days(row.time_to_response, row.time_to_response_unit)
        fu = _days(row.follow_up, row.follow_up_unit)
        return ttr is not None and fu is not None and not pd.isna(ttr) and not pd.isna(fu) and ttr > fu

    mask = [after_follow_up(row) for row in table.frame.itertuples()]
    each(
        mask,
        lambda row: (
            f"column time_to_response: response at {row.time_to_response} "
            f"{row.time_to_response_unit} is after the end of follow-up "
            f"({row.follow_up} {row.follow_up_unit})"
        ),
    )


#: Key columns that hold ';'-separated lists (the order and spacing of their items say nothing), and
#: of free text (case and spacing say nothing); identifiers are compared exactly.
_LIST_COLUMNS = ("other_arms", "categories", "stratified_by")
_TEXT_KEY_COLUMNS = ("adjustment",)


def _duplicated_keys(frame: pd.DataFrame, key: list[str]) -> np.ndarray:
    """Whether each row's key is another row's too (every row of a repeated key is marked).

    Keys are compared value by value, except that the order and spacing of a list's items, and the
    case and spacing of free text, do not make two rows different ("c; d" is "d;c", "None" is
    "none"); all missing values count as one value, as in pandas' ``duplicated`` (which costs ~2 ms
    a table).
    """
    columns = []
    for col in key:
        values = frame[col].tolist()
        if col in _LIST_COLUMNS:
            values = [";".join(sorted(_split(v))) if isinstance(v, str) else v for v in values]
        elif col in _TEXT_KEY_COLUMNS:
            values = [" ".join(v.split()).casefold() if isinstance(v, str) else v for v in values]
        columns.append([_NO_VALUE if pd.isna(v) else v for v in values])
    keys = list(zip(*columns, strict=True))
    counts = collections.Counter(keys)
    return np.array([counts[k] > 1 for k in keys], dtype=bool)


#: The one value all missing key values are compared as (None, NaN and pd.NA alike).
_NO_VALUE = object()


def _split(value) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [v.strip() for v in str(value).split(";") if v.strip()]


def _check_relations(
    frames: dict[str, pd.DataFrame], line_numbers: dict, problems: list[str], broken: set[str]
) -> None:
    # A table that could not be read would make every reference to it look wrong: skip those.
    studies = set(frames["studies"]["study_id"].dropna())
    arms = set(zip(frames["arms"]["study_id"], frames["arms"]["arm_id"], strict=True))
    for name, frame in frames.items():
        if name == "studies" or "study_id" not in frame or name in broken:
            continue
        lines = line_numbers.get(name, [])
        for i, sid in enumerate(frame["study_id"]):
            if "studies" not in broken and sid is not None and sid not in studies:
                problems.append(
                    f"{name}.csv, line {lines[i]}, column study_id: unknown study {sid!r} (not in studies.csv)"
                )
        arm_cols = [c for c in ("arm_id", "arm_a", "arm_b", "other_arms") if c in frame and name != "arms"]
        if "arms" in broken:
            arm_cols = []
        for col in arm_cols:
            for i, (sid, value) in enumerate(zip(frame["study_id"], frame[col], strict=True)):
                for aid in _split(value):
                    if sid in studies and (sid, aid) not in arms:
                        # (an empty arm_id, already reported, is not an arm to list)
                        known = sorted(a for s_, a in arms if s_ == sid and isinstance(a, str))
                        problems.append(
                            f"{name}.csv, line {lines[i]}, column {col}: arm {aid!r} is not an arm of "
                            f"study {sid!r} in arms.csv"
                            + (f" (its arms: {', '.join(known)})" if known else " (it has no arms there)")
                        )
    cert = frames["certainty"]
    lines = line_numbers.get("certainty", [])
    if "studies" not in broken and "certainty" not in broken:
        for i, value in enumerate(cert["study_ids"]):
            for sid in _split(value):
                if sid not in studies:
                    problems.append(
                        f"certainty.csv, line {lines[i]}, column study_ids: unknown study {sid!r} (not in studies.csv)"
                    )
    comparisons, outcomes = frames["comparisons"], frames["outcomes"]
    lines = line_numbers.get("comparisons", [])
    endpoints = set(zip(outcomes["study_id"], outcomes["endpoint"], strict=True))
    for i, row in enumerate(comparisons.itertuples(index=False)):
        if pd.isna(row.timepoint_unit) and (row.study_id, row.endpoint) in endpoints:
            problems.append(
                f"comparisons.csv, line {lines[i]}, column timepoint_unit: required, because {row.endpoint!r} "
                f"has outcomes rows for study {row.study_id!r} (give the timepoint they are at, or 'best'); "
                "leave it empty only for a whole-follow-up time-to-event comparison"
            )
        for cat in _split(row.categories):
            if (row.study_id, cat) not in endpoints:
                problems.append(
                    f"comparisons.csv, line {lines[i]}, column categories: {cat!r} is not an endpoint of study "
                    f"{row.study_id!r} in outcomes.csv"
                )
        if row.stratified_by is not None and not pd.isna(row.stratified_by):
            strata = outcomes[
                (outcomes.study_id == row.study_id)
                & (outcomes.endpoint == row.endpoint)
                & outcomes.stratum.notna()
            ]
            if strata.empty:
                problems.append(
                    f"comparisons.csv, line {lines[i]}, column stratified_by: no outcomes rows with a stratum for "
                    f"{row.study_id}/{row.endpoint}"
                )


# --------------------------------------------------------------------------------------------
# A blank evidence folder
# --------------------------------------------------------------------------------------------
def init(folder: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Write a blank evidence folder: every table's header, one commented example row, a README.

    Refuses to overwrite existing files unless ``overwrite=True``. Returns the paths written.
    """
    folder = Path(folder)
    targets = [folder / f"{name}.csv" for name in TABLES] + [folder / "README.md"]
    existing = [p for p in targets if p.exists()]
    if existing and not overwrite:
        raise ValueError(
            f"{folder} already has {', '.join(p.name for p in existing)}; choose an empty folder "
            "(or pass overwrite=True / --force)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    for name, schema in SCHEMAS.items():
        cols = schema["columns"]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([c.name for c in cols])
        example = [c.example for c in cols]
        example[0] = "# e.g. " + example[0]
        writer.writerow(example)
        (folder / f"{name}.csv").write_text(buf.getvalue(), encoding="utf-8")
    (folder / "README.md").write_text(schema_markdown(), encoding="utf-8")
    return targets


def schema_markdown() -> str:
    """The evidence-folder format as Markdown (written by :func:`init`; also in the docs)."""
    lines = [
        "# Evidence folder",
        "",
        "Fill one CSV per table; each row is one published fact with its source. Only `studies.csv` and",
        "at least one of `outcomes.csv`, `comparisons.csv`, `time_to_event.csv` are needed; delete or",
        "leave empty the tables you do not use. Lines starting with `#` are comments (each table has one",
        "commented example row). Then run `reanalysis report THIS_FOLDER --out REPORT_FOLDER`.",
        "",
        "Conventions:",
        "",
        "- **Printed values stay as printed**: percentages, CI bounds, p-values and effects are copied",
        '  exactly ("65.60" is not "65.6"; "<0.001", ".03", "NS"); their decimals are what the audit reads.',
        "- **Empty means not published.** A count you back-calculated goes in `derived_*` columns with the",
        "  rule in `derivation`, never in the published columns.",
        "- CI bounds of a percentage are on the percent scale unless `ci_unit` is `proportion`; a risk",
        "  difference printed in percentage points needs `effect_unit = percentage-points` (it is",
        "  inferred, and the report says so, when left empty).",
        "- `ci_level` is a percentage (95, not 0.95).",
        "",
    ]
    for name, schema in SCHEMAS.items():
        lines += [
            f"## {name}.csv: {schema['doc']}",
            "",
            "| column | required | type | meaning |",
            "|---|---|---|---|",
        ]
        kinds = {
            "str": "text",
            "int": "integer",
            "float": "number",
            "bool": "true/false",
            "percent": "printed %",
            "pvalue": "printed p",
            "printed": "printed number",
            "printed_nr": "printed number, or NR / NE",
        }
        for c in schema["columns"]:
            kind = kinds[c.kind] if c.allowed is None else " / ".join(c.allowed)
            lines.append(f"| {c.name} | {'yes' if c.required else ''} | {kind} | {c.doc} |")
        lines.append("")
    return "\n".join(lines)
