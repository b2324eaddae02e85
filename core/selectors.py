"""Reads of core that pages and other apps use: the outbox and the 連絡リスト, the staff audit log and the accounts list."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import Resolver404, resolve
from django.utils import timezone

from core.audit import SYSTEM_ACTORS, registered_actions
from core.messaging import sections_for_user, thaw_context
from core.models import AuditEntry, Message, User
from core.roles import ROLE_SECTIONS, Role, user_roles

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
    """How many calls and postcards ``user``'s sections have to do today (for dashboards).

    ``call_list(user).count()`` in plain SQL: the desk and the class list show it on every
    request, and the ORM took 15 times as long to build that count as the database took
    to run it (issue 18). ``tests/core/test_call_list.py`` holds the two to one answer."""
    sections = sections_for_user(user)
    if not sections:
        return 0
    channels = (Message.Channel.CALL, Message.Channel.POSTCARD)
    statuses = Message.OPEN_STATUSES
    values = [*sections, *(c.value for c in channels), *(s.value for s in statuses)]
    marks = lambda items: ", ".join(["%s"] * len(items))  # noqa: E731
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {Message._meta.db_table} "  # noqa: S608 - our table, placeholders
            f"WHERE section IN ({marks(sections)}) AND channel IN ({marks(channels)}) "
            f"AND status IN ({marks(statuses)}) AND (due_on IS NULL OR due_on <= %s)",
            [*values, today or timezone.localdate()],
        )
        return cursor.fetchone()[0]


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


EVERYTHING = "*"


# --- The audit log ----------------------------------------------------------------------


def audit_scopes() -> dict[str, list[str]]:
    """{section key: [app labels whose entries its staff read]} from the city file's [audit_log].

    "*" reads every entry. The 管理者 role reads every entry whatever the file says.
    """
    return {
        section: list(prefixes)
        for section, prefixes in settings.TSUNAGU.get("audit_log", {}).items()
    }


def audit_prefixes_for(user) -> list[str] | None:
    """The action prefixes (``"lending."``) ``user`` may read; None means every entry."""
    roles = user_roles(user)
    if Role.ADMINISTRATOR in roles:
        return None
    scopes = audit_scopes()
    prefixes: set[str] = set()
    for role, section in ROLE_SECTIONS.items():
        if role in roles:
            for app_label in scopes.get(section, []):
                if app_label == EVERYTHING:
                    return None
                prefixes.add(f"{app_label}.")
    return sorted(prefixes)


def _visible(action: str, prefixes: list[str] | None) -> bool:
    return prefixes is None or action.startswith(tuple(prefixes))


def audit_action_choices(user) -> list[tuple[str, str]]:
    """(name, label) of every declared action ``user`` may read, sorted by label."""
    prefixes = audit_prefixes_for(user)
    choices = [
        (name, str(label))
        for name, label in registered_actions().items()
        if _visible(name, prefixes)
    ]
    return sorted(choices, key=lambda choice: (choice[1], choice[0]))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_log_entries(
    user,
    *,
    person: str = "",
    record: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """The entries ``user`` may read, newest first, filtered (dates are office days, inclusive)."""
    entries = AuditEntry.objects.select_related("actor").defer("changes")
    prefixes = audit_prefixes_for(user)
    if prefixes is not None:
        scope = Q(pk__in=[])
        for prefix in prefixes:
            scope |= Q(action__startswith=prefix)
        entries = entries.filter(scope)
    if person:
        # Tsunagu's own work reads 「つなぐ（自動処理）」 but is stored as a code.
        system_codes = [
            code for code, label in SYSTEM_ACTORS.items() if person.lower() in str(label).lower()
        ]
        entries = entries.filter(
            Q(actor__full_name__icontains=person)
            | Q(actor__email__iexact=person)
            | Q(actor__isnull=True, actor_label__icontains=person)
            | Q(actor__isnull=True, actor_label__in=system_codes)
        )
    if record:
        entries = entries.filter(target_repr__icontains=record)
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(at__gte=_day_start(date_from))
    if date_to:
        entries = entries.filter(at__lt=_day_start(date_to + timedelta(days=1)))
    return entries.order_by("-at", "-id")


def audit_links(user, entries: Iterable[AuditEntry]) -> dict[int, str]:
    """{entry id: URL of its record} for the records ``user`` may open.

    A record gets a link only when its model has ``get_absolute_url`` and that URL
    leads to a public page or to a view guarded by ``core.roles.role_required`` with
    a role the viewer holds. Anything else (no URL, a view checked otherwise, a
    record gone) shows as plain text: the log never offers a page the viewer cannot
    open. One query per kind of record on the page, whatever the number of rows.
    """
    by_type: dict[int, dict[str, list[AuditEntry]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        by_type[entry.target_type_id][entry.target_id].append(entry)
    roles = user_roles(user)
    links: dict[int, str] = {}
    for type_id, by_id in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None or not hasattr(model, "get_absolute_url"):
            continue
        ids = [_pk(model, target_id) for target_id in by_id]
        records = model._base_manager.in_bulk([pk for pk in ids if pk is not None])
        for pk, record in records.items():
            url = record.get_absolute_url()
            if not _may_open(url, roles):
                continue
            for entry in by_id[str(pk)]:
                links[entry.pk] = url
    return links


def _pk(model, target_id: str):
    try:
        return model._meta.pk.to_python(target_id)
    except Exception:  # noqa: BLE001 - an id that no longer parses simply gets no link
        return None


def _may_open(url: str, roles: frozenset[str]) -> bool:
    try:
        match = resolve(url)
    except Resolver404:
        return False
    view = match.func
    if getattr(view, "login_required", True) is False:
        return True  # a public page (@login_not_required): anyone may open it
    required = getattr(view, "required_roles", None)
    view_class = getattr(view, "view_class", None)
    if required is None and view_class is not None:
        required = getattr(view_class.dispatch, "required_roles", None)
    return bool(required and roles & required)


# --- Accounts ---------------------------------------------------------------------------


def accounts_with_roles(*, query: str = "", role: str = "", active: str = "") -> QuerySet[User]:
    """Accounts with their roles (prefetched) and whether they use two-step verification.

    ``role`` is a role name, or "none" for accounts without any; ``active`` is
    "yes", "no" or "" (both).
    """
    from allauth.mfa.models import Authenticator

    accounts = User.objects.annotate(
        has_two_factor=Exists(Authenticator.objects.filter(user=OuterRef("pk")))
    ).prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
    if query:
        accounts = accounts.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if role == "none":
        accounts = accounts.filter(groups__isnull=True)
    elif role:
        accounts = accounts.filter(groups__name=role)
    if active == "yes":
        accounts = accounts.filter(is_active=True)
    elif active == "no":
        accounts = accounts.filter(is_active=False)
    return accounts.order_by("-is_active", "full_name", "email")


def role_names_of(account: User) -> list[str]:
    """Role labels of an account whose groups were prefetched, in the order of ``Role``."""
    names = {group.name for group in account.groups.all()}
    return [str(role.label) for role in Role if role.value in names]
