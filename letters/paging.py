"""A page of rows a query ordered and cut itself (``LIMIT``/``OFFSET``), for lists whose rows
are more than one model (a prisoner with figures), which ``db.paginate`` cannot page.

It has the attributes ``templates/prisoners/_pagination.html`` reads."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Generic, TypeVar

T = TypeVar("T")


def page_number(text: str | None) -> int:
    """``?page=`` as a page number: 1 for anything missing, wrong or below 1."""
    try:
        return max(1, int(text or 1))
    except ValueError:
        return 1


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int:
        return self.page + 1
