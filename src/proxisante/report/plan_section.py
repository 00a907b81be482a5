"""French report section for a multi-year plan (COG): where and who each year, money,
indicators against the "sans COG" baseline and today, map of the sites and access after,
budget scenarios side by side, sources and assumptions."""

from __future__ import annotations

import json
from html import escape

import numpy as np
import pandas as pd

from proxisante.plan.cog import PROFESSION_FR, SHORT_FR, budget_label, mean_label, threshold_fr
from proxisante.report import fr
from proxisante.report.maps import NO_DATA_COLOUR, communes_geojson, js_classes
from proxisante.report.territory_report import ReportSection
from proxisante.territory import load_commune_geometry, load_communes

__all__ = ["VERSUS_NOTE_FR", "plan_lead_section", "plan_section", "versus_chart"]


def _bars(values: list[float], labels: list[str], *, title: str, colour: str) -> str:
    """A small inline SVG bar chart (no JavaScript, renders anywhere)."""
    w, h, pad = 420, 180, 30
    top = max(max(values), 1e-9)
    bw = (w - 2 * pad) / max(len(values), 1)
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{w}" height="{h + 40}" '
        f'viewBox="0 0 {w} {h + 40}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="{pad}" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (v, lab) in enumerate(zip(values, labels, strict=True)):
        bh = (h - 40) * max(v, 0.0) / top
        x = pad + i * bw + 6
        y = h - bh
        mid = x + (bw - 12) / 2
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw - 12:.1f}" height="{bh:.1f}" '
                     f'fill="{colour}"/>')  # fmt: skip
        parts.append(f'<text x="{mid:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle">'
                     f"{escape(fr.fmt_int(v))}</text>")  # fmt: skip
        parts.append(f'<text x="{mid:.1f}" y="{h + 16}" font-size="11" text-anchor="middle">'
                     f"{escape(lab)}</text>")  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def _paired_bars(
    first: list[float],
    second: list[float],
    labels: list[str],
    *,
    title: str,
    names: tuple[str, str],
) -> str:
    """Inline SVG: two bars per year (e.g. without a COG, with the plan), with a legend."""
    w, h, pad = 460, 200, 30
    top = max(max(first + second), 1e-9)
    gw = (w - 2 * pad) / max(len(labels), 1)
    colours = ("#b2182b", "#000091")
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{w}" height="{h + 60}" '
        f'viewBox="0 0 {w} {h + 60}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="{pad}" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i, lab in enumerate(labels):
        for j, v in enumerate((first[i], second[i])):
            bh = (h - 50) * max(v, 0.0) / top
            bw = (gw - 14) / 2
            x = pad + i * gw + 6 + j * bw
            parts.append(f'<rect x="{x:.1f}" y="{h - bh:.1f}" width="{bw:.1f}" height="{bh:.1f}" '
                         f'fill="{colours[j]}"/>')  # fmt: skip
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{h - bh - 4:.1f}" font-size="10" '
                         f'text-anchor="middle">{escape(fr.fmt_int(v))}</text>')  # fmt: skip
        parts.append(f'<text x="{pad + i * gw + gw / 2:.1f}" y="{h + 16}" font-size="11" '
                     f'text-anchor="middle">{escape(lab)}</text>')  # fmt: skip
    for j, name in enumerate(names):
        y = h + 34 + 14 * j
        parts.append(f'<rect x="{pad}" y="{y - 9}" width="10" height="10" '
                     f'fill="{colours[j]}"/><text x="{pad + 16}" y="{y}" font-size="11">'
                     f"{escape(name)}</text>")  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


#: What the plan-against-no-COG figures are (French, under the chart and table).
VERSUS_NOTE_FR = (
    "APL zonage : APL des médecins généralistes de moins de 65 ans (règle du zonage), projetée "
    "année par année avec les installations observées et le gel des embauches de l'opérateur ; "
    "accès projeté : APL de tous les médecins, dont ceux de 65 ans et plus qui partent "
    "progressivement. Chiffres « estimé » avec leur fourchette ; l'ancrage officiel est l'APL "
    "DREES de l'année de référence."
)


