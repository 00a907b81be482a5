"""The Jinja2 environment of the French reports (templates in ``report/templates``)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from proxisante.catchment import CATCHMENT_MINUTES
from proxisante.report import fr

__all__ = ["environment"]


@cache
def environment() -> Environment:
    """Autoescaping environment with the French number filters (fint, fdec, fpct, fsigned…)."""
    env = Environment(
        loader=PackageLoader("proxisante", "report/templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        fint=fr.fmt_int, fdec=fr.fmt_dec, fpct=fr.fmt_pct, fsigned=fr.fmt_signed_int,
        fsigneddec=fr.fmt_signed_dec, fdate=fr.fmt_date,
    )  # fmt: skip
    # the catchment limit in the templates' French (« à moins de 20 minutes »): one home
    env.globals["catchment_minutes"] = f"{CATCHMENT_MINUTES:g}"
    return env
