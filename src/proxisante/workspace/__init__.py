"""The application layer: what the CLI and the web app are thin adapters over.

:class:`Workspace` owns the store-backed offer and populations, the evaluation baseline,
territories, scenarios and plans evaluated on that offer, and the inputs of the reports;
:mod:`~proxisante.workspace.search` finds territories, operators and sites by name or code;
:mod:`~proxisante.workspace.export` writes tables (CSV, xlsx, GeoPackage, Parquet). Names
load on first use, so that ``proxisante territory show`` needs only the territory data.

The CLI and the web app import nothing else below the workspace (an import-linter contract in
``pyproject.toml``): the names they parse with or display (scenario files, the commune card,
plan tables, home-care wording) are re-exported here from the package that defines them.
"""

from typing import TYPE_CHECKING

from proxisante._lazy import lazy_exports

# the search is light (territory data only) and shares its name with its module: eager
from proxisante.workspace.search import (
    SearchHit,
    resolve,
    search,
    search_communes,
    search_key,
    searchable_sites,
)

if TYPE_CHECKING:
    from proxisante.needs import (
        DEFAULT_CUTOFF_MINUTES,
        EHPAD_FRANCE_PER_1000,
        ESTIMATE_SENTENCE_FR,
        PREVENTION_TARGETS,
        SSIAD_FRANCE_PER_1000,
        UNDER_SERVED_FRACTION,
    )
    from proxisante.offer import KINDS, parse_fte_change
    from proxisante.plan import (
        PlanAssumptions,
        budget_scenarios,
        build_cog_plan,
        greedy,
        read_assumptions,
        solve_milp,
        tabulate,
        write_xlsx,
    )
    from proxisante.plan.baseline import no_cog_table
    from proxisante.plan.cog import (
        DEFAULT_BUDGET_BASIS_FR,
        DEFAULT_BUDGET_EUR,
        SHORT_FR,
        comparison_sentence,
        default_budgets,
        threshold_fr,
    )
    from proxisante.scenarios import (
        dump_scenario,
        load_scenario,
        parse_scenario,
        read_population_projection,
    )
    from proxisante.scenarios.impact import headcount_note_fr
    from proxisante.territory import (
        Territory,
        check_commune_codes,
        load_commune_geometry,
        load_communes,
        load_departement_geometry,
        territory_apl_table,
        under_served_population,
    )
    from proxisante.territory.card import (
        CARD_APL_YEARS,
        CommuneCard,
        none_if_missing,
        read_commune_apl,
        read_commune_card,
    )
    from proxisante.territory.communes import commune_label
    from proxisante.territory.mining_basins import mining_basin_contour
    from proxisante.territory.official_apl import UNDER_SERVED_APL, VIGILANCE_APL
    from proxisante.territory.zoning import (
        ACCESS_LABELS_FR,
        ZONING_APL_FR,
        ZONING_LABELS_FR,
        ZONING_SHORT_FR,
        access_classes,
        zoning_classes,
    )
    from proxisante.travel import (
        DEFAULT_DETOUR_FACTOR,
        DEFAULT_SPEED_KMH,
        build_network,
        fit_estimate,
        osrm_matrix,
        travel_matrix,
    )
    from proxisante.workspace.access import AccessRequest, AccessResult
    from proxisante.workspace.evaluation import EvaluationState, commune_names, world_baseline
    from proxisante.workspace.export import (
        CSV_FORMATS,
        TABLE_FORMATS,
        csv_bytes,
        for_people,
        table_bytes,
        table_format,
        write_table,
    )
    from proxisante.workspace.models import Calibrated, CalibrationRequest
    from proxisante.workspace.workspace import (
        NEIGHBOUR_MINUTES,
        SMALL_TERRITORY,
        NeedsReportInputs,
        Workspace,
        neighbours_within,
        territory_of,
    )

__all__ = [
    "ACCESS_LABELS_FR",
    "CARD_APL_YEARS",
    "CSV_FORMATS",
    "DEFAULT_BUDGET_BASIS_FR",
    "DEFAULT_BUDGET_EUR",
    "DEFAULT_CUTOFF_MINUTES",
    "DEFAULT_DETOUR_FACTOR",
    "DEFAULT_SPEED_KMH",
    "EHPAD_FRANCE_PER_1000",
    "ESTIMATE_SENTENCE_FR",
    "KINDS",
    "NEIGHBOUR_MINUTES",
    "PREVENTION_TARGETS",
    "SHORT_FR",
    "SMALL_TERRITORY",
    "SSIAD_FRANCE_PER_1000",
    "TABLE_FORMATS",
    "UNDER_SERVED_APL",
    "UNDER_SERVED_FRACTION",
    "VIGILANCE_APL",
    "ZONING_APL_FR",
    "ZONING_LABELS_FR",
    "ZONING_SHORT_FR",
    "AccessRequest",
    "AccessResult",
    "Calibrated",
    "CalibrationRequest",
    "CommuneCard",
    "EvaluationState",
    "NeedsReportInputs",
    "PlanAssumptions",
    "SearchHit",
    "Territory",
    "Workspace",
    "access_classes",
    "budget_scenarios",
    "build_cog_plan",
    "build_network",
    "check_commune_codes",
    "commune_label",
    "commune_names",
    "comparison_sentence",
    "csv_bytes",
    "default_budgets",
    "dump_scenario",
    "fit_estimate",
    "for_people",
    "greedy",
    "headcount_note_fr",
    "load_commune_geometry",
    "load_communes",
    "load_departement_geometry",
    "load_scenario",
    "mining_basin_contour",
    "neighbours_within",
    "no_cog_table",
    "none_if_missing",
    "osrm_matrix",
    "parse_fte_change",
    "parse_scenario",
    "read_assumptions",
    "read_commune_apl",
    "read_commune_card",
    "read_population_projection",
    "resolve",
    "search",
    "search_communes",
    "search_key",
    "searchable_sites",
    "solve_milp",
    "table_bytes",
    "table_format",
    "tabulate",
    "territory_apl_table",
    "territory_of",
    "threshold_fr",
    "travel_matrix",
    "under_served_population",
    "world_baseline",
    "write_table",
    "write_xlsx",
    "zoning_classes",
]

