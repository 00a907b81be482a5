"""INSEE BPE 2021: libéral health professionals and health establishments per commune.

Source: INSEE, *Base permanente des équipements* 2021, « ensemble des équipements, niveau
commune » (COG 2021), Licence Ouverte / Etalab 2.0; bundled by ``scripts/build_bpe2021.py``
(``proxisante/data/PROVENANCE.md``). The professionals are **headcounts** of libéral
practitioners by commune of practice (no FTE, no activity, no age; salaried GPs of centres de
santé are not in D201); the establishments are **numbers of establishments**, not places.

On the bundled geography: Paris, Lyon and Marseille by their 45 arrondissements (the whole
city rows of the extract are dropped, they repeat them); the 86 codes of 2021 merged since
are summed into their current commune; 6 codes (2 GPs, 4 nurses…) that no offline source
places keep their 2021 code (``in_current_geography`` False, never dropped); the 8 communes
restored or created after 2021 have no BPE row (``in_bpe2021`` False: counts unknown, not 0).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from proxisante._bundled import read_bundled_parquet
from proxisante.errors import InputError, UnknownCommuneError
from proxisante.professions import PROFESSIONS
from proxisante.territory.communes import PLM_ARRONDISSEMENTS

__all__ = [
    "BPE2021_COLUMNS",
    "BPE2021_KINDS",
    "BPE2021_SOURCE",
    "BpeKind",
    "bpe2021_counts",
    "load_bpe2021_counts",
]

BPE2021_SOURCE = (
    "INSEE, Base permanente des équipements 2021 (niveau commune, COG 2021), Licence Ouverte 2.0"
)


@dataclass(frozen=True)
class BpeKind:
    """One count of the BPE 2021 table: its code, French label and what it counts."""

    kind: str
    bpe_code: str
    plural_fr: str
    counts: str  # "professionnels" (headcount) or "établissements"


_ESTABLISHMENTS = (
    BpeKind("speech_therapist", "D235", "orthophonistes", "professionnels"),
    BpeKind("pharmacy", "D307", "pharmacies", "établissements"),
    BpeKind("centre_de_sante", "D108", "centres de santé", "établissements"),
    BpeKind("maison_de_sante", "D113", "maisons de santé pluriprofessionnelles", "établissements"),
    BpeKind("emergency", "D106", "services d'urgences", "établissements"),
    BpeKind(
        "elderly_residential", "D401", "établissements d'hébergement pour personnes âgées",
        "établissements",
    ),
    BpeKind(
        "elderly_home_nursing", "D402", "services de soins à domicile pour personnes âgées (SSIAD)",
        "établissements",
    ),
    BpeKind(
        "elderly_home_help", "D403", "services d'aide aux personnes âgées", "établissements"
    ),
)  # fmt: skip

#: Every count of the table, by kind: the professions with a BPE code, then the others.
BPE2021_KINDS: dict[str, BpeKind] = {
    p.code: BpeKind(p.code, p.bpe_code, p.plural_fr, "professionnels")
    for p in PROFESSIONS.values()
    if p.bpe_code is not None
} | {k.kind: k for k in _ESTABLISHMENTS}

#: Columns of :func:`load_bpe2021_counts`, with their meaning and type.
BPE2021_COLUMNS: dict[str, str] = {
    "code_insee": "commune of the bundled geography (str); a 2021 code when it could not be mapped",
    **{k.kind: f"{k.plural_fr} (BPE {k.bpe_code}), {k.counts} (Int32)"
       for k in BPE2021_KINDS.values()},
    "codes_2021": "the 2021 commune codes summed into this row, '|'-separated (str)",
    "remap_method": "how merged 2021 codes were placed (str, '' when none was)",
    "in_current_geography": "bool, False for 2021 codes that could not be located offline",
    "in_bpe2021": "bool, False for communes of the bundled geography absent from the BPE 2021",
}  # fmt: skip


@cache
def _table() -> pd.DataFrame:
    return read_bundled_parquet("bpe2021_counts.parquet", expected=BPE2021_COLUMNS)


@cache
def _code_index() -> pd.Index:
    return pd.Index(_table()["code_insee"].to_numpy(dtype=object), name="code_insee")


def load_bpe2021_counts() -> pd.DataFrame:
    """The BPE 2021 table, one row per commune (columns in :data:`BPE2021_COLUMNS`).

    Examples
    --------
    >>> t = load_bpe2021_counts().set_index("code_insee")
    >>> t.loc["62523", ["gp", "nurse", "physiotherapist"]].tolist()
    [4, 15, 7]
    """
    return _table().copy()


def bpe2021_counts(kind: str, codes: Iterable[str] | None = None) -> pd.Series:
    """BPE 2021 count of one kind per commune, aligned to ``codes``.

    Parameters
    ----------
    kind
        A key of :data:`BPE2021_KINDS`: a profession code (``gp``, ``nurse``,
        ``physiotherapist``, ``midwife``, ``dentist``) or an establishment kind
        (``centre_de_sante``, ``maison_de_sante``, ``elderly_home_nursing``…).
    codes
        INSEE codes of the bundled commune table, in the order wanted (None: every row of
        the table, including the 6 codes outside the current geography). The whole-city
        codes of Paris, Lyon and Marseille get the sum of their arrondissements (do not add
        them to their arrondissements).

    Returns
    -------
    pandas.Series
        float64 counts indexed by ``code_insee`` (name = ``kind``); NaN for a commune the
        BPE 2021 does not list (restored or created after 2021: unknown, not 0).

    Raises
    ------
    InputError
        Unknown ``kind``.
    UnknownCommuneError
        A code that is neither in the table nor a whole-city code.

    >>> bpe2021_counts("nurse", ["62523", "75056"]).tolist()[0]
    15.0
    """
    if kind not in BPE2021_KINDS:
        msg = f"BPE 2021 kind '{kind}' is not known; expected one of {', '.join(BPE2021_KINDS)}"
        raise InputError(msg)
    t = _table()
    index = _code_index()
    column = t[kind].astype("float64").to_numpy()
    if codes is None:
        return pd.Series(column, index=index, name=kind)
    given = codes if isinstance(codes, np.ndarray | pd.Index | pd.Series) else list(codes)
    wanted = pd.Index(np.asarray(given).astype(str).astype(object))
    pos = index.get_indexer(wanted)
    out = pd.Series(np.where(pos >= 0, column[pos], np.nan), index=wanted, name=kind)
    for city, prefix in PLM_ARRONDISSEMENTS.items():
        at = np.flatnonzero(wanted == city)
        if len(at):
            out.iloc[at] = float(np.nansum(column[index.str.startswith(prefix)]))
    missing = (pos < 0) & ~wanted.isin(list(PLM_ARRONDISSEMENTS))
    if missing.any():
        raise UnknownCommuneError(str(wanted[np.flatnonzero(missing)[0]]))
    out.name = kind
    return out
