"""The valid range of every number a user gives, in one table, checked at every door.

Plans (assumptions file, ``--set``, ``--step``, ``--time-limit``, budgets…), scenarios (file
or web body), offer edits (``offer edit --fte``, ``--capacity-places``) and supply files
(``model calibrate --supply``, ``scenario run --full-supply``, ``plan … --supply``) all check
their numbers through :func:`check` (a value already parsed: YAML/JSON number, option) or
:func:`parse` (text: a CSV field, ``NAME=NUMBER``), against the row of :data:`PARAMETERS`
of the same name. A number is refused unless it is

- a real number, not a boolean (``true`` is not 1), finite (no NaN, no infinity);
- written in ASCII decimal digits when it comes as text (``1_000``, ``0x10``, ``1:30``,
  ``١`` and other non-ASCII digits are refused; ``1e3`` and ``-2.5`` are accepted);
- within the row's range, and whole where the row says so.

Every refusal is one line naming where the value came from (option, file and field), the
value (cut to 60 characters), the unit and the accepted range.

Adding a parameter is one row: ``Bound("my_parameter", low, high, "unit", "what it is")``
in :data:`PARAMETERS` (``low_open=True`` when ``low`` itself is refused, ``integer=True``
for whole numbers); a pydantic field takes
``Annotated[float, Strict(), validator("name")]``. docs/security.md lists the table (a test
keeps them in step).

Work bounds
-----------
Loops whose length follows from the numbers (a plan's greedy adds one ``fte_step`` at a
time) check :func:`check_work` before they start: the number of elementary steps they would
take is computed from the inputs and refused above a documented budget, with a message that
says which input to change.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import AfterValidator

from proxisante.errors import InputError, shorten

__all__ = [
    "PARAMETERS",
    "Bound",
    "check",
    "check_work",
    "markdown_table",
    "parse",
    "validator",
]

#: A decimal number in ASCII digits: optional sign, digits with an optional fraction (or a
#: fraction alone), optional exponent. No ``_`` separators, no hexadecimal or octal, no
#: sexagesimal (``1:30``), no ``inf``/``nan``.
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
#: Longest number accepted as text (a decimal number needs far fewer characters).
MAX_NUMBER_CHARS = 40


@dataclass(frozen=True)
class Bound:
    """The valid range of one parameter.

    Attributes
    ----------
    name
        The parameter's name (field of a file, assumption, option without ``--``).
    low, high
        Smallest and largest value accepted (``low`` excluded when ``low_open``).
    unit
        Unit said in messages and docs (``FTE``, ``€``, ``share``…).
    what
        What the parameter is (docs).
    low_open
        ``low`` itself is refused (e.g. a step must be > 0).
    integer
        Only whole numbers.
    """

    name: str
    low: float
    high: float
    unit: str
    what: str
    low_open: bool = False
    integer: bool = False

    def range_text(self) -> str:
        """``'[0, 10,000]'``, ``'(0, 1]'``…"""
        return f"{'(' if self.low_open else '['}{_num(self.low)}, {_num(self.high)}]"

    def contains(self, value: float) -> bool:
        low_ok = value > self.low if self.low_open else value >= self.low
        return low_ok and value <= self.high and (not self.integer or float(value).is_integer())


def _num(x: float) -> str:
    """A bound as text: ``10,000``, ``2020``, ``0.01``, ``1e+08``."""
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}" if abs(x) >= 10_000 else str(int(x))
    return f"{x:g}"


def _shown(value: Any) -> str:
    """A refused value as text: numbers in short form (``1e+09``), others cut."""
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.6g}"
    return shorten(value)


def _table(*bounds: Bound) -> dict[str, Bound]:
    return {b.name: b for b in bounds}


#: Every numeric parameter a user can give, by name.
PARAMETERS: dict[str, Bound] = _table(
    # --- plans: assumptions (file, --set, options) --------------------------------------
    Bound("gp_consultations_per_fte", 0, 20_000, "consultations/year",
          "consultations of one GP FTE a year (DREES: 5,400); 0 would be a plan with no "
          "income", low_open=True),
    Bound("salaried_gp_consultations_per_fte", 0, 20_000, "consultations/year",
          "consultations of one salaried GP FTE hired by a plan", low_open=True),
    Bound("gp_tariff_eur", 1, 1_000, "€", "tariff of the G consultation (30 €)"),
    Bound("fixed_payment_share", 0, 1, "share", "centre's fixed payments, share of its fees"),
    Bound("nurse_fees_eur_per_fte", 0, 1e6, "€/year", "fees of one nurse FTE a year"),
    Bound("gp_fte_eur_per_year", 0, 1e6, "€/year", "employer cost of one GP FTE",
          low_open=True),
    Bound("nurse_fte_eur_per_year", 0, 1e6, "€/year", "employer cost of one nurse FTE",
          low_open=True),
    Bound("support_eur_per_fte", 0, 1e6, "€/year", "running cost per care FTE"),
    Bound("support_fte_per_gp_fte", 0, 20, "FTE", "support staff per GP FTE"),
    Bound("support_fte_per_other_fte", 0, 20, "FTE", "support staff per FTE of the others"),
    Bound("support_staff_eur_per_fte", 0, 1e6, "€/year", "employer cost of one support FTE"),
    Bound("site_eur_per_year", 0, 1e7, "€/year", "fixed running cost of a new centre"),
    Bound("opening_eur", 0, 1e8, "€", "investment to open a centre"),
    Bound("ramp_up_share", 0, 1, "share", "share of a hire's activity in its first year"),
    Bound("min_team_gp_fte", 0, 50, "FTE", "GP team of a new centre the year it opens"),
    Bound("fte_step", 0.01, 10, "FTE", "step of hires (--step)"),
    Bound("max_added_fte_per_site", 0.01, 500, "FTE", "FTE added at most per site"),
    Bound("gp_attrition_per_year", 0, 1, "share/year", "GPs leaving under a hiring freeze"),
    Bound("nurse_attrition_per_year", 0, 1, "share/year",
          "nurses leaving under a hiring freeze"),
    Bound("other_attrition_per_year", 0, 1, "share/year",
          "other professions leaving under a hiring freeze"),
    Bound("retirement_age", 55, 80, "years", "age of departure when the birth year is known"),
    Bound("gp65_mean_remaining_years", 0, 30, "years",
          "mean remaining activity of GPs aged 65+ (no-COG baseline)", low_open=True),
    Bound("gp60_64_share_of_under65", 0, 1, "share",
          "share of the supply of GPs under 65 held by GPs aged 60-64 (no-COG baseline)"),
    Bound("installation_factor", 0, 10, "factor",
          "new GP installations, multiple of the département's BPE 2017 → 2021 trend"),
    Bound("hires_fte_per_year", 0, 10_000, "FTE/year", "hiring capacity of the network"),
    Bound("budget_growth_per_year", 0, 1, "share/year", "budget growth (« croissance »)"),
    Bound("growth_hires_elasticity", 0, 10, "ratio",
          "share of budget growth passed on to the hiring capacity"),
    Bound("centre_gp_fte_per_person", 0, 1, "FTE/person",
          "FTE per salaried centre GP known by headcount", low_open=True),
    Bound("fte_eur_per_year", 0, 1e6, "€/year",
          "employer cost of one FTE of another profession (<profession>_fte_eur_per_year)",
          low_open=True),
    Bound("fees_eur_per_fte", 0, 1e6, "€/year",
          "fees of one FTE of another profession (<profession>_fees_eur_per_fte)"),
    Bound("attrition_per_year", 0, 1, "share/year",
          "another profession leaving under a freeze (<profession>_attrition_per_year)"),
    # --- plans: options -----------------------------------------------------------------
    Bound("budget_eur", 0, 1e10, "€/year", "net budget of one year (--budget, "
          "--budget-per-year)"),
    Bound("year", 2020, 2060, "year", "a plan year (--from, --to, --budget YEAR=…)",
          integer=True),
    Bound("plan_years", 1, 40, "years", "years of a plan (--to − --from + 1)", integer=True),
    Bound("time_limit_s", 0, 3_600, "seconds", "solver time limit (--time-limit)",
          low_open=True),
    Bound("max_candidates", 1, 5_000, "candidates", "rule candidates kept (--max-candidates)",
          integer=True),
    Bound("threshold_per_100k", 0, 100_000, "FTE per 100,000",
          "under-served level of a profession (--threshold)", low_open=True),
    # --- scenarios, offer edits, supply files -------------------------------------------
    Bound("fte", 0, 10_000, "FTE", "FTE of a profession at a site (scenario fte, open_site)"),
    Bound("open_fte", 0, 10_000, "FTE", "FTE of a profession at a new site (open_site)",
          low_open=True),
    Bound("delta_fte", -10_000, 10_000, "FTE",
          "FTE added or removed at a site (scenario delta_fte, offer edit --fte)"),
    Bound("activity_consultations", 0, 1e8, "consultations/year",
          "yearly activity of a profession at a site"),
    Bound("capacity_places", 0, 100_000, "places",
          "authorised places of a site (scenario, offer edit --capacity-places)", integer=True),
    Bound("delta_places", -100_000, 100_000, "places", "places added or removed at a site",
          integer=True),
    Bound("population", 0, 1e8, "inhabitants", "projected population of a commune or "
          "département", low_open=True),
    Bound("population_factor", 0, 10, "ratio", "population multiplier (population_change)",
          low_open=True),
    Bound("retirement_share", 0, 1, "share", "share of the professionals who retire",
          low_open=True),
    Bound("age_at_least", 50, 80, "years", "age from which professionals retire",
          integer=True),
    Bound("imported_apl", 0, 1_000_000, "APL unit",
          "an APL value of an imported file (consultations/yr per inhabitant, or FTE per "
          "100,000 inhabitants)"),
    Bound("departures_count", 1, 10_000, "professionals",
          "professionals of a profession leaving a commune (scenario departures)",
          integer=True),
    Bound("scenario_year", 2020, 2040, "year", "year of a retirement wave", integer=True),
    Bound("projection_year", 2020, 2100, "year", "year of a population projection",
          integer=True),
    Bound("calibration_iterations", 1, 5_000, "iterations",
          "iterations of the supply fit (model calibrate --iterations)", integer=True),
    Bound("calibration_folds", 0, 50, "folds",
          "département folds of the held-out validation (model calibrate --folds)",
          integer=True),
    Bound("supply_fte", 0, 10_000, "FTE", "FTE of a commune (or site) in a supply file"),
    Bound("supply_consultations", 0, 1e8, "consultations/year",
          "consultations of a commune (or site) in a supply file"),
)  # fmt: skip

#: Elementary steps a plan's greedy may take (one step of ``fte_step`` FTE at one of the
#: candidates, for one profession): about 1 µs each on one core, so ≈ 20 s at most.
MAX_PLAN_WORK = 2e7


def _bound(name: str) -> Bound:
    try:
        return PARAMETERS[name]
    except KeyError:
        msg = f"no bound declared for parameter '{name}' (proxisante.bounds.PARAMETERS)"
        raise KeyError(msg) from None


def _refuse(bound: Bound, value: Any, where: str | None, what: str | None = None,
            label: str | None = None) -> InputError:  # fmt: skip
    where = f"{where}: " if where else ""
    kind = "a whole number" if bound.integer else "a number"
    expected = what or f"{kind} of {bound.unit} in {bound.range_text()}"
    return InputError(f"{where}{label or bound.name} was {_shown(value)}; expected {expected}")


def check(name: str, value: Any, *, where: str | None = None, label: str | None = None) -> float:
    """``value`` as a float after checking it against the bound of ``name``.

    Parameters
    ----------
    name
        A key of :data:`PARAMETERS`.
    value
        An int or float (booleans and text are refused: use :func:`parse` for text).
    where
        Where the value came from, said first in the message (``--step``, ``a.yaml``).
    label
        The name the user gave, when it differs from ``name`` (e.g.
        ``physiotherapist_fte_eur_per_year`` for the row ``fte_eur_per_year``).

    Raises
    ------
    InputError
        Not a number (or a boolean), not finite, outside the range, or not whole where
        required.

    >>> check("fte_step", 0.5)
    0.5
    """
    bound = _bound(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse(bound, value, where, label=label)
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        raise _refuse(bound, value, where, label=label) from None
    if not math.isfinite(number) or not bound.contains(number):
        raise _refuse(bound, value, where, label=label)
    return number


def parse(name: str, text: str, *, where: str | None = None) -> float:
    """A number written as text (an option, a CSV field) checked like :func:`check`.

    Only ASCII decimal numbers are read (see :data:`DECIMAL`); surrounding spaces are
    ignored.

    >>> parse("delta_fte", "+1.5")
    1.5
    """
    bound = _bound(name)
    raw = text.strip() if isinstance(text, str) else text
    if not isinstance(raw, str) or len(raw) > MAX_NUMBER_CHARS or not DECIMAL.fullmatch(raw):
        kind = "a whole number" if bound.integer else "a decimal number"
        what = f"{kind} in ASCII digits (e.g. 2.5), of {bound.unit} in {bound.range_text()}"
        raise _refuse(bound, text, where, what)
    return check(name, float(raw) if not bound.integer or "." in raw or "e" in raw.lower()
                 else int(raw), where=where)  # fmt: skip


def check_work(what: str, steps: float, *, limit: float, change: str) -> None:
    """Refuse a computation of ``steps`` elementary steps above ``limit`` before it starts.

    Raises
    ------
    InputError
        ``steps`` above ``limit`` (the message says what to change).
    """
    if not math.isfinite(steps) or steps > limit:
        shown = f"{steps:.3g}" if math.isfinite(steps) else "unbounded"
        msg = f"{what} would take {shown} steps; at most {limit:.3g} are allowed: {change}"
        raise InputError(msg)


def validator(name: str) -> AfterValidator:
    """The pydantic validator of a field bounded by ``name`` (:func:`check`), to put with
    ``Strict()`` (no text, no boolean) in the field's type, e.g.
    ``DeltaFte = Annotated[float, Strict(), bounds.validator("delta_fte")]``."""
    _bound(name)

    def _validate(v: float) -> float:
        check(name, v)
        return v

    return AfterValidator(_validate)


def markdown_table(names: Iterable[str] | None = None) -> str:
    """The table of :data:`PARAMETERS` (or of ``names``) as Markdown, for the docs."""
    rows = ["| parameter | accepted | unit | what |", "|---|---|---|---|"]
    for name in names or PARAMETERS:
        b = PARAMETERS[name]
        accepted = b.range_text() + (", whole" if b.integer else "")
        rows.append(f"| `{b.name}` | {accepted} | {b.unit} | {b.what} |")
    return "\n".join(rows)
