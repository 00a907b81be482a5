"""The application layer: table export, workspace offer and report inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from proxisante.errors import InputError
from proxisante.scenarios import parse_scenario
from proxisante.workspace import Workspace, table_bytes, table_format, write_table
from tests.csv_fr import read_fr_csv

TABLE = pd.DataFrame({"code_insee": ["62523", "62498"], "apl": [6.558, 3.25]})


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "gpkg", "parquet"])
def test_write_table_round_trip(tmp_path, fmt):
    path = write_table(TABLE, tmp_path / f"t.{fmt}", layer="apl")
    if fmt == "csv":
        back = read_fr_csv(path, dtype={"code_insee": str})
    elif fmt == "xlsx":
        back = pd.read_excel(path, dtype={"code_insee": str})
    elif fmt == "parquet":
        back = pd.read_parquet(path)
    else:
        import geopandas as gpd

        back = gpd.read_file(path, layer="apl")
        assert back.crs.to_epsg() == 4326 and back.geometry.notna().all()
    assert back["code_insee"].tolist() == ["62523", "62498"]
    assert back["apl"].tolist() == [6.558, 3.25]
    assert not list(tmp_path.glob("*.tmp"))


def test_write_table_refuses_other_suffixes_and_missing_folder(tmp_path):
    with pytest.raises(InputError, match=r"--out must end in .csv or .gpkg; got '.txt'"):
        write_table(TABLE, tmp_path / "t.txt", accepted=("csv", "gpkg"))
    with pytest.raises(InputError, match="does not exist"):
        write_table(TABLE, tmp_path / "nope" / "t.csv")
    with pytest.raises(InputError, match="code_insee"):
        table_bytes(TABLE.rename(columns={"code_insee": "x"}), "gpkg")
    assert table_format("A.XLSX") == "xlsx"


def test_bundled_workspace_opens_no_store(tmp_path, monkeypatch):
    monkeypatch.setenv("PROXISANTE_STORE", str(tmp_path / "never.duckdb"))
    ws = Workspace(use_store=False)
    assert len(ws.offer().sites) > 0 and ws.population_by_age() is None
    with pytest.raises(InputError, match="bundled data only"), ws.store():
        pass
    assert not (tmp_path / "never.duckdb").exists()


def test_site_names_include_sites_a_scenario_opens():
    ws = Workspace(use_store=False)
    sc = parse_scenario({"name": "n", "edits": [{"kind": "open_site", "site": "neuf-1",
                         "name": "Centre neuf", "commune": "62523", "fte": {"gp": 1}}]})  # fmt: skip
    names = ws.site_names(sc)
    assert names["neuf-1"] == "Centre neuf"
    some = ws.offer().sites.iloc[0]
    assert names[some["site_id"]] == some["name"]


def test_report_neighbours_only_for_small_territories():
    ws = Workspace(use_store=False)
    near = ws.report_neighbours("62523")
    assert near is not None and "62498" in set(near["code_insee"])
    assert (near["minutes_estimees"] <= 20).all()
    assert ws.report_neighbours("dep:12") is None


def test_neighbours_within_time_from_the_nearest_commune():
    """Around circo 12-02 (96 communes) a neighbour's time is the shortest from one of them
    (recomputed here), never the 0 a sparse min over missing pairs would give."""
    import numpy as np

    from proxisante.territory import load_communes, select
    from proxisante.travel.defaults import DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH
    from proxisante.travel.estimate import great_circle_km
    from proxisante.workspace import neighbours_within

    t = select("circo:12-02")
    near = neighbours_within(t, 20.0).set_index("code_insee")
    assert (near["minutes_estimees"] > 0).all() and (near["minutes_estimees"] <= 20).all()
    c = load_communes().set_index("code_insee")
    inside = t.communes.dropna(subset=["lat"])
    km = great_circle_km(inside["lat"], inside["lon"], c.loc["46102", "lat"],
                         c.loc["46102", "lon"])  # fmt: skip
    expected = float(np.min(km)) * DEFAULT_DETOUR_FACTOR / DEFAULT_SPEED_KMH * 60
    assert near.loc["46102", "minutes_estimees"] == pytest.approx(expected, rel=1e-9)


def test_threads_share_one_build_of_the_needs_layer(tmp_path, monkeypatch):
    """The web server's warm-up and its first territory page ask for the needs layer at once:
    it is built once, both get it, and reading the offer meanwhile does not wait for it."""
    import threading
    import time

    import proxisante.needs as needs

    calls, started, release = [], threading.Event(), threading.Event()

    def slow_build(**kwargs):
        calls.append(kwargs)
        started.set()
        release.wait(30)
        return object()

    monkeypatch.setattr(needs, "load_needs", slow_build)
    ws = Workspace(tmp_path / "s.duckdb")
    got = []
    threads = [threading.Thread(target=lambda: got.append(ws.needs())) for _ in range(4)]
    for t in threads:
        t.start()
    assert started.wait(30)
    t0 = time.perf_counter()
    assert len(ws.offer().sites) > 0  # not blocked by the build in progress
    assert time.perf_counter() - t0 < 20
    release.set()
    for t in threads:
        t.join(30)
    assert len(calls) == 1 and len(got) == 4 and len({id(g) for g in got}) == 1


def test_held_store_is_released_after_the_hold(tmp_path):
    """A server's workspace keeps the store open between requests (cheap saves) and frees
    the file for other processes once idle for ``hold_store_seconds``."""
    import subprocess
    import sys
    import time

    path = tmp_path / "s.duckdb"
    ws = Workspace(path, hold_store_seconds=0.5)
    edit = {"kind": "open_site", "site": "n", "name": "n", "commune": "62523", "fte": {"gp": 1.0}}
    ws.save_scenario(parse_scenario({"name": "tenu", "edits": [edit]}))
    assert ws._held is not None  # held after use
    names = [r[0] for r in ws.scenario_names()]  # reuses the open database
    assert names == ["tenu"]
    other = [sys.executable, "-c", "import sys; from proxisante.store import Store; "
             "Store(sys.argv[1]).close()", str(path)]  # fmt: skip
    assert subprocess.run(other, capture_output=True).returncode != 0  # locked while held
    deadline = time.time() + 10
    while ws._held is not None and time.time() < deadline:
        time.sleep(0.1)
    assert ws._held is None
    done = subprocess.run(other, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
