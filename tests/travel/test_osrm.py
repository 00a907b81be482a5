"""OSRM end to end on the real Monaco OpenStreetMap extract; failures leave no process behind."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest

from proxisante.errors import DataFileError, OsrmError
from proxisante.travel import estimate_matrix
from proxisante.travel.estimate import great_circle_km
from proxisante.travel.osrm import OsrmServer, build_network, osrm_dir, osrm_matrix

PBF = Path(__file__).resolve().parents[1] / "data" / "osm" / "monaco.osm.pbf"
# points in Monaco: Monaco-Ville, Fontvieille, Monte-Carlo casino, port Hercule, Larvotto
LAT = np.array([43.7311, 43.7275, 43.7396, 43.7350, 43.7480, 43.7384])
LON = np.array([7.4197, 7.4166, 7.4276, 7.4240, 7.4340, 7.4246])
IDS = ["ville", "fontvieille", "casino", "port", "larvotto", "centre"]


def _osrm_or_skip() -> None:
    try:
        osrm_dir()
    except OsrmError as exc:
        pytest.skip(f"OSRM binaries absent ({exc}); `make test` installs them with `make osrm`")


def _routed_pids() -> set[int]:
    pids = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes()
            except OSError:
                continue
            if b"osrm-routed" in cmd:
                pids.add(int(d.name))
    return pids


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    _osrm_or_skip()
    return build_network(PBF, out_dir=tmp_path_factory.mktemp("net"))


pytestmark = pytest.mark.osrm


def test_table_sanity_and_estimate_error(network):
    before = _routed_pids()
    res = osrm_matrix(
        IDS, LAT, LON, IDS, LAT, LON, network=network, cutoff_minutes=30, batch_size=4
    )
    assert _routed_pids() == before  # server stopped
    m = res.matrix.minutes.toarray()
    assert res.matrix.n_pairs == 36  # Monaco: everything within 30 minutes
    assert np.allclose(np.diag(m), 0)
    km = great_circle_km(LAT[:, None], LON[:, None], LAT[None, :], LON[None, :])
    assert (m >= km / 130 * 60 - 1e-9).all()  # never faster than 130 km/h in a straight line
    # triangle-ish: going through a third point is never much faster than the direct route
    for i in range(6):
        for j in range(6):
            assert m[i, j] <= min(m[i, k] + m[k, j] for k in range(6)) + 1.0
    assert (res.snapping["snapping_m"] < 200).all()
    est = estimate_matrix(IDS, LAT, LON, IDS, LAT, LON, cutoff_minutes=30).minutes.toarray()
    off = ~np.eye(6, dtype=bool)
    ratio = np.median(m[off] / est[off])
    # report the estimate's error on this (urban, one-way-street) network
    print(f"OSRM / estimate median ratio on Monaco: {ratio:.2f}")
    assert 0.5 < ratio < 5


def test_missing_binaries(monkeypatch, tmp_path):
    monkeypatch.setenv("PROXISANTE_OSRM_DIR", str(tmp_path))
    with pytest.raises(OsrmError, match="make osrm"):
        build_network(PBF, out_dir=tmp_path / "net")


def test_corrupt_pbf(tmp_path):
    _osrm_or_skip()
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"\x00\x01 not a protobuf " * 100)
    with pytest.raises(DataFileError, match="osrm-extract failed"):
        build_network(bad, out_dir=tmp_path / "net")


def test_server_not_starting_leaves_no_process(tmp_path):
    _osrm_or_skip()
    fake = tmp_path / "nothing.osrm"
    fake.write_bytes(b"junk")
    before = _routed_pids()
    with pytest.raises(OsrmError, match="osrm-routed exited"), OsrmServer(fake, start_timeout_s=10):
        pass
    assert _routed_pids() == before


def test_port_busy(network):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        before = _routed_pids()
        with pytest.raises(OsrmError, match=f"port {port} is busy"), OsrmServer(network, port=port):
            pass
        assert _routed_pids() == before


def test_server_stopped_on_error_inside(network):
    before = _routed_pids()
    with pytest.raises(RuntimeError), OsrmServer(network) as srv:
        assert srv.process is not None and srv.process.pid in _routed_pids()
        raise RuntimeError("caller failed")
    assert _routed_pids() == before


def test_calibrate_estimate_on_osrm(network):
    from proxisante.travel import fit_estimate

    res = osrm_matrix(IDS, LAT, LON, IDS, LAT, LON, network=network, cutoff_minutes=30)
    fit = fit_estimate(res.matrix, LAT, LON, LAT, LON)
    # independent least squares through the origin on the off-diagonal pairs
    m = res.matrix.minutes.toarray()
    km = great_circle_km(LAT[:, None], LON[:, None], LAT[None, :], LON[None, :])
    off = ~np.eye(6, dtype=bool)
    slope, *_ = np.linalg.lstsq(km[off][:, None], m[off], rcond=None)
    assert fit.pairs == 30 and fit.minutes_per_km == pytest.approx(float(slope[0]), rel=1e-12)
    assert fit.speed_kmh == pytest.approx(60 * 1.3 / fit.minutes_per_km)
    # the fitted estimate is closer to OSRM than the default one on this network
    assert fit.median_abs_error_minutes < fit.default_median_abs_error_minutes
    assert abs(np.log(fit.median_ratio)) < abs(np.log(fit.default_median_ratio))
    refit = estimate_matrix(IDS, LAT, LON, IDS, LAT, LON, cutoff_minutes=60,
                            speed_kmh=fit.speed_kmh).minutes.toarray()  # fmt: skip
    assert np.allclose(refit[off], fit.minutes_per_km * km[off])
    print(fit.describe())


def test_calibrate_cli(network, tmp_path):
    from typer.testing import CliRunner

    from proxisante.cli import app

    pts = tmp_path / "pts.csv"
    pts.write_text("id,lat,lon\n" + "".join(f"{i},{a},{b}\n" for i, a, b in zip(IDS, LAT, LON, strict=True)),
                   encoding="utf-8")  # fmt: skip
    res = CliRunner().invoke(app, ["travel", "calibrate", "--network", str(network), "--points",
                                   str(pts)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "30 paires" in res.output and "--speed-kmh" in res.output
    out = tmp_path / "m.csv"
    res = CliRunner().invoke(app, ["travel", "matrix", "--points", str(pts), "--speed-kmh", "20",
                                   "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    import pandas as pd

    df = pd.read_csv(out, dtype=str)
    row = df[(df["origin"] == "ville") & (df["destination"] == "casino")]
    km = great_circle_km(LAT[0], LON[0], LAT[2], LON[2])
    assert float(row["minutes"].iloc[0]) == pytest.approx(km * 1.3 / 20 * 60, rel=1e-6)


def test_calibrate_needs_pairs():
    import scipy.sparse as sp

    from proxisante.errors import InputError
    from proxisante.travel import TravelMatrix, fit_estimate

    tm = TravelMatrix(sp.csr_array(np.zeros((1, 1))), np.array(["a"]), np.array(["a"]), 30.0,
                      "test")  # fmt: skip
    with pytest.raises(InputError, match="at least 2 needed"):
        fit_estimate(tm, [43.7], [7.4], [43.7], [7.4])
