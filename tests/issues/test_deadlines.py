"""Deadlines set and moved by real transitions on the seeded Chinese working calendar.

2025 国庆: 10-01..08 off, Sun 09-28 and Sat 10-11 are working days.
2026 春节: 02-15..23 off, Sat 02-14 and Sat 02-28 are working days.
Business hours 08:30-17:30 Asia/Shanghai. The default category: acknowledge 1 working day,
resolve 5, revisit 2, warning band the last 20 %.
"""

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from issues.deadlines import deadline_status
from issues.models import Issue, IssueClock
from issues.services import issue_register, issue_transition
from workcalendar.selectors import get_work_calendar

SH = ZoneInfo("Asia/Shanghai")


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def flow(world, cats):
    """Drive an issue of `ent_a` through the real services at given local times."""

    class Flow:
        def __init__(self):
            self.issue = None

        def register(self, at, category=None):
            self.issue = issue_register(
                actor=world.liaison,
                enterprise=world.ent_a,
                source=Issue.Source.VISIT,
                category=category or cats.plain,
                title="厂房消防验收",
                description="企业新建厂房需要尽快完成消防验收。",
                at=t(at),
            )
            return self

        def do(self, action, who, at, **data):
            issue_transition(
                actor=getattr(world, who), issue_id=self.issue.pk, action=action, at=t(at), **data
            )
            self.issue.refresh_from_db()
            return self

        def dispatch(self, at):
            return self.do("dispatch", "dispatcher", at, lead_unit=world.line_unit)

        def ack(self, at):
            return self.do("acknowledge", "handler", at)

        def resolve(self, at):
            return self.do("resolve", "handler", at, outcome="solved", reply="已办理完毕。")

        @property
        def clock(self):
            return IssueClock.objects.get(issue=self.issue)

    return Flow()


def test_dispatch_before_national_day_is_due_the_first_working_day_after_it(flow):
    flow.register("2025-09-30 10:00").dispatch("2025-09-30 10:00")
    assert flow.issue.ack_deadline == t("2025-10-09 17:30")
    assert flow.clock.kind == "ack"
    assert flow.clock.deadline == t("2025-10-09 17:30")


def test_the_resolve_limit_counts_the_sunday_make_up_day_and_skips_the_holiday(flow):
    # acknowledged on Friday 09-26: 09-28 (Sun, worked), 09-29, 09-30, 10-09, 10-10
    flow.register("2025-09-26 09:00").dispatch("2025-09-26 09:00").ack("2025-09-26 09:30")
    assert flow.issue.resolve_deadline == t("2025-10-10 17:30")
    assert flow.issue.acknowledged_on_time is True


def test_the_resolve_limit_across_spring_festival_counts_both_saturday_make_up_days(flow):
    # acknowledged Thu 02-12: 02-13, 02-14 (Sat, worked), 02-24, 02-25, 02-26
    flow.register("2026-02-12 09:00").dispatch("2026-02-12 09:00").ack("2026-02-12 10:00")
    assert flow.issue.resolve_deadline == t("2026-02-26 17:30")


def test_hour_limits_walk_business_hours_across_the_holiday(flow, cats):
    cats.plain.ack_limit, cats.plain.ack_unit = Decimal("4"), "working_hours"
    cats.plain.save()
    flow.register("2025-09-30 15:00").dispatch("2025-09-30 15:00")
    # 2.5 h on 09-30, then 1.5 h on 10-09
    assert flow.issue.ack_deadline == t("2025-10-09 10:00")


def test_a_late_acknowledgement_is_recorded_as_late(flow):
    flow.register("2025-09-30 10:00").dispatch("2025-09-30 10:00").ack("2025-10-09 17:31")
    assert flow.issue.acknowledged_on_time is False


