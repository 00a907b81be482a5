"""Former communes (merged since) are found under the commune that holds them, in every
bundled table: 93059 Pierrefitte-sur-Seine is part of 93066 Saint-Denis (2025-01-01)."""

from __future__ import annotations

import pytest
import shapely
from typer.testing import CliRunner

from proxisante.cli import app
from proxisante.errors import UnknownCommuneError
from proxisante.offer import load_bpe2017_gp_counts, load_default_offer
from proxisante.territory import (
    load_commune_geometry,
    load_communes,
    load_former_communes,
    load_membership,
    load_official_apl,
    select,
)
from proxisante.workspace import resolve

PIERREFITTE, SAINT_DENIS, STAINS = "93059", "93066", "93072"


def test_pierrefitte_is_listed_with_its_name_and_commune():
    f = load_former_communes().set_index("code_former")
    assert f.loc[PIERREFITTE, "nom_former"] == "Pierrefitte-sur-Seine"
    assert f.loc[PIERREFITTE, "code_insee"] == SAINT_DENIS
    m = load_membership().set_index("code_insee")
    assert m.loc[PIERREFITTE, "name_cog2022"] == "Pierrefitte-sur-Seine"
    assert m.loc[PIERREFITTE, "code_insee_current"] == SAINT_DENIS
    # every former commune points to a commune of the table, never to itself
    codes = set(load_communes()["code_insee"])
    held = load_former_communes()
    assert not (set(held["code_former"]) & codes)


def test_pierrefitte_data_are_in_saint_denis_not_in_stains():
    apl = load_official_apl(2023).set_index("code_insee")
    # Stains keeps its own published APL 2023; Saint-Denis aggregates both DREES rows
    assert apl.loc[STAINS, "apl_generalistes"] == pytest.approx(3.541)
    assert apl.loc[STAINS, "n_communes_drees"] == 1
    sd = apl.loc[SAINT_DENIS]
    assert sd["n_communes_drees"] == 2 and sd["commune_drees"] == "Saint-Denis"
    assert sd["pop_totale"] == 146_321  # 113,942 + 32,379 (DREES, population 2021)
    bpe = load_bpe2017_gp_counts().set_index("code_insee")
    assert PIERREFITTE in bpe.loc[SAINT_DENIS, "codes_2017"].split("|")
    assert bpe.loc[STAINS, "codes_2017"] == STAINS
    communes = load_communes().set_index("code_insee")
    assert communes.loc[SAINT_DENIS, "population"] == 146_321
    assert communes.loc[SAINT_DENIS, "area_km2"] == pytest.approx(12.45 + 3.43, abs=0.05)
    # the polygon covers Pierrefitte's INSEE point (48.96041 N, 2.36366 E): no hole left
    geo = load_commune_geometry([SAINT_DENIS]).geometry.iloc[0]
    assert geo.contains(shapely.Point(2.36366, 48.96041))
    sites = load_default_offer().sites.set_index("site_id")
    assert sites.loc["930009188", "commune"] == SAINT_DENIS  # Clinique de Pierrefitte


def test_every_bpe_2017_code_is_mapped_or_says_why():
    bpe = load_bpe2017_gp_counts()
    assert int(bpe["gp_liberal_count_2017"].sum()) == 58_031  # nothing dropped
    assert int(bpe["n_codes_2017"].sum()) == 9_528
    codes = set(load_communes()["code_insee"])
    mapped = bpe[bpe["in_current_geography"]]
    assert set(mapped["code_insee"]) <= codes and (mapped["unmapped_reason"] == "").all()
    unmapped = bpe[~bpe["in_current_geography"]]
    assert len(unmapped) == 8 and int(unmapped["gp_liberal_count_2017"].sum()) == 32
    assert unmapped["unmapped_reason"].str.contains("pas connue hors ligne").all()
    # the 2025 merger of Marconne into Hesdin-la-Forêt (not its neighbour Marconnelle)
    assert "62549" in bpe.set_index("code_insee").loc["62447", "codes_2017"].split("|")


def test_a_former_commune_leads_to_its_commune():
    with pytest.raises(UnknownCommuneError, match=r"93066 Saint-Denis \(holds the former commune"):
        select(PIERREFITTE)
    t = resolve("Pierrefitte-sur-Seine")
    assert t.codes.tolist() == [SAINT_DENIS]
    assert "ancienne commune Pierrefitte-sur-Seine (93059)" in t.label
    res = CliRunner().invoke(app, ["territory", "show", "pierrefitte sur seine"])
    assert res.exit_code == 0 and "Saint-Denis (93066)" in res.output
