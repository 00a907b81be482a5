"""Web import: messages name the upload, not the server's temporary path; an empty file
never erases an earlier import unless asked (issue 16, items 3 and 5)."""

from __future__ import annotations

import tempfile

from fastapi.testclient import TestClient

from proxisante.store import Store
from proxisante.web import create_app
from tests.offer.fixtures import good_finess_lines, write_finess

TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_import_error_names_the_upload_not_a_temporary_path(tmp_path):
    c = TestClient(
        create_app(token=TOKEN, store_path=str(tmp_path / "s.duckdb")), base_url="http://127.0.0.1"
    )
    body = write_finess(tmp_path, good_finess_lines()).read_bytes()
    bad = body.replace(b"620000001;750050759", b"62000001;750050759")
    r = c.post("/api/offer/import/finess", content=bad, headers=AUTH)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error.startswith("upload-finess.csv, line 2, field 'nofinesset'")
    assert tempfile.gettempdir() not in error


def test_header_only_upload_refused_unless_replace_with_empty(tmp_path):
    c = TestClient(
        create_app(token=TOKEN, store_path=str(tmp_path / "s.duckdb")), base_url="http://127.0.0.1"
    )
    good = b"DEPCOM;TYPEQU;NB_EQUIP\n62523;D265;4\n"
    assert c.post("/api/offer/import/bpe", content=good, headers=AUTH).status_code == 201
    empty = b"DEPCOM;TYPEQU;NB_EQUIP\n"
    r = c.post("/api/offer/import/bpe", content=empty, headers=AUTH)
    assert r.status_code == 400 and "no row to import" in r.json()["error"]
    with Store(tmp_path / "s.duckdb") as st:  # the earlier import is still there
        assert st.con.execute("SELECT commune, count FROM bpe_counts").fetchall() == [
            ("62523", 4.0)
        ]
    r = c.post("/api/offer/import/bpe?replace_with_empty=true", content=empty, headers=AUTH)
    assert r.status_code == 201 and r.json()["rows_stored"] == 0
    with Store(tmp_path / "s.duckdb") as st:
        assert st.con.execute("SELECT count(*) FROM bpe_counts").fetchall() == [(0,)]


def test_huge_commune_code_in_a_query_is_a_short_4xx(tmp_path):
    c = TestClient(
        create_app(token=TOKEN, store_path=str(tmp_path / "s.duckdb")), base_url="http://127.0.0.1"
    )
    r = c.get("/api/communes/geojson", params={"codes": "62" + "1" * 5000})
    assert r.status_code in (400, 404) and len(r.text) < 600
