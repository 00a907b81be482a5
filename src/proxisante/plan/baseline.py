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

4. **GPs aged 60–64 turn 65** during the period: they hold a share :math:`q` of the supply
   of GPs under 65 (no age structure is published per commune, so the national share is
   used: CNOM, Atlas de la démographie médicale 2020, 25.9 % of the GPs in regular activity
   aged 60 or over, of whom those aged 65+ hold about 12 % of the consultations by the DREES
   APL 2023 → :math:`q \approx 0.2`, range 0.15–0.25, « estimé »). They leave the zoning APL
   at 65 and the access when they stop (:func:`ageing_shares`).

Projected access and zoning APL then read

.. math::

    b_{iy} = A_i - \text{retired}_{iy} - q A^{65}_i g_y + \text{installed}_{iy}
             - \text{freeze}_{iy}, \qquad
    z_{iy} = A^{65}_i (1 - q\,u_y) + \text{installed}_{iy} - \text{freeze}_{iy}

with :math:`u_y` and :math:`g_y` the shares of the 60–64 who have turned 65 and stopped.
The installations may count cumulants of the BPE (headcounts, not FTE).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from proxisante.offer import load_bpe2017_gp_counts
from proxisante.plan.assumptions import ASSUMPTION_RANGES, PlanAssumptions
from proxisante.territory import load_communes, load_official_apl
from proxisante.territory.bpe2021 import load_bpe2021_counts
from proxisante.territory.communes import PLM_ARRONDISSEMENTS

__all__ = [
    "GpNoCog",
    "ageing_shares",
    "departement_installation_rates",
    "elapsed_years",
    "gp_no_cog",
    "no_cog_table",
    "retired_share",
]


def elapsed_years(years, apl_year: int) -> np.ndarray:
    """Years from the APL's activity year to the middle of each plan year (≥ 0)."""
    return np.maximum(np.asarray(years, dtype=float) - apl_year + 0.5, 0.0)


def ageing_shares(years, *, apl_year: int, mean_remaining_years: float):
    r"""Shares of the GPs aged 60–64 in ``apl_year`` who have turned 65 by each plan year
    (``turned``: they leave the zoning APL at once) and who have stopped (``gone``: they
    leave the access when they stop, at the same exponential profile after 65).

    Their 65th birthdays are spread evenly over five years; with :math:`e` the years
    elapsed and :math:`m` the mean remaining activity after 65,
    :math:`\text{turned} = \min(e, 5)/5` and
    :math:`\text{gone} = \frac15\int_0^{\min(e,5)} (1 - e^{-(e-\tau)/m})\,d\tau`.

    >>> t, g = ageing_shares([2028], apl_year=2023, mean_remaining_years=4.0)
    >>> round(float(t[0]), 2), round(float(g[0]), 3)
    (1.0, 0.496)
    """
    e = elapsed_years(years, apl_year)
    m = float(mean_remaining_years)
    upto = np.minimum(e, 5.0)
    gone = (upto - m * (np.exp(-(e - upto) / m) - np.exp(-e / m))) / 5.0
    return upto / 5.0, np.clip(gone, 0.0, 1.0)


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
    ageing_share: float = 0.0,
    ageing_range: tuple[float, float] | None = None,
) -> GpNoCog:
    """The projection of the module docstring for arrays aligned on communes.

    ``install_rate``: :math:`n_{d(i)}` of each commune (per year). A missing APL of GPs
    under 65 counts as no gap (nothing retires where nothing is published).
    ``ageing_share``: share :math:`q` of the supply of GPs under 65 held by GPs aged 60–64,
    who turn 65 during the period (:func:`ageing_shares`): they leave the zoning APL when
    they turn 65 and the access when they stop.
    """
    apl = np.asarray(apl, dtype=float)
    a65 = np.where(np.isfinite(apl_under65), np.asarray(apl_under65, dtype=float), apl)
    gap = np.maximum(apl - a65, 0.0)
    e = elapsed_years(years, apl_year)
    rate = np.asarray(install_rate, dtype=float)

    q_lo, q_hi = ageing_range or (ageing_share, ageing_share)

    def run(m: float, factor: float, q: float):
        s = retired_share(years, apl_year=apl_year, mean_remaining_years=m)
        turned, gone = ageing_shares(years, apl_year=apl_year, mean_remaining_years=m)
        retired = gap[:, None] * s[None, :] + q * a65[:, None] * gone[None, :]
        installed = (factor * rate * a65)[:, None] * e[None, :]
        zoning = a65[:, None] * (1.0 - q * turned[None, :]) + installed
        return apl[:, None] - retired + installed, zoning, retired, installed

    central, zoning, retired, installed = run(mean_remaining_years, 1.0, ageing_share)
    low, zoning_low, _, _ = run(mean_remaining_range[0], install_factor_range[0], q_hi)
    high, zoning_high, _, _ = run(mean_remaining_range[1], install_factor_range[1], q_lo)
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


