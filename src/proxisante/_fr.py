"""French number and date formatting (narrow no-break space as thousands separator), shared by
the reports (:mod:`proxisante.report.fr`) and the plan's French labels.

>>> fmt_int(1459154)
'1\u202f459\u202f154'
>>> fmt_dec(6.558, 2)
'6,56'
>>> fmt_pct(0.189)
'18,9\u202f%'
>>> fmt_dec(-1.17)
'\u22121,17'
"""

from __future__ import annotations

import math
from datetime import date

__all__ = [
    "MINUS", "fmt_date", "fmt_dec", "fmt_int", "fmt_num", "fmt_pct", "fmt_signed_dec",
    "fmt_signed_int",
]  # fmt: skip

NNBSP = "\u202f"
#: The typographic minus sign (U+2212), used for every negative number of the reports.
MINUS = "\u2212"
MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]  # fmt: skip


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x != x


def fmt_int(x) -> str:
    """Integer with French thousands separator; '—' when missing."""
    if _missing(x):
        return "—"
    return f"{round(float(x)):,}".replace(",", NNBSP).replace("-", MINUS)


def fmt_signed_int(x) -> str:
    """Integer with an explicit sign (+1 234 / −1 234 / 0)."""
    if _missing(x):
        return "—"
    v = round(float(x))
    if v == 0:
        return "0"
    return ("+" if v > 0 else MINUS) + fmt_int(abs(v))


def fmt_dec(x, digits: int = 2) -> str:
    """Decimal number with a comma; '—' when missing."""
    if _missing(x):
        return "—"
    text = f"{float(x):,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", NNBSP)
    if text.startswith("-"):
        # a value rounding to zero is written without sign
        text = text[1:] if set(text[1:]) <= set("0," + NNBSP) else MINUS + text[1:]
    return text


def fmt_num(x, max_digits: int = 3) -> str:
    """Decimal number with a comma and at most ``max_digits`` decimals, trailing zeros dropped
    (parameters, FTE, coordinates: ``1,3``, ``50``, ``2,5``); '—' when missing.

    >>> fmt_num(1.30), fmt_num(50.0), fmt_num(-0.25, 1)
    ('1,3', '50', '−0,2')
    """
    text = fmt_dec(x, max_digits)
    if "," not in text:
        return text
    return text.rstrip("0").removesuffix(",")


def fmt_signed_dec(x, digits: int = 2) -> str:
    """Decimal number with an explicit sign (+0,25 / −0,25 / 0,00).

    >>> fmt_signed_dec(-0.0304, 2)
    '\u22120,03'
    """
    text = fmt_dec(x, digits)
    if text == "—" or text.startswith(MINUS) or set(text) <= set("0," + NNBSP):
        return text
    return "+" + text


def fmt_pct(share, digits: int = 1) -> str:
    """A 0–1 share as a French percentage."""
    if _missing(share):
        return "—"
    return fmt_dec(100 * float(share), digits) + NNBSP + "%"


def fmt_date(d: date) -> str:
    """``25 novembre 2026``."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
