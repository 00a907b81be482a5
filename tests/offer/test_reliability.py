"""Regression tests of the importer defects found by the fuzz campaign (issue 16, items 3–7, 9).

Minimal inputs are in ``tests/data/repro`` (PROVENANCE.md there says what each did before).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from proxisante.errors import DataFileError, InputError
from proxisante.offer.edits import edit_site, stored_edits
from proxisante.offer.importing import import_file, load_offer, load_population_by_age
from proxisante.store import Store
from tests.offer.fixtures import (
    LOISON_L93,
    geoloc,
    good_finess_lines,
    rpps_line,
    write_finess,
    write_rpps,
)

REPRO = Path(__file__).parents[1] / "data" / "repro"
POP_HEADER = "NIVGEO;CODGEO;LIBGEO;SEXE;AGED100;NB\n"


def _repro(tmp_path: Path, name: str) -> Path:
    return Path(shutil.copy(REPRO / name, tmp_path / name))


def _tables(db: Path) -> dict[str, list]:
    with Store(db) as st:
        return {
            t: st.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("sites", "staff", "bpe_counts", "population_by_age", "imports", "edits")
        }


def _bpe(tmp_path: Path, rows: list[str], name: str = "bpe.csv", eol: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes(("DEPCOM;TYPEQU;NB_EQUIP" + eol + eol.join(rows) + eol).encode())
    return path


def _pop(tmp_path: Path, rows: list[str], name: str = "pop.csv") -> Path:
    path = tmp_path / name
    path.write_text(POP_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


# -- item 3: empty imports never delete ------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "empty"), [("rpps", "rpps_header_only.txt"), ("bpe", "bpe_header_only.csv")]
)
def test_header_only_import_refused_and_earlier_import_kept(tmp_path, kind, empty):
    db = tmp_path / "s.duckdb"
    if kind == "rpps":
        good = write_rpps(tmp_path, [rpps_line("1", "10", "SM54", "L", "", "62523")])
    else:
        good = _bpe(tmp_path, ["62523;D265;4"])
    with Store(db) as st:
        import_file(kind, good, store=st)
    before = _tables(db)
    with (
        Store(db) as st,
        pytest.raises(DataFileError, match=r"no row to import.*replace-with-empty"),
    ):
        import_file(kind, _repro(tmp_path, empty), store=st)
    assert _tables(db) == before
    with Store(db) as st:  # explicit: the earlier import is replaced with nothing
        rep = import_file(kind, _repro(tmp_path, empty), store=st, replace_with_empty=True)
    assert rep.rows_stored == 0 and rep.rows_replaced == 1
    table = "staff" if kind == "rpps" else "bpe_counts"
    assert _tables(db)[table] == []


def test_lenient_import_with_every_line_bad_is_an_empty_import(tmp_path):
    db = tmp_path / "s.duckdb"
    with Store(db) as st:
        import_file("bpe", _bpe(tmp_path, ["62523;D265;4"]), store=st)
        with pytest.raises(DataFileError, match=r"no row to import \(1 data line.*1 skipped"):
            import_file("bpe", _bpe(tmp_path, ["99999;D265;4"], "b2.csv"), store=st, lenient=True)
        assert st.con.execute("SELECT count(*) FROM bpe_counts").fetchall() == [(1,)]


# -- item 3: re-import semantics ------------------------------------------------------------


def test_finess_reimport_keeps_logged_closure_and_places(tmp_path):
    db = tmp_path / "s.duckdb"
    path = write_finess(tmp_path, good_finess_lines())
    with Store(db) as st:
        import_file("finess", path, store=st)
        edit_site(st, "620000002", close=True, capacity_places=40)
        rep = import_file("finess", path, store=st)
        assert rep.rows_replaced == 3 and rep.edits_reapplied == 1
        site = load_offer(st).site("620000002")
        assert site["status"] == "closed" and site["capacity_places"] == 40
        other = load_offer(st).site("620000001")  # not edited: as in the file
        assert other["status"] == "open"


def test_finess_reimport_replaces_by_site_id_and_keeps_other_sites(tmp_path):
    db = tmp_path / "s.duckdb"
    lines = good_finess_lines()
    with Store(db) as st:
        import_file("finess", write_finess(tmp_path, lines), store=st)
        renamed = [lines[0].replace("CDS FILIERIS LOISON", "CDS RENOMME"), lines[3]]
        import_file("finess", write_finess(tmp_path, renamed, name="one.csv"), store=st)
        sites = st.con.execute("SELECT site_id, name FROM sites ORDER BY site_id").fetchall()
    assert sites == [
        ("620000001", "CDS RENOMME"),
        ("620000002", "SSIAD DU LENSOIS"),
        ("9D0000003", "EHPAD DE SAINT-DENIS"),
    ]


def test_rpps_reimport_replaces_earlier_rpps_and_keeps_fte_edits(tmp_path):
    db = tmp_path / "s.duckdb"
    three = [rpps_line(str(i), "10", "SM54", "L", "620000001", "62523") for i in range(3)]
    with Store(db) as st:
        import_file("finess", write_finess(tmp_path, good_finess_lines()), store=st)
        import_file("rpps", write_rpps(tmp_path, three), store=st)
        edit_site(st, "620000001", fte_changes=[("gp", -2.0)])
        two = write_rpps(tmp_path, three[:2], name="two.txt")
        rep = import_file("rpps", two, store=st)  # two GPs minus the logged 2: 0 is allowed
        assert rep.rows_replaced == 1
        staff = st.con.execute(
            "SELECT source, headcount, fte FROM staff ORDER BY source"
        ).fetchall()
        assert staff == [("offer edit", None, -2.0), ("two.txt", 2, None)]
        before = _tables(db)
        one = write_rpps(tmp_path, three[:1], name="one.txt")
        with pytest.raises(InputError, match=r"edit\(s\) \[1\] of site '620000001'.*-1 gp FTE"):
            import_file("rpps", one, store=st)
    assert _tables(db) == before


# -- item 3/4: duplicates -------------------------------------------------------------------


def test_pop_age_duplicate_key_refused_naming_both_lines(tmp_path):
    with (
        Store(tmp_path / "s.duckdb") as st,
        pytest.raises(
            DataFileError, match=r"pop_dup.csv, line 3, field 'CODGEO'.*line 2 has the same"
        ),
    ):
        import_file("pop-age", _repro(tmp_path, "pop_dup.csv"), store=st)


def test_pop_age_file_holding_its_data_twice_refused(tmp_path):
    rows = ["COM;62523;Loison;1;010;100", "COM;62523;Loison;2;010;90"]
    with Store(tmp_path / "s.duckdb") as st, pytest.raises(DataFileError, match="line 4"):
        import_file("pop-age", _pop(tmp_path, rows + rows), store=st)


def test_bpe_duplicate_lines_refused_and_iris_lines_summed(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        twice = _bpe(tmp_path, ["62523;D265;4", "62498;D281;2", "62523;D265;4"])
        with pytest.raises(DataFileError, match=r"line 4, field 'DEPCOM,TYPEQU'.*line 2"):
            import_file("bpe", twice, store=st)
        iris = tmp_path / "iris.csv"  # one line per IRIS: summed per commune
        iris.write_text("DEPCOM;DCIRIS;TYPEQU;NB_EQUIP\n62523;62523_0001;D265;4\n"
                        "62523;62523_0002;D265;3\n", encoding="utf-8")  # fmt: skip
        import_file("bpe", iris, store=st)
        assert st.con.execute("SELECT commune, count FROM bpe_counts").fetchall() == [
            ("62523", 7.0)
        ]


def test_rpps_repeated_line_counts_one_professional(tmp_path):
    line = rpps_line("1", "10", "SM54", "L", "", "62523")
    with Store(tmp_path / "s.duckdb") as st:
        import_file("rpps", write_rpps(tmp_path, [line, line]), store=st)
        assert st.con.execute("SELECT headcount FROM staff").fetchall() == [(1,)]


# -- item 4: wrong data accepted ------------------------------------------------------------


def test_rpps_pipe_in_name_refused_and_skipped_under_lenient(tmp_path):
    path = _repro(tmp_path, "pipe_name.txt")
    with Store(tmp_path / "s.duckdb") as st:
        with pytest.raises(DataFileError, match=r"line 3, field '\(line\)'.*17 .*got 18"):
            import_file("rpps", path, store=st)
        rep = import_file("rpps", path, store=st, lenient=True)
        assert (rep.rows_stored, rep.rows_skipped) == (1, 1)
        assert "line 3" in rep.skipped_summary


def test_bpe_extra_empty_field_refused(tmp_path):
    with Store(tmp_path / "s.duckdb") as st, pytest.raises(DataFileError, match="line 3"):
        import_file("bpe", _bpe(tmp_path, ["62523;D265;4", "62498;D281;2;"]), store=st)


@pytest.mark.parametrize("value", ["inf", "1e400", "1e308", "-1", "nan", "2.5", "1" * 5000])
def test_bpe_count_must_be_a_bounded_whole_number(tmp_path, value):
    with (
        Store(tmp_path / "s.duckdb") as st,
        pytest.raises(DataFileError, match=r"line 2, field 'NB_EQUIP'.*whole count") as exc,
    ):
        import_file("bpe", _bpe(tmp_path, [f"62523;D265;{value}"]), store=st)
    assert len(str(exc.value)) < 400


def test_bpe_repro_inf_refused(tmp_path):
    with (
        Store(tmp_path / "s.duckdb") as st,
        pytest.raises(DataFileError, match=r"line 2.*NB_EQUIP"),
    ):
        import_file("bpe", _repro(tmp_path, "b_inf.csv"), store=st)


@pytest.mark.parametrize("value", ["1e308", "inf", "1e400", "-1", "nan"])
def test_pop_age_count_bounded(tmp_path, value):
    rows = [f"COM;62523;Loison;1;010;{value}"]
    with Store(tmp_path / "s.duckdb") as st, pytest.raises(DataFileError, match="field 'NB'"):
        import_file("pop-age", _pop(tmp_path, rows), store=st)


def test_pop_age_unbalanced_quote_cannot_swallow_lines(tmp_path):
    """Quotes are not interpreted: each line is one row, a stray quote is just a character."""
    ages = [f"COM;62523;Loison;1;0{a};100" for a in range(11, 16)]
    rows = ['COM;62523;"Loison;1;010;100', *ages]
    with Store(tmp_path / "s.duckdb") as st:
        rep = import_file("pop-age", _pop(tmp_path, rows), store=st)
        assert rep.rows_read == 6
        pop = load_population_by_age(st)
        assert (pop.loc["62523", "10-14"], pop.loc["62523", "15-19"]) == (500.0, 100.0)
        quoted = ['COM;"62523";"Loison";"1";"010";"100"', *ages[:1]]  # quoted values: unquoted
        import_file("pop-age", _pop(tmp_path, quoted, "q.csv"), store=st)
        assert load_population_by_age(st).loc["62523", "10-14"] == 200.0


def test_finess_mixed_encoding_refused_naming_the_latin1_line(tmp_path):
    path = write_finess(tmp_path, good_finess_lines())
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"SSIAD DU LENSOIS", "SSIAD DU LENSOIS \xe9T\xe9".encode("latin-1"))
    path.write_bytes(b"\n".join(lines))
    with (
        Store(tmp_path / "s.duckdb") as st,
        pytest.raises(DataFileError, match=r"line 3: mixed encodings: line 2 is UTF-8"),
    ):
        import_file("finess", path, store=st)


def test_finess_geolocalisation_with_extra_field_refused_naming_its_line(tmp_path):
    lines = good_finess_lines()
    lines[3] = lines[3] + ";extra"
    with Store(tmp_path / "s.duckdb") as st:
        with pytest.raises(DataFileError, match=r"line 5, field '\(line\)'.*6 \(geolocalisation\)"):
            import_file("finess", write_finess(tmp_path, lines), store=st)
        rep = import_file("finess", write_finess(tmp_path, lines), store=st, lenient=True)
        # never stored without its coordinates: the site is skipped with its geolocalisation
        assert (rep.rows_stored, rep.rows_skipped) == (2, 2)
        assert "line 2, field 'geolocalisation'" in rep.skipped_summary
        assert "line 5, field '(line)'" in rep.skipped_summary


@pytest.mark.parametrize("n_fields", [30, 31, 33])
def test_finess_structureet_with_wrong_field_count_refused(tmp_path, n_fields):
    fields = good_finess_lines()[0].split(";")
    line = ";".join((fields + [""] * 5)[:n_fields])
    with Store(tmp_path / "s.duckdb") as st, pytest.raises(DataFileError, match="line 2"):
        import_file("finess", write_finess(tmp_path, [line]), store=st)


def test_finess_bad_coordinates_refused_not_stored_without_them(tmp_path):
    lines = [good_finess_lines()[0], geoloc("620000001", "inf", LOISON_L93[1])]
    with (
        Store(tmp_path / "s.duckdb") as st,
        pytest.raises(DataFileError, match=r"line 3, field 'coordxet,coordyet'"),
    ):
        import_file("finess", write_finess(tmp_path, lines), store=st)


def test_finess_duplicate_and_orphan_geolocalisation_refused(tmp_path):
    lines = good_finess_lines()
    with Store(tmp_path / "s.duckdb") as st:
        with pytest.raises(DataFileError, match=r"line 8, field 'nofinesset'.*one geolocalisation"):
            import_file("finess", write_finess(tmp_path, [*lines, lines[3]]), store=st)
        orphan = geoloc("620000009", *LOISON_L93)
        with pytest.raises(DataFileError, match=r"line 8, field 'nofinesset'.*structureet"):
            import_file("finess", write_finess(tmp_path, [*lines, orphan], name="o.csv"), store=st)


# -- item 4/5: encodings and line endings ---------------------------------------------------


def test_finess_utf8_bom_accepted(tmp_path):
    path = write_finess(tmp_path, good_finess_lines())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with Store(tmp_path / "s.duckdb") as st:
        assert import_file("finess", path, store=st).rows_stored == 3
        assert load_offer(st).site("620000002")["category_label"].startswith("Service de Soins")


@pytest.mark.parametrize("kind", ["rpps", "bpe", "pop-age"])
def test_bom_accepted_by_every_importer(tmp_path, kind):
    if kind == "rpps":
        path = write_rpps(tmp_path, [rpps_line("1", "10", "SM54", "L", "", "62523")])
    elif kind == "bpe":
        path = _bpe(tmp_path, ["62523;D265;4"])
    else:
        path = _pop(tmp_path, ["COM;62523;Loison;1;010;100"])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with Store(tmp_path / "s.duckdb") as st:
        assert import_file(kind, path, store=st).rows_stored >= 1


def test_cp1252_rpps_and_bpe_accepted(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        rep = import_file("bpe", _repro(tmp_path, "bpe_cp1252.csv"), store=st)
        assert rep.rows_stored == 2
        rep = import_file("rpps", _repro(tmp_path, "rpps_cp1252.txt"), store=st)
        assert rep.rows_stored == 1
        rep = import_file("rpps", _repro(tmp_path, "rpps_latin1.txt"), store=st)
        assert rep.rows_stored == 1


def test_mixed_crlf_lf_read_like_lf(tmp_path):
    with Store(tmp_path / "a.duckdb") as st:
        import_file("bpe", _repro(tmp_path, "bpe_mixed_eol.csv"), store=st)
        mixed = st.con.execute("SELECT commune, profession, count FROM bpe_counts ORDER BY ALL")
        mixed = mixed.fetchall()
    lf = tmp_path / "lf.csv"
    lf.write_bytes((REPRO / "bpe_mixed_eol.csv").read_bytes().replace(b"\r\n", b"\n"))
    with Store(tmp_path / "b.duckdb") as st:
        import_file("bpe", lf, store=st)
        assert (
            st.con.execute(
                "SELECT commune, profession, count FROM bpe_counts ORDER BY ALL"
            ).fetchall()
            == mixed
        )
    assert len(mixed) == 3  # every line read, CRLF or LF


def test_lone_carriage_return_and_nul_byte_refused_naming_line(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        path = _bpe(tmp_path, ["62523;D265;4", "62498;D281;2\r62498;D265;1"])
        with pytest.raises(DataFileError, match=r"line 3: carriage return"):
            import_file("bpe", path, store=st)
        path = _bpe(tmp_path, ["62523;D265;4", "62498;D281;\x002"], "nul.csv")
        with pytest.raises(DataFileError, match=r"line 3: NUL byte"):
            import_file("bpe", path, store=st)


def test_duckdb_internals_never_in_messages(tmp_path):
    path = _repro(tmp_path, "bpe_mixed_eol.csv")
    path.write_bytes(path.read_bytes() + b"62523;D265\r\n")
    with Store(tmp_path / "s.duckdb") as st, pytest.raises(DataFileError) as exc:
        import_file("bpe", path, store=st)
    assert "line 5" in str(exc.value)
    assert "strict_mode" not in str(exc.value) and "Invalid Input" not in str(exc.value)


# -- item 5: line numbers, long values, names -----------------------------------------------


def test_pop_age_line_number_after_blank_line(tmp_path):
    with (
        Store(tmp_path / "s.duckdb") as st,
        pytest.raises(DataFileError, match=r"pop_blank.csv, line 4, field 'NB'"),
    ):
        import_file("pop-age", _repro(tmp_path, "pop_blank.csv"), store=st)


def test_finess_line_number_after_blank_line(tmp_path):
    lines = good_finess_lines()
    bad = lines[1].replace(";498;", ";999;")
    path = write_finess(tmp_path, [lines[0], "", "", bad])
    with (
        Store(tmp_path / "s.duckdb") as st,
        pytest.raises(DataFileError, match=r"line 5, field 'commune'"),
    ):
        import_file("finess", path, store=st)


def test_finess_geolocalisation_error_names_its_own_line(tmp_path):
    with (
        Store(tmp_path / "s.duckdb") as st,
        pytest.raises(DataFileError, match=r"finess_geo.csv, line 3, field 'sourcecoordet'"),
    ):
        import_file("finess", _repro(tmp_path, "finess_geo.csv"), store=st)


def test_truncated_finess_refused(tmp_path):
    with (
        Store(tmp_path / "s.duckdb") as st,
        pytest.raises(DataFileError, match=r"f_trunc.csv, line 2, field '\(line\)'"),
    ):
        import_file("finess", _repro(tmp_path, "f_trunc.csv"), store=st)


def test_long_values_are_cut_in_messages(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        with pytest.raises(DataFileError, match=r"CODGEO.*5,002 characters") as exc:
            import_file("pop-age", _repro(tmp_path, "pop_hugecode.csv"), store=st)
        assert len(str(exc.value)) < 400
        big = tmp_path / "big.txt"  # a 60 KB first line that is not the RPPS header
        big.write_text("x" * 60_000 + "\n1\n", encoding="utf-8")
        with pytest.raises(DataFileError, match=r"not '\|'-separated") as exc:
            import_file("rpps", big, store=st)
        assert len(str(exc.value)) < 400


def test_display_name_replaces_the_temporary_path(tmp_path):
    path = _repro(tmp_path, "finess_geo.csv")
    with Store(tmp_path / "s.duckdb") as st, pytest.raises(DataFileError) as exc:
        import_file("finess", path, store=st, display_name="upload.csv")
    assert str(exc.value).startswith("upload.csv, line 3") and str(tmp_path) not in str(exc.value)


# -- item 6/7: bounded resources, huge codes ------------------------------------------------


def test_line_too_long_refused_without_reading_the_file(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.write(b"DEPCOM;TYPEQU;NB_EQUIP\n62523;D265;4\n62523;D265;" + b"1" * 200_000 + b"\n")
    with (
        Store(tmp_path / "s.duckdb") as st,
        pytest.raises(DataFileError, match=r"line 3: line longer than 65,536 bytes"),
    ):
        import_file("bpe", path, store=st)


@pytest.mark.parametrize("kind", ["rpps", "bpe", "pop-age", "finess"])
def test_too_many_header_columns_refused(tmp_path, kind):
    sep = "|" if kind == "rpps" else ";"
    path = tmp_path / "wide.txt"
    head = "finess;etalab;" if kind == "finess" else ""
    path.write_text(head + sep.join(f"c{i}" for i in range(5000)) + "\n1\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as st, pytest.raises(DataFileError, match="line 1"):
        import_file(kind, path, store=st)


def test_huge_commune_code_in_pop_age_is_a_message_not_an_internal_error(tmp_path):
    rows = ["COM;" + "6" * 5000 + ";X;1;010;1"]
    with Store(tmp_path / "s.duckdb") as st, pytest.raises(DataFileError, match="CODGEO"):
        import_file("pop-age", _pop(tmp_path, rows), store=st)


def test_unknown_commune_suggestions_for_a_huge_code():
    from proxisante.errors import UnknownCommuneError
    from proxisante.territory.selection import check_commune_codes

    with pytest.raises(UnknownCommuneError) as exc:
        check_commune_codes(["62" + "1" * 5000])
    assert len(str(exc.value)) < 400


# -- item 9: offer edit ---------------------------------------------------------------------


def test_repeated_fte_changes_add_up(tmp_path):
    db = tmp_path / "s.duckdb"
    two = [rpps_line(str(i), "10", "SM54", "L", "620000001", "62523") for i in range(2)]
    with Store(db) as st:
        import_file("finess", write_finess(tmp_path, good_finess_lines()), store=st)
        import_file("rpps", write_rpps(tmp_path, two), store=st)
        before = _tables(db)
        with pytest.raises(InputError, match=r"gp FTE at '620000001' would become -2 \(now 2\)"):
            edit_site(st, "620000001", fte_changes=[("gp", -2.0), ("gp", -2.0)])
        assert _tables(db) == before
        edit_site(st, "620000001", fte_changes=[("gp", 1.0), ("gp", 0.5)])
        log = stored_edits(st)
        assert json.loads(log["detail"].iloc[-1])["fte"] == {"gp": 1.5}
        fte = st.con.execute("SELECT fte FROM staff WHERE source = 'offer edit'").fetchall()
        assert fte == [(1.5,)]


@pytest.mark.parametrize("extra", ['A"B', "line", "", "LINE", "_col0"])
def test_odd_header_names_never_an_internal_error(tmp_path, extra):
    path = tmp_path / "odd.csv"
    path.write_text(f"DEPCOM;{extra};TYPEQU;NB_EQUIP\n62523;x;D265;4\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as st:
        try:
            rep = import_file("bpe", path, store=st)
        except DataFileError as exc:
            assert "line 1" in str(exc)
        else:
            assert rep.rows_stored == 1


def test_file_over_one_gib_refused_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # sparse: no disk space used
        fh.truncate((1 << 30) + 1)
    with (
        Store(tmp_path / "s.duckdb") as st,
        pytest.raises(
            DataFileError, match=r"huge.csv: file is 1.00 GiB; at most 1 GiB is accepted"
        ),
    ):
        import_file("bpe", path, store=st)


# -- markup in imported names and scenario texts ---------------------------------------------


@pytest.mark.slow
def test_markup_in_imported_names_and_scenario_texts_is_escaped_in_the_report(tmp_path):
    """``xss_finess.csv`` (a site named ``<script>…``) imported, then ``xss_scen.yaml``
    (markup in its description, a note and an operator name; it closes that site) run with
    a report: every one is shown as text, never as markup."""
    from typer.testing import CliRunner

    from proxisante.cli import app

    db, out = tmp_path / "s.duckdb", tmp_path / "rapport.html"
    runner = CliRunner()
    res = runner.invoke(app, ["offer", "import", "finess", str(_repro(tmp_path, "xss_finess.csv")),
                              "--store", str(db)])  # fmt: skip
    assert res.exit_code == 0, res.output
    scenario = _repro(tmp_path, "xss_scen.yaml")
    res = runner.invoke(app, ["scenario", "run", str(scenario), "--territory", "62523",
                              "--report", str(out), "--store", str(db)])  # fmt: skip
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    for raw in ("<script>alert(", "<img src=x", "<b onmouseover", "</script><script>"):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the closed site's name, as text
    assert "&lt;img src=x onerror=alert(2)&gt;" in html  # the operator taking over, as text


def test_threads_opening_a_new_store_at_once_all_get_the_schema(tmp_path):
    """A web server's warm-up and its first request open a new store file at the same time:
    both must find the schema (was: a DuckDB catalog write-write conflict, HTTP 500)."""
    import threading

    for trial in range(3):
        path = tmp_path / f"new{trial}.duckdb"
        start, errors, versions = threading.Barrier(6), [], []

        def open_store(path=path, start=start, errors=errors, versions=versions):
            start.wait()
            try:
                with Store(path) as st:
                    versions.append(st.schema_version())
            except Exception as exc:  # collected: the test names the failure
                errors.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=open_store) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len(set(versions)) == 1 and len(versions) == 6
