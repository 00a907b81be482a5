"""Embedded project store: one DuckDB file with a versioned schema and transactional writes.

Default location: ``$PROXISANTE_STORE`` if set, else the user's data directory
(``platformdirs.user_data_dir('proxisante')``); every command takes ``--store PATH``.
The schema is created and upgraded by the ordered :data:`MIGRATIONS` (a ``schema_version``
table records what ran); each migration and each write runs in one transaction, so a
failure (or a killed process: DuckDB replays or drops its write-ahead log on the next open)
leaves the file as it was.

Adding a table or a column
--------------------------
Append ``(next_version, "description", "SQL; SQL; …")`` to :data:`MIGRATIONS` (versions
are consecutive integers from 1), e.g. from a module of your own package::

    from proxisante.store import MIGRATIONS
    MIGRATIONS.append((4, "scenario results", "CREATE TABLE results (...);"))

Never edit or reorder a published migration: stores already on disk have run it. The
offer tables must keep matching :mod:`proxisante.offer.model` (checked by the tests).
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from platformdirs import user_data_dir

from proxisante.errors import (
    DataFileError,
    InputError,
    ResourceError,
    StoreConflictError,
    UnknownCodeError,
)

__all__ = ["MIGRATIONS", "STORE_ENV", "MissingStoreError", "Store", "default_store_path"]

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "scenarios",
        """
        CREATE TABLE scenarios (
            name VARCHAR PRIMARY KEY,
            body JSON NOT NULL,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        2,
        "offer: imported sites, staff, BPE counts and import provenance",
        """
        CREATE TABLE imports (
            import_id INTEGER PRIMARY KEY,
            kind VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            imported_at TIMESTAMP NOT NULL,
            rows_read BIGINT NOT NULL,
            rows_stored BIGINT NOT NULL,
            rows_skipped BIGINT NOT NULL
        );
        CREATE TABLE sites (
            site_id VARCHAR PRIMARY KEY, finess_et VARCHAR, finess_ej VARCHAR, name VARCHAR,
            category VARCHAR, category_code VARCHAR, category_label VARCHAR, operator VARCHAR,
            legal_status VARCHAR, address VARCHAR, commune VARCHAR NOT NULL, lat DOUBLE,
            lon DOUBLE, location_source VARCHAR, status VARCHAR NOT NULL,
            capacity_places INTEGER, source VARCHAR, source_date VARCHAR, import_id INTEGER
        );
        CREATE TABLE staff (
            site_id VARCHAR NOT NULL, commune VARCHAR, profession VARCHAR NOT NULL,
            headcount INTEGER, fte DOUBLE,
            activity_consultations DOUBLE, birth_year INTEGER, employment VARCHAR,
            source VARCHAR, import_id INTEGER
        );
        CREATE TABLE bpe_counts (
            commune VARCHAR NOT NULL, profession VARCHAR NOT NULL, count DOUBLE NOT NULL,
            import_id INTEGER
        );
        """,
    ),
    (
        3,
        "offer: staff age band and source quote (model columns), log of offer edits",
        """
        ALTER TABLE staff ADD COLUMN age_band VARCHAR;
        ALTER TABLE staff ADD COLUMN source_quote VARCHAR;
        CREATE TABLE edits (
            edit_id INTEGER PRIMARY KEY,
            site_id VARCHAR NOT NULL,
            action VARCHAR NOT NULL,
            detail VARCHAR NOT NULL,
            edited_at TIMESTAMP NOT NULL
        );
        """,
    ),
    (
        4,
        "population by five-year age band per commune (INSEE POP1B import)",
        """
        CREATE TABLE population_by_age (
            code_insee VARCHAR NOT NULL,
            band VARCHAR NOT NULL,
            population DOUBLE NOT NULL,
            import_id INTEGER
        );
        """,
    ),
    (
        5,
        "calibrated models (proxisante.model): one versioned Parquet artefact per row",
        """
        CREATE TABLE models (
            model_id VARCHAR PRIMARY KEY,
            year INTEGER NOT NULL,
            created_at TIMESTAMP NOT NULL,
            metadata JSON NOT NULL,
            parquet BLOB NOT NULL
        );
        """,
    ),
    (
        6,
        "offer: commune-level entries of the offer (entry kind, number of establishments)",
        """
        ALTER TABLE sites ADD COLUMN entry VARCHAR;
        ALTER TABLE sites ADD COLUMN establishments INTEGER;
        """,
    ),
]


