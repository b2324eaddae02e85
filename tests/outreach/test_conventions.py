"""Outreach follows the house conventions: histories name who acted, refusals land on the
form, mail comes from templates, the public forms are rate limited, exports keep
numbers as numbers."""

import importlib
import io
from datetime import timedelta

import openpyxl
import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from core.audit import RESIDENT_ONLINE, SCHEDULED_JOB, SYSTEM
from core.models import AuditEntry
from core.ratelimit import RateLimit
from outreach import services
from outreach.models import Application, ClassSession, VolunteerSignup
from outreach.views import public
from tests.outreach.conftest import jst
from tests.volunteers.conftest import build_profile

pytestmark = pytest.mark.django_db

Role = VolunteerSignup.Role


@pytest.fixture
def make_profile(make_user):
    def _make(**kwargs):
        return build_profile(make_user, **kwargs)

    return _make


def _apply_online(client, session, n: int):
    return client.post(
        f"/classes/{session.pk}/",
        {"name": f"茂原 太郎{n}", "phone": f"0475-20-{n:04d}", "phone_type": "android"},
    )


# --- Histories ------------------------------------------------------------------


def test_session_history_names_a_resident_online_and_the_staff_member(
    make_session, dx_staff, client, client_for
):
    session = make_session()
    assert _apply_online(client, session, 1).status_code == 302
    services.session_update(session=session, by=dx_staff, capacity=12)
    entry = AuditEntry.objects.get(action="outreach.application.created")
    assert entry.actor is None and entry.actor_label == RESIDENT_ONLINE
    shown = render_to_string("core/_history.html", {"entries": AuditEntry.objects.all()})
    assert "市民（インターネット申込み）" in shown and "申込みを受け付けました" in shown
    body = client_for(dx_staff).get(f"/outreach/classes/{session.pk}/").content.decode()
    assert "総務課 職員" in body and "教室の変更" in body
    assert "10 → 12" in body  # what changed, by field, as people read it
    assert "outreach.session.changed" not in body and dx_staff.email not in body


def test_a_moved_class_is_recorded_in_japan_time(make_session, dx_staff, client_for):
    session = make_session(starts_at=jst(2026, 12, 8, 10, 0))
    services.session_update(
        session=session,
        by=dx_staff,
        starts_at=jst(2026, 12, 9, 13, 30),
        ends_at=jst(2026, 12, 9, 15, 30),
    )
    entry = AuditEntry.objects.get(action="outreach.session.changed")
    assert entry.changes["starts_at"] == ["2026-12-08 10:00", "2026-12-09 13:30"]
    body = client_for(dx_staff).get(f"/outreach/classes/{session.pk}/").content.decode()
    assert "2026-12-08 10:00 → 2026-12-09 13:30" in body


def test_waiting_list_promotion_is_by_tsunagu_and_shown_on_the_staffing_page(
    make_profile, make_session, dx_staff, client_for
):
    session = make_session(instructor_places=1, assistant_places=1)
    first, second = make_profile(status="active"), make_profile(status="active")
    taken = services.signup_create(session=session, volunteer=first, role=Role.ASSISTANT)
    services.signup_create(session=session, volunteer=second, role=Role.ASSISTANT)
    services.signup_cancel(signup=taken, by=first.user)
    entry = AuditEntry.objects.get(action="outreach.signup.promoted")
    assert entry.actor is None and entry.actor_label == SYSTEM
    body = client_for(dx_staff).get(f"/volunteering/staff/staffing/{session.pk}/").content.decode()
    assert "支援員のキャンセル待ちからの繰り上げ" in body
    assert "つなぐ（自動処理）" in body
    assert "outreach.signup" not in body and first.user.email not in body


def test_anonymising_is_recorded_as_the_daily_job(make_session, make_application):
    session = make_session(
        starts_at=jst(2020, 6, 1, 10, 0), status=ClassSession.Status.HELD, capacity=5
    )
    make_application(session)
    services.participants_anonymise(today_fiscal_year=2026)
    entry = AuditEntry.objects.get(action="outreach.participants.anonymised")
    assert entry.actor_label == SCHEDULED_JOB


def test_recorded_free_text_actors_become_named_actors_and_back():
    migration = importlib.import_module("outreach.migrations.0005_audit_actor_names")
    target = ContentType.objects.get_for_model(ClassSession)
    old = {
        "outreach.application.created": "public form",
        "outreach.application.cancelled": "public form (reference number)",
        "outreach.signup.promoted": "system (waiting list)",
        "outreach.participants.anonymised": "outreach_anonymise",
    }
    for action, label in old.items():
        AuditEntry.objects.create(
            action=action, actor_label=label, target_type=target, target_id="1"
        )
    migration.forwards(apps, None)
    assert dict(AuditEntry.objects.values_list("action", "actor_label")) == {
        "outreach.application.created": RESIDENT_ONLINE,
        "outreach.application.cancelled": RESIDENT_ONLINE,
        "outreach.signup.promoted": SYSTEM,
        "outreach.participants.anonymised": SCHEDULED_JOB,
    }
    migration.backwards(apps, None)
    assert dict(AuditEntry.objects.values_list("action", "actor_label")) == old


# --- Refusals on the form -----------------------------------------------------------


def test_a_bad_repeat_rule_is_shown_beside_the_rule_field(dx_staff, client_for, make_course):
    from core.models import Facility

    course = make_course()
    venue = Facility.objects.first() or Facility.objects.create(name="会場", name_kana="カイジョウ")
    response = client_for(dx_staff).post(
        "/outreach/classes/series/new/",
        {
            "course": course.pk,
            "title": "毎週の教室",
            "venue": venue.pk,
            "pattern": "rule",
            "rule": "EVERY SECOND TUESDAY",
            "first_date": "2026-04-01",
            "last_date": "2026-05-01",
            "start_time": "10:00",
            "end_time": "12:00",
            "capacity": 10,
            "instructor_places": 1,
            "assistant_places": 2,
            "status": "open",
        },
    )
    assert response.status_code == 200
    assert "読み取れません" in str(response.context["form"].errors["rule"])


