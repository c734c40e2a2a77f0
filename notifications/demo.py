"""A few notifications for the demo people, so that every inbox shows what it looks like."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from accounts.models import Role, Unit, User
from accounts.services import system_user
from notifications.models import Kind, Notification
from notifications.services import notify, notify_unit

DEMO_SOURCE = "demo"


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def seed(log=print) -> None:
    if Notification.objects.filter(source_type=DEMO_SOURCE).exists():
        log("notifications: demo notifications already there")
        return
    system = system_user()
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "dispatcher",
                "leader",
                "liaison",
                "liaison2",
                "handler",
                "unithead",
                "bbleader",
            ]
        )
    }
    common = {"actor": system, "source_type": DEMO_SOURCE}
    unit = Unit.objects.filter(short_name="区人社局").first()
    if unit is not None:
        notify_unit(
            unit=unit,
            kind=Kind.ISSUE_DISPATCHED,
            title="新派单：城关机械有限公司反映技术工人招聘困难",
            body="请于 1 个工作日内签收。诉求分类：要素保障/用工。",
            link=_url("issues:todo"),
            **common,
        )
        notify_unit(
            unit=unit,
            kind=Kind.ISSUE_WARNING,
            title="时限预警：高新芯片有限公司社保补贴申请将于明日 17:30 到期",
            body="已进入预警期（剩余办理时限不足 20%），请尽快办结。",
            roles=[Role.HANDLER],
            link=_url("issues:todo"),
            **common,
        )
    for username, kind, title, body in [
        (
            "dispatcher",
            Kind.ISSUE_REGISTERED,
            "新诉求待派单：滨江食品有限公司申请冷库用电增容",
            "来源：走访登记（联络员 张伟）。",
        ),
        (
            "dispatcher",
            Kind.EXTENSION,
            "延期申请待审批：区自然资源局申请延期 5 个工作日",
            "理由：需等待规划调整公示期结束。",
        ),
        (
            "liaison",
            Kind.COVERAGE_OVERDUE,
            "走访超期提醒：您有 2 家企业已超过走访周期",
            "城关机械有限公司（超期 6 天）、新华印刷有限公司（超期 2 天）。",
        ),
        ("liaison", Kind.VISIT_PLANNED, "明日走访计划：城关机械有限公司 上门走访", "时间：09:30。"),
        (
            "leader",
            Kind.BULLETIN,
            "本周诉求办理周报已生成",
            "本周受理诉求 23 件，办结 19 件，按时办结率 94.7%。",
        ),
        (
            "bbleader",
            Kind.ESCALATION,
            "提级督办：城关机械有限公司用工诉求已超期 5 个工作日",
            "已由派单员提级至包保领导，请关注。",
        ),
    ]:
        if username in people:
            notify(
                recipients=[people[username]],
                kind=kind,
                title=title,
                body=body,
                link=_url("home"),
                **common,
            )
    log(f"notifications: {Notification.objects.filter(source_type=DEMO_SOURCE).count()} demo")
