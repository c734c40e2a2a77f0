"""Cursor pagination by id, newest first: each page is one indexed range query whatever its
depth (no OFFSET, no COUNT), so lists stay constant-cost at city and province scale."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "-pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
