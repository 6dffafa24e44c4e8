"""Loader: round trip, schema errors with file/line/column, every seed number present."""

import functools

import pandas as pd
import pytest
from conftest import for_every_row

from reanalysis import data


def _edit(path, line, column, value):
    """Set one cell (line numbers as in the error messages: header = line 1)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[line - 2, column] = value
    frame.to_csv(path, index=False)


def test_load_returns_typed_tables():
    d = data.load()
    assert set(data.TABLES) <= set(vars(d))
    assert str(d.outcomes["responders"].dtype) == "Int64"
    assert d.outcomes["reported_percent"].dtype == object
    # printed values keep their decimals
    assert "75.0" in set(d.outcomes["reported_percent"].dropna())
    assert set(d.checksums) == {f"{t}.csv" for t in data.TABLES}


def test_round_trip_through_csv(data_copy):
    d = data.load(data_copy)
    again = data.load(data_copy)
    for name in data.TABLES:
        pd.testing.assert_frame_equal(d.table(name), again.table(name))
    assert d.checksums == again.checksums


@pytest.mark.parametrize(
    "table, line, column, value, message",
    [
        ("outcomes.csv", 6, "responders", "56", "outcomes.csv, line 6, column responders: 56 exceeds n (55)"),
        ("outcomes.csv", 6, "n", "0", "outcomes.csv, line 6, column n: must be at least 1"),
        (
            "outcomes.csv",
            6,
            "responders",
            "-3",
            "outcomes.csv, line 6, column responders: '-3' must not be negative",
        ),
        (
            "outcomes.csv",
            6,
            "responders",
            "2.5",
            "outcomes.csv, line 6, column responders: '2.5' is not a whole number",
        ),
        (
            "outcomes.csv",
            6,
            "timepoint_unit",
            "fortnight",
            "column timepoint_unit: 'fortnight' is not one of",
        ),
        (
            "outcomes.csv",
            6,
            "arm_id",
            "nope",
            "outcomes.csv, line 6, column arm_id: arm 'nope' is not an arm of study",
        ),
        (
            "outcomes.csv",
            6,
            "study_id",
            "ghost",
            "outcomes.csv, line 6, column study_id: unknown study 'ghost'",
        ),
        ("outcomes.csv", 6, "reported_percent", "about 40", "cannot read 'about 40' as a printed percentage"),
        ("outcomes.csv", 6, "reported_percent", "140", "printed percentage '140' is outside 0-100"),
        ("outcomes.csv", 6, "ci_level", "0.95", "column ci_level: 0.95 looks like a proportion"),
        ("comparisons.csv", 2, "reported_p", "1.5", "printed p-value '1.5' is outside 0-1"),
        ("comparisons.csv", 2, "reported_p", "p=abc", "cannot read 'p=abc' as a printed p-value"),
        ("comparisons.csv", 2, "reported_p", "−0.3", "printed p-value '−0.3' is outside 0-1"),
        ("comparisons.csv", 2, "reported_p", "0.05%", "carries a % sign"),
        ("outcomes.csv", 6, "source_status", "rumour", "column source_status: 'rumour' is not one of"),
        ("outcomes.csv", 7, "timepoint_value", "18", "line 6: duplicate key"),
        ("arms.csv", 3, "arm_id", "hpag_ist", "arms.csv, line 3: duplicate key"),
        (
            "studies.csv",
            2,
            "status",
            "finished",
            "studies.csv, line 2, column status: 'finished' is not one of",
        ),
        ("comparisons.csv", 2, "arm_b", "xyz", "comparisons.csv, line 2, column arm_b: arm 'xyz'"),
        ("time_to_event.csv", 2, "value", "", "time_to_event.csv, line 2, column value: value required"),
    ],
)
def test_broken_tables_raise_one_error_naming_file_line_column(
    data_copy, table, line, column, value, message
):
    _edit(data_copy / table, line, column, value)
    with pytest.raises(data.DataValidationError) as err:
        data.load(data_copy)
    assert message in str(err.value)


def test_every_problem_is_listed_at_once(data_copy):
    _edit(data_copy / "outcomes.csv", 6, "responders", "99")
    _edit(data_copy / "arms.csv", 2, "n_enrolled", "many")
    with pytest.raises(data.DataValidationError) as err:
        data.load(data_copy)
    assert len(err.value.problems) == 2


def test_a_line_with_a_missing_or_extra_comma_is_named_once(data_copy):
    # An outside user's extra comma also gave "source_status: value required" and "give both bounds or
    # neither" for the same line: every later value sat one column to the right.
    path = data_copy / "outcomes.csv"
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace(",", ",,", 1)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(data.DataValidationError) as err:
        data.load(data_copy)
    assert [p for p in err.value.problems if "line 3" in p] == [
        f"outcomes.csv, line 3: {lines[0].count(',') + 2} fields where the header has {lines[0].count(',') + 1} "
        "(a missing or extra comma?)"
    ]


def test_missing_file_and_column(data_copy):
    # A missing table is an empty table, not an error; a missing required column is.
    (data_copy / "designs.csv").unlink()
    assert data.load(data_copy).designs.empty
    frame = pd.read_csv(data_copy / "arms.csv", dtype=str).drop(columns=["regimen"])
    frame.to_csv(data_copy / "arms.csv", index=False)
    with pytest.raises(data.DataValidationError) as err:
        data.load(data_copy)
    text = str(err.value)
    assert "arms.csv: missing required column(s) regimen" in text
    assert len(err.value.problems) == 1  # the unreadable table does not cascade into relation errors


def test_patients_reject_impossible_rows(data_copy):
    header = (data_copy / "patients.csv").read_text()
    rows = [
        "itp_anticd20_hpag_cases,anticd20_hpag,p1,-2,day,true,3,month,false,4,month,,confirmed,x,",
        "itp_anticd20_hpag_cases,anticd20_hpag,p2,200,day,true,3,month,false,4,month,,confirmed,x,",
    ]
    (data_copy / "patients.csv").write_text(header + "\n".join(rows) + "\n")
    with pytest.raises(data.DataValidationError) as err:
        data.load(data_copy)
    text = str(err.value)
    assert "patients.csv, line 2, column time_to_response: negative time -2.0" in text
    assert (
        "patients.csv, line 3, column time_to_response: response at 200.0 day is after the end of follow-up"
        in text
    )


def test_missing_data_dir_is_a_clear_error(tmp_path):
    with pytest.raises(data.DataValidationError, match="evidence folder not found"):
        data.load(tmp_path / "nowhere")


SEED = pd.read_csv(
    data.default_data_dir().parent / "tests" / "seed_numbers.csv", dtype=str, keep_default_na=False
)


@functools.cache
def _flagship():
    return data.load()


@for_every_row(list(SEED.itertuples(index=False)), ids=lambda r: f"{r.study_id}:{r.column}={r.value}")
def test_every_seed_number_is_in_the_data(row):
    d = _flagship()  # read once: the rows only look values up
    table = d.table(row.table)
    rows = table[table["study_id"] == row.study_id]
    if row.arm_id and "arm_id" in rows:
        rows = rows[rows["arm_id"] == row.arm_id]
    if row.endpoint:
        col = "endpoint" if "endpoint" in rows else "quantity"
        rows = rows[rows[col] == row.endpoint]
    values = {str(v) for v in rows[row.column].dropna()}
    as_numbers = {float(v) for v in values}
    assert row.value in values or float(row.value) in as_numbers, f"seed number {row.seed_text!r} not found"


@pytest.mark.parametrize("content", ["", "study_id,arm_id\na,b,c,d\n", b"\xff\xfe\x00bad"])
def test_unparseable_csv_is_named(data_copy, content):
    path = data_copy / "arms.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(
        data.DataValidationError,
        match=r"arms.csv(, line \d+)?: (cannot be read as UTF-8|missing required column|empty file)",
    ) as err:
        data.load(data_copy)
    assert len(err.value.problems) <= 3


def test_an_empty_arm_id_is_reported_not_a_type_error(data_copy):
    # Found by a mutation run: the list of a study's known arms was sorted with the empty arm_id
    # (None) among the names, which raised a TypeError instead of reporting the problems.
    _edit(data_copy / "arms.csv", 2, "arm_id", "")
    with pytest.raises(data.DataValidationError) as err:
        data.load(data_copy)
    text = str(err.value)
    assert "arms.csv, line 2, column arm_id: value required" in text
    assert "arm 'hpag_ist' is not an arm of study 'saa_hpag_vs_epag' in arms.csv (its arms: epag_ist)" in text


def test_a_whole_number_too_large_to_hold_exactly_is_reported(data_copy):
    # Found by the mutation prober: 10^22 in a count column stopped load() with an OverflowError
    # (int64), and 2^53 + 1 was read as 2^53.
    _edit(data_copy / "designs.csv", 8, "n_arms", "10000000000000000000000")
    _edit(data_copy / "arms.csv", 2, "n_enrolled", "9007199254740993")
    with pytest.raises(data.DataValidationError) as err:
        data.load(data_copy)
    text = str(err.value)
    assert "designs.csv, line 8, column n_arms: '10000000000000000000000' is too large" in text
    assert (
        "arms.csv, line 2, column n_enrolled: '9007199254740993' is too large (at most 9,007,199,254,740,991)"
        in text
    )
    _edit(data_copy / "designs.csv", 8, "n_arms", "3")
    _edit(data_copy / "arms.csv", 2, "n_enrolled", "9007199254740991")
    assert data.load(data_copy).arms.n_enrolled.iloc[0] == 2**53 - 1
