"""The whole transition table, walked: every (state, action, role) of the `world`.

The expectations below are written by hand from DESIGN §5 — not derived from
issues.workflow — so a wrong edge in the table makes this test fail. Allowed edges must work and
write exactly one event and one history row; forbidden ones must raise and change nothing.
"""

import pytest
from django.db import transaction

from issues.models import Issue, IssueEvent
from issues.services import WorkflowError, issue_transition
from issues.workflow import ACTIONS, OPEN_STATES, TRANSITION_ACTIONS, State
from tests.issues.conftest import pdf_upload
from tests.people import WORLD_PEOPLE

pytestmark = pytest.mark.django_db

ROLES = WORLD_PEOPLE
LEAD = {"handler", "unit_head"}
BEFORE_RESOLUTION = {"new", "dispatched", "returned", "in_progress", "waiting_enterprise"}
WORKING = {"in_progress", "waiting_enterprise"}
ALL = {s.value for s in State}


def participants(state: str) -> set[str]:
    """Who takes part in an issue of ent_a: region staff, its liaison and leader, its
    enterprise user and — once dispatched — the lead and supporting units."""
    people = {"admin", "dispatcher", "leader", "liaison", "resp_leader", "enterprise_user"}
    if state not in {"new", "withdrawn"}:
        people |= LEAD | {"street_handler"}
    return people


# action -> (from-states, roles allowed (a set or a function of the state), expected to-state)
EXPECTED = {
    "dispatch": ({"new"}, {"dispatcher"}, "dispatched"),
    "acknowledge": ({"dispatched"}, LEAD, "in_progress"),
    "return": ({"dispatched"}, LEAD, "returned"),
    "rule_return": ({"returned"}, {"dispatcher"}, "dispatched"),
    "ask_enterprise": ({"in_progress"}, LEAD, "waiting_enterprise"),
    "answer": ({"waiting_enterprise"}, {"enterprise_user", "liaison"}, "in_progress"),
    "comment": (ALL - {"merged"}, participants, None),
    "attach": (ALL - {"merged"}, participants, None),
    "progress_reply": (WORKING, LEAD, None),
    "request_extension": (WORKING, LEAD, None),
    "decide_extension": (WORKING, {"dispatcher"}, None),
    "resolve": ({"in_progress"}, LEAD, "resolved"),
    "review": ({"review"}, {"dispatcher"}, "resolved"),
    "revisit": ({"resolved"}, {"enterprise_user", "liaison", "dispatcher"}, "closed"),
    "reopen": ({"closed"}, {"enterprise_user"}, "in_progress"),
    "withdraw": (BEFORE_RESOLUTION, {"enterprise_user", "liaison"}, "withdrawn"),
    "merge": (BEFORE_RESOLUTION, {"dispatcher"}, "merged"),
    "assign_handler": ({"dispatched", "in_progress", "waiting_enterprise"}, {"unit_head"}, None),
}


def valid_input(action: str, world, into=None) -> dict:
    return {
        "dispatch": {"lead_unit": world.line_unit, "supporting_units": [world.street_unit]},
        "acknowledge": {},
        "return": {"reason": "该事项属于市级权限。"},
        "rule_return": {"ruling": "reject", "reason": "属于本单位职责，请办理。"},
        "ask_enterprise": {"question": "请补充用工需求明细。"},
        "answer": {"text": "已上传明细表。"},
        "comment": {"text": "请尽快联系企业。", "visibility": "public"},
        "attach": {"file": pdf_upload()},
        "progress_reply": {"text": "已与人社部门对接，下周组织专场招聘会。"},
        "request_extension": {"days": 3, "reason": "需要协调多个部门。"},
        "decide_extension": {"decision": "approve"},
        "resolve": {"outcome": "solved", "reply": "已组织专场招聘会，招聘焊工 32 名。"},
        "review": {"decision": "pass"},
        "revisit": {"satisfaction": "satisfied", "comment": "很满意。"},
        "reopen": {"reason": "招聘的人员已离职，问题复发。"},
        "withdraw": {"reason": "企业已自行解决。"},
        "merge": {"into": into},
        "assign_handler": {"handler": world.handler},
    }[action]


class Rollback(Exception):
    pass


def test_the_table_covers_exactly_the_actions_of_the_design():
    assert set(TRANSITION_ACTIONS) == set(EXPECTED)
    assert ACTIONS["register"].target == State.NEW


@pytest.mark.parametrize("state", sorted(ALL))
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_every_state_action_and_role_behaves_as_the_design_says(
    world, make_issue, monkeypatch, state, action
):
    # given: an issue in `state`, built through the real services (time limits, escalation and
    # notifications on, as in production)
    sources, roles, to_state = EXPECTED[action]
    issue = make_issue(state, pending_extension=action == "decide_extension" and state in WORKING)
    into = make_issue("new", title="重复登记的诉求") if action == "merge" else None
    allowed_roles = roles(state) if callable(roles) else roles
    failures = []
    for role in ROLES:
        actor = getattr(world, role)
        expected_ok = state in sources and role in allowed_roles
        events = IssueEvent.objects.filter(issue=issue).count()
        history = Issue.history.filter(id=issue.pk).count()
        try:
            with transaction.atomic():
                # when
                try:
                    result = issue_transition(
                        actor=actor,
                        issue_id=issue.pk,
                        action=action,
                        **valid_input(action, world, into),
                    )
                except WorkflowError as exc:
                    ok, message = False, exc.messages[0]
                else:
                    ok, message = True, ""
                # then
                new_events = IssueEvent.objects.filter(issue=issue).count() - events
                new_history = Issue.history.filter(id=issue.pk).count() - history
                fresh = Issue.objects.get(pk=issue.pk)
                if ok != expected_ok:
                    failures.append(
                        f"{role}: expected {'ok' if expected_ok else 'refusal'}, got "
                        f"{'ok' if ok else 'refusal: ' + message}"
                    )
                elif ok:
                    expect = to_state or state
                    last = IssueEvent.objects.filter(issue=issue).last()
                    if fresh.state != expect or result.state != expect:
                        failures.append(f"{role}: state {fresh.state}, expected {expect}")
                    if new_events != 1 or last.kind != action or last.actor_id != actor.pk:
                        failures.append(f"{role}: {new_events} events written")
                    if new_history != 1:
                        failures.append(f"{role}: {new_history} history rows written")
                    if last.from_state != state or last.to_state != expect:
                        failures.append(f"{role}: event {last.from_state}->{last.to_state}")
                else:
                    if fresh.state != state or new_events or new_history:
                        failures.append(f"{role}: a refused action changed something")
                    if not message:
                        failures.append(f"{role}: refused without a message")
                raise Rollback
        except Rollback:
            pass
    assert not failures, f"{action} from {state}:\n" + "\n".join(failures)


def test_the_partial_indexes_name_exactly_the_open_states():
    from issues.models.issue import OPEN_STATE_NAMES

    assert sorted(OPEN_STATE_NAMES) == sorted(OPEN_STATES)
