"""Issues (诉求) and the closed loop (DESIGN §5, §8). See issues/workflow.py for the table."""

from issues.models.catalogue import Category, CategoryQuerySet, LimitUnit, RoutingRule
from issues.models.clock import ClockKind, IssueClock
from issues.models.improvement import ImprovementAction
from issues.models.issue import (
    Issue,
    IssueQuerySet,
    IssueSupport,
    Priority,
    Source,
    StateChangeOutsideWorkflow,
    Via,
)
from issues.models.records import (
    SYSTEM_EVENT_LABELS,
    ExtensionRequest,
    ImmutableEventError,
    IssueAttachment,
    IssueComment,
    IssueEvent,
    IssueEventQuerySet,
)

__all__ = [
    "SYSTEM_EVENT_LABELS",
    "Category",
    "CategoryQuerySet",
    "ClockKind",
    "ExtensionRequest",
    "ImmutableEventError",
    "ImprovementAction",
    "Issue",
    "IssueAttachment",
    "IssueClock",
    "IssueComment",
    "IssueEvent",
    "IssueEventQuerySet",
    "IssueQuerySet",
    "IssueSupport",
    "LimitUnit",
    "Priority",
    "RoutingRule",
    "Source",
    "StateChangeOutsideWorkflow",
    "Via",
]
