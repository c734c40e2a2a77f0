"""What each URL parameter names, so the generated tests can fill it in.

The fuzz (test_fuzz.py) and the outsider matrix (test_outsider_matrix.py) walk every URL
pattern of the URL conf. For each named parameter they look here for what to put in it:

- `Obj(lambda scene: ...)`: the parameter is an object id; the function returns the id of
  that kind of object in a `Scene` (tests/security/scene.py). The outsider matrix fills it from
  the foreign scene and expects every role to be refused; the fuzz fills it from the own scene.
- `Choice([...])`: the parameter is not an object id but one of a few values (an action
  name); the tests try each.

Keys are "<url name glob>.<parameter>", e.g. "issues:improvement_*.pk". The most specific key
that matches wins (fewest wildcards, then longest). A parameter that matches no key makes both
tests fail with a message naming the key to add: a new URL is never silently unchecked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from issues.workflow import TRANSITION_ACTIONS
from portal.forms import PORTAL_ACTIONS


@dataclass(frozen=True)
class Obj:
    make: Callable  # Scene -> object id


@dataclass(frozen=True)
class Choice:
    values: Sequence[str]


PARAMS: dict[str, Obj | Choice] = {
    # enterprises
    "enterprises:*.pk": Obj(lambda s: s.enterprise.pk),
    "enterprises:import_*.pk": Obj(lambda s: s.import_job.pk),
    "enterprises:*.contact_pk": Obj(lambda s: s.contact.pk),
    # issues
    "issues:*.pk": Obj(lambda s: s.issue.pk),
    "issues:*.enterprise_id": Obj(lambda s: s.enterprise.pk),
    "issues:*.attachment_id": Obj(lambda s: s.issue_attachment.pk),
    "issues:action.action": Choice(TRANSITION_ACTIONS),
    "issues:improvement_*.pk": Obj(lambda s: s.improvement.pk),
    # visits
    "visits:*.pk": Obj(lambda s: s.visit.pk),
    "visits:*.enterprise_pk": Obj(lambda s: s.enterprise.pk),
    "visits:*.attachment": Obj(lambda s: s.visit_attachment.pk),
    # notifications
    "notifications:*.pk": Obj(lambda s: s.notification.pk),
    # portal (the enterprise's side of issues, and its account management)
    "portal:request*.pk": Obj(lambda s: s.issue.pk),
    "portal:request_action.action": Choice(sorted(PORTAL_ACTIONS)),
    "portal:attachment.pk": Obj(lambda s: s.issue.pk),
    "portal:attachment.attachment_id": Obj(lambda s: s.issue_attachment.pk),
    "portal:manage.pk": Obj(lambda s: s.enterprise.pk),
    "portal:invitation*.pk": Obj(lambda s: s.invitation.pk),
    # policies (push rows per enterprise) and campaigns
    "policies:*.pk": Obj(lambda s: s.push_target.pk),
    "campaigns:*.pk": Obj(lambda s: s.campaign.pk),
    "campaigns:target_update.pk": Obj(lambda s: s.campaign_target.pk),
    "portal:membership_*.pk": Obj(lambda s: s.membership.pk),
    # a secret link anyone holding it may open (by design): not an object id to guard by role
    "portal:invitation_accept.token": Choice(["not-a-real-invitation-token"]),
    # cockpit
    "cockpit:bulletin_*.pk": Obj(lambda s: s.bulletin.pk),
    # REST API v1 (tokens or session)
    "api:enterprise-*.pk": Obj(lambda s: s.enterprise.pk),
    "api:enterprise-*.contact_pk": Obj(lambda s: s.contact.pk),
    "api:visit-*.pk": Obj(lambda s: s.visit.pk),
    "api:issue-*.pk": Obj(lambda s: s.issue.pk),
    "api:issue-*.attachment_pk": Obj(lambda s: s.issue_attachment.pk),
    "api:issue-act.action_name": Choice(TRANSITION_ACTIONS),
    "api:notification-*.pk": Obj(lambda s: s.notification.pk),
    "api:token-*.pk": Obj(lambda s: s.api_token.pk),
    "api_token_*.pk": Obj(lambda s: s.api_token.pk),
}


class UnregisteredParameter(LookupError):
    pass


def _specificity(key: str) -> tuple[int, int]:
    return (-key.count("*") - key.count("?"), len(key))


def lookup(route_name: str, param: str) -> Obj | Choice:
    """What `param` of the URL named `route_name` stands for, or a loud failure."""
    matches = [
        key
        for key in PARAMS
        if key.rsplit(".", 1)[1] == param and fnmatchcase(route_name, key.rsplit(".", 1)[0])
    ]
    if not matches:
        raise UnregisteredParameter(
            f"The URL '{route_name}' has a parameter '{param}' that the generated security "
            f"tests do not know. Register it in tests/security/registry.py PARAMS, e.g. "
            f'"{route_name}.{param}": Obj(lambda s: s.<object>.pk) with the object built in '
            f"tests/security/scene.py (or Choice([...]) if it is not an object id)."
        )
    return PARAMS[max(matches, key=_specificity)]


def object_params(route) -> list[str]:
    return [p.name for p in route.params if isinstance(lookup(route.name, p.name), Obj)]


def fill(route, scene, choice_index: int = 0) -> dict[str, str]:
    """Concrete values for every parameter of `route`, objects taken from `scene`."""
    values = {}
    for param in route.params:
        meaning = lookup(route.name, param.name)
        if isinstance(meaning, Obj):
            values[param.name] = str(meaning.make(scene))
        else:
            values[param.name] = meaning.values[choice_index % len(meaning.values)]
    return values
