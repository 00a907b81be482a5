"""Test-wide settings: the tests never touch the user's own store."""

from __future__ import annotations

import pytest

from proxisante.store import STORE_ENV


@pytest.fixture(autouse=True)
def _private_default_store(tmp_path_factory, monkeypatch):
    """Commands run without ``--store`` use a store of this test session, not the user's."""
    monkeypatch.setenv(STORE_ENV, str(tmp_path_factory.getbasetemp() / "default-store.duckdb"))
