"""`proxisante offer …` through CliRunner with a temporary store."""

from __future__ import annotations

from typer.testing import CliRunner

from proxisante.cli import app
from tests.csv_fr import read_fr_csv
from tests.offer.fixtures import good_finess_lines, structureet, write_finess

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_import_list_show_edit(tmp_path):
    db = tmp_path / "s.duckdb"
    f = write_finess(tmp_path, good_finess_lines())
    res = _run("offer", "import", "finess", f, "--store", db)
    assert res.exit_code == 0, res.output
    assert "importé : 3 ligne(s)" in res.output
    res = _run("offer", "list", "-t", "dep:62", "--category", "ssiad", "--csv", "--store", db)
    df = read_fr_csv(res.stdout, dtype=str)
    assert df["identifiant"].tolist() == ["620000002"]
    res = _run("offer", "list", "--operator", "filieris", "-t", "62523", "--csv", "--store", db)
    assert "620000001" in res.stdout
    res = _run("offer", "show", "620000001", "--store", db)
    assert "CDS FILIERIS LOISON" in res.output
    assert _run("offer", "edit", "620000001", "--fte", "gp=+2", "--store", db).exit_code == 0
    res = _run("offer", "edit", "620000001", "--fte", "gp=-3", "--store", db)
    assert res.exit_code == 2 and "would become -1" in res.output
    assert _run("offer", "edit", "620000001", "--close", "--store", db).exit_code == 0
    res = _run("offer", "edit", "620000001", "--fte", "gp=1", "--store", db)
    assert res.exit_code == 2 and "is closed" in res.output
    res = _run("offer", "imports", "--store", db)
    assert f.name in res.output


def test_import_errors_and_lenient(tmp_path):
    db = tmp_path / "s.duckdb"
    lines = [*good_finess_lines(), structureet("12", "620000099", "X", "523", "62", "124", "C")]
    f = write_finess(tmp_path, lines)
    res = _run("offer", "import", "finess", f, "--store", db)
    assert res.exit_code == 2 and "line 8, field 'nofinesset'" in res.output
    assert "Traceback" not in res.output
    res = _run("offer", "import", "finess", f, "--lenient", "--store", db)
    assert res.exit_code == 0 and "1 bad row(s) skipped: line 8" in res.output
    res = _run("offer", "import", "xls", f, "--store", db)
    assert res.exit_code == 2 and "expected one of finess, rpps, bpe" in res.output
    res = _run("offer", "show", "999999999", "--store", db)
    assert res.exit_code == 2 and "unknown site" in res.output


def test_offer_list_is_readable_in_a_narrow_terminal(tmp_path):
    # CliRunner's console is 80 columns wide: one block per site, nothing cut
    res = _run("offer", "list", "-t", "62065", "--operator", "filieris",
               "--store", tmp_path / "s.duckdb")  # fmt: skip
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "filieris-centre-de-sante-de-la-republique-avion" in text
    assert "Centre de santé de la République (Filieris), Avion — centre_de_sante" in text
    assert "opérateur filieris, commune 62065, ouvert" in text and "…" not in text
