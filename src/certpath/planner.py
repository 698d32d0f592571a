"""Learning paths, gaps, closest roles and careers: the public names of :mod:`certpath.planning`.

Kept so that ``from certpath.planner import shortest_learning_path`` (notebooks, the README, older
scripts) keeps working; new code may import from :mod:`certpath.planning` directly.
"""

from certpath.planning import (
    MEASURES,
    Alternative,
    CareerPath,
    ClosestRoles,
    Gap,
    LearningPlan,
    MetRequirement,
    Milestone,
    PlanStep,
    Question,
    Requirement,
    RoleDistance,
    RoleGaps,
    career_path,
    clear_cache,
    closest_roles,
    greedy_learning_path,
    no_plan_to_dict,
    plan,
    role_gaps,
    shortest_learning_path,
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
    "closest_roles",
    "greedy_learning_path",
    "no_plan_to_dict",
    "plan",
    "role_gaps",
    "shortest_learning_path",
]
