"""12345 work-order intake (DESIGN §11): an integration account files external work orders as
issues, idempotently by the order number.

Mapping of the hotline's fields onto an issue:
- 工单编号 → the work order's `order_no`, and the issue's `external_ref` ("<code>:<工单编号>");
- 诉求内容 → the description (and, cut short, the title unless 标题 is given);
- 来电人, 要求办结时间 → kept on the work order and quoted at the end of the description;
- 企业统一社会信用代码 → the enterprise, which must lie in the integration's region;
- 分类编码 (optional) → the category, else the integration's default category.
The issue is registered by the system account (source "12345 热线", via "接口"), so routing rules
dispatch it like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import system_user
from api.models import Integration, WorkOrder
from enterprises.models import Enterprise
from issues.models import Category, Issue
from issues.services import WorkflowError, issue_register

TITLE_LENGTH = 40


@dataclass(frozen=True)
class Received:
    order: WorkOrder
    created: bool


def external_ref(integration: Integration, order_no: str) -> str:
    return f"{integration.code}:{order_no}"[:64]


def _description(data: dict) -> str:
    # Stored data, in the product's primary language whatever the caller's language.
    lines = [data["诉求内容"].strip(), ""]
    if data.get("来电人"):
        lines.append(f"来电人：{data['来电人']}")
    if data.get("要求办结时间"):
        due = timezone.localtime(data["要求办结时间"]).strftime("%Y-%m-%d %H:%M")
        lines.append(f"要求办结时间：{due}")
    lines.append(f"12345 工单编号：{data['工单编号']}")
    return "\n".join(lines).strip()


def _category(integration: Integration, code: str) -> Category:
    if not code:
        return integration.default_category
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise WorkflowError(_("分类编码「%(code)s」不存在或已停用。") % {"code": code})
    return category


@transaction.atomic
def work_order_receive(*, integration: Integration, data: dict) -> Received:
    """Register the work order `data` (validated fields, see the module doc) as an issue, or —
    when this integration already sent that order number — return the earlier one unchanged
    (also when two deliveries of the same order race: the unique constraints decide)."""
    order_no = data["工单编号"].strip()
    existing = WorkOrder.objects.filter(integration=integration, order_no=order_no).first()
    if existing is not None:
        return Received(existing, created=False)
    code = data["企业统一社会信用代码"].strip().upper()
    enterprise = (
        Enterprise.objects.filter(
            credit_code=code, region__path__startswith=integration.region.path
        )
        .select_related("region")
        .first()
    )
    if enterprise is None:
        raise WorkflowError(
            _("未找到统一社会信用代码为 %(code)s 的企业，或该企业不在本系统受理范围内。")
            % {"code": code}
        )
    description = _description(data)
    title = (data.get("标题") or "").strip() or data["诉求内容"].strip().splitlines()[0]
    issue = issue_register(
        actor=system_user(),
        enterprise=enterprise,
        source=Issue.Source.HOTLINE,
        category=_category(integration, (data.get("分类编码") or "").strip()),
        title=title[:TITLE_LENGTH],
        description=description,
        external_ref=external_ref(integration, order_no),
        registered_via=Issue.Via.API,
    )
    order = WorkOrder(
        integration=integration,
        order_no=order_no,
        issue=issue,
        caller=(data.get("来电人") or "").strip()[:50],
        required_by=data.get("要求办结时间"),
        payload={k: str(v) if v is not None else None for k, v in data.items()},
    )
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:  # the same order arrived twice at once: the other one won
        existing = WorkOrder.objects.filter(integration=integration, order_no=order_no).first()
        if existing is None:
            raise
        return Received(existing, created=False)
    return Received(order, created=True)
