"""CLI: ``proxisante access`` — any access measure for a territory, from a supply table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proxisante import _fr as fr
from proxisante.cli._common import (
    console,
    console_err,
    find_territory,
    progress,
    user_errors,
    workspace,
)
from proxisante.cli.territory_cmd import TerritoryOption
from proxisante.errors import InputError

#: French name of each travel-time provider (table titles).
TRAVEL_FR = {"estimate": "estimation hors ligne", "osrm": "réseau routier OSRM",
             "matrix": "matrice importée", "model": "modèle calibré"}  # fmt: skip


@user_errors
def access(
    territory: TerritoryOption,
    supply: Annotated[
        Path | None,
        typer.Option(
            help="CSV: commune, fte and/or consultations[, profession]; default for "
            "GPs: the calibrated model's supply (estimé)"
        ),
    ] = None,
    measure: Annotated[
        str,
        typer.Option(
            help="apl | 2sfca | e2sfca | 3sfca | m2sfca | bfca | gravity | nearest | coverage"
        ),
    ] = "apl",
    profession: Annotated[
        str,
        typer.Option(
            help="gp | nurse | physio | midwife | dentist (rows of the supply file; without "
            "--supply, the BPE 2021 estimate for the professions other than GPs)"
        ),
    ] = "gp",
    year: Annotated[int, typer.Option(help="Year of the DREES standardised population")] = 2023,
    travel: Annotated[str, typer.Option(help="estimate | osrm | matrix")] = "estimate",
    network: Annotated[
        Path | None, typer.Option(help="OSRM network (.osrm) for --travel osrm")
    ] = None,
    matrix: Annotated[
        Path | None, typer.Option(help="Travel-time file for --travel matrix")
    ] = None,
    cutoff: Annotated[float, typer.Option(help="Cut-off in minutes (decay 0 beyond)")] = 30.0,
    decay: Annotated[
        str,
        typer.Option(
            help="default (the measure's own: binary 2SFCA, Luo-Qi zones for E2SFCA/3SFCA/"
            "M2SFCA/BFCA, 1/t for gravity) | linear | gaussian (σ = cut-off/3) | power (1/t)"
        ),
    ] = "default",
    csv: Annotated[bool, typer.Option("--csv", help="Write CSV to standard output")] = False,
    out: Annotated[Path | None, typer.Option(help="Write .csv or .gpkg (GeoPackage)")] = None,
) -> None:
    """Compute an access measure for every commune of a territory.

    Demand: DREES standardised population of YEAR for every French commune; supply: the
    file's FTE (or consultations for the APL, FTE × 5,400 otherwise); without --supply, for
    GPs, the calibrated model's supply (estimé), on its calibrated travel times for the APL,
    for the other professions the INSEE BPE 2021 libéral headcount plus the offer's salaried
    staff (estimé); --measure apl of another profession is `proxisante apl --profession`;
    times: offline estimate, OSRM road network or an imported matrix. Computed nationally
    (a second or two), reported for the territory, so catchments crossing its border are
    right.
    """
    import numpy as np
    import pandas as pd

    from proxisante.access import (
        DREES_APL_STEP,
        MEASURES,
        PER_100K,
        RATIO_MEASURES,
        align_supply,
        compute_access,
        decay_by_name,
        read_supply_file,
    )
    from proxisante.territory import load_communes, load_official_apl
    from proxisante.travel import travel_matrix
    from proxisante.workspace import table_format, write_table

    if measure not in MEASURES:
        msg = f"--measure was '{measure}'; expected one of {', '.join(MEASURES)}"
        raise InputError(msg)
    from proxisante.professions import get_profession

    profession = get_profession(profession, with_apl=True).code
    if measure == "apl" and profession != "gp":
        if travel != "estimate":
            msg = ("the APL of other professions is computed on the scenario engine's travel "
                   "times; --travel applies to the other measures")  # fmt: skip
            raise InputError(msg)
        from proxisante.cli.territory_cmd import profession_apl_output

        profession_apl_output(territory, profession, year=year, csv=csv, out=out, supply=supply)
        return
    with progress("Lecture du territoire…"):
        terr = find_territory(territory)
    if out is not None:
        table_format(out, accepted=("csv", "gpkg"))
    with progress("Lecture des communes, de la population et de l'offre…"):
        communes = load_communes()
        communes = communes[communes["lat"].notna()]
        pop = load_official_apl(year).set_index("code_insee")["pop_standardisee"]
        communes = communes[communes["code_insee"].isin(pop.index)]
        unit = "consultations" if measure == "apl" else "fte"
        if supply is None and profession != "gp":
            fte = workspace().profession_supply(profession, year=year)
            table = pd.DataFrame({"destination": fte.index, "supply": fte.to_numpy()})
            console_err.print("[yellow]note :[/] sans --supply : offre estimée (effectifs "
                              "libéraux INSEE BPE 2021, 1 professionnel = 1 ETP, plus le "
                              "personnel salarié connu de l'offre)")  # fmt: skip
        elif supply is None:
            table, model_id = _calibrated_supply_table(profession, unit, year)
            console_err.print(f"[yellow]note :[/] sans --supply : offre de médecins généralistes "
                              f"du modèle calibré {model_id} (estimé, voir `proxisante model "
                              "show`)")  # fmt: skip
        else:
            table = read_supply_file(supply, profession=profession, unit=unit)
    ids = communes["code_insee"].to_numpy()
    cut = DREES_APL_STEP.max_minutes if measure == "apl" else cutoff
    with progress(f"Temps de trajet ({travel}, ≤ {fr.fmt_dec(cut, 0)} min)…"):
        if supply is None and travel == "estimate" and measure == "apl":
            tm = _calibrated_travel(year, cut)
        else:
            tm, _ = travel_matrix(travel, ids, communes["lat"], communes["lon"],
                                  cutoff_minutes=cut, matrix_file=matrix,
                                  network=network)  # fmt: skip
    with progress(f"Calcul de {measure} sur {fr.fmt_int(tm.n_pairs)} paires…"):
        s = align_supply(tm, table)
        d = pop.reindex(tm.origin_ids).to_numpy(dtype=float)
        res = compute_access(
            measure, tm, supply=s, demand=d, decay=decay_by_name(decay, measure, cut)
        )
    res = res[res["origin"].isin(terr.codes)].rename(columns={"origin": "code_insee"})
    res = terr.communes[["code_insee", "nom", "population"]].merge(res, on="code_insee")
    res = res.sort_values("value", kind="stable").reset_index(drop=True)
    res.insert(3, "measure", measure)
    per_100k = measure in RATIO_MEASURES and unit == "fte"
    if per_100k:  # FTE per inhabitant is unreadable: also per 100,000 standardised inhabitants
        res["per_100k"] = res["value"] * PER_100K
    if out is not None:
        write_table(res, out, layer=measure, accepted=("csv", "gpkg"))
        console.print(f"{fr.fmt_int(len(res))} lignes écrites dans {out}")
    if csv:
        typer.echo(res.to_csv(index=False), nl=False)
        return
    from proxisante.plan.assumptions import PROFESSION_FR

    travel_label = TRAVEL_FR.get(tm.provider, tm.provider)
    t = Table(title=f"{terr.label} — {measure} ({PROFESSION_FR.get(profession, profession)}, "
              f"trajets : {travel_label})")  # fmt: skip
    value_label = "ETP pour 100 000 hab." if per_100k else "valeur"
    for col in ("code", "commune", "population", value_label):
        t.add_column(col, justify="left" if col == "commune" else "right")
    for r in res.head(40).itertuples():
        v = r.per_100k if per_100k else r.value
        t.add_row(r.code_insee, r.nom, fr.fmt_int(r.population),
                  "∞" if np.isinf(v) else fr.fmt_dec(v, 3))  # fmt: skip
    console.print(t)
    if len(res) > 40:
        console.print(f"(les 40 premières des {fr.fmt_int(len(res))} communes ; --csv ou --out "
                      "pour toutes)")  # fmt: skip


def _calibrated_supply_table(profession: str, unit: str, year: int):
    """The calibrated model's GP supply as a supply table (``destination``, ``supply``)."""
    import pandas as pd

    from proxisante.access import CONSULTATIONS_PER_FTE
    from proxisante.model import default_baseline

    if profession != "gp":
        msg = f"--supply is needed for profession '{profession}' (the calibrated model is GPs')"
        raise InputError(msg)
    base = default_baseline(year)
    if base.supply is None:
        msg = f"no calibrated model for {year}: give --supply or run `proxisante model calibrate`"
        raise InputError(msg)
    values = base.supply if unit == "consultations" else base.supply / CONSULTATIONS_PER_FTE
    return pd.DataFrame({"destination": base.codes, "supply": values}), base.model_id


def _calibrated_travel(year: int, cutoff_minutes: float):
    """The calibrated model's offline travel times over its communes."""
    from proxisante.model import commune_pairs, load_inputs
    from proxisante.model.artefact import bundled_model

    model = bundled_model()
    inputs = load_inputs(year)
    p = model.travel
    reach_km = cutoff_minutes / 60.0 * max(p.speed_kmh) / p.detour_factor
    pairs = commune_pairs(inputs.codes, inputs.lat, inputs.lon, inputs.speed_class,
                          max_km=reach_km)  # fmt: skip
    return pairs.travel_matrix(p)


def register(app: typer.Typer) -> None:
    """Attach the access command to the main app."""
    app.command("access")(access)
