"""Numbers as papers print them: "65.6", "<0.001", ".218", "6.3 × 10^-18", "NS", "NR".

A printed number is a *rounded* number. :func:`parse_printed` reads one and returns a
:class:`Printed`: its value, the interval of true values that print that way (half a unit of the
last printed digit either side, inclusive, so both round-half-up and round-half-even are
accepted), and its comparator ("=", "<", ">", "<=", ">="). The ``kind`` of number fixes what is
allowed, so an impossible value is an error instead of a silent wrong verdict:

- ``"number"``: any finite number (effects, CI bounds);
- ``"percent"``: a percentage in [0, 100] ("NS" is not a percentage);
- ``"pvalue"``: a probability in [0, 1]; "NS"/"n.s." reads as "> 0.05"; a "%" sign is refused;
- ``"proportion"``: a probability in [0, 1] (no "NS").

``allow_nr=True`` also accepts "NR" / "not reached" / "NE" / "Inf" / "∞" (a median or CI bound
not reached, an effect not estimable or infinite; read as +infinity with ``not_reached=True``).

This module has no dependencies beyond the standard library: the evidence loader and the audit
both use it.
"""

from __future__ import annotations

import dataclasses
import math
import re

KINDS = ("number", "percent", "pvalue", "proportion")
_EPS = 1e-7  # floating-point slack at a rounding boundary, relative to one unit of the last digit

_NUMBER = re.compile(
    r"^\s*(?:p\s*)?(?P<cmp><=|>=|=|<|>|≤|≥)?\s*(?P<mant>[-+]?(?:\d+\.?\d*|\.\d+))"
    r"\s*(?:(?:e|E)(?P<exp1>[-+]?\d+)|(?:[x×\*·]\s*10\s*\^?\s*(?P<exp2>[-+]?\d+)))?\s*(?P<pct>%)?\s*$",
    re.IGNORECASE,
)
_NOT_SIGNIFICANT = {"ns", "notsignificant", "nonsignificant"}
_NOT_ESTIMABLE = {"ne", "notestimable", "notestimated"}
_INFINITE = {"inf", "infinity", "∞"}
# Read as +infinity: a median not reached, an effect not estimable, an odds ratio printed as infinite
# (R prints "Inf" for the conditional odds ratio of a table with an empty cell).
_NOT_REACHED = {"nr", "notreached"} | _NOT_ESTIMABLE | _INFINITE | {"+" + word for word in _INFINITE}


def _compact(text: str) -> str:
    """Lower case without spaces, dots or hyphens: "n.s.", "not-reached" and "Not estimable" as words."""
    return re.sub(r"[\s.\-]", "", text.lower())


# Characters that look like a minus sign; read as one so that "−0.3" is refused as negative
# instead of failing to parse (or, worse, parsing without its sign).
_MINUS = str.maketrans({"−": "-", "–": "-", "‒": "-", "—": "-", "﹣": "-", "－": "-"})


