r"""The world without a COG for GPs, year by year: retirements, installations, the freeze.

Three movements change the GP access of commune :math:`i` between the APL year :math:`a`
(activity of :math:`a`, DREES APL millésime) and plan year :math:`y`, with
:math:`e_y = y - a + 1/2` years elapsed at mid-year:

1. **GPs aged 65 or over leave** (every GP, libéral or salaried). The DREES publishes with
   each APL the APL counting only the GPs under 65, :math:`A^{65}_i`: the gap
   :math:`A_i - A^{65}_i` is the access that rests on GPs of retirement age. They leave
   following an exponential profile of mean :math:`m` years of remaining activity:

   .. math:: s_y = 1 - e^{-e_y / m}, \qquad \text{retired}_{iy} = s_y\,(A_i - A^{65}_i)

   :math:`m = 4` years: DREES, Études et résultats n° 1097 (décembre 2018), « Un médecin
   libéral sur dix en activité cumule emploi et retraite »: beyond 65 about 70 % of the
   physicians still in practice combine work and pension, and they stop for good at 69.5
   on average after about four years of combined activity; mean end of activity of libéral
   physicians 67 in 2017. Range 2.5–6 years (« estimé »). The official anchor is
   :math:`A^{65}_i` itself (:math:`s = 1`, every GP aged 65+ gone).
   When the calibrated model (:mod:`proxisante.model`) gives the supply of GPs aged 65 or
   over per commune, this gap can be computed in the model's world instead; the DREES
   published gap is the official figure and is used here.

2. **New GPs install** at the trend of their département observed between the INSEE BPE
   2017 and BPE 2021 (D201, libéral GPs by commune of practice): the rate :math:`n_d` is the
   sum over the département's communes of the GPs gained between the two files
   (:math:`\max(0, N^{2021}_c - N^{2017}_c)`), per year and per GP of 2017 — a gross
   entry rate seen through communes (entries where a GP also left the same commune are
   invisible, so it is a lower bound of installations). New GPs settle where the GPs under
   65 practise, so the access they add is proportional to :math:`A^{65}_i`:

   .. math:: \text{installed}_{iy} = n_{d(i)}\, e_y\, A^{65}_i

   Range: half to one and a half times the rate (« estimé »).

3. **The operator freezes hiring** (:mod:`proxisante.plan.freeze`): its departures are
   not replaced (removed in the calibrated world by :mod:`proxisante.plan.instance`).

Projected access (the optimiser's baseline) and projected zoning APL (GPs under 65 only,
the official rule of :mod:`proxisante.territory.zoning`) per commune and year:

.. math::

    b_{iy} = A_i - \text{retired}_{iy} + \text{installed}_{iy} - \text{freeze}_{iy},
    \qquad z_{iy} = A^{65}_i + \text{installed}_{iy} - \text{freeze}_{iy}

GPs under 65 in year :math:`a` who reach retirement before :math:`y` are not removed (no
age structure below 65 is published per commune): the projection is optimistic on that
side, and the installations may count cumulants of the BPE; both are stated in the notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

__all__ = [
    "GpNoCog",
    "departement_installation_rates",
    "elapsed_years",
    "gp_no_cog",
    "retired_share",
]


def elapsed_years(years, apl_year: int) -> np.ndarray:
    """Years from the APL's activity year to the middle of each plan year (≥ 0)."""
    return np.maximum(np.asarray(years, dtype=float) - apl_year + 0.5, 0.0)


def retired_share(years, *, apl_year: int, mean_remaining_years: float) -> np.ndarray:
    """Share of the GPs aged 65 or over in ``apl_year`` who have stopped by each plan year.

    >>> [round(float(v), 3) for v in retired_share([2025, 2028], apl_year=2023,
    ...                                            mean_remaining_years=4.0)]
    [0.465, 0.747]
    """
    if not mean_remaining_years > 0:
        msg = f"mean_remaining_years was {mean_remaining_years!r}; expected years > 0"
        raise ValueError(msg)
    return 1.0 - np.exp(-elapsed_years(years, apl_year) / mean_remaining_years)


