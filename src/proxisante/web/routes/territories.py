"""Territories: search, official APL summary, commune polygons, health sites."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response

from proxisante._fr import commune_place, fmt_dec, fmt_int, fmt_pct
from proxisante.report import communes_geojson
from proxisante.web.context import WebContext, get_context
from proxisante.web.guards import selector_text
from proxisante.web.schemas import CommuneAPL, SearchHit, TerritorySummary
from proxisante.workspace import (
    UNDER_SERVED_APL,
    VIGILANCE_APL,
    ZONING_APL_FR,
    ZONING_LABELS_FR,
    check_commune_codes,
    load_commune_geometry,
    load_communes,
    load_departement_geometry,
    mining_basin_contour,
    no_cog_table,
    territory_apl_table,
    territory_of,
    under_served_population,
    zoning_classes,
)

__all__ = ["router"]

router = APIRouter()
_COMMUNE_CODE = re.compile(r"\d{5}|2[AB]\d{3}")
Context = Annotated[WebContext, Depends(get_context)]


@router.get("/api/search", response_model=list[SearchHit])
def search(q: str, ctx: Context, limit: int = 10) -> list[SearchHit]:
    """Communes, EPCI, départements, régions, constituencies, operators and sites matching
    ``q`` (name or code), best first: exact names before partial ones."""
    hits = ctx.search(q[:120], limit=max(1, min(limit, 50)))
    return [SearchHit(selector=h.selector, label=h.label, kind=h.kind, exact=h.exact)
            for h in hits]  # fmt: skip


@router.get("/api/territory/{selector}", response_model=TerritorySummary)
def territory(selector: str) -> TerritorySummary:
    """Official APL 2022/2023 summary and commune table of a territory."""
    return _summary(selector_text(selector))


@router.get("/api/territory/{selector}/geojson", include_in_schema=True)
def territory_geojson(selector: str) -> Response:
    """Commune polygons with APL 2023/2022 (GeoJSON, EPSG:4326); a mining basin's
    collection also holds its perimeter (``contour``, a FeatureCollection)."""
    return Response(_geojson(selector_text(selector)), media_type="application/geo+json")


@router.get("/api/territory/{selector}/sans-cog")
def territory_no_cog(selector: str) -> list[dict[str, Any]]:
    """Per year 2025-2028, inhabitants under 2.5 without a COG (« estimé », with its range):
    GPs aged 65+ leaving and new installations (:func:`proxisante.plan.baseline.
    no_cog_table`; the operator's own freeze is in ``plan cog``), beside the official anchors."""
    return _no_cog(selector_text(selector))


@router.get("/api/territory/{selector}/plan")
def territory_plan(
    selector: str, ctx: Context,
    from_year: Annotated[int, Query(alias="from", ge=2020, le=2060)] = 2025,
    to_year: Annotated[int, Query(alias="to", ge=2020, le=2060)] = 2028,
) -> dict[str, Any]:  # fmt: skip
    """The plan of ``plan cog -t SELECTOR`` (default budget, operator Filieris) against the
    world without a COG, per year: inhabitants under 2.5 by the zoning APL without a COG and
    with the plan (« estimé »), FTE, net cost, cost per inhabitant lifted above 2.5; with the
    report's chart (SVG) and the plan's sources. Solved with a 10 s limit, one plan at a time
    (HTTP 503 when busy), territories of at most 1,000 communes (HTTP 422 beyond); kept until
    the store changes."""
    return ctx.plan_versus(selector_text(selector), from_year, to_year)


@lru_cache(maxsize=64)
def _no_cog(selector: str) -> list[dict[str, Any]]:
    t = territory_of(selector)
    return no_cog_table(t.codes, range(2025, 2029)).to_dict("records")


@router.get("/api/communes/geojson")
def communes_geojson_route(codes: str) -> Response:
    """Polygons with APL 2023/2022 of up to 3,000 communes (comma-separated INSEE codes)."""
    wanted = tuple(sorted({c.strip().upper() for c in codes.split(",") if c.strip()}))
    if not wanted or len(wanted) > 3000:
        raise HTTPException(400, "give 1 to 3,000 comma-separated INSEE codes")
    bad = next((c for c in wanted if not _COMMUNE_CODE.fullmatch(c)), None)
    if bad is not None:
        shown = bad if len(bad) <= 12 else bad[:12] + f"… ({len(bad)} characters)"
        msg = f"'{shown}' is not an INSEE commune code (5 characters, e.g. 62523 or 2A004)"
        raise HTTPException(400, msg)
    return Response(_codes_geojson(wanted), media_type="application/geo+json")


@router.get("/api/departements/geojson")
def departements_geojson() -> Response:
    """National map: département polygons with their APL 2023 and 2022 (mean weighted by
    standardised population, the DREES rule) and the share of inhabitants in under-served
    communes (GeoJSON, EPSG:4326; property ``code`` is the département code)."""
    return Response(_departements_geojson(), media_type="application/geo+json")


@router.get("/api/sites")
def sites(
    territory: str, ctx: Context, operator: str | None = None,
    within_minutes: Annotated[float | None, Query(gt=0, le=60)] = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Health sites of a territory (the workspace's offer), optionally of one operator; with
    ``within_minutes``, also the sites of the communes within that estimated car time
    (``minutes``, ``dans_territoire`` false), e.g. 20 for a commune's catchment."""
    minutes = None if within_minutes is None else round(within_minutes, 1)
    return ctx.sites(selector_text(territory), operator, minutes)


@lru_cache(maxsize=128)
def _summary(selector: str) -> TerritorySummary:

    t = territory_of(selector)
    table = territory_apl_table(t.codes)
    s23, s22 = under_served_population(table, 2023), under_served_population(table, 2022)
    zoning = float(table.loc[table["apl_moins65_2023"] < UNDER_SERVED_APL, "pop_totale_2023"].sum())
    merged = t.communes[["code_insee", "nom", "population"]].merge(table, on="code_insee")
    merged["zonage"] = [ZONING_LABELS_FR[k] for k in zoning_classes(merged["apl_moins65_2023"])]
    rows = [
        CommuneAPL(
            code_insee=r.code_insee,
            nom=r.nom,
            population=None if pd.isna(r.population) else float(r.population),
            apl_2023=None if pd.isna(r.apl_2023) else float(r.apl_2023),
            apl_2022=None if pd.isna(r.apl_2022) else float(r.apl_2022),
            sous_dote_2023=None if pd.isna(r.sous_dote_2023) else bool(r.sous_dote_2023),
            zonage_2023=r.zonage,
            a=commune_place(str(r.nom)).at,
        )
        for r in merged.sort_values("apl_2023", na_position="last").itertuples()
    ]
    return TerritorySummary(
        selector=selector,
        label=t.label,
        communes=len(t),
        population_2021=s23["population"],
        under_served_2023=s23["under_served"],
        under_served_2022=s22["under_served"],
        mean_apl_2023=s23["mean_apl"],
        communes_list=rows,
        under_served_zoning_2023=zoning,
        **_question_and_answer(t, rows, s23, s22, zoning),
    )


def _question_and_answer(t, rows: list[CommuneAPL], s23: dict, s22: dict,
                         zoning: float) -> dict[str, str]:  # fmt: skip
    """The question the summary answers and its answer, in French: for a commune, whether
    it is under-served; for an area, how many of its inhabitants live in under-served
    communes (official APL 2023 and 2022 with their population)."""

    low, high = fmt_dec(UNDER_SERVED_APL, 1), fmt_dec(VIGILANCE_APL, 0)
    if t.kind == "commune" and len(rows) == 1:
        apl, prev = rows[0].apl_2023, rows[0].apl_2022
        question = f"La commune {t.place.of} est-elle sous-dotée en médecins généralistes ?"
        if apl is None:
            return {"question": question, "answer": "L'APL 2023 de cette commune n'est pas "
                    "publiée par la DREES."}  # fmt: skip
        verdict = ("Oui" if apl < UNDER_SERVED_APL else "Non, mais en zone de vigilance"
                   if apl < VIGILANCE_APL else "Non")  # fmt: skip
        return {"question": question, "answer": (
            f"{verdict} : APL 2023 de {fmt_dec(apl, 2)} consultations par an et par habitant "
            f"standardisé (sous-dotée en dessous de {low}, vigilance de {low} à {high} ; DREES) ; "
            f"{fmt_dec(prev, 2)} en 2022 ; zonage selon l'{ZONING_APL_FR} : "
            f"{rows[0].zonage_2023}.")}  # fmt: skip
    question = (
        f"Combien d'habitants {t.place.of} vivent dans une commune sous-dotée en "
        "médecins généralistes ?"
    )
    return {"question": question, "answer": (
            f"{fmt_int(s23['under_served'])} habitants sur {fmt_int(s23['population'])} "
            f"({fmt_pct(s23['share'])}) en 2023, dans {fmt_int(s23['communes_under_served'])} "
            f"commune(s) d'APL inférieure à {low} (DREES, population INSEE "
            f"{s23['population_year']}) ; {fmt_int(s22['under_served'])} en 2022 ; "
            f"{fmt_int(zoning)} selon l'{ZONING_APL_FR}, en commune « type ZIP ».")}  # fmt: skip


@lru_cache(maxsize=128)
def _geojson(selector: str) -> str:

    t = territory_of(selector)
    table = territory_apl_table(t.codes)
    props = t.communes[["code_insee", "nom"]].merge(
        table[["code_insee", "apl_2023", "apl_2022", "apl_moins65_2023"]]
    )
    props["zonage"] = [ZONING_LABELS_FR[k] for k in zoning_classes(props["apl_moins65_2023"])]
    text = communes_geojson(load_commune_geometry(t.codes), props)
    if t.kind != "bassin":
        return text

    # a mining basin's perimeter, as a foreign member of the collection (RFC 7946 § 6.1)
    return text[:-1] + ',"contour":' + mining_basin_contour(t.key) + "}"


@lru_cache(maxsize=256)
def _codes_geojson(codes: tuple[str, ...]) -> str:

    check_commune_codes(codes)
    c = load_communes()
    c = c[c["code_insee"].isin(codes)][["code_insee", "nom"]]
    table = territory_apl_table(c["code_insee"])
    props = c.merge(table[["code_insee", "apl_2023", "apl_2022"]]).assign(dans_territoire=False)
    return communes_geojson(load_commune_geometry(codes), props)


@lru_cache(maxsize=1)
def national_answer() -> str:
    """The home page's answer, in French: inhabitants of under-served communes in France
    (official APL 2023 and its population), with the source."""

    table = territory_apl_table(load_communes()["code_insee"])
    s = under_served_population(table, 2023)
    zoning = float(table.loc[table["apl_moins65_2023"] < UNDER_SERVED_APL, "pop_totale_2023"].sum())
    return (f"En 2023, {fmt_int(s['under_served'])} habitants ({fmt_pct(s['share'])} de la "
            f"population) vivent dans une commune sous-dotée en médecins généralistes : moins de "
            f"2,5 consultations accessibles par an et par habitant standardisé (APL, DREES 2023, "
            f"population INSEE {s['population_year']}) ; {fmt_int(zoning)} "
            f"({fmt_pct(zoning / s['population'])}) selon l'{ZONING_APL_FR}, en commune « type "
            f"ZIP ». Sur la carte, les départements en rouge ont une APL moyenne inférieure à "
            f"2,5.")  # fmt: skip


@lru_cache(maxsize=1)
def _departements_geojson() -> str:

    communes = load_communes()  # Paris, Lyon, Marseille: the APL is by arrondissement
    table = territory_apl_table(communes["code_insee"]).merge(
        communes[["code_insee", "departement"]], on="code_insee"
    )
    rows = []
    for dep, part in table.groupby("departement"):
        s23, s22 = under_served_population(part, 2023), under_served_population(part, 2022)
        rows.append({"departement": dep, "apl_2023": round(s23["mean_apl"], 3),
                     "apl_2022": round(s22["mean_apl"], 3),
                     "part_sous_dotee_2023": round(s23["share"], 4),
                     "population": s23["population"]})  # fmt: skip
    geo = load_departement_geometry().merge(pd.DataFrame(rows), on="departement", how="left")
    geo = geo.rename(columns={"departement": "code"})
    return geo.to_json(drop_id=True, na="null")
