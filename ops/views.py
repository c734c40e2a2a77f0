"""The metrics endpoint: Prometheus text, for the addresses in METRICS_ALLOWED_IPS only."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

from ops.metrics import QinqingCollector

_PRODUCT = CollectorRegistry(auto_describe=False)
_PRODUCT.register(QinqingCollector())


@require_GET
def metrics(request):
    """Process metrics (django-prometheus) plus the product's own. Scrapers inside the network
    only: anyone else gets 404, as for any unknown page."""
    if request.META.get("REMOTE_ADDR") not in settings.METRICS_ALLOWED_IPS:
        raise Http404
    body = generate_latest(REGISTRY) + generate_latest(_PRODUCT)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
