"""Importers of professional counts: Annuaire santé (RPPS) extraction and INSEE BPE.

**Annuaire santé** — ``PS_LibreAcces_Personne_activite_*.txt`` (Agence du numérique en
santé, "Extractions en libre accès"): ``|``-separated, a header line, UTF-8, one row per
professional activity; each line ends with a ``|``. Columns used (names as in the header):
``Identifiant PP``, ``Code profession`` (10 médecin, 40 chirurgien-dentiste, 50 sage-femme,
60 infirmier, 70 masseur-kinésithérapeute), ``Code savoir-faire`` / ``Libellé savoir-faire``
(GPs: ``SM54`` "Médecine générale"), ``Code mode exercice`` (L libéral, S salarié, B
bénévole), ``Numéro FINESS site``, ``Code commune (coord. structure)``. Read with DuckDB
(no Python row loop): a national file (~2 million lines) imports in seconds.

**INSEE BPE** — base permanente des équipements, file ``bpe*_ensemble.csv``: ``;``-separated,
columns ``DEPCOM`` (commune), ``TYPEQU`` (equipment type) and ``NB_EQUIP`` (count). Health
professionals: D201 médecin omnipraticien, D221 chirurgien-dentiste, D231 sage-femme, D232
infirmier, D233 masseur-kinésithérapeute (nomenclature until BPE 2020); D265 médecin
généraliste, D277 chirurgien-dentiste, D279 sage-femme, D280 masseur-kinésithérapeute, D281
infirmier (BPE 2021 onward).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from proxisante._textfiles import DEFAULT_ENCODINGS, TextScan, first_line, scan_text
from proxisante.errors import DataFileError, shorten
from proxisante.offer.textfile import column_names, read_delimited, sql_identifier
from proxisante.offer.validation import RowErrors, isin_known, text_to_float
from proxisante.professions import PROFESSIONS

__all__ = ["BPE_PROFESSIONS", "ENCODINGS", "MAX_BPE_COUNT", "RPPS_COLUMNS", "read_bpe",
           "read_rpps"]  # fmt: skip

RPPS_COLUMNS = {
    "pp": "Identifiant PP",
    "profession": "Code profession",
    "skill": "Code savoir-faire",
    "skill_label": "Libellé savoir-faire",
    "mode": "Code mode exercice",
    "finess": "Numéro FINESS site",
    "commune": "Code commune (coord. structure)",
}
_PROFESSION = {"40": "dentist", "50": "midwife", "60": "nurse", "70": "physiotherapist"}
#: BPE equipment code → profession: the registry's codes (D201, D221, D231, D232, D233) and
#: the older BPE codes of the same professions (D265 GP, D277 dentist, D279 midwife, D280
#: physiotherapist, D281 nurse).
BPE_PROFESSIONS = {p.bpe_code: p.code for p in PROFESSIONS.values() if p.bpe_code is not None} | {
    "D265": "gp",
    "D277": "dentist",
    "D279": "midwife",
    "D280": "physiotherapist",
    "D281": "nurse",
}
#: Largest ``NB_EQUIP`` accepted on one BPE line (the largest real count is a few hundred).
MAX_BPE_COUNT = 100_000

ENCODINGS = DEFAULT_ENCODINGS


def _connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for one import, its memory bounded (it spills to disk beyond)."""
    return duckdb.connect(config={"memory_limit": "512MB"})


def _load(
    con: duckdb.DuckDBPyConnection, scan: TextScan, *, sep: str, header: list[str],
    columns: list[str], errors: RowErrors, where: str = "true", keep_only: bool = False,
) -> pd.DataFrame:  # fmt: skip
    """``line`` + ``columns`` (text, missing as '') of the well-formed data lines matching
    ``where`` (``keep_only``: the temporary table ``raw`` holds only ``columns``)."""
    read_delimited(con, scan, table="raw", sep=sep, header=header, errors=errors,
                   keep=columns if keep_only else None)  # fmt: skip
    cols = ", ".join(f'trim(coalesce("{c}", \'\'), \'"\') AS "{c}"' for c in columns)
    try:
        rel = con.sql(f"SELECT line, {cols} FROM raw WHERE {where} ORDER BY line")
        # through Arrow: half the time of .df() on text columns
        table = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
        return table.to_pandas()
    except duckdb.Error:
        msg = "header column names cannot be read as distinct columns"
        raise DataFileError(str(scan.path), msg, line=1) from None


