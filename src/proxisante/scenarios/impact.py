"""Impact of a scenario on every commune: ΔAPL, new APL, people crossing the 2.5 threshold.

Method (stated in every output): the official DREES APL of the baseline year is the
baseline and the scenario's supply changes are applied with the engine's exact marginal
effects ``ΔAPL_i = Σ_j f(t_ij) ΔS_j / D_j`` (``docs/methods.md``, "The marginal-effect
identity"; :class:`proxisante.access.EvaluationBaseline`), with the DREES step decay, the
DREES standardised populations and proxisante's offline travel-time estimate (DREES uses
the INSEE Metric distancier: our ``D_j`` approximates theirs). Supply changes are in
consultations: FTE × 5,400 (DREES) unless the activity is known. This needs no knowledge
of every doctor's activity. When the full supply of every commune is given
(``full_supply``), the APL is recomputed from scratch instead, and population changes
become possible.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from proxisante._identity import IdentityCache
from proxisante.access import CONSULTATIONS_PER_FTE, ESTIMATED_PROFESSIONS, EvaluationBaseline
from proxisante.errors import InputError
from proxisante.model.baseline import default_baseline
from proxisante.model.site_estimate import (
    estimate_site_consultations,
    holds_gps,
    known_centre_consultations,
)
from proxisante.needs import default_ages, home_care_change, load_needs
from proxisante.offer import Offer, SsiadCoverage, load_default_offer, site_supply, ssiad_coverage
from proxisante.scenarios.edits import AppliedEdits, SupplyChange, apply_edits
from proxisante.scenarios.model import PopulationChange, PopulationProjection, Scenario
from proxisante.scenarios.professions import ProfessionImpact, profession_impacts
from proxisante.territory import UNDER_SERVED_APL, load_communes, select

__all__ = [
    "NO_ACCESS_APL",
    "ScenarioResult",
    "criticality_ranking",
    "evaluate",
    "population_factors",
]

#: Below this APL (consultations/yr/standardised inhabitant) a commune is counted as left
#: with no GP within 20 minutes after a scenario (less than one consultation per 100
#: inhabitants a year: what remains is our travel-time approximation, not a doctor).
NO_ACCESS_APL = 0.01


#: How the SSIAD rate says its population aged 75+ is estimated (no INSEE import).
ESTIMATED_ELDERLY_NOTE = (
    "75 ans et plus estimés (rapport population standardisée / totale de la DREES, calé sur "
    "les bassins de vie)"
)


def _capacity_known(sites: pd.DataFrame) -> bool:
    """True when some SSIAD of ``sites`` has a known number of places."""
    if "capacity_places" not in sites.columns or "category" not in sites.columns:
        return False
    return _CAPACITY_KNOWN.get((sites,), lambda: bool(
        sites.loc[sites["category"] == "ssiad", "capacity_places"].notna().any()))  # fmt: skip


#: Whether the last site tables seen hold a known SSIAD capacity.
_CAPACITY_KNOWN: IdentityCache[bool] = IdentityCache(size=2)


#: The ids of the last SSIAD tables seen.
_SSIAD_IDS: IdentityCache[frozenset] = IdentityCache(size=2)

#: The SSIAD sites of the last offers seen (the SSIAD rate reads only those).
_SSIAD_ROWS: IdentityCache[pd.DataFrame] = IdentityCache(size=2)


def _ssiad_rows(sites: pd.DataFrame) -> pd.DataFrame:
    """The SSIAD sites of ``sites``: all that the SSIAD rate reads (every site without a
    category column)."""
    if "category" not in sites.columns:
        return sites
    return _SSIAD_ROWS.get((sites,), lambda: sites[sites["category"] == "ssiad"])


@dataclass(frozen=True)
class _ElderlyInputs:
    """What the SSIAD and home-care indicators of a result need; the sites after the
    scenario are built on first use (a scenario's JSON summary needs its SSIAD only)."""

    sites_before: pd.DataFrame
    applied: AppliedEdits
    pop_by_age: pd.DataFrame | None
    #: factor per commune of the scenario's population edits; None: no population edit
    population_factor: pd.Series | None
    codes: pd.Index
    staff: pd.DataFrame | None = None

    @cached_property
    def nurse_fte_change(self) -> pd.Series:
        return self.applied.fte_change_by_commune("nurse")

    @cached_property
    def sites_after(self) -> pd.DataFrame:
        return self.applied.sites_after(self.sites_before)

    @cached_property
    def ssiad_before(self) -> pd.DataFrame:
        return _ssiad_rows(self.sites_before)

    @cached_property
    def ssiad_after(self) -> pd.DataFrame:
        before, a = self.ssiad_before, self.applied
        ids = _SSIAD_IDS.get((before,), lambda: frozenset(
            before["site_id"] if "site_id" in before.columns else ()))  # fmt: skip
        if not (ids.intersection(a.closed) or ids.intersection(a.capacities)
                or a.opens("ssiad")):  # fmt: skip
            return before  # no SSIAD closed, opened or resized (operators are not read)
        # edits apply site by site: the SSIAD of the sites after are those of the SSIAD before
        return _ssiad_rows(a.sites_after(before))


#: SSIAD coverage of the last SSIAD tables, age bands and communes seen (the coverage
#: before a scenario is the same for every scenario on one offer).
_SSIAD_COVERAGE: IdentityCache[SsiadCoverage] = IdentityCache(size=2)

#: "No age bands needed": no SSIAD places anywhere (one object, so that its coverage is cached).
_NO_BANDS = pd.DataFrame()


@dataclass
class ScenarioResult:
    """Per-commune impact of a scenario, with the changes applied and the method used.

    ``columns`` holds the per-commune values as aligned arrays (``code_insee`` and the
    columns of :attr:`communes`), ``supply_changes`` the GP supply changes at sites (rows
    of :attr:`changes`); the tables are built on first use.
    """

    scenario: Scenario
    columns: dict[str, np.ndarray]
    supply_changes: list[SupplyChange]
    notes: list[str] = field(default_factory=list)
    method: str = ""
    elderly: _ElderlyInputs | None = None
    #: what the other professions' access needs: (baseline, offer, applied edits, population
    #: factor per commune or None); None: not evaluated on an offer
    profession_inputs: tuple | None = None

    @cached_property
    def professions(self) -> dict[str, ProfessionImpact]:
        """Access to nurses, physiotherapists, midwives and dentists before and after
        (estimated, :mod:`proxisante.scenarios.professions`), computed on first use."""
        if self.profession_inputs is None:
            return {}
        ctx, offer, applied, factor = self.profession_inputs
        changes = {p: applied.fte_change_by_commune(p) for p in ESTIMATED_PROFESSIONS}
        return profession_impacts(ctx, offer, changes, factor)

    def profession_table(self, codes=None) -> pd.DataFrame:
        """One row per profession other than GPs: demand-weighted mean access before and
        after over ``codes`` (default every commune), its change and the scenario's FTE change.

        Columns ``profession, label_fr, short_fr, unit_fr, unit_short_fr, status, before,
        after, delta, fte_change``.
        """
        rows = None if codes is None else np.flatnonzero(
            pd.Index(self.columns["code_insee"]).isin(list(codes)))  # fmt: skip
        out = []
        for code, imp in self.professions.items():
            before, after = imp.means(rows)
            p, method = imp.profession, imp.profession.apl
            assert method is not None
            out.append({"profession": code, "label_fr": p.plural_fr, "short_fr": p.short_fr,
                        "unit_fr": method.unit_fr, "unit_short_fr": method.unit_short_fr,
                        "status": imp.status,
                        "before": before, "after": after, "delta": after - before,
                        "fte_change": imp.fte_change})  # fmt: skip
        return pd.DataFrame(out, columns=["profession", "label_fr", "short_fr", "unit_fr",
                                          "unit_short_fr", "status", "before", "after", "delta",
                                          "fte_change"])  # fmt: skip

    def profession_communes(self, codes=None) -> pd.DataFrame:
        """Per commune: ``code_insee`` and ``<profession>_before`` / ``<profession>_after``
        for every profession of :attr:`professions` (over ``codes``, default every commune)."""
        cols: dict[str, np.ndarray] = {"code_insee": np.asarray(self.columns["code_insee"])}
        for code, imp in self.professions.items():
            cols[f"{code}_before"], cols[f"{code}_after"] = imp.before, imp.after
        table = pd.DataFrame(cols)
        return table if codes is None else table[table["code_insee"].isin(list(codes))]

    @cached_property
    def communes(self) -> pd.DataFrame:
        """One row per commune: ``code_insee``, APL before/after and its change, populations,
        the 2.5 and no-GP crossings, and the P10–P90 of the change with an ensemble."""
        return pd.DataFrame(self.columns)  # one frame built at once

    @cached_property
    def changes(self) -> pd.DataFrame:
        """One row per GP supply change at a site (:class:`~proxisante.scenarios.edits.SupplyChange`
        fields: edit, kind, site_id, commune, delta_fte, delta_consultations, basis)."""
        names = [f.name for f in dataclasses.fields(SupplyChange)]
        rows = self.supply_changes
        if not rows:
            return pd.DataFrame(columns=names)
        return pd.DataFrame({n: [getattr(c, n) for c in rows] for n in names})

    def ssiad(self, codes=None) -> tuple[SsiadCoverage, SsiadCoverage]:
        """SSIAD places per 1,000 inhabitants aged 75+ before and after, over ``codes``
        (default: every commune); *not available* with the reason when inputs are missing."""
        e = self.elderly
        if codes is None:
            codes = self.columns["code_insee"] if e is None else e.codes
        if e is None:
            empty = pd.DataFrame(columns=["category", "status", "commune", "capacity_places"])
            n_a = ssiad_coverage(empty, None, codes)
            return n_a, n_a
        bands, note = e.pop_by_age, ""
        if bands is None and not (_capacity_known(e.ssiad_before)
                                  or _capacity_known(e.ssiad_after)):  # fmt: skip
            bands = _NO_BANDS  # no SSIAD places anywhere: said so, no age estimate needed
        elif bands is None:  # no INSEE import: the needs layer's estimate, said so
            bands, note = default_ages().bands, ESTIMATED_ELDERLY_NOTE
        before = _SSIAD_COVERAGE.get(
            (e.ssiad_before, bands, codes, note),
            lambda: ssiad_coverage(e.ssiad_before, bands, codes, population_note=note),
        )
        if e.ssiad_after is e.ssiad_before and e.population_factor is None:
            return before, before  # no SSIAD and no population changed
        after = ssiad_coverage(e.ssiad_after, bands, codes, population_note=note,
                               population_factor=e.population_factor)  # fmt: skip
        return before, after

    def home_care(self, codes=None):
        """Home-care and prevention indicators before and after over ``codes`` (default
        every commune): nurses and SSIAD places within reach per 1,000 inhabitants aged 75+,
        the DREES SSIAD rate, target populations of prevention within reach of a health
        centre (:class:`proxisante.needs.HomeCareChange`)."""
        codes = self.communes["code_insee"] if codes is None else codes
        e = self.elderly
        if e is None:
            msg = "this result carries no offer (evaluate the scenario with evaluate())"
            raise InputError(msg)
        data = load_needs(sites=e.sites_before, ages=e.pop_by_age, staff=e.staff)
        return home_care_change(
            data, codes, sites_before=e.sites_before, sites_after=e.sites_after,
            nurse_fte_change=e.nurse_fte_change, population_factor=e.population_factor,
        )  # fmt: skip

    def summary(self, codes=None) -> dict[str, float]:
        """Aggregates over all communes or over ``codes`` (a territory's INSEE codes)."""
        # numpy columns (sums skip NaN as pandas does): a summary over every commune is
        # part of each web evaluation and reads the arrays without building the table
        if codes is None:
            v = {k: a for k, a in self.columns.items() if k != "code_insee"}
            n, territory = len(self.columns["code_insee"]), None
        else:
            c = self.communes[self.communes["code_insee"].isin(codes)]
            v = {k: c[k].to_numpy() for k in c.columns if k != "code_insee"}
            n, territory = len(c), c["code_insee"]
        pop = v["pop_totale"]
        pop_after = v.get("pop_totale_after", pop)
        changed = v["delta_apl"] != 0
        ssiad = self.ssiad(territory)
        return {
            "communes": n,
            "population": _total(pop),
            "population_after": _total(pop_after),
            "communes_affected": int(changed.sum()),
            "population_affected": _total(pop[changed]),
            "newly_under": _total(pop_after[v["newly_under"]]),
            "lifted": _total(pop_after[v["lifted"]]),
            "under_before": _total(pop[v["apl_before"] < UNDER_SERVED_APL]),
            "under_after": _total(pop_after[v["apl_after"] < UNDER_SERVED_APL]),
            "no_gp_after": _total(pop_after[v["no_gp_after"]]),
            "consultations_change": self._change_total("delta_consultations"),
            "fte_change": self._change_total("delta_fte"),
            "ssiad_per_1000_before": ssiad[0].per_1000,
            "ssiad_per_1000_after": ssiad[1].per_1000,
        } | self._ranges(v, pop_after)

    def _change_total(self, name: str) -> float:
        """Sum of a field of the supply changes (0 without any), as the column's sum."""
        if not self.supply_changes:
            return 0.0
        return _total(np.array([getattr(c, name) for c in self.supply_changes], dtype=float))

    @staticmethod
    def _ranges(v: dict[str, np.ndarray], pop_after: np.ndarray) -> dict[str, float]:
        """Ensemble ranges (calibrated baseline): newly under 2.5 and the mean ΔAPL."""
        if "delta_apl_p10" not in v:
            return {}
        std = v["pop_standardisee"]
        w = _total(std) or 1.0
        before = v["apl_before"]
        out = {"mean_delta_apl": _total(v["delta_apl"] * std) / w}
        for q in ("p10", "p90"):
            d = v[f"delta_apl_{q}"]
            d = np.where(np.isnan(d), v["delta_apl"], d)
            crossed = (before >= UNDER_SERVED_APL) & (before + d < UNDER_SERVED_APL)
            out[f"newly_under_{q}"] = _total(pop_after[crossed])
            out[f"mean_delta_apl_{q}"] = _total(d * std) / w
        return out


def _read_only(values):
    """A read-only view of an array (other values as given)."""
    if not isinstance(values, np.ndarray):
        return values
    view = values.view()
    view.flags.writeable = False
    return view


def _total(values: np.ndarray) -> float:
    """Sum skipping NaN (as pandas sums a column)."""
    total = values.sum()  # no NaN in most columns: the same sum without a NaN-free copy
    return float(total) if total == total else float(np.nansum(values))


def population_factors(scenario: Scenario, baseline: EvaluationBaseline) -> np.ndarray:
    """Per commune of ``baseline``: the product of the scenario's population factors (1: none).

    ``population_change`` multiplies a territory's communes by its factor;
    ``population_projection`` by projected ÷ current population (of the commune, or of its
    département for a département-level projection; current = the municipal population of
    the baseline APL file).

    Raises
    ------
    InputError
        A projected commune or département with no current population in the baseline.
    """
    ctx = baseline
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


def headcount_note_fr(centre_gp_fte_per_person: float) -> str:
    """The French note of a headcount → FTE conversion (an assumption, « hypothèse »)."""
    ratio = f"{centre_gp_fte_per_person:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return (
        "Effectifs issus des sources publiques en nombre de personnes : 1 personne = "
        f"{ratio} ETP pour un médecin généraliste salarié de centre de santé (hypothèse : "
        "aucune source publique sur leur temps de travail moyen ; modifiable), 1 personne = "
        "1 ETP sinon ; 1 ETP = 5 400 consultations par an (conversion DREES), faute "
        "d'activité réelle connue."
    )


