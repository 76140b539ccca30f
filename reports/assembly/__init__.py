"""Assembling an official report from the database as of its period's cut-off (issue 8)."""

from .document import NARRATIVE_FIELDS, build_document, default_narrative
from .figures import assemble, canonical_json, inputs_sha256
from .scope import ReportScope, ScopeError, period_label, reportable_plans, resolve_scope

__all__ = [
    "NARRATIVE_FIELDS",
    "ReportScope",
    "ScopeError",
    "assemble",
    "build_document",
    "canonical_json",
    "default_narrative",
    "inputs_sha256",
    "period_label",
    "reportable_plans",
    "resolve_scope",
]
