"""The professions of santé de proximité: one registry, read by every layer.

A :class:`Profession` says what the code needs to know about a profession: its code (the
vocabulary of the offer, the store, scenarios and plans), its French labels, its INSEE BPE
2021 equipment code, and, for the five professions with a DREES APL (GPs, nurses,
physiotherapists, midwives, dentists), how that APL is computed (:class:`AplMethod`: unit,
activity → supply rule, age weighting, decay) and the published national reference it can
be checked against. Nothing else in the package names a profession by a French string.

What DREES publishes and what it does not (sources searched: the DREES methodology page of
the APL, Études et Résultats n° 1100 and n° 1206, the DREES workbook of the APL to GPs,
INSEE « La France et ses territoires » 2021, the arrêtés of zoning):

- the APL exists for « les médecins généralistes, les infirmières, les sages-femmes, les
  masseuses-kinésithérapeutes et les chirurgiens-dentistes »; its method was recast in 2015
  and its parameters set per profession with the CNAM, the ARS and the professions (DREES,
  « L'indicateur d'accessibilité potentielle localisée (APL) », methodology page);
- GPs: every parameter (activity bounds, 5,400 consultations per FTE, decay 1 / 2/3 / 1/3 /
  0 at 10, 15, 20 minutes, 19 age weights) is in the DREES workbook, bundled;
- nurses, physiotherapists, midwives: the APL is in FTE per 100,000 standardised
  inhabitants (per 100,000 women for midwives); national means 145 / 103 / 16 in 2017
  (ER n° 1100, January 2019) and 152 / 105 / 18 in 2019 (INSEE, « La France et ses
  territoires », 2021, fiche « Accessibilité aux professionnels de santé »); one nurse FTE is
  the median libéral activity (Observatoire des territoires, indicator « APL aux
  infirmiers »); the sum of the standardised populations is renormalised each year to the
  total population (ER n° 1206, September 2021, box 1);
- **not found**: the age weights, the decay and the activity bounds of the four professions
  other than GPs, and any national mean of the APL to dentists; no text sets an
  under-supply threshold on their APL (their ARS zonings, e.g. the arrêtés of 2011 for
  nurses and physiotherapists, classify bassins de vie by other criteria), so
  ``underserved_below`` is None for them and plans take the user's threshold. Where DREES gives no
  parameter, :class:`AplMethod` states the assumption it makes (``assumptions``), and every
  output of these APL is labelled « estimé ».

References
----------
- DREES, « L'indicateur d'accessibilité potentielle localisée (APL) », methodology page
  (drees.solidarites-sante.gouv.fr, sources, outils et enquêtes).
- Legendre, Aberki, Chaput (2019), « Infirmiers, masseurs-kinésithérapeutes et sages-femmes :
  l'accessibilité s'améliore malgré des inégalités », DREES, Études et Résultats n° 1100.
- DREES (2021), « Les trois quarts des personnes les plus éloignées des professionnels de
  premier recours vivent dans des territoires ruraux », Études et Résultats n° 1206.
- INSEE (2021), « La France et ses territoires », fiche « Accessibilité aux professionnels de
  santé ».
- Barlet, Coldefy, Collin, Lucas-Gabrielli (2012), DREES, Études et Résultats n° 795 and
  Document de travail n° 124 (the APL to GPs); DREES workbook ``apl_generalistes.xlsx``.
- INSEE, « Bilan démographique 2021 » (population by sex).

The supply of the estimate is the INSEE BPE 2021 headcount of libéral professionals per
commune (:mod:`proxisante.territory.bpe2021`), plus the known staff of the offer's sites; a
headcount is read as ``fte_per_headcount`` FTE.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from proxisante.catchment import DREES_STEP_UPPERS_MINUTES, DREES_STEP_WEIGHTS
from proxisante.errors import InputError

__all__ = [
    "APL_PROFESSIONS",
    "PROFESSIONS",
    "PROFESSION_CODES",
    "WOMEN_SHARE_2021",
    "AplMethod",
    "Profession",
    "Reference",
    "get_profession",
    "profession_codes",
]

#: Share of women in the population of France on 1 January 2021 (INSEE, « Bilan
#: démographique 2021 », population by sex and age: 34.8 million women of 67.4 million),
#: the demand of the midwives' estimate when no population by sex is imported.
WOMEN_SHARE_2021 = 0.516

_DREES_APL_PAGE = "DREES, « L'indicateur d'accessibilité potentielle localisée (APL) » (méthode)"
_ER1100 = "DREES, Études et Résultats n° 1100 (janvier 2019)"
_ER1206 = "DREES, Études et Résultats n° 1206 (septembre 2021)"
_INSEE_2021 = "INSEE, « La France et ses territoires » 2021 (APL 2019, France hors Mayotte)"
_GP_WORKBOOK = "DREES, classeur apl_generalistes.xlsx, feuille « Paramètres »"
_BPE = "INSEE, Base permanente des équipements 2021"

_ASSUME_DECAY = (
    "décroissance avec le temps de trajet : celle des médecins généralistes (1 avant 10 min, "
    "2/3 de 10 à 15, 1/3 de 15 à 20, 0 au-delà), la DREES ne publiant pas celle de cette "
    "profession"
)
_ASSUME_FTE = (
    "offre : effectifs libéraux de la BPE 2021 (INSEE), un professionnel = 1 ETP (la DREES "
    "définit 1 ETP comme l'activité médiane ; l'activité de chacun n'est pas publique)"
)
_ASSUME_GP_WEIGHTS = (
    "demande : population standardisée par les poids d'âge des médecins généralistes "
    "(DREES, APL 2023), ceux de cette profession n'étant pas publiés"
)


#: How a profession's APL weighs its demand (:class:`AplMethod`).
Demand = Literal["drees_gp_weights", "total", "women"]


@dataclass(frozen=True)
class Reference:
    """A published national value of a profession's APL (to check an estimate against)."""

    value: float
    year: int
    source: str


