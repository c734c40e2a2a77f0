"""The deployment files agree with the code they configure."""

import re
from pathlib import Path

from django.conf import settings

from crm.lib.files import MAX_UPLOAD_BYTES

DEPLOY = Path(settings.BASE_DIR) / "deploy"
SETTINGS_PY = Path(settings.BASE_DIR) / "crm" / "settings.py"


def test_every_setting_read_from_the_environment_is_in_env_example():
    read = set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", SETTINGS_PY.read_text()))
    listed = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (DEPLOY / ".env.example").read_text(), re.M)
    )
    assert read, "no environment variables found in settings.py"
    assert read - listed == set(), "add these to deploy/.env.example"


def test_nginx_accepts_the_largest_upload_the_app_accepts():
    conf = (DEPLOY / "nginx" / "qinqing.conf").read_text()
    (size,) = re.findall(r"client_max_body_size\s+(\d+)m;", conf)
    assert int(size) * 1024 * 1024 > MAX_UPLOAD_BYTES
    assert int(size) * 1024 * 1024 >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_the_gunicorn_config_loads_with_a_worker_count():
    namespace: dict = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    assert namespace["workers"] >= 1 and namespace["timeout"] >= 30
    assert '"request_id"' in namespace["access_log_format"]


def test_there_is_one_beat_unit_and_a_templated_worker_unit():
    units = sorted(p.name for p in (DEPLOY / "systemd").glob("*.service"))
    assert units == ["qinqing-beat.service", "qinqing-web.service", "qinqing-worker@.service"]
