"""The :class:`Workspace`: what the CLI and the web app work on.

One object assembles what the user's commands need from the packages below it: the offer
(bundled default overlaid with the store's imports and edits), the population by age
imported into the store, the evaluation baseline (on the offline estimate or on a travel
provider), territories, scenarios evaluated on that offer, plan instances, and the inputs
of the French reports. The CLI commands and the web routes only parse, call and print.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from proxisante._fr import PlaceName, commune_place
from proxisante.access import (
    DREES_APL_STEP,
    ESTIMATED_PROFESSIONS,
    EvaluationBaseline,
    baseline_professions,
    nearest_minutes,
    read_apl_file,
    read_supply_file,
)
from proxisante.catchment import CATCHMENT_MINUTES, WITHIN_CATCHMENT_FR
from proxisante.errors import InputError, ProxisanteError, StoreConflictError, UnknownCodeError
from proxisante.model import commune_table, gp_estimates, model_quality
from proxisante.model.artefact import bundled_model, load_store_model
from proxisante.model.site_estimate import unknown_staff_fte
from proxisante.offer import (
    ImportReport,
    Offer,
    SsiadCoverage,
    edit_site,
    import_file,
    load_default_offer,
    load_offer,
    load_population_by_age,
    site_supply,
    ssiad_coverage,
    stored_edits,
    stored_imports,
)
from proxisante.offer.edits import check_edit_values
from proxisante.plan import (
    CogPlan,
    PlanAssumptions,
    PlanInstance,
    build_cog_plan,
    build_instance,
    network_codes,
)
from proxisante.plan.optimise import Objective
from proxisante.professions import PROFESSIONS, get_profession
from proxisante.scenarios import (
    Scenario,
    ScenarioResult,
    apply_edits,
    criticality_ranking,
    evaluate,
    load_scenario,
    parse_scenario,
)
from proxisante.scenarios.briefing import Briefing, build_briefing
from proxisante.scenarios.impact import ESTIMATED_ELDERLY_NOTE
from proxisante.scenarios.io import file_error
from proxisante.scenarios.model import PopulationChange, PopulationProjection
from proxisante.store import MissingStoreError, Store, default_store_path
from proxisante.territory import Territory, load_communes, select, territory_apl_table
from proxisante.travel import estimate_matrix, travel_matrix
from proxisante.workspace.access import AccessRequest, AccessResult, access_analysis
from proxisante.workspace.evaluation import EvaluationState, world_baseline
from proxisante.workspace.models import (
    Calibrated,
    CalibrationRequest,
    PreparedCalibration,
    calibrate_model,
    prepare_calibration,
    read_model,
    stored_models,
)
from proxisante.workspace.professions import ProfessionApl, profession_apl
from proxisante.workspace.search import SearchHit, resolve, search, searchable_sites

if TYPE_CHECKING:
    from proxisante.model.artefact import CalibratedModel
    from proxisante.needs import NeedsComparison, NeedsData

__all__ = [
    "NEIGHBOUR_MINUTES",
    "SMALL_TERRITORY",
    "NeedsReportInputs",
    "Workspace",
    "neighbours_within",
    "territory_of",
]

#: Territories with at most this many communes are reported with their neighbours.
SMALL_TERRITORY = 3
#: Neighbours shown around a small territory: communes within this estimated car time.
NEIGHBOUR_MINUTES = CATCHMENT_MINUTES
#: Scenario files are read from these suffixes; any other reference is a stored name.
SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


@lru_cache(maxsize=256)
def territory_of(selector: str) -> Territory:
    """The territory a selector or a name designates (:func:`~proxisante.workspace.search.resolve`
    without operators), cached."""
    return resolve(selector)


class Workspace:
    """The user's working set: store-backed offer and populations, baselines, territories.

    Parameters
    ----------
    store_path
        The store file (DuckDB); ``None``: the default store (``$PROXISANTE_STORE`` or the
        user's data directory).
    use_store
        ``False``: work on the bundled data only (no store is opened or created).

    Notes
    -----
    Data read from the store is kept until :meth:`refresh` (called after every import or
    edit made through the workspace).
    """

    def __init__(
        self, store_path: str | Path | None = None, *, use_store: bool = True,
        centre_gp_fte_per_person: float | None = None, hold_store_seconds: float | None = None,
        read_only_reads: bool = True,
    ) -> None:  # fmt: skip
        self.store_path = None if store_path is None else Path(store_path)
        self.use_store = use_store
        #: Keep the store file open this long after its last use (a server answering many
        #: requests: opening and closing a DuckDB file costs ≈ 40 ms, reusing the open
        #: database ≈ 2 ms); None: open and close it at each use (the CLI). While it is
        #: held, other processes cannot open the file.
        self.hold_store_seconds = hold_store_seconds
        #: Reads open the store read-only (a read-only file can be read, a missing one is not
        #: created); False for a process whose threads read and write at once (the web
        #: server): DuckDB opens one file with one configuration per process
        self.read_only_reads = read_only_reads and hold_store_seconds is None
        self._held: Store | None = None
        self._held_until = 0.0
        self._hold_lock = threading.Lock()
        #: FTE per centre de santé GP known by headcount only (« hypothèse »); None: the
        #: offer's default (:data:`proxisante.offer.CENTRE_GP_FTE_PER_PERSON`)
        self.centre_gp_fte_per_person = centre_gp_fte_per_person
        self._offer: Offer | None = None
        self._pop_by_age: pd.DataFrame | None = None
        self._pop_loaded = False
        self._needs: NeedsData | None = None
        self._search_sites: pd.DataFrame | None = None
        #: One build of each lazily read table at a time: the web server's threads share the
        #: workspace (its warm-up and a first page would otherwise both build the needs layer);
        #: one lock per table, so reads of the offer do not wait for the needs layer
        self._offer_lock, self._pop_lock = threading.Lock(), threading.Lock()
        self._needs_lock = threading.Lock()
        #: Incremented by every :meth:`refresh`: results computed from the store's data by
        #: callers (a web server's caches) are valid while it is unchanged.
        self.generation = 0
        #: What :meth:`sync` last saw of the store file (stat) and of its content (stamp)
        self._file_seen: tuple | None = None
        self._content_seen: tuple | None = None
        self._sync_lock = threading.Lock()

    def __repr__(self) -> str:
        where = str(self.store_path or "default store") if self.use_store else "bundled data"
        return f"Workspace({where})"

    # -- store ------------------------------------------------------------------------------
    @contextmanager
    def store(self, *, write: bool = False) -> Iterator[Store]:
        """The store, opened for the duration of a ``with`` block.

        ``write=False`` (a read): opened read-only, so a read-only or immutable store file can
        be read, and nothing is created (a missing file: :class:`MissingStoreError`); a
        workspace with ``read_only_reads=False`` (the web server, whose threads read and
        write at once) opens it for writing either way (DuckDB: one configuration per file
        in a process). ``write=True``: created when missing.
        """
        if not self.use_store:
            msg = "this workspace works on the bundled data only: no store to write to"
            raise InputError(msg)
        self._hold_store()
        read_only = not write and self.read_only_reads
        with Store(self.store_path, read_only=read_only) as st:
            yield st

    @contextmanager
    def _store_if_any(self) -> Iterator[Store | None]:
        """The store opened for reading, or None when its file does not exist yet (the
        bundled data then apply: an empty store and no store read alike)."""
        try:
            with self.store() as st:
                yield st
                return
        except MissingStoreError:
            pass
        yield None

    def _hold_store(self) -> None:
        """With ``hold_store_seconds``: keep one connection open (DuckDB then reuses the
        open database for the next connections of this process) until that long after
        the last use; a background thread closes it."""
        if self.hold_store_seconds is None:
            return
        with self._hold_lock:
            self._held_until = time.monotonic() + self.hold_store_seconds
            if self._held is not None:
                return
            try:
                self._held = Store(self.store_path)
            except ProxisanteError:
                return  # the Store opened next raises the same clear error
            threading.Thread(target=self._release_held, daemon=True).start()

    def _release_held(self) -> None:
        assert self.hold_store_seconds is not None
        while True:
            time.sleep(self.hold_store_seconds / 4)
            with self._hold_lock:
                if time.monotonic() >= self._held_until and self._held is not None:
                    self._held.close()
                    self._held = None
                    return

    def refresh(self) -> None:
        """Forget what was read from the store (after imports or edits)."""
        with self._needs_lock, self._offer_lock, self._pop_lock:
            self._offer = None
            self._pop_by_age = None
            self._pop_loaded = False
            self._needs = None
            self._search_sites = None
            self._content_seen = self._file_seen = None
            self.generation += 1

    def _store_file_state(self) -> tuple:
        """Size, modification time and inode of the store file and of its write-ahead log
        (a read leaves them unchanged; a commit by any process changes them)."""
        path = self.store_path or default_store_path()
        state: list[tuple[int, int, int] | None] = []
        for p in (path, path.with_name(path.name + ".wal")):
            try:
                st = p.stat()
            except OSError:
                state.append(None)
            else:
                state.append((st.st_size, st.st_mtime_ns, st.st_ino))
        return tuple(state)

    def sync(self) -> bool:
        """Forget what was read from the store when another process (the command line
        beside a running server) changed its offer, populations or models since: True
        then. Costs a ``stat`` of the file while it is unchanged; when the file changed,
        its :meth:`~proxisante.store.Store.content_stamp` decides (a saved scenario does
        not make the offer be read again). Nothing read yet: nothing to check."""
        if not self.use_store or self._file_seen is None:
            return False
        with self._sync_lock:
            seen = self._store_file_state()
            if self._file_seen is None or seen == self._file_seen:
                return False
            try:
                with self.store() as st:
                    stamp = st.content_stamp()
            except ProxisanteError:
                return False  # in use by another process: checked again at the next call
            if stamp == self._content_seen:
                self._file_seen = seen
                return False
            self.refresh()
            return True

    def _note_store_read(self, st: Store | None) -> None:
        """Record the store's state when its data are read (:meth:`sync` compares with it);
        ``None``: no store file yet (its creation by another process is a change)."""
        if self._file_seen is None:
            self._content_seen = None if st is None else st.content_stamp()
            self._file_seen = self._store_file_state()

    def offer(self) -> Offer:
        """Sites and staff: the bundled offer overlaid with the store's imports and edits
        (read again when another process changed them: :meth:`sync`)."""
        self.sync()
        return self._current_offer()

    def _current_offer(self) -> Offer:
        with self._offer_lock:
            return self._read_offer()

    def _read_offer(self) -> Offer:
        if self._offer is None:
            if not self.use_store:
                self._offer = load_default_offer()
            else:
                with self._store_if_any() as st:
                    self._note_store_read(st)
                    self._offer = load_offer(st)
            if self.centre_gp_fte_per_person is not None:
                self._offer = dataclasses.replace(
                    self._offer, centre_gp_fte_per_person=self.centre_gp_fte_per_person
                )
        return self._offer

    def population_by_age(self) -> pd.DataFrame | None:
        """Population by age band imported into the store (``offer import pop-age``), or None."""
        self.sync()
        return self._current_population_by_age()

    def _current_population_by_age(self) -> pd.DataFrame | None:
        with self._pop_lock:
            return self._read_population_by_age()

    def _read_population_by_age(self) -> pd.DataFrame | None:
        if not self._pop_loaded:
            if self.use_store:
                with self._store_if_any() as st:
                    self._note_store_read(st)
                    self._pop_by_age = None if st is None else load_population_by_age(st)
            self._pop_loaded = True
        return self._pop_by_age

    def import_file(
        self, kind: str, path: str | Path, *, lenient: bool = False,
        replace_with_empty: bool = False, display_name: str | None = None,
    ) -> ImportReport:  # fmt: skip
        """Import an official file into the store (see :func:`proxisante.offer.import_file`:
        what a re-import replaces, empty imports, ``display_name``)."""
        with self.store(write=True) as st:
            report = import_file(kind, path, store=st, lenient=lenient,
                                 replace_with_empty=replace_with_empty,
                                 display_name=display_name)  # fmt: skip
        self.refresh()
        return report

    def edit_site(self, site_id: str, **changes) -> pd.Series:
        """Edit a site in the store (see :func:`proxisante.offer.edit_site`); values out of
        their range are refused before the store is opened."""
        check_edit_values(changes.get("fte_changes"), changes.get("capacity_places"))
        with self.store(write=True) as st:
            row = edit_site(st, site_id, **changes)
        self.refresh()
        return row

    def imports(self) -> pd.DataFrame:
        """Provenance of every import."""
        with self.store() as st:
            return stored_imports(st)

    def edits(self) -> pd.DataFrame:
        """Log of the manual edits of the offer."""
        with self.store() as st:
            return stored_edits(st)

    # -- territories and tables ---------------------------------------------------------------
    def territory(self, selector: str | Territory) -> Territory:
        """The territory of a selector (``62523``, ``epci:…``, ``dep:62``, ``circo:12-02``…) or
        a name (a commune, EPCI, département, région, constituency, or an operator of the
        offer: the communes of its sites); see :func:`~proxisante.workspace.search.resolve`."""
        if isinstance(selector, Territory):
            return selector
        try:
            return territory_of(selector)
        except UnknownCodeError:
            return resolve(selector, sites=self.searchable_sites())

    def search(self, text: str, *, limit: int = 20) -> list[SearchHit]:
        """Territories, operators and sites of this workspace's offer matching ``text``."""
        return search(text, sites=self.searchable_sites(), limit=limit)

    def searchable_sites(self) -> pd.DataFrame:
        """The offer's open sites in search form (:func:`~proxisante.workspace.searchable_sites`),
        computed once per offer."""
        sites = self.offer().sites
        found = self._search_sites
        if found is None:
            found = self._search_sites = searchable_sites(sites)
        return found

    def apl_table(self, territory: str | Territory, *, years=(2022, 2023)) -> pd.DataFrame:
        """Code, name and population of the territory's communes with their official APL."""
        t = self.territory(territory)
        return t.communes[["code_insee", "nom", "population"]].merge(
            territory_apl_table(t.codes, years=tuple(years))
        )

    def sites(
        self, territory: str | Territory | None = None, *, category: str | None = None,
        operator: str | None = None,
    ) -> pd.DataFrame:  # fmt: skip
        """Sites of the offer filtered by territory, category and operator, with ``gp_fte``."""
        offer = self.offer()
        codes = None if territory is None else self.territory(territory).codes
        s = offer.select(communes=codes, category=category, operator=operator)
        gp = site_supply(offer).set_index("site_id")["fte"]
        return s.assign(gp_fte=s["site_id"].map(gp))

    def gp_staff_estimates(self, sites: pd.DataFrame) -> pd.DataFrame:
        """GP FTE estimated by the calibrated model (central, low, high: « estimé ») for the
        centres de santé among ``sites`` whose GP staff no source states, as in the reports
        and the criticality ranking (:func:`proxisante.model.site_estimate.unknown_staff_estimates`;
        consultations converted at the DREES 5,400 per FTE). One row per estimated site:
        ``site_id, gp_fte_estimated, gp_fte_low, gp_fte_high``."""

        return unknown_staff_fte(self.offer(), self.model_baseline(), sites)

    # -- baseline and scenarios ---------------------------------------------------------------
    def baseline(
        self, year: int = 2023, *, travel: str = "estimate", territory: str | None = None,
        matrix_file: str | Path | None = None, network: str | Path | None = None,
    ) -> EvaluationBaseline:  # fmt: skip
        """The evaluation baseline: official APL of ``year`` on a travel provider.

        ``travel="estimate"``: every commune, on the offline estimate (cached). Otherwise
        (``osrm``, ``matrix``): the communes of ``territory``, routed between themselves.
        """
        if travel == "estimate":
            return EvaluationBaseline.official(year)
        if territory is None:
            msg = f"--travel {travel} needs --territory (the communes to route between)"
            raise InputError(msg)
        area = self.territory(territory).communes.dropna(subset=["lat", "lon"])
        tm, _ = travel_matrix(
            travel, area["code_insee"].to_numpy(), area["lat"].to_numpy(), area["lon"].to_numpy(),
            cutoff_minutes=DREES_APL_STEP.max_minutes,
            matrix_file=None if matrix_file is None else Path(matrix_file),
            network=None if network is None else Path(network),
        )  # fmt: skip
        return EvaluationBaseline.official(year, travel=tm)

    def profession_apl(
        self, territory: str | Territory, profession: str, *, year: int = 2023,
        supply_file: str | Path | None = None, official_file: str | Path | None = None,
    ) -> ProfessionApl:  # fmt: skip
        """APL of a profession other than GPs over a territory: the BPE 2021 estimate
        (« estimé », DREES method) on the scenario engine's baseline, or ``supply_file``'s
        FTE per commune instead; ``official_file`` (CSV commune, apl) replaces the APL itself
        (:mod:`proxisante.workspace.professions`)."""
        code = get_profession(profession, with_apl=True).code
        supply = (
            None if supply_file is None
            else self.supply_per_commune(supply_file, profession=code, unit="fte")
        )  # fmt: skip
        official = None if official_file is None else read_apl_file(official_file, profession=code)
        return profession_apl(code, self.territory(territory), baseline=self.model_baseline(year),
                              offer=self.offer(), supply=supply, official=official)  # fmt: skip

    def profession_supply(self, profession: str, *, year: int = 2023) -> pd.Series:
        """FTE of a profession other than GPs per commune (index INSEE code), « estimé »: the
        INSEE BPE 2021 libéral headcount plus the offer's salaried staff (the supply of
        :meth:`profession_apl`)."""
        code = get_profession(profession, with_apl=True).code
        ctx = self.model_baseline(year)
        if code not in ESTIMATED_PROFESSIONS:
            msg = f"the supply of '{code}' is the calibrated model's (give --supply otherwise)"
            raise InputError(msg)
        acc = baseline_professions(ctx, self.offer())[code]
        return pd.Series(acc.supply_fte, index=pd.Index(ctx.codes, name="code_insee"), name="fte")

    def access(self, territory: str | Territory, request: AccessRequest, *,
               stage=None) -> AccessResult:  # fmt: skip
        """An access measure for the communes of ``territory``, computed nationally
        (:func:`~proxisante.workspace.access.access_analysis`); the request is checked first
        (a wrong measure or an APL cut-off is refused before any data is read)."""
        request.cutoff()
        code = request.profession_code()
        estimated = (
            self.profession_supply(code, year=request.year)
            if request.supply is None and code != "gp" else None
        )  # fmt: skip
        return access_analysis(self.territory(territory), request, stage=stage,
                               estimated_fte=estimated)  # fmt: skip

    @staticmethod
    def supply_per_commune(path: str | Path, *, profession: str = "gp",
                           unit: str = "consultations") -> pd.Series:  # fmt: skip
        """A supply file's total per commune (index: INSEE code), in ``unit``."""
        table = read_supply_file(path, profession=profession, unit=unit)
        return table.groupby("destination")["supply"].sum()

    def load_scenario(self, ref: str | Path) -> Scenario:
        """A scenario from a .yaml/.yml/.json file, or by name from the store; a file's edits
        are checked against the offer here, so that a refusal names the file and the line
        of the edit (``scenario run FILE``)."""
        if Path(ref).suffix.lower() in SCENARIO_SUFFIXES:
            scenario = load_scenario(ref)
            try:
                apply_edits(scenario, self.offer())
            except InputError as exc:
                if isinstance(exc, MissingStoreError | StoreConflictError):
                    raise
                raise file_error(ref, exc) from None
            return scenario
        with self.store() as st:
            return parse_scenario(st.get_scenario(str(ref)))

    def save_scenario(self, scenario: Scenario, *, overwrite: bool = False) -> None:
        """Check every edit against the offer (sites, communes, FTE), then save it."""
        apply_edits(scenario, self.offer())
        with self.store(write=True) as st:
            st.save_scenario(scenario.name, scenario.model_dump(mode="json"), overwrite=overwrite)

    def import_scenario(self, path: str | Path, *, overwrite: bool = False) -> Scenario:
        """Read a scenario file, check it against the offer and save it; a refusal names the
        file (and the line of the refused edit)."""
        scenario = load_scenario(path)
        try:
            self.save_scenario(scenario, overwrite=overwrite)
        except InputError as exc:
            if isinstance(exc, MissingStoreError | StoreConflictError):
                raise
            raise file_error(path, exc) from None
        return scenario

    def scenario_names(self) -> list[tuple]:
        """Stored scenarios: ``(name, created, updated)`` (none when the store does not
        exist yet: it is not created by this read)."""
        with self._store_if_any() as st:
            return [] if st is None else st.list_scenarios()

    def evaluate(
        self, scenario: Scenario, *, baseline: EvaluationBaseline | None = None,
        full_supply: pd.Series | None = None,
    ) -> ScenarioResult:  # fmt: skip
        """Evaluate ``scenario`` on this workspace's offer and population by age (default
        baseline: :meth:`model_baseline` of the scenario's year)."""
        if baseline is None:
            baseline = self.model_baseline(scenario.baseline_year)
        return evaluate(scenario, offer=self.offer(), baseline=baseline, full_supply=full_supply,
                        pop_by_age=self.population_by_age())  # fmt: skip

    def criticality(self, *, operator: str = "filieris", territory: str | None = None,
                    year: int = 2023) -> pd.DataFrame:  # fmt: skip
        """The operator's sites ranked by the effect of closing each one alone."""
        return criticality_ranking(operator=operator, territory=territory, offer=self.offer(),
                                   year=year, baseline=self.model_baseline(year))  # fmt: skip

    def model_baseline(self, year: int = 2023) -> EvaluationBaseline:
        """The calibrated model of ``year``: the store's newest (``proxisante model
        calibrate``), else the bundled 2023 model, else the official APL alone
        (:func:`proxisante.model.default_baseline`)."""
        return world_baseline(self.stored_model(year), year)

    def evaluation_state(self) -> EvaluationState:
        """This workspace's evaluation world as one picklable value (offer, population by age,
        the store's calibrated model of 2023): what processes that do not open the store (the
        web server's evaluation workers) evaluate scenarios in."""
        return EvaluationState(self.offer(), self.population_by_age(), self.stored_model())

    def stored_model(self, year: int = 2023) -> CalibratedModel | None:
        """The store's newest calibrated model of ``year`` that can serve as a national
        baseline (fitted on the offline travel model), else None (the bundled model or the
        official APL then apply: :meth:`model_baseline`)."""
        if not self.use_store:
            return None
        with self._store_if_any() as st:
            stored = None if st is None else load_store_model(st, year=year)
        return stored if stored is not None and stored.travel is not None else None

    def stored_models(self) -> pd.DataFrame:
        """The store's calibrated models: ``model_id``, ``year``, ``created_at`` (newest first)."""
        return stored_models(self)

    def read_model(self, model_id: str | None = None, *,
                   bundled: bool = False) -> CalibratedModel | None:  # fmt: skip
        """The bundled model, or the store's model ``model_id`` (default: its newest); None
        when the store has none (:func:`~proxisante.workspace.models.read_model`)."""
        return read_model(self, model_id, bundled=bundled)

    def model_communes(self, model: CalibratedModel | None = None) -> pd.DataFrame:
        """One row per commune of ``model`` (default: the model of 2023 this workspace
        evaluates in): supply, GPs, GPs aged 65+, residual and ranges
        (:func:`proxisante.model.commune_table`; ``model show --csv``)."""

        return commune_table(model or self.stored_model() or bundled_model())

    def gp_estimates(self, year: int = 2023) -> pd.DataFrame:
        """GPs and GPs aged 65 and over per commune (« estimé ») of the model this workspace
        evaluates ``year`` in (:func:`proxisante.model.gp_estimates`): what retirement
        scenarios and the no-COG baseline read."""

        model = self.stored_model(year) or bundled_model()
        if model.year != year:
            msg = f"no calibrated model of {year}; calibrate one with `proxisante model calibrate`"
            raise InputError(msg)
        return gp_estimates(model)

    def prepare_calibration(self, request: CalibrationRequest) -> PreparedCalibration:
        """Read and check the inputs of a calibration, open the store
        (:func:`~proxisante.workspace.models.prepare_calibration`)."""
        return prepare_calibration(self, request)

    def calibrate_model(self, prepared: PreparedCalibration, *, progress=None) -> Calibrated:
        """Calibrate the GP model and save it into the store
        (:func:`~proxisante.workspace.models.calibrate_model`)."""
        return calibrate_model(self, prepared, progress=progress)

    # -- plans ------------------------------------------------------------------------------
    def plan_instance(
        self, territory: str | Territory | None, *, budgets_eur: dict[int, float],
        hires_fte: float | None = None, candidates: Sequence[str] | None = None,
        assumptions: PlanAssumptions | None = None, operator: str = "filieris",
        max_candidates: int | None = 300, professions: Sequence[str] = ("gp",),
        supply_files: Mapping[str, str | Path] | None = None,
        thresholds: Mapping[str, float] | None = None, year: int = 2023,
    ) -> PlanInstance:  # fmt: skip
        """A plan instance on this workspace's offer (see :func:`proxisante.plan.build_instance`),
        evaluated in the same world as scenarios (:meth:`model_baseline` of ``year``).

        ``territory`` None: the operator's network (:meth:`plan_territory`).
        ``supply_files``: ``{profession: supply file}`` giving that profession's FTE in every
        commune (rows of other professions in the file are ignored); default: the offer's
        staff (nurses: the 75+ home-care access of the needs layer).
        ``thresholds``: under-served level per profession other than GPs.
        """
        supply = {p: self.supply_per_commune(f, profession=p, unit="fte")
                  for p, f in (supply_files or {}).items()}  # fmt: skip
        return build_instance(
            self.plan_territory(territory, operator=operator), budgets_eur=budgets_eur,
            hires_fte=hires_fte, candidates=None if candidates is None else list(candidates),
            assumptions=assumptions, operator=operator, max_candidates=max_candidates,
            offer=self.offer(), professions=tuple(professions), supply_fte=supply,
            thresholds=dict(thresholds or {}), context=self.model_baseline(year), year=year,
        )  # fmt: skip

    def cog_plan(self, inst: PlanInstance, territory: Territory, *,
                 objective: Objective = "deficit", time_limit_s: float = 60.0,
                 sensitivity: bool = False) -> CogPlan:  # fmt: skip
        """The multi-year plan of ``inst`` over ``territory`` (:func:`proxisante.plan.
        build_cog_plan`, with the territory's SSIAD coverage): ``plan cog`` and the web page
        of a territory solve the same plan."""
        return build_cog_plan(inst, objective=objective, time_limit_s=time_limit_s,
                              ssiad=self.ssiad_coverage(territory),
                              sensitivity=sensitivity)  # fmt: skip

    def plan_territory(self, territory: str | Territory | None, *,
                       operator: str = "filieris") -> Territory:  # fmt: skip
        """``territory``, or by default the operator's network: the communes within 20
        minutes of one of its open centres de santé (:func:`proxisante.plan.network_codes`)."""
        if territory is not None:
            return self.territory(territory)

        codes = network_codes(operator, offer=self.offer(), context=self.model_baseline())
        label = (f"réseau {operator.capitalize()} ({len(codes)} communes {WITHIN_CATCHMENT_FR} "
                 "d'un de ses centres de santé)")  # fmt: skip
        # the codes themselves (a name search reads only the first 200 characters)
        network = select(",".join(codes))
        return dataclasses.replace(network, label=label, place=PlaceName(label, 2))

    def ssiad_coverage(self, territory: str | Territory) -> SsiadCoverage:
        """SSIAD places per 1,000 inhabitants aged 75+ of the territory (store's offer; the
        imported ages, else the needs layer's estimate of the 75+, said so)."""
        bands, note = self.population_by_age(), ""
        if bands is None:
            # deferred: the needs layer (≈ 80 ms of imports), only where used
            from proxisante.needs import default_ages

            bands, note = default_ages().bands, ESTIMATED_ELDERLY_NOTE
        return ssiad_coverage(self.offer().sites, bands, self.territory(territory).codes,
                              population_note=note)  # fmt: skip

    # -- needs and home care ------------------------------------------------------------------
    def needs(self):
        """The needs layer (:func:`proxisante.needs.load_needs`) on this workspace's offer and
        imports: INSEE ages, RPPS nurses and FINESS SSIAD replace the estimates."""
        # deferred: the needs layer (≈ 80 ms of imports), only where used
        from proxisante.needs import load_needs

        if not self.use_store:
            return load_needs()
        self.sync()  # before the lock: a refresh takes it
        with self._needs_lock:
            if self._needs is None:
                offer = self._current_offer()
                self._needs = load_needs(sites=offer.sites,
                                         ages=self._current_population_by_age(),
                                         staff=offer.staff)  # fmt: skip
            return self._needs

    def territory_needs(self, territory: str | Territory):
        """The territory against its département and France
        (:func:`proxisante.needs.territory_needs`)."""
        # deferred: the needs layer (≈ 80 ms of imports), only where used
        from proxisante.needs import territory_needs

        t = self.territory(territory)
        return territory_needs(t.codes, label=t.label, data=self.needs())

    def needs_table(self, territory: str | Territory) -> pd.DataFrame:
        """One row per commune of the territory: ages (estimated or imported), bassin-de-vie and
        département figures, home-care supply and access, under-served flags (« hypothèse »)."""
        t = self.territory(territory)
        data = self.needs()
        ages = data.ages
        codes = pd.Index(t.codes)
        out = t.communes[["code_insee", "nom"]].merge(data.needs, on="code_insee", how="left")
        extra = pd.DataFrame({
            "population": ages.bands.sum(axis=1), "pop_0_14": ages.between(0, 14),
            "pop_50_74": ages.between(50, 74), "pop_65_plus": ages.aged(65),
            "pop_75_plus": ages.aged(75), "age_basis": ages.basis,
        }).reindex(codes)  # fmt: skip
        hc = data.home_care.table.drop(columns=["pop_75_plus"]).reindex(codes)
        return out.merge(extra.join(hc), left_on="code_insee", right_index=True, how="left")

    def prevention_reach(self, territory: str | Territory | None = None,
                         operator: str | None = None) -> pd.DataFrame:  # fmt: skip
        """Prevention target populations within reach of each open health centre
        (:func:`proxisante.needs.prevention_reach`), filtered by territory and operator."""
        # deferred: the needs layer (≈ 80 ms of imports), only where used
        from proxisante.needs import prevention_reach

        reach = prevention_reach(self.needs(), self.offer().sites)
        if territory is not None:
            reach = reach[reach["commune"].isin(self.territory(territory).codes)]
        if operator is not None:
            reach = reach[reach["operator"].fillna("").str.lower() == operator.lower()]
        return reach.reset_index(drop=True)

    def scenario_home_care(self, scenario: Scenario, territory: str | Territory):
        """Home care and prevention of ``territory`` before and after ``scenario``, per commune
        and for the territory (:func:`proxisante.needs.home_care_change`), on this
        workspace's needs layer (cached): the figures of
        :meth:`proxisante.scenarios.ScenarioResult.home_care` without evaluating the APL.

        Raises
        ------
        InputError
            The scenario changes populations (they need a full APL recompute: ``scenario
            run --full-supply``).
        """
        # deferred: the needs layer (≈ 80 ms of imports), only where used
        from proxisante.needs import home_care_change

        if any(isinstance(e, PopulationChange | PopulationProjection) for e in scenario.edits):
            msg = ("population changes need a full recompute of the APL (scenario run "
                   "--full-supply); home care is not evaluated for them here")  # fmt: skip
            raise InputError(msg)
        offer = self.offer()
        applied = apply_edits(scenario, offer)
        return home_care_change(
            self.needs(), self.territory(territory).codes, sites_before=offer.sites,
            sites_after=applied.sites_after(offer.sites),
            nurse_fte_change=applied.fte_change_by_commune("nurse"),
        )  # fmt: skip

    def needs_report_inputs(self, territory: str | Territory) -> NeedsReportInputs:
        """What :func:`proxisante.report.needs_section` shows for the territory: comparison,
        home-care summary, the estimate sentence, references, prevention reach, medico-social
        sites, commune names."""
        # deferred: the needs layer (≈ 80 ms of imports), only where used
        from proxisante.needs import (
            ESTIMATE_SENTENCE_FR,
            SSIAD_FRANCE_PER_1000,
            home_care_summary,
            medico_social_sites,
            prevention_reach,
        )
        from proxisante.needs.home_care import SSIAD_FRANCE_SOURCE

        t = self.territory(territory)
        data = self.needs()
        reach = prevention_reach(data, self.offer().sites)
        return NeedsReportInputs(
            comparison=self.territory_needs(t),
            home_care=home_care_summary(t.codes, data),
            estimate_sentence=ESTIMATE_SENTENCE_FR.format(cutoff=CATCHMENT_MINUTES),
            cutoff_minutes=CATCHMENT_MINUTES,
            ssiad_france=SSIAD_FRANCE_PER_1000,
            ssiad_france_source=SSIAD_FRANCE_SOURCE,
            reach=reach[reach["commune"].isin(t.codes)].reset_index(drop=True),
            medico_social=medico_social_sites(self.offer().sites, t.codes),
            commune_names=dict(zip(t.communes["code_insee"], t.communes["nom"], strict=True)),
        )

    # -- report inputs ----------------------------------------------------------------------
    def briefing(self, territory: str | Territory, *, year: int = 2023,
                 operator: str = "filieris") -> Briefing:  # fmt: skip
        """The mayor's / MP's briefing of ``territory`` (comparison, zoning view, sites within
        reach, closures and retirements, the operator's weight) on this workspace's offer, in
        the world of this workspace's scenarios: :meth:`model_baseline` of ``year`` (the
        store's newest calibrated model, else the bundled one), so that the CLI report, the
        web page and ``scenario run`` give the same closure effects
        (:func:`proxisante.scenarios.briefing.build_briefing`)."""
        return build_briefing(self.territory(territory), year=year, operator=operator,
                              offer=self.offer(), context=self.model_baseline(year))  # fmt: skip

    def model_quality(self, territory: str | Territory, *, year: int = 2023) -> dict | None:
        """Data of the report's « Qualité du modèle » note for ``territory``
        (:func:`proxisante.model.model_quality` of the model :meth:`model_baseline` uses:
        the store's newest of ``year``, else the bundled one), with commune names beside the
        largest residuals and the travel parameters; ``None`` without a model of ``year``."""

        t = self.territory(territory)
        model = None
        if self.use_store:
            with self._store_if_any() as st:
                model = None if st is None else load_store_model(st, year=year)
        if model is None or model.travel is None:
            model = bundled_model()
        if model.year != year:
            return None
        quality = model_quality(t.codes, model=model)
        names = load_communes().drop_duplicates("code_insee").set_index("code_insee")["nom"]
        for row in (*quality["largest_residuals"], *quality["residuals"]):
            row["nom"] = names.get(row["code_insee"], "")
        travel = model.travel
        if travel is not None:  # a model fitted on user travel times has no offline parameters
            quality["travel"] = {
                "speed_kmh": [float(v) for v in travel.speed_kmh],
                "detour_factor": float(travel.detour_factor),
                "terminal_minutes": float(travel.terminal_minutes),
            }
        return quality

    def report_neighbours(self, territory: str | Territory) -> pd.DataFrame | None:
        """Neighbours shown in a small territory's report: communes within
        :data:`NEIGHBOUR_MINUTES` (offline estimate); ``None`` above :data:`SMALL_TERRITORY`
        communes."""
        t = self.territory(territory)
        return neighbours_within(t, NEIGHBOUR_MINUTES) if len(t) <= SMALL_TERRITORY else None

    def site_state(self, site_id: str, professions: Sequence[str] = ()) -> dict[str, object]:
        """What ``offer edit`` changes at a site, in French, to show it before → after:
        ``statut``, ``places autorisées`` (None when unknown) and « ETP <profession> » for
        each of ``professions`` (0 at a closed site; headcounts counted as
        :func:`proxisante.offer.site_supply` counts them)."""

        offer = self.offer()
        site = offer.site(site_id)
        places = site.get("capacity_places")
        state: dict[str, object] = {
            "statut": "fermé" if site["status"] == "closed" else "ouvert",
            "places autorisées": None if places is None or pd.isna(places) else int(places),
        }
        for prof in professions:
            fte = site_supply(offer, profession=prof).set_index("site_id")["fte"]
            state[f"ETP {PROFESSIONS[prof].plural_fr}"] = float(fte.get(site_id, 0.0))
        return state

    def site_sources(self) -> dict[str, str]:
        """Site id → the ``source`` of the offer's sites (FINESS, and the pages they cite)."""
        sites = self.offer().sites
        return dict(zip(sites["site_id"], sites["source"].fillna("").astype(str), strict=True))

    def site_names(self, scenario: Scenario | None = None) -> dict[str, str]:
        """Site id → name for the offer's sites and the sites ``scenario`` opens; the
        ``commune:<INSEE>`` of its ``departures`` edits (professionals practising in the
        commune) → « professionnels de <commune> (<code>) »."""
        frames = [self.offer().sites[["site_id", "name"]]]
        if scenario is not None:
            frames.append(apply_edits(scenario, self.offer()).opened[["site_id", "name"]])
        names = pd.concat(frames, ignore_index=True).drop_duplicates("site_id")
        out = dict(zip(names["site_id"], names["name"], strict=True))
        communes = [e.commune for e in (scenario.edits if scenario is not None else ())
                    if e.kind == "departures"]  # fmt: skip
        if communes:
            nom = load_communes().drop_duplicates("code_insee").set_index("code_insee")["nom"]
            out |= {f"commune:{c}": f"professionnels {commune_place(str(nom.get(c, c))).of} ({c})"
                    for c in communes}  # fmt: skip
        return out


@dataclasses.dataclass(frozen=True)
class NeedsReportInputs:
    """The figures of the report's section « Personnes âgées, maladies chroniques et
    prévention » for one territory (:meth:`Workspace.needs_report_inputs`).

    ``comparison``: :class:`proxisante.needs.NeedsComparison`; ``home_care``:
    :func:`proxisante.needs.home_care_summary`; ``cutoff_minutes``: catchment of the access
    measures; ``ssiad_france`` and its source: the national SSIAD reference; ``reach``: the
    prevention reach of the territory's health centres; ``medico_social``: its open SSIAD,
    SAAD and EHPAD; ``commune_names``: INSEE code → name.
    """

    comparison: NeedsComparison
    home_care: dict
    estimate_sentence: str
    cutoff_minutes: float
    ssiad_france: float
    ssiad_france_source: str
    reach: pd.DataFrame
    medico_social: pd.DataFrame
    commune_names: dict[str, str]


def neighbours_within(territory: Territory, minutes: float) -> pd.DataFrame:
    """Communes outside ``territory`` within ``minutes`` of one of its communes (estimate).

    Returns ``code_insee, nom, population, minutes_estimees`` (the shortest time from the
    territory).
    """
    allc = load_communes()
    allc = allc[allc["lat"].notna() & ~allc["code_insee"].isin(territory.codes)]
    inside = territory.communes[territory.communes["lat"].notna()]
    cols = ["code_insee", "nom", "population", "minutes_estimees"]
    if inside.empty or allc.empty:
        return pd.DataFrame(columns=cols)
    tm = estimate_matrix(
        inside["code_insee"], inside["lat"], inside["lon"],
        allc["code_insee"], allc["lat"], allc["lon"],
        cutoff_minutes=minutes,
    )  # fmt: skip
    reached = np.unique(tm.minutes.indices)
    out = allc.iloc[reached].copy()
    # shortest stored time (a sparse min would count the pairs beyond the cut-off as 0)
    best = nearest_minutes(tm.minutes.T, np.ones(tm.minutes.shape[0]))
    out["minutes_estimees"] = best[reached]
    return out[cols]
