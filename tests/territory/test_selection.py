"""Territory selection by every key, and every bad input."""

from __future__ import annotations

import pytest

from proxisante.errors import InputError, ProxisanteError, UnknownCodeError, UnknownCommuneError
from proxisante.territory import check_commune_codes, normalise_name, select


@pytest.mark.parametrize(
    ("selector", "kind", "n", "first"),
    [
        ("62523", "commune", 1, "62523"),
        ("commune:62523", "commune", 1, "62523"),
        ("62523,62498", "commune", 2, "62498"),
        ("epci:246200364", "epci", 36, "62001"),
        ("dep:62", "dep", 887, "62001"),
        ("departement:12", "dep", 285, "12001"),
        ("reg:32", "reg", 3782, "02001"),
        ("circo:12-02", "circo", 96, None),
        ("circo:62-3", "circo", None, None),
        ("loison sous lens", "commune", 1, "62523"),
        ("name:LOISON-SOUS-LENS", "commune", 1, "62523"),
        ("name:Loïson sous lens", "commune", 1, "62523"),
        ("name:CA de Lens-Liévin", "epci", 36, "62001"),
    ],
)
def test_select_by_every_key(selector, kind, n, first):
    t = select(selector)
    assert t.kind == kind
    if n is not None:
        assert len(t) == n
    if first is not None:
        assert t.codes[0] == first
    assert t.communes["code_insee"].is_unique


def test_constituency_counts_match_source():
    assert len(select("circo:12-01")) == 71
    assert len(select("circo:12-02")) == 96
    assert len(select("circo:12-03")) == 118
    assert "12013" in select("circo:12-02").codes  # Aubin
    assert "62523" in select("circo:62-03").codes


def test_paris_is_its_arrondissements_and_never_double_counted():
    paris = select("75056")
    assert len(paris) == 20 and all(c.startswith("751") for c in paris.codes)
    dep = select("dep:75")
    assert "75056" not in dep.codes and len(dep) == 20


def test_labels_are_french():
    assert select("circo:12-02").label == "Aveyron – 2e circonscription (12-02)"
    assert select("circo:12-01").label.startswith("Aveyron – 1re circonscription")
    assert select("dep:62").label == "Pas-de-Calais (62)"


@pytest.mark.parametrize(
    ("selector", "error", "pattern"),
    [
        ("62999", UnknownCommuneError, r"unknown commune '62999'; closest matches: 62909"),
        ("dep:99", UnknownCodeError, r"unknown département code '99'"),
        ("circo:12-09", UnknownCodeError, r"closest matches: 12-03, 12-02, 12-01"),
        ("epci:123", UnknownCodeError, r"unknown EPCI SIREN '123'"),
        ("reg:99", UnknownCodeError, r"unknown région code"),
        ("foo:1", InputError, r"unknown territory kind 'foo'.*accepted: commune:"),
        ("dep:", InputError, r"no value after"),
        ("", InputError, r"empty territory selector"),
        ("loisson sou lens", UnknownCodeError, r"closest matches: Loison-sous-Lens"),
        ("Saint-Martin", InputError, r"names 4 places"),
        ("name:!!!", InputError, r"no letters or digits"),
    ],
)
def test_bad_selectors(selector, error, pattern):
    with pytest.raises(error, match=pattern):
        select(selector)


def test_errors_are_value_errors():
    with pytest.raises(ValueError):
        select("dep:99")
    assert issubclass(UnknownCommuneError, ProxisanteError)


def test_check_commune_codes():
    check_commune_codes(["62523", "2A004"])
    with pytest.raises(UnknownCommuneError, match="00000"):
        check_commune_codes(["62523", "00000"])


def test_normalise_name():
    assert normalise_name("Saint-Étienne-du-Rouvray") == "saint etienne du rouvray"
    assert normalise_name("L'Haÿ-les-Roses") == "l hay les roses"


@pytest.mark.parametrize("first", ["s", "9"])
def test_a_long_unknown_name_is_refused_with_suggestions_from_a_bounded_set(monkeypatch, first):
    """Whatever name is asked (5,000 random characters here, starting like thousands of names
    or like none), at most MAX_SUGGESTION_CANDIDATES names are compared by spelling, chosen
    among at most MAX_SUGGESTION_SCREENED: an unknown name is a bounded cost."""
    import difflib
    import random

    from proxisante.territory import selection

    compared, screened = [], []
    distance, screen, close = (selection._digit_distance, selection._screened,
                               difflib.get_close_matches)  # fmt: skip
    monkeypatch.setattr(selection, "_digit_distance",
                        lambda a, b: compared.append(a) or distance(a, b))  # fmt: skip
    monkeypatch.setattr(selection, "_screened",
                        lambda names, v: screened.append(len(names)) or screen(names, v))  # fmt: skip
    monkeypatch.setattr(difflib, "get_close_matches",
                        lambda v, names, **kw: compared.extend(names) or close(v, names, **kw))  # fmt: skip
    rng = random.Random(15)
    name = first + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz -'") for _ in range(5000))
    with pytest.raises(UnknownCodeError) as err:
        select(name)
    assert err.value.suggestions or first == "9"  # garbage with no name near enough
    assert screened and 0 < len(compared) <= selection.MAX_SUGGESTION_CANDIDATES
    assert len(compared) < max(screened)  # the bound was needed: more names shared the start
