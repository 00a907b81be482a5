"""Population projection files: reader, factors, evaluation and CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from proxisante.access import EvaluationBaseline
from proxisante.cli import app
from proxisante.errors import DataFileError, InputError
from proxisante.scenarios import (
    evaluate,
    parse_scenario,
    population_factors,
    read_population_projection,
)
from proxisante.territory import load_communes
from tests.csv_fr import read_fr_csv


def _write(tmp_path, text, name="projection.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_reads_communes_and_keeps_the_chosen_year(tmp_path):
    path = _write(tmp_path, "code;annee;population\n62523;2030;5102\n62498;2030;31870,5\n"
                            "62523;2035;4990\n62498;2035;31000\n")  # fmt: skip
    with pytest.raises(DataFileError, match=r"holds years \[2030, 2035\]; choose one"):
        read_population_projection(path)
    edit = read_population_projection(path, year=2035)
    assert edit.level == "commune" and edit.year == 2035
    assert edit.populations == {"62523": 4990.0, "62498": 31000.0}
    assert read_population_projection(path, year=2030).populations["62498"] == 31870.5
    with pytest.raises(DataFileError, match=r"year 2040 not in the file"):
        read_population_projection(path, year=2040)


def test_reads_departements_comma_separated_without_year_column(tmp_path):
    path = _write(tmp_path, "DEP,POP\n62,1400000\n2A,170000\n")
    edit = read_population_projection(path, year=2030)
    assert edit.level == "departement" and edit.populations == {"62": 1.4e6, "2A": 1.7e5}
    with pytest.raises(DataFileError, match="no year column"):
        read_population_projection(path)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("commune;pop\n62523;1\n", r"line 1: missing column"),
        ("code;population\n62523;5000\n99999;10\n", r"line 3, field 'code'.*not a known INSEE"),
        ("code;population\n62523;5000\n62;10\n", r"line 3, field 'code'.*one level per file"),
        ("code;population\n62523;5000\n62523;10\n", r"line 3, field 'code'.*listed twice"),
        ("code;population\n62523;-5\n", r"line 2, field 'population'.*population > 0"),
        ("code;annee;population\n62523;20x0;5\n", r"line 2, field 'annee'.*not a year"),
    ],
)
def test_bad_files_name_line_and_field(tmp_path, text, pattern):
    with pytest.raises(DataFileError, match=pattern):
        read_population_projection(_write(tmp_path, text), year=2030)


def _ctx() -> EvaluationBaseline:
    return EvaluationBaseline.official(2023)


def test_factors_by_hand():
    ctx = _ctx()
    i = ctx.index_of(["62523"])[0]
    current = ctx.pop_totale[i]
    sc = parse_scenario({"name": "p", "edits": [
        {"kind": "population_projection", "year": 2030, "populations": {"62523": current * 1.1}},
        {"kind": "population_change", "territory": "62523", "factor": 2.0},
    ]})  # fmt: skip
    f = population_factors(sc, ctx)
    assert f[i] == pytest.approx(2.2)
    assert np.count_nonzero(f != 1.0) == 1
    # département level: every commune of the département gets projected / current total
    dep = load_communes().set_index("code_insee")["departement"].reindex(ctx.codes).to_numpy()
    in12 = dep == "12"
    total = ctx.pop_totale[in12].sum()
    sc = parse_scenario({"name": "d", "edits": [{"kind": "population_projection", "year": 2030,
                         "level": "departement", "populations": {"12": total * 0.9}}]})  # fmt: skip
    f = population_factors(sc, ctx)
    assert np.allclose(f[in12], 0.9) and (f[~in12] == 1.0).all()


def test_projection_equals_the_same_factor_and_needs_full_supply():
    ctx = _ctx()
    i = ctx.index_of(["62498"])[0]
    proj = parse_scenario({"name": "proj", "edits": [{"kind": "population_projection",
                           "year": 2030, "populations": {"62498": ctx.pop_totale[i] * 1.2}}]})  # fmt: skip
    fac = parse_scenario({"name": "fac", "edits": [{"kind": "population_change",
                          "territory": "62498", "factor": 1.2}]})  # fmt: skip
    with pytest.raises(InputError, match="full recompute"):
        evaluate(proj, baseline=ctx)
    supply = pd.Series({"62523": 3 * 5400.0, "62498": 25 * 5400.0, "62065": 6 * 5400.0})
    a = evaluate(proj, baseline=ctx, full_supply=supply)
    b = evaluate(fac, baseline=ctx, full_supply=supply)
    np.testing.assert_allclose(a.communes["apl_after"], b.communes["apl_after"], rtol=1e-12)
    lens = a.communes.set_index("code_insee").loc["62498"]
    assert lens["delta_apl"] < 0
    assert lens["pop_totale_after"] == pytest.approx(1.2 * lens["pop_totale"])
    assert a.summary(["62498"])["population_after"] == pytest.approx(1.2 * lens["pop_totale"])


def test_unknown_code_in_model_is_refused():
    with pytest.raises(InputError, match=r"codes \['6252'\] are not INSEE commune codes"):
        parse_scenario({"name": "x", "edits": [{"kind": "population_projection", "year": 2030,
                        "populations": {"6252": 10}}]})  # fmt: skip


def test_cli_new_with_population_file_and_run(tmp_path):
    runner = CliRunner()
    store = tmp_path / "s.duckdb"
    proj = _write(tmp_path, "code;annee;population\n62498;2030;40000\n")
    res = runner.invoke(app, ["scenario", "new", "lens-2030", "--population-file", str(proj),
                              "--store", str(store)])  # fmt: skip
    assert res.exit_code == 0, res.output
    supply = _write(tmp_path, "commune,fte\n62523,3\n62498,25\n62065,6\n", name="supply.csv")
    out = tmp_path / "impact.csv"
    res = runner.invoke(app, ["scenario", "run", "lens-2030", "-t", "62498", "--full-supply",
                              str(supply), "--csv", str(out), "--store", str(store)])  # fmt: skip
    assert res.exit_code == 0, res.output
    row = read_fr_csv(out, dtype={"code_commune": str}).set_index("code_commune").loc["62498"]
    assert row["population_apres"] == 40000
    bad = _write(tmp_path, "code;population\n62498;0\n", name="bad.csv")
    res = runner.invoke(app, ["scenario", "new", "bad", "--population-file", str(bad),
                              "--population-year", "2030", "--store", str(store)])  # fmt: skip
    assert res.exit_code == 2 and "line 2, field 'population'" in res.output
