"""Load and validate the study tables in ``data/``.

Every table is a tidy CSV described in ``data/README.md``. :func:`load` reads them all, checks
each against the schema below and returns a :class:`StudyData` of typed DataFrames. All problems
found are collected and raised together as one :class:`DataValidationError` whose message names
the file, the line number (the header is line 1) and the column of each problem.

Printed values (percentages, CI bounds, p-values) are kept as strings so that "65.60" and "65.6"
stay different: their number of decimals is part of what the paper reported.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd

SOURCE_STATUS = ("confirmed", "seed-only", "derived")
INDICATIONS = ("SAA", "ITP", "CIT")
STUDY_STATUS = ("completed", "ongoing", "design-only")
# "best" = best response at any time during follow-up (no fixed timepoint); "cycle" = chemotherapy cycle.
TIMEPOINT_UNITS = ("day", "week", "month", "year", "cycle", "best")
TIME_UNITS = ("day", "week", "month", "year")
TTE_STATISTICS = ("median", "mean", "min", "max", "q1", "q3", "rate_at")
EFFECT_MEASURES = ("or", "rr", "rd", "hr")

# Days per unit, for comparing times recorded in different units (Julian year).
DAYS_PER_UNIT = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    kind: str = "str"  # "str" (free text), "printed" (number kept as printed), "int", "float", "bool"
    required: bool = False
    allowed: tuple[str, ...] | None = None


def _c(name, kind="str", required=False, allowed=None):
    return Column(name, kind, required, allowed)


SCHEMAS: dict[str, dict] = {
    "studies": {
        "columns": [
            _c("study_id", required=True),
            _c("indication", required=True, allowed=INDICATIONS),
            _c("design", required=True),
            _c("phase"),
            _c("registration"),
            _c("citation", required=True),
            _c("pmid"),
            _c("doi"),
            _c("seed_reference"),
            _c("status", required=True, allowed=STUDY_STATUS),
            _c("source_status", required=True, allowed=SOURCE_STATUS),
            _c("source", required=True),
            _c("notes"),
        ],
        "key": ["study_id"],
    },
    "arms": {
        "columns": [
            _c("study_id", required=True),
            _c("arm_id", required=True),
            _c("regimen", required=True),
            _c("n_randomised", "int"),
            _c("n_enrolled", "int"),
            _c("n_evaluable", "int"),
            _c("source_status", required=True, allowed=SOURCE_STATUS),
            _c("source", required=True),
            _c("notes"),
        ],
        "key": ["study_id", "arm_id"],
    },
    "outcomes": {
        "columns": [
            _c("study_id", required=True),
            _c("arm_id", required=True),
            _c("endpoint", required=True),
            _c("timepoint_value", "float"),
            _c("timepoint_unit", required=True, allowed=TIMEPOINT_UNITS),
            _c("responders", "int"),
            _c("n", "int"),
            _c("reported_percent", "printed"),
            _c("ci_low", "printed"),
            _c("ci_high", "printed"),
            _c("ci_level", "float"),
            _c("ci_method"),
            _c("derived_responders", "int"),
            _c("derived_n", "int"),
            _c("derivation"),
            _c("source_status", required=True, allowed=SOURCE_STATUS),
            _c("source_location", required=True),
            _c("notes"),
        ],
        "key": ["study_id", "arm_id", "endpoint", "timepoint_value", "timepoint_unit"],
    },
    "comparisons": {
        "columns": [
            _c("study_id", required=True),
            _c("endpoint", required=True),
            _c("timepoint_value", "float"),
            _c("timepoint_unit", required=True, allowed=TIMEPOINT_UNITS),
            _c("arm_a", required=True),
            _c("arm_b", required=True),
            _c("reported_p"),
            _c("test_stated", required=True),
            _c("effect_measure", allowed=EFFECT_MEASURES),
            _c("reported_effect", "printed"),
            _c("effect_ci_low", "printed"),
            _c("effect_ci_high", "printed"),
            _c("claim"),
            _c("source_status", required=True, allowed=SOURCE_STATUS),
            _c("source_location", required=True),
            _c("notes"),
        ],
        "key": ["study_id", "endpoint", "timepoint_value", "timepoint_unit", "arm_a", "arm_b"],
    },
    "time_to_event": {
        "columns": [
            _c("study_id", required=True),
            _c("arm_id", required=True),
            _c("quantity", required=True),
            _c("statistic", required=True, allowed=TTE_STATISTICS),
            _c("value", "float", required=True),
            _c("unit", required=True, allowed=TIME_UNITS + ("percent",)),
            _c("ci_low", "float"),
            _c("ci_high", "float"),
            _c("at_time", "float"),
            _c("at_time_unit", allowed=TIME_UNITS),
            _c("n", "int"),
            _c("source_status", required=True, allowed=SOURCE_STATUS),
            _c("source_location", required=True),
            _c("notes"),
        ],
        "key": ["study_id", "arm_id", "quantity", "statistic", "at_time"],
    },
    "patients": {
        "columns": [
            _c("study_id", required=True),
            _c("arm_id", required=True),
            _c("patient_id", required=True),
            _c("time_to_response", "float"),
            _c("time_to_response_unit", allowed=TIME_UNITS),
            _c("responded", "bool", required=True),
            _c("duration_of_response", "float"),
            _c("duration_unit", allowed=TIME_UNITS),
            _c("response_ongoing", "bool"),
            _c("follow_up", "float"),
            _c("follow_up_unit", allowed=TIME_UNITS),
            _c("baseline_platelets", "float"),
            _c("source_status", required=True, allowed=SOURCE_STATUS),
            _c("source_location", required=True),
            _c("notes"),
        ],
        "key": ["study_id", "patient_id"],
    },
    "designs": {
        "columns": [
            _c("study_id", required=True),
            _c("source_label", required=True),
            _c("primary_endpoint"),
            _c("planned_n", "int"),
            _c("n_arms", "int"),
            _c("allocation_ratio"),
            _c("assumed_p_control", "float"),
            _c("assumed_p_treatment", "float"),
            _c("alpha", "float"),
            _c("power", "float"),
            _c("sidedness", allowed=("one-sided", "two-sided")),
            _c("stratification"),
            _c("source_status", required=True, allowed=SOURCE_STATUS),
            _c("source", required=True),
            _c("notes"),
        ],
        "key": ["study_id", "source_label"],
    },
}

TABLES = tuple(SCHEMAS)
_PRINTED_NUMBER = re.compile(r"^[<>≤≥]?\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?%?$")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


class DataValidationError(ValueError):
    """Raised when one or more tables break the schema; ``problems`` lists every one."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the study data:"
        super().__init__("\n  ".join([head, *self.problems]))


