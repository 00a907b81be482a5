"""A planning instance: communes, candidate sites, per-profession effects, baselines, money.

Evaluated in the same world as scenarios: the calibrated model of the baseline year
(:func:`proxisante.model.default_baseline`; the store's newest when the workspace has one).
The official DREES APL of the baseline year is the figure shown as "today"; the effect of a
hire is the engine's exact marginal effect in the calibrated catchments
(``ΔAPL_i = f(t_ik) · 5,400 / D_k`` per GP FTE at candidate ``k``; ``docs/methods.md``,
"The marginal-effect identity"), and the departures of the "sans COG" baseline are removed
as a change of the calibrated model's APL added to the official APL, the rule of every
supply change (:meth:`~proxisante.access.EvaluationBaseline.apl_after`). At fixed demand the
access measure is linear in added supply, which makes the plan a MILP; every effect is a model
estimate (« estimé ») and the plan's notes say which model and how well it fits.
Nurses (and other professions) are measured in FTE per 100,000 standardised inhabitants
with the same DREES step decay, on the offline travel estimate of the needs layer (the
calibrated travel times are fitted to the GP APL only).

The baseline of each plan year is the "sans COG" counterfactual of :mod:`proxisante.plan.
freeze` (departures not replaced); "today" is the official APL of the baseline year.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from proxisante import _fr
from proxisante.access import (
    ESTIMATED_PROFESSIONS,
    PER_100K,
    EvaluationBaseline,
    baseline_professions,
)
from proxisante.catchment import CATCHMENT_MINUTES, WITHIN_CATCHMENT_SHORT_FR
from proxisante.errors import InputError
from proxisante.model import default_baseline, effects_note_fr
from proxisante.model.site_estimate import unknown_staff_estimates
from proxisante.offer import (
    CENTRE_GP_FTE_PER_PERSON,
    CONSULTATIONS_PER_FTE,
    load_default_offer,
    site_supply,
    staff_fte,
)
from proxisante.plan.assumptions import ASSUMPTION_RANGES, PLANNED_PROFESSIONS, PlanAssumptions
from proxisante.plan.baseline import GpNoCog, departement_installation_rates, gp_no_cog
from proxisante.plan.candidates import (
    CandidateRule,
    eligible_communes,
    population_within,
    rule_inputs,
)
from proxisante.plan.freeze import freeze_losses
from proxisante.plan.home_care import home_care_inputs, home_care_measure
from proxisante.professions import PROFESSIONS
from proxisante.scenarios.impact import headcount_note_fr
from proxisante.territory import Territory, check_commune_codes, load_communes, load_official_apl

__all__ = [
    "HOME_CARE_UNIT_FR",
    "PlanInstance",
    "ProfessionBlock",
    "build_instance",
    "network_codes",
]

#: Unit of the nurses' block measured by the needs layer's 75+ home-care access.
HOME_CARE_UNIT_FR = f"infirmiers {WITHIN_CATCHMENT_SHORT_FR} pour 1 000 habitants de 75 ans+"
HOME_CARE_UNIT = f"nurses within {CATCHMENT_MINUTES:g} min per 1,000 inhabitants aged 75+"


@dataclass(frozen=True)
class ProfessionBlock:
    """One planned profession: its access measure, effects, baselines and threshold.

    Attributes
    ----------
    effect_per_fte
        Sparse communes × candidates: access gain of one FTE at each candidate.
    today
        Access of each commune today (official APL for GPs).
    baseline
        Communes × years: access without the plan ("sans COG", departures not replaced).
    threshold
        Under-served level in the measure's unit (2.5 APL for GPs).
    lost_fte
        FTE of the profession lost by each plan year under the freeze (cumulative).
    lost_basis
        French phrase: how ``lost_fte`` was obtained.
    member_effects
        ``effect_per_fte`` in each member of the calibrated model's ensemble (GPs on a
        calibrated baseline; empty otherwise): the ranges of the plan's effects.
    baseline_range
        GPs: low and high "sans COG" access (communes × years; retirements and
        installations at the ends of their ranges, :mod:`proxisante.plan.baseline`).
    zoning_baseline, zoning_range
        GPs: the projected APL of GPs under 65 (the zoning rule) without a COG, and its range.
    anchor
        GPs: the official APL of GPs under 65 of the APL year (every GP aged 65+ gone, no
        installation): the official figure beside the estimates.
    no_cog
        GPs: the :class:`~proxisante.plan.baseline.GpNoCog` projection (parts, shares).
    """

    profession: str
    effect_per_fte: sp.csc_array
    today: np.ndarray
    baseline: np.ndarray
    threshold: float
    lost_fte: np.ndarray
    lost_basis: str = ""
    unit_fr: str = ""
    threshold_source: str = ""
    unit_en: str = ""
    member_effects: tuple[sp.csc_array, ...] = ()
    baseline_range: tuple[np.ndarray, np.ndarray] | None = None
    zoning_baseline: np.ndarray | None = None
    zoning_range: tuple[np.ndarray, np.ndarray] | None = None
    anchor: np.ndarray | None = None
    no_cog: GpNoCog | None = None


@dataclass(frozen=True)
class PlanInstance:
    """Everything the optimisation needs, as arrays.

    Attributes
    ----------
    codes, names, population
        Territory communes (INSEE codes, names) and their DREES population (pop_totale).
    candidates
        DataFrame ``candidate_id, commune, name, site_name, existing, max_added_fte`` (existing
        sites of the operator first; they need no opening).
    blocks
        One :class:`ProfessionBlock` per planned profession (GPs first).
    years, budget_eur, hires_fte
        Plan years and, per year, the net budget (euros) and the hiring capacity (FTE, all
        professions together).
    assumptions
        :class:`~proxisante.plan.assumptions.PlanAssumptions` (costs, team rules…).
    notes
        French notes on how the instance was built (candidate rule, baselines).
    budget_basis_fr
        Where the budget comes from, in French: ``""`` when the user gave it, else the
        « hypothèse » sentence shown next to every budget figure.
    replace_fte
        Professions × candidates × years: FTE that must be in post (cumulative) to replace
        the departures of the operator's centres; ``None``: no imposed hire.
    sources
        Rows added to the plan's « Sources et hypothèses » table (``hypothèse, valeur,
        unité, statut, source``): the evaluation model, the headcount → FTE conversion…
    """

    codes: np.ndarray
    population: np.ndarray
    candidates: pd.DataFrame
    blocks: list[ProfessionBlock]
    years: list[int]
    budget_eur: np.ndarray
    hires_fte: np.ndarray
    assumptions: PlanAssumptions = field(default_factory=PlanAssumptions)
    names: np.ndarray | None = None
    label: str = ""
    notes: list[str] = field(default_factory=list)
    replace_fte: np.ndarray | None = None
    budget_basis_fr: str = ""
    sources: list[dict] = field(default_factory=list)

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def professions(self) -> list[str]:
        return [b.profession for b in self.blocks]

    @property
    def existing(self) -> np.ndarray:
        return self.candidates["existing"].to_numpy(dtype=bool)

    @property
    def max_added_fte(self) -> np.ndarray:
        return self.candidates["max_added_fte"].to_numpy(dtype=float)

    @property
    def min_fte(self) -> np.ndarray:
        """Professions × candidates × years lower bound of the cumulative FTE added."""
        if self.replace_fte is None:
            return np.zeros((len(self.blocks), self.n_candidates, len(self.years)))
        return self.replace_fte

    def block(self, profession: str) -> ProfessionBlock:
        for b in self.blocks:
            if b.profession == profession:
                return b
        msg = f"profession '{profession}' is not in this plan ({', '.join(self.professions)})"
        raise InputError(msg)


def build_instance(
    territory: Territory,
    *,
    budgets_eur: dict[int, float],
    hires_fte: dict[int, float] | float | None = None,
    candidates: list[str] | None = None,
    assumptions: PlanAssumptions | None = None,
    operator: str = "filieris",
    year: int = 2023,
    max_candidates: int | None = 300,
    offer=None,
    professions: tuple[str, ...] = ("gp",),
    supply_fte: dict[str, pd.Series] | None = None,
    thresholds: dict[str, float] | None = None,
    rule: CandidateRule | None = None,
    context=None,
    replace_departures: bool = True,
) -> PlanInstance:
    """Assemble a :class:`PlanInstance` for a territory from the bundled data.

    Parameters
    ----------
    territory
        The communes whose access counts in the objective.
    budgets_eur
        ``{year: euros}``, one entry per plan year (consecutive years); net budget (costs
        minus the income of the hires, see :mod:`proxisante.plan.costs`).
    hires_fte
        Hiring capacity per year (FTE, all professions): one number, or ``{year: FTE}``;
        default: the assumption ``hires_fte_per_year`` (the network's recent capacity).
    candidates
        INSEE codes of communes where a new centre may open; default: the communes of the
        territory that pass the candidate rule (:mod:`proxisante.plan.candidates`), at most
        ``max_candidates`` of them (most people within 15 minutes first). The open centres
        de santé of ``operator`` in the territory are always candidates (no opening cost).
    professions
        Planned professions (one budget for all): ``gp`` (APL), ``nurse`` (75+ home-care
        access, or FTE per 100,000 with ``supply_fte``), and any other profession of the
        offer (``physiotherapist``, ``midwife``, ``dentist``…) in FTE per 100,000
        standardised inhabitants with the DREES step; those need a threshold and a cost per
        FTE (``<profession>_fte_eur_per_year`` in ``assumptions``).
    supply_fte
        ``{profession: FTE per commune}`` for professions other than GPs (index: INSEE
        code); default: the offer's staff of that profession.
    thresholds
        Under-served level per profession; GPs default to 2.5 (APL), nurses on the home-care
        measure to half the national value; others are required (FTE per 100,000
        standardised inhabitants: no official level exists).
    context
        The evaluation baseline (national APL, populations, catchment); built when omitted.
    replace_departures
        With the COG, the departures of the operator's own centres are replaced (rounded to
        the nearest step, the year they add up to it): these hires are imposed before any
        other choice.
    """
    a = assumptions or PlanAssumptions()
    hires_fte = a.hires_fte_per_year if hires_fte is None else hires_fte
    years, budget, hires = _years_budgets_hires(budgets_eur, hires_fte)
    professions = _checked_professions(professions, a, thresholds, supply_fte)
    thresholds = dict(thresholds or {})
    ctx = context or _context(year)
    rows = _territory_rows(ctx, territory)
    offer = offer if offer is not None else load_default_offer()
    cand, estimated, notes, names = _candidate_sites(
        ctx, rows, territory, offer, a, professions, operator=operator, candidates=candidates,
        rule=rule, max_candidates=max_candidates)  # fmt: skip
    cand, blocks, replace_fte, no_cog_sources = _blocks(
        professions, ctx, rows, years, a, offer=offer, operator=operator, thresholds=thresholds,
        supply_fte=supply_fte, estimated=estimated, cand=cand, notes=notes,
        replace_departures=replace_departures, drop_useless=candidates is None)  # fmt: skip
    sources = _world_sources(ctx, offer, professions, estimated, cand) + no_cog_sources
    notes.extend(r.get("note", r["source"]) for r in sources)
    return PlanInstance(
        codes=ctx.codes[rows], population=ctx.pop_totale[rows], candidates=cand, blocks=blocks,
        years=years, budget_eur=budget, hires_fte=hires, assumptions=a,
        names=names.reindex(ctx.codes[rows]).fillna("").to_numpy(dtype=str),
        label=territory.label, notes=notes, replace_fte=replace_fte, sources=sources,
    )  # fmt: skip


def _territory_rows(ctx, territory: Territory) -> np.ndarray:
    """Rows of the evaluation baseline in the territory (some needed)."""
    in_terr = np.isin(ctx.codes, territory.codes)
    if not in_terr.any():
        msg = f"territory {territory.label} has no commune with an official APL"
        raise InputError(msg)
    return np.flatnonzero(in_terr)


def _candidate_sites(ctx, rows: np.ndarray, territory: Territory, offer, a: PlanAssumptions,
                     professions: tuple[str, ...], *, operator: str,
                     candidates: list[str] | None, rule: CandidateRule | None,
                     max_candidates: int | None):  # fmt: skip
    """Candidate sites with their GP staff today, the estimates of the operator's centres
    whose GP staff no source states, the notes on the candidates' choice and the names of
    the communes."""
    _check_conversion(a, offer)
    existing, planned = _operator_centres(offer, operator, territory, ctx)
    names = load_communes().set_index("code_insee")["nom"]
    notes: list[str] = []
    cand_codes = _candidate_codes(ctx, rows, candidates, rule, max_candidates, notes)
    cand_codes = [c for c in cand_codes if c not in set(existing["commune"])]
    if not cand_codes and existing.empty:
        msg = (
            f"no candidate site in {territory.label}: the operator '{operator}' has no open "
            "centre there and no commune passes the candidate rule; give --candidates"
        )
        raise InputError(msg)
    cand = _candidate_table(cand_codes, existing, planned, names)
    # the operator's centres whose GP staff no source states enter with an estimate
    estimated = unknown_staff_estimates(offer, ctx, existing) if "gp" in professions else {}
    cand = _with_gp_staff(cand, offer, estimated, a.gp_consultations_per_fte)
    return cand, estimated, notes, names


def _checked_professions(professions: tuple[str, ...], a: PlanAssumptions,
                         thresholds: dict[str, float] | None,
                         supply_fte: dict[str, pd.Series] | None) -> tuple[str, ...]:  # fmt: skip
    """The planned professions, GPs first, each checked: planned, with a cost per FTE and a
    threshold (> 0; required but for GPs and nurses on the home-care measure)."""
    professions = tuple(sorted(dict.fromkeys(professions), key=lambda p: p != "gp"))
    if not professions:
        msg = "no profession to plan; give gp, nurse or both"
        raise InputError(msg)
    for p in professions:
        if p not in PLANNED_PROFESSIONS:
            msg = f"profession was '{p}'; expected one of {', '.join(PLANNED_PROFESSIONS)}"
            raise InputError(msg)
        a.cost_per_fte(p)  # a profession without a cost per FTE is refused here
    thresholds = dict(thresholds or {})
    for p in professions:
        if (
            p != "gp"
            and p not in thresholds
            and (p != "nurse" or (supply_fte or {}).get(p) is not None)
        ):
            msg = (f"threshold is required for profession '{p}': there is no official "
                   "under-served level; give FTE per 100,000 standardised inhabitants")  # fmt: skip
            raise InputError(msg)
        th = thresholds.get(p, 2.5)
        if not np.isfinite(th) or th <= 0:
            msg = f"threshold of {p} was {th!r}; expected a number > 0"
            raise InputError(msg)
    return professions


def _check_conversion(a: PlanAssumptions, offer) -> None:
    """The FTE per centre GP known by headcount is the offer's (it feeds the evaluation
    world): a different one set in the assumptions is refused, never ignored."""
    ratio = a.centre_gp_fte_per_person
    if ratio != offer.centre_gp_fte_per_person and "centre_gp_fte_per_person" in a.overridden():
        msg = (f"the assumptions count {ratio:g} FTE per centre GP known by headcount, the "
               f"offer {offer.centre_gp_fte_per_person:g}; build the offer with the same "
               "conversion (Workspace(centre_gp_fte_per_person=…))")  # fmt: skip
        raise InputError(msg)


def _operator_centres(offer, operator: str, territory: Territory,
                      ctx) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """The operator's open centres de santé in the territory (with an official APL) and
    its planned ones."""
    s = offer.sites
    mine = s[(s["operator"] == operator) & (s["category"] == "centre_de_sante")]
    existing = mine[(mine["status"] == "open") & mine["commune"].isin(territory.codes)]
    existing = existing[existing["commune"].isin(ctx.codes)]
    planned = mine[(mine["status"] == "planned") & mine["commune"].isin(territory.codes)]
    return existing, planned


def _candidate_codes(ctx, rows: np.ndarray, candidates: list[str] | None,
                     rule: CandidateRule | None, max_candidates: int | None,
                     notes: list[str]) -> list[str]:  # fmt: skip
    """Communes where a new centre may open: the user's list (checked, deduplicated) or
    those passing the candidate rule; the choice is told in ``notes``."""
    if candidates is None:
        rule = rule or CandidateRule()
        cand_codes = _rule_candidates(ctx, rows, rule, max_candidates)
        notes.append(rule.text_fr())
    else:
        check_commune_codes(candidates)
        cand_codes = list(dict.fromkeys(candidates))
        notes.append("Communes candidates à l'ouverture : liste fournie par l'utilisateur.")
    return cand_codes


def _candidate_table(cand_codes: list[str], existing: pd.DataFrame, planned: pd.DataFrame,
                     names: pd.Series) -> pd.DataFrame:  # fmt: skip
    """Candidate sites: the operator's open centres, then the candidate communes (named
    after the operator's planned centre there, if any)."""
    planned_by_commune = planned.drop_duplicates("commune").set_index("commune")
    new = pd.DataFrame({
        "candidate_id": [planned_by_commune["site_id"].get(c, f"nouveau-{c}")
                         for c in cand_codes],
        "commune": cand_codes,
        "site_name": [planned_by_commune["name"].get(c, "") for c in cand_codes],
        "existing": False,
    })  # fmt: skip
    old = pd.DataFrame({
        "candidate_id": existing["site_id"].to_numpy(), "commune": existing["commune"].to_numpy(),
        "site_name": existing["name"].to_numpy(), "existing": True,
    })  # fmt: skip
    cand = pd.concat([old, new], ignore_index=True)
    cand["name"] = names.reindex(cand["commune"]).fillna("").to_numpy()
    return cand


