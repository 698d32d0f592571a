"""Exact learning paths, role gaps, closest roles and career paths, NetworkX style.

Every function takes the planning graph of :mod:`certpath.projection` (a
``networkx.MultiDiGraph`` keyed by IRI, ``docs/graph-projection.md``) first and follows the
vocabulary's rules (``docs/vocabulary.md``). The package is organised by job:

- :mod:`~certpath.planning.question`: the frozen :class:`Question` of one plan;
- :mod:`~certpath.planning.index`: what is read from the graph, and how long it is kept;
- :mod:`~certpath.planning.rules`: the one place that knows how a prerequisite is met;
- :mod:`~certpath.planning.reduction`: the offers that matter, and why no plan exists;
- :mod:`~certpath.planning.solving`: the 0/1 model (:mod:`certpath._milp`) and the greedy baseline;
- :mod:`~certpath.planning.assembly`: the plan that explains itself;
- :mod:`~certpath.planning.paths`, :mod:`~certpath.planning.gaps`,
  :mod:`~certpath.planning.closest`, :mod:`~certpath.planning.career`: the questions;
- :mod:`~certpath.planning.results`: what they answer (every result has ``to_dict``);
- :mod:`~certpath.planning.report`: results as text and Markdown.
"""

from certpath.planning.career import career_path
from certpath.planning.closest import closest_roles
from certpath.planning.gaps import role_gaps
from certpath.planning.index import clear_cache
from certpath.planning.paths import greedy_learning_path, plan, shortest_learning_path
from certpath.planning.question import MEASURES, Question
from certpath.planning.report import (
    career_text,
    closest_text,
    gaps_text,
    plan_markdown,
    plan_text,
)
from certpath.planning.results import (
    Alternative,
    CareerPath,
    ClosestRoles,
    Gap,
    LearningPlan,
    MetRequirement,
    Milestone,
    PlanStep,
    Requirement,
    RoleDistance,
    RoleGaps,
    no_plan_to_dict,
)

__all__ = [
    "MEASURES",
    "Alternative",
    "CareerPath",
    "ClosestRoles",
    "Gap",
    "LearningPlan",
    "MetRequirement",
    "Milestone",
    "PlanStep",
    "Question",
    "Requirement",
    "RoleDistance",
    "RoleGaps",
    "career_path",
    "clear_cache",
    "career_text",
    "closest_roles",
    "closest_text",
    "gaps_text",
    "greedy_learning_path",
    "no_plan_to_dict",
    "plan",
    "plan_markdown",
    "plan_text",
    "role_gaps",
    "shortest_learning_path",
]
