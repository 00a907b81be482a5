"""Typed exceptions of proxisante.

Every error a user can trigger with bad input derives from :class:`ProxisanteError`
(itself a :class:`ValueError`), so the CLI and the web app can turn it into a one-line
message and exit code 2 / HTTP 4xx without a traceback. Messages name the value received
and what is accepted.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AmbiguousNameError",
    "DataFileError",
    "EmptySelectionError",
    "InfeasiblePlanError",
    "InputError",
    "OsrmError",
    "OutputError",
    "ProxisanteError",
    "ResourceError",
    "StoreConflictError",
    "UnavailableYearError",
    "UnknownCodeError",
    "UnknownCommuneError",
    "shorten",
]

#: Longest value quoted in a message: longer values are cut with an ellipsis.
MAX_QUOTED_CHARS = 60


def shorten(value: object, limit: int = MAX_QUOTED_CHARS) -> str:
    """``value`` as text, cut to ``limit`` characters (``…`` and the full length appended).

    Messages quote the value they refuse; a 10 MB field must not become a 10 MB message.

    >>> shorten("x" * 100, 10)
    'xxxxxxxxx… (100 characters)'
    """
    text = str(value)
    if len(text) <= limit:
        return text
    return text[: limit - 1] + f"… ({len(text):,} characters)"


class ProxisanteError(ValueError):
    """Base class of every user-facing error raised by proxisante."""


class InputError(ProxisanteError):
    """An argument or a file's content is not what the function accepts."""


class DataFileError(InputError):
    """A data file is missing, corrupt or not in the expected layout.

    Parameters
    ----------
    path
        The file that was read.
    msg
        What was wrong and what was expected.
    line
        1-based line number in the file, when known.
    field
        Column / field name, when known.
    """

    def __init__(
        self, path: str, msg: str, *, line: int | None = None, field: str | None = None
    ) -> None:
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field '{field}'"
        self.path = str(path)
        self.line = line
        self.field = field
        self.msg = msg
        super().__init__(f"{where}: {msg}")

    def renamed(self, name: str) -> DataFileError:
        """The same error naming the file ``name`` (e.g. the uploaded file's name instead of
        a server-side temporary path)."""
        return DataFileError(name, self.msg, line=self.line, field=self.field)


class UnknownCodeError(InputError):
    """A code (commune, EPCI, département, constituency, site…) does not exist.

    The message lists the closest known codes or names to help the user.
    """

    def __init__(self, kind: str, value: str, suggestions: Sequence[str] = ()) -> None:
        msg = f"unknown {kind} '{shorten(value)}'"
        if suggestions:
            msg += "; closest matches: " + ", ".join(suggestions)
        self.kind = kind
        self.value = value
        self.suggestions = list(suggestions)
        super().__init__(msg)


class UnknownCommuneError(UnknownCodeError):
    """An INSEE commune code or commune name is not in the commune table."""

    def __init__(self, value: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__("commune", value, suggestions)


class AmbiguousNameError(InputError):
    """A name matches several places equally well; the message lists them, one per line.

    Parameters
    ----------
    value
        The name searched.
    candidates
        One line per candidate: its selector and its label.
    more
        How many further candidates were left out of the list.
    """

    def __init__(self, value: str, candidates: Sequence[str], *, more: int = 0) -> None:
        self.value = value
        self.candidates = list(candidates)
        lines = "\n".join(f"  {c}" for c in self.candidates)
        tail = f"\n  … and {more} more" if more > 0 else ""
        msg = (f"'{value}' names {len(self.candidates) + max(more, 0)} places; choose one "
               f"by its selector:\n{lines}{tail}")  # fmt: skip
        super().__init__(msg)


class EmptySelectionError(InputError):
    """A territory selection matched no commune."""


class StoreConflictError(InputError):
    """A write to the store conflicted with a concurrent write and could not be applied."""


class UnavailableYearError(InputError):
    """A data year was asked for that the data set does not hold."""

    def __init__(self, dataset: str, year: int, available: Sequence[int]) -> None:
        self.year = year
        self.available = list(available)
        msg = f"{dataset}: year {year} is not available; available years: " + ", ".join(
            str(y) for y in available
        )
        super().__init__(msg)


class OsrmError(ProxisanteError):
    """OSRM is missing, failed, or its server did not start."""


class InfeasiblePlanError(ProxisanteError):
    """A plan's constraints (budgets, hiring capacity, bounds) cannot all be met."""


class OutputError(InputError):
    """An output file cannot be written where the user asked (not a regular file or a new
    name, missing folder, or the system refused the write: no space, file-size limit,
    permission, read-only file system…)."""


class ResourceError(ProxisanteError):
    """The system refused a resource the command needed (disk space, file-size limit, a
    read-only store file…); nothing was changed."""
