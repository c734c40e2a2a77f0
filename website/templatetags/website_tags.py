"""The public site's shell: its menu (the home page's live children shown in menus)."""

from django import template
from wagtail.models import Site

register = template.Library()


@register.inclusion_tag("website/_menu.html", takes_context=True)
def public_menu(context):
    """Two queries: the site (cached per request by Wagtail) and the menu pages."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    items = []
    if site is not None:
        items = list(site.root_page.get_children().live().in_menu().order_by("path"))
    current = getattr(context.get("page"), "url_path", "") or ""
    return {
        "request": request,
        "home": site.root_page if site else None,
        "items": [
            {"page": p, "active": bool(current) and current.startswith(p.url_path)} for p in items
        ],
    }
