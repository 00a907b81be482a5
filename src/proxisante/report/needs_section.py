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
    """
    from proxisante.needs.prevention import PREVENTION_TARGETS

    html = environment().get_template("needs_section.html.j2").render(
        comp=comparison, hc=home_care, estimate_sentence=estimate_sentence,
        cutoff=cutoff_minutes, ssiad_france=ssiad_france,
        reach=reach if reach is not None else pd.DataFrame(), change=change,
        medico_social=medico_social if medico_social is not None else pd.DataFrame(),
        target_labels={t.key: t.label_fr for t in PREVENTION_TARGETS},
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
