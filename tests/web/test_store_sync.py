"""A running server and the command line see the same store: an ``offer edit`` made by
another process reaches the server's answers without a restart, and a server that only
reads keeps its caches (no store opening per request)."""

from __future__ import annotations

import subprocess
import sys
import time

from fastapi.testclient import TestClient

from proxisante.web import create_app

BASE = "http://127.0.0.1"
AVION = "filieris-centre-de-sante-de-la-republique-avion"


def _avion_gp(client: TestClient) -> float:
    sites = client.get("/api/sites", params={"territory": "62065"}).json()
    return next(s["gp_fte"] for s in sites if s["site_id"] == AVION)


def _cli(*args: str) -> subprocess.CompletedProcess:
    code = "from proxisante.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def test_cli_edit_reaches_a_running_server(tmp_path):
    store = tmp_path / "s.duckdb"
    app = create_app(token="t", store_path=str(store), hold_store_seconds=0.3)
    client = TestClient(app, base_url=BASE)
    before = _avion_gp(client)
    context = app.state.context
    generation = context.workspace.generation
    # reads alone change nothing: the caches are kept
    assert _avion_gp(client) == before and context.workspace.generation == generation
    deadline = time.time() + 20
    while True:  # the server holds the file a moment after each request
        done = _cli("offer", "edit", AVION, "--fte", "gp=+1", "--store", str(store))
        if done.returncode == 0 or time.time() > deadline or "in use" not in done.stderr:
            break
        time.sleep(0.3)
    assert done.returncode == 0, done.stderr
    assert _avion_gp(client) == before + 1  # the server's cached site list was dropped
    assert context.workspace.generation == generation + 1
    assert _avion_gp(client) == before + 1 and context.workspace.generation == generation + 1