@dataclass(frozen=True)
class AplMethod:
    """How the DREES APL of one profession is computed (or estimated).

    Attributes
    ----------
    unit
        ``consultations`` (GPs: consultations per year per standardised inhabitant) or
        ``fte`` (FTE per 100,000 standardised inhabitants).
    scale
        Factor of the result: 1 for GPs, 100,000 for FTE per 100,000.
    unit_fr, unit_short_fr
        The unit as shown to users (long and short forms).
    demand
        ``drees_gp_weights``: population standardised with the DREES GP age weights (the
        ``pop_standardisee`` of the DREES file); ``total``: inhabitants, unweighted;
        ``women``: inhabitants × :data:`WOMEN_SHARE_2021`.
    decay_minutes, decay_weights
        Step decay of road travel time (upper bounds in minutes, weights).
    fte_per_headcount
        FTE counted per professional of a headcount (BPE), the activity → FTE rule when no
        activity is known; for GPs, consultations come from FTE × 5,400 (DREES).
    official
        True when DREES values of this APL are bundled (GPs); False: the APL is estimated.
    assumptions
        Every parameter DREES does not publish, in French, as shown in outputs.
    sources
        Where the published parameters come from.
    """

    unit: Literal["consultations", "fte"]
    scale: float
    unit_fr: str
    unit_short_fr: str
    demand: Demand
    decay_minutes: tuple[float, ...] = DREES_STEP_UPPERS_MINUTES
    decay_weights: tuple[float, ...] = DREES_STEP_WEIGHTS
    fte_per_headcount: float = 1.0
    official: bool = False
    assumptions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def method_fr(self) -> str:
        """One French sentence naming the method and its assumptions (for « estimé » labels)."""
        head = (
            "APL DREES (2SFCA, temps de trajet routier)"
            if self.official
            else "APL estimé selon la méthode DREES (2SFCA, temps de trajet routier)"
        )
        return head + (
            " ; hypothèses : " + " ; ".join(self.assumptions) if self.assumptions else ""
        )


