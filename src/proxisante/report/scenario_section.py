"""French report section "Si … fermait": a scenario's before/after maps and the people affected."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from proxisante.report import fr
from proxisante.report._jinja import environment
from proxisante.report.maps import NO_DATA_COLOUR, communes_geojson, js_classes
from proxisante.report.territory_report import ReportSection
from proxisante.sources import urls_in
from proxisante.territory import Territory, load_commune_geometry, load_communes

__all__ = ["PROFESSIONS_METHOD_FR", "scenario_lead_section", "scenario_section"]

#: How the other professions' access of a scenario is obtained (report note and sources).
PROFESSIONS_METHOD_FR = (
    "Accès estimé : APL selon la méthode DREES de chaque profession (ETP pour 100 000 "
    "habitants standardisés, pour 100 000 femmes pour les sages-femmes), offre libérale de la "
    "BPE 2021 (INSEE ; 1 professionnel = 1 ETP) et personnel salarié connu, mêmes temps de "
    "trajet que les médecins ; les paramètres que la DREES ne publie pas (poids d'âge, "
    "décroissance) sont des hypothèses, détaillées par « proxisante apl --profession »."
)

_ids = itertools.count(1)


def scenario_section(
    result, territory: Territory, *, site_names: Mapping[str, str] | None = None,
    site_sources: Mapping[str, str] | None = None, max_rows: int = 15,
) -> ReportSection:  # fmt: skip
    """Build the French section for ``result`` (:class:`~proxisante.scenarios.ScenarioResult`).

    The maps show the territory's communes and every commune whose APL changes; figures are
    given for the territory and for all affected communes. ``site_names``: site id → name of
    the sites the scenario changes (e.g. :meth:`proxisante.workspace.Workspace.site_names`);
    a site without a name is shown by its id. ``site_sources``: site id → its ``source``
    text; the public pages it cites are printed beside the site and in the sources.
    """
    c = result.communes
    affected = c[c["delta_apl"] != 0]
    shown_codes = set(territory.codes) | set(affected["code_insee"])
    shown = c[c["code_insee"].isin(shown_codes)].copy()
    names = load_communes().set_index("code_insee")["nom"]
    shown["nom"] = names.reindex(shown["code_insee"]).to_numpy()
    shown["dans_territoire"] = shown["code_insee"].isin(territory.codes)
    props = shown[["code_insee", "nom", "apl_before", "apl_after", "delta_apl", "dans_territoire"]]
    geojson = communes_geojson(load_commune_geometry(props["code_insee"]), props)
    worst = shown[shown["delta_apl"] < 0].sort_values("delta_apl").head(max_rows)
    sites = result.changes.copy()
    if len(sites):
        known = site_names or {}
        sites["name"] = [known.get(s, s) for s in sites["site_id"]]
        sites["commune_nom"] = names.reindex(sites["commune"]).to_numpy()
        cited = site_sources or {}
        sites["urls"] = [urls_in(cited.get(s, "")) for s in sites["site_id"]]
    n = next(_ids)
    html = (
        environment()
        .get_template("scenario_section.html.j2")
        .render(
            res=result,
            sc=result.scenario,
            t=territory,
            s_terr=result.summary(territory.codes),
            s_all=result.summary(),
            ssiad=result.ssiad(territory.codes),
            professions=result.profession_table(territory.codes),
            professions_method=PROFESSIONS_METHOD_FR,
            worst=worst,
            sites=sites,
            geojson=geojson,
            js_classes=js_classes(),
            no_data=NO_DATA_COLOUR,
            map_before=f"scenario-{n}-avant",
            map_after=f"scenario-{n}-apres",
            year=result.scenario.baseline_year,
        )
    )
    pages = sorted({u for urls in sites.get("urls", []) for u in urls})
    sources = [
        f"Scénario « {result.scenario.name} » : {result.method}. Sites et effectifs : "
        "FINESS (2020) et pages publiques citées par site (liste Filieris partielle)"
        + (" : " + " ; ".join(pages) if pages else "")
        + ".",
    ]
    if result.professions:
        sources.append(f"Autres professions : {PROFESSIONS_METHOD_FR} Source de l'offre : INSEE, "
                       "Base permanente des équipements 2021 (niveau commune).")  # fmt: skip
    if any(c.available for c in result.ssiad(territory.codes)):
        sources.append(
            "Places de SSIAD pour 1 000 habitants de 75 ans et plus : définition DREES (STATISS) ; "
            "capacités des SSIAD et populations par âge INSEE (recensement, POP1B) chargées "
            "par l'utilisateur."
        )
    return ReportSection(title=f"Si… {result.scenario.name}", html=html, sources=sources)


#: How each kind of edit reads in a list of changes.
_VERB_FR = {"close_sites": "Fermeture", "operator_exit": "Fermeture",
            "change_staff": "Effectif modifié", "open_site": "Ouverture",
            "retirements": "Départs à la retraite"}  # fmt: skip


def _losers(result, territory: Territory, names, n: int):
    c = result.communes
    worst = c[c["code_insee"].isin(territory.codes) & (c["delta_apl"] < 0)]
    if worst.empty:  # a scenario felt outside the territory only
        worst = c[c["delta_apl"] < 0]
    worst = worst.sort_values(["newly_under", "delta_apl"], ascending=[False, True]).head(n)
    return worst.assign(nom=names.reindex(worst["code_insee"]).to_numpy())


def scenario_lead_section(result, territory: Territory, *,
                          site_names: Mapping[str, str] | None = None,
                          max_rows: int = 8) -> ReportSection:  # fmt: skip
    """The first page of a scenario report: the question, what changes, who loses the most
    and how many inhabitants of ``territory`` fall under 2.5 (with the P10–P90 range of the
    calibrated ensemble when there is one); the context (today, maps) follows it."""
    names = load_communes().set_index("code_insee")["nom"]
    s = result.summary(territory.codes)
    ranged = "newly_under_p10" in s
    changes = result.changes.copy()
    known = site_names or {}
    changes["name"] = [known.get(x, x) for x in changes["site_id"]]
    changes["commune_nom"] = names.reindex(changes["commune"]).to_numpy()
    changes["verb"] = [_VERB_FR.get(k, "Changement") for k in changes["kind"]]
    sc = result.scenario
    question = f"Que se passerait-il {territory.place.at} avec le scénario « {sc.name} » ?"
    if ranged:  # the P10 change is the larger drop: the range is written low to high
        low, high = sorted((s["newly_under_p10"], s["newly_under_p90"]))
        s = s | {"newly_under_low": low, "newly_under_high": high}
    span = (f" (fourchette P10–P90 : {fr.fmt_int(s['newly_under_low'])} à "
            f"{fr.fmt_int(s['newly_under_high'])})" if ranged else "")  # fmt: skip
    sentence = (
        f"Avec le scénario « {sc.name} », {fr.fmt_int(s['newly_under'])} habitants "
        f"{territory.place.of} passeraient sous le seuil de 2,5 consultations de médecin "
        f"généraliste par an et par habitant{span} ; {fr.fmt_int(s['under_after'])} y vivraient "
        f"au lieu de {fr.fmt_int(s['under_before'])}."
    )
    html = (
        environment()
        .get_template("scenario_lead.html.j2")
        .render(
            res=result,
            sc=sc,
            t=territory,
            s=s,
            ranged=ranged,
            changes=changes,
            losers=_losers(result, territory, names, max_rows),
            question=question,
            sentence=sentence,
        )
    )
    return ReportSection(title=f"Le scénario « {sc.name} » en bref", html=html, lead=True,
                         anchor="scenario-en-bref")  # fmt: skip
