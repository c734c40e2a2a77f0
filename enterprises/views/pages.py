"""The enterprise list, page, forms, reassignment and officer handover."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from crm.lib.history import history_entries
from crm.lib.pagination import paginate
from enterprises import permissions, services
from enterprises.forms import AssignForm, ContactForm, EnterpriseForm, HandoverForm
from enterprises.sections import sections_for
from enterprises.selectors import (
    assignment_list,
    contact_get_for_user,
    contact_list_for_display,
    enterprise_list,
    enterprise_rows,
    officer_assignment_list,
)
from enterprises.views.access import (
    enterprise_for_edit,
    enterprise_for_reassign,
    enterprise_for_view,
    require_manager,
    require_staff,
)


@require_GET
@login_required
def enterprise_list_view(request):
    require_staff(request.user)
    filterset = enterprise_list(user=request.user, filters=request.GET)
    # A province's dispatcher sees 200,000 enterprises: the count stops at 10,000 ("10,000+").
    page = paginate(request, filterset.qs.values_list("pk", flat=True), capped=True)
    page.object_list = enterprise_rows(ids=list(page.object_list))
    return render(
        request,
        "enterprises/enterprise_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "can_manage": permissions.can_manage_any(request.user),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


@require_GET
@login_required
def enterprise_detail(request, pk: int):
    enterprise = enterprise_for_view(request.user, pk)
    user = request.user
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "tags": list(enterprise.tags.all()),
            "contacts": contact_list_for_display(user=user, enterprise=enterprise),
            "assignments": assignment_list(enterprise=enterprise),
            "history": history_entries(enterprise),
            "sections": sections_for(request, enterprise),
            "can_edit": permissions.can_edit_profile(user, enterprise),
            "can_reassign": permissions.can_reassign(user, enterprise),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def enterprise_create(request):
    require_manager(request.user)
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        enterprise = services.enterprise_create(
            actor=request.user, tags=form.cleaned_data["tags"], **form.profile_fields()
        )
        messages.success(request, _("已登记企业“%(name)s”。") % {"name": enterprise.name})
        return redirect(enterprise)
    return render(request, "enterprises/enterprise_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def enterprise_edit(request, pk: int):
    enterprise = enterprise_for_edit(request.user, pk)
    full = permissions.can_manage(request.user, enterprise)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user, full=full)
    if request.method == "POST" and form.is_valid():
        enterprise.refresh_from_db()  # the form wrote into the instance; the service decides
        services.enterprise_update(
            actor=request.user,
            enterprise=enterprise,
            tags=form.cleaned_data["tags"],
            **form.profile_fields(),
        )
        messages.success(request, _("企业信息已保存。"))
        return redirect(enterprise)
    return render(
        request, "enterprises/enterprise_form.html", {"form": form, "enterprise": enterprise}
    )


@require_http_methods(["GET", "POST"])
@login_required
def contact_edit(request, pk: int, contact_pk: int | None = None):
    enterprise = enterprise_for_edit(request.user, pk)
    contact = None
    if contact_pk is not None:
        contact = contact_get_for_user(user=request.user, enterprise=enterprise, pk=contact_pk)
    reveal = permissions.can_see_phones(request.user, enterprise)
    form = ContactForm(request.POST or None, instance=contact, reveal_phone=reveal)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("name", "title", "phone", "email", "is_primary")}
        if contact is None:
            services.contact_add(actor=request.user, enterprise=enterprise, **data)
        else:
            contact.refresh_from_db()
            services.contact_update(actor=request.user, contact=contact, **data)
        messages.success(request, _("联系人已保存。"))
        return redirect(f"{enterprise.get_absolute_url()}#contacts")
    return render(
        request,
        "enterprises/contact_form.html",
        {"form": form, "enterprise": enterprise, "contact": contact},
    )


@require_http_methods(["GET", "POST"])
@login_required
def enterprise_assign(request, pk: int):
    enterprise = enterprise_for_reassign(request.user, pk)
    form = AssignForm(request.POST or None, initial={"kind": request.GET.get("kind", "liaison")})
    if request.method == "POST" and form.is_valid():
        try:
            services.liaison_assign(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("包保关系已更新，原记录已保留在历史中。"))
            return redirect(f"{enterprise.get_absolute_url()}#liaisons")
    return render(
        request,
        "enterprises/enterprise_assign.html",
        {
            "form": form,
            "enterprise": enterprise,
            "assignments": assignment_list(enterprise=enterprise),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def officer_handover(request):
    """Hand all of an officer's enterprises (in the actor's region) to another officer."""
    require_manager(request.user)
    form = HandoverForm(request.POST or None, user=request.user)
    affected = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        affected = list(
            officer_assignment_list(
                user=request.user, person=data["from_person"], kind=data["kind"]
            )
        )
        if request.POST.get("confirm") and affected:  # the first submit only previews
            try:
                count = services.officer_handover_all(
                    actor=request.user,
                    assignments=affected,
                    to_person=data["to_person"],
                    handover_note=data["handover_note"],
                    on=data["on"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已移交 %(n)d 家企业。") % {"n": count})
                return redirect("enterprises:handover")
    return render(
        request, "enterprises/officer_handover.html", {"form": form, "affected": affected}
    )
