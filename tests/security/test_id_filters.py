"""Id filters take only ids: a crafted number is ignored, never a 500 (the fuzz found
`/visits/?enterprise=-99999999999999999999` raising OverflowError on SQLite)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOSTILE = ["-99999999999999999999", "9" * 30, "1e308", "0", "-1", "1.5"]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("visits:list", "enterprise"),
        ("issues:list", "enterprise"),
        ("issues:list", "liaison"),
        ("issues:list", "industry"),
        ("issues:list", "supervision_level"),
    ],
)
def test_a_crafted_number_in_an_id_filter_is_ignored(client, world, url, param, value):
    client.force_login(world.dispatcher)
    response = client.get(reverse(url), {param: value})
    assert response.status_code == 200
