"""Issues through the API behave as on the issue page: the same actions offered, the same
engine, the same refusals — and crafted calls change nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from issues.models import Issue, IssueAttachment, IssueComment, IssueEvent
from issues.selectors import issue_available_actions
from tests.api.conftest import PDF


def _counts(issue):
    return (
        IssueEvent.objects.filter(issue=issue).count(),
        Issue.history.filter(id=issue.pk).count(),
        IssueComment.objects.filter(issue=issue).count(),
    )


@pytest.mark.parametrize(
    "state, person",
    [
        ("new", "dispatcher"),
        ("dispatched", "handler"),
        ("in_progress", "handler"),
        ("in_progress", "unit_head"),
        ("resolved", "liaison"),
        ("resolved", "handler"),
        ("in_progress", "enterprise_user"),
        ("closed", "enterprise_user"),
    ],
)
def test_the_actions_listed_are_those_the_page_offers(state, person, world, make_issue, api_as):
    issue = make_issue(state)
    user = getattr(world, person)

    listed = api_as(user).get(f"/api/v1/issues/{issue.pk}/actions/").json()

    assert [a["name"] for a in listed] == [
        a.name for a in issue_available_actions(user=user, issue=issue)
    ]


def test_an_offered_action_goes_through_the_engine(world, make_issue, api_as):
    issue = make_issue("dispatched")
    events, history, _ = _counts(issue)

    answer = api_as(world.handler).post(f"/api/v1/issues/{issue.pk}/actions/acknowledge/")

    assert answer.status_code == 200
    assert answer.json()["state"] == "in_progress"
    assert answer.json()["timeline"][-1]["kind"] == "acknowledge"
    issue.refresh_from_db()
    assert issue.state == "in_progress"
    assert _counts(issue)[:2] == (events + 1, history + 1)
    assert Issue.history.filter(id=issue.pk).latest("history_date").history_user == world.handler


def test_an_action_not_offered_now_is_a_409_with_the_engines_reason(world, make_issue, api_as):
    issue = make_issue("in_progress")
    before = _counts(issue)

    answer = api_as(world.handler).post(f"/api/v1/issues/{issue.pk}/actions/acknowledge/")

    assert answer.status_code == 409
    assert answer.json()["error"] == {
        "code": "action_not_allowed",
        "message": "诉求当前为「办理中」，不能签收。",
    }
    assert _counts(issue) == before


def test_a_right_the_caller_lacks_is_a_409_and_changes_nothing(world, make_issue, api_as):
    issue = make_issue("in_progress")
    before = _counts(issue)

    answer = api_as(world.liaison).post(
        f"/api/v1/issues/{issue.pk}/actions/resolve/",
        {"outcome": "solved", "reply": "我替单位办结了。"},
        format="json",
    )

    assert answer.status_code == 409
    assert "无权" in answer.json()["error"]["message"]
    assert _counts(issue) == before
    issue.refresh_from_db()
    assert issue.state == "in_progress"


def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(world, make_issue, api_as):
    issue = make_issue("in_progress")
    before = _counts(issue)

    answer = api_as(world.handler).post(
        f"/api/v1/issues/{issue.pk}/actions/resolve/",
        {"outcome": "explained", "reply": "无法办理。"},
        format="json",
    )

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {"outcome_reason": ["「已释因」须写明无法办理的原因。"]}
    assert _counts(issue) == before


def test_an_unknown_action_is_a_404(world, make_issue, api_as):
    issue = make_issue("new")

    answer = api_as(world.dispatcher).post(f"/api/v1/issues/{issue.pk}/actions/register/")

    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "unknown_action"


def test_the_enterprise_side_sees_the_public_timeline_only(world, make_issue, api_as):
    issue = make_issue("in_progress")
    api_as(world.handler).post(
        f"/api/v1/issues/{issue.pk}/comments/", {"text": "内部：需协调住建局。"}, format="json"
    )

    staff = api_as(world.dispatcher).get(f"/api/v1/issues/{issue.pk}/").json()
    enterprise = api_as(world.enterprise_user).get(f"/api/v1/issues/{issue.pk}/").json()

    public = list(
        IssueEvent.objects.filter(issue=issue, is_public=True).values_list("pk", flat=True)
    )
    assert [e["id"] for e in enterprise["timeline"]] == public
    assert len(staff["timeline"]) == IssueEvent.objects.filter(issue=issue).count() > len(public)
    comments = api_as(world.enterprise_user).get(f"/api/v1/issues/{issue.pk}/comments/").json()
    assert comments == []


def test_staff_comments_are_internal_unless_made_public(world, make_issue, api_as):
    issue = make_issue("in_progress")
    client = api_as(world.handler)

    internal = client.post(f"/api/v1/issues/{issue.pk}/comments/", {"text": "内部"}, format="json")
    public = client.post(
        f"/api/v1/issues/{issue.pk}/comments/",
        {"text": "已联系企业", "visibility": "public"},
        format="json",
    )

    assert internal.status_code == public.status_code == 201
    assert (internal.json()["visibility"], public.json()["visibility"]) == ("internal", "public")
    seen = api_as(world.enterprise_user).get(f"/api/v1/issues/{issue.pk}/comments/").json()
    assert [c["text"] for c in seen] == ["已联系企业"]


def test_an_enterprise_users_comment_is_always_public(world, make_issue, api_as):
    issue = make_issue("in_progress")

    answer = api_as(world.enterprise_user).post(
        f"/api/v1/issues/{issue.pk}/comments/",
        {"text": "请尽快处理", "visibility": "internal"},
        format="json",
    )

    assert answer.status_code == 201
    assert answer.json()["visibility"] == "public"


def test_an_attachment_uploads_through_the_safe_code_and_downloads_as_a_file(
    world, make_issue, api_as
):
    issue = make_issue("in_progress")
    client = api_as(world.handler)

    answer = client.post(
        f"/api/v1/issues/{issue.pk}/attachments/",
        {"file": SimpleUploadedFile("批复.pdf", PDF, content_type="text/html"), "is_public": True},
        format="multipart",
    )

    assert answer.status_code == 201, answer.content
    assert answer.json()["content_type"] == "application/pdf"
    download = api_as(world.enterprise_user).get(answer.json()["download"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert b"".join(download.streaming_content) == PDF


def test_markup_disguised_as_a_pdf_is_refused_and_nothing_is_stored(world, make_issue, api_as):
    issue = make_issue("in_progress")
    page = SimpleUploadedFile("报告.pdf", b"<html><script>alert(1)</script></html>")

    answer = api_as(world.handler).post(
        f"/api/v1/issues/{issue.pk}/attachments/", {"file": page}, format="multipart"
    )

    assert answer.status_code == 400
    assert "内容与扩展名不符" in answer.json()["error"]["fields"]["file"][0]
    assert not IssueAttachment.objects.filter(issue=issue).exists()


def test_an_internal_attachment_is_not_downloadable_by_the_enterprise(world, make_issue, api_as):
    issue = make_issue("in_progress")
    created = api_as(world.handler).post(
        f"/api/v1/issues/{issue.pk}/attachments/",
        {"file": SimpleUploadedFile("内部.pdf", PDF)},
        format="multipart",
    )

    assert created.json()["is_public"] is False
    assert api_as(world.enterprise_user).get(created.json()["download"]).status_code == 404
    listed = api_as(world.enterprise_user).get(f"/api/v1/issues/{issue.pk}/attachments/").json()
    assert listed == []


def test_a_liaison_registers_an_issue_and_the_api_is_its_channel(world, cats, api_as):
    answer = api_as(world.liaison).post(
        "/api/v1/issues/",
        {
            "enterprise": world.ent_a.pk,
            "category": cats.plain.pk,
            "title": "用电增容",
            "description": "新产线需要增容 500 kVA。",
            "priority": "normal",
            "source": "phone",
        },
        format="json",
    )

    assert answer.status_code == 201, answer.content
    issue = Issue.objects.get(pk=answer.json()["id"])
    assert (issue.registered_by, issue.registered_via, issue.state) == (world.liaison, "api", "new")
    assert answer.json()["timeline"][0]["kind"] == "register"


def test_registering_for_an_enterprise_one_does_not_serve_is_refused(world, cats, api_as):
    answer = api_as(world.liaison).post(
        "/api/v1/issues/",
        {
            "enterprise": world.ent_far.pk,
            "category": cats.plain.pk,
            "title": "x",
            "description": "y",
            "priority": "normal",
            "source": "phone",
        },
        format="json",
    )

    assert answer.status_code == 400
    assert "enterprise" in answer.json()["error"]["fields"]
    assert not Issue.objects.exists()


def test_the_list_uses_the_pages_filters(world, make_issue, api_as):
    open_one = make_issue("in_progress", title="办理中的")
    make_issue("closed", title="已销号的")

    client = api_as(world.dispatcher)
    found = client.get("/api/v1/issues/", {"state": "in_progress"}).json()["results"]
    searched = client.get("/api/v1/issues/", {"q": "销号"}).json()["results"]

    assert [i["id"] for i in found] == [open_one.pk]
    assert [i["title"] for i in searched] == ["已销号的"]
    bad = client.get("/api/v1/issues/", {"registered_from": "昨天"})
    assert bad.status_code == 400
    assert "registered_from" in bad.json()["error"]["fields"]


def test_the_list_pages_by_cursor(world, make_issue, api_as):
    issues = [make_issue("new", title=f"第{i}件") for i in range(5)]
    client = api_as(world.dispatcher)

    first = client.get("/api/v1/issues/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert [i["id"] for i in first["results"]] == [issues[4].pk, issues[3].pk]
    assert [i["id"] for i in second["results"]] == [issues[2].pk, issues[1].pk]
