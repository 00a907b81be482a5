"""Reading official text files: one bounded scan of the bytes, then small or large tables.

Every importer first runs :func:`scan_text` on the file: one streamed pass (16 MiB at a
time, numpy, no Python loop over lines) that

- bounds the resources a file can take: at most :data:`MAX_FILE_BYTES` per file,
  :data:`MAX_LINE_BYTES` per line, :data:`MAX_LINES` lines and :data:`MAX_FIELDS` header
  fields, refused with a clear message before any parser runs;
- settles the encoding: UTF-8 (a byte-order mark is accepted and dropped) or, where the
  official file may be in it, Windows-1252; a file mixing both (valid UTF-8 sequences and
  bytes that are not UTF-8) is refused naming the first line that is not UTF-8, since
  reading it either way would garble part of it;
- settles line endings: LF, CRLF or a mix of both are read alike; a carriage return not
  followed by a line feed, or a NUL byte (binary file), is refused naming its line;
- records the physical line number of every non-empty line and, given the separator, its
  number of fields, so that importers name the right line after blank lines and refuse
  lines with extra or missing fields themselves, whatever the CSV parser would do.

:func:`readable_copy` then gives a path the CSV readers can read as plain UTF-8 with LF
line endings (the file itself, or a normalised temporary copy when the file is in
Windows-1252, has a byte-order mark or carriage returns). Messages always name the file
given by the user, never the temporary copy.
"""

from __future__ import annotations

import codecs
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from proxisante.errors import DataFileError

__all__ = [
    "DEFAULT_ENCODINGS",
    "MAX_FIELDS",
    "MAX_FILE_BYTES",
    "MAX_LINES",
    "MAX_LINE_BYTES",
    "TextScan",
    "check_fields",
    "first_line",
    "read_scanned_table",
    "read_text_table",
    "readable_copy",
    "scan_text",
    "utf8_text",
]

#: Encodings of French official files: UTF-8 today, Windows-1252 for older extracts.
DEFAULT_ENCODINGS = ("utf-8", "cp1252")
#: Largest file accepted (1 GiB): the national RPPS extraction is about 0.7 GiB.
MAX_FILE_BYTES = 1 << 30
#: Longest line accepted, in bytes (official lines are under 2 KiB).
MAX_LINE_BYTES = 1 << 16
#: Most lines accepted in one file (the national POP1B table has about 7.2 million).
MAX_LINES = 20_000_000
#: Most fields accepted in a header line (official layouts have fewer than 100).
MAX_FIELDS = 1024

_CHUNK = 1 << 24
_BOM = codecs.BOM_UTF8
#: A well-formed UTF-8 sequence of 2 to 4 bytes (non-ASCII character).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass(frozen=True)
class TextScan:
    """What :func:`scan_text` learnt about a file.

    Attributes
    ----------
    path
        The file as given (named in messages).
    encoding
        ``'utf-8'`` or ``'cp1252'``.
    header
        Line 1, decoded, without byte-order mark and end-of-line characters.
    header_fields
        Fields of line 1 (0 when no separator was given).
    lines
        1-based physical numbers of the non-empty lines after line 1 (int64).
    fields
        Number of fields of each of ``lines`` (separator count + 1; empty when no
        separator was given).
    normalise
        The file needs a normalised copy (Windows-1252, byte-order mark or carriage
        returns) before a CSV reader sees it.
    """

    path: Path
    encoding: str
    header: str
    header_fields: int
    lines: np.ndarray
    fields: np.ndarray
    normalise: bool

    def fail(self, msg: str, *, line: int | None = None, field: str | None = None):
        """Raise a :class:`DataFileError` about this file."""
        raise DataFileError(str(self.path), msg, line=line, field=field)


class _Utf8Probe:
    """Streamed UTF-8 check of a file: ``bad_at``, the offset of the first byte that is not
    UTF-8, and ``multibyte_at``, of a valid non-ASCII UTF-8 sequence (None when none)."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.bad_at: int | None = None
        self.multibyte_at: int | None = None
        self._tail = b""

    def feed(self, chunk: bytes, offset: int) -> None:
        """The next chunk of the file, starting at byte ``offset``."""
        if self.bad_at is None:
            try:
                self._decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                self.bad_at = offset + exc.start
        if self.multibyte_at is None:
            m = _UTF8_MULTIBYTE.search(self._tail + chunk)
            if m:
                self.multibyte_at = offset - len(self._tail) + m.start()
        self._tail = chunk[-3:]

    def finish(self, size: int) -> None:
        """End of the file (``size`` bytes): a sequence cut at the end is not UTF-8."""
        if self.bad_at is None:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.bad_at = size - 1


def _checked_size(path: Path) -> int:
    """The file's size in bytes: it exists, is not empty and not over MAX_FILE_BYTES."""
    name = str(path)
    if not path.is_file():
        raise DataFileError(name, "file not found")
    size = path.stat().st_size
    if size == 0:
        raise DataFileError(name, "empty file; expected a header line then data lines")
    if size > MAX_FILE_BYTES:
        msg = f"file is {size / 2**30:.2f} GiB; at most 1 GiB is accepted (split it by region)"
        raise DataFileError(name, msg)
    return size