def _blocks(professions: tuple[str, ...], ctx, rows: np.ndarray, years: list[int],
            a: PlanAssumptions, *, offer, operator: str, thresholds: dict[str, float],
            supply_fte: dict[str, pd.Series] | None, estimated, cand: pd.DataFrame,
            notes: list[str], replace_departures: bool, drop_useless: bool):  # fmt: skip
    """Each profession's block and the candidate sites with their cap (what an existing site
    loses may be hired back on top), without those that lift nobody under the threshold
    (``drop_useless``, told in ``notes``); the departures replaced (nearest whole steps, at
    the operator's own open centres) and the sources of the worlds without COG."""
    j = ctx.index_of(cand["commune"])
    blocks: list[ProfessionBlock] = []
    lost_by_site = np.zeros(len(cand))
    replace_fte = np.zeros((len(professions), len(cand), len(years)))
    no_cog_sources: list[dict] = []
    for p in professions:
        block, site_lost, extra_sources = _profession_block(
            p, ctx, rows, j, years, a, offer=offer, operator=operator, thresholds=thresholds,
            supply_fte=supply_fte, estimated=estimated, cand=cand,
        )  # fmt: skip
        no_cog_sources += extra_sources
        lost_by_site += site_lost[:, -1]
        if replace_departures:  # nearest whole steps, at the operator's own open centres
            step = a.fte_step
            replace_fte[len(blocks)] = np.floor(site_lost / step + 0.5) * step
            replace_fte[len(blocks), ~cand["existing"].to_numpy(dtype=bool)] = 0.0
        blocks.append(block)
    if drop_useless:  # a new centre only where it lifts under-served inhabitants
        keep = lifts_under_served(blocks, cand["existing"].to_numpy(dtype=bool))
        if not keep.all():
            notes.append(f"{int((~keep).sum())} communes candidates écartées : aucune commune "
                         f"sous le seuil (sans COG) dans leur rayon de {CATCHMENT_MINUTES:g} "
                         "minutes.")  # fmt: skip
            cand, lost_by_site = cand[keep].reset_index(drop=True), lost_by_site[keep]
            replace_fte = replace_fte[:, keep]
            blocks = [_keep_columns(b, keep) for b in blocks]
    # an existing site may hire back what it loses, on top of the added capacity
    cand["max_added_fte"] = a.max_added_fte_per_site + np.where(
        cand["existing"], np.ceil(lost_by_site / a.fte_step) * a.fte_step, 0.0
    )
    return cand, blocks, replace_fte, no_cog_sources


