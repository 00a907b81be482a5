"""The worked examples in the model's docstrings hold (doctest)."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["proxisante.model.calibrate", "proxisante.model.reach",
                                    "proxisante.model.site_estimate"])  # fmt: skip
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0
