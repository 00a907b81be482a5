"""Import official files into the store, in one transaction, with provenance.

Every import parses and validates the whole file first (strict: the first bad row stops it,
naming file, line and field; lenient: bad rows are skipped and each is reported), then
writes in one transaction with an ``imports`` provenance row (file name, sha256, date, row
counts). A failure, including a killed process, leaves the store as it was (DuckDB's
write-ahead log makes the transaction atomic).

What a re-import replaces (its *scope*), by kind:

- ``finess``: the stored sites with the same ``site_id`` as the file's sites; other sites
  (another region's extract, sites only in an earlier file) are kept. A site of the file
  whose FINESS number is that of a bundled site known under another id (a Filieris centre
  documented by a web page, e.g. ``filieris-centre-de-decazeville`` = FINESS 120787783) is
  stored under the bundled id, so it stays one site with its staff and edits. Site edits
  logged by ``offer edit`` (closure, authorised places) are re-applied to the re-imported
  rows, so a site closed by hand stays closed with its places. In every département where
  the imported extract lists sites, the bundled commune-level BPE entries (« estimé ») give
  way to it (:func:`load_offer`);
- ``rpps``: every staff row of earlier RPPS imports; staff changes logged by ``offer edit``
  (FTE added or removed, source ``offer edit``) are kept and still apply. If one of them
  would now leave a site with negative FTE of a profession, the import is refused naming
  the site, the profession and the edits;
- ``bpe`` and ``pop-age``: every row of the earlier import of that kind.

An import that would store no row (a header-only file, every line skipped under
``--lenient``, no line of a modelled profession) is refused — it would erase the earlier
import of that kind — unless ``replace_with_empty`` is given.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pandas as pd

from proxisante.errors import DataFileError, InputError
from proxisante.offer.finess import read_finess
from proxisante.offer.model import (
    BPE_SCHEMA,
    POP_AGE_SCHEMA,
    SITE_SCHEMA,
    STAFF_SCHEMA,
    Column,
    conform,
)
from proxisante.offer.registry import Offer, load_default_offer, site_supply
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
    rows_replaced: int = 0
    edits_reapplied: int = 0


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def import_file(
    kind: str, path: str | Path, *, store: Store, lenient: bool = False,
    replace_with_empty: bool = False, display_name: str | None = None,
) -> ImportReport:  # fmt: skip
    """Parse, validate and store one official file (scope of a re-import: module docstring).

    Kinds: ``finess`` (FINESS etalab extract → sites), ``rpps`` (Annuaire santé extraction
    → staff), ``bpe`` (INSEE BPE → professionals per commune), ``pop-age`` (INSEE POP1B
    population by sex and age → population by age band per commune; strict only: a
    census table with rows missing would understate the population).

    Parameters
    ----------
    replace_with_empty
        Accept an import that stores no row (it replaces the earlier import of its kind
        with nothing); refused otherwise.
    display_name
        Name of the file in messages and provenance instead of ``path`` (e.g. the name of
        an uploaded file that the server saved under a temporary path).

    Raises
    ------
    DataFileError
        Bad file or row (naming file, line and field), or an import storing no row.
    InputError
        Unknown kind, or a logged edit that the new rows would make impossible.
    """
    if kind not in KINDS:
        msg = f"import kind was '{kind}'; expected one of {', '.join(KINDS)}"
        raise InputError(msg)
    path = Path(path)
    try:
        return _import(kind, path, store=store, lenient=lenient,
                       replace_with_empty=replace_with_empty,
                       file_name=display_name or path.name)  # fmt: skip
    except DataFileError as exc:
        raise (exc.renamed(display_name) if display_name else exc) from None


@cache
def known_communes() -> frozenset[str]:
    """INSEE codes of the commune table, as a set (built once per process)."""
    return frozenset(load_communes()["code_insee"].tolist())


def _import(
    kind: str, path: Path, *, store: Store, lenient: bool, replace_with_empty: bool,
    file_name: str,
) -> ImportReport:  # fmt: skip
    communes = known_communes()
    readers = {"finess": read_finess, "rpps": read_rpps, "bpe": read_bpe, "pop-age": _read_pop_age}
    reader = readers[kind]
    table, errors = reader(path, communes=communes, lenient=lenient)
    if table.empty and not replace_with_empty:
        skipped = f", {errors.count:,} skipped as bad" if errors.count else ""
        msg = (
            f"no row to import ({errors.rows_read:,} data line(s) read{skipped}); an empty import "
            f"would erase the stored {kind} rows: refused (use --replace-with-empty to do that)"
        )
        raise DataFileError(str(path), msg)
    if kind == "finess":
        table = _bundled_ids(table)
    digest = _sha256(path)
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction() as con:
        import_id = int(
            con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0]
        )
        name, schema = _TABLE_OF_KIND[kind]
        rows = conform(
            table.assign(import_id=import_id, source=file_name), schema, what=f"{kind} rows"
        )
        if kind == "finess":  # imported sites replace earlier rows with the same id
            replaced = "site_id IN (SELECT site_id FROM new_rows)"
        elif kind == "rpps":  # a new RPPS extract replaces the previous one
            replaced = "import_id IN (SELECT import_id FROM imports WHERE kind = 'rpps')"
        else:  # a new BPE or population file replaces the previous one
            replaced = "true"
        con.register("new_rows", rows)
        n_replaced = int(con.execute(f"DELETE FROM {name} WHERE {replaced}").fetchall()[0][0])
        insert_rows(con, name, schema, "new_rows")
        reapplied = _reapply_site_edits(con) if kind == "finess" else 0
        con.unregister("new_rows")
        if kind == "rpps":
            _check_staff_edits(store)
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [import_id, kind, file_name, digest, now, errors.rows_read, len(table), errors.count],
        )  # fmt: skip
    return ImportReport(kind, file_name, errors.rows_read, len(table), errors.count,
                        errors.summary() if errors.count else "", n_replaced,
                        reapplied)  # fmt: skip


def _bundled_ids(sites: pd.DataFrame) -> pd.DataFrame:
    """Imported FINESS sites under the id of the bundled site with their FINESS number, when
    the bundle knows it under another id (one site, one id: its staff and edits follow)."""
    base = load_default_offer().sites
    known = base.dropna(subset=["finess_et"])
    alias = known.loc[known["site_id"] != known["finess_et"]].set_index("finess_et")["site_id"]
    if alias.empty:
        return sites
    ids = sites["finess_et"].map(alias)
    return sites.assign(site_id=ids.fillna(sites["site_id"]).to_numpy())


def _reapply_site_edits(con) -> int:
    """Re-apply logged site edits (closure, places) to the sites just imported.

    Returns the number of imported sites changed back by the log.
    """
    n = con.execute(
        """
        WITH log AS (
            SELECT site_id,
                   bool_or(coalesce(TRY_CAST(json_extract(detail, '$.close') AS BOOLEAN), false))
                       AS closed,
                   arg_max(TRY_CAST(json_extract(detail, '$.capacity_places') AS INTEGER),
                           edit_id) FILTER (
                       WHERE TRY_CAST(json_extract(detail, '$.capacity_places') AS INTEGER)
                             IS NOT NULL) AS places
            FROM edits GROUP BY site_id
        )
        UPDATE sites SET
            status = CASE WHEN log.closed THEN 'closed' ELSE sites.status END,
            capacity_places = coalesce(log.places, sites.capacity_places)
        FROM log
        WHERE sites.site_id = log.site_id
          AND sites.site_id IN (SELECT site_id FROM new_rows)
          AND (log.closed OR log.places IS NOT NULL)
        """
    ).fetchall()
    return int(n[0][0]) if n else 0


def _check_staff_edits(store: Store) -> None:
    """Refuse an RPPS import after which a logged FTE edit leaves negative staff at a site."""
    edited = store.con.execute(
        "SELECT DISTINCT site_id, profession FROM staff WHERE source = 'offer edit' AND fte < 0"
    ).fetchall()
    if not edited:
        return
    offer = load_offer(store)
    for site_id, profession in edited:
        fte = site_supply(offer, profession=profession).set_index("site_id")["fte"]
        total = float(fte.get(site_id, 0.0))
        if total < -1e-9:
            ids = [r[0] for r in store.con.execute(
                "SELECT edit_id FROM edits WHERE site_id = ? ORDER BY edit_id", [site_id]
            ).fetchall()]  # fmt: skip
            msg = (
                f"after this import, the logged edit(s) {ids} of site '{site_id}' would leave "
                f"{total:g} {profession} FTE there (the file has fewer {profession}s than when "
                f"they were made); refused. Add the missing FTE with offer edit {site_id} "
                f"--fte {profession}=+{-total:g}, then import again"
            )
            raise InputError(msg)


def _read_pop_age(path: Path, *, communes: set[str] | frozenset[str], lenient: bool = False):
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
    return long, RowErrors(str(path), rows_read=int(wide.attrs.get("rows_read", len(long))))


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


def _replaced_estimates(base: pd.DataFrame, imported: pd.DataFrame) -> pd.Series:
    """Bundled commune-level entries in a département covered by imported FINESS sites."""
    counts = base["entry"].eq("commune_count").fillna(False)
    finess = imported[imported["import_id"].notna() & imported["finess_et"].notna()]
    if finess.empty or not counts.any():
        return pd.Series(False, index=base.index)
    dep = load_communes().set_index("code_insee")["departement"]
    covered = set(finess["commune"].map(dep).dropna())
    return counts & base["commune"].map(dep).isin(covered)


def insert_rows(con, table: str, schema: tuple[Column, ...], source: str) -> None:
    """``INSERT INTO table`` the schema's columns of the registered relation ``source``."""
    cols = ", ".join(c.name for c in schema)
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {source}")


def stored_imports(store: Store) -> pd.DataFrame:
    """Provenance of every import (one row per import)."""
    return store.con.execute("SELECT * FROM imports ORDER BY import_id").df()


def load_offer(store: Store | None = None) -> Offer:
    """The bundled default offer, overlaid with the sites and staff imported into ``store``.

    Imported sites replace bundled sites with the same id; imported staff is added. In the
    départements where a FINESS import lists sites, the bundled commune-level entries
    (``entry = commune_count``, INSEE BPE counts « estimé ») are dropped: the extract
    replaces them.
    """
    base = load_default_offer()
    if store is None:
        return base
    sites = conform(store.con.execute("SELECT * FROM sites").df(), SITE_SCHEMA, what="sites")
    staff = conform(store.con.execute("SELECT * FROM staff").df(), STAFF_SCHEMA, what="staff")
    if sites.empty and staff.empty:
        return base
    kept = base.sites[~base.sites["site_id"].isin(sites["site_id"])]
    kept = kept[~_replaced_estimates(kept, sites)]
    return Offer(
        sites=pd.concat([kept, sites], ignore_index=True),
        staff=pd.concat([base.staff, staff], ignore_index=True),
    )
