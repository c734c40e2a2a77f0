"""Reads of the policy library, matching and pushes. Every function here runs a constant number
of queries, whatever the number of policies, enterprises or pushes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, Role
from accounts.scope import scope_for
from enterprises.models import Enterprise, Industry, LiaisonAssignment
from policies.matching import Eligibility, Profile
from policies.models import DeliveryMode, PolicyPage, PolicyType, PushTarget

LIBRARY_PAGE_SIZE = 20


# --- Matching -------------------------------------------------------------------------------


def _with_eligibility(qs):
    return qs.prefetch_related("industries", "regions", "tags")


def policy_matches(*, policy: PolicyPage, on: date | None = None) -> QuerySet[Enterprise]:
    """The active enterprises that meet `policy`'s eligibility (three queries to read the
    eligibility, then one lazy queryset). Use `Eligibility.of(policy).reasons(...)` for why."""
    return Enterprise.objects.filter(Eligibility.of(policy).q(on)).order_by("pk")


@dataclass(frozen=True)
class PolicyMatch:
    policy: PolicyPage
    reasons: list[str]

    @property
    def reason_text(self) -> str:
        return "；".join(self.reasons)


def enterprise_policies(*, enterprise: Enterprise, on: date | None = None) -> list[PolicyMatch]:
    """The policies in force that `enterprise` meets, each with the reasons it matched, newest
    first. At most six queries: the enterprise's profile (unless its region and industry are
    loaded), its tags, the policies in force and their industries, regions and tags; the test
    itself runs in Python."""
    on = on or timezone.localdate()
    cached = enterprise._state.fields_cache
    if "region" not in cached or ("industry" not in cached and enterprise.industry_id):
        enterprise = Enterprise.objects.select_related("industry", "region").get(pk=enterprise.pk)
    tag_ids = Enterprise.tags.through.objects.filter(enterprise_id=enterprise.pk).values_list(
        "tag_id", flat=True
    )
    profile = Profile.of(enterprise, tag_ids)
    policies = _with_eligibility(PolicyPage.objects.in_force(on).order_by("-issued_on", "-pk"))
    found = []
    for policy in policies:
        reasons = Eligibility.of(policy).reasons(profile, on)
        if reasons is not None:
            found.append(PolicyMatch(policy, reasons))
    return found


# --- The library ---------------------------------------------------------------------------


class PolicyFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    type = forms.ChoiceField(
        label=_("政策类型"), required=False, choices=[("", _("全部类型")), *PolicyType.choices]
    )
    mode = forms.ChoiceField(
        label=_("兑现方式"), required=False, choices=[("", _("全部方式")), *DeliveryMode.choices]
    )
    industry = forms.ModelChoiceField(
        label=_("行业"),
        required=False,
        queryset=Industry.objects.filter(parent__isnull=True),
        empty_label=_("全部行业"),
    )
    scale = forms.ChoiceField(
        label=_("规模"), required=False, choices=[("", _("全部规模")), *Enterprise.Scale.choices]
    )
    region = forms.ModelChoiceField(
        label=_("区域"),
        required=False,
        queryset=Region.objects.filter(depth__lte=3).order_by("path"),
        empty_label=_("全部区域"),
    )
    expired = forms.BooleanField(label=_("含已失效政策"), required=False)


def policy_search(qs: QuerySet, text: str) -> QuerySet:
    """Pages whose words contain `text` (a substring match on the plain-text copy).

    Chinese is written without spaces, so word-based full-text search (PostgreSQL's tsvector,
    SQLite's FTS tokenizers) cannot find 留抵退税 inside 增值税留抵退税政策. A case-insensitive
    substring match finds it on every database; the policy library has hundreds of pages, not
    millions, so a scan of one text column costs milliseconds (see bench/policies.py)."""
    for word in text.split():
        qs = qs.filter(search_text__icontains=word)
    return qs


def policy_library(*, index, data) -> dict:
    """The library's listing: live policies under `index`, filtered, in force by default, newest
    first, paginated (a constant number of queries whatever the filters)."""
    form = PolicyFilterForm(data or None)
    qs = PolicyPage.objects.live().child_of(index)
    filters = form.cleaned_data if form.is_valid() else {}
    if not filters.get("expired"):
        qs = qs.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate()))
    if filters.get("q"):
        qs = policy_search(qs, filters["q"])
    if filters.get("type"):
        qs = qs.filter(policy_type=filters["type"])
    if filters.get("mode"):
        qs = qs.filter(delivery_mode=filters["mode"])
    through = PolicyPage.industries.through
    if filters.get("industry"):
        industry = filters["industry"]
        qs = qs.filter(
            ~Exists(through.objects.filter(policypage_id=OuterRef("pk")))
            | Exists(
                through.objects.filter(policypage_id=OuterRef("pk")).filter(
                    Q(industry_id=industry.pk) | Q(industry__parent_id=industry.pk)
                )
            )
        )
    if filters.get("scale"):
        qs = qs.filter(Q(scales="") | Q(scales__contains=f",{filters['scale']},"))
    if filters.get("region"):
        region = filters["region"]
        ancestors = [
            region.path[:i] for i in range(region.steplen, len(region.path) + 1, region.steplen)
        ]
        rthrough = PolicyPage.regions.through
        qs = qs.filter(
            ~Exists(rthrough.objects.filter(policypage_id=OuterRef("pk")))
            | Exists(
                rthrough.objects.filter(policypage_id=OuterRef("pk"), region__path__in=ancestors)
            )
        )
    qs = qs.order_by("-issued_on", "-pk")
    page = Paginator(qs, LIBRARY_PAGE_SIZE).get_page(data.get("page") if data else None)
    query = data.copy() if data else None
    if query is not None and "page" in query:
        del query["page"]
    return {
        "filter_form": form,
        "page_obj": page,
        "filter_query": query.urlencode() if query is not None else "",
        "today": timezone.localdate(),
    }


def policy_page_context(*, policy: PolicyPage, user) -> dict:
    """What a policy page shows besides its own fields: its interpretations, notices and
    announcements, and for a signed-in enterprise user whether it matches their enterprises."""
    context = {
        "interpretations": list(policy.interpretations.live().order_by("-published_on")),
        "notices": list(policy.notices.live().order_by("-published_on")[:10]),
        "announcements": list(policy.announcements.live().order_by("-published_on")[:10]),
        # from the page being shown, so that a preview shows its draft eligibility
        "eligibility": Eligibility.of(policy),
    }
    return context


# --- Pushes -----------------------------------------------------------------------------------


def push_target_get_for_user(*, user, pk: int) -> PushTarget:
    """A push row `user` may see, else 404."""
    target = (
        PushTarget.objects.visible_to(user)
        .select_related("policy", "enterprise", "enterprise__region", "liaison", "visit")
        .filter(pk=pk)
        .first()
    )
    if target is None:
        raise Http404
    return target


def targets_to_deliver(*, user) -> QuerySet[PushTarget]:
    """待宣讲政策: pushes not yet delivered for the enterprises actively assigned to `user` as
    their liaison, newest first (a fresh policy is the one to take along on the next visit)."""
    scope = scope_for(user)
    if scope.user_id is None or not scope.has_role(Role.LIAISON, Role.RESPONSIBLE_LEADER):
        return PushTarget.objects.none()
    return (
        PushTarget.objects.to_deliver()
        .filter(
            Exists(
                LiaisonAssignment.objects.active().filter(
                    enterprise=OuterRef("enterprise_id"), person_id=scope.user_id
                )
            )
        )
        .select_related("policy", "enterprise")
        .order_by("-notified_at", "pk")
    )


def enterprise_push_rows(*, user, enterprise: Enterprise) -> dict[int, PushTarget]:
    """The push rows of `enterprise` that `user` may see, by policy id (one query)."""
    return {
        t.policy_id: t for t in PushTarget.objects.visible_to(user).filter(enterprise=enterprise)
    }


@dataclass
class CoverageRow:
    key: object
    label: str
    matched: int
    read: int
    delivered: int
    applied: int
    received: int

    @property
    def rate(self) -> float | None:
        return round(self.delivered * 100 / self.matched, 1) if self.matched else None


def _coverage(qs: QuerySet, key: str, label: str) -> list[CoverageRow]:
    rows = (
        qs.values(key, label)
        .annotate(
            matched=Count("pk"),
            read=Count("pk", filter=Q(read_at__isnull=False)),
            delivered=Count("pk", filter=Q(delivered_at__isnull=False)),
            applied=Count("pk", filter=Q(applied_at__isnull=False)),
            received=Count("pk", filter=Q(received_at__isnull=False)),
        )
        .order_by(label, key)
    )
    return [
        CoverageRow(
            r[key],
            r[label] or "—",
            r["matched"],
            r["read"],
            r["delivered"],
            r["applied"],
            r["received"],
        )
        for r in rows
    ]


def push_coverage(*, user, policy_id: int | None = None) -> dict:
    """政策直达率 (delivered / matched) by policy, by region and by liaison, over the push rows
    `user` may see (three grouped queries and the total)."""
    qs = PushTarget.objects.visible_to(user)
    if policy_id:
        qs = qs.filter(policy_id=policy_id)
    by_policy = _coverage(qs, "policy_id", "policy__title")
    by_region = _coverage(qs, "enterprise__region_id", "enterprise__region__name")
    by_liaison = _coverage(qs, "liaison_id", "liaison__display_name")
    total = CoverageRow(
        None,
        str(_("合计")),
        sum(r.matched for r in by_policy),
        sum(r.read for r in by_policy),
        sum(r.delivered for r in by_policy),
        sum(r.applied for r in by_policy),
        sum(r.received for r in by_policy),
    )
    return {
        "by_policy": by_policy,
        "by_region": by_region,
        "by_liaison": by_liaison,
        "total": total,
    }


def push_target_list(*, user, policy_id: int | None = None, status: str = "") -> QuerySet:
    qs = PushTarget.objects.visible_to(user).select_related(
        "policy", "enterprise", "enterprise__region", "liaison"
    )
    if policy_id:
        qs = qs.filter(policy_id=policy_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-notified_at", "pk")
