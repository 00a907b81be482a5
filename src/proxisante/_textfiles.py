"""Reading official text files: encoding, first line, small delimited tables.

Shared by every importer so that file problems give the same kind of message: a
:class:`~proxisante.errors.DataFileError` naming the file and, when known, the line.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import pandas as pd

from proxisante.errors import DataFileError

__all__ = [
    "DEFAULT_ENCODINGS",
    "check_encoding",
    "data_line_numbers",
    "first_line",
    "read_text_table",
]

#: Encodings of French official files: UTF-8 today, Windows-1252 for older extracts.
DEFAULT_ENCODINGS = ("utf-8", "cp1252")

_CHUNK = 1 << 22


def check_encoding(path: Path, encodings: tuple[str, ...]) -> str:
    """The first of ``encodings`` that decodes the whole file (streamed, 4 MiB at a time).

    Raises
    ------
    DataFileError
        The file does not exist, or no encoding fits (the message names the line of the
        first undecodable byte for the first encoding).
    """
    if not path.is_file():
        raise DataFileError(str(path), "file not found")
    first_error: tuple[int, str] | None = None
    for encoding in encodings:
        decoder = codecs.getincrementaldecoder(encoding)()
        newlines = 0
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        line = newlines + chunk.count(b"\n", 0, exc.start) + 1
                        raise _UndecodableError(line, encoding) from None
                    newlines += chunk.count(b"\n")
                decoder.decode(b"", final=True)
            return encoding
        except _UndecodableError as exc:
            first_error = first_error or (exc.line, exc.encoding)
        except UnicodeDecodeError:
            first_error = first_error or (newlines + 1, encoding)
    line, encoding = first_error if first_error else (None, encodings[0])
    msg = f"not a {' or '.join(encodings)} text file (undecodable bytes as {encoding})"
    raise DataFileError(str(path), msg, line=line)


class _UndecodableError(Exception):
    def __init__(self, line: int, encoding: str) -> None:
        self.line = line
        self.encoding = encoding


def first_line(path: Path, encoding: str) -> str:
    """The file's first line without its end-of-line characters."""
    if not path.is_file():
        raise DataFileError(str(path), "file not found")
    with path.open("rb") as fh:
        raw = fh.readline()
    return raw.decode(encoding, errors="replace").rstrip("\r\n")


def data_line_numbers(path: Path) -> np.ndarray:
    """1-based physical line numbers of the non-empty lines after the header line."""
    data = np.fromfile(path, dtype=np.uint8)
    newlines = np.flatnonzero(data == 10)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [data.size]))
    if starts[-1] == data.size:  # nothing after the final newline
        starts, ends = starts[:-1], ends[:-1]
    length = ends - starts
    length -= (length > 0) & (data[np.maximum(ends - 1, 0)] == 13)  # CRLF
    numbers = np.arange(1, starts.size + 1)
    return numbers[(length > 0) & (numbers > 1)]


def read_text_table(
    path: str | Path, *, encodings: tuple[str, ...] = DEFAULT_ENCODINGS, what: str, **kwargs
) -> pd.DataFrame:
    """A small delimited file as text columns (``dtype=str``, empty cells stay ``''``).

    ``what`` describes the expected layout in error messages (e.g. ``"a ';'-separated
    CSV"``); other keyword arguments go to :func:`pandas.read_csv`.

    Raises
    ------
    DataFileError
        Missing file, undecodable bytes (with their line) or an unparsable table.
    """
    path = Path(path)
    encoding = check_encoding(path, encodings)
    try:
        return pd.read_csv(path, dtype=str, encoding=encoding, keep_default_na=False, **kwargs)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise DataFileError(str(path), f"not {what} ({exc})") from None
