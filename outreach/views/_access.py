"""One place that decides who may open which session."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from core.roles import Role, has_role
from outreach.models import Application, ClassSession
from outreach.selectors import upcoming_sessions


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
    """Residents see resident classes that are open or full and have not started."""
    return get_object_or_404(upcoming_sessions(public_only=True), pk=pk)