def _profession_block(p: str, ctx, rows, j, years, a: PlanAssumptions, *, offer, operator,
                      thresholds: dict, supply_fte, estimated, cand):  # fmt: skip
    """One profession's :class:`ProfessionBlock`, the FTE each candidate loses under the
    freeze (candidates × years) and the source rows of its "sans COG" world (GPs)."""
    world = ctx if p == "gp" else _other_professions_world(ctx)
    catchment, scale = world.catchment, PER_100K
    no_cog, sources = None, []
    unit, th_source = "ETP pour 100 000 habitants standardisés", "paramètre utilisateur"
    unit_en = "FTE per 100,000 standardised inhabitants"
    if p == "gp":
        scale, unit, unit_en = a.gp_consultations_per_fte, "APL", "APL"
        th_source = "paramètre utilisateur" if p in thresholds else "débat public, zonage ARS"
        today = ctx.baseline_apl
        no_cog, sources = gp_no_cog_world(ctx, rows, years, a)
    elif (supply_fte or {}).get(p) is None and p == "nurse" and p not in thresholds:
        # 75+ home-care access of the needs layer: nurses within 20 min per 1,000 aged 75+
        catchment, today, th, th_source = _home_care_measure(world)
        thresholds[p] = th
        scale, unit, unit_en = 1000.0, HOME_CARE_UNIT_FR, HOME_CARE_UNIT
    else:
        supply = _supply_vector(world, offer, p, (supply_fte or {}).get(p))
        today = catchment.accessibility(supply) * PER_100K
        if (supply_fte or {}).get(p) is None and p != "nurse":
            sources = [_estimated_supply_source(p, float(supply.sum()))]
    # a hire works at a salaried GP's activity; published FTE convert at the DREES 5,400
    hire = a.salaried_gp_consultations_per_fte if p == "gp" else scale
    eff = sp.csc_array(sp.csr_array(catchment.per_unit_effect(j) * hire)[rows, :])
    members = tuple(
        sp.csc_array(sp.csr_array(m.catchment.per_unit_effect(j) * hire)[rows, :])
        for m in (ctx.members if p == "gp" else ())
    )  # fmt: skip
    loss, lost_fte, basis, per_site = _freeze(
        offer, ctx, rows, years, a, p, operator, scale, catchment,
        estimated=estimated if p == "gp" else None,
    )  # fmt: skip
    site_lost = per_site.reindex(cand["candidate_id"]).fillna(0.0).to_numpy(dtype=float)
    extra = {} if no_cog is None else {
        "baseline_range": (no_cog.access_low - loss, no_cog.access_high - loss),
        "zoning_baseline": no_cog.zoning - loss,
        "zoning_range": (no_cog.zoning_low - loss, no_cog.zoning_high - loss),
        "anchor": no_cog.anchor, "no_cog": no_cog,
    }  # fmt: skip
    start = today[rows][:, None] if no_cog is None else no_cog.access
    block = ProfessionBlock(
        profession=p, effect_per_fte=eff, today=today[rows],
        baseline=start - loss, threshold=float(thresholds.get(p, 2.5)),
        lost_fte=lost_fte, lost_basis=basis, unit_fr=unit, threshold_source=th_source,
        unit_en=unit_en, member_effects=members, **extra,
    )  # fmt: skip
    return block, site_lost, sources


