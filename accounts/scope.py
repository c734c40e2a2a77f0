"""Visibility building blocks (DESIGN §2).

Every selector answers "what may this person see" with the same two questions, asked of a
`Scope` computed once per request from the person's active role memberships:

- `scope.region_q(lookup, *roles)`: a Q selecting rows whose region (reached through `lookup`)
  lies in the subtree of a region where the person holds one of `roles`;
- `scope.unit_ids(*roles)`: the units where the person holds one of `roles`.

Selectors of each app combine these with their own relations (liaison assignments, enterprise
memberships, lead / supporting units) into `visible_to(user)` querysets. Superusers see all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery

from accounts.models import REGION_ROLES, UNIT_ROLES, Region, Role, RoleMembership

MATCH_NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    is_superuser: bool = False
    # role -> region paths (materialised paths of the subtrees) where the role is held
    region_paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # role -> unit ids where the role is held
    units: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.region_paths) | frozenset(self.units)

    @property
    def is_staff_member(self) -> bool:
        """Government side: holds any staff role (internal comments, internal visits)."""
        return self.is_superuser or bool(self.roles)

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or any(r in self.roles for r in roles)

    def paths(self, *roles: str) -> tuple[str, ...]:
        """The subtree roots where the person holds any of `roles` (all roles if none given)."""
        wanted = roles or tuple(self.region_paths)
        found: list[str] = []
        for role in wanted:
            found.extend(self.region_paths.get(role, ()))
        return _outermost(found)

    def region_q(self, lookup: str, *roles: str) -> Q:
        """Rows whose region lies inside a subtree where the person holds one of `roles`.

        `lookup` is the path to a Region FK ("region", "enterprise__region"), or "" when the
        rows are regions themselves."""
        if self.is_superuser:
            return Q()
        field_name = f"{lookup}__path__startswith" if lookup else "path__startswith"
        q = MATCH_NOTHING
        for path in self.paths(*roles):
            q |= Q(**{field_name: path})
        return q

    def region_id_q(self, lookup: str, *roles: str) -> Q:
        """The same rows as `region_q`, for a Region FK (`lookup`, e.g. "region") compared by id
        with the subtree's regions (`InSubquery`): no join from the rows to the region table,
        so an index on the FK column serves it."""
        if self.is_superuser:
            return Q()
        paths = self.paths(*roles)
        if not paths:
            return MATCH_NOTHING
        subtree = Q()
        for path in paths:
            subtree |= Q(path__startswith=path)
        return Q(
            InSubquery(F(lookup), Subquery(Region.objects.filter(subtree).order_by().values("pk")))
        )

    def unit_ids(self, *roles: str) -> frozenset[int]:
        wanted = roles or tuple(self.units)
        ids: set[int] = set()
        for role in wanted:
            ids |= self.units.get(role, frozenset())
        return frozenset(ids)

    def covers_region(self, region: Region, *roles: str) -> bool:
        """Whether `region` lies in a subtree where the person holds one of `roles`."""
        if self.is_superuser:
            return True
        return any(region.path.startswith(p) for p in self.paths(*roles))


class BranchVisibility:
    """A queryset mixin: `visible_to` and `visible_parts` from the queryset's
    `visible_branches(scope)`, the reasons a person sees a row, one Q each."""

    def visible_branches(self, scope: Scope) -> list[Q]:
        raise NotImplementedError

    def visible_to(self, user):
        """The rows `user` may see: the OR of their reasons (`visible_branches`)."""
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if scope.user_id is None:
            return self.none()
        q = MATCH_NOTHING
        for branch in self.visible_branches(scope):
            q |= branch
        return self.filter(q)

    def visible_parts(self, user) -> list:
        """`visible_to(user)` as querysets whose union it is, one per reason: each a condition
        its own index serves, where their OR is not."""
        scope = scope_for(user)
        if scope.is_superuser:
            return [self.all()]
        if scope.user_id is None:
            return []
        return [self.filter(q) for q in self.visible_branches(scope)]


def visible_for_list(manager, user) -> QuerySet:
    """The rows of `manager` (a BranchVisibility queryset's) that `user` may see, in the form
    that pages best. Someone who sees a region's rows sees a large share of them: `visible_to`,
    paged in the list's order. Anyone else (a liaison, unit staff, an enterprise user) sees a
    few hundred: the ids of each reason (`visible_parts`), read through their own indexes and
    united — the same rows, where the OR would walk the whole list order to find them. Where
    the database cannot nest a UNION so (SQLite), `visible_to`."""
    scope = scope_for(user)
    if (
        scope.is_superuser
        or scope.paths(Role.DISPATCHER, Role.LEADER, Role.ADMIN)
        or not connections[manager.db].features.supports_slicing_ordering_in_compound
    ):
        return manager.visible_to(user)
    parts = manager.visible_parts(user)
    if not parts:
        return manager.none()
    first, *rest = (part.order_by().values("pk") for part in parts)
    return manager.filter(pk__in=first.union(*rest) if rest else first)


class InSubquery(Func):
    """`value IN (subquery)`; on PostgreSQL `value = ANY(ARRAY(subquery))`, which runs the
    subquery once before the query (an InitPlan) instead of making it a semi-join that the
    planner must place among the query's other joins: the to-do's queries, which join five
    tables, took twice as long to plan with the semi-join."""

    arity = 2
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="%(expressions)s", arg_joiner=" IN ", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        # the subquery compiles with its own parentheses: `value = ANY(ARRAY(SELECT …))`
        return super().as_sql(
            compiler,
            connection,
            template="%(expressions)s)",
            arg_joiner=" = ANY(ARRAY",
            **extra_context,
        )


def _outermost(paths: list[str]) -> tuple[str, ...]:
    """Drop paths inside other paths: a subtree already covers its descendants."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return tuple(result)


ANONYMOUS = Scope(user_id=None)


def scope_for(user) -> Scope:
    """The scope of `user`, cached on the user object (one query per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_qinqing_scope", None)
    if cached is not None:
        return cached
    region_paths: dict[str, list[str]] = {}
    units: dict[str, set[int]] = {}
    memberships = (
        RoleMembership.objects.active()
        .filter(user=user)
        .filter(Q(unit__isnull=True) | Q(unit__is_active=True))
        .values_list("role", "region__path", "unit_id")
    )
    for role, path, unit_id in memberships:
        if role in UNIT_ROLES and unit_id:
            units.setdefault(role, set()).add(unit_id)
        elif role in REGION_ROLES and path:
            region_paths.setdefault(role, []).append(path)
    scope = Scope(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        region_paths={role: _outermost(p) for role, p in region_paths.items()},
        units={role: frozenset(ids) for role, ids in units.items()},
    )
    user._qinqing_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope (after the person's memberships change)."""
    if hasattr(user, "_qinqing_scope"):
        del user._qinqing_scope


__all__ = ["ANONYMOUS", "MATCH_NOTHING", "Role", "Scope", "forget_scope", "scope_for"]
