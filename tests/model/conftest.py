"""A small synthetic country whose true GP supply and travel speeds are known."""

from __future__ import annotations

import numpy as np
import pytest

from proxisante.access import Catchment
from proxisante.model import CalibrationInputs, TravelParameters, commune_pairs

TRUE_TRAVEL = TravelParameters((50.0, 40.0, 30.0), 1.3, 0.0)


def synthetic_country(seed: int = 7, side: int = 14) -> tuple[CalibrationInputs, np.ndarray]:
    """``side × side`` communes 2.5 km apart around (45° N, 3° E), two départements.

    Returns the inputs (official APL computed by the engine with the true supply and
    travel) and the true supply (consultations per year).
    """
    rng = np.random.default_rng(seed)
    iy, ix = np.divmod(np.arange(side * side), side)
    lat = 45.0 + iy * 2.5 / 111.2
    lon = 3.0 + ix * 2.5 / (111.2 * np.cos(np.radians(45.0)))
    codes = np.array([f"99{k:03d}" for k in range(side * side)])
    # two towns (urban classes 2 and 1 around them), countryside elsewhere
    d1 = np.hypot(iy - 4, ix - 4)
    d2 = np.hypot(iy - 10, ix - 10)
    speed_class = np.where(np.minimum(d1, d2) < 1.5, 2, np.where(np.minimum(d1, d2) < 3, 1, 0))
    pop = np.where(speed_class == 2, 6000.0, np.where(speed_class == 1, 1500.0, 300.0))
    pop = pop * rng.uniform(0.6, 1.4, len(pop))
    gps = np.zeros(len(pop))
    gps[speed_class == 2] = rng.integers(3, 9, (speed_class == 2).sum())
    villages = np.flatnonzero(speed_class < 2)
    gps[rng.choice(villages, 20, replace=False)] = rng.integers(1, 3, 20)
    activity = rng.uniform(3800, 5600, len(pop))
    supply = gps * activity
    pairs = commune_pairs(codes, lat, lon, speed_class.astype(np.int8), max_km=20 / 60 * 60)
    cat = Catchment.build(pairs.minutes(TRUE_TRAVEL), pop)
    apl = cat.accessibility(supply)
    departement = np.where(ix < side // 2, "98", "99")
    dep_gp = np.array([gps[departement == d].sum() for d in departement])
    inputs = CalibrationInputs(
        year=2023,
        codes=codes,
        lat=lat,
        lon=lon,
        departement=departement,
        apl=apl,
        pop_standardisee=pop,
        pop_totale=pop,
        speed_class=speed_class.astype(np.int8),
        pole=speed_class == 2,
        prior_gp=gps.astype(float),
        departement_gp=dep_gp,
        known_consultations=np.full(len(pop), np.nan),
    )
    return inputs, supply


@pytest.fixture(scope="session")
def country():
    return synthetic_country()
