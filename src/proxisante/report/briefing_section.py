"""The mayor's and the MP's sections of the territory report, rendered from a Briefing.

Renders :class:`proxisante.scenarios.briefing.Briefing` (computed elsewhere) as French
:class:`ReportSection` objects: the printable one-page summary (lead), the zoning view, the
sites within reach, « Et si… », the network's weight and critical sites, and the sources.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from proxisante.catchment import WITHIN_CATCHMENT_FR
from proxisante.report import fr
from proxisante.report._jinja import environment
from proxisante.report.territory_report import ReportSection
from proxisante.sources import ZONING_DECREE, urls_in

__all__ = ["briefing_sections", "quotable_sentences"]


def quotable_sentences(b) -> list[tuple[str, str]]:
    """Ready-to-quote French sentences (text, source) from the briefing's figures."""
    label = b.territory.label
    place = b.territory.place
    t = b.comparison.iloc[0]
    france = b.comparison[b.comparison["level"] == "france"].iloc[0]
    drees = f"DREES, APL aux médecins généralistes {b.year}"
    out = [(
        f"{label} : {fr.fmt_dec(t['apl'], 2)} consultations de médecin généraliste accessibles "
        f"par habitant et par an en {b.year}, contre {fr.fmt_dec(france['apl'], 2)} en moyenne "
        "en France.", drees,
    )]  # fmt: skip
    if len(b.territory) > 1:
        out.append((
            f"{fr.fmt_int(t['population_zoning_under'])} habitants {place.of} vivent dans une "
            "commune sous le seuil de 2,5 consultations par an et par habitant selon l'APL des "
            "médecins de moins de 65 ans, celle du zonage "
            f"({fr.fmt_pct(t['share_zoning_under'])}, contre "
            f"{fr.fmt_pct(france['share_zoning_under'])} en France) ; "
            f"{fr.fmt_int(t['population_under_served'])} "
            f"({fr.fmt_pct(t['share_under_served'])}) en comptant aussi les médecins de 65 ans "
            "et plus.", f"{drees} (APL de tous les médecins et des moins de 65 ans)",
        ))  # fmt: skip
    r = b.retirement
    tail = (
        f" ; {fr.fmt_int(r['population_under_served_under_65'])} habitants vivraient sous le "
        "seuil de 2,5 retenu pour le zonage"
        if len(b.territory) > 1
        else ""
    )
    out.append((
        "Si les médecins généralistes de 65 ans et plus partaient à la retraite, l'APL "
        f"{place.of} passerait de {fr.fmt_dec(r['apl'], 2)} à {fr.fmt_dec(r['apl_under_65'], 2)}"
        f"{tail}.", f"{drees} (APL des médecins de moins de 65 ans)",
    ))  # fmt: skip
    known = b.closures[b.closures["delta_apl"].notna() & (b.closures["reason"] == "")]
    if len(known):
        k = known.iloc[0]
        ranged = (
            f", fourchette P10–P90 de {fr.fmt_dec(k['apl_before'] + k['delta_apl_low'], 2)} à "
            f"{fr.fmt_dec(k['apl_before'] + k['delta_apl_high'], 2)}"
            if k["delta_apl_low"] == k["delta_apl_low"]
            else ""
        )
        staff = (
            "page publique citée"
            if k["basis"] in ("headcount", "fte")
            else "aucune source publique, estimé par le modèle calibré de proxisante"
        )
        out.append((
            f"La fermeture du site « {k['name']} » ({k['commune_nom']}) ferait passer l'APL "
            f"{place.of} de {fr.fmt_dec(k['apl_before'], 2)} à {fr.fmt_dec(k['apl_after'], 2)} "
            f"(estimation{ranged}).",
            f"{drees} ; effectif du site : {staff} ; temps de trajet estimés (proxisante)",
        ))  # fmt: skip
    return out


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    if "source_date" in out.columns:
        out["source_date"] = out["source_date"].astype(object).where(out["source_date"].notna(), "")
    return out


def briefing_sections(b) -> list[ReportSection]:
    """French report sections for ``b`` (:class:`proxisante.scenarios.briefing.Briefing`)."""
    b = _cleaned(b)
    module = (
        environment()
        .get_template("briefing.html.j2")
        .make_module({"urls": urls_in, "decree": ZONING_DECREE})
    )
    op = b.operator.capitalize()
    src_drees = f"DREES, APL aux médecins généralistes {b.year} ({b.sources[0].url})"
    sections = [
        ReportSection(f"Fiche de synthèse — {b.territory.label}",
                      str(module.lead(b, quotable_sentences(b))), lead=True, anchor="fiche"),
        ReportSection(f"Sites de santé {WITHIN_CATCHMENT_FR} {b.territory.place.of}",
                      str(module.sites(b)),
                      anchor="sites"),
        ReportSection("Et si… départs à la retraite et fermetures", str(module.what_if(b)),
                      sources=[src_drees], anchor="et-si"),
        ReportSection(f"Le réseau {op} dans l'offre locale", str(module.network(b)),
                      anchor="reseau"),
        ReportSection("Zonage des zones sous-denses : APL des médecins de moins de 65 ans",
                      str(module.zoning(b)), sources=[ZONING_DECREE], anchor="zonage"),
        ReportSection("Sources", str(module.sources_table(b)), anchor="sources-detail"),
    ]  # fmt: skip
    return sections


def _cleaned(b):
    return replace(b, sites=_clean(b.sites), network_sites=_clean(b.network_sites),
                   network_planned=_clean(b.network_planned))  # fmt: skip
