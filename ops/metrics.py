"""Prometheus metrics an operator must watch, read from the database at scrape time.

django-prometheus adds the request / database / cache metrics of each process; this collector
adds the product's own, which are the same whichever process answers the scrape:

- `qinqing_outbox_pending_deliveries`: deliveries waiting (pending or claimed), by channel;
- `qinqing_outbox_oldest_pending_seconds`: age of the oldest waiting delivery (0 when none);
- `qinqing_outbox_gave_up_deliveries`: deliveries given up after their retries;
- `qinqing_seconds_since_last_run{job=…}`: time since the beat's heartbeat, the supervision
  sweep and the delivery retry sweep last finished (absent when a job never ran).
"""

from __future__ import annotations

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from ops.beacons import beacon_ages


class QinqingCollector:
    """A prometheus_client collector: three queries per scrape, whatever the backlog."""

    def collect(self):
        from notifications.models import Channel, Delivery

        now = timezone.now()
        waiting = Delivery.objects.filter(
            status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
        )
        pending = GaugeMetricFamily(
            "qinqing_outbox_pending_deliveries",
            "Outbox deliveries waiting to be sent (pending or claimed)",
            labels=["channel"],
        )
        counts = dict.fromkeys(Channel.values, 0)
        oldest = None
        for row in waiting.values("channel").annotate(n=Count("id"), oldest=Min("created_at")):
            counts[row["channel"]] = row["n"]
            oldest = row["oldest"] if oldest is None else min(oldest, row["oldest"])
        for channel, n in counts.items():
            pending.add_metric([channel], n)
        yield pending
        yield GaugeMetricFamily(
            "qinqing_outbox_oldest_pending_seconds",
            "Age of the oldest waiting outbox delivery",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )
        yield GaugeMetricFamily(
            "qinqing_outbox_gave_up_deliveries",
            "Outbox deliveries given up after their retries",
            value=Delivery.objects.filter(status=Delivery.Status.GAVE_UP).count(),
        )
        since = GaugeMetricFamily(
            "qinqing_seconds_since_last_run",
            "Seconds since a periodic job last finished",
            labels=["job"],
        )
        for job, age in beacon_ages(now=now).items():
            if age is not None:
                since.add_metric([job], age)
        yield since

    def describe(self):
        # Describing nothing keeps registration from calling collect() at import time (no
        # database queries before the apps are ready).
        return []
