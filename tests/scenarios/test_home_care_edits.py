"""Scenario edits of home care: SSIAD places, nurse FTE, change of operator kept or dropped."""

from __future__ import annotations

import pandas as pd
import pytest

from proxisante.errors import InputError
from proxisante.offer import Offer, load_default_offer
from proxisante.scenarios import apply_edits, evaluate, parse_scenario


def _offer() -> Offer:
    base = load_default_offer()
    # the bundled SSIAD are left out: the measures below are computed by hand on two SSIAD
    base = Offer(sites=base.sites[base.sites["category"] != "ssiad"], staff=base.staff)
    extra = pd.DataFrame({
        "site_id": ["ssiad-a", "ssiad-b"], "name": ["SSIAD A", "SSIAD B"],
        "category": "ssiad", "operator": "filieris", "commune": ["81060", "81060"],
        "status": "open", "capacity_places": pd.array([40, None], dtype="Int32"),
    })  # fmt: skip
    staff = pd.DataFrame({
        "site_id": ["ssiad-a"], "commune": ["81060"], "profession": ["nurse"],
        "headcount": pd.array([5], dtype="Int32"), "fte": pd.array([4.5], dtype="Float64"),
    })  # fmt: skip
    return Offer(sites=pd.concat([base.sites, extra], ignore_index=True),
                 staff=pd.concat([base.staff, staff], ignore_index=True))  # fmt: skip


def _apply(edits):
    return apply_edits(parse_scenario({"name": "t", "edits": edits}), _offer())


def test_places_set_and_changed():
    a = _apply([{"kind": "change_capacity", "site": "ssiad-a", "delta_places": -15},
                {"kind": "change_capacity", "site": "ssiad-b", "capacity_places": 12}])  # fmt: skip
    after = a.sites_after(_offer().sites).set_index("site_id")["capacity_places"]
    assert (after["ssiad-a"], after["ssiad-b"]) == (25, 12)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"site": "ssiad-b", "delta_places": 5}, "capacité inconnue"),
        ({"site": "ssiad-a", "delta_places": -41}, "places ≥ 0"),
        ({"site": "nope", "capacity_places": 3}, "unknown site"),
    ],
)
def test_bad_capacity_edits(edit, message):
    with pytest.raises(InputError, match=message):
        _apply([{"kind": "change_capacity", **edit}])


def test_nurse_fte_edits_and_closure():
    a = _apply([{"kind": "change_staff", "site": "ssiad-a", "profession": "nurse",
                 "delta_fte": -1.5}])  # fmt: skip
    assert a.fte_change_by_commune("nurse").to_dict() == {"81060": -1.5}
    with pytest.raises(InputError, match="FTE must stay ≥ 0"):
        _apply(
            [{"kind": "change_staff", "site": "ssiad-a", "profession": "nurse", "delta_fte": -5}]
        )
    closed = _apply([{"kind": "close_sites", "sites": ["ssiad-a"]}])
    assert closed.fte_change_by_commune("nurse").to_dict() == {"81060": -4.5}


def test_operator_change_keeps_or_drops_activity():
    keep = _apply([{"kind": "operator_exit", "operator": "filieris", "territory": "dep:81",
                    "action": "transfer", "to_operator": "cnam"}])  # fmt: skip
    sites = keep.sites_after(_offer().sites).set_index("site_id")
    assert sites.loc["ssiad-a", "operator"] == "cnam" and sites.loc["ssiad-a", "status"] == "open"
    assert keep.staff_changes == [] and keep.changes == []
    drop = _apply([{"kind": "operator_exit", "operator": "filieris", "territory": "dep:81",
                    "action": "close"}])  # fmt: skip
    assert drop.fte_change_by_commune("nurse").to_dict() == {"81060": -4.5}
    assert "ssiad-a" in drop.closed


def test_scenario_result_home_care_before_after():
    offer = _offer()
    sc = parse_scenario({"name": "drop", "edits": [
        {"kind": "operator_exit", "operator": "filieris", "territory": "dep:81",
         "action": "close"}]})  # fmt: skip
    hc = evaluate(sc, offer=offer).home_care(["81060"])
    assert hc.nurse_fte_change == -4.5 and hc.nurses_after < hc.nurses_before
    # 40 known places (one SSIAD of unknown capacity) → 0 within reach after
    assert hc.ssiad_before > 0 and hc.ssiad_after == 0
    assert hc.ssiad_rate[0].sites_without_capacity == 1
    # the Carmaux centre closes, but the other centres de santé and maisons de santé of the
    # area (FINESS 2026) stay within 20 minutes: no one loses a centre
    assert hc.prevention.loc["flu_65_plus", "lost"] == 0
    assert hc.estimated_ages


def test_home_care_per_commune_before_after():
    """Per commune: the SSIAD measure of Carmaux recomputed by hand (40 places ÷ the 75+ of
    the communes within 20 min of it, great-circle estimate), the flags against the stated
    thresholds, and the territory figure as the 75+-weighted mean of its communes."""

    from proxisante.needs import load_needs
    from proxisante.territory import load_communes, select
    from proxisante.travel.defaults import DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH
    from proxisante.travel.estimate import great_circle_km

    offer = _offer()
    sc = parse_scenario({"name": "drop", "edits": [
        {"kind": "operator_exit", "operator": "filieris", "territory": "dep:81",
         "action": "close"}]})  # fmt: skip
    codes = select("81060,81004,81232").codes  # Carmaux, Albi-side and Saint-Benoît
    hc = evaluate(sc, offer=offer).home_care(codes)
    c = hc.communes
    assert list(c.index) == list(codes)
    old = load_needs(sites=offer.sites, staff=offer.staff).pop_75_plus
    com = load_communes().query("type == 'COM'").dropna(subset=["lat"]).set_index("code_insee")
    km = great_circle_km(com["lat"], com["lon"], com.loc["81060", "lat"], com.loc["81060", "lon"])
    near = com.index[km * DEFAULT_DETOUR_FACTOR / DEFAULT_SPEED_KMH * 60 <= 20]
    assert c.loc["81060", "ssiad_before"] == pytest.approx(1000 * 40 / old.reindex(near).sum())
    assert c.loc["81060", "ssiad_after"] == 0 and c.loc["81060", "ssiad_under_after"]
    assert (c["nurse_under_before"] == (c["nurses_before"] < hc.nurse_threshold)).all()
    assert (c["nurses_after"] <= c["nurses_before"] + 1e-9).all()
    w = c["pop_75_plus"]
    assert hc.nurses_after == pytest.approx(float((c["nurses_after"] * w).sum() / w.sum()))
    assert hc.ssiad_before == pytest.approx(float((c["ssiad_before"] * w).sum() / w.sum()))
    assert c.loc["81060", "centre_before"] and hc.ssiad_threshold == pytest.approx(9.95)
    # the Carmaux centre closes: the communes it alone served lose their centre
    lost = c["centre_before"] & ~c["centre_after"]
    assert hc.prevention.loc["home_75_plus", "lost"] == pytest.approx(
        c.loc[lost, "pop_75_plus"].sum()
    )
