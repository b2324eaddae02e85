"""Every URL pattern of the site, with real arguments from the demo data, and the personas.

Shared by the permission matrix (tests/core/test_permission_matrix.py), the export
check (tests/core/test_exports_formula_safe.py) and the fuzz suite (tests/fuzz/). The demo
data (``seed_demo``) is seeded once per test module inside a transaction that is
rolled back at the end (``seeded_site``).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from core.roles import Role

# Every URL of Django's admin site is one row: they share one rule (superusers only,
# through allauth's sign-in) and their number follows the registered models.
ADMIN_ROW = "admin:*"


@dataclass(frozen=True)
class Pattern:
    name: str  # "lending:reservation_detail"; ADMIN_ROW for the admin site
    route: str  # "lending/reservations/<int:pk>/", for messages


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if namespace.startswith("admin:"):
                yield Pattern(ADMIN_ROW, "admin/…")
            else:
                yield Pattern(namespace + (entry.name or route), route)


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the project, once each (the admin site as one row)."""
    seen: dict[str, Pattern] = {}
    for pattern in _walk(get_resolver()):
        seen.setdefault(pattern.name, pattern)
    return list(seen.values())


# --- personas ------------------------------------------------------------------------------
# One account per role (the lending lead also has the desk role, as the 管理者 gives it), a
# signed-in account without any role, and nobody signed in. The volunteer, the group
# representative and the kiosk are the demo accounts, so their own records exist.
PERSONAS = (
    "anonymous",
    "no_role",
    "lending_staff",
    "lending_lead",
    "dx_staff",
    "administrator",
    "volunteer",
    "org_representative",
    "kiosk",
)
_PERSONA_ROLES = {
    "no_role": [],
    "lending_staff": [Role.LENDING_STAFF],
    "lending_lead": [Role.LENDING_STAFF, Role.LENDING_LEAD],
    "dx_staff": [Role.DX_STAFF],
    "administrator": [Role.ADMINISTRATOR],
}
_DEMO_ACCOUNTS = {
    "volunteer": "volunteer@example.jp",
    "org_representative": "jichikai@example.jp",
    "kiosk": "kiosk@example.jp",
}


def persona_users() -> dict:
    """{persona: user or None}; staff personas are made here with exactly their roles."""
    from allauth.account.models import EmailAddress

    from core.models import User

    users = {"anonymous": None}
    for persona, roles in _PERSONA_ROLES.items():
        email = f"matrix-{persona.replace('_', '-')}@example.jp"
        user = User.objects.create_user(email=email, password="x" * 12, full_name=persona)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        for role in roles:
            user.groups.add(Group.objects.get(name=role))
        users[persona] = user
    for persona, email in _DEMO_ACCOUNTS.items():
        users[persona] = User.objects.get(email=email)
    return users


