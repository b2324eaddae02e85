"""The public month calendars of a type are cached (core.pagecache): every write that
takes units or days (requests, overdue holds, repairs, retirements, new units) or
gives days back outside the kiosk (cancellations, releases) bumps the type's version,
in its own transaction and after the row locks it takes. A return does not: it only
frees days, so a cached calendar may show the unit taken for at most
``PUBLIC_CACHE_SECONDS`` (never free when it is not), and the kiosk scan stays lean."""

from collections.abc import Iterable

from core.pagecache import bump
from lending.selectors import availability_cache_key


def bump_availability(equipment_type_ids: Iterable[int]) -> None:
    bump(*(availability_cache_key(pk) for pk in sorted(set(equipment_type_ids))))
