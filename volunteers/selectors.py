"""Reads about volunteers that views and other apps (outreach sign-ups) may use."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from core.fiscal import fiscal_year, fiscal_year_end
from core.messaging import Recipient
from core.roles import Role, has_role
from volunteers.models import Appointment, Skill, TrainingRecord, VolunteerProfile


def all_profiles() -> QuerySet[VolunteerProfile]:
    """Every profile (for other apps that annotate their own facts onto volunteers)."""
    return VolunteerProfile.objects.all()


def recipient_for(profile: VolunteerProfile) -> Recipient:
    """The volunteer as someone our messages reach: their account's address, phone and
    language (outreach's sign-up messages use it too)."""
    return Recipient(
        kind=Recipient.VOLUNTEER,
        name=profile.full_name,
        name_kana=profile.full_name_kana,
        email=profile.user.email,
        phone=profile.phone,
        language=profile.language,
        user=profile.user,
    )


def profiles_for_lists() -> QuerySet[VolunteerProfile]:
    """Profiles with what list pages show, in a constant number of queries."""
    return VolunteerProfile.objects.select_related("user").prefetch_related(
        "skills",
        "training_records",
        Prefetch("appointments", queryset=Appointment.objects.order_by("-fiscal_year")),
    )


def profile_for_user(user) -> VolunteerProfile | None:
    """The signed-in user's own profile, or None if they have not applied."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        VolunteerProfile.objects.select_related("user")
        .prefetch_related("skills", "training_records")
        .filter(user=user)
        .first()
    )


def get_profile_for_viewer(user, pk: int) -> VolunteerProfile:
    """A profile the viewer may open: their own, or any for 総務課. Strangers get 404."""
    queryset = profiles_for_lists()
    if not has_role(user, Role.DX_STAFF):
        queryset = queryset.filter(user=user)
    try:
        return queryset.get(pk=pk)
    except VolunteerProfile.DoesNotExist as exc:
        raise Http404 from exc


def profile_may_sign_up(profile: VolunteerProfile | None) -> bool:
    return bool(profile and profile.may_sign_up)


def profile_is_trained(profile: VolunteerProfile, on: date) -> bool:
    """Completed a training on or before ``on``: may sign up as 講師."""
    return TrainingRecord.objects.filter(profile=profile, completed_on__lte=on).exists()


def approval_queue() -> QuerySet[VolunteerProfile]:
    """Applications waiting for 総務課, oldest first."""
    return (
        profiles_for_lists()
        .filter(status=VolunteerProfile.Status.APPLIED)
        .order_by("created_at", "id")
    )


def appointments_lapsing(*, today: date, within_days: int) -> QuerySet[Appointment]:
    """Appointments of the current fiscal year that end within ``within_days`` and are not
    renewed for the next year, of volunteers who have not left."""
    fy = fiscal_year(today)
    if fiscal_year_end(fy) - today > timedelta(days=within_days):
        return Appointment.objects.none()
    renewed = Appointment.objects.filter(fiscal_year=fy + 1).values("profile_id")
    return (
        Appointment.objects.filter(fiscal_year=fy)
        .exclude(profile_id__in=renewed)
        .exclude(profile__status=VolunteerProfile.Status.LEFT)
        .select_related("profile__user")
        .order_by("profile__full_name_kana")
    )


def profiles_with_skills(skills: list[str]) -> QuerySet[VolunteerProfile]:
    """Volunteers who may sign up and declared every one of ``skills`` (for matching
    classes to volunteers; the courses say which skills their 講師 need)."""
    queryset = profiles_for_lists().filter(status__in=VolunteerProfile.SIGN_UP_STATUSES)
    for skill in skills:
        queryset = queryset.filter(skills__skill=skill)
    return queryset.distinct().order_by("full_name_kana", "pk")


def skill_choices() -> list[tuple[str, str]]:
    """The skills volunteers can declare, for other apps' filters."""
    return list(Skill.choices)


def volunteer_settings() -> dict:
    """The ``[volunteers]`` part of the city file."""
    return settings.TSUNAGU.get("volunteers", {})


def dx_contact() -> dict[str, str]:
    """Whom volunteers call (the DX section): name and phone from the city file."""
    return {
        "section": settings.TSUNAGU["sections"]["dx"],
        "phone": volunteer_settings().get("contact_phone")
        or settings.TSUNAGU["city"].get("phone", ""),
    }
