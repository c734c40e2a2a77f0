"""`Issue.state` is written only by the workflow service (issues/services/core.py) and by
registration (issues/services/register.py): an AST walk over the product's source finds every
other write — an assignment to `….state`, `setattr(…, "state", …)`, and a keyword `state=` (or
`**{"state": …}`, or `defaults={"state": …}`) in a call that builds or writes rows: `Issue(…)`,
`….update(…)`, `….create(…)`, `….get_or_create(…)`, `….update_or_create(…)` — however the call
is spread over lines. Reads (`filter(state=…)`, `Q(state=…)`, comparisons) are not writes.

Outside the scan: tests/ and bench/ (which builds 100,000 synthetic issues in its own throwaway
database, timing the sweep), migrations, the virtualenv."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = (".venv/", "var/", "tests/", "bench/", "node_modules/")
# file → how many state writes it holds (each one reviewed: the transition, the registration)
ALLOWED = {"issues/services/core.py": 1, "issues/services/register.py": 1}
WRITE_CALLS = {"update", "create", "get_or_create", "update_or_create"}


def _is_state_key(node) -> bool:
    return isinstance(node, ast.Constant) and node.value == "state"


def _dict_names_state(node) -> bool:
    return isinstance(node, ast.Dict) and any(_is_state_key(k) for k in node.keys)


def _call_name(func) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _targets(node):
    """Flatten assignment targets (tuples, lists, starred)."""
    if isinstance(node, ast.Tuple | ast.List):
        for elt in node.elts:
            yield from _targets(elt)
    elif isinstance(node, ast.Starred):
        yield from _targets(node.value)
    else:
        yield node


def state_writes(source: str) -> list[int]:
    """Line numbers of the writes of a `state` in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        for target in targets:
            for t in _targets(target):
                if isinstance(t, ast.Attribute) and t.attr == "state":
                    found.append(t.lineno)
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node.func)
        if name == "setattr" and len(node.args) >= 2 and _is_state_key(node.args[1]):
            found.append(node.lineno)
        if name not in WRITE_CALLS and name != "Issue":
            continue
        for keyword in node.keywords:
            spread = keyword.arg in (None, "defaults") and _dict_names_state(keyword.value)
            if keyword.arg == "state" or spread:
                found.append(keyword.value.lineno)
    return sorted(found)


def test_no_code_outside_the_workflow_service_and_registration_writes_an_issue_state():
    offenders, counts = [], {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(SKIPPED) or "/migrations/" in rel:
            continue
        lines = state_writes(path.read_text(encoding="utf-8"))
        if rel in ALLOWED:
            counts[rel] = len(lines)
            continue
        offenders += [f"{rel}:{n}" for n in lines]
    assert not offenders, "Issue.state written outside issues/services:\n" + "\n".join(offenders)
    assert counts == ALLOWED


@pytest.mark.parametrize(
    "source",
    [
        "issue.state = 'closed'",
        "self.issue.state = State.CLOSED",
        "a = b.state = 'x'",
        "issue.state, other = 'closed', 1",
        "issue.state += 'x'",
        "issue.state: str = 'closed'",
        "setattr(issue, 'state', 'closed')",
        "Issue(enterprise=e, state='closed')",
        "models.Issue(\n    enterprise=e,\n    title='t',\n    state='closed',\n)",
        "Issue.objects.filter(pk=1).update(state='closed')",
        "Issue.objects.filter(\n    pk=1\n).update(\n    last_activity_at=now,\n"
        "    state='closed',\n)",
        "qs.update(**{'state': 'closed'})",
        "Issue.objects.create(**{'title': 't', 'state': 'closed'})",
        "Issue.objects.update_or_create(pk=1, defaults={'state': 'closed'})",
        "Issue.objects.get_or_create(pk=1, state='new')",
    ],
)
def test_the_guard_finds_each_way_of_writing_a_state(source):
    assert state_writes(source), source


@pytest.mark.parametrize(
    "source",
    [
        "Issue.objects.filter(state='new')",
        "Issue.objects.exclude(state=State.MERGED).count()",
        "Q(state='dispatched') | Q(state='resolved')",
        "if issue.state == 'new': pass",
        "state = issue.state",
        "obj._state.adding = False",
        "Issue.objects.filter(state='new').update(priority='high')",
        "label = {'state': State(issue.state).label}",
    ],
)
def test_the_guard_leaves_reads_alone(source):
    assert state_writes(source) == []
