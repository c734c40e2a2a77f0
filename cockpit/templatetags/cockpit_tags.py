from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import escape

register = template.Library()


class DrillLinks:
    """Drill-down URLs of a cockpit: its filters, plus a breakdown row's own ("unit=3"), plus
    the counting condition. Pages show hundreds of them: each base is built once."""

    def __init__(self, cockpit) -> None:
        params = cockpit.filters.params()
        path = reverse("cockpit:issues")
        self.bases = {
            name: f"{path}?" + urlencode({k: v for k, v in params.items() if k != name})
            for name in ("", "region", "industry", "category", "unit", "liaison")
        }

        self._with_extra: dict[str, tuple[str, str]] = {}

    def _base(self, extra: str) -> tuple[str, str]:
        """The URL without its metric for a row's `extra`, plain and HTML-escaped (a row's
        rates share it)."""
        if extra not in self._with_extra:
            name, _sep, value = extra.partition("=")
            base = self.bases[name] + (f"&{urlencode({name: value})}" if name else "")
            self._with_extra[extra] = (base, escape(base))
        return self._with_extra[extra]

    def url(self, metric: str, extra: str = "") -> str:
        return f"{self._base(extra)[0]}&metric={metric}"

    def escaped_url(self, metric: str, extra: str = "") -> str:
        """`url`, HTML-escaped (the metric is a `metrics.COUNT_KEYS` name: nothing to escape)."""
        return f"{self._base(extra)[1]}&amp;metric={metric}"


@register.simple_tag(takes_context=True)
def drill(context, metric: str, extra: str = "") -> str:
    """The drill-down URL of a number (see `DrillLinks`)."""
    cache = context.render_context
    if "cockpit_drill" not in cache:
        cache["cockpit_drill"] = DrillLinks(context["cockpit"])
    return cache["cockpit_drill"].url(metric, extra)


@register.simple_tag(takes_context=True)
def cockpit_query(context, **overrides) -> str:
    """The cockpit's current filters as a query string, with `overrides`."""
    params = context["cockpit"].filters.params()
    params.update({k: v for k, v in overrides.items() if v is not None})
    return urlencode(params)


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{value:g}%"


@register.filter
def rate_of(figures, key: str):
    return figures.rates.get(key)


@register.filter
def count_of(figures, key: str):
    return figures[key]


@register.simple_tag(takes_context=True)
def visits_link(context, kind: str = "") -> str:
    """The visit list behind a visit figure: done visits of the period (and kind), in the
    chosen region, by the chosen liaison."""
    f = context["cockpit"].filters
    params = {"status": "done", "start": f.period.first, "end": f.period.last}
    if kind:
        params["kind"] = kind
    if f.region is not None:
        params["region"] = f.region.pk
    if f.liaison is not None:
        params["officer"] = f.liaison.pk
    return f"{reverse('visits:list')}?{urlencode(params)}"


@register.simple_tag(takes_context=True)
def issues_link(context, query: str) -> str:
    """The issue list with the cockpit's current-value filters plus `query`."""
    f = context["cockpit"].filters
    params = dict(p.split("=", 1) for p in query.split("&") if p)
    for name in ("region", "category", "unit", "industry", "liaison"):
        value = getattr(f, name)
        if value is not None:
            params[name] = value.pk
    return f"{reverse('issues:list')}?{urlencode(params)}"