#: Why a population change is refused on the official APL baseline.
_POPULATION_NEEDS_FULL_SUPPLY = (
    "population changes alter the catchment demand and need a full recompute: give the GP "
    "supply of every commune (--full-supply FILE / full_supply) — not possible on the "
    "official APL baseline alone"
)


def _floored_note_fr(n_communes: int) -> str:
    """The note of the communes whose computed drop exceeds their official APL."""
    return (f"APL ramenée à 0 dans {n_communes} commune(s) où la baisse calculée dépasse "
            "l'APL officielle (estimé).")  # fmt: skip


def _official_method_fr(ctx: EvaluationBaseline) -> str:
    """How effects are computed on the official APL (calibrated model or marginal effects)."""
    if ctx.calibrated:
        return (
            f"APL officielle DREES {ctx.year} + variation de l'APL calculée dans le modèle "
            f"calibré {ctx.model_id} (offre et temps de trajet estimés, ajustés sur l'APL "
            "officielle), même règle pour une perte et un gain ; fourchette P10–P90 de "
            "l'ensemble"
        )
    return (
        f"APL officielle DREES {ctx.year} + effets marginaux exacts des changements "
        "d'offre (temps de trajet estimés par proxisante, population standardisée DREES)"
    )


def _full_recompute(ctx: EvaluationBaseline, full_supply: pd.Series, j: np.ndarray,
                    ds: np.ndarray, factor: np.ndarray | None,
                    notes: list[str]) -> tuple[np.ndarray, np.ndarray, str]:  # fmt: skip
    """APL before and after recomputed from a full supply (``factor``: the population
    change, noted in ``notes``)."""
    cat = ctx.catchment
    s0 = full_supply.reindex(ctx.codes).fillna(0.0).to_numpy(dtype=float)
    before = cat.accessibility(s0)
    s1 = s0 + np.bincount(j, weights=ds, minlength=len(s0))
    if factor is not None:
        cat = cat.with_demand(ctx.pop_standardisee * factor)
        notes.append(
            "Évolution de population appliquée à la population standardisée de chaque "
            "commune à structure par âge inchangée."
        )
    return (
        before,
        cat.accessibility(s1),
        "APL entièrement recalculée à partir de l'offre complète fournie",
    )


