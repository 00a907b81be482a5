"""CLI through Typer's CliRunner: territory show, apl, report; errors → one line, exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from proxisante.cli import app
from tests.csv_fr import read_fr_csv

runner = CliRunner()


def test_territory_show_commune():
    res = runner.invoke(app, ["territory", "show", "62523"])
    assert res.exit_code == 0, res.output
    assert "Loison-sous-Lens" in res.output and "6,558" in res.output
    assert "246200364" in res.output


def test_territory_search():
    res = runner.invoke(app, ["territory", "search", "loison sous"])
    assert res.exit_code == 0
    assert "62523" in res.output


def test_apl_csv_sorted_with_flag():
    res = runner.invoke(app, ["apl", "--territory", "dep:62", "--year", "2023", "--csv"])
    assert res.exit_code == 0, res.output
    df = read_fr_csv(res.stdout, dtype={"code_commune": str})
    assert len(df) == 887
    assert df["apl"].is_monotonic_increasing
    flag = (df["apl"] < 2.5).map({True: "oui", False: "non"})
    assert (df["sous_dotee_apl_moins_2_5"] == flag).all()
    row = df.set_index("code_commune").loc["62523"]
    assert row["apl"] == 6.558 and row["population_municipale"] == 5255
    assert (
        row["classe_zonage"] == "hors zonage (4 et plus)" and row["commune"] == "Loison-sous-Lens"
    )


def test_apl_table_and_out_file(tmp_path):
    out = tmp_path / "apl.csv"
    res = runner.invoke(app, ["apl", "-t", "circo:12-02", "--out", str(out)])
    assert res.exit_code == 0
    assert len(read_fr_csv(out)) == 96


def test_report_writes_html(tmp_path):
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["report", "--territory", "circo:12-02", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_errors_are_one_line_exit_2_nothing_written(tmp_path):
    out = tmp_path / "r.html"
    for args in (
        ["report", "--territory", "dep:99", "--out", str(out)],
        ["apl", "--territory", "dep:62", "--year", "2019"],
        ["territory", "show", "62999"],
        ["report", "--territory", "62523", "--year", "2022", "--out", str(out)],
    ):
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output
        assert "error:" in res.output
    assert not out.exists()


def test_installed_script_no_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "proxisante", "apl", "-t", "dep:99"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "unknown département code '99'" in done.stderr


def test_error_messages_are_printed_verbatim(tmp_path):
    """File contents quoted in errors keep their brackets and colon codes (no Rich markup)."""
    bad = tmp_path / "bad.csv"
    bad.write_text("root:x:0:[bold]admin[/bold]\n", encoding="utf-8")
    res = CliRunner().invoke(
        app, ["offer", "import", "finess", str(bad), "--store", str(tmp_path / "s.duckdb")]
    )
    assert res.exit_code == 2
    assert "got 'root:x:0:[bold]admin[/bold]'" in " ".join(res.output.split())


def test_version():
    from importlib.metadata import version

    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"proxisante {version('proxisante')}"


@pytest.mark.parametrize("code", ["62523", "59051", "97611", "2A004"])
def test_apl_of_one_commune_read_without_pandas_is_the_general_table(code):
    """``apl -t CODE`` (one commune: read without pandas) writes what the general way does
    (``commune:CODE``: selection and merge in pandas), CSV and table, Mayotte included."""
    runner = CliRunner()
    for extra in (["--csv"], ["--year", "2022", "--csv"], []):
        fast = runner.invoke(app, ["apl", "-t", code, *extra])
        general = runner.invoke(app, ["apl", "-t", f"commune:{code}", *extra])
        assert fast.exit_code == general.exit_code == 0
        assert fast.output == general.output