def lifts_under_served(blocks: list[ProfessionBlock], existing: np.ndarray) -> np.ndarray:
    """Per candidate: an existing centre, or a new one whose hires reach a commune under its
    profession's threshold in some year without a COG (the rule of an opening)."""
    keep = np.asarray(existing, dtype=bool).copy()
    for b in blocks:
        under = (b.baseline < b.threshold).any(axis=1)
        reach = sp.csc_array(b.effect_per_fte)[under, :]
        keep |= np.asarray((reach > 0).sum(axis=0)).ravel() > 0
    return keep


def _keep_columns(b: ProfessionBlock, keep: np.ndarray) -> ProfessionBlock:
    """``b`` with the effects of the kept candidates only."""
    members = tuple(sp.csc_array(m[:, keep]) for m in b.member_effects)
    return replace(
        b, effect_per_fte=sp.csc_array(b.effect_per_fte[:, keep]), member_effects=members
    )


def gp_no_cog_world(ctx, rows: np.ndarray, years: list[int], a: PlanAssumptions):
    """The GP "sans COG" projection of the territory's communes (before the operator's
    freeze) and its source rows (:mod:`proxisante.plan.baseline`).

    The official APL of ``ctx``'s year and its APL of GPs under 65; installations at the
    rate of each commune's département (France's rate where a département has none).
    """
    codes = ctx.codes[rows]
    official = load_official_apl(ctx.year).set_index("code_insee")
    a65 = official["apl_generalistes_moins65"].reindex(codes).to_numpy(dtype=float)
    dep = load_communes().set_index("code_insee")["departement"].astype(str).reindex(codes)
    rates = departement_installation_rates()
    rate = dep.map(rates).fillna(rates["FR"]).to_numpy(dtype=float)
    m_lo, m_hi = ASSUMPTION_RANGES["gp65_mean_remaining_years"]
    f_lo, f_hi = ASSUMPTION_RANGES["installation_factor"]
    f = a.installation_factor
    proj = gp_no_cog(
        ctx.baseline_apl[rows], a65, rate * f, years, apl_year=ctx.year,
        mean_remaining_years=a.gp65_mean_remaining_years,
        mean_remaining_range=(min(m_lo, a.gp65_mean_remaining_years),
                              max(m_hi, a.gp65_mean_remaining_years)),
        install_factor_range=(f_lo, f_hi), ageing_share=a.gp60_64_share_of_under65,
        ageing_range=ASSUMPTION_RANGES["gp60_64_share_of_under65"],
    )  # fmt: skip
    proj = replace(proj, anchor=np.where(np.isfinite(a65), a65, ctx.baseline_apl[rows]))
    e = years[-1] - ctx.year + 0.5
    w = ctx.pop_standardisee[rows]
    mean_rate = float((rate * w).sum() / w.sum()) if w.sum() > 0 else float(rates["FR"])
    sources = [{
        "hypothèse": f"médecins de 65 ans et plus partis d'ici {years[-1]} (sans COG)",
        "valeur": round(float(proj.retired_share[-1]), 3), "unité": "part", "statut": "estimé",
        "source": f"DREES, APL {ctx.year} et APL des moins de 65 ans ; profil de départ "
                  f"exponentiel de durée moyenne {_fr.fmt_dec(a.gp65_mean_remaining_years, 1)} "
                  "ans (DREES, Études et résultats n° 1097)",
        "note": f"Sans COG : les médecins de 65 ans et plus de {ctx.year} partent "
                f"progressivement ({_fr.fmt_pct(float(proj.retired_share[0]))} en "
                f"{years[0]}, {_fr.fmt_pct(float(proj.retired_share[-1]))} en {years[-1]}, "
                "« estimé ») ; l'APL officielle des moins de 65 ans est l'ancrage officiel "
                "(tous partis, aucune installation). Les médecins de 60 à 64 ans en "
                f"{ctx.year} ({_fr.fmt_pct(a.gp60_64_share_of_under65)} de l'offre des moins "
                "de 65 ans, part nationale faute de structure d'âge par commune) quittent "
                "l'APL zonage à 65 ans et l'accès quand ils cessent.",
    }, {
        "hypothèse": "installations de nouveaux médecins (tendance départementale)",
        "valeur": round(mean_rate * f, 4), "unité": "part de l'offre des moins de 65 ans par an",
        "statut": "estimé",
        "source": "INSEE, BPE 2017 et BPE 2021 (D201), médecins gagnés par commune et par an, "
                  f"par département ; facteur {_fr.fmt_dec(f, 2)}",
        "note": f"Sans COG : installations au rythme départemental BPE 2017 → 2021 "
                f"({_fr.fmt_pct(mean_rate * f)} par an de l'offre des moins de 65 ans en "
                f"moyenne sur le territoire, soit +{_fr.fmt_pct(mean_rate * f * e)} en "
                f"{years[-1]}, « estimé »).",
    }]  # fmt: skip
    return proj, sources


