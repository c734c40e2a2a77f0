"""The cockpit's hand-computed world: about forty issues with scripted timelines in March 2026
(a month with no public holiday), driven through the REAL services with backdated times.

Period A is 2026-03-02 (Mon) … 2026-03-15 (Sun). Category limits: acknowledge 1 working day,
resolve 5 working days; business hours 08:30–17:30 (9 h a day). Each issue's comment says
what it exercises; the expected figures are worked out by hand in test_figures.py.
"""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from issues.models import Category, Issue
from issues.services import issue_register, issue_transition
from tests.factories import UserFactory, grant

TZ = ZoneInfo("Asia/Shanghai")
PERIOD_A = (date(2026, 3, 2), date(2026, 3, 15))


def at(month: int, day: int, hhmm: str) -> datetime:
    h, m = hhmm.split(":")
    return datetime(2026, month, day, int(h), int(m), tzinfo=TZ)


SOLVED = {"outcome": "solved", "reply": "已协调解决。"}
PARTLY = {"outcome": "partly_solved", "reply": "已部分解决。"}
EXPLAINED = {
    "outcome": "explained",
    "reply": "已向企业解释。",
    "outcome_reason": "不符合政策条件。",
    "policy_basis": "某政策第三条。",
}
SAT = {"satisfaction": "satisfied"}
BASIC = {"satisfaction": "basically_satisfied"}
UNSAT = {"satisfaction": "dissatisfied", "comment": "问题没有解决。"}