#: One lock per store file (resolved path): writes from the threads of one process (web
#: requests, each with its own connection) are serialised instead of failing on DuckDB's
#: optimistic concurrency ("Conflict on update"). Other processes cannot open the file
#: while one has it open (DuckDB's file lock).
_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.RLock:
    key = str(path.resolve())
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.RLock())


#: Environment variable naming the store file used when no ``--store`` is given.
STORE_ENV = "PROXISANTE_STORE"


def default_store_path() -> Path:
    """``$PROXISANTE_STORE`` if set, else ``<user data dir>/proxisante/proxisante.duckdb``."""
    if os.environ.get(STORE_ENV):
        return Path(os.environ[STORE_ENV])
    return Path(user_data_dir("proxisante")) / "proxisante.duckdb"


class MissingStoreError(InputError):
    """A read asked for a store file that does not exist (reads never create one)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        msg = (f"store '{path}' does not exist: nothing was imported, edited or saved there "
               "yet (the first import, edit, save or calibration creates it)")  # fmt: skip
        super().__init__(msg)


#: What DuckDB says when the system refuses to write the file (permissions, an immutable
#: file, a read-only file system).
_READ_ONLY_WORDS = ("permission denied", "operation not permitted", "read-only file system")
#: What DuckDB says when the system refuses to grow the file (disk full, file-size limit).
_RESOURCE_WORDS = {
    "file too large": "file too large for the file-size limit (ulimit -f) or the file system",
    "no space left": "no space left on the device",
    "disk quota": "disk quota exceeded",
}


def _resource_message(exc: BaseException) -> str | None:
    text = str(exc).lower()
    for words, cause in _RESOURCE_WORDS.items():
        if words in text:
            return cause
    return None


class Store:
    """A DuckDB store file, migrated to the latest schema on open.

    Use as a context manager: ``with Store(path) as store: ...``.

    Parameters
    ----------
    path
        The file (default: :func:`default_store_path`).
    read_only
        Open for reading only: the file must exist (no folder or file is created: a
        :class:`MissingStoreError` otherwise), and an immutable or read-only file can be
        read. A file of an older schema is migrated first when it can be written.
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.read_only = read_only
        self._lock = _write_lock(self.path)
        if read_only:
            if not self.path.is_file():
                raise MissingStoreError(self.path)
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                msg = f"cannot create the store's folder: {exc.strerror or exc}"
                raise ResourceError(f"{self.path}: {msg}") from None
        self.con = self._connect(read_only)
        try:
            if read_only and self.schema_version_or_none() != len(MIGRATIONS):
                self.con.close()  # an older schema: migrate it once, then read
                self.con = self._connect(False)
                self._migrate()
                self.con.close()
                self.con = self._connect(True)
            elif not read_only:
                self._migrate()
        except BaseException:
            self.con.close()
            raise

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            text = str(exc).lower()
            if "lock" in text:
                msg = "the store is in use by another process; retry when it has finished"
            elif any(w in text for w in _READ_ONLY_WORDS):
                msg = ("the store file cannot be written (permissions, an immutable file or a "
                       "read-only file system): imports, edits, saves and calibrations need a "
                       "writable store; commands that only read it (offer imports, offer "
                       "show, scenario list…) work")  # fmt: skip
                if read_only:
                    msg = "the store file is read-only and its schema is older than this " \
                          "proxisante's: make it writable once to upgrade it"  # fmt: skip
            elif (cause := _resource_message(exc)) is not None:
                msg = f"cannot open the store: {cause}"
            else:
                msg = ("not a proxisante store (not a DuckDB database file, or a damaged one); "
                       "give another --store path")  # fmt: skip
            raise DataFileError(str(self.path), msg) from None

    def schema_version_or_none(self) -> int | None:
        """Latest migration applied, or None when the file has no schema table yet."""
        try:
            return self.schema_version()
        except duckdb.CatalogException:
            return None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (the file stays consistent at every commit)."""
        self.con.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: committed on success, rolled back on any error.

        Transactions on one store file are serialised within the process (one lock per
        file), so concurrent writers wait for each other instead of conflicting.

        Raises
        ------
        StoreConflictError
            DuckDB still reported a write conflict (another process's connection).
        """
        with self._lock:
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self.con
            except BaseException as exc:
                # a fatal error (disk full, file-size limit) may have ended it already
                with contextlib.suppress(duckdb.Error):
                    self.con.execute("ROLLBACK")
                self._raise_resource(exc)
                raise
            try:
                self.con.execute("COMMIT")
            except (duckdb.TransactionException, duckdb.ConstraintException) as exc:
                self._raise_resource(exc)  # "Failed to commit: … File too large"
                msg = f"the store changed during this write; nothing was written ({exc})"
                raise StoreConflictError(msg) from None
            except duckdb.Error as exc:
                self._raise_resource(exc)
                raise

    def _raise_resource(self, exc: BaseException) -> None:
        """A write the system refused (disk full, file-size limit): one clear error. DuckDB
        keeps the committed data (its write-ahead log); this write is not stored."""
        cause = _resource_message(exc)
        if cause is None and isinstance(exc, OSError) and exc.errno is not None:
            cause = exc.strerror
        if cause is None or not isinstance(exc, duckdb.Error | OSError):
            return
        msg = (f"{self.path}: the store could not be written: {cause}; nothing was changed by "
               "this command (the store keeps what it held)")  # fmt: skip
        raise ResourceError(msg) from None

    def content_stamp(self) -> tuple:
        """What every write that changes the offer, the populations or the models leaves
        behind: the count and last id of the imports, of the logged offer edits and of the
        stored models (a process compares it with the stamp of what it read to know whether
        another process changed the store since)."""
        return tuple(self.con.execute(
            "SELECT (SELECT count(*) FROM imports), (SELECT max(import_id) FROM imports), "
            "(SELECT count(*) FROM edits), (SELECT max(edit_id) FROM edits), "
            "(SELECT count(*) FROM models), (SELECT max(created_at) FROM models)"
        ).fetchall()[0])  # fmt: skip

    def schema_version(self) -> int:
        """Latest migration applied to this file."""
        row = self.con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
        return int(row[0] or 0)

    def _migrate(self) -> None:
        """Create or upgrade the schema. Threads opening one new file at once (a web
        server's warm-up and its first request) wait for each other: the first migrates,
        the others find the schema current (DuckDB would otherwise report a write-write
        conflict on the catalog)."""
        versions = [m[0] for m in MIGRATIONS]
        if versions != list(range(1, len(versions) + 1)):
            msg = f"MIGRATIONS versions must be 1, 2, 3… in order; got {versions}"
            raise InputError(msg)
        with self._lock:
            self._migrate_locked(versions)

    def _migrate_locked(self, versions: list[int]) -> None:
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
        )
        current = self.schema_version()
        latest = versions[-1]
        if current > latest:
            msg = f"store schema version {current} is newer than this proxisante ({latest})"
            raise DataFileError(str(self.path), msg)
        for version, description, sql in MIGRATIONS:
            if version <= current:
                continue
            with self.transaction() as con:
                con.execute(sql)
                con.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    [version, description, datetime.now(UTC).replace(tzinfo=None)],
                )

    # -- scenarios ---------------------------------------------------------------------------
    def save_scenario(self, name: str, body: dict, *, overwrite: bool = False) -> None:
        """Insert (or, with ``overwrite``, replace) a scenario's JSON body, in one transaction.

        Concurrent saves under one name are serialised: with ``overwrite`` the last one
        wins; without it, every save after the first gets an :class:`InputError` (the
        name exists). Never an internal error.
        """
        now = datetime.now(UTC).replace(tzinfo=None)
        with self.transaction() as con:
            exists = con.execute("SELECT 1 FROM scenarios WHERE name = ?", [name]).fetchall()
            if exists and not overwrite:
                msg = f"a scenario named '{name}' already exists; use edit, or another name"
                raise InputError(msg)
            if exists:
                con.execute(
                    "UPDATE scenarios SET body = ?, updated_at = ? WHERE name = ?",
                    [json.dumps(body, ensure_ascii=False), now, name],
                )
            else:
                con.execute(
                    "INSERT INTO scenarios VALUES (?, ?, ?, ?)",
                    [name, json.dumps(body, ensure_ascii=False), now, now],
                )

    def get_scenario(self, name: str) -> dict:
        """A scenario's JSON body; unknown name → error listing the closest names."""
        row = self.con.execute("SELECT body FROM scenarios WHERE name = ?", [name]).fetchall()
        if not row:
            names = [r[0] for r in self.con.execute("SELECT name FROM scenarios").fetchall()]
            raise UnknownCodeError("scenario", name, difflib.get_close_matches(name, names, n=5))
        return json.loads(row[0][0])

    def list_scenarios(self) -> list[tuple[str, datetime, datetime]]:
        """(name, created_at, updated_at) of every stored scenario, by name."""
        return self.con.execute(
            "SELECT name, created_at, updated_at FROM scenarios ORDER BY name"
        ).fetchall()

    def delete_scenario(self, name: str) -> None:
        self.get_scenario(name)
        with self.transaction() as con:
            con.execute("DELETE FROM scenarios WHERE name = ?", [name])