def _with_gp_staff(cand: pd.DataFrame, offer, estimated: dict, per_fte: float) -> pd.DataFrame:
    """``cand`` with ``gp_fte_today`` and ``gp_staff_basis`` (« publié », « estimé »,
    « inconnu », or « nouveau centre »)."""
    known = site_supply(offer, profession="gp").set_index("site_id")["fte"]
    est = pd.Series({k: e.consultations / per_fte for k, e in estimated.items()}, dtype=float)
    ids = cand["candidate_id"]
    fte = known.reindex(ids).to_numpy(dtype=float, copy=True)
    basis = np.where(np.isfinite(fte), "publié", "inconnu").astype(object)
    from_est = ids.isin(est.index).to_numpy()
    fte[from_est] = est.reindex(ids[from_est]).to_numpy(dtype=float)
    basis[from_est] = "estimé"
    new = ~cand["existing"].to_numpy(dtype=bool)
    basis[new], fte[new] = "nouveau centre", 0.0
    return cand.assign(gp_fte_today=fte, gp_staff_basis=basis)


def _world_sources(ctx, offer, professions, estimated=None, cand=None) -> list[dict]:
    """Source rows of the evaluation world (model, fit), of the headcount conversion and of
    the estimated staff of the operator's centres."""
    rows = [{
        "hypothèse": "modèle d'évaluation des effets sur l'APL",
        "valeur": ctx.model_id or f"APL officielle {ctx.year}", "unité": "identifiant",
        "statut": "estimé" if ctx.calibrated else "sourcé", "source": effects_note_fr(ctx),
    }]  # fmt: skip
    st = offer.staff
    if "gp" in professions and (st["fte"].isna() & (st["profession"] == "gp")).any():
        ratio = float(offer.centre_gp_fte_per_person)
        rows.append({
            "hypothèse": "ETP par médecin salarié de centre de santé connu en personnes",
            "valeur": ratio, "unité": "ETP par personne",
            "statut": "hypothèse" if ratio == CENTRE_GP_FTE_PER_PERSON else "valeur utilisateur",
            "source": headcount_note_fr(ratio),
        })  # fmt: skip
    names = {} if cand is None else dict(zip(cand["candidate_id"], cand["site_name"], strict=True))
    for site_id, est in (estimated or {}).items():
        rows.append({
            "hypothèse": f"médecins du centre « {names.get(site_id, site_id)} » (effectif "
                         "inconnu)",
            "valeur": round(est.consultations / CONSULTATIONS_PER_FTE, 2), "unité": "ETP",
            "statut": "estimé", "source": est.method,
            "note": f"{names.get(site_id, site_id)} : personnel médical inconnu, effectif "
                    f"{_fr.fmt_dec(est.consultations / CONSULTATIONS_PER_FTE, 1)} ETP "
                    f"{est.method}.",
        })  # fmt: skip
    return rows


