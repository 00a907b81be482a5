"""Impact of a scenario on every commune: ΔAPL, new APL, people crossing the 2.5 threshold.

Method (stated in every output): the official DREES APL of the baseline year is the
baseline and the scenario's supply changes are applied with the engine's exact marginal
effects ``ΔAPL_i = Σ_j f(t_ij) ΔS_j / D_j`` (DESIGN.md "Key method fact";
:class:`proxisante.access.Catchment`), with the DREES step decay, the DREES standardised
populations and proxisante's offline travel-time estimate (DREES uses the INSEE Metric
distancier: our ``D_j`` approximates theirs). Supply changes are in consultations: FTE ×
5,400 (DREES) unless the activity is known. This needs no knowledge of every doctor's
activity. When the full supply of every commune is given (``full_supply``), the APL is
recomputed from scratch instead, and population changes become possible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from proxisante.access import CONSULTATIONS_PER_FTE, DREES_APL_STEP, Catchment
from proxisante.errors import InputError, UnknownCodeError
from proxisante.offer import Offer, load_default_offer, site_supply
from proxisante.offer.ssiad import SsiadCoverage, ssiad_coverage
from proxisante.scenarios.model import (
    ChangeStaff,
    CloseSites,
    OpenSite,
    OperatorExit,
    PopulationChange,
    PopulationProjection,
    Retirements,
    Scenario,
)
from proxisante.territory import UNDER_SERVED_APL, load_communes, load_official_apl, select

__all__ = [
    "NO_ACCESS_APL",
    "AppliedEdits",
    "ImpactContext",
    "ScenarioResult",
    "SupplyChange",
    "apply_edits",
    "criticality_ranking",
    "evaluate",
    "population_factors",
    "supply_changes",
]

#: Below this APL (consultations/yr/standardised inhabitant) a commune is counted as left
#: with no GP within 20 minutes after a scenario (less than one consultation per 100
#: inhabitants a year: what remains is our travel-time approximation, not a doctor).
NO_ACCESS_APL = 0.01


@dataclass(frozen=True)
class ImpactContext:
    """National data a scenario is evaluated on (built once per baseline year, cached)."""

    year: int
    codes: np.ndarray
    baseline_apl: np.ndarray
    pop_standardisee: np.ndarray
    pop_totale: np.ndarray
    catchment: Catchment

    @classmethod
    def build(cls, year: int = 2023, *, travel=None) -> ImpactContext:
        """Communes with an official APL and a location, and their DREES-step catchment.

        Parameters
        ----------
        travel
            A square :class:`~proxisante.travel.TravelMatrix` over commune codes (OSRM, or an
            imported INSEE Metric distancier) to use instead of the offline estimate; only the
            communes it covers are evaluated. The estimate-based context is cached.
        """
        if travel is None:
            return _context(year)
        return _context_from(year, travel)

    def index_of(self, codes) -> np.ndarray:
        idx = pd.Index(self.codes).get_indexer(list(codes))
        if (idx < 0).any():
            bad = list(np.asarray(list(codes))[idx < 0])
            raise UnknownCodeError("commune (no official APL or location)", str(bad[0]))
        return idx


@cache
def _apl_table(year: int) -> pd.DataFrame:
    apl = load_official_apl(year)
    apl = apl[apl["in_current_geography"]]
    communes = load_communes()[["code_insee", "lat", "lon"]].dropna()
    return communes.merge(apl, on="code_insee", how="inner", validate="one_to_one")


def _context_from(year: int, travel) -> ImpactContext:
    """Context on a given square travel matrix (origins = destinations = commune codes)."""
    if list(travel.origin_ids) != list(travel.destination_ids):
        msg = "the travel matrix must be square with the same commune codes as rows and columns"
        raise InputError(msg)
    df = _apl_table(year).set_index("code_insee")
    ids = np.asarray(travel.origin_ids, dtype=str)
    missing = [c for c in ids if c not in df.index]
    if missing:
        msg = (
            f"travel matrix commune '{missing[0]}' has no official APL {year} ({len(missing)} such)"
        )
        raise InputError(msg)
    d = df.loc[ids]
    return ImpactContext(
        year=year, codes=ids, baseline_apl=d["apl_generalistes"].to_numpy(dtype=float),
        pop_standardisee=d["pop_standardisee"].to_numpy(dtype=float),
        pop_totale=d["pop_totale"].to_numpy(dtype=float),
        catchment=Catchment.build(travel.minutes, d["pop_standardisee"].to_numpy(dtype=float)),
    )  # fmt: skip


@cache
def _context(year: int) -> ImpactContext:
    """The national estimate-based context of ``year``, built once per process."""
    from proxisante.travel import estimate_matrix

    df = _apl_table(year)
    ids = df["code_insee"].to_numpy()
    tm = estimate_matrix(
        ids, df["lat"], df["lon"], ids, df["lat"], df["lon"],
        cutoff_minutes=DREES_APL_STEP.max_minutes,
    )  # fmt: skip
    return ImpactContext(
        year=year,
        codes=ids,
        baseline_apl=df["apl_generalistes"].to_numpy(dtype=float),
        pop_standardisee=df["pop_standardisee"].to_numpy(dtype=float),
        pop_totale=df["pop_totale"].to_numpy(dtype=float),
        catchment=Catchment.build(tm.minutes, df["pop_standardisee"].to_numpy(dtype=float)),
    )


@dataclass(frozen=True)
class SupplyChange:
    """One supply change of GP consultations at a site, and the edit it comes from."""

    edit: int
    kind: str
    site_id: str
    commune: str
    delta_fte: float
    delta_consultations: float
    basis: str


@dataclass(frozen=True)
class _ElderlyInputs:
    sites_before: pd.DataFrame
    sites_after: pd.DataFrame
    pop_by_age: pd.DataFrame | None
    population_factor: pd.Series


@dataclass
class ScenarioResult:
    """Per-commune impact of a scenario, with the changes applied and the method used."""

    scenario: Scenario
    communes: pd.DataFrame
    changes: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    method: str = ""
    elderly: _ElderlyInputs | None = None

    def ssiad(self, codes=None) -> tuple[SsiadCoverage, SsiadCoverage]:
        """SSIAD places per 1,000 inhabitants aged 75+ before and after, over ``codes``
        (default: every commune); *not available* with the reason when inputs are missing."""
        codes = self.communes["code_insee"] if codes is None else codes
        e = self.elderly
        if e is None:
            empty = pd.DataFrame(columns=["category", "status", "commune", "capacity_places"])
            n_a = ssiad_coverage(empty, None, codes)
            return n_a, n_a
        before = ssiad_coverage(e.sites_before, e.pop_by_age, codes)
        after = ssiad_coverage(e.sites_after, e.pop_by_age, codes,
                               population_factor=e.population_factor)  # fmt: skip
        return before, after

    def summary(self, codes=None) -> dict[str, float]:
        """Aggregates over all communes or over ``codes`` (a territory's INSEE codes)."""
        c = (
            self.communes
            if codes is None
            else self.communes[self.communes["code_insee"].isin(codes)]
        )
        pop = c["pop_totale"]
        pop_after = c["pop_totale_after"] if "pop_totale_after" in c.columns else pop
        ssiad = self.ssiad(c["code_insee"])
        return {
            "communes": len(c),
            "population": float(pop.sum()),
            "population_after": float(pop_after.sum()),
            "communes_affected": int((c["delta_apl"] != 0).sum()),
            "population_affected": float(pop[c["delta_apl"] != 0].sum()),
            "newly_under": float(pop_after[c["newly_under"]].sum()),
            "lifted": float(pop_after[c["lifted"]].sum()),
            "under_before": float(pop[c["apl_before"] < UNDER_SERVED_APL].sum()),
            "under_after": float(pop_after[c["apl_after"] < UNDER_SERVED_APL].sum()),
            "no_gp_after": float(pop_after[c["no_gp_after"]].sum()),
            "consultations_change": float(self.changes["delta_consultations"].sum())
            if len(self.changes)
            else 0.0,
            "fte_change": float(self.changes["delta_fte"].sum()) if len(self.changes) else 0.0,
            "ssiad_per_1000_before": ssiad[0].per_1000,
            "ssiad_per_1000_after": ssiad[1].per_1000,
        }


def _edit_error(i: int, kind: str, msg: str) -> InputError:
    return InputError(f"edit #{i + 1} ({kind}): {msg}")


@dataclass(frozen=True)
class AppliedEdits:
    """What a scenario does to the offer: GP supply changes, sites closed and opened."""

    changes: list[SupplyChange]
    notes: list[str]
    closed: list[str]
    opened: pd.DataFrame

    def sites_after(self, sites: pd.DataFrame) -> pd.DataFrame:
        """``sites`` with the scenario's closures and openings applied."""
        after = sites.copy()
        after.loc[after["site_id"].isin(self.closed), "status"] = "closed"
        if len(self.opened):
            after = pd.concat([after, self.opened], ignore_index=True)
        return after


def supply_changes(scenario: Scenario, offer: Offer) -> tuple[list[SupplyChange], list[str]]:
    """Translate the scenario's edits into GP supply changes at sites.

    Checks each edit against the offer: unknown site or commune, closing a site that is
    already closed (before or by an earlier edit), negative resulting FTE → an error naming
    the edit. Returns the changes and French notes for the report.
    """
    applied = apply_edits(scenario, offer)
    return applied.changes, applied.notes


def _as_dict(series: pd.Series) -> dict:
    """``series.to_dict()`` without iterating Arrow-backed values one by one."""
    return dict(zip(series.index.to_numpy(dtype=object), series.to_numpy(dtype=object),
                    strict=True))  # fmt: skip


def apply_edits(scenario: Scenario, offer: Offer) -> AppliedEdits:
    """Validate the scenario's edits against ``offer`` and apply them (see
    :func:`supply_changes`); also returns the sites closed and opened."""
    supply = site_supply(offer, profession="gp").set_index("site_id")
    sites = offer.sites.set_index("site_id")
    closed = set(sites.index[sites["status"] == "closed"])
    current_fte = _as_dict(supply["fte"])
    current_cons = _as_dict(supply["consultations"])
    commune_of = _as_dict(sites["commune"])
    changes: list[SupplyChange] = []
    notes: list[str] = []
    opened: list[dict] = []

    def close(i: int, kind: str, site_id: str) -> None:
        if site_id not in commune_of:
            try:
                offer.site(site_id)  # raises with the closest known ids
            except UnknownCodeError as exc:
                raise _edit_error(i, kind, str(exc)) from None
        if site_id in closed:
            raise _edit_error(i, kind, f"site '{site_id}' is already closed")
        closed.add(site_id)
        fte = current_fte.pop(site_id, 0.0)
        cons = current_cons.pop(site_id, 0.0)
        if fte == 0:
            name = sites["name"].get(site_id, site_id)
            notes.append(
                f"{name} : aucun médecin généraliste connu sur ce site, "
                "fermeture sans effet sur l'APL."
            )
            return
        changes.append(SupplyChange(i, kind, site_id, commune_of[site_id], -fte, -cons,
                                    str(supply.loc[site_id, "basis"])))  # fmt: skip

    for i, edit in enumerate(scenario.edits):
        kind = edit.kind
        if isinstance(edit, CloseSites):
            for s in edit.sites:
                close(i, kind, s)
        elif isinstance(edit, OperatorExit):
            terr = select(edit.territory)
            mask = (sites["operator"].str.lower() == edit.operator.lower()) & sites["commune"].isin(
                terr.codes
            )
            targets = [s for s in sites.index[mask] if s not in closed]
            if not targets:
                msg = f"no open site of operator '{edit.operator}' in {terr.label}"
                raise _edit_error(i, kind, msg)
            if edit.action == "close":
                for s in targets:
                    close(i, kind, s)
            else:
                notes.append(
                    f"Transfert de {len(targets)} site(s) {edit.operator} de {terr.label} à "
                    f"{edit.to_operator} : sans effet sur l'accès si les équipes sont reprises."
                )
                sites.loc[targets, "operator"] = edit.to_operator
        elif isinstance(edit, OpenSite):
            if edit.site in commune_of:
                raise _edit_error(i, kind, f"site id '{edit.site}' already exists")
            select(edit.commune)  # validates the commune code
            commune_of[edit.site] = edit.commune
            opened.append({
                "site_id": edit.site, "name": edit.name, "category": edit.category,
                "operator": edit.operator, "commune": edit.commune, "status": "open",
                "capacity_places": edit.capacity_places, "source": f"scenario {scenario.name}",
            })  # fmt: skip
            fte = float(edit.fte.get("gp", 0.0))
            current_fte[edit.site] = fte
            current_cons[edit.site] = fte * CONSULTATIONS_PER_FTE
            if fte > 0:
                changes.append(SupplyChange(i, kind, edit.site, edit.commune, fte,
                                            fte * CONSULTATIONS_PER_FTE, "fte"))  # fmt: skip
        elif isinstance(edit, ChangeStaff):
            if edit.site not in commune_of:
                raise _edit_error(i, kind, f"unknown site '{edit.site}'")
            if edit.site in closed:
                raise _edit_error(i, kind, f"site '{edit.site}' is closed")
            if edit.profession != "gp":
                notes.append(
                    f"Modification {edit.profession} sur {edit.site} : hors APL généralistes."
                )
                continue
            fte0 = current_fte.get(edit.site, 0.0)
            cons0 = current_cons.get(edit.site, 0.0)
            if edit.activity_consultations is not None:
                d_fte, d_cons = 0.0, edit.activity_consultations - cons0
            else:
                new = edit.fte if edit.fte is not None else fte0 + edit.delta_fte
                if new < 0:
                    msg = (
                        f"FTE at '{edit.site}' would become {new:g} (now {fte0:g}); "
                        "FTE must stay ≥ 0"
                    )
                    raise _edit_error(i, kind, msg)
                d_fte = new - fte0
                d_cons = d_fte * CONSULTATIONS_PER_FTE
            current_fte[edit.site] = fte0 + d_fte
            current_cons[edit.site] = cons0 + d_cons
            if d_cons != 0:
                changes.append(SupplyChange(i, kind, edit.site, commune_of[edit.site], d_fte,
                                            d_cons, "fte"))  # fmt: skip
        elif isinstance(edit, Retirements):
            st = offer.staff[offer.staff["profession"] == edit.profession]
            if st["birth_year"].isna().all():
                msg = (
                    "no birth year is known for any professional of this profession; import "
                    "staff with birth years (e.g. an RPPS extract) to forecast retirements"
                )
                raise _edit_error(i, kind, msg)
            leaving = st[(edit.year - st["birth_year"]) >= edit.age_at_least]
            for r in leaving.itertuples():
                if r.site_id in closed or edit.profession != "gp":
                    continue
                fte = float(r.fte if pd.notna(r.fte) else r.headcount) * edit.share
                cons = fte * CONSULTATIONS_PER_FTE
                changes.append(
                    SupplyChange(
                        i, kind, r.site_id, commune_of[r.site_id], -fte, -cons, "birth_year"
                    )
                )
        elif isinstance(edit, PopulationChange | PopulationProjection):
            pass  # handled by evaluate (needs a full recompute)
    opened_sites = pd.DataFrame(
        opened,
        columns=[
            "site_id",
            "name",
            "category",
            "operator",
            "commune",
            "status",
            "capacity_places",
            "source",
        ],
    )
    # a site opened then closed by a later edit stays in `opened` with status closed
    closed_list = sorted(closed - set(sites.index[sites["status"] == "closed"]))
    opened_sites.loc[opened_sites["site_id"].isin(closed_list), "status"] = "closed"
    return AppliedEdits(changes, notes, closed_list, opened_sites)


def population_factors(scenario: Scenario, ctx: ImpactContext) -> np.ndarray:
    """Per commune of ``ctx``: the product of the scenario's population factors (1: none).

    ``population_change`` multiplies a territory's communes by its factor;
    ``population_projection`` by projected ÷ current population (of the commune, or of its
    département for a département-level projection; current = the municipal population of
    the baseline APL file).

    Raises
    ------
    InputError
        A projected commune or département with no current population in the baseline.
    """
    factor = np.ones(len(ctx.codes))
    for i, e in enumerate(scenario.edits):
        if isinstance(e, PopulationChange):
            factor[ctx.index_of(select(e.territory).codes)] *= e.factor
        elif isinstance(e, PopulationProjection):
            proj = pd.Series(e.populations, dtype=float)
            if e.level == "commune":
                idx = ctx.index_of(proj.index.tolist())
                group = proj.index.to_numpy()
            else:
                dep = load_communes().set_index("code_insee")["departement"]
                dep_of = dep.reindex(ctx.codes).to_numpy()
                idx = np.flatnonzero(np.isin(dep_of, proj.index))
                group = dep_of[idx]
            base = pd.Series(ctx.pop_totale[idx]).groupby(group).sum().reindex(proj.index)
            bad = base.index[~(base > 0)].tolist()
            if bad:
                msg = (f"edit #{i + 1} (population_projection): no current population for "
                       f"{bad[:5]} in the APL {ctx.year} file")  # fmt: skip
                raise InputError(msg)
            factor[idx] *= (proj / base).reindex(group).to_numpy()
    return factor


def evaluate(
    scenario: Scenario,
    *,
    offer: Offer | None = None,
    context: ImpactContext | None = None,
    full_supply: pd.Series | None = None,
    pop_by_age: pd.DataFrame | None = None,
) -> ScenarioResult:
    """Evaluate a scenario commune by commune (see the module docstring for the method).

    Parameters
    ----------
    scenario
        The scenario.
    offer
        Sites and staff (default: the bundled offer).
    context
        National catchment (default: built for ``scenario.baseline_year``, cached).
    full_supply
        GP consultations per commune for *every* commune (index: INSEE code). When given,
        the baseline and the result are full recomputes and population changes are allowed.
    pop_by_age
        Population by age band per commune (INSEE, index INSEE code): enables the SSIAD
        places per 1,000 inhabitants aged 75+ (:meth:`ScenarioResult.ssiad`).
    """
    offer = offer or load_default_offer()
    ctx = context or ImpactContext.build(scenario.baseline_year)
    applied = apply_edits(scenario, offer)
    changes, notes = applied.changes, list(applied.notes)
    cat = ctx.catchment
    j = ctx.index_of([c.commune for c in changes]) if changes else np.array([], dtype=int)
    ds = np.array([c.delta_consultations for c in changes], dtype=float)
    pop_edits = [
        e for e in scenario.edits if isinstance(e, PopulationChange | PopulationProjection)
    ]
    factor = population_factors(scenario, ctx)
    if full_supply is None:
        if pop_edits:
            msg = (
                "population changes alter the catchment demand and need a full recompute: "
                "give the GP supply of every commune (--full-supply FILE / full_supply) — not "
                "possible on the official APL baseline alone"
            )
            raise InputError(msg)
        before = ctx.baseline_apl
        after = cat.updated(before, j, ds)
        method = (
            f"APL officielle DREES {ctx.year} + effets marginaux exacts des changements "
            "d'offre (temps de trajet estimés par proxisante, population standardisée DREES)"
        )
    else:
        s0 = full_supply.reindex(ctx.codes).fillna(0.0).to_numpy(dtype=float)
        before = cat.accessibility(s0)
        s1 = s0 + np.bincount(j, weights=ds, minlength=len(s0))
        if pop_edits:
            pop = ctx.pop_standardisee * factor
            cat = Catchment(cat.weights, cat.weights_csc, pop, cat.weights.T @ pop)
            notes.append(
                "Évolution de population appliquée à la population standardisée de chaque "
                "commune à structure par âge inchangée."
            )
        after = cat.accessibility(s1)
        method = "APL entièrement recalculée à partir de l'offre complète fournie"
    delta = after - before
    communes = pd.DataFrame({
        "code_insee": ctx.codes,
        "apl_before": before,
        "delta_apl": delta,
        "apl_after": after,
        "pop_totale": ctx.pop_totale,
        "pop_totale_after": ctx.pop_totale * factor,
        "pop_standardisee": ctx.pop_standardisee,
    })  # fmt: skip
    communes["newly_under"] = (before >= UNDER_SERVED_APL) & (after < UNDER_SERVED_APL)
    communes["lifted"] = (before < UNDER_SERVED_APL) & (after >= UNDER_SERVED_APL)
    communes["no_gp_after"] = (before > NO_ACCESS_APL) & (after <= NO_ACCESS_APL)
    ch = (
        pd.DataFrame([c.__dict__ for c in changes])
        if changes
        else pd.DataFrame(
            columns=[
                "edit",
                "kind",
                "site_id",
                "commune",
                "delta_fte",
                "delta_consultations",
                "basis",
            ]
        )
    )
    if (ch.get("basis") == "headcount").any():
        notes.append(
            "Effectifs issus des sources publiques en nombre de personnes : 1 personne = 1 ETP "
            "= 5 400 consultations par an (conversion DREES), faute d'activité réelle connue."
        )
    elderly = _ElderlyInputs(offer.sites, applied.sites_after(offer.sites), pop_by_age,
                             pd.Series(factor, index=pd.Index(ctx.codes)))  # fmt: skip
    return ScenarioResult(scenario, communes, ch, notes, method, elderly)


def criticality_ranking(
    *, operator: str = "filieris", territory: str | None = None, offer: Offer | None = None,
    year: int = 2023, context: ImpactContext | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Impact of closing each open site of an operator, one by one, most critical first.

    Sorted by population falling under APL 2.5, then by the population-weighted APL loss
    in communes under the vigilance level (4), then by consultations lost.
    """
    offer = offer or load_default_offer()
    ctx = context or ImpactContext.build(year)
    supply = site_supply(offer, profession="gp")
    sites = offer.sites
    mask = (sites["operator"].str.lower() == operator.lower()) & (sites["status"] == "open")
    if territory is not None:
        mask &= sites["commune"].isin(select(territory).codes)
    cand = sites[mask].merge(supply[["site_id", "fte", "consultations"]], on="site_id", how="left")
    cand["gp_staff_known"] = cand["fte"].notna()
    cand[["fte", "consultations"]] = cand[["fte", "consultations"]].fillna(0.0)
    if cand.empty:
        msg = f"no open site of operator '{operator}'" + (f" in {territory}" if territory else "")
        raise InputError(msg)
    j = ctx.index_of(cand["commune"])
    effects = ctx.catchment.per_unit_effect(j)  # origins × sites, per consultation
    base = ctx.baseline_apl
    rows = []
    for k, site in enumerate(cand.itertuples()):
        col = effects[:, [k]]
        idx = col.indices
        delta = -site.consultations * col.data
        after = base[idx] + delta
        pop = ctx.pop_totale[idx]
        newly = (base[idx] >= UNDER_SERVED_APL) & (after < UNDER_SERVED_APL)
        vigil = after < 4.0
        rows.append({
            "site_id": site.site_id, "name": site.name, "commune": site.commune,
            "category": site.category, "gp_fte": site.fte, "gp_staff_known": site.gp_staff_known,
            "consultations_lost": site.consultations,
            "communes_affected": int((delta != 0).sum()),
            "population_affected": float(pop[delta != 0].sum()),
            "newly_under": float(pop[newly].sum()),
            "loss_in_vigilance": 0.0
            - float((delta[vigil] * ctx.pop_standardisee[idx][vigil]).sum()),
            "max_apl_drop": 0.0 - float(delta.min()) if len(delta) else 0.0,
        })  # fmt: skip
    out = pd.DataFrame(rows).sort_values(
        ["newly_under", "loss_in_vigilance", "consultations_lost"], ascending=False, kind="stable"
    )
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)
