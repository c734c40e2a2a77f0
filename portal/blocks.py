"""The enterprise block of the staff home (workbench.blocks.HOME_BLOCKS) for a person who is
both staff and an enterprise user: their enterprises' requests in the portal's plain words,
each leading to its portal page."""

from __future__ import annotations

from dataclasses import replace

from django.urls import reverse


def enterprise_block(viewer):
    from portal.pages import decorate
    from workbench.selectors import enterprise_block as counts_and_rows

    data = counts_and_rows(viewer)
    for issue in data.rows:
        decorate(issue)
    return replace(data, more_url=reverse("portal:home"))
