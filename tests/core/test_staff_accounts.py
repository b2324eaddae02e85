"""The 管理者's work: invitations through allauth's real sign-up, roles, deactivation, 2FA reset."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone

from core import services
from core.models import AuditEntry, Invitation, User
from core.refusals import Refusal
from core.roles import Role, user_roles
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def _roles(user) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def _invite(client, django_capture_on_commit_callbacks, **data):
    payload = {"full_name": "新任 花子", "email": "hanako@example.jp", "roles": ["lending_staff"]}
    payload.update(data)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/staff/invitations/new/", payload)


# --- The whole invitation, through allauth's own views --------------------------------


@pytest.mark.django_db
def test_invited_staff_signs_up_verifies_the_address_and_gets_the_roles(
    client_for, administrator, django_capture_on_commit_callbacks
):
    response = _invite(
        client_for(administrator),
        django_capture_on_commit_callbacks,
        roles=["lending_staff", "kiosk"],
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/invitations/"
    invitation = Invitation.objects.get(email="hanako@example.jp")
    assert invitation.status == Invitation.Status.OPEN

    # The mail: Japanese, names the inviter and the roles, carries the link.
    [invite_mail] = mail.outbox
    assert invite_mail.to == ["hanako@example.jp"]
    assert "管理者 一子" in invite_mail.body
    assert "備品貸出担当職員" in invite_mail.body
    link = re.search(r"https?://[^/\s]+(/invitation/[\w-]+/)", invite_mail.body).group(1)

    visitor = Client()
    landing = visitor.get(link)
    assert landing.status_code == 200
    assert "新任 花子" in landing.content.decode()
    signup_url = landing.context["signup_url"]
    assert signup_url.startswith("/accounts/signup/?email=")

    # allauth's sign-up, with the address filled in.
    form_page = visitor.get(signup_url)
    assert form_page.status_code == 200
    assert 'value="hanako@example.jp"' in form_page.content.decode()
    signed_up = visitor.post(
        "/accounts/signup/",
        {"email": "hanako@example.jp", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert signed_up.status_code == 302
    user = User.objects.get(email="hanako@example.jp")
    assert _roles(user) == set(), "no role before the address is verified"

    # allauth's verification mail, then its confirmation page.
    confirm_mail = mail.outbox[-1]
    assert confirm_mail.to == ["hanako@example.jp"]
    confirm_path = re.search(r"(/accounts/confirm-email/[^/\s]+/)", confirm_mail.body).group(1)
    assert visitor.get(confirm_path).status_code == 200
    assert visitor.post(confirm_path).status_code == 302

    assert _roles(user) == {"lending_staff", "kiosk"}
    user.refresh_from_db()
    assert user.full_name == "新任 花子"
    assert not user.is_staff and not user.is_superuser
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_by == user
    accepted = AuditEntry.objects.get(action="core.invitation.accepted")
    assert accepted.actor == user

    # Signing in now opens the lending desk's menu.
    fresh = Client()
    fresh.post("/accounts/login/", {"login": "hanako@example.jp", "password": NEW_PASSWORD})
    assert "貸出窓口" in fresh.get("/dashboard/").content.decode()


@pytest.mark.django_db
def test_signing_up_with_another_address_gives_no_roles(
    client_for, administrator, django_capture_on_commit_callbacks
):
    _invite(client_for(administrator), django_capture_on_commit_callbacks)
    visitor = Client()
    visitor.post(
        "/accounts/signup/",
        {"email": "someone.else@example.jp", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    confirm_path = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    visitor.post(confirm_path)
    assert _roles(User.objects.get(email="someone.else@example.jp")) == set()
    assert Invitation.objects.get().status == Invitation.Status.OPEN


@pytest.mark.django_db
def test_expired_or_withdrawn_invitation_gives_nothing(make_user, administrator):
    invitation = services.invitation_send(
        email="late@example.jp", full_name="遅い 人", roles=["dx_staff"], by=administrator
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    user = make_user(email="late@example.jp")
    assert services.invitation_accept_for(user=user, email="late@example.jp") == []
    assert _roles(user) == set()
    assert Client().get(f"/invitation/{invitation.token}/").context["invitation"].status == (
        Invitation.Status.EXPIRED
    )


@pytest.mark.django_db
def test_invitation_of_an_administrator_who_lost_the_role_gives_nothing(make_user, administrator):
    services.invitation_send(
        email="x@example.jp", full_name="X", roles=["dx_staff"], by=administrator
    )
    administrator.groups.remove(Group.objects.get(name=Role.ADMINISTRATOR))
    user = make_user(email="x@example.jp")
    assert services.invitation_accept_for(user=user, email="x@example.jp") == []


@pytest.mark.django_db
def test_inviting_again_replaces_the_waiting_invitation(administrator):
    first = services.invitation_send(
        email="Again@Example.jp", full_name="再", roles=["dx_staff"], by=administrator
    )
    second = services.invitation_send(
        email="again@example.jp", full_name="再", roles=["kiosk"], by=administrator
    )
    first.refresh_from_db()
    assert first.status == Invitation.Status.CANCELLED
    assert second.status == Invitation.Status.OPEN
    assert second.email == "again@example.jp"


@pytest.mark.django_db
def test_inviting_an_existing_account_is_refused_on_the_address(
    client_for, administrator, lending_staff, django_capture_on_commit_callbacks
):
    response = _invite(
        client_for(administrator), django_capture_on_commit_callbacks, email=lending_staff.email
    )
    assert response.status_code == 200
    assert "このアドレスのアカウントはすでにあります" in response.content.decode()
    assert response.context["form"].errors["email"]
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_roles_outside_staff_and_kiosk_cannot_be_invited(
    client_for, administrator, django_capture_on_commit_callbacks
):
    response = _invite(
        client_for(administrator), django_capture_on_commit_callbacks, roles=["volunteer"]
    )
    assert response.status_code == 200
    assert response.context["form"].errors["roles"]
    with pytest.raises(Refusal):
        services.invitation_send(
            email="a@example.jp", full_name="A", roles=["superuser"], by=administrator
        )


@pytest.mark.django_db
def test_withdrawn_invitation_link_no_longer_leads_to_sign_up(client_for, administrator):
    invitation = services.invitation_send(
        email="w@example.jp", full_name="W", roles=["dx_staff"], by=administrator
    )
    response = client_for(administrator).post(f"/staff/invitations/{invitation.pk}/cancel/")
    assert response.status_code == 302
    page = Client().get(f"/invitation/{invitation.token}/")
    assert page.status_code == 200
    assert "signup" not in page.content.decode()
    assert AuditEntry.objects.filter(action="core.invitation.cancelled").count() == 1


@pytest.mark.django_db
def test_resending_gives_a_new_link_and_another_week(
    client_for, administrator, django_capture_on_commit_callbacks
):
    invitation = services.invitation_send(
        email="r@example.jp", full_name="R", roles=["dx_staff"], by=administrator
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(administrator).post(f"/staff/invitations/{invitation.pk}/resend/")
    old_token = invitation.token
    invitation.refresh_from_db()
    assert invitation.token != old_token
    assert invitation.status == Invitation.Status.OPEN
    assert invitation.token in mail.outbox[-1].body
    assert Client().get(f"/invitation/{old_token}/").status_code == 404


@pytest.mark.django_db
def test_unknown_invitation_token_is_404(client):
    assert client.get("/invitation/not-a-token/").status_code == 404


# --- Roles -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_administrator_gives_and_removes_roles_with_an_audit_entry_each(
    client_for, administrator, make_user
):
    clerk = make_user(Role.LENDING_STAFF, full_name="窓口 次郎")
    response = client_for(administrator).post(
        f"/staff/accounts/{clerk.pk}/roles/", {"roles": ["dx_staff"]}
    )
    assert response.status_code == 302
    assert _roles(clerk) == {"dx_staff"}
    entries = AuditEntry.objects.filter(target_id=str(clerk.pk)).order_by("action")
    assert [(e.action, e.changes["role"]) for e in entries] == [
        ("core.account.role_added", "dx_staff"),
        ("core.account.role_removed", "lending_staff"),
    ]
    assert all(e.actor == administrator for e in entries)


@pytest.mark.django_db
def test_roles_page_leaves_volunteer_and_representative_roles_alone(
    client_for, administrator, make_user
):
    volunteer = make_user(Role.VOLUNTEER)
    client_for(administrator).post(f"/staff/accounts/{volunteer.pk}/roles/", {"roles": ["kiosk"]})
    assert _roles(volunteer) == {"volunteer", "kiosk"}


@pytest.mark.django_db
def test_role_form_is_no_shortcut_to_the_admin_site(client_for, administrator, make_user):
    clerk = make_user()
    response = client_for(administrator).post(
        f"/staff/accounts/{clerk.pk}/roles/", {"roles": ["superuser"], "is_staff": "on"}
    )
    assert response.status_code == 200
    assert response.context["roles_form"].errors["roles"]
    clerk.refresh_from_db()
    assert not clerk.is_staff and not clerk.is_superuser and _roles(clerk) == set()


@pytest.mark.django_db
def test_nobody_removes_their_own_administrator_role(client_for, administrator):
    response = client_for(administrator).post(
        f"/staff/accounts/{administrator.pk}/roles/", {"roles": ["dx_staff"]}
    )
    assert response.status_code == 200
    assert "自分の管理者の役割は外せません" in response.content.decode()
    assert _roles(administrator) == {"administrator"}
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_administrator_may_remove_another_administrators_role(client_for, administrator, make_user):
    other = make_user(Role.ADMINISTRATOR)
    client_for(administrator).post(f"/staff/accounts/{other.pk}/roles/", {"roles": []})
    assert _roles(other) == set()


@pytest.mark.django_db
def test_the_system_administrators_account_is_not_changed_here(
    client_for, administrator, make_user
):
    root = make_user(is_superuser=True, is_staff=True)
    client = client_for(administrator)
    client.post(f"/staff/accounts/{root.pk}/roles/", {"roles": ["kiosk"]})
    client.post(f"/staff/accounts/{root.pk}/deactivate/", {"deactivate-reason": ""})
    root.refresh_from_db()
    assert root.is_active and _roles(root) == set()


# --- Deactivation ----------------------------------------------------------------------


@pytest.mark.django_db
def test_deactivated_staff_cannot_sign_in_and_their_history_keeps_their_name(
    client_for, administrator, dx_staff, make_facility
):
    facility = make_facility()
    before = services.facility_snapshot(facility)
    facility.phone = "0475-11-1111"
    services.facility_save(facility=facility, by=dx_staff, before=before)

    response = client_for(administrator).post(
        f"/staff/accounts/{dx_staff.pk}/deactivate/", {"deactivate-reason": "退職"}
    )
    assert response.status_code == 302
    dx_staff.refresh_from_db()
    assert not dx_staff.is_active
    entry = AuditEntry.objects.get(action="core.account.deactivated")
    assert entry.note == "退職"
    assert entry.actor == administrator

    visitor = Client()
    visitor.post("/accounts/login/", {"login": dx_staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in visitor.session
    assert visitor.get("/dashboard/").status_code == 302

    # A session opened before the deactivation ends too.
    assert client_for(dx_staff).get("/staff/facilities/").status_code == 302

    other_dx = User.objects.create_user(email="dx2@example.jp", full_name="別の 職員")
    other_dx.groups.add(Group.objects.get(name=Role.DX_STAFF))
    page = client_for(other_dx).get(f"/staff/facilities/{facility.pk}/").content.decode()
    assert "総務課 職員" in page
    assert dx_staff.email not in page
    log = client_for(administrator).get("/staff/audit/").content.decode()
    assert "総務課 職員" in log


@pytest.mark.django_db
def test_nobody_deactivates_themselves(client_for, administrator):
    response = client_for(administrator).post(
        f"/staff/accounts/{administrator.pk}/deactivate/", {"deactivate-reason": ""}
    )
    assert response.status_code == 200
    assert "自分のアカウントの利用は停止できません" in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active


@pytest.mark.django_db
def test_reactivated_account_signs_in_again(client_for, administrator, lending_staff):
    services.account_deactivate(account=lending_staff, by=administrator)
    client_for(administrator).post(f"/staff/accounts/{lending_staff.pk}/reactivate/")
    visitor = Client()
    visitor.post("/accounts/login/", {"login": lending_staff.email, "password": PASSWORD})
    assert "_auth_user_id" in visitor.session
    assert AuditEntry.objects.filter(action="core.account.reactivated").count() == 1


# --- Two-step verification reset -------------------------------------------------------


def _give_two_factor(user) -> None:
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "y"}
    )


@pytest.mark.django_db
def test_two_factor_reset_needs_a_reason(client_for, administrator, lending_staff):
    _give_two_factor(lending_staff)
    response = client_for(administrator).post(
        f"/staff/accounts/{lending_staff.pk}/two-factor-reset/", {"reset-reason": "  "}
    )
    assert response.status_code == 200
    assert response.context["reset_form"].errors["reason"]
    assert Authenticator.objects.filter(user=lending_staff).count() == 2
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_two_factor_reset_removes_the_authenticators_and_is_audited_with_the_reason(
    client_for, administrator, lending_staff, django_capture_on_commit_callbacks
):
    _give_two_factor(lending_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            f"/staff/accounts/{lending_staff.pk}/two-factor-reset/",
            {"reset-reason": "スマートフォン紛失（電話で本人確認）"},
        )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=lending_staff).exists()
    entry = AuditEntry.objects.get(action="core.account.two_factor_reset")
    assert entry.actor == administrator
    assert entry.note == "スマートフォン紛失（電話で本人確認）"
    assert entry.changes == {"removed": ["recovery_codes", "totp"]}
    [notice] = mail.outbox
    assert notice.to == [lending_staff.email]
    assert "2段階認証" in notice.subject
    page = client_for(administrator).get(f"/staff/accounts/{lending_staff.pk}/")
    assert "2段階認証の初期化" in page.content.decode()


@pytest.mark.django_db
def test_two_factor_reset_of_an_account_without_it_is_refused(client_for, administrator, dx_staff):
    response = client_for(administrator).post(
        f"/staff/accounts/{dx_staff.pk}/two-factor-reset/", {"reset-reason": "念のため"}
    )
    assert response.status_code == 200
    assert "初期化する2段階認証がありません" in response.content.decode()


# --- Who has which role ----------------------------------------------------------------


@pytest.mark.django_db
def test_role_list_filters_by_role_and_exports_csv(
    client_for, administrator, lending_staff, dx_staff, volunteer_user
):
    client = client_for(administrator)
    page = client.get("/staff/accounts/", {"role": "lending_staff"})
    names = [account.full_name for account, _roles in page.context["rows"]]
    assert names == ["生活課 職員"]
    assert "備品貸出担当職員" in page.content.decode()

    export = client.get("/staff/accounts/", {"role": "dx_staff", "_export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    text = export.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "氏名,メールアドレス,役割,状態,2段階認証,最終ログイン"
    assert "総務課 職員" in text
    assert "生活課 職員" not in text


@pytest.mark.django_db
def test_role_list_queries_do_not_grow_with_rows(
    client_for, administrator, make_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(administrator)
    client.get("/staff/accounts/")
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/accounts/")
    for _ in range(50):
        make_user(Role.LENDING_STAFF)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/staff/accounts/")
    assert len(response.context["rows"]) == 50


@pytest.mark.django_db
def test_role_cache_is_forgotten_after_a_change(administrator, make_user):
    clerk = make_user(Role.KIOSK)
    assert user_roles(clerk) == {"kiosk"}
    services.account_roles_set(account=clerk, roles=["dx_staff"], by=administrator)
    assert user_roles(clerk) == {"dx_staff"}


@pytest.mark.django_db
def test_the_database_keeps_one_waiting_invitation_per_address(administrator):
    from django.db import IntegrityError, transaction

    first = services.invitation_send(
        email="one@example.jp", full_name="一", roles=["kiosk"], by=administrator
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            email="one@example.jp",
            full_name="二",
            roles=["kiosk"],
            token="another-token",
            invited_by=administrator,
            expires_at=first.expires_at,
        )


@pytest.mark.django_db
def test_an_address_confirmed_on_another_account_cannot_be_invited(administrator, make_user):
    from allauth.account.models import EmailAddress

    volunteer = make_user(Role.VOLUNTEER)
    EmailAddress.objects.create(user=volunteer, email="second@example.jp", verified=True)
    with pytest.raises(Refusal) as refused:
        services.invitation_send(
            email="second@example.jp", full_name="二", roles=["kiosk"], by=administrator
        )
    assert refused.value.field == "email"
