"""Matching against a hand-made fixture: each eligibility dimension, the region subtree, expired
policies — and the database filter agreeing with the reasons, enterprise by enterprise."""

from datetime import date

import pytest

from enterprises.models import Enterprise, Industry, Tag
from policies.matching import Eligibility, Profile
from policies.models import PolicyPage
from policies.selectors import enterprise_policies, policy_matches

ON = date(2026, 6, 1)


def matched(policy, on=ON):
    return set(policy_matches(policy=policy, on=on).values_list("name", flat=True))


def reasons_of(enterprise, policy, on=ON):
    for m in enterprise_policies(enterprise=enterprise, on=on):
        if m.policy.pk == policy.pk:
            return m.reasons
    return None


def test_a_policy_without_restrictions_matches_every_active_enterprise(profiles, make_policy):
    policy = make_policy()
    assert matched(policy) == {"城关机械有限公司", "高新芯片有限公司", "江北纺织有限公司"}
    assert reasons_of(profiles.ent_a, policy) == ["普惠政策，所有企业适用"]


def test_deregistered_enterprises_never_match(profiles, make_policy):
    profiles.ent_far.status = Enterprise.Status.DEREGISTERED
    profiles.ent_far.save()
    policy = make_policy()
    assert "江北纺织有限公司" not in matched(policy)
    assert reasons_of(profiles.ent_far, policy) is None


def test_a_section_industry_covers_its_divisions(profiles, make_policy):
    policy = make_policy(industries=[Industry.objects.get(code="C")])
    assert matched(policy) == {"城关机械有限公司", "高新芯片有限公司", "江北纺织有限公司"}
    assert reasons_of(profiles.ent_a, policy) == ["行业：制造业"]


def test_a_division_industry_matches_only_that_division(profiles, make_policy):
    policy = make_policy(industries=[Industry.objects.get(code="34")])
    assert matched(policy) == {"城关机械有限公司"}
    assert reasons_of(profiles.ent_b, policy) is None


def test_scales(profiles, make_policy):
    policy = make_policy(scales=["small", "micro"])
    assert matched(policy) == {"城关机械有限公司", "江北纺织有限公司"}
    assert reasons_of(profiles.ent_a, policy) == ["规模：小型"]


def test_a_region_matches_its_whole_subtree(profiles, make_policy):
    policy = make_policy(regions=[profiles.district])
    assert matched(policy) == {"城关机械有限公司", "高新芯片有限公司"}
    assert reasons_of(profiles.ent_b, policy) == ["区域：江南区"]
    assert reasons_of(profiles.ent_far, policy) is None


def test_a_street_region_leaves_out_its_siblings(profiles, make_policy):
    policy = make_policy(regions=[profiles.street])
    assert matched(policy) == {"城关机械有限公司"}


def test_tags_match_any_of_them(profiles, make_policy):
    policy = make_policy(
        tags=[Tag.objects.get(name="专精特新"), Tag.objects.get(name="高新技术企业")]
    )
    assert matched(policy) == {"城关机械有限公司", "高新芯片有限公司"}
    assert reasons_of(profiles.ent_a, policy) == ["标签：专精特新"]


def test_years_since_establishment(profiles, make_policy):
    # on 2026-06-01: ent_a is 11 years old (to the day), ent_b 4, ent_far has no date
    at_least_five = make_policy(min_years=5)
    at_most_five = make_policy(max_years=5)
    assert matched(at_least_five) == {"城关机械有限公司"}
    assert matched(at_most_five) == {"高新芯片有限公司"}
    assert reasons_of(profiles.ent_a, at_least_five) == ["成立年限：11年"]
    assert reasons_of(profiles.ent_far, at_least_five) is None


def test_years_are_counted_to_the_day(profiles, make_policy):
    policy = make_policy(min_years=11)
    assert matched(policy, on=date(2026, 5, 31)) == set()
    assert matched(policy, on=date(2026, 6, 1)) == {"城关机械有限公司"}
    assert matched(make_policy(max_years=10), on=date(2026, 5, 31)) == {
        "城关机械有限公司",
        "高新芯片有限公司",
    }
    assert matched(make_policy(max_years=10), on=date(2026, 6, 1)) == {"高新芯片有限公司"}
    assert matched(make_policy(max_years=3), on=date(2026, 2, 28)) == {"高新芯片有限公司"}
    assert matched(make_policy(max_years=3), on=date(2026, 3, 1)) == set()


def test_every_dimension_together_gives_every_reason(profiles, make_policy):
    policy = make_policy(
        industries=[Industry.objects.get(code="C")],
        scales=["small"],
        regions=[profiles.district],
        tags=[Tag.objects.get(name="专精特新")],
        min_years=3,
    )
    assert matched(policy) == {"城关机械有限公司"}
    assert reasons_of(profiles.ent_a, policy) == [
        "行业：制造业",
        "规模：小型",
        "区域：江南区",
        "标签：专精特新",
        "成立年限：11年",
    ]


def test_expired_and_future_policies_are_not_offered_to_enterprises(profiles, make_policy):
    expired = make_policy(effective_from=date(2025, 1, 1), expires_on=date(2026, 5, 31))
    future = make_policy(effective_from=date(2026, 7, 1))
    current = make_policy(expires_on=date(2026, 6, 1))
    offered = {m.policy.pk for m in enterprise_policies(enterprise=profiles.ent_a, on=ON)}
    assert offered == {current.pk}
    assert expired.pk not in offered and future.pk not in offered


def test_drafts_are_not_offered(profiles, make_policy):
    make_policy(publish=False)
    assert enterprise_policies(enterprise=profiles.ent_a, on=ON) == []


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"scales": ["medium"]},
        {"min_years": 1, "max_years": 20},
        {"industries": ["39", "17"]},
        {"regions": ["park", "far"]},
        {"tags": ["专精特新"], "scales": ["small", "medium"]},
    ],
)
def test_the_database_filter_and_the_reasons_agree(profiles, make_policy, fields):
    fields = dict(fields)
    if "industries" in fields:
        fields["industries"] = [Industry.objects.get(code=c) for c in fields["industries"]]
    if "regions" in fields:
        fields["regions"] = [getattr(profiles, r) for r in fields["regions"]]
    if "tags" in fields:
        fields["tags"] = [Tag.objects.get(name=t) for t in fields["tags"]]
    policy = make_policy(**fields)
    eligibility = Eligibility.of(policy)
    for enterprise in Enterprise.objects.select_related("industry", "region"):
        profile = Profile.of(enterprise, enterprise.tags.values_list("pk", flat=True))
        in_db = policy_matches(policy=policy, on=ON).filter(pk=enterprise.pk).exists()
        assert in_db == (eligibility.reasons(profile, ON) is not None), enterprise.name


def test_matching_runs_a_constant_number_of_queries(
    profiles, make_policy, django_assert_num_queries
):
    made = make_policy(industries=[Industry.objects.get(code="C")], regions=[profiles.district])
    for i in range(5):
        make_policy(f"政策{i}", scales=["small"])
    policy = PolicyPage.objects.get(pk=made.pk)
    with django_assert_num_queries(4):  # the eligibility (3) and the match
        list(policy_matches(policy=policy))
    bare = Enterprise.objects.get(pk=profiles.ent_a.pk)
    with django_assert_num_queries(6):  # profile, tags, policies in force and their 3 relations
        enterprise_policies(enterprise=bare)
    loaded = Enterprise.objects.select_related("region", "industry").get(pk=profiles.ent_a.pk)
    with django_assert_num_queries(5):
        enterprise_policies(enterprise=loaded)