def test_a_pause_spanning_the_holiday_is_added_back_and_keeps_the_resolution_on_time(flow):
    flow.register("2025-09-26 09:00").dispatch("2025-09-26 09:00").ack("2025-09-26 09:30")
    # paused from Tue 09-30 14:30 to Thu 10-09 10:30: 3 h + 2 h of business time
    flow.do("ask_enterprise", "handler", "2025-09-30 14:30", question="请补充消防设计图纸。")
    assert flow.issue.paused_at == t("2025-09-30 14:30")
    assert flow.clock.next_check_at is None  # the ladder is paused too
    flow.do("answer", "liaison", "2025-10-09 10:30", text="图纸已上传。")
    assert flow.issue.paused_at is None
    assert flow.issue.paused_total == timedelta(days=8, hours=20)
    # 10-10 17:30 + 5 h → Sat 10-11 (a working day) 13:30
    assert flow.issue.resolve_deadline == t("2025-10-11 13:30")
    assert flow.clock.deadline == t("2025-10-11 13:30")
    assert flow.clock.next_check_at is not None
    # resolved after the original deadline but within the pause-adjusted one
    flow.resolve("2025-10-11 12:00")
    assert flow.issue.resolved_on_time is True


def test_resolving_after_the_pause_adjusted_deadline_is_late(flow):
    flow.register("2025-09-26 09:00").dispatch("2025-09-26 09:00").ack("2025-09-26 09:30")
    flow.do("ask_enterprise", "handler", "2025-09-30 14:30", question="请补充消防设计图纸。")
    flow.do("answer", "liaison", "2025-10-09 10:30", text="图纸已上传。")
    flow.resolve("2025-10-11 13:31")
    assert flow.issue.resolved_on_time is False


def test_an_approved_extension_moves_the_deadline_by_working_days_across_spring_festival(flow):
    # acknowledged Tue 02-10: 02-11, 02-12, 02-13, 02-14 (Sat), 02-24
    flow.register("2026-02-10 09:00").dispatch("2026-02-10 09:00").ack("2026-02-10 09:00")
    assert flow.issue.resolve_deadline == t("2026-02-24 17:30")
    flow.do("request_extension", "handler", "2026-02-12 10:00", days=3, reason="需要现场复核。")
    assert flow.issue.resolve_deadline == t("2026-02-24 17:30")  # nothing until approved
    flow.do("decide_extension", "dispatcher", "2026-02-13 10:00", decision="approve")
    assert flow.issue.resolve_deadline == t("2026-02-27 17:30")
    assert flow.clock.deadline == t("2026-02-27 17:30")
    flow.resolve("2026-02-27 16:00")
    assert flow.issue.resolved_on_time is True


def test_a_denied_extension_changes_nothing(flow):
    flow.register("2026-02-10 09:00").dispatch("2026-02-10 09:00").ack("2026-02-10 09:00")
    flow.do("request_extension", "handler", "2026-02-12 10:00", days=3, reason="需要现场复核。")
    flow.do("decide_extension", "dispatcher", "2026-02-13 10:00", decision="deny")
    assert flow.issue.resolve_deadline == t("2026-02-24 17:30")
    flow.resolve("2026-02-28 09:00")  # Saturday, a working day, after the deadline
    assert flow.issue.resolved_on_time is False


def test_an_extension_approved_while_paused_and_the_pause_both_count(flow):
    flow.register("2026-02-10 09:00").dispatch("2026-02-10 09:00").ack("2026-02-10 09:00")
    flow.do("ask_enterprise", "handler", "2026-02-13 16:30", question="请补充材料。")
    flow.do("request_extension", "handler", "2026-02-13 16:40", days=1, reason="等待材料。")
    flow.do("decide_extension", "dispatcher", "2026-02-13 17:00", decision="approve")
    assert flow.issue.resolve_deadline == t("2026-02-25 17:30")
    assert flow.clock.next_check_at is None  # still paused
    # paused 02-13 16:30 → 02-24 09:30: 1 h + 9 h (Sat 02-14) + 1 h = 11 h
    flow.do("answer", "liaison", "2026-02-24 09:30", text="材料已补充。")
    assert flow.issue.resolve_deadline == t("2026-02-27 10:30")


