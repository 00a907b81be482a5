"""Importers on fixture files in the official layouts; every bad input; rollback; kill."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from proxisante.errors import DataFileError
from proxisante.offer.finess import read_finess
from proxisante.offer.importing import import_file, load_offer, stored_imports
from proxisante.offer.rpps import read_bpe, read_rpps
from proxisante.store import Store
from proxisante.territory import load_communes
from tests.offer.fixtures import (
    LOISON_L93,
    geoloc,
    good_finess_lines,
    rpps_line,
    structureet,
    write_finess,
    write_rpps,
)

COMMUNES = set(load_communes()["code_insee"])


def test_finess_parsed_joined_and_projected(tmp_path):
    sites, errors = read_finess(write_finess(tmp_path, good_finess_lines()), communes=COMMUNES)
    assert errors.count == 0 and len(sites) == 3
    s = sites.set_index("site_id")
    assert s.loc["620000001", "commune"] == "62523"
    assert s.loc["620000001", "operator"] == "filieris"  # EJ 750050759 = CANSSM Filieris
    assert s.loc["620000001", "category"] == "centre_de_sante"
    assert s.loc["620000002", "category"] == "ssiad"
    assert 50.40 < s.loc["620000001", "lat"] < 50.48 and 2.80 < s.loc["620000001", "lon"] < 2.92
    assert s.loc["9D0000003", "commune"] == "97411"
    assert -21.5 < s.loc["9D0000003", "lat"] < -20.8  # UTM 40S → Réunion


@pytest.mark.parametrize(
    ("mutate", "pattern"),
    [
        (lambda ls: [ls[0].replace("620000001", "62000001")], r"line 2, field 'nofinesset'"),
        (lambda ls: [ls[0], ls[0]], r"line 3, field 'nofinesset'.*not repeated"),
        (lambda ls: [ls[0].replace(";523;62;", ";999;62;")], r"field 'commune'"),
        (lambda ls: [ls[0], geoloc("620000001", 100.0, 100.0)], r"field 'coordxet,coordyet'"),
        (lambda ls: [ls[0], geoloc("620000001", *LOISON_L93, proj="MERCATOR")],
         r"field 'sourcecoordet'"),
        (lambda ls: ["unknownline;1;2"], r"field 'type'"),
    ],
)  # fmt: skip
def test_finess_bad_rows_name_line_and_field(tmp_path, mutate, pattern):
    path = write_finess(tmp_path, mutate(good_finess_lines()))
    with pytest.raises(DataFileError, match=pattern):
        read_finess(path, communes=COMMUNES)


def test_finess_wrong_separator_and_header(tmp_path):
    lines = [line.replace(";", ",") for line in good_finess_lines()]
    path = write_finess(tmp_path, lines, header="finess,etalab,95,2024-01-10")
    with pytest.raises(DataFileError, match=r"line 1.*','-separated"):
        read_finess(path, communes=COMMUNES)


def test_finess_latin1_accepted(tmp_path):
    path = tmp_path / "f.csv"
    text = "finess;etalab;95;2024\n" + structureet(
        "620000001", "620000099", "CENTRE MÉDICAL", "523", "62", "124", "Centre de Santé"
    )
    path.write_bytes(text.encode("latin-1"))
    sites, _ = read_finess(path, communes=COMMUNES)
    assert sites["name"].iloc[0] == "CENTRE MÉDICAL"


def test_lenient_skips_and_reports_each_row(tmp_path):
    lines = [*good_finess_lines(), structureet("12", "620000099", "X", "523", "62", "124", "C")]
    sites, errors = read_finess(write_finess(tmp_path, lines), communes=COMMUNES, lenient=True)
    assert len(sites) == 3 and errors.count == 1
    assert "line 8, field 'nofinesset'" in errors.summary()


def test_rpps_counts_by_site_commune_profession(tmp_path):
    lines = [
        rpps_line("10001", "10", "SM54", "L", "", "62523"),
        rpps_line("10002", "10", "SM54", "S", "620000001", "62523"),
        rpps_line("10002", "10", "SM54", "S", "620000001", "62523"),  # same person twice
        rpps_line("10003", "10", "SM26", "L", "", "62523"),  # not a GP (other specialty)
        rpps_line("20001", "60", "", "L", "", "62498"),
        rpps_line("20002", "70", "", "L", "", "62498"),
    ]
    staff, errors = read_rpps(write_rpps(tmp_path, lines), communes=COMMUNES)
    assert errors.count == 0
    got = {(r.site_id, r.profession, r.employment): r.headcount for r in staff.itertuples()}
    assert got == {
        ("commune:62523", "gp", "liberal"): 1,
        ("620000001", "gp", "salaried"): 1,
        ("commune:62498", "nurse", "liberal"): 1,
        ("commune:62498", "physiotherapist", "liberal"): 1,
    }


def test_rpps_bad_inputs(tmp_path):
    bad = write_rpps(tmp_path, [rpps_line("1", "10", "SM54", "L", "", "99999")])
    with pytest.raises(DataFileError, match=r"line 2, field 'Code commune \(coord. structure\)'"):
        read_rpps(bad, communes=COMMUNES)
    semi = tmp_path / "semi.txt"
    semi.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"not '\|'-separated"):
        read_rpps(semi, communes=COMMUNES)
    missing = tmp_path / "m.txt"
    missing.write_text("Identifiant PP|Code profession\n1|10\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="missing column"):
        read_rpps(missing, communes=COMMUNES)


def test_bpe(tmp_path):
    p = tmp_path / "bpe23_ensemble.csv"
    p.write_text(
        "AN;REG;DEP;DEPCOM;DCIRIS;TYPEQU;NB_EQUIP\n2023;32;62;62523;62523;D265;4\n"
        "2023;32;62;62523;62523;D281;9\n2023;32;62;62523;62523;A101;1\n2023;32;62;62498;62498;D201;2\n",
        encoding="utf-8",
    )
    counts, _ = read_bpe(p, communes=COMMUNES)
    got = {(r.commune, r.profession): r.count for r in counts.itertuples()}
    assert got == {("62523", "gp"): 4, ("62523", "nurse"): 9, ("62498", "gp"): 2}
    p.write_text("DEPCOM;TYPEQU;NB_EQUIP\n62523;D265;-1\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"line 2, field 'NB_EQUIP'"):
        read_bpe(p, communes=COMMUNES)


def _snapshot(path) -> tuple:
    with Store(path) as st:
        return (
            st.con.execute("SELECT * FROM sites ORDER BY site_id").fetchall(),
            st.con.execute("SELECT count(*) FROM staff").fetchall(),
            st.con.execute("SELECT kind, file_name, rows_stored FROM imports").fetchall(),
        )


def test_import_provenance_and_rollback(tmp_path):
    db = tmp_path / "store.duckdb"
    good = write_finess(tmp_path, good_finess_lines())
    with Store(db) as st:
        rep = import_file("finess", good, store=st)
        assert rep.rows_stored == 3
        prov = stored_imports(st)
        assert prov["file_name"].tolist() == [good.name] and len(prov["sha256"].iloc[0]) == 64
        offer = load_offer(st)
        assert "620000001" in set(offer.sites["site_id"])
    before = _snapshot(db)
    bad = write_finess(tmp_path, [*good_finess_lines(), "structureet;bad"], name="bad.csv")
    with Store(db) as st, pytest.raises(DataFileError):
        import_file("finess", bad, store=st)
    assert _snapshot(db) == before


PAUSING_IMPORT = """
import sys, time
from proxisante.offer import importing
insert_rows = importing.insert_rows
def pausing(*args, **kwargs):
    insert_rows(*args, **kwargs)
    sys.stderr.write("paused inside the import transaction\\n")
    sys.stderr.flush()
    time.sleep(30)
importing.insert_rows = pausing
from proxisante.cli import main
main({args!r})
"""


def test_killed_import_leaves_store_unchanged(tmp_path):
    db = tmp_path / "store.duckdb"
    first = write_finess(tmp_path, good_finess_lines()[:1])
    with Store(db) as st:
        import_file("finess", first, store=st)
    before = _snapshot(db)
    second = write_finess(tmp_path, good_finess_lines(), name="second.csv")
    # the import's rows are inserted, then the process pauses inside the transaction: the
    # module's insert_rows is wrapped in the child process (no hook in the production code)
    script = PAUSING_IMPORT.format(args=["offer", "import", "finess", str(second), "--store",
                                         str(db)])  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    # wait until the process says it is inside the transaction (rows inserted, pausing)
    line = proc.stderr.readline().decode()
    assert "paused inside the import transaction" in line, line
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _snapshot(db) == before  # readable and unchanged
