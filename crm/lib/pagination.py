"""Pagination shared by every list page (render with templates/_pagination.html)."""

from django.core.paginator import Page, Paginator
from django.db import connections
from django.utils.functional import cached_property

DEFAULT_PER_PAGE = 25
# Lists that may hold a city's worth of rows count no further than this: past it the page says
# "10,000+" instead of paying for an exact COUNT over everything the viewer may see.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator for lists of a city's size.

    The count stops at `cap` + 1 rows (`SELECT COUNT(*) FROM (… LIMIT cap+1)`, without ORDER
    BY): the database stops reading as soon as it has found that many. When the list is longer,
    `capped` is true, `count` is `cap` + 1 and the pages end there, so no page asks the
    database to skip more than `cap` rows.

    `parts`: querysets whose union is `object_list` (e.g. one per reason to see a row). Where
    the database allows LIMIT inside a UNION (PostgreSQL), the count is that of the union of
    the parts, each limited to `cap` + 1 rows — the same number, min(cap + 1, rows), since a
    part cut at the cap already makes the union longer than the cap — so that each part is
    read through its own index instead of scanning the table for an OR of them all.

    A page's rows are read in two steps in one query: the ids of the page (ordered, offset,
    limited; the joins left out), then those rows with their joins.

    `rows`: the same model's rows, joined and ordered as `object_list` but without its filters
    (e.g. `Issue.objects.order_by(…)` with the list's joins): the page's rows are then read
    from it by id — the filters, visibility included, have already chosen the ids — so that
    neither Django nor the database goes through the filters a second time."""

    def __init__(
        self, object_list, per_page, *, cap: int = COUNT_CAP, parts=None, rows=None, **kwargs
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.parts = list(parts or [])
        self.rows = rows

    @cached_property
    def count(self) -> int:
        limit = self.cap + 1
        features = connections[self.object_list.db].features
        if len(self.parts) > 1 and features.supports_slicing_ordering_in_compound:
            first, *rest = (p.order_by().values("pk")[:limit] for p in self.parts)
            return first.union(*rest)[:limit].count()
        return self.object_list.order_by().values("pk")[:limit].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        """The count as the page shows it: "10,000+" past the cap."""
        return f"{self.cap:,}+" if self.capped else str(self.count)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.object_list.values("pk")[bottom:top]
        rows = self.object_list if self.rows is None else self.rows
        return self._get_page(rows.filter(pk__in=ids), number, self)


def paginate(
    request,
    queryset,
    *,
    per_page: int = DEFAULT_PER_PAGE,
    capped: bool = False,
    parts=None,
    rows=None,
) -> Page:
    """The requested page of `queryset`; a bad or out-of-range page number gives the nearest
    valid page instead of an error. `capped`: count no further than COUNT_CAP rows (for lists
    that grow with the city, where an exact count would cost more than the page); `parts` and
    `rows`: see CappedPaginator."""
    if capped:
        paginator = CappedPaginator(queryset, per_page, cap=COUNT_CAP, parts=parts, rows=rows)
    else:
        paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
