"""APL of every profession of santé de proximité: the DREES method on BPE 2021 supply.

For GPs the official DREES APL is bundled (and the calibrated model rebuilds its supply);
for nurses, physiotherapists, midwives and dentists no official APL is bundled, so it is
**estimated** with the DREES method of the profession as far as DREES publishes it
(:class:`proxisante.professions.AplMethod`: unit, demand, decay, FTE rule, assumptions):

- supply ``S_j``: FTE per commune = INSEE BPE 2021 headcount of libéral professionals ×
  ``fte_per_headcount`` (:func:`proxisante.territory.bpe2021_counts`), plus the FTE of the
  offer's staff who are not libéral (salaried staff of centres de santé, SSIAD…: the BPE
  counts libéral practice only); or a user's supply file, which replaces the estimate;
- demand ``P_i``: the DREES standardised population (GP age weights, renormalised so that
  it sums to the total population as DREES does for every profession, ER n° 1206 box 1),
  the total population, or the women (:data:`~proxisante.professions.WOMEN_SHARE_2021`);
- ``APL_i = scale × Σ_j f(t_ij) S_j / Σ_k f(t_kj) P_k`` (2SFCA with the profession's step
  decay), in FTE per 100,000 (standardised) inhabitants.

Being linear in supply at fixed demand, a supply change ΔS_j changes the APL by
``scale × f(t_ij) ΔS_j / D_j`` and conserves ``Σ_i ΔAPL_i P_i = scale × Σ_j ΔS_j`` for every
site whose catchment holds demand (:meth:`ProfessionAccess.after`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from proxisante._identity import IdentityCache
from proxisante.access.baseline import EvaluationBaseline
from proxisante.access.incremental import Catchment
from proxisante.catchment import DREES_STEP_UPPERS_MINUTES, DREES_STEP_WEIGHTS
from proxisante.errors import InputError
from proxisante.offer import Offer, staff_fte
from proxisante.professions import (
    APL_PROFESSIONS,
    PROFESSIONS,
    WOMEN_SHARE_2021,
    AplMethod,
    Profession,
    get_profession,
)
from proxisante.territory import bpe2021_counts

__all__ = [
    "ESTIMATED_PROFESSIONS",
    "ProfessionAccess",
    "baseline_professions",
    "bpe_supply_fte",
    "non_liberal_staff_fte",
    "profession_access",
    "profession_demand",
]

#: The professions whose APL is estimated here (an APL, no official values bundled).
ESTIMATED_PROFESSIONS: tuple[str, ...] = tuple(
    c for c in APL_PROFESSIONS if PROFESSIONS[c].estimated
)


def profession_demand(method: AplMethod, pop_standardisee, pop_totale) -> np.ndarray:
    """Demand per commune of a profession's APL (inhabitants, aligned with the inputs).

    ``drees_gp_weights``: ``pop_standardisee × Σ pop_totale / Σ pop_standardisee`` (the
    DREES renormalisation of the standardised population to the total population);
    ``total``: ``pop_totale``; ``women``: ``pop_totale ×`` :data:`WOMEN_SHARE_2021`.

    >>> from proxisante.professions import PROFESSIONS
    >>> profession_demand(PROFESSIONS["nurse"].apl, [90.0, 130.0], [100.0, 120.0]).tolist()
    [90.0, 130.0]
    >>> profession_demand(PROFESSIONS["midwife"].apl, [90.0], [100.0]).round(6).tolist()
    [51.6]
    """
    std = np.asarray(pop_standardisee, dtype=float)
    tot = np.asarray(pop_totale, dtype=float)
    if method.demand == "total":
        return tot.copy()
    if method.demand == "women":
        return tot * WOMEN_SHARE_2021
    total_std = float(std.sum())
    return std * (float(tot.sum()) / total_std) if total_std > 0 else std.copy()


def bpe_supply_fte(
    profession: Profession, codes, *, staff_fte_by_commune: pd.Series | None = None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """FTE of ``profession`` per commune of ``codes``: BPE 2021 headcount × the FTE rule, plus
    the offer's non-libéral staff (``staff_fte_by_commune``, FTE indexed by INSEE code).

    Returns the FTE array and the codes the BPE 2021 does not list (created or restored
    since: their libéral supply is unknown and counted 0, which outputs say).
    """
    if profession.apl is None or profession.bpe_code is None:
        msg = f"profession '{profession.code}' has no APL and no BPE count"
        raise InputError(msg)
    counts = bpe2021_counts(profession.code, codes)
    unknown = tuple(counts.index[counts.isna()])
    fte = counts.fillna(0.0).to_numpy(dtype=float) * profession.apl.fte_per_headcount
    if staff_fte_by_commune is not None and len(staff_fte_by_commune):
        fte = fte + staff_fte_by_commune.reindex(counts.index).fillna(0.0).to_numpy(dtype=float)
    return fte, unknown


@dataclass(frozen=True)
class ProfessionAccess:
    """One profession's APL over a set of communes, and what it is made of.

    Attributes
    ----------
    profession
        The profession (its unit, scale, method and assumptions).
    codes
        INSEE codes of the communes (origins = destinations).
    catchment
        Decay weights and the profession's demand (``D_j`` precomputed).
    supply_fte
        FTE per commune (the supply ``S_j``).
    values
        APL per commune in the profession's unit (× ``scale``).
    status
        ``estimé`` (BPE 2021 supply) or ``offre importée`` (a user's supply file).
    unknown_codes
        Communes the BPE 2021 does not list (libéral supply unknown, counted 0).
    """

    profession: Profession
    codes: np.ndarray
    catchment: Catchment
    supply_fte: np.ndarray
    values: np.ndarray
    status: str
    unknown_codes: tuple[str, ...] = field(default=())

    @property
    def scale(self) -> float:
        assert self.profession.apl is not None
        return self.profession.apl.scale

    @property
    def demand(self) -> np.ndarray:
        return self.catchment.demand

    def after(self, rows, delta_fte) -> np.ndarray:
        """APL after FTE changes ``delta_fte`` at communes ``rows`` (exact marginal effect).

        Raises
        ------
        InputError
            A change would make a commune's FTE negative.
        """
        rows = np.asarray(rows, dtype=np.intp)
        d = np.asarray(delta_fte, dtype=float)
        if not len(rows):
            return self.values.copy()
        new = self.supply_fte + np.bincount(rows, weights=d, minlength=len(self.supply_fte))
        if (new < -1e-9).any():
            k = int(np.flatnonzero(new < -1e-9)[0])
            msg = (
                f"{self.profession.plural_fr}: the change leaves {new[k]:.2f} FTE in commune "
                f"{self.codes[k]} (it has {self.supply_fte[k]:.2f})"
            )
            raise InputError(msg)
        return self.values + self.catchment.delta(rows, d) * self.scale

    def table(self) -> pd.DataFrame:
        """``code_insee, apl, supply_fte, demand`` per commune."""
        return pd.DataFrame(
            {
                "code_insee": self.codes,
                "apl": self.values,
                "supply_fte": self.supply_fte,
                "demand": self.demand,
            }
        )


def profession_access(
    profession: str | Profession,
    *,
    codes,
    catchment: Catchment,
    pop_standardisee,
    pop_totale,
    supply_fte=None,
    staff_fte_by_commune: pd.Series | None = None,
) -> ProfessionAccess:
    """A profession's APL over a square commune ``catchment`` (DREES step decay).

    Parameters
    ----------
    profession
        Code, alias or :class:`~proxisante.professions.Profession` with an APL.
    codes
        INSEE codes of the rows (= columns) of ``weights``.
    catchment
        A catchment over ``codes`` with the DREES step decay (e.g. that of the scenario
        engine's baseline): its weights are shared, its demand replaced by the
        profession's; the profession's decay must be that step.
    pop_standardisee, pop_totale
        DREES standardised and total populations per commune (aligned with ``codes``).
    supply_fte
        FTE per commune replacing the BPE 2021 estimate (a user's supply); None: the estimate.
    staff_fte_by_commune
        FTE of the offer's non-libéral staff of the profession per commune (added to the BPE).
    """
    p = profession if isinstance(profession, Profession) else get_profession(profession)
    if p.apl is None:
        msg = f"profession '{p.code}' has no APL; expected one with a DREES APL"
        raise InputError(msg)
    if (p.apl.decay_minutes, p.apl.decay_weights) != (
        DREES_STEP_UPPERS_MINUTES,
        DREES_STEP_WEIGHTS,
    ):
        msg = f"profession '{p.code}' has its own decay: build its weights from travel minutes"
        raise InputError(msg)
    codes = np.asarray(codes, dtype=str)
    demand = profession_demand(p.apl, pop_standardisee, pop_totale)
    cat = catchment.with_demand(demand)
    unknown: tuple[str, ...] = ()
    if supply_fte is None:
        fte, unknown = bpe_supply_fte(p, codes, staff_fte_by_commune=staff_fte_by_commune)
        status = "estimé"
    else:
        fte = np.asarray(supply_fte, dtype=float)
        status = "offre importée"
    values = cat.accessibility(fte) * p.apl.scale
    return ProfessionAccess(p, codes, cat, fte, values, status, unknown)


def non_liberal_staff_fte(offer: Offer, profession: str) -> pd.Series:
    """FTE of the offer's staff of ``profession`` who are not libéral, per commune (index INSEE
    code), at open sites: salaried staff of centres de santé, SSIAD… are not in the BPE, which
    counts libéral practice only; libéral staff rows are left out (the BPE counts them)."""
    st = offer.staff[
        (offer.staff["profession"] == profession) & (offer.staff["employment"] != "liberal")
    ]
    if st.empty:
        return pd.Series(dtype=float)
    closed = set(offer.sites.loc[offer.sites["status"] == "closed", "site_id"])
    st = st[~st["site_id"].isin(closed)]
    fte = staff_fte(offer, st).astype(float).fillna(0.0)
    return fte.groupby(st["commune"].to_numpy()).sum()


#: The estimated professions' baselines of the last (evaluation baseline, offer) seen.
_BASELINES: IdentityCache[dict[str, ProfessionAccess]] = IdentityCache(size=2)


def baseline_professions(
    ctx: EvaluationBaseline, offer: Offer, *, supply_fte: dict[str, np.ndarray] | None = None
) -> dict[str, ProfessionAccess]:
    """Estimated APL of nurses, physiotherapists, midwives and dentists over ``ctx``'s communes.

    The catchment (travel times, DREES step) is the evaluation baseline's, so a scenario's
    GP and other professions' effects share their travel times; the supply is the BPE 2021
    estimate plus the offer's non-libéral staff, or ``supply_fte[profession]`` (FTE aligned
    with ``ctx.codes``: an imported supply, which replaces the estimate). Built once per
    baseline and offer when no supply is given.
    """

    def build() -> dict[str, ProfessionAccess]:
        return {
            code: profession_access(
                code, codes=ctx.codes, catchment=ctx.catchment,
                pop_standardisee=ctx.pop_standardisee, pop_totale=ctx.pop_totale,
                supply_fte=(supply_fte or {}).get(code),
                staff_fte_by_commune=non_liberal_staff_fte(offer, code),
            )
            for code in ESTIMATED_PROFESSIONS
        }  # fmt: skip

    if supply_fte:
        return build()
    return _BASELINES.get((ctx, offer, offer.staff, offer.sites), build)
