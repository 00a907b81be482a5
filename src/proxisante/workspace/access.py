"""``proxisante access`` as one workspace analysis: any access measure for the communes of a
territory, computed nationally so that catchments crossing its border are right.

Demand: the DREES standardised population of the year for every French commune
(:func:`proxisante.territory.load_official_apl`); supply: a user's supply file
(:func:`proxisante.access.read_supply_file`) or, for GPs, the calibrated model's supply
(:func:`proxisante.model.default_baseline`, « estimé »), on its calibrated travel times for the
APL; travel times: a provider of :data:`proxisante.travel.TRAVEL_PROVIDERS`; the measure: one
of :data:`proxisante.access.MEASURE_REGISTRY`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from proxisante import _fr
from proxisante.access import (
    CONSULTATIONS_PER_FTE,
    MEASURE_REGISTRY,
    PER_100K,
    align_supply,
    compute_access,
    decay_by_name,
    measure_by_name,
    read_supply_file,
)
from proxisante.catchment import CATCHMENT_MINUTES
from proxisante.errors import InputError
from proxisante.model import commune_pairs, default_baseline, load_inputs
from proxisante.model.artefact import bundled_model
from proxisante.professions import get_profession
from proxisante.territory import Territory, load_communes, load_official_apl
from proxisante.travel import TRAVEL_PROVIDERS, TravelMatrix, travel_matrix

__all__ = ["DEFAULT_CUTOFF_MINUTES", "AccessRequest", "AccessResult", "access_analysis"]

#: Cut-off of the measures other than the APL when the user gives none (minutes).
DEFAULT_CUTOFF_MINUTES = 30.0
#: Where the supply of a profession other than GPs comes from without a supply file.
ESTIMATED_SUPPLY_NOTE = (
    "sans --supply : offre estimée (effectifs libéraux INSEE BPE 2021, 1 professionnel = 1 "
    "ETP, plus le personnel salarié connu de l'offre)"
)
#: French name of the calibrated model's travel times (table titles).
_MODEL_TRAVEL = {"model": "modèle calibré"}

Stage = Callable[[str], AbstractContextManager]


@dataclass(frozen=True)
class AccessRequest:
    """What ``proxisante access`` asks for (see its options). ``cutoff_minutes`` None: 30
    minutes, and for the APL its fixed DREES catchment (another value is refused)."""

    supply: Path | None = None
    measure: str = "apl"
    profession: str = "gp"
    year: int = 2023
    travel: str = "estimate"
    network: Path | None = None
    matrix: Path | None = None
    cutoff_minutes: float | None = None
    decay: str = "default"

    def profession_code(self) -> str:
        """The registry code of ``profession`` (aliases accepted: ``physio``, ``kiné``…).

        Raises
        ------
        InputError
            A profession without an APL or unknown.
        """
        return get_profession(self.profession, with_apl=True).code

    def cutoff(self) -> float:
        """The cut-off in minutes; the APL's is the DREES catchment, never replaced silently.

        Raises
        ------
        InputError
            An unknown measure or profession, or a cut-off other than the DREES catchment
            for the APL (the APL of the other professions is
            :meth:`proxisante.workspace.Workspace.profession_apl`).
        """
        if self.measure not in MEASURE_REGISTRY:
            msg = f"--measure was '{self.measure}'; expected one of {', '.join(MEASURE_REGISTRY)}"
            raise InputError(msg)
        if self.measure != "apl":
            return DEFAULT_CUTOFF_MINUTES if self.cutoff_minutes is None else self.cutoff_minutes
        self.profession_code()  # an unknown profession is refused here
        if self.cutoff_minutes is not None and self.cutoff_minutes != CATCHMENT_MINUTES:
            msg = (f"--cutoff was {self.cutoff_minutes:g}; the APL's catchment is the DREES "
                   f"{CATCHMENT_MINUTES:g} minutes (fixed): drop --cutoff, or use another "
                   "measure (e.g. --measure 2sfca) for another cut-off")  # fmt: skip
            raise InputError(msg)
        return CATCHMENT_MINUTES


@dataclass(frozen=True)
class AccessResult:
    """One measure for the communes of a territory.

    ``table``: ``code_insee, nom, population, measure, value`` (and ``per_100k`` for a ratio
    measure on FTE), lowest value first; ``model_id``: the calibrated model whose supply was
    used (no supply file), else None; ``supply_note``: where an estimated supply comes from
    (French, '' for a supply file).
    """

    territory: Territory
    table: pd.DataFrame
    measure: str
    profession_fr: str
    travel_fr: str
    per_100k: bool
    cutoff_minutes: float
    model_id: str | None = None
    supply_note: str = ""


def access_analysis(territory: Territory, request: AccessRequest, *,
                    stage: Stage | None = None,
                    estimated_fte: pd.Series | None = None) -> AccessResult:  # fmt: skip
    """Compute ``request.measure`` nationally and report it for ``territory``.

    ``stage(description)``: a context manager around each step (the CLI's spinner);
    ``estimated_fte``: without a supply file, the FTE per commune of a profession other than
    GPs (:meth:`~proxisante.workspace.Workspace.profession_supply`, « estimé »).
    """
    stage = stage or (lambda _: nullcontext())
    cut = request.cutoff()
    code = request.profession_code()
    unit = "consultations" if request.measure == "apl" else "fte"
    note = ""
    with stage("Lecture des communes, de la population et de l'offre…"):
        communes, pop = _national_demand(request.year)
        model_id = None
        if request.supply is not None:
            table = read_supply_file(request.supply, profession=code, unit=unit)
        elif code != "gp" and estimated_fte is not None:
            table = pd.DataFrame({"destination": estimated_fte.index,
                                  "supply": estimated_fte.to_numpy(dtype=float)})  # fmt: skip
            note = ESTIMATED_SUPPLY_NOTE
        else:
            table, model_id = _calibrated_supply_table(code, unit, request.year)
            note = (f"sans --supply : offre de médecins généralistes du modèle calibré "
                    f"{model_id} (estimé, voir `proxisante model show`)")  # fmt: skip
    with stage(f"Temps de trajet ({request.travel}, ≤ {_fr.fmt_dec(cut, 0)} min)…"):
        tm = _travel(request, communes, cut)
    with stage(f"Calcul de {request.measure} sur {_fr.fmt_int(tm.n_pairs)} paires…"):
        res = compute_access(request.measure, tm, supply=align_supply(tm, table),
                             demand=pop.reindex(tm.origin_ids).to_numpy(dtype=float),
                             decay=decay_by_name(request.decay, request.measure, cut))  # fmt: skip
    per_100k = measure_by_name(request.measure).ratio and unit == "fte"
    provider = TRAVEL_PROVIDERS.get(tm.provider)
    travel_fr = provider.label_fr if provider else _MODEL_TRAVEL.get(tm.provider, tm.provider)
    return AccessResult(
        territory, _territory_table(territory, res, request.measure, per_100k), request.measure,
        get_profession(code).plural_fr, travel_fr, per_100k, cut, model_id, note,
    )  # fmt: skip


def _national_demand(year: int) -> tuple[pd.DataFrame, pd.Series]:
    """Communes with coordinates and an official APL, and their standardised population."""
    communes = load_communes()
    communes = communes[communes["lat"].notna()]
    pop = load_official_apl(year).set_index("code_insee")["pop_standardisee"]
    return communes[communes["code_insee"].isin(pop.index)], pop


def _travel(request: AccessRequest, communes: pd.DataFrame, cut: float) -> TravelMatrix:
    """The calibrated model's times for the APL on its supply, else the chosen provider's."""
    if request.supply is None and request.travel == "estimate" and request.measure == "apl":
        return _calibrated_travel(request.year, cut)
    tm, _ = travel_matrix(request.travel, communes["code_insee"].to_numpy(), communes["lat"],
                          communes["lon"], cutoff_minutes=cut, matrix_file=request.matrix,
                          network=request.network)  # fmt: skip
    return tm


def _territory_table(territory: Territory, res: pd.DataFrame, measure: str,
                     per_100k: bool) -> pd.DataFrame:  # fmt: skip
    res = res[res["origin"].isin(territory.codes)].rename(columns={"origin": "code_insee"})
    res = territory.communes[["code_insee", "nom", "population"]].merge(res, on="code_insee")
    res = res.sort_values("value", kind="stable").reset_index(drop=True)
    res.insert(3, "measure", measure)
    if per_100k:  # FTE per inhabitant is unreadable: also per 100,000 standardised inhabitants
        res["per_100k"] = res["value"] * PER_100K
    return res


def _calibrated_supply_table(profession: str, unit: str, year: int) -> tuple[pd.DataFrame, str]:
    """The calibrated model's GP supply as a supply table (``destination``, ``supply``)."""
    if profession != "gp":
        msg = f"--supply is needed for profession '{profession}' (the calibrated model is GPs')"
        raise InputError(msg)
    base = default_baseline(year)
    if base.supply is None:
        msg = f"no calibrated model for {year}: give --supply or run `proxisante model calibrate`"
        raise InputError(msg)
    values = base.supply if unit == "consultations" else base.supply / CONSULTATIONS_PER_FTE
    return pd.DataFrame({"destination": base.codes, "supply": values}), str(base.model_id)


def _calibrated_travel(year: int, cutoff_minutes: float) -> TravelMatrix:
    """The calibrated model's offline travel times over its communes."""
    model = bundled_model()
    inputs = load_inputs(year)
    p = model.travel
    assert p is not None, "the bundled model is fitted on the offline travel model"
    reach_km = cutoff_minutes / 60.0 * max(p.speed_kmh) / p.detour_factor
    pairs = commune_pairs(inputs.codes, inputs.lat, inputs.lon, inputs.speed_class,
                          max_km=reach_km)  # fmt: skip
    return pairs.travel_matrix(p)
