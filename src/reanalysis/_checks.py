"""Argument checks shared by the statistics modules.

Every check raises ``ValueError`` naming the argument, the value and what is allowed, so a user
never gets a silent wrong number from a typo.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable


def count(value, name: str) -> int:
    """Return ``value`` as an int if it is a non-negative whole number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a non-negative integer count, got {value!r}")
    if not math.isfinite(value) or value < 0 or value != int(value):
        raise ValueError(f"{name} must be a non-negative integer count, got {value!r}")
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


def level(value, name: str = "level") -> float:
    """A confidence or credible level strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise ValueError(f"{name} must be strictly between 0 and 1 (e.g. 0.95), got {value!r}")
    return float(value)


def probability(value, name: str, *, open_interval: bool = True) -> float:
    """A probability in (0, 1), or [0, 1] when ``open_interval`` is False."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = 0 < value < 1 if open_interval else 0 <= value <= 1
    if not ok:
        bounds = "strictly between 0 and 1" if open_interval else "between 0 and 1"
        raise ValueError(f"{name} must be a probability {bounds}, got {value!r}")
    return float(value)


def choice(value, name: str, allowed: Iterable[str]) -> str:
    """One of a fixed set of method names."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(repr(a) for a in allowed)}; got {value!r}")
    return value


# --- Checks added for the synthesis modules (bayes, meta, power, fragility). ---------------------

#: Largest count accepted where a count is converted to float: beyond 2**53 floats are not exact.
MAX_COUNT = 2**53


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _show(value) -> str:
    """``repr`` cut to one short line (a huge integer or a long list must not flood a message)."""
    text = repr(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."


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


def count_array(values, name: str, *, minimum: int = 0):
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
