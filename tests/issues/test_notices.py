"""Who hears what (issues.notices, DESIGN §7): per action, each expected person gets exactly one
notification of the expected kind and one delivery per channel they chose; nobody else gets
anything. Expectations are written by hand from the issue's list, not derived from the table.

The issue belongs to ent_a (liaison `liaison1` who registered it, responsible leader
`bbleader1`, enterprise user `entuser`), is led by 区人社局 (`handler1`, `unithead1`) and
supported by 城关街道办事处 (`streethandler`, and its head `streethead`, added here). The district's
dispatcher is `dispatcher1`.
"""

import pytest

from accounts.models import Role, User
from issues.models import Issue, RoutingRule
from issues.notices import WHO_HEARS_WHAT, case_of
from issues.services import issue_register, issue_transition
from notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    default_channels,
)
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

EVERYONE_WORKING = {"dispatcher1", "handler1", "unithead1", "streethead", "liaison1"}


@pytest.fixture
def parties(world):
    head = UserFactory(username="streethead", display_name="街道负责人")
    grant(head, Role.UNIT_HEAD, unit=world.street_unit)
    world.street_head = head
    for user in User.objects.all():
        user.email = f"{user.username}@example.gov.cn"
        user.phone = "13812345678"
        user.save()
    # Some people chose their own channels; the others keep the defaults of each kind.
    NotificationPreference.objects.create(
        user=world.handler, kind="issue_dispatched", email=True, sms=True
    )
    NotificationPreference.objects.create(user=world.enterprise_user, kind="issue_resolved")
    NotificationPreference.objects.create(user=world.dispatcher, kind="issue_update", sms=True)
    return world


def do(world, issue, who, action, **data):
    issue_transition(actor=getattr(world, who), issue_id=issue.pk, action=action, **data)


def register(world, cats, *, who="liaison", source=Issue.Source.VISIT):
    return issue_register(
        actor=getattr(world, who),
        enterprise=world.ent_a,
        source=source,
        category=cats.plain,
        title="厂区用工缺口",
        description="需要招聘熟练焊工 30 名。",
    )


