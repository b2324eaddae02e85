"""The public month calendars of a type are cached (core.pagecache): every write that
changes which units are free on which day bumps the type's version, in its own
transaction and after the row locks it takes."""

from collections.abc import Iterable

from core.pagecache import bump
from lending.selectors import availability_cache_key


def bump_availability(equipment_type_ids: Iterable[int]) -> None:
    bump(*(availability_cache_key(pk) for pk in sorted(set(equipment_type_ids))))
