"""Travel CLI and on-disk cache."""

from __future__ import annotations

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from proxisante.cli import app
from proxisante.travel import estimate_matrix
from proxisante.travel.cache import cache_key, cached_matrix

runner = CliRunner()


def test_cache_hit_and_key_changes(tmp_path):
    ids, lat, lon = ["a", "b"], np.array([50.0, 50.05]), np.array([2.8, 2.8])
    calls = []

    def compute():
        calls.append(1)
        return estimate_matrix(ids, lat, lon, ids, lat, lon, cutoff_minutes=20)

    key = cache_key("estimate", {"cutoff": 20}, (ids, lat, lon), (ids, lat, lon))
    first, hit1 = cached_matrix(key, compute, cache_dir=tmp_path)
    second, hit2 = cached_matrix(key, compute, cache_dir=tmp_path)
    assert (hit1, hit2) == (False, True) and len(calls) == 1
    assert (first.minutes != second.minutes).nnz == 0
    assert second.minutes.nnz == first.minutes.nnz  # the stored zeros survive the round trip
    moved = cache_key("estimate", {"cutoff": 20}, (ids, lat + 0.001, lon), (ids, lat, lon))
    assert moved != key
    (tmp_path / f"{key}.npz").write_bytes(b"corrupt")
    _, hit3 = cached_matrix(key, compute, cache_dir=tmp_path)
    assert hit3 is False and len(calls) == 2


def test_travel_matrix_cli(tmp_path):
    out = tmp_path / "m.csv"
    res = runner.invoke(app, ["travel", "matrix", "-t", "epci:246200364", "--out", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out, dtype={"origin": str, "destination": str})
    assert set(df.columns) == {"origin", "destination", "minutes"} and (df["minutes"] <= 30).all()
    imported = tmp_path / "back.csv"
    res = runner.invoke(app, ["travel", "matrix", "-t", "epci:246200364", "--provider", "matrix",
                              "--file", str(out), "--cutoff", "10", "--out", str(imported)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert (pd.read_csv(imported)["minutes"] <= 10).all()
    for args in (["travel", "matrix", "--out", str(out)],
                 ["travel", "matrix", "-t", "62523", "--provider", "osrm", "--out", str(out)],
                 ["travel", "matrix", "-t", "62523", "--provider", "bus", "--out", str(out)]):  # fmt: skip
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and "error:" in res.output
