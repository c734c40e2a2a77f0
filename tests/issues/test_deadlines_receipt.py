"""Time limits count from when a request is deemed received (DESIGN §6), through real transitions.

2025 春节: Tue 01-28 to Tue 02-04 off; Sun 01-26 and Sat 02-08 are 调休 working days. Working days
around it: Mon 01-27 | Wed 02-05, Thu 02-06, Fri 02-07, Sat 02-08, Mon 02-10, Tue 02-11, Wed 02-12.
The default category: acknowledge 1 working day, resolve 5, revisit 2.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from issues.models import Issue
from issues.services import issue_register, issue_transition

SH = ZoneInfo("Asia/Shanghai")


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def drive(world, cats):
    """Register, dispatch and acknowledge an issue of `ent_a` at the given local times."""

    def run(*, dispatched: str, acknowledged: str | None = None) -> Issue:
        issue = issue_register(
            actor=world.liaison,
            enterprise=world.ent_a,
            source=Issue.Source.VISIT,
            category=cats.plain,
            title="春节期间用工",
            description="企业节后复工需要招聘普工 50 名。",
            at=t(dispatched),
        )
        issue_transition(
            actor=world.dispatcher,
            issue_id=issue.pk,
            action="dispatch",
            at=t(dispatched),
            lead_unit=world.line_unit,
        )
        if acknowledged:
            issue_transition(
                actor=world.handler, issue_id=issue.pk, action="acknowledge", at=t(acknowledged)
            )
        issue.refresh_from_db()
        return issue

    return run


def test_a_dispatch_on_a_spring_festival_saturday_is_due_a_day_after_one_on_monday(drive):
    monday = drive(dispatched="2025-01-27 10:00")
    saturday = drive(dispatched="2025-02-01 10:00")
    assert monday.ack_deadline == t("2025-02-05 17:30")
    # deemed received Wed 02-05 08:30; the receipt day is not counted
    assert saturday.ack_deadline == t("2025-02-06 17:30")


def test_the_resolve_limit_of_a_holiday_acknowledgement_counts_from_after_the_holiday(drive):
    before = drive(dispatched="2025-01-27 09:00", acknowledged="2025-01-27 10:00")
    during = drive(dispatched="2025-02-01 09:00", acknowledged="2025-02-01 10:00")
    # 02-05, 02-06, 02-07, 02-08 (Sat, worked), 02-10
    assert before.resolve_deadline == t("2025-02-10 17:30")
    # received 02-05: 02-06, 02-07, 02-08, 02-10, 02-11
    assert during.resolve_deadline == t("2025-02-11 17:30")
    assert during.acknowledged_on_time is True


def test_an_evening_dispatch_counts_from_the_next_working_day(drive):
    evening = drive(dispatched="2025-01-27 18:00")  # the eve of the holiday, after 17:30
    assert evening.ack_deadline == t("2025-02-06 17:30")


def test_a_dispatch_on_the_make_up_sunday_counts_that_sunday_as_the_receipt_day(drive):
    sunday = drive(dispatched="2025-01-26 10:00")  # 调休: a working day
    assert sunday.ack_deadline == t("2025-01-27 17:30")


def test_new_years_day_2027_is_off_although_the_2027_arrangement_is_unknown(drive):
    # Thu 2026-12-31 10:00: Fri 2027-01-01 is 元旦, so the acknowledge limit ends Mon 01-04.
    issue = drive(dispatched="2026-12-31 10:00")
    assert issue.ack_deadline == t("2027-01-04 17:30")
