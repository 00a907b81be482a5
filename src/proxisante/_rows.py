"""Row-level validation shared by every importer (offer files, INSEE population files).

Strict mode fails on the first bad row, naming file, line and field; lenient mode skips bad
rows and records each one, so that the import can report how many were skipped and the
first of them — never silently. Bad rows are held as numpy arrays of line numbers, so a
national file where every row is bad stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from proxisante.errors import DataFileError

__all__ = ["RowErrors", "isin_known", "text_to_float"]


def isin_known(values, known: set[str]) -> np.ndarray:
    """True where a value is in ``known``: one set lookup per distinct value.

    (``Series.isin(set)`` converts the whole set at every call: slower than the import of a
    small file.)
    """
    if not isinstance(values, pd.Series):
        values = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)  # Arrow text: no object copy
    hit = np.fromiter((u in known for u in uniques.tolist()), dtype=bool, count=len(uniques))
    return np.append(hit, False)[codes]  # code -1 (missing) → False


def text_to_float(values, *, max_chars: int | None = None) -> np.ndarray:
    """Numbers written as text → float64 array, NaN where a value is not a number.

    The values of ``pandas.to_numeric(values, errors="coerce")`` (``inf``, ``nan`` and
    ``1e400`` included: callers check finiteness and ranges), but a column that pyarrow can
    cast as a whole (every value a plain decimal number, or empty) is converted in C++ —
    pandas parses value by value, slower than the rest of a large import. A column holding
    any other spelling (spaces, ``1_000``, ``0x10``…) is parsed by pandas. ``max_chars``:
    longer values are NaN (a 5,000-digit "number" is refused without being parsed);
    ``-0`` becomes ``0``.
    """
    series = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    if max_chars is not None:
        series = series.where(series.str.len() <= max_chars)
    try:
        text = pa.array(series, type=pa.string(), from_pandas=True)
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        out = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        out = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(out, dtype=float) + 0.0


@dataclass
class RowErrors:
    """Bad rows of one file. Strict mode raises on the first one; lenient mode records them.

    Parameters
    ----------
    path
        The file, named in every message.
    lenient
        Record bad rows instead of raising.
    rows_read
        Data rows read from the file, good and bad (set by the reader).
    """

    path: str
    lenient: bool = False
    rows_read: int = 0
    checks: list[tuple[np.ndarray, str, str]] = field(default_factory=list)

    def add(self, mask, lines, field_name: str, expected: str) -> None:
        """Record the rows where ``mask`` is true (``lines``: their 1-based line numbers)."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.add_lines(np.asarray(lines)[mask], field_name, expected)

    def add_lines(self, bad_lines, field_name: str, expected: str) -> None:
        """Record bad rows given by their line numbers (strict mode: raise on the first).

        Raises
        ------
        DataFileError
            In strict mode, naming the file, the first bad line and the field.
        """
        bad = np.unique(np.asarray(bad_lines, dtype=np.int64))
        if bad.size == 0:
            return
        if not self.lenient:
            msg = f"expected {expected} ({bad.size} bad row(s)); use --lenient to skip them"
            raise DataFileError(self.path, msg, line=int(bad[0]), field=field_name)
        self.checks.append((bad, field_name, expected))

    @property
    def bad_lines(self) -> np.ndarray:
        """Sorted unique line numbers of every recorded bad row."""
        if not self.checks:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate([c[0] for c in self.checks]))

    def keep_mask(self, lines) -> np.ndarray:
        """True for the rows of ``lines`` with no recorded error."""
        return ~np.isin(np.asarray(lines, dtype=np.int64), self.bad_lines)

    @property
    def count(self) -> int:
        """Number of distinct bad rows."""
        return int(self.bad_lines.size)

    def summary(self, first: int = 5) -> str:
        """``'N bad row(s) skipped: line L, field 'F' (expected …); …'``."""
        rows = sorted((int(ln), f, e) for lines, f, e in self.checks for ln in lines[:first])[
            :first
        ]
        listed = "; ".join(f"line {ln}, field '{f}' (expected {e})" for ln, f, e in rows)
        return f"{self.count} bad row(s) skipped: {listed}" + (" …" if self.count > first else "")
