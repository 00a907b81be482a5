"""Benchmark: ``plan cog --operator filieris``; the plan MILP on Nord + Pas-de-Calais;
greedy; MCLP vs PySAL spopt.

0. The network COG plan as a user runs it (``proxisante plan cog --operator filieris --from
   2025 --to 2028``, default budget, sourced costs, the "sans COG" world with retirements
   and installations, budget scenarios and the ±20 % sensitivity): wall time of the command
   (target ≤ 60 s on 2 cores; the load average is printed, the machine may be shared), the
   MILP's proven gap (target ≤ 0.5 %), and from its workbook the plan against the world
   without a COG per year and the year the budget binds. ``--cog-only`` runs this part only.

1. Deficit objective, 2025-2028, with the COG constraints (candidates from the stated rule,
   at most 300, + the Filieris centres; minimum team of 2 GP FTE at opening; 0.5 FTE steps;
   50 % first-year activity; net budget with fee income; departures of the Filieris centres
   replaced): proven gap and time (target ≤ 1 % within 60 s) and greedy vs MILP, same run.
2. Coverage objective (MCLP): open p = 20 centres among the same candidates to cover the most
   people of under-served communes (APL < 2.5) within 10 minutes: our HiGHS model vs spopt's
   ``MCLP.from_cost_matrix`` (CBC through PuLP) on the same instance, same run.
3. Nurses' 75+ home-care measure: inputs built from the needs layer (no cache: what every
   plan with nurses paid before the cache, ≈ 40-60 s per process) vs read from the disk
   cache, then the GP + nurse instance of the CA de Lens-Liévin.
"""

from __future__ import annotations

import time

import numpy as np

from proxisante.plan import build_instance, greedy, solve_milp
from proxisante.plan.coverage import max_coverage
from proxisante.territory import select
from proxisante.travel import estimate_matrix


def home_care_timing() -> None:
    """Before/after of the nurses' measure inputs (fresh cache folder, then cache hit)."""
    import tempfile
    from pathlib import Path

    from proxisante.plan.home_care import home_care_inputs

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        first = home_care_inputs(cache_dir=Path(tmp))
        t1 = time.perf_counter()
        again = home_care_inputs(cache_dir=Path(tmp))
        t2 = time.perf_counter()
    assert not first.cached and again.cached
    print(f"nurses' home-care inputs: built {t1 - t0:.1f} s (before: every process), "
          f"from the disk cache {t2 - t1:.2f} s (after)")  # fmt: skip
    t0 = time.perf_counter()
    inst = build_instance(select("epci:246200364"), budgets_eur={2025: 6e5, 2026: 6e5},
                          professions=("gp", "nurse"), max_candidates=20)  # fmt: skip
    print(f"GP + nurse instance, CA de Lens-Liévin ({len(inst.codes)} communes): "
          f"{time.perf_counter() - t0:.1f} s with the cache")  # fmt: skip


NET_YEAR = "coût net de l'année (€)"


def cog_network() -> None:
    """Time ``plan cog --operator filieris`` end to end and print its figures."""
    import os
    import re
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from openpyxl import load_workbook

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cog.xlsx"
        env = dict(os.environ, PROXISANTE_STORE=str(Path(tmp) / "store.duckdb"), COLUMNS="200")
        cmd = [sys.executable, "-m", "proxisante", "plan", "cog", "--operator", "filieris",
               "--from", "2025", "--to", "2028", "--time-limit", "30", "--out", str(out)]  # fmt: skip
        load0 = os.getloadavg()[0]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        wall = time.perf_counter() - t0
        load1 = os.getloadavg()[0]
        if done.returncode != 0:
            print(f"plan cog failed ({done.returncode}): {done.stderr.strip()[-500:]}")
            return
        text = " ".join(done.stdout.split())
        gap = re.search(r"écart d'optimalité prouvé ([0-9, ]+%)", text)
        print(f"plan cog --operator filieris 2025-2028: {wall:.1f} s wall (load average "
              f"{load0:.1f} → {load1:.1f} on {os.cpu_count()} CPUs); MILP proven gap "
              f"{gap.group(1) if gap else '?'} (target ≤ 0.5 %)")  # fmt: skip
        binds = re.search(r"Le budget limite le plan de base ([^;]+);", text)
        if binds:
            print(f"budget binds: {binds.group(1).strip()}")
        wb = load_workbook(out, read_only=True)
        rows = list(wb["Plan et sans COG"].iter_rows(values_only=True))
        head = rows[0]
        for r in rows[1:]:
            v = dict(zip(head, r, strict=True))
            print(f"  {v['année']}: under 2.5 by the zoning APL without a COG "
                  f"{v['habitants sous 2,5 (APL zonage) sans COG (estimé)']:,.0f} "
                  f"({v['fourchette sans COG (APL zonage)']}), with the plan "
                  f"{v['habitants sous 2,5 (APL zonage) avec le plan (estimé)']:,.0f}; by the "
                  f"projected access {v['habitants sous 2,5 (accès projeté) sans COG (estimé)']:,.0f}"
                  f" → {v['habitants sous 2,5 (accès projeté) avec le plan (estimé)']:,.0f}; "
                  f"{v['ETP ajoutés par le plan (cumul)']:g} FTE; net cost "
                  f"{v[NET_YEAR]:,.0f} € (cumulated "
                  f"{v['coût net cumulé (€)']:,.0f} €)")  # fmt: skip
        anchor = dict(zip(head, rows[1], strict=True))
        print(f"  official anchors (DREES 2023): "
              f"{anchor['ancrage officiel : habitants sous 2,5, APL des moins de 65 ans']:,.0f} "
              f"under 2.5 by the APL of GPs under 65, "
              f"{anchor['ancrage officiel : habitants sous 2,5, APL de tous les médecins']:,.0f} "
              "by the APL of every GP")  # fmt: skip
        sens = list(wb["Sensibilité"].iter_rows(values_only=True))
        print("  sensitivity: " + "; ".join(
            f"{r[0]}: {r[sens[0].index('ETP ajoutés (cumul)')] or 0:g} FTE, budget binds from "
            f"{r[sens[0].index('budget limitant dès')]}" for r in sens[1:]))  # fmt: skip


