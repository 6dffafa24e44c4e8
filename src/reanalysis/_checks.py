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
