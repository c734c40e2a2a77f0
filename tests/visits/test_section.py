"""The visit timeline on the enterprise page (through the enterprises section registry)."""

from django.urls import reverse

from tests.visits.conftest import make_visit
from visits.models import Visit


def _section(response):
    """The HTML of the page's visits section, or None when the page has none."""
    content = response.content.decode()
    start = content.find('data-section="visits"')
    if start == -1:
        return None
    return content[start : content.index("</section>", start)]


def test_the_liaison_sees_the_timeline_with_due_date_and_log_buttons(client, world):
    make_visit(world.ent_a, world.liaison, kind=Visit.Kind.PHONE)
    client.force_login(world.liaison)
    response = client.get(reverse("enterprises:detail", args=[world.ent_a.pk]))
    section = _section(response)
    assert section is not None
    assert "电话跟踪" in section
    assert "下次应访" in section
    assert reverse("visits:log", args=[world.ent_a.pk]) in section


def test_a_leader_sees_the_timeline_but_no_log_buttons(client, world):
    make_visit(world.ent_a, world.liaison, kind=Visit.Kind.MEETING)
    client.force_login(world.leader)
    response = client.get(reverse("enterprises:detail", args=[world.ent_a.pk]))
    section = _section(response)
    assert "座谈交流" in section
    assert reverse("visits:log", args=[world.ent_a.pk]) not in section


def test_the_section_is_hidden_for_people_who_neither_see_nor_record_visits(client, world):
    client.force_login(world.leader)  # no visit yet, and leaders do not record visits
    response = client.get(reverse("enterprises:detail", args=[world.ent_a.pk]))
    assert response.status_code == 200
    assert _section(response) is None