def main() -> None:
    codes = np.concatenate([select("dep:59").codes, select("dep:62").codes])
    terr = select(",".join(codes))
    t0 = time.perf_counter()
    inst = build_instance(
        terr,
        budgets_eur={2025: 1.2e6, 2026: 1.4e6, 2027: 1.6e6, 2028: 1.8e6},
        hires_fte=8,
        max_candidates=300,
    )
    a = inst.assumptions
    print(
        f"instance: {len(inst.codes):,} communes, {inst.n_candidates} candidates "
        f"({int(inst.existing.sum())} existing), {len(inst.years)} years, min team "
        f"{a.min_team_gp_fte:g} FTE, step {a.fte_step:g} FTE, ramp-up {a.ramp_up_share:.0%}, "
        f"built in {time.perf_counter() - t0:.1f} s"
    )
    t0 = time.perf_counter()
    g = greedy(inst, "deficit")
    tg = time.perf_counter() - t0
    sol = solve_milp(inst, "deficit", time_limit_s=60, mip_rel_gap=1e-3, warm_start=g)
    print(
        f"deficit (population x relative shortfall, lower is better): MILP {sol.objective:,.0f} "
        f"in {sol.seconds:.1f} s, proven gap {sol.gap:.3%} ({sol.status}); greedy "
        f"{g.objective:,.0f} in {tg:.2f} s, {(g.objective - sol.objective) / sol.objective:+.2%} "
        f"vs MILP; {sol.fte.sum(axis=0)[:, -1].sum():g} FTE, "
        f"{int(sol.open[~inst.existing, -1].sum())} new centres"
    )

    # --- coverage: ours vs spopt MCLP on the same instance
    from proxisante.territory import load_communes

    c = load_communes().set_index("code_insee")
    demand = inst.codes
    cand = inst.candidates["commune"].to_numpy()
    tm = estimate_matrix(
        demand,
        c.loc[demand, "lat"],
        c.loc[demand, "lon"],
        np.unique(cand),
        c.loc[np.unique(cand), "lat"],
        c.loc[np.unique(cand), "lon"],
        cutoff_minutes=10,
    )
    covers = tm.minutes.copy()  # stored pairs are within 10 minutes (a stored 0 included)
    covers.data = np.ones_like(covers.data)
    weights = np.where(inst.blocks[0].today < 2.5, inst.population, 0.0)
    p = 20
    t0 = time.perf_counter()
    _, ours, gap = max_coverage(covers, weights, p=p)
    t_ours = time.perf_counter() - t0
    print(
        f"MCLP (p={p}, 10 min, under-served people): ours {ours:,.0f} covered in {t_ours:.2f} s "
        f"(gap {gap:.2%})"
    )
    try:
        import pulp
        from spopt.locate import MCLP

        dense = np.full(covers.shape, 1e6)
        coo = tm.minutes.tocoo()
        dense[coo.row, coo.col] = coo.data
        t0 = time.perf_counter()
        model = MCLP.from_cost_matrix(dense, weights, service_radius=10.0, p_facilities=p)
        model = model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=120))
        t_sp = time.perf_counter() - t0
        chosen = [j for j, v in enumerate(model.fac_vars) if v.value() and v.value() > 0.5]
        covered_sp = float(weights[(covers.tocsc()[:, chosen].sum(axis=1) > 0)].sum())
        print(
            f"spopt MCLP (CBC): {covered_sp:,.0f} covered in {t_sp:.2f} s; "
            f"time ratio spopt/ours {t_sp / t_ours:.1f}x"
        )
    except ImportError as exc:
        print(f"spopt comparison skipped: {exc}")


if __name__ == "__main__":
    import sys

    cog_network()
    if "--cog-only" not in sys.argv:
        home_care_timing()
        main()
