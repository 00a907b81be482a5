"""One table of bounds for every number a user gives (proxisante.bounds), strict YAML/JSON
documents, and the commands of the issue refused at once with one line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from proxisante import bounds
from proxisante._documents import parse_text
from proxisante.errors import DataFileError, InputError
from tests.cli_entry import run_cli

DOCS = Path(__file__).resolve().parents[1] / "docs" / "security.md"


run = run_cli


# --- the table ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value", "ok"),
    [
        ("fte_step", 0.5, True), ("fte_step", 1e-300, False), ("fte_step", 0, False),
        ("gp_consultations_per_fte", 0, False), ("gp_consultations_per_fte", 5400, True),
        ("gp_tariff_eur", 1e308, False), ("gp_tariff_eur", 30, True),
        ("delta_fte", 10_001, False), ("delta_fte", -10_000, True),
        ("capacity_places", 100_001, False), ("capacity_places", 12.5, False),
        ("capacity_places", 12, True), ("time_limit_s", 0, False),
        ("fte", True, False), ("fte", float("nan"), False), ("fte", float("inf"), False),
        ("fte", 10**400, False), ("fte", "3", False),
    ],
)  # fmt: skip
def test_check(name, value, ok):
    if ok:
        assert bounds.check(name, value) == float(value)
    else:
        with pytest.raises(InputError, match=rf"^x: {name} was .*; expected .* in [\[(]"):
            bounds.check(name, value, where="x")


@pytest.mark.parametrize("text", ["1:30", "0x10", "0o7", ".inf", "nan", "1_000", "١", "+",
                                  "1e", "true", " ", "1" * 50])  # fmt: skip
def test_parse_refuses_what_is_not_an_ascii_decimal(text):
    with pytest.raises(InputError, match="ASCII digits"):
        bounds.parse("delta_fte", text, where="--fte gp")


def test_parse_reads_decimals():
    assert bounds.parse("delta_fte", " +1.5 ") == 1.5
    assert bounds.parse("delta_fte", "-1e3") == -1000.0
    assert bounds.parse("capacity_places", "120") == 120


def test_work_bound_is_refused_before_it_starts():
    bounds.check_work("the plan", 1e6, limit=bounds.MAX_PLAN_WORK, change="raise --step")
    with pytest.raises(InputError, match=r"the plan would take 4e\+08 steps.*raise --step"):
        bounds.check_work("the plan", 4e8, limit=bounds.MAX_PLAN_WORK, change="raise --step")
    with pytest.raises(InputError, match="unbounded"):
        bounds.check_work("the plan", float("inf"), limit=1e7, change="raise --step")


def test_docs_list_every_bound():
    """docs/security.md shows the table the code checks (one row per parameter)."""
    text = DOCS.read_text(encoding="utf-8")
    for row in bounds.markdown_table().splitlines()[2:]:
        assert row in text, f"docs/security.md lacks: {row}"


# --- strict YAML and JSON ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [("1:30", "1:30"), ("0x10", "0x10"), ("0o7", "0o7"), (".inf", ".inf"), ("1_000", "1_000"),
     ("yes", "yes"), ("2025-01-01", "2025-01-01"), ("010", 10), ("1e3", 1000.0), ("-2", -2),
     ("true", True), ("~", None), ("١", "١")],
)  # fmt: skip
def test_yaml_scalars_are_yaml_1_2_core(text, value):
    assert parse_text(f"a: {text}", "yaml") == {"a": value}


@pytest.mark.parametrize("text", ["a: !!int 0x10", "a: !!float .inf", "a: !!bool yes"])
def test_explicit_tags_are_strict_too(text):
    with pytest.raises(Exception, match="not"):
        parse_text(text, "yaml")


SCENARIO = """name: t
edits:
  - kind: change_staff
    site: "620000001"
    profession: gp
    delta_fte: {value}
