"""The offer model matches the store tables; RPPS/BPE line-level errors; the edit log."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from proxisante.errors import DataFileError, InputError
from proxisante.offer import load_default_offer
from proxisante.offer.edits import edit_site, parse_fte_change, stored_edits
from proxisante.offer.importing import import_file, load_offer, stored_imports
from proxisante.offer.model import BPE_SCHEMA, SITE_SCHEMA, STAFF_SCHEMA, conform
from proxisante.offer.rpps import read_bpe, read_rpps
from proxisante.store import MIGRATIONS, Store
from proxisante.territory import load_communes
from tests.offer.fixtures import RPPS_HEADER, good_finess_lines, rpps_line, write_finess, write_rpps

COMMUNES = set(load_communes()["code_insee"])
_DUCKDB_TYPE = {"VARCHAR": "VARCHAR", "DOUBLE": "DOUBLE", "INTEGER": "INTEGER"}


@pytest.mark.parametrize(
    ("table", "schema"),
    [("sites", SITE_SCHEMA), ("staff", STAFF_SCHEMA), ("bpe_counts", BPE_SCHEMA)],
)
def test_store_tables_match_the_model(tmp_path, table, schema):
    with Store(tmp_path / "s.duckdb") as st:
        described = st.con.execute(f"DESCRIBE {table}").fetchall()
    # columns added by later migrations come last in the table: compare by name
    got = {r[0]: r[1] for r in described}
    assert got == {c.name: _DUCKDB_TYPE[c.sql] for c in schema}


def test_bundled_offer_conforms_to_the_model():
    offer = load_default_offer()
    assert list(offer.sites.columns) == [c.name for c in SITE_SCHEMA]
    assert list(offer.staff.columns) == [c.name for c in STAFF_SCHEMA]
    # every bundled staff row knows its commune (taken from its site)
    assert offer.staff["commune"].notna().all()
    assert offer.sites["site_id"].is_unique


def test_conform_keeps_missing_text_missing_and_names_bad_column():
    df = conform(pd.DataFrame({"site_id": ["a", None], "lat": ["50.1", None]}), SITE_SCHEMA,
                 what="sites")  # fmt: skip
    assert df["site_id"].isna().tolist() == [False, True]
    assert df["lat"].tolist()[0] == 50.1 and pd.isna(df["lat"].tolist()[1])
    with pytest.raises(InputError, match="column 'lat' cannot be read as float64"):
        conform(pd.DataFrame({"lat": ["north"]}), SITE_SCHEMA, what="sites")


def test_store_upgrades_from_version_2_keeping_rows(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR, "
        "applied_at TIMESTAMP)"
    )
    for version, description, sql in MIGRATIONS[:2]:
        con.execute(sql)
        con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, description])
    con.execute("INSERT INTO staff (site_id, profession, headcount) VALUES ('x', 'gp', 2)")
    con.close()
    with Store(db) as st:
        assert st.schema_version() == MIGRATIONS[-1][0]
        rows = st.con.execute("SELECT site_id, headcount, age_band FROM staff").fetchall()
    assert rows == [("x", 2, None)]


def test_rpps_malformed_line_named_strict_and_skipped_lenient(tmp_path):
    lines = [
        rpps_line("1", "10", "SM54", "L", "", "62523"),
        "8|2|82|M|NOM|PRENOM|60",  # truncated line: 7 fields instead of the header's
        rpps_line("3", "60", "", "L", "", "62523"),
    ]
    path = write_rpps(tmp_path, lines)
    with pytest.raises(DataFileError, match=r"line 3, field '\(line\)'.*fields as in the header"):
        read_rpps(path, communes=COMMUNES)
    staff, errors = read_rpps(path, communes=COMMUNES, lenient=True)
    assert errors.count == 1 and errors.bad_lines.tolist() == [3]
    assert errors.rows_read == 3
    assert sorted(staff["profession"]) == ["gp", "nurse"]


def test_rpps_undecodable_bytes_named_by_line(tmp_path):
    path = write_rpps(tmp_path, [rpps_line("1", "10", "SM54", "L", "", "62523")])
    with path.open("ab") as fh:  # 0x81 is undefined in both UTF-8 (alone) and Windows-1252
        fh.write(b"8|2|82|M|NOM\x81|PRENOM|60" + b"|" * (len(RPPS_HEADER) - 6) + b"\n")
    with pytest.raises(DataFileError, match=r"line 3: mixed encodings"):
        read_rpps(path, communes=COMMUNES)


def test_rpps_windows_1252_accepted(tmp_path):
    path = tmp_path / "ps.txt"
    header = "|".join(RPPS_HEADER) + "|\n"
    body = rpps_line("1", "10", "SM54", "L", "", "62523").replace("NOM", "LEFÈVRE") + "\n"
    path.write_bytes((header + body).encode("cp1252"))
    staff, _ = read_rpps(path, communes=COMMUNES)
    assert staff["headcount"].tolist() == [1]


def test_bpe_quoted_header_and_values(tmp_path):
    path = tmp_path / "bpe.csv"
    path.write_text('"DEPCOM";"TYPEQU";"NB_EQUIP"\n"62523";"D265";"3"\n', encoding="utf-8")
    counts, errors = read_bpe(path, communes=COMMUNES)
    assert counts.to_dict("records") == [{"commune": "62523", "profession": "gp", "count": 3.0}]
    assert errors.rows_read == 1


def test_import_records_lines_read_and_stored(tmp_path):
    lines = [rpps_line(str(i), "60", "", "L", "", "62523") for i in range(4)]
    with Store(tmp_path / "s.duckdb") as st:
        rep = import_file("rpps", write_rpps(tmp_path, lines), store=st)
        prov = stored_imports(st)
    # four nurses in one commune: 4 lines read, 1 aggregated staff row stored
    assert (rep.rows_read, rep.rows_stored) == (4, 1)
    assert prov[["rows_read", "rows_stored", "rows_skipped"]].iloc[0].tolist() == [4, 1, 0]


def test_edits_are_applied_logged_and_validated(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        import_file("finess", write_finess(tmp_path, good_finess_lines()), store=st)
        edit_site(st, "620000001", fte_changes=[parse_fte_change("gp=+1.5")])
        offer = load_offer(st)
        gp = offer.staff[(offer.staff["site_id"] == "620000001")]
        assert gp["fte"].sum() == 1.5 and gp["commune"].tolist() == ["62523"]
        with pytest.raises(InputError, match=r"would become -0\.5"):
            edit_site(st, "620000001", fte_changes=[("gp", -2.0)])
        closed = edit_site(st, "620000001", close=True)
        assert closed["status"] == "closed"
        with pytest.raises(InputError, match="is closed"):
            edit_site(st, "620000001", close=True)
        log = stored_edits(st)
    assert log["action"].tolist() == ["edit", "close"]
    assert '"gp": 1.5' in log["detail"].iloc[0]


@pytest.mark.parametrize("spec", ["gp", "surgeon=1", "gp=lots", "gp=nan", "gp=inf"])
def test_parse_fte_change_rejects(spec):
    with pytest.raises(InputError, match=r"expected PROFESSION=DELTA|expected a decimal number"):
        parse_fte_change(spec)


def test_rpps_line_numbers_count_blank_lines_and_crlf(tmp_path):
    good = rpps_line("1", "10", "SM54", "L", "", "62523")
    bad = rpps_line("2", "60", "", "L", "", "99999")  # unknown commune
    path = tmp_path / "ps.txt"
    text = "|".join(RPPS_HEADER) + "|\r\n" + good + "\r\n\r\n" + bad + "\r\n"
    path.write_bytes(text.encode("utf-8"))
    # physical line 4 (line 3 is blank), CRLF line endings
    with pytest.raises(DataFileError, match=r"line 4, field 'Code commune"):
        read_rpps(path, communes=COMMUNES)
    staff, errors = read_rpps(path, communes=COMMUNES, lenient=True)
    assert errors.bad_lines.tolist() == [4] and errors.rows_read == 2
    assert staff["headcount"].tolist() == [1]


@pytest.mark.parametrize("reader", [read_rpps, read_bpe])
def test_missing_file_is_a_data_file_error(tmp_path, reader):
    with pytest.raises(DataFileError, match="file not found"):
        reader(tmp_path / "none.txt", communes=COMMUNES)