def _check_carriage_returns(fh: BinaryIO, data: np.ndarray, offset: int, path: Path) -> bool:
    """Refuse a CR not followed by a line feed in this chunk (reading the next byte for a CR
    ending it); True when the chunk holds a CR."""
    cr = np.flatnonzero(data == 13)
    if not cr.size:
        return False
    msg = "carriage return (CR) not followed by a line feed; expected LF or CRLF"
    after = cr + 1
    inside = after < data.size
    lone = cr[inside][data[after[inside]] != 10]
    if lone.size:
        _fail_at(str(path), path, offset + int(lone[0]), msg)
    if not inside.all():  # a CR ending the chunk (or the file): check the next byte
        nxt = fh.read(1)
        if nxt != b"\n":
            _fail_at(str(path), path, offset + int(cr[-1]), msg)
        fh.seek(-len(nxt), 1)
    return True


def scan_text(
    path: str | Path, *, encodings: tuple[str, ...] = DEFAULT_ENCODINGS, sep: str | None = None
) -> TextScan:
    """One bounded pass over ``path``: limits, encoding, line endings, lines and fields.

    Parameters
    ----------
    path
        The file.
    encodings
        Accepted encodings, among ``'utf-8'`` and ``'cp1252'``.
    sep
        One-character field separator, to count the fields of every line.

    Raises
    ------
    DataFileError
        Missing, empty or too large file; line too long; too many lines or header fields;
        NUL byte; lone carriage return; bytes valid in none of ``encodings`` or a mix of
        UTF-8 and another encoding (each naming the line).
    """
    path = Path(path)
    name = str(path)
    size = _checked_size(path)
    sep_byte = ord(sep) if sep else -1
    ends: list[np.ndarray] = []  # global offsets of the line feeds
    seps_at_ends: list[np.ndarray] = []  # separators before each line feed
    n_seps = 0
    n_lines = 0
    last_end = -1
    has_cr = False
    crlf_at_ends: list[np.ndarray] = []  # is each line feed preceded by a CR?
    prev_last = -1  # last byte of the previous chunk
    utf8 = _Utf8Probe()
    with path.open("rb") as fh:
        offset = 0
        while chunk := fh.read(_CHUNK):
            data = np.frombuffer(chunk, dtype=np.uint8)
            nl = np.flatnonzero(data == 10)
            if (data == 0).any():
                _fail_at(name, path, offset + int(np.flatnonzero(data == 0)[0]),
                         "NUL byte: this is a binary file, not text")  # fmt: skip
            has_cr |= _check_carriage_returns(fh, data, offset, path)
            starts = np.concatenate(([last_end + 1 - offset], nl[:-1] + 1)) if nl.size else None
            if nl.size:
                longest = int(np.argmax(nl - starts))
                if int(nl[longest] - starts[longest]) > MAX_LINE_BYTES + 1:
                    _fail_at(name, path, offset + int(nl[longest]), _too_long())
                last_end = offset + int(nl[-1])
            if offset + data.size - (last_end + 1) > MAX_LINE_BYTES + 1:
                _fail_at(name, path, offset + data.size - 1, _too_long())
            n_lines += int(nl.size)
            if n_lines > MAX_LINES:
                msg = f"more than {MAX_LINES:,} lines; at most {MAX_LINES:,} are accepted"
                raise DataFileError(name, msg)
            if sep_byte >= 0:
                sp = np.flatnonzero(data == sep_byte)
                seps_at_ends.append(n_seps + np.searchsorted(sp, nl))
                n_seps += int(sp.size)
            ends.append(offset + nl)
            before = np.where(nl > 0, data[np.maximum(nl - 1, 0)], prev_last)
            crlf_at_ends.append(before == 13)
            prev_last = int(data[-1])
            utf8.feed(chunk, offset)
            offset += data.size
    utf8.finish(size)
    end_offsets = np.concatenate(ends) if ends else np.empty(0, dtype=np.int64)
    if size and (end_offsets.size == 0 or end_offsets[-1] != size - 1):  # no final line feed
        end_offsets = np.append(end_offsets, size)
        if sep_byte >= 0:
            seps_at_ends.append(np.array([n_seps]))
    encoding = _settle_encoding(name, path, encodings, utf8.bad_at, utf8.multibyte_at,
                                end_offsets)  # fmt: skip
    return _scan_result(path, encoding, end_offsets, crlf_at_ends, seps_at_ends, sep_byte,
                        has_cr)  # fmt: skip


