"""Every number a plan rests on, with its unit, its source or the word « hypothèse ».

One :class:`PlanAssumptions` holds the costs, the fee income and fixed payments of a centre
de santé, the team rules (minimum team at opening, FTE steps, per-site capacity, first-year
ramp-up) and the staff attrition of the "sans COG" (hiring freeze) baseline. Each field has
an :class:`Assumption` record (French label, unit, status, source) that the outputs list in
full (xlsx sheet « Sources et hypothèses », report). Any value can be overridden from one
YAML file (:func:`read_assumptions`, CLI ``--assumptions``): keys are the field names.

Sourced values (each with its range, the « estimé » band of :data:`ASSUMPTION_RANGES`)
--------------
- G consultation of a GP: 30 € since 22 December 2024 (convention nationale des médecins
  libéraux signed on 4 June 2024, approved by arrêté of 20 June 2024, JO 21 June 2024,
  first step of revaluation on 22 December 2024; centres de santé bill the same tariffs,
  accord national des centres de santé, JO 30 Sept. 2015).
- Consultations of a salaried GP FTE in a centre de santé: 4,220 a year (4,533 in the
  centres at financial balance; libéral GPs about 5,000), figures of the reports compiled
  in « Combien coûte un centre de santé municipal ? » (9 centres municipaux); IGAS (2025,
  évaluation du modèle économique des centres de santé pluriprofessionnels) finds a
  productivity of salaried GPs below that of libéral GPs. The DREES conversion of one FTE
  into 5,400 consultations (APL, sheet « Paramètres ») stays the conversion of published
  FTE and consultations.
- Employer cost of a salaried GP: gross salary 70,000–90,000 € a year (same compilation,
  salaries « calés sur la grille hospitalière ») plus employer contributions of 40–45 % of
  gross for a cadre (URSSAF rates: maladie 13 %, vieillesse 10.57 %, famille 5.25 %,
  chômage 4.05 %, retraite complémentaire…, as broken down by Hellowork, « Salaire brut,
  charges patronales : quel est le coût d'un salarié ? ») → 80,000 × 1.42.
- Support staff: IGAS 2025 counts 3,850 FTE of medical-administrative staff for 2,400 FTE of
  physicians in the 586 centres de santé pluriprofessionnels of 2022 (1.6 per physician
  FTE); one support FTE costs a medical secretary's salary, 1,500–2,200 € gross a month
  (2024) or 1,751–2,440 € on the hospital AMA grid, plus 25–35 % employer contributions of
  a non-cadre → 2,000 € × 12 × 1.33 ≈ 32,000 €.
- Fixed payments of a centre de santé (accord national: rémunération forfaitaire spécifique,
  forfait patientèle médecin traitant, ROSP, dispositif Teulade): the Assurance maladie pays
  15–25 % of the receipts of 9 centres municipaux whose fees are 60–70 % (same compilation),
  and at most 15 % of receipts against 80 % of fees on average (Mutualité française, 2025)
  — 20 % of the fees, range 15–30 %.
- Attrition without replacement: GPs 5 % a year (CNOM, Atlas 2013: 24.8 % of GPs in regular
  activity likely to retire within 5 years); nurses 6 % a year (DREES, Études et résultats
  n° 1277, 2023: 54 % of hospital nurses still in post after 10 years, 1 − 0.54^(1/10)).
- GPs aged 65 or over in the "sans COG" world: mean remaining activity 4 years (DREES, Études
  et résultats n° 1097, 2018; :mod:`proxisante.plan.baseline`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import pandas as pd

from proxisante import _fr, bounds
from proxisante._documents import DocumentLimits, load_document
from proxisante.errors import DataFileError, InputError, shorten
from proxisante.offer.model import CENTRE_GP_FTE_PER_PERSON, PROFESSIONS
from proxisante.professions import PROFESSIONS as PROFESSIONS_BY_CODE

__all__ = [
    "ASSUMPTIONS_LIMITS",
    "ASSUMPTION_INFO",
    "ASSUMPTION_RANGES",
    "OTHER_KEYS",
    "PLANNED_PROFESSIONS",
    "PROFESSION_FR",
    "SHORT_FR",
    "TABLE_COLUMNS",
    "Assumption",
    "PlanAssumptions",
    "read_assumptions",
]

#: Professions a plan can staff: GPs and nurses with the sourced figures below, the others of
#: the offer with the user's cost per FTE (``<profession>_fte_eur_per_year``).
PLANNED_PROFESSIONS = PROFESSIONS
#: Per-profession keys of the professions other than GPs and nurses (``<profession>_<key>``).
OTHER_KEYS = ("fte_eur_per_year", "fees_eur_per_fte", "attrition_per_year")

#: French plural name of each profession (report and xlsx labels), from the registry.
PROFESSION_FR = {p.code: p.plural_fr for p in PROFESSIONS_BY_CODE.values()}
#: Short French name of each profession (column labels), from the registry.
SHORT_FR = {p.code: p.short_fr for p in PROFESSIONS_BY_CODE.values()}

SOURCED = "sourcé"
ESTIMATED = "estimé"
HYPOTHESIS = "hypothèse"


@dataclass(frozen=True)
class Assumption:
    """How one parameter is shown: French label, unit, status and source."""

    label_fr: str
    unit: str
    status: str  # sourcé | estimé | hypothèse
    source: str


_G_SOURCE = (
    "Convention nationale des médecins libéraux du 4 juin 2024 (Assurance maladie), G = 30 € "
    "depuis le 22 décembre 2024 (varactu.fr, « Consultations médicales à 30 € », 22/12/2024) ; "
    "tarifs opposables appliqués par les centres de santé (accord national, JO 30/09/2015)"
)
_CDS_MUNICIPAL = (
    "« Combien coûte un centre de santé municipal ? » (pour-des-medecins-salaries-au-croisic."
    "e-monsite.com, 9 centres municipaux de santé et rapports cités)"
)
_IGAS_2025 = (
    "IGAS, « Évaluation du modèle économique des centres de santé pluriprofessionnels », "
    "rapport publié le 11 février 2025 (vie-publique.fr/rapport/297303)"
)
_CHARGES = (
    "cotisations patronales d'un cadre ≈ 40-45 % du brut (taux URSSAF détaillés : Hellowork, "
    "« Salaire brut, charges patronales : quel est le coût d'un salarié ? »)"
)

#: Label, unit, status and source of every field of :class:`PlanAssumptions`.
ASSUMPTION_INFO: dict[str, Assumption] = {
    "gp_consultations_per_fte": Assumption(
        "consultations par ETP de médecin généraliste publié (conversion ETP ↔ actes)",
        "consultations/an", SOURCED, "DREES, APL, feuille « Paramètres » (1 ETP ≈ 5 400 actes)"),
    "salaried_gp_consultations_per_fte": Assumption(
        "consultations par ETP de médecin salarié recruté (recettes et effet sur l'APL)",
        "consultations/an", SOURCED,
        f"{_CDS_MUNICIPAL} : 4 220 consultations par médecin et par an en centre de santé, "
        "4 533 dans les centres à l'équilibre, ≈ 5 000 pour un libéral ; productivité des "
        f"médecins salariés jugée insuffisante par l'{_IGAS_2025}"),
    "gp_tariff_eur": Assumption(
        "tarif de la consultation G", "€", SOURCED, _G_SOURCE),
    "fixed_payment_share": Assumption(
        "paiements forfaitaires du centre (accord national des centres de santé), en part des "
        "honoraires", "part", ESTIMATED,
        "Accord national des centres de santé (JO 30/09/2015, avenant 3 JO 03/09/2020) : "
        "rémunération forfaitaire spécifique, forfait patientèle médecin traitant, ROSP, "
        f"dispositif Teulade ; {_CDS_MUNICIPAL} : financements CPAM 15-25 % des recettes pour "
        "des honoraires de 60-70 % ; Mutualité française (2025) : forfaits au plus 15 % des "
        "recettes pour des honoraires de 80 % ; soit ≈ 20 % des honoraires (15-30 %)"),
    "nurse_fees_eur_per_fte": Assumption(
        "honoraires par ETP infirmier et par an", "€/an", HYPOTHESIS,
        "hypothèse fondée sur les honoraires moyens des infirmiers libéraux, 88 700 € en 2015 "
        "(Cnam, rapport charges et produits 2018) ; activité d'une infirmière salariée en "
        "centre à vérifier"),
    "gp_fte_eur_per_year": Assumption(
        "coût employeur d'un ETP de médecin généraliste salarié", "€/an", ESTIMATED,
        f"salaire brut 80 000 € (70 000-90 000 € dans les centres municipaux, grille "
        f"hospitalière : {_CDS_MUNICIPAL}) × 1,42 ({_CHARGES})"),
    "nurse_fte_eur_per_year": Assumption(
        "coût employeur d'un ETP d'infirmier salarié", "€/an", HYPOTHESIS,
        "hypothèse (grille salariale infirmière + charges patronales) à remplacer par le coût "
        "réel du réseau"),
    "support_fte_per_gp_fte": Assumption(
        "personnel d'appui (accueil, secrétariat, assistants, coordination) par ETP de médecin",
        "ETP", SOURCED,
        f"{_IGAS_2025} : 3 850 ETP médico-administratifs pour 2 400 ETP de médecins dans les "
        "586 centres pluriprofessionnels de 2022, soit 1,6"),
    "support_fte_per_other_fte": Assumption(
        "personnel d'appui par ETP des autres professions", "ETP", HYPOTHESIS,
        "hypothèse : un tiers du ratio des médecins (les paramédicaux gèrent davantage leur "
        "agenda eux-mêmes)"),
    "support_staff_eur_per_fte": Assumption(
        "coût employeur d'un ETP de personnel d'appui", "€/an", ESTIMATED,
        "secrétaire médicale 1 500-2 200 € bruts par mois en 2024 (quel-salaire.fr), 1 751-2 440 "
        "€ sur la grille des assistants médico-administratifs hospitaliers ; 2 000 € × 12 × 1,33 "
        "(cotisations patronales d'un non-cadre 25-35 %)"),
    "support_eur_per_fte": Assumption(
        "autres frais liés à l'activité (fournitures, informatique, assurances) par ETP "
        "soignant", "€/an", HYPOTHESIS, "hypothèse à remplacer par les comptes du réseau"),
    "site_eur_per_year": Assumption(
        "fonctionnement fixe d'un nouveau centre (loyer ou amortissement des locaux, charges)",
        "€/an", HYPOTHESIS,
        "hypothèse ; ordre de grandeur : maison de santé des Mureaux (9 médecins, 11 autres "
        "professionnels) financée 3,6 M€ (La Gazette en Yvelines, 1er juin 2018), soit ≈ 144 000 "
        "€ par an sur 25 ans pour 20 professionnels ; ici un centre de 2 à 6 médecins"),
    "opening_eur": Assumption(
        "investissement d'ouverture d'un centre (aménagement, équipement, informatique)", "€",
        HYPOTHESIS,
        "hypothèse : locaux loués (le bâtiment est dans le fonctionnement fixe), aménagement "
        "et équipement d'un centre de 2 à 6 médecins ; à remplacer par les devis du réseau"),
    "ramp_up_share": Assumption(
        "part d'activité d'un recrutement l'année de son arrivée (montée en charge)", "part",
        HYPOTHESIS, "hypothèse : patientèle constituée en un an"),
    "min_team_gp_fte": Assumption(
        "équipe minimale de médecins à l'ouverture d'un centre", "ETP", HYPOTHESIS,
        "hypothèse (continuité des soins : pas de centre à un seul médecin)"),
    "fte_step": Assumption(
        "pas des recrutements", "ETP", HYPOTHESIS, "paramètre (mi-temps)"),
    "max_added_fte_per_site": Assumption(
        "ETP ajoutés au plus par site (capacité des locaux)", "ETP", HYPOTHESIS,
        "hypothèse"),
    "gp_attrition_per_year": Assumption(
        "départs non remplacés des médecins (gel des embauches)", "part par an", ESTIMATED,
        "CNOM, Atlas de la démographie médicale 2013 : 24,8 % des généralistes susceptibles "
        "de partir à la retraite d'ici 2018 (Le Quotidien du médecin), soit ≈ 5 % par an"),
    "nurse_attrition_per_year": Assumption(
        "départs non remplacés des infirmiers (gel des embauches)", "part par an", ESTIMATED,
        "DREES, Études et résultats n° 1277 (août 2023) : 54 % des infirmières hospitalières "
        "encore en poste après 10 ans, soit 1 − 0,54^(1/10) ≈ 6 % par an"),
    "gp65_mean_remaining_years": Assumption(
        "durée moyenne d'activité restante des médecins de 65 ans et plus (sans COG)", "ans",
        ESTIMATED,
        "DREES, Études et résultats n° 1097 (déc. 2018) : au-delà de 65 ans, ≈ 70 % des "
        "médecins encore en activité cumulent emploi et retraite et cessent en moyenne à 69,5 "
        "ans après ≈ 4 ans de cumul ; fin d'activité moyenne des libéraux 67 ans en 2017"),
    "gp60_64_share_of_under65": Assumption(
        "part de l'offre des médecins de moins de 65 ans tenue par les 60-64 ans", "part",
        ESTIMATED,
        "CNOM, Atlas de la démographie médicale 2020 : 25,9 % des généralistes en activité "
        "régulière ont 60 ans ou plus ; les 65 ans et plus tiennent ≈ 12 % des consultations "
        "(DREES, APL 2023 et APL des moins de 65 ans) ; part nationale, aucune structure "
        "d'âge publiée par commune"),
    "installation_factor": Assumption(
        "installations de nouveaux médecins : multiple de la tendance départementale BPE "
        "2017 → 2021", "facteur", ESTIMATED,
        "INSEE, BPE 2017 et BPE 2021 (D201) : médecins gagnés par commune, par an et par "
        "médecin de 2017, par département (borne basse des installations) ; 1 = tendance "
        "observée"),
    "retirement_age": Assumption(
        "âge de départ des professionnels dont l'année de naissance est connue", "ans",
        HYPOTHESIS, "hypothèse (âge du taux plein sans décote : 67 ans)"),
    "hires_fte_per_year": Assumption(
        "capacité de recrutement du réseau (tous métiers, au-delà des remplacements de départs)",
        "ETP par an", ESTIMATED,
        "ordre de grandeur des recrutements récents documentés de Filieris : Behren-lès-"
        "Forbach (2021, 3 médecins), Avion (reprise, 2 médecins), Wallers-Arenberg (1 médecin, "
        "un 2e attendu), Ham-en-Artois (ouvert en novembre 2025) — pages citées dans l'offre "
        "fournie ; à remplacer par la capacité réelle du service RH"),
    "budget_growth_per_year": Assumption(
        "croissance annuelle du budget dans le scénario « croissance »", "part par an",
        HYPOTHESIS, "hypothèse de scénario"),
    "growth_hires_elasticity": Assumption(
        "part de la croissance du budget reportée sur la capacité de recrutement (scénario "
        "« croissance »)", "part", HYPOTHESIS,
        "hypothèse : un budget plus élevé finance aussi plus de recrutements (1 = capacité "
        "proportionnelle au budget, 0 = capacité inchangée)"),
    "other_attrition_per_year": Assumption(
        "départs non remplacés des autres professions (gel des embauches)", "part par an",
        HYPOTHESIS, "hypothèse : même ordre que les médecins faute de source par profession"),
}  # fmt: skip


#: Plausible low and high value of the sourced and estimated parameters (the « estimé »
#: band of every figure that rests on them; the sensitivity table of :mod:`proxisante.plan.
#: sensitivity` moves cost, revenue and activity by ±20 % instead).
ASSUMPTION_RANGES: dict[str, tuple[float, float]] = {
    "salaried_gp_consultations_per_fte": (3800.0, 4533.0),
    "fixed_payment_share": (0.15, 0.30),
    "gp_fte_eur_per_year": (70_000.0 * 1.40, 90_000.0 * 1.45),
    "support_fte_per_gp_fte": (1.0, 2.0),
    "support_staff_eur_per_fte": (1500.0 * 12 * 1.25, 2440.0 * 12 * 1.35),
    "gp65_mean_remaining_years": (2.5, 6.0),
    "installation_factor": (0.5, 1.5),
    "gp60_64_share_of_under65": (0.15, 0.25),
    "gp_attrition_per_year": (0.03, 0.07),
    "nurse_attrition_per_year": (0.04, 0.08),
}


@dataclass(frozen=True)
class PlanAssumptions:
    """The plan's parameters (units in the names; sources in :data:`ASSUMPTION_INFO`)."""

    gp_consultations_per_fte: float = 5400.0
    salaried_gp_consultations_per_fte: float = 4220.0
    gp_tariff_eur: float = 30.0
    fixed_payment_share: float = 0.20
    nurse_fees_eur_per_fte: float = 88_700.0
    gp_fte_eur_per_year: float = 113_600.0
    nurse_fte_eur_per_year: float = 55_000.0
    support_fte_per_gp_fte: float = 1.6
    support_fte_per_other_fte: float = 0.5
    support_staff_eur_per_fte: float = 32_000.0
    support_eur_per_fte: float = 8_000.0
    site_eur_per_year: float = 80_000.0
    opening_eur: float = 300_000.0
    ramp_up_share: float = 0.5
    min_team_gp_fte: float = 2.0
    fte_step: float = 0.5
    max_added_fte_per_site: float = 6.0
    gp_attrition_per_year: float = 0.05
    nurse_attrition_per_year: float = 0.06
    retirement_age: float = 67.0
    hires_fte_per_year: float = 4.0
    budget_growth_per_year: float = 0.05
    growth_hires_elasticity: float = 1.0
    other_attrition_per_year: float = 0.05
    gp65_mean_remaining_years: float = 4.0
    installation_factor: float = 1.0
    gp60_64_share_of_under65: float = 0.20
    #: FTE counted per salaried centre de santé GP known by headcount only (« hypothèse »,
    #: :data:`~proxisante.offer.model.CENTRE_GP_FTE_PER_PERSON`; CLI
    #: ``--centre-gp-fte-per-person`` overrides it). Listed with its note by the plan's
    #: world sources when the conversion is used, so it has no :data:`ASSUMPTION_INFO` row.
    centre_gp_fte_per_person: float = CENTRE_GP_FTE_PER_PERSON
    #: ``<profession>_<key>`` values (keys of :data:`OTHER_KEYS`) of the other professions.
    other: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Every value within its documented range (:data:`proxisante.bounds.PARAMETERS`:
        the field's name, or the key of ``<profession>_<key>``)."""
        for name, v in self.other.items():
            _, key = _other_key(name, origin="assumptions")
            bounds.check(key, v, where="assumptions", label=name)
        for f in fields(self):
            if f.name != "other":
                bounds.check(f.name, getattr(self, f.name), where="assumptions")
        if self.max_added_fte_per_site < self.fte_step:
            msg = (f"assumption max_added_fte_per_site ({self.max_added_fte_per_site:g}) is "
                   f"below one step ({self.fte_step:g} FTE)")  # fmt: skip
            raise InputError(msg)

    # --- per-profession figures -------------------------------------------------------
    def cost_per_fte(self, profession: str) -> float:
        """Employer cost of one FTE (euros per year), without the size-related running cost.

        Raises
        ------
        InputError
            A profession other than GPs and nurses without its cost (no default exists).
        """
        p = _planned(profession)
        if p in ("gp", "nurse"):
            return getattr(self, f"{p}_fte_eur_per_year")
        key = f"{p}_fte_eur_per_year"
        if key not in self.other:
            msg = (f"no cost per FTE for profession '{p}': give --fte-cost (euros per FTE and "
                   f"year) or {key} in the assumptions file")  # fmt: skip
            raise InputError(msg)
        return float(self.other[key])

    def support_per_fte(self, profession: str) -> float:
        """Running cost that comes with one FTE of ``profession`` (euros per year): its
        support staff (IGAS ratio for GPs) and the other activity-related costs."""
        ratio = (self.support_fte_per_gp_fte if _planned(profession) == "gp"
                 else self.support_fte_per_other_fte)  # fmt: skip
        return ratio * self.support_staff_eur_per_fte + self.support_eur_per_fte

    def fees_per_fte(self, profession: str) -> float:
        """Fee income of one FTE at full activity (euros per year); other professions: their
        ``<profession>_fees_eur_per_fte`` or 0 (no income counted)."""
        p = _planned(profession)
        if p == "gp":
            return self.salaried_gp_consultations_per_fte * self.gp_tariff_eur
        if p == "nurse":
            return self.nurse_fees_eur_per_fte
        return float(self.other.get(f"{p}_fees_eur_per_fte", 0.0))

    def income_per_fte(self, profession: str) -> float:
        """Fees plus the centre's fixed payments, per FTE at full activity (euros per year)."""
        return self.fees_per_fte(profession) * (1.0 + self.fixed_payment_share)

    def attrition(self, profession: str) -> float:
        """Share of the staff leaving each year and not replaced under a hiring freeze."""
        p = _planned(profession)
        if p in ("gp", "nurse"):
            return getattr(self, f"{p}_attrition_per_year")
        return float(self.other.get(f"{p}_attrition_per_year", self.other_attrition_per_year))

    def min_team_fte(self, profession: str) -> float:
        """FTE of ``profession`` a new centre must have the year it opens."""
        return self.min_team_gp_fte if _planned(profession) == "gp" else 0.0

    # --- overrides and listing --------------------------------------------------------
    def with_overrides(self, values: dict, *, origin: str = "overrides") -> PlanAssumptions:
        """A copy with ``values`` (field name → number) replacing the defaults.

        Names are the fields, or ``<profession>_<key>`` for the professions other than GPs
        and nurses (keys of :data:`OTHER_KEYS`, e.g. ``physiotherapist_fte_eur_per_year``).
        """
        known = {f.name for f in fields(self)} - {"other"}
        clean, other = {}, dict(self.other)
        for k, v in values.items():
            if k not in known:
                _other_key(k, origin=origin, known=known)
            if isinstance(v, bool) or not isinstance(v, int | float):
                msg = (f"{origin}: assumption '{k}' was {shorten(repr(v))}; expected a "
                       "decimal number (not text or true/false; 1:30, 0x10, 1_000 or .inf "
                       "are text)")  # fmt: skip
                raise InputError(msg)
            row = k if k in known else _other_key(k, origin=origin)[1]
            bounds.check(row, v, where=origin, label=k)
            if k in known:
                clean[k] = float(v)
            else:
                other[k] = float(v)
        return replace(self, **clean, other=other)

    def overridden(self) -> set[str]:
        """Names of the fields (and ``other`` keys) that differ from the defaults."""
        default = PlanAssumptions()
        out = {k for k, v in asdict(self).items() if k != "other" and v != getattr(default, k)}
        return out | set(self.other)

    def table(self, *, professions: tuple[str, ...] = ("gp", "nurse")) -> pd.DataFrame:
        """French table: hypothèse, valeur, unité, statut, source (one row per field).

        Fields about a profession not planned are left out; a value set by the user is
        marked « valeur utilisateur » whatever its default status.
        """
        mine = self.overridden()
        rows = []
        others = [p for p in professions if p not in ("gp", "nurse")]
        for name, info in ASSUMPTION_INFO.items():
            if name.startswith("nurse") and "nurse" not in professions:
                continue
            if name.startswith("other") and not others:
                continue
            status = "valeur utilisateur" if name in mine else info.status
            rng = ASSUMPTION_RANGES.get(name)
            band = "" if rng is None else f"{_num_fr(rng[0])} – {_num_fr(rng[1])}"
            rows.append((info.label_fr, getattr(self, name), info.unit, status, info.source,
                         band))  # fmt: skip
        for p in others:
            fr = PROFESSION_FR[p]
            user = "valeur utilisateur"
            rows.append((f"coût employeur d'un ETP ({fr})", self.cost_per_fte(p), "€/an", user,
                         "fourni par l'utilisateur (--fte-cost)", ""))  # fmt: skip
            fees = f"{p}_fees_eur_per_fte"
            rows.append((f"honoraires par ETP ({fr}) et par an", self.fees_per_fte(p), "€/an",
                         "valeur utilisateur" if fees in self.other else HYPOTHESIS,
                         "fourni par l'utilisateur" if fees in self.other else
                         "hypothèse : aucune recette comptée faute de donnée (coût net = coût "
                         "brut)", ""))  # fmt: skip
            att = f"{p}_attrition_per_year"
            if att in self.other:
                rows.append((f"départs non remplacés ({fr}, gel des embauches)",
                             self.attrition(p), "part par an", "valeur utilisateur",
                             "fourni par l'utilisateur", ""))  # fmt: skip
        derived = [
            ("honoraires par ETP de médecin à pleine activité",
             self.fees_per_fte("gp"), "€/an", "calculé",
             "consultations par ETP de médecin salarié × tarif G", ""),
            ("personnel d'appui et frais liés à l'activité par ETP de médecin",
             self.support_per_fte("gp"), "€/an", "calculé",
             "personnel d'appui par ETP × coût d'un ETP d'appui + autres frais", ""),
            ("coût net d'un ETP de médecin à pleine activité (hors locaux)",
             self.cost_per_fte("gp") + self.support_per_fte("gp") - self.income_per_fte("gp"),
             "€/an", "calculé", "coût employeur + appui − honoraires × (1 + forfaits)", ""),
        ]  # fmt: skip
        return pd.DataFrame(rows + derived, columns=list(TABLE_COLUMNS))


#: Columns of :meth:`PlanAssumptions.table` (the « Sources et hypothèses » sheet).
TABLE_COLUMNS = ("hypothèse", "valeur", "unité", "statut", "source", "fourchette")


def _num_fr(x: float) -> str:
    return _fr.fmt_int(x) if abs(x) >= 100 else _fr.fmt_dec(x, 2)


def _other_key(name: str, *, origin: str, known=()) -> tuple[str, str]:
    """``(profession, key)`` of a ``<profession>_<key>`` name of another profession."""
    others = [p for p in PLANNED_PROFESSIONS if p not in ("gp", "nurse")]
    m = re.fullmatch(rf"({'|'.join(others)})_({'|'.join(OTHER_KEYS)})", name)
    if m is None:
        expected = ", ".join(sorted(known)) or "the fields of PlanAssumptions"
        msg = (f"{origin}: unknown assumption '{name}'; expected one of {expected}, or "
               f"<profession>_{{{','.join(OTHER_KEYS)}}} for {', '.join(others)}")  # fmt: skip
        raise InputError(msg)
    return m.group(1), m.group(2)


def _planned(profession: str) -> str:
    if profession not in PLANNED_PROFESSIONS:
        msg = (f"profession '{profession}' cannot be planned; expected one of "
               f"{', '.join(PLANNED_PROFESSIONS)}")  # fmt: skip
        raise InputError(msg)
    return profession


#: Bounds of an assumptions file (a flat mapping of a few dozen ``name: number`` lines).
ASSUMPTIONS_LIMITS = DocumentLimits(
    max_bytes=1 << 20, max_depth=8, max_nodes=100_000,
    needs="an assumptions file is a flat mapping of name: number",
)  # fmt: skip


def read_assumptions(path: str | Path, base: PlanAssumptions | None = None) -> PlanAssumptions:
    """Read overrides from a YAML file of ``name: number`` lines (see :data:`ASSUMPTION_INFO`).

    The file is read as scenario files are (:func:`proxisante._documents.load_document`):
    UTF-8, libyaml's safe loader, size and nesting bounded (:data:`ASSUMPTIONS_LIMITS`).

    Raises
    ------
    DataFileError
        Missing, too large, not UTF-8 or not valid YAML (with its line), nested too deeply,
        not a mapping, unknown name or non-numeric value; each naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(str(path), "file not found; expected a YAML file of name: number")
    data = load_document(path, "yaml", ASSUMPTIONS_LIMITS)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DataFileError(str(path), "expected a mapping of assumption name: number")
    try:
        return (base or PlanAssumptions()).with_overrides(data, origin=str(path))
    except InputError as exc:
        raise DataFileError(str(path), str(exc).removeprefix(f"{path}: ")) from None
