"""Campaign pages: list, start one, its page (completion, rows, overdue), export, row updates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns import services
from campaigns.forms import CampaignForm, TargetUpdateForm
from campaigns.permissions import can_create, can_update_target
from campaigns.selectors import (
    campaign_get_for_user,
    campaign_list,
    campaign_rows,
    campaign_target_get_for_user,
    progress_of,
    updatable_target_ids,
)
from crm.lib.pagination import paginate
from crm.lib.xlsx import build_workbook, xlsx_response


@require_GET
@login_required
def campaign_list_view(request):
    campaigns = list(campaign_list(user=request.user))
    if not campaigns and not can_create(request.user):
        raise Http404
    rows = [(c, progress_of(c)) for c in campaigns]
    return render(
        request,
        "campaigns/campaign_list.html",
        {"rows": rows, "can_create": can_create(request.user), "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_create_view(request):
    if not can_create(request.user):
        raise Http404
    initial = {}
    query = request.GET.urlencode()
    if query:
        initial = {"source": CampaignForm.SOURCE_FILTER, "filter_query": query}
    form = CampaignForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user,
                title=data["title"],
                description=data["description"],
                owner_unit=data["owner_unit"],
                deadline=data["deadline"],
                enterprise_ids=data["enterprise_ids"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("专项行动已发起，已通知相关联络员和牵头单位。"))
            return redirect(campaign)
    preview = len(form.filtered_ids(query)) if query else None
    return render(request, "campaigns/campaign_form.html", {"form": form, "preview": preview})


@require_GET
@login_required
def campaign_detail_view(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    overdue = request.GET.get("overdue") == "1"
    page = paginate(request, campaign_rows(user=request.user, campaign=campaign, overdue=overdue))
    for target in page.object_list:
        target.campaign = campaign
    may_update = updatable_target_ids(user=request.user, targets=page.object_list)
    for target in page.object_list:
        target.may_update = target.pk in may_update
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": progress_of(campaign),
            "page_obj": page,
            "overdue": overdue,
            "statuses": TargetUpdateForm.base_fields["status"].choices,
        },
    )


@require_GET
@login_required
def campaign_export_view(request, pk: int):
    campaign = campaign_get_for_user(user=request.user, pk=pk)
    overdue = request.GET.get("overdue") == "1"
    rows = [
        [
            t.enterprise.name,
            t.enterprise.credit_code,
            t.enterprise.region.name,
            t.get_status_display(),
            t.note,
            t.updated_by,
            t.updated_at,
        ]
        for t in campaign_rows(user=request.user, campaign=campaign, overdue=overdue)
    ]
    content = build_workbook(
        title=campaign.title,
        headers=["企业名称", "统一社会信用代码", "所属辖区", "状态", "说明", "更新人", "更新时间"],
        rows=rows,
        widths=[36, 22, 14, 10, 30, 12, 18],
    )
    suffix = "超期" if overdue else "全部"
    return xlsx_response(content, f"{campaign.title}-{suffix}-{timezone.localdate():%Y%m%d}.xlsx")


@require_POST
@login_required
def target_update_view(request, pk: int):
    target = campaign_target_get_for_user(user=request.user, pk=pk)
    if not can_update_target(request.user, target):
        raise Http404
    form = TargetUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择有效的状态。"))
        return redirect(target.campaign)
    try:
        services.campaign_target_update(actor=request.user, target=target, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已更新 %(name)s 的状态。") % {"name": target.enterprise.name})
    return redirect(target.campaign)
