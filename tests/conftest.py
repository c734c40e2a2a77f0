"""The fixed world every test stands on (DESIGN §2).

    江城市 (city)
    └── 江南区 (district)          ← dispatcher, leader, admin act here
        ├── 城关街道 (street)       ← enterprise `ent_a`, unit `street_unit`
        └── 高新园 (park)           ← enterprise `ent_b`, `deputy` dispatches here only
    江北区 (another district)       ← enterprise `ent_far`, `far_dispatcher`

People: one per role, a `deputy` with two roles (liaison of ent_b + dispatcher of the park),
an enterprise user bound to ent_a, and an `outsider` with no role at all.
"""

from contextlib import contextmanager
from types import SimpleNamespace

import pytest

from accounts.models import Region, Role
from tests.factories import (
    AssignmentFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    UnitFactory,
    UserFactory,
    grant,
    make_region,
)


@pytest.fixture(autouse=True)
def _primary_language():
    """Each test starts in the primary language: a request with another Accept-Language leaves
    that language active in the thread (the locale middleware does not switch it back)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db):
    return build_world()


def build_world() -> SimpleNamespace:
    """The world's rows (for fixtures of a wider scope that build it themselves)."""
    city = make_region("江城市", "420100", Region.Kind.CITY)
    district = make_region("江南区", "420102", Region.Kind.DISTRICT, city)
    street = make_region("城关街道", "420102001", Region.Kind.STREET, district)
    park = make_region("高新园", "420102501", Region.Kind.PARK, district)
    far = make_region("江北区", "420103", Region.Kind.DISTRICT, city)

    line_unit = UnitFactory(name="区人社局", region=district)
    street_unit = UnitFactory(name="城关街道办事处", kind="territorial", region=street)
    far_unit = UnitFactory(name="江北区人社局", region=far)

    w = SimpleNamespace(
        city=city,
        district=district,
        street=street,
        park=park,
        far=far,
        line_unit=line_unit,
        street_unit=street_unit,
        far_unit=far_unit,
    )
    w.admin = UserFactory(username="admin1", display_name="管理员")
    grant(w.admin, Role.ADMIN, region=district)
    w.dispatcher = UserFactory(username="dispatcher1", display_name="派单员")
    grant(w.dispatcher, Role.DISPATCHER, region=district)
    w.far_dispatcher = UserFactory(username="fardispatcher", display_name="江北派单员")
    grant(w.far_dispatcher, Role.DISPATCHER, region=far)
    w.leader = UserFactory(username="leader1", display_name="领导")
    grant(w.leader, Role.LEADER, region=district)
    w.liaison = UserFactory(username="liaison1", display_name="联络员")
    grant(w.liaison, Role.LIAISON, region=district)
    w.resp_leader = UserFactory(username="bbleader1", display_name="包保领导")
    grant(w.resp_leader, Role.RESPONSIBLE_LEADER, region=district)
    w.handler = UserFactory(username="handler1", display_name="承办人")
    grant(w.handler, Role.HANDLER, unit=line_unit)
    w.unit_head = UserFactory(username="unithead1", display_name="单位负责人")
    grant(w.unit_head, Role.UNIT_HEAD, unit=line_unit)
    w.street_handler = UserFactory(username="streethandler", display_name="街道承办人")
    grant(w.street_handler, Role.HANDLER, unit=street_unit)
    w.deputy = UserFactory(username="deputy1", display_name="两职人员")
    grant(w.deputy, Role.LIAISON, region=district)
    grant(w.deputy, Role.DISPATCHER, region=park)
    w.outsider = UserFactory(username="outsider", display_name="无关人员")
    w.enterprise_user = UserFactory(username="entuser", display_name="企业用户")

    w.ent_a = EnterpriseFactory(name="城关机械有限公司", region=street)
    w.ent_b = EnterpriseFactory(name="高新芯片有限公司", region=park)
    w.ent_far = EnterpriseFactory(name="江北纺织有限公司", region=far)
    AssignmentFactory(enterprise=w.ent_a, person=w.liaison, kind="liaison")
    AssignmentFactory(enterprise=w.ent_a, person=w.resp_leader, kind="leader")
    AssignmentFactory(enterprise=w.ent_b, person=w.deputy, kind="liaison")
    EnterpriseMembershipFactory(user=w.enterprise_user, enterprise=w.ent_a)
    return w


@pytest.fixture(autouse=True)
def _timeline_flushable(request):
    """The issue timeline refuses DELETE in the database (issues migration 0006). After a test
    that commits (transaction=True), the test database is emptied: PostgreSQL truncates (row
    triggers do not fire); on SQLite, which deletes row by row, the trigger is lifted for the
    flush and put back."""
    marker = request.node.get_closest_marker("django_db")
    commits = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if not commits:
        yield
        return
    request.getfixturevalue("transactional_db")  # so this teardown runs before the flush
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with timeline_writable(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {IssueEventTable()}")  # noqa: S608 - a constant name


def IssueEventTable() -> str:
    from issues.models import IssueEvent

    return IssueEvent._meta.db_table


@contextmanager
def timeline_writable():
    """Lift the append-only triggers of the issue timeline (issues migration 0006) for the
    block — only for test setup that must fake old data, and for emptying the test database —
    and put them back after."""
    from importlib import import_module

    from django.db import connection

    guard = import_module("issues.migrations.0006_issueevent_append_only")
    down = {"postgresql": guard.POSTGRESQL_DOWN, "sqlite": guard.SQLITE_DOWN}
    up = {"postgresql": guard.POSTGRESQL_UP, "sqlite": guard.SQLITE_UP}
    with connection.cursor() as cursor:
        for sql in down.get(connection.vendor, []):
            cursor.execute(sql, None)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in up.get(connection.vendor, []):
                cursor.execute(sql, None)


@pytest.fixture
def real_worker():
    """A real Celery worker (solo pool, in a thread) on the configured broker — Redis in CI.

    The queue is purged first: every test that commits (transaction=True, the browser tests'
    live server) publishes its deliveries to that same broker, and nothing consumes them, so a
    new worker would otherwise spend the test's time on that backlog. Results go to an
    in-memory backend, and the app's cached backend is dropped before and after, so the one
    configured here is used and does not outlive the test."""
    from celery.contrib.testing.worker import start_worker

    from crm.celery import app

    saved = app.conf.task_always_eager, app.conf.result_backend
    app.conf.task_always_eager = False
    app.conf.result_backend = "cache+memory://"
    _drop_cached_backend(app)
    app.control.purge()
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            yield app
    finally:
        app.conf.task_always_eager, app.conf.result_backend = saved
        _drop_cached_backend(app)


def _drop_cached_backend(app):
    app._backend_cache = None
    vars(app._local).pop("backend", None)
