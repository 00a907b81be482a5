"""Hostile scenario files and concurrent saves: one-line errors, never an internal error
(issue 16, items 6, 7 and 8 store side). Minimal inputs from the fuzz campaign."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from proxisante.errors import DataFileError, InputError
from proxisante.scenarios.io import MAX_SCENARIO_DEPTH, load_scenario, parse_scenario
from proxisante.store import Store

REPRO = Path(__file__).parents[1] / "data" / "repro"
GOOD_YAML = "name: ok\nedits:\n  - kind: close_sites\n    sites: ['620000001']\n    note: 'Fermé'\n"


def test_good_file_still_loads(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text(GOOD_YAML, encoding="utf-8")
    assert load_scenario(p).edits[0].note == "Fermé"
    p.write_bytes(b"\xef\xbb\xbf" + GOOD_YAML.encode())  # UTF-8 with a byte-order mark
    assert load_scenario(p).name == "ok"


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (GOOD_YAML.encode("latin-1"), r"line 5: byte 0xE9 is not UTF-8"),
        (GOOD_YAML.encode("utf-16"), r"line 1: UTF-16 text; expected a UTF-8"),
        (GOOD_YAML.encode("utf-16-be"), r"line 1: NUL byte"),
        (bytes(range(256)) * 4, r"line 1: NUL byte: UTF-16/UTF-32 text or a binary file"),
    ],
)
def test_non_utf8_files_named_by_line(tmp_path, data, pattern):
    p = tmp_path / "s.yaml"
    p.write_bytes(data)
    with pytest.raises(DataFileError, match=r"s.yaml, " + pattern):
        load_scenario(p)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_deep_nesting_is_a_message(tmp_path, suffix):
    p = tmp_path / f"s{suffix}"
    depth = 100_000
    p.write_text("[" * depth + "]" * depth, encoding="utf-8")
    with pytest.raises(DataFileError, match="nested"):
        load_scenario(p)
    shallow = {"name": "x", "edits": [{"kind": "close_sites", "sites": ["1"], "note": "n"}]}
    value: object = "leaf"
    for _ in range(MAX_SCENARIO_DEPTH + 1):
        value = [value]
    shallow["description"] = value  # deep but below Python's recursion limit
    p.write_text(json.dumps(shallow), encoding="utf-8")
    with pytest.raises(DataFileError, match=f"nested deeper than {MAX_SCENARIO_DEPTH}"):
        load_scenario(p)


def test_yaml_alias_bomb_is_bounded(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(lines) + "\nname: x\nedits: *a8\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="more than 1,000,000 values"):
        load_scenario(p)


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        ("{kind: change_staff, site: s1, profession: gp, delta_fte: .nan}", "edit #1 "),
        ("{kind: change_staff, site: s1, profession: gp, fte: .inf}", "edit #1 "),
        ("{kind: open_site, site: n, name: n, commune: '62523', fte: {gp: .nan}}", "edit #1 "),
        ("{kind: change_staff, site: s1, profession: gp, delta_fte: 1e308}", "edit #1 "),
    ],
)
def test_nan_and_inf_fte_named_by_edit_and_field(tmp_path, edit, where):
    p = tmp_path / "s.yaml"
    p.write_text(f"name: x\nedits:\n  - {edit}\n", encoding="utf-8")
    with pytest.raises(
        DataFileError, match=where + r"\((change_staff|open_site)\), field '(delta_)?fte"
    ) as e:
        load_scenario(p)
    assert "\n" not in str(e.value)


def test_nan_in_json_named_by_edit_and_field():
    data = json.loads('{"name": "x", "edits": [{"kind": "change_staff", "site": "s1", '
                      '"profession": "gp", "fte": NaN}]}')  # fmt: skip
    with pytest.raises(InputError, match=r"edit #1 \(change_staff\), field 'fte'"):
        parse_scenario(data)


def test_huge_integer_is_a_message(tmp_path):
    p = tmp_path / "s.json"
    p.write_text('{"name": "x", "baseline_year": ' + "9" * 5000 + ', "edits": []}', "utf-8")
    with pytest.raises(DataFileError, match="not valid JSON") as exc:
        load_scenario(p)
    assert len(str(exc.value)) < 400


def test_close_sites_duplicate_check_is_linear():
    sites = [f"{i:09d}" for i in range(99_999)]
    with pytest.raises(InputError, match=r"sites listed twice: \['000000007'\]"):
        parse_scenario(
            {"name": "x", "edits": [{"kind": "close_sites", "sites": [*sites, sites[7]]}]}
        )
    assert len(parse_scenario({"name": "x", "edits": [{"kind": "close_sites", "sites": sites}]})
               .edits[0].sites) == 99_999  # fmt: skip


def test_xss_scenario_text_is_kept_as_data(tmp_path):
    p = Path(shutil.copy(REPRO / "xss_scen.yaml", tmp_path / "xss_scen.yaml"))
    sc = load_scenario(p)
    assert sc.description == "</script><script>alert(3)</script>"  # escaped where shown


def test_concurrent_saves_under_one_name_never_fail(tmp_path):
    db = tmp_path / "s.duckdb"
    Store(db).close()
    failures: list[str] = []
    done: list[int] = []

    def save(i: int, overwrite: bool) -> None:
        try:
            with Store(db) as st:
                st.save_scenario("same", {"i": i}, overwrite=overwrite)
            done.append(i)
        except InputError as exc:  # typed: the name exists (without overwrite)
            failures.append(type(exc).__name__ + ": " + str(exc))
        except Exception as exc:
            failures.append("INTERNAL " + repr(exc))

    threads = [threading.Thread(target=save, args=(i, True)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and len(done) == 30
    with Store(db) as st:
        assert st.get_scenario("same")["i"] in done

    failures.clear()
    threads = [threading.Thread(target=save, args=(100 + i, False)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(f.startswith("InputError: a scenario named 'same' already exists") for f in failures)
    assert len(failures) == 10  # 'same' existed already: every save without overwrite refused


def test_yaml_flow_nesting_refused_by_the_c_loader_naming_the_line(tmp_path):
    """1,000 levels of ``[`` took PyYAML's Python scanner 10–20 s (quadratic); libyaml
    refuses them at once, and the message says why."""
    p = tmp_path / "s.yaml"
    p.write_text("name: x\ndescription: " + "[" * 1000 + "]" * 1000 + "\nedits: []\n")
    with pytest.raises(DataFileError, match=r"s.yaml, line 2: not valid YAML: nested too"):
        load_scenario(p)


def test_shared_values_are_counted_each_time_they_are_used():
    """The shape check sizes a value used several times (YAML aliases) once, but counts it
    at every use: 3 uses of 400,000 values are refused, 2 are not."""
    from proxisante.scenarios.io import MAX_SCENARIO_NODES, check_shape

    shared = ["x"] * 400_000
    check_shape({"a": shared, "b": shared})
    with pytest.raises(InputError, match=f"more than {MAX_SCENARIO_NODES:,} values"):
        check_shape({"a": shared, "b": shared, "c": [shared]})


def test_a_value_containing_itself_is_refused(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("name: x\nedits: &e [*e]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=f"nested deeper than {MAX_SCENARIO_DEPTH}"):
        load_scenario(p)
