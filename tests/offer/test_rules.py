"""Rules shared by stored offer edits and scenario edits."""

from __future__ import annotations

import math

import pytest

from proxisante.errors import InputError
from proxisante.offer.rules import check_places, check_site_open, fte_after_change


def test_fte_after_change():
    assert fte_after_change("s", "gp", 2.0, delta_fte=-2.0) == 0.0
    assert fte_after_change("s", "nurse", 2.0, new_fte=3.5) == 3.5
    with pytest.raises(InputError, match=r"nurse FTE at 's' would become -0.5 \(now 1\)"):
        fte_after_change("s", "nurse", 1.0, delta_fte=-1.5)
    with pytest.raises(InputError, match="exactly one"):
        fte_after_change("s", "gp", 1.0)
    with pytest.raises(InputError, match="finite"):
        fte_after_change("s", "gp", 1.0, delta_fte=math.inf)


def test_site_open_and_places():
    check_site_open("s", "open", action="close")
    with pytest.raises(InputError, match="already closed"):
        check_site_open("s", "closed", action="close")
    with pytest.raises(InputError, match="is closed; it cannot be edited"):
        check_site_open("s", "closed")
    check_places(None)
    check_places(0)
    with pytest.raises(InputError, match="places ≥ 0"):
        check_places(-1)
