"""The cockpit's derived data (DESIGN §10) and its bulletins.

`Fact` rows are DERIVED from the append-only `IssueEvent` timeline by `cockpit.facts` — never
written by anything else, rebuilt in full by `manage.py cockpit_rebuild` and kept current by the
beat (`cockpit.facts.refresh`). They exist only for speed: `cockpit.recompute` computes the same
figures from the events alone, and the tests hold the two equal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from crm.lib.files import private_storage, private_upload_path


class Fact(models.Model):
    """One countable fact of one issue, with the dimensions the cockpit filters by.

    - SPAN: a stretch of the issue's life in one status class (open / done / ended) with one
      lead unit and one latest outcome, [span_start, span_end). `t` is the registration time;
      the span containing a period's end gives 受理量 / 办结 / 解决 as of that end.
    - DISPATCH: the issue's dispatch (派单); `mark_at` = its first return (退回), if any.
    - ACK: an acknowledgement; `flag` = on time (from the event), `seconds` = business seconds
      since the latest (re)dispatch; `prev_at` = the issue's previous acknowledgement.
    - RESOLVE: a resolve event; `flag` = on time (from the event); `prev_at` = the issue's
      previous resolve event; `first_ever` and `seconds` (business seconds registration → this
      resolution minus the time waiting for the enterprise) on the first one.
    - REVISIT: a revisit; `flag` = 满意 or 基本满意; `next_at` = the issue's next revisit;
      `mark_at` = the issue's first rework (不满意 revisit or reopen), if any.

    `t` is when the fact counts (registration for SPAN, the event time otherwise); the bucket
    columns are `t`'s day, week and month in Asia/Shanghai, for trends and `FactGrain`.
    """

    class Kind(models.IntegerChoices):
        SPAN = 1, _("状态区间")
        DISPATCH = 2, _("派单")
        ACK = 3, _("签收")
        RESOLVE = 4, _("办结")
        REVISIT = 5, _("回访")

    class Status(models.TextChoices):
        OPEN = "o", _("办理中")
        DONE = "d", _("已办结")
        ENDED = "x", _("已撤回或合并")

    issue = models.ForeignKey(
        "issues.Issue", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    t = models.DateTimeField()
    status = models.CharField(max_length=1, choices=Status.choices, blank=True)
    outcome = models.CharField(max_length=15, blank=True)
    span_start = models.DateTimeField(null=True)
    span_end = models.DateTimeField(null=True)
    prev_at = models.DateTimeField(null=True)
    next_at = models.DateTimeField(null=True)
    mark_at = models.DateTimeField(null=True)
    flag = models.BooleanField(null=True)
    first_ever = models.BooleanField(default=False)
    seconds = models.BigIntegerField(null=True)
    # The window (w_lo, w_hi] of the period bounds for which this fact counts otherwise than
    # in the additive rollup (`cockpit.grains`): of the period's END for SPAN, DISPATCH and
    # REVISIT, of its START for ACK and RESOLVE. Both NULL when it never does. A function of
    # the columns above (`cockpit.facts.window_of`).
    w_lo = models.DateTimeField(null=True)
    w_hi = models.DateTimeField(null=True)

    # Dimensions: the enterprise's region and industry, the issue's category and liaison, and
    # the lead unit at the moment of the fact (at the end of the span for SPAN).
    region_path = models.CharField(max_length=255)
    industry_id = models.IntegerField(null=True)
    industry_root_id = models.IntegerField(null=True)
    category_id = models.IntegerField()
    category_root_id = models.IntegerField()
    unit_id = models.IntegerField(null=True)
    liaison_id = models.IntegerField(null=True)

    day_start = models.DateTimeField()
    week_start = models.DateTimeField()
    week_end = models.DateTimeField()
    month_start = models.DateTimeField()
    month_end = models.DateTimeField()

    class Meta:
        verbose_name = _("驾驶舱统计事实")
        verbose_name_plural = _("驾驶舱统计事实")
        indexes = [
            models.Index(fields=["t"], name="cockpit_fact_t"),
            models.Index(fields=["kind", "t"], name="cockpit_fact_kind_t"),
            models.Index(fields=["issue"], name="cockpit_fact_issue"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__gte=1, kind__lte=5), name="fact_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.get_kind_display()} {self.t:%Y-%m-%d}"


class CubePeriod(models.Model):
    """A period whose figures are kept summed in `FactCube` rows (see `cockpit.cube`)."""

    start = models.DateTimeField()
    end = models.DateTimeField()
    built_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("驾驶舱汇总区间")
        verbose_name_plural = _("驾驶舱汇总区间")
        constraints = [
            models.UniqueConstraint(fields=["start", "end"], name="cube_period_once"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} ~ {self.end:%Y-%m-%d}"


class Counts(models.Model):
    """The region and the dimension columns of a rollup row, and one count column per key of
    `cockpit.metrics` (`n_<key>`)."""

    region_path = models.CharField(max_length=255)
    industry_root_id = models.IntegerField(null=True)
    category_root_id = models.IntegerField(null=True)
    unit_id = models.IntegerField(null=True)
    liaison_id = models.IntegerField(null=True)

    n_accepted = models.IntegerField(default=0)
    n_done = models.IntegerField(default=0)
    n_outcome_solved = models.IntegerField(default=0)
    n_outcome_partly_solved = models.IntegerField(default=0)
    n_outcome_explained = models.IntegerField(default=0)
    n_acked = models.IntegerField(default=0)
    n_acked_on_time = models.IntegerField(default=0)
    n_ack_timed = models.IntegerField(default=0)
    n_resolved = models.IntegerField(default=0)
    n_resolved_on_time = models.IntegerField(default=0)
    n_resolve_timed = models.IntegerField(default=0)
    n_revisited = models.IntegerField(default=0)
    n_satisfied = models.IntegerField(default=0)
    n_reworked = models.IntegerField(default=0)
    n_dispatched = models.IntegerField(default=0)
    n_returned = models.IntegerField(default=0)
    n_ack_seconds = models.BigIntegerField(default=0)
    n_resolve_seconds = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class Level(models.IntegerChoices):
    """How finely a rollup row is grouped: by the enterprise's region and, at FULL, the other
    four dimensions; at UNIT … LIAISON, that one of them; at REGION, none (the dimensions a
    level leaves out are NULL)."""

    REGION = 0, _("辖区")
    UNIT = 1, _("辖区×承办单位")
    INDUSTRY = 2, _("辖区×行业")
    CATEGORY = 3, _("辖区×诉求分类")
    LIAISON = 4, _("辖区×联络员")
    FULL = 5, _("全部维度")


def full_row_indexes(prefix: str, fields) -> list[models.Index]:
    """A page whose filters and breakdown span two dimensions or more reads the FULL rows of
    one dimension value: a partial index of those rows per dimension column, on
    `fields(column)`."""
    names = {
        "unit_id": "unit",
        "liaison_id": "liaison",
        "category_root_id": "category",
        "industry_root_id": "industry",
    }
    return [
        models.Index(fields=fields(column), condition=Q(level=5), name=f"{prefix}_{name}")
        for column, name in names.items()
    ]


class FactCube(Counts):
    """The counts of `cockpit.metrics.conditions` for one period [start, end), summed over the
    facts of each combination of dimensions of its `level`. DERIVED from `Fact` rows by
    `cockpit.cube` (never written by anything else): a period is materialised in full, then
    each refresh adds the difference its rebuilt issues made (rows of negative and positive
    counts), and the nightly rebuild starts afresh. A period's figures are the SUM of its rows
    of one level; `n_<key>` holds the count of `<key>`."""

    Level = Level

    start = models.DateTimeField()
    end = models.DateTimeField()
    level = models.PositiveSmallIntegerField(choices=Level.choices)

    class Meta:
        verbose_name = _("驾驶舱汇总")
        verbose_name_plural = _("驾驶舱汇总")
        indexes = [
            models.Index(fields=["start", "end", "level"], name="cockpit_cube_period"),
            *full_row_indexes("cube", lambda column: ["start", "end", column]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=0, level__lte=5), name="cube_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} ~ {self.end:%Y-%m-%d} {self.level} {self.region_path}"


class FactGrain(Counts):
    """The counts of the facts whose `t` falls in one calendar day, week (from Monday) or month
    from `start`, summed per combination of dimensions of its `level`. At grains DAY, WEEK
    and MONTH they are ADDITIVE: each fact counted as `cockpit.metrics.additive_aggregates`
    counts it, as if the period began before all time and never ended; a period's figures are
    the sum of its grains' rows plus the corrections of the few facts whose window holds the
    period's bounds (`cockpit.grains`). At WEEK_PERIOD and MONTH_PERIOD they are that week's
    or month's own figures (`metrics.conditions` of the bucket), which a trend reads.
    DERIVED from `Fact` rows by `cockpit.grains` only, like `FactCube`: built by the rebuild,
    kept by each refresh with rows of negative and positive counts."""

    class Grain(models.IntegerChoices):
        DAY = 1, _("日")
        WEEK = 2, _("周")
        MONTH = 3, _("月")
        # Not additive: the week or month counted as a period of its own (a trend bucket).
        WEEK_PERIOD = 4, _("周（按期）")
        MONTH_PERIOD = 5, _("月（按期）")

    grain = models.PositiveSmallIntegerField(choices=Grain.choices)
    start = models.DateTimeField()
    level = models.PositiveSmallIntegerField(choices=Level.choices)

    class Meta:
        verbose_name = _("驾驶舱日周月汇总")
        verbose_name_plural = _("驾驶舱日周月汇总")
        indexes = [
            models.Index(fields=["grain", "start", "level"], name="grain_start"),
            *full_row_indexes("grain", lambda column: [column, "grain", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=0, level__lte=5), name="grain_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(grain__gte=1, grain__lte=5), name="grain_grain_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_grain_display()} {self.start:%Y-%m-%d} {self.level} {self.region_path}"


class RollupState(models.Model):
    """How far the facts are built: every event with pk ≤ `last_event_id` is reflected."""

    key = models.CharField(max_length=20, unique=True, default="facts")
    last_event_id = models.BigIntegerField(default=0)
    rebuilt_at = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("驾驶舱汇总状态")
        verbose_name_plural = _("驾驶舱汇总状态")

    def __str__(self) -> str:
        return f"{self.key}: {self.last_event_id}"


def _bulletin_path(instance: Bulletin, filename: str) -> str:
    return private_upload_path("bulletins", filename)


class Bulletin(models.Model):
    """A generated bulletin (.xlsx) for one jurisdiction and one period, archived."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("周报")
        SEMIMONTHLY = "semimonthly", _("半月调度")
        MONTHLY = "monthly", _("通报")
        CUSTOM = "custom", _("专题统计")

    kind = models.CharField(_("类型"), max_length=15, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="bulletins"
    )
    period_start = models.DateField(_("统计起"))
    period_end = models.DateField(_("统计止"))
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("概述"))
    file = models.FileField(
        _("文件"), upload_to=_bulletin_path, storage=private_storage, max_length=200
    )
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    generated_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-period_end", "-generated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["weekly", "semimonthly", "monthly", "custom"]),
                name="bulletin_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="bulletin_period_ordered",
            ),
            models.UniqueConstraint(
                fields=["kind", "region", "period_start", "period_end"],
                condition=~Q(kind="custom"),
                name="bulletin_scheduled_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cockpit:bulletin_download", kwargs={"pk": self.pk})
