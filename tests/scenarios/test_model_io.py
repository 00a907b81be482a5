"""Scenario model validation and YAML/JSON round trips; bad files name the edit and field."""

from __future__ import annotations

import pytest

from proxisante.errors import DataFileError, InputError
from proxisante.scenarios import dump_scenario, load_scenario, parse_scenario

GOOD = {
    "name": "Fermeture des centres Filieris du Tarn",
    "description": "test",
    "edits": [
        {"kind": "operator_exit", "operator": "filieris", "territory": "dep:81"},
        {"kind": "open_site", "site": "new-1", "name": "Centre X", "commune": "81060",
         "fte": {"gp": 2.0, "nurse": 1.5}},
        {"kind": "change_staff", "site": "810000001", "profession": "gp", "delta_fte": -1},
        {"kind": "retirements", "profession": "gp", "age_at_least": 67, "year": 2026, "share": 0.5},
        {"kind": "population_change", "territory": "81060", "factor": 0.98},
        {"kind": "close_sites", "sites": ["810000001"]},
    ],
}  # fmt: skip


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_round_trip(tmp_path, suffix):
    sc = parse_scenario(GOOD)
    path = dump_scenario(sc, tmp_path / f"s{suffix}")
    again = load_scenario(path)
    assert again == sc
    assert [e.kind for e in again.edits] == [e["kind"] for e in GOOD["edits"]]


@pytest.mark.parametrize(
    ("edit", "pattern"),
    [
        ({"kind": "close_sites", "sites": []}, r"edit #1 \(close_sites\), field 'sites'"),
        ({"kind": "close_sites", "sites": ["a", "a"]}, r"sites listed twice"),
        ({"kind": "open_site", "site": "n", "name": "c", "commune": "62523", "fte": {"gp": -1}},
         r"edit #1 \(open_site\), field 'fte.gp.: open_fte was -1(.0)?; expected a number of FTE in \(0, 10,000\]"),
        ({"kind": "open_site", "site": "n", "name": "c", "commune": "6252", "fte": {"gp": 1}},
         r"field 'commune'"),
        ({"kind": "open_site", "site": "n", "name": "c", "commune": "62523", "fte": {"surgeon": 1}},
         r"field 'fte.surgeon.\[key\]'|fte"),
        ({"kind": "change_staff", "site": "a", "profession": "gp", "delta_fte": 1, "fte": 2},
         r"exactly one of"),
        ({"kind": "change_staff", "site": "a", "profession": "gp", "fte": -2}, r"field 'fte'"),
        ({"kind": "retirements", "share": 1.5}, r"field 'share'"),
        ({"kind": "operator_exit", "operator": "filieris", "territory": "dep:62",
          "action": "transfer"}, r"needs to_operator"),
        ({"kind": "bogus"}, r"edit #1 \(bogus\)"),
        ({"kind": "close_sites", "sites": ["a"], "colour": "red"}, r"field 'colour'"),
    ],
)  # fmt: skip
def test_bad_edits_name_edit_and_field(edit, pattern):
    with pytest.raises(InputError, match=pattern):
        parse_scenario({"name": "x", "edits": [edit]})


def test_scenario_level_errors():
    with pytest.raises(InputError, match=r"field 'edits'"):
        parse_scenario({"name": "x", "edits": []})
    with pytest.raises(InputError, match=r"mapping"):
        parse_scenario(["not", "a", "mapping"])
    with pytest.raises(InputError, match=r"field 'baseline_year'"):
        parse_scenario({"name": "x", "baseline_year": 2019, "edits": GOOD["edits"][:1]})


def test_bad_files(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("name: x\nedits: [\n  - kind: close_sites\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"s.yaml, line \d+: not valid YAML"):
        load_scenario(p)
    q = tmp_path / "s.txt"
    q.write_text("x", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"accepted: .yaml, .yml, .json"):
        load_scenario(q)
    r = tmp_path / "s.json"
    r.write_text('{"name": "x", "edits": [{"kind": "close_sites", "sites": []}]}', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"s.json: invalid scenario: edit #1"):
        load_scenario(r)
    with pytest.raises(DataFileError, match="file not found"):
        load_scenario(tmp_path / "missing.yaml")
