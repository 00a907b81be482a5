"""``proxisante needs`` and the scenario output: figures, sources, « capacité inconnue »."""

from __future__ import annotations

from typer.testing import CliRunner

from proxisante.cli import app
from tests.csv_fr import read_fr_csv

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_needs_show_lens_case(tmp_path):
    res = _run("needs", "show", "-t", "62523", "--csv", tmp_path / "c.csv")
    assert res.exit_code == 0, res.output
    table = read_fr_csv(tmp_path / "c.csv").set_index("indicateur")
    # the SSIAD and EHPAD rows say « places inconnues » (Pas-de-Calais: counts only), so the
    # column is text: read its numbers with the decimal comma
    num = table["territoire"].map(lambda v: float(str(v).replace(",", ".")) if str(v)[0].isdigit()
                                  else v)  # fmt: skip
    row = table.loc["Taux de pauvreté"]
    assert (num["Taux de pauvreté"], row["france"], row["annee"]) == (23.3, 14.9, 2021)
    assert row["niveau"] == "bassin de vie 2022"
    assert num.iloc[0] == 8.1  # rounded (8.0877…)
    ssiad = table.index[table.index.str.startswith("Places de SSIAD")][0]
    assert table.loc[ssiad, "territoire"] == "places inconnues"
    assert "Estimations" in res.output and "hypothèse" in res.output


def test_needs_communes_and_prevention(tmp_path):
    out = tmp_path / "communes.csv"
    res = _run("needs", "communes", "-t", "epci:246200364", "--out", out)
    assert res.exit_code == 0, res.output
    t = read_fr_csv(out, dtype={"code_commune": str})
    assert len(t) == 36
    assert {"habitants_75_ans_et_plus", "infirmiers_accessibles_pour_1000_75_ans_et_plus",
            "Taux de pauvreté (%, bassin de vie 2022, 2021)",
            "rattachement_au_bassin_de_vie"} <= set(t.columns)  # fmt: skip
    assert not any(c.isascii() and "_" in c and c.split("_")[0] in ("pop", "share", "nurse")
                   for c in t.columns)  # fmt: skip
    assert t["source_des_ages"].str.startswith("estimé").all()
    assert (t["habitants"] == t["habitants"].round()).all()  # whole inhabitants
    res = _run("needs", "prevention", "--operator", "filieris", "--out", tmp_path / "p.csv")
    assert res.exit_code == 0, res.output
    p = read_fr_csv(tmp_path / "p.csv")
    assert (p["operateur"] == "Filieris (CANSSM, régime minier)").all() and (
        p["habitants_65_ans_et_plus_a_portee"] > 0
    ).all()


def test_needs_communes_xlsx_is_french_rounded_and_sourced(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "besoins.xlsx"
    res = _run("needs", "communes", "-t", "62523", "--out", out)
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["besoins", "Sources"]
    header = [c.value for c in wb["besoins"][1]]
    assert "share_75_plus" not in header and "poverty_rate" not in header
    assert "habitants_75_ans_et_plus" in header
    row = dict(zip(header, [c.value for c in wb["besoins"][2]], strict=True))
    assert row["habitants"] == 5255 and row["commune"] == "Loison-sous-Lens"
    nurses = row["infirmiers_accessibles_pour_1000_75_ans_et_plus"]
    assert nurses > 0 and nurses == round(nurses, 1)  # rounded to the published precision
    sources = [[c.value for c in r] for r in wb["Sources"].iter_rows(min_row=2)]
    urls = " ".join(str(v) for r in sources for v in r)
    assert "statistiques-locales.insee.fr" in urls and "cartosante" in urls


def test_finess_without_capacities_says_places_inconnues(tmp_path):
    from tests.offer.fixtures import good_finess_lines, write_finess

    store = tmp_path / "s.duckdb"
    res = _run("offer", "import", "finess", write_finess(tmp_path, good_finess_lines()),
               "--store", store)  # fmt: skip
    assert res.exit_code == 0, res.output
    res = _run("needs", "show", "-t", "62498", "--store", store)
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "places inconnues" in out and "non disponible" not in out
    # the report section lists the SSIAD with « capacité inconnue » too
    from proxisante.report import needs_section
    from proxisante.workspace import Workspace

    section = needs_section(Workspace(store).needs_report_inputs("62498"))
    assert "1 SSIAD (0 places connues ; capacité inconnue pour 1)" in section.html


def test_unknown_territory_is_one_line_exit_2():
    res = _run("needs", "show", "-t", "99999")
    assert res.exit_code == 2
    assert "Traceback" not in res.output
