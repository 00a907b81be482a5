"""French report section « Personnes âgées, maladies chroniques et prévention »: the territory
against its département and France on age, long-term illness, poverty, life expectancy and
home-care access, with a scenario's before/after when given.

Renders what it is given (computed by :mod:`proxisante.needs`).
"""

from __future__ import annotations

import pandas as pd

from proxisante.report._jinja import environment
from proxisante.report.territory_report import ReportSection

__all__ = ["NEEDS_TITLE", "needs_section"]

NEEDS_TITLE = "Personnes âgées, maladies chroniques et prévention"


def needs_section(
    comparison, home_care: dict, *, estimate_sentence: str, cutoff_minutes: float,
    ssiad_france: float, ssiad_france_source: str, reach: pd.DataFrame | None = None,
    change=None, medico_social: pd.DataFrame | None = None,
    commune_names: dict[str, str] | None = None, max_commune_rows: int = 15,
) -> ReportSection:  # fmt: skip
    """Build the section.

    Parameters
    ----------
    comparison
        :class:`proxisante.needs.NeedsComparison` of the territory.
    home_care
        :func:`proxisante.needs.home_care_summary` of the territory.
    estimate_sentence
        The sentence stating what is estimated and how (French).
    cutoff_minutes, ssiad_france, ssiad_france_source
        Catchment of the access measures; the national SSIAD reference and its source.
    reach
        Prevention reach of the territory's health centres
        (:func:`proxisante.needs.prevention_reach`), optional.
    change
        :class:`proxisante.needs.HomeCareChange` of a scenario, optional.
    medico_social
        Open SSIAD, SAAD and EHPAD of the territory and their places
        (:func:`proxisante.needs.medico_social_sites`), optional.
    commune_names, max_commune_rows
        INSEE code → name, for the per-commune before/after of ``change``: the communes
        whose figures change first, then the most elderly, at most ``max_commune_rows``.
    """
    from proxisante.needs.prevention import PREVENTION_TARGETS

    html = environment().get_template("needs_section.html.j2").render(
        comp=comparison, hc=home_care, estimate_sentence=estimate_sentence,
        cutoff=cutoff_minutes, ssiad_france=ssiad_france,
        reach=reach if reach is not None else pd.DataFrame(), change=change,
        medico_social=medico_social if medico_social is not None else pd.DataFrame(),
        target_labels={t.key: t.label_fr for t in PREVENTION_TARGETS},
        commune_rows=_commune_rows(change, commune_names or {}, max_commune_rows),
    )  # fmt: skip
    sources = sorted({
        f"{r.indicator.label_fr} : {r.indicator.source}"
        + (f", {r.indicator.year}" if r.indicator.year else "")
        + f" (niveau : {r.indicator.level})"
        for r in comparison.rows
    })  # fmt: skip
    sources.append(f"Référence SSIAD : {ssiad_france_source}.")
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