# (case, starting state, actor, action, input, {recipient: kind})
TRANSITIONS = [
    (
        "dispatch",
        "new",
        "dispatcher",
        "dispatch",
        lambda w: {"lead_unit": w.line_unit, "supporting_units": [w.street_unit]},
        {
            "handler1": "issue_dispatched",
            "unithead1": "issue_dispatched",
            "streethead": "issue_dispatched",
            "liaison1": "issue_dispatched",
        },
    ),
    ("acknowledge", "dispatched", "handler", "acknowledge", lambda w: {}, {}),
    (
        "return",
        "dispatched",
        "handler",
        "return",
        lambda w: {"reason": "不属于本单位职责。"},
        {"dispatcher1": "issue_returned"},
    ),
    (
        "ruling: re-dispatched to another unit",
        "returned",
        "dispatcher",
        "rule_return",
        lambda w: {"ruling": "redispatch", "lead_unit": w.street_unit},
        {
            "handler1": "issue_returned",
            "unithead1": "issue_returned",
            "streethandler": "issue_dispatched",
            "streethead": "issue_dispatched",
        },
    ),
    (
        "ruling: the return is rejected",
        "returned",
        "dispatcher",
        "rule_return",
        lambda w: {"ruling": "reject", "reason": "属于贵单位职责。"},
        {"handler1": "issue_returned", "unithead1": "issue_returned"},
    ),
    (
        "ask_enterprise",
        "in_progress",
        "handler",
        "ask_enterprise",
        lambda w: {"question": "请补充营业执照。"},
        {"entuser": "issue_update", "liaison1": "issue_update"},
    ),
    (
        "answer by the enterprise",
        "waiting_enterprise",
        "enterprise_user",
        "answer",
        lambda w: {"text": "已上传。"},
        {"handler1": "issue_update"},
    ),
    (
        "answer by the liaison",
        "waiting_enterprise",
        "liaison",
        "answer",
        lambda w: {"text": "已代为补充。"},
        {"handler1": "issue_update"},
    ),
    (
        "extension request",
        "in_progress",
        "handler",
        "request_extension",
        lambda w: {"days": 3, "reason": "需要会商。"},
        {"dispatcher1": "extension"},
    ),
    (
        "extension decision",
        "in_progress+extension",
        "dispatcher",
        "decide_extension",
        lambda w: {"decision": "approve"},
        {"handler1": "extension", "unithead1": "extension"},
    ),
    (
        "resolve",
        "in_progress",
        "handler",
        "resolve",
        lambda w: {"outcome": "solved", "reply": "已协调解决。"},
        {"entuser": "issue_resolved", "liaison1": "issue_resolved"},
    ),
    (
        "resolve into review",
        "in_progress+review",
        "handler",
        "resolve",
        lambda w: {"outcome": "solved", "reply": "已协调解决。"},
        {"dispatcher1": "issue_update"},
    ),
    (
        "review pass",
        "review",
        "dispatcher",
        "review",
        lambda w: {"decision": "pass"},
        {"entuser": "issue_resolved", "liaison1": "issue_resolved"},
    ),
    (
        "review reject",
        "review",
        "dispatcher",
        "review",
        lambda w: {"decision": "reject", "reason": "答复不完整。"},
        {"handler1": "issue_update"},
    ),
    (
        "revisit 不满意 (rework)",
        "resolved",
        "enterprise_user",
        "revisit",
        lambda w: {"satisfaction": "dissatisfied", "comment": "问题未解决。"},
        {"handler1": "issue_update", "unithead1": "issue_update", "dispatcher1": "issue_update"},
    ),
    (
        "revisit 不满意 by a dispatcher, who is not told of it",
        "resolved",
        "dispatcher",
        "revisit",
        lambda w: {"satisfaction": "dissatisfied", "comment": "企业电话反映未解决。"},
        {"handler1": "issue_update", "unithead1": "issue_update"},
    ),
    (
        "revisit closes it",
        "resolved",
        "enterprise_user",
        "revisit",
        lambda w: {"satisfaction": "satisfied"},
        {"handler1": "issue_closed", "unithead1": "issue_closed", "liaison1": "issue_closed"},
    ),
    (
        "reopen",
        "closed",
        "enterprise_user",
        "reopen",
        lambda w: {"reason": "问题再次出现。"},
        {"handler1": "issue_update", "unithead1": "issue_update", "dispatcher1": "issue_update"},
    ),
    (
        "public comment",
        "in_progress",
        "handler",
        "comment",
        lambda w: {"text": "已联系企业。", "visibility": "public"},
        {"entuser": "issue_update"},
    ),
    (
        "internal comment",
        "in_progress",
        "handler",
        "comment",
        lambda w: {"text": "需与街道会商。", "visibility": "internal"},
        {
            "dispatcher1": "issue_update",
            "unithead1": "issue_update",
            "streethead": "issue_update",
            "liaison1": "issue_update",
        },
    ),
    (
        "progress reply",
        "in_progress",
        "handler",
        "progress_reply",
        lambda w: {"text": "正在协调。"},
        {"entuser": "issue_update", "liaison1": "issue_update"},
    ),
    (
        "assign handler",
        "in_progress",
        "unit_head",
        "assign_handler",
        lambda w: {"handler": w.handler},
        {"handler1": "issue_dispatched"},
    ),
    (
        "withdraw",
        "dispatched",
        "liaison",
        "withdraw",
        lambda w: {"reason": "企业已自行解决。"},
        dict.fromkeys(EVERYONE_WORKING - {"liaison1"}, "issue_update"),
    ),
    (
        "merge",
        "dispatched",
        "dispatcher",
        "merge",
        lambda w: {"into": "other"},
        dict.fromkeys(EVERYONE_WORKING - {"dispatcher1"}, "issue_update"),
    ),
]


