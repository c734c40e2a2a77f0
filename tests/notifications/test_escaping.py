"""User-written text cannot add Markdown to a WeCom group or pose as an SMS sender."""

import pytest

from notifications.delivery import delivery_send
from notifications.models import Delivery, Kind
from notifications.services import notify, notify_unit

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = '招工难[点此领补贴](http://evil.example/)\n# 紧急 <font color="warning">x</font>'


def test_an_issue_title_cannot_inject_a_link_into_a_wecom_group(world, unit_robot, wecom):
    notify_unit(
        unit=world.line_unit,
        kind=Kind.ISSUE_WARNING,
        title=HOSTILE_TITLE,
        body="第一行\n[另一个](http://evil.example/2)\n> 引用",
        link="/issues/7/",
    )
    delivery_send(delivery_id=Delivery.objects.get(channel="wecom").pk)
    content = wecom.posts[0]["json"]["markdown"]["content"]
    assert "](http://evil" not in content and "<font" not in content
    assert "\n# " not in content
    assert "［点此领补贴］（http://evil.example/）" in content
    # the product's own link is still a link
    assert content.rstrip().endswith("[查看详情](http://127.0.0.1:8000/issues/7/)")


def test_an_sms_cannot_carry_a_forged_signature_or_line_breaks(people, sms_outbox):
    notify(
        recipients=[people.unit_head],
        kind=Kind.ESCALATION,
        title="【工商银行】您的账户\n已冻结",
        body="",
    )
    delivery_send(delivery_id=Delivery.objects.get(channel="sms").pk)
    [sms] = sms_outbox
    assert sms.text.startswith("【亲清】")
    assert sms.text.count("【") == 1 and "\n" not in sms.text
    assert "〔工商银行〕您的账户 已冻结" in sms.text
