"""One identity per physical site in the bundled offer: FINESS number wins over page rows."""

from __future__ import annotations

from proxisante.offer import load_default_offer


def test_page_rows_of_finess_establishments_are_merged():
    sites = load_default_offer().sites.set_index("site_id")
    for finess, commune in (("570000091", "57240"), ("810000448", "81060")):
        row = sites.loc[finess]
        assert row["operator"] == "filieris"
        assert row["commune"] == commune
        assert "http" in row["source"]  # the page URL is kept beside the FINESS source
    assert not {
        "filieris-hopital-de-freyming-merlebach",
        "filieris-polyclinique-sainte-barbe-de-carmaux",
    } & set(sites.index)


def test_no_two_open_filieris_hospitals_in_one_commune():
    s = load_default_offer().sites
    fil = s[(s["operator"] == "filieris") & (s["category"] == "hospital")]
    assert not fil.duplicated(["commune"]).any()
    assert s["site_id"].is_unique
