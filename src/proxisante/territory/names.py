"""Names in the form they are compared in (no pandas: the CLI's name search starts fast)."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise_name"]

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_name(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form of a name, for searching.

    >>> normalise_name("Loison-sous-Lens")
    'loison sous lens'
    >>> normalise_name("  L'Hôpital ")
    'l hopital'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    no_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_ALNUM.sub(" ", no_accents.lower()).split())