def client_as(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


# --- arguments ---------------------------------------------------------------------------------


def _pk(model_label: str, **filters) -> Callable[[], dict]:
    def kwargs() -> dict:
        from django.apps import apps

        model = apps.get_model(model_label)
        row = model.objects.filter(**filters).order_by("pk").first()
        assert row is not None, f"the demo data has no {model_label} {filters}"
        return {"pk": row.pk}

    return kwargs


def _own_reservation() -> dict:
    from lending.models import Reservation

    rep = _demo("jichikai@example.jp")
    row = (
        Reservation.objects.filter(organisation__memberships__user=rep)
        .order_by("-pk")
        .values("pk")
        .first()
    )
    return {"pk": row["pk"]}


def _own_signup() -> dict:
    from outreach.models import VolunteerSignup

    row = (
        VolunteerSignup.objects.filter(
            volunteer__user=_demo("volunteer@example.jp"), status="confirmed"
        ).first()
        or VolunteerSignup.objects.filter(volunteer__user=_demo("volunteer@example.jp")).first()
    )
    return {"pk": row.pk}


def _demo(email: str):
    from core.models import User

    return User.objects.get(email=email)


def _open_loan() -> dict:
    from lending.models import Loan

    return {"pk": Loan.objects.filter(returned_at__isnull=True).order_by("pk").first().pk}


def _message_template() -> dict:
    return {"language": "ja", "template": "lending/mail/approved"}


def _item_token() -> dict:
    from lending.models import Item

    return {"token": Item.objects.order_by("pk").first().qr_token}


def _core_invitation_token() -> dict:
    from core.models import Invitation

    return {"token": Invitation.objects.order_by("pk").first().token}


def _rep_invitation_token() -> dict:
    from lending.models import RepresentativeInvitation

    return {"token": RepresentativeInvitation.objects.order_by("pk").first().token}


def _calendar_token() -> dict:
    from outreach.models import CalendarFeed

    feed, _ = CalendarFeed.objects.get_or_create(
        volunteer=_demo("volunteer@example.jp").volunteer_profile
    )
    return {"token": feed.token}


def _held_session() -> dict:
    from django.utils import timezone

    from outreach.models import ClassSession

    row = ClassSession.objects.filter(starts_at__lt=timezone.now()).order_by("-starts_at").first()
    return {"pk": row.pk}


def _future_session() -> dict:
    from django.utils import timezone

    from outreach.models import ClassSession

    row = (
        ClassSession.objects.filter(starts_at__gt=timezone.now(), status="open")
        .order_by("starts_at")
        .first()
    )
    return {"pk": row.pk}


def _kpi(code_kwargs: bool = False, year: bool = False) -> Callable[[], dict]:
    def kwargs() -> dict:
        from kpi.models import KpiDefinition

        out = {"fiscal_year": 2025}
        if code_kwargs:
            out["code"] = KpiDefinition.objects.order_by("pk").first().code
        if year:
            out["year"] = 2025
        return out

    return kwargs


def _staff_session() -> dict:
    from outreach.models import ClassSession

    row = ClassSession.objects.filter(course__audience="staff").order_by("-starts_at").first()
    assert row is not None, "the demo data has no class for city staff"
    return {"pk": row.pk}


def _application_token(purpose: str) -> Callable[[], dict]:
    def kwargs() -> dict:
        from outreach.models import Application
        from outreach.selectors import application_token

        rows = Application.objects.filter(anonymised_at__isnull=True)
        if purpose == "cancelled":
            rows = rows.filter(status="cancelled")
        row = rows.order_by("pk").first()
        assert row is not None, f"the demo data has no application for {purpose}"
        return {"token": application_token(row, purpose)}

    return kwargs


def _measure(path: str = "") -> Callable[[], dict]:
    def kwargs() -> dict:
        from kpi.models import Measure

        out = {"fiscal_year": 2025}
        if path == "code":
            out["code"] = (
                Measure.objects.filter(period__code="dx-policy-2021").order_by("pk").first().code
            )
        return out

    return kwargs


# Arguments for every pattern that takes some; a pattern without arguments needs no line.
ARGUMENTS: dict[str, Callable[[], dict]] = {
    "core:message_detail": _pk("core.Message"),
    "core:message_retry": _pk("core.Message", status="failed"),
    "core:call_record": _pk("core.Message", channel="call"),
    "core:message_template_reset": _message_template,
    "core:message_template_edit": _message_template,
    "core:account_detail": _pk("core.User", email="seikatsu@example.jp"),
    "core:account_roles": _pk("core.User", email="seikatsu@example.jp"),
    "core:account_deactivate": _pk("core.User", email="seikatsu@example.jp"),
    "core:account_reactivate": _pk("core.User", email="seikatsu@example.jp"),
    "core:account_two_factor_reset": _pk("core.User", email="seikatsu@example.jp"),
    "core:invitation_resend": _pk("core.Invitation"),
    "core:invitation_cancel": _pk("core.Invitation"),
    "core:invitation_accept": _core_invitation_token,
    "core:facility_edit": _pk("core.Facility"),
    "core:facility_retire": _pk("core.Facility"),
    "core:facility_reinstate": _pk("core.Facility"),
    "account_confirm_email": lambda: {"key": "not-a-key"},
    "account_reset_password_from_key": lambda: {"uidb36": "1", "key": "not-a-key"},
    "lending:kiosk_components": lambda: {"loan_id": _open_loan()["pk"]},
    "lending:item_link": _item_token,
    "lending:availability_calendar": _pk("lending.EquipmentType", is_active=True),
    "lending:reservation_detail": _pk("lending.Reservation"),
    "lending:reservation_approve": _pk("lending.Reservation", state="requested"),
    "lending:reservation_reject": _pk("lending.Reservation", state="requested"),
    "lending:reservation_cancel": _pk("lending.Reservation", state="requested"),
    "lending:reservation_hand_out": _pk("lending.Reservation", state="approved"),
    "lending:reservation_release": _pk("lending.Reservation", state="approved"),
    "lending:reservation_slip": _pk("lending.Reservation"),
    "lending:counter_return_item": _pk("lending.Item", status="on_loan"),
    "lending:loan_inspect": _open_loan,
    "lending:item_detail": _pk("lending.Item"),
    "lending:item_repair_finish": _pk("lending.Item"),
    "lending:item_retire": _pk("lending.Item"),
    "lending:organisation_detail": _pk("lending.Organisation"),
    "lending:membership_verify": _pk("lending.Membership"),
    "lending:representative_invite": _pk("lending.Organisation"),
    "lending:representative_invitation_resend": _pk("lending.RepresentativeInvitation"),
    "lending:representative_invitation_cancel": _pk("lending.RepresentativeInvitation"),
    "lending:membership_remove": _pk("lending.Membership"),
    "lending:invitation_accept": _rep_invitation_token,
    "lending:stocktake_detail": _pk("lending.Stocktake"),
    "lending:stocktake_close": _pk("lending.Stocktake"),
    "lending:stocktake_report": _pk("lending.Stocktake"),
    "lending:maintenance_plan_edit": _pk("lending.MaintenancePlan"),
    "lending:item_maintenance": _pk("lending.Item"),
    "lending:rule_change": lambda: {"kind": "neighbourhood"},
    "lending:label_single": _pk("lending.Item"),
    "lending:token_reissue": _pk("lending.Item"),
    "lending:import_template": lambda: {"kind": "items"},
    "lending:my_reservation_detail": _own_reservation,
    "lending:my_reservation_cancel": _own_reservation,
    "volunteers:detail": _pk("volunteers.VolunteerProfile"),
    "volunteers:approve": _pk("volunteers.VolunteerProfile"),
    "volunteers:status_change": _pk("volunteers.VolunteerProfile"),
    "volunteers:training_add": _pk("volunteers.VolunteerProfile"),
    "volunteers:appointment_add": _pk("volunteers.VolunteerProfile"),
    "volunteers:note_add": _pk("volunteers.VolunteerProfile"),
    "outreach:session_detail": _future_session,
    "outreach:session_edit": _future_session,
    "outreach:session_cancel": _future_session,
    "outreach:staff_apply": _future_session,
    "outreach:session_roster": _held_session,
    "outreach:applicants_export": lambda: {**_held_session(), "export_format": "xlsx"},
    "outreach:attendance_sheet": _held_session,
    "outreach:application_cancel": _pk("outreach.Application"),
    "outreach:course_edit": _pk("outreach.Course"),
    "outreach:public_session": _future_session,
    "outreach:signup_class_detail": _future_session,
    "outreach:signup_create": _future_session,
    "outreach:signup_cancel": _own_signup,
    "outreach:signup_calendar_feed": _calendar_token,
    "outreach:volunteer_activity_record": lambda: {"fiscal_year": 2025},
    "outreach:staffing_detail": _held_session,
    "outreach:signup_attendance": _held_session,
    "outreach:volunteer_history": _pk("volunteers.VolunteerProfile"),
    "wifi:machine_detail": _pk("wifi.Machine"),
    "wifi:machine_edit": _pk("wifi.Machine"),
    "wifi:machine_status": _pk("wifi.Machine"),
    "wifi:usage_create": _pk("wifi.Machine"),
    "wifi:inspection_create": _pk("wifi.Machine"),
    "wifi:activation_create": _pk("wifi.Machine"),
    "kpi:public_year": _kpi(),
    "kpi:public_csv": _kpi(),
    "kpi:public_json": _kpi(),
    "kpi:public_facts": _kpi(code_kwargs=True, year=True),
    "kpi:sheet": _kpi(),
    "kpi:sheet_print": _kpi(),
    "kpi:sheet_xlsx": _kpi(),
    "kpi:year_close": _kpi(),
    "kpi:year_reopen": _kpi(),
    "kpi:comment_edit": _kpi(code_kwargs=True),
    "kpi:facts": _kpi(code_kwargs=True, year=True),
    "kpi:manual_edit": _kpi(code_kwargs=True, year=True),
    "kpi:kpi_edit": _pk("kpi.KpiDefinition"),
    "kpi:period_version_up": _pk("kpi.PlanPeriod"),
    "kpi:incident_edit": _pk("kpi.Incident"),
    "lending:type_edit": _pk("lending.EquipmentType"),
    "lending:item_edit": _pk("lending.Item"),
    "lending:kit_detail": _pk("lending.Kit"),
    "lending:kit_edit": _pk("lending.Kit"),
    "lending:kit_retire": _pk("lending.Kit"),
    "lending:kit_label": _pk("lending.Kit"),
    "lending:counter_return_kit": _pk("lending.Kit"),
    "outreach:staff_attendance": _staff_session,
    "outreach:public_applied": _application_token("applied"),
    "outreach:public_cancelled": _application_token("cancelled"),
    "kpi:review": _measure(),
    "kpi:check_edit": _measure("code"),
    "kpi:review_filled": _measure(),
    "kpi:review_board": _measure(),
    "kpi:review_publish": _measure(),
}
# The admin site: a few of its pages stand for all of them.
ADMIN_SAMPLES = ("/admin/", "/admin/login/", "/admin/core/user/", "/admin/lending/item/")


def url_of(pattern: Pattern) -> list[str]:
    """The paths to request for ``pattern`` (several for the admin row)."""
    from django.urls import reverse

    if pattern.name == ADMIN_ROW:
        return list(ADMIN_SAMPLES)
    kwargs = ARGUMENTS[pattern.name]() if pattern.name in ARGUMENTS else {}
    return [reverse(pattern.name, kwargs=kwargs)]


@pytest.fixture(scope="module")
def seeded_site(django_db_setup, django_db_blocker):
    """The demo data and the personas, for every test of the module; rolled back after."""
    get_resolver().url_patterns  # the URLconf as the tests see it (DEBUG off: no /media/)
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):
            call_command("seed_demo", verbosity=0)
        users = persona_users()
        yield users
        transaction.set_rollback(True)


# --- outcomes ----------------------------------------------------------------------------------
OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "403", "404"


def outcome(client: Client, path: str) -> str:
    """What ``path`` answers: ok (a page, a download, a redirect elsewhere, a form refused
    with 400), login (sent to sign in), 403, 404; a 5xx is returned as its code.

    A page that takes only POST is tried with an empty POST, rolled back afterwards."""
    with transaction.atomic():
        response = client.get(path)
        if response.status_code == 405:
            response = client.post(path, {})
        transaction.set_rollback(True)
    status = response.status_code
    if status in (301, 302, 303) and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    if status < 400 or status == 400:
        return OK
    return str(status)
