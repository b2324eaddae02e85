"""Navigation by role, gathered from each app's AppConfig.

An app lists ``nav_items`` as (label, url name, roles) — roles empty means every
signed-in user — and ``public_nav_items`` as (label, url name). Core never
imports the other apps: it only reads what they declare. Core's own pages (accounts,
facilities, the audit log) come after the apps' pages: a person's daily work first.
"""

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse

from core.roles import user_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    url_name: str


def _apps_core_last() -> list:
    configs = list(apps.get_app_configs())
    return [c for c in configs if c.label != "core"] + [c for c in configs if c.label == "core"]


def nav_for_user(user) -> list[NavItem]:
    roles = user_roles(user)
    items = []
    for config in _apps_core_last():
        for label, url_name, allowed in getattr(config, "nav_items", []):
            if not allowed or roles & set(allowed):
                items.append(NavItem(str(label), reverse(url_name), url_name))
    return items


def public_nav() -> list[NavItem]:
    items = []
    for config in apps.get_app_configs():
        for label, url_name in getattr(config, "public_nav_items", []):
            items.append(NavItem(str(label), reverse(url_name), url_name))
    return items
