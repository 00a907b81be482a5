"""Façade of the needs layer: one call assembles ages, bassin attachment, needs indicators and
home-care access for every commune, with the user's imports (INSEE POP1B ages, RPPS nurses,
FINESS SSIAD capacities) replacing the estimates where given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import pandas as pd

from proxisante.needs.age_estimate import AgeEstimate, estimate_population_by_age
from proxisante.needs.bassins import attach_bassins_vie, attachment_counts
from proxisante.needs.home_care import (
    DEFAULT_CUTOFF_MINUTES,
    PLACE_MEASURES,
    HomeCareAccess,
    estimate_nurse_supply,
    home_care_access,
)
from proxisante.needs.layer import Indicator, NeedsComparison, commune_needs, compare_territory
from proxisante.needs.prevention import (
    PREVENTION_CATEGORIES,
    centre_reach,
    covered,
    reach_change,
    target_populations,
)
from proxisante.offer import load_default_offer, operator_label
from proxisante.offer.importing import load_offer, load_population_by_age
from proxisante.professions import PROFESSIONS
from proxisante.territory import (
    load_bassin_vie_indicators,
    load_bpe2021_counts,
    load_communes,
    load_departement_indicators,
)
from proxisante.travel import estimate_matrix

__all__ = [
    "ESTIMATE_SENTENCE_FR",
    "NeedsData",
    "centre_coverage_change",
    "default_ages",
    "home_care_summary",
    "load_needs",
    "nurse_supply",
    "prevention_change",
    "prevention_reach",
    "territory_needs",
]

#: The nurses of the home-care measures (the registry's profession).
NURSE = PROFESSIONS["nurse"]

#: The one sentence every French output prints next to these figures.
ESTIMATE_SENTENCE_FR = (
    "Estimations : la population par âge de chaque commune est estimée (sauf import INSEE) à "
    "partir du rapport population standardisée / population totale de la DREES (APL) et des "
    "parts de 75 ans ou plus et de moins de 15 ans publiées par bassin de vie (INSEE 2022) ; "
    "les communes sont rattachées aux bassins de vie 2022 par leur bassin 2012 ou le centre le "
    f"plus proche ; les {NURSE.plural_fr} libéraux par commune sont ceux de la BPE 2021 (INSEE) "
    "calés sur le nombre départemental 2024 (sauf import RPPS) ; l'accès compte l'offre "
    "à moins de {cutoff:.0f} minutes (temps de trajet estimés) pour 1 000 habitants de 75 ans "
    "ou plus ; seuil « sous-doté » : hypothèse de moins de la moitié de la référence nationale."
)

_NURSE_IND = Indicator(
    "nurse_access",
    f"{NURSE.plural_fr.capitalize()} libéraux accessibles pour 1 000 habitants de 75 ans ou plus",
    "pour 1 000 hab. de 75 ans ou plus", "commune (estimé)",
    f"INSEE BPE 2021 ({NURSE.plural_fr} par commune) calée sur INSEE 2024 (effectif "
    "départemental), estimation proxisante", 2024, "", 1,
)  # fmt: skip
_PLACE_INDS = {
    "ssiad": Indicator(
        "ssiad_access", "Places de SSIAD accessibles pour 1 000 habitants de 75 ans ou plus",
        "pour 1 000 hab. de 75 ans ou plus", "commune (estimé)",
        "FINESS (places installées ; Occitanie : extraction 2026), ailleurs nombre INSEE BPE "
        "2021 (places inconnues), estimation proxisante", 0, "", 1,
    ),
    "ehpad": Indicator(
        "ehpad_access", "Places d'EHPAD accessibles pour 1 000 habitants de 75 ans ou plus",
        "pour 1 000 hab. de 75 ans ou plus", "commune (estimé)",
        "FINESS (places installées ; Occitanie : extraction 2026), ailleurs nombre INSEE BPE "
        "2021 (places inconnues), estimation proxisante", 0, "", 1,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class NeedsData:
    """Everything the needs outputs draw on, for every commune of France."""

    ages: AgeEstimate
    attachment: pd.DataFrame
    needs: pd.DataFrame
    bassins: pd.DataFrame
    departements: pd.DataFrame
    home_care: HomeCareAccess
    nurses: pd.DataFrame

    @property
    def population(self) -> pd.Series:
        """Inhabitants per commune (total of the age bands)."""
        return self.ages.bands.sum(axis=1)

    @property
    def pop_75_plus(self) -> pd.Series:
        """Inhabitants aged 75+ per commune."""
        return self.ages.aged(75)

    def attachment_summary(self) -> dict[str, int]:
        """Communes (type COM) per attachment kind, and the approximate ones."""
        com = set(load_communes().query("type == 'COM'")["code_insee"])
        return attachment_counts(self.attachment[self.attachment["code_insee"].isin(com)])


def nurse_supply(departements: pd.DataFrame, needs: pd.DataFrame, population: pd.Series,
                 staff: pd.DataFrame | None = None) -> pd.DataFrame:  # fmt: skip
    """Nurses per commune: the INSEE BPE 2021 commune counts scaled to the département counts
    of 2024 (bassin densities where a département's communes lack a BPE count), replaced by
    imported staff where there is some.

    Imported nurse rows (``staff`` rows of profession ``nurse`` written by an import, i.e.
    with an ``import_id``) replace the estimate in every département they cover: a partial
    RPPS extract (one région) leaves the other départements estimated. Basis
    ``rpps_import`` marks them.
    """
    n = needs.set_index("code_insee")
    bpe = load_bpe2021_counts().set_index("code_insee")[NURSE.code].astype(float)
    est = estimate_nurse_supply(
        population, n["departement"].reindex(population.index),
        n["nurse_density"].reindex(population.index),
        departements.set_index("departement")["nurse_count_2024"],
        observed=bpe.reindex(population.index),
    )  # fmt: skip
    if staff is None or staff.empty:
        return est
    imp = staff[(staff["profession"] == "nurse") & staff["import_id"].notna()]
    if imp.empty:
        return est
    fte = imp["fte"].astype("Float64").fillna(imp["headcount"].astype("Float64"))
    counts = fte.groupby(imp["commune"].to_numpy()).sum().astype(float)
    deps = set(n["departement"].reindex(counts.index).dropna())
    covered = n["departement"].reindex(est.index).isin(deps)
    est.loc[covered, "nurses"] = counts.reindex(est.index[covered]).fillna(0.0).to_numpy()
    est.loc[covered, "basis"] = "rpps_import"
    return est


@cache
def default_ages() -> AgeEstimate:
    """The population by age of every commune estimated from the bundled data (cached)."""
    return estimate_population_by_age(attachment=attach_bassins_vie(),
                                      bassins=load_bassin_vie_indicators())  # fmt: skip


def _build(imported_ages: pd.DataFrame | None, sites: pd.DataFrame, staff: pd.DataFrame | None,
           cutoff_minutes: float) -> NeedsData:  # fmt: skip
    attachment = attach_bassins_vie()
    bassins = load_bassin_vie_indicators()
    deps = load_departement_indicators()
    if imported_ages is None or imported_ages.empty:
        ages = default_ages()
    else:
        ages = estimate_population_by_age(attachment=attachment, bassins=bassins,
                                          imported=imported_ages)  # fmt: skip
    needs = commune_needs(attachment, bassins, deps, load_communes())
    pop = ages.bands.sum(axis=1)
    nurses = nurse_supply(deps, needs, pop, staff)
    hc = home_care_access(nurses=nurses, pop_75_plus=ages.aged(75), sites=sites,
                          cutoff_minutes=cutoff_minutes)  # fmt: skip
    return NeedsData(ages, attachment, needs, bassins, deps, hc, nurses)


@cache
def _default(cutoff_minutes: float) -> NeedsData:
    return _build(None, load_default_offer().sites, None, cutoff_minutes)


def load_needs(
    store=None, *, sites: pd.DataFrame | None = None, ages: pd.DataFrame | None = None,
    staff: pd.DataFrame | None = None, cutoff_minutes: float = DEFAULT_CUTOFF_MINUTES,
) -> NeedsData:  # fmt: skip
    """The needs layer of France, with the user's imports replacing the estimates.

    Parameters
    ----------
    store
        Project store (:class:`~proxisante.store.Store`): its INSEE POP1B import replaces the
        age estimate of its communes, its RPPS nurses the nurse estimate of their
        départements, its FINESS sites (with SSIAD capacities) the bundled offer.
    sites, ages, staff
        Instead of a store: the offer's sites (e.g. a workspace's or a scenario's), imported
        population by age band (index INSEE code) and the offer's staff.
    cutoff_minutes
        Catchment of the home-care measures, minutes.

    With no argument, the bundled data only (cached).
    """
    if store is None and sites is None and ages is None and staff is None:
        return _default(float(cutoff_minutes))
    if store is not None:
        offer = load_offer(store)
        ages = load_population_by_age(store) if ages is None else ages
        sites = offer.sites if sites is None else sites
        staff = offer.staff if staff is None else staff
    if sites is None:
        sites = load_default_offer().sites
    return _build(ages, sites, staff, float(cutoff_minutes))


def territory_needs(codes, *, label: str, data: NeedsData) -> NeedsComparison:
    """The territory against its département and France on needs and home-care access."""
    hc = data.home_care
    old = data.pop_75_plus
    extra = {
        "nurse_access": (_NURSE_IND, hc.table["nurses_per_1000_75"], old, hc.nurse_france,
                         "valeur nationale (total des infirmiers / total des 75 ans ou plus)"),
    }  # fmt: skip
    for key, m in PLACE_MEASURES.items():
        if key == "ssiad" and hc.ssiad_missing:
            continue
        extra[f"{key}_access"] = (
            _PLACE_INDS[key],
            hc.table[f"{key}_per_1000_75"],
            old,
            m.france_per_1000,
            f"référence nationale : {m.france_source}",
        )
    comp = compare_territory(
        codes, label=label, needs=data.needs, population=data.population,
        pop_75_plus=old, bassins=data.bassins, departements=data.departements, extra=extra,
    )  # fmt: skip
    _say_unknown_places(comp, codes, data)
    if hc.ssiad_missing:
        comp.notes.append(f"Places de SSIAD accessibles : non disponible ({hc.ssiad_missing}).")
    nurse_t = f"{hc.nurse_threshold:.1f}".replace(".", ",")
    ssiad_t = f"{hc.ssiad_threshold:.1f}".replace(".", ",")
    comp.notes.append(
        f"Seuil « sous-doté » (hypothèse) : moins de la moitié de la référence nationale, soit "
        f"{nurse_t} infirmiers ou {ssiad_t} places de SSIAD pour 1 000 habitants de 75 ans "
        "ou plus."
    )
    unknown_ages = int(
        (~pd.Index(np.asarray(list(codes), dtype=str)).isin(data.ages.bands.index)).sum()
    )
    if unknown_ages:
        comp.notes.append(
            f"{unknown_ages} commune(s) sans population par âge (hors fichier DREES)."
        )
    return comp


def _say_unknown_places(comp: NeedsComparison, codes, data: NeedsData) -> None:
    """Replace the SSIAD/EHPAD rows' missing values by « places inconnues » with the count of
    services within reach, and flag minimums (some places within reach unknown)."""
    # deferred: import cycle (needs.change imports this module at its top)
    from proxisante.needs.change import places_note_fr

    t = data.home_care.table
    old = data.pop_75_plus
    dep_codes = data.needs.loc[data.needs["departement"] == comp.departement, "code_insee"]
    for i, r in enumerate(comp.rows):
        key = r.indicator.key.removesuffix("_access")
        if key not in PLACE_MEASURES:
            continue
        unit = PLACE_MEASURES[key].unit_fr
        notes = []
        for where, value in ((codes, r.territory), (dep_codes, r.departement)):
            where = pd.Index(np.asarray(list(where), dtype=str))
            unknown = t[f"{key}_unknown_in_reach"].reindex(where).fillna(0)
            notes.append(places_note_fr(unknown, old.reindex(where).fillna(0.0), value, unit))
        texts = ["places inconnues" if n.startswith("places inconnues") else "" for n in notes]
        comp.rows[i] = replace(
            r, territory_text=texts[0], departement_text=texts[1],
            territory_basis=f"{r.territory_basis} ; {notes[0]}" if notes[0] else r.territory_basis,
            departement_basis=(f"{r.departement_basis} ; {notes[1]}" if notes[1]
                               else r.departement_basis),
        )  # fmt: skip
        if notes[0]:
            comp.notes.append(f"{r.indicator.label_fr} ({comp.label}) : {notes[0]}.")


def _centres(sites: pd.DataFrame, *, include_closed: bool = False) -> pd.DataFrame:
    """Centres de santé and maisons de santé of ``sites``
    (:data:`~proxisante.needs.prevention.PREVENTION_CATEGORIES`), Filieris first, with a point
    (the commune's when the site has none)."""
    c = sites[sites["category"].isin(PREVENTION_CATEGORIES)]
    if not include_closed:
        c = c[c["status"] == "open"]
    pts = load_communes().set_index("code_insee")[["lat", "lon"]]
    lat = c["lat"].astype(float).fillna(c["commune"].map(pts["lat"]))
    lon = c["lon"].astype(float).fillna(c["commune"].map(pts["lon"]))
    out = c.assign(lat=lat.to_numpy(), lon=lon.to_numpy()).dropna(subset=["lat", "lon"])
    first = (out["operator"].fillna("").str.lower() != "filieris").to_numpy()
    return out.assign(_order=first).sort_values(["_order", "site_id"]).drop(columns="_order")


def _centre_travel(data: NeedsData, centres: pd.DataFrame, cutoff_minutes: float):
    com = load_communes().set_index("code_insee")[["lat", "lon"]]
    com = com.reindex(data.ages.bands.index).dropna()
    return estimate_matrix(
        com.index.to_numpy(dtype=str), com["lat"], com["lon"],
        centres["site_id"].to_numpy(dtype=str), centres["lat"], centres["lon"],
        cutoff_minutes=cutoff_minutes,
    )  # fmt: skip


def prevention_reach(
    data: NeedsData, sites: pd.DataFrame, *, cutoff_minutes: float = DEFAULT_CUTOFF_MINUTES
) -> pd.DataFrame:
    """Target populations of prevention programmes within reach of each open centre de santé
    or maison de santé.

    Returns
    -------
    pandas.DataFrame
        One row per open centre (Filieris first): ``site_id``, ``name``, ``operator``,
        ``operator_fr`` (who runs it, in French: :func:`proxisante.offer.operator_label`),
        ``category``, ``commune``, ``establishments`` (more than 1 for a commune-level BPE
        entry), and per target of :data:`~proxisante.needs.prevention.PREVENTION_TARGETS`
        the inhabitants within ``cutoff_minutes`` (``<key>``) and those with no other open
        centre within reach (``<key>_sole``: what a closure would leave without one).
    """
    cols = ["site_id", "name", "operator", "operator_fr", "category", "commune",
            "establishments"]  # fmt: skip
    centres = _centres(sites)
    if centres.empty:
        return pd.DataFrame(columns=cols)
    tm = _centre_travel(data, centres, cutoff_minutes)
    count = _establishments(centres)
    reach = centre_reach(tm, target_populations(data.ages), establishments=count)
    info = centres.assign(operator_fr=operator_label(centres), establishments=count)
    return info.set_index("site_id")[cols[1:]].join(reach).rename_axis("site_id").reset_index()


def _establishments(sites: pd.DataFrame) -> np.ndarray:
    """Establishments each row stands for (1 unless a commune-level entry says more)."""
    if "establishments" not in sites.columns:
        return np.ones(len(sites))
    return pd.to_numeric(sites["establishments"], errors="coerce").fillna(1).to_numpy(float)


def prevention_change(
    data: NeedsData, sites_before: pd.DataFrame, sites_after: pd.DataFrame, *,
    cutoff_minutes: float = DEFAULT_CUTOFF_MINUTES, codes=None,
) -> pd.DataFrame:  # fmt: skip
    """Target populations within reach of an open health centre before and after an edit of
    the sites (closures, openings): :func:`~proxisante.needs.prevention.reach_change`;
    ``codes`` restricts the populations counted to a territory's communes."""
    return _prevention(data, sites_before, sites_after, cutoff_minutes, codes)[0]


def centre_coverage_change(
    data: NeedsData, sites_before: pd.DataFrame, sites_after: pd.DataFrame, *,
    cutoff_minutes: float = DEFAULT_CUTOFF_MINUTES, codes=None,
) -> pd.DataFrame:  # fmt: skip
    """Per commune of ``codes`` (default every commune with ages): whether an open health
    centre is within ``cutoff_minutes`` before and after (columns ``before``, ``after``,
    booleans; index INSEE code)."""
    return _prevention(data, sites_before, sites_after, cutoff_minutes, codes)[1]


def _prevention(data, sites_before, sites_after, cutoff_minutes, codes):
    """:func:`prevention_change` and :func:`centre_coverage_change` on one travel matrix."""
    both = pd.concat([sites_before, sites_after], ignore_index=True)
    centres = _centres(both, include_closed=True).drop_duplicates("site_id")
    targets = target_populations(data.ages)
    if codes is not None:
        targets = targets[targets.index.isin(np.asarray(list(codes), dtype=str))]
    index = pd.Index(targets.index, name="code_insee")
    if centres.empty:
        zeros = dict.fromkeys(["before", "after", "change", "lost", "gained"], 0.0)
        table = pd.DataFrame.from_dict({k: zeros for k in targets.columns}, orient="index")
        return table, pd.DataFrame({"before": False, "after": False}, index=index)
    tm = _centre_travel(data, centres, cutoff_minutes)

    def is_open(s: pd.DataFrame) -> np.ndarray:
        ids = set(s.loc[s["category"].isin(PREVENTION_CATEGORIES) & (s["status"] == "open"),
                        "site_id"])  # fmt: skip
        return centres["site_id"].isin(ids).to_numpy()

    before, after = is_open(sites_before), is_open(sites_after)
    table = reach_change(tm, targets, open_before=before, open_after=after)
    origin = pd.Index(tm.origin_ids)
    coverage = pd.DataFrame({"before": covered(tm, before), "after": covered(tm, after)},
                            index=origin).reindex(index, fill_value=False)  # fmt: skip
    return table, coverage


def home_care_summary(codes, data: NeedsData) -> dict[str, float]:
    """Inhabitants aged 75+ of a territory and how many live in a commune under the home-care
    thresholds (« hypothèse »: below half the national reference).

    Returns
    -------
    dict
        ``pop_75_plus``, ``pop_75_plus_nurse_under_served``, ``communes``,
        ``communes_nurse_under_served``, ``nurse_threshold``, ``ssiad_threshold`` and, when
        SSIAD places are known, ``pop_75_plus_ssiad_under_served``.
    """
    t = data.home_care.table.reindex(pd.Index(np.asarray(list(codes), dtype=str)))
    old = t["pop_75_plus"].fillna(0.0)
    under = t["nurse_under_served"].fillna(False).astype(bool)
    out = {
        "pop_75_plus": float(old.sum()),
        "pop_75_plus_nurse_under_served": float(old[under].sum()),
        "communes": len(t),
        "communes_nurse_under_served": int(under.sum()),
        "nurse_threshold": data.home_care.nurse_threshold,
        "ssiad_threshold": data.home_care.ssiad_threshold,
    }
    if not data.home_care.ssiad_missing:
        s_under = t["ssiad_under_served"].fillna(False).astype(bool)
        out["pop_75_plus_ssiad_under_served"] = float(old[s_under].sum())
    return out
