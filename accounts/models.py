"""People and jurisdiction (DESIGN §2): users, the region tree, units and role memberships."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

# The account Celery tasks, imports and commands act as (accounts.services.system_user).
SYSTEM_USERNAME = "system"


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    staff_no = models.CharField(_("工号"), max_length=30, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(
                fields=["staff_no"], condition=~Q(staff_no=""), name="user_staff_no_unique"
            ),
        ]

    def __str__(self) -> str:
        if self.username == SYSTEM_USERNAME:
            return str(_("系统"))  # in the reader's language, whatever name was stored
        return self.name_of(self.display_name, self.username)

    # The label's columns and the label from them (the list filters read choices as columns).
    NAME_COLUMNS = ("display_name", "username")

    @staticmethod
    def name_of(display_name: str, username: str) -> str:
        return display_name or username

    @property
    def scope(self):
        """This person's visibility scope, computed once per request (see accounts.scope)."""
        from accounts.scope import scope_for

        return scope_for(self)


class Region(MP_Node):
    """A node of the jurisdiction tree: city → district → street / park.

    The materialised path (`path`) makes "everything in this subtree" a single indexed
    `path__startswith` filter, which is what every region-scoped selector uses.
    """

    class Kind(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区县")
        STREET = "street", _("街道/镇")
        PARK = "park", _("园区")

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("区划代码"), max_length=20, unique=True)
    kind = models.CharField(_("层级"), max_length=10, choices=Kind.choices)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("辖区")
        verbose_name_plural = _("辖区")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["city", "district", "street", "park"]),
                name="region_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A government unit that handles issues (承办单位)."""

    class Kind(models.TextChoices):
        LINE = "line", _("行管部门")
        TERRITORIAL = "territorial", _("属地街镇")

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所属辖区"), on_delete=models.PROTECT, related_name="units"
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["region__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["line", "territorial"]), name="unit_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name_of(self.short_name, self.name)

    NAME_COLUMNS = ("short_name", "name")

    @staticmethod
    def name_of(short_name: str, name: str) -> str:
        return short_name or name


class Role(models.TextChoices):
    """The staff roles of DESIGN §2. Enterprise users are bound to enterprises instead."""

    LIAISON = "liaison", _("联络员")
    RESPONSIBLE_LEADER = "responsible_leader", _("包保领导")
    DISPATCHER = "dispatcher", _("派单员")
    HANDLER = "handler", _("承办人")
    UNIT_HEAD = "unit_head", _("单位负责人")
    LEADER = "leader", _("领导")
    ADMIN = "admin", _("管理员")
    # Writes the public site's content (policies, interpretations, notices) in the Wagtail admin
    # at /cms/; an administrator reviews and publishes it (DESIGN §9).
    POLICY_EDITOR = "policy_editor", _("政策编辑")


UNIT_ROLES = frozenset({Role.HANDLER, Role.UNIT_HEAD})
# Roles that work in the Wagtail admin (/cms/), with the Django group that carries their Wagtail
# permissions (the groups' permissions are set by `website.setup.site_setup`).
CMS_GROUPS = {"policy_editor": "政策编辑", "admin": "政策审核"}
REGION_ROLES = frozenset(set(Role) - UNIT_ROLES)


class RoleMembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class RoleMembership(models.Model):
    """Person × role × (region | unit). A person may hold several.

    Unit roles (handler, unit head) name a unit; every other role names the region whose subtree
    the person acts in.
    """

    user = models.ForeignKey(
        User, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("辖区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RoleMembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(r.value for r in UNIT_ROLES), unit__isnull=False, region=None)
                    | (
                        ~Q(role__in=sorted(r.value for r in UNIT_ROLES))
                        & Q(region__isnull=False, unit=None)
                    )
                ),
                name="membership_unit_roles_name_a_unit_others_a_region",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(unit=None),
                name="membership_unique_per_region",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(region=None),
                name="membership_unique_per_unit",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit or self.region
        return f"{self.user} · {self.get_role_display()} · {where}"
