"""Attach every commune to a bassin de vie 2022 (BV2022), and say how exactly.

The bassin-de-vie indicators (INSEE Statistiques locales, CartoSanté) are published per
BV2022, but no commune → BV2022 table is available offline. What is available: a BV2022
code is the INSEE code of its central commune (INSEE, *Base des bassins de vie 2022*), and
the INSEE table d'appartenance géographique 2022 gives every commune's bassin de vie 2012
(BV2012, also coded by its central commune).

Attachment rule, in order (column ``attachment``):

1. ``centre`` — the commune is itself the centre of a BV2022: exact.
2. ``bv2012`` / ``bv2012_nearest`` — the BV2022 centres that lay in the commune's BV2012 are
   its candidates (the 2012 centre if it is still a centre, and new centres carved out of
   the 2012 bassin, e.g. Lens out of the 2012 bassin of Douai): the commune goes to the
   nearest of them (``bv2012`` when there is one candidate, ``bv2012_nearest`` when the 2012
   bassin was split). Approximate: bassins were redrawn in 2022.
3. ``nearest_centre`` — no BV2022 centre lay in its BV2012 (or the commune is absent from
   the 2022 table): the BV2022 centre nearest to the commune's point, great-circle distance
   (approximate).
4. ``none`` — no location and no usable BV2012: not attached (the figures are then missing
   and say so).

Check (``benchmarks/bench_age_estimate.py``): the official commune APL 2023 aggregated to the
attached bassins (weighted by standardised population, the DREES rule) against CartoSanté's
published bassin APL 2023.

Every figure drawn from a bassin de vie for a commune carries this attachment, and
:func:`attachment_counts` gives how many communes are attached approximately.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from proxisante.territory import load_bassin_vie_indicators, load_communes, load_membership

__all__ = ["ATTACHMENTS", "attach_bassins_vie", "attachment_counts"]

#: Attachment kinds, from exact to none.
ATTACHMENTS = ("centre", "bv2012", "bv2012_nearest", "nearest_centre", "none")


def _unit_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def _bv2012(membership: pd.DataFrame) -> pd.Series:
    """Current commune → its BV2012: the one of most of its 2022 rows (ties by code order)."""
    m = membership[membership["code_insee_current"].astype(str) != ""]
    return (
        m.groupby(["code_insee_current", "bassin_vie_2012"], observed=True)
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["code_insee_current", "n", "bassin_vie_2012"], ascending=[True, False, True])
        .drop_duplicates("code_insee_current")
        .set_index("code_insee_current")["bassin_vie_2012"]
    )


def attach_communes(
    communes: pd.DataFrame, membership: pd.DataFrame, bassin_codes, *, neighbours: int = 30
) -> pd.DataFrame:
    """Pure attachment of ``communes`` to the bassins de vie ``bassin_codes``.

    Parameters
    ----------
    communes
        ``code_insee``, ``lat``, ``lon`` (WGS84 degrees, may be NaN) of the current communes.
    membership
        ``code_insee_current`` (current commune) and ``bassin_vie_2012`` from the INSEE
        table d'appartenance 2022 (several 2022 rows may map to one current commune: the
        BV2012 of the largest number of them wins; ties by code order).
    bassin_codes
        Codes of the BV2022 (INSEE codes of their centres).
    neighbours
        How many nearest BV2022 centres are searched for one lying in the commune's BV2012.

    Returns
    -------
    pandas.DataFrame
        ``code_insee``, ``bassin_vie_2022`` (empty when ``none``), ``attachment`` (one of
        :data:`ATTACHMENTS`) and ``distance_km`` (commune point to the centre's point).

    Examples
    --------
    >>> c = pd.DataFrame({"code_insee": ["A", "B", "C", "D"], "lat": [45.0, 45.0, 45.1, 45.0],
    ...                   "lon": [3.0, 3.1, 3.0, 3.3]})
    >>> m = pd.DataFrame({"code_insee_current": ["A", "B", "C", "D"],
    ...                   "bassin_vie_2012": ["A", "A", "X", "A"]})
    >>> attach_communes(c, m, ["A", "D"])["attachment"].tolist()
    ['centre', 'bv2012_nearest', 'nearest_centre', 'centre']
    """
    centres = pd.Index(pd.Series(list(bassin_codes), dtype=str).unique())
    codes = communes["code_insee"].astype(str).to_numpy()
    out = pd.DataFrame({"code_insee": codes})
    old = out["code_insee"].map(_bv2012(membership)).fillna("").to_numpy(dtype=str)
    lat = communes["lat"].to_numpy(dtype=float)
    lon = communes["lon"].to_numpy(dtype=float)
    located = np.isfinite(lat) & np.isfinite(lon)
    pos = pd.Index(codes).get_indexer(centres)
    pos = pos[pos >= 0]
    pos = pos[located[pos]]
    centre_old = old[pos]
    per_2012 = pd.Series(centre_old).value_counts()
    is_centre = pd.Index(codes).isin(centres)
    bv = np.where(is_centre, codes, "").astype(object)
    kind = np.where(is_centre, "centre", "none").astype(object)
    dist = np.full(len(codes), np.nan)
    dist[is_centre] = 0.0
    todo = ~is_centre & located
    if todo.any() and len(pos):
        tree = cKDTree(_unit_xyz(lat[pos], lon[pos]))
        k = min(neighbours, len(pos))
        chord, idx = tree.query(_unit_xyz(lat[todo], lon[todo]), k=k)
        chord, idx = chord.reshape(-1, k), idx.reshape(-1, k)
        same = centre_old[idx] == old[todo][:, None]
        same &= old[todo][:, None] != ""
        has_same = same.any(axis=1)
        first = np.argmax(same, axis=1)
        pick = np.where(has_same, first, 0)
        rows = np.arange(len(pick))
        chosen = codes[pos[idx[rows, pick]]]
        km = 2 * 6371.0088 * np.arcsin(np.clip(chord[rows, pick] / 2, 0, 1))
        several = per_2012.reindex(old[todo]).fillna(0).to_numpy() > 1
        kinds = np.where(has_same, np.where(several, "bv2012_nearest", "bv2012"),
                         "nearest_centre")  # fmt: skip
        bv[todo], kind[todo], dist[todo] = chosen, kinds, km
    # unlocated communes whose 2012 centre is still a centre keep it
    fallback = (kind == "none") & pd.Index(old).isin(centres)
    bv[fallback], kind[fallback] = old[fallback], "bv2012"
    out["bassin_vie_2022"] = bv.astype(str)
    out["attachment"] = kind.astype(str)
    out["distance_km"] = dist
    return out


@cache
def _attachment() -> pd.DataFrame:
    communes = load_communes()
    communes = communes[communes["type"] == "COM"]
    return attach_communes(
        communes, load_membership(), load_bassin_vie_indicators()["bassin_vie_2022"]
    )


def attach_bassins_vie() -> pd.DataFrame:
    """Attachment of every bundled commune (type COM) to a bassin de vie 2022.

    See the module docstring for the rule; columns as :func:`attach_communes`.
    Arrondissements of Paris, Lyon and Marseille take their city's attachment.
    """
    base = _attachment()
    communes = load_communes()
    arm = communes[communes["type"] == "ARM"]
    if len(arm):
        parent = {"75": "75056", "13": "13055", "69": "69123"}
        rows = base.set_index("code_insee").reindex(
            arm["departement"].map(parent).fillna("").to_numpy()
        )
        rows.index = arm["code_insee"].to_numpy()
        base = pd.concat([base, rows.rename_axis("code_insee").reset_index()],
                         ignore_index=True)  # fmt: skip
    return base.copy()


def attachment_counts(attachment: pd.DataFrame) -> dict[str, int]:
    """Number of communes per attachment kind (all of :data:`ATTACHMENTS`, zeros included),
    plus ``approximate`` (every kind but ``centre`` and ``none``)."""
    counts = attachment["attachment"].value_counts()
    out = {k: int(counts.get(k, 0)) for k in ATTACHMENTS}
    out["approximate"] = out["bv2012"] + out["bv2012_nearest"] + out["nearest_centre"]
    return out
