"""Health endpoints for load balancers and operators (django-health-check).

- `/health/`: liveness. The process answers; nothing else is touched, so a database outage never
  makes an orchestrator kill healthy web processes.
- `/health/ready/`: readiness. The database, the cache, the Celery broker and the attachment
  storage must answer, else 503 and the proxy stops sending traffic here. The age of the beat's
  last heartbeat is reported too; a silent beat is a warning (200, "degraded"), not a reason to
  take web processes out of rotation, since requests do not need the beat.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import inspect
import logging
import timeit
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import HealthCheckException, ServiceUnavailable, ServiceWarning

from ops.beacons import beacon_ages

logger = logging.getLogger("health_check")


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


def _result(check: HealthCheck) -> HealthCheckResult:
    """Run one check in this thread, as `HealthCheck.get_result` does in an event loop.

    The library's view is async; under WSGI that means a private event loop per request, which
    fails where the thread already runs one, and opens database connections in executor threads
    that nobody closes. Health probes arrive every few seconds, so they run synchronously here,
    on the request's own connection. The one async check (the cache) gets a loop of its own in a
    short-lived thread."""
    start = timeit.default_timer()
    try:
        if inspect.iscoroutinefunction(check.run):
            budget = check.timeout.total_seconds() + 1
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(asyncio.run, asyncio.wait_for(check.run(), budget)).result()
        else:
            check.run()
    except HealthCheckException as exc:
        error = exc
        logger.warning("Health check %r failed: %s", check, exc)
    except TimeoutError:
        error = ServiceUnavailable(f"timed out after {check.timeout.total_seconds():g} s")
    except Exception:
        logger.exception("Unexpected exception during health check %r", check)
        error = HealthCheckException("unknown error")
    else:
        error = None
    return HealthCheckResult(check=check, error=error, time_taken=timeit.default_timer() - start)


def _checks(spec) -> list[HealthCheck]:
    made = []
    for entry in spec:
        cls, options = entry if isinstance(entry, tuple) else (entry, {})
        made.append(cls(**options))
    return made


def _respond(results: list[HealthCheckResult]) -> JsonResponse:
    errors = [r for r in results if r.error]
    down = [r for r in errors if not isinstance(r.error, ServiceWarning)]
    body = {
        "status": "down" if down else ("degraded" if errors else "ok"),
        "checks": {
            type(r.check).__name__: {
                "ok": r.error is None,
                "message": "OK" if r.error is None else str(r.error),
                "seconds": round(r.time_taken, 4),
            }
            for r in results
        },
    }
    for r in results:
        if isinstance(r.check, BeatHeartbeat):
            body["beat_age_seconds"] = None if r.check.age is None else round(r.check.age, 1)
    response = JsonResponse(body, status=503 if down else 200)
    add_never_cache_headers(response)
    return response


LIVENESS_CHECKS = [Alive]
READINESS_CHECKS = [Database, Cache, Broker, (Storage, {"alias": "private"}), BeatHeartbeat]


@require_GET
def liveness(request):
    return _respond([_result(c) for c in _checks(LIVENESS_CHECKS)])


@require_GET
def readiness(request):
    return _respond([_result(c) for c in _checks(READINESS_CHECKS)])
