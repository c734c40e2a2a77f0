"""The Celery app. Tasks are discovered in each app's tasks.py; the beat schedule lives here."""

import os

from celery import Celery
from celery.schedules import crontab

from ops.logging import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

app = Celery("crm", include=["crm.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
connect_celery_signals()  # request ids follow the work into tasks (ops/logging.py)

# The filesystem broker (the no-server default) needs its folders before anyone publishes.
_folders = app.conf.broker_transport_options or {}
for _key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
    if _folders.get(_key):
        os.makedirs(_folders[_key], exist_ok=True)

app.conf.beat_schedule = {
    "heartbeat": {"task": "crm.tasks.heartbeat_task", "schedule": 60.0},
    "notification-deliveries-retry": {
        "task": "notifications.tasks.deliveries_retry_pending_task",
        "schedule": 60.0,
    },
    "visit-reminders": {
        "task": "visits.tasks.visit_reminders_task",
        "schedule": crontab(hour=8, minute=0),
    },
    # Pushes of published policies whose task never reached the broker (idempotent).
    "policies-push-sweep": {
        "task": "policies.tasks.policy_push_sweep_task",
        "schedule": 600.0,
        "options": {"expires": 580},
    },
    # The supervision ladder (DESIGN §6); a run older than its period is dropped (the next does it).
    # The cockpit's derived facts (DESIGN §10): kept current, rebuilt nightly; bulletins daily.
    "cockpit-facts-refresh": {
        "task": "cockpit.tasks.cockpit_facts_refresh_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "cockpit-facts-rebuild": {
        "task": "cockpit.tasks.cockpit_facts_rebuild_task",
        "schedule": crontab(hour=2, minute=30),
    },
    "cockpit-bulletins": {
        "task": "cockpit.tasks.cockpit_bulletins_task",
        "schedule": crontab(hour=6, minute=30),
    },
    "issues-supervision-sweep": {
        "task": "issues.tasks.issues_supervision_sweep_task",
        "schedule": 300.0,
        "options": {"expires": 280},
    },
}