def no_cog_table(codes, years, *, apl_year: int = 2023, assumptions=None) -> pd.DataFrame:
    """Per plan year, the inhabitants of ``codes`` under 2.5 without a COG (French table).

    The projection of the module docstring on the official APL of ``apl_year``, **without
    the operator's freeze** (which needs its staff: :func:`proxisante.plan.build_instance`):
    retirements of GPs aged 65+ and installations only, each count « estimé » with its
    range, beside the official anchors (DREES APL of ``apl_year``, all GPs and GPs under 65).
    """
    a = assumptions or PlanAssumptions()
    apl = load_official_apl(apl_year).set_index("code_insee").reindex(list(codes))
    apl = apl[apl["apl_generalistes"].notna()]
    dep = load_communes().set_index("code_insee")["departement"].astype(str).reindex(apl.index)
    rates = departement_installation_rates()
    rate = dep.map(rates).fillna(rates["FR"]).to_numpy(dtype=float) * a.installation_factor
    m_lo, m_hi = ASSUMPTION_RANGES["gp65_mean_remaining_years"]
    proj = gp_no_cog(
        apl["apl_generalistes"].to_numpy(dtype=float),
        apl["apl_generalistes_moins65"].to_numpy(dtype=float), rate, list(years),
        apl_year=apl_year, mean_remaining_years=a.gp65_mean_remaining_years,
        mean_remaining_range=(m_lo, m_hi),
        install_factor_range=ASSUMPTION_RANGES["installation_factor"],
        ageing_share=a.gp60_64_share_of_under65,
        ageing_range=ASSUMPTION_RANGES["gp60_64_share_of_under65"],
    )  # fmt: skip
    pop = apl["pop_totale"].to_numpy(dtype=float)

    def under(x):
        return float(pop[x < 2.5].sum())

    rows = []
    for t, year in enumerate(years):
        z = sorted((under(proj.zoning_low[:, t]), under(proj.zoning_high[:, t])))
        b = sorted((under(proj.access_low[:, t]), under(proj.access_high[:, t])))
        rows.append({
            "année": int(year),
            "habitants sous 2,5 (APL zonage) sans COG (estimé)": under(proj.zoning[:, t]),
            "bas (APL zonage)": z[0], "haut (APL zonage)": z[1],
            "habitants sous 2,5 (accès projeté) sans COG (estimé)": under(proj.access[:, t]),
            "bas (accès projeté)": b[0], "haut (accès projeté)": b[1],
            "médecins de 65 ans et plus partis (part, estimé)": float(proj.retired_share[t]),
            "ancrage officiel : habitants sous 2,5, APL des moins de 65 ans": under(
                apl["apl_generalistes_moins65"].fillna(apl["apl_generalistes"]).to_numpy()),
            "ancrage officiel : habitants sous 2,5, APL de tous les médecins": under(
                apl["apl_generalistes"].to_numpy()),
        })  # fmt: skip
    return pd.DataFrame(rows)
