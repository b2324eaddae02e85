"""Every staff page of core: default-deny, the right role only, reachable from its role's menu."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core import demo
from core.models import Invitation, User
from core.roles import Role

# (url name, needs an object, roles that may open it)
PAGES = [
    ("core:account_list", None, {Role.ADMINISTRATOR}),
    ("core:account_detail", "account", {Role.ADMINISTRATOR}),
    ("core:invitation_list", None, {Role.ADMINISTRATOR}),
    ("core:invitation_new", None, {Role.ADMINISTRATOR}),
    ("core:audit_log", None, {Role.ADMINISTRATOR, Role.DX_STAFF, Role.LENDING_STAFF}),
    ("core:facility_list", None, {Role.DX_STAFF}),
    ("core:facility_new", None, {Role.DX_STAFF}),
    ("core:facility_edit", "facility", {Role.DX_STAFF}),
]
# Actions that only take a POST (the page they belong to is above).
ACTIONS = [
    ("core:account_roles", "account", {Role.ADMINISTRATOR}),
    ("core:account_deactivate", "account", {Role.ADMINISTRATOR}),
    ("core:account_reactivate", "account", {Role.ADMINISTRATOR}),
    ("core:account_two_factor_reset", "account", {Role.ADMINISTRATOR}),
    ("core:invitation_resend", "invitation", {Role.ADMINISTRATOR}),
    ("core:invitation_cancel", "invitation", {Role.ADMINISTRATOR}),
    ("core:facility_retire", "facility", {Role.DX_STAFF}),
    ("core:facility_reinstate", "facility", {Role.DX_STAFF}),
]


@pytest.fixture
def objects(make_user, make_facility):
    someone = make_user(Role.LENDING_STAFF)
    inviter = make_user(Role.ADMINISTRATOR)
    invitation = Invitation.objects.create(
        email="i@example.jp",
        full_name="I",
        roles=["kiosk"],
        token="t" * 43,
        invited_by=inviter,
        expires_at="2099-01-01T00:00:00+09:00",
    )
    return {"account": someone, "facility": make_facility(), "invitation": invitation}


def _url(name, needs, objects):
    return reverse(name, args=[objects[needs].pk]) if needs else reverse(name)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "needs", "allowed"), PAGES + ACTIONS)
def test_anonymous_visitors_are_sent_to_sign_in(client, objects, name, needs, allowed):
    response = client.get(_url(name, needs, objects))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "needs", "allowed"), PAGES)
@pytest.mark.parametrize("role", list(Role))
def test_each_role_opens_only_its_pages(client_for, make_user, objects, name, needs, allowed, role):
    user = make_user(role)
    response = client_for(user).get(_url(name, needs, objects))
    assert response.status_code == (200 if role in allowed else 403), (name, role)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "needs", "allowed"), ACTIONS)
@pytest.mark.parametrize("role", list(Role))
def test_each_role_acts_only_where_allowed(
    client_for, make_user, objects, name, needs, allowed, role
):
    user = make_user(role)
    response = client_for(user).post(_url(name, needs, objects))
    if role in allowed:
        assert response.status_code in {200, 302}, (name, role)
    else:
        assert response.status_code == 403, (name, role)


@pytest.mark.django_db
def test_actions_refuse_a_get(client_for, administrator, objects):
    account = objects["account"]
    assert client_for(administrator).get(f"/staff/accounts/{account.pk}/roles/").status_code == 405


@pytest.mark.django_db
def test_unknown_objects_are_404(client_for, administrator, dx_staff):
    assert client_for(administrator).get("/staff/accounts/999999/").status_code == 404
    assert client_for(dx_staff).get("/staff/facilities/999999/").status_code == 404


@pytest.mark.django_db
def test_the_invitation_link_is_public(client, objects):
    response = client.get(f"/invitation/{objects['invitation'].token}/")
    assert response.status_code == 200
    assert "/accounts/signup/?email=i%40example.jp" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "labels"),
    [
        (Role.ADMINISTRATOR, ["職員アカウント", "操作記録"]),
        (Role.DX_STAFF, ["施設", "操作記録"]),
        (Role.LENDING_STAFF, ["操作記録"]),
    ],
)
def test_pages_are_in_the_menu_of_the_role_that_uses_them(client_for, make_user, role, labels):
    html = client_for(make_user(role)).get("/dashboard/").content.decode()
    for label in labels:
        assert f">{label}</a>" in html


@pytest.mark.django_db
def test_the_apps_daily_pages_come_before_cores_in_the_menu(client_for, lending_staff):
    from core.navigation import nav_for_user

    names = [item.url_name for item in nav_for_user(lending_staff)]
    assert names[0] == "lending:desk"
    assert names[-1] == "core:audit_log"


@pytest.mark.django_db
def test_no_role_opens_the_django_admin(client_for, make_user):
    for role in Role:
        assert client_for(make_user(role)).get("/admin/").status_code in {302, 403}


@pytest.mark.django_db
def test_demo_dx_officer_is_also_administrator_and_an_invitation_waits():
    demo.seed()
    demo.seed()
    somu = User.objects.get(email="somu@example.jp")
    assert set(somu.groups.values_list("name", flat=True)) == {Role.DX_STAFF, Role.ADMINISTRATOR}
    assert not somu.is_staff and not somu.is_superuser
    [waiting] = Invitation.objects.all()
    assert waiting.status == Invitation.Status.OPEN
    assert waiting.invited_by == somu
    assert Group.objects.get(name=Role.ADMINISTRATOR).user_set.count() == 1


@pytest.mark.django_db
def test_administrators_must_use_two_factor_when_staff_must(client_for, administrator, settings):
    settings.TSUNAGU_STAFF_MFA_REQUIRED = True
    response = client_for(administrator).get("/staff/accounts/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
