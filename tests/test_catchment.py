"""One home for the catchment limit and the DREES steps: every user derives from
proxisante.catchment (the APL decay, home care, neighbours, plan and report wording, the page)."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import numpy as np

from proxisante import catchment
from proxisante.access import DREES_APL_STEP
from proxisante.needs import DEFAULT_CUTOFF_MINUTES
from proxisante.plan.instance import HOME_CARE_UNIT_FR
from proxisante.workspace import NEIGHBOUR_MINUTES

SRC = Path(__file__).resolve().parents[1] / "src" / "proxisante"


def test_doctests():
    assert doctest.testmod(catchment).failed == 0


def test_every_user_derives_from_the_one_module():
    assert DREES_APL_STEP.max_minutes == catchment.CATCHMENT_MINUTES
    assert DREES_APL_STEP.uppers == catchment.DREES_STEP_UPPERS_MINUTES
    np.testing.assert_array_equal(DREES_APL_STEP.values, catchment.DREES_STEP_WEIGHTS)
    assert DEFAULT_CUTOFF_MINUTES == NEIGHBOUR_MINUTES == catchment.CATCHMENT_MINUTES
    assert catchment.WITHIN_CATCHMENT_SHORT_FR in HOME_CARE_UNIT_FR


def test_no_literal_catchment_in_the_code_and_the_page():
    # the limit as a number appears once, in proxisante/catchment.py
    literal = re.compile(r"^[A-Z_]*(MINUTES|CUTOFF)[A-Z_]* = 20(\.0)?\b", re.M)
    found = [p.name for p in SRC.rglob("*.py") if literal.search(p.read_text(encoding="utf-8"))]
    assert found == ["catchment.py"]
    page = (SRC / "web" / "static" / "app.js").read_text(encoding="utf-8")
    assert "PROXISANTE_CATCHMENT_MINUTES" in page
    assert not re.search(r"CATCHMENT_MINUTES\s*=\s*\d", page)


def test_the_page_gets_the_limit_from_the_server():
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from proxisante.web import WebContext, configure
    from proxisante.web.routes import pages_router
    from proxisante.workspace import Workspace

    app = configure(FastAPI(), WebContext(Workspace(use_store=False), eval_workers=0))
    app.include_router(pages_router)
    page = TestClient(app, base_url="http://127.0.0.1").get("/").text
    assert "window.PROXISANTE_CATCHMENT_MINUTES = 20;" in page
    assert "__CATCHMENT_MINUTES__" not in page
    assert "à moins de 20 minutes, puis du département" in page


def test_report_templates_read_the_limit_from_the_one_module():
    from proxisante.report._jinja import environment

    templates = (SRC / "report" / "templates").glob("*.j2")
    assert not [t.name for t in templates if "20 minutes" in t.read_text(encoding="utf-8")]
    assert environment().globals["catchment_minutes"] == "20"
