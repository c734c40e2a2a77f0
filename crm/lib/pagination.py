"""Pagination shared by every list page (render with templates/_pagination.html)."""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

DEFAULT_PER_PAGE = 25
# Lists that may hold a city's worth of rows count no further than this: past it the page says
# "10,000+" instead of paying for an exact COUNT over everything the viewer may see.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap` + 1 rows (`SELECT COUNT(*) FROM (… LIMIT cap+1)`,
    without ORDER BY): the database stops reading as soon as it has found that many. When the
    list is longer, `capped` is true, `count` is `cap` + 1 and the pages end there."""

    def __init__(self, object_list, per_page, *, cap: int = COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        """The count as the page shows it: "10,000+" past the cap."""
        return f"{self.cap:,}+" if self.capped else str(self.count)


def paginate(request, queryset, *, per_page: int = DEFAULT_PER_PAGE, capped: bool = False) -> Page:
    """The requested page of `queryset`; a bad or out-of-range page number gives the nearest
    valid page instead of an error. `capped`: count no further than COUNT_CAP rows (for lists
    that grow with the city, where an exact count would cost more than the page)."""
    paginator = (CappedPaginator if capped else Paginator)(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
