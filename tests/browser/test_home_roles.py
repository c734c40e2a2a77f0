"""Every role lands on its work: each demo person's home at desktop and phone size (issue 16).

Screenshots: test-artifacts/screenshots/home-<username>-desktop.png / -phone.png.
"""

from django.urls import reverse

from tests.browser.conftest import login, shot

# username -> the blocks their home shows (workbench.blocks.HOME_BLOCKS keys)
EXPECTED = {
    "handler": {"handler"},
    "unithead": {"unit_head"},
    "dispatcher": {"dispatcher"},
    "liaison": {"liaison"},
    "bbleader": {"responsible_leader"},
    "leader": {"leader"},
    "admin": {"admin"},
    "deputy": {"liaison", "dispatcher"},
}
# An enterprise user lands on the portal's home (the portal app's page).
PORTAL_USER = "qiye"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def test_each_demo_person_lands_on_their_blocks_at_desktop_and_phone_size(page_factory):
    for size, (width, height) in SIZES.items():
        for username, blocks in EXPECTED.items():
            page = page_factory(width=width, height=height)
            login(page, username)
            page.goto(reverse("home"))
            page.wait_for_load_state("networkidle")
            shown = page.locator("[data-testid^=block-]")
            keys = {
                shown.nth(i).get_attribute("data-testid").removeprefix("block-")
                for i in range(shown.count())
            }
            assert keys == blocks, (username, keys)
            width_now = page.evaluate("() => document.documentElement.scrollWidth")
            assert width_now <= width, (username, size, width_now)
            shot(page, f"home-{username}-{size}")
            page.context.close()
        page = page_factory(width=width, height=height)
        login(page, PORTAL_USER)
        page.goto(reverse("home"))
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(reverse("portal:home")), page.url
        shot(page, f"home-{PORTAL_USER}-{size}")
        page.context.close()