def test_resolution_starts_the_revisit_limit_and_review_delays_it(flow, cats):
    flow.register("2025-09-26 09:00").dispatch("2025-09-26 09:00").ack("2025-09-26 09:30")
    flow.resolve("2025-09-30 16:00")
    assert flow.issue.state == "resolved"
    assert flow.issue.revisit_deadline == t("2025-10-10 17:30")  # 10-09, 10-10
    assert flow.clock.kind == "revisit"

    flow.register("2025-09-26 09:00", category=cats.reviewed)
    flow.dispatch("2025-09-26 09:00").ack("2025-09-26 09:30").resolve("2025-09-29 16:00")
    assert flow.issue.state == "review"
    assert flow.issue.revisit_deadline is None
    assert flow.clock.kind == ""
    flow.do("review", "dispatcher", "2025-09-30 11:00", decision="pass")
    assert flow.issue.revisit_deadline == t("2025-10-10 17:30")


@pytest.mark.parametrize("how", ["revisit", "reopen", "review"])
def test_a_rework_gets_a_new_resolve_limit_from_the_moment_it_comes_back(flow, cats, how):
    category = cats.reviewed if how == "review" else cats.plain
    flow.register("2026-02-02 09:00", category=category)
    flow.dispatch("2026-02-02 09:00").ack("2026-02-02 09:30").resolve("2026-02-03 10:00")
    if how == "revisit":
        flow.do(
            "revisit", "liaison", "2026-02-12 10:00", satisfaction="dissatisfied", comment="没解决"
        )
    elif how == "reopen":
        flow.do("revisit", "liaison", "2026-02-04 10:00", satisfaction="satisfied")
        flow.do("reopen", "enterprise_user", "2026-02-12 10:00", reason="问题再次出现。")
    else:
        flow.do("review", "dispatcher", "2026-02-12 10:00", decision="reject", reason="不完整")
    assert flow.issue.state == "in_progress"
    # 02-13, 02-14 (Sat), 02-24, 02-25, 02-26
    assert flow.issue.resolve_deadline == t("2026-02-26 17:30")
    assert flow.issue.revisit_deadline is None
    assert (flow.clock.kind, flow.clock.step) == ("resolve", 0)


def test_a_return_stops_the_clock_and_a_redispatch_restarts_it(flow, world):
    flow.register("2025-09-29 09:00").dispatch("2025-09-29 09:00")
    flow.do("return", "handler", "2025-09-29 10:00", reason="不属于本单位职责。")
    assert flow.clock.kind == ""
    assert flow.clock.next_check_at is None
    flow.do(
        "rule_return",
        "dispatcher",
        "2025-09-30 09:00",
        ruling="redispatch",
        lead_unit=world.street_unit,
    )
    assert flow.issue.ack_deadline == t("2025-10-09 17:30")
    assert flow.clock.kind == "ack"


def test_closing_or_withdrawing_stops_the_clock(flow):
    flow.register("2025-09-26 09:00").dispatch("2025-09-26 09:00").ack("2025-09-26 09:30")
    flow.resolve("2025-09-29 10:00")
    flow.do("revisit", "liaison", "2025-09-29 15:00", satisfaction="satisfied")
    assert flow.issue.state == "closed"
    assert (flow.clock.kind, flow.clock.next_check_at) == ("", None)
    flow.register("2025-09-26 09:00").dispatch("2025-09-26 09:00")
    flow.do("withdraw", "liaison", "2025-09-26 10:00", reason="企业已自行解决。")
    assert (flow.clock.kind, flow.clock.next_check_at) == ("", None)


def test_the_deadline_change_is_in_the_history_attributed_to_the_actor(flow, world):
    flow.register("2025-09-30 10:00").dispatch("2025-09-30 10:00")
    latest = flow.issue.history.first()
    assert latest.ack_deadline == t("2025-10-09 17:30")
    assert latest.history_user == world.dispatcher


