"""Plans: where to recruit and open under multi-year budgets (HiGHS MILP + greedy), COG plan."""

from proxisante.plan.assumptions import PlanAssumptions, read_assumptions
from proxisante.plan.candidates import CandidateRule
from proxisante.plan.cog import CogPlan, budget_scenarios, build_cog_plan, tabulate, write_xlsx
from proxisante.plan.instance import PlanInstance, ProfessionBlock, build_instance, network_codes
from proxisante.plan.optimise import (
    OBJECTIVES,
    InfeasiblePlanError,
    PlanSolution,
    evaluate_plan,
    greedy,
    solve_milp,
)

__all__ = [
    "OBJECTIVES",
    "CandidateRule",
    "CogPlan",
    "InfeasiblePlanError",
    "PlanAssumptions",
    "PlanInstance",
    "PlanSolution",
    "ProfessionBlock",
    "budget_scenarios",
    "build_cog_plan",
    "build_instance",
    "evaluate_plan",
    "greedy",
    "network_codes",
    "read_assumptions",
    "solve_milp",
    "tabulate",
    "write_xlsx",
]
