"""Real road travel times with OSRM (Open Source Routing Machine), run locally.

The OSRM binaries (``osrm-extract``, ``osrm-partition``, ``osrm-customize``, ``osrm-routed``)
and the ``car.lua`` profile come from the PyPI wheel ``osrm-bindings``; ``make osrm`` unpacks
them into ``tools/osrm``. They are found through the environment variable
``PROXISANTE_OSRM_DIR`` (the folder holding ``bin/`` and ``share/profiles/``) or in the
repository's ``tools/osrm/osrm``.

:func:`build_network` prepares an ``.osm.pbf`` extract for the multi-level Dijkstra (MLD)
pipeline. :class:`OsrmServer` starts ``osrm-routed`` on a free loopback port, waits until it
answers and always stops it (context manager: also on errors and Ctrl-C). :func:`osrm_matrix`
sends bounded batches of ``/table`` requests with retries and a timeout, and returns a
:class:`~proxisante.travel.TravelMatrix` plus the snapping distance of every point (metres
between the given point and the road network).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from proxisante.errors import DataFileError, InputError, OsrmError
from proxisante.travel.base import TravelMatrix, validate_points

__all__ = ["OsrmServer", "build_network", "osrm_dir", "osrm_matrix"]

log = logging.getLogger(__name__)
_REPO_TOOLS = Path(__file__).resolve().parents[3] / "tools" / "osrm" / "osrm"


def osrm_dir() -> Path:
    """Folder with OSRM's ``bin/`` and ``share/profiles/`` (see the module docstring)."""
    env = os.environ.get("PROXISANTE_OSRM_DIR")
    base = Path(env) if env else _REPO_TOOLS
    if not (base / "bin" / "osrm-routed").is_file():
        msg = (
            f"OSRM binaries not found in '{base}/bin'; run `make osrm` (unpacks the osrm-bindings "
            "wheel into tools/osrm) or set PROXISANTE_OSRM_DIR"
        )
        raise OsrmError(msg)
    return base


def _run(args: list[str], *, what: str, path: Path) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise DataFileError(str(path), f"{what} failed (exit {done.returncode}): {tail}")


def build_network(
    pbf: str | Path, *, out_dir: str | Path | None = None, profile: str = "car"
) -> Path:
    """Extract, partition and customize an OpenStreetMap extract for OSRM (MLD).

    Returns the ``.osrm`` base path to give to :class:`OsrmServer`.
    """
    pbf = Path(pbf)
    if not pbf.is_file():
        raise DataFileError(str(pbf), "file not found")
    if not pbf.name.endswith((".osm.pbf", ".pbf")):
        raise DataFileError(str(pbf), "expected an OpenStreetMap .osm.pbf extract")
    base_dir = osrm_dir()
    lua = base_dir / "share" / "profiles" / f"{profile}.lua"
    if not lua.is_file():
        msg = f"OSRM profile '{profile}' not found; available: car, bicycle, foot"
        raise InputError(msg)
    out = Path(out_dir) if out_dir is not None else pbf.parent
    out.mkdir(parents=True, exist_ok=True)
    target = out / pbf.name
    if target.resolve() != pbf.resolve():
        target.write_bytes(pbf.read_bytes())
    stem = target.name.removesuffix(".pbf").removesuffix(".osm")
    osrm = out / f"{stem}.osrm"
    b = base_dir / "bin"
    _run([str(b / "osrm-extract"), "-p", str(lua), str(target)], what="osrm-extract", path=pbf)
    _run([str(b / "osrm-partition"), str(osrm)], what="osrm-partition", path=pbf)
    _run([str(b / "osrm-customize"), str(osrm)], what="osrm-customize", path=pbf)
    return osrm


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OsrmServer:
    """``osrm-routed`` on loopback, started on enter and always stopped on exit.

    Parameters
    ----------
    network
        The ``.osrm`` base path from :func:`build_network`.
    port
        Port to use (must be free); a free one is chosen by default.
    start_timeout_s
        Seconds to wait for the server to answer.
    """

    def __init__(
        self, network: str | Path, *, port: int | None = None, start_timeout_s: float = 30.0
    ) -> None:
        self.network = Path(network)
        self.port = port
        self.start_timeout_s = start_timeout_s
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> OsrmServer:
        if not Path(str(self.network) + ".partition").exists() and not self.network.exists():
            raise DataFileError(
                str(self.network), "not a prepared OSRM network (run build-network)"
            )
        if self.port is None:
            self.port = _free_port()
        elif not _port_free(self.port):
            msg = f"port {self.port} is busy on 127.0.0.1; choose another or omit --port"
            raise OsrmError(msg)
        binary = osrm_dir() / "bin" / "osrm-routed"
        args = [str(binary), "--algorithm", "mld", "--ip", "127.0.0.1", "--port", str(self.port),
                "--max-table-size", "10000", str(self.network)]  # fmt: skip
        self.process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out = (self.process.stdout.read() if self.process.stdout else "").strip()
                tail = " | ".join(out.splitlines()[-3:])
                msg = f"osrm-routed exited with code {self.process.returncode}: {tail}"
                raise OsrmError(msg)
            try:
                urllib.request.urlopen(f"{self.url}/nearest/v1/driving/0,0", timeout=1)
                return
            except urllib.error.HTTPError:
                return  # the server answered (an error for this dummy query is fine)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.1)
        msg = f"osrm-routed did not answer within {self.start_timeout_s:g} s on port {self.port}"
        raise OsrmError(msg)

    def stop(self) -> None:
        """Terminate the server (kill after 5 s); idempotent."""
        p = self.process
        if p is None or p.poll() is not None:
            return
        p.terminate()
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def table(self, coords: np.ndarray, sources: list[int], destinations: list[int], *,
              timeout_s: float = 60.0, retries: int = 3) -> dict:  # fmt: skip
        """One ``/table`` request (durations), retried on transient failures."""
        path = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in coords)
        src = ";".join(map(str, sources))
        dst = ";".join(map(str, destinations))
        q = f"sources={src}&destinations={dst}&annotations=duration"
        url = f"{self.url}/table/v1/driving/{path}?{q}"
        last: Exception | None = None
        for attempt in range(retries):
            try:
                with urllib.request.urlopen(url, timeout=timeout_s) as resp:
                    body = json.loads(resp.read())
                if body.get("code") != "Ok":
                    msg = f"OSRM table answered {body.get('code')}: {body.get('message')}"
                    raise OsrmError(msg)
                return body
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                last = exc
                time.sleep(0.2 * (attempt + 1))
        msg = f"OSRM table request failed after {retries} tries: {last}"
        raise OsrmError(msg)