def read_rpps(path: str | Path, *, communes: set[str] | frozenset[str], lenient: bool = False):
    """Count professionals per (commune, FINESS site, profession, mode) from an RPPS extract.

    The extraction has one line per professional activity: a professional with several
    activities, or a line repeated, is counted once per (site, commune, profession,
    employment) — headcounts are numbers of distinct ``Identifiant PP``.

    Returns
    -------
    (staff, errors)
        ``staff``: ``site_id`` (FINESS site, or ``commune:<INSEE>`` when the activity has no
        FINESS site), ``commune``, ``profession``, ``headcount`` (distinct professionals),
        ``employment`` (liberal / salaried / other); ``errors``: :class:`RowErrors`.
    """
    path = Path(path)
    scan = scan_text(path, encodings=ENCODINGS, sep="|")
    head = scan.header
    if "|" not in head:
        msg = f"header is not '|'-separated (got '{shorten(head)}'); expected the RPPS layout"
        raise DataFileError(str(path), msg, line=1)
    names = head.split("|")
    missing = [c for c in RPPS_COLUMNS.values() if c not in names]
    if missing:
        msg = f"missing column(s) {missing}; expected the PS_LibreAcces_Personne_activite layout"
        raise DataFileError(str(path), msg, line=1)
    errors = RowErrors(str(path), lenient=lenient)
    codes = ", ".join(f"'{c}'" for c in ("10", *_PROFESSION))
    modelled = f"""trim(coalesce("{RPPS_COLUMNS["profession"]}", ''), '"') IN ({codes})"""
    con = _connect()
    try:  # only the lines of modelled professions reach pandas (pharmacists… stay out)
        df = _load(con, scan, sep="|", header=names, columns=list(RPPS_COLUMNS.values()),
                   errors=errors, where=modelled, keep_only=True)  # fmt: skip
    finally:
        con.close()
    df.columns = ["line", *RPPS_COLUMNS]
    prof = np.where(
        df["profession"] == "10",
        np.where((df["skill"] == "SM54") | df["skill_label"].str.contains("decine g", case=False),
                 "gp", "other_doctor"),
        df["profession"].map(_PROFESSION).fillna("other"),
    )  # fmt: skip
    df["prof"] = prof
    df = df[df["prof"].isin(["gp", *_PROFESSION.values()])]
    has_commune = df["commune"] != ""
    errors.add(
        has_commune.to_numpy() & ~isin_known(df["commune"], communes),
        df["line"], "Code commune (coord. structure)", "a known INSEE commune code",
    )  # fmt: skip
    bad_pp = df["pp"].str.strip() == ""
    errors.add(bad_pp.to_numpy(), df["line"], "Identifiant PP", "a professional identifier")
    df = df[errors.keep_mask(df["line"]) & has_commune.to_numpy()]
    df = df.assign(
        site_id=np.where(df["finess"] != "", df["finess"], "commune:" + df["commune"]),
        employment=df["mode"].map({"L": "liberal", "S": "salaried"}).fillna("other"),
    )
    staff = (
        df.groupby(["site_id", "commune", "prof", "employment"], as_index=False)["pp"]
        .nunique()
        .rename(columns={"prof": "profession", "pp": "headcount"})
    )
    return staff, errors


def read_bpe(path: str | Path, *, communes: set[str] | frozenset[str], lenient: bool = False):
    """Health professionals per commune from an INSEE BPE file (counts by profession).

    ``NB_EQUIP`` must be a whole count between 0 and :data:`MAX_BPE_COUNT`. Counts are
    summed per (commune, profession) over the file's lines (one per IRIS in the official
    file); two health lines identical in every field but ``NB_EQUIP`` are refused as
    duplicates (a file holding its data twice would double every count).
    """
    path = Path(path)
    head = first_line(path)
    sep = ";" if head.count(";") >= head.count(",") else ","
    scan = scan_text(path, encodings=ENCODINGS, sep=sep)
    names = [n.strip('"') for n in scan.header.split(sep)]
    missing = [c for c in ("DEPCOM", "TYPEQU", "NB_EQUIP") if c not in names]
    if missing:
        msg = f"missing column(s) {missing}; expected the BPE layout DEPCOM;TYPEQU;NB_EQUIP"
        raise DataFileError(str(path), msg, line=1)
    errors = RowErrors(str(path), lenient=lenient)
    health = ", ".join(f"'{c}'" for c in BPE_PROFESSIONS)
    con = _connect()
    try:
        df = _load(con, scan, sep=sep, header=names, columns=["DEPCOM", "TYPEQU", "NB_EQUIP"],
                   errors=errors, where=f"trim(TYPEQU, '\"') IN ({health})")  # fmt: skip
        others = [c for c in column_names(names) if c != "NB_EQUIP"]
        window = "PARTITION BY " + ", ".join(sql_identifier(c) for c in others)
        dups = con.execute(
            f"SELECT line, first FROM (SELECT line, min(line) OVER ({window}) AS first, "
            f"row_number() OVER ({window} ORDER BY line) AS k FROM raw "
            f"WHERE trim(TYPEQU, '\"') IN ({health})) WHERE k > 1 ORDER BY line"
        ).fetchnumpy()
    except duckdb.Error:  # column names DuckDB cannot hold side by side
        msg = "header column names cannot be read as distinct columns; expected the BPE layout"
        raise DataFileError(str(path), msg, line=1) from None
    finally:
        con.close()
    if dups["line"].size:
        first = int(dups["first"][0])
        expected = f"a line not repeating line {first:,} (same fields but NB_EQUIP)"
        errors.add_lines(dups["line"], "DEPCOM,TYPEQU", expected)
    text = df["NB_EQUIP"].str.replace(",", ".", regex=False)
    n = text_to_float(text, max_chars=20)
    with np.errstate(invalid="ignore"):  # NaN and ±inf are bad anyway
        bad = ~np.isfinite(n) | (n < 0) | (n > MAX_BPE_COUNT) | (n % 1 != 0)
    errors.add(bad, df["line"], "NB_EQUIP",
               f"a whole count between 0 and {MAX_BPE_COUNT:,}")  # fmt: skip
    errors.add(~isin_known(df["DEPCOM"], communes), df["line"], "DEPCOM",
               "a known INSEE commune code")  # fmt: skip
    keep = errors.keep_mask(df["line"])
    out = pd.DataFrame({
        "commune": df["DEPCOM"][keep].to_numpy(),
        "profession": df["TYPEQU"][keep].map(BPE_PROFESSIONS).to_numpy(),
        "count": n[keep],
    })  # fmt: skip
    return out.groupby(["commune", "profession"], as_index=False)["count"].sum(), errors