"""


@pytest.mark.parametrize("value", ["1:30", "0x10", "true", "0o7", ".inf", "1_000", "'3'", "١"])
def test_scenario_numbers_must_be_decimal_numbers(tmp_path, value):
    """`delta_fte: 1:30` was stored as 90 FTE, `0x10` as 16, `true` as 1.0."""
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.format(value=value), encoding="utf-8")
    code, err = run(["scenario", "import", str(path), "--store", str(tmp_path / "s.duckdb")])
    assert code == 2, err
    assert "s.yaml" in err and "field 'delta_fte'" in err and "decimal number" in err
    assert err.count("\n") == 1


def test_duplicate_keys_are_refused_with_their_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: t\n" + SCENARIO.format(value="1"), encoding="utf-8")
    code, err = run(["scenario", "import", str(path), "--store", str(tmp_path / "s.duckdb")])
    assert code == 2 and "s.yaml, line 2:" in err and "'name' given twice" in err, err
    assert "first on line 1" in err
    js = tmp_path / "s.json"
    js.write_text('{"name": "a",\n "name": "b", "edits": []}', encoding="utf-8")
    code, err = run(["scenario", "import", str(js), "--store", str(tmp_path / "s.duckdb")])
    assert code == 2 and "s.json, line 2:" in err and "'name' given twice" in err, err
    assert not (tmp_path / "s.duckdb").exists()


# --- plans --------------------------------------------------------------------------------
def test_plan_step_1e300_is_refused_at_once(tmp_path):
    """It ran > 60 s of CPU (killed); now refused before any work."""
    t0 = time.perf_counter()
    code, err = run(["plan", "cog", "-t", "epci:246200364", "--no-scenarios", "--time-limit",
                     "10", "--step", "1e-300", "--out", str(tmp_path / "p.xlsx")])  # fmt: skip
    assert code == 2 and "--step: fte_step was 1e-300; expected" in err, err
    assert time.perf_counter() - t0 < 5
    code, err = run(
        ["plan", "cog", "-t", "62523", "--step", "١", "--out", str(tmp_path / "p.xlsx")]
    )
    assert code == 2 and "--step: '١' is not a decimal number in ASCII digits" in err, err
    assert err.strip().count("\n") == 0, err


@pytest.mark.parametrize(
    ("line", "expected"),
    [("fte_step: 1.0e-300", "fte_step was 1e-300"),
     ("gp_consultations_per_fte: 0", "gp_consultations_per_fte was 0"),
     ("gp_tariff_eur: 1.0e+308", "gp_tariff_eur was 1e+308"),
     ("gp_tariff_eur: 1:30", "'gp_tariff_eur' was '1:30'; expected a decimal number"),
     ("fte_step: 0.5\nfte_step: 1", "line 2: not valid YAML: key 'fte_step' given twice")],
)  # fmt: skip
def test_plan_assumptions_out_of_range_are_refused_at_once(tmp_path, line, expected):
    hyp = tmp_path / "hyp.yaml"
    hyp.write_text(line + "\n", encoding="utf-8")
    code, err = run(["plan", "cog", "-t", "epci:246200364", "--no-scenarios", "--assumptions",
                     str(hyp), "--out", str(tmp_path / "p.xlsx")])  # fmt: skip
    assert code == 2 and "hyp.yaml" in err and expected in err, err
    assert "Warning" not in err and err.count("\n") == 1


def test_set_and_budget_go_through_the_same_bounds(tmp_path):
    out = str(tmp_path / "p.xlsx")
    for args, expected in [
        (["--set", "gp_tariff_eur=1e308"], "--set: gp_tariff_eur was 1e+308"),
        (["--set", "gp_tariff_eur=١"], "ASCII digits"),
        (["--budget", "2025=1e99,2026=1,2027=1,2028=1"], "budget_eur was 1e+99"),
        (["--time-limit", "1e9"], "--time-limit: time_limit_s was 1e+09"),
        (["--hires", "1e12"], "--hires: hires_fte_per_year was 1e+12"),
    ]:
        code, err = run(["plan", "cog", "-t", "62523", *args, "--out", out])
        assert code == 2 and expected in err, (args, err)


def test_assumptions_reader_refuses_what_the_table_refuses(tmp_path):
    from proxisante.workspace import read_assumptions

    hyp = tmp_path / "hyp.yaml"
    hyp.write_text("physiotherapist_fte_eur_per_year: 1e30\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="physiotherapist_fte_eur_per_year was 1e\\+30"):
        read_assumptions(hyp)


# --- offer edits and supply files: the same limits as scenarios ------------------------------
@pytest.mark.parametrize(
    ("args", "expected"),
    [(["--fte", "gp=+10001"], "--fte gp: delta_fte was 10001; expected a number of FTE in "
      "[-10,000, 10,000]"),
     (["--fte", "gp=+١"], "--fte gp: delta_fte was +١; expected a decimal number in ASCII"),
     (["--fte", "gp=+6000", "--fte", "gp=+6000"], "--fte gp (total): delta_fte was 12000"),
     (["--capacity-places", "100001"], "--capacity-places: capacity_places was 100001"),
     (["--capacity-places", "١٢"], "--capacity-places: '١٢' is not a whole number in ASCII")],
)  # fmt: skip
def test_offer_edit_refuses_what_scenarios_refuse(tmp_path, args, expected):
    store = tmp_path / "s.duckdb"
    code, err = run(["offer", "edit", "010000024", *args, "--store", str(store)])
    assert code == 2 and expected in err, err
    assert err.strip().count("\n") == 0
    if "(total)" not in expected:  # a value is refused before the store is opened
        assert not store.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("commune,fte\n62523,3\n62523,1\n",
      "line 3, field 'commune': commune '62523' is listed twice (first on line 2)"),
     ("commune,fte,fte\n62523,3,4\n", "line 1: column(s) ['fte'] appear twice"),
     ("commune,fte\n62523,1e30\n", "line 2, field 'fte': supply_fte was 1e+30"),
     ("commune,fte\n62523,١\n", "line 2, field 'fte': supply_fte was ١; expected a decimal"),
     ("commune,consultations\n62523,inf\n", "field 'consultations': supply_consultations was inf")],
)  # fmt: skip
def test_supply_files_are_strict(tmp_path, text, expected):
    from proxisante.access import read_supply_file

    f = tmp_path / "supply.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as e:
        read_supply_file(f, profession="gp", unit="consultations")
    assert expected in str(e.value)


def test_model_calibrate_supply_with_a_commune_twice(tmp_path):
    """`model calibrate --supply` accepted a commune listed twice (and summed it)."""
    f = tmp_path / "supply.csv"
    f.write_text("commune,fte\n62523,3\n62523,1\n", encoding="utf-8")
    store = tmp_path / "s.duckdb"
    code, err = run(["model", "calibrate", "--supply", str(f), "--store", str(store)])
    assert code == 2 and "supply.csv, line 3, field 'commune'" in err, err
    assert not store.exists()


@pytest.mark.parametrize(("args", "expected"),
                         [(["--iterations", "1000000000"], "--iterations: calibration_iterations"),
                          (["--folds", "1000"], "--folds: calibration_folds was 1000")])  # fmt: skip
def test_calibration_loops_are_bounded_before_they_start(tmp_path, args, expected):
    store = tmp_path / "s.duckdb"
    code, err = run(["model", "calibrate", *args, "--store", str(store)])
    assert code == 2 and expected in err, err
    assert not store.exists()


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_an_edit_refused_against_the_offer_names_the_file_and_line(tmp_path, suffix):
    """A truncated scenario of the fuzz campaign gave « unknown site '9D000000' » alone."""
    import json

    import yaml

    data = {"name": "t", "edits": [
        {"kind": "change_staff", "site": "010000024", "profession": "gp", "delta_fte": 1},
        {"kind": "close_sites", "sites": ["9D000000"]}]}  # fmt: skip
    path = tmp_path / f"s{suffix}"
    text = (
        yaml.safe_dump(data, sort_keys=False) if suffix == ".yaml" else json.dumps(data, indent=1)
    )
    path.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "close_sites" in t)
    line -= suffix == ".json"  # the edit's object starts on the line before its "kind"
    code, err = run(["scenario", "import", str(path), "--store", str(tmp_path / "s.duckdb")])
    assert code == 2, err
    assert f"s{suffix}, line {line}: edit #2 (close_sites): unknown site '9D000000'" in err, err


def test_scenario_run_names_the_file_and_line_of_a_refused_edit(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: t\nedits:\n- kind: close_sites\n  sites: ['9D000000']\n",
                    encoding="utf-8")  # fmt: skip
    code, err = run(["scenario", "run", str(path), "--store", str(tmp_path / "s.duckdb")])
    assert code == 2 and "s.yaml, line 3: edit #1 (close_sites): unknown site" in err, err