@dataclass(frozen=True)
class OsrmResult:
    """Travel matrix and snapping distances (metres) of origins and destinations."""

    matrix: TravelMatrix
    snapping: pd.DataFrame


def osrm_matrix(
    origin_ids, origin_lat, origin_lon, destination_ids, destination_lat, destination_lon, *,
    network: str | Path, cutoff_minutes: float, batch_size: int = 100, port: int | None = None,
) -> OsrmResult:  # fmt: skip
    """Car travel times on the road network, origins × destinations, within ``cutoff_minutes``.

    Requests are batched (``batch_size`` origins × ``batch_size`` destinations per request);
    the server is started and always stopped here.
    """
    if not np.isfinite(cutoff_minutes) or cutoff_minutes <= 0:
        msg = f"cutoff_minutes was {cutoff_minutes!r}; expected minutes > 0"
        raise InputError(msg)
    if not 1 <= batch_size <= 5000:
        msg = f"batch_size was {batch_size}; expected 1..5000"
        raise InputError(msg)
    o_ids, o_lat, o_lon = validate_points(origin_ids, origin_lat, origin_lon, what="origins")
    d_ids, d_lat, d_lon = validate_points(
        destination_ids, destination_lat, destination_lon, what="destinations"
    )
    rows, cols, vals = [], [], []
    snap_o = np.full(len(o_ids), np.nan)
    snap_d = np.full(len(d_ids), np.nan)
    with OsrmServer(network, port=port) as server:
        for i0 in range(0, len(o_ids), batch_size):
            oi = np.arange(i0, min(i0 + batch_size, len(o_ids)))
            for j0 in range(0, len(d_ids), batch_size):
                dj = np.arange(j0, min(j0 + batch_size, len(d_ids)))
                coords = np.concatenate([np.column_stack([o_lat[oi], o_lon[oi]]),
                                         np.column_stack([d_lat[dj], d_lon[dj]])])  # fmt: skip
                body = server.table(
                    coords, list(range(len(oi))), list(range(len(oi), len(oi) + len(dj)))
                )
                dur = np.array(
                    [[np.nan if v is None else v for v in row] for row in body["durations"]],
                    dtype=float,
                )
                minutes = dur / 60.0
                ok = np.isfinite(minutes) & (minutes <= cutoff_minutes)
                r, c = np.nonzero(ok)
                rows.append(oi[r])
                cols.append(dj[c])
                vals.append(minutes[r, c])
                snap_o[oi] = [w.get("distance", np.nan) for w in body["sources"]]
                snap_d[dj] = [w.get("distance", np.nan) for w in body["destinations"]]
    mat = sp.csr_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(o_ids), len(d_ids)),
    )
    mat.sort_indices()
    tm = TravelMatrix(minutes=mat, origin_ids=o_ids, destination_ids=d_ids,
                      cutoff_minutes=float(cutoff_minutes), provider="osrm")  # fmt: skip
    snapping = pd.DataFrame({
        "id": np.concatenate([o_ids, d_ids]),
        "role": ["origin"] * len(o_ids) + ["destination"] * len(d_ids),
        "snapping_m": np.concatenate([snap_o, snap_d]),
    })  # fmt: skip
    return OsrmResult(tm, snapping)
