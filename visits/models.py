"""Visits to enterprises (DESIGN §4): planned → done | cancelled, with officers, attendees,
attachments and a confidentiality flag that decides whether the enterprise may see them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Role
from accounts.scope import BranchVisibility
from crm.lib.urls import pk_url
from enterprises.models import Contact, Enterprise, EnterpriseMembership, LiaisonAssignment


class VisitQuerySet(BranchVisibility, models.QuerySet):
    def visible_branches(self, scope) -> list[Q]:
        """Why a person sees a visit (DESIGN §2, §4), one Q each (`visible_to` is their OR):

        - dispatchers, leaders, administrators: visits of enterprises in their region subtrees;
        - liaisons and responsible leaders: visits of the enterprises actively assigned to them;
        - any staff member: visits where they were one of the officers (unit staff see no
          other visit);
        - enterprise users: the DONE, SHAREABLE visits of their own enterprises — never an
          internal one, never a plan;
        - anybody else: nothing.
        """
        branches = []
        if scope.paths(Role.DISPATCHER, Role.LEADER, Role.ADMIN):
            branches.append(
                scope.region_q("enterprise__region", Role.DISPATCHER, Role.LEADER, Role.ADMIN)
            )
        if scope.has_role(Role.LIAISON, Role.RESPONSIBLE_LEADER):
            branches.append(
                Q(
                    Exists(
                        LiaisonAssignment.objects.active().filter(
                            enterprise=OuterRef("enterprise_id"), person_id=scope.user_id
                        )
                    )
                )
            )
        if scope.is_staff_member:
            branches.append(
                Q(Exists(VisitOfficer.objects.filter(visit=OuterRef("pk"), user_id=scope.user_id)))
            )
        branches.append(
            Q(
                Exists(
                    EnterpriseMembership.objects.filter(
                        enterprise=OuterRef("enterprise_id"), user_id=scope.user_id, is_active=True
                    )
                ),
                status=Visit.Status.DONE,
                confidentiality=Visit.Confidentiality.SHAREABLE,
            )
        )
        return branches

    def done(self) -> VisitQuerySet:
        return self.filter(status=Visit.Status.DONE)

    def planned(self) -> VisitQuerySet:
        return self.filter(status=Visit.Status.PLANNED)


# The visit's history, kept by name so that `visits.services.visit_log` can write a new visit's
# creation record once its attendees are set: one "创建" entry, not "创建" then "修改 参加人员".
VISIT_HISTORY = HistoricalRecords(m2m_fields=["attendees"])


class Visit(models.Model):
    class Kind(models.TextChoices):
        ON_SITE = "on_site", _("上门走访")
        MEETING = "meeting", _("座谈交流")
        PHONE = "phone", _("电话跟踪")
        ONLINE = "online", _("线上沟通")
        SITE_INSPECTION = "site_inspection", _("现场踏查")
        ACCOMPANIED = "accompanied", _("陪同办理")
        POLICY_BRIEFING = "policy_briefing", _("政策宣讲")

    class Status(models.TextChoices):
        """planned → done | cancelled; only `visits.services` changes it."""

        PLANNED = "planned", _("计划中")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    class Confidentiality(models.TextChoices):
        INTERNAL = "internal", _("内部")
        SHAREABLE = "shareable", _("企业可见")

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="visits",
        db_index=False,  # led by visit_enterprise_id
    )
    kind = models.CharField(_("走访方式"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    planned_on = models.DateField(_("计划日期"), null=True, blank=True)
    happened_at = models.DateTimeField(_("走访时间"), null=True, blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人员"),
        through="VisitOfficer",
        related_name="visits",
    )
    attendees = models.ManyToManyField(
        Contact, verbose_name=_("企业参加人员"), blank=True, related_name="visits"
    )
    summary = models.TextField(_("走访情况"), blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    confidentiality = models.CharField(
        _("可见范围"),
        max_length=10,
        choices=Confidentiality.choices,
        default=Confidentiality.INTERNAL,
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = VisitQuerySet.as_manager()
    history = VISIT_HISTORY

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        ordering = ["-happened_at", "-planned_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "on_site",
                        "meeting",
                        "phone",
                        "online",
                        "site_inspection",
                        "accompanied",
                        "policy_briefing",
                    ]
                ),
                name="visit_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "done", "cancelled"]),
                name="visit_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(confidentiality__in=["internal", "shareable"]),
                name="visit_confidentiality_valid",
            ),
            # A plan has a date; a done visit has the time it happened; a cancellation a reason.
            models.CheckConstraint(
                condition=~Q(status="planned") | Q(planned_on__isnull=False),
                name="visit_planned_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(happened_at__isnull=False),
                name="visit_done_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="visit_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__gte=-90, latitude__lte=90)
                    & Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="visit_coordinates_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "status", "happened_at"], name="visit_ent_status"),
            models.Index(fields=["status", "planned_on"], name="visit_status_planned"),
            # The id after the enterprise: the visits of a region's enterprises, which the visit
            # list counts, are read from this index alone.
            models.Index(fields=["enterprise", "id"], name="visit_enterprise_id"),
            # On PostgreSQL, also `visit_newest_first`: the visit list's order, made by
            # migration 0002 alone (SQLite cannot index NULLS LAST).
        ]

    def __str__(self) -> str:
        when = self.happened_at.date() if self.happened_at else self.planned_on
        return f"{self.enterprise} · {self.get_kind_display()} · {when}"

    def get_absolute_url(self) -> str:
        return pk_url("visits:detail", self.pk)

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def officer_list(self) -> list[VisitOfficer]:
        """The officers' links with their users, the lead first: as the selectors prefetched
        them (`PREFETCHED_OFFICERS`), else read now."""
        if PREFETCHED_OFFICERS in self.__dict__:
            return self.__dict__[PREFETCHED_OFFICERS]
        return list(officers_in_order(self.officer_links.all()))


# Where the selectors put a visit's officers (a Prefetch's to_attr: a list per visit, without
# the related manager and queryset Django would make for each visit of a page).
PREFETCHED_OFFICERS = "prefetched_officers"


def officers_in_order(links):
    """Officer links with their users, the lead first."""
    return links.select_related("user").order_by("-is_lead", "pk")


class VisitOfficer(models.Model):
    """An officer on a visit; exactly one of them leads (at most one, by a constraint)."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("走访"), on_delete=models.CASCADE, related_name="officer_links"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人员"),
        on_delete=models.PROTECT,
        related_name="visit_links",
    )
    is_lead = models.BooleanField(_("带队"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("走访人员")
        verbose_name_plural = _("走访人员")
        ordering = ["-is_lead", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "user"], name="visit_officer_once"),
            models.UniqueConstraint(
                fields=["visit"], condition=Q(is_lead=True), name="visit_one_lead"
            ),
        ]
        indexes = [models.Index(fields=["user", "visit"], name="visit_officer_user")]

    def __str__(self) -> str:
        return f"{self.visit_id} · {self.user}"


