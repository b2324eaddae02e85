"""One place that decides who may open which session, application or sign-up."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.roles import Role, has_role
from outreach.models import Application, ClassSession, VolunteerSignup
from outreach.selectors import upcoming_sessions, volunteer_sessions, with_signup_counts
from volunteers import selectors as volunteer_selectors


def get_session_for_staff(request, pk: int) -> ClassSession:
    """総務課 staff see every session; anyone else gets 404 (the views are role-guarded too)."""
    if not has_role(request.user, Role.DX_STAFF):
        raise Http404
    return get_object_or_404(
        ClassSession.objects.select_related("course", "venue", "series"), pk=pk
    )


def get_application_for_staff(request, pk: int) -> Application:
    if not has_role(request.user, Role.DX_STAFF):
        raise Http404
    return get_object_or_404(Application.objects.select_related("session"), pk=pk)


def get_public_session(pk: int) -> ClassSession:
    """Residents see resident classes that are open or full and have not started, and a
    cancelled class (its page says so: a flyer or a mail may still point to it)."""
    session = get_object_or_404(
        ClassSession.objects.for_residents().select_related("course", "venue", "moved_from_venue"),
        pk=pk,
    )
    if session.is_cancelled or upcoming_sessions(public_only=True).filter(pk=pk).exists():
        return session
    raise Http404


def get_session_for_volunteers(pk: int) -> ClassSession:
    """A class volunteers help at (resident classes, not cancelled), with its counts; else 404."""
    return get_object_or_404(with_signup_counts(volunteer_sessions()), pk=pk)


def get_signup_for_user(request, pk: int) -> VolunteerSignup:
    """総務課 open any sign-up, a volunteer their own; anyone else's is 404."""
    signups = VolunteerSignup.objects.select_related("session", "session__venue")
    if not has_role(request.user, Role.DX_STAFF):
        profile = volunteer_selectors.profile_for_user(request.user)
        if profile is None:
            raise Http404
        signups = signups.filter(volunteer=profile)
    return get_object_or_404(signups, pk=pk)


def get_own_profile(request):
    """The signed-in person's volunteer profile, whatever its status (an applicant sees
    their application; someone who left, their record). None for someone with the
    volunteer role who has not registered yet; 403 for anyone else."""
    profile = volunteer_selectors.profile_for_user(request.user)
    if profile is None and not has_role(request.user, Role.VOLUNTEER):
        raise PermissionDenied
    return profile
