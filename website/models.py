"""The public site (DESIGN §9): home, sections (栏目) and their articles — news, service guides,
policy interpretations (政策解读), application notices (申报通知), result announcements (办理公示) —
all edited in the Wagtail admin at /cms/ and readable without logging in.

Every page keeps a plain-text copy of its words in `search_text` so that the site search can
find a Chinese term anywhere inside it with a substring match (see `website.search`).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models
from django.utils.html import strip_tags
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

LIST_PAGE_SIZE = 20
# Wagtail derives a template name per page class; every article type shares one.
ARTICLE_TEMPLATE = "website/article_page.html"


def plain_text(*values) -> str:
    """The words of text and rich-text values, tags removed, joined by newlines."""
    parts = []
    for value in values:
        if value is None:
            continue
        text = strip_tags(str(value)).replace("&nbsp;", " ")
        parts.append(normalize_newlines(text).strip())
    return "\n".join(p for p in parts if p)


class SearchTextMixin(models.Model):
    """A page with a plain-text copy of its words, for the Chinese substring search.

    `search_text` is derived from the page's own fields when the page row is saved (publishing
    writes the published content to the row), so it never disagrees with what the page shows.
    """

    search_text = models.TextField(_("检索文本"), blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.search_text = self.text_for_search()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        return super().save(*args, **kwargs)

    def text_for_search(self) -> str:
        raise NotImplementedError


class HomePage(SearchTextMixin, Page):
    """The site's home: an introduction, the latest policies, notices and news."""

    intro = RichTextField(_("简介"), blank=True, features=["bold", "link", "ol", "ul"])

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("首页")
        verbose_name_plural = _("首页")

    def text_for_search(self) -> str:
        return plain_text(self.title, self.intro)

    def get_context(self, request, *args, **kwargs):
        from website.selectors import home_blocks

        context = super().get_context(request, *args, **kwargs)
        context.update(home_blocks(home=self))
        return context


class SectionPage(SearchTextMixin, Page):
    """A section (栏目) such as 新闻动态 or 申报通知: lists its live articles, newest first."""

    intro = RichTextField(_("栏目说明"), blank=True, features=["bold", "link"])

    parent_page_types = ["website.HomePage"]
    subpage_types = [
        "website.NewsPage",
        "website.GuidePage",
        "website.InterpretationPage",
        "website.NoticePage",
        "website.AnnouncementPage",
        "website.GenericPage",
    ]
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")

    def text_for_search(self) -> str:
        return plain_text(self.title, self.intro)

    def get_context(self, request, *args, **kwargs):
        from website.selectors import section_articles

        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(section_articles(section=self), LIST_PAGE_SIZE)
        context["page_obj"] = paginator.get_page(request.GET.get("page"))
        return context


class ArticlePage(SearchTextMixin, Page):
    """What every article has: a date, a summary, a body and an optional attachment."""

    published_on = models.DateField(_("发布日期"))
    source = models.CharField(_("来源"), max_length=100, blank=True)
    summary = models.TextField(_("摘要"), blank=True, max_length=500)
    body = RichTextField(_("正文"))
    attachment = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("附件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    parent_page_types = ["website.SectionPage"]
    subpage_types: list[str] = []
    template = ARTICLE_TEMPLATE
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("published_on"), FieldPanel("source"), FieldPanel("summary")],
            heading=_("基本信息"),
        ),
        FieldPanel("body"),
        FieldPanel("attachment"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("published_on"),
    ]

    class Meta:
        abstract = True

    def text_for_search(self) -> str:
        return plain_text(self.title, self.summary, self.body)

    @property
    def kind_label(self) -> str:
        return str(self._meta.verbose_name)


class NewsPage(ArticlePage):
    template = ARTICLE_TEMPLATE

    class Meta:
        verbose_name = _("新闻动态")
        verbose_name_plural = _("新闻动态")


class GuidePage(ArticlePage):
    """A service guide (服务指南): how to get something done, step by step."""

    template = ARTICLE_TEMPLATE

    class Meta:
        verbose_name = _("服务指南")
        verbose_name_plural = _("服务指南")


class GenericPage(ArticlePage):
    template = ARTICLE_TEMPLATE

    class Meta:
        verbose_name = _("普通页面")
        verbose_name_plural = _("普通页面")


class InterpretationPage(ArticlePage):
    """A policy interpretation (政策解读); policies link to theirs (PolicyPage.interpretations)."""

    template = ARTICLE_TEMPLATE

    class Meta:
        verbose_name = _("政策解读")
        verbose_name_plural = _("政策解读")


class NoticePage(ArticlePage):
    """An application notice (申报通知) for a policy, with its application window."""

    template = ARTICLE_TEMPLATE

    policy = models.ForeignKey(
        "policies.PolicyPage",
        verbose_name=_("相关政策"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
    )
    apply_from = models.DateField(_("申报开始"), null=True, blank=True)
    apply_until = models.DateField(_("申报截止"), null=True, blank=True)

    content_panels = [
        *ArticlePage.content_panels,
        MultiFieldPanel(
            [FieldPanel("policy"), FieldPanel("apply_from"), FieldPanel("apply_until")],
            heading=_("申报"),
        ),
    ]

    class Meta:
        verbose_name = _("申报通知")
        verbose_name_plural = _("申报通知")


class AnnouncementPage(ArticlePage):
    """A result announcement (办理公示): who received a policy's benefit."""

    template = ARTICLE_TEMPLATE

    policy = models.ForeignKey(
        "policies.PolicyPage",
        verbose_name=_("相关政策"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="announcements",
    )
    objection_until = models.DateField(_("公示截止"), null=True, blank=True)

    content_panels = [
        *ArticlePage.content_panels,
        MultiFieldPanel([FieldPanel("policy"), FieldPanel("objection_until")], heading=_("公示")),
    ]

    class Meta:
        verbose_name = _("办理公示")
        verbose_name_plural = _("办理公示")


# The page types whose live pages the site search looks through, in the order results are shown
# (policies first; see policies.models, registered by name to keep this app below policies).
ARTICLE_MODELS = (
    InterpretationPage,
    NoticePage,
    AnnouncementPage,
    GuidePage,
    NewsPage,
    GenericPage,
)
