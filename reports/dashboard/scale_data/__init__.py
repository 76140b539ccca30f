"""A realistic, deterministic data set for the dashboards and their benchmark (not for production).

`build(profile="province", seed=57)` makes what DESIGN.md "Scale" describes for one province:
120 units (20 provincial bodies, 95 communes and wards, 5 enterprises) and their groups, 20 plans
of 150 sub-tasks, lead assignments fanned out through the groups (≈ 60,000), a monthly report per
lead assignment for up to 24 months (≈ 1.4 million rows), completion claims with evidence
metadata, reviewers' decisions, the assignments' status rows, and finally the real red-flag sweep.

Everything depends only on the seed and `today`, so two builds with the same arguments are equal.
Evidence rows describe files that do not exist: their stored names start with SCALE_EVIDENCE_PREFIX,
outside the evidence folder, so a storage check can tell them from real uploads.
On PostgreSQL the big tables are written with COPY; elsewhere with bulk_create in batches.
"""

from .builder import Builder
from .dataset import build, wipe_scale_data
from .vocabulary import (
    BODIES,
    DEFAULT_PASSWORD,
    DIFFICULTIES,
    ENTERPRISES,
    GROUPS,
    PLACE_WORDS,
    PLAN_THEMES,
    PROFILES,
    RESULTS,
    RETURN_REASONS,
    SCALE_EVIDENCE_PREFIX,
    SECTION_TITLES,
    SOURCE_NAME,
    Profile,
)
from .writing import Counts, TableWriter, month_add

__all__ = [
    "BODIES",
    "Builder",
    "Counts",
    "DEFAULT_PASSWORD",
    "DIFFICULTIES",
    "ENTERPRISES",
    "GROUPS",
    "PLACE_WORDS",
    "PLAN_THEMES",
    "PROFILES",
    "Profile",
    "RESULTS",
    "RETURN_REASONS",
    "SCALE_EVIDENCE_PREFIX",
    "SECTION_TITLES",
    "SOURCE_NAME",
    "TableWriter",
    "build",
    "month_add",
    "wipe_scale_data",
]
