"""The running time limit of an issue and how far up the supervision ladder it went (DESIGN §6).

One row per issue, written only by `issues.deadlines` (the transition hook, under the issue's
row lock) and `issues.supervision` (the sweep, which takes the same lock first). The issue keeps
the deadlines people see (`Issue.ack_deadline` …); this row is the sweep's bookkeeping:

- `kind`: which limit is running — acknowledge, resolve, revisit — or none (new, returned, in
  review, waiting for the enterprise, closed …);
- `started_at` / `deadline` / `warn_at`: the limit in force (pause-adjusted, extended);
- `step`: the last ladder step taken for this limit (0 none, 1 warning, 2 reminder,
  3 supervision notice, 4 escalation). Each step is claimed with a conditional update
  (`UPDATE … SET step = n WHERE step < n`) so it is taken once, whatever runs twice;
- `next_check_at`: when the sweep must look at the issue again (the next step's time), NULL when
  nothing can happen. The sweep is one range scan of a partial index over this column;
- `auto_escalated`: the issue was escalated for 3 reworks or 3 returning units (once).

No simple-history: this is derived bookkeeping; every step it records is an `IssueEvent` and a
history row of the issue (supervision level).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from issues.models.issue import Issue


class ClockKind(models.TextChoices):
    NONE = "", _("未计时")
    ACK = "ack", _("签收时限")
    RESOLVE = "resolve", _("办理时限")
    REVISIT = "revisit", _("回访时限")


class Step(models.IntegerChoices):
    NONE = 0, _("未督办")
    WARNING = 1, _("预警")
    REMINDER = 2, _("催办")
    SUPERVISION = 3, _("督办")
    ESCALATION = 4, _("提级")


class IssueClock(models.Model):
    Kind = ClockKind
    Step = Step

    issue = models.OneToOneField(
        Issue,
        verbose_name=_("诉求"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="clock",
    )
    kind = models.CharField(
        _("计时类型"), max_length=10, choices=ClockKind.choices, blank=True, default=""
    )
    started_at = models.DateTimeField(_("起算时间"), null=True, blank=True)
    deadline = models.DateTimeField(_("期限"), null=True, blank=True)
    warn_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    step = models.PositiveSmallIntegerField(_("督办步骤"), choices=Step.choices, default=0)
    next_check_at = models.DateTimeField(_("下次检查"), null=True, blank=True)
    auto_escalated = models.BooleanField(_("已自动提级"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("诉求计时")
        verbose_name_plural = _("诉求计时")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["", "ack", "resolve", "revisit"]),
                name="issueclock_kind_valid",
            ),
            models.CheckConstraint(condition=Q(step__lte=4), name="issueclock_step_range"),
            models.CheckConstraint(
                condition=Q(next_check_at__isnull=True) | ~Q(kind=""),
                name="issueclock_check_needs_clock",
            ),
        ]
        indexes = [
            # The sweep's only scan: rows with something left to do, by due time. Idle issues
            # (no running limit, or the ladder finished) are not in the index at all.
            models.Index(
                fields=["next_check_at"],
                condition=Q(next_check_at__isnull=False),
                name="issueclock_due",
            ),
            # The running clocks by deadline, with the start of their warning band: the issues
            # in the band now (issues.models.issue.warning_band_q) are those ahead of `now`
            # whose band has begun, read from this index alone (the issue too).
            models.Index(
                fields=["deadline"],
                include=["warn_at", "issue"],
                condition=~Q(kind=""),
                name="issueclock_band_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} {self.kind or '-'} step {self.step}"
