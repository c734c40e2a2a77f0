"""The token page: a person issues a token (the key is shown on that answer only), sees their
own tokens and revokes them; nobody touches anyone else's."""

from api.models import ApiToken
from api.tokens import digest, token_issue


def test_a_person_issues_a_token_on_the_page_and_sees_the_key_once(world, client):
    client.force_login(world.liaison)

    answer = client.post("/api/tokens/", {"name": "手机 App"})

    assert answer.status_code == 200
    key = answer.context["new_key"]
    assert key.startswith("qq_") and key in answer.content.decode()
    assert ApiToken.objects.get(user=world.liaison).key_hash == digest(key)
    assert key not in client.get("/api/tokens/").content.decode()
    assert answer["Cache-Control"].startswith("max-age=0")


def test_an_empty_purpose_is_refused_in_chinese(world, client):
    client.force_login(world.liaison)

    answer = client.post("/api/tokens/", {"name": ""})

    assert answer.status_code == 400
    assert "该字段是必填项" in answer.content.decode()
    assert not ApiToken.objects.exists()


def test_a_person_revokes_their_token_and_nobody_else_can(world, client):
    token = token_issue(actor=world.liaison, user=world.liaison, name="旧手机").token
    client.force_login(world.outsider)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None

    client.force_login(world.liaison)
    answer = client.post(f"/api/tokens/{token.pk}/revoke/")

    assert answer.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "已吊销" in client.get("/api/tokens/").content.decode()


def test_the_page_needs_a_login(client, db):
    assert client.get("/api/tokens/").status_code == 302
