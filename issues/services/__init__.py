"""All writes of the issues app. See `core` for the transition service and `ON_EVENT`, the
declared list of what every action does besides its own handler."""

from issues.services.core import (
    ON_EVENT,
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
    "ON_EVENT",
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