def _result_columns(ctx: EvaluationBaseline, before: np.ndarray, after: np.ndarray,
                    factor: np.ndarray, ranges) -> dict[str, np.ndarray]:  # fmt: skip
    """The per-commune columns of a result (read-only: some are the baseline's arrays)."""
    columns = {
        "code_insee": ctx.code_index.array,
        "apl_before": before,
        "delta_apl": after - before,
        "apl_after": after,
        "pop_totale": ctx.pop_totale,
        "pop_totale_after": ctx.pop_totale * factor,
        "pop_standardisee": ctx.pop_standardisee,
    }  # fmt: skip
    if ranges is not None:
        columns["delta_apl_p10"], columns["delta_apl_p90"] = ranges
    columns["newly_under"] = (before >= UNDER_SERVED_APL) & (after < UNDER_SERVED_APL)
    columns["lifted"] = (before < UNDER_SERVED_APL) & (after >= UNDER_SERVED_APL)
    columns["no_gp_after"] = (before > NO_ACCESS_APL) & (after <= NO_ACCESS_APL)
    return {k: _read_only(v) for k, v in columns.items()}


def evaluate(
    scenario: Scenario,
    *,
    offer: Offer | None = None,
    baseline: EvaluationBaseline | None = None,
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
    baseline
        The evaluation baseline (default: the official DREES APL of
        ``scenario.baseline_year`` on the offline travel-time estimate, cached).
    full_supply
        GP consultations per commune for *every* commune (index: INSEE code). When given,
        the baseline and the result are full recomputes and population changes are allowed.
    pop_by_age
        Population by age band per commune (INSEE import, index INSEE code); without it the
        SSIAD places per 1,000 inhabitants aged 75+ (:meth:`ScenarioResult.ssiad`) and the
        home-care indicators (:meth:`ScenarioResult.home_care`) use the needs layer's
        estimate and say so.
    """
    offer = offer or load_default_offer()
    ctx = baseline or default_baseline(scenario.baseline_year)
    applied = apply_edits(scenario, offer)
    changes, notes = list(applied.changes), list(applied.notes)
    estimated_sites: dict = {}
    if full_supply is None and ctx.calibrated:
        changes, notes, estimated_sites = _estimate_unknown_closures(
            applied, offer, ctx, changes, notes
        )
    j = ctx.index_of([c.commune for c in changes]) if changes else np.array([], dtype=int)
    ds = np.array([c.delta_consultations for c in changes], dtype=float)

    def changes_of(member):
        """The changes in a world (``member``: None for the central one): a closed site of
        unknown staff removes the consultations that world draws for it (model.site_estimate)."""
        if not estimated_sites:
            return j, ds
        n = len(ctx.members)
        d = ds.copy()
        for k, est in estimated_sites.items():
            d[k] = -est.member_consultations(member, n)
        return j, d

    pop_edits = [
        e for e in scenario.edits if isinstance(e, PopulationChange | PopulationProjection)
    ]
    factor = population_factors(scenario, ctx)
    if full_supply is None:
        if pop_edits:
            raise InputError(_POPULATION_NEEDS_FULL_SUPPLY)
        before = ctx.baseline_apl
        after = ctx.apl_after(*changes_of(None))
        floored = ctx.floored_rows(*changes_of(None)) if len(j) else np.array([], dtype=int)
        if len(floored):
            notes.append(_floored_note_fr(len(floored)))
        method = _official_method_fr(ctx)
    else:
        before, after, method = _full_recompute(ctx, full_supply, j, ds,
                                                factor if pop_edits else None, notes)  # fmt: skip
    ranges = None
    if full_supply is None and ctx.members and len(j):
        ranges = ctx.world_delta_range(changes_of)
    columns = _result_columns(ctx, before, after, factor, ranges)
    if any(c.basis == "headcount" for c in changes):
        notes.append(headcount_note_fr(offer.centre_gp_fte_per_person))
    factor_by_code = pd.Series(factor, index=ctx.code_index) if (factor != 1).any() else None
    elderly = _ElderlyInputs(offer.sites, applied, pop_by_age, factor_by_code, ctx.code_index,
                             offer.staff)  # fmt: skip
    inputs = (ctx, offer, applied, factor if pop_edits else None)
    return ScenarioResult(scenario, columns, changes, notes, method, elderly, inputs)


#: Per offer: its sites by id, the consultations of the centres with known GP staff and the
#: ids of the sites with known GP staff (the same for every scenario on that offer).
_CLOSURE_INPUTS: IdentityCache[tuple] = IdentityCache(size=1)


def _closure_inputs(offer: Offer) -> tuple[pd.DataFrame, np.ndarray, set[str]]:
    supply = site_supply(offer, profession="gp")
    known = known_centre_consultations(offer, supply)
    return offer.sites.set_index("site_id"), known, set(supply["site_id"])


def _estimate_unknown_closures(applied, offer, ctx, changes, notes):
    """Closed centres de santé with unknown GP staff get an estimated change (« estimé »)."""
    if not applied.closed:
        return changes, notes, {}
    sites, known, staffed = _CLOSURE_INPUTS.get((offer, offer.sites, offer.staff),
                                                lambda: _closure_inputs(offer))  # fmt: skip
    estimated_sites = {}
    for site_id in applied.closed:
        if site_id in staffed or site_id not in sites.index:
            continue
        site = sites.loc[site_id]
        if not holds_gps(site["category"], site["name"]):
            continue
        est = estimate_site_consultations(ctx, int(ctx.index_of([site["commune"]])[0]), known)
        if est is None:
            continue
        estimated_sites[len(changes)] = est
        changes.append(SupplyChange(0, "close_sites", site_id, site["commune"],
                                    -est.consultations / CONSULTATIONS_PER_FTE,
                                    -est.consultations, "estimé"))  # fmt: skip
        notes = [n for n in notes if not n.startswith(f"{site['name']} : aucun médecin")]
        notes.append(f"{site['name']} : personnel médical inconnu, effet {est.method}.")
    return changes, notes, estimated_sites


def _operator_sites(offer: Offer, supply: pd.DataFrame, operator: str,
                    territory: str | None) -> pd.DataFrame:  # fmt: skip
    """The operator's open sites (in ``territory``) with their GP FTE and consultations
    (0 and ``gp_staff_known`` False when no source states them)."""
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
    return cand


def _closure_ranges(ctx: EvaluationBaseline, removal) -> dict[str, float]:
    """P10–P90 of a closure's largest APL drop and of the population falling under 2.5,
    over the calibrated model's ensemble."""
    base = ctx.baseline_apl
    drops, unders = [], []
    for d in ctx.world_delta_range(removal):
        drops.append(0.0 - float(d.min()))
        crossed = (base >= UNDER_SERVED_APL) & (base + d < UNDER_SERVED_APL)
        unders.append(float(ctx.pop_totale[crossed].sum()))
    return {"max_apl_drop_p10": min(drops), "max_apl_drop_p90": max(drops),
            "newly_under_p10": min(unders), "newly_under_p90": max(unders)}  # fmt: skip


def criticality_ranking(
    *, operator: str = "filieris", territory: str | None = None, offer: Offer | None = None,
    year: int = 2023, baseline: EvaluationBaseline | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Impact of closing each open site of an operator, one by one, most critical first.

    Sorted by population falling under APL 2.5, then by the population-weighted APL loss
    in communes under the vigilance level (4), then by consultations lost. A centre de
    santé whose GP staff is unknown gets an estimated effect (``gp_estimated``, range in
    ``consultations_low``/``consultations_high``; :mod:`proxisante.model.site_estimate`)
    on a calibrated baseline, never a silent 0. On a calibrated baseline with an ensemble,
    ``newly_under_p10``/``newly_under_p90`` and ``max_apl_drop_p10``/``_p90`` give ranges.
    """
    offer = offer or load_default_offer()
    ctx = baseline or default_baseline(year)
    supply = site_supply(offer, profession="gp")
    cand = _operator_sites(offer, supply, operator, territory)
    known_centres = known_centre_consultations(offer, supply)
    j = ctx.index_of(cand["commune"])
    base = ctx.baseline_apl
    rows = []
    for k, site in enumerate(cand.itertuples()):
        cons, low_c, high_c, estimated, how = site.consultations, np.nan, np.nan, False, ""
        est = None
        if not site.gp_staff_known and holds_gps(site.category, site.name):
            est = estimate_site_consultations(ctx, int(j[k]), known_centres)
            if est is not None:
                cons, low_c, high_c, estimated, how = (
                    est.consultations, est.low, est.high, True, est.method
                )  # fmt: skip

        def removal(member, col=int(j[k]), cons=cons, est=est):
            """The closure in a world: an unknown staff drawn per member (site_estimate)."""
            c = cons if est is None else est.member_consultations(member, len(ctx.members))
            return [col], [-c]

        after = ctx.apl_after(*removal(None))
        delta = after - base
        idx = np.flatnonzero(delta != 0)
        pop = ctx.pop_totale[idx]
        newly = (base[idx] >= UNDER_SERVED_APL) & (after[idx] < UNDER_SERVED_APL)
        vigil = after[idx] < 4.0
        row = {
            "site_id": site.site_id, "name": site.name, "commune": site.commune,
            "category": site.category, "gp_fte": site.fte, "gp_staff_known": site.gp_staff_known,
            "gp_estimated": estimated, "consultations_lost": cons,
            "consultations_low": low_c, "consultations_high": high_c, "estimate_method": how,
            "communes_affected": len(idx),
            "population_affected": float(pop.sum()),
            "newly_under": float(pop[newly].sum()),
            "loss_in_vigilance": 0.0
            - float((delta[idx][vigil] * ctx.pop_standardisee[idx][vigil]).sum()),
            "max_apl_drop": 0.0 - float(delta.min()) if len(idx) else 0.0,
        }  # fmt: skip
        if ctx.members and (cons > 0 or estimated):
            row.update(_closure_ranges(ctx, removal))
        rows.append(row)
    out = pd.DataFrame(rows).sort_values(
        ["newly_under", "loss_in_vigilance", "consultations_lost"], ascending=False, kind="stable"
    )
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)
