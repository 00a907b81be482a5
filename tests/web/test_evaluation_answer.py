"""The web's evaluation answer is read from the result's arrays; it must equal what the
per-commune table gives (filter the changed communes, sort by change with pandas)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from proxisante.model import default_baseline
from proxisante.offer import load_default_offer
from proxisante.scenarios import evaluate, parse_scenario
from proxisante.territory import load_communes
from proxisante.web.evaluation import _ascending, scenario_impact
from proxisante.workspace import EvaluationState


def _scenarios(offer) -> list[dict]:
    sites = offer.sites
    filieris = sites.loc[(sites["operator"] == "filieris") & (sites["status"] == "open")
                         & (sites["category"] == "centre_de_sante"), "site_id"].tolist()  # fmt: skip
    staffed = offer.staff.loc[offer.staff["profession"] == "gp", "site_id"].iloc[0]
    opening = {"kind": "open_site", "site": "n", "name": "n", "commune": "62523",
               "fte": {"gp": 1.7, "nurse": 2.0}}  # fmt: skip
    return [
        {"name": "ouverture", "edits": [opening]},
        {"name": "fermeture", "edits": [{"kind": "close_sites", "sites": filieris[:1]}]},
        {"name": "plusieurs", "edits": [{"kind": "close_sites", "sites": filieris[1:6]}, opening]},
        {
            "name": "effectif",
            "edits": [
                {"kind": "change_staff", "site": staffed, "profession": "gp", "delta_fte": -0.5}
            ],
        },
    ]


@pytest.fixture(scope="module")
def offer():
    return load_default_offer()


def _reference_rows(res) -> list[dict]:
    """The answer's communes as the per-commune table gives them (the former path)."""
    c = res.communes[res.communes["delta_apl"] != 0].sort_values("delta_apl")
    communes = load_communes()
    names = dict(zip(communes["code_insee"], communes["nom"], strict=True))
    cols = {"apl_before": "apl_before", "apl_after": "apl_after", "delta_apl": "delta_apl",
            "population": "pop_totale", "newly_under": "newly_under",
            "delta_apl_p10": "delta_apl_p10", "delta_apl_p90": "delta_apl_p90"}  # fmt: skip
    return [
        {"code_insee": r["code_insee"], "nom": names.get(r["code_insee"], "")}
        | {
            k: (bool(r[v]) if k == "newly_under" else float(r[v]))
            for k, v in cols.items()
            if v in c.columns
        }
        for r in c.to_dict("records")
    ]


def test_answer_equals_the_per_commune_table_and_its_summary(offer):
    baseline = default_baseline(2023)
    for body in _scenarios(offer):
        sc = parse_scenario(body)
        out = scenario_impact(sc.model_dump_json(), EvaluationState(offer))
        res = evaluate(sc, offer=offer, baseline=baseline)
        assert out["communes"] == _reference_rows(res), body["name"]
        assert out["communes"], body["name"]
        # the summary over every commune reads the arrays; over a list of codes the table:
        # both give the same figures, bit for bit
        every = res.summary()
        listed = res.summary(res.communes["code_insee"].tolist())
        assert json.dumps(every, sort_keys=True) == json.dumps(listed, sort_keys=True)
        assert json.dumps(out["summary"], sort_keys=True) == json.dumps(every, sort_keys=True)


def test_result_arrays_are_read_only_and_leave_the_baseline_untouched(offer):
    baseline = default_baseline(2023)
    before = baseline.baseline_apl.copy()
    res = evaluate(parse_scenario(_scenarios(offer)[0]), offer=offer, baseline=baseline)
    with pytest.raises(ValueError, match="read-only"):
        res.columns["apl_before"][0] = -1.0
    res.communes.loc[0, "apl_before"] = -1.0  # the table is the caller's own copy
    assert np.array_equal(baseline.baseline_apl, before)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ascending_order_is_pandas_sort_values_order(seed):
    rng = np.random.default_rng(seed)
    values = rng.choice([-2.0, -1.0, -0.5, 0.25, 3.0, np.nan], size=200)  # many ties, NaN
    expected = pd.Series(values).sort_values().index.to_numpy()
    np.testing.assert_array_equal(_ascending(values), expected)
    no_nan = values[~np.isnan(values)]
    np.testing.assert_array_equal(_ascending(no_nan), pd.Series(no_nan).sort_values().index)
