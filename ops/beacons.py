"""Touch and read beacons (see `ops.models.Beacon`)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ops.models import Beacon


def beacon_touch(*, name: str, at: datetime | None = None) -> None:
    """Record that the job `name` has just run (one upsert, no history: this is telemetry)."""
    Beacon.objects.update_or_create(name=Beacon.Name(name), defaults={"at": at or timezone.now()})


def beacon_ages(*, now: datetime | None = None) -> dict[str, float | None]:
    """Seconds since each beacon was last touched (None: never), in one query."""
    now = now or timezone.now()
    seen = dict(Beacon.objects.values_list("name", "at"))
    return {
        name: (now - seen[name]).total_seconds() if name in seen else None
        for name in Beacon.Name.values
    }