def plan(w) -> list[tuple]:
    """(key, enterprise, category kind, registered at, [(time, action, actor, data), …])."""
    line, street = {"lead_unit": w.line_unit}, {"lead_unit": w.street_unit}
    d = ("dispatcher",)
    issues = []

    def standard(outcome=SOLVED, satisfaction=SAT, unit=line, handler="handler"):
        return [
            (at(3, 2, "09:30"), "dispatch", d[0], unit),
            (at(3, 2, "10:00"), "acknowledge", handler, {}),
            (at(3, 4, "10:00"), "resolve", handler, outcome),
            (at(3, 5, "10:00"), "revisit", "liaison", satisfaction),
        ]

    reg = at(3, 2, "09:00")
    # 1–6: acknowledged and resolved on time, solved, closed satisfied.
    for n in range(1, 7):
        issues.append((n, "ent_a", "plain", reg, standard()))
    # 7–8: partly solved, basically satisfied. 9: explained.
    issues.append((7, "ent_a", "plain", reg, standard(PARTLY, BASIC)))
    issues.append((8, "ent_a", "plain", reg, standard(PARTLY, BASIC)))
    issues.append((9, "ent_a", "plain", reg, standard(EXPLAINED, SAT)))
    # 10–11: resolved late (03-13 against 03-09 17:30), not yet revisited.
    for n in (10, 11):
        steps = [*standard()[:2], (at(3, 13, "10:00"), "resolve", "handler", SOLVED)]
        issues.append((n, "ent_a", "plain", reg, steps))
    # 12: acknowledged late (03-04 against 03-03 17:30); then resolved on time.
    issues.append(
        (
            12,
            "ent_a",
            "plain",
            reg,
            [
                (at(3, 2, "09:30"), "dispatch", "dispatcher", line),
                (at(3, 4, "10:00"), "acknowledge", "handler", {}),
                (at(3, 6, "10:00"), "resolve", "handler", SOLVED),
                (at(3, 9, "10:00"), "revisit", "liaison", SAT),
            ],
        )
    )
    # 13: extension of 3 working days (03-09 → 03-12 17:30); resolved 03-11, on time.
    issues.append(
        (
            13,
            "ent_a",
            "plain",
            reg,
            [
                *standard()[:2],
                (at(3, 5, "09:00"), "request_extension", "handler", {"days": 3, "reason": "协调"}),
                (at(3, 5, "11:00"), "decide_extension", "dispatcher", {"decision": "approve"}),
                (at(3, 11, "10:00"), "resolve", "handler", SOLVED),
                (at(3, 12, "10:00"), "revisit", "liaison", SAT),
            ],
        )
    )
    # 14: waiting for the enterprise 03-03 10:00 → 03-06 10:00 (27 business hours): the
    # deadline moves to 03-12 17:30; resolved 03-11, on time; 27 h excluded from its time.
    issues.append(
        (
            14,
            "ent_a",
            "plain",
            reg,
            [
                *standard()[:2],
                (at(3, 3, "10:00"), "ask_enterprise", "handler", {"question": "请补充材料。"}),
                (at(3, 6, "10:00"), "answer", "liaison", {"text": "已补充。"}),
                (at(3, 11, "10:00"), "resolve", "handler", SOLVED),
                (at(3, 12, "10:00"), "revisit", "liaison", SAT),
            ],
        )
    )
    # 15: a rework (不满意 revisit), resolved again, then satisfied.
    issues.append(
        (
            15,
            "ent_a",
            "plain",
            reg,
            [
                *standard(SOLVED, UNSAT),
                (at(3, 6, "10:00"), "resolve", "handler", SOLVED),
                (at(3, 9, "10:00"), "revisit", "liaison", SAT),
            ],
        )
    )
    # 16: closed 03-04, reopened by the enterprise 03-10 (a rework): open at the period's end.
    issues.append(
        (
            16,
            "ent_a",
            "plain",
            reg,
            [
                (at(3, 2, "09:30"), "dispatch", "dispatcher", line),
                (at(3, 2, "10:00"), "acknowledge", "handler", {}),
                (at(3, 3, "10:00"), "resolve", "handler", SOLVED),
                (at(3, 4, "10:00"), "revisit", "liaison", SAT),
                (at(3, 10, "10:00"), "reopen", "enterprise_user", {"reason": "问题复发。"}),
            ],
        )
    )
    # 17: closure review rejected, resolved again and passed: its first resolution (03-04,
    # on time) is the one that counts; a review reject is not a rework.
    issues.append(
        (
            17,
            "ent_a",
            "reviewed",
            reg,
            [
                *standard()[:3],
                (at(3, 5, "10:00"), "review", "dispatcher", {"decision": "reject", "reason": "补"}),
                (at(3, 10, "10:00"), "resolve", "handler", SOLVED),
                (at(3, 10, "15:00"), "review", "dispatcher", {"decision": "pass"}),
            ],
        )
    )
    # 18: dispatched to the street office, returned, re-dispatched to the bureau at 14:00 and
    # acknowledged 03-03 09:00 (4 business hours after the re-dispatch, on time).
    issues.append(
        (
            18,
            "ent_a",
            "plain",
            reg,
            [
                (at(3, 2, "09:30"), "dispatch", "dispatcher", street),
                (at(3, 2, "11:00"), "return", "street_handler", {"reason": "非本单位职责"}),
                (
                    at(3, 2, "14:00"),
                    "rule_return",
                    "dispatcher",
                    {"ruling": "redispatch", "lead_unit": w.line_unit},
                ),
                (at(3, 3, "09:00"), "acknowledge", "handler", {}),
                (at(3, 5, "10:00"), "resolve", "handler", SOLVED),
                (at(3, 6, "10:00"), "revisit", "liaison", SAT),
            ],
        )
    )
    # 19: returned, the return rejected (sent back 14:00), acknowledged late on 03-04.
    issues.append(
        (
            19,
            "ent_a",
            "plain",
            reg,
            [
                (at(3, 2, "09:30"), "dispatch", "dispatcher", line),
                (at(3, 2, "11:00"), "return", "handler", {"reason": "非本单位职责"}),
                (
                    at(3, 2, "14:00"),
                    "rule_return",
                    "dispatcher",
                    {"ruling": "reject", "reason": "属于本单位职责"},
                ),
                (at(3, 4, "10:00"), "acknowledge", "handler", {}),
            ],
        )
    )
    reg3 = at(3, 3, "09:00")
    # 20: withdrawn inside the period: not counted. 21: withdrawn after it: still counted.
    issues.append(
        (
            20,
            "ent_a",
            "plain",
            reg3,
            [
                (at(3, 3, "09:30"), "dispatch", "dispatcher", line),
                (at(3, 5, "10:00"), "withdraw", "dispatcher", {"reason": "已自行解决"}),
            ],
        )
    )
    issues.append(
        (
            21,
            "ent_a",
            "plain",
            reg3,
            [
                (at(3, 3, "09:30"), "dispatch", "dispatcher", line),
                (at(3, 3, "10:00"), "acknowledge", "handler", {}),
                (at(3, 20, "10:00"), "withdraw", "dispatcher", {"reason": "已自行解决"}),
            ],
        )
    )
    # 22: merged into issue 1 before dispatch: not counted.
    issues.append(
        (22, "ent_a", "plain", reg3, [(at(3, 4, "10:00"), "merge", "dispatcher", {"into": 1})])
    )
    # 23: registered in February, resolved there; a 不满意 revisit in the period, resolved again
    # in it (its first resolution IN the period, on time), then satisfied.
    issues.append(
        (
            23,
            "ent_a",
            "plain",
            at(2, 24, "09:00"),
            [
                (at(2, 24, "09:30"), "dispatch", "dispatcher", line),
                (at(2, 24, "10:00"), "acknowledge", "handler", {}),
                (at(2, 26, "10:00"), "resolve", "handler", SOLVED),
                (at(3, 3, "10:00"), "revisit", "liaison", UNSAT),
                (at(3, 5, "10:00"), "resolve", "handler", SOLVED),
                (at(3, 6, "10:00"), "revisit", "liaison", SAT),
            ],
        )
    )
    # 24: resolved late (partly), 不满意: in rework at the period's end.
    issues.append(
        (
            24,
            "ent_a",
            "plain",
            reg,
            [
                *standard()[:2],
                (at(3, 12, "10:00"), "resolve", "handler", PARTLY),
                (at(3, 13, "10:00"), "revisit", "liaison", UNSAT),
            ],
        )
    )
    reg12 = at(3, 12, "09:00")
    # 25–26: still waiting for dispatch. 27–28: dispatched, not yet acknowledged.
    issues.append((25, "ent_a", "plain", reg12, []))
    issues.append((26, "ent_a", "plain", reg12, []))
    for n in (27, 28):
        issues.append(
            (n, "ent_a", "plain", reg12, [(at(3, 12, "09:30"), "dispatch", "dispatcher", line)])
        )
    reg9 = at(3, 9, "09:00")
    # 29: acknowledged in the period (9.5 business hours), resolved after it.
    issues.append(
        (
            29,
            "ent_a",
            "plain",
            reg9,
            [
                (at(3, 9, "09:30"), "dispatch", "dispatcher", line),
                (at(3, 10, "10:00"), "acknowledge", "handler", {}),
                (at(3, 18, "10:00"), "resolve", "handler", SOLVED),
            ],
        )
    )
    # 30: resolved 03-13 (on time) but awaiting closure review at the period's end.
    issues.append(
        (
            30,
            "ent_a",
            "reviewed",
            reg9,
            [
                (at(3, 9, "09:30"), "dispatch", "dispatcher", line),
                (at(3, 9, "10:00"), "acknowledge", "handler", {}),
                (at(3, 13, "10:00"), "resolve", "handler", SOLVED),
                (at(3, 17, "10:00"), "review", "dispatcher", {"decision": "pass"}),
            ],
        )
    )
    # 31: the park's enterprise (liaison: deputy). 32: the street office, explained.
    issues.append(
        (
            31,
            "ent_b",
            "plain",
            reg,
            [
                (at(3, 2, "09:30"), "dispatch", "dispatcher", line),
                (at(3, 2, "10:00"), "acknowledge", "handler", {}),
                (at(3, 4, "10:00"), "resolve", "handler", SOLVED),
                (at(3, 5, "10:00"), "revisit", "deputy", SAT),
            ],
        )
    )
    issues.append((32, "ent_a", "plain", reg, standard(EXPLAINED, BASIC, street, "street_handler")))
    # 33: another district's issue: never in the district leader's figures.
    issues.append((33, "ent_far", "plain", reg, []))
    # 37: registered Friday 16:00, acknowledged Monday 09:30 (2 business hours, on time).
    issues.append(
        (
            37,
            "ent_a",
            "plain",
            at(3, 6, "16:00"),
            [
                (at(3, 6, "16:30"), "dispatch", "dispatcher", line),
                (at(3, 9, "09:30"), "acknowledge", "handler", {}),
                (at(3, 10, "10:00"), "resolve", "handler", SOLVED),
                (at(3, 11, "10:00"), "revisit", "liaison", SAT),
            ],
        )
    )
    # 38: registered and dispatched after hours (19:05): the clock starts 03-11 08:30;
    # acknowledged 03-11 17:00 (8.5 business hours, on time).
    issues.append(
        (
            38,
            "ent_a",
            "plain",
            at(3, 10, "19:00"),
            [
                (at(3, 10, "19:05"), "dispatch", "dispatcher", line),
                (at(3, 11, "17:00"), "acknowledge", "handler", {}),
            ],
        )
    )
    return issues