_EXPORT, _WORKSPACE = "proxisante.workspace.export", "proxisante.workspace.workspace"
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "CSV_FORMATS": _EXPORT,
        "TABLE_FORMATS": _EXPORT,
        "csv_bytes": _EXPORT,
        "for_people": _EXPORT,
        "table_bytes": _EXPORT,
        "table_format": _EXPORT,
        "write_table": _EXPORT,
        "NEIGHBOUR_MINUTES": _WORKSPACE,
        "SMALL_TERRITORY": _WORKSPACE,
        "NeedsReportInputs": _WORKSPACE,
        "Workspace": _WORKSPACE,
        "neighbours_within": _WORKSPACE,
        "territory_of": _WORKSPACE,
        "AccessRequest": "proxisante.workspace.access",
        "AccessResult": "proxisante.workspace.access",
        "Calibrated": "proxisante.workspace.models",
        "CalibrationRequest": "proxisante.workspace.models",
        "EvaluationState": "proxisante.workspace.evaluation",
        "commune_names": "proxisante.workspace.evaluation",
        "world_baseline": "proxisante.workspace.evaluation",
        # what the CLI and the web app parse with or display, from the packages below the
        # workspace (the CLI and the web app import only the workspace: pyproject.toml)
        "ZONING_LABELS_FR": "proxisante.territory.zoning",
        "ZONING_SHORT_FR": "proxisante.territory.zoning",
        "no_cog_table": "proxisante.plan.baseline",
        "ACCESS_LABELS_FR": "proxisante.territory.zoning",
        "ZONING_APL_FR": "proxisante.territory.zoning",
        "CARD_APL_YEARS": "proxisante.territory.card",
        "CommuneCard": "proxisante.territory.card",
        "DEFAULT_CUTOFF_MINUTES": "proxisante.needs",
        "DEFAULT_DETOUR_FACTOR": "proxisante.travel",
        "DEFAULT_SPEED_KMH": "proxisante.travel",
        "EHPAD_FRANCE_PER_1000": "proxisante.needs",
        "ESTIMATE_SENTENCE_FR": "proxisante.needs",
        "KINDS": "proxisante.offer",
        "PREVENTION_TARGETS": "proxisante.needs",
        "PlanAssumptions": "proxisante.plan",
        "SHORT_FR": "proxisante.plan.cog",
        "DEFAULT_BUDGET_BASIS_FR": "proxisante.plan.cog",
        "DEFAULT_BUDGET_EUR": "proxisante.plan.cog",
        "default_budgets": "proxisante.plan.cog",
        "SSIAD_FRANCE_PER_1000": "proxisante.needs",
        "Territory": "proxisante.territory",
        "UNDER_SERVED_APL": "proxisante.territory.official_apl",
        "VIGILANCE_APL": "proxisante.territory.official_apl",
        "access_classes": "proxisante.territory.zoning",
        "zoning_classes": "proxisante.territory.zoning",
        "UNDER_SERVED_FRACTION": "proxisante.needs",
        "budget_scenarios": "proxisante.plan",
        "build_cog_plan": "proxisante.plan",
        "build_network": "proxisante.travel",
        "check_commune_codes": "proxisante.territory",
        "commune_label": "proxisante.territory.communes",
        "comparison_sentence": "proxisante.plan.cog",
        "dump_scenario": "proxisante.scenarios",
        "fit_estimate": "proxisante.travel",
        "greedy": "proxisante.plan",
        "headcount_note_fr": "proxisante.scenarios.impact",
        "load_commune_geometry": "proxisante.territory",
        "load_communes": "proxisante.territory",
        "load_departement_geometry": "proxisante.territory",
        "load_scenario": "proxisante.scenarios",
        "mining_basin_contour": "proxisante.territory.mining_basins",
        "none_if_missing": "proxisante.territory.card",
        "osrm_matrix": "proxisante.travel",
        "parse_fte_change": "proxisante.offer",
        "parse_scenario": "proxisante.scenarios",
        "read_assumptions": "proxisante.plan",
        "read_commune_apl": "proxisante.territory.card",
        "read_commune_card": "proxisante.territory.card",
        "read_population_projection": "proxisante.scenarios",
        "solve_milp": "proxisante.plan",
        "tabulate": "proxisante.plan",
        "territory_apl_table": "proxisante.territory",
        "threshold_fr": "proxisante.plan.cog",
        "travel_matrix": "proxisante.travel",
        "under_served_population": "proxisante.territory",
        "write_xlsx": "proxisante.plan",
    },
)
