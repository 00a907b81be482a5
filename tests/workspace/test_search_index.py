"""The name index the search reads (shipped in the package data, read without pandas): built
from the bundled commune tables as they are, and giving the results of the pandas search it
replaced."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import proxisante.territory.search  # noqa: F401  (the module, for its index)
from proxisante.errors import ProxisanteError
from proxisante.workspace import resolve, search, search_key

# the module, not the function the package exports under the same name
search_module = sys.modules["proxisante.territory.search"]

#: Results of the previous search (vectorised pandas over the commune table, before the
#: shipped index) for names with articles, accents, hyphens, « St », constituencies,
#: former communes, codes and selectors: ``search(name, limit=50)`` and what ``resolve``
#: gave (kind, key, label) or the error's type.
PREVIOUS = json.loads((Path(__file__).parent / "data" / "search_previous.json").read_text())


def test_the_shipped_index_is_built_from_the_bundled_tables_as_they_are():
    shipped = search_module._read_search_index()
    assert shipped is not None, "index missing or stale: run scripts/build_default_data.py"
    assert shipped == json.loads(json.dumps(search_module.build_search_index()))


def test_index_keys_are_the_search_form_of_the_names():
    communes = search_module._index()["communes"]
    assert len(communes["code"]) > 34_000
    some = range(0, len(communes["code"]), 97)
    assert all(communes["key"][i] == search_key(communes["name"][i]) for i in some)
    i = communes["code"].index("59051")
    assert (communes["key"][i], communes["bare"][i]) == ("la bassee", "bassee")


def test_a_stale_index_is_not_used(monkeypatch):
    monkeypatch.setattr(search_module, "_INDEX_VERSION", -1)
    assert search_module._read_search_index() is None


@pytest.mark.parametrize("name", sorted(PREVIOUS))
def test_same_results_as_the_previous_search(name):
    hits = [[h.selector, h.label, h.kind, h.exact] for h in search(name, limit=50)]
    assert hits == PREVIOUS[name]["search"]
    try:
        t = resolve(name)
        got = [t.kind, t.key, t.label]
    except ProxisanteError as exc:
        got = [type(exc).__name__]
    assert got == PREVIOUS[name]["resolve"]


def test_commune_named_is_the_commune_resolve_gives():
    for name in ("la bassee", "Le Havre", "st etienne", "bassee"):
        code = search_module.commune_named(name)
        assert code is not None and resolve(name).codes.tolist() == [code]
    # codes, selectors, former communes, other kinds, several or no communes, arrondissements
    for name in ("62523", "dep:62", "circo 12-02", "Pierrefitte-sur-Seine", "aveyron",
                 "saint denis", "nowhere at all", "paris"):  # fmt: skip
        assert search_module.commune_named(name) is None
