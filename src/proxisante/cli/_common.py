"""Helpers shared by the CLI modules: consoles, error handling, the workspace."""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import rich._wrap
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from proxisante.errors import ProxisanteError, shorten

if TYPE_CHECKING:
    from proxisante.workspace import Territory, Workspace


def decimal(option: str) -> Callable[[str | float], float]:
    """The parser of a numeric option: a decimal number in ASCII digits (``2.5``,
    ``1e-3``); ``1_000``, ``0x10``, ``inf``, ``nan`` and non-ASCII digits (``١``) are refused
    with one line naming ``option`` (exit 2). The range is checked by the command
    (:mod:`proxisante.bounds`), naming the option too."""

    def parse(text: str | float) -> float:
        # deferred: loaded when a value is parsed, not at CLI start-up
        from proxisante.bounds import DECIMAL, MAX_NUMBER_CHARS

        if isinstance(text, int | float):
            return float(text)
        if len(text) > MAX_NUMBER_CHARS or not DECIMAL.fullmatch(text.strip()):
            msg = f"{option}: '{shorten(text, 40)}' is not a decimal number in ASCII digits " \
                  "(e.g. 2.5)"  # fmt: skip
            raise OptionValueError(msg)
        return float(text)

    parse.__name__ = "number"
    return parse


def whole(option: str) -> Callable[[str | int], int]:
    """The parser of a whole-number option: ASCII digits only (see :func:`decimal`)."""

    def parse(text: str | int) -> int:
        if isinstance(text, int):
            return text
        if len(text) > 20 or not re.fullmatch(r"[+-]?[0-9]+", text.strip(), re.ASCII):
            msg = f"{option}: '{shorten(text, 40)}' is not a whole number in ASCII digits " \
                  "(e.g. 12)"  # fmt: skip
            raise OptionValueError(msg)
        return int(text)

    parse.__name__ = "integer"
    return parse


class OptionValueError(Exception):
    """A numeric option's value is not a number in ASCII digits. Deliberately not a
    :class:`ValueError`: click would turn it into a multi-line usage box; the entry point
    (:func:`proxisante.cli.main`) prints it as one line naming the option, exit 2."""


#: ``--store PATH`` of the commands that read or write the store.
StoreOption = Annotated[Path | None, typer.Option("--store", help="Store file (DuckDB)")]


class CsvFormat(enum.StrEnum):
    """The CSV dialects of :data:`proxisante._csv.CSV_FORMATS` (tested equal)."""

    fr = "fr"
    international = "international"


#: ``--csv-format`` of every command that writes CSV (:mod:`proxisante._csv`).
CsvFormatOption = Annotated[
    CsvFormat,
    typer.Option(
        "--csv-format",
        help="CSV for French spreadsheets ('fr': ';', decimal comma, UTF-8 with BOM; the "
        "default) or for scripts ('international': ',', decimal point, no BOM)",
    ),
]
#: ``--centre-gp-fte-per-person`` of the commands that convert headcounts to FTE
#: (scenarios, criticality, plans): one option, one conversion
#: (:func:`proxisante.offer.staff_fte`).
CentreFteOption = Annotated[
    float | None,
    typer.Option(
        "--centre-gp-fte-per-person",
        parser=decimal("--centre-gp-fte-per-person"),
        help="FTE counted per salaried GP of a centre de santé known by headcount only: an "
        "assumption (« hypothèse »), no public source found; in (0, 1]; default 1.0",
    ),
]

#: Language of CLI output: what a user reads (tables, labels, notes, units, numbers via
#: :mod:`proxisante._fr`) is in French, like the reports; ``--help``, option names and error
#: messages stay in English. French name of each kind of territory or search result.
KIND_FR = {
    "commune": "commune",
    "epci": "EPCI",
    "dep": "département",
    "reg": "région",
    "circo": "circonscription",
    "operator": "opérateur",
    "site": "site",
}


def _keep_numbers_whole() -> None:
    """Rich wraps a line at any Unicode space, the no-break spaces of French numbers
    (« 16 258 », U+202F) included, so a sentence could end a line with « 16 » and start the
    next with « 258 ». Its word splitter (``rich._wrap.re_word``, read at each wrap) is set to
    split at ASCII white space only, as a typesetter does; tests/test_cli_narrow.py checks it
    on the installed Rich."""
    rich._wrap.re_word = re.compile(r"[ \t\n\r\f\v]*[^ \t\n\r\f\v]+[ \t\n\r\f\v]*")


