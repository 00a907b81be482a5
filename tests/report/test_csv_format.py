"""CSV for French spreadsheets by default, the international dialect on request."""

from __future__ import annotations

import io

import pandas as pd
from typer.testing import CliRunner

from proxisante._csv import CSV_FORMATS, csv_text
from proxisante.cli import app
from proxisante.cli._common import CsvFormat
from tests.csv_fr import read_fr_csv

runner = CliRunner()


def test_the_cli_choices_are_the_csv_formats():
    assert tuple(f.value for f in CsvFormat) == CSV_FORMATS


def test_french_csv_reads_back_in_a_french_spreadsheet_dialect():
    text = csv_text(["commune", "apl", "note"], [["Béthune", 2.061, "a;b"], ["Lens", None, ""]])
    back = read_fr_csv(text)
    assert back["commune"].tolist() == ["Béthune", "Lens"]  # accents intact (BOM)
    assert back["apl"].iloc[0] == 2.061 and pd.isna(back["apl"].iloc[1])  # decimal comma
    assert back["note"].iloc[0] == "a;b"  # a separator inside a field is quoted


def test_commune_apl_csv_fast_path_and_international_option(tmp_path):
    fr = runner.invoke(app, ["apl", "-t", "62523", "--csv"])
    assert fr.exit_code == 0, fr.output
    row = read_fr_csv(fr.stdout, dtype={"code_commune": str}).iloc[0]
    assert row["apl"] == 6.558 and row["code_commune"] == "62523"
    plain = runner.invoke(app, ["apl", "-t", "62523", "--csv", "--csv-format", "international"])
    assert plain.exit_code == 0, plain.output
    assert not plain.stdout.startswith("\ufeff")
    assert pd.read_csv(io.StringIO(plain.stdout))["apl"].iloc[0] == 6.558
    # the pandas path (a territory of several communes) writes the same dialect
    out = tmp_path / "lens.csv"
    res = runner.invoke(app, ["apl", "-t", "epci:246200364", "--out", str(out)])
    assert res.exit_code == 0, res.output
    table = read_fr_csv(out, dtype={"code_commune": str})
    assert len(table) == 36 and table["apl"].dtype == float
    bad = runner.invoke(app, ["apl", "-t", "62523", "--csv", "--csv-format", "excel"])
    assert bad.exit_code == 2
