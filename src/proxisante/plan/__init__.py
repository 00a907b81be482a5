"""Plans: where to recruit and open under multi-year budgets (HiGHS MILP + greedy), COG plan."""

from proxisante.plan.cog import CogPlan, build_cog_plan, cog_labels, write_xlsx
from proxisante.plan.instance import CostParameters, PlanInstance, build_instance
from proxisante.plan.optimise import OBJECTIVES, PlanSolution, evaluate_plan, greedy, solve_milp

__all__ = [
    "OBJECTIVES",
    "CogPlan",
    "CostParameters",
    "PlanInstance",
    "PlanSolution",
    "build_cog_plan",
    "build_instance",
    "cog_labels",
    "evaluate_plan",
    "greedy",
    "solve_milp",
    "write_xlsx",
]
