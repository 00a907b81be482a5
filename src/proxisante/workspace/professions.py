"""The APL of a profession over a territory, as the CLI and the web show it.

GPs keep the official DREES APL (:meth:`~proxisante.workspace.Workspace.apl_table`); nurses,
physiotherapists, midwives and dentists get the estimate of
:mod:`proxisante.access.professions` (labelled « estimé », with its method and assumptions),
computed nationally on the scenario engine's baseline, reported for the territory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from proxisante.access import EvaluationBaseline, ProfessionAccess, baseline_professions
from proxisante.access.professions import profession_access
from proxisante.errors import InputError
from proxisante.offer import Offer
from proxisante.professions import Profession, Reference, get_profession
from proxisante.territory import Territory

__all__ = ["ProfessionApl", "profession_apl"]


@dataclass(frozen=True)
class ProfessionApl:
    """A profession's APL over a territory, and how it was obtained.

    Attributes
    ----------
    table
        ``code_insee, nom, population, apl, supply_fte, demand``, worst first.
    status
        ``estimé`` (BPE 2021 supply), ``offre importée`` (a user's supply file) or
        ``officiel, fichier importé`` (an imported official APL).
    national_mean, territory_mean
        Demand-weighted means of the APL (France, or the communes of an imported official
        file: ``national_label``; the territory), in the profession's unit.
    notes
        French notes: method and assumptions, inputs, sources.
    """

    profession: Profession
    territory: Territory
    table: pd.DataFrame
    status: str
    national_mean: float
    territory_mean: float
    reference: Reference | None
    notes: tuple[str, ...]
    national_label: str = "France"

    @property
    def unit_fr(self) -> str:
        assert self.profession.apl is not None
        return self.profession.apl.unit_fr


def _mean(values: np.ndarray, weights: np.ndarray) -> float:
    total = float(weights.sum())
    return float((values * weights).sum() / total) if total > 0 else float("nan")


def profession_apl(
    profession: str, territory: Territory, *, baseline: EvaluationBaseline, offer: Offer,
    supply: pd.Series | None = None, official: pd.Series | None = None,
) -> ProfessionApl:  # fmt: skip
    """The APL of ``profession`` (not GPs) for every commune of ``territory``.

    ``supply``: FTE per commune (index INSEE code) replacing the BPE 2021 estimate
    (communes absent from it have none). ``official``: an imported official APL per commune
    (index INSEE code), which replaces the computed one (status « officiel (fichier
    importé) »; a commune the file does not list has no value, said in the notes).
    """
    p = get_profession(profession, with_apl=True)
    if not p.estimated:
        msg = f"the APL of '{p.code}' is official: read it with `proxisante apl` (no --profession)"
        raise InputError(msg)
    ctx = baseline
    if supply is None:
        acc = baseline_professions(ctx, offer)[p.code]
    else:
        unknown = supply.index.difference(pd.Index(ctx.codes))
        acc = profession_access(
            p, codes=ctx.codes, catchment=ctx.catchment, pop_standardisee=ctx.pop_standardisee,
            pop_totale=ctx.pop_totale,
            supply_fte=supply.reindex(ctx.codes).fillna(0.0).to_numpy(dtype=float),
        )  # fmt: skip
        if len(unknown):
            msg = (
                f"supply commune '{unknown[0]}' is outside the evaluated communes (no official "
                f"APL population or location; {len(unknown)} such)"
            )
            raise InputError(msg)
    table = _territory_table(acc, territory)
    status, values, notes = acc.status, acc.values, _notes(acc, ctx, territory)
    if official is not None:
        status = "officiel, fichier importé"
        values = official.reindex(ctx.codes).to_numpy(dtype=float)
        table["apl"] = official.reindex(table["code_insee"]).to_numpy(dtype=float)
        missing = table.loc[table["apl"].isna(), "code_insee"].tolist()
        notes = (
            f"APL : fichier officiel importé (remplace l'estimation ; la méthode ci-dessous "
            f"ne sert qu'à l'offre et à la demande affichées). {len(missing)} commune(s) du "
            "territoire absente(s) du fichier : pas de valeur.",
            *notes[1:],
        )
        table = table.sort_values(["apl", "code_insee"], na_position="last").reset_index(drop=True)
    inside = table["apl"].notna().to_numpy()
    known = ~np.isnan(values)
    return ProfessionApl(
        profession=p, territory=territory, table=table, status=status,
        national_mean=_mean(values[known], acc.demand[known]),
        territory_mean=_mean(table["apl"].to_numpy()[inside], table["demand"].to_numpy()[inside]),
        reference=p.reference, notes=notes,
        national_label="France" if official is None else "communes du fichier importé",
    )  # fmt: skip


def _territory_table(acc: ProfessionAccess, territory: Territory) -> pd.DataFrame:
    values = acc.table()
    out = territory.communes[["code_insee", "nom", "population"]].merge(
        values, on="code_insee", how="left", validate="one_to_one"
    )
    return out.sort_values(["apl", "code_insee"], na_position="last").reset_index(drop=True)


def _notes(acc: ProfessionAccess, ctx: EvaluationBaseline, territory: Territory) -> tuple[str, ...]:
    p = acc.profession
    assert p.apl is not None
    supply = (
        "offre : INSEE BPE 2021 (libéraux), plus le personnel salarié connu des sites de l'offre"
        if acc.status == "estimé"
        else "offre : fichier importé (remplace l'estimation BPE 2021)"
    )
    travel = (
        f"temps de trajet du modèle calibré {ctx.model_id}"
        if ctx.calibrated
        else "temps de trajet estimés hors ligne"
    )
    unknown = sorted(set(acc.unknown_codes) & set(territory.codes))
    absent = (
        f"Commune(s) absente(s) de la BPE 2021 (créées ou rétablies depuis), offre libérale "
        f"inconnue comptée 0 : {', '.join(unknown)}."
    )
    return (
        f"{p.apl.method_fr()}.",
        f"{supply} ; {travel} ; populations DREES {ctx.year} (INSEE {ctx.year - 2}).",
        *([absent] if unknown else []),
        "Sources : " + " ; ".join(p.apl.sources) + ".",
    )
