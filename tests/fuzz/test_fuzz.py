"""The fuzz campaign, short run (every ``make test``): a varied subset of the generated
malformed files of every format through the real commands and the web routes, plus
property-based inputs read directly. ``make fuzz`` runs the long campaign (200 files per
format and target) and prints the table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proxisante.errors import ProxisanteError
from tests.fuzz.campaign import WEB_FORMATS
from tests.fuzz.corpus import FORMATS, TEXT_FORMATS, seed_bytes

ROOT = Path(__file__).parents[2]
#: Files per format in the short run (``PROXISANTE_FUZZ_PER_FORMAT`` overrides it).
PER_FORMAT = int(os.environ.get("PROXISANTE_FUZZ_PER_FORMAT", "8"))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the campaign forks one child per file")
def test_short_campaign_meets_every_target(tmp_path):
    """Run in its own process: the campaign forks, which must not inherit the test
    process's DuckDB connections and threads."""
    out = tmp_path / "fuzz.json"
    seed = os.environ.get("FUZZ_SEED", "1")
    cmd = [sys.executable, "-m", "tests.fuzz.campaign", "--per-format", str(PER_FORMAT),
           "--no-big", "--clock", "cpu", "--seed", seed, "--json", str(out)]  # fmt: skip
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert out.exists(), run.stdout + run.stderr
    report = json.loads(out.read_text())
    table = run.stdout
    total = report["rows"][-1]
    assert total["tried"] == PER_FORMAT * (len(FORMATS) + len(WEB_FORMATS)), table  # cli + web
    assert report["failures"] == [], table
    assert total["refused"] > 0 and total["accepted"] > 0, table
    assert run.returncode == 0, table


def _read(kind: str, data: bytes) -> None:
    from proxisante.offer.finess import read_finess
    from proxisante.offer.importing import _read_pop_age, known_communes
    from proxisante.offer.rpps import read_bpe, read_rpps

    readers = {"finess": read_finess, "rpps": read_rpps, "bpe": read_bpe, "pop-age": _read_pop_age}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.txt"
        path.write_bytes(data)
        try:
            readers[kind](path, communes=known_communes())
        except ProxisanteError as exc:
            assert "\n" not in str(exc) and len(str(exc)) < 1000


@pytest.mark.parametrize("kind", list(TEXT_FORMATS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_bytes_after_a_valid_header_give_data_or_a_one_line_error(kind, data):
    seed = seed_bytes(kind)
    header, _, body = seed.partition(b"\n")
    cut = data.draw(st.integers(0, len(body)))
    junk = data.draw(st.binary(max_size=300))
    _read(kind, header + b"\n" + body[:cut] + junk + body[cut:])


@pytest.mark.parametrize("kind", list(TEXT_FORMATS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_any_text_gives_data_or_a_one_line_error(kind, text):
    _read(kind, text.encode("utf-8"))


def test_cases_can_be_limited_to_named_mutations():
    """``--mutations`` (re-running the slow generators only) keeps just those."""
    from tests.fuzz.corpus import cases, mutations

    assert {"big_valid", "header_only", "long_line"} <= set(mutations("bpe"))
    got = [c.mutation for c in cases("bpe", 3, only=("header_only",))]
    assert got == ["header only"] * 3
    assert list(cases("bpe", 3, only=("no_such_mutation",))) == []
