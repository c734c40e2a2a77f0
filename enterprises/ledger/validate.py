"""The dry run: every row checked against lookups loaded once (regions, industries, tags, people,
existing enterprises), producing either per-row errors in Chinese or a plan to apply."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy  # translated only on error

from accounts.models import Region, Role, User
from accounts.scope import scope_for
from enterprises.ledger.columns import BY_KEY
from enterprises.ledger.reader import Table
from enterprises.models import Enterprise, Industry, Tag
from enterprises.validators import validate_credit_code

TAG_SPLIT = re.compile(r"[、,，;；/\s]+")
PHONE_RE = re.compile(r"^[0-9+\-() ]{5,30}$")
SCALES = {label: value for value, label in Enterprise.Scale.choices} | {
    value: value for value in Enterprise.Scale.values
}
STATUSES = {label: value for value, label in Enterprise.Status.choices} | {
    value: value for value in Enterprise.Status.values
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


@dataclass
class RowPlan:
    row: int
    credit_code: str
    fields: dict  # profile fields to set (model field names -> values); ids for FKs
    tags: list[int] | None = None  # None: leave the tags as they are
    liaison_id: int | None = None
    leader_id: int | None = None
    contact: tuple[str, str] | None = None  # (name, phone)
    existing_id: int | None = None


@dataclass
class Plan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": str(message)})

    @property
    def creates(self) -> list[RowPlan]:
        return [r for r in self.rows if r.existing_id is None]

    @property
    def updates(self) -> list[RowPlan]:
        return [r for r in self.rows if r.existing_id is not None]


class Lookups:
    """Everything a row may refer to, loaded in a handful of queries for the whole file."""

    def __init__(self, actor: User, codes: list[str]):
        scope = scope_for(actor)
        regions = list(
            Region.objects.filter(scope.region_q("", Role.ADMIN, Role.DISPATCHER)).only(
                "pk", "code", "name", "path"
            )
        )
        self.region_paths = tuple(r.path for r in regions)
        self.regions: dict[str, int | None] = {}
        for r in regions:
            self.regions[r.code] = r.pk
            # a name shared by two regions is ambiguous: the code must be used
            self.regions[r.name] = None if r.name in self.regions else r.pk
        self.industries: dict[str, int] = {}
        for pk, code, name in Industry.objects.values_list("pk", "code", "name"):
            self.industries[code.upper()] = pk
            self.industries[name] = pk
            self.industries[f"{code}{name}"] = pk
        self.tags = dict(Tag.objects.values_list("name", "pk"))
        self.liaisons = self._people(Role.LIAISON)
        self.leaders = self._people(Role.RESPONSIBLE_LEADER)
        self.existing: dict[str, tuple[int, str]] = {}  # code -> (pk, region path)
        for i in range(0, len(codes), 2000):
            chunk = codes[i : i + 2000]
            for pk, code, path in Enterprise.objects.filter(credit_code__in=chunk).values_list(
                "pk", "credit_code", "region__path"
            ):
                self.existing[code] = (pk, path)

    @staticmethod
    def _people(role: str) -> dict[str, int]:
        people = (
            User.objects.filter(is_active=True, memberships__role=role, memberships__is_active=True)
            .values_list("pk", "staff_no", "phone")
            .distinct()
        )
        found: dict[str, int] = {}
        for pk, staff_no, phone in people:
            if phone:
                found.setdefault(phone.strip(), pk)
            if staff_no:
                found[staff_no.strip().upper()] = pk  # a staff number wins over a phone
        return found

    def manages(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.region_paths)


def plan_import(table: Table, *, actor: User, progress=None) -> Plan:
    """Check every row; return the plan (and the errors, if any — then nothing may be written)."""
    codes = [(v.get("credit_code") or "").strip().upper() for _n, v in table.rows]
    lookups = Lookups(actor, [c for c in codes if c])
    plan = Plan()
    plan.errors += table.errors  # cell problems the reader found (error values, NUL, length)
    seen: dict[str, int] = {}
    for i, (number, values) in enumerate(table.rows):
        row = _plan_row(plan, lookups, number, values, seen)
        if row is not None:
            plan.rows.append(row)
        if progress is not None and i % 500 == 499:
            progress(i + 1)
    return plan


def _plan_row(plan: Plan, lk: Lookups, n: int, v: dict, seen: dict) -> RowPlan | None:
    errors_before = len(plan.errors)

    def err(key: str, message: str) -> None:
        plan.error(n, BY_KEY[key].header, message)

    code = (v.get("credit_code") or "").strip().upper()
    if not code:
        err("credit_code", _("统一社会信用代码不能为空。"))
    else:
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            err("credit_code", exc.messages[0])
        else:
            if code in seen:
                err(
                    "credit_code",
                    _("与第 %(row)d 行的统一社会信用代码重复。") % {"row": seen[code]},
                )
            seen.setdefault(code, n)
    existing = lk.existing.get(code)
    if existing is not None and not lk.manages(existing[1]):
        err("credit_code", _("该企业已在您管辖范围以外登记，无权通过导入修改。"))

    fields: dict = {}
    name = v.get("name", "")
    if not name:
        err("name", _("企业名称不能为空。"))
    elif len(name) > 200:
        err("name", _("企业名称过长（最多200字）。"))
    else:
        fields["name"] = name
    for key, limit in (("legal_representative", 50), ("address", 255)):
        text = v.get(key, "")
        if len(text) > limit:
            err(key, _("内容过长（最多%(n)d字）。") % {"n": limit})
        elif text:
            fields[key] = text

    region = v.get("region", "")
    if not region:
        err("region", _("所属辖区不能为空。"))
    elif region not in lk.regions:
        err("region", _("未知的辖区“%(v)s”，或不在您的管辖范围内。") % {"v": region})
    elif lk.regions[region] is None:
        err("region", _("辖区名称“%(v)s”不唯一，请填写区划代码。") % {"v": region})
    else:
        fields["region_id"] = lk.regions[region]

    _optional_fields(v, fields, err, lk)

    tags = None
    if v.get("tags"):
        names = [t for t in TAG_SPLIT.split(v["tags"]) if t]
        unknown = [t for t in names if t not in lk.tags]
        if unknown:
            err("tags", _("未知的标签：%(v)s。") % {"v": "、".join(unknown)})
        tags = sorted({lk.tags[t] for t in names if t in lk.tags})

    people = {}
    for key, table, role in (
        ("liaison", lk.liaisons, gettext_lazy("联络员")),
        ("leader", lk.leaders, gettext_lazy("包保领导")),
    ):
        ref = (v.get(key) or "").strip()
        if ref:
            pk = table.get(ref.upper()) or table.get(ref)
            if pk is None:
                err(key, _("找不到工号或手机号为“%(v)s”的%(role)s。") % {"v": ref, "role": role})
            people[key] = pk

    contact = None
    contact_name, contact_phone = v.get("contact_name", ""), v.get("contact_phone", "")
    if contact_phone and not PHONE_RE.match(contact_phone):
        err("contact_phone", _("联系人电话格式不正确。"))
    elif contact_phone and not contact_name:
        err("contact_name", _("填写了联系人电话，但未填写联系人。"))
    elif contact_name:
        if len(contact_name) > 50:
            err("contact_name", _("内容过长（最多%(n)d字）。") % {"n": 50})
        contact = (contact_name, contact_phone)

    if len(plan.errors) > errors_before:
        return None
    return RowPlan(
        row=n,
        credit_code=code,
        fields=fields,
        tags=tags,
        liaison_id=people.get("liaison"),
        leader_id=people.get("leader"),
        contact=contact,
        existing_id=existing[0] if existing else None,
    )


def _optional_fields(v: dict, fields: dict, err, lk: Lookups) -> None:
    raw = v.get("established_on", "")
    if raw:
        parsed = _date(raw)
        if parsed is None:
            err("established_on", _("成立日期格式不正确（应如 2018-06-01）。"))
        else:
            fields["established_on"] = parsed
    raw = v.get("registered_capital", "")
    if raw:
        try:
            capital = Decimal(str(raw).replace(",", "").replace("，", "")).quantize(Decimal("0.01"))
            if capital < 0 or capital >= Decimal("1e12"):
                raise InvalidOperation
            fields["registered_capital"] = capital
        except InvalidOperation:
            err("registered_capital", _("注册资本应为不小于0的数字（单位：万元）。"))
    raw = v.get("industry", "")
    if raw:
        key = raw.replace(" ", "").replace("　", "")
        pk = lk.industries.get(key.upper()) or lk.industries.get(key)
        if pk is None:
            err(
                "industry",
                _("未知的行业“%(v)s”（请填写门类代码 A–T、大类代码或名称）。") % {"v": raw},
            )
        else:
            fields["industry_id"] = pk
    for key, choices, label in (
        ("scale", SCALES, gettext_lazy("规模应为：大型、中型、小型或微型。")),
        ("status", STATUSES, gettext_lazy("状态应为：存续或注销。")),
    ):
        raw = v.get(key, "")
        if raw:
            if raw in choices:
                fields[key] = choices[raw]
            else:
                err(key, label)
    raw = v.get("visit_frequency_days", "")
    if raw:
        try:
            days = int(str(raw))
            if not 1 <= days <= 3650:
                raise ValueError
            fields["visit_frequency_days"] = days
        except ValueError:
            err("visit_frequency_days", _("走访频次应为 1 到 3650 之间的整数（天）。"))


def _date(raw) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None