def _scan_result(path: Path, encoding: str, end_offsets: np.ndarray,
                 crlf_at_ends: list[np.ndarray], seps_at_ends: list[np.ndarray], sep_byte: int,
                 has_cr: bool) -> TextScan:  # fmt: skip
    """The scan from the line ends found: header, non-empty data lines and their fields."""
    name = str(path)
    starts = np.concatenate(([0], end_offsets[:-1] + 1))
    length = end_offsets - starts
    with path.open("rb") as fh:
        first = fh.read(int(min(length[0], MAX_LINE_BYTES + 8)) + 1)
    bom = first.startswith(_BOM)
    # a line's content length: without its CR (CRLF) and, on line 1, without the BOM
    if crlf_at_ends:
        crlf = np.concatenate(crlf_at_ends)
        length[: crlf.size] -= crlf & (length[: crlf.size] > 0)
    if bom:
        length[0] -= len(_BOM)
    header = first[len(_BOM) if bom else 0 :].decode(encoding).rstrip("\r\n")
    numbers = np.arange(1, end_offsets.size + 1, dtype=np.int64)
    keep = (length > 0) & (numbers > 1)
    if sep_byte >= 0:
        at_ends = np.concatenate(seps_at_ends)
        fields = np.diff(np.concatenate(([0], at_ends))) + 1
        header_fields = int(fields[0])
        if header_fields > MAX_FIELDS:
            msg = f"header has {header_fields:,} fields; at most {MAX_FIELDS:,} are accepted"
            raise DataFileError(name, msg, line=1)
        fields = fields[keep]
    else:
        fields = np.empty(0, dtype=np.int64)
        header_fields = 0
    return TextScan(
        path=path,
        encoding=encoding,
        header=header,
        header_fields=header_fields,
        lines=numbers[keep],
        fields=fields.astype(np.int64),
        normalise=encoding != "utf-8" or bom or has_cr,
    )


def _too_long() -> str:
    return (
        f"line longer than {MAX_LINE_BYTES:,} bytes; official lines are much shorter "
        "(a missing line break, or not a text file?)"
    )


def _line_of(path: Path, offset: int) -> int:
    """1-based line number of byte ``offset`` (streamed count of the line feeds before it)."""
    count = 0
    with path.open("rb") as fh:
        remaining = offset
        while remaining > 0 and (chunk := fh.read(min(_CHUNK, remaining))):
            count += chunk.count(b"\n")
            remaining -= len(chunk)
    return count + 1


def _fail_at(name: str, path: Path, offset: int, msg: str):
    raise DataFileError(name, msg, line=_line_of(path, offset))


def _settle_encoding(
    name: str, path: Path, encodings: tuple[str, ...], utf8_bad_at: int | None,
    multibyte_at: int | None, end_offsets: np.ndarray,
) -> str:  # fmt: skip
    if utf8_bad_at is None and "utf-8" in encodings:
        return "utf-8"
    bad_line = _line_of(path, utf8_bad_at) if utf8_bad_at is not None else None
    if "cp1252" not in encodings:
        msg = "not a UTF-8 text file (bytes that are not UTF-8; save the file as UTF-8)"
        raise DataFileError(name, msg, line=bad_line)
    if multibyte_at is not None:
        utf8_line = _line_of(path, multibyte_at)
        msg = (
            f"mixed encodings: line {utf8_line:,} is UTF-8 but this line is not; expected one "
            "encoding (UTF-8 or Windows-1252) for the whole file"
        )
        raise DataFileError(name, msg, line=bad_line)
    decoder = codecs.getincrementaldecoder("cp1252")()
    with path.open("rb") as fh:
        offset = 0
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                msg = (
                    f"byte 0x{chunk[exc.start]:02X} is neither UTF-8 nor Windows-1252 text; "
                    "expected a UTF-8 or Windows-1252 text file"
                )
                _fail_at(name, path, offset + exc.start, msg)
            offset += len(chunk)
    return "cp1252"


