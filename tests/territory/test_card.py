"""The commune card read without pandas is the card of the general selection (same files)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from proxisante.cli import app
from proxisante.territory import (
    CARD_APL_YEARS,
    CommuneCard,
    read_commune_card,
    select,
    territory_apl_table,
)

# a commune, Mayotte (no population, no APL), a commune restored in 2025 (no location, no
# APL), an island without EPCI, a Paris arrondissement, a Corsican code
CODES = ["62523", "97611", "15031", "22016", "75101", "2A004"]


def _general(code: str) -> CommuneCard:
    terr = select(code)
    table = territory_apl_table(terr.codes)
    apl = {y: table.iloc[0][f"apl_{y}"] for y in CARD_APL_YEARS}
    return CommuneCard.from_row(terr.communes.iloc[0].to_dict(), apl)


@pytest.mark.parametrize("code", CODES)
def test_fast_card_equals_the_selection_card(code):
    fast = read_commune_card(code)
    assert fast == _general(code)
    assert fast.label == select(code).label


def test_card_values():
    loison = read_commune_card(" 62523 ")
    assert loison.name == "Loison-sous-Lens" and loison.epci_siren == "246200364"
    assert loison.apl[2023] == pytest.approx(6.558) and loison.population > 5000
    mamoudzou = read_commune_card("97611")
    assert mamoudzou.population is None and mamoudzou.apl == {2023: None, 2022: None}
    assert read_commune_card("15031").lat is None
    assert read_commune_card("22016").epci_nom is None


@pytest.mark.parametrize("selector", ["75056", "99999", "62523,62498", "la bassee", "dep:62"])
def test_other_selectors_take_the_general_path(selector):
    assert read_commune_card(selector) is None


def test_cli_card_is_the_same_either_way_and_missing_values_are_said():
    runner = CliRunner()
    fast = runner.invoke(app, ["territory", "show", "62523"])
    general = runner.invoke(app, ["territory", "show", "commune:62523"])
    assert fast.exit_code == 0 and fast.output == general.output
    assert "5\u202f255 (INSEE population municipale 2021" in fast.output  # as in other CLI tables
    res = runner.invoke(app, ["territory", "show", "97611"])  # was an internal error (NA)
    assert res.exit_code == 0, res.output
    assert "non publiée par la DREES" in res.output and "Traceback" not in res.output


def test_corrupt_file_gives_the_same_clear_error(tmp_path, monkeypatch):
    from proxisante import _bundled
    from proxisante.errors import DataFileError

    bad = tmp_path / "data"
    bad.mkdir()
    (bad / "communes.parquet").write_bytes(b"PAR1 this is not parquet")
    monkeypatch.setattr(_bundled, "bundled_path", lambda name: bad / name)
    with pytest.raises(DataFileError, match=r"communes.parquet: bundled data file is corr"):
        read_commune_card("62523")
    with pytest.raises(DataFileError, match=r"missing"):
        _bundled.read_bundled_table("nope.parquet")


def test_the_shipped_cards_are_built_from_the_bundled_tables_as_they_are():
    from proxisante._bundled import bundled_path
    from proxisante.territory import card

    assert card._from_cards("62523") is not False, "stale: run scripts/build_default_data.py"
    assert bundled_path(card.CARDS_FILE).read_bytes() == card.build_commune_cards()


@pytest.mark.parametrize("code", [*CODES, "99999", "2A999"])
def test_cards_file_and_tables_give_the_same_card(monkeypatch, code):
    """One line of the cards file, or the two tables read with pyarrow (the cards file stale):
    the same card and APL row, None for an unknown code."""
    from proxisante.territory import card

    from_file = (read_commune_card(code), card.read_commune_apl(code, 2022))
    monkeypatch.setattr(card, "_from_cards", lambda code: False)
    assert (read_commune_card(code), card.read_commune_apl(code, 2022)) == from_file
    assert (from_file[0] is None) == (code in ("99999", "2A999"))