@dataclass(frozen=True)
class Profession:
    """One profession of santé de proximité (or of a site's staff).

    Attributes
    ----------
    code
        Stable code used in files, the store, scenarios and plans.
    label_fr, plural_fr, short_fr
        French singular, plural, and short plural (table columns).
    bpe_code
        INSEE BPE equipment code of the libéral professional (None: not in the BPE).
    apl
        How its APL is computed (None: no DREES APL for this profession).
    reference
        Published national mean of its APL (None: none found).
    underserved_below, vigilance_below
        Thresholds of its APL in its unit, when a text sets them (None otherwise).
    threshold_source
        Where the thresholds come from.
    aliases
        Other names a user may type (``physio``, ``kine``…).
    """

    code: str
    label_fr: str
    plural_fr: str
    short_fr: str
    bpe_code: str | None
    apl: AplMethod | None = None
    reference: Reference | None = None
    underserved_below: float | None = None
    vigilance_below: float | None = None
    threshold_source: str = ""
    aliases: tuple[str, ...] = field(default=())

    @property
    def estimated(self) -> bool:
        """True when its APL is an estimate (no official DREES values bundled)."""
        return self.apl is not None and not self.apl.official


_FTE_UNIT = "ETP pour 100 000 habitants standardisés"
_FTE_SOURCES = (_DREES_APL_PAGE, _ER1100, _ER1206, _INSEE_2021, _BPE)

GP = Profession(
    code="gp",
    label_fr="médecin généraliste",
    plural_fr="médecins généralistes",
    short_fr="médecins",
    bpe_code="D201",
    apl=AplMethod(
        unit="consultations",
        scale=1.0,
        unit_fr="consultations par an et par habitant standardisé",
        unit_short_fr="consult./an/hab.",
        demand="drees_gp_weights",
        official=True,
        sources=(_GP_WORKBOOK,),
    ),
    reference=Reference(3.9, 2019, _INSEE_2021),
    underserved_below=2.5,
    vigilance_below=4.0,
    threshold_source=(
        "Arrêté du 13 novembre 2017 (zones d'intervention prioritaire : APL des médecins de "
        "moins de 65 ans < 2,5 ; vivier 2,5 à 4)"
    ),
    aliases=("generaliste", "medecin", "doctor"),
)


def _estimated_fte(demand_assumption: str, *, demand: Demand = "drees_gp_weights",
                   unit_fr: str = _FTE_UNIT, unit_short_fr: str = "ETP/100 000 hab.",
                   sources: tuple[str, ...] = _FTE_SOURCES) -> AplMethod:  # fmt: skip
    """The estimated APL in FTE per 100,000: BPE headcounts as FTE, the GPs' decay, and the
    profession's demand (its assumption stated)."""
    return AplMethod(
        unit="fte", scale=100_000.0, unit_fr=unit_fr, unit_short_fr=unit_short_fr,
        demand=demand,
        assumptions=(_ASSUME_FTE, demand_assumption, _ASSUME_DECAY), sources=sources,
    )  # fmt: skip


NURSE = Profession(
    code="nurse", label_fr="infirmier", plural_fr="infirmiers", short_fr="infirmiers",
    bpe_code="D232", apl=_estimated_fte(_ASSUME_GP_WEIGHTS),
    reference=Reference(152.0, 2019, _INSEE_2021),
    aliases=("infirmier", "infirmiere", "ide", "idel"),
)  # fmt: skip

PHYSIOTHERAPIST = Profession(
    code="physiotherapist", label_fr="masseur-kinésithérapeute",
    plural_fr="masseurs-kinésithérapeutes", short_fr="kinésithérapeutes", bpe_code="D233",
    apl=_estimated_fte(_ASSUME_GP_WEIGHTS), reference=Reference(105.0, 2019, _INSEE_2021),
    aliases=("physio", "kine", "kinesitherapeute", "masseur-kinesitherapeute"),
)  # fmt: skip

