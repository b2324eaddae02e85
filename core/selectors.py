"""Reads of core that pages and other apps' dashboards use: the outbox and the 連絡リスト."""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.messaging import sections_for_user, thaw_context
from core.models import Message

CALL_LIST_LIMIT = 200  # a bounded page: more open calls than this is a day's work many times over


def messages_for_user(user) -> QuerySet[Message]:
    """Every message of the sections ``user`` answers for (none for anyone else)."""
    return Message.objects.for_sections(sections_for_user(user))


def call_list(user, *, today: date | None = None) -> QuerySet[Message]:
    """Open calls and postcards of ``user``'s sections, due ones first (oldest first)."""
    today = today or timezone.localdate()
    return (
        messages_for_user(user)
        .calls()
        .open()
        .filter(Q(due_on__isnull=True) | Q(due_on__lte=today))
        .order_by("due_on", "created_at", "pk")
    )


def later_calls(user, *, today: date | None = None) -> QuerySet[Message]:
    """Calls brought back to a later day (不在), shown apart until that day comes."""
    today = today or timezone.localdate()
    return messages_for_user(user).calls().open().filter(due_on__gt=today).order_by("due_on", "pk")


def open_call_count(user, *, today: date | None = None) -> int:
    """How many calls and postcards ``user``'s sections have to do today (for dashboards)."""
    if not sections_for_user(user):
        return 0
    return call_list(user, today=today).count()


def postcards_to_print(user) -> QuerySet[Message]:
    return (
        messages_for_user(user)
        .filter(channel=Message.Channel.POSTCARD, status=Message.Status.TO_POST)
        .order_by("created_at", "pk")
    )


def latest_context(template: str, language: str) -> tuple[Message | None, dict]:
    """The newest message built from ``template`` and its context, for a preview on real data."""
    message = (
        Message.objects.filter(template=template, language=language).order_by("-created_at").first()
        or Message.objects.filter(template=template).order_by("-created_at").first()
    )
    if message is None:
        return None, {}
    context = thaw_context(message.context)
    context["recipient"] = message.recipient
    return message, context