def _attachment_path(instance, filename: str) -> str:
    from crm.lib.files import private_upload_path

    return private_upload_path("visits", filename)


def _private_storage():
    from crm.lib.files import private_storage

    return private_storage()


class VisitAttachment(models.Model):
    """A photo or document of a visit. Stored privately; served only by `visits:attachment`."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("照片")
        DOCUMENT = "document", _("文档")

    visit = models.ForeignKey(
        Visit, verbose_name=_("走访"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    file = models.FileField(
        _("文件"), upload_to=_attachment_path, storage=_private_storage, max_length=255
    )
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=120)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("走访附件")
        verbose_name_plural = _("走访附件")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["photo", "document"]), name="visit_attachment_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("visits:attachment", kwargs={"pk": self.visit_id, "attachment": self.pk})


class VisitReminder(models.Model):
    """A sent marker: one reminder per (person, day, kind), so the daily sweep is idempotent."""

    class Kind(models.TextChoices):
        DUE_TOMORROW = "due_tomorrow", _("明日计划走访")
        OVERDUE = "overdue", _("走访逾期")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    count = models.PositiveIntegerField(_("条数"), default=0)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("走访提醒")
        verbose_name_plural = _("走访提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "day", "kind"], name="visit_reminder_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.day} · {self.kind}"