@dataclasses.dataclass(frozen=True)
class StudyData:
    """The validated study tables, one DataFrame per CSV file."""

    studies: pd.DataFrame
    arms: pd.DataFrame
    outcomes: pd.DataFrame
    comparisons: pd.DataFrame
    time_to_event: pd.DataFrame
    patients: pd.DataFrame
    designs: pd.DataFrame
    data_dir: Path
    checksums: dict  # file name -> SHA-256 of its bytes, for report provenance

    def outcome(
        self,
        study_id: str,
        arm_id: str,
        endpoint: str,
        timepoint_value=None,
        timepoint_unit: str | None = None,
    ) -> pd.Series:
        """The one outcomes row for an arm, endpoint and timepoint (ValueError if not exactly one)."""
        o = self.outcomes
        sel = o[(o.study_id == study_id) & (o.arm_id == arm_id) & (o.endpoint == endpoint)]
        if timepoint_unit is not None:
            sel = sel[sel.timepoint_unit == timepoint_unit]
        if timepoint_value is not None:
            sel = sel[sel.timepoint_value == timepoint_value]
        if len(sel) != 1:
            raise ValueError(
                f"expected one outcome for {study_id}/{arm_id}/{endpoint}/{timepoint_value} "
                f"{timepoint_unit}, found {len(sel)}"
            )
        return sel.iloc[0]

    def counts(
        self,
        study_id: str,
        arm_id: str,
        endpoint: str,
        timepoint_value=None,
        timepoint_unit: str | None = None,
    ) -> tuple[int, int, bool]:
        """(responders, n, derived): published counts, else the derived ones (``derived=True``)."""
        found = outcome_counts(self.outcome(study_id, arm_id, endpoint, timepoint_value, timepoint_unit))
        if found is None:
            raise ValueError(f"no counts published or derived for {study_id}/{arm_id}/{endpoint}")
        return found

    def table(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise ValueError(f"name must be one of {', '.join(TABLES)}; got {name!r}")
        return getattr(self, name)


def outcome_counts(row) -> tuple[int, int, bool] | None:
    """(responders, n, derived) of an outcomes row: published counts, else derived ones, else None."""
    if not pd.isna(row.responders) and not pd.isna(row.n):
        return int(row.responders), int(row.n), False
    if not pd.isna(row.derived_responders):
        return int(row.derived_responders), int(row.derived_n), True
    return None


def default_data_dir() -> Path:
    """The repository's ``data/`` folder (the package is installed editable from the repository)."""
    return Path(__file__).resolve().parents[2] / "data"


def load(data_dir: str | Path | None = None) -> StudyData:
    """Read and validate every table in ``data_dir`` (default: the repository's ``data/``).

    Raises
    ------
    DataValidationError
        Listing every problem found, each with file, line and column.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    if not data_dir.is_dir():
        raise DataValidationError([f"{data_dir}: data directory not found"])
    problems: list[str] = []
    frames: dict[str, pd.DataFrame] = {}
    checksums: dict[str, str] = {}
    for name, schema in SCHEMAS.items():
        path = data_dir / f"{name}.csv"
        if not path.is_file():
            problems.append(f"{path.name}: file missing from {data_dir}")
            frames[name] = _empty(schema)
            continue
        checksums[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
            problems.append(f"{path.name}: cannot be read as UTF-8 CSV ({str(err).strip()})")
            frames[name] = _empty(schema)
            continue
        frames[name] = _validate_table(path.name, raw, schema, problems)
    _check_relations(frames, problems)
    if problems:
        raise DataValidationError(problems)
    return StudyData(**frames, data_dir=data_dir, checksums=dict(sorted(checksums.items())))


def _empty(schema) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype=_dtype(c.kind)) for c in schema["columns"]})


def _dtype(kind):
    return {"int": "Int64", "float": "float64", "bool": "boolean"}.get(kind, "object")


def _validate_table(fname: str, raw: pd.DataFrame, schema: dict, problems: list[str]) -> pd.DataFrame:
    cols = schema["columns"]
    names = [c.name for c in cols]
    missing = [n for n in names if n not in raw.columns]
    unknown = [n for n in raw.columns if n not in names]
    if missing:
        problems.append(f"{fname}: missing column(s) {', '.join(missing)}")
    if unknown:
        problems.append(f"{fname}: unknown column(s) {', '.join(unknown)} (see data/README.md)")
    if missing:
        return _empty(schema)
    raw = raw[names].apply(lambda s: s.str.strip())
    out = {}
    for col in cols:
        values = raw[col.name]
        parsed = []
        for i, text in enumerate(values):
            where = f"{fname}, line {i + 2}, column {col.name}"
            if text == "":
                if col.required:
                    problems.append(f"{where}: value required")
                parsed.append(None)
                continue
            if col.allowed is not None and text not in col.allowed:
                problems.append(f"{where}: {text!r} is not one of {', '.join(col.allowed)}")
            parsed.append(_parse(text, col.kind, where, problems))
        # Text and printed numbers stay strings (empty = None); the rest take their parsed type.
        typed = col.kind in ("int", "float", "bool")
        out[col.name] = pd.Series(parsed, dtype=_dtype(col.kind)) if typed else values.replace("", None)
    frame = pd.DataFrame(out)
    _check_rows(fname, frame, problems)
    key = schema["key"]
    dup = frame.duplicated(subset=key, keep=False)
    for i in np.flatnonzero(dup.to_numpy()):
        values = ", ".join(f"{k}={frame.iloc[i][k]}" for k in key)
        problems.append(f"{fname}, line {i + 2}: duplicate key ({values})")
    return frame


def _parse(text, kind, where, problems):
    if kind == "str":
        return text
    if kind == "printed":
        if not _PRINTED_NUMBER.match(text):
            problems.append(f"{where}: {text!r} is not a printed number")
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
        return int(value)
    return value


def _check_rows(fname: str, frame: pd.DataFrame, problems: list[str]) -> None:
    cols = set(frame.columns)

    def each(mask, message):
        for i in np.flatnonzero(np.asarray(mask, dtype=bool)):
            problems.append(f"{fname}, line {i + 2}, {message(frame.iloc[i])}")

    if {"responders", "n"} <= cols:
        r, n = frame["responders"], frame["n"]
        each((n == 0).fillna(False), lambda row: "column n: must be at least 1, got 0")
        each((r > n).fillna(False), lambda row: f"column responders: {row.responders} exceeds n ({row.n})")
        dr, dn = frame["derived_responders"], frame["derived_n"]
        each((dn == 0).fillna(False), lambda row: "column derived_n: must be at least 1, got 0")
        each(
            (dr > dn).fillna(False),
            lambda row: (
                f"column derived_responders: {row.derived_responders} exceeds derived_n ({row.derived_n})"
            ),
        )
        each(
            dr.notna() & frame["derivation"].isna(),
            lambda row: "column derivation: a derived count needs the rule that derived it",
        )
        each(dr.isna() != dn.isna(), lambda row: "columns derived_responders/derived_n: give both or neither")
    if {"timepoint_value", "timepoint_unit"} <= cols:
        tv, tu = frame["timepoint_value"], frame["timepoint_unit"]
        each(
            tv.isna() & (tu != "best") & tu.notna(),
            lambda row: f"column timepoint_value: required for unit {row.timepoint_unit!r}",
        )
        each(tv.notna() & (tu == "best"), lambda row: "column timepoint_value: must be empty for unit 'best'")
        each((tv < 0).fillna(False), lambda row: "column timepoint_value: must not be negative")
    if {"ci_low", "ci_high"} <= cols:
        each(
            frame["ci_low"].isna() != frame["ci_high"].isna(),
            lambda row: "columns ci_low/ci_high: give both bounds or neither",
        )
    if "ci_level" in cols:
        lv = frame["ci_level"]
        each(
            ((lv <= 0) | (lv >= 100)).fillna(False),
            lambda row: f"column ci_level: {row.ci_level} must be a percentage in (0, 100)",
        )
    if fname == "patients.csv":
        _check_patients(frame, each)


def _days(value, unit):
    return value * DAYS_PER_UNIT[unit] if unit in DAYS_PER_UNIT and value is not None else None


def _check_patients(frame, each):
    for col, unit in [
        ("time_to_response", "time_to_response_unit"),
        ("duration_of_response", "duration_unit"),
        ("follow_up", "follow_up_unit"),
    ]:
        each((frame[col] < 0).fillna(False), lambda row, c=col: f"column {c}: negative time {row[c]}")
        each(frame[col].notna() & frame[unit].isna(), lambda row, u=unit: f"column {u}: unit required")
    each(
        (frame["responded"] == False) & frame["time_to_response"].notna(),  # noqa: E712 (nullable boolean)
        lambda row: "column time_to_response: given for a patient who did not respond",
    )

    def after_follow_up(row):
        ttr = _days(row.time_to_response, row.time_to_response_unit)
        fu = _days(row.follow_up, row.follow_up_unit)
        return ttr is not None and fu is not None and not pd.isna(ttr) and not pd.isna(fu) and ttr > fu

    mask = [after_follow_up(row) for row in frame.itertuples()]
    each(
        mask,
        lambda row: (
            f"column time_to_response: response at {row.time_to_response} "
            f"{row.time_to_response_unit} is after the end of follow-up "
            f"({row.follow_up} {row.follow_up_unit})"
        ),
    )


def _check_relations(frames: dict[str, pd.DataFrame], problems: list[str]) -> None:
    studies = set(frames["studies"]["study_id"].dropna())
    arms = set(zip(frames["arms"]["study_id"], frames["arms"]["arm_id"], strict=True))
    for name, frame in frames.items():
        if name == "studies" or "study_id" not in frame:
            continue
        for i, sid in enumerate(frame["study_id"]):
            if sid is not None and sid not in studies:
                problems.append(
                    f"{name}.csv, line {i + 2}, column study_id: unknown study {sid!r} (not in studies.csv)"
                )
        arm_cols = [c for c in ("arm_id", "arm_a", "arm_b") if c in frame and name != "arms"]
        for col in arm_cols:
            for i, (sid, aid) in enumerate(zip(frame["study_id"], frame[col], strict=True)):
                if sid in studies and aid is not None and (sid, aid) not in arms:
                    problems.append(
                        f"{name}.csv, line {i + 2}, column {col}: arm {aid!r} is not an arm of "
                        f"study {sid!r} in arms.csv"
                    )
