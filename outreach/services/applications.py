"""Applications: capacity, waiting list with promotion, reference numbers.

Overbooking is prevented twice: the session row is locked (SELECT … FOR UPDATE
on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers anyway), and
the confirmed counter is raised with a conditional UPDATE guarded by a check
constraint (``confirmed_count <= capacity``).
"""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import RESIDENT_ONLINE, audit_record
from core.pagecache import bump
from core.refusals import Refusal
from outreach.models import Application, ClassSession, normalise_phone, person_key_for
from outreach.selectors.classes import ANALYSIS_CACHE, PUBLIC_CLASSES_CACHE

from .notices import tell_promoted

REFERENCE_DIGITS = 8  # read out over the phone as 4 + 4 digits


class DuplicateApplication(Refusal):
    """The same person (name + phone) already holds a place or a waiting-list entry.

    Staff are told the reference number; someone applying online is not (anyone who
    knows a name and a phone number could otherwise read it)."""

    def __init__(self, existing: Application, *, for_staff: bool):
        self.existing = existing
        if for_staff:
            message = _(
                "This person has already applied for this class (reference number %(ref)s)."
            ) % {"ref": format_reference(existing.reference)}
        else:
            message = _(
                "You have already applied for this class. If you lost your reference "
                "number, please call us."
            )
        super().__init__(message)


def format_reference(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:]}" if len(reference) == REFERENCE_DIGITS else reference


def normalise_reference(text: str) -> str:
    return normalise_phone(text)  # digits only, full-width digits allowed


def _new_reference() -> str:
    while True:
        reference = "".join(secrets.choice("0123456789") for _ in range(REFERENCE_DIGITS))
        if reference[0] != "0" and not Application.objects.filter(reference=reference).exists():
            return reference


def _refresh_full_status(session: ClassSession) -> None:
    """OPEN ↔ FULL follows the counter; other states are left alone."""
    wanted = None
    if session.status == ClassSession.Status.OPEN and session.confirmed_count >= session.capacity:
        wanted = ClassSession.Status.FULL
    elif session.status == ClassSession.Status.FULL and session.confirmed_count < session.capacity:
        wanted = ClassSession.Status.OPEN
    if wanted:
        session.status = wanted
        ClassSession.objects.filter(pk=session.pk).update(status=wanted)


def _take_place(session: ClassSession) -> bool:
    """Raise the confirmed counter if a place is left; True when a place was taken."""
    taken = ClassSession.objects.filter(pk=session.pk, confirmed_count__lt=F("capacity")).update(
        confirmed_count=F("confirmed_count") + 1
    )
    if taken:
        session.confirmed_count += 1
    return bool(taken)


def _promote_waitlisted(session: ClassSession, *, by, actor_label: str = "") -> list[Application]:
    """Move people up from the waiting list, first come first served, while places are left,
    and tell each of them (whatever freed the place). The caller holds the session lock."""
    promoted = []
    waiting = session.applications.filter(status=Application.Status.WAITLISTED).order_by(
        "created_at", "id"
    )
    for application in waiting:
        if not _take_place(session):
            break
        application.status = Application.Status.CONFIRMED
        application.promoted_at = timezone.now()
        application.save(update_fields=["status", "promoted_at"])
        audit_record(
            actor=by,
            actor_label=actor_label,
            action="outreach.application.promoted",
            target=application,
            changes={"status": [Application.Status.WAITLISTED, Application.Status.CONFIRMED]},
        )
        tell_promoted(application, session)
        promoted.append(application)
    return promoted


def _supported_language(language: str) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    base = (language or "").split("-")[0].lower()
    return base if base in codes else settings.LANGUAGE_CODE


