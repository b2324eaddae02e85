"""Template context every page needs: the city's identity and the navigation."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from core.navigation import nav_for_user, public_nav
from core.roles import user_roles


def tsunagu(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "city": settings.TSUNAGU["city"],
        "sections": settings.TSUNAGU["sections"],
        "nav_items": SimpleLazyObject(lambda: nav_for_user(user)),
        "public_nav_items": SimpleLazyObject(public_nav),
        "user_roles": SimpleLazyObject(lambda: user_roles(user)),
    }
