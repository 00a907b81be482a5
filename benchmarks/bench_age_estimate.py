"""Benchmark: commune age estimate validated against the published bassin-de-vie shares.

Target: mean absolute error ≤ 1 percentage point on the share aged 75+ when the estimate is
aggregated back to the bassins de vie 2022 (INSEE 2022).

The independent check is the *ratio-only* estimate (it uses no bassin-de-vie figure: only
each commune's DREES standardised/total population ratio and the national reference
pyramid). The calibrated estimate reproduces the published shares by construction; its
residual is printed to show the calibration converged. The attachment of communes to
bassins is checked separately: the official commune APL 2023, aggregated to the attached
bassins with standardised-population weights (the DREES rule), against CartoSanté's
published bassin APL 2023 (rounded to 0.1).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from proxisante.needs import attach_bassins_vie, attachment_counts, estimate_population_by_age
from proxisante.territory import load_bassin_vie_indicators, load_communes, load_official_apl


def _aggregate(est, attachment: pd.DataFrame, first: int, last: int | None) -> pd.Series:
    bands = est.bands
    cols = [c for c in bands.columns if _start(c) >= first and (last is None or _start(c) <= last)]
    g = attachment.set_index("code_insee")["bassin_vie_2022"].reindex(bands.index)
    part = bands[cols].sum(axis=1).groupby(g).sum()
    return 100 * part / bands.sum(axis=1).groupby(g).sum()


def _start(label: str) -> int:
    return int(label.split("-")[0].rstrip("+"))


def _errors(name: str, estimated: pd.Series, published: pd.Series) -> float:
    e = (estimated - published).dropna()
    print(
        f"  {name}: MAE {e.abs().mean():.3f} pp, median {e.abs().median():.3f}, "
        f"90th pct {e.abs().quantile(0.9):.3f}, max {e.abs().max():.2f}, bias {e.mean():+.3f} "
        f"({len(e)} bassins)"
    )
    return float(e.abs().mean())


def main() -> None:
    t0 = time.perf_counter()
    att = attach_bassins_vie()
    com = set(load_communes().query("type == 'COM'")["code_insee"])
    counts = attachment_counts(att[att["code_insee"].isin(com)])
    print(f"attachment of {sum(counts[k] for k in counts if k != 'approximate'):,} communes "
          f"to bassins de vie 2022: {counts} ({time.perf_counter() - t0:.1f} s)")  # fmt: skip
    bv = load_bassin_vie_indicators().set_index("bassin_vie_2022")

    apl = load_official_apl(2023).merge(att, on="code_insee")
    apl["x"] = apl["apl_generalistes"] * apl["pop_standardisee"]
    g = apl.groupby("bassin_vie_2022")
    e = (g["x"].sum() / g["pop_standardisee"].sum() - bv["apl_gp_bassin_vie_2023"]).dropna()
    print(
        f"attachment check, APL 2023 aggregated vs CartoSanté bassin APL: MAE {e.abs().mean():.3f}"
        f" consultations, median {e.abs().median():.3f}, within rounding (0.05) "
        f"{(e.abs() <= 0.05 + 1e-9).mean():.0%} of {len(e)} bassins"
    )

    t0 = time.perf_counter()
    raw = estimate_population_by_age(calibrate=False)
    t_raw = time.perf_counter() - t0
    t0 = time.perf_counter()
    cal = estimate_population_by_age(attachment=att)
    t_cal = time.perf_counter() - t0
    print(f"ratio-only estimate {t_raw:.1f} s; calibrated {t_cal:.1f} s ({cal.rounds} rounds), "
          f"{len(cal.bands):,} communes")  # fmt: skip

    print("share aged 75+ (published INSEE 2022, per bassin de vie):")
    mae = _errors("ratio-only (independent)", _aggregate(raw, att, 75, None),
                  bv["share_75_plus_2022_pct"])  # fmt: skip
    _errors("calibrated (by construction)", _aggregate(cal, att, 75, None),
            bv["share_75_plus_2022_pct"])  # fmt: skip
    print("share aged under 15:")
    _errors("ratio-only (independent)", _aggregate(raw, att, 0, 10),
            bv["share_under_15_2022_pct"])  # fmt: skip
    _errors("calibrated (by construction)", _aggregate(cal, att, 0, 10),
            bv["share_under_15_2022_pct"])  # fmt: skip
    verdict = "met" if mae <= 1.0 else "NOT met"
    print(f"target MAE ≤ 1 pp on the 75+ share (independent check): {mae:.3f} pp, {verdict}")
    loison = cal.bands.loc["62523"]
    print(f"Loison-sous-Lens (62523): {loison.sum():,.0f} inhabitants, "
          f"{cal.aged(75).loc['62523']:,.0f} aged 75+ (estimated), "
          f"{cal.between(50, 74).loc['62523']:,.0f} aged 50-74")  # fmt: skip
    from proxisante.needs import load_needs, territory_needs
    from proxisante.territory import select

    t0 = time.perf_counter()
    data = load_needs()
    t_layer = time.perf_counter() - t0
    t0 = time.perf_counter()
    lens = select("epci:246200364")
    comp = territory_needs(lens.codes, label=lens.label, data=data)
    print(
        f"whole needs layer (ages, indicators, nurses and home-care access of every commune) "
        f"{t_layer:.1f} s; one territory comparison {time.perf_counter() - t0:.2f} s; "
        f"nurses within 20 min per 1,000 aged 75+: France {data.home_care.nurse_france:.1f}, "
        f"CA de Lens-Liévin {comp.row('nurse_access').territory:.1f}"
    )
    assert np.isfinite(mae)


if __name__ == "__main__":
    main()
