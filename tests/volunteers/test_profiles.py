"""Joining, approval, status changes, records and who may see a profile."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.fiscal import fiscal_year
from core.models import AuditEntry
from core.refusals import Refusal
from core.roles import Role, has_role
from volunteers import selectors, services
from volunteers.models import Appointment, VolunteerProfile

pytestmark = pytest.mark.django_db

JOIN_FORM = {
    "full_name": "茂原 太郎",
    "full_name_kana": "もばら たろう",
    "phone": "0475-22-1234",
    "affiliation": "manufacturer_ob",
    "affiliation_detail": "",
    "skills": ["android", "line"],
    "available_weekdays": ["0", "2"],
    "available_mornings": "on",
    "consent": "on",
}


def test_new_user_joins_with_profile_and_consent_version(make_user, client_for, settings):
    user = make_user()
    client = client_for(user)
    assert client.get("/volunteers/me/")["Location"] == "/volunteers/join/"
    assert client.get("/volunteers/join/").status_code == 200
    response = client.post("/volunteers/join/", JOIN_FORM)
    assert response.status_code == 302
    profile = VolunteerProfile.objects.get(user=user)
    assert profile.status == "applied"
    assert (
        profile.privacy_notice_version == settings.TSUNAGU["volunteers"]["privacy_notice_version"]
    )
    assert profile.privacy_consented_at is not None
    assert sorted(profile.skill_codes()) == ["android", "line"]
    assert profile.available_weekdays == [0, 2]
    assert AuditEntry.objects.filter(action="volunteers.volunteer.applied").count() == 1
    # Applying does not make anyone a volunteer yet.
    user.refresh_from_db()
    assert not has_role(user, Role.VOLUNTEER)


def test_join_requires_consent_and_hiragana_reading(make_user, client_for):
    client = client_for(make_user())
    response = client.post(
        "/volunteers/join/", {**JOIN_FORM, "consent": "", "full_name_kana": "モバラ"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "consent" in errors and "full_name_kana" in errors
    assert not VolunteerProfile.objects.exists()


def test_second_join_redirects_to_profile(make_profile, client_for):
    profile = make_profile(status="applied")
    client = client_for(profile.user)
    assert client.get("/volunteers/join/")["Location"] == "/volunteers/me/"
    with pytest.raises(Refusal):
        services.profile_apply(user=profile.user, data=JOIN_FORM, skills=[])


def test_approval_grants_volunteer_role_audits_and_mails(
    make_profile, dx_staff, client_for, django_capture_on_commit_callbacks
):
    profile = make_profile(status="applied")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(dx_staff).post(
            f"/volunteers/{profile.pk}/approve/", {"next": "queue"}
        )
    assert response["Location"] == "/volunteers/staff/approvals/"
    profile.refresh_from_db()
    assert profile.status == "approved" and profile.approved_by == dx_staff
    assert profile.user.groups.filter(name=Role.VOLUNTEER).exists()
    assert AuditEntry.objects.filter(
        action="volunteers.volunteer.approved", actor=dx_staff
    ).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [profile.user.email]


def test_approval_twice_is_refused(make_profile, dx_staff):
    profile = make_profile(status="approved")
    with pytest.raises(Refusal):
        services.profile_approve(profile=profile, by=dx_staff)


def test_volunteer_cannot_approve_themselves(make_profile, client_for):
    profile = make_profile(status="applied")
    response = client_for(profile.user).post(f"/volunteers/{profile.pk}/approve/")
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.status == "applied"


@pytest.mark.parametrize(
    ("old", "new", "ok"),
    [
        ("approved", "active", True),
        ("active", "paused", True),
        ("paused", "active", True),
        ("active", "left", True),
        ("applied", "active", False),
        ("left", "active", False),
    ],
)
def test_status_transitions(make_profile, dx_staff, old, new, ok):
    profile = make_profile(status=old)
    if ok:
        services.profile_change_status(profile=profile, by=dx_staff, status=new)
        profile.refresh_from_db()
        assert profile.status == new
        assert AuditEntry.objects.filter(action="volunteers.volunteer.status_changed").exists()
    else:
        with pytest.raises(Refusal):
            services.profile_change_status(profile=profile, by=dx_staff, status=new)


def test_leaving_removes_volunteer_role(make_profile, dx_staff, client_for):
    profile = make_profile(status="active")
    client_for(dx_staff).post(f"/volunteers/{profile.pk}/status/", {"status": "left"})
    profile.refresh_from_db()
    assert profile.status == "left"
    assert not profile.user.groups.filter(name=Role.VOLUNTEER).exists()


def test_training_and_appointment_records(make_profile, dx_staff, client_for):
    profile = make_profile(status="approved")
    client = client_for(dx_staff)
    today = timezone.localdate()
    client.post(
        f"/volunteers/{profile.pk}/training/",
        {"course": "デジタル活用支援員研修", "completed_on": today.isoformat()},
    )
    assert profile.is_trained(today)
    assert selectors.profile_is_trained(profile, today)
    assert not selectors.profile_is_trained(profile, today - timedelta(days=1))
    # A training in the future is refused.
    client.post(
        f"/volunteers/{profile.pk}/training/",
        {"course": "x", "completed_on": (today + timedelta(days=1)).isoformat()},
    )
    assert profile.training_records.count() == 1
    fy = fiscal_year(today)
    client.post(
        f"/volunteers/{profile.pk}/appointments/",
        {"fiscal_year": fy, "appointed_on": today.isoformat()},
    )
    client.post(
        f"/volunteers/{profile.pk}/appointments/",
        {"fiscal_year": fy, "appointed_on": today.isoformat()},
    )
    assert Appointment.objects.filter(profile=profile).count() == 1


def test_staff_notes_are_only_for_staff(make_profile, dx_staff, client_for):
    profile = make_profile(status="active")
    client_for(dx_staff).post(f"/volunteers/{profile.pk}/notes/", {"text": "秘密のメモ"})
    assert "秘密のメモ" in client_for(dx_staff).get(f"/volunteers/{profile.pk}/").content.decode()
    # The volunteer's own page (where their profile address leads them) never shows notes.
    own = client_for(profile.user).get(f"/volunteers/{profile.pk}/", follow=True)
    assert own.status_code == 200
    assert own.redirect_chain[-1][0] == "/volunteering/mypage/"
    assert "秘密のメモ" not in own.content.decode()
    assert (
        client_for(profile.user).post(f"/volunteers/{profile.pk}/notes/", {"text": "x"}).status_code
        == 403
    )


def test_volunteer_cannot_see_another_volunteers_profile(make_profile, client_for):
    mine = make_profile(status="active")
    other = make_profile(status="active", full_name="他人 次郎")
    client = client_for(mine.user)
    assert client.get(f"/volunteers/{other.pk}/").status_code == 404
    # Their own profile address leads to their one page.
    assert client.get(f"/volunteers/{mine.pk}/")["Location"] == "/volunteers/me/"
    assert client.get("/volunteers/me/")["Location"] == "/volunteering/mypage/"


def test_profile_edit_asks_consent_again_after_notice_changes(make_profile, client_for, settings):
    profile = make_profile(status="active")
    client = client_for(profile.user)
    form = {**JOIN_FORM}
    form.pop("consent")
    assert client.post("/volunteers/me/edit/", form).status_code == 302
    profile.refresh_from_db()
    assert profile.full_name == "茂原 太郎"
    settings.TSUNAGU = {
        **settings.TSUNAGU,
        "volunteers": {**settings.TSUNAGU["volunteers"], "privacy_notice_version": "2099-01"},
    }
    assert client.post("/volunteers/me/edit/", form).status_code == 200
    assert client.post("/volunteers/me/edit/", {**form, "consent": "on"}).status_code == 302
    profile.refresh_from_db()
    assert profile.privacy_notice_version == "2099-01"


def test_appointment_reminder_is_sent_once_before_it_lapses(
    make_profile, dx_staff, django_capture_on_commit_callbacks
):
    profile = make_profile(status="active")
    Appointment.objects.create(profile=profile, fiscal_year=2025, appointed_on=date(2025, 4, 1))
    renewed = make_profile(status="active")
    Appointment.objects.create(profile=renewed, fiscal_year=2025, appointed_on=date(2025, 4, 1))
    Appointment.objects.create(profile=renewed, fiscal_year=2026, appointed_on=date(2026, 3, 1))
    assert services.appointment_reminders_send(today=date(2026, 2, 1)) == 0  # too early
    with django_capture_on_commit_callbacks(execute=True):
        assert services.appointment_reminders_send(today=date(2026, 3, 2)) == 1
    assert mail.outbox[-1].to == [profile.user.email]
    assert services.appointment_reminders_send(today=date(2026, 3, 3)) == 0


def test_someone_who_joins_in_english_gets_english_messages(
    make_user, client_for, dx_staff, settings
):
    from core.models import Message
    from volunteers.services import profile_approve

    user = make_user()
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/volunteers/join/").content.decode()
    assert 'value="en" selected' in page  # the language of the page they joined on
    client.post("/volunteers/join/", {**JOIN_FORM, "language": "en"})
    profile = VolunteerProfile.objects.get(user=user)
    assert profile.language == "en"
    profile_approve(profile=profile, by=dx_staff)
    message = Message.objects.get(event="volunteers.volunteer.approved")
    assert message.language == "en" and message.recipient_kind == "volunteer"
    assert "is approved" in message.subject and "Dear" in message.body
