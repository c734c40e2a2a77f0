"""The public site's skeleton and the Wagtail roles, created once and checked on every run:
`python manage.py site_setup` (also run by `seed_demo`). Idempotent.

- the home page (replacing Wagtail's placeholder) as the default site's root;
- the policy library and the sections (政策解读, 申报通知, 办理公示, 服务指南, 新闻动态);
- the groups behind the roles (accounts.models.CMS_GROUPS): 政策编辑 writes and submits,
  政策审核 (administrators) reviews and publishes;
- the moderation workflow 政策审核发布 on the whole site: draft → submitted → published, with
  every revision kept (Wagtail keeps them).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.models import CMS_GROUPS

HOME_TITLE = "亲清 · 政策直达"
SECTIONS = [
    ("interpretations", "政策解读", "对重点政策的权威解读，看得懂、用得上。"),
    ("notices", "申报通知", "各类政策、项目的申报通知与申报时间。"),
    ("announcements", "办理公示", "政策兑现结果与拟支持名单的公示。"),
    ("guides", "服务指南", "企业办事指南：要件、流程、时限一次说清。"),
    ("news", "新闻动态", "政企服务工作动态。"),
]
WORKFLOW_NAME = "政策审核发布"
EDITOR_GROUP = CMS_GROUPS["policy_editor"]
REVIEWER_GROUP = CMS_GROUPS["admin"]
PAGE_PERMISSIONS = {
    EDITOR_GROUP: ["add_page", "change_page", "lock_page"],
    REVIEWER_GROUP: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
COLLECTION_PERMISSIONS = [
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
]


def _wagtail_roots() -> Page:
    """Wagtail's own roots (default locale, root page, root collection), which its migrations
    create; recreated here when a database was flushed (e.g. between transactional tests)."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


def _home():
    from website.models import HomePage

    root = _wagtail_roots()
    home = HomePage.objects.first()
    if home is not None:
        return home
    for placeholder in root.get_children().filter(content_type__model="page"):
        if placeholder.numchild == 0:  # Wagtail's "Welcome to your new Wagtail site!"
            placeholder.delete()
    root.refresh_from_db()
    home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home"))
    home.save_revision().publish()
    return home


def _child(parent, model, slug: str, title: str, **fields):
    found = parent.get_children().filter(slug=slug).first()
    if found is not None:
        return found.specific
    parent.refresh_from_db()
    page = parent.add_child(instance=model(title=title, slug=slug, show_in_menus=True, **fields))
    page.save_revision().publish()
    return page


def _groups(home) -> None:
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    collection = Collection.get_first_root_node()
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access)
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
        for app_label, codename in COLLECTION_PERMISSIONS:
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )


def _workflow(home) -> None:
    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    task = GroupApprovalTask.objects.filter(name="审核发布").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="审核发布")
    task.groups.set([Group.objects.get(name=REVIEWER_GROUP)])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})


@transaction.atomic
def site_setup() -> dict:
    from policies.models import PolicyIndexPage
    from website.models import SectionPage

    home = _home()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=HOME_TITLE,
        )
    elif site.root_page_id != home.pk or site.site_name != HOME_TITLE:
        site.root_page = home
        site.site_name = HOME_TITLE
        site.save()
    library = _child(
        home,
        PolicyIndexPage,
        "policies",
        "政策库",
        intro="<p>现行有效的惠企政策，按“减、免、缓、奖、补”分类，注明兑现方式，可按行业、规模、区域筛选。</p>",
    )
    sections = {
        slug: _child(home, SectionPage, slug, title, intro=f"<p>{intro}</p>")
        for slug, title, intro in SECTIONS
    }
    _groups(home)
    _workflow(home)
    return {"home": home, "library": library, "sections": sections}
