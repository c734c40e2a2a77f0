"""Health endpoints for load balancers and operators (django-health-check).

- `/health/`: liveness. The process answers; nothing else is touched, so a database outage never
  makes an orchestrator kill healthy web processes.
- `/health/ready/`: readiness. The database, the cache, the Celery broker and the attachment
  storage must answer, else 503 and the proxy stops sending traffic here. The age of the beat's
  last heartbeat is reported too; a silent beat is a warning (200, "degraded"), not a reason to
  take web processes out of rotation, since requests do not need the beat.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.http import JsonResponse
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView

from ops.beacons import beacon_ages


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (Redis, RabbitMQ or the filesystem transport)."""

    timeout = datetime.timedelta(seconds=3)

    def run(self) -> None:
        from crm.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:  # any transport error means the same to an operator
            raise ServiceUnavailable("broker unreachable") from exc


@dataclasses.dataclass
class BeatHeartbeat(HealthCheck):
    """The beat's heartbeat (every minute) is recent; its age is in the message."""

    max_age_seconds: int = dataclasses.field(
        default_factory=lambda: settings.QINQING_BEAT_STALE_SECONDS, repr=False
    )
    age: float | None = dataclasses.field(default=None, init=False, repr=False)

    def run(self) -> None:
        self.age = age = beacon_ages()["heartbeat"]
        if age is None:
            raise ServiceWarning("no heartbeat recorded yet")
        if age > self.max_age_seconds:
            raise ServiceWarning(f"last heartbeat {age:.0f} s ago")


@dataclasses.dataclass
class Alive(HealthCheck):
    """The process is serving requests."""

    def run(self) -> None:
        return None


class _Health(HealthCheckView):
    """JSON by default, 503 when a dependency is down, 200 "degraded" when only warnings."""

    def get(self, request, *args, **kwargs):
        if "format" not in request.GET and "application/json" not in request.headers.get(
            "accept", ""
        ):
            request.GET = request.GET.copy()
            request.GET["format"] = "json"
        return super().get(request, *args, **kwargs)

    def render_to_response_json(self, status):
        errors = [r for r in self.results if r.error]
        down = [r for r in errors if not isinstance(r.error, ServiceWarning)]
        state = "down" if down else ("degraded" if errors else "ok")
        body = {
            "status": state,
            "checks": {
                type(r.check).__name__: {
                    "ok": r.error is None,
                    "message": "OK" if r.error is None else str(r.error),
                    "seconds": round(r.time_taken, 4),
                }
                for r in self.results
            },
        }
        for r in self.results:
            if isinstance(r.check, BeatHeartbeat):
                age = r.check.age
                body["beat_age_seconds"] = None if age is None else round(age, 1)
        return JsonResponse(body, status=503 if down else 200)


liveness = _Health.as_view(checks=[Alive])
readiness = _Health.as_view(
    checks=[Database, Cache, Broker, (Storage, {"alias": "private"}), BeatHeartbeat]
)