@dataclasses.dataclass(frozen=True)
class Printed:
    """A number as printed: its value, the interval of values that print that way, a comparator.

    ``step`` is one unit of the last printed digit (0.1 for "65.6"; 1 for "77"); ``decimals`` the
    number of printed decimals (negative exponents included: "6.3e-18" has 19).
    """

    text: str
    value: float
    low: float
    high: float
    comparator: str  # "=", "<", ">", "<=", ">="
    kind: str = "number"
    not_reached: bool = False

    @property
    def step(self) -> float:
        """One unit of the last printed digit."""
        width = self.high - self.low
        # "-0" stands for the negative half of its rounding interval only
        return 2 * width if self.value == 0 and self.high == 0 and self._negative else width

    @property
    def decimals(self) -> int:
        if not math.isfinite(self.step) or self.step <= 0:
            return 0
        return max(0, -int(math.floor(math.log10(self.step) + 1e-9)))

    @property
    def not_estimable(self) -> bool:
        """Printed as "NE" / "not estimable": read as +infinity (a median not reached), but for an effect
        it says only that no number was estimated (a ratio of 0, of infinity or undefined)."""
        return self.not_reached and _compact(self.text) in _NOT_ESTIMABLE

    @property
    def infinite(self) -> bool:
        """Printed as "Inf" / "∞" (not "NR" or "NE")."""
        return self.not_reached and _compact(self.text).lstrip("+") in _INFINITE

    @property
    def exact(self) -> bool:
        """True for "=" numbers (an interval), False for bounds such as "<0.001"."""
        return self.comparator == "="

    @property
    def _negative(self) -> bool:
        """Printed with a minus sign ("-0" included: a negative value that rounds or truncates to 0)."""
        return math.copysign(1.0, self.value) < 0

    def contains(self, x: float, *, truncated: bool = False) -> bool:
        """Whether ``x`` prints as this number (rounded; or truncated when asked)."""
        if self.not_reached:
            return math.isinf(x) and x > 0
        x = float(x)
        if math.isnan(x):
            return False
        eps = _EPS * self.step
        if self.comparator in ("<", "<="):
            return x < self.value + (eps if self.comparator == "<=" else 0)
        if self.comparator in (">", ">="):
            return x > self.value - (eps if self.comparator == ">=" else 0)
        if truncated:
            if not self._negative:
                return self.value - eps <= x < self.value + self.step - eps
            return self.value - self.step + eps < x <= self.value + eps
        return self.low - eps <= x <= self.high + eps

    def bounds(self, *, truncated: bool = False) -> tuple[float, float]:
        """(lowest, highest) true value that prints as this number, within the kind's range."""
        lo_lim, hi_lim = _RANGES[self.kind]
        if self.not_reached:
            return math.inf, math.inf
        if self.comparator in ("<", "<="):
            return lo_lim, self.value
        if self.comparator in (">", ">="):
            return self.value, hi_lim
        if truncated:
            lo, hi = (
                (self.value, self.value + self.step)
                if not self._negative
                else (self.value - self.step, self.value)
            )
        else:
            lo, hi = self.low, self.high
        return max(lo_lim, lo), min(hi_lim, hi)

    def distance(self, x: float) -> float:
        """How far ``x`` is from printing as this number (0 when it does)."""
        x = float(x)
        if self.contains(x):
            return 0.0
        if math.isnan(x):
            return math.inf
        if self.not_reached:
            return math.inf
        if self.comparator in ("<", "<=", ">", ">="):
            return abs(x - self.value)
        return min(abs(x - self.low), abs(x - self.high))

    def __str__(self) -> str:
        return self.text


_RANGES = {
    "number": (-math.inf, math.inf),
    "percent": (0.0, 100.0),
    "pvalue": (0.0, 1.0),
    "proportion": (0.0, 1.0),
}


