"""French report section « Personnes âgées, maladies chroniques et prévention »: the territory
against its département and France on age, long-term illness, poverty, life expectancy and
home-care access, with a scenario's before/after when given.

Renders what it is given (computed by :mod:`proxisante.needs`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from proxisante.needs.prevention import PREVENTION_TARGETS
from proxisante.report._jinja import environment
from proxisante.report.territory_report import ReportSection

if TYPE_CHECKING:
    from proxisante.workspace import NeedsReportInputs

__all__ = ["NEEDS_TITLE", "needs_section"]

NEEDS_TITLE = "Personnes âgées, maladies chroniques et prévention"


def needs_section(
    inputs: NeedsReportInputs, *, change=None, max_commune_rows: int = 15
) -> ReportSection:
    """Build the section from the workspace's figures of a territory
    (:meth:`proxisante.workspace.Workspace.needs_report_inputs`).

    Parameters
    ----------
    inputs
        Comparison with the département and France, home-care summary, the estimate
        sentence, catchment, SSIAD reference, prevention reach, medico-social sites, names.
    change
        :class:`proxisante.needs.HomeCareChange` of a scenario, optional.
    max_commune_rows
        For the per-commune before/after of ``change``: the communes whose figures change
        first, then the most elderly, at most ``max_commune_rows``.
    """
    comparison = inputs.comparison
    html = environment().get_template("needs_section.html.j2").render(
        comp=comparison, hc=inputs.home_care, estimate_sentence=inputs.estimate_sentence,
        cutoff=inputs.cutoff_minutes, ssiad_france=inputs.ssiad_france, reach=inputs.reach,
        change=change, medico_social=inputs.medico_social,
        target_labels={t.key: t.label_fr for t in PREVENTION_TARGETS},
        commune_rows=_commune_rows(change, inputs.commune_names, max_commune_rows),
    )  # fmt: skip
    sources = sorted({
        f"{r.indicator.label_fr} : {r.indicator.source}"
        + (f", {r.indicator.year}" if r.indicator.year else "")
        + f" (niveau : {r.indicator.level})"
        for r in comparison.rows
    })  # fmt: skip
    sources.append(f"Référence SSIAD : {inputs.ssiad_france_source}.")
    sources.append(
        "Pyramide des âges de référence : INSEE, RP2018, POP1B France entière ; pondérations "
        "par âge : DREES (APL)."
    )
    return ReportSection(title=NEEDS_TITLE, html=html, sources=sources, anchor="besoins")


def _commune_rows(change, names: dict[str, str], limit: int) -> list[dict]:
    """The per-commune before/after of a scenario, in display order (changed first)."""
    c = getattr(change, "communes", None)
    if c is None or c.empty:
        return []
    pairs = [("nurses_before", "nurses_after"), ("ssiad_before", "ssiad_after"),
             ("centre_before", "centre_after")]  # fmt: skip
    changed = pd.Series(False, index=c.index)
    for b, a in pairs:
        changed |= ~((c[b] == c[a]) | (c[b].isna() & c[a].isna())).astype(bool)
    order = pd.DataFrame({"changed": changed, "old": c["pop_75_plus"].fillna(0.0)})
    order = order.sort_values(["changed", "old"], ascending=False, kind="stable")
    rows = []
    for code in order.index[:limit]:
        values = {k: (None if pd.isna(v) else v) for k, v in c.loc[code].to_dict().items()}
        rows.append({"code": code, "nom": names.get(code, ""), **values})
    return rows
