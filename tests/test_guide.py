"""The French guide: linked from the README's first lines and the web page, listed in the docs
index with every other page, and documenting every field of the scenario file."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from proxisante.scenarios.model import Edit, Scenario

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")


def test_docs_index_lists_every_page():
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([\w-]+\.md)\)", index))
    pages = {p.name for p in (ROOT / "docs").glob("*.md")} - {"README.md"}
    assert pages == linked, f"not listed: {pages - linked}; missing files: {linked - pages}"


def test_readme_links_the_guide_in_its_first_lines():
    first = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:8]
    assert any("docs/guide.md" in line for line in first)


def test_guide_documents_every_scenario_field():
    edits = typing.get_args(typing.get_args(Edit)[0])
    assert len(edits) >= 9
    for model in (Scenario, *edits):
        for name in model.model_fields:
            if name != "kind":
                assert f"`{name}`" in GUIDE, f"{model.__name__}.{name} is not in docs/guide.md"
        kind = model.model_fields.get("kind")
        if kind is not None:
            assert f"`{kind.default}`" in GUIDE, kind.default
    open_site = next(m for m in edits if m.__name__ == "OpenSite")
    categories = typing.get_args(open_site.model_fields["category"].annotation)
    assert "centre_de_sante" in categories
    for category in categories:
        assert f"`{category}`" in GUIDE, category


def test_the_web_page_links_the_guide_and_serves_it():
    from fastapi.testclient import TestClient

    from proxisante.web.app import create_app

    client = TestClient(create_app(), base_url="http://127.0.0.1")
    assert 'href="/guide"' in client.get("/").text
    page = client.get("/guide")
    assert page.status_code == 200 and "« Et si ce centre fermait ? » pas à pas" in page.text
    assert "href='/'" in page.text  # back to the map
