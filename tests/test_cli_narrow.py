"""The CLI at 80 columns: wide tables become records (no cell wrapped word by word), edits
print before → after, and ``report`` reads the store given by ``--store`` like every command."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from proxisante.cli import _common, app
from proxisante.cli._common import print_table, table_fits

runner = CliRunner()


@pytest.fixture
def width(monkeypatch):
    def set_width(columns: int) -> None:
        monkeypatch.setattr(_common.console, "width", columns)

    return set_width


def _lines(output: str) -> list[str]:
    return output.splitlines()


def test_a_wide_table_becomes_records_at_80_columns(width, capsys):
    from rich.table import Table

    t = Table("site", "catégorie", "commune", "ETP médecins", "habitants passant sous 2,5",
              title="Essai")  # fmt: skip
    t.add_row("Centre de santé Filieris de Carmaux", "centre de santé", "Carmaux", "6", "19 309")
    width(200)
    assert table_fits(t)
    width(80)
    assert not table_fits(t)
    print_table(t, note="toutes les colonnes : --csv")
    out = capsys.readouterr().out
    assert "Centre de santé Filieris de Carmaux" in _lines(out)
    assert "  habitants passant sous 2,5 : 19 309" in _lines(out)
    assert "toutes les colonnes : --csv" in out


def test_criticality_at_80_columns_keeps_every_site_name_whole(width, tmp_path):
    width(80)
    res = runner.invoke(app, ["scenario", "criticality", "--operator", "filieris",
                              "--store", str(tmp_path / "s.duckdb")])  # fmt: skip
    assert res.exit_code == 0, res.output
    lines = _lines(res.output)
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    for name in ("Centre de santé Filieris de Carmaux", "Centre Filieris de Decazeville"):
        assert any(line.endswith(name) for line in lines), name
    assert "  ETP médecins : 6" in lines
    assert not any(line.strip() in ("de", "santé", "Centre") for line in lines)


def test_plan_optimise_two_professions_at_80_columns(width, tmp_path):
    width(80)
    res = runner.invoke(app, ["plan", "optimise", "-t", "circo:12-02", "--budget", "2025=1e6",
                              "--professions", "gp,nurse", "--time-limit", "20",
                              "--store", str(tmp_path / "s.duckdb")])  # fmt: skip
    assert res.exit_code == 0, res.output
    lines = _lines(res.output)
    assert any(line.startswith("  ETP infirmiers recrutés : ") for line in lines)
    assert any(line.startswith("2025 · ") and "(12" in line for line in lines)
    assert "┃" not in res.output  # no table cut into columns of words


def test_offer_edit_prints_before_and_after(tmp_path):
    store = str(tmp_path / "s.duckdb")
    site = "filieris-centre-de-sante-de-carmaux"
    res = runner.invoke(app, ["offer", "edit", site, "--fte", "gp=+1", "--fte", "nurse=2",
                              "--store", store])  # fmt: skip
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "ETP médecins généralistes : 6 → 7" in out and "ETP infirmiers : 0 → 2" in out
    assert "statut : ouvert (inchangé)" in out
    res = runner.invoke(app, ["offer", "edit", site, "--close", "--store", store])
    assert res.exit_code == 0, res.output
    assert "statut : ouvert → fermé" in res.output


def test_report_reads_the_store_given(tmp_path):
    store = tmp_path / "s.duckdb"
    site = "filieris-centre-de-sante-de-carmaux"
    assert (
        runner.invoke(app, ["offer", "edit", site, "--close", "--store", str(store)]).exit_code == 0
    )
    out = tmp_path / "carmaux.html"
    res = runner.invoke(app, ["report", "-t", "81060", "--out", str(out), "--store", str(store)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert "Carmaux" in html
    # the store's offer: the closed centre is no longer a site whose closure « Et si… » tries
    assert "Centre de santé Filieris de Carmaux" not in html
    other = tmp_path / "other.html"
    res = runner.invoke(app, ["report", "-t", "81060", "--out", str(other), "--store",
                              str(tmp_path / "other.duckdb")])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Centre de santé Filieris de Carmaux" in other.read_text(encoding="utf-8")


def test_a_wrapped_sentence_never_splits_a_number():
    """French numbers carry a narrow no-break space (« 16 258 »): wherever the sentence
    wraps at 80 columns, the number stays on one line (it split into « 16 » / « 258 »)."""
    import io

    from rich.console import Console

    from proxisante import _fr as fr

    number = fr.fmt_int(16258)
    for lead in range(55, 80):
        buffer = io.StringIO()
        Console(file=buffer, width=80, force_terminal=False).print(
            "x" * lead + f" {number} habitants passent sous 2,5 dans le territoire."
        )
        lines = buffer.getvalue().splitlines()
        assert any(number in line for line in lines), (lead, lines)
        assert all(len(line) <= 80 for line in lines)
