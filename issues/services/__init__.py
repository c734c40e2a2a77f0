"""All writes of the issues app. See `core` for the transition service and its hooks."""

from issues.services.core import (
    AFTER_COMMIT_HOOKS,
    TRANSITION_HOOKS,
    WorkflowError,
    issue_record_event,
    issue_transition,
)
from issues.services.improvement import (
    improvement_create,
    improvement_link_issues,
    improvement_set_status,
)
from issues.services.register import issue_register, may_register, route_for

__all__ = [
    "AFTER_COMMIT_HOOKS",
    "TRANSITION_HOOKS",
    "WorkflowError",
    "improvement_create",
    "improvement_link_issues",
    "improvement_set_status",
    "issue_record_event",
    "issue_register",
    "issue_transition",
    "may_register",
    "route_for",
]
