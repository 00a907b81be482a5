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

from proxisante._textfiles import DEFAULT_ENCODINGS, check_encoding, first_line
from proxisante.errors import DataFileError
from proxisante.offer.textfile import read_delimited
from proxisante.offer.validation import RowErrors

__all__ = ["BPE_PROFESSIONS", "ENCODINGS", "RPPS_COLUMNS", "read_bpe", "read_rpps"]

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
BPE_PROFESSIONS = {
    "D201": "gp", "D221": "dentist", "D231": "midwife", "D232": "nurse", "D233": "physiotherapist",
    "D265": "gp", "D277": "dentist", "D279": "midwife", "D280": "physiotherapist", "D281": "nurse",
}  # fmt: skip


ENCODINGS = DEFAULT_ENCODINGS


def _load(
    path: Path, *, sep: str, header: list[str], columns: list[str], encoding: str,
    errors: RowErrors,
) -> pd.DataFrame:  # fmt: skip
    """``line`` + ``columns`` (text, missing as '') of every well-formed data line."""
    con = duckdb.connect()
    try:
        read_delimited(con, path, table="raw", sep=sep, header=header, encoding=encoding,
                       errors=errors, keep=columns)  # fmt: skip
        cols = ", ".join(f'trim(coalesce("{c}", \'\'), \'"\') AS "{c}"' for c in columns)
        return con.execute(f"SELECT line, {cols} FROM raw ORDER BY line").df()
    finally:
        con.close()


def read_rpps(path: str | Path, *, communes: set[str], lenient: bool = False):
    """Count professionals per (commune, FINESS site, profession, mode) from an RPPS extract.

    Returns
    -------
    (staff, errors)
        ``staff``: ``site_id`` (FINESS site, or ``commune:<INSEE>`` when the activity has no
        FINESS site), ``commune``, ``profession``, ``headcount`` (distinct professionals),
        ``employment`` (liberal / salaried / other); ``errors``: :class:`RowErrors`.
    """
    path = Path(path)
    encoding = check_encoding(path, ENCODINGS)
    head = first_line(path, encoding)
    if "|" not in head:
        msg = f"header is not '|'-separated (got '{head[:60]}'); expected the RPPS layout"
        raise DataFileError(str(path), msg, line=1)
    names = head.split("|")
    missing = [c for c in RPPS_COLUMNS.values() if c not in names]
    if missing:
        msg = f"missing column(s) {missing}; expected the PS_LibreAcces_Personne_activite layout"
        raise DataFileError(str(path), msg, line=1)
    errors = RowErrors(str(path), lenient=lenient)
    df = _load(path, sep="|", header=names, columns=list(RPPS_COLUMNS.values()),
               encoding=encoding, errors=errors)  # fmt: skip
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
        (has_commune & ~df["commune"].isin(communes)).to_numpy(),
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


def read_bpe(path: str | Path, *, communes: set[str], lenient: bool = False):
    """Health professionals per commune from an INSEE BPE file (counts by profession)."""
    path = Path(path)
    encoding = check_encoding(path, ENCODINGS)
    head = first_line(path, encoding)
    sep = ";" if head.count(";") >= head.count(",") else ","
    names = [n.strip('"') for n in head.split(sep)]
    missing = [c for c in ("DEPCOM", "TYPEQU", "NB_EQUIP") if c not in names]
    if missing:
        msg = f"missing column(s) {missing}; expected the BPE layout DEPCOM;TYPEQU;NB_EQUIP"
        raise DataFileError(str(path), msg, line=1)
    errors = RowErrors(str(path), lenient=lenient)
    df = _load(path, sep=sep, header=names, columns=["DEPCOM", "TYPEQU", "NB_EQUIP"],
               encoding=encoding, errors=errors)  # fmt: skip
    df = df[df["TYPEQU"].isin(BPE_PROFESSIONS)]
    n = pd.to_numeric(df["NB_EQUIP"].str.replace(",", ".", regex=False), errors="coerce")
    errors.add((n.isna() | (n < 0)).to_numpy(), df["line"], "NB_EQUIP", "a count ≥ 0")
    errors.add((~df["DEPCOM"].isin(communes)).to_numpy(), df["line"], "DEPCOM",
               "a known INSEE commune code")  # fmt: skip
    keep = errors.keep_mask(df["line"])
    out = pd.DataFrame({
        "commune": df["DEPCOM"][keep].to_numpy(),
        "profession": df["TYPEQU"][keep].map(BPE_PROFESSIONS).to_numpy(),
        "count": n[keep].to_numpy(dtype=float),
    })  # fmt: skip
    return out.groupby(["commune", "profession"], as_index=False)["count"].sum(), errors
