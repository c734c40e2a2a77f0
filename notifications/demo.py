"""The demo inbox: only what the product's own code sends.

No notification is written here. The demo issues were driven through the real workflow by
`issues.demo` (whatever the workflow notifies is already in the inboxes); this runs, once, the
two beat jobs that notify on their own — the supervision sweep (预警 / 催办 / 督办 / 提级 on the
demo issues' clocks) and the visit reminders (tomorrow's visits, overdue coverage) — exactly as
the beat would. Both are idempotent, so running the seed again adds nothing already sent.
"""

from __future__ import annotations

from notifications.models import Notification

# The marker of the invented notifications earlier versions of this seed wrote directly.
_INVENTED_SOURCE = "demo"


def seed(log=print) -> None:
    from issues.supervision import supervision_sweep
    from visits.reminders import visit_reminders_send

    invented, _ = Notification.objects.filter(source_type=_INVENTED_SOURCE).delete()
    if invented:
        log(f"notifications: removed {invented} invented demo rows of an earlier seed")
    swept = supervision_sweep()
    reminders = visit_reminders_send()
    log(
        f"notifications: supervision sweep took {swept.taken} steps, visit reminders {reminders}; "
        f"{Notification.objects.count()} notifications in the inboxes"
    )
