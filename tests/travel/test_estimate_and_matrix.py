"""Offline estimate against hand-computed distances; imported matrix validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from proxisante.errors import DataFileError, InputError
from proxisante.travel import estimate_matrix
from proxisante.travel.estimate import EARTH_RADIUS_KM, great_circle_km
from proxisante.travel.matrix_file import read_matrix_file


def test_great_circle_by_hand():
    # one degree of latitude = R * pi / 180
    assert great_circle_km(45, 3, 46, 3) == pytest.approx(EARTH_RADIUS_KM * math.pi / 180)
    # along the equator, 90 degrees = quarter circumference
    assert great_circle_km(0, 0, 0, 90) == pytest.approx(EARTH_RADIUS_KM * math.pi / 2)


def test_estimate_minutes_and_cutoff():
    # points 0.1 degree of latitude apart: 11.119 km
    km = EARTH_RADIUS_KM * math.pi / 180 * 0.1
    lat = np.array([50.0, 50.1, 50.2, 51.0])
    lon = np.array([2.8, 2.8, 2.8, 2.8])
    ids = ["a", "b", "c", "far"]
    tm = estimate_matrix(
        ids, lat, lon, ids, lat, lon, cutoff_minutes=30, detour_factor=1.5, speed_kmh=45
    )
    m = tm.minutes.toarray()
    one_step = km * 1.5 / 45 * 60  # 22.24 minutes
    assert m[0, 1] == pytest.approx(one_step, rel=1e-9)
    assert m[1, 0] == pytest.approx(one_step, rel=1e-9)
    # a -> c is 44.5 minutes: beyond the cut-off, not stored; 'far' reaches nobody
    assert (0, 2) not in set(zip(*tm.minutes.nonzero(), strict=True))
    assert tm.minutes[[3], :].nnz == 1  # only itself
    # explicit zeros on the diagonal: 0 minutes, stored (reachable)
    coo = tm.minutes.tocoo()
    diag = coo.data[coo.row == coo.col]
    assert len(diag) == 4 and (diag == 0).all()
    assert tm.n_pairs == 4 + 4  # 4 self pairs + a<->b, b<->c


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"cutoff_minutes": 0}, "cutoff_minutes"),
        ({"cutoff_minutes": 10, "detour_factor": 0.5}, "detour_factor"),
        ({"cutoff_minutes": 10, "speed_kmh": -1}, "speed_kmh"),
    ],
)
def test_estimate_bad_parameters(kwargs, pattern):
    with pytest.raises(InputError, match=pattern):
        estimate_matrix(["a"], [50], [3], ["a"], [50], [3], **kwargs)


def test_estimate_bad_points():
    with pytest.raises(InputError, match="duplicate ids"):
        estimate_matrix(["a", "a"], [50, 51], [3, 3], ["x"], [50], [3], cutoff_minutes=10)
    with pytest.raises(InputError, match=r"origins: point 'b' \(row 2\) has latitude=nan"):
        estimate_matrix(["a", "b"], [50, np.nan], [3, 3], ["x"], [50], [3], cutoff_minutes=10)
    with pytest.raises(InputError, match="latitude=95"):
        estimate_matrix(["x"], [50], [3], ["a"], [95], [3], cutoff_minutes=10)


def _write(tmp_path, text, name="m.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_matrix_file_round_trip(tmp_path):
    p = _write(
        tmp_path,
        "origin;destination;minutes\n62523;62523;0\n62523;62498;7,5\n62498;62523;9\n62498;62510;40\n",
    )
    tm = read_matrix_file(
        p,
        origin_ids=["62523", "62498"],
        destination_ids=["62523", "62498", "62510"],
        cutoff_minutes=30,
    )
    assert tm.provider == "matrix"
    assert tm.minutes.nnz == 3  # the 40-minute pair is beyond the cut-off; the 0 is kept
    assert tm.minutes[0, 1] == 7.5 and tm.minutes[1, 0] == 9.0
    df = tm.to_frame()
    assert set(df["origin"]) == {"62523", "62498"}


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (
            "origin,destination,minutes\n62523,99999,3\n",
            r"line 2, field 'destination': unknown code '99999'",
        ),
        ("origin,destination,minutes\n62523,62523,1\n62523,62498,-4\n", r"line 3, field 'minutes'"),
        ("origin,destination,minutes\n62523,62523,abc\n", r"field 'minutes'"),
        ("origin,destination,minutes\n62523,62498,1\n62523,62498,2\n", r"line 3.*repeated"),
        ("from,to,minutes\n62523,62498,1\n", r"missing column"),
    ],
)
def test_matrix_file_errors(tmp_path, text, pattern):
    p = _write(tmp_path, text)
    with pytest.raises(DataFileError, match=pattern):
        read_matrix_file(
            p, origin_ids=["62523", "62498"], destination_ids=["62523", "62498"], cutoff_minutes=30
        )


def test_matrix_file_parquet_and_column_mapping(tmp_path):
    import pandas as pd

    p = tmp_path / "m.parquet"
    pd.DataFrame({"o": ["a"], "d": ["b"], "t": [3.0]}).to_parquet(p)
    tm = read_matrix_file(
        p,
        origin_ids=["a"],
        destination_ids=["b"],
        cutoff_minutes=5,
        columns={"o": "origin", "d": "destination", "t": "minutes"},
    )
    assert tm.minutes[0, 0] == 3.0
    with pytest.raises(DataFileError, match="unsupported"):
        read_matrix_file(
            _write(tmp_path, "x", "m.xlsx"),
            origin_ids=["a"],
            destination_ids=["b"],
            cutoff_minutes=5,
        )


def test_swapped_latitude_longitude_is_refused():
    ids = ["loison", "lens"]
    lat, lon = [50.438, 50.432], [2.862, 2.832]
    # given in the wrong order: outside France, inside once swapped
    with pytest.raises(InputError, match=r"point 'loison' \(row 1\).*swapped.*\(2 such"):
        estimate_matrix(ids, lon, lat, ids, lon, lat, cutoff_minutes=30)
    # right order, and a point abroad that is not a swap (Brussels), are accepted
    tm = estimate_matrix([*ids, "bruxelles"], [*lat, 50.85], [*lon, 4.35],
                         [*ids, "bruxelles"], [*lat, 50.85], [*lon, 4.35], cutoff_minutes=30)  # fmt: skip
    assert tm.n_pairs >= 4