def network_codes(operator: str = "filieris", *, offer=None, year: int = 2023,
                  context=None) -> list[str]:  # fmt: skip
    """Communes within 20 minutes (the DREES catchment of ``context``, default the
    calibrated world of ``year``) of an open centre de santé of ``operator``: the territory
    of a network-wide plan.

    Raises
    ------
    InputError
        The operator has no open centre de santé located in a commune with an APL.
    """
    ctx = context or _context(year)
    offer = offer if offer is not None else load_default_offer()
    s = offer.sites
    mine = s[(s["operator"] == operator) & (s["category"] == "centre_de_sante")
             & (s["status"] == "open") & s["commune"].isin(ctx.codes)]  # fmt: skip
    if mine.empty:
        msg = (f"operator '{operator}' has no open centre de santé in the offer: give "
               "--territory, or import the operator's sites (offer import)")  # fmt: skip
        raise InputError(msg)
    j = ctx.index_of(mine["commune"].unique())
    w = ctx.catchment.weights_csc[:, j]
    return sorted(ctx.codes[np.unique(sp.coo_array(w).row)].tolist())


def _context(year: int):
    """The default evaluation world of ``year``: the calibrated model (as scenarios)."""
    return default_baseline(year)


def _other_professions_world(ctx):
    """The world of professions other than GPs: the offline travel estimate of the needs
    layer (the calibrated travel times are fitted to the GP APL only), over ``ctx``'s
    communes."""
    if not ctx.calibrated:
        return ctx
    official = EvaluationBaseline.official(ctx.year)
    if len(official.codes) != len(ctx.codes) or (official.codes != ctx.codes).any():
        return ctx
    return official


