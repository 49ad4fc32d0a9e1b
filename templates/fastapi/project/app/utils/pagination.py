"""Page-number pagination shared by every list endpoint."""

from dataclasses import dataclass
from typing import Generic, TypeVar

from app.utils.envelope import PageMeta

T = TypeVar("T")


@dataclass(frozen=True)
class PageParams:
    """A validated page request: 1-based `page` and `limit` items per page."""

    page: int
    limit: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


@dataclass
class Page(Generic[T]):
    """One page of results and the total number of matching rows."""

    items: list[T]
    total: int
    params: PageParams

    @property
    def meta(self) -> PageMeta:
        params = self.params
        return PageMeta(page=params.page, limit=params.limit, total=self.total)