class Scenario:
    """Registers the plan's issues and applies their steps in time order up to a moment."""

    def __init__(self, w, cats):
        self.w = w
        self.cats = cats
        self.issues: dict[int, Issue] = {}
        self.pending: list[tuple] = []
        for key, ent, cat, registered, steps in plan(w):
            self.pending.append((registered, 0, key, "register", (ent, cat), {}))
            for i, (when, action, who, data) in enumerate(steps, start=1):
                self.pending.append((when, i, key, action, who, data))
        self.pending.sort(key=lambda s: (s[0], s[2], s[1]))

    def run_until(self, moment: datetime) -> None:
        while self.pending and self.pending[0][0] < moment:
            when, _i, key, action, who, data = self.pending.pop(0)
            if action == "register":
                ent, cat = who
                actor = self.w.far_dispatcher if ent == "ent_far" else self.w.dispatcher
                self.issues[key] = issue_register(
                    actor=actor,
                    enterprise=getattr(self.w, ent),
                    source=Issue.Source.VISIT,
                    category=getattr(self.cats, cat),
                    title=f"诉求{key}",
                    description="测试",
                    at=when,
                )
                continue
            data = dict(data)
            if action == "merge":
                data["into"] = self.issues[data["into"]]
            issue_transition(
                actor=getattr(self.w, who),
                issue_id=self.issues[key].pk,
                action=action,
                at=when,
                **data,
            )

    def run_all(self) -> None:
        self.run_until(datetime(2100, 1, 1, tzinfo=TZ))


def make_cats() -> SimpleNamespace:
    parent = Category.objects.create(code="c", name="要素保障")
    plain = Category.objects.create(code="c.plain", name="用工", parent=parent)
    reviewed = Category.objects.create(
        code="c.review", name="融资", parent=parent, requires_review=True
    )
    return SimpleNamespace(parent=parent, plain=plain, reviewed=reviewed)


def make_scenario(w) -> Scenario:
    w.far_leader = UserFactory(username="farleader", display_name="江北领导")
    grant(w.far_leader, Role.LEADER, region=w.far)
    return Scenario(w, make_cats())


@pytest.fixture
def scenario(world):
    return make_scenario(world)


@pytest.fixture(scope="module")
def played(django_db_setup, django_db_blocker):
    """The whole plan played once for a test module, rolled back after it (each test still
    runs in its own savepoint through `db`). Returns the scenario; `.w` is its world."""
    from django.db import transaction

    from cockpit import facts
    from tests.conftest import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        scenario = make_scenario(build_world())
        scenario.run_all()
        facts.refresh()
        yield scenario
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
