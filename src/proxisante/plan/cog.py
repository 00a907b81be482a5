"""The multi-year contract plan (COG): hires and openings per year, costs, indicators.

Built from the optimisation of :mod:`proxisante.plan.optimise` over the contract period
(default 2025-2028). Per year: FTE added by site, hires, openings, costs (salaries,
investments, running costs) and indicators: mean APL (weighted by standardised population,
the DREES aggregation rule), population under APL 2.5, communes under 2.5. Retirements are
forecast from staff birth years when they are loaded (RPPS); the SSIAD coverage of people
aged 75+ needs age-band populations (INSEE) and SSIAD capacities — both are reported as not
available otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from proxisante.errors import InputError
from proxisante.offer import SsiadCoverage
from proxisante.plan.instance import PlanInstance
from proxisante.plan.optimise import PlanSolution, apl_after, greedy, solve_milp

__all__ = ["PROFESSION_FR", "CogLabels", "CogPlan", "build_cog_plan", "cog_labels", "write_xlsx"]

NO_AGE_DATA = "non disponible (populations par âge non chargées)"
NO_BIRTH_YEARS = "non disponible (années de naissance non chargées)"


#: French plural name of each profession (report and xlsx labels).
PROFESSION_FR = {
    "gp": "médecins généralistes", "nurse": "infirmiers", "physiotherapist":
    "masseurs-kinésithérapeutes", "midwife": "sages-femmes", "dentist": "chirurgiens-dentistes",
    "care_assistant": "aides-soignants",
}  # fmt: skip


@dataclass(frozen=True)
class CogLabels:
    """French column names and phrases of a plan, by profession (GPs: APL and 2,5)."""

    profession_fr: str
    fte_added: str
    mean_access: str
    access_unit: str
    under: str
    communes_under: str
    under_without_plan: str
    threshold_fr: str


def cog_labels(inst: PlanInstance) -> CogLabels:
    """The labels of ``inst``'s profession and threshold."""
    th = f"{inst.threshold:g}".replace(".", ",")
    if inst.profession == "gp":
        fte_added, mean, unit = "ETP médecins ajoutés (cumul)", "APL moyenne", "APL"
    else:
        name = PROFESSION_FR[inst.profession]
        fte_added = f"ETP {name} ajoutés (cumul)"
        mean = "accès moyen (ETP pour 100 000 hab.)"
        unit = "ETP pour 100 000 habitants standardisés"
    return CogLabels(
        profession_fr=PROFESSION_FR[inst.profession], fte_added=fte_added, mean_access=mean,
        access_unit=unit, under=f"population sous {th}", communes_under=f"communes sous {th}",
        under_without_plan=f"population sous {th} sans le plan", threshold_fr=th,
    )  # fmt: skip


@dataclass
class CogPlan:
    """A multi-year plan: per-year summary, per-site detail, assumptions and notes."""

    instance: PlanInstance
    solution: PlanSolution
    greedy: PlanSolution
    objective: str
    summary: pd.DataFrame
    detail: pd.DataFrame
    assumptions: pd.DataFrame
    notes: list[str]
    ssiad_text: str = NO_AGE_DATA
    labels: CogLabels | None = None


