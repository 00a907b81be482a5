"""Regression tests of the importer paths made fast for the fuzz campaign's large files
(50,000 FINESS sites, 200,000 RPPS or POP1B lines took 12–38 s per file under load).

Each vectorised path replaced a per-value Python step; these tests pin that it gives the
same result as the step it replaced, and that refusals still name file, line and field.
Small inputs: behaviour, not time (the campaign, ``make fuzz``, measures the time).
"""

from __future__ import annotations

import re
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proxisante.errors import DataFileError
from proxisante.offer.finess import _collapse_whitespace, read_finess
from proxisante.offer.importing import import_file, known_communes
from proxisante.offer.model import SITE_SCHEMA, conform
from proxisante.offer.rpps import read_rpps
from proxisante.offer.validation import isin_known, text_to_float
from proxisante.store import Store
from proxisante.territory import read_insee_pop_by_age
from tests.offer.fixtures import (
    LOISON_L93,
    geoloc,
    good_finess_lines,
    rpps_line,
    structureet,
    write_finess,
    write_rpps,
)

COMMUNES = known_communes()
POP_HEADER = "NIVGEO;CODGEO;LIBGEO;SEXE;AGED100;NB\n"

# -- numbers written as text ---------------------------------------------------------------

_SPELLINGS = ["1", "2.5", "-0", "+3", "1.", ".5", "1e5", "1E-3", "00012", "1e400", "-1e400",
              "inf", "-Infinity", "nan", "NaN", "", " 1", "1 ", "1_000", "0x10", "１２", "1d5",
              "abc", "1,5", "--1", "1e", "e5"]  # fmt: skip


@pytest.mark.parametrize("dtype", ["str", object])
def test_text_to_float_matches_pandas_to_numeric(dtype):
    values = pd.Series(_SPELLINGS, dtype=dtype)
    got = text_to_float(values)
    want = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float) + 0.0
    np.testing.assert_array_equal(got, want)  # NaN == NaN here
    assert not np.signbit(got[_SPELLINGS.index("-0")])  # -0 is stored as 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789+-.eE ,_xinfa", max_size=12), max_size=20))
def test_text_to_float_matches_pandas_on_any_mix(values):
    """A column where one value is not a plain number (fall-back path) or where all are
    (pyarrow path): the same floats as pandas either way."""
    series = pd.Series(values, dtype="str")
    want = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float) + 0.0
    np.testing.assert_array_equal(text_to_float(series), want)


def test_text_to_float_longer_values_are_not_numbers():
    got = text_to_float(pd.Series(["1" * 21, "12", None], dtype="str"), max_chars=20)
    np.testing.assert_array_equal(got, [np.nan, 12.0, np.nan])


# -- text helpers ---------------------------------------------------------------------------


def test_collapse_whitespace_is_re_sub_of_every_unicode_space():
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))]
    values = pd.Series([f" a{s}{s}b{s} " for s in spaces] + ["", "x"], dtype="str")
    got = _collapse_whitespace(values)
    assert got.tolist() == [re.sub(r"\s+", " ", v) for v in values]


def test_isin_known_on_arrow_text_object_and_missing():
    known = frozenset({"62523", "62510"})
    for dtype in ("str", object):
        values = pd.Series(["62523", None, "99999", "62510", "62523"], dtype=dtype)
        assert isin_known(values, known).tolist() == [True, False, False, True, True]
    assert isin_known(np.array(["62510", "x"], dtype=object), known).tolist() == [True, False]


def test_conform_keeps_text_columns_already_typed_and_their_missing_values():
    df = pd.DataFrame({"site_id": pd.Series(["a", "b"], dtype="str", index=[7, 9]),
                       "name": pd.Series(["x", None], dtype="str", index=[7, 9]),
                       "commune": ["62523", "62510"], "status": "open",
                       "lat": [50.4, np.nan]})  # fmt: skip
    out = conform(df, SITE_SCHEMA, what="sites")
    assert out.index.tolist() == [0, 1]
    assert out["site_id"].tolist() == ["a", "b"]
    assert out["name"].iloc[0] == "x" and pd.isna(out["name"].iloc[1])
    assert out["name"].dtype == out["commune"].dtype  # same dtype by either path
    assert out["lat"].iloc[0] == 50.4 and np.isnan(out["lat"].iloc[1])


# -- FINESS ---------------------------------------------------------------------------------


def test_finess_address_whitespace_and_projection_from_the_comma_list(tmp_path):
    line = structureet(
        "620000001",
        "750050759",
        "CDS",
        "523",
        "62",
        "124",
        "Centre de Santé",
        numvoie="12",
        typvoie="RUE\t",
        voie="DU\u00a0 MARAIS ",
    )
    geo = geoloc("620000001", *LOISON_L93).replace(",LAMBERT_93;", ", LAMBERT_93 ;")
    path = write_finess(tmp_path, [line, geo])
    sites, _ = read_finess(path, communes=COMMUNES)
    assert sites["address"].iloc[0].startswith("12 RUE DU MARAIS")
    assert np.isfinite(sites["lat"].iloc[0])  # ' LAMBERT_93 ' read as the projection
    assert sites["site_id"].tolist() == ["620000001"]


