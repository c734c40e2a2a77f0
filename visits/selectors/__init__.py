"""Reads for visits and coverage (see visits.selectors.visits and visits.selectors.coverage)."""

from visits.selectors.coverage import (
    Coverage,
    EnterpriseDue,
    OfficerCoverage,
    RegionCoverage,
    coverage_by_officer,
    coverage_by_region,
    coverage_for_enterprises,
    coverage_for_officer,
    enterprise_due,
    overdue_for_officer,
)
from visits.selectors.visits import (
    visit_attachment_get_for_user,
    visit_filterset,
    visit_get_for_user,
    visit_issues,
    visit_list,
    visit_list_parts,
    visit_list_rows_by_id,
    visit_timeline_for_enterprise,
)

__all__ = [
    "Coverage",
    "EnterpriseDue",
    "OfficerCoverage",
    "RegionCoverage",
    "coverage_by_officer",
    "coverage_by_region",
    "coverage_for_enterprises",
    "coverage_for_officer",
    "enterprise_due",
    "overdue_for_officer",
    "visit_attachment_get_for_user",
    "visit_filterset",
    "visit_get_for_user",
    "visit_issues",
    "visit_list",
    "visit_list_parts",
    "visit_list_rows_by_id",
    "visit_timeline_for_enterprise",
]