def build(make_issue, cats, state):
    if state == "in_progress+extension":
        return make_issue("in_progress", pending_extension=True)
    if state == "in_progress+review":
        return make_issue("in_progress", category=cats.reviewed)
    return make_issue(state)


def assert_told_exactly(expected: dict[str, str]) -> None:
    got = {}
    for n in Notification.objects.select_related("recipient"):
        assert n.recipient.username not in got, f"{n.recipient.username} told twice"
        got[n.recipient.username] = n.kind
    assert got == expected
    for n in Notification.objects.select_related("recipient"):
        pref = NotificationPreference.objects.filter(user=n.recipient, kind=n.kind).first()
        chosen = pref.channels if pref else default_channels(n.kind)
        channels = sorted(Delivery.objects.filter(notification=n).values_list("channel", flat=True))
        assert channels == sorted(chosen), n.recipient.username
        assert n.link == f"/issues/{n.issue_id}/"
    assert not Delivery.objects.filter(notification=None).exists()


@pytest.mark.parametrize(
    ("state", "who", "action", "data", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in TRANSITIONS],
)
def test_each_action_tells_exactly_its_parties_once_on_their_channels(
    parties, make_issue, cats, state, who, action, data, expected
):
    # given
    issue = build(make_issue, cats, state)
    values = data(parties)
    if values.get("into") == "other":
        values["into"] = make_issue("new", title="同一问题的另一条记录")
    Notification.objects.all().delete()
    Delivery.objects.all().delete()
    # when
    do(parties, issue, who, action, **values)
    # then
    assert_told_exactly(expected)


def test_registering_tells_the_dispatchers(parties, cats):
    register(parties, cats)
    assert_told_exactly({"dispatcher1": "issue_registered"})


def test_an_issue_dispatched_by_a_routing_rule_tells_the_lead_unit_instead(parties, cats):
    RoutingRule.objects.create(
        category=cats.plain, region=parties.district, lead_unit=parties.line_unit
    )
    issue = register(parties, cats)
    assert Issue.objects.get(pk=issue.pk).state == "dispatched"
    assert_told_exactly({"handler1": "issue_dispatched", "unithead1": "issue_dispatched"})


def test_a_bancheng_issue_tells_the_dispatchers_and_the_responsible_leader(parties, cats):
    register(parties, cats, who="enterprise_user", source=Issue.Source.BANCHENG)
    assert_told_exactly({"dispatcher1": "issue_registered", "bbleader1": "issue_registered"})


def test_the_texts_are_chinese_and_name_the_issue(parties, make_issue):
    issue = make_issue("new")
    Notification.objects.all().delete()
    do(parties, issue, "dispatcher", "dispatch", lead_unit=parties.line_unit)
    n = Notification.objects.get(recipient=parties.unit_head)
    assert n.title == f"新派单：{issue.number}「厂区用工缺口」"
    assert "城关机械有限公司的诉求已派至区人社局主办" in n.body
    assert n.actor == parties.dispatcher
    assert n.target_url == f"/issues/{issue.pk}/"


def test_a_failing_notification_rolls_the_action_back(parties, make_issue, monkeypatch):
    issue = make_issue("new")

    def broken(**kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr("notifications.services.notify_many", broken)
    with pytest.raises(RuntimeError):
        do(parties, issue, "dispatcher", "dispatch", lead_unit=parties.line_unit)
    issue.refresh_from_db()
    assert issue.state == "new"


def test_every_case_of_the_table_is_reachable():
    from types import SimpleNamespace

    from issues.workflow import TRANSITION_ACTIONS

    cases = set(WHO_HEARS_WHAT)
    # every action has a row (refined actions through their cases)
    for action in [*TRANSITION_ACTIONS, "register"]:
        assert any(c == action or c.startswith(f"{action}:") for c in cases), action
    issue = SimpleNamespace(source="visit")
    event = SimpleNamespace(kind="comment", data={"visibility": "internal"}, to_state="")
    assert case_of(issue, event) in cases
