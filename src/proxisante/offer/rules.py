"""Rules every change of the offer respects, whether stored (``offer edit``) or hypothetical
(a scenario's edits): the site exists and is open, staff stays ≥ 0 FTE, places stay ≥ 0.

Both :func:`proxisante.offer.edits.edit_site` and :func:`proxisante.scenarios.apply_edits`
call these functions, so a change refused in one is refused in the other with the same words.
"""

from __future__ import annotations

import math

from proxisante.errors import InputError

__all__ = ["check_places", "check_site_open", "fte_after_change"]


def check_site_open(site_id: str, status: str, *, action: str = "edited") -> None:
    """Refuse to change a closed site.

    Parameters
    ----------
    site_id
        The site (FINESS number or slug).
    status
        Its current status (``open`` or ``closed``).
    action
        What was attempted: ``close`` (message: already closed) or a past participle.

    Raises
    ------
    InputError
        The site is closed.

    >>> check_site_open("620000001", "open")
    """
    if status != "closed":
        return
    if action == "close":
        msg = f"site '{site_id}' is already closed"
    else:
        msg = f"site '{site_id}' is closed; it cannot be {action}"
    raise InputError(msg)


def fte_after_change(
    site_id: str, profession: str, current_fte: float, *, delta_fte: float | None = None,
    new_fte: float | None = None,
) -> float:  # fmt: skip
    """The profession's FTE at a site after a change given as a delta or as a new value.

    Raises
    ------
    InputError
        Not exactly one of ``delta_fte`` / ``new_fte``, a non-finite value, or an FTE
        below 0 after the change.

    >>> fte_after_change("s1", "gp", 2.0, delta_fte=-0.5)
    1.5
    """
    if (delta_fte is None) == (new_fte is None):
        msg = "give exactly one of delta_fte or new_fte"
        raise InputError(msg)
    new = current_fte + delta_fte if delta_fte is not None else new_fte
    assert new is not None
    if not math.isfinite(new):
        msg = f"{profession} FTE at '{site_id}' would become {new}; expected a finite number"
        raise InputError(msg)
    if new < 0:
        msg = (
            f"{profession} FTE at '{site_id}' would become {new:g} (now {current_fte:g}); "
            "FTE must stay ≥ 0"
        )
        raise InputError(msg)
    return float(new)


def check_places(capacity_places: float | None) -> None:
    """Authorised places (SSIAD, EHPAD) must be a number ≥ 0 when given.

    Raises
    ------
    InputError
        Negative or non-finite places.
    """
    if capacity_places is None:
        return
    if not math.isfinite(capacity_places) or capacity_places < 0:
        msg = f"capacity_places was {capacity_places}; expected a number of places ≥ 0"
        raise InputError(msg)
