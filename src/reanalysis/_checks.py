"""Argument checks shared by the statistics modules.

Every check raises ``ValueError`` with one line naming the argument, the value and what is
allowed, so a user never gets a silent wrong number from a typo.

What a count is
---------------
A count (a number of patients or of responders) is a whole number ``0 <= value <= 2**53``:
a Python ``int``, a numpy integer, or a float (Python or numpy) with no fractional part, e.g.
``23.0``. Nothing else is read as a count, so nothing is ever truncated or guessed:

- ``3.7`` is refused (it is not truncated to 3); ``NaN``, ``inf`` and ``"1e400"`` are refused;
- strings are refused, including ``"64"`` (never read as 64, nor as the digits 6 and 4): convert
  text with ``int()`` where it is read;
- ``True``/``False`` and ``None`` are refused;
- values above ``2**53`` are refused (floats stop representing every whole number there, and no
  trial is that large).

Arrays of counts (:func:`count_array`, :func:`counts_and_totals`) follow the same rule element by
element, and the error names the position of the first bad element, e.g. ``count[3]``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

MAX_COUNT = 2**53


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _count_problem(value) -> str | None:
    """Why ``value`` is not a count (None if it is one)."""
    if isinstance(value, (str, bytes)):
        return "a string: convert text with int() first"
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return "a bool"
    if not isinstance(value, numbers.Real):
        return f"of type {type(value).__name__}"
    if isinstance(value, numbers.Integral):
        if value < 0:
            return "negative"
        if value > MAX_COUNT:
            return "larger than 2**53"
        return None
    try:
        as_float = float(value)
    except (OverflowError, ValueError):
        return "not a finite number"
    if not math.isfinite(as_float):
        return "not a finite number"
    if as_float < 0:
        return "negative"
    if as_float != math.floor(as_float):
        return "not a whole number: counts are never rounded or truncated"
    if as_float > MAX_COUNT:
        return "larger than 2**53"
    return None


def count(value, name: str) -> int:
    """Return ``value`` as an int if it is a count (see the module docstring), else raise."""
    problem = _count_problem(value)
    if problem is not None:
        raise ValueError(f"{name} must be a non-negative integer count, got {_show(value)} ({problem})")
    return int(value)


def count_and_total(x, n, count_name: str = "count", total_name: str = "nobs") -> tuple[int, int]:
    """Validate a count out of a total: 0 <= x <= n and n >= 1."""
    x = count(x, count_name)
    n = count(n, total_name)
    if n == 0:
        raise ValueError(f"{total_name} must be at least 1, got 0")
    if x > n:
        raise ValueError(f"{count_name} ({x}) must not exceed {total_name} ({n})")
    return x, n


def _position(name: str, shape: tuple, flat: int) -> str:
    idx = np.unravel_index(flat, shape) if shape else ()
    return f"{name}[{', '.join(str(int(i)) for i in idx)}]" if idx else name


def count_array(values, name: str) -> np.ndarray:
    """An array (or scalar, or sequence) of counts as an int64 array, checked element by element.

    The first bad element is named by its position, e.g. ``count[3] must be a non-negative integer
    count, got 3.7 (not a whole number ...)``.
    """
    if isinstance(values, (str, bytes)):
        raise ValueError(
            f"{name} must be a count or an array of counts, got {_show(values)} (a string: "
            "convert text with int() first)"
        )
    try:
        arr = np.asarray(values)
    except (ValueError, TypeError) as exc:  # ragged nesting and the like
        raise ValueError(
            f"{name} must be a count or an array of counts, got {_show(values)} ({exc})"
        ) from None
    kind = arr.dtype.kind
    if kind in "iuf" and isinstance(values, (list, tuple)) and arr.size:
        # numpy reads [True, 1] as [1, 1]: look at the elements themselves for bools.
        flat = np.asarray(values, dtype=object).reshape(-1)
        is_bool = [isinstance(v, (bool, np.bool_)) for v in flat]
        if any(is_bool):
            first = is_bool.index(True)
            where = _position(name, arr.shape, first)
            raise ValueError(f"{where} must be a non-negative integer count, got {flat[first]!r} (a bool)")
    if kind in "iu":
        bad = (arr < 0) | (arr > MAX_COUNT) if kind == "i" else arr > MAX_COUNT
    elif kind == "f":
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(arr) | (arr < 0) | (arr != np.floor(arr)) | (arr > MAX_COUNT)
    else:  # bool, strings, objects, complex, dates: check element by element with the scalar rule
        for i, v in enumerate(arr.reshape(-1)):
            v = v.item() if isinstance(v, np.generic) and kind != "b" else v
            problem = _count_problem(v)
            if problem is not None:
                where = _position(name, arr.shape, i)
                raise ValueError(f"{where} must be a non-negative integer count, got {_show(v)} ({problem})")
        return np.array([int(v) for v in arr.reshape(-1)], dtype=np.int64).reshape(arr.shape)
    if bad.any():
        first = int(np.flatnonzero(bad.reshape(-1))[0])
        v = arr.reshape(-1)[first].item()
        where = _position(name, arr.shape, first)
        raise ValueError(
            f"{where} must be a non-negative integer count, got {_show(v)} ({_count_problem(v)})"
        )
    return arr.astype(np.int64)


def counts_and_totals(*pairs) -> list[np.ndarray]:
    """Broadcast and check ``(value, name, kind)`` triples; kind is "count" or "total".

    Given in pairs ``(count, "count", "count"), (nobs, "nobs", "total")``: every total is at least
    1 and every count at most the total that follows it. Returns int64 arrays of one shape.
    """
    arrays = [count_array(v, name) for v, name, _ in pairs]
    try:
        arrays = np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = ", ".join(f"{name} {a.shape}" for a, (_, name, _) in zip(arrays, pairs, strict=True))
        raise ValueError(
            f"array arguments must have the same (or broadcastable) shapes, got {shapes}"
        ) from None
    for k, (arr, (_, name, kind)) in enumerate(zip(arrays, pairs, strict=True)):
        if kind != "total":
            continue
        zero = arr == 0
        if zero.any():
            where = _position(name, arr.shape, int(np.flatnonzero(zero.reshape(-1))[0]))
            raise ValueError(f"{where} must be at least 1, got 0")
        counts, count_name = arrays[k - 1], pairs[k - 1][1]
        over = counts > arr
        if over.any():
            first = int(np.flatnonzero(over.reshape(-1))[0])
            c, n = int(counts.reshape(-1)[first]), int(arr.reshape(-1)[first])
            raise ValueError(
                f"{_position(count_name, arr.shape, first)} ({c}) must not exceed "
                f"{_position(name, arr.shape, first)} ({n})"
            )
    return [np.ascontiguousarray(a) for a in arrays]


def _finite_float(value) -> float | None:
    """``value`` as a finite float, or None if it is not a finite real number (never raises)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        out = float(value)
    except (OverflowError, ValueError):  # e.g. 10**400
        return None
    return out if math.isfinite(out) else None