def _years_budgets_hires(budgets_eur, hires_fte):
    if not budgets_eur:
        msg = "budgets_eur is empty; give at least one year, e.g. {2025: 3.2e6}"
        raise InputError(msg)
    years = sorted(int(y) for y in budgets_eur)
    if years != list(range(years[0], years[-1] + 1)):
        msg = f"budget years must be consecutive; got {years}"
        raise InputError(msg)
    budget = np.array([float(budgets_eur[y]) for y in years])
    if (~np.isfinite(budget) | (budget < 0)).any():
        msg = f"budgets must be euros ≥ 0; got {dict(zip(years, budget.tolist(), strict=True))}"
        raise InputError(msg)
    if isinstance(hires_fte, dict):
        missing = [y for y in years if y not in hires_fte]
        if missing:
            msg = f"hires_fte lacks years {missing}"
            raise InputError(msg)
        hires = np.array([float(hires_fte[y]) for y in years])
    else:
        hires = np.full(len(years), float(hires_fte))
    if (~np.isfinite(hires) | (hires < 0)).any():
        msg = f"hiring capacity must be FTE ≥ 0 per year; got {hires.tolist()}"
        raise InputError(msg)
    return years, budget, hires


def _rule_candidates(ctx, rows: np.ndarray, rule: CandidateRule, max_candidates):
    """Territory communes passing the rule, most people within 15 minutes first."""
    pop15 = population_within(ctx.catchment.weights, ctx.pop_totale, min_weight=2 / 3)[rows]
    codes = ctx.codes[rows]
    inputs = rule_inputs(codes)
    ok = eligible_communes(
        attraction_category=inputs["attraction_category"].to_numpy(dtype=float),
        urban_unit_size_class=inputs["urban_unit_size_class"].to_numpy(dtype=float),
        gp_count=inputs["gp_count"].to_numpy(dtype=float), population_15_min=pop15, rule=rule,
    )  # fmt: skip
    order = np.argsort(-pop15[ok], kind="stable")
    chosen = codes[ok][order]
    return list(chosen[:max_candidates] if max_candidates else chosen)


def _estimated_supply_source(profession: str, total_fte: float) -> dict:
    """The source row of a profession's supply estimated from the BPE 2021 (no supply file)."""
    p = PROFESSIONS[profession]
    return {
        "hypothèse": f"offre de {p.plural_fr} par commune (aucun fichier fourni)",
        "valeur": round(total_fte, 1), "unité": "ETP (communes évaluées)", "statut": "estimé",
        "source": "INSEE, Base permanente des équipements 2021 (effectifs libéraux, 1 "
                  "professionnel = 1 ETP) et personnel salarié connu de l'offre",
    }  # fmt: skip


