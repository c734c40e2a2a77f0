"""Precise matching (精准匹配): a policy's eligibility as data, asked two ways.

`Eligibility.q()` is the condition as a database filter over enterprises (for
`policy_matches`); `Eligibility.reasons(profile)` answers the same question for one enterprise in
Python, with the reasons ("行业：制造业；规模：小型") — used by `enterprise_policies`, which tests
every policy in force against one enterprise. Tests check that both agree.

Each dimension left empty restricts nothing. Industries match the enterprise's industry or its
门类 (choosing 门类 C covers every 大类 under it); regions match their whole subtree; tags match
when the enterprise has any of them; years since establishment compare the establishment date
with today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Region
from enterprises.models import Enterprise

SCALE_LABELS = dict(Enterprise.Scale.choices)


def years_before(on: date, years: int) -> date:
    """The same day `years` years before `on` (29 February falls back to the 28th)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


@dataclass(frozen=True)
class Eligibility:
    industries: dict[int, str]  # industry id -> name
    scales: tuple[str, ...]
    regions: dict[str, str]  # region path -> name
    tags: dict[int, str]  # tag id -> name
    min_years: int | None = None
    max_years: int | None = None

    @classmethod
    def of(cls, policy) -> Eligibility:
        """From a policy whose industries, regions and tags are prefetched (or three queries)."""
        return cls(
            industries={i.pk: i.name for i in policy.industries.all()},
            scales=tuple(policy.scales or ()),
            regions={r.path: r.name for r in policy.regions.all()},
            tags={t.pk: t.name for t in policy.tags.all()},
            min_years=policy.min_years,
            max_years=policy.max_years,
        )

    def q(self, on: date | None = None) -> Q:
        """The active enterprises that meet every dimension, as a filter over Enterprise."""
        on = on or timezone.localdate()
        q = Q(status=Enterprise.Status.ACTIVE)
        if self.industries:
            ids = list(self.industries)
            q &= Q(industry_id__in=ids) | Q(industry__parent_id__in=ids)
        if self.scales:
            q &= Q(scale__in=list(self.scales))
        if self.regions:
            # the subtrees' region ids as a subquery: no join to Region for every enterprise
            subtree = Q(pk__in=[])
            for path in sorted(self.regions):
                subtree |= Q(path__startswith=path)
            q &= Q(region_id__in=Region.objects.filter(subtree).values("pk"))
        if self.tags:
            q &= Q(
                Exists(
                    Enterprise.tags.through.objects.filter(
                        enterprise_id=OuterRef("pk"), tag_id__in=list(self.tags)
                    )
                )
            )
        if self.min_years is not None:
            q &= Q(established_on__lte=years_before(on, self.min_years))
        if self.max_years is not None:
            q &= Q(established_on__gt=years_before(on, self.max_years + 1))
        return q

    def reasons(self, profile: Profile, on: date | None = None) -> list[str] | None:
        """Why `profile` meets every dimension, one phrase per restricting dimension; None when
        it does not meet one."""
        on = on or timezone.localdate()
        if not profile.active:
            return None
        found: list[str] = []
        if self.industries:
            hit = self.industries.get(profile.industry_id) or self.industries.get(
                profile.industry_parent_id
            )
            if hit is None:
                return None
            found.append(f"行业：{hit}")
        if self.scales:
            if profile.scale not in self.scales:
                return None
            found.append(f"规模：{SCALE_LABELS[profile.scale]}")
        if self.regions:
            hits = [
                name
                for path, name in sorted(self.regions.items())
                if profile.region_path.startswith(path)
            ]
            if not hits:
                return None
            found.append(f"区域：{hits[0]}")
        if self.tags:
            hits = [name for pk, name in self.tags.items() if pk in profile.tag_ids]
            if not hits:
                return None
            found.append(f"标签：{'、'.join(sorted(hits))}")
        if self.min_years is not None or self.max_years is not None:
            if profile.established_on is None:
                return None
            if self.min_years is not None and profile.established_on > years_before(
                on, self.min_years
            ):
                return None
            if self.max_years is not None and profile.established_on <= years_before(
                on, self.max_years + 1
            ):
                return None
            age = (
                on.year
                - profile.established_on.year
                - ((on.month, on.day) < (profile.established_on.month, profile.established_on.day))
            )
            found.append(f"成立年限：{age}年")
        if not found:
            found.append("普惠政策，所有企业适用")
        return found


@dataclass(frozen=True)
class Profile:
    """What matching needs to know about one enterprise."""

    active: bool
    industry_id: int | None
    industry_parent_id: int | None
    scale: str
    region_path: str
    tag_ids: frozenset[int]
    established_on: date | None

    @classmethod
    def of(cls, enterprise: Enterprise, tag_ids) -> Profile:
        industry = enterprise.industry
        return cls(
            active=enterprise.status == Enterprise.Status.ACTIVE,
            industry_id=enterprise.industry_id,
            industry_parent_id=industry.parent_id if industry is not None else None,
            scale=enterprise.scale,
            region_path=enterprise.region.path,
            tag_ids=frozenset(tag_ids),
            established_on=enterprise.established_on,
        )
