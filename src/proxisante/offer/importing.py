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

from proxisante.errors import InputError
from proxisante.offer.finess import read_finess
from proxisante.offer.registry import SITE_COLUMNS, STAFF_COLUMNS, Offer, load_default_offer
from proxisante.offer.rpps import read_bpe, read_rpps
from proxisante.store import Store
from proxisante.territory import load_communes

__all__ = ["KINDS", "ImportReport", "import_file", "load_offer", "stored_imports"]

KINDS = ("finess", "rpps", "bpe")
STAFF_TABLE_COLUMNS = (
    "site_id", "commune", "profession", "headcount", "fte", "activity_consultations",
    "birth_year", "employment", "source", "import_id",
)  # fmt: skip


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    kind: str
    file_name: str
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
    """Parse, validate and store one official file (``finess``, ``rpps`` or ``bpe``)."""
    if kind not in KINDS:
        msg = f"import kind was '{kind}'; expected one of {', '.join(KINDS)}"
        raise InputError(msg)
    path = Path(path)
    communes = set(load_communes()["code_insee"])
    reader = {"finess": read_finess, "rpps": read_rpps, "bpe": read_bpe}[kind]
    table, errors = reader(path, communes=communes, lenient=lenient)
    digest = _sha256(path)
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction() as con:
        import_id = int(
            con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0]
        )
        if kind == "finess":
            sites = table.drop(columns=["line"]).assign(capacity_places=pd.NA, import_id=import_id)
            cols = [c for c in _site_table_columns()]
            sites = sites.reindex(columns=cols)
            con.register("new_sites", sites)
            con.execute("DELETE FROM sites WHERE site_id IN (SELECT site_id FROM new_sites)")
            con.execute(
                f"INSERT INTO sites ({', '.join(cols)}) SELECT {', '.join(cols)} FROM new_sites"
            )
            con.unregister("new_sites")
        elif kind == "rpps":
            staff = table.assign(fte=None, activity_consultations=None, birth_year=None,
                                 source=path.name, import_id=import_id)  # fmt: skip
            cols = list(STAFF_TABLE_COLUMNS)
            con.register("new_staff", staff[cols])
            # a new RPPS extract replaces the previous one
            con.execute(
                "DELETE FROM staff WHERE import_id IN "
                "(SELECT import_id FROM imports WHERE kind = 'rpps')"
            )
            con.execute(f"INSERT INTO staff ({', '.join(cols)}) SELECT * FROM new_staff")
            con.unregister("new_staff")
        else:
            con.register("new_bpe", table.assign(import_id=import_id))
            con.execute("DELETE FROM bpe_counts")
            con.execute(
                "INSERT INTO bpe_counts SELECT commune, profession, count, import_id FROM new_bpe"
            )
            con.unregister("new_bpe")
        delay = float(os.environ.get("PROXISANTE_TEST_IMPORT_PAUSE_SECONDS", "0") or 0)
        if delay > 0:  # used by the tests to kill a process in the middle of a transaction
            sys.stderr.write("proxisante-test: paused inside the import transaction\n")
            sys.stderr.flush()
            time.sleep(delay)
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [import_id, kind, path.name, digest, now, len(table) + errors.count, len(table),
             errors.count],
        )  # fmt: skip
    return ImportReport(kind, path.name, len(table), errors.count,
                        errors.summary() if errors.count else "")  # fmt: skip


def _site_table_columns() -> list[str]:
    return [
        "site_id", "finess_et", "finess_ej", "name", "category", "category_code",
        "category_label", "operator", "legal_status", "address", "commune", "lat", "lon",
        "location_source", "status", "capacity_places", "source", "source_date", "import_id",
    ]  # fmt: skip


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
    sites = store.con.execute("SELECT * FROM sites").df()
    staff = store.con.execute("SELECT * FROM staff").df()
    if sites.empty and staff.empty:
        return base
    merged_sites = pd.concat(
        [
            base.sites[~base.sites["site_id"].isin(sites["site_id"])],
            sites.reindex(columns=list(SITE_COLUMNS)),
        ],
        ignore_index=True,
    )
    merged_staff = pd.concat(
        [base.staff, staff.reindex(columns=list(STAFF_COLUMNS))], ignore_index=True
    )
    return Offer(sites=merged_sites, staff=merged_staff)
