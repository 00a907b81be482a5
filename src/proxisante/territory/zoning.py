"""Zoning of under-served areas for GPs: the official rule, per commune and per area.

The rule (arrêté du 13 novembre 2017, méthodologie applicable à la profession de médecin,
article L. 1434-4 1° du code de la santé publique; La Gazette des communes, article 535304):
the ARS director sets the zones from the DREES APL **counting only the GPs aged under 65**
(``apl_generalistes_moins65`` of the DREES file):

- APL < 2.5 consultations/yr/standardised inhabitant: zone d'intervention prioritaire by
  right (« zones A » of the ZIP) — class ``priority`` here, shown « type ZIP »;
- 2.5 ≤ APL < 4: the « vivier » from which the ARS pick further ZIP and the zones d'action
  complémentaire (ZAC) — class ``complementary_pool``, shown « vivier (ZAC) »;
- APL ≥ 4: outside the zoning pool — class ``above``.

The ARS decide with further criteria, so these classes are the rule's mechanical part, never
the decree itself. The official zoning APL is computed per **territoire de vie-santé** (TVS),
not per commune; no commune → TVS table exists offline, so :func:`commune_zoning` also gives
the class of the commune's **bassin de vie 2012** (INSEE, table d'appartenance géographique
2022; the only commune → bassin table available offline, an approximation of the bassins de
vie 2022 and of the TVS), with the APL aggregated as the DREES aggregates it (weighted by
the standardised population).

Next to each zoning class sits the **access class** of the APL counting every GP (same
thresholds: « sous-dotée » < 2.5, « vigilance » 2.5–4): the picture of today's access, which
still counts the GPs aged 65 or over. A headline count says which APL it uses
(:data:`ZONING_APL_FR`, :data:`ACCESS_APL_FR`).

Scalar functions work without pandas (the CLI's one-commune path reads no pandas).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from proxisante.territory.official_apl import UNDER_SERVED_APL, VIGILANCE_APL

if TYPE_CHECKING:
    # deferred: `apl` runs without numpy (tests/test_cli_startup.py)
    import numpy as np
    import pandas as pd

__all__ = [
    "ACCESS_APL_FR",
    "ACCESS_CLASSES",
    "ACCESS_LABELS_FR",
    "AREA_NOTE_FR",
    "UNPUBLISHED",
    "ZONING_APL_FR",
    "ZONING_CLASSES",
    "ZONING_LABELS_FR",
    "ZONING_RULE_FR",
    "ZONING_SHORT_FR",
    "access_class",
    "access_classes",
    "commune_zoning",
    "zoning_class",
    "zoning_classes",
    "zoning_headline",
]

#: Zoning classes of the APL of GPs under 65: (upper bound, key), lowest first.
ZONING_CLASSES: tuple[tuple[float, str], ...] = (
    (UNDER_SERVED_APL, "priority"),
    (VIGILANCE_APL, "complementary_pool"),
    (math.inf, "above"),
)
#: Access classes of the APL of every GP (same thresholds): (upper bound, key).
ACCESS_CLASSES: tuple[tuple[float, str], ...] = (
    (UNDER_SERVED_APL, "under_served"),
    (VIGILANCE_APL, "vigilance"),
    (math.inf, "above"),
)
#: Key of a commune without a published APL (e.g. Mayotte).
UNPUBLISHED = "unpublished"

#: French label of each zoning class (reports, CSV for users, map legend).
ZONING_LABELS_FR: dict[str, str] = {
    "priority": "type ZIP (APL < 2,5)",
    "complementary_pool": "vivier ZAC (2,5 à 4)",
    "above": "hors zonage (4 et plus)",
    UNPUBLISHED: "APL non publiée",
}
#: Short French label of each zoning class (narrow tables).
ZONING_SHORT_FR: dict[str, str] = {
    "priority": "ZIP",
    "complementary_pool": "vivier",
    "above": "hors",
    UNPUBLISHED: "—",
}
#: French label of each access class.
ACCESS_LABELS_FR: dict[str, str] = {
    "under_served": "sous-dotée (APL < 2,5)",
    "vigilance": "vigilance (2,5 à 4)",
    "above": "4 et plus",
    UNPUBLISHED: "APL non publiée",
}

#: Which APL a zoning count uses (French, for every headline).
ZONING_APL_FR = "APL des médecins généralistes de moins de 65 ans (règle du zonage)"
#: Which APL an access count uses (French).
ACCESS_APL_FR = "APL de tous les médecins généralistes (accès aujourd'hui)"
#: The rule in one French sentence, with its source.
ZONING_RULE_FR = (
    "Zonage médecins (arrêté du 13 novembre 2017) : l'ARS retient d'office en zone "
    "d'intervention prioritaire les zones dont l'APL des médecins généralistes de moins de "
    "65 ans est inférieure à 2,5 consultations par an et par habitant standardisé (« type "
    "ZIP ») ; les zones de 2,5 à 4 forment le vivier des ZIP complémentaires et des zones "
    "d'action complémentaire (« vivier ZAC ») ; l'ARS décide avec d'autres critères."
)
#: How the area-level class is approximated (French).
AREA_NOTE_FR = (
    "Le zonage officiel se calcule par territoire de vie-santé (TVS), dont la composition "
    "n'est pas disponible hors ligne : la classe « par bassin de vie » agrège l'APL des "
    "moins de 65 ans par bassin de vie 2012 (INSEE, table d'appartenance géographique 2022, "
    "moyenne pondérée par la population standardisée, règle d'agrégation de la DREES), "
    "approximation des bassins de vie 2022 et des TVS."
)


def _classify(value: float | None, classes: tuple[tuple[float, str], ...]) -> str:
    if value is None or value != value:
        return UNPUBLISHED
    for upper, key in classes:
        if value < upper:
            return key
    return classes[-1][1]


def zoning_class(apl_under65: float | None) -> str:
    """Zoning class key of one APL of GPs under 65 (:data:`ZONING_CLASSES`).

    >>> zoning_class(2.111), zoning_class(2.5), zoning_class(None)
    ('priority', 'complementary_pool', 'unpublished')
    """
    return _classify(apl_under65, ZONING_CLASSES)


def access_class(apl: float | None) -> str:
    """Access class key of one APL of every GP (:data:`ACCESS_CLASSES`).

    >>> access_class(2.811)
    'vigilance'
    """
    return _classify(apl, ACCESS_CLASSES)


def _classes(values, classes) -> np.ndarray:
    # deferred: `apl` runs without numpy (tests/test_cli_startup.py)
    import numpy as np

    v = np.asarray(values, dtype=float)
    out = np.full(v.shape, UNPUBLISHED, dtype=object)
    lower = -np.inf
    for upper, key in classes:
        out[(v >= lower) & (v < upper)] = key
        lower = upper
    return out


def zoning_classes(apl_under65) -> np.ndarray:
    """Zoning class key of each APL of GPs under 65 (array; NaN → ``unpublished``)."""
    return _classes(apl_under65, ZONING_CLASSES)


def access_classes(apl) -> np.ndarray:
    """Access class key of each APL of every GP (array; NaN → ``unpublished``)."""
    return _classes(apl, ACCESS_CLASSES)


def _bassin_of(codes) -> pd.Series:
    """Bassin de vie 2012 of each current commune code ('' when none is known)."""
    # deferred: membership loads pandas, `apl` runs without it
    from proxisante.territory.membership import load_membership

    m = load_membership()
    m = m[m["code_insee_current"] != ""]
    # a current commune made of several 2022 communes: the bassin of the one that kept the
    # code (else the first by code); merged communes rarely straddle two bassins
    m = m.assign(own=m["code_insee"] != m["code_insee_current"]).sort_values(["own", "code_insee"])
    bv = m.drop_duplicates("code_insee_current").set_index("code_insee_current")
    return bv["bassin_vie_2012"].reindex(list(codes)).fillna("")


def commune_zoning(codes, year: int) -> pd.DataFrame:
    """Per commune: both APL, the zoning class next to the access class, and the class of
    the commune's bassin de vie (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        One row per code, in order: ``code_insee, apl, apl_under65, pop_totale,
        pop_standardisee, zoning_class, access_class, bassin_vie_2012,
        apl_under65_bassin, zoning_class_bassin`` (class keys; labels in
        :data:`ZONING_LABELS_FR` and :data:`ACCESS_LABELS_FR`).

    Raises
    ------
    UnavailableYearError
        ``year`` is not a bundled APL millésime.
    """
    # deferred: `apl` runs without numpy (tests/test_cli_startup.py)
    import numpy as np
    import pandas as pd

    from proxisante.territory.official_apl import load_official_apl

    apl = load_official_apl(year)
    cols = ["code_insee", "apl_generalistes", "apl_generalistes_moins65", "pop_totale",
            "pop_standardisee"]  # fmt: skip
    out = pd.DataFrame({"code_insee": pd.Series(list(codes), dtype=str)}).merge(
        apl[cols], on="code_insee", how="left", validate="one_to_one"
    )
    out = out.rename(columns={"apl_generalistes": "apl",
                              "apl_generalistes_moins65": "apl_under65"})  # fmt: skip
    out["zoning_class"] = zoning_classes(out["apl_under65"])
    out["access_class"] = access_classes(out["apl"])
    # bassins: the APL of every commune of the bassin counts, inside the territory or not
    everyone = apl[apl["apl_generalistes_moins65"].notna()]
    bv_all = _bassin_of(everyone["code_insee"]).to_numpy()
    w = everyone["pop_standardisee"].to_numpy(dtype=float)
    frame = pd.DataFrame({"bv": bv_all, "num": everyone["apl_generalistes_moins65"].to_numpy() * w,
                          "den": w})  # fmt: skip
    agg = frame[frame["bv"] != ""].groupby("bv")[["num", "den"]].sum()
    bv_apl = (agg["num"] / agg["den"].where(agg["den"] > 0)).astype(float)
    out["bassin_vie_2012"] = _bassin_of(out["code_insee"]).to_numpy()
    out["apl_under65_bassin"] = bv_apl.reindex(out["bassin_vie_2012"]).to_numpy(dtype=float)
    out.loc[out["bassin_vie_2012"] == "", "apl_under65_bassin"] = np.nan
    out["zoning_class_bassin"] = zoning_classes(out["apl_under65_bassin"])
    return out


def zoning_headline(table: pd.DataFrame) -> dict[str, float]:
    """Inhabitants and communes per class, from a :func:`commune_zoning` table.

    Returns
    -------
    dict
        ``population`` (with a published APL), ``under_served_zoning`` (inhabitants in a
        « type ZIP » commune: APL under 65 < 2.5), ``pool_zoning`` (2.5–4),
        ``under_served_all_ages`` (APL of every GP < 2.5), ``under_served_bassin``
        (inhabitants of communes whose bassin de vie is « type ZIP »), and the matching
        ``communes_*`` counts.
    """
    pop = table["pop_totale"].fillna(0.0)
    masks = {
        "under_served_zoning": table["zoning_class"] == "priority",
        "pool_zoning": table["zoning_class"] == "complementary_pool",
        "under_served_all_ages": table["access_class"] == "under_served",
        "under_served_bassin": table["zoning_class_bassin"] == "priority",
    }
    out: dict[str, float] = {"population": float(pop[table["apl"].notna()].sum())}
    for key, mask in masks.items():
        out[key] = float(pop[mask].sum())
        out[f"communes_{key}"] = int(mask.sum())
    return out
