"""Import official files into the store, in one transaction, with provenance.

Every import parses and validates the whole file first (strict: the first bad row stops it,
naming file, line and field; lenient: bad rows are skipped and each is reported), then
writes in one transaction with an ``imports`` provenance row (file name, sha256, date, row
counts). A failure, including a killed process, leaves the store as it was (DuckDB's
write-ahead log makes the transaction atomic).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from proxisante._textfiles import data_line_numbers
from proxisante.errors import InputError
from proxisante.offer.finess import read_finess
from proxisante.offer.model import (
    BPE_SCHEMA,
    POP_AGE_SCHEMA,
    SITE_SCHEMA,
    STAFF_SCHEMA,
    Column,
    conform,
)
from proxisante.offer.registry import Offer, load_default_offer
from proxisante.offer.rpps import read_bpe, read_rpps
from proxisante.offer.validation import RowErrors
from proxisante.store import Store
from proxisante.territory import AGE_BANDS, load_communes, read_insee_pop_by_age

__all__ = [
    "KINDS",
    "ImportReport",
    "import_file",
    "load_offer",
    "load_population_by_age",
    "stored_imports",
]

KINDS = ("finess", "rpps", "bpe", "pop-age")
#: Store table of each import kind, with its schema.
_TABLE_OF_KIND: dict[str, tuple[str, tuple[Column, ...]]] = {
    "finess": ("sites", SITE_SCHEMA),
    "rpps": ("staff", STAFF_SCHEMA),
    "bpe": ("bpe_counts", BPE_SCHEMA),
    "pop-age": ("population_by_age", POP_AGE_SCHEMA),
}


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    kind: str
    file_name: str
    rows_read: int
    rows_stored: int
    rows_skipped: int
    skipped_summary: str


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def import_file(
    kind: str, path: str | Path, *, store: Store, lenient: bool = False
) -> ImportReport:
    """Parse, validate and store one official file.

    Kinds: ``finess`` (FINESS etalab extract → sites), ``rpps`` (Annuaire santé extraction
    → staff), ``bpe`` (INSEE BPE → professionals per commune), ``pop-age`` (INSEE POP1B
    population by sex and age → population by age band per commune; strict only: a
    census table with rows missing would understate the population).
    """
    if kind not in KINDS:
        msg = f"import kind was '{kind}'; expected one of {', '.join(KINDS)}"
        raise InputError(msg)
    path = Path(path)
    communes = set(load_communes()["code_insee"])
    readers = {"finess": read_finess, "rpps": read_rpps, "bpe": read_bpe, "pop-age": _read_pop_age}
    reader = readers[kind]
    table, errors = reader(path, communes=communes, lenient=lenient)
    digest = _sha256(path)
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction() as con:
        import_id = int(
            con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0]
        )
        name, schema = _TABLE_OF_KIND[kind]
        rows = conform(
            table.assign(import_id=import_id, source=path.name), schema, what=f"{kind} rows"
        )
        if kind == "finess":  # imported sites replace earlier rows with the same id
            replaced = "site_id IN (SELECT site_id FROM new_rows)"
        elif kind == "rpps":  # a new RPPS extract replaces the previous one
            replaced = "import_id IN (SELECT import_id FROM imports WHERE kind = 'rpps')"
        else:  # a new BPE or population file replaces the previous one
            replaced = "true"
        con.register("new_rows", rows)
        con.execute(f"DELETE FROM {name} WHERE {replaced}")
        insert_rows(con, name, schema, "new_rows")
        con.unregister("new_rows")
        delay = float(os.environ.get("PROXISANTE_TEST_IMPORT_PAUSE_SECONDS", "0") or 0)
        if delay > 0:  # used by the tests to kill a process in the middle of a transaction
            sys.stderr.write("proxisante-test: paused inside the import transaction\n")
            sys.stderr.flush()
            time.sleep(delay)
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [import_id, kind, path.name, digest, now, errors.rows_read, len(table), errors.count],
        )  # fmt: skip
    return ImportReport(kind, path.name, errors.rows_read, len(table), errors.count,
                        errors.summary() if errors.count else "")  # fmt: skip


def _read_pop_age(path: Path, *, communes: set[str], lenient: bool = False):
    """INSEE POP1B file → long table (code_insee, band, population) and its RowErrors."""
    if lenient:
        msg = "--lenient is not available for 'pop-age': a census table must be complete"
        raise InputError(msg)
    wide = read_insee_pop_by_age(path)
    long = (
        wide.rename_axis("code_insee")
        .reset_index()
        .melt(id_vars="code_insee", var_name="band", value_name="population")
    )
    return long, RowErrors(str(path), rows_read=int(data_line_numbers(Path(path)).size))


def load_population_by_age(store: Store) -> pd.DataFrame | None:
    """Population by age band per commune imported into ``store`` (``None`` if none was).

    Returns
    -------
    pandas.DataFrame or None
        Index ``code_insee``, one column per band of :data:`~proxisante.territory.AGE_BANDS`.
    """
    long = store.con.execute("SELECT code_insee, band, population FROM population_by_age").df()
    if long.empty:
        return None
    wide = long.pivot_table(
        index="code_insee", columns="band", values="population", aggfunc="sum", fill_value=0.0
    )
    return wide.reindex(columns=[b[0] for b in AGE_BANDS], fill_value=0.0)


def insert_rows(con, table: str, schema: tuple[Column, ...], source: str) -> None:
    """``INSERT INTO table`` the schema's columns of the registered relation ``source``."""
    cols = ", ".join(c.name for c in schema)
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {source}")


def stored_imports(store: Store) -> pd.DataFrame:
    """Provenance of every import (one row per import)."""
    return store.con.execute("SELECT * FROM imports ORDER BY import_id").df()


def load_offer(store: Store | None = None) -> Offer:
    """The bundled default offer, overlaid with the sites and staff imported into ``store``.

    Imported sites replace bundled sites with the same id; imported staff is added.
    """
    base = load_default_offer()
    if store is None:
        return base
    sites = conform(store.con.execute("SELECT * FROM sites").df(), SITE_SCHEMA, what="sites")
    staff = conform(store.con.execute("SELECT * FROM staff").df(), STAFF_SCHEMA, what="staff")
    if sites.empty and staff.empty:
        return base
    kept = base.sites[~base.sites["site_id"].isin(sites["site_id"])]
    return Offer(
        sites=pd.concat([kept, sites], ignore_index=True),
        staff=pd.concat([base.staff, staff], ignore_index=True),
    )
