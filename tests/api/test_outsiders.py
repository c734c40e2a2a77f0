"""Outsiders, generated from the router: every object endpoint (a route with an id) × every
method it answers × every person of the world, on an object that person may not see → 404, and
nothing changes (timeline events, history rows, comments, attachments, contacts, assignments,
read marks, tokens).

A new object endpoint fails `test_every_object_route_has_a_foreign_object` until FOREIGN says
how to find an object its callers may not see."""

import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.models import ApiToken
from api.tokens import token_issue
from api.urls import router
from enterprises.models import Contact, Enterprise, LiaisonAssignment
from issues.models import Issue, IssueAttachment, IssueComment, IssueEvent
from issues.services import issue_register, issue_transition
from issues.workflow import TRANSITION_ACTIONS
from notifications.models import Notification
from tests.people import WORLD_PEOPLE
from tests.visits.conftest import make_visit
from visits.models import Visit

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PEOPLE = WORLD_PEOPLE

# What each route's {pk} names, and its other path parameters: a function of (far, near, who)
# giving the object of that kind the person may not see (far: 江北区's; near: 江南区's, for
# the one person who works in 江北区).
FOREIGN = {
    "enterprise": lambda o, who: {"pk": o.enterprise.pk, "contact_pk": o.contact.pk},
    "visit": lambda o, who: {"pk": o.visit.pk},
    "issue": lambda o, who: {"pk": o.issue.pk, "attachment_pk": o.attachment.pk},
    "notification": lambda o, who: {"pk": o.notification.pk},
    "token": lambda o, who: {"pk": o.token.pk},
}
# A plausible body per method and route, so a 404 is never just a reaction to bad input.
BODIES = {
    "enterprise-detail": {"address": "篡改的地址"},
    "enterprise-contacts": {"name": "冒充的联系人", "phone": "13900000000"},
    "enterprise-contact-update": {"name": "改名", "phone": "13900000001"},
    "enterprise-assignments": {"kind": "liaison", "person": 1, "on": "2026-01-01"},
    "issue-comments": {"text": "外人留言", "visibility": "public"},
}


def _objects_in(w, enterprise, actor, other_person, cats):
    issue = issue_register(
        actor=actor,
        enterprise=enterprise,
        source=Issue.Source.PHONE,
        category=cats.plain,
        title="别处的诉求",
        description="只有本辖区的人看得见。",
    )
    upload = SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf")
    issue_transition(actor=actor, issue_id=issue.pk, action="attach", file=upload, is_public=True)
    return SimpleNamespace(
        enterprise=enterprise,
        contact=Contact.objects.create(enterprise=enterprise, name="某经理", phone="13912345678"),
        visit=make_visit(enterprise, actor),
        issue=issue,
        attachment=IssueAttachment.objects.get(issue=issue),
        notification=Notification.objects.create(
            recipient=other_person, kind="generic", title="别人的消息"
        ),
        token=token_issue(actor=other_person, user=other_person, name="别人的令牌").token,
    )


@pytest.fixture
def foreign(world, cats):
    return {
        "far": _objects_in(world, world.ent_far, world.far_dispatcher, world.far_dispatcher, cats),
        "near": _objects_in(world, world.ent_a, world.dispatcher, world.dispatcher, cats),
    }


def _object_routes():
    for url in router.urls:
        if "(?P<pk>" not in str(url.pattern):
            continue
        basename = url.name.split("-", 1)[0]
        for method in url.callback.actions:
            yield url, basename, method


ROUTES = list(_object_routes())


def test_every_object_route_has_a_foreign_object():
    missing = {basename for _url, basename, _m in ROUTES} - set(FOREIGN)
    assert not missing, f"add these to FOREIGN: {missing}"
    assert len(ROUTES) >= 15


def _path(url, kwargs) -> str:
    path = str(url.pattern).lstrip("^").rstrip("$")
    for name, value in kwargs.items():
        path = re.sub(rf"\(\?P<{name}>[^)]*\)", str(value), path)
    assert "(?P<" not in path, path
    return "/api/v1/" + path


def _snapshot():
    return (
        IssueEvent.objects.count(),
        Issue.history.count(),
        IssueComment.objects.count(),
        IssueAttachment.objects.count(),
        Enterprise.history.count(),
        Contact.objects.count(),
        Contact.history.count(),
        LiaisonAssignment.objects.count(),
        Visit.history.count(),
        Notification.objects.filter(read_at__isnull=False).count(),
        ApiToken.objects.filter(revoked_at__isnull=False).count(),
        ApiToken.objects.count(),
    )


def _calls(url, method):
    name = url.name
    if name == "issue-act":
        for action in TRANSITION_ACTIONS:
            yield {"action_name": action}, {"text": "外人", "reason": "外人", "outcome": "solved"}
    else:
        yield {}, BODIES.get(name, {})


@pytest.mark.parametrize("person", PEOPLE)
def test_nobody_reaches_an_object_they_may_not_see(person, world, foreign, api_as):
    client = api_as(getattr(world, person))
    objects = foreign["near" if person == "far_dispatcher" else "far"]
    before = _snapshot()
    wrong = []
    for url, basename, method in ROUTES:
        for extra, body in _calls(url, method):
            path = _path(url, {**FOREIGN[basename](objects, person), **extra})
            answer = getattr(client, method)(path, body, format="json")
            if answer.status_code != 404 or answer.json()["error"]["code"] != "not_found":
                wrong.append(f"{method.upper()} {path}: {answer.status_code}")
    assert not wrong, "\n".join(wrong)
    assert _snapshot() == before


def test_the_same_paths_answer_their_owner(world, foreign, api_as):
    """The control: the person who may see the far objects reads every GET route of them."""
    client = api_as(world.far_dispatcher)
    for url, basename, method in ROUTES:
        if method != "get":
            continue
        path = _path(url, FOREIGN[basename](foreign["far"], "far_dispatcher"))
        assert client.get(path).status_code == 200, path
