import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from enterprises.industries import SECTIONS
from enterprises.models import Enterprise, Industry, LiaisonAssignment, Sector, Tag
from enterprises.validators import is_valid_credit_code, validate_credit_code
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

REAL_CODES = [
    "91350100M000100Y43",
    "91110000600037341L",
    "91440300708461136T",
    "911100001000079554",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_pass_the_check_digit(code):
    assert is_valid_credit_code(code)
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "校验位错误（应为 3）"),
        ("91110000600037341X", "校验位错误（应为 L）"),
        ("9135010OM000100Y43", "无效字符：O"),
        ("91350100M000100Y4", "应为18位"),
        ("", "应为18位"),
    ],
)
def test_wrong_credit_codes_are_refused_with_a_chinese_reason(code, message):
    assert not is_valid_credit_code(code)
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert message in exc.value.messages[0]


def test_two_active_liaisons_on_one_enterprise_violate_the_database_constraint(world):
    other = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AssignmentFactory(enterprise=world.ent_a, person=other, kind="liaison")


def test_a_second_liaison_is_allowed_once_the_first_has_ended(world):
    current = LiaisonAssignment.objects.get(enterprise=world.ent_a, kind="liaison")
    current.ended_on = current.started_on
    current.save()
    AssignmentFactory(enterprise=world.ent_a, person=UserFactory(), kind="liaison")
    assert world.ent_a.assignments.active().filter(kind="liaison").count() == 1


def test_an_active_liaison_and_an_active_leader_coexist(world):
    kinds = set(world.ent_a.assignments.active().values_list("kind", flat=True))
    assert kinds == {"liaison", "leader"}


def test_all_twenty_sections_of_gbt_4754_are_seeded_with_their_official_names(db):
    sections = dict(Industry.objects.filter(parent=None).values_list("code", "name"))
    assert list(sections) == list("ABCDEFGHIJKLMNOPQRST")
    assert sections["C"] == "制造业"
    assert sections["I"] == "信息传输、软件和信息技术服务业"
    assert sections["S"] == "公共管理、社会保障和社会组织"
    assert Industry.objects.exclude(parent=None).count() == 97
    assert Industry.objects.get(code="39").parent.code == "C"


@pytest.mark.parametrize(
    ("codes", "sector"),
    [
        ("BCD", Sector.INDUSTRY),
        ("E", Sector.CONSTRUCTION),
        ("FH", Sector.TRADE_CATERING),
        ("K", Sector.REAL_ESTATE),
        ("GIJLMNOPQRST", Sector.SERVICES),
        ("A", Sector.OTHER),
    ],
)
def test_sections_map_onto_the_five_statistical_sectors(db, codes, sector):
    for code in codes:
        assert Industry.objects.get(code=code).sector == sector
        # the 大类 below a 门类 share its sector
        assert set(Industry.objects.filter(parent__code=code).values_list("sector", flat=True)) == {
            sector
        }
    assert {s[0] for s in SECTIONS} == set("ABCDEFGHIJKLMNOPQRST")


def test_the_tag_taxonomy_is_seeded(db):
    assert {"专精特新", "四上企业", "高新技术企业", "重点企业"} <= set(
        Tag.objects.values_list("name", flat=True)
    )


def test_enterprise_url_is_its_page(world):
    assert world.ent_a.get_absolute_url() == f"/enterprises/{world.ent_a.pk}/"
    assert str(world.ent_a) == "城关机械有限公司"
    assert Enterprise.objects.active().count() == 3