def parse_printed(
    text, *, kind: str = "number", allow_nr: bool = False, default_comparator: str = "="
) -> Printed:
    """Read a printed number.

    Parameters
    ----------
    text : str
        As printed: "65.6", "41.8%", "<0.001", "p > .05", "6.3e-18", "6.3 × 10^-18", "NS", "NR".
        A Python int or float is read through its ``repr`` (so 0.1 has one decimal); a string is
        better, because "65.60" and "65.6" differ in what they say.
    kind : {"number", "percent", "pvalue", "proportion"}
        What the number is; values outside the kind's range raise ValueError.
    allow_nr : bool
        Accept "NR" (not reached) / "NE" (not estimable) / "Inf" / "∞", read as +infinity.

    Raises
    ------
    ValueError
        One line naming the text and what is allowed.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    what = {"number": "number", "percent": "percentage", "pvalue": "p-value", "proportion": "proportion"}[
        kind
    ]
    if isinstance(text, bool) or text is None:
        raise ValueError(f"a printed {what} is a string such as '0.494', got {text!r}")
    if isinstance(text, (int, float)):
        if not math.isfinite(text):
            raise ValueError(f"a printed {what} must be finite, got {text!r}")
        text = repr(text)
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a printed {what} is a non-empty string such as '0.494', got {text!r}")
    if "\x00" in text:
        raise ValueError(f"printed {what} {text!r} contains a NUL byte")
    # The Lancet journals print the decimal point as a middle dot ("0·55"); read it as one.
    raw = re.sub(r"(?<=\d)[·•](?=\d)", ".", text.strip())
    compact = _compact(raw)
    if compact in _NOT_SIGNIFICANT:
        if kind != "pvalue":
            raise ValueError(f"{raw!r} (not significant) is not a {what}")
        return Printed(raw, 0.05, 0.05, 1.0, ">", kind)
    # "-Inf" is not "Inf": the compact form drops hyphens (for "not-reached"), so a sign is looked for first.
    if compact in _NOT_REACHED and not raw.translate(_MINUS).startswith("-"):
        if not allow_nr:
            raise ValueError(
                f"{raw!r} (not reached / not estimable / infinite) is not allowed here: a {what} is expected"
            )
        return Printed(raw, math.inf, math.inf, math.inf, "=", kind, not_reached=True)
    m = _NUMBER.match(raw.translate(_MINUS))
    if not m:
        examples = {
            "pvalue": "'0.494', '<0.001', '.03', '6.3e-18', 'NS'",
            "percent": "'65.6', '41.8%', '<5'",
        }.get(kind, "'0.494', '<0.001', '65.6', '6.3e-18'")
        raise ValueError(f"cannot read {text!r} as a printed {what} (e.g. {examples})")
    if m.group("pct") and kind in ("pvalue", "proportion"):
        raise ValueError(f"{raw!r} carries a % sign: a {what} is printed on the 0-1 scale (e.g. 0.05)")
    mant = m.group("mant")
    exp = m.group("exp1") or m.group("exp2")
    exp = int(exp) if exp else 0
    decimals = len(mant.split(".")[1]) if "." in mant else 0
    try:
        value = float(mant) * 10.0**exp
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise ValueError(f"printed {what} {raw!r} is not a finite number")
    half = 0.5 * 10.0 ** (exp - decimals)
    cmp = {"≤": "<=", "≥": ">="}.get(m.group("cmp"), m.group("cmp")) or default_comparator
    lo_lim, hi_lim = _RANGES[kind]
    if not lo_lim <= value <= hi_lim:
        rng = {"percent": "0-100", "pvalue": "0-1", "proportion": "0-1"}[kind]
        raise ValueError(f"printed {what} {raw!r} is outside {rng}")
    if kind in ("percent", "proportion"):
        top = 100.0 if kind == "percent" else 1.0
        if value == 0 and cmp == "<":
            raise ValueError(f"printed {what} {raw!r} is impossible: nothing is below 0")
        if value >= top and cmp == ">":
            raise ValueError(f"printed {what} {raw!r} is impossible: nothing is above {top:g}")
    if kind == "pvalue":
        if value == 0 and cmp in ("<", "<="):
            raise ValueError(f"printed p-value {raw!r} is impossible: no p-value is below 0")
        if value >= 1 and cmp == ">":
            raise ValueError(f"printed p-value {raw!r} is impossible: no p-value is above 1")
        if value == 0 and decimals == 0:
            raise ValueError(
                f"printed p-value {raw!r} says nothing (a p-value is never 0); copy the decimals the paper "
                "prints (e.g. '0.000' for p < 0.0005) or its bound (e.g. '<0.001')"
            )
    if value == 0 and mant.startswith("-") and lo_lim < 0:
        # "-0" (as in "-8 to -0") is a negative value that rounds to zero: its sign is information,
        # and reading it as 0 would let a positive bound print as it.
        return Printed(raw, value, -half, 0.0, cmp, kind)
    return Printed(raw, value, value - half, value + half, cmp, kind)


def is_printed(text, *, kind: str = "number", allow_nr: bool = False) -> bool:
    """Whether :func:`parse_printed` accepts ``text``."""
    try:
        parse_printed(text, kind=kind, allow_nr=allow_nr)
    except ValueError:
        return False
    return True


def value_of(text, *, kind: str = "number", allow_nr: bool = True) -> float:
    """The value of a printed number as a float (NR = +inf; empty = NaN), for plotting and sums."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return math.nan
    return parse_printed(text, kind=kind, allow_nr=allow_nr).value


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_value(x: float, digits: int = 4) -> str:
    """A computed value as a reader should see it: ``digits`` significant digits, and a number
    below 0.001 as "5.5 × 10⁻¹⁶" (two significant digits) instead of computer notation (5.51e-16).
    """
    x = float(x)
    if x == 0 or not math.isfinite(x) or abs(x) >= 1e-3:
        return f"{x:.{digits}g}"
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"