@dataclass(frozen=True)
class GpNoCog:
    """Projected GP access without a COG, before the operator's freeze (communes × years).

    ``access`` (central) and ``access_low`` / ``access_high`` (the range: fastest
    retirements with fewest installations, slowest with most), ``zoning`` (APL of GPs
    under 65 plus installations) with its range, and the parts: ``retired`` and
    ``installed`` (central, APL units), ``retired_share`` per year (central), and
    ``anchor``: the official APL of GPs under 65 (set by the caller).
    """

    access: np.ndarray
    access_low: np.ndarray
    access_high: np.ndarray
    zoning: np.ndarray
    zoning_low: np.ndarray
    zoning_high: np.ndarray
    retired: np.ndarray
    installed: np.ndarray
    retired_share: np.ndarray
    anchor: np.ndarray | None = None


def gp_no_cog(
    apl: np.ndarray,
    apl_under65: np.ndarray,
    install_rate: np.ndarray,
    years,
    *,
    apl_year: int,
    mean_remaining_years: float,
    mean_remaining_range: tuple[float, float],
    install_factor_range: tuple[float, float],
) -> GpNoCog:
    """The projection of the module docstring for arrays aligned on communes.

    ``install_rate``: :math:`n_{d(i)}` of each commune (per year). A missing APL of GPs
    under 65 counts as no gap (nothing retires where nothing is published).
    """
    apl = np.asarray(apl, dtype=float)
    a65 = np.where(np.isfinite(apl_under65), np.asarray(apl_under65, dtype=float), apl)
    gap = np.maximum(apl - a65, 0.0)
    e = elapsed_years(years, apl_year)
    rate = np.asarray(install_rate, dtype=float)

    def run(m: float, factor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        s = retired_share(years, apl_year=apl_year, mean_remaining_years=m)
        retired = gap[:, None] * s[None, :]
        installed = (factor * rate * a65)[:, None] * e[None, :]
        return apl[:, None] - retired + installed, a65[:, None] + installed, retired, installed

    central, zoning, retired, installed = run(mean_remaining_years, 1.0)
    low, zoning_low, _, _ = run(mean_remaining_range[0], install_factor_range[0])
    high, zoning_high, _, _ = run(mean_remaining_range[1], install_factor_range[1])
    share = retired_share(years, apl_year=apl_year, mean_remaining_years=mean_remaining_years)
    return GpNoCog(central, low, high, zoning, zoning_low, zoning_high, retired, installed,
                   share)  # fmt: skip


@cache
def departement_installation_rates() -> pd.Series:
    """Gross yearly entry rate of libéral GPs per département, BPE 2017 → BPE 2021.

    Per département: :math:`\\sum_c \\max(0, N^{2021}_c - N^{2017}_c) / (4\\,N^{2017})` over
    its communes (the module docstring). Paris, Lyon and Marseille are compared as whole
    cities (the BPE 2017 gives Lyon and Marseille whole and has no Paris row): Paris (75)
    takes the rate of France without it.

    Returns
    -------
    pandas.Series
        Rate per year indexed by département code, plus ``"FR"`` for France.
    """
    from proxisante.offer import load_bpe2017_gp_counts
    from proxisante.territory.bpe2021 import load_bpe2021_counts
    from proxisante.territory.communes import PLM_ARRONDISSEMENTS

    b17 = load_bpe2017_gp_counts()
    n17 = b17.groupby("code_insee")["gp_liberal_count_2017"].sum()
    b21 = load_bpe2021_counts()
    codes21 = b21["code_insee"].astype(str)
    for city, prefix in PLM_ARRONDISSEMENTS.items():
        codes21 = codes21.where(~codes21.str.startswith(prefix), city)
    n21 = b21["gp"].astype("float64").groupby(codes21.to_numpy()).sum()
    both = pd.concat([n17.rename("n17"), n21.rename("n21")], axis=1).fillna(0.0)
    both = both[both.index != "75056"]  # no Paris row in the BPE 2017
    code = both.index.to_series()
    dep = code.str[:3].where(code.str.startswith("97"), code.str[:2])
    gained = (both["n21"] - both["n17"]).clip(lower=0.0)
    per_dep = pd.DataFrame({"gained": gained, "n17": both["n17"], "dep": dep})
    agg = per_dep.groupby("dep")[["gained", "n17"]].sum()
    agg = agg[agg["n17"] > 0]
    rates = agg["gained"] / (4.0 * agg["n17"])
    france = float(agg["gained"].sum() / (4.0 * agg["n17"].sum()))
    rates["FR"] = france
    if "75" not in rates.index:
        rates["75"] = france
    return rates
