"""Staff pages of the pushes: 政策直达率 (and its export), 待宣讲政策, push rows; and the
enterprise's "open the pushed policy" link, which records that it was read."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from crm.lib.pagination import paginate
from crm.lib.params import parse_id
from crm.lib.xlsx import build_workbook, xlsx_response
from policies import services
from policies.models import PushTarget
from policies.permissions import can_deliver, can_record_outcome, can_see_coverage
from policies.selectors import (
    push_coverage,
    push_target_get_for_user,
    push_target_list,
    targets_to_deliver,
)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (PushTarget.Status.APPLIED, gettext_lazy("已申报")),
            (PushTarget.Status.RECEIVED, gettext_lazy("已兑现")),
        ]
    )
    note = forms.CharField(required=False, max_length=200)


def _policy_id(request) -> int | None:
    value = request.GET.get("policy", "")
    return parse_id(value)


@require_GET
@login_required
def coverage_view(request):
    if not can_see_coverage(request.user):
        raise Http404
    policy_id = _policy_id(request)
    return render(
        request,
        "policies/coverage.html",
        {"coverage": push_coverage(user=request.user, policy_id=policy_id), "policy_id": policy_id},
    )


@require_GET
@login_required
def coverage_export_view(request):
    if not can_see_coverage(request.user):
        raise Http404
    coverage = push_coverage(user=request.user, policy_id=_policy_id(request))
    headers = [
        "维度",
        "名称",
        "匹配企业",
        "企业已读",
        "已宣讲",
        "已申报",
        "已兑现",
        "政策直达率(%)",
    ]
    rows = []
    for dimension, key in (("政策", "by_policy"), ("区域", "by_region"), ("联络员", "by_liaison")):
        for r in coverage[key]:
            rows.append(
                [dimension, r.label, r.matched, r.read, r.delivered, r.applied, r.received, r.rate]
            )
    t = coverage["total"]
    rows.append(["合计", "", t.matched, t.read, t.delivered, t.applied, t.received, t.rate])
    content = build_workbook(title="政策直达率", headers=headers, rows=rows, widths=[8, 40])
    return xlsx_response(content, f"政策直达率-{timezone.localdate():%Y%m%d}.xlsx")


@require_GET
@login_required
def to_deliver_view(request):
    """待宣讲政策: the liaison's pushes not yet delivered, each with its one-tap 登记宣讲."""
    page = paginate(request, targets_to_deliver(user=request.user), per_page=20)
    return render(request, "policies/to_deliver.html", {"page_obj": page})


@require_GET
@login_required
def target_list_view(request):
    if not can_see_coverage(request.user):
        raise Http404
    status = request.GET.get("status", "")
    if status not in PushTarget.Status.values:
        status = ""
    qs = push_target_list(user=request.user, policy_id=_policy_id(request), status=status)
    return render(
        request,
        "policies/target_list.html",
        {
            "page_obj": paginate(request, qs),
            "status": status,
            "statuses": PushTarget.Status.choices,
        },
    )


@require_GET
@login_required
def target_detail_view(request, pk: int):
    target = push_target_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "policies/target_detail.html",
        {
            "target": target,
            "can_deliver": target.delivered_at is None and can_deliver(request.user, target),
            "can_record": can_record_outcome(request.user, target),
            "outcome_form": OutcomeForm(),
        },
    )


@require_GET
@login_required
def target_open_view(request, pk: int):
    """From the enterprise's notification: record the read, then show the policy."""
    target = push_target_get_for_user(user=request.user, pk=pk)
    services.push_target_mark_read(actor=request.user, target=target)
    return redirect(target.policy.url)


@require_POST
@login_required
def target_deliver_view(request, pk: int):
    target = push_target_get_for_user(user=request.user, pk=pk)
    if not can_deliver(request.user, target):
        raise Http404
    try:
        visit = services.push_target_deliver(
            actor=request.user, target=target, summary=request.POST.get("summary", "")[:2000]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(target)
    messages.success(request, _("已登记政策宣讲走访，可在走访页补充照片和情况。"))
    back = {"list": "policies:to_deliver", "todo": "issues:todo"}.get(request.POST.get("next", ""))
    return redirect(back or visit)


@require_POST
@login_required
def target_outcome_view(request, pk: int):
    target = push_target_get_for_user(user=request.user, pk=pk)
    if not can_record_outcome(request.user, target):
        raise Http404
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择办理结果。"))
        return redirect(target)
    try:
        services.push_target_record_outcome(
            actor=request.user,
            target=target,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已登记办理结果。"))
    return redirect(target)
