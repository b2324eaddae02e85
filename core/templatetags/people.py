"""People on pages (loaded as a builtin): by name, never by e-mail address."""

from django import template

from core.audit import person_name as _person_name

register = template.Library()


@register.filter
def person_name(user) -> str:
    """{{ change.recorded_by|person_name }} → 「生活 太郎」, or 「名前が未登録のアカウント」; never the
    address a user's ``str`` falls back to."""
    return _person_name(user) if user is not None else ""
