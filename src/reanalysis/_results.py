"""Base class for the frozen result objects returned by the statistics modules."""

from __future__ import annotations

import dataclasses
import math


def _fmt(value) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if value != 0 and (abs(value) < 1e-4 or abs(value) >= 1e6):
            return f"{value:.4g}"
        return f"{value:.6g}"
    return str(value)


@dataclasses.dataclass(frozen=True)
class Result:
    """A frozen record of a computation.

    Subclasses are frozen dataclasses; ``_table_fields`` names the fields that go into the
    one-row ``to_frame()`` (by default every scalar field).
    """

    def _scalar_items(self):
        for f in dataclasses.fields(self):
            if not f.repr:
                continue
            value = getattr(self, f.name)
            if isinstance(value, (int, float, str, bool)) or value is None:
                yield f.name, value

    def to_dict(self) -> dict:
        return dict(self._scalar_items())

    def to_frame(self):
        """One-row :class:`pandas.DataFrame` of the scalar fields."""
        import pandas as pd

        return pd.DataFrame([self.to_dict()])

    def __str__(self) -> str:
        name = type(self).__name__
        body = ", ".join(f"{k}={_fmt(v)}" for k, v in self._scalar_items())
        return f"{name}({body})"
