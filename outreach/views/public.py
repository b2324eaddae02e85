"""Public pages for residents (no sign-in): classes, applying, cancelling, the flyer.

No page here shows anything about participants except the places left.
"""

from datetime import datetime, time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import pagecache
from core.ratelimit import RateLimit
from core.refusals import Refusal, put_on_form
from lending.qr import qr_svg  # the one QR drawer (labels use it too)
from outreach import selectors, services
from outreach.forms import ApplicationForm, CancelByReferenceForm, MonthForm
from outreach.models import Application, ClassSession
from outreach.selectors import upcoming_sessions
from outreach.selectors.classes import PUBLIC_CLASSES_CACHE

from ._access import get_public_session

# Online applications (and cancellations) per client per hour: plenty for a family,
# not for a script.
APPLY_LIMIT = RateLimit("outreach.apply", limit=20, window=3600)
CANCEL_LIMIT = RateLimit("outreach.cancel", limit=20, window=3600)

# The confirmation pages' addresses (selectors.application_token): reloadable, bookmarkable.
APPLIED = "applied"
CANCELLED = "cancelled"


def _application_from_token(token: str, purpose: str) -> Application:
    application = selectors.application_by_token(token, purpose)
    if application is None:
        raise Http404
    return application


def _private(response):
    """A page with a reference number: not kept by shared caches, not indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
def public_classes(request):
    """Upcoming classes and how to apply.

    The list is cached per language (``{% cache %}`` in the template) under the version
    that every write to sessions, applications and courses bumps (core.pagecache); the
    query is lazy, so a cached list costs the version lookup and the cache read."""
    sessions = upcoming_sessions(public_only=True)
    return render(
        request,
        "outreach/public_classes.html",
        {
            "sessions": sessions,
            "cache_version": pagecache.version(PUBLIC_CLASSES_CACHE),
            "cache_seconds": pagecache.PUBLIC_CACHE_SECONDS,
            "city": settings.TSUNAGU["city"],
            "section": settings.TSUNAGU["sections"]["dx"],
        },
    )


@login_not_required
def public_session(request, pk: int):
    """One class and its application form (plain Japanese, large text); a cancelled
    class says so, with the reason and whom to call."""
    session = get_public_session(pk)
    if session.is_cancelled:
        return render(
            request,
            "outreach/public_session_cancelled.html",
            {
                "session": session,
                "city": settings.TSUNAGU["city"],
                "section": settings.TSUNAGU["sections"]["dx"],
            },
        )
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if APPLY_LIMIT.exceeded(request):
            form.add_error(None, _("Too many applications from this device. Please call us."))
        else:
            data = form.cleaned_data
            try:
                application = services.application_create(
                    session=session,
                    name=data["name"],
                    name_kana=data["name_kana"],
                    phone=data["phone"],
                    email=data["email"],
                    # The language of the page they applied on is the one we write to them in.
                    language=request.LANGUAGE_CODE,
                    age_band=data["age_band"] or "unknown",
                    phone_type=data["phone_type"],
                    wants_to_learn=data["wants_to_learn"],
                    channel=Application.Channel.ONLINE,
                )
            except Refusal as refusal:
                put_on_form(form, refusal)
            else:
                # Post/redirect/get: reloading the confirmation never posts again.
                return redirect(
                    "outreach:public_applied",
                    token=selectors.application_token(application, APPLIED),
                )
    return render(
        request,
        "outreach/public_session.html",
        {
            "session": session,
            "form": form,
            "city": settings.TSUNAGU["city"],
            "section": settings.TSUNAGU["sections"]["dx"],
        },
    )


@login_not_required
def public_applied(request, token: str):
    """The confirmation of an application, with its reference number and current state."""
    application = _application_from_token(token, APPLIED)
    return _private(
        render(
            request,
            "outreach/public_applied.html",
            {
                "application": application,
                "session": application.session,
                "reference": services.format_reference(application.reference),
                "confirmed": application.status == Application.Status.CONFIRMED,
                "cancelled": application.status == Application.Status.CANCELLED,
                "needs_tablet": application.needs_tablet,
                "has_email": bool(application.email),
                "city": settings.TSUNAGU["city"],
            },
        )
    )


@login_not_required
def public_cancel(request):
    """Cancel an application with the reference number and the phone number, in two
    steps: find it and show which class it is, then cancel on a second, deliberate press."""
    form = CancelByReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if CANCEL_LIMIT.exceeded(request):
            form.add_error(None, _("Too many attempts. Please call us."))
        else:
            data = form.cleaned_data
            found = services.application_by_reference(
                reference=data["reference"], phone=data["phone"]
            )
            if found is None:
                form.add_error(
                    None,
                    _(
                        "We could not find an application with this reference number and "
                        "phone number. Please check them, or call us."
                    ),
                )
            elif request.POST.get("confirm") != "yes":
                return _private(
                    render(
                        request,
                        "outreach/public_cancel_confirm.html",
                        {
                            "form": form,
                            "application": found,
                            "session": found.session,
                            "reference": services.format_reference(found.reference),
                            "city": settings.TSUNAGU["city"],
                        },
                    )
                )
            else:
                try:
                    cancelled = services.application_cancel_by_reference(
                        reference=data["reference"], phone=data["phone"]
                    )
                except Refusal as refusal:
                    put_on_form(form, refusal)
                else:
                    if cancelled is not None:
                        return redirect(
                            "outreach:public_cancelled",
                            token=selectors.application_token(cancelled, CANCELLED),
                        )
    return render(
        request,
        "outreach/public_cancel.html",
        {"form": form, "city": settings.TSUNAGU["city"]},
    )


@login_not_required
def public_cancelled(request, token: str):
    """After cancelling: which application was cancelled (safe to reload)."""
    application = _application_from_token(token, CANCELLED)
    return _private(
        render(
            request,
            "outreach/public_cancelled.html",
            {
                "application": application,
                "session": application.session,
                "reference": services.format_reference(application.reference),
                "city": settings.TSUNAGU["city"],
            },
        )
    )


@login_not_required
def public_flyer(request):
    """A printable flyer of one month's classes (?month=2026-12)."""
    today = timezone.localdate()
    first = MonthForm(request.GET).first_day(today)
    next_month = (first.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
    tz = timezone.get_default_timezone()
    # The whole month, held classes included: on the 30th the classes of the 10th are
    # "held", and a flyer that dropped them said 「この月の教室はありません」.
    sessions = (
        ClassSession.objects.for_residents()
        .filter(
            status__in=[
                ClassSession.Status.OPEN,
                ClassSession.Status.FULL,
                ClassSession.Status.HELD,
            ]
        )
        .filter(
            starts_at__gte=datetime.combine(first, time.min, tzinfo=tz),
            starts_at__lt=datetime.combine(next_month, time.min, tzinfo=tz),
        )
        .select_related("course", "venue")
        .order_by("starts_at", "id")
    )
    previous = (first - timezone.timedelta(days=1)).replace(day=1)
    public_url = settings.SITE_URL + reverse("outreach:public_classes")
    return render(
        request,
        "outreach/public_flyer.html",
        {
            "sessions": sessions,
            "month": first,
            "previous": previous,
            "next": next_month,
            "city": settings.TSUNAGU["city"],
            "section": settings.TSUNAGU["sections"]["dx"],
            "public_url": public_url,
            "qr": qr_svg(public_url, title=_("QR code of the classes page")),
        },
    )
