"""The issue lists' rows, written in Python (presenters.issue_row_html), give the HTML the row
template gave, character for character: that template is kept here and compared."""
# ruff: noqa: E501 - the row template below is kept with its lines as they were

from datetime import timedelta

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone, translation

from issues.models import Issue

pytestmark = pytest.mark.django_db

# templates/issues/_issue_rows.html as it was before its rows were written in Python.
ROWS_TEMPLATE = """{% load i18n issue_pages %}
{% with staff=request.user.scope.is_staff_member %}{% for issue in rows %}{% with url=issue.get_absolute_url number=issue.number %}
    <tr data-testid="issue-row-{{ issue.pk }}">
      <td class="text-nowrap d-none d-md-table-cell"><a href="{{ url }}">{{ number }}</a></td>
      <td>{% if issue.priority == "urgent" %}<span class="badge text-bg-danger me-1">{% translate "紧急" %}</span>{% endif %}{% if issue.supervision_level and staff %}<span class="badge text-bg-warning me-1">{% translate "督办" %}{{ issue.supervision_level }}</span>{% endif %}<a href="{{ url }}" class="text-decoration-none">{{ issue.title }}</a><div class="small text-muted d-md-none">{{ number }}<span class="d-sm-none"> · {{ issue.enterprise.name }}</span></div></td>
      <td class="d-none d-sm-table-cell">{{ issue.enterprise.name }}</td>
      <td class="d-none d-md-table-cell">{{ issue.category }}</td>
      <td class="d-none d-md-table-cell">{{ issue.lead_unit|default:"—" }}</td>
      <td><span class="badge {{ issue.state|state_badge }}">{{ issue.state|state_label }}</span></td>
      <td class="text-nowrap">{% running_deadline issue as dl %}{% if dl %}<span class="{{ dl.css }}" title="{{ dl.label }} · {{ dl.status_label }}">{{ dl.at|date:"m-d H:i" }}{% if dl.status == "overdue" %} <i class="bi bi-exclamation-triangle-fill"></i>{% endif %}</span>{% else %}<span class="text-muted">—</span>{% endif %}</td>
    </tr>
  {% endwith %}{% empty %}
    <tr><td colspan="7" class="text-muted">{% translate "暂无" %}</td></tr>
  {% endfor %}{% endwith %}
"""
NOW_ROWS = """{% load i18n issue_pages %}
{% with staff=request.user.scope.is_staff_member %}{% for issue in rows %}
    {% issue_row issue staff %}
  {% empty %}
    <tr><td colspan="7" class="text-muted">{% translate "暂无" %}</td></tr>
  {% endfor %}{% endwith %}
"""


def render(source: str, rows, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return engines["django"].from_string(source).render({"rows": rows, "request": request})


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["dispatcher", "enterprise_user"])
def test_a_row_is_the_html_the_row_template_wrote(world, make_issue, language, who):
    # given: issues in every kind of row: no deadline, running, overdue, inside the warning
    # band, paused; urgent and supervised; a title and a name that need escaping
    now = timezone.now()
    issues = [make_issue(state) for state in ("new", "dispatched", "in_progress")]
    issues += [make_issue("waiting_enterprise"), make_issue("resolved"), make_issue("closed")]
    odd = make_issue("in_progress", title="<b>\"焊工\" & '电工'</b>")
    Issue.objects.filter(pk=odd.pk).update(
        priority="urgent", supervision_level=2, resolve_deadline=now - timedelta(hours=1)
    )
    Issue.objects.filter(pk=issues[2].pk).update(
        acknowledged_at=now - timedelta(days=9), resolve_deadline=now + timedelta(days=1)
    )
    world.ent_a.name = "A&B <企业>"
    world.ent_a.save()
    rows = list(
        Issue.objects.filter(pk__in=[i.pk for i in [*issues, odd]])
        .select_related("enterprise", "category__parent", "lead_unit")
        .order_by("pk")
    )
    user = getattr(world, who)
    # when / then
    with translation.override(language):
        before = render(ROWS_TEMPLATE, rows, user)
        assert render(NOW_ROWS, rows, user) == before
        assert render(NOW_ROWS, [], user) == render(ROWS_TEMPLATE, [], user)
    assert "&lt;b&gt;&quot;焊工&quot; &amp; &#x27;电工&#x27;&lt;/b&gt;" in before
    assert ('<span class="badge text-bg-warning me-1">' in before) == (who == "dispatcher")
