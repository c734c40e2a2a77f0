"""The leader's block on the home page (workbench.blocks.HOME_BLOCKS): this month's headline
figures of the cockpit, each a link to the issues it counts, and a link to the cockpit."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from cockpit import metrics
from cockpit.periods import preset_period
from cockpit.selectors import Filters, jurisdiction
from workbench.selectors import BlockData, Figure, Viewer


def leader_block(viewer: Viewer) -> BlockData:
    """受理量, 办结率, 按时办结率 and 满意率 of this month over the leader's jurisdiction, from
    the cockpit's own facts. One query."""
    filters = Filters(paths=jurisdiction(viewer.user), period=preset_period("month", viewer.today))
    f = metrics.figures(filters.facts(), start=filters.period.start, end=filters.period.end)
    base = filters.params()

    def drill(metric: str) -> str:
        return f"{reverse('cockpit:issues')}?{urlencode({**base, 'metric': metric})}"

    def rate(key: str) -> Figure:
        r = metrics.RATE_BY_KEY[key]
        value = f.rates[key]
        return Figure(
            key,
            str(r.label),
            "—" if value is None else f"{value:g}%",
            drill(r.num_key),
            hint=f"{f[r.num_key]} / {f[r.den_key]}",
        )

    figures = [
        Figure("accepted", _("本月受理量"), f["accepted"], drill("accepted")),
        rate("done_rate"),
        rate("on_time_rate"),
        rate("satisfaction_rate"),
    ]
    return BlockData(figures, [], reverse("cockpit:index"))
