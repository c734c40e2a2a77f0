"""What unit staff may see of enterprises: those with an issue their unit leads or supports."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from issues.models import Issue
from issues.models.issue import unit_q


def enterprises_of_units(unit_ids) -> Q:
    """A Q over Enterprise (listed in the setting QINQING_UNIT_ENTERPRISE_VISIBILITY)."""
    return Q(Exists(Issue.objects.filter(unit_q(unit_ids), enterprise=OuterRef("pk"))))