_keep_numbers_whole()
console = Console()
console_err = Console(stderr=True, emoji=False)


def print_error(exc: BaseException, *, prefix: str = "error") -> None:
    """One line on stderr; the message is printed as is (no Rich markup or emoji codes:
    file contents and names often hold ``[…]`` or ``:x:``)."""
    console_err.print(f"[bold red]{prefix}:[/] " + escape(str(exc)), highlight=False,
                      soft_wrap=True)  # fmt: skip


P = ParamSpec("P")
R = TypeVar("R")


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate a Typer command: a :class:`ProxisanteError` becomes a one-line message, exit 2.

    Used on every command so that the behaviour is the same under ``CliRunner`` (tests)
    and from the installed ``proxisante`` script.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ProxisanteError as exc:
            print_error(exc)
            raise typer.Exit(code=2) from None
        except OSError as exc:
            message = system_error_message(exc)
            if message is None:
                raise
            print_error(message)
            raise typer.Exit(code=2) from None

    return wrapper


def system_error_message(exc: OSError) -> str | None:
    """One line for an error of the system the user can act on (space, file-size limit,
    permissions, read-only file system…), naming the file; None for any other error."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante._output import USER_ERRNOS, os_error_message

    if exc.errno not in USER_ERRNOS:
        return None
    where = f"{exc.filename}: " if exc.filename else ""
    return where + os_error_message(exc)


def find_territory(selector: str, store: Path | None = None) -> Territory:
    """The territory of a selector or a name; operators are looked up in the store's offer only
    when no territory matches, so that naming a commune loads no offer."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace.search import resolve

    return resolve(selector, sites=lambda: workspace(store).searchable_sites())


def workspace(
    store: Path | None = None, *, centre_gp_fte_per_person: float | None = None
) -> Workspace:
    """The application layer on ``store`` (default store when None); optionally with the
    FTE per centre de santé GP known by headcount only (an assumption, « hypothèse »)."""
    # deferred: loaded when the command runs, not at CLI start-up
    from proxisante.workspace import Workspace

    return Workspace(store, centre_gp_fte_per_person=centre_gp_fte_per_person)


_spinning: list[bool] = []


@contextmanager
def progress(description: str) -> Iterator[None]:
    """A spinner with the elapsed time on stderr while work runs (nothing when stderr is not
    a terminal, so piped CSV stays clean). Re-entrant: within another spinner it adds nothing
    (one live display at a time), so a command can wrap all its slow steps."""
    if _spinning or not console_err.is_terminal:  # piped or captured: not even a blank line
        yield
        return
    # deferred: loaded when the command runs, not at CLI start-up
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    _spinning.append(True)
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=console_err, transient=True) as bar:  # fmt: skip
            bar.add_task(description, total=None)
            yield
    finally:
        _spinning.pop()


def table_fits(table: Table, width: int | None = None) -> bool:
    """Whether ``table`` prints at ``width`` columns (default: the terminal's) with no cell
    wrapped: its widest layout (every cell on one line, rich's measurement) fits."""
    # deferred: loaded when the command runs, not at CLI start-up
    from rich.measure import Measurement

    width = console.width if width is None else width
    return Measurement.get(console, console.options.update_width(10_000), table).maximum <= width


def print_table(table: Table, *, key_columns: int = 1, note: str | None = None) -> None:
    """Print ``table``, as records when it does not fit the terminal (see :func:`table_fits`).

    A record is one row: its first ``key_columns`` cells in bold on one line, then one
    « header : value » line per other non-empty cell, so that no cell is cut or wrapped
    word by word (« Centre / de / santé ») in an 80-column terminal. ``note`` (e.g. « all
    columns in --csv ») is printed under the records.
    """
    if table_fits(table):
        console.print(table)
        return
    if table.title:
        console.print(f"[bold]{table.title}[/]", highlight=False)
    headers = [str(c.header) for c in table.columns]
    cells = [list(c.cells) for c in table.columns]
    for i in range(table.row_count):
        row = [str(col[i]) if i < len(col) else "" for col in cells]
        console.print("[bold]" + " · ".join(v for v in row[:key_columns] if v) + "[/]",
                      highlight=False)  # fmt: skip
        for header, value in zip(headers[key_columns:], row[key_columns:], strict=True):
            if value.strip():
                console.print(f"  {header} : {value}", highlight=False)
    if note:
        console.print(f"[dim]{note}[/]")
