"""The visit lists' rows, written in Python (visits.presenters.visit_row_html), give the HTML
that templates/visits/_visit_row.html gave, character for character: that template (and the
status badge it included) is kept here and compared."""
# ruff: noqa: E501 - the row template below is kept with its lines as they were

from datetime import date

import pytest
from django.template import engines
from django.utils import translation

from tests.visits.conftest import local_dt, make_visit
from visits.models import Visit
from visits.selectors import visit_list, visit_timeline_for_enterprise

pytestmark = pytest.mark.django_db

ROW_TEMPLATE = """{% load i18n choices %}
<a href="{{ visit.get_absolute_url }}" class="list-group-item list-group-item-action py-3" data-testid="visit-row">
  <div class="d-flex justify-content-between align-items-start gap-2">
    <div class="me-auto qq-min0">
      {% if show_enterprise %}<div class="fw-semibold">{{ visit.enterprise.name }}</div>{% endif %}
      <div class="small">
        <i class="bi bi-{% if visit.kind == 'phone' %}telephone{% elif visit.kind == 'online' %}laptop{% else %}geo-alt{% endif %}"></i>
        {{ visit|display:"kind" }}
        · {% if visit.happened_at %}{{ visit.happened_at|date:"Y-m-d H:i" }}{% else %}{% translate "计划" %} {{ visit.planned_on|date:"Y-m-d" }}{% endif %}
      </div>
      <div class="small text-muted">
        {% for link in visit.officer_list %}{% if not forloop.first %}、{% endif %}{{ link.user }}{% if link.is_lead %}（{% translate "带队" %}）{% endif %}{% endfor %}
        {% if show_enterprise %} · {{ visit.enterprise.region.name }}{% endif %}
      </div>
      {% if visit.summary %}<div class="small text-body-secondary text-truncate qq-summary">{{ visit.summary }}</div>{% endif %}
    </div>
    <div class="text-end">
      {% include "visits/_status.html" %}
      {% if visit.confidentiality == "shareable" %}<div><span class="badge text-bg-light border mt-1">{% translate "企业可见" %}</span></div>{% endif %}
    </div>
  </div>
</a>
"""
NOW_ROW = "{% load visit_pages %}{% visit_row visit show_enterprise %}"


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_row_is_the_html_the_row_template_wrote(world, language):
    # given: done, planned and cancelled visits of every kind of row: with and without a
    # summary, shareable or internal, one officer or several, text that needs escaping
    world.ent_a.name = "A&B <企业>"
    world.ent_a.save()
    make_visit(world.ent_a, world.liaison, others=[world.dispatcher], kind=Visit.Kind.PHONE)
    make_visit(
        world.ent_a,
        world.liaison,
        happened_at=local_dt(date(2026, 3, 1), 9),
        kind=Visit.Kind.ONLINE,
        confidentiality=Visit.Confidentiality.SHAREABLE,
    )
    make_visit(world.ent_a, world.liaison, status=Visit.Status.PLANNED)
    cancelled = make_visit(world.ent_a, world.liaison, status=Visit.Status.CANCELLED)
    Visit.objects.filter(pk=cancelled.pk).update(summary="<b>\"谈\" & '访'</b>")
    Visit.objects.filter(status=Visit.Status.PLANNED).update(summary="")
    listed = list(visit_list(user=world.dispatcher))
    timeline = visit_timeline_for_enterprise(user=world.dispatcher, enterprise=world.ent_a)
    assert len(listed) == len(timeline) == 4
    # when / then
    with translation.override(language):
        for visit in [*listed, *timeline]:
            for show_enterprise in (True, False):
                context = {"visit": visit, "show_enterprise": show_enterprise}
                assert render(NOW_ROW, **context) == render(ROW_TEMPLATE, **context)
    html = render(NOW_ROW, visit=listed[-1], show_enterprise=True)
    assert "A&amp;B &lt;企业&gt;" in html