def build_cog_plan(
    inst: PlanInstance,
    *,
    objective: str = "deficit",
    time_limit_s: float = 60.0,
    pop_standardisee: np.ndarray | None = None,
    ssiad: SsiadCoverage | None = None,
) -> CogPlan:
    """Optimise over the period and tabulate the plan year by year.

    ``ssiad``: the territory's SSIAD places per 1,000 inhabitants aged 75+
    (:func:`proxisante.offer.ssiad.ssiad_coverage`); the plan adds no places, so the value
    is the same every year. Without it the indicator is reported as not available.
    """
    lab = cog_labels(inst)
    gp = inst.profession == "gp"
    if ssiad is None:
        ssiad_value: float | str = NO_AGE_DATA
        ssiad_text = NO_AGE_DATA
    else:
        ssiad_value = round(ssiad.per_1000, 1) if ssiad.available else ssiad.text_fr()
        ssiad_text = ssiad.text_fr()
    g = greedy(inst, objective)
    sol = solve_milp(inst, objective, time_limit_s=time_limit_s, warm_start=g)
    new = ~inst.candidates["existing"].to_numpy()
    c = inst.costs
    w = inst.population if pop_standardisee is None else pop_standardisee
    rows = []
    prev_fte = np.zeros(inst.n_candidates)
    prev_open = inst.candidates["existing"].to_numpy().astype(float)
    base_under = inst.population[inst.baseline_apl < inst.threshold].sum()
    for t, year in enumerate(inst.years):
        fte, opn = sol.fte[:, t], sol.open[:, t]
        apl = apl_after(inst, fte, t)
        base = inst.baseline(t)
        salaries = inst.fte_cost * fte.sum()
        invest = c.opening_eur * (opn[new] - prev_open[new]).sum()
        running = c.site_eur_per_year * opn[new].sum()
        rows.append(
            {
                "année": year,
                lab.fte_added: fte.sum(),
                "recrutements de l'année (ETP)": fte.sum() - prev_fte.sum(),
                "centres ouverts (cumul)": int(opn[new].sum()),
                "ouvertures de l'année": int((opn[new] - prev_open[new]).sum()),
                "salaires (€)": salaries,
                "investissements (€)": invest,
                "fonctionnement des nouveaux centres (€)": running,
                "coût total (€)": salaries + invest + running,
                "budget (€)": inst.budget_eur[t],
                lab.mean_access: float((apl * w).sum() / w.sum()),
                lab.under: float(inst.population[apl < inst.threshold].sum()),
                lab.communes_under: int((apl < inst.threshold).sum()),
                "départs à la retraite prévus (ETP, cumul)": (
                    float(inst.retired_fte[t]) if inst.retired_fte is not None else NO_BIRTH_YEARS
                ),
                lab.under_without_plan: float(inst.population[base < inst.threshold].sum()),
                "places de SSIAD pour 1 000 habitants de 75 ans et plus": ssiad_value,
            }
        )
        prev_fte, prev_open = fte.copy(), opn.copy()
    summary = pd.DataFrame(rows)
    detail = sol.table(inst)
    if gp:
        profession_rows = [
            ("coût employeur d'un ETP de généraliste salarié (€/an)", inst.fte_cost, c.source),
            ("investissement d'ouverture d'un centre (€)", c.opening_eur, c.source),
            ("fonctionnement d'un nouveau centre hors médecins (€/an)", c.site_eur_per_year,
             c.source),
            ("consultations par ETP de médecin généraliste", 5400,
             "DREES, APL, feuille Paramètres"),
            ("seuil de sous-dotation (APL)", inst.threshold, "débat public, zonage ARS"),
        ]  # fmt: skip
        reference = ("référence", "APL DREES 2023 + effets marginaux exacts", "DREES ; proxisante")
    else:
        profession_rows = [
            (f"coût employeur d'un ETP ({lab.profession_fr}) (€/an)", inst.fte_cost,
             "paramètre utilisateur"),
            ("investissement d'ouverture d'un centre (€)", c.opening_eur, c.source),
            (f"fonctionnement d'un nouveau centre hors {lab.profession_fr} (€/an)",
             c.site_eur_per_year, c.source),
            (f"seuil de sous-dotation ({lab.access_unit})", inst.threshold,
             "paramètre utilisateur (pas de seuil officiel)"),
        ]  # fmt: skip
        reference = (
            "référence",
            f"{lab.access_unit}, méthode de l'APL (pas de temps DREES), offre fournie",
            "DREES (méthode) ; proxisante",
        )
    assumptions = pd.DataFrame(
        [
            *profession_rows,
            ("ETP maximum ajoutés par site", inst.max_fte_per_site, "paramètre"),
            *[
                (f"capacité de recrutement {y} (ETP)", h, "paramètre")
                for y, h in zip(inst.years, inst.hires_fte, strict=True)
            ],
            reference,
            ("objectif", objective, "paramètre"),
            ("écart d'optimalité prouvé (HiGHS)", sol.gap, sol.status),
        ],
        columns=["hypothèse", "valeur", "source"],
    )
    notes = [
        f"Population sous {lab.threshold_fr} avant le plan : "
        + f"{base_under:,.0f}".replace(",", "\u202f")
        + " habitants.",
        "Les coûts par défaut sont des hypothèses à remplacer par les coûts réels du réseau.",
    ]
    if not np.isfinite(sol.objective):
        msg = "the optimisation returned no finite objective"
        raise InputError(msg)
    return CogPlan(inst, sol, g, objective, summary, detail, assumptions, notes, ssiad_text,
                   lab)  # fmt: skip


def write_xlsx(plan: CogPlan, path: str | Path) -> Path:
    """Export: a summary sheet, one sheet per year, and the assumptions sheet (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        msg = f"output must be an .xlsx file; got '{path.name}'"
        raise InputError(msg)
    wb = Workbook()
    ws = wb.active
    ws.title = "Synthèse"

    def put(sheet, df: pd.DataFrame) -> None:
        sheet.append(list(df.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in df.itertuples(index=False):
            sheet.append([v.item() if hasattr(v, "item") else v for v in row])
        for col in sheet.columns:
            width = max(len(str(c.value or "")) for c in col)
            sheet.column_dimensions[col[0].column_letter].width = min(max(width + 2, 10), 60)

    put(ws, plan.summary)
    for year in plan.instance.years:
        put(wb.create_sheet(str(year)), plan.detail[plan.detail["year"] == year])
    put(wb.create_sheet("Hypothèses"), plan.assumptions)
    tmp = path.with_name(path.name + ".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    return path