def _supply_vector(ctx, offer, profession: str, supply_fte: pd.Series | None) -> np.ndarray:
    """FTE of ``profession`` per commune of ``ctx``: given, else for a profession with an
    estimated APL its estimate's supply (INSEE BPE 2021 libéral headcount plus the offer's
    salaried staff, « estimé »: :func:`proxisante.access.baseline_professions`), else the
    offer's staff."""
    if supply_fte is None and profession in ESTIMATED_PROFESSIONS:
        return baseline_professions(ctx, offer)[profession].supply_fte.copy()
    if supply_fte is None:
        per_site = site_supply(offer, profession=profession)
        supply_fte = per_site.groupby("commune")["fte"].sum()
    unknown = sorted(set(supply_fte.index) - set(ctx.codes))
    if unknown:
        msg = f"supply_fte has communes without an official APL or location: {unknown[:5]}"
        raise InputError(msg)
    s = supply_fte.reindex(ctx.codes).fillna(0.0).to_numpy(dtype=float)
    if not np.isfinite(s).all() or (s < 0).any() or s.sum() <= 0:
        msg = (f"no {profession} supply known (total {s.sum():g} FTE): give a supply file "
               "(commune,fte) or import an RPPS extract")  # fmt: skip
        raise InputError(msg)
    return s


def _home_care_measure(ctx):
    """Nurses' 75+ home-care access (:mod:`proxisante.plan.home_care`) on ``ctx``'s communes."""
    return home_care_measure(ctx.codes, ctx.catchment.weights, home_care_inputs())


def _freeze(offer, ctx, rows, years, a: PlanAssumptions, profession: str, operator: str,
            per_fte: float, catchment, estimated=None):  # fmt: skip
    """Access lost per commune and year under the freeze, FTE lost per year, basis, per site.

    GPs lose APL in ``ctx``'s world (:meth:`EvaluationBaseline.apl_after`: the change of
    the calibrated model's APL added to the official APL, never below 0); other professions
    through ``catchment``'s exact linear effects. ``estimated``: ``{site_id:
    SiteEstimate}`` of the operator's centres whose GP staff is unknown; their estimated
    staff (« estimé ») leaves like the others, at the site's commune
    (:meth:`~proxisante.model.site_estimate.SiteEstimate.removal`).
    """
    sites = offer.sites.set_index("site_id")
    st = offer.staff[(offer.staff["profession"] == profession)
                     & offer.staff["site_id"].isin(sites.index)]  # fmt: skip
    st = st[sites.loc[st["site_id"], "commune"].isin(ctx.codes[rows]).to_numpy()]
    st = st.assign(fte=staff_fte(offer, st))
    estimated = estimated or {}
    if estimated:
        extra = pd.DataFrame({"site_id": list(estimated), "profession": profession,
                              "fte": [e.consultations / per_fte for e in estimated.values()],
                              "birth_year": np.nan})  # fmt: skip
        st = pd.concat([st, extra], ignore_index=True)
    mine = set(sites.index[(sites["operator"] == operator) & (sites["status"] == "open")])
    loss = np.zeros((len(rows), len(years)))
    if st.empty:
        return (
            loss,
            np.zeros(len(years)),
            "aucun effectif connu",
            pd.DataFrame(columns=range(len(years))),
        )
    lost, by_birth = freeze_losses(
        st, years, attrition_per_year=a.attrition(profession), retirement_age=a.retirement_age,
        operator_sites=mine,
    )  # fmt: skip
    where = ctx.index_of(sites.loc[st["site_id"], "commune"].to_numpy())
    est_rows = np.flatnonzero(st["site_id"].isin(list(estimated)).to_numpy())
    plain = ~st["site_id"].isin(list(estimated)).to_numpy()
    for t in range(len(years)):
        if not lost[:, t].any():
            continue
        if profession == "gp":  # the APL world of scenarios: calibrated, never < 0
            parts = [(where[plain], -lost[plain, t] * per_fte)] + [
                estimated[st["site_id"].iloc[r]].removal(lost[r, t] * per_fte)
                for r in est_rows
            ]  # fmt: skip
            after = ctx.apl_after(np.concatenate([c for c, _ in parts]).astype(np.int64),
                                  np.concatenate([d for _, d in parts]))  # fmt: skip
            loss[:, t] = (ctx.baseline_apl - after)[rows]
        else:
            loss[:, t] = -catchment.delta(where, -lost[:, t] * per_fte)[rows]
    if by_birth.all():
        basis = "années de naissance connues (départ à l'âge de la retraite)"
    elif by_birth.any():
        basis = (f"années de naissance quand elles sont connues, sinon "
                 f"{a.attrition(profession):.0%} de départs par an".replace("%", " %"))  # fmt: skip
    else:
        basis = f"{a.attrition(profession):.0%} de départs non remplacés par an".replace("%", " %")
    if estimated:
        basis += " ; effectif des centres au personnel médical inconnu estimé (« estimé ») : " + (
            ", ".join(f"{sites.loc[k, 'name']} {_fr.fmt_dec(e.consultations / per_fte, 1)} ETP"
                      for k, e in estimated.items()))  # fmt: skip
    per_site = pd.DataFrame(lost, index=st["site_id"].to_numpy()).groupby(level=0).sum()
    return loss, lost.sum(axis=0), basis, per_site