def application_create(
    *,
    session: ClassSession,
    name: str,
    phone: str,
    phone_type: str,
    channel: str,
    name_kana: str = "",
    age_band: str = "unknown",
    wants_to_learn: str = "",
    email: str = "",
    language: str = "",
    by=None,
) -> Application:
    """Take an application: a confirmed place while any is left, else the waiting list.

    ``by`` is the staff member for phone/counter applications, None online.
    ``language`` is the one the resident used (our messages to them are in it);
    ``email`` is optional: without it, messages become calls on 総務課's list.
    Raises DuplicateApplication if the same name + phone already holds an active
    application for this session, a Refusal if the session takes none."""
    is_staff_entry = by is not None and getattr(by, "is_authenticated", False)
    actor_label = "" if is_staff_entry else RESIDENT_ONLINE
    name = " ".join(name.split())
    if not name or not normalise_phone(phone):
        raise Refusal(_("Please give a name and a phone number."))
    key = person_key_for(name, phone)
    with transaction.atomic():
        locked = ClassSession.objects.select_for_update().get(pk=session.pk)
        bump(PUBLIC_CLASSES_CACHE, ANALYSIS_CACHE)  # pages that show this (core.pagecache)
        allowed = {ClassSession.Status.OPEN, ClassSession.Status.FULL}
        if is_staff_entry:
            allowed.add(ClassSession.Status.PLANNED)
        if locked.status not in allowed:
            raise Refusal(_("This class does not take applications."))
        if locked.starts_at <= timezone.now():
            raise Refusal(_("This class has already started."))
        existing = (
            locked.applications.exclude(status=Application.Status.CANCELLED)
            .filter(person_key=key)
            .first()
        )
        if existing:
            raise DuplicateApplication(existing, for_staff=is_staff_entry)
        status = (
            Application.Status.CONFIRMED if _take_place(locked) else Application.Status.WAITLISTED
        )
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    session=locked,
                    reference=_new_reference(),
                    name=name,
                    name_kana=" ".join(name_kana.split()),
                    phone=phone.strip(),
                    email=email.strip(),
                    language=_supported_language(language),
                    age_band=age_band,
                    phone_type=phone_type,
                    wants_to_learn=wants_to_learn.strip(),
                    person_key=key,
                    status=status,
                    channel=channel,
                )
        except IntegrityError as exc:  # a duplicate that slipped past the check above
            raise Refusal(_("This person has already applied for this class.")) from exc
        _refresh_full_status(locked)
        audit_record(
            actor=by,
            actor_label=actor_label,
            action="outreach.application.created",
            target=application,
            changes={"status": [None, status], "channel": [None, channel]},
        )
    session.confirmed_count, session.status = locked.confirmed_count, locked.status
    return application


def application_cancel(
    *, application: Application, by=None, actor_label: str = ""
) -> list[Application]:
    """Cancel one application; a freed place goes to the first on the waiting list.
    Returns the applications that were moved up."""
    with transaction.atomic():
        session = ClassSession.objects.select_for_update().get(pk=application.session_id)
        bump(PUBLIC_CLASSES_CACHE, ANALYSIS_CACHE)  # pages that show this (core.pagecache)
        current = Application.objects.select_for_update().get(pk=application.pk)
        if current.status == Application.Status.CANCELLED:
            return []
        if session.status == ClassSession.Status.HELD:
            raise Refusal(_("The class has already been held."))
        was = current.status
        current.status = Application.Status.CANCELLED
        current.cancelled_at = timezone.now()
        current.save(update_fields=["status", "cancelled_at"])
        audit_record(
            actor=by,
            actor_label=actor_label,
            action="outreach.application.cancelled",
            target=current,
            changes={"status": [was, current.status]},
        )
        promoted: list[Application] = []
        if was == Application.Status.CONFIRMED:
            ClassSession.objects.filter(pk=session.pk).update(
                confirmed_count=F("confirmed_count") - 1
            )
            session.confirmed_count -= 1
            if session.status != ClassSession.Status.CANCELLED:
                promoted = _promote_waitlisted(session, by=by, actor_label=actor_label)
            _refresh_full_status(session)
    application.status, application.cancelled_at = current.status, current.cancelled_at
    return promoted


def application_by_reference(*, reference: str, phone: str) -> Application | None:
    """The resident's own live application, found by the reference number and the phone
    number they gave. Both must match (the reference alone could be guessed)."""
    digits = normalise_reference(reference)
    phone_digits = normalise_phone(phone)
    if not digits or not phone_digits:
        return None
    application = (
        Application.objects.filter(reference=digits, anonymised_at__isnull=True)
        .exclude(status=Application.Status.CANCELLED)
        .select_related("session", "session__venue")
        .first()
    )
    if application is None or normalise_phone(application.phone) != phone_digits:
        return None
    return application


def application_cancel_by_reference(*, reference: str, phone: str) -> Application | None:
    """A resident cancels with the reference number and the phone number they gave.
    None when nothing matches."""
    application = application_by_reference(reference=reference, phone=phone)
    if application is None:
        return None
    application_cancel(application=application, actor_label=RESIDENT_ONLINE)
    return application
