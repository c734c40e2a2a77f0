"""The multi-process soak run's driver: `deploy/soak.sh` starts the processes and calls this.

    python deploy/soak.py setup              # demo people get phones and SMS for every kind
    python deploy/soak.py drive URL N        # the whole loop for N issues over HTTP, concurrently
    python deploy/soak.py verify REPORT      # states, events, deliveries, files; prints the verdict

`drive` plays several concurrent sessions of each role (liaisons register with a PDF, the
dispatcher dispatches, the handler acknowledges, attaches a file and resolves, the liaison
revisits 满意 and downloads every file). A request that fails (a killed web process, a proxy
error) is retried the way a person would: look at the issue first, and only redo the step if it
did not happen. Every request's latency and outcome is recorded for the report.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PASSWORD = "Qinqing@2026"  # the documented demo password  # noqa: S105
SESSIONS_PER_ROLE = 3
STEPS = ["register", "dispatch", "acknowledge", "attach", "resolve", "revisit", "download"]
EXPECTED_EVENTS = ["register", "dispatch", "acknowledge", "attach", "resolve", "revisit"]


# --- setup and verify run inside Django ----------------------------------------------------------


def _django():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()


def setup() -> None:
    _django()
    from accounts.models import User
    from issues.models import Category, RoutingRule
    from notifications.models import Kind, NotificationPreference

    people = ["liaison", "liaison2", "dispatcher", "handler", "unithead", "bbleader", "qiye"]
    for i, user in enumerate(User.objects.filter(username__in=people)):
        user.phone = f"1390000{i:04d}"
        user.save()
        for kind in Kind.values:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"sms": True}
            )
    routed = RoutingRule.objects.values_list("category_id", flat=True)
    category = Category.objects.filter(parent__isnull=False).exclude(pk__in=routed).first()
    from accounts.models import Unit
    from enterprises.models import LiaisonAssignment

    enterprises = {
        name: list(
            LiaisonAssignment.objects.filter(
                person__username=name, kind="liaison", ended_on__isnull=True
            ).values_list("enterprise_id", flat=True)[:20]
        )
        for name in ("liaison", "liaison2")
    }
    unit = Unit.objects.get(short_name="区人社局")
    print(json.dumps({"category": category.pk, "unit": unit.pk, "enterprises": enterprises}))


def verify(report_path: str) -> int:
    _django()
    from django.conf import settings
    from django.db.models import Count

    from issues.models import Issue, IssueEvent
    from notifications.models import Delivery

    report = json.loads(Path(report_path).read_text())
    ids = report["issues"]
    problems: list[str] = []

    states = dict(Issue.objects.filter(pk__in=ids).values_list("pk", "state"))
    not_closed = [i for i in ids if states.get(i) != "closed"]
    if not_closed:
        problems.append(f"{len(not_closed)} issues not closed: {not_closed[:10]}")

    kinds: dict[int, list[str]] = {i: [] for i in ids}
    for issue_id, kind in IssueEvent.objects.filter(issue_id__in=ids).values_list(
        "issue_id", "kind"
    ):
        kinds[issue_id].append(kind)
    wrong = {i: k for i, k in kinds.items() if sorted(k) != sorted(EXPECTED_EVENTS)}
    if wrong:
        problems.append(
            f"{len(wrong)} issues with unexpected events, e.g. {list(wrong.items())[:3]}"
        )

    by_status = dict(Delivery.objects.values_list("status").annotate(n=Count("id")))
    waiting = sum(by_status.get(s, 0) for s in ("pending", "sending", "failed", "gave_up"))
    if waiting:
        problems.append(f"deliveries not sent: {by_status}")
    sent = list(
        Delivery.objects.filter(status="sent", channel="sms").values_list("address", "body")
    )
    sink = Path(settings.QINQING_SMS_FILE)
    text = sink.read_text() if sink.exists() else ""
    lines = [json.loads(x) for x in text.splitlines() if x]
    sent_keys: dict[tuple, int] = {}
    for key in sent:
        sent_keys[key] = sent_keys.get(key, 0) + 1
    sink_keys: dict[tuple, int] = {}
    for line in lines:
        key = (line["phone"], line["text"])
        sink_keys[key] = sink_keys.get(key, 0) + 1
    missing = sum(max(n - sink_keys.get(k, 0), 0) for k, n in sent_keys.items())
    duplicates = sum(max(n - sent_keys.get(k, 0), 0) for k, n in sink_keys.items())
    if missing:
        problems.append(f"{missing} sent deliveries never reached the SMS sink")
    if not sent:
        problems.append("no SMS delivery at all: the loop notified nobody")

    verdict = {
        "issues": len(ids),
        "closed": len(ids) - len(not_closed),
        "events": sum(len(k) for k in kinds.values()),
        "deliveries": by_status,
        "sms_sent": len(sent),
        "sms_in_sink": len(lines),
        "sms_duplicates": duplicates,
        "requests": report["requests"],
        "errors": report["errors"],
        "error_rate": report["error_rate"],
        "retried_steps": report["retried_steps"],
        "p50_ms": report["p50_ms"],
        "p99_ms": report["p99_ms"],
        "files_checked": report["files_checked"],
        "files_bad": report["files_bad"],
        "problems": problems + report["problems"],
    }
    print(json.dumps(verdict, ensure_ascii=False, indent=2))
    return 1 if verdict["problems"] else 0


# --- drive: plain HTTP, as browsers would ------------------------------------------------------


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors = 0
        self.retried = 0
        self.problems: list[str] = []


class Person:
    """One logged-in browser session of a demo user."""

    def __init__(self, base: str, username: str, rec: Recorder):
        import requests

        self.base, self.username, self.rec = base, username, rec
        self.http = requests.Session()
        self._login()

    def _csrf(self, path: str) -> str:
        html = self.get(path).text
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def _login(self) -> None:
        for _ in range(10):
            try:
                token = self._csrf("/accounts/login/")
                r = self.post(
                    "/accounts/login/",
                    {"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD},
                )
                if r.status_code == 200 and "logout" in r.text:
                    return
            except Exception:  # noqa: S110  (a killed web process; try again)
                pass
            time.sleep(1)
        raise RuntimeError(f"{self.username} cannot log in")

    def _timed(self, method: str, path: str, **kw):
        start = time.perf_counter()
        try:
            r = self.http.request(method, self.base + path, timeout=30, **kw)
        except Exception:
            with self.rec.lock:
                self.rec.errors += 1
                self.rec.latencies.append((time.perf_counter() - start) * 1000)
            raise
        with self.rec.lock:
            self.rec.latencies.append((time.perf_counter() - start) * 1000)
            if r.status_code >= 500:
                self.rec.errors += 1
        return r

    def get(self, path: str, **kw):
        return self._timed("GET", path, **kw)

    def post(self, path: str, data: dict, files=None):
        headers = {"Referer": self.base + path}
        return self._timed("POST", path, data=data, files=files, headers=headers)

    def token(self) -> str:
        return self.http.cookies.get("csrftoken") or self._csrf("/accounts/login/")

    def state(self, issue_id: int) -> str:
        html = self.get(f"/issues/{issue_id}/").text
        match = re.search(r'data-state="([a-z_]+)"', html)
        return match.group(1) if match else ""


def _step(rec: Recorder, attempt, done) -> None:
    """Run `attempt` until `done()` says the step has happened (a person retrying)."""
    for n in range(8):
        with contextlib.suppress(Exception):  # counted by the recorder
            attempt()
        try:
            if done():
                if n:
                    with rec.lock:
                        rec.retried += 1
                return
        except Exception:  # noqa: S110
            pass
        time.sleep(0.5 + n)
    raise RuntimeError("step did not happen after 8 tries")


def _one_issue(n: int, people: dict, plan: dict, rec: Recorder, files: dict) -> int:
    liaison_name = "liaison" if n % 2 == 0 else "liaison2"
    liaison = people[liaison_name][n % SESSIONS_PER_ROLE]
    dispatcher = people["dispatcher"][n % SESSIONS_PER_ROLE]
    handler = people["handler"][n % SESSIONS_PER_ROLE]
    enterprise = plan["enterprises"][liaison_name][n % len(plan["enterprises"][liaison_name])]
    title = f"压测诉求-{os.getpid()}-{n:04d}"
    pdf = b"%PDF-1.7\n% soak " + str(n).encode() + b"\n%%EOF\n"
    created: list[int] = []

    def register():
        r = liaison.post(
            "/issues/new/",
            {
                "csrfmiddlewaretoken": liaison.token(),
                "enterprise": enterprise,
                "category": plan["category"],
                "title": title,
                "description": f"压测：第 {n} 件诉求，描述企业的实际困难。",
                "priority": "normal",
                "source": "visit",
            },
            files={"attachments": (f"材料{n}.pdf", pdf, "application/pdf")},
        )
        match = re.search(r"/issues/(\d+)/$", r.url)
        if match:
            created.append(int(match.group(1)))

    def registered():
        if created:
            return True
        html = liaison.get("/issues/list/", params={"q": title}).text
        found = re.findall(r'href="/issues/(\d+)/"', html)
        if found:
            created.append(int(found[0]))
        return bool(created)

    _step(rec, register, registered)
    issue = created[0]
    files[(issue, "register")] = hashlib.sha256(pdf).hexdigest()

    def act(person, action, data=None, upload=None):
        payload = {"csrfmiddlewaretoken": person.token(), **(data or {})}
        person.post(f"/issues/{issue}/actions/{action}/", payload, files=upload)

    def reached(*states):
        return lambda: people["dispatcher"][0].state(issue) in states

    _step(
        rec,
        lambda: act(dispatcher, "dispatch", {"dispatch-lead_unit": plan["unit"]}),
        reached("dispatched", "in_progress", "resolved", "closed"),
    )
    _step(rec, lambda: act(handler, "acknowledge"), reached("in_progress", "resolved", "closed"))
    attachment = b"%PDF-1.7\n% reply " + str(n).encode() + b"\n%%EOF\n"
    attached: list[bool] = []

    def attach():
        act(
            handler,
            "attach",
            {"attach-is_public": "on"},
            {"attach-file": (f"答复{n}.pdf", attachment, "application/pdf")},
        )
        attached.append(True)

    def has_two_files():
        html = handler.get(f"/issues/{issue}/").text
        return len(set(re.findall(rf"/issues/{issue}/attachments/(\d+)/", html))) >= 2

    _step(rec, attach, has_two_files)
    files[(issue, "attach")] = hashlib.sha256(attachment).hexdigest()
    _step(
        rec,
        lambda: act(
            handler, "resolve", {"resolve-outcome": "solved", "resolve-reply": "已协调解决。"}
        ),
        reached("resolved", "closed"),
    )
    _step(
        rec,
        lambda: act(liaison, "revisit", {"revisit-satisfaction": "satisfied"}),
        reached("closed"),
    )
    return issue


def _check_files(base: str, people: dict, issues: list[int], files: dict, rec: Recorder):
    """Every uploaded file downloads with the bytes that were sent."""
    reader = people["dispatcher"][0]
    wanted = {}
    for (issue, _step_name), digest in files.items():
        wanted.setdefault(issue, set()).add(digest)
    bad = 0
    for issue in issues:
        html = reader.get(f"/issues/{issue}/").text
        got = set()
        for att in sorted(set(re.findall(rf"/issues/{issue}/attachments/(\d+)/", html))):
            r = reader.get(f"/issues/{issue}/attachments/{att}/")
            if r.status_code == 200:
                got.add(hashlib.sha256(r.content).hexdigest())
        if got != wanted.get(issue, set()):
            bad += 1
    return sum(len(v) for v in wanted.values()), bad


def drive(base: str, count: int, report_path: str) -> int:
    rec = Recorder()
    plan = json.loads(os.environ["SOAK_PLAN"])
    names = ["liaison", "liaison2", "dispatcher", "handler"]
    people = {n: [Person(base, n, rec) for _ in range(SESSIONS_PER_ROLE)] for n in names}
    files: dict = {}
    issues: list[int] = []
    started = time.time()
    with ThreadPoolExecutor(max_workers=int(os.environ.get("SOAK_CONCURRENCY", "8"))) as pool:
        futures = [pool.submit(_one_issue, n, people, plan, rec, files) for n in range(count)]
        for f in futures:
            try:
                issues.append(f.result())
            except Exception as exc:
                rec.problems.append(f"an issue's loop failed: {exc}")
    took = time.time() - started
    checked, bad = _check_files(base, people, issues, files, rec)
    lat = sorted(rec.latencies)
    report = {
        "issues": issues,
        "seconds": round(took, 1),
        "requests": len(lat),
        "errors": rec.errors,
        "error_rate": round(rec.errors / max(len(lat), 1), 4),
        "retried_steps": rec.retried,
        "p50_ms": round(lat[len(lat) // 2], 1) if lat else None,
        "p99_ms": round(lat[int(len(lat) * 0.99) - 1], 1) if lat else None,
        "files_checked": checked,
        "files_bad": bad,
        "problems": rec.problems + ([f"{bad} issues whose files did not download"] if bad else []),
    }
    Path(report_path).write_text(json.dumps(report))
    print(json.dumps({k: v for k, v in report.items() if k != "issues"}))
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "setup":
        setup()
    elif command == "drive":
        sys.exit(drive(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
    elif command == "verify":
        sys.exit(verify(sys.argv[2]))
    else:
        sys.exit(__doc__)