def versus_chart(v: pd.DataFrame) -> str:
    """Inline SVG of :func:`proxisante.plan.compare.versus_no_cog`: inhabitants under 2.5 by
    the zoning APL per year, without a COG and with the plan (empty text without rows)."""
    if v.empty:
        return ""
    return _paired_bars(
        v.iloc[:, 1].tolist(), v.iloc[:, 3].tolist(), [str(y) for y in v["année"]],
        title="Habitants sous 2,5 (APL zonage, estimé)", names=("sans COG", "avec le plan"),
    )  # fmt: skip


def _versus(plan) -> str:
    """Plan against the world without a COG: chart and table per year (GPs)."""
    v = plan.versus
    if v.empty:
        return ""
    return (
        "<h3>Le plan face à la situation sans COG</h3>"
        f"<p class='note'>{escape(VERSUS_NOTE_FR, quote=False)}</p>"
        + versus_chart(v)
        + _table(v, cls="plan versus")
    )


def _sensitivity(plan) -> str:
    """The ±20 % table of cost, revenue and activity, when the plan has one."""
    if plan.sensitivity.empty:
        return ""
    return ("<h3>Sensibilité : coûts, recettes et activité à ±20 %</h3><p class='note'>"
            "Chaque variante est ré-optimisée avec le même budget et la même capacité de "
            "recrutement ; l'activité change les recettes et l'effet d'un recrutement sur "
            "l'APL.</p>" + _table(plan.sensitivity, cls="plan sensitivity"))  # fmt: skip


def _served(plan, site_code: str, top: int = 5) -> str:
    """The communes a site's hires reach most, as a short French list."""
    d = plan.served
    if d.empty:
        return ""
    part = d[d["code site"] == site_code]
    if part.empty:
        return ""
    cols = list(part.columns)
    items = [f"{escape(str(r['commune desservie']))} ({fr.fmt_int(r['habitants'])} hab., "
             f"{fr.fmt_dec(r[cols[6]], 2)} → {fr.fmt_dec(r[cols[7]], 2)}"
             + (f", {escape(str(r[cols[8]]))}" if len(cols) > 8 else "") + ")"
             for _, r in part.head(top).iterrows()]  # fmt: skip
    more = f" et {len(part) - top} autres communes" if len(part) > top else ""
    return (
        "<br><span class='note'>Communes desservies (APL sans COG → avec le plan, "
        f"dernière année) : {', '.join(items)}{more}.</span>"
    )


def _eur(v) -> str:
    return f"{fr.fmt_int(v)}\u202f€"


def _fte(v) -> str:
    return fr.fmt_dec(v, 1)