def test_lowering_capacity_below_the_confirmed_places_is_shown_on_the_capacity_field(
    make_session, make_application, dx_staff, client_for
):
    # A fixed hour two weeks ahead: a start taken from the clock would make this class
    # run past midnight when the suite runs between 22:00 and 24:00 JST, and the form
    # would then refuse the end time before it looks at the capacity.
    day = timezone.localdate() + timedelta(days=14)
    session = make_session(starts_at=jst(day.year, day.month, day.day, 10, 0), capacity=3)
    make_application(session)
    make_application(session)
    response = client_for(dx_staff).post(
        f"/outreach/classes/{session.pk}/edit/",
        {
            "course": session.course_id,
            "title": session.title,
            "venue": session.venue_id,
            "day": day.isoformat(),
            "start_time": "10:00",
            "end_time": "12:00",
            "capacity": 1,
            "instructor_places": 1,
            "assistant_places": 2,
            "status": "open",
        },
    )
    assert response.status_code == 200
    assert "参加が確定" in str(response.context["form"].errors["capacity"])


def test_wrong_hours_of_a_volunteer_are_shown_on_the_form_and_nothing_is_saved(
    make_profile, make_session, dx_staff, client_for
):
    session = make_session(starts_at=timezone.now() - timedelta(hours=3))
    VolunteerSignup.objects.create(
        session=session,
        volunteer=make_profile(status="active"),
        role=Role.ASSISTANT,
        status=VolunteerSignup.Status.CONFIRMED,
    )
    signup = VolunteerSignup.objects.get(session=session)
    response = client_for(dx_staff).post(
        f"/volunteering/staff/staffing/{session.pk}/attendance/",
        {f"came_{signup.pk}": "on", f"hours_{signup.pk}": "two"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors[f"hours_{signup.pk}"]
    signup.refresh_from_db()
    assert signup.attended is None


def test_more_places_for_volunteers_move_the_waiting_list_up(
    make_profile, make_session, dx_staff, django_capture_on_commit_callbacks
):
    session = make_session(instructor_places=1, assistant_places=1)
    services.signup_create(session=session, volunteer=make_profile(), role=Role.ASSISTANT)
    waiting = services.signup_create(session=session, volunteer=make_profile(), role=Role.ASSISTANT)
    assert waiting.status == VolunteerSignup.Status.WAITLISTED
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(session=session, by=dx_staff, assistant_places=2)
    waiting.refresh_from_db()
    assert waiting.status == VolunteerSignup.Status.CONFIRMED
    assert [m.to for m in mail.outbox] == [[waiting.volunteer.user.email]]


# --- Mail ----------------------------------------------------------------------------


def test_promotion_mail_comes_from_the_template_in_japanese(
    make_profile, make_session, django_capture_on_commit_callbacks
):
    session = make_session(title="LINE入門", instructor_places=1, assistant_places=1)
    first = make_profile(full_name="先着 一郎")
    second = make_profile(full_name="待機 花子")
    taken = services.signup_create(session=session, volunteer=first, role=Role.ASSISTANT)
    services.signup_create(session=session, volunteer=second, role=Role.ASSISTANT)
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_cancel(signup=taken, by=first.user)
    [message] = mail.outbox
    assert message.subject.startswith("[茂原市 つなぐ] ") and "LINE入門" in message.subject
    assert message.body.startswith("待機 花子 様")
    assert "/volunteering/mypage/" in message.body
    assert "&" not in message.body  # plain text, nothing HTML-escaped


# --- Rate limit and exports ----------------------------------------------------------


def test_online_applications_are_rate_limited_per_client(make_session, client, monkeypatch):
    monkeypatch.setattr(public, "APPLY_LIMIT", RateLimit("outreach.apply.test", limit=1, window=60))
    session = make_session()
    assert _apply_online(client, session, 1)["Location"].startswith("/classes/applied/")
    refused = _apply_online(client, session, 2)
    assert "多すぎます" in refused.content.decode()
    assert Application.objects.filter(session=session).count() == 1


def test_hours_export_keeps_hours_and_classes_as_numbers(
    make_profile, make_session, dx_staff, client_for
):
    profile = make_profile(status="active", full_name="時間 太郎")
    session = make_session(starts_at=jst(2025, 11, 5, 10, 0), minutes=90)
    signup = services.signup_create(
        session=session, volunteer=profile, role=Role.ASSISTANT, now=jst(2025, 11, 1, 9, 0)
    )
    services.signup_record_attendance(session=session, by=dx_staff, came={signup.pk})
    response = client_for(dx_staff).get("/volunteering/staff/hours/?fiscal_year=2025&_export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "時間 太郎"
    assert rows[1][2] == 1 and rows[1][3] == 1.5


def test_an_unknown_fiscal_year_shows_the_current_one(dx_staff, client_for):
    from core.fiscal import current_fiscal_year

    response = client_for(dx_staff).get("/volunteering/staff/hours/?fiscal_year=abc")
    assert response.status_code == 200
    assert response.context["fiscal_year"] == current_fiscal_year()


def test_the_flyer_reads_its_month_with_a_form(client):
    december = client.get("/classes/flyer/?month=2026-12")
    assert december.context["month"].isoformat() == "2026-12-01"
    for wrong in ("abc", "2026-13", "12-2026"):
        response = client.get(f"/classes/flyer/?month={wrong}")
        assert response.status_code == 200
        assert response.context["month"] == timezone.localdate().replace(day=1)
