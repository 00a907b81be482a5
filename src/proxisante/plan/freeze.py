r"""The "sans COG" baseline: a hiring freeze where departures are not replaced.

Without a contract (COG) the operator cannot recruit, so every departure is lost. For each
staff row of the operator and each plan year :math:`y` (first plan year :math:`y_0`):

- when the birth year :math:`n` is known, the person has left once :math:`y - n \ge A`
  (retirement age :math:`A`);
- otherwise the expected FTE still in post is :math:`S (1 - a)^{y - y_0 + 1}` with the
  profession's yearly attrition :math:`a` (sourced in
  :mod:`proxisante.plan.assumptions`): the freeze starts when the previous COG ended (end
  of 2024), so the first plan year already loses one year of departures.

Staff of other operators with a known birth year retire the same way (their replacement is
not the operator's to decide); without a birth year they are kept constant. The FTE lost
change the access measure through the engine's exact linear effects (``docs/methods.md``,
"The marginal-effect identity"), so the counterfactual worsens year by year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["freeze_losses"]


def freeze_losses(
    staff: pd.DataFrame,
    years: list[int],
    *,
    attrition_per_year: float,
    retirement_age: float,
    operator_sites: set[str],
) -> tuple[np.ndarray, np.ndarray]:
    """FTE lost by each staff row by each plan year, and how (birth year or attrition).

    Parameters
    ----------
    staff
        Rows of one profession with ``site_id``, ``fte`` and ``birth_year`` (may be
        missing); ``fte`` is already converted from headcounts by the package's one
        conversion, :func:`proxisante.offer.staff_fte` (a missing FTE counts 0).
    years
        Consecutive plan years.
    attrition_per_year
        Share of the operator's staff leaving each year without a known birth year.
    retirement_age
        Age at which a person with a known birth year has left.
    operator_sites
        Site ids of the operator (frozen); other sites lose only known retirements.

    Returns
    -------
    (lost, by_birth_year)
        ``lost`` (rows × years, cumulative FTE gone) and a boolean per row telling whether
        its loss comes from the birth year.
    """
    fte = staff["fte"].astype("Float64").fillna(0.0).to_numpy(dtype=float)
    birth = staff["birth_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    known = np.isfinite(birth)
    mine = staff["site_id"].isin(operator_sites).to_numpy()
    y = np.asarray(years, dtype=float)
    elapsed = y - y[0] + 1.0
    lost = np.zeros((len(staff), len(years)))
    if known.any():
        gone = (y[None, :] - birth[known, None]) >= retirement_age
        lost[known] = gone * fte[known, None]
    decay = mine & ~known
    if decay.any():
        lost[decay] = fte[decay, None] * (1.0 - (1.0 - attrition_per_year) ** elapsed[None, :])
    return lost, known
