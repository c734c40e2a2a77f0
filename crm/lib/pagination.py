"""Pagination shared by every list page (render with templates/_pagination.html)."""

from django.core.paginator import Page, Paginator

DEFAULT_PER_PAGE = 25


def paginate(request, queryset, *, per_page: int = DEFAULT_PER_PAGE) -> Page:
    """The requested page of `queryset`; a bad or out-of-range page number gives the nearest
    valid page instead of an error."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