def utf8_text(raw: bytes, name: str, *, expected: str = "a UTF-8 text file") -> str:
    """``raw`` decoded as UTF-8, the one encoding of YAML/JSON documents exchanged between
    systems (RFC 8259 §8.1); a UTF-8 byte-order mark is accepted and dropped.

    Parameters
    ----------
    raw
        The bytes (a file's, or a request body).
    name
        What they are, named in messages (a file, ``request body``).
    expected
        What is expected, said in messages.

    Raises
    ------
    DataFileError
        UTF-16 or UTF-32 (with a byte-order mark), a NUL byte (UTF-16/32 without one, or a
        binary file), or bytes that are not UTF-8, each naming its line.
    """
    boms = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
            (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))  # fmt: skip
    for bom, encoding in boms:
        if raw.startswith(bom):
            raise DataFileError(name, f"{encoding} text; expected {expected}", line=1)
    nul = raw.find(b"\x00")
    if nul >= 0:
        msg = f"NUL byte: UTF-16/UTF-32 text or a binary file, not text; expected {expected}"
        raise DataFileError(name, msg, line=raw.count(b"\n", 0, nul) + 1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        msg = f"byte 0x{raw[exc.start]:02X} is not UTF-8; expected {expected}"
        raise DataFileError(name, msg, line=line) from None


def first_line(path: str | Path) -> str:
    """The file's first line (at most :data:`MAX_LINE_BYTES` bytes, read as Latin-1), to
    choose a separator before :func:`scan_text`."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(str(path), "file not found")
    with path.open("rb") as fh:
        raw = fh.readline(MAX_LINE_BYTES)
    return raw.removeprefix(_BOM).decode("latin-1").rstrip("\r\n")


@contextmanager
def readable_copy(scan: TextScan) -> Iterator[Path]:
    """A path holding the scanned file as UTF-8 without byte-order mark, with LF line endings.

    The file itself when it already is; otherwise a normalised temporary copy (same lines,
    so line numbers are unchanged), removed on exit.
    """
    if not scan.normalise:
        yield scan.path
        return
    tmp = Path(tempfile.mkdtemp(prefix="proxisante-"))
    try:
        out = tmp / "normalised.txt"
        decoder = codecs.getincrementaldecoder(scan.encoding)()
        with scan.path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
            first = True
            pending_cr = False
            while chunk := src.read(_CHUNK):
                text = decoder.decode(chunk)
                if first:
                    text = text.removeprefix("\ufeff")
                    first = False
                if pending_cr:
                    text = "\r" + text
                pending_cr = text.endswith("\r")
                if pending_cr:
                    text = text[:-1]
                dst.write(text.replace("\r\n", "\n"))
            dst.write(decoder.decode(b"", final=True) + ("\r" if pending_cr else ""))
        yield out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_fields(scan: TextScan, expected: int, errors, *, sep: str) -> None:
    """Report (through ``errors``, a :class:`~proxisante.offer.validation.RowErrors`) every
    line whose number of fields differs from ``expected`` (strict mode: the first one)."""
    bad = scan.fields != expected
    if bad.any():
        first = int(scan.fields[np.flatnonzero(bad)[0]])
        what = (
            f"{expected} '{sep}'-separated fields as in the header, got {first:,} "
            "(a separator inside a value shifts the columns)"
        )
        errors.add_lines(scan.lines[bad], "(line)", what)


def read_text_table(
    path: str | Path, *, encodings: tuple[str, ...] = DEFAULT_ENCODINGS, what: str,
    sep: str | None = None, **kwargs,
) -> pd.DataFrame:  # fmt: skip
    """A small delimited file as text columns (``dtype=str``, empty cells stay ``''``).

    The file is scanned first (:func:`scan_text`: limits, encoding, line endings). ``what``
    describes the expected layout in error messages (e.g. ``"a ';'-separated CSV"``);
    other keyword arguments go to :func:`pandas.read_csv`.

    Raises
    ------
    DataFileError
        Missing file, undecodable bytes (with their line) or an unparsable table.
    """
    scan = scan_text(path, encodings=encodings, sep=sep)
    return read_scanned_table(scan, what=what, sep=sep, **kwargs)


def read_scanned_table(scan: TextScan, *, what: str, sep: str | None, **kwargs) -> pd.DataFrame:
    """:func:`pandas.read_csv` of a scanned file (see :func:`read_text_table`)."""
    with readable_copy(scan) as readable:
        try:
            return pd.read_csv(readable, dtype=str, encoding="utf-8", keep_default_na=False,
                               sep=sep, **kwargs)  # fmt: skip
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
            detail = str(exc).replace(str(readable), scan.path.name)[:200]
            raise DataFileError(str(scan.path), f"not {what} ({detail})") from None