def test_finess_orphan_geolocalisation_refused_naming_its_line(tmp_path):
    lines = [*good_finess_lines(), geoloc("629999999", *LOISON_L93)]
    path = write_finess(tmp_path, lines)
    with pytest.raises(DataFileError, match=rf"line {len(lines) + 1}, field 'nofinesset'"):
        read_finess(path, communes=COMMUNES)


def test_finess_many_sites_all_stored_with_coordinates(tmp_path):
    """A larger file (the campaign's large-file case, scaled down) stores every site."""
    base = good_finess_lines()
    extra = []
    for j in range(300):
        site = f"64{j:07d}"
        extra += [base[0].replace("620000001", site), geoloc(site, *LOISON_L93)]
    path = write_finess(tmp_path, [*base, *extra])
    with Store(tmp_path / "s.duckdb") as store:
        rep = import_file("finess", path, store=store)
        stored = store.con.execute(
            "SELECT count(*), count(lat) FROM sites WHERE site_id LIKE '64%'"
        ).fetchall()[0]
    assert rep.rows_stored == len(read_finess(path, communes=COMMUNES)[0])
    assert stored == (300, 300)


# -- RPPS -----------------------------------------------------------------------------------


def test_rpps_only_modelled_professions_are_validated_and_counted(tmp_path):
    """Pharmacists' lines (not modelled) are read and left out before validation: a bad
    commune there is not an error; on a nurse's line it is, naming the line."""
    rows = [rpps_line("1", "10", "SM54", "L", "620000001", "62523"),
            rpps_line("2", "21", "", "L", "", "99999"),  # pharmacist, unknown commune
            rpps_line("3", "60", "", "S", "", "62510")]  # fmt: skip
    staff, errors = read_rpps(write_rpps(tmp_path, rows), communes=COMMUNES)
    assert errors.rows_read == 3 and errors.count == 0
    assert sorted(staff["profession"]) == ["gp", "nurse"]
    rows[2] = rpps_line("3", "60", "", "S", "", "99999")
    with pytest.raises(DataFileError, match=r"line 4, field 'Code commune \(coord. structure\)'"):
        read_rpps(write_rpps(tmp_path, rows), communes=COMMUNES)


def test_rpps_extra_field_still_refused_when_only_some_columns_are_read(tmp_path):
    rows = [rpps_line("1", "10", "SM54", "L", "620000001", "62523"),
            rpps_line("2", "60", "", "L", "", "62510").replace("|62510|", "|62510|x|")]  # fmt: skip
    with pytest.raises(DataFileError, match=r"line 3, field '\(line\)'"):
        read_rpps(write_rpps(tmp_path, rows), communes=COMMUNES)


# -- INSEE POP1B ----------------------------------------------------------------------------


def _pop(tmp_path, rows: list[str]):
    path = tmp_path / "pop.csv"
    path.write_text(POP_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_pop_age_bands_summed_per_commune_by_hand(tmp_path):
    rows = ["COM;62523;L;1;000;1.5", "COM;62523;L;2;004;2", "COM;62523;L;1;005;3",
            "COM;62510;V;2;100;4", "COM;62510;V;1;090;0.25", "COM;62523;L;2;089;7"]  # fmt: skip
    wide = read_insee_pop_by_age(_pop(tmp_path, rows))
    assert wide.index.tolist() == ["62510", "62523"] and wide.index.name == "code_insee"
    assert wide.loc["62523", "0-4"] == 3.5 and wide.loc["62523", "5-9"] == 3.0
    assert wide.loc["62523", "85-89"] == 7.0 and wide.loc["62510", "90+"] == 4.25
    assert wide.to_numpy().sum() == 17.75 and wide.shape == (2, 19)
    assert wide.attrs["rows_read"] == 6


def test_pop_age_duplicate_after_other_keys_names_both_lines(tmp_path):
    """Duplicates are found on one integer per (commune, sex, age): same sex and age in
    another commune, or another sex, is not a duplicate."""
    rows = ["COM;62523;L;1;045;1", "COM;62510;V;1;045;1", "COM;62523;L;2;045;1",
            "COM;62523;L;1;046;1", "COM;62523;L;1;045;2"]  # fmt: skip
    with pytest.raises(DataFileError, match=r"line 6, field 'CODGEO'.*line 2 has the same"):
        read_insee_pop_by_age(_pop(tmp_path, rows))
    read_insee_pop_by_age(_pop(tmp_path, rows[:4]))


def test_pop_age_unknown_commune_names_its_first_line(tmp_path):
    rows = ["COM;62523;L;1;045;1", "COM;99999;X;1;045;1", "COM;99999;X;2;045;1"]
    with pytest.raises(DataFileError, match=r"line 3, field 'CODGEO'"):
        read_insee_pop_by_age(_pop(tmp_path, rows))
