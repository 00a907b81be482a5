"""A scenario's edits applied to the offer: GP supply changes at sites, FTE changes of the
other professions (nurses, physiotherapists, midwives, dentists…), places of SSIAD/EHPAD,
sites closed and opened, professionals leaving a commune.

One function per edit kind, all working on one :class:`_Working` copy of the offer's state,
in the scenario's order (an edit sees the effect of the earlier ones: closing a site twice,
changing staff at a site closed earlier, or closing a site opened earlier are all checked).
The rules shared with stored edits (site open, FTE ≥ 0) are those of
:mod:`proxisante.offer.rules`. Population edits change demand, not the offer: they are
applied by :func:`proxisante.scenarios.evaluate`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from proxisante._identity import IdentityCache
from proxisante.errors import InputError, UnknownCodeError
from proxisante.offer import (
    CONSULTATIONS_PER_FTE,
    Offer,
    check_places,
    check_site_open,
    fte_after_change,
    site_supply,
    staff_fte,
)
from proxisante.professions import PROFESSION_CODES, PROFESSIONS
from proxisante.scenarios.model import (
    ChangeCapacity,
    ChangeStaff,
    CloseSites,
    Departures,
    OpenSite,
    OperatorExit,
    PopulationChange,
    PopulationProjection,
    Retirements,
    Scenario,
)
from proxisante.territory import bpe2021_counts, check_commune_codes, select

__all__ = [
    "HOME_CARE_PROFESSIONS",
    "OPENED_COLUMNS",
    "OTHER_PROFESSIONS",
    "AppliedEdits",
    "StaffChange",
    "SupplyChange",
    "apply_edits",
    "supply_changes",
]

#: Professions whose FTE changes the home-care indicators (:mod:`proxisante.needs`).
HOME_CARE_PROFESSIONS = ("nurse",)
#: Professions whose FTE changes are staff changes (every profession but GPs, whose changes
#: are supply changes of the APL's consultations).
OTHER_PROFESSIONS = tuple(p for p in PROFESSION_CODES if p != "gp")

#: Columns of :attr:`AppliedEdits.opened` (the sites a scenario opens).
OPENED_COLUMNS = [
    "site_id", "name", "category", "operator", "commune", "status", "capacity_places", "source",
]  # fmt: skip


@dataclass(frozen=True)
class SupplyChange:
    """One supply change of GP consultations at a site, and the edit it comes from."""

    edit: int
    kind: str
    site_id: str
    commune: str
    delta_fte: float
    delta_consultations: float
    basis: str


@dataclass(frozen=True)
class StaffChange:
    """One FTE change of a profession other than GPs at a site (or ``commune:<INSEE>`` for
    professionals practising outside the offer's sites), and the edit it comes from."""

    edit: int
    kind: str
    site_id: str
    commune: str
    profession: str
    delta_fte: float


@dataclass(frozen=True)
class AppliedEdits:
    """What a scenario does to the offer: GP supply changes, FTE changes of the other
    professions, places, sites closed and opened, operators changed."""

    changes: list[SupplyChange]
    notes: list[str]
    closed: list[str]
    #: the sites the scenario opens, one dict per site with the :data:`OPENED_COLUMNS`
    opened_rows: list[dict[str, Any]]
    staff_changes: list[StaffChange] = field(default_factory=list)
    capacities: dict[str, int] = field(default_factory=dict)
    operators: dict[str, str] = field(default_factory=dict)

    @cached_property
    def opened(self) -> pd.DataFrame:
        """The sites the scenario opens (:data:`OPENED_COLUMNS`; status closed for a site
        opened then closed by a later edit)."""
        return pd.DataFrame(self.opened_rows, columns=OPENED_COLUMNS)

    def opens(self, category: str) -> bool:
        """True when the scenario opens a site of ``category``."""
        return any(o["category"] == category for o in self.opened_rows)

    def sites_after(self, sites: pd.DataFrame) -> pd.DataFrame:
        """``sites`` with the scenario's closures, openings, places and operators applied."""
        after = sites.copy()
        after.loc[after["site_id"].isin(self.closed), "status"] = "closed"
        if self.opened_rows:
            after = pd.concat([after, self.opened], ignore_index=True)
        if self.capacities:
            if "capacity_places" not in after.columns:
                after["capacity_places"] = pd.array([None] * len(after), dtype="Int32")
            cap = after["site_id"].map(self.capacities)
            after["capacity_places"] = (
                cap.astype("Float64").fillna(after["capacity_places"].astype("Float64"))
                .round().astype("Int32")
            )  # fmt: skip
        if self.operators:
            after["operator"] = after["site_id"].map(self.operators).fillna(after["operator"])
        return after

    def fte_change_by_commune(self, profession: str = "nurse") -> pd.Series:
        """Net FTE change of ``profession`` (other than GPs) per commune (index INSEE code)."""
        rows = [(c.commune, c.delta_fte) for c in self.staff_changes
                if c.profession == profession]  # fmt: skip
        if not rows:
            return pd.Series(dtype=float)
        df = pd.DataFrame(rows, columns=["commune", "delta_fte"])
        return df.groupby("commune")["delta_fte"].sum()


def _as_dict(series: pd.Series) -> dict:
    """``series.to_dict()`` without iterating Arrow-backed values one by one."""
    return dict(zip(series.index.to_numpy(dtype=object), series.to_numpy(dtype=object),
                    strict=True))  # fmt: skip


def _edit_error(i: int, kind: str, msg: str) -> InputError:
    return InputError(f"edit #{i + 1} ({kind}): {msg}")


#: The per-site state of the last offer seen: the web's evaluation workers evaluate many
#: scenarios on one offer, and computing it costs more than the rest of an evaluation.
#: Keyed by the identity of the offer and of its tables (an offer is never modified in place).
_START_CACHE: IdentityCache[tuple] = IdentityCache(size=1)


def _offer_state(offer: Offer) -> tuple[pd.DataFrame, frozenset[str], dict[str, dict]]:
    """The offer's sites by id, the sites already closed and the per-site state dicts."""
    supply = site_supply(offer, profession="gp").set_index("site_id")
    others = {p: _as_dict(site_supply(offer, profession=p).set_index("site_id")["fte"])
              for p in OTHER_PROFESSIONS}  # fmt: skip
    sites = offer.sites.set_index("site_id")
    closed = frozenset(sites.index[sites["status"] == "closed"])
    cap = pd.to_numeric(sites.get("capacity_places", pd.Series(index=sites.index)),
                        errors="coerce").astype(float)  # fmt: skip
    state = {
        "fte": _as_dict(supply["fte"]), "consultations": _as_dict(supply["consultations"]),
        "basis": _as_dict(supply["basis"]), "commune_of": _as_dict(sites["commune"]),
        "other_fte": others,
        "capacity": {k: (None if v != v else v) for k, v in _as_dict(cap).items()},
    }  # fmt: skip
    return sites, closed, state


@dataclass
class _Working:
    """The offer's state while a scenario's edits are applied one after the other."""

    offer: Offer
    scenario_name: str
    sites: pd.DataFrame  # indexed by site_id; operators change on transfers
    closed_before: set[str]
    closed: set[str]
    fte: dict[str, float]
    consultations: dict[str, float]
    basis: dict[str, str]
    commune_of: dict[str, str]
    #: FTE of each profession other than GPs, by site
    other_fte: dict[str, dict[str, float]]
    capacity: dict[str, float | None]
    changes: list[SupplyChange] = field(default_factory=list)
    staff_changes: list[StaffChange] = field(default_factory=list)
    capacities: dict[str, int] = field(default_factory=dict)
    operators: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    opened: list[dict[str, Any]] = field(default_factory=list)
    #: professionals taken away by ``departures`` edits so far, by (profession, commune)
    departed: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def start(cls, offer: Offer, scenario_name: str) -> _Working:
        sites, closed, state = _START_CACHE.get((offer, offer.sites, offer.staff),
                                                lambda: _offer_state(offer))  # fmt: skip
        return cls(
            offer=offer, scenario_name=scenario_name, sites=sites.copy(deep=False),  # copy on write
            closed_before=set(closed), closed=set(closed),
            fte=dict(state["fte"]), consultations=dict(state["consultations"]),
            basis=dict(state["basis"]), commune_of=dict(state["commune_of"]),
            other_fte={p: dict(v) for p, v in state["other_fte"].items()},
            capacity=dict(state["capacity"]),
        )  # fmt: skip

    def require_known(self, i: int, kind: str, site_id: str) -> None:
        """An unknown site raises with the closest known ids."""
        if site_id in self.commune_of:
            return
        try:
            self.offer.site(site_id)
        except UnknownCodeError as exc:
            raise _edit_error(i, kind, str(exc)) from None

    def close(self, i: int, kind: str, site_id: str) -> None:
        self.require_known(i, kind, site_id)
        try:
            check_site_open(site_id, "closed" if site_id in self.closed else "open",
                            action="close")  # fmt: skip
        except InputError as exc:
            raise _edit_error(i, kind, str(exc)) from None
        self.closed.add(site_id)
        removed = False
        for profession, by_site in self.other_fte.items():
            fte_other = by_site.pop(site_id, 0.0)
            if fte_other:
                removed = True
                self.staff_changes.append(StaffChange(i, kind, site_id, self.commune_of[site_id],
                                                      profession, -fte_other))  # fmt: skip
        if not removed and self.sites["category"].get(site_id) == "centre_de_sante":
            self.notes.append(_unknown_other_staff_note(self.sites["name"].get(site_id, site_id)))
        fte = self.fte.pop(site_id, 0.0)
        cons = self.consultations.pop(site_id, 0.0)
        if fte == 0:
            name = self.sites["name"].get(site_id, site_id)
            self.notes.append(
                f"{name} : aucun médecin généraliste connu sur ce site, "
                "fermeture sans effet sur l'APL."
            )
            return
        self.changes.append(SupplyChange(i, kind, site_id, self.commune_of[site_id], -fte, -cons,
                                         self.basis.get(site_id, "fte")))  # fmt: skip


def _unknown_other_staff_note(name: str) -> str:
    """French note: a closed centre whose staff other than GPs is unknown changes nothing."""
    others = [PROFESSIONS[p].plural_fr for p in OTHER_PROFESSIONS if PROFESSIONS[p].apl]
    listed = ", ".join(others[:-1]) + " et " + others[-1]
    return (
        f"{name} : aucun effectif salarié connu sur ce site pour les {listed} : l'accès à "
        "ces professions n'est pas modifié par sa fermeture (effectif inconnu, non compté)."
    )


def _close_sites(w: _Working, i: int, edit: CloseSites) -> None:
    for s in edit.sites:
        w.close(i, edit.kind, s)


def _operator_exit(w: _Working, i: int, edit: OperatorExit) -> None:
    terr = select(edit.territory)
    sites = w.sites
    mask = (sites["operator"].str.lower() == edit.operator.lower()) & sites["commune"].isin(
        terr.codes
    )
    targets = [s for s in sites.index[mask] if s not in w.closed]
    if not targets:
        msg = f"no open site of operator '{edit.operator}' in {terr.label}"
        raise _edit_error(i, edit.kind, msg)
    if edit.action == "close":
        for s in targets:
            w.close(i, edit.kind, s)
        return
    w.notes.append(
        f"Transfert de {len(targets)} site(s) {edit.operator.capitalize()} {terr.place.of} "
        f"à {str(edit.to_operator).capitalize()}, avec leurs équipes et leurs places : sans effet "
        "sur l'accès (si l'activité était abandonnée, c'est le cas « fermeture », action: close)."
    )
    sites.loc[targets, "operator"] = edit.to_operator
    w.operators.update(dict.fromkeys(targets, str(edit.to_operator)))


def _open_site(w: _Working, i: int, edit: OpenSite) -> None:
    if edit.site in w.commune_of:
        raise _edit_error(i, edit.kind, f"site id '{edit.site}' already exists")
    from proxisante.offer.importing import known_communes  # the commune codes, as a set

    if edit.commune not in known_communes():
        check_commune_codes([edit.commune])  # raises, naming the closest codes
    w.commune_of[edit.site] = edit.commune
    w.opened.append({
        "site_id": edit.site, "name": edit.name, "category": edit.category,
        "operator": edit.operator, "commune": edit.commune, "status": "open",
        "capacity_places": edit.capacity_places, "source": f"scenario {w.scenario_name}",
    })  # fmt: skip
    for profession, value in edit.fte.items():
        if profession != "gp" and value:
            w.other_fte[profession][edit.site] = float(value)
            w.staff_changes.append(StaffChange(i, edit.kind, edit.site, edit.commune, profession,
                                               float(value)))  # fmt: skip
    w.capacity[edit.site] = edit.capacity_places
    fte = float(edit.fte.get("gp", 0.0))
    w.fte[edit.site] = fte
    w.consultations[edit.site] = fte * CONSULTATIONS_PER_FTE
    w.basis[edit.site] = "fte"
    if fte > 0:
        w.changes.append(SupplyChange(i, edit.kind, edit.site, edit.commune, fte,
                                      fte * CONSULTATIONS_PER_FTE, "fte"))  # fmt: skip


def _change_staff(w: _Working, i: int, edit: ChangeStaff) -> None:
    w.require_known(i, edit.kind, edit.site)
    try:
        check_site_open(edit.site, "closed" if edit.site in w.closed else "open")
    except InputError as exc:
        raise _edit_error(i, edit.kind, str(exc)) from None
    if edit.profession != "gp":
        _change_other_staff(w, i, edit)
        return
    fte0 = w.fte.get(edit.site, 0.0)
    cons0 = w.consultations.get(edit.site, 0.0)
    if edit.activity_consultations is not None:
        d_fte, d_cons = 0.0, edit.activity_consultations - cons0
    else:
        try:
            new = fte_after_change(edit.site, edit.profession, fte0, delta_fte=edit.delta_fte,
                                   new_fte=edit.fte)  # fmt: skip
        except InputError as exc:
            raise _edit_error(i, edit.kind, str(exc)) from None
        d_fte = new - fte0
        d_cons = d_fte * CONSULTATIONS_PER_FTE
    w.fte[edit.site] = fte0 + d_fte
    w.consultations[edit.site] = cons0 + d_cons
    if d_cons != 0:
        w.changes.append(SupplyChange(i, edit.kind, edit.site, w.commune_of[edit.site], d_fte,
                                      d_cons, "fte"))  # fmt: skip


def _change_other_staff(w: _Working, i: int, edit: ChangeStaff) -> None:
    if edit.activity_consultations is not None:
        msg = f"activity_consultations applies to GPs; give delta_fte or fte for {edit.profession}"
        raise _edit_error(i, edit.kind, msg)
    fte0 = w.other_fte[edit.profession].get(edit.site, 0.0)
    try:
        new = fte_after_change(edit.site, edit.profession, fte0, delta_fte=edit.delta_fte,
                               new_fte=edit.fte)  # fmt: skip
    except InputError as exc:
        raise _edit_error(i, edit.kind, str(exc)) from None
    w.other_fte[edit.profession][edit.site] = new
    if new != fte0:
        w.staff_changes.append(StaffChange(i, edit.kind, edit.site, w.commune_of[edit.site],
                                           edit.profession, new - fte0))  # fmt: skip


def _change_capacity(w: _Working, i: int, edit: ChangeCapacity) -> None:
    w.require_known(i, edit.kind, edit.site)
    try:
        check_site_open(edit.site, "closed" if edit.site in w.closed else "open")
    except InputError as exc:
        raise _edit_error(i, edit.kind, str(exc)) from None
    current = w.capacity.get(edit.site)
    if edit.delta_places is not None and current is None:
        msg = (
            f"the places of '{edit.site}' are not known (capacité inconnue): set them with "
            "capacity_places instead of changing them by delta_places"
        )
        raise _edit_error(i, edit.kind, msg)
    new: float
    if edit.capacity_places is not None:
        new = edit.capacity_places
    else:
        assert current is not None and edit.delta_places is not None  # checked above
        new = current + edit.delta_places
    try:
        check_places(float(new))
    except InputError as exc:
        raise _edit_error(i, edit.kind, f"{exc} (site '{edit.site}')") from None
    w.capacity[edit.site] = float(new)
    w.capacities[edit.site] = int(new)
    opened = [o for o in w.opened if o["site_id"] == edit.site]
    for o in opened:
        o["capacity_places"] = int(new)


def _retirements(w: _Working, i: int, edit: Retirements) -> None:
    staff = w.offer.staff
    st = staff[staff["profession"] == edit.profession]
    if st["birth_year"].isna().all():
        msg = (
            "no birth year is known for any professional of this profession; import "
            "staff with birth years (e.g. an RPPS extract) to forecast retirements"
        )
        raise _edit_error(i, edit.kind, msg)
    leaving = st[(edit.year - st["birth_year"]) >= edit.age_at_least]
    leaving = leaving.assign(fte=staff_fte(w.offer, leaving))
    for r in leaving.itertuples():
        if r.site_id in w.closed:
            continue
        fte = float(r.fte) * edit.share
        if edit.profession != "gp":
            w.staff_changes.append(StaffChange(i, edit.kind, r.site_id, r.commune,
                                               edit.profession, -fte))  # fmt: skip
            continue
        cons = fte * CONSULTATIONS_PER_FTE
        w.changes.append(SupplyChange(i, edit.kind, r.site_id, w.commune_of[r.site_id], -fte,
                                      -cons, "birth_year"))  # fmt: skip


def _known_in_commune(w: _Working, profession: str, commune: str) -> tuple[int, str]:
    """Professionals of ``profession`` known in ``commune`` and where the count comes from:
    the INSEE BPE 2021 libéral headcount plus the offer's non-libéral staff at open sites."""
    bpe = float(bpe2021_counts(profession, [commune]).iloc[0])
    staff = w.offer.staff
    st = staff[(staff["profession"] == profession) & (staff["commune"] == commune)
               & (staff["employment"] != "liberal") & ~staff["site_id"].isin(w.closed)]  # fmt: skip
    own = int(st["headcount"].fillna(0).sum())
    basis = "BPE 2021: unknown" if bpe != bpe else f"BPE 2021: {int(bpe)}"
    return (0 if bpe != bpe else int(bpe)) + own, f"{basis}, offer staff: {own}"


def _departures(w: _Working, i: int, edit: Departures) -> None:
    """``count`` professionals leave ``commune``: a supply change at the commune (not a site)."""
    from proxisante.offer.importing import known_communes  # the commune codes, as a set

    if edit.commune not in known_communes():
        try:
            check_commune_codes([edit.commune])
        except InputError as exc:
            raise _edit_error(i, edit.kind, str(exc)) from None
    key = (edit.profession, edit.commune)
    known, basis = _known_in_commune(w, edit.profession, edit.commune)
    left = known - w.departed.get(key, 0)
    if edit.count > left:
        msg = (f"{edit.count} professionals of '{edit.profession}' leave commune "
               f"{edit.commune} but {left} are known there ({basis}; less earlier "
               "departures)")  # fmt: skip
        raise _edit_error(i, edit.kind, msg)
    w.departed[key] = w.departed.get(key, 0) + edit.count
    p = PROFESSIONS[edit.profession]
    fte = edit.count * (p.apl.fte_per_headcount if p.apl is not None else 1.0)
    where = f"commune:{edit.commune}"
    if edit.profession == "gp":
        w.changes.append(SupplyChange(i, edit.kind, where, edit.commune, -fte,
                                      -fte * CONSULTATIONS_PER_FTE, "headcount"))  # fmt: skip
    else:
        w.staff_changes.append(StaffChange(i, edit.kind, where, edit.commune, edit.profession,
                                           -fte))  # fmt: skip


def _population(w: _Working, i: int, edit: PopulationChange | PopulationProjection) -> None:
    """Population edits change demand, not the offer: see :func:`~proxisante.scenarios.evaluate`."""


_APPLY: dict[type, Callable[[_Working, int, Any], None]] = {
    CloseSites: _close_sites,
    OperatorExit: _operator_exit,
    OpenSite: _open_site,
    ChangeStaff: _change_staff,
    ChangeCapacity: _change_capacity,
    Retirements: _retirements,
    Departures: _departures,
    PopulationChange: _population,
    PopulationProjection: _population,
}


def apply_edits(scenario: Scenario, offer: Offer) -> AppliedEdits:
    """Validate the scenario's edits against ``offer`` and apply them, in order.

    Checks each edit against the offer: unknown site or commune, closing a site that is
    already closed (before or by an earlier edit), negative resulting FTE → an error naming
    the edit. Returns the GP supply changes, French notes for the report, and the sites
    closed and opened.
    """
    w = _Working.start(offer, scenario.name)
    for i, edit in enumerate(scenario.edits):
        _APPLY[type(edit)](w, i, edit)
    # a site opened then closed by a later edit stays in `opened` with status closed
    closed_list = sorted(w.closed - w.closed_before)
    opened = [o | {"status": "closed"} if o["site_id"] in w.closed else o for o in w.opened]
    return AppliedEdits(w.changes, w.notes, closed_list, opened, w.staff_changes,
                        w.capacities, w.operators)  # fmt: skip


def supply_changes(scenario: Scenario, offer: Offer) -> tuple[list[SupplyChange], list[str]]:
    """The scenario's GP supply changes at sites and French notes (see :func:`apply_edits`)."""
    applied = apply_edits(scenario, offer)
    return applied.changes, applied.notes
