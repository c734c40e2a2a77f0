"""Writing a checked plan in one transaction with bulk operations and full history.

Queries do not grow with the row count beyond the batches: existing enterprises, their active
assignments, contacts and tags are loaded once (in chunks), then everything is written in
multi-row statements (`enterprises.ledger.sql`: inserts, and UPDATE … FROM VALUES) with one
history row per created or changed object — the rows simple-history itself writes, the updates'
through `bulk_update_with_history` — attributed to the importer with the import as the change
reason. The tag sets (an m2m field with history) and their history snapshots are written in bulk
as well.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from enterprises.ledger.sql import insert_dicts, insert_with_history, update_with_history
from enterprises.ledger.validate import Plan, RowPlan
from enterprises.models import Contact, Enterprise, LiaisonAssignment
from enterprises.services import enterprise_issues_follow_region


@dataclass
class Result:
    created: int = 0
    updated: int = 0


def _chunks(items, size=2000):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


@transaction.atomic
def apply_plan(plan: Plan, *, actor: User, reason: str, progress=None) -> Result:
    """Write `plan` (which must have no errors) as `actor`. All or nothing."""
    if plan.errors:
        raise ValueError("a plan with errors must never be applied")
    step = _progress(progress, 6)
    now = timezone.now()
    today = timezone.localdate()

    # 1. new enterprises
    new_objs = [
        Enterprise(credit_code=r.credit_code, **{"status": "active", **r.fields})
        for r in plan.creates
    ]
    insert_with_history(Enterprise, new_objs, actor=actor, reason=reason)
    pk_of = {e.credit_code: e.pk for e in new_objs}
    step()

    # 2. existing enterprises: only rows that change anything get an update and a history row
    existing = {}
    for chunk in _chunks([r.existing_id for r in plan.updates]):
        existing.update(Enterprise.objects.in_bulk(chunk))
    current_tags: dict[int, set[int]] = defaultdict(set)
    through = Enterprise.tags.through
    for chunk in _chunks(existing):
        for ent_id, tag_id in through.objects.filter(enterprise_id__in=chunk).values_list(
            "enterprise_id", "tag_id"
        ):
            current_tags[ent_id].add(tag_id)
    changed: list[Enterprise] = []
    changed_fields: set[str] = set()
    moved: list[int] = []  # enterprises whose region changes: their issues follow
    tag_changes: dict[int, set[int]] = {}
    for r in plan.updates:
        obj = existing[r.existing_id]
        pk_of[r.credit_code] = obj.pk
        dirty = False
        for name, value in r.fields.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed_fields.add(name)
                dirty = True
                if name == "region_id":
                    moved.append(obj.pk)
        if r.tags is not None and set(r.tags) != current_tags[obj.pk]:
            tag_changes[obj.pk] = set(r.tags)
            dirty = True
        if dirty:
            obj.updated_at = now
            changed.append(obj)
    if changed:
        fields = [*sorted(changed_fields), "updated_at"]
        update_with_history(Enterprise, changed, fields, actor=actor, reason=reason)
        enterprise_issues_follow_region(enterprise_ids=moved)
    step()

    # 3. tags, and the tag snapshot of every history row this import wrote
    final_tags = {pk: set(tags) for pk, tags in current_tags.items()}
    new_links = []
    for r in plan.creates:
        if r.tags:
            final_tags[pk_of[r.credit_code]] = set(r.tags)
    for pk, tags in tag_changes.items():
        final_tags[pk] = tags
    removed = [(pk, t) for pk, tags in tag_changes.items() for t in current_tags[pk] - tags]
    for pk, t in removed:
        through.objects.filter(enterprise_id=pk, tag_id=t).delete()
    for r in plan.creates:
        for t in r.tags or ():
            new_links.append({"enterprise_id": pk_of[r.credit_code], "tag_id": t})
    for pk, tags in tag_changes.items():
        for t in tags - current_tags[pk]:
            new_links.append({"enterprise_id": pk, "tag_id": t})
    insert_dicts(through, new_links)
    write_tag_history(reason, final_tags)
    step()

    # 4. liaisons and leaders: close the current assignment when the person changes
    _assignments(plan, pk_of, actor=actor, reason=reason, today=today)
    step()

    # 5. contacts: same name → update the phone; a new name → a new contact
    _contacts(plan, pk_of, actor=actor, reason=reason)
    step()
    return Result(created=len(new_objs), updated=len(changed))


def _progress(progress, steps):
    state = {"done": 0}

    def step():
        state["done"] += 1
        if progress is not None:
            progress(state["done"], steps)

    return step


def write_tag_history(reason: str, final_tags: dict[int, set[int]]) -> None:
    """simple-history keeps the tag set of each historical record in its own table; write it
    for every record this import created (one query to find them, bulk insert)."""
    m2m_history = apps.get_model("enterprises", "HistoricalEnterprise_tags")
    through = Enterprise.tags.through
    link_ids = {}
    for chunk in _chunks(final_tags):
        for link_id, ent_id, tag_id in through.objects.filter(enterprise_id__in=chunk).values_list(
            "pk", "enterprise_id", "tag_id"
        ):
            link_ids[(ent_id, tag_id)] = link_id
    rows = []
    records = Enterprise.history.filter(history_change_reason=reason).values_list(
        "history_id", "id"
    )
    for history_id, ent_id in records.iterator(chunk_size=5000):
        for tag_id in final_tags.get(ent_id, ()):
            rows.append(
                {
                    "history_id": history_id,
                    "enterprise_id": ent_id,
                    "tag_id": tag_id,
                    "id": link_ids.get((ent_id, tag_id)),
                }
            )
    insert_dicts(m2m_history, rows)


def _assignments(plan: Plan, pk_of: dict, *, actor, reason: str, today) -> None:
    wanted: list[tuple[int, str, int]] = []
    for r in plan.rows:
        for kind, person in (("liaison", r.liaison_id), ("leader", r.leader_id)):
            if person:
                wanted.append((pk_of[r.credit_code], kind, person))
    if not wanted:
        return
    current: dict[tuple[int, str], LiaisonAssignment] = {}
    existing_ids = {r.existing_id for r in plan.updates}
    for chunk in _chunks({w[0] for w in wanted if w[0] in existing_ids}):
        for a in LiaisonAssignment.objects.active().filter(enterprise_id__in=chunk):
            current[(a.enterprise_id, a.kind)] = a
    to_close, to_open = [], []
    note = _("台账导入时更换（%(reason)s）") % {"reason": reason}
    for ent_id, kind, person in wanted:
        old = current.get((ent_id, kind))
        start = today
        if old is not None:
            if old.person_id == person:
                continue
            old.ended_on = max(today, old.started_on)
            old.handover_note = note
            start = old.ended_on
            to_close.append(old)
        to_open.append(
            LiaisonAssignment(enterprise_id=ent_id, kind=kind, person_id=person, started_on=start)
        )
    update_with_history(
        LiaisonAssignment, to_close, ["ended_on", "handover_note"], actor=actor, reason=reason
    )
    insert_with_history(LiaisonAssignment, to_open, actor=actor, reason=reason)


def _contacts(plan: Plan, pk_of: dict, *, actor, reason: str) -> None:
    rows: list[RowPlan] = [r for r in plan.rows if r.contact]
    if not rows:
        return
    by_ent: dict[int, list[Contact]] = defaultdict(list)
    for chunk in _chunks({r.existing_id for r in rows if r.existing_id}):
        for c in Contact.objects.filter(enterprise_id__in=chunk):
            by_ent[c.enterprise_id].append(c)
    to_create, to_update = [], []
    for r in rows:
        ent_id = pk_of[r.credit_code]
        name, phone = r.contact
        same = next((c for c in by_ent[ent_id] if c.name == name), None)
        if same is not None:
            if phone and same.phone != phone:
                same.phone = phone
                to_update.append(same)
            continue
        contact = Contact(
            enterprise_id=ent_id, name=name, phone=phone, is_primary=not by_ent[ent_id]
        )
        by_ent[ent_id].append(contact)
        to_create.append(contact)
    update_with_history(Contact, to_update, ["phone"], actor=actor, reason=reason)
    insert_with_history(Contact, to_create, actor=actor, reason=reason)
