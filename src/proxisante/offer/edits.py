"""Manual edits of the offer kept in the store: add or remove FTE at a site, set its
authorised places, close a site.

Each edit is validated against the current offer (bundled default overlaid with the store),
then written in one transaction together with a row of the ``edits`` log (site, action,
detail, time), so ``offer show`` and the scenario commands see it and the log says who
changed what when.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd

from proxisante import bounds
from proxisante.errors import InputError, shorten
from proxisante.offer.importing import insert_rows, load_offer
from proxisante.offer.model import PROFESSIONS, SITE_SCHEMA, STAFF_SCHEMA, conform
from proxisante.offer.registry import site_supply
from proxisante.offer.rules import check_places, check_site_open, fte_after_change
from proxisante.store import Store

__all__ = ["check_edit_values", "edit_site", "parse_fte_change", "stored_edits"]


def parse_fte_change(spec: str) -> tuple[str, float]:
    """``'gp=+1.5'`` → ``('gp', 1.5)``.

    Raises
    ------
    InputError
        Not ``PROFESSION=DELTA`` with a known profession and a finite number.
    """
    prof, sep, value = spec.partition("=")
    if not sep or prof not in PROFESSIONS:
        msg = (f"FTE change was '{shorten(spec)}'; expected PROFESSION=DELTA with PROFESSION in "
               f"{PROFESSIONS}")  # fmt: skip
        raise InputError(msg)
    # the bounds of a scenario's delta_fte (±10,000 FTE), in ASCII decimal digits
    return prof, bounds.parse("delta_fte", value, where=f"--fte {prof}")


def check_edit_values(fte_changes: list[tuple[str, float]] | None,
                      capacity_places: int | None) -> dict[str, float]:  # fmt: skip
    """The FTE changes added up by profession (``gp=-2 gp=-2``: −4), each change and each
    total within the bound of a scenario's ``delta_fte`` (±10,000 FTE), and the places
    within ``capacity_places``'s (:mod:`proxisante.bounds`), checked before the store is
    opened.

    Raises
    ------
    InputError
        A value or a total out of its range.
    """
    merged: dict[str, float] = {}
    for prof, delta in fte_changes or []:
        merged[prof] = merged.get(prof, 0.0) + bounds.check("delta_fte", delta,
                                                             where=f"--fte {prof}")  # fmt: skip
    for prof, delta in merged.items():
        bounds.check("delta_fte", delta, where=f"--fte {prof} (total)")
    if capacity_places is not None:
        bounds.check("capacity_places", capacity_places, where="--capacity-places")
    return merged


def _requested_changes(fte_changes: list[tuple[str, float]] | None, close: bool,
                       capacity_places: int | None) -> list[tuple[str, float]]:  # fmt: skip
    """The non-zero FTE changes by profession, the values checked; refuses an edit that does
    nothing."""
    merged = check_edit_values(fte_changes, capacity_places)
    changes = [(p, d) for p, d in merged.items() if d != 0]
    if fte_changes and not changes and not close and capacity_places is None:
        msg = "the FTE changes add up to 0 for every profession: nothing to do"
        raise InputError(msg)
    if not changes and not close and capacity_places is None:
        msg = "nothing to do: give FTE changes (PROFESSION=DELTA), places, and/or close the site"
        raise InputError(msg)
    check_places(capacity_places)
    return changes


def edit_site(
    store: Store,
    site_id: str,
    *,
    fte_changes: list[tuple[str, float]] | None = None,
    close: bool = False,
    capacity_places: int | None = None,
) -> pd.Series:
    """Change FTE by profession at a site, set its places and/or close it.

    Returns the site as stored.

    Parameters
    ----------
    store
        Where the edit is saved (one transaction, with a row in the ``edits`` log).
    site_id
        FINESS number or slug of a known, open site.
    fte_changes
        ``(profession, delta_fte)`` pairs, added up by profession; the profession's FTE at
        the site must stay ≥ 0 (staff counted at 1 FTE per person when only a headcount is
        known).
    close
        Set the site's status to ``closed``.
    capacity_places
        Authorised places (SSIAD, EHPAD: the FINESS etalab extract has none), ≥ 0.

    Raises
    ------
    InputError
        Nothing to do, a closed site, or a change leaving negative FTE.
    UnknownCodeError
        Unknown site (with the closest ids).
    """
    changes = _requested_changes(fte_changes, close, capacity_places)
    offer = load_offer(store)
    site = offer.site(site_id)
    check_site_open(site_id, site["status"])
    for prof, delta in changes:
        fte = site_supply(offer, profession=prof).set_index("site_id")["fte"]
        fte_after_change(site_id, prof, float(fte.get(site_id, 0.0)), delta_fte=delta)
    row = site.copy()
    if close:
        row["status"] = "closed"
    if capacity_places is not None:
        row["capacity_places"] = capacity_places
    new_site = conform(pd.DataFrame([row]), SITE_SCHEMA, what="site")
    new_staff = conform(
        pd.DataFrame({
            "site_id": site_id, "commune": site["commune"], "profession": [p for p, _ in changes],
            "fte": [d for _, d in changes], "employment": "salaried", "source": "offer edit",
        }),
        STAFF_SCHEMA,
        what="staff",
    )  # fmt: skip
    detail = json.dumps(
        {"close": close, "fte": dict(changes), "capacity_places": capacity_places},
        ensure_ascii=False,
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction() as con:
        con.register("new_site", new_site)
        con.execute("DELETE FROM sites WHERE site_id = ?", [site_id])
        insert_rows(con, "sites", SITE_SCHEMA, "new_site")
        con.unregister("new_site")
        if len(new_staff):
            con.register("new_staff", new_staff)
            insert_rows(con, "staff", STAFF_SCHEMA, "new_staff")
            con.unregister("new_staff")
        con.execute(
            "INSERT INTO edits SELECT coalesce(max(edit_id), 0) + 1, ?, ?, ?, ? FROM edits",
            [site_id, "close" if close and not changes else "edit", detail, now],
        )
    return new_site.iloc[0]


def stored_edits(store: Store) -> pd.DataFrame:
    """The log of manual edits (one row per edit, oldest first)."""
    return store.con.execute("SELECT * FROM edits ORDER BY edit_id").df()
