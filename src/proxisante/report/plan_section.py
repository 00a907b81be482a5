"""French report section for a multi-year plan (COG): table per year and inline SVG charts."""

from __future__ import annotations

from html import escape

from proxisante.plan import cog_labels
from proxisante.report import fr
from proxisante.report.territory_report import ReportSection

__all__ = ["plan_section"]


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
        bh = (h - 40) * v / top
        x = pad + i * bw + 6
        y = h - bh
        mid = x + (bw - 12) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw - 12:.1f}" height="{bh:.1f}" '
            f'fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{mid:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle">'
            f"{escape(fr.fmt_int(v))}</text>"
        )
        parts.append(
            f'<text x="{mid:.1f}" y="{h + 16}" font-size="11" text-anchor="middle">'
            f"{escape(lab)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def plan_section(plan, territory_label: str) -> ReportSection:
    """Build the section from a :class:`~proxisante.plan.cog.CogPlan`."""
    s = plan.summary
    lab = plan.labels or cog_labels(plan.instance)
    gp = plan.instance.profession == "gp"
    years = [str(y) for y in s["année"]]
    charts = _bars(
        s["recrutements de l'année (ETP)"].tolist(),
        years,
        title="Recrutements de médecins par an (ETP)"
        if gp
        else f"Recrutements par an (ETP, {lab.profession_fr})",
        colour="#000091",
    ) + _bars(
        s[lab.under].tolist(),
        years,
        title="Habitants en commune sous-dotée",
        colour="#b2182b",
    )
    mean_head = "APL moyenne" if gp else "Accès moyen (ETP / 100 000 hab.)"
    head = (
        "<tr><th>Année</th><th class='num'>Recrutements (ETP)</th><th class='num'>ETP ajoutés</th>"
        "<th class='num'>Ouvertures</th><th class='num'>Coût total</th><th class='num'>Budget</th>"
        f"<th class='num'>{mean_head}</th><th class='num'>Habitants sous {lab.threshold_fr}</th>"
        "</tr>"
    )
    hired_col, open_col = "recrutements de l'année (ETP)", "ouvertures de l'année"
    body = "".join(
        f"<tr><td>{r['année']}</td><td class='num'>{fr.fmt_dec(r[hired_col], 0)}</td>"
        f"<td class='num'>{fr.fmt_dec(r[lab.fte_added], 0)}</td>"
        f"<td class='num'>{r[open_col]}</td>"
        f"<td class='num'>{fr.fmt_int(r['coût total (€)'])} €</td>"
        f"<td class='num'>{fr.fmt_int(r['budget (€)'])} €</td>"
        f"<td class='num'>{fr.fmt_dec(r[lab.mean_access], 2)}</td>"
        f"<td class='num'>{fr.fmt_int(r[lab.under])}</td></tr>"
        for _, r in s.iterrows()
    )
    ssiad_note = (
        "<p class='note'>Places de SSIAD pour 1 000 habitants de 75 ans et plus (le plan ne "
        f"modifie pas les places) : {escape(plan.ssiad_text)}.</p>"
    )
    sol, g = plan.solution, plan.greedy
    retired = plan.instance.retired_fte
    if retired is None:
        retirement_note = (
            "<p class='note'>Départs à la retraite : non disponibles sans les années de naissance "
            f"des {lab.profession_fr} (l'extraction RPPS publique n'en contient pas).</p>"
        )
    else:
        per_year = " ; ".join(
            f"{y} : {fr.fmt_dec(v, 1)} ETP" for y, v in zip(years, retired, strict=True)
        )
        retirement_note = (
            "<p class='note'>Départs à la retraite prévus (cumul, d'après les années de "
            f"naissance chargées) : {escape(per_year)}. Le plan compense ces départs.</p>"
        )
    html = (
        f"<p>Plan pluriannuel {years[0]}-{years[-1]} pour {escape(territory_label)} : "
        f"où recruter des {lab.profession_fr} et ouvrir des centres pour réduire le plus "
        f"la sous-dotation ({escape(lab.access_unit)} sous {lab.threshold_fr}), sous les budgets "
        "annuels. Solution exacte (HiGHS), écart "
        f"d'optimalité prouvé {fr.fmt_pct(sol.gap, 2)} ; heuristique gloutonne : objectif "
        f"{fr.fmt_int(g.objective)} contre {fr.fmt_int(sol.objective)}.</p>"
        f"<div style='display:flex;flex-wrap:wrap;gap:1rem'>{charts}</div>"
        f"<table class='plan'><thead>{head}</thead><tbody>{body}</tbody></table>"
        + "".join(f"<p class='note'>{escape(n)}</p>" for n in plan.notes)
        + retirement_note
        + ssiad_note
    )
    return ReportSection(
        title=f"Plan {years[0]}-{years[-1]} (COG)",
        html=html,
        sources=[
            (
                "Plan : optimisation proxisante (HiGHS) sur l'APL DREES 2023"
                if gp
                else f"Plan : optimisation proxisante (HiGHS) sur l'accès aux {lab.profession_fr} "
                "(méthode de l'APL DREES, offre fournie par l'utilisateur)"
            )
            + " ; coûts : hypothèses à remplacer par les coûts réels (feuille Hypothèses du "
            "fichier xlsx)."
        ],
    )
