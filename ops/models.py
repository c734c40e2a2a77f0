"""Beacons: the last time each periodic job ran, shared by every process through the database.

The beat's heartbeat, the supervision sweep and the delivery retry sweep touch their beacon when
they finish; readiness and the metrics read the age. A database row (not the cache) because the
embedded default's cache is per process."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Beacon(models.Model):
    class Name(models.TextChoices):
        HEARTBEAT = "heartbeat", _("调度心跳")
        SUPERVISION_SWEEP = "supervision_sweep", _("督办扫描")
        DELIVERY_RETRY = "delivery_retry", _("消息重发扫描")

    name = models.CharField(_("名称"), max_length=40, unique=True, choices=Name.choices)
    at = models.DateTimeField(_("最近一次"))

    class Meta:
        verbose_name = _("运行信标")
        verbose_name_plural = _("运行信标")

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"
