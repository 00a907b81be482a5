"""`proxisante model`: bad inputs give one line and exit 2 with the store unchanged."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from proxisante.cli import app
from proxisante.model.artefact import list_store_models
from proxisante.store import Store

runner = CliRunner()


def _no_models(path) -> bool:
    with Store(path) as st:
        return list_store_models(st).empty


def test_imported_supply_with_an_unknown_commune(tmp_path):
    store = tmp_path / "s.duckdb"
    with Store(store):
        pass
    f = tmp_path / "supply.csv"
    f.write_text("commune,fte\n62523,3\n99999,1\n", encoding="utf-8")
    res = runner.invoke(app, ["model", "calibrate", "--supply", str(f), "--store", str(store)])
    assert res.exit_code == 2, res.output
    assert "99999" in res.output and "line 3" in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert _no_models(store)


def test_matrix_missing_communes(tmp_path):
    store = tmp_path / "s.duckdb"
    with Store(store):
        pass
    f = tmp_path / "m.csv"
    f.write_text("origin,destination,minutes\n62523,62523,0\n62523,62498,6\n", encoding="utf-8")
    res = runner.invoke(
        app, ["model", "calibrate", "--travel", "matrix", "--matrix", str(f), "--store", str(store)]
    )
    assert res.exit_code == 2, res.output
    assert "has no travel time" in res.output and "communes missing" in res.output
    assert _no_models(store)


def test_bad_options():
    res = runner.invoke(app, ["model", "calibrate", "--travel", "plane"])
    assert res.exit_code == 2 and "plane" in res.output
    res = runner.invoke(app, ["model", "calibrate", "--folds", "1"])
    assert res.exit_code == 2 and "--folds" in res.output


def test_access_without_supply_uses_the_calibrated_model():
    res = runner.invoke(app, ["access", "--territory", "62523", "--csv"])
    assert res.exit_code == 0, res.output
    assert "modèle calibré" in res.output and "estimé" in res.output
    assert "62523" in res.output


def test_access_without_supply_for_nurses_reads_the_bpe_counts():
    """Nurses have no calibrated model: without --supply their supply is the BPE 2021
    headcount, said to be an estimate (the GP model is not used for them)."""
    res = runner.invoke(app, ["access", "--territory", "62523", "--measure", "2sfca",
                              "--profession", "nurse"])  # fmt: skip
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "sans --supply" in text and "BPE 2021" in text and "modèle calibré" not in text


def test_a_store_model_replaces_the_bundled_one(tmp_path):
    from proxisante.model.artefact import CalibratedModel, bundled_model, save_store_model
    from proxisante.workspace import Workspace

    b = bundled_model()
    mine = CalibratedModel(table=b.table.copy(), metadata={**b.metadata, "model_id": "mine-2023"})
    mine.table["supply_consultations"] *= 0.5
    store = tmp_path / "s.duckdb"
    with Store(store) as st:
        save_store_model(st, mine)
    base = Workspace(store).model_baseline(2023)
    assert base.model_id == "mine-2023"
    np.testing.assert_allclose(base.supply, 0.5 * b.table["supply_consultations"].to_numpy())


def test_model_show_csv_one_row_per_commune(tmp_path):
    """`model show --bundled --csv`: every commune, the documented columns, Behren's
    published staff held, the residual stated (official = model + residual)."""
    import csv

    from proxisante.model.communes import COMMUNE_TABLE_COLUMNS

    out = tmp_path / "model.csv"
    res = runner.invoke(app, ["model", "show", "--bundled", "--csv", str(out)])
    assert res.exit_code == 0, res.output
    assert "Résidu par commune" in res.output and "65 ans ou plus" in res.output
    text = out.read_text(encoding="utf-8-sig")
    sep = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(text.splitlines(), delimiter=sep))
    header = rows[0]
    assert len(header) == len(COMMUNE_TABLE_COLUMNS)
    assert len(rows) - 1 > 34_000
    behren = next(r for r in rows[1:] if r[0] == "57058")
    assert "Behren" in behren[1]
    again = runner.invoke(app, ["model", "show", "--bundled", "--csv", str(tmp_path)])
    assert again.exit_code == 2 and len(again.output.strip().splitlines()) >= 1


def test_gp_estimates_of_the_workspace():
    """GPs aged 65+ per commune (« estimé »), through the workspace as scenarios read them."""
    from proxisante.workspace import Workspace

    g = Workspace(use_store=False).gp_estimates(2023)
    assert g.index.name == "code_insee" and len(g) > 34_000
    assert (g["gp_65_plus"] >= 0).all() and (g["gp_65_plus"] <= g["gp"] + 1e-9).all()
    np.testing.assert_allclose(g["gp_under_65"] + g["gp_65_plus"], g["gp"])
    assert 0.05 < g["gp_65_plus"].sum() / g["gp"].sum() < 0.3
    assert (g["consultations_65_plus"] <= g["consultations"] + 1e-6).all()
    # spread over the communes, not all-or-nothing (the under-65 fit's prior weight)
    share = (g["gp_65_plus"] / g["gp"])[g["gp"] >= 1]
    assert (share < 0.02).mean() < 0.3 and (share > 0.9).mean() < 0.02