def _table(df: pd.DataFrame, *, cls: str = "plan") -> str:
    """HTML table of a small French frame (numbers right-aligned and formatted)."""
    head = "".join(f"<th>{escape(str(c))}</th>" for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, row, strict=True):
            if c == "année":
                cells.append(f"<td>{escape(str(v))}</td>")
            elif isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
                txt = _eur(v) if "€" in str(c) else (
                    fr.fmt_int(v) if "habitants" in str(c) else
                    fr.fmt_pct(v, 2) if "écart" in str(c) else
                    _fte(v) if "ETP" in str(c) or "APL" in str(c) or "accès" in str(c)
                    else fr.fmt_int(v))  # fmt: skip
                cells.append(f"<td class='num'>{escape(txt)}</td>")
            else:
                cells.append(f"<td>{escape(str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table class='{cls}'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _where_and_who(plan) -> str:
    """Per year: each opening and each site's hires, by commune name."""
    d = plan.detail
    profs = plan.instance.professions
    out = []
    for year in plan.instance.years:
        rows = d[d["année"] == year]
        items = []
        for rr in rows.to_dict("records"):
            hires = []
            for p in profs:
                n = rr[f"recrutements {SHORT_FR[p]} (ETP)"]
                if n <= 0:
                    continue
                rep = rr[f"dont remplacements de départs {SHORT_FR[p]} (ETP)"]
                txt = f"{_fte(n)} ETP {SHORT_FR[p]}"
                if rep > 0:
                    txt += f" (dont {_fte(rep)} pour remplacer des départs)"
                hires.append(txt)
            if not hires and rr["ouverture cette année"] != "Oui":
                continue
            where = f"<strong>{escape(rr['commune'])}</strong> ({escape(rr['code commune'])})"
            if rr["centre existant"] == "Oui":
                what = f"renforcement du centre existant « {escape(rr['site'])} »"
                if rr.get("source de l'effectif") == "estimé":
                    now = _fte(rr["médecins avant le plan (ETP)"])
                    what += f" (effectif actuel estimé : {now} ETP de médecin, « estimé »)"
            elif rr["ouverture cette année"] == "Oui":
                what = "ouverture d'un nouveau centre"
            else:
                what = "centre ouvert par le plan"
            items.append(f"<li>{where} : {what} — {escape(', '.join(hires) or 'aucun recrutement')}"
                         f" (coût net {_eur(rr['coût net (€)'])})"
                         f"{_served(plan, rr['code commune'])}</li>")  # fmt: skip
        body = "".join(items) or "<li>aucun recrutement ni ouverture</li>"
        out.append(f"<h3>{year}</h3><ul>{body}</ul>")
    return "".join(out)


def _map(plan, map_id: str) -> str:
    """Leaflet map of the access after the plan (last year) with the sites as markers."""
    inst = plan.instance
    last = inst.years[-1]
    c = plan.communes
    gp = "gp" in inst.professions
    key = f"accès médecins {last} avec le plan" if gp else c.columns[-1]
    props = pd.DataFrame({
        "code_insee": c["code_insee"], "nom": c["commune"], "apres": c[key],
        "sans": c[f"accès médecins {last} sans COG"] if gp else np.nan,
        "auj": c["accès médecins aujourd'hui"] if gp else np.nan,
    })  # fmt: skip
    geojson = communes_geojson(load_commune_geometry(props["code_insee"]), props)
    pts = load_communes().set_index("code_insee")[["lat", "lon"]]
    d = plan.detail
    last_rows = d.sort_values("année").drop_duplicates("code commune", keep="last")
    used = set(last_rows["code commune"])
    markers = []
    cand = inst.candidates
    for r in cand.itertuples(index=False):
        if not r.existing and r.commune not in used:
            continue
        lat, lon = pts.loc[r.commune, ["lat", "lon"]]
        added = d.loc[d["code commune"] == r.commune]
        first = int(added["année"].min()) if len(added) else None
        label = (f"{r.name} — " + (f"centre existant « {r.site_name} »" if r.existing
                 else f"nouveau centre ({first})"))  # fmt: skip
        total = sum(float(added[f"recrutements {SHORT_FR[p]} (ETP)"].sum())
                    for p in inst.professions)  # fmt: skip
        if total:
            label += f" : +{fr.fmt_dec(total, 1)} ETP"
        markers.append({"lat": float(lat), "lon": float(lon), "existing": bool(r.existing),
                        "label": label})  # fmt: skip
    opts = {
        "key": "apres", "title": f"APL {last} avec le plan", "classes": js_classes(),
        "noData": NO_DATA_COLOUR, "attribution": "APL : DREES 2023 ; plan : proxisante",
        "tooltip": [["auj", "APL aujourd'hui"], ["sans", f"APL {last} sans COG"],
                    ["apres", f"APL {last} avec le plan"]],
    }  # fmt: skip
    script = (
        f"<script>(function(){{var m=proxisanteChoropleth({json.dumps(map_id)},{geojson},"
        f"{json.dumps(opts, ensure_ascii=False)});"
        f"{json.dumps(markers, ensure_ascii=False).replace('</', '<' + chr(92) + '/')}"
        ".forEach(function(s){L.circleMarker([s.lat,s.lon],{radius:s.existing?7:9,"
        "color:'#000',weight:2,fillColor:s.existing?'#ffffff':'#18753c',fillOpacity:1})"
        ".bindTooltip(s.label).addTo(m);});})();</script>"
    )
    return (
        f"<div id='{map_id}' class='map' style='height:480px' role='img' aria-label="
        f"'Carte des sites du plan et de l APL {last} avec le plan'></div>"
        "<p class='note'>Ronds blancs : centres existants de l'opérateur ; ronds verts : "
        "nouveaux centres du plan. Couleur des communes : APL de la dernière année avec le "
        "plan (survol : aujourd'hui, sans COG, avec le plan).</p>" + script
    )


def _kpi_columns(inst) -> list[str]:
    """The summary's indicator columns of every planned profession, with and without COG."""
    kpi_cols = ["année"]
    for b in inst.blocks:
        t = threshold_fr(b)
        short = SHORT_FR[b.profession]
        mean = mean_label(b)
        kpi_cols += [f"{mean} avec le plan", f"{mean} sans COG",
                     f"habitants sous {t} ({short}) avec le plan",
                     f"habitants sous {t} ({short}) sans COG"]  # fmt: skip
    return kpi_cols


def plan_section(plan, territory_label: str, *, scenarios: pd.DataFrame | None = None,
                 with_map: bool = True) -> ReportSection:  # fmt: skip
    """Build the section from a :class:`~proxisante.plan.cog.CogPlan`."""
    inst = plan.instance
    s = plan.summary
    years = [str(y) for y in s["année"]]
    profs = inst.professions
    names = " et des ".join(PROFESSION_FR[p] for p in profs)
    hires = np.sum([s[f"recrutements {SHORT_FR[p]} (ETP)"].to_numpy() for p in profs], axis=0)
    first_block = inst.blocks[0]
    th = threshold_fr(first_block)
    sh = SHORT_FR[first_block.profession]
    under_sans = f"habitants sous {th} ({sh}) sans COG"
    charts = _bars(hires.tolist(), years, title="Recrutements par an (ETP, tous métiers)",
                   colour="#000091") + _bars(
        s["coût net (€)"].tolist(), years, title="Coût net par an (€)", colour="#18753c"
    ) + _bars(s[under_sans].tolist(), years, title=f"Habitants sous {th} sans COG",
              colour="#b2182b")  # fmt: skip
    cols = ["année", *[f"recrutements {SHORT_FR[p]} (ETP)" for p in profs],
            "ouvertures de l'année", "coût brut (€)", "recettes (€)", "coût net (€)",
            budget_label(inst), "contrainte limitante"]  # fmt: skip
    money = _table(s[cols])
    kpis = _table(s[_kpi_columns(inst)])
    today_note = next((n for n in plan.notes if n.startswith("Aujourd'hui")), "")
    sc_html = ""
    if scenarios is not None:
        sc = scenarios.reset_index(names="indicateur")
        sc_html = ("<h3>Scénarios budgétaires côte à côte</h3>"
                   "<p class='note'>Même méthode, mêmes hypothèses ; seuls le budget net et, dans "
                   "le scénario « croissance », la capacité de recrutement (hypothèse : en "
                   "proportion du budget) changent. « Gel des embauches » = situation sans COG "
                   "(aucun recrutement, départs non remplacés). La dernière ligne dit, année par "
                   "année, ce qui limite le plan : le budget ou la capacité de recrutement.</p>"
                   + _table(sc, cls="plan scenarios"))  # fmt: skip
    hyp = plan.assumptions[["hypothèse", "valeur", "unité", "statut", "fourchette", "source"]]
    sens = _sensitivity(plan)
    html = (
        f"<p>Plan pluriannuel {years[0]}-{years[-1]} pour {escape(territory_label)} : où "
        f"recruter des {escape(names)} et ouvrir des centres, sous un budget net annuel unique "
        f"(coûts moins recettes des recrutements), pour réduire le plus la sous-dotation. Les "
        f"indicateurs sont comparés à la situation « sans COG » (les médecins de 65 ans et "
        f"plus partent, de nouveaux médecins s'installent au rythme observé, l'opérateur gèle "
        f"ses embauches) et à aujourd'hui.</p>"
        f"<p>{escape(plan.comparison)}</p>"
        f"<div style='display:flex;flex-wrap:wrap;gap:1rem'>{charts}</div>"
        + _versus(plan)
        + "<h3>Où et qui, année par année</h3>" + _where_and_who(plan)
        + (("<h3>Carte des sites et de l'APL après le plan</h3>" + _map(plan, "map-plan"))
           if with_map and "gp" in profs else "")
        + "<h3>Coûts bruts, recettes et coûts nets par an</h3>" + money
        + "<h3>Indicateurs avec le plan et sans COG</h3>" + kpis
        + f"<p class='note'>{escape(today_note)}</p>"
        + sc_html + sens
        + "".join(f"<p class='note'>{escape(n)}</p>" for n in plan.notes if n != today_note)
        + (f"<p class='note'>Places de SSIAD pour 1 000 habitants de 75 ans et plus (le plan ne "
           f"modifie pas les places) : {escape(plan.ssiad_text)}.</p>" if plan.ssiad_text else "")
        + "<h3>Sources et hypothèses</h3>" + _table(hyp, cls="plan hypotheses")
    )  # fmt: skip
    return ReportSection(
        title=f"Plan {years[0]}-{years[-1]} (COG)",
        html=html,
        sources=[
            "Plan : optimisation proxisante (HiGHS) ; APL officielle DREES de l'année de "
            "référence affichée, effets des recrutements et des départs estimés dans le modèle "
            "calibré (« estimé », identifiant et qualité d'ajustement au tableau « Sources et "
            "hypothèses ») ; coûts, recettes et hypothèses sourcés ou marqués « hypothèse » "
            "(tableau « Sources et hypothèses » et feuille du même nom du fichier xlsx)."
        ],
    )


def plan_lead_section(plan, place) -> ReportSection:
    """The first page of a plan report: per year the hires, the net cost and the inhabitants
    under the threshold with the plan and without it (« sans COG »), today's figure and the
    comparison sentence; ``place`` is the territory's French name
    (:class:`proxisante._fr.PlaceName`). The context (map, today) follows it."""
    inst = plan.instance
    s = plan.summary
    years = [str(y) for y in s["année"]]
    profs = inst.professions
    block = inst.blocks[0]
    th, sh = threshold_fr(block), SHORT_FR[block.profession]
    hires = {f"recrutements {SHORT_FR[p]} (ETP)": f"recrutements {SHORT_FR[p]} (ETP)"
             for p in profs}  # fmt: skip
    cols = {"année": "année", **hires, "coût net (€)": "coût net (€)",
            f"habitants sous {th} ({sh}) avec le plan": f"habitants sous {th} avec le plan",
            f"habitants sous {th} ({sh}) sans COG": f"habitants sous {th} sans COG"}  # fmt: skip
    table = s[list(cols)].rename(columns=cols)
    last = s.iloc[-1]
    with_plan = last[f"habitants sous {th} ({sh}) avec le plan"]
    without = last[f"habitants sous {th} ({sh}) sans COG"]
    today = next((n for n in plan.notes if n.startswith("Aujourd'hui")), "")
    names = " et des ".join(PROFESSION_FR[p] for p in profs)
    html = (
        f"<p class='question' data-figure='question'><strong>Où recruter des {escape(names)} "
        f"{escape(place.at)} de {years[0]} à {years[-1]}, et avec quel effet sur les habitants "
        f"sous le seuil de {escape(th)} ?</strong></p>"
        f"<div class='cards'><div class='card'><div class='value' data-figure='lead-plan'>"
        f"{fr.fmt_int(with_plan)}</div><div class='label'>habitants {escape(place.of)} sous "
        f"{escape(th)} en {years[-1]} avec le plan, au lieu de {fr.fmt_int(without)} sans COG "
        "<span class='estimate'>(estimé)</span></div></div></div>"
        + "<h3>Le plan année par année</h3>" + _table(table, cls="plan lead")
        + f"<p>{escape(plan.comparison)}</p>"
        + (f"<p class='note'>{escape(today)}</p>" if today else "")
        + "<p class='note print-hint'>Le détail (où et qui, coûts, carte, hypothèses) suit. "
        "Imprimer : la première page tient seule.</p>"
    )  # fmt: skip
    return ReportSection(title=f"Le plan {years[0]}-{years[-1]} en bref", html=html, lead=True,
                         anchor="plan-en-bref")  # fmt: skip
