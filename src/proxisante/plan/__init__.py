"""Plans: where to recruit and open under multi-year budgets (HiGHS MILP + greedy), COG plan."""

<<<<<<< HEAD
from proxisante.plan.assumptions import PlanAssumptions, read_assumptions
from proxisante.plan.candidates import CandidateRule
from proxisante.plan.cog import CogPlan, budget_scenarios, build_cog_plan, write_xlsx
from proxisante.plan.instance import PlanInstance, ProfessionBlock, build_instance, network_codes
from proxisante.plan.optimise import (
    OBJECTIVES,
    InfeasiblePlanError,
=======
from proxisante.plan.cog import CogPlan, build_cog_plan, cog_labels, write_xlsx
from proxisante.plan.instance import CostParameters, PlanInstance, build_instance
from proxisante.plan.optimise import (
    OBJECTIVES,
    Objective,
>>>>>>> 906e191 (Layer contracts (import-linter, tests/test_layers.py), mypy on access/scenarios/plan/workspace (tests/test_types.py; model and needs when present), docs/ (data flow, DREES method with its conventions at bounds, marginal-effect identity, plan model), proxisante --version, README examples on sample files in examples/ (built by scripts/build_examples.py with provenance))
    PlanSolution,
    evaluate_plan,
    greedy,
    solve_milp,
)

__all__ = [
    "OBJECTIVES",
    "CandidateRule",
    "CogPlan",
<<<<<<< HEAD
    "InfeasiblePlanError",
    "PlanAssumptions",
=======
    "CostParameters",
    "Objective",
>>>>>>> 906e191 (Layer contracts (import-linter, tests/test_layers.py), mypy on access/scenarios/plan/workspace (tests/test_types.py; model and needs when present), docs/ (data flow, DREES method with its conventions at bounds, marginal-effect identity, plan model), proxisante --version, README examples on sample files in examples/ (built by scripts/build_examples.py with provenance))
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
    "write_xlsx",
]