def level(value, name: str = "level") -> float:
    """A confidence or credible level strictly between 0 and 1."""
    v = _finite_float(value)
    if v is None or not 0 < v < 1:
        hint = " (a level is a proportion: 0.95 for 95%)" if v is not None and 1 < v < 100 else ""
        raise ValueError(f"{name} must be strictly between 0 and 1 (e.g. 0.95), got {_show(value)}{hint}")
    return v


def probability(value, name: str, *, open_interval: bool = True) -> float:
    """A probability in (0, 1), or [0, 1] when ``open_interval`` is False."""
    v = _finite_float(value)
    ok = v is not None and (0 < v < 1 if open_interval else 0 <= v <= 1)
    if not ok:
        bounds = "strictly between 0 and 1" if open_interval else "between 0 and 1"
        raise ValueError(f"{name} must be a probability {bounds}, got {_show(value)}")
    return v


def choice(value, name: str, allowed: Iterable[str]) -> str:
    """One of a fixed set of method names."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(repr(a) for a in allowed)}; got {_show(value)}")
    return value


def _fmt_bytes(nbytes: float) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if nbytes >= size:
            return f"{nbytes / size:.1f} {unit}"
    return f"{nbytes:.0f} bytes"


def _fmt_time(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.1f} s" if seconds >= 1 else "under 1 s"


def affordable(what: str, size: int, limit: int, *, nbytes: float, seconds: float, instead: str) -> None:
    """Refuse up front when a computation's ``size`` exceeds its documented ``limit``.

    The message says what the computation would cost (memory, time on a 2-core machine) and what
    to use instead, in one line.
    """
    if size > limit:
        raise ValueError(
            f"{what} is too large to compute here: it would need about {_fmt_bytes(nbytes)} of memory and "
            f"{_fmt_time(seconds)} (size {size:,} > limit {limit:,}); {instead}"
        )


# --- Checks added for the synthesis modules (bayes, meta, power, fragility). ---------------------


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def real(
    value,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = True,
    high_open: bool = True,
) -> float:
    """A finite real number (not a bool or string), optionally within ``low``/``high``.

    Bounds are open unless ``low_open``/``high_open`` is False; the message states the range.
    """
    ok = _is_real(value)
    if ok:
        try:
            v = float(value)
        except (OverflowError, TypeError, ValueError):
            ok = False
        else:
            ok = math.isfinite(v)
            if ok and low is not None:
                ok = v > low if low_open else v >= low
            if ok and high is not None:
                ok = v < high if high_open else v <= high
    if not ok:
        if low is None and high is None:
            allowed = "a finite number"
        else:
            lo = "" if low is None else f"{'>' if low_open else '>='} {low:g}"
            hi = "" if high is None else f"{'<' if high_open else '<='} {high:g}"
            allowed = "a finite number " + " and ".join(s for s in (lo, hi) if s)
        raise ValueError(f"{name} must be {allowed}, got {_show(value)}")
    return v


def whole(value, name: str, *, minimum: int = 0, maximum: int = MAX_COUNT) -> int:
    """A whole number (int, or a float with no fractional part) in ``[minimum, maximum]``.

    Unlike :func:`count` it never raises OverflowError on huge integers, and names the bounds.
    """
    ok = _is_real(value)
    if ok and not isinstance(value, numbers.Integral):
        try:
            ok = math.isfinite(float(value)) and float(value).is_integer()
        except (OverflowError, TypeError, ValueError):
            ok = False
    if not ok or int(value) < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {_show(value)}")
    if int(value) > maximum:
        raise ValueError(
            f"{name} must be at most {maximum:.3g} (larger counts are not exact), got {_show(value)}"
        )
    return int(value)


def count_out_of(x, n, count_name: str = "count", total_name: str = "nobs") -> tuple[int, int]:
    """Like :func:`count_and_total` (0 <= x <= n, n >= 1) but safe on huge or odd inputs."""
    n = whole(n, total_name, minimum=1)
    x = whole(x, count_name, minimum=0)
    if x > n:
        raise ValueError(f"{count_name} ({x}) must not exceed {total_name} ({n})")
    return x, n


def flag(value, name: str) -> bool:
    """A bool (True/False, or numpy's bool); strings such as "no" are refused."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    raise ValueError(f"{name} must be True or False, got {value!r}")


def count_vector(values, name: str, *, minimum: int = 0):
    """A non-empty one-dimensional array of whole numbers >= ``minimum`` (as int64).

    Refuses None, strings, bools, NaN/inf, non-integers and nested sequences, naming the first
    offending element.
    """
    import numpy as np

    if values is None or isinstance(values, (str, bytes)):
        raise ValueError(f"{name} must be a one-dimensional sequence of counts, got {_show(values)}")
    if isinstance(values, (list, tuple)):
        # numpy would turn [True, 20] into [1, 20] and [42, "20"] into strings: check the items.
        for i, v in enumerate(values):
            if isinstance(v, (list, tuple)):
                break  # nested: reported as a shape error below
            if not _is_real(v) or type(v).__name__ == "bool_":
                whole(v, f"{name}[{i}]", minimum=minimum)
    try:
        arr = np.asarray(values)
    except (ValueError, TypeError):
        raise ValueError(f"{name} must be a one-dimensional sequence of counts") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty one-dimensional sequence of counts, got shape {arr.shape}"
        )
    if arr.dtype.kind not in "iuf":
        for i, v in enumerate(arr.tolist()):
            whole(v, f"{name}[{i}]", minimum=minimum)  # raises on the first bad element
        raise ValueError(f"{name} must hold numbers, got dtype {arr.dtype}")  # pragma: no cover
    with np.errstate(invalid="ignore", over="ignore"):
        as_float = arr.astype(float)
        bad = ~np.isfinite(as_float) | (as_float != np.round(as_float)) | (as_float < minimum)
        bad |= as_float > MAX_COUNT
    if bad.any():
        i = int(np.argmax(bad))
        whole(arr[i].item(), f"{name}[{i}]", minimum=minimum)
    return arr.astype(np.int64)


def labels(values, k: int, name: str = "labels") -> list[str]:
    """``k`` labels (any scalars, shown as text), or ``None`` for the default ``study 1..k``."""
    if values is None:
        return [f"study {i + 1}" for i in range(k)]
    if isinstance(values, (str, bytes)):
        raise ValueError(f"{name} must be a sequence of {k} labels, got the single string {_show(values)}")
    try:
        out = list(values)
    except TypeError:
        raise ValueError(f"{name} must be a sequence of {k} labels, got {_show(values)}") from None
    if len(out) != k:
        raise ValueError(f"{name} must have one label per study ({k}), got {len(out)}")
    return [str(v) for v in out]


def unit_interval(value, name: str, *, open_interval: bool = True) -> float:
    """Like :func:`probability`, but a huge integer (10**400) gives ValueError, not OverflowError."""
    try:
        return real(value, name, low=0, high=1, low_open=open_interval, high_open=open_interval)
    except ValueError:
        bounds = "strictly between 0 and 1" if open_interval else "between 0 and 1"
        raise ValueError(f"{name} must be a probability {bounds}, got {_show(value)}") from None
