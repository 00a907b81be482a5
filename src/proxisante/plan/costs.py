r"""Money of a plan: gross cost, income and net cost, per year and per site.

For profession :math:`p`, candidate :math:`k`, year :math:`t`, with :math:`X_{pkt}` the FTE
added (cumulative) and :math:`O_{kt}` the centre open:

.. math::

    E_{pkt} = X_{pk,t-1} + \rho\,(X_{pkt} - X_{pk,t-1})
    \quad\text{(activity: a hire works a share } \rho \text{ of its first year)}

    \text{gross}_t = \sum_{p,k} (c_p + u_p)\,X_{pkt}
        + c_o \sum_{k\,new} (O_{kt} - O_{k,t-1}) + c_s \sum_{k\,new} O_{kt}

    \text{income}_t = \sum_{p,k} r_p (1 + \phi)\,E_{pkt}

    \text{net}_t = \text{gross}_t - \text{income}_t

with :math:`c_p` the employer cost of one FTE, :math:`u_p` the running cost that comes with
one FTE (support staff — 1.6 FTE per GP FTE, IGAS 2025 — and other activity costs,
:meth:`~proxisante.plan.assumptions.PlanAssumptions.support_per_fte`), :math:`c_o` the
opening investment, :math:`c_s` the fixed running cost of a new centre, :math:`r_p` the
fees of one FTE at full activity (GPs: a salaried GP's consultations × G tariff) and
:math:`\phi` the fixed payments as a share of the fees (accord national des centres de
santé). Everything is incremental to the "sans COG" baseline (the staff already in post
and their income are not counted). All parameters: :mod:`proxisante.plan.assumptions`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from proxisante.plan.instance import PlanInstance

__all__ = [
    "activity",
    "cost_coefficients",
    "replacement_credit",
    "replacements",
    "site_year_costs",
    "year_net_cost",
]


def replacements(inst: PlanInstance) -> np.ndarray:
    """Professions × candidates × years: FTE hired that year to replace a departure of the
    operator's own centres (the increase of the imposed minimum, ``inst.min_fte``)."""
    floor = inst.min_fte
    prev = np.concatenate([np.zeros((*floor.shape[:-1], 1)), floor[..., :-1]], axis=-1)
    return np.maximum(floor - prev, 0.0)


def activity(inst: PlanInstance, fte: np.ndarray) -> np.ndarray:
    """FTE at work each year, same shape as ``fte`` (professions × candidates × years).

    A new hire works a share ρ of its first year (ramp-up: a patientèle to build); a hire
    that replaces a departure of the operator's centre takes over the departed
    professional's patients and works the whole year (capped at the FTE in post).
    """
    fte = np.asarray(fte, dtype=float)
    prev = np.concatenate([np.zeros((*fte.shape[:-1], 1)), fte[..., :-1]], axis=-1)
    rho = inst.assumptions.ramp_up_share
    return np.minimum(prev + rho * (fte - prev) + (1.0 - rho) * replacements(inst), fte)


def replacement_credit(inst: PlanInstance) -> np.ndarray:
    """Per year, the income (euros) the replacements earn beyond a new hire's ramp-up share:
    ``Σ_p (1 − ρ) r_p (1 + φ) ΔF_pt`` (:func:`activity`)."""
    c = cost_coefficients(inst)
    rho = inst.assumptions.ramp_up_share
    return (1.0 - rho) * np.einsum("p,pkt->t", c["income"], replacements(inst))


def cost_coefficients(inst: PlanInstance) -> dict[str, np.ndarray]:
    """Net-cost coefficients per profession (arrays over ``inst.professions``).

    ``now``: euros per FTE in the year's cumulative FTE :math:`X_t` (gross minus the
    ramp-up share of the income); ``before``: euros per FTE in :math:`X_{t-1}` (minus the
    rest of the income: :math:`-(1-\\rho) r (1+\\phi)`); ``gross`` and ``income`` per FTE.
    """
    a = inst.assumptions
    gross = np.array([a.cost_per_fte(p) + a.support_per_fte(p) for p in inst.professions])
    income = np.array([a.income_per_fte(p) for p in inst.professions])
    rho = a.ramp_up_share
    return {"gross": gross, "income": income, "now": gross - rho * income,
            "before": -(1.0 - rho) * income}  # fmt: skip


def year_net_cost(
    inst: PlanInstance,
    fte_t: np.ndarray,
    fte_prev: np.ndarray,
    open_t: np.ndarray,
    open_prev: np.ndarray,
    t: int | None = None,
) -> float:
    """Net cost (euros) of one year; ``fte_*`` are professions × candidates (cumulative);
    with ``t``, the year's replacements work the whole year
    (:func:`replacement_credit`)."""
    c = cost_coefficients(inst)
    new = ~inst.existing
    a = inst.assumptions
    return float(
        c["now"] @ fte_t.sum(axis=1) + c["before"] @ fte_prev.sum(axis=1)
        + a.opening_eur * (open_t[new] - open_prev[new]).sum()
        + a.site_eur_per_year * open_t[new].sum()
        - (0.0 if t is None else float(replacement_credit(inst)[t]))
    )  # fmt: skip


def site_year_costs(inst: PlanInstance, fte: np.ndarray, opened: np.ndarray) -> pd.DataFrame:
    """Gross, income and net cost of every candidate that does something, per year.

    Parameters
    ----------
    fte
        Professions × candidates × years, cumulative FTE added.
    opened
        Candidates × years, 0/1.

    Returns
    -------
    pandas.DataFrame
        ``candidate_id, year, salaries_eur, running_eur, opening_eur, gross_eur, fees_eur,
        fixed_payments_eur, income_eur, net_eur`` (rows with any money only).
    """
    a = inst.assumptions
    _, k, t_n = fte.shape
    at_work = activity(inst, fte)
    salary = np.array([a.cost_per_fte(p) for p in inst.professions])
    support = np.array([a.support_per_fte(p) for p in inst.professions])
    fees = np.array([a.fees_per_fte(p) for p in inst.professions])
    new = (~inst.existing).astype(float)[:, None]
    open_prev = np.concatenate([inst.existing.astype(float)[:, None], opened[:, :-1]], axis=1)
    salaries = np.einsum("p,pkt->kt", salary, fte)
    running = np.einsum("p,pkt->kt", support, fte) + a.site_eur_per_year * opened * new
    opening = a.opening_eur * (opened - open_prev) * new
    fee = np.einsum("p,pkt->kt", fees, at_work)
    fixed = a.fixed_payment_share * fee
    df = pd.DataFrame({
        "candidate_id": np.repeat(inst.candidates["candidate_id"].to_numpy(), t_n),
        "year": np.tile(inst.years, k),
        "salaries_eur": salaries.ravel(), "running_eur": running.ravel(),
        "opening_eur": opening.ravel(), "fees_eur": fee.ravel(),
        "fixed_payments_eur": fixed.ravel(),
    })  # fmt: skip
    df["gross_eur"] = df["salaries_eur"] + df["running_eur"] + df["opening_eur"]
    df["income_eur"] = df["fees_eur"] + df["fixed_payments_eur"]
    df["net_eur"] = df["gross_eur"] - df["income_eur"]
    keep = (df[["gross_eur", "income_eur"]].abs() > 1e-9).any(axis=1)
    return df[keep].reset_index(drop=True)
