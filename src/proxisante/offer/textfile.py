"""Reading large official delimited files with DuckDB: separator, header, rejected lines.

Shared by the importers so that every file problem gives the same kind of message: a
:class:`~proxisante.errors.DataFileError` naming the file, the line and, when known, the
field. Large files are read by DuckDB's CSV reader (no Python row loop); lines DuckDB
cannot split into the header's number of fields are collected with their line numbers
(``store_rejects``) rather than aborting the read, so strict and lenient imports can name
them. Encoding checks and line counting live in :mod:`proxisante._textfiles`.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from proxisante._textfiles import TextScan, check_fields, readable_copy
from proxisante.errors import DataFileError
from proxisante.offer.validation import RowErrors

__all__ = ["column_names", "read_delimited", "sql_identifier"]


def column_names(header: list[str]) -> list[str]:
    """Table column of each header field: its name, or ``_col<i>`` for an empty name and
    for ``line`` (the column of line numbers)."""
    return [n if n and n.lower() != "line" else f"_col{i}" for i, n in enumerate(header)]


def sql_identifier(name: str) -> str:
    """``name`` quoted as a DuckDB identifier (any character allowed)."""
    return '"' + name.replace('"', '""') + '"'


def read_delimited(
    con: duckdb.DuckDBPyConnection,
    scan: TextScan,
    *,
    table: str,
    sep: str,
    header: list[str],
    errors: RowErrors,
    keep: list[str] | None = None,
) -> int:
    """Load a scanned delimited file with a header line into the temporary DuckDB table ``table``.

    Every column is read as text, the file's quotes are not interpreted (official
    extractions do not quote), and a ``line`` column holds each row's 1-based physical line
    number in the file (the header is line 1); ``keep`` limits the table to those columns.
    Lines whose number of fields differs from the header's (counted by the scan, so a
    separator inside a value is caught even when the last field is empty) are reported
    through ``errors`` (field ``'(line)'``), strict mode raising on the first; in lenient
    mode they are left out of ``table``.

    Returns
    -------
    int
        Number of data lines read (including rejected ones).
    """
    path = scan.path
    named = [n.strip().lower() for n in header if n.strip()]
    if len(set(named)) != len(named):
        dup = sorted({n for n in named if named.count(n) > 1})[:5]
        msg = f"column name(s) {dup} appear twice in the header; expected distinct names"
        raise DataFileError(str(path), msg, line=1)
    check_fields(scan, len(header), errors, sep=sep)
    columns = dict.fromkeys(column_names(header), "VARCHAR")
    selected = ", ".join(sql_identifier(c) for c in keep) if keep else "*"
    with readable_copy(scan) as readable:
        try:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {table} AS "
                f"SELECT row_number() OVER () + 1 AS line, {selected} FROM read_csv(?, "
                "delim = ?, header = true, columns = ?, quote = '', escape = '', "
                "encoding = 'utf-8', parallel = false, store_rejects = true, "
                "rejects_table = '_rejects', rejects_scan = '_rejects_scan', "
                "auto_detect = false)",
                [str(readable), sep, columns],
            )
            rejects = con.execute("SELECT DISTINCT line FROM _rejects ORDER BY line").fetchnumpy()
        except duckdb.Error:
            msg = (
                f"unreadable as a '{sep}'-separated text file with {len(header)} fields per "
                "line as in the header"
            )
            raise DataFileError(str(path), msg) from None
    bad = np.asarray(rejects["line"], dtype=np.int64)
    expected = f"{len(header)} '{sep}'-separated fields as in the header"
    errors.add_lines(bad, "(line)", expected)
    total = _number_rows(con, scan, table, bad, errors)
    errors.rows_read = total
    return total


def _number_rows(con: duckdb.DuckDBPyConnection, scan: TextScan, table: str, bad: np.ndarray,
                 errors: RowErrors) -> int:  # fmt: skip
    """Give the rows of ``table`` their physical line numbers, check that no line was dropped
    silently and, in lenient mode, drop the lines with the wrong number of fields; returns
    the number of data lines."""
    path = scan.path
    n_ok = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    data_lines = scan.lines
    ok_lines = data_lines[~np.isin(data_lines, bad)]
    total = int(data_lines.size)
    if n_ok != ok_lines.size:  # never drop a line silently, whatever the CSV reader did
        msg = (
            f"{total:,} non-empty data line(s) in the file, but {n_ok:,} read and {bad.size:,} "
            "reported as malformed by the CSV reader: "
            f"{abs(ok_lines.size - n_ok):,} line(s) unaccounted for; check the separator "
            "and line endings"
        )
        raise DataFileError(str(path), msg)
    if not np.array_equal(ok_lines, np.arange(2, n_ok + 2)):
        # blank or rejected lines: number the accepted rows with their physical lines
        mapping = pd.DataFrame({"_row": np.arange(2, n_ok + 2), "_line": ok_lines})
        con.register("_ok_lines", mapping)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT l._line AS line, "
            f"t.* EXCLUDE (line) FROM {table} t JOIN _ok_lines l ON t.line = l._row"
        )
        con.unregister("_ok_lines")
    skipped = errors.bad_lines
    if skipped.size:  # lenient: lines with the wrong number of fields stay out
        con.register("_skipped", pd.DataFrame({"_line": skipped}))
        con.execute(f"DELETE FROM {table} WHERE line IN (SELECT _line FROM _skipped)")
        con.unregister("_skipped")
    return total