MIDWIFE = Profession(
    code="midwife", label_fr="sage-femme", plural_fr="sages-femmes", short_fr="sages-femmes",
    bpe_code="D231",
    apl=_estimated_fte(
        "demande : femmes estimées à 51,6 % des habitants de chaque commune (INSEE, France "
        "2021), sans pondération par âge, la population par sexe des communes et les poids de "
        "la DREES n'étant pas disponibles hors ligne",
        demand="women", unit_fr="ETP pour 100 000 femmes", unit_short_fr="ETP/100 000 femmes",
    ),
    reference=Reference(18.0, 2019, _INSEE_2021),
    aliases=("sage-femme", "sage_femme", "sagefemme", "maieuticien"),
)  # fmt: skip

DENTIST = Profession(
    code="dentist", label_fr="chirurgien-dentiste", plural_fr="chirurgiens-dentistes",
    short_fr="dentistes", bpe_code="D221",
    apl=_estimated_fte(
        "demande : habitants sans pondération par âge (les poids d'âge de la DREES pour les "
        "chirurgiens-dentistes ne sont pas publiés ; ceux des médecins, croissants avec l'âge, "
        "ne décrivent pas le recours aux soins dentaires)",
        demand="total", sources=(_DREES_APL_PAGE, _BPE),
    ),
    reference=None, aliases=("dentiste", "chirurgien-dentiste"),
)  # fmt: skip

CARE_ASSISTANT = Profession(
    code="care_assistant",
    label_fr="aide-soignant",
    plural_fr="aides-soignants",
    short_fr="aides-soignants",
    bpe_code=None,
    aliases=("aide-soignant", "aide-soignante", "as"),
)

#: Every profession, by code, in display order.
PROFESSIONS: dict[str, Profession] = {
    p.code: p for p in (GP, NURSE, PHYSIOTHERAPIST, MIDWIFE, DENTIST, CARE_ASSISTANT)
}
#: Codes of every profession (the staff vocabulary of the offer, scenarios and plans).
PROFESSION_CODES: tuple[str, ...] = tuple(PROFESSIONS)
#: Codes of the professions with a DREES APL (official or estimated).
APL_PROFESSIONS: tuple[str, ...] = tuple(c for c, p in PROFESSIONS.items() if p.apl is not None)

_BY_NAME: dict[str, str] = {
    name: p.code for p in PROFESSIONS.values() for name in (p.code, *p.aliases)
}


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.strip().lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace(" ", "-")


def get_profession(name: str, *, with_apl: bool = False) -> Profession:
    """The profession a code or alias names (case and accents ignored).

    Parameters
    ----------
    name
        A code (``gp``, ``nurse``, ``physiotherapist``, ``midwife``, ``dentist``,
        ``care_assistant``) or an alias (``physio``, ``kine``, ``sage-femme``…).
    with_apl
        Accept only the professions with an APL (:data:`APL_PROFESSIONS`).

    Raises
    ------
    InputError
        Unknown name (the message lists the accepted codes).

    >>> get_profession("physio").code
    'physiotherapist'
    >>> get_profession("Sage-Femme").plural_fr
    'sages-femmes'
    """
    code = _BY_NAME.get(_fold(str(name)))
    accepted = APL_PROFESSIONS if with_apl else PROFESSION_CODES
    if code is None or code not in accepted:
        shown = ", ".join(accepted) + (" (or physio)" if "physiotherapist" in accepted else "")
        msg = f"profession '{name}' is not known; expected one of {shown}"
        raise InputError(msg)
    return PROFESSIONS[code]


def profession_codes(*, with_apl: bool = False) -> tuple[str, ...]:
    """Codes of every profession, or of those with an APL."""
    return APL_PROFESSIONS if with_apl else PROFESSION_CODES