def test_a_deadline_in_a_year_the_calendar_does_not_know_is_computed_and_logged(
    flow, caplog, monkeypatch
):
    monkeypatch.setattr("workcalendar.selectors._warned_years", set())
    with caplog.at_level(logging.WARNING, logger="workcalendar.selectors"):
        flow.register("2035-12-31 10:00").dispatch("2035-12-31 10:00")
    # weekends and the fixed-date holidays: Mon 2035-12-31 → Wed 2036-01-02 (元旦 is off)
    assert flow.issue.ack_deadline == t("2036-01-02 17:30")
    assert "2035" in caplog.text
    assert "2036" in caplog.text


def test_deadline_status_gives_the_colour_of_the_running_limit(flow):
    flow.register("2025-09-30 10:00")
    assert deadline_status(flow.issue, t("2025-09-30 11:00")) is None  # not dispatched yet
    flow.dispatch("2025-09-30 10:00")
    # 16.5 business hours to 10-09 17:30; the last 20 % starts at 10-09 14:12
    assert deadline_status(flow.issue, t("2025-10-09 14:00")) == "ok"
    assert deadline_status(flow.issue, t("2025-10-09 14:30")) == "warning"
    assert deadline_status(flow.issue, t("2025-10-09 17:31")) == "overdue"
    flow.ack("2025-10-09 09:00")
    flow.do("ask_enterprise", "handler", "2025-10-09 10:00", question="请补充材料。")
    assert deadline_status(flow.issue, t("2025-12-01 10:00")) is None  # paused


def test_deadline_status_in_a_list_costs_no_query_per_issue(flow, django_assert_num_queries):
    flow.register("2025-09-26 09:00").dispatch("2025-09-26 09:00").ack("2025-09-26 09:30")
    flow.do("ask_enterprise", "handler", "2025-09-30 14:30", question="请补充消防设计图纸。")
    flow.do("answer", "liaison", "2025-10-09 10:30", text="图纸已上传。")
    # resolve by 10-11 13:30 after the pause; the clock's warning point moved with it
    issue = Issue.objects.select_related("category", "clock").get(pk=flow.issue.pk)
    cal = get_work_calendar()
    with django_assert_num_queries(0):
        assert deadline_status(issue, t("2025-10-10 09:00"), cal=cal) == "ok"
        assert deadline_status(issue, t("2025-10-11 12:00"), cal=cal) == "warning"
        assert deadline_status(issue, t("2025-10-11 13:31"), cal=cal) == "overdue"


def test_each_action_writes_one_history_row_that_already_holds_its_deadlines(flow, world):
    flow.register("2025-09-30 10:00")
    before = list(Issue.history.filter(id=flow.issue.pk).values())
    flow.dispatch("2025-09-30 10:00")
    rows = list(Issue.history.filter(id=flow.issue.pk).order_by("history_id").values())
    # one more row, for the dispatch, with the deadline it started; the older rows untouched
    assert len(rows) == len(before) + 1
    assert rows[: len(before)] == sorted(before, key=lambda r: r["history_id"])
    assert (rows[-1]["state"], rows[-1]["ack_deadline"]) == ("dispatched", t("2025-10-09 17:30"))
    flow.ack("2025-10-09 09:00")
    last = Issue.history.filter(id=flow.issue.pk).order_by("-history_id").first()
    assert (last.state, last.resolve_deadline) == ("in_progress", t("2025-10-15 17:30"))
    assert Issue.history.filter(id=flow.issue.pk).count() == len(before) + 2


def test_the_time_limits_are_planned_before_the_one_save(world, make_issue, monkeypatch):
    from issues.services import core

    saved = []
    real_save = core.save_issue

    def spy(issue, **kwargs):
        saved.append((issue.state, issue.ack_deadline))
        real_save(issue, **kwargs)

    monkeypatch.setattr(core, "save_issue", spy)
    issue = make_issue("new")
    issue_transition(
        actor=world.dispatcher, issue_id=issue.pk, action="dispatch", lead_unit=world.line_unit
    )
    assert len(saved) == 1
    assert saved[0][0] == "dispatched" and saved[0][1] is not None
